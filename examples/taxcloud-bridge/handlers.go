package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecom"
)

// bridge serves the tax cloud's two interfaces for one corporation.
type bridge struct {
	corpID   string
	verifier *signer.Verifier // nil: signature checks disabled (joint testing)
	identity *oauth.Client
	js       *jssdk.Signer
	timeout  time.Duration // for the WeCom calls of one request
	logger   *slog.Logger
	metrics  *metrics

	// parseQuery parses a request's query: httpquery.Parse, or
	// url.ParseQuery for the comparison benchmark.
	parseQuery func(string) (url.Values, error)
	// stdJSON writes the answers with encoding/json instead of by hand
	// (the comparison benchmark).
	stdJSON bool
}

// signed serves one of the two signed interfaces: it checks the parameters
// both share and the interface's own (own, at most ownMax bytes), then the
// signature with signer's middleware, then appid, and calls h with the
// interface's own parameter. The query is parsed once: the middleware
// verifies the values checkParams parsed. Every failure is answered with
// the contract's envelope.
func (b *bridge) signed(own string, ownMax int, h func(w http.ResponseWriter, r *http.Request, value string)) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, _ := b.parsedQuery(r)
		if b.verifier == nil {
			b.logger.LogAttrs(r.Context(), slog.LevelWarn, "signature check disabled: accepting an unsigned request",
				slog.String("path", accesslog.Field(r.URL.Path)))
		}
		if q.Get("appid") != b.corpID {
			reply(w, r, codeWrongAppID, "appid 与配置的企业 corpid 不一致 (appid is not the configured corpid)", nil)
			return
		}
		mark := b.metrics.cacheMark()
		h(w, r, q.Get(own))
		b.metrics.cacheDone(mark)
	})
	next := http.Handler(inner)
	if b.verifier != nil {
		next = b.verifier.Middleware(inner,
			signer.WithQueryParser(b.parsedQuery),
			signer.OnError(func(w http.ResponseWriter, r *http.Request, err error) {
				code, msg := signatureFailure(err)
				reply(w, r, code, msg, nil)
			}),
			signer.OnVerified(func(r *http.Request, form signer.Form) {
				if st := stateOf(r.Context()); st != nil {
					st.Data.form = form
				}
			}))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r.Context())
		if st != nil {
			st.Data.signed, st.Data.noSign, st.Data.stdJSON = true, b.verifier == nil, b.stdJSON
		}
		q, ok := b.checkParams(w, r, own, ownMax)
		if !ok {
			return
		}
		if st != nil {
			st.Data.query = q // for the middleware and inner, on the request's state: no second context
		}
		next.ServeHTTP(w, r)
	})
}

// userinfo serves GET /userinfo?appid=&code=&ts=&sign= (interface 1): the
// OAuth code → the member's email, mobile and name.
func (b *bridge) userinfo(w http.ResponseWriter, r *http.Request, code string) {
	ctx, cancel := context.WithTimeout(r.Context(), b.timeout)
	defer cancel()
	id, err := b.identity.Identify(ctx, code)
	switch {
	case errors.Is(err, oauth.ErrInvalidCode):
		reply(w, r, codeInvalidCode, "code 无效、已过期或已使用 (code invalid, expired or already used)", nil)
		return
	case errors.Is(err, oauth.ErrNotMember):
		reply(w, r, codeNotMember, "该用户不是企业成员 (not a member of the corporation)", nil)
		return
	case err != nil:
		b.wecomFailure(w, r, err)
		return
	case id.Email == "" && id.Mobile == "":
		reply(w, r, codeNoContact, "该成员没有应用可见的邮箱或手机号 (the member has neither email nor mobile visible to the app)", nil)
		return
	}
	reply(w, r, codeOK, msgOK, userData{Email: id.Email, Mobile: id.Mobile, Name: id.Name})
}

// jsSDK serves GET /js-sdk?appid=&ts=&sign=&pageUrl= (interface 2): the
// wx.config parameters for the page at pageUrl.
func (b *bridge) jsSDK(w http.ResponseWriter, r *http.Request, pageURL string) {
	page, err := decodePageURL(pageURL)
	if err == nil {
		err = checkPageURL(page)
	}
	if err != nil {
		reply(w, r, codeBadParam, "pageUrl 格式错误 (pageUrl is malformed): "+err.Error(), nil)
		return
	}
	// No per-request deadline here: with a warm ticket Config makes no call,
	// and a cold one waits for the ticket cache's single fetch, which is
	// itself bounded by the WeCom timeout (see newApp). Skipping the timer
	// is a measurable part of /js-sdk's cost.
	cfg, err := b.js.Config(r.Context(), page)
	switch {
	case errors.Is(err, jssdk.ErrInvalidURL):
		reply(w, r, codeBadParam, "pageUrl 必须是 http 或 https 地址 (pageUrl must be an http or https URL)", nil)
		return
	case err != nil:
		b.wecomFailure(w, r, err)
		return
	}
	reply(w, r, codeOK, msgOK, jsData{
		AppID:     cfg.AppID,
		Timestamp: cfg.Timestamp,
		NonceStr:  cfg.NonceStr,
		Signature: cfg.Signature,
	})
}

// parsedQuery returns the query checkParams parsed for r, or parses it
// when r did not come through the access log.
func (b *bridge) parsedQuery(r *http.Request) (url.Values, error) {
	if st := stateOf(r.Context()); st != nil && st.Data.query != nil {
		return st.Data.query, nil
	}
	return b.parseQuery(r.URL.RawQuery)
}

