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
}

// userinfo serves GET /userinfo?appid=&code=&ts=&sign= (interface 1): the
// OAuth code → the member's email, mobile and name.
func (b *bridge) userinfo(w http.ResponseWriter, r *http.Request) {
	q, ok := b.checkRequest(w, r, "code", maxParamLen)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), b.timeout)
	defer cancel()
	id, err := b.identity.Identify(ctx, q.Get("code"))
	switch {
	case errors.Is(err, oauth.ErrInvalidCode):
		reply(w, codeInvalidCode, "code 无效、已过期或已使用 (code invalid, expired or already used)", nil)
		return
	case errors.Is(err, oauth.ErrNotMember):
		reply(w, codeNotMember, "该用户不是企业成员 (not a member of the corporation)", nil)
		return
	case err != nil:
		b.wecomFailure(w, r, err)
		return
	case id.Email == "" && id.Mobile == "":
		reply(w, codeNoContact, "该成员没有应用可见的邮箱或手机号 (the member has neither email nor mobile visible to the app)", nil)
		return
	}
	reply(w, codeOK, msgOK, userData{Email: id.Email, Mobile: id.Mobile, Name: id.Name})
}

// jsSDK serves GET /js-sdk?appid=&ts=&sign=&pageUrl= (interface 2): the
// wx.config parameters for the page at pageUrl.
func (b *bridge) jsSDK(w http.ResponseWriter, r *http.Request) {
	q, ok := b.checkRequest(w, r, "pageUrl", maxPageURLLen)
	if !ok {
		return
	}
	page, err := decodePageURL(q.Get("pageUrl"))
	if err != nil {
		reply(w, codeBadParam, "pageUrl 格式错误 (pageUrl is malformed): "+err.Error(), nil)
		return
	}
	// No per-request deadline here: with a warm ticket Config makes no call,
	// and a cold one waits for the ticket cache's single fetch, which is
	// itself bounded by the WeCom timeout (see newApp). Skipping the timer
	// is a measurable part of /js-sdk's cost.
	cfg, err := b.js.Config(r.Context(), page)
	switch {
	case errors.Is(err, jssdk.ErrInvalidURL):
		reply(w, codeBadParam, "pageUrl 必须是 http 或 https 地址 (pageUrl must be an http or https URL)", nil)
		return
	case err != nil:
		b.wecomFailure(w, r, err)
		return
	}
	reply(w, codeOK, msgOK, jsData{
		AppID:     cfg.AppID,
		Timestamp: strconv.FormatInt(cfg.Timestamp, 10),
		NonceStr:  cfg.NonceStr,
		Signature: cfg.Signature,
	})
}

// checkRequest validates what both interfaces share — appid, ts, sign and
// the interface's own parameter — and answers the error itself when
// something is wrong.
func (b *bridge) checkRequest(w http.ResponseWriter, r *http.Request, own string, ownMax int) (url.Values, bool) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		reply(w, codeBadParam, "查询参数格式错误 (malformed query string)", nil)
		return nil, false
	}
	required := []string{"appid", own}
	if b.verifier != nil {
		required = append(required, "ts")
	}
	for _, name := range required {
		limit := maxParamLen
		if name == own {
			limit = ownMax
		}
		vs := q[name]
		switch {
		case len(vs) == 0 || vs[0] == "":
			reply(w, codeBadParam, "缺少参数 (missing parameter): "+name, nil)
			return nil, false
		case len(vs) > 1:
			reply(w, codeBadParam, "参数重复 (parameter given more than once): "+name, nil)
			return nil, false
		case len(vs[0]) > limit:
			reply(w, codeBadParam, fmt.Sprintf("参数过长 (parameter longer than %d bytes): %s", limit, name), nil)
			return nil, false
		}
	}
	if b.verifier == nil {
		b.logger.LogAttrs(r.Context(), slog.LevelWarn, "signature check disabled: accepting an unsigned request",
			slog.String("request_id", requestID(w)), slog.String("path", r.URL.Path))
	} else if err := b.verifier.Verify(q); err != nil {
		code, msg := signatureFailure(err)
		reply(w, code, msg, nil)
		return nil, false
	}
	if q.Get("appid") != b.corpID {
		reply(w, codeWrongAppID, "appid 与配置的企业 corpid 不一致 (appid is not the configured corpid)", nil)
		return nil, false
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
		return codeBadParam, "参数重复 (a parameter is given more than once)"
	default:
		return codeBadParam, "请求参数错误 (malformed request)"
	}
}

// wecomFailure answers 5001 for a WeCom error or an unreachable WeCom.
func (b *bridge) wecomFailure(w http.ResponseWriter, r *http.Request, err error) {
	b.logger.LogAttrs(r.Context(), slog.LevelWarn, "wecom call failed",
		slog.String("request_id", requestID(w)), slog.String("path", r.URL.Path),
		slog.Int("errcode", wecom.ErrorCode(err)), slog.String("error", err.Error()))
	if code := wecom.ErrorCode(err); code != 0 {
		reply(w, codeWeComError, fmt.Sprintf("企业微信接口返回错误 (WeCom returned errcode %d)", code), nil)
		return
	}
	if errors.Is(err, context.DeadlineExceeded) && r.Context().Err() == nil {
		reply(w, codeWeComError, "企业微信接口超时 (WeCom did not answer in time)", nil)
		return
	}
	reply(w, codeWeComError, "无法访问企业微信 (WeCom could not be reached)", nil)
}

// decodePageURL undoes the tax cloud's encoding of pageUrl. The query
// decoding has already removed one level; a value that still starts with
// http%3A or https%3A was encoded twice and is decoded once more
// (taxcloud-spec.md, interface 2).
func decodePageURL(v string) (string, error) {
	lower := strings.ToLower(v)
	if strings.HasPrefix(lower, "http%3a") || strings.HasPrefix(lower, "https%3a") {
		d, err := url.QueryUnescape(v)
		if err != nil {
			return "", errors.New("bad percent-encoding")
		}
		return d, nil
	}
	return v, nil
}

// healthz answers liveness probes.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}
