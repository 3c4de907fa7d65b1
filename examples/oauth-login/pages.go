package main

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
)

// WeCom's JS-SDK, whose ww.createWWLoginPanel draws the QR login panel
// inside the page (@wecom/jssdk 2.3.2 or later,
// https://developer.work.weixin.qq.com/document/path/98171).
const (
	panelScriptOrigin = "https://wwcdn.weixin.qq.com"
	panelScript       = panelScriptOrigin + "/node/open/js/wecom-jssdk-2.3.4.js"
)

// Page names.
const (
	pageLogin     = "login"
	pageMe        = "me"
	pageError     = "error"
	pageLoggedOut = "loggedout"
)

// loginData fills the PC login page.
type loginData struct {
	Link        string // WeCom's web login page
	Panel       bool   // draw WeCom's QR panel (off in the demo: it needs WeCom's CDN)
	Nonce       string // of the inline script, for the Content-Security-Policy
	AppID       string
	AgentID     int64
	RedirectURI string
	State       string
}

// meData fills the member page.
type meData struct {
	Session     session
	Departments []string // names (an id when WeCom would not say)
	Via         string   // English; the page translates it
	CSRF        string   // the sign-out form's token
}

// errorData fills an error page; Title and Message are English texts of
// the catalogue, translated by the page.
type errorData struct {
	Title, Message string
	Retry          string // where to start over
}

// layoutText is the frame of every page; each page defines its title and
// body blocks.
const layoutText = `<!doctype html>
<html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{block "title" .}}{{end}} · oauth-login</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
dt{color:#666}dd{margin:0 0 .6rem 0;font-weight:600}.button{display:inline-block;padding:.6rem 1rem;background:#0082ef;color:#fff;text-decoration:none;border-radius:4px}
#ww_login{min-height:1rem;margin:1rem 0}</style></head>
<body>{{block "body" .}}{{end}}</body></html>`

// pageTexts returns the pages' blocks; {{t "…"}} translates an English
// text of the catalogue.
func pageTexts() map[string]string {
	return map[string]string{
		pageLogin: `{{define "title"}}{{t "Sign in"}}{{end}}{{define "body"}}
<h1>{{t "Sign in with WeCom"}}</h1>
<p>{{t "Scan the QR code with the WeCom app, or open WeCom's login page:"}}</p>
<p><a id="weblogin" class="button" href="{{.Link}}">{{t "Log in with WeCom"}}</a></p>
{{if .Panel}}<div id="ww_login"></div>
<script nonce="{{.Nonce}}" src="` + panelScript + `"></script>
<script nonce="{{.Nonce}}">
if (window.ww && ww.createWWLoginPanel) {
  ww.createWWLoginPanel({
    el: "#ww_login",
    params: {login_type: "CorpApp", appid: {{.AppID}}, agentid: {{itoa .AgentID}}, redirect_uri: {{.RedirectURI}}, state: {{.State}}, redirect_type: "top"}
  });
}
</script>{{else}}<p><small>{{t "The embedded QR panel loads WeCom's script from its CDN, which the demo does without."}}</small></p>{{end}}
{{end}}`,
		pageMe: `{{define "title"}}{{.Session.Name}}{{end}}{{define "body"}}
<h1>{{t "Hello, "}}<span id="name">{{.Session.Name}}</span></h1>
<dl>
<dt>userid</dt><dd id="userid">{{.Session.UserID}}</dd>
<dt>{{t "department"}}</dt><dd id="department">{{range $i, $d := .Departments}}{{if $i}}{{t ", "}}{{end}}{{$d}}{{else}}—{{end}}</dd>
{{with .Session.Position}}<dt>{{t "position"}}</dt><dd id="position">{{.}}</dd>{{end}}
<dt>{{t "mobile"}}</dt><dd id="mobile">{{with .Session.Mobile}}{{.}}{{else}}{{t "not visible to this app"}}{{end}}</dd>
<dt>{{t "email"}}</dt><dd id="email">{{with .Session.Email}}{{.}}{{else}}{{t "not visible to this app"}}{{end}}</dd>
<dt>{{t "signed in through"}}</dt><dd id="via">{{t .Via}}</dd>
</dl>
<form method="post" action="logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button id="logout" type="submit">{{t "Sign out"}}</button></form>
{{end}}`,
		pageError: `{{define "title"}}{{t .Title}}{{end}}{{define "body"}}
<h1>{{t .Title}}</h1>
<p id="message">{{t .Message}}</p>
<p><a id="retry" class="button" href="{{.Retry}}">{{t "Start again"}}</a></p>
{{end}}`,
		pageLoggedOut: `{{define "title"}}{{t "Signed out"}}{{end}}{{define "body"}}
<h1>{{t "Signed out"}}</h1>
<p>{{t "Your session has ended."}}</p>
<p><a href="./">{{t "Sign in in the WeCom client"}}</a> · <a href="login">{{t "Sign in on a PC"}}</a></p>
{{end}}`,
	}
}

// pageSet is every page in every language, parsed once at start;
// executing them is safe for concurrent use.
type pageSet map[string]map[string]*template.Template // language → page → template

func newPageSet() pageSet {
	set := pageSet{}
	for _, lang := range []string{langZH, langEN} {
		funcs := template.FuncMap{
			"itoa": func(n int64) string { return strconv.FormatInt(n, 10) },
			"t":    func(en string) string { return translate(lang, en) },
			"lang": func() string { return map[string]string{langZH: "zh-CN", langEN: "en"}[lang] },
		}
		set[lang] = map[string]*template.Template{}
		for name, text := range pageTexts() {
			t := template.Must(template.New("layout").Funcs(funcs).Parse(layoutText))
			set[lang][name] = template.Must(t.Parse(text))
		}
	}
	return set
}

// render executes page, in the language r asks for, into a buffer first,
// so that a template failure is a clean 500 rather than half a page.
func (ps pageSet) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	var b bytes.Buffer
	if err := ps[pageLang(r)][page].ExecuteTemplate(&b, "layout", data); err != nil {
		http.Error(w, "500 internal error: cannot render the page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", map[string]string{langZH: "zh-CN", langEN: "en"}[pageLang(r)])
	h.Add("Vary", "Accept-Language")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}
