package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// maxControlBody bounds a control call's body.
const maxControlBody = 64 << 10

// badRequestError is a control call's error that is the caller's (400).
type badRequestError struct{ msg string }

func (e *badRequestError) Error() string { return e.msg }

// control serves the control surface in front of the fake's API.
type control struct {
	logger *slog.Logger
	ready  chan struct{} // closed by start
	srv    *wecomtest.Server
	store  *stateStore
	kfID   string // the default kf account's open_kfid
	routes map[string]route
}

// route is one control call.
type route struct {
	method  string
	mutates bool // the state file is written after it
	handle  func(ctx context.Context, body []byte) (any, error)
}

func newControl(logger *slog.Logger) *control {
	c := &control{logger: logger, ready: make(chan struct{})}
	c.routes = map[string]route{
		pathPushTicket: {http.MethodPost, true, c.pushTicket},
		pathInstall:    {http.MethodPost, true, c.install},
		pathCancel:     {http.MethodPost, true, c.cancel},
		pathUserAdd:    {http.MethodPost, true, c.userAdd},
		pathUserUpdate: {http.MethodPost, true, c.userUpdate},
		pathUserRemove: {http.MethodPost, true, c.userRemove},
		pathMessage:    {http.MethodPost, false, c.message},
		pathApproval:   {http.MethodPost, false, c.approval},
		pathFail:       {http.MethodPost, false, c.fail},
		pathLatency:    {http.MethodPost, false, c.latency},
		pathClear:      {http.MethodPost, false, c.clear},
		pathCalls:      {http.MethodGet, false, c.calls},
		pathCallback:   {http.MethodPost, true, c.callback},
	}
	return c
}

// start hands the control its server, once its state is loaded; calls
// wait for it.
func (c *control) start(srv *wecomtest.Server, store *stateStore, kfID string) {
	c.srv, c.store, c.kfID = srv, store, kfID
	close(c.ready)
}

// abort releases the calls waiting for a fake that will not start: they
// are answered 503.
func (c *control) abort() { close(c.ready) }

// wait blocks until start or abort and reports whether the fake started.
func (c *control) wait(w http.ResponseWriter) bool {
	<-c.ready
	if c.srv == nil {
		writeControl(w, http.StatusServiceUnavailable, errorAnswer{Error: "the fake is stopping"})
		return false
	}
	return true
}

// middleware answers the control paths and passes everything else —
// WeCom's API and wecomtest's own /_fake/ pages (media, exports) — on.
func (c *control) middleware(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == pathEnv {
			if !c.wait(w) {
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			printEnv(w, c.srv.URL, c.kfID)
			return
		}
		rt, ok := c.routes[r.URL.Path]
		if !ok {
			api.ServeHTTP(w, r)
			return
		}
		if !c.wait(w) {
			return
		}
		if r.Method != rt.method {
			w.Header().Set("Allow", rt.method)
			writeControl(w, http.StatusMethodNotAllowed, errorAnswer{Error: rt.method + " only"})
			return
		}
		var body bytes.Buffer
		if _, err := body.ReadFrom(http.MaxBytesReader(w, r.Body, maxControlBody)); err != nil {
			writeControl(w, http.StatusRequestEntityTooLarge, errorAnswer{Error: "body too large"})
			return
		}
		out, err := rt.handle(r.Context(), body.Bytes())
		if rt.mutates {
			if serr := c.store.save(); serr != nil {
				c.logger.Warn("cannot write the state file", slog.String("error", serr.Error()))
			}
		}
		var bad *badRequestError
		switch {
		case errors.As(err, &bad):
			writeControl(w, http.StatusBadRequest, errorAnswer{Error: err.Error()})
		case err != nil:
			writeControl(w, http.StatusBadGateway, errorAnswer{Error: err.Error()})
		default:
			writeControl(w, http.StatusOK, out)
		}
	})
}

func writeControl(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// decode reads a control call's JSON body into v.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &badRequestError{msg: "malformed request: " + err.Error()}
	}
	return nil
}

func badRequest(format string, args ...any) error {
	return &badRequestError{msg: fmt.Sprintf(format, args...)}
}

// pushContext bounds the pushes of one control call.
func pushContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, pushTimeout)
}

func (c *control) pushTicket(ctx context.Context, _ []byte) (any, error) {
	dest := c.srv.CommandURLOf(fakeSuiteID)
	if dest == "" {
		return nil, badRequest("the suite has no command URL: start the fake with -suite-callback URL or run wecomfake callback suite URL")
	}
	ctx, cancel := pushContext(ctx)
	defer cancel()
	if _, err := c.srv.PushSuiteTicket(ctx, fakeSuiteID); err != nil {
		return nil, err
	}
	return pushAnswer{Pushed: []string{"suite_ticket to " + dest}}, nil
}

