package crypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Vector set A: the official Go/C#/Java sample (doc 91144, https://developer.work.weixin.qq.com/document/path/91144).
const (
	vecToken     = "QDG6eK"
	vecKey       = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	vecReceiveID = "wx5823bf96d3bd56c7"
	vecAESKeyHex = "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760"

	vecURLSignature = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	vecURLTimestamp = "1409659589"
	vecURLNonce     = "263014780"
	vecEchoStr      = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	vecEchoStrURL   = "P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D"
	vecEchoPlain    = "1616140317555161061"
	vecEchoRandom   = "c41b64491c2468d0"

	vecMsgSignature = "477715d11cdb4164915debcba66cb864d751f3e6"
	vecMsgTimestamp = "1409659813"
	vecMsgNonce     = "1372623149"
	vecEncrypt      = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	vecBody         = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
	vecPlain        = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
	vecMsgRandom    = "0960688932c47ef1"
)

// newVecCrypt returns a MsgCrypt for vector set A.
func newVecCrypt(t testing.TB, opts ...Option) *MsgCrypt {
	t.Helper()
	c, err := New(vecToken, vecKey, vecReceiveID, opts...)
	require.NoError(t, err)
	return c
}

// requireCode asserts that err is an *Error with the given code, matching the
// sentinel with errors.Is as well.
func requireCode(t testing.TB, err error, sentinel *Error) {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.True(t, errors.As(err, &e), "not an *Error: %T %v", err, err)
	require.Equal(t, sentinel.Code, e.Code, "error: %v", err)
	require.ErrorIs(t, err, sentinel)
}

// rawSeal encrypts plain (already laid out and padded by the caller) with
// vector set A's key, independently of the code under test.
func rawSeal(t testing.TB, plain []byte) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(vecKey + "=")
	require.NoError(t, err)
	block, err := aes.NewCipher(key)
	require.NoError(t, err)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

// layout builds random || len || msg || rid, with declared length msgLen, and
// appends pad as given (the caller decides whether it is valid).
func layout(random string, msgLen uint32, msg, rid string, pad []byte) []byte {
	var b bytes.Buffer
	b.WriteString(random)
	_ = binary.Write(&b, binary.BigEndian, msgLen)
	b.WriteString(msg)
	b.WriteString(rid)
	b.Write(pad)
	return b.Bytes()
}

// pkcs7 returns the 32-byte-block padding for a plaintext of n bytes.
func pkcs7(n int) []byte {
	p := 32 - n%32
	return bytes.Repeat([]byte{byte(p)}, p)
}

// xmlBody wraps an Encrypt value in the usual envelope.
func xmlBody(enc string) []byte {
	return []byte("<xml><ToUserName><![CDATA[x]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
}

// signedBody returns an envelope for enc and its valid signature under vector
// set A's token and the message timestamp and nonce.
func signedBody(enc string) (sig string, body []byte) {
	return Signature(vecToken, vecMsgTimestamp, vecMsgNonce, enc), xmlBody(enc)
}

func TestVectorKey(t *testing.T) {
	key, err := decodeAESKey(vecKey)
	require.NoError(t, err)
	var hex strings.Builder
	for _, b := range key {
		hex.WriteString("0123456789abcdef"[b>>4 : b>>4+1])
		hex.WriteString("0123456789abcdef"[b&15 : b&15+1])
	}
	require.Equal(t, vecAESKeyHex, hex.String())
}
