package main

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPageLang(t *testing.T) {
	for header, want := range map[string]string{
		"":                                  langZH,
		"zh-CN,zh;q=0.9,en;q=0.8":           langZH,
		"en-US,en;q=0.9":                    langEN,
		"EN":                                langEN,
		"fr-FR, en;q=0.5":                   langEN,
		"en;q=0.5, zh-TW;q=0.8":             langZH,
		"de, fr":                            langZH,
		"en;q=0, zh;q=0":                    langZH,
		"en;q=abc":                          langZH,
		"*":                                 langZH,
		"ja, en-GB;q=0.7, zh-Hans-CN;q=0.6": langEN,
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Language", header)
		require.Equal(t, want, pageLang(r), header)
	}
}

// Every English text a page or a handler shows has its Chinese.
func TestCatalogue(t *testing.T) {
	var texts []string
	for _, text := range pageTexts() {
		for _, m := range regexp.MustCompile(`\{\{t "([^"]*)"\}\}`).FindAllStringSubmatch(text, -1) {
			texts = append(texts, m[1])
		}
	}
	texts = append(texts, viaH5, viaPC, titleCannotSignIn, titleCannotSignOut, titleWeComDown, msgRepeated, msgMalformed,
		msgNoSignIn, msgExpired, msgNotIssued, msgUsed, msgTooMany, msgDeclined, msgRefusedAgain, msgNotMember, msgWeComDown, msgBadSignOut)
	for _, en := range texts {
		require.Contains(t, zhTexts, en)
	}
}

// Chinese by default, English by Accept-Language; departments by name,
// one department/get per department.
func TestLanguagesAndDepartments(t *testing.T) {
	d := startDemoServer(t, nil)
	zh := newBrowser(t)
	zh.lang = ""
	me := signInH5(t, d, zh, "zhangsan")
	require.Equal(t, http.StatusOK, me.status)
	for _, want := range []string{`<html lang="zh-CN">`, "你好，", `id="department">示例公司、研发部<`, "企业微信客户端（H5）", "退出登录"} {
		require.Contains(t, me.body, want)
	}
	require.Equal(t, "zh-CN", me.header.Get("Content-Language"))
	require.Contains(t, me.header.Values("Vary"), "Accept-Language")
	zh.get(d.base + "/me")
	zh.lang = "zh-CN,zh;q=0.9,en;q=0.8"
	require.Contains(t, zh.get(d.base+"/me").body, `id="department">示例公司、研发部<`)

	en := newBrowser(t)
	me = signInH5(t, d, en, "lisi")
	for _, want := range []string{`<html lang="en">`, "Hello, ", `id="department">R&amp;D<`, "WeCom client (H5)", "Sign out"} {
		require.Contains(t, me.body, want)
	}
	require.Equal(t, 2, deptGets(t, d), "one department/get per department")

	// Error pages too.
	other := newBrowser(t)
	other.lang = ""
	p := other.get(d.base + "/oauth/callback?code=x&state=" + strings.Repeat("ab", 32))
	require.Contains(t, p.body, "此浏览器中没有发起过登录")
	login := other.get(d.base + "/login")
	require.Contains(t, login.body, "使用企业微信登录")

	// The names are kept an hour.
	d.clock.Advance(deptTTL + time.Minute)
	en.get(d.base + "/me")
	require.Equal(t, 3, deptGets(t, d))
}

// Concurrent member pages with nothing cached ask once per department.
func TestDepartmentsConcurrent(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	signInH5(t, d, b, "zhangsan")
	d.clock.Advance(deptTTL + time.Minute) // the sign-in's /me cached them
	before := deptGets(t, d)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodGet, d.base+"/me", nil)
			req.Header.Set("Accept-Language", "en")
			for _, c := range b.jar.Cookies(req.URL) {
				req.AddCookie(c)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if !strings.Contains(string(raw), `id="department">Demo Co., R&amp;D<`) {
				t.Errorf("departments: %s", raw)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, before+2, deptGets(t, d))
}

// deptGets returns the department/get calls the server made.
func deptGets(t *testing.T, d *demoServer) int {
	t.Helper()
	body := newBrowser(t).get(d.base + "/metrics").body
	m := regexp.MustCompile(`oauth_login_wecom_calls_total\{api="/cgi-bin/department/get",errcode="0"\} (\d+)`).FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}