func (c *control) install(ctx context.Context, body []byte) (any, error) {
	var req installRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkID("corp_id", req.CorpID); err != nil {
		return nil, err
	}
	if c.srv.CommandURLOf(fakeSuiteID) == "" {
		return nil, badRequest("the suite has no command URL: start the fake with -suite-callback URL or run wecomfake callback suite URL")
	}
	ctx, cancel := pushContext(ctx)
	defer cancel()
	code, err := c.srv.InstallQR(ctx, fakeSuiteID, req.CorpID, req.State)
	if err != nil {
		return nil, fmt.Errorf("create_auth push: %w", err)
	}
	return installAnswer{AuthCode: code, AgentID: c.srv.SuiteAgentID(fakeSuiteID, req.CorpID)}, nil
}

func (c *control) cancel(ctx context.Context, body []byte) (any, error) {
	var req corpRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkID("corp_id", req.CorpID); err != nil {
		return nil, err
	}
	if c.srv.SuiteAgentID(fakeSuiteID, req.CorpID) == 0 {
		return nil, badRequest("the suite was never installed in %q", req.CorpID)
	}
	ctx, cancel := pushContext(ctx)
	defer cancel()
	if err := c.srv.PushCancelAuth(ctx, fakeSuiteID, req.CorpID); err != nil {
		return nil, fmt.Errorf("cancel_auth push: %w", err)
	}
	return pushAnswer{Pushed: []string{"cancel_auth to " + c.srv.CommandURLOf(fakeSuiteID)}}, nil
}

func (c *control) userAdd(ctx context.Context, body []byte) (any, error) {
	req, err := c.userRequest(body)
	if err != nil {
		return nil, err
	}
	if c.member(req.CorpID, req.UserID) != nil {
		return nil, badRequest("%q is a member already: use wecomfake user update", req.UserID)
	}
	m := wecomtest.Member{UserID: req.UserID, Name: req.UserID, Department: []int64{rootDepartment}}
	apply(&m, req.memberFields)
	c.srv.AddMember(req.CorpID, m)
	return c.pushChangeContact(ctx, req.CorpID, "create_user", m), nil
}

func (c *control) userUpdate(ctx context.Context, body []byte) (any, error) {
	req, err := c.userRequest(body)
	if err != nil {
		return nil, err
	}
	m := c.member(req.CorpID, req.UserID)
	if m == nil {
		return nil, badRequest("no member %q in %q", req.UserID, req.CorpID)
	}
	apply(m, req.memberFields)
	c.srv.AddMember(req.CorpID, *m)
	return c.pushChangeContact(ctx, req.CorpID, "update_user", *m), nil
}

func (c *control) userRemove(ctx context.Context, body []byte) (any, error) {
	req, err := c.userRequest(body)
	if err != nil {
		return nil, err
	}
	m := c.member(req.CorpID, req.UserID)
	if m == nil {
		return nil, badRequest("no member %q in %q", req.UserID, req.CorpID)
	}
	c.srv.RemoveMember(req.CorpID, m.UserID)
	return c.pushChangeContact(ctx, req.CorpID, "delete_user", wecomtest.Member{UserID: m.UserID}), nil
}

// userRequest decodes and checks a user call, defaulting the corporation.
func (c *control) userRequest(body []byte) (userRequest, error) {
	var req userRequest
	if err := decode(body, &req); err != nil {
		return req, err
	}
	if req.CorpID == "" {
		req.CorpID = fakeCorpID
	}
	if err := checkID("corp_id", req.CorpID); err != nil {
		return req, err
	}
	if err := checkID("userid", req.UserID); err != nil {
		return req, err
	}
	return req, nil
}

// member returns a copy of a member, or nil.
func (c *control) member(corpID, userID string) *wecomtest.Member {
	for _, m := range c.srv.Members(corpID) {
		if strings.EqualFold(m.UserID, userID) {
			return &m
		}
	}
	return nil
}

func apply(m *wecomtest.Member, f memberFields) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&m.Name, f.Name)
	set(&m.Mobile, f.Mobile)
	set(&m.Email, f.Email)
	set(&m.Position, f.Position)
	set(&m.Gender, f.Gender)
	if f.Department != nil {
		m.Department = append([]int64(nil), (*f.Department)...)
	}
}

// pushChangeContact tells who listens that corpID's directory changed: the
// suite, when installed there, on its command URL; the fake's app, when
// its corporation changed and it has a callback (doc 90970).
func (c *control) pushChangeContact(ctx context.Context, corpID, changeType string, m wecomtest.Member) pushAnswer {
	ctx, cancel := pushContext(ctx)
	defer cancel()
	var out pushAnswer
	if c.srv.PermanentCode(fakeSuiteID, corpID) != "" && c.srv.CommandURLOf(fakeSuiteID) != "" {
		err := c.srv.PushChangeContact(ctx, fakeSuiteID, corpID, changeType, m.UserID)
		out.add("change_contact "+changeType+" to the suite", err)
	}
	if cb, ok := c.srv.AppCallbackOf(corpID, fakeAgentID); ok {
		err := c.srv.PushApp(ctx, corpID, fakeAgentID, changeContactXML(corpID, changeType, m, time.Now()))
		out.add("change_contact "+changeType+" to "+cb.URL, err)
	}
	return out
}

