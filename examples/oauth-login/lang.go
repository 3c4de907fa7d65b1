package main

import (
	"net/http"
	"strconv"
	"strings"
)

// Page languages: Chinese unless the browser prefers English
// (Accept-Language).
const (
	langZH = "zh"
	langEN = "en"
)

// pageLang returns the language of r's pages: the supported language the
// Accept-Language header ranks highest, Chinese when it ranks neither.
func pageLang(r *http.Request) string {
	best, bestQ := langZH, 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if (primary == langZH || primary == langEN) && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// translate returns en, an English text of the pages, in lang; a text
// missing from the catalogue stays English (TestCatalogue finds them).
func translate(lang, en string) string {
	if lang == langZH {
		if zh, ok := zhTexts[en]; ok {
			return zh
		}
	}
	return en
}

// zhTexts is the Chinese of every English text the pages show.
var zhTexts = map[string]string{
	// Login page.
	"Sign in":            "登录",
	"Sign in with WeCom": "使用企业微信登录",
	"Scan the QR code with the WeCom app, or open WeCom's login page:": "请用企业微信扫描二维码，或打开企业微信登录页：",
	"Log in with WeCom": "企业微信登录",
	"The embedded QR panel loads WeCom's script from its CDN, which the demo does without.": "内嵌的扫码面板需从企业微信的 CDN 加载脚本，演示模式不加载。",
	// Member page.
	"Hello, ":                 "你好，",
	", ":                      "、",
	"department":              "部门",
	"position":                "职务",
	"mobile":                  "手机",
	"email":                   "邮箱",
	"not visible to this app": "本应用不可见",
	"signed in through":       "登录方式",
	viaH5:                     "企业微信客户端（H5）",
	viaPC:                     "网页登录（扫码）",
	"Sign out":                "退出登录",
	// Signed out.
	"Signed out":                  "已退出登录",
	"Your session has ended.":     "您的会话已结束。",
	"Sign in in the WeCom client": "在企业微信客户端中登录",
	"Sign in on a PC":             "在电脑上登录",
	// Errors.
	"Start again":      "重新开始",
	titleCannotSignIn:  "无法登录",
	titleCannotSignOut: "无法退出登录",
	titleWeComDown:     "企业微信无响应",
	msgRepeated:        "登录链接中有参数重复出现。",
	msgMalformed:       "登录链接格式不正确。",
	msgNoSignIn:        "此浏览器中没有发起过登录，或该登录已经完成：此链接不能（再次）使用。",
	msgExpired:         "登录耗时过长，已过期，请重新开始。",
	msgNotIssued:       "此登录链接不是发给本浏览器的，或已被篡改。",
	msgUsed:            "此登录链接已经用过。",
	msgTooMany:         "此浏览器近期发起的登录过多，请重新开始。",
	msgDeclined:        "企业微信没有返回登录码：登录被拒绝了。",
	msgRefusedAgain:    "企业微信再次拒绝了登录码，请重新开始。",
	msgNotMember:       "您不是本企业的成员，无法在此登录。",
	msgWeComDown:       "无法向企业微信确认您的身份，请稍后再试。",
	msgBadSignOut:      "退出请求不是来自本站的页面。请使用您页面上的“退出登录”按钮。",
}

// The texts handlers choose.
const (
	viaH5              = "WeCom client (H5)"
	viaPC              = "web login (QR code)"
	titleCannotSignIn  = "Cannot sign you in"
	titleCannotSignOut = "Cannot sign you out"
	titleWeComDown     = "WeCom is not answering"
	msgRepeated        = "The sign-in link carries a parameter more than once."
	msgMalformed       = "The sign-in link is malformed."
	msgNoSignIn        = "No sign-in was started in this browser, or it was already completed: this link cannot be used (again)."
	msgExpired         = "The sign-in took too long and has expired."
	msgNotIssued       = "The sign-in link was not issued to this browser, or was altered."
	msgUsed            = "This sign-in link was already used."
	msgTooMany         = "Too many sign-ins were started in this browser lately. Please start again."
	msgDeclined        = "WeCom sent no sign-in code: the sign-in was declined."
	msgRefusedAgain    = "WeCom refused the sign-in code again. Please start over."
	msgNotMember       = "You are not a member of this organisation, so you cannot sign in here."
	msgWeComDown       = "We could not ask WeCom who you are. Please try again in a moment."
	msgBadSignOut      = "The sign-out did not come from this site's page. Use the Sign out button on your page."
)
