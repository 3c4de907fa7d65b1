package wecom_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The declarations the tests call, on wecomtest's ping handler.
type pingGet struct {
	Echo  string `json:"-" query:"echo" wecom:"required"`
	Page  int    `json:"-" query:"page,omitempty"`
	Debug bool   `json:"-" query:"debug,omitempty"`
}

type pingPost struct {
	Echo  string `json:"-" query:"echo,omitempty"`
	Code  string `json:"code" wecom:"required,secret"`
	Limit int    `json:"limit,omitempty"`
}

var (
	pingGetEP = &wecom.Endpoint[wecom.CorpToken, pingGet, pingResponse]{
		Method: http.MethodGet, Path: pingURL, Doc: 90196, Entry: "wecom_test.pingGet",
	}
	pingPostEP = &wecom.Endpoint[wecom.CorpToken, *pingPost, pingResponse]{
		Method: http.MethodPost, Path: pingURL, Doc: 90196, Idempotent: true, Entry: "wecom_test.pingPost",
	}
	pingSuiteEP = &wecom.Endpoint[wecom.SuiteToken, pingGet, pingResponse]{
		Method: http.MethodGet, Path: pingURL, Doc: 90600, Entry: "wecom_test.pingSuite",
	}
)

func TestEndpointCallEncodesTheRequest(t *testing.T) {
	f := newFixture(t)
	var seen atomic.Value
	f.srv.HandleFunc(pingURL, func(w http.ResponseWriter, r *http.Request, c wecomtest.Caller) {
		b, _ := io.ReadAll(r.Body)
		seen.Store(r.Method + " " + r.URL.Query().Encode() + " " + string(b))
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "corpid": c.CorpID, "echo": r.URL.Query().Get("echo")})
	})
	ctx := context.Background()
	corp, err := wecom.Bind[wecom.CorpToken](f.client)
	require.NoError(t, err)

	out, err := pingGetEP.Call(ctx, corp, pingGet{Echo: "hi 你好"})
	require.NoError(t, err)
	require.Equal(t, "hi 你好", out.Echo)
	require.Equal(t, corpID, out.CorpID)
	q := seen.Load().(string)
	require.True(t, strings.HasPrefix(q, "GET access_token="), q)
	require.Contains(t, q, "echo=hi+%E4%BD%A0%E5%A5%BD")
	require.NotContains(t, q, "page=", "omitempty leaves zero values out")

	_, err = pingGetEP.Call(ctx, corp, pingGet{Echo: "x", Page: 3, Debug: true})
	require.NoError(t, err)
	require.Contains(t, seen.Load().(string), "debug=true")
	require.Contains(t, seen.Load().(string), "page=3")

	var reused pingResponse
	require.NoError(t, pingPostEP.CallInto(ctx, corp, &pingPost{Echo: "q", Code: "c1", Limit: 5}, &reused))
	require.Equal(t, "q", reused.Echo)
	body := seen.Load().(string)
	require.True(t, strings.HasPrefix(body, "POST "), body)
	require.True(t, strings.HasSuffix(body, ` {"code":"c1","limit":5}`), "the query field stays out of the JSON body: %s", body)

	_, err = pingPostEP.Call(ctx, corp, nil)
	require.ErrorContains(t, err, "nil request")
}