// checkParams validates what both interfaces need before the signature is
// checked — a well-formed query with appid, ts (when signatures are
// checked) and the interface's own parameter, each once and not too long —
// and answers the error itself when something is wrong.
func (b *bridge) checkParams(w http.ResponseWriter, r *http.Request, own string, ownMax int) (url.Values, bool) {
	q, err := b.parseQuery(r.URL.RawQuery)
	if err != nil {
		reply(w, r, codeBadParam, "查询参数格式错误 (malformed query string)", nil)
		return nil, false
	}
	required := [3]string{"appid", own, "ts"}
	n := len(required)
	if b.verifier == nil {
		n-- // ts is not needed without a signature
	}
	for _, name := range required[:n] {
		limit := maxParamLen
		if name == own {
			limit = ownMax
		}
		vs := q[name]
		switch {
		case len(vs) == 0 || vs[0] == "":
			reply(w, r, codeBadParam, "缺少参数 (missing parameter): "+name, nil)
			return nil, false
		case len(vs) > 1:
			reply(w, r, codeBadParam, "参数重复 (parameter given more than once): "+name, nil)
			return nil, false
		case len(vs[0]) > limit:
			reply(w, r, codeBadParam, fmt.Sprintf("参数过长 (parameter longer than %d bytes): %s", limit, name), nil)
			return nil, false
		}
	}
	return q, true
}

// signatureFailure maps a signer error to the contract's code and message.
func signatureFailure(err error) (code, msg string) {
	switch {
	case errors.Is(err, signer.ErrMissingSignature):
		return codeBadSignature, "缺少签名 (missing sign)"
	case errors.Is(err, signer.ErrBadSignature):
		return codeBadSignature, "签名错误 (wrong sign)"
	case errors.Is(err, signer.ErrExpired):
		return codeExpired, "ts 超出允许的时间范围 (ts outside the allowed window)"
	case errors.Is(err, signer.ErrMissingTimestamp):
		return codeBadParam, "缺少参数 (missing parameter): ts"
	case errors.Is(err, signer.ErrBadTimestamp):
		return codeBadParam, "ts 必须是以秒为单位的 Unix 时间 (ts must be Unix seconds)"
	case errors.Is(err, signer.ErrDuplicateParam):
		if name := duplicateName(err); name != "" {
			return codeBadParam, "参数重复 (parameter given more than once): " + name
		}
		return codeBadParam, "参数重复 (a parameter is given more than once)"
	case errors.Is(err, signer.ErrMalformedQuery):
		return codeBadParam, "查询参数格式错误 (malformed query string)"
	default:
		return codeBadParam, "请求参数错误 (malformed request)"
	}
}

// duplicateName returns the parameter an ErrDuplicateParam names, quoted
// after the sentinel's text, or "" (then the answer names none). The name
// comes from the caller's own query; it is cut to keep answers short.
func duplicateName(err error) string {
	rest, ok := strings.CutPrefix(err.Error(), signer.ErrDuplicateParam.Error()+": ")
	if !ok {
		return ""
	}
	name, uerr := strconv.Unquote(rest)
	if uerr != nil || name == "" {
		return ""
	}
	return accesslog.Field(name)
}

// wecomFailure answers 5001 for a WeCom error or an unreachable WeCom.
func (b *bridge) wecomFailure(w http.ResponseWriter, r *http.Request, err error) {
	d := wecom.Diagnose(err)
	b.logger.LogAttrs(r.Context(), slog.LevelWarn, "wecom call failed",
		slog.String("path", accesslog.Field(r.URL.Path)), slog.Int("errcode", wecom.ErrorCode(err)),
		slog.String("cause", string(d.Cause)), slog.String("error", err.Error()))
	if code := wecom.ErrorCode(err); code != 0 {
		reply(w, r, codeWeComError, fmt.Sprintf("企业微信接口返回错误 (WeCom returned errcode %d)", code), nil)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil {
		reply(w, r, codeWeComError, "企业微信接口超时 (WeCom did not answer in time)", nil)
		return
	}
	reply(w, r, codeWeComError, "无法访问企业微信 (WeCom could not be reached)", nil)
}

// decodePageURL undoes the tax cloud's encoding of pageUrl. The query
// decoding has already removed one level; a value that still starts with
// http%3A or https%3A was encoded twice and is decoded once more
// (CONTRACT.md, interface 2).
func decodePageURL(v string) (string, error) {
	if hasPrefixFold(v, "http%3a") || hasPrefixFold(v, "https%3a") {
		d, err := url.QueryUnescape(v)
		if err != nil {
			return "", errors.New("bad percent-encoding")
		}
		return d, nil
	}
	return v, nil
}

// checkPageURL refuses a page URL holding what location.href never holds —
// a raw space or an ASCII control character — since a signature over it
// could never match the page's own URL.
func checkPageURL(page string) error {
	for i := 0; i < len(page); i++ {
		if c := page[i]; c <= ' ' || c == 0x7f {
			if c == ' ' {
				return fmt.Errorf("raw space at byte %d (a page's location.href has %%20 there)", i)
			}
			return fmt.Errorf("control character %#02x at byte %d", c, i)
		}
	}
	return nil
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case, for a lowercase
// prefix, without lowering all of s.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
