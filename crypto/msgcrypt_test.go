package crypto

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVerifyURLVector(t *testing.T) {
	c := newVecCrypt(t)
	got, err := c.VerifyURL(vecURLSignature, vecURLTimestamp, vecURLNonce, vecEchoStr)
	require.NoError(t, err)
	require.Equal(t, vecEchoPlain, string(got))

	got, rid, err := c.VerifyURLWithReceiveID(vecURLSignature, vecURLTimestamp, vecURLNonce, vecEchoStr)
	require.NoError(t, err)
	require.Equal(t, vecEchoPlain, string(got))
	require.Equal(t, vecReceiveID, rid)
}

func TestDecryptMsgVector(t *testing.T) {
	c := newVecCrypt(t)
	got, err := c.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
	require.NoError(t, err)
	require.Equal(t, vecPlain, string(got))
	require.Len(t, got, 284)
	require.Equal(t, len(got), cap(got), "the plaintext must not expose the receive id through its capacity")

	got, rid, err := c.DecryptMsgWithReceiveID(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
	require.NoError(t, err)
	require.Equal(t, vecPlain, string(got))
	require.Equal(t, vecReceiveID, rid)
}

func TestEncryptMsgVector(t *testing.T) {
	// With the vector's random prefix, EncryptMsg must reproduce the official
	// Encrypt value, and — since the vector's timestamp and nonce are reused —
	// the official msg_signature.
	c := newVecCrypt(t, WithRandom(strings.NewReader(vecMsgRandom)))
	got, err := c.EncryptMsg([]byte(vecPlain), vecMsgTimestamp, vecMsgNonce)
	require.NoError(t, err)
	want := "<xml><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt><MsgSignature><![CDATA[" + vecMsgSignature +
		"]]></MsgSignature><TimeStamp>" + vecMsgTimestamp + "</TimeStamp><Nonce><![CDATA[" + vecMsgNonce + "]]></Nonce></xml>"
	require.Equal(t, want, string(got))

	// And the echostr vector.
	c = newVecCrypt(t, WithRandom(strings.NewReader(vecEchoRandom)))
	ct := make([]byte, sealedLen(len(vecEchoPlain), len(vecReceiveID)))
	require.NoError(t, c.sealInto(ct, []byte(vecEchoPlain), vecReceiveID))
	require.Equal(t, vecEchoStr, base64.StdEncoding.EncodeToString(ct))
}

func TestEncryptMsgJSON(t *testing.T) {
	c := newVecCrypt(t, WithRandom(strings.NewReader(vecMsgRandom)))
	got, err := c.EncryptMsgJSON([]byte(vecPlain), vecMsgTimestamp, vecMsgNonce)
	require.NoError(t, err)
	want := `{"encrypt":"` + vecEncrypt + `","msgsignature":"` + vecMsgSignature +
		`","timestamp":` + vecMsgTimestamp + `,"nonce":"` + vecMsgNonce + `"}`
	require.Equal(t, want, string(got))

	// The JSON reply is itself a valid JSON envelope for DecryptMsg.
	plain, err := newVecCrypt(t).DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, got)
	require.NoError(t, err)
	require.Equal(t, vecPlain, string(plain))
}

func TestEncryptMsgReplyParams(t *testing.T) {
	c := newVecCrypt(t)
	for _, tc := range []struct{ ts, nonce string }{
		{"", "1"}, {"1", ""}, {"12a", "1"}, {"-1", "1"}, {"1", "a]]>b"}, {"1", "a\"b"}, {"1", "a b"}, {"1", "<x>"},
	} {
		_, err := c.EncryptMsg([]byte("x"), tc.ts, tc.nonce)
		requireCode(t, err, ErrGenReturnXML)
		_, err = c.EncryptMsgJSON([]byte("x"), tc.ts, tc.nonce)
		requireCode(t, err, ErrGenReturnXML)
	}
	_, err := c.EncryptMsg([]byte("x"), "0123", "aZ-_.9")
	require.NoError(t, err)
}