// A one-time credential in a wecom:"secret" field is scrubbed from the
// error, WeCom's errmsg included, as the token is.
func TestEndpointSecretFieldsAreScrubbed(t *testing.T) {
	f := newFixture(t)
	f.srv.HandleFunc(pingURL, func(w http.ResponseWriter, r *http.Request, _ wecomtest.Caller) {
		var in struct{ Code string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		wecomtest.WriteError(w, 40029, "invalid code "+in.Code)
	})
	corp, err := wecom.Bind[wecom.CorpToken](f.client)
	require.NoError(t, err)
	const code = "one-time-code-0123456789"
	_, err = pingPostEP.Call(context.Background(), corp, &pingPost{Code: code})
	require.Equal(t, 40029, wecom.ErrorCode(err))
	require.NotContains(t, err.Error(), code)

	_, err = pingPostEP.Call(context.Background(), corp, &pingPost{Code: "abc"}, wecom.WithCallSecrets("invalid"))
	require.NotContains(t, err.Error(), "invalid code", "WithCallSecrets adds to the scrubbed strings")
}

// A client bound as the wrong kind fails every call before any request.
func TestBindRefusesAnotherKind(t *testing.T) {
	f := newFixture(t)
	suite, err := wecom.Bind[wecom.SuiteToken](f.client)
	var kindErr *wecom.TokenKindError
	require.ErrorAs(t, err, &kindErr)
	require.ErrorIs(t, err, wecom.ErrWrongTokenKind)
	require.Equal(t, wecom.SuiteAccessToken, kindErr.Want)
	require.Equal(t, wecom.AccessToken, kindErr.Have)
	require.Equal(t, err, suite.Err())

	before := f.srv.Calls(pingURL) + f.srv.Calls("/cgi-bin/gettoken")
	_, err = pingSuiteEP.Call(context.Background(), suite, pingGet{Echo: "x"})
	require.ErrorIs(t, err, wecom.ErrWrongTokenKind)
	require.Equal(t, before, f.srv.Calls(pingURL)+f.srv.Calls("/cgi-bin/gettoken"), "no request, not even for a token")

	svc, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("t"), wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	_, err = wecom.Bind[wecom.CorpToken](svc)
	require.ErrorIs(t, err, wecom.ErrWrongTokenKind)
	_, err = wecom.Bind[wecom.SuiteToken](svc)
	require.NoError(t, err)
	_, err = wecom.Bind[wecom.CorpToken](nil)
	require.ErrorIs(t, err, wecom.ErrInvalidConfig)

	var zero wecom.Caller[wecom.CorpToken]
	_, err = pingGetEP.Call(context.Background(), zero, pingGet{Echo: "x"})
	require.ErrorContains(t, err, "zero Caller")
}

// The wrong kind of token cannot reach WeCom because it does not compile:
// testdata/wrongkind calls a suite endpoint with a corporation's Caller.
// testdata/rightkind, the same program with the kinds matching, builds —
// so the failure is the kind check, not a broken program.
func TestWrongTokenKindDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs with the go command")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := func(dir string) (string, error) {
		cmd := exec.Command(gobin, "build", "-o", os.DevNull, "./testdata/"+dir)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := build("rightkind")
	require.NoError(t, err, "the control program must build:\n%s", out)

	out, err = build("wrongkind")
	require.Error(t, err, "a corp Caller passed to a suite endpoint compiled")
	require.Contains(t, out, "Caller[wecom.CorpToken]", out)
	require.Contains(t, out, "Caller[wecom.SuiteToken]", out)
	require.Equal(t, 1, strings.Count(out, "cannot use"), "exactly the one wrong call fails:\n%s", out)
}

func TestEndpointInfoAndCheck(t *testing.T) {
	info := pingPostEP.Info()
	require.NoError(t, info.Check())
	require.Equal(t, wecom.AccessToken, info.Kind)
	require.Equal(t, []string{"echo"}, info.Query)
	require.Equal(t, []string{"code"}, info.Required)
	require.Equal(t, []string{"code"}, info.Secrets)
	require.True(t, info.Idempotent)
	require.Equal(t, "https://developer.work.weixin.qq.com/document/path/90196", info.DocURL())

	for _, e := range wecom.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
	}

	type badGet struct {
		UserID string `json:"userid"`
	}
	bad := &wecom.Endpoint[wecom.CorpToken, badGet, struct{}]{Method: http.MethodGet, Path: "/cgi-bin/user/get", Doc: 1, Entry: "x"}
	require.ErrorContains(t, bad.Info().Check(), "no query tag")
	type badPost struct {
		UserID string `json:"userid" query:"userid"`
	}
	badP := &wecom.Endpoint[wecom.CorpToken, badPost, struct{}]{Method: http.MethodPost, Path: "/cgi-bin/user/get", Doc: 1, Entry: "x"}
	require.ErrorContains(t, badP.Info().Check(), `json:"-"`)
	noDoc := &wecom.Endpoint[wecom.CorpToken, pingGet, struct{}]{Method: http.MethodGet, Path: "/cgi-bin/user/", Entry: "x"}
	require.ErrorContains(t, noDoc.Info().Check(), "not a whole")
}

