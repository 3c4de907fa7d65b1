package jssdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"time"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The official example of doc 90506.
func ExampleSign() {
	fmt.Println(jssdk.Sign(
		"sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
		"Wm3WZYTPz0wzccnW", 1414587457, "http://mp.weixin.qq.com?params=value"))
	// Output: 0f9de62fce790f9a083d5c99e95740ceb90c27ed
}

// The wx.config parameters for a page, as JSON for the page's script. A
// wecomtest server plays WeCom; the clock and nonce are fixed so that the
// output is stable (production code leaves out all three).
func ExampleSigner_Config() {
	clock := wecomtest.NewClock(time.Unix(1700000000, 0))
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithApp("ww1234567890abcdef", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, _ := wecom.New("ww1234567890abcdef", "app-secret", wecom.WithAgentID(1000002),
		wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now))

	signer := jssdk.New(client, jssdk.WithNonce(func() string { return "Wm3WZYTPz0wzccnW" }))
	ctx := context.Background()
	cfg, err := signer.Config(ctx, "https://app.example.com/invoice/?from=wecom#/list")
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(struct {
		AppID     string `json:"appId"`
		Timestamp int64  `json:"timestamp"`
		NonceStr  string `json:"nonceStr"`
	}{cfg.AppID, cfg.Timestamp, cfg.NonceStr})
	fmt.Println(string(b))

	// The signature covers the URL without its fragment, with the ticket
	// WeCom issued — fetched once, however many pages are signed.
	ticket := srv.JSAPITickets("ww1234567890abcdef")[0]
	fmt.Println(cfg.Signature == jssdk.Sign(ticket, cfg.NonceStr, cfg.Timestamp, "https://app.example.com/invoice/?from=wecom"))
	for i := 0; i < 100; i++ {
		_, _ = signer.Config(ctx, "https://app.example.com/invoice/")
	}
	fmt.Println("get_jsapi_ticket calls:", srv.Calls("/cgi-bin/get_jsapi_ticket"))
	// Output:
	// {"appId":"ww1234567890abcdef","timestamp":1700000000,"nonceStr":"Wm3WZYTPz0wzccnW"}
	// true
	// get_jsapi_ticket calls: 1
}

func ExampleVerifyFileHandler() {
	h := jssdk.VerifyFileHandler("WW_verify_YpAqDE4xoAPsmGSK.txt", "YpAqDE4xoAPsmGSK")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/WW_verify_YpAqDE4xoAPsmGSK.txt", nil))
	body, _ := io.ReadAll(rec.Body)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), string(body))
	// Output: 200 text/plain; charset=utf-8 YpAqDE4xoAPsmGSK
}