func TestEncryptMsgRandomFailure(t *testing.T) {
	c := newVecCrypt(t, WithRandom(strings.NewReader("short")))
	_, err := c.EncryptMsg([]byte("x"), "1", "1")
	requireCode(t, err, ErrEncryptAES)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestNewKeyValidation(t *testing.T) {
	for _, key := range []string{
		"",
		vecKey[:42],
		vecKey + "A",
		vecKey[:42] + "=",
		vecKey[:42] + "-",
		vecKey[:42] + "é"[:1],
		strings.Repeat(" ", 43),
	} {
		_, err := New(vecToken, key, vecReceiveID)
		requireCode(t, err, ErrIllegalAESKey)
		if key != "" {
			require.NotContains(t, err.Error(), key)
		}
	}
	// '+' and '/' belong to the base64 alphabet; the 43rd character's unused
	// bits need not be zero ("C" in the vector key has them set).
	_, err := New(vecToken, strings.Repeat("+/", 21)+"C", "")
	require.NoError(t, err)

	_, err = New("", vecKey, vecReceiveID)
	require.Error(t, err)
}

func TestRoundTripProperty(t *testing.T) {
	// Every length 0 … 1100 (all 32 residues many times over) plus random
	// lengths up to 70,000, with random receive ids: every padding length
	// 1 … 32 must occur and round-trip.
	rng := mathrand.New(mathrand.NewSource(1))
	lengths := make([]int, 0, 1200)
	for n := 0; n <= 1100; n++ {
		lengths = append(lengths, n)
	}
	for i := 0; i < 60; i++ {
		lengths = append(lengths, rng.Intn(70001))
	}
	lengths = append(lengths, 70000)

	pads := map[int]bool{}
	for i, n := range lengths {
		rid := randomID(rng)
		c, err := New(vecToken, vecKey, rid)
		require.NoError(t, err)
		msg := make([]byte, n)
		_, _ = rng.Read(msg)
		ts, nonce := fmt.Sprint(1700000000+i), fmt.Sprint(rng.Int63())

		env, err := c.EncryptMsg(msg, ts, nonce)
		require.NoError(t, err)
		enc, _, err := parseEnvelope(env)
		require.NoError(t, err)
		sig := Signature(vecToken, ts, nonce, string(enc))
		require.Contains(t, string(env), "<MsgSignature><![CDATA["+sig+"]]>")

		got, gotRID, err := c.DecryptMsgWithReceiveID(sig, ts, nonce, env)
		require.NoError(t, err, "length %d", n)
		require.True(t, bytes.Equal(msg, got), "length %d", n)
		require.Equal(t, rid, gotRID)

		pads[32-(headerLen+n+len(rid))%32] = true
	}
	for p := 1; p <= 32; p++ {
		require.True(t, pads[p], "padding %d never occurred", p)
	}
}

func randomID(rng *mathrand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, rng.Intn(40))
	for i := range b {
		b[i] = alphabet[rng.Intn(len(alphabet))]
	}
	return string(b)
}

