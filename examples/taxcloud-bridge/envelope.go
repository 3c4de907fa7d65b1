package main

import (
	"net/http"
	"unicode/utf8"
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
	b = appendJSONString(b, d.Email)
	b = append(b, `,"mobile":`...)
	b = appendJSONString(b, d.Mobile)
	if d.Name != "" {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, d.Name)
	}
	return append(b, '}')
}

// jsData is /js-sdk's datas, the parameters of wx.config.
type jsData struct {
	AppID     string `json:"appid"`
	Timestamp string `json:"timestamp"`
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"`
}

func (d jsData) appendJSON(b []byte) []byte {
	b = append(b, `{"appid":`...)
	b = appendJSONString(b, d.AppID)
	b = append(b, `,"timestamp":`...)
	b = appendJSONString(b, d.Timestamp)
	b = append(b, `,"nonceStr":`...)
	b = appendJSONString(b, d.NonceStr)
	b = append(b, `,"signature":`...)
	b = appendJSONString(b, d.Signature)
	return append(b, '}')
}

// reply answers HTTP 200 with the envelope
// {"code":…,"msg":…[,"datas":…]} and records the result code for the
// access log. d is nil on errors: datas is omitted then.
func reply(w http.ResponseWriter, code, msg string, d datas) {
	if rec, ok := w.(*recorder); ok {
		rec.result = code
	}
	b := make([]byte, 0, 256)
	b = append(b, `{"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"msg":`...)
	b = appendJSONString(b, msg)
	if d != nil {
		b = append(b, `,"datas":`...)
		b = d.appendJSON(b)
	}
	b = append(b, '}')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// does (quotes, backslashes, control characters, U+2028/U+2029, and
// invalid UTF-8 as U+FFFD), without its HTML escaping, which a JSON API
// does not need.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
