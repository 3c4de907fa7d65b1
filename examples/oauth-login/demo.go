package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The demo corporation and app.
const (
	demoCorpID  = "wwdemo0auth10gin"
	demoAgentID = 1000002
)

// demoEnv is an in-process fake WeCom with a few members, whose login
// pages let the visitor pick one of them.
type demoEnv struct {
	srv    *wecomtest.Server
	secret string
}

// demoMembers are the demo's directory: one member with mobile and email,
// one with a mobile only, one with neither.
func demoMembers() []wecomtest.Member {
	return []wecomtest.Member{
		{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com", Position: "工程师", Department: []int64{1, 2}},
		{UserID: "lisi", Name: "李四", Mobile: "13800000002", Position: "产品经理", Department: []int64{2}},
		{UserID: "wangwu", Name: "王五", Department: []int64{3}},
	}
}

// demoDepartments are the demo's departments, with Chinese and English
// names.
func demoDepartments() []wecomtest.Department {
	return []wecomtest.Department{
		{ID: 1, Name: "示例公司", NameEn: "Demo Co."},
		{ID: 2, ParentID: 1, Name: "研发部", NameEn: "R&D"},
		{ID: 3, ParentID: 1, Name: "市场部", NameEn: "Marketing"},
	}
}

func startDemo() *demoEnv {
	d := &demoEnv{secret: "demo-secret-" + randomHex(8)}
	d.srv = wecomtest.NewServer(wecomtest.WithApp(demoCorpID, wecomtest.App{AgentID: demoAgentID, Secret: d.secret}))
	for _, dep := range demoDepartments() {
		d.srv.AddDepartment(demoCorpID, dep)
	}
	for _, m := range demoMembers() {
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

// configure points cfg at the fake WeCom and its login pages. A
// PUBLIC_URL or SESSION_KEY given is kept; otherwise the public URL is
// base and a key is generated.
func (d *demoEnv) configure(cfg config, base string) config {
	cfg.CorpID = demoCorpID
	cfg.AgentID = demoAgentID
	cfg.Secret = wecom.Secret(d.secret)
	cfg.BaseURL = d.srv.URL
	cfg.AuthorizeBase = d.srv.URL
	cfg.WebLoginBase = d.srv.URL
	if cfg.PublicURL == "" {
		cfg.PublicURL = base
	}
	if cfg.SessionKey.IsZero() {
		cfg.SessionKey = wecom.Secret(randomHex(32))
	}
	return cfg
}

// withDemo starts the demo's fake WeCom when cfg asks for -demo, points cfg
// at it and logs so; otherwise it returns a nil demoEnv and cfg as it is.
func withDemo(cfg config, up *serve.Up) (*demoEnv, config) {
	if !cfg.Demo {
		return nil, cfg
	}
	d := startDemo()
	cfg = d.configure(cfg, serve.BaseURL(up.Listener.Addr()))
	up.Log.Demo(cfg.BaseURL)
	return d, cfg
}

// printInstructions tells what to open.
func (d *demoEnv) printInstructions(w io.Writer, public string) {
	fmt.Fprintf(w, "\noauth-login demo — a fake WeCom runs in-process at %s; nothing reaches the real WeCom.\n", d.srv.URL)
	if strings.HasPrefix(public, "http://127.") || strings.HasPrefix(public, "http://[::1]") {
		fmt.Fprintf(w, "Listening on loopback only (LISTEN_ADDR=:8080 opens it to the network).\n")
	}
	fmt.Fprintf(w, "\n  H5 entry (as from the app's home page in the WeCom client): %s/\n", public)
	fmt.Fprintf(w, "  PC login (web login, QR code):                            %s/login\n", public)
	fmt.Fprintf(w, "\nThe fake login pages let you pick a member: ")
	for i, m := range demoMembers() {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%s (%s)", m.Name, m.UserID)
	}
	fmt.Fprintf(w, ", or a visitor who is not a member.\nThen %s/me shows who you are, with a button that signs you out (POST /logout).\n\n", public)
}