func TestReceiveIDs(t *testing.T) {
	seal := func(rid string) (string, []byte) {
		c, err := New(vecToken, vecKey, rid)
		require.NoError(t, err)
		env, err := c.EncryptMsg([]byte("<xml/>"), vecMsgTimestamp, vecMsgNonce)
		require.NoError(t, err)
		enc, _, err := parseEnvelope(env)
		require.NoError(t, err)
		return Signature(vecToken, vecMsgTimestamp, vecMsgNonce, string(enc)), env
	}

	sig, env := seal("corpB")
	_, err := newVecCrypt(t).DecryptMsg(sig, vecMsgTimestamp, vecMsgNonce, env)
	requireCode(t, err, ErrInvalidReceiveID)

	_, rid, err := newVecCrypt(t, WithReceiveIDs("corpA", "corpB")).DecryptMsgWithReceiveID(sig, vecMsgTimestamp, vecMsgNonce, env)
	require.NoError(t, err)
	require.Equal(t, "corpB", rid)

	var seen []string
	accept := func(id string) bool { seen = append(seen, id); return strings.HasPrefix(id, "corp") }
	_, rid, err = newVecCrypt(t, WithReceiveIDFunc(accept)).DecryptMsgWithReceiveID(sig, vecMsgTimestamp, vecMsgNonce, env)
	require.NoError(t, err)
	require.Equal(t, "corpB", rid)
	require.Equal(t, []string{"corpB"}, seen)

	sig, env = seal("other")
	_, err = newVecCrypt(t, WithReceiveIDFunc(accept)).DecryptMsg(sig, vecMsgTimestamp, vecMsgNonce, env)
	requireCode(t, err, ErrInvalidReceiveID)

	// The empty receive id (smart bots, individual developers' apps).
	sig, env = seal("")
	c, err := New(vecToken, vecKey, "")
	require.NoError(t, err)
	_, rid, err = c.DecryptMsgWithReceiveID(sig, vecMsgTimestamp, vecMsgNonce, env)
	require.NoError(t, err)
	require.Equal(t, "", rid)
	_, err = newVecCrypt(t).DecryptMsg(sig, vecMsgTimestamp, vecMsgNonce, env)
	requireCode(t, err, ErrInvalidReceiveID)

	// WithReceiveIDs copies its arguments.
	ids := []string{"corpB"}
	opt := WithReceiveIDs(ids...)
	ids[0] = "changed"
	sig, env = seal("corpB")
	_, err = newVecCrypt(t, opt).DecryptMsg(sig, vecMsgTimestamp, vecMsgNonce, env)
	require.NoError(t, err)
}

func TestDecryptMsgBadInput(t *testing.T) {
	c := newVecCrypt(t)
	const rnd = "0123456789abcdef"
	msg := "<xml><Content><![CDATA[hi]]></Content></xml>"
	n := headerLen + len(msg) + len(vecReceiveID)
	good := layout(rnd, uint32(len(msg)), msg, vecReceiveID, pkcs7(n))
	require.Equal(t, 0, len(good)%32)

	withLast := func(b []byte, last ...byte) []byte {
		out := append([]byte(nil), b...)
		copy(out[len(out)-len(last):], last)
		return out
	}
	truncated := vecEncrypt[:len(vecEncrypt)-3]
	tests := []struct {
		name string
		enc  string
		want *Error
	}{
		{"valid", rawSeal(t, good), nil},
		{"truncated base64", truncated, ErrDecodeBase64},
		{"garbled base64", strings.Replace(vecEncrypt, "R", "*", 1), ErrDecodeBase64},
		{"base64 without padding", strings.TrimRight(vecEncrypt, "="), ErrDecodeBase64},
		{"one block short of a multiple of 16", vecEncrypt[:len(vecEncrypt)-4*4-4] + "AA==", ErrDecryptAES},
		{"16 bytes, not a multiple of 32", rawSeal(t, bytes.Repeat([]byte{16}, 16)), ErrIllegalBuffer},
		{"padding 0", rawSeal(t, withLast(good, 0)), ErrIllegalBuffer},
		{"padding 33", rawSeal(t, withLast(good, 33)), ErrIllegalBuffer},
		{"padding 255", rawSeal(t, withLast(good, 255)), ErrIllegalBuffer},
		{"inconsistent padding bytes", rawSeal(t, inconsistentPad(good)), ErrIllegalBuffer},
		{"only padding", rawSeal(t, bytes.Repeat([]byte{32}, 32)), ErrIllegalBuffer},
		{"shorter than the header", rawSeal(t, append([]byte(rnd+"\x00\x00\x00"), pkcs7(19)...)), ErrIllegalBuffer},
		{"length beyond the buffer", rawSeal(t, layout(rnd, uint32(len(msg)+len(vecReceiveID)+1), msg, vecReceiveID, pkcs7(n))), ErrIllegalBuffer},
		{"length 2^32-1", rawSeal(t, layout(rnd, 1<<32-1, msg, vecReceiveID, pkcs7(n))), ErrIllegalBuffer},
		{"wrong receive id", rawSeal(t, layout(rnd, uint32(len(msg)), msg, "wx5823bf96d3bd56c8", pkcs7(n))), ErrInvalidReceiveID},
		{"receive id prefix", rawSeal(t, layout(rnd, uint32(len(msg)), msg, vecReceiveID[:17], pkcs7(n-1))), ErrInvalidReceiveID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sig, body := signedBody(tc.enc)
			got, err := c.DecryptMsg(sig, vecMsgTimestamp, vecMsgNonce, body)
			if tc.want == nil {
				require.NoError(t, err)
				require.Equal(t, msg, string(got))
				return
			}
			requireCode(t, err, tc.want)
			require.Nil(t, got)
			// VerifyURL shares the decryption and must agree.
			sig = Signature(vecToken, vecURLTimestamp, vecURLNonce, tc.enc)
			_, err = c.VerifyURL(sig, vecURLTimestamp, vecURLNonce, tc.enc)
			requireCode(t, err, tc.want)
		})
	}
}

