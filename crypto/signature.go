package crypto

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
)

// signatureLen is the length of a msg_signature: SHA-1 in lowercase hex.
const signatureLen = 2 * sha1.Size

// Signature returns the msg_signature WeCom computes for a callback: the
// lowercase hex SHA-1 of the four values token, timestamp, nonce and encrypt
// (the base64 msg_encrypt, or the echostr of a URL verification) sorted as
// byte strings and concatenated (doc 91144).
func Signature(token, timestamp, nonce, encrypt string) string {
	var sig [signatureLen]byte
	signInto(&sig, token, timestamp, nonce, []byte(encrypt))
	return string(sig[:])
}

// signInto writes the msg_signature of the four values to dst. encrypt is a
// byte slice so that an envelope's Encrypt value can be signed where it lies,
// without a copy; comparisons of string(encrypt) do not allocate.
func signInto(dst *[signatureLen]byte, token, timestamp, nonce string, encrypt []byte) {
	// Sort the three strings, then place encrypt among them.
	a, b, c := token, timestamp, nonce
	if b < a {
		a, b = b, a
	}
	if c < b {
		b, c = c, b
		if b < a {
			a, b = b, a
		}
	}

	// Typical input is ~500 bytes; a larger one moves to the heap via append.
	var stack [1024]byte
	buf := stack[:0]
	switch {
	case string(encrypt) < a:
		buf = append(append(append(append(buf, encrypt...), a...), b...), c...)
	case string(encrypt) < b:
		buf = append(append(append(append(buf, a...), encrypt...), b...), c...)
	case string(encrypt) < c:
		buf = append(append(append(append(buf, a...), b...), encrypt...), c...)
	default:
		buf = append(append(append(append(buf, a...), b...), c...), encrypt...)
	}
	sum := sha1.Sum(buf)
	hex.Encode(dst[:], sum[:])
}

// checkSignature reports in constant time whether msgSignature is the
// signature of the other values. Only the length, which is public, is
// compared in variable time.
func (c *MsgCrypt) checkSignature(msgSignature, timestamp, nonce string, encrypt []byte) bool {
	if len(msgSignature) != signatureLen {
		return false
	}
	var want, got [signatureLen]byte
	signInto(&want, c.token, timestamp, nonce, encrypt)
	copy(got[:], msgSignature)
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}
