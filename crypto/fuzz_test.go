package crypto

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// requireOfficialCode fails unless err is an *Error with an official code.
func requireOfficialCode(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code < -40011 || e.Code > -40001 {
		t.Fatalf("not an official *Error: %T %v", err, err)
	}
	return e
}

func FuzzDecryptMsg(f *testing.F) {
	f.Add(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(vecBody))
	f.Add(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte(`{"tousername":"wx5823bf96d3bd56c7","encrypt":"`+vecEncrypt+`","agentid":218}`))
	f.Add(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte("<?xml version=\"1.0\"?>\n<xml>\n <Encrypt>\n  <![CDATA["+vecEncrypt+"]]>\n </Encrypt>\n</xml>"))
	f.Add(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, []byte("<xml><AgentID>218</AgentID><Encrypt>"+vecEncrypt+"</Encrypt></xml>"))
	f.Add(vecURLSignature, vecURLTimestamp, vecURLNonce, xmlBody(vecEchoStr))
	f.Add("", "", "", []byte("<xml><Encrypt><![CDATA[]]></Encrypt></xml>"))
	f.Add("x", "1", "2", []byte("<xml><Encrypt>"+strings.Repeat("A", 64)+"</Encrypt></xml>"))
	// Raw plaintext layouts (see below): valid, bad padding, long length.
	good := layout("0123456789abcdef", 5, "<x/>!", vecReceiveID, pkcs7(headerLen+5+len(vecReceiveID)))
	f.Add("", "1", "1", good)
	f.Add("", "1", "1", append(good[:len(good)-1:len(good)-1], 0))
	f.Add("", "1", "1", layout("0123456789abcdef", 1<<20, "", "", pkcs7(headerLen)))

	c, err := New(vecToken, vecKey, vecReceiveID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sig, ts, nonce string, body []byte) {
		// As given: almost always a signature failure, never a panic.
		if _, err := c.DecryptMsg(sig, ts, nonce, body); err != nil {
			requireOfficialCode(t, err)
		}
		checkFastMatchesSlow(t, body)

		// Correctly signed: the envelope's Encrypt value goes through base64,
		// AES and the layout checks.
		if enc, _, err := parseEnvelope(body); err == nil {
			good := Signature(vecToken, ts, nonce, string(enc))
			plain, err := c.DecryptMsg(good, ts, nonce, body)
			if err != nil {
				if e := requireOfficialCode(t, err); e.Code == ErrInvalidSignature.Code {
					t.Fatalf("a correct signature was rejected")
				}
			} else {
				roundTrip(t, c, plain, ts, nonce)
			}
		}

		// body as a raw plaintext layout, encrypted with the key: exercises
		// padding, the declared length and the receive id.
		if len(body) > 0 && len(body)%16 == 0 {
			enc := rawSeal(t, body)
			plain, err := c.DecryptMsg(Signature(vecToken, ts, nonce, enc), ts, nonce, xmlBody(enc))
			if err != nil {
				requireOfficialCode(t, err)
				return
			}
			n := binary.BigEndian.Uint32(body[16:20])
			if !bytes.Equal(plain, body[20:20+n]) {
				t.Fatalf("plaintext is not the declared slice of the layout")
			}
			roundTrip(t, c, plain, ts, nonce)
		}
	})
}

// roundTrip checks that plain encrypts and decrypts back to itself.
func roundTrip(t *testing.T, c *MsgCrypt, plain []byte, ts, nonce string) {
	t.Helper()
	env, err := c.EncryptMsg(plain, ts, nonce)
	if err != nil {
		if e := requireOfficialCode(t, err); e.Code != ErrGenReturnXML.Code {
			t.Fatalf("EncryptMsg: %v", err)
		}
		ts, nonce = "1", "1"
		if env, err = c.EncryptMsg(plain, ts, nonce); err != nil {
			t.Fatalf("EncryptMsg: %v", err)
		}
	}
	enc, _, err := parseEnvelope(env)
	if err != nil {
		t.Fatalf("parsing our own envelope: %v", err)
	}
	got, err := c.DecryptMsg(Signature(vecToken, ts, nonce, string(enc)), ts, nonce, env)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("round trip failed: %v", err)
	}
}

func FuzzVerifyURL(f *testing.F) {
	f.Add(vecURLSignature, vecURLTimestamp, vecURLNonce, vecEchoStr)
	f.Add(vecMsgSignature, vecMsgTimestamp, vecMsgNonce, vecEncrypt)
	f.Add("", "", "", "")
	f.Add("x", "1", "2", vecEchoStr[:len(vecEchoStr)-2])
	f.Add("x", "1", "2", strings.ReplaceAll(vecEchoStr, "+", " "))
	f.Add("x", "1", "2", vecEchoStr[:40]+"\r\n"+vecEchoStr[40:])
	f.Add("x", "1", "2", "AAAA====")

	c, err := New(vecToken, vecKey, vecReceiveID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sig, ts, nonce, echo string) {
		if _, err := c.VerifyURL(sig, ts, nonce, echo); err != nil {
			requireOfficialCode(t, err)
		}
		plain, err := c.VerifyURL(Signature(vecToken, ts, nonce, echo), ts, nonce, echo)
		if err != nil {
			if e := requireOfficialCode(t, err); e.Code == ErrInvalidSignature.Code {
				t.Fatalf("a correct signature was rejected")
			}
		} else {
			roundTrip(t, c, plain, ts, nonce)
		}

		// The table-driven base64 decoder must agree with encoding/base64.
		src := []byte(echo)
		want := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
		wn, werr := base64.StdEncoding.Decode(want, src)
		got := make([]byte, len(want))
		gn, gerr := decodeBase64(got, src)
		if (werr == nil) != (gerr == nil) || werr == nil && !bytes.Equal(want[:wn], got[:gn]) ||
			werr != nil && werr.Error() != gerr.Error() {
			t.Fatalf("decodeBase64(%q) = %d, %v; encoding/base64: %d, %v", echo, gn, gerr, wn, werr)
		}
	})
}

func FuzzParseEvent(f *testing.F) {
	f.Add([]byte(vecPlain))
	f.Add([]byte(suiteTicketSample))
	f.Add([]byte(`<?xml version="1.0" encoding="UTF-8"?><xml><MsgType><![CDATA[event]]></MsgType><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType></ScanCodeInfo><AgentID>1</AgentID></xml>`))
	f.Add([]byte(`{"msgid":"CAIQ","from":{"userid":"u"},"msgtype":"text","text":{"content":"hi"}}`))
	f.Add([]byte("<xml><Content><![CDATA[x]]]]><![CDATA[>y]]></Content><CreateTime> 12 </CreateTime></xml>"))
	for _, s := range fastSlowDocs() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastMatchesSlow(t, data)
		ev, err := ParseEvent(data)
		if err != nil {
			if e := requireOfficialCode(t, err); e.Code != ErrParseXML.Code {
				t.Fatalf("ParseEvent: %v", err)
			}
			return
		}
		if !bytes.Equal(ev.Raw, data) {
			t.Fatalf("Raw is not the input")
		}
		if ev.IsJSON() {
			return
		}
		for name, want := range map[string]string{
			"ToUserName": ev.ToUserName, "FromUserName": ev.FromUserName, "MsgType": ev.MsgType,
			"Content": ev.Content, "InfoType": ev.InfoType, "SuiteTicket": ev.SuiteTicket,
		} {
			if v, ok := ev.Field(name); ok && v != want || !ok && want != "" {
				t.Fatalf("Field(%q) = %q, %v; the parsed field is %q", name, v, ok, want)
			}
		}
	})
}