// inconsistentPad returns b (validly padded) with one padding byte changed.
func inconsistentPad(b []byte) []byte {
	out := append([]byte(nil), b...)
	p := int(out[len(out)-1])
	if p < 2 {
		panic("test needs a padding of at least 2")
	}
	out[len(out)-2]++
	return out
}

func TestSignatureChecks(t *testing.T) {
	c := newVecCrypt(t)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		return string(b)
	}
	// Each case mutates the valid signature of each vector the same way.
	for name, mutate := range map[string]func(string) string{
		"empty":           func(string) string { return "" },
		"first char":      func(s string) string { return flip(s, 0) },
		"last char":       func(s string) string { return flip(s, 39) },
		"upper case":      strings.ToUpper,
		"too short":       func(s string) string { return s[:39] },
		"too long":        func(s string) string { return s + "0" },
		"sha1 of nothing": func(string) string { return "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		"the other vector's": func(s string) string {
			if s == vecMsgSignature {
				return vecURLSignature
			}
			return vecMsgSignature
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.DecryptMsg(mutate(vecMsgSignature), vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
			requireCode(t, err, ErrInvalidSignature)
			_, err = c.VerifyURL(mutate(vecURLSignature), vecURLTimestamp, vecURLNonce, vecEchoStr)
			requireCode(t, err, ErrInvalidSignature)
		})
	}
	// Timestamp and nonce are signed: changing either breaks the signature.
	_, err := c.DecryptMsg(vecMsgSignature, vecMsgTimestamp+"0", vecMsgNonce, []byte(vecBody))
	requireCode(t, err, ErrInvalidSignature)
	_, err = c.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce+"0", []byte(vecBody))
	requireCode(t, err, ErrInvalidSignature)
	// Another token.
	other, err := New("other", vecKey, vecReceiveID)
	require.NoError(t, err)
	_, err = other.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
	requireCode(t, err, ErrInvalidSignature)
}

func TestSignatureSorting(t *testing.T) {
	// The four values are sorted, so any permutation of the arguments that
	// keeps the multiset gives the same signature, and every value matters.
	vals := []string{vecToken, vecMsgTimestamp, vecMsgNonce, vecEncrypt}
	want := Signature(vals[0], vals[1], vals[2], vals[3])
	require.Equal(t, vecMsgSignature, want)
	perm := [][4]int{{3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}, {0, 3, 2, 1}}
	for _, p := range perm {
		require.Equal(t, want, Signature(vals[p[0]], vals[p[1]], vals[p[2]], vals[p[3]]))
	}
	// Ties and empty values.
	require.Equal(t, Signature("a", "a", "", "b"), Signature("b", "", "a", "a"))
	require.NotEqual(t, Signature("a", "b", "c", "d"), Signature("a", "b", "c", "e"))
	// A value longer than the stack buffer.
	long := strings.Repeat("x", 5000)
	require.Equal(t, Signature(long, "1", "2", "3"), Signature("3", "2", "1", long))
}

