package crypto

import "strconv"

// Error is a failure of a WXBizMsgCrypt operation. Code is the official error
// code of the WeCom callback library (doc 91144, ierror.py): -40001 for a bad
// signature through -40011 for a reply envelope that cannot be generated.
//
// Use [errors.As] to read the code, or [errors.Is] with one of the Err…
// sentinels, which match any *Error with the same Code. The message never
// contains the token, the EncodingAESKey or decrypted content.
type Error struct {
	// Code is the official WXBizMsgCrypt error code, e.g. -40001.
	Code int

	detail string // what went wrong, free of secrets and decrypted content
	err    error  // optional cause, equally free of them
}

// Sentinels for [errors.Is], one per official code. The names follow the
// official library (Python ierror.py: WXBizMsgCrypt_ValidateSignature_Error …).
// The official Go sample reuses -40010 for XML generation; this package uses
// -40011 as the other official libraries do.
var (
	// ErrInvalidSignature (-40001, ValidateSignature_Error): msg_signature does
	// not match the token, timestamp, nonce and encrypted message.
	ErrInvalidSignature = &Error{Code: -40001}
	// ErrParseXML (-40002, ParseXml_Error): the envelope or the decrypted
	// message is not well-formed, or the envelope has no Encrypt value.
	ErrParseXML = &Error{Code: -40002}
	// ErrComputeSignature (-40003, ComputeSignature_Error): the signature could
	// not be computed. SHA-1 cannot fail in Go; the code exists for parity.
	ErrComputeSignature = &Error{Code: -40003}
	// ErrIllegalAESKey (-40004, IllegalAesKey): the EncodingAESKey is not 43
	// characters of the base64 alphabet.
	ErrIllegalAESKey = &Error{Code: -40004}
	// ErrInvalidReceiveID (-40005, ValidateCorpid_Error): the receive id inside
	// the decrypted message is not one this MsgCrypt accepts.
	ErrInvalidReceiveID = &Error{Code: -40005}
	// ErrEncryptAES (-40006, EncryptAES_Error): encryption failed, e.g. the
	// random source returned an error.
	ErrEncryptAES = &Error{Code: -40006}
	// ErrDecryptAES (-40007, DecryptAES_Error): the ciphertext is empty or not
	// a whole number of AES blocks.
	ErrDecryptAES = &Error{Code: -40007}
	// ErrIllegalBuffer (-40008, IllegalBuffer): the decrypted buffer is
	// malformed: bad padding, too short, or a length beyond the buffer.
	ErrIllegalBuffer = &Error{Code: -40008}
	// ErrEncodeBase64 (-40009, EncodeBase64_Error): base64 encoding failed.
	// It cannot fail in Go; the code exists for parity.
	ErrEncodeBase64 = &Error{Code: -40009}
	// ErrDecodeBase64 (-40010, DecodeBase64_Error): the encrypted message is
	// not valid standard base64.
	ErrDecodeBase64 = &Error{Code: -40010}
	// ErrGenReturnXML (-40011, GenReturnXml_Error): the reply envelope cannot be
	// generated, e.g. the timestamp is not decimal or the nonce has characters
	// that cannot be embedded.
	ErrGenReturnXML = &Error{Code: -40011}
)

// codeName returns the official name of code.
func codeName(code int) string {
	switch code {
	case -40001:
		return "ValidateSignature_Error"
	case -40002:
		return "ParseXml_Error"
	case -40003:
		return "ComputeSignature_Error"
	case -40004:
		return "IllegalAesKey"
	case -40005:
		return "ValidateCorpid_Error"
	case -40006:
		return "EncryptAES_Error"
	case -40007:
		return "DecryptAES_Error"
	case -40008:
		return "IllegalBuffer"
	case -40009:
		return "EncodeBase64_Error"
	case -40010:
		return "DecodeBase64_Error"
	case -40011:
		return "GenReturnXml_Error"
	}
	return "unknown error"
}

// Error returns "crypto: <official name> (<code>)" followed by the detail.
func (e *Error) Error() string {
	s := "crypto: " + codeName(e.Code) + " (" + strconv.Itoa(e.Code) + ")"
	if e.detail != "" {
		s += ": " + e.detail
	}
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

// Unwrap returns the underlying cause, if any (e.g. a
// [encoding/base64.CorruptInputError] or the random source's error).
func (e *Error) Unwrap() error { return e.err }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrInvalidSignature) holds for every signature failure.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// newError returns an *Error with the code of sentinel and a detail.
func newError(sentinel *Error, detail string, cause error) *Error {
	return &Error{Code: sentinel.Code, detail: detail, err: cause}
}
