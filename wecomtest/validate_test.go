package wecomtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The codes a call that breaks its endpoint's declaration is answered
// with: WeCom's, from its global error code table (doc 90313), and
// 40058 where the table has none (the server's choice).
var (
	wantMissingToken = map[string]int{"access_token": 41001, "suite_access_token": 41022, "provider_access_token": 41001}
	wantWrongKind    = map[string]int{"access_token": 40014, "suite_access_token": 40082, "provider_access_token": 40082}
	wantMissingField = map[string]int{
		"corpid": 41002, "corpsecret": 41004, "secret": 41004, "provider_secret": 41004, "media_id": 41006,
		"code": 41008, "auth_code": 41008, "userid": 41009, "url": 41010, "agentid": 41011, "title": 41016,
		"tagid": 41017, "department": 41019, "suite_id": 41021, "suite_ticket": 41023, "suite_secret": 41024,
		"permanent_code": 41025, "description": 41033, "external_userid": 41035, "templateid": 84019,
		"register_code": 84021, "auth_corpid": 84054, "user_ticket": 84090, "key": 93000,
		"config_id": 41043, "welcome_code": 41049, "moment_id": 41059, "open_kfid": 60251,
	}
)

const (
	wantWrongMethod = 40063
	wantBadJSON     = 47001
	wantNoMedia     = 44001
	wantInvalid     = 40058
)

func missingFieldCode(name string) int {
	if c, ok := wantMissingField[name]; ok {
		return c
	}
	return wantInvalid
}

// sweepCall is one call of a declared endpoint, built to pass its checks
// and then spoiled one way at a time.
type sweepCall struct {
	method string
	query  url.Values
	body   map[string]any // JSON body (POST)
	raw    []byte         // a raw body instead of body
	ctype  string
	upload string // the upload's part name, "" to leave it out
}

func (c sweepCall) clone() sweepCall {
	d := c
	d.query = url.Values{}
	for k, v := range c.query {
		d.query[k] = slices.Clone(v)
	}
	if c.body != nil {
		d.body = make(map[string]any, len(c.body))
		for k, v := range c.body {
			d.body[k] = v
		}
	}
	return d
}

func (c sweepCall) do(t *testing.T, srv *wecomtest.Server, path string) (int, string) {
	t.Helper()
	var rd io.Reader
	ctype := c.ctype
	switch {
	case c.raw != nil:
		rd = bytes.NewReader(c.raw)
	case c.upload != "":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="a.txt"; filelength=5`, c.upload))
		h.Set("Content-Type", "application/octet-stream")
		part, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, _ = part.Write([]byte("hello"))
		require.NoError(t, mw.Close())
		rd, ctype = &buf, mw.FormDataContentType()
	case c.method == http.MethodPost:
		b, err := json.Marshal(c.body)
		require.NoError(t, err)
		rd, ctype = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequest(c.method, srv.URL+path+"?"+c.query.Encode(), rd)
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var env struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(b, &env) != nil || env.ErrCode == nil {
		return 0, string(b)
	}
	return *env.ErrCode, env.ErrMsg
}

// TestDeclarationsChecked sweeps every endpoint wecomkit declares: each
// call that breaks the declaration — wrong method, no token, a token of
// another kind, a body that is not JSON, a required field missing or
// empty, an upload without its file — is answered WeCom's errcode before
// any handler runs, and a call that keeps to it is answered by the
// endpoint's model (or NotModelledCode).
func TestDeclarationsChecked(t *testing.T) {
	f := newSuiteFixture(t)
	f.srv.AddApp(authCorp, wecomtest.App{AgentID: 1000002, Secret: "corpsecret"})
	corpTok := f.post(t, "/cgi-bin/gettoken", url.Values{"corpid": {authCorp}, "corpsecret": {"corpsecret"}}, nil)["access_token"].(string)
	suiteTok := f.suiteToken(t, suiteID, "ssecret")
	provTok := f.post(t, "/cgi-bin/service/get_provider_token", nil, map[string]string{"corpid": "wwprovider", "provider_secret": "psecret"})["provider_access_token"].(string)
	tokens := map[wecom.TokenParam]string{wecom.AccessToken: corpTok, wecom.SuiteAccessToken: suiteTok, wecom.ProviderAccessToken: provTok}

	infos := wecomtest.Endpoints()
	require.NotEmpty(t, infos)
	for _, info := range infos {
		t.Run(info.Method+" "+info.Path, func(t *testing.T) {
			require.NoError(t, info.Check())
			model := f.srv.Model(info.Path)
			require.Contains(t, []wecomtest.Model{wecomtest.ModelStateful, wecomtest.ModelValidated}, model)

			good := sweepCall{method: info.Method, query: url.Values{}}
			if info.Method == http.MethodPost {
				good.body = map[string]any{}
			}
			if info.Kind != "" {
				good.query.Set(string(info.TokenParam), tokens[info.Kind])
			}
			if info.Upload != "" {
				good.body, good.upload = nil, info.Upload
			}
			for _, name := range info.Required {
				switch {
				case name == info.Upload:
				case info.Method == http.MethodGet || slices.Contains(info.Query, name):
					good.query.Set(name, "x")
				default:
					good.body[name] = "x"
				}
			}
			expect := func(c sweepCall, want int, what string) {
				t.Helper()
				got, msg := c.do(t, f.srv, info.Path)
				require.Equal(t, want, got, "%s: %s", what, msg)
			}

			if model == wecomtest.ModelValidated {
				got, msg := good.do(t, f.srv, info.Path)
				require.Equal(t, wecomtest.NotModelledCode, got, msg)
				require.Contains(t, msg, info.Entry)
			}

			bad := good.clone()
			bad.method = http.MethodGet
			if info.Method == http.MethodGet {
				bad.method = http.MethodPost
			}
			expect(bad, wantWrongMethod, "wrong method")

			if info.Kind != "" {
				bad = good.clone()
				bad.query.Del(string(info.TokenParam))
				expect(bad, wantMissingToken[string(info.TokenParam)], "no token")
				for kind, tok := range tokens {
					if kind == info.Kind {
						continue
					}
					bad = good.clone()
					bad.query.Set(string(info.TokenParam), tok)
					expect(bad, wantWrongKind[string(info.Kind)], "a "+string(kind)+" instead")
				}
			}

			if info.Method == http.MethodPost {
				bad = good.clone()
				bad.upload, bad.raw, bad.ctype = "", []byte(`{"not json`), "application/json"
				want := wantBadJSON
				if info.Upload != "" {
					want = wantNoMedia
				}
				expect(bad, want, "not JSON")
			}
			if info.Upload != "" {
				bad = good.clone()
				bad.upload = "not-" + info.Upload
				expect(bad, wantNoMedia, "no file part")
			}

			for _, name := range info.Required {
				if name == info.Upload {
					continue
				}
				for _, empty := range []bool{false, true} {
					bad = good.clone()
					if _, inQuery := good.query[name]; inQuery {
						bad.query.Del(name)
						if empty {
							bad.query.Set(name, "")
						}
					} else {
						delete(bad.body, name)
						if empty {
							bad.body[name] = ""
						}
					}
					expect(bad, missingFieldCode(name), fmt.Sprintf("%s missing (empty: %v)", name, empty))
				}
			}
		})
	}
}

