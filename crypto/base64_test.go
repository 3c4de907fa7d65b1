package crypto

import (
	"encoding/base64"
	mathrand "math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEncodeBase64TailMatchesStdlib(t *testing.T) {
	rng := mathrand.New(mathrand.NewSource(2))
	for n := 0; n <= 1200; n++ {
		src := make([]byte, n)
		_, _ = rng.Read(src)
		buf := make([]byte, base64.StdEncoding.EncodedLen(n))
		copy(buf[len(buf)-n:], src)
		encodeBase64Tail(buf, n)
		require.Equal(t, base64.StdEncoding.EncodeToString(src), string(buf), "n=%d", n)
	}
}

// checkDecode compares decodeBase64 with encoding/base64 on src.
func checkDecode(t *testing.T, src []byte) {
	t.Helper()
	want := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	wn, werr := base64.StdEncoding.Decode(want, src)
	got := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	gn, gerr := decodeBase64(got, src)
	if werr != nil {
		require.Error(t, gerr, "%q", src)
		require.Equal(t, werr.Error(), gerr.Error(), "%q", src)
		return
	}
	require.NoError(t, gerr, "%q", src)
	require.Equal(t, want[:wn], got[:gn], "%q", src)
}

func TestDecodeBase64MatchesStdlib(t *testing.T) {
	rng := mathrand.New(mathrand.NewSource(3))
	for n := 0; n <= 400; n++ {
		src := make([]byte, n)
		_, _ = rng.Read(src)
		enc := []byte(base64.StdEncoding.EncodeToString(src))
		checkDecode(t, enc)
		// Mutations: a character outside the alphabet, padding moved,
		// line breaks (which encoding/base64 skips), truncation, non-zero
		// trailing bits.
		if len(enc) > 0 {
			for _, ch := range []byte{'=', '-', '_', '\n', '\r', ' ', 0x80, 'A'} {
				m := append([]byte(nil), enc...)
				m[rng.Intn(len(m))] = ch
				checkDecode(t, m)
			}
			checkDecode(t, enc[:len(enc)-1])
			checkDecode(t, append(append([]byte(nil), enc[:len(enc)/2]...), append([]byte("\r\n"), enc[len(enc)/2:]...)...))
			checkDecode(t, append(append([]byte(nil), enc...), "===="...))
		}
	}
	for _, s := range []string{"", "=", "==", "===", "====", "A===", "AA==", "AB==", "AAA=", "AAB=", "AAAA", "AA=A", "A=AA",
		"AAAA====", "AAAAAA==", "\n\n\n\n", "AA==\n", "\nAA==", "QQ==QQ==", "QUJD", "QUJDRA"} {
		checkDecode(t, []byte(s))
	}
}
