package crypto

// CodeInfo explains one official WXBizMsgCrypt error code (doc 91144,
// https://developer.work.weixin.qq.com/document/path/91144) in plain
// words: what failed and what usually causes it when a callback will not
// verify. Debugging tools print it next to the error.
type CodeInfo struct {
	// Code is the official code, e.g. -40001.
	Code int
	// Name is the official library's name, e.g. ValidateSignature_Error.
	Name string
	// Meaning says what failed.
	Meaning string
	// Causes lists the usual causes, most frequent first.
	Causes []string
}

// codeInfos is the table DescribeCode reads, one entry per official code.
var codeInfos = [...]CodeInfo{
	{Code: -40001, Meaning: "the msg_signature does not match the token, timestamp, nonce and encrypted message", Causes: []string{
		"the token is not the one configured for this callback URL (each app, and the suite's data and command URLs, has its own)",
		"a '+' in echostr or Encrypt became a space: the value was URL-decoded twice, or pasted into a URL without encoding",
		"msg_signature, timestamp and nonce come from another request than the body or echostr",
		"the body was changed on its way (a proxy re-encoding it, a truncated capture)",
	}},
	{Code: -40002, Meaning: "the body is not a callback envelope, or the decrypted message is not well-formed", Causes: []string{
		"the body is not <xml><Encrypt>…</Encrypt></xml> or {\"encrypt\":…}: a truncated capture, a form-encoded body, or the already decrypted message",
		"the Encrypt element is missing or empty",
	}},
	{Code: -40003, Meaning: "the signature could not be computed", Causes: []string{
		"SHA-1 cannot fail in Go; this code exists for parity with the official libraries",
	}},
	{Code: -40004, Meaning: "the EncodingAESKey is not 43 characters of the base64 alphabet", Causes: []string{
		"the key was copied incompletely or with a space, quote or newline (it is exactly 43 characters, letters, digits, '+' and '/')",
		"the token was given where the EncodingAESKey belongs, or the other way round",
	}},
	{Code: -40005, Meaning: "the receive id inside the decrypted message is not the expected one", Causes: []string{
		"the wrong receive id: the corp id for a self-built app, the suite id for a third-party app's command callbacks, the empty string for a smart bot",
		"a third-party app's data callbacks carry the authorizing corp's id: accept several receive ids",
	}},
	{Code: -40006, Meaning: "AES encryption failed", Causes: []string{
		"the random source failed, or the message is larger than 4 GiB",
	}},
	{Code: -40007, Meaning: "the ciphertext is empty or not a whole number of AES blocks", Causes: []string{
		"the Encrypt value or echostr is truncated or was cut at a '+' or '/'",
		"the value is not a ciphertext at all (a placeholder, another field)",
	}},
	{Code: -40008, Meaning: "the decrypted buffer is malformed (bad padding or length)", Causes: []string{
		"the EncodingAESKey is wrong: a typo, the key of another app or callback URL, or a key regenerated in the admin console (the signature checked out, so the token is right)",
		"the ciphertext was altered after it was signed",
	}},
	{Code: -40009, Meaning: "base64 encoding failed", Causes: []string{
		"base64 encoding cannot fail in Go; this code exists for parity with the official libraries",
	}},
	{Code: -40010, Meaning: "the encrypted message is not valid base64", Causes: []string{
		"a '+' became a space (decoded twice) or '=' padding was lost in a copy",
		"the value was URL-encoded once more (%2B, %2F, %3D left in it)",
	}},
	{Code: -40011, Meaning: "the reply envelope cannot be generated", Causes: []string{
		"the timestamp is not decimal digits, or the nonce holds characters other than letters, digits, '-', '_' and '.'",
	}},
}

// DescribeCode returns what an official WXBizMsgCrypt error code (-40001 …
// -40011, the Code of an [*Error]) means and its usual causes, and false
// for any other code.
func DescribeCode(code int) (CodeInfo, bool) {
	i := -40001 - code
	if i < 0 || i >= len(codeInfos) {
		return CodeInfo{}, false
	}
	info := codeInfos[i]
	info.Name = codeName(code)
	info.Causes = append([]string(nil), info.Causes...) // callers may keep and change it
	return info, true
}
