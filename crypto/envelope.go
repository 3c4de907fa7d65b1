package crypto

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// parseEnvelope extracts the Encrypt value from a callback body. Two forms
// exist:
//
//   - XML, used by app and suite callbacks (doc 91144, GOSAMPLE WXBizMsg4Recv):
//     <xml><ToUserName/><Encrypt/><AgentID/></xml>, in any order, CDATA or
//     plain text, with or without an XML declaration;
//   - JSON, used by newer callbacks such as smart bots (doc 101033):
//     {"tousername":"…","encrypt":"…","agentid":…}.
//
// Only Encrypt is needed: ToUserName and AgentID are repeated, authenticated,
// inside the encrypted message. For the XML form, enc aliases body whenever the
// fast scanner applies.
func parseEnvelope(body []byte) (enc []byte, isJSON bool, err error) {
	if isJSONDoc(body) {
		enc, err = parseJSONEnvelope(bytes.TrimPrefix(body, bom))
		return enc, true, err
	}
	err = walkFields(body, func(name, value []byte, nested bool) error {
		if string(name) == "Encrypt" {
			if nested {
				return errNested("Encrypt")
			}
			enc = value
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if len(enc) == 0 {
		return nil, false, newError(ErrParseXML, "the envelope has no Encrypt value", nil)
	}
	return enc, false, nil
}

// parseJSONEnvelope reads the JSON form. Key matching is case-insensitive, as
// encoding/json does; other keys (tousername, agentid, whose type varies) are
// ignored.
func parseJSONEnvelope(body []byte) ([]byte, error) {
	var v struct {
		Encrypt *string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, newError(ErrParseXML, "the JSON envelope is malformed", nil)
	}
	if v.Encrypt == nil || *v.Encrypt == "" {
		return nil, newError(ErrParseXML, "the JSON envelope has no encrypt value", nil)
	}
	return []byte(*v.Encrypt), nil
}

// Pieces of the XML reply envelope, in the official Go sample's layout
// (WXBizMsg4Send marshalled by encoding/xml: no newlines, TimeStamp without
// CDATA).
const (
	xmlReplyEncrypt   = "<xml><Encrypt><![CDATA["
	xmlReplySignature = "]]></Encrypt><MsgSignature><![CDATA["
	xmlReplyTimestamp = "]]></MsgSignature><TimeStamp>"
	xmlReplyNonce     = "</TimeStamp><Nonce><![CDATA["
	xmlReplyEnd       = "]]></Nonce></xml>"

	jsonReplyEncrypt   = `{"encrypt":"`
	jsonReplySignature = `","msgsignature":"`
	jsonReplyTimestamp = `","timestamp":`
	jsonReplyNonce     = `,"nonce":"`
	jsonReplyEnd       = `"}`
)

// checkReplyParams makes sure timestamp and nonce can be embedded verbatim in
// both reply forms: the timestamp is plain XML text and a JSON number, the
// nonce sits in CDATA and in a JSON string. WeCom sends decimal timestamps and
// nonces.
func checkReplyParams(timestamp, nonce string) error {
	if timestamp == "" || nonce == "" {
		return newError(ErrGenReturnXML, "the timestamp and the nonce must not be empty", nil)
	}
	for i := 0; i < len(timestamp); i++ {
		if c := timestamp[i]; c < '0' || c > '9' {
			return newError(ErrGenReturnXML, "the timestamp must be decimal digits", nil)
		}
	}
	for i := 0; i < len(nonce); i++ {
		c := nonce[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '_' || c == '.') {
			return newError(ErrGenReturnXML, "the nonce must be letters, digits, '-', '_' or '.'", nil)
		}
	}
	return nil
}

// replyEnvelope encrypts reply and wraps it in the reply envelope, in one
// allocation of the exact size: the ciphertext is built at the end of the
// space reserved for its base64 text, which encodeBase64Tail then expands in
// place, and the text is signed where it lies.
func (c *MsgCrypt) replyEnvelope(reply []byte, receiveID, timestamp, nonce string, asJSON bool) ([]byte, error) {
	p := [5]string{xmlReplyEncrypt, xmlReplySignature, xmlReplyTimestamp, xmlReplyNonce, xmlReplyEnd}
	if asJSON {
		p = [5]string{jsonReplyEncrypt, jsonReplySignature, jsonReplyTimestamp, jsonReplyNonce, jsonReplyEnd}
	}
	ctLen := sealedLen(len(reply), len(receiveID))
	encLen := base64.StdEncoding.EncodedLen(ctLen)
	size := len(p[0]) + encLen + len(p[1]) + signatureLen + len(p[2]) + len(timestamp) + len(p[3]) + len(nonce) + len(p[4])
	out := make([]byte, size)
	enc := out[len(p[0]) : len(p[0])+encLen]
	if err := c.sealInto(enc[encLen-ctLen:], reply, receiveID); err != nil {
		return nil, err
	}
	encodeBase64Tail(enc, ctLen)

	var sig [signatureLen]byte
	signInto(&sig, c.token, timestamp, nonce, enc)
	w := copy(out, p[0]) + encLen
	w += copy(out[w:], p[1])
	w += copy(out[w:], sig[:])
	w += copy(out[w:], p[2])
	w += copy(out[w:], timestamp)
	w += copy(out[w:], p[3])
	w += copy(out[w:], nonce)
	copy(out[w:], p[4])
	return out, nil
}