func TestConcurrentUse(t *testing.T) {
	c := newVecCrypt(t, WithRandom(rand.Reader))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				plain, err := c.DecryptMsg(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
				if err != nil || string(plain) != vecPlain {
					errs <- fmt.Errorf("decrypt: %v", err)
					return
				}
				msg := []byte(fmt.Sprintf("<xml><Content>%d-%d</Content></xml>", g, i))
				env, err := c.EncryptMsg(msg, "1", "2")
				if err != nil {
					errs <- err
					return
				}
				enc, _, _ := parseEnvelope(env)
				got, err := c.DecryptMsg(Signature(vecToken, "1", "2", string(enc)), "1", "2", env)
				if err != nil || !bytes.Equal(got, msg) {
					errs <- fmt.Errorf("round trip: %v", err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNoSecretsInOutput(t *testing.T) {
	c := newVecCrypt(t)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		for _, v := range []any{c, *c, struct{ C *MsgCrypt }{c}} {
			out := fmt.Sprintf(format, v)
			require.NotContains(t, out, vecToken, format)
			require.NotContains(t, out, vecKey, format)
			require.NotContains(t, out, fmt.Sprintf("%x", []byte(vecToken)), format)
		}
	}
	require.Contains(t, c.String(), vecReceiveID)

	// Errors of every kind name neither the token, the key nor content.
	errs := []error{}
	_, err := c.DecryptMsg("x", vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
	errs = append(errs, err)
	_, err = ParseEvent([]byte("<xml><Content>hello</Content><CreateTime>hello</CreateTime></xml>"))
	errs = append(errs, err)
	_, err = ParseEvent([]byte("<xml><Content>hello &secret;</Content></xml>"))
	errs = append(errs, err)
	_, err = ParseEvent([]byte("<xml><hello></world></xml>"))
	errs = append(errs, err)
	sig, body := signedBody(rawSeal(t, layout("0123456789abcdef", 5, "hello", "secretcorp", pkcs7(35))))
	_, err = c.DecryptMsg(sig, vecMsgTimestamp, vecMsgNonce, body)
	errs = append(errs, err)
	for _, err := range errs {
		require.Error(t, err)
		for _, secret := range []string{vecToken, vecKey, "hello", "secret", "world"} {
			require.NotContains(t, err.Error(), secret)
		}
	}
}

func TestErrorType(t *testing.T) {
	err := newError(ErrDecodeBase64, "detail", io.ErrUnexpectedEOF)
	require.Equal(t, "crypto: DecodeBase64_Error (-40010): detail: unexpected EOF", err.Error())
	require.ErrorIs(t, err, ErrDecodeBase64)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.NotErrorIs(t, err, ErrDecryptAES)
	wrapped := fmt.Errorf("outer: %w", err)
	var e *Error
	require.True(t, errors.As(wrapped, &e))
	require.Equal(t, -40010, e.Code)

	codes := map[int]bool{}
	for _, s := range []*Error{ErrInvalidSignature, ErrParseXML, ErrComputeSignature, ErrIllegalAESKey,
		ErrInvalidReceiveID, ErrEncryptAES, ErrDecryptAES, ErrIllegalBuffer, ErrEncodeBase64, ErrDecodeBase64, ErrGenReturnXML} {
		require.NotContains(t, s.Error(), "unknown")
		codes[s.Code] = true
	}
	for code := -40011; code <= -40001; code++ {
		require.True(t, codes[code], "no sentinel for %d", code)
	}
}
