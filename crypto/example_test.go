package crypto_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wecomkit/wecomkit/crypto"
)

// The values below are the official sample's (WeCom's Go/Java/C# callback
// samples): token, EncodingAESKey and corp id as configured in the admin
// console, and one URL verification and one message as WeCom sent them.
const (
	token          = "QDG6eK"
	encodingAESKey = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	corpID         = "wx5823bf96d3bd56c7"

	// A message WeCom POSTed, with the query parameters of its URL.
	msgSignature = "477715d11cdb4164915debcba66cb864d751f3e6"
	msgTimestamp = "1409659813"
	msgNonce     = "1372623149"
	msgBody      = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"

	// The URL-verification GET: its query string, exactly as sent.
	verifyQuery = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780" +
		"&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D"
)

func ExampleMsgCrypt_VerifyURL() {
	mc, err := crypto.New(token, encodingAESKey, corpID)
	if err != nil {
		log.Fatal(err)
	}
	// The parameters are the URL-decoded query values of WeCom's GET.
	plain, err := mc.VerifyURL(
		"5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
		"P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==")
	if err != nil {
		log.Fatal(err) // *crypto.Error: -40001 for a bad signature, …
	}
	// Answer with exactly these bytes: no quotes, no BOM, no newline.
	fmt.Printf("%s", plain)
	// Output: 1616140317555161061
}

func ExampleMsgCrypt_DecryptMsg() {
	mc, err := crypto.New(token, encodingAESKey, corpID)
	if err != nil {
		log.Fatal(err)
	}
	plain, err := mc.DecryptMsg(msgSignature, msgTimestamp, msgNonce, []byte(msgBody))
	if err != nil {
		log.Fatal(err)
	}
	ev, err := crypto.ParseEvent(plain)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.MsgType, ev.FromUserName, ev.Content, ev.AgentID)
	// Output: text mycreate hello 218
}

func ExampleMsgCrypt_EncryptMsg() {
	// A fixed random source makes encryption deterministic: with the official
	// sample's random prefix the reply carries the sample's ciphertext and
	// signature. Production code leaves the default (crypto/rand).
	mc, err := crypto.New(token, encodingAESKey, corpID,
		crypto.WithRandom(strings.NewReader("0960688932c47ef1")))
	if err != nil {
		log.Fatal(err)
	}
	reply := "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
	// The official samples reuse the request's timestamp and nonce.
	env, err := mc.EncryptMsg([]byte(reply), msgTimestamp, msgNonce)
	if err != nil {
		log.Fatal(err)
	}
	enc, _, _ := strings.Cut(strings.TrimPrefix(string(env), "<xml><Encrypt><![CDATA["), "]]>")
	fmt.Println("the sample's ciphertext:", strings.Contains(msgBody, enc))
	fmt.Println(strings.Replace(string(env), enc, "…", 1))
	// Output:
	// the sample's ciphertext: true
	// <xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[477715d11cdb4164915debcba66cb864d751f3e6]]></MsgSignature><TimeStamp>1409659813</TimeStamp><Nonce><![CDATA[1372623149]]></Nonce></xml>
}

func ExampleNewHandler() {
	mc, err := crypto.New(token, encodingAESKey, corpID)
	if err != nil {
		log.Fatal(err)
	}
	h := crypto.NewHandler(mc, crypto.HandlerFunc(func(ctx context.Context, ev *crypto.Event) ([]byte, error) {
		if ev.MsgType == "text" {
			fmt.Printf("%s says %q\n", ev.FromUserName, ev.Content)
		}
		// nil: answer "success". A plaintext XML reply would be encrypted
		// and sent back instead.
		return nil, nil
	}))
	// In a server: http.Handle("/wecom/callback", h). Here, two requests as
	// WeCom sends them: the URL verification, then a message.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/wecom/callback?"+verifyQuery, nil))
	fmt.Println(rec.Code, rec.Body.String())

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost,
		"/wecom/callback?msg_signature="+msgSignature+"&timestamp="+msgTimestamp+"&nonce="+msgNonce,
		strings.NewReader(msgBody)))
	fmt.Println(rec.Code, rec.Body.String())
	// Output:
	// 200 1616140317555161061
	// mycreate says "hello"
	// 200 success
}
