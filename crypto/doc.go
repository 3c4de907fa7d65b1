// Package crypto receives WeCom (企业微信) callbacks: it is a byte-exact Go
// implementation of the official WXBizMsgCrypt library (VerifyURL, DecryptMsg,
// EncryptMsg), an [http.Handler] that serves a callback URL, and a parser that
// turns decrypted messages and events into [Event] values.
//
//	mc, err := crypto.New(token, encodingAESKey, corpID)
//	if err != nil {
//		return err // *crypto.Error with Code -40004 for a malformed key
//	}
//	http.Handle("/wecom/callback", crypto.NewHandler(mc,
//		crypto.HandlerFunc(func(ctx context.Context, ev *crypto.Event) ([]byte, error) {
//			if ev.MsgType == "text" {
//				jobs <- ev // slow work happens after the reply
//			}
//			return nil, nil // answers "success"
//		})))
//
// WeCom signs and encrypts every push it sends to a callback URL (official doc
// 91144 "加解密方案说明"; self-built apps 90968; callback configuration 90930):
//
//   - msg_signature = hex(sha1(sort(token, timestamp, nonce, msg_encrypt)));
//   - msg_encrypt = base64(AES-256-CBC(random(16) || len(msg) (4 bytes,
//     big-endian) || msg || receiveid)), with the key decoded from the
//     43-character EncodingAESKey, the IV taken from the key's first 16 bytes,
//     and PKCS#7 padding to a multiple of 32 bytes (not 16).
//
// The receive id ("receiveid") is the corp id for a self-built app's callbacks,
// the suite id for a third-party app's instruction callbacks, and the empty
// string for apps of individual developers and for smart bots (智能机器人, doc
// 101033). [WithReceiveIDs] and [WithReceiveIDFunc] accept several.
//
// # Entry points
//
// [New] builds a [MsgCrypt] from the token, the EncodingAESKey and the receive
// id configured in the WeCom admin console. Most servers then need only
// [NewHandler], as above. Its GET answers URL verification with the
// plaintext only; its POST verifies, decrypts, parses and calls your
// [Handler]: a reply it returns is encrypted with the request's timestamp
// and nonce, no reply answers "success". A body over 1 MiB gets 413
// ([WithMaxBodyBytes]), a bad signature 401 with no detail, other bad
// requests 400, and an error or a panic in your handler 500 (logged; the
// server keeps running, WeCom retries).
//
// [ParseEvent] fills the common fields (MsgType, Event, Content, InfoType,
// SuiteID, SuiteTicket, AuthCode, AuthCorpID …); [Event.Raw] keeps the
// message and [Event.Field] reads what is not modelled. XML and JSON
// envelopes are both read, and any valid XML (CDATA or not, any element
// order, whitespace, a declaration): a fast scanner reads the usual shape
// and encoding/xml the rest, and fuzzing checks that both agree.
// Decrypting or encrypting a message costs about 2 µs and one allocation.
// [DescribeCode] says what an official error code usually means. A
// request's path through the handler is drawn in the repository's
// docs/callbacks.md.
//
// WeCom expects an answer within one second (doc 90930); slow work belongs in
// a queue, after the reply.
//
// # Errors
//
// Every failure of the WXBizMsgCrypt operations is an [*Error] whose Code is
// the official code (-40001 … -40011); the sentinels ([ErrInvalidSignature],
// [ErrParseXML], …) match by code with [errors.Is]. Error messages never carry
// the token, the EncodingAESKey or decrypted content.
//
// # Dependencies
//
// The package imports only the standard library and nothing else of wecomkit,
// so it can be copied into another project on its own.
package crypto
