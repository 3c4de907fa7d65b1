package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The demo corporation: the appid and signing secret of the tax cloud's
// worked example (CONTRACT.md), so that it can be followed by hand. The
// secret is public, which is why the demo listens on loopback by default.
const (
	demoCorpID     = "ww86331f9cf933b4b8"
	demoAgentID    = 1000002
	demoSignSecret = "pwd"
)

// demoEnv is an in-process fake WeCom with a few members.
type demoEnv struct {
	srv    *wecomtest.Server
	secret string
}

// withDemo starts the demo's fake WeCom when cfg asks for -demo, points cfg
// at it and logs so; otherwise it returns a nil demoEnv and cfg as it is.
func withDemo(cfg config, log *serve.Log) (*demoEnv, config) {
	if !cfg.Demo {
		return nil, cfg
	}
	d := startDemo()
	cfg = d.configure(cfg)
	log.Demo(cfg.BaseURL)
	return d, cfg
}

func startDemo() *demoEnv {
	d := &demoEnv{secret: "demo-secret-" + randomHex(8)}
	d.srv = wecomtest.NewServer(wecomtest.WithApp(demoCorpID, wecomtest.App{AgentID: demoAgentID, Secret: d.secret}))
	for _, m := range []wecomtest.Member{
		{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com", Department: []int64{1}},
		{UserID: "lisi", Name: "李四", Mobile: "13800000002", Department: []int64{1}},
		{UserID: "wangwu", Name: "王五", Department: []int64{1}},
	} {
		d.srv.AddMember(demoCorpID, m)
	}
	return d
}

// Close stops the fake WeCom; a nil demoEnv (no -demo) has nothing to stop.
func (d *demoEnv) Close() {
	if d != nil {
		d.srv.Close()
	}
}

// configure points cfg at the fake WeCom. The listen address (and REDIS_URL)
// stay as configured.
func (d *demoEnv) configure(cfg config) config {
	cfg.CorpID = demoCorpID
	cfg.AgentID = demoAgentID
	cfg.Secret = wecom.Secret(d.secret)
	cfg.SignSecret = demoSignSecret
	cfg.SignDisabled = false
	cfg.BaseURL = d.srv.URL
	return cfg
}

// routes adds GET /demo to the bridge's routes (behind its access log),
// which prints fresh commands (codes are single-use and expire after 5
// minutes, ts after the signing window). Other methods get 405.
func (d *demoEnv) routes(mux *http.ServeMux, base string) {
	mux.HandleFunc("GET /demo", func(w http.ResponseWriter, _ *http.Request) {
		var b bytes.Buffer
		d.printCommands(&b, base)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(b.Bytes())
	})
}

// printCommands writes ready-to-paste curl commands, freshly signed, each
// with a new single-use code.
func (d *demoEnv) printCommands(w io.Writer, base string) {
	now := time.Now()
	sign := func(path string, q url.Values) string {
		return fmt.Sprintf("curl '%s%s?%s'\n", base, path, signer.SignQuery(q, demoSignSecret, now).Encode())
	}
	code := func(userID string) string {
		return d.srv.NewCode(demoCorpID, demoAgentID, userID, wecomtest.ScopePrivateInfo)
	}
	fmt.Fprintf(w, "\ntaxcloud-bridge demo — a fake WeCom runs in-process; nothing reaches the real WeCom.\n")
	fmt.Fprintf(w, "Listening on %s", base)
	if strings.HasPrefix(base, "http://127.") || strings.HasPrefix(base, "http://[::1]") {
		fmt.Fprintf(w, " (loopback only: the demo's signing secret is public; LISTEN_ADDR=:8080 opens it to the network)")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "appid (corpid): %s   signing secret: %s\n", demoCorpID, demoSignSecret)
	fmt.Fprintf(w, "Each code works once, for 5 minutes. Fresh commands: curl '%s/demo'\n\n", base)
	fmt.Fprintf(w, "# 张三: email and mobile, from a private-info (snsapi_privateinfo) code → 0000\n")
	fmt.Fprint(w, sign("/userinfo", url.Values{"appid": {demoCorpID}, "code": {code("zhangsan")}}))
	fmt.Fprintf(w, "# 李四: mobile only → 0000\n")
	fmt.Fprint(w, sign("/userinfo", url.Values{"appid": {demoCorpID}, "code": {code("lisi")}}))
	fmt.Fprintf(w, "# 王五: neither email nor mobile visible to the app → 4103\n")
	fmt.Fprint(w, sign("/userinfo", url.Values{"appid": {demoCorpID}, "code": {code("wangwu")}}))
	fmt.Fprintf(w, "# someone who is not a member of the corporation → 4102\n")
	fmt.Fprint(w, sign("/userinfo", url.Values{"appid": {demoCorpID}, "code": {d.srv.NewNonMemberCode(demoCorpID, "o-demo-visitor")}}))
	fmt.Fprintf(w, "# wx.config parameters for the invoice-folder page → 0000\n")
	fmt.Fprint(w, sign("/js-sdk", url.Values{"appid": {demoCorpID}, "pageUrl": {"https://yesfp.yonyoucloud.com/invoice-folder/index.html?from=wecom"}}))
	fmt.Fprintln(w)
}
