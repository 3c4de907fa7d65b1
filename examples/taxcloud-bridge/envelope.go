package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/wecomkit/wecomkit/internal/jsonenc"
)

// Result codes of the tax cloud contract (CONTRACT.md, "Answers").
const (
	codeOK           = "0000"
	codeBadParam     = "4001" // a required parameter is missing or malformed
	codeBadSignature = "4002" // signature missing or wrong
	codeExpired      = "4003" // ts outside the allowed window
	codeWrongAppID   = "4004" // appid is not the configured corpid
	codeInvalidCode  = "4101" // code invalid, expired or already used (WeCom 40029)
	codeNotMember    = "4102" // the code belongs to a non-member
	codeNoContact    = "4103" // the member has neither email nor mobile visible to the app
	codeWeComError   = "5001" // WeCom returned an error or could not be reached
	codeInternal     = "5000"
	msgOK            = "操作成功"
	maxParamLen      = 512  // code, appid, ts, sign: WeCom's codes are ≤ 512 bytes
	maxPageURLLen    = 4096 // pageUrl
)

// datas is the payload of a successful answer. Each kind writes its own
// JSON: the answers are small and fixed, and reflection-based encoding
// cost more than everything else /js-sdk does.
type datas interface {
	appendJSON(b []byte) []byte
}

// userData is /userinfo's datas: email and mobile are always present (at
// least one non-empty); name may be omitted.
type userData struct {
	Email  string `json:"email"`
	Mobile string `json:"mobile"`
	Name   string `json:"name,omitempty"`
}

func (d userData) appendJSON(b []byte) []byte {
	b = append(b, `{"email":`...)
	b = jsonenc.AppendString(b, d.Email)
	b = append(b, `,"mobile":`...)
	b = jsonenc.AppendString(b, d.Mobile)
	if d.Name != "" {
		b = append(b, `,"name":`...)
		b = jsonenc.AppendString(b, d.Name)
	}
	return append(b, '}')
}

// jsData is /js-sdk's datas, the parameters of wx.config.
type jsData struct {
	AppID     string `json:"appid"`
	Timestamp int64  `json:"timestamp,string"` // seconds, a JSON string
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"`
}

func (d jsData) appendJSON(b []byte) []byte {
	b = append(b, `{"appid":`...)
	b = jsonenc.AppendString(b, d.AppID)
	b = append(b, `,"timestamp":`...)
	b = append(b, '"')
	b = strconv.AppendInt(b, d.Timestamp, 10)
	b = append(b, '"')
	b = append(b, `,"nonceStr":`...)
	b = jsonenc.AppendString(b, d.NonceStr)
	b = append(b, `,"signature":`...)
	b = jsonenc.AppendString(b, d.Signature)
	return append(b, '}')
}

// reply answers HTTP 200 with the envelope
// {"code":…,"msg":…[,"datas":…]} and a newline, and records the result
// code for the access log on the request's state. d is nil on errors:
// datas is omitted then.
func reply(w http.ResponseWriter, r *http.Request, code, msg string, d datas) {
	st := stateOf(r.Context())
	if st != nil {
		st.Data.result = code
		st.Failed = code == codeInternal // logged as an error, though the status is 200
	}
	var b []byte
	if st != nil {
		b = st.Data.body[:0] // the request's state has room for the usual answer
	} else {
		b = make([]byte, 0, 256)
	}
	if st != nil && st.Data.stdJSON {
		b = appendStdJSON(b, code, msg, d)
	} else {
		b = append(b, `{"code":`...)
		b = jsonenc.AppendString(b, code)
		b = append(b, `,"msg":`...)
		b = jsonenc.AppendString(b, msg)
		if d != nil {
			b = append(b, `,"datas":`...)
			b = d.appendJSON(b)
		}
		b = append(b, '}', '\n')
	}
	h := w.Header()
	if st != nil {
		// The header values live in the request's state: no allocation.
		st.Data.hdrs = [2]string{"application/json; charset=utf-8", "no-store"}
		h["Content-Type"] = st.Data.hdrs[0:1:1]
		h["Cache-Control"] = st.Data.hdrs[1:2:2]
	} else {
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// envelope is the answer as encoding/json writes it.
type envelope struct {
	Code  string `json:"code"`
	Msg   string `json:"msg"`
	Datas datas  `json:"datas,omitempty"`
}

// appendStdJSON appends the answer as encoding/json writes it (without
// HTML escaping, like the hand-written one): the comparison benchmark's
// variant of reply.
func appendStdJSON(b []byte, code, msg string, d datas) []byte {
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(envelope{Code: code, Msg: msg, Datas: d}) // strings and a struct of strings: cannot fail
	return buf.Bytes()
}