// A path that is neither modelled nor declared is answered NotModelledCode
// over HTTP 200, never a silent success.
func TestNotModelled(t *testing.T) {
	srv := wecomtest.NewServer()
	defer srv.Close()
	require.Equal(t, wecomtest.ModelNone, srv.Model("/cgi-bin/nothing/here"))
	c := sweepCall{method: http.MethodPost, query: url.Values{}, body: map[string]any{}}
	code, msg := c.do(t, srv, "/cgi-bin/nothing/here")
	require.Equal(t, wecomtest.NotModelledCode, code)
	require.Contains(t, msg, "wecomtest: POST /cgi-bin/nothing/here is not modelled by wecomtest")

	require.Equal(t, wecomtest.ModelStateful, srv.Model("/cgi-bin/gettoken"))
	srv.HandleFunc("/cgi-bin/custom/thing", func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0})
	})
	require.Equal(t, wecomtest.ModelHandled, srv.Model("/cgi-bin/custom/thing"))
}

// A handler added for a declared path runs only for calls that keep to the
// declaration, and sees the caller of the declared kind of token.
func TestHandleFuncDeclaredPath(t *testing.T) {
	f := newSuiteFixture(t)
	suiteTok := f.suiteToken(t, suiteID, "ssecret")
	const path = "/cgi-bin/service/get_corp_token"
	ran := 0
	f.srv.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		ran++
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "access_token": "custom", "expires_in": 7200})
	})
	require.Equal(t, wecomtest.ModelHandled, f.srv.Model(path))
	r := f.post(t, path, sq(suiteTok), map[string]string{"permanent_code": "p"})
	require.EqualValues(t, 84054, r["errcode"], "auth_corpid is required")
	r = f.post(t, path, url.Values{"access_token": {suiteTok}}, map[string]string{"auth_corpid": authCorp, "permanent_code": "p"})
	require.EqualValues(t, 41022, r["errcode"])
	require.Zero(t, ran)
	r = f.post(t, path, sq(suiteTok), map[string]string{"auth_corpid": authCorp, "permanent_code": "p"})
	require.Equal(t, "custom", r["access_token"])
	require.Equal(t, 1, ran)
}

// An upload needs multipart/form-data with its part, a filename and a
// filelength.
func TestCheckUpload(t *testing.T) {
	build := func(disposition string) (string, []byte) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", disposition)
		part, err := mw.CreatePart(h)
		require.NoError(t, err)
		_, _ = part.Write([]byte("hello"))
		require.NoError(t, mw.Close())
		return mw.FormDataContentType(), buf.Bytes()
	}
	for name, tc := range map[string]struct {
		disposition string
		want        int
	}{
		"ok":            {`form-data; name="media"; filename="a.txt"; filelength=5`, 0},
		"other part":    {`form-data; name="file"; filename="a.txt"; filelength=5`, wantNoMedia},
		"no filename":   {`form-data; name="media"; filelength=5`, wantInvalid},
		"no filelength": {`form-data; name="media"; filename="a.txt"`, wantInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			ct, body := build(tc.disposition)
			code, _ := wecomtest.CheckUpload(ct, bytes.NewReader(body), "media")
			require.Equal(t, tc.want, code)
		})
	}
	code, _ := wecomtest.CheckUpload("application/json", bytes.NewReader([]byte("{}")), "media")
	require.Equal(t, wantNoMedia, code)
}