// uploadServer parses a media/upload-style multipart request the way a
// strict server would and answers the file's digest.
func uploadServer(t testing.TB, calls *atomic.Int64, fail func(n int64) int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if code := fail(n); code != 0 {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(code)
			return
		}
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "multipart/form-data" {
			http.Error(w, "not multipart", http.StatusBadRequest)
			return
		}
		mr := multipart.NewReader(r.Body, params["boundary"])
		p, err := mr.NextPart()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_, dp, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		h := sha256.New()
		size, err := io.Copy(h, p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if _, err := mr.NextPart(); err != io.EOF {
			http.Error(w, "more than one part", http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"errcode": 0, "name": p.FormName(), "filename": p.FileName(), "filelength": dp["filelength"],
			"type": r.URL.Query().Get("type"), "size": size, "sha256": h.Sum(nil), "ctype": p.Header.Get("Content-Type"),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

type uploadRequest struct {
	Type  string       `json:"-" query:"type" wecom:"required"`
	Media wecom.Upload `json:"-" form:"media" wecom:"required"`
}

type uploadAnswer struct {
	Name       string `json:"name"`
	Filename   string `json:"filename"`
	FileLength string `json:"filelength"`
	Type       string `json:"type"`
	Size       int64  `json:"size"`
	SHA256     []byte `json:"sha256"`
	CType      string `json:"ctype"`
}

var uploadEP = &wecom.Endpoint[wecom.CorpToken, uploadRequest, uploadAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/media/upload", Doc: 90253, Idempotent: true, Entry: "wecom_test.upload",
}

// onlyReader hides everything but Read: a stream that cannot be rewound.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestUploadStreamsMultipart(t *testing.T) {
	var calls atomic.Int64
	failFirst := int64(0)
	srv := uploadServer(t, &calls, func(n int64) int {
		if n <= failFirst {
			return http.StatusBadGateway
		}
		return 0
	})
	c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken("tok"), wecom.WithBaseURL(srv.URL), wecom.WithBackoff(0, 0))
	require.NoError(t, err)
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	ctx := context.Background()
	data := bytes.Repeat([]byte("wecomkit"), 100_000)
	sum := sha256.Sum256(data)

	// A seekable body: its length is measured, and a failed attempt is
	// repeated from the start.
	failFirst = 1
	out, err := uploadEP.Call(ctx, corp, uploadRequest{Type: "file", Media: wecom.Upload{Filename: "报表.csv", Body: bytes.NewReader(data)}})
	require.NoError(t, err)
	require.Equal(t, int64(2), calls.Load(), "the 502 was retried after a rewind")
	require.Equal(t, uploadAnswer{Name: "media", Filename: "报表.csv", FileLength: "800000", Type: "file", Size: int64(len(data)), SHA256: sum[:], CType: "application/octet-stream"}, *out)

	// A stream that cannot be rewound is sent once.
	calls.Store(0)
	failFirst = 1
	_, err = uploadEP.Call(ctx, corp, uploadRequest{Type: "file", Media: wecom.Upload{Filename: "a.bin", Size: int64(len(data)), Body: onlyReader{bytes.NewReader(data)}}})
	var he *wecom.HTTPError
	require.ErrorAs(t, err, &he)
	require.Equal(t, int64(1), calls.Load())

	calls.Store(0)
	failFirst = 0
	out, err = uploadEP.Call(ctx, corp, uploadRequest{Type: "image", Media: wecom.Upload{Filename: "a.png", ContentType: "image/png", Size: int64(len(data)), Body: onlyReader{bytes.NewReader(data)}}})
	require.NoError(t, err)
	require.Equal(t, sum[:], out.SHA256)
	require.Equal(t, "image/png", out.CType)

	// Bad uploads fail before any request.
	calls.Store(0)
	for name, up := range map[string]wecom.Upload{
		"no size":      {Filename: "a", Body: onlyReader{bytes.NewReader(data)}},
		"no body":      {Filename: "a", Size: 3},
		"no name":      {Size: 3, Body: strings.NewReader("abc")},
		"quoted name":  {Filename: `a".txt`, Body: strings.NewReader("abc")},
		"bad type":     {Filename: "a", ContentType: "x\r\ny: z", Body: strings.NewReader("abc")},
		"newline name": {Filename: "a\r\nb", Body: strings.NewReader("abc")},
	} {
		_, err := uploadEP.Call(ctx, corp, uploadRequest{Type: "file", Media: up})
		require.Error(t, err, name)
	}
	require.Zero(t, calls.Load())

	// A body shorter than its Size fails the request rather than sending
	// a truncated file.
	_, err = uploadEP.Call(ctx, corp, uploadRequest{Type: "file", Media: wecom.Upload{Filename: "a", Size: 10, Body: onlyReader{strings.NewReader("abc")}}})
	require.Error(t, err)
}

type qrRequest struct {
	Style int `json:"style"`
}

var downloadEP = &wecom.Endpoint[wecom.SuiteToken, qrRequest, wecom.File]{
	Method: http.MethodPost, Path: "/cgi-bin/service/get_app_qrcode", Doc: 95430, Idempotent: true, Entry: "wecom_test.download",
}

// rotatingTokens hands out t1, then t2 after an Invalidate.
type rotatingTokens struct{ invalidated atomic.Bool }

func (r *rotatingTokens) Token(context.Context) (string, error) {
	if r.invalidated.Load() {
		return "t2", nil
	}
	return "t1", nil
}

func (r *rotatingTokens) Invalidate(context.Context, string) error {
	r.invalidated.Store(true)
	return nil
}

func TestDownloadStreamsTheFile(t *testing.T) {
	img := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 50_000)...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("suite_access_token") {
		case "t1":
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			_, _ = io.WriteString(w, `{"errcode":42009,"errmsg":"suite_access_token expired"}`)
		case "t2":
			if r.Header.Get("Range") != "bytes=0-" {
				http.Error(w, "no range", http.StatusBadRequest)
				return
			}
			var in qrRequest
			_ = json.NewDecoder(r.Body).Decode(&in)
			if in.Style == 9 {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
				return
			}
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Disposition", `attachment; filename="qr.png"`)
			w.Header().Set("Content-Length", strconv.Itoa(len(img)))
			_, _ = w.Write(img)
		}
	}))
	defer srv.Close()
	var seen []int
	tr2, err := wecom.NewTransport(wecom.WithBaseURL(srv.URL), wecom.WithCallHook(func(_ context.Context, ci wecom.CallInfo) { seen = append(seen, ci.ErrCode) }))
	require.NoError(t, err)
	tokens := &rotatingTokens{}
	caller := wecom.NewCaller[wecom.SuiteToken](tr2, tokens)

	f, err := downloadEP.Call(context.Background(), caller, qrRequest{Style: 2}, wecom.WithCallHeader("Range", "bytes=0-"))
	require.NoError(t, err)
	defer f.Body.Close()
	got, err := io.ReadAll(f.Body)
	require.NoError(t, err)
	require.Equal(t, img, got)
	require.Equal(t, "image/png", f.ContentType)
	require.Equal(t, "qr.png", f.Filename)
	require.Equal(t, int64(len(img)), f.Size)
	require.Equal(t, []int{42009, 0}, seen, "the rejected token was replaced; the hook saw both attempts")

	f, err = downloadEP.Call(context.Background(), caller, qrRequest{Style: 9}, wecom.WithCallHeader("Range", "bytes=0-"))
	require.NoError(t, err, "a JSON success is handed over")
	require.Equal(t, "application/json", f.ContentType)
	got, _ = io.ReadAll(f.Body)
	require.JSONEq(t, `{"errcode":0,"errmsg":"ok"}`, string(got))
}

