package wecom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DocURL is where WeCom's documentation page number n lives.
func DocURL(n int) string {
	return "https://developer.work.weixin.qq.com/document/path/" + strconv.Itoa(n)
}

// Endpoint declares one WeCom API endpoint: its path, method and the kind
// of token K it takes, its request type Req and its answer Resp. It is
// data, not code — one declaration per endpoint, called through one
// generic [Endpoint.Call] — so the next hundred endpoints are a hundred
// declarations, each checked the same way:
//
//	var getUser = &wecom.Endpoint[wecom.CorpToken, GetUser, User]{
//		Method: http.MethodGet, Path: "/cgi-bin/user/get", Doc: 90196,
//	}
//	corp, err := wecom.Bind[wecom.CorpToken](client)
//	u, err := getUser.Call(ctx, corp, GetUser{UserID: "zhangsan"})
//
// Req is a struct (or a pointer to one). Its fields become the request:
//
//   - a field tagged query:"name" is sent as a query parameter (and must
//     be json:"-" in a POST), omitted when zero if the tag says omitempty;
//   - a POST sends the whole struct as its JSON body;
//   - a field of type [Upload] tagged form:"name" makes the request a
//     multipart/form-data upload, streamed from the Upload's reader;
//   - a field tagged wecom:"secret" carries a one-time credential (an
//     OAuth code, a permanent code): it is kept out of errors and logs
//     like the token;
//   - a field tagged wecom:"required" must be set: wecomtest answers its
//     absence with WeCom's errcode, as production would.
//
// Resp is the JSON answer's type (errcode and errmsg are read by the
// transport), or [File] for an endpoint that answers with a file.
//
// Declare endpoints as package-level pointers and never copy them: an
// Endpoint caches what it learns about Req on first use.
type Endpoint[K TokenKind, Req, Resp any] struct {
	// Method is http.MethodGet or http.MethodPost.
	Method string
	// Path is the whole API path, one string literal, such as
	// "/cgi-bin/user/get": grep finds the one declaration.
	Path string
	// Doc is the number of WeCom's documentation page for the endpoint
	// ([DocURL]).
	Doc int
	// Idempotent marks a POST that only reads, so that it may be repeated
	// after a transport failure. GETs are, unless SingleUse.
	Idempotent bool
	// SingleUse marks an endpoint that spends a one-time credential (an
	// OAuth code, an auth code): see [Request.SingleUse].
	SingleUse bool
	// TokenParam, when set, sends the token in this query parameter
	// instead of K's own: get_login_info takes the provider token as
	// access_token.
	TokenParam TokenParam
	// Entry names the Go functions or methods that call the endpoint, for
	// docs/api-coverage.md ("contact.Client.User").
	Entry string

	once sync.Once
	plan *requestPlan
	err  error
}

// Call sends req to the endpoint through c and returns WeCom's answer.
// Tokens, errors, retries and secrets are handled as for [Client.Do].
func (e *Endpoint[K, Req, Resp]) Call(ctx context.Context, c Caller[K], req Req, opts ...CallOption) (*Resp, error) {
	out := new(Resp)
	if err := e.CallInto(ctx, c, req, out, opts...); err != nil {
		return nil, err
	}
	return out, nil
}

// CallInto is [Endpoint.Call] decoding into out, which the caller may
// reuse across calls (a pager's page buffer). out may be nil to discard
// the answer.
func (e *Endpoint[K, Req, Resp]) CallInto(ctx context.Context, c Caller[K], req Req, out *Resp, opts ...CallOption) error {
	if c.err != nil {
		return fmt.Errorf("wecom: %s: %w", e.Path, c.err)
	}
	if c.t == nil {
		return fmt.Errorf("wecom: %s: zero Caller (use wecom.Bind)", e.Path)
	}
	p, err := e.requestPlan()
	if err != nil {
		return err
	}
	r := Request{
		Method:     e.Method,
		Path:       e.Path,
		Idempotent: e.Idempotent,
		SingleUse:  e.SingleUse,
		TokenParam: e.TokenParam,
	}
	if p.reflects() {
		rv := reflect.ValueOf(any(req)) // boxing a pointer request costs nothing
		if p.pointer {
			if rv.IsNil() {
				return fmt.Errorf("wecom: %s: nil request", e.Path)
			}
			rv = rv.Elem()
		}
		r.Query = p.encodeQuery(rv)
		r.Secrets = p.secretValues(rv)
		if p.upload != nil {
			up := rv.FieldByIndex(p.upload).Interface().(Upload)
			up.field = p.uploadField
			r.Upload = &up
		}
	}
	if p.pointer && reflect.ValueOf(any(req)).IsNil() {
		return fmt.Errorf("wecom: %s: nil request", e.Path)
	}
	if p.upload == nil && e.Method == http.MethodPost {
		r.Body = req
	}
	if len(opts) > 0 {
		// A copy for the options, so that r itself stays on the stack
		// when there are none.
		rc := new(Request)
		*rc = r
		for _, o := range opts {
			o(rc)
		}
		return e.send(ctx, c, rc, out)
	}
	return e.send(ctx, c, &r, out)
}

