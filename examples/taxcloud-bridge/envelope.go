package main

import (
	"encoding/json"
	"net/http"
)

// Result codes of the tax cloud contract (taxcloud-spec.md, "Errors").
const (
	codeOK             = "0000"
	codeBadParam       = "4001" // a required parameter is missing or malformed
	codeBadSignature   = "4002" // signature missing or wrong
	codeExpired        = "4003" // ts outside the allowed window
	codeWrongAppID     = "4004" // appid is not the configured corpid
	codeInvalidCode    = "4101" // code invalid, expired or already used (WeCom 40029)
	codeNotMember      = "4102" // the code belongs to a non-member
	codeNoContact      = "4103" // the member has neither email nor mobile visible to the app
	codeWeComError     = "5001" // WeCom returned an error or could not be reached
	codeInternal       = "5000"
	msgOK              = "操作成功"
	maxParamLen        = 512  // code, appid, ts, sign: WeCom's codes are ≤ 512 bytes
	maxPageURLLen      = 4096 // pageUrl
	maxRequestIDLength = 64
)

// envelope is the body of every answer to /userinfo and /js-sdk.
type envelope struct {
	Code  string `json:"code"`
	Msg   string `json:"msg"`
	Datas any    `json:"datas,omitempty"`
}

// userData is /userinfo's datas: email and mobile are always present (at
// least one non-empty); name may be omitted.
type userData struct {
	Email  string `json:"email"`
	Mobile string `json:"mobile"`
	Name   string `json:"name,omitempty"`
}

// jsData is /js-sdk's datas, the parameters of wx.config.
type jsData struct {
	AppID     string `json:"appid"`
	Timestamp string `json:"timestamp"`
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"`
}

// reply answers HTTP 200 with the envelope and records the result code for
// the access log.
func reply(w http.ResponseWriter, code, msg string, datas any) {
	if rec, ok := w.(*recorder); ok {
		rec.result = code
	}
	body, err := json.Marshal(envelope{Code: code, Msg: msg, Datas: datas})
	if err != nil { // cannot happen with these types; never answer half a body
		code, body = codeInternal, []byte(`{"code":"5000","msg":"内部错误 (internal error)"}`)
		if rec, ok := w.(*recorder); ok {
			rec.result = code
		}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}