func TestNoTokenCaller(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": 0, "echo": r.URL.RawQuery})
	}))
	defer srv.Close()
	tr, err := wecom.NewTransport(wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ep := &wecom.Endpoint[wecom.NoToken, pingGet, pingResponse]{Method: http.MethodGet, Path: "/cgi-bin/x", Doc: 1, Entry: "x"}
	out, err := ep.Call(context.Background(), tr.Caller(), pingGet{Echo: "a"})
	require.NoError(t, err)
	require.Equal(t, "echo=a", out.Echo, "no token parameter at all")
}

// BenchmarkEndpointGet is BenchmarkGet through a declaration: the
// reflection that encodes the request costs a few allocations over
// Client.Get.
func BenchmarkEndpointGet(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	srv.HandleFunc(pingURL, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "echo": "hi"})
	})
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out pingResponse
		if err := pingGetEP.CallInto(ctx, corp, pingGet{Echo: "hi"}, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// A text file and a JSON error can both come as text/plain: a short JSON
// object with an errcode is the error, anything else the file.
func TestDownloadTextPlain(t *testing.T) {
	text := `{"note": "a JSON file, not an error"}` + strings.Repeat(" ", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch r.URL.Query().Get("media_id") {
		case "err":
			_, _ = io.WriteString(w, `{"errcode":40007,"errmsg":"invalid media_id"}`)
		case "json-file":
			_, _ = io.WriteString(w, `{"note":"short JSON file"}`)
		default:
			_, _ = io.WriteString(w, text)
		}
	}))
	defer srv.Close()
	c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken("tok"), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	type get struct {
		MediaID string `json:"-" query:"media_id"`
	}
	ep := &wecom.Endpoint[wecom.CorpToken, get, wecom.File]{Method: http.MethodGet, Path: "/cgi-bin/media/get", Doc: 90254, Entry: "x"}
	ctx := context.Background()

	_, err = ep.Call(ctx, corp, get{"err"})
	require.Equal(t, 40007, wecom.ErrorCode(err))
	for id, want := range map[string]string{"json-file": `{"note":"short JSON file"}`, "long": text} {
		f, err := ep.Call(ctx, corp, get{id})
		require.NoError(t, err, id)
		got, err := io.ReadAll(f.Body)
		require.NoError(t, err)
		require.NoError(t, f.Body.Close())
		require.Equal(t, want, string(got), id)
	}
}