func (e *Endpoint[K, Req, Resp]) send(ctx context.Context, c Caller[K], r *Request, out *Resp) error {
	var dst any
	if out != nil {
		dst = out
	}
	if c.cred == nil {
		return c.t.do(ctx, r, nil, dst, r.Secrets...)
	}
	return c.t.do(ctx, r, c.cred, dst, r.Secrets...)
}

// CallOption adjusts one call of an endpoint.
type CallOption func(*Request)

// WithCallTimeout bounds each HTTP attempt of the call by d instead of the
// transport's [WithRequestTimeout] (see [Request.Timeout]).
func WithCallTimeout(d time.Duration) CallOption {
	return func(r *Request) { r.Timeout = d }
}

// WithCallSecrets adds strings to keep out of the call's errors, beyond
// the request's wecom:"secret" fields.
func WithCallSecrets(secrets ...string) CallOption {
	return func(r *Request) { r.Secrets = append(r.Secrets, secrets...) }
}

// WithCallHeader adds a request header to the call: a download's Range,
// for one.
func WithCallHeader(key, value string) CallOption {
	return func(r *Request) {
		if r.Header == nil {
			r.Header = make(http.Header)
		}
		r.Header.Set(key, value)
	}
}

// Info describes the endpoint for coverage reports and fakes.
func (e *Endpoint[K, Req, Resp]) Info() EndpointInfo {
	var k K
	info := EndpointInfo{
		Method:       e.Method,
		Path:         e.Path,
		Kind:         k.Param(),
		TokenParam:   k.Param(),
		Doc:          e.Doc,
		Idempotent:   (e.Method == http.MethodGet || e.Idempotent) && !e.SingleUse,
		SingleUse:    e.SingleUse,
		Entry:        e.Entry,
		RequestType:  typeName(reflect.TypeFor[Req]()),
		ResponseType: typeName(reflect.TypeFor[Resp]()),
		Download:     reflect.TypeFor[Resp]() == reflect.TypeFor[File](),
	}
	if e.TokenParam != "" {
		info.TokenParam = e.TokenParam
	}
	p, err := e.requestPlan()
	info.Err = err
	if p != nil {
		info.Query = p.queryNames()
		info.Required = p.required
		info.Secrets = p.secretNames
		info.Upload = p.uploadField
	}
	return info
}

// EndpointInfo is what an [Endpoint] declares, without its types: what
// docs/api-coverage.md lists and what wecomtest checks every call against.
type EndpointInfo struct {
	Method       string
	Path         string
	Kind         TokenParam // the kind of token the endpoint takes; "" for none
	TokenParam   TokenParam // the query parameter it travels in (Kind's, unless overridden)
	Doc          int
	Idempotent   bool
	SingleUse    bool
	Entry        string
	RequestType  string
	ResponseType string
	Query        []string // query parameters the request may carry
	Required     []string // request fields (JSON or query names) that must be set
	Secrets      []string // request fields that carry one-time credentials
	Upload       string   // the multipart field of an upload, or ""
	Download     bool     // the answer is a file, not JSON
	Err          error    // a mistake in the declaration, or nil
}

// DocURL returns the address of the endpoint's WeCom documentation page.
func (i EndpointInfo) DocURL() string { return DocURL(i.Doc) }

// Check reports a mistake in the declaration: a path that is not whole, an
// unknown method, a missing doc page, a request type the layer cannot
// encode. A test in each package runs it over every declaration.
func (i EndpointInfo) Check() error {
	switch {
	case i.Err != nil:
		return i.Err
	case i.Method != http.MethodGet && i.Method != http.MethodPost:
		return fmt.Errorf("wecom: %s: method %q is neither GET nor POST", i.Path, i.Method)
	case !strings.HasPrefix(i.Path, "/cgi-bin/") || strings.ContainsAny(i.Path, "?# ") || strings.HasSuffix(i.Path, "/"):
		return fmt.Errorf("wecom: %q is not a whole WeCom API path", i.Path)
	case i.Doc <= 0:
		return fmt.Errorf("wecom: %s: no WeCom doc page", i.Path)
	case i.Upload != "" && i.Method != http.MethodPost:
		return fmt.Errorf("wecom: %s: an upload must be a POST", i.Path)
	case i.Entry == "":
		return fmt.Errorf("wecom: %s: no Entry (the Go functions that call it)", i.Path)
	}
	return nil
}