func (p *pushAnswer) add(what string, err error) {
	if err != nil {
		p.PushErrors = append(p.PushErrors, what+": "+err.Error())
		return
	}
	p.Pushed = append(p.Pushed, what)
}

func (c *control) message(ctx context.Context, body []byte) (any, error) {
	var req messageRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.CorpID == "" {
		req.CorpID = fakeCorpID
	}
	if req.AgentID == 0 {
		req.AgentID = fakeAgentID
	}
	if err := checkID("from", req.From); err != nil {
		return nil, err
	}
	if req.Text == "" || len(req.Text) > 2048 {
		return nil, badRequest("text: 1 to 2048 bytes")
	}
	switch req.Channel {
	case "", "app":
		cb, ok := c.srv.AppCallbackOf(req.CorpID, req.AgentID)
		if !ok {
			return nil, badRequest("app %d of %q has no callback: start the fake with -app-callback URL or run wecomfake callback app URL", req.AgentID, req.CorpID)
		}
		ctx, cancel := pushContext(ctx)
		defer cancel()
		if err := c.srv.PushApp(ctx, req.CorpID, req.AgentID, textMessageXML(req, time.Now())); err != nil {
			return nil, err
		}
		return pushAnswer{Pushed: []string{"text message to " + cb.URL}}, nil
	case "kf":
		return c.kfMessage(ctx, req)
	default:
		return nil, badRequest("unknown channel %q (app or kf)", req.Channel)
	}
}

func (c *control) fail(_ context.Context, body []byte) (any, error) {
	var req faultRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkFaultPath(req.Path); err != nil {
		return nil, err
	}
	if req.ErrCode == 0 {
		return nil, badRequest("errcode: not 0")
	}
	if req.Times == 0 {
		return nil, badRequest("times: not 0 (a negative number keeps the fault until wecomfake clear)")
	}
	c.srv.FailNext(req.Path, req.Times, req.ErrCode)
	return struct{}{}, nil
}

func (c *control) latency(_ context.Context, body []byte) (any, error) {
	var req faultRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkFaultPath(req.Path); err != nil {
		return nil, err
	}
	d, err := time.ParseDuration(req.Latency)
	if err != nil || d <= 0 || d > 10*time.Minute {
		return nil, badRequest("latency: a duration up to 10m, such as 1.5s")
	}
	if req.Times == 0 {
		req.Times = -1
	}
	c.srv.Inject(req.Path, req.Times, wecomtest.Fault{Latency: d})
	return struct{}{}, nil
}

func (c *control) clear(context.Context, []byte) (any, error) {
	c.srv.ClearFaults()
	return struct{}{}, nil
}

func (c *control) calls(context.Context, []byte) (any, error) {
	return callsAnswer{Calls: c.srv.CallCounts()}, nil
}

func (c *control) callback(_ context.Context, body []byte) (any, error) {
	var req callbackRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := checkCallbackURL(req.URL); err != nil {
		return nil, badRequest("url: %v", err)
	}
	switch req.Target {
	case "suite":
		c.srv.SetCommandURL(fakeSuiteID, req.URL)
	case "data":
		c.srv.SetDataURL(fakeSuiteID, req.URL)
	case "app":
		c.srv.SetAppCallback(fakeCorpID, fakeAgentID, appCallback(req.URL))
	default:
		return nil, badRequest("target: suite, data or app")
	}
	return struct{}{}, nil
}

// checkID accepts what WeCom accepts as a corpid or userid: 1 to 64
// letters, digits and _-.@ .
func checkID(name, v string) error {
	if v == "" || len(v) > 64 || strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.@") != "" {
		return badRequest("%s: 1 to 64 letters, digits, '_', '-', '.' or '@'", name)
	}
	return nil
}

// checkFaultPath accepts an API path or "*".
func checkFaultPath(p string) error {
	if p == wecomtest.AnyPath || strings.HasPrefix(p, "/") && len(p) <= 256 {
		return nil
	}
	return badRequest("path: an API path such as /cgi-bin/gettoken, or *")
}

// sortedCalls returns the counters as "count path" lines, by path.
func sortedCalls(calls map[string]int) []string {
	paths := make([]string, 0, len(calls))
	for p := range calls {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = strconv.Itoa(calls[p]) + " " + p
	}
	return out
}