func typeName(t reflect.Type) string {
	s := t.String()
	if t.Kind() == reflect.Struct && t.Name() == "" {
		return "struct{…}"
	}
	return s
}

// requestPlan is what an endpoint learns about its request type once:
// which fields go where.
type requestPlan struct {
	pointer     bool // Req is a pointer to a struct
	query       []queryField
	secrets     [][]int
	secretNames []string
	required    []string
	upload      []int
	uploadField string
}

type queryField struct {
	index     []int
	name      string
	omitEmpty bool
}

func (e *Endpoint[K, Req, Resp]) requestPlan() (*requestPlan, error) {
	e.once.Do(func() { e.plan, e.err = planRequest(e.Path, e.Method, reflect.TypeFor[Req]()) })
	return e.plan, e.err
}

var uploadType = reflect.TypeFor[Upload]()

func planRequest(path, method string, t reflect.Type) (*requestPlan, error) {
	pointer := t.Kind() == reflect.Pointer
	if pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("wecom: %s: request type %s is not a struct", path, t)
	}
	p := &requestPlan{pointer: pointer}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		name := jsonName
		if q, ok := f.Tag.Lookup("query"); ok {
			qname, opt, _ := strings.Cut(q, ",")
			if qname == "" {
				return nil, fmt.Errorf("wecom: %s: field %s: empty query name", path, f.Name)
			}
			if method == http.MethodPost && jsonName != "-" {
				return nil, fmt.Errorf("wecom: %s: query field %s must be json:\"-\" in a POST", path, f.Name)
			}
			switch f.Type.Kind() {
			case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			default:
				return nil, fmt.Errorf("wecom: %s: query field %s has type %s", path, f.Name, f.Type)
			}
			p.query = append(p.query, queryField{index: f.Index, name: qname, omitEmpty: opt == "omitempty"})
			name = qname
		} else if method == http.MethodGet && jsonName != "-" {
			return nil, fmt.Errorf("wecom: %s: field %s of a GET request has no query tag", path, f.Name)
		}
		if f.Type == uploadType {
			form := f.Tag.Get("form")
			if form == "" || p.upload != nil {
				return nil, fmt.Errorf("wecom: %s: an Upload field needs a form:\"name\" tag, and only one is allowed", path)
			}
			p.upload, p.uploadField, name = f.Index, form, form
		}
		if name == "" {
			name = f.Name
		}
		for _, opt := range strings.Split(f.Tag.Get("wecom"), ",") {
			switch opt {
			case "":
			case "secret":
				if f.Type.Kind() != reflect.String {
					return nil, fmt.Errorf("wecom: %s: secret field %s is not a string", path, f.Name)
				}
				p.secrets = append(p.secrets, f.Index)
				p.secretNames = append(p.secretNames, name)
			case "required":
				p.required = append(p.required, name)
			default:
				return nil, fmt.Errorf("wecom: %s: field %s: unknown wecom tag option %q", path, f.Name, opt)
			}
		}
	}
	if p.upload != nil && method != http.MethodPost {
		return nil, fmt.Errorf("wecom: %s: an upload must be a POST", path)
	}
	return p, nil
}

// reflects reports whether a call must look inside the request: a
// request of JSON fields alone is sent as it is.
func (p *requestPlan) reflects() bool {
	return len(p.query) > 0 || len(p.secrets) > 0 || p.upload != nil
}

func (p *requestPlan) queryNames() []string {
	names := make([]string, len(p.query))
	for i, q := range p.query {
		names[i] = q.name
	}
	return names
}

// encodeQuery returns the query parameters rv's fields carry, or nil.
func (p *requestPlan) encodeQuery(rv reflect.Value) url.Values {
	if len(p.query) == 0 {
		return nil
	}
	q := make(url.Values, len(p.query))
	for _, f := range p.query {
		v := rv.FieldByIndex(f.index)
		if f.omitEmpty && v.IsZero() {
			continue
		}
		var s string
		switch v.Kind() {
		case reflect.String:
			s = v.String()
		case reflect.Bool:
			s = strconv.FormatBool(v.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s = strconv.FormatInt(v.Int(), 10)
		default:
			s = strconv.FormatUint(v.Uint(), 10)
		}
		q[f.name] = []string{s}
	}
	return q
}

// secretValues returns the non-empty secret fields of rv.
func (p *requestPlan) secretValues(rv reflect.Value) []string {
	var out []string
	for _, idx := range p.secrets {
		if s := rv.FieldByIndex(idx).String(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
