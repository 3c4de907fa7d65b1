package wecom_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestLookupCode(t *testing.T) {
	for _, code := range []int{-1, 40001, 40013, 40014, 40029, 40078, 40082, 40085, 41004, 42001, 45009, 48002, 50001, 60020} {
		info, ok := wecom.LookupCode(code)
		require.True(t, ok, "code %d", code)
		require.Equal(t, code, info.Code)
		require.NotEmpty(t, info.Meaning)
		require.NotEmpty(t, info.Advice)
	}
	// 0 is success, not an unknown code: "errcode 0" used to answer "not in
	// wecomkit's table".
	info, ok := wecom.LookupCode(0)
	require.True(t, ok)
	require.Contains(t, info.Meaning, "ok")
	require.Contains(t, info.Advice, "Nothing to do")
	_, ok = wecom.LookupCode(12345)
	require.False(t, ok)
	codes := wecom.KnownCodes()
	require.IsIncreasing(t, codes)
	require.Contains(t, codes, 60020)
}

// The table carries WeCom's own words (doc 90313 / 90455): 错误说明 and
// 排查方法 in Chinese, for codes the project has advice for and for codes
// it knew nothing about before (6000, 40004 …, which errcode, errors and
// Diagnose used to call unknown).
func TestLookupCodeOfficial(t *testing.T) {
	info, ok := wecom.LookupCode(6000)
	require.True(t, ok)
	require.Equal(t, "数据版本冲突", info.Official)
	require.Equal(t, "可能有多个调用端同时修改数据，稍后重试", info.Hint)
	require.Equal(t, "data version conflict (数据版本冲突)", info.Meaning)
	require.Equal(t, info.Hint, info.Advice)
	require.Equal(t, info.Hint, (&wecom.APIError{Code: 6000}).Advice())
	d := wecom.Diagnose(&wecom.APIError{Code: 6000, Path: "/cgi-bin/user/update"})
	require.Equal(t, "wecom errcode 6000: 可能有多个调用端同时修改数据，稍后重试", d.String())

	// The project's own advice stays; WeCom's words come with it.
	info, ok = wecom.LookupCode(40013)
	require.True(t, ok)
	require.Equal(t, "不合法的CorpID", info.Official)
	require.Contains(t, info.Hint, "web管理端-设置")
	require.Contains(t, info.Advice, "我的企业")

	// A code whose 排查方法 is a "查看帮助" link carries the help text the
	// link opens, on one line.
	info, ok = wecom.LookupCode(40003)
	require.True(t, ok)
	require.Equal(t, "无效的UserID", info.Official)
	require.True(t, strings.HasPrefix(info.Hint, "不合法的UserID。确认： 1）有效的UserID需要满足：长度1~64字符"), info.Hint)
	require.Contains(t, info.Hint, "第三方应用则需要使用密文userid")
	require.Equal(t, "invalid UserID (无效的UserID)", info.Meaning)
	require.Equal(t, info.Hint, (&wecom.APIError{Code: 40003}).Advice())

	// A code WeCom gives no 排查方法 for ("-") has no hint: Diagnose points
	// at WeCom's query tool.
	info, ok = wecom.LookupCode(40026)
	require.True(t, ok)
	require.Equal(t, "不合法的子菜单按钮KEY长度", info.Official)
	require.Empty(t, info.Hint)
	require.Empty(t, info.Advice)
	require.Contains(t, wecom.Diagnose(&wecom.APIError{Code: 40026}).Hint, "devtool/query?e=40026")

	for _, c := range wecom.KnownCodes() {
		info, _ := wecom.LookupCode(c)
		require.Equal(t, c, info.Code)
		require.NotEmpty(t, info.Meaning, "code %d", c)
		require.NotEmpty(t, info.Official, "code %d", c)
	}
	require.GreaterOrEqual(t, len(wecom.KnownCodes()), shippedCodes)
}

// shippedCodes is how many codes errcode_official.tsv holds: every code of
// WeCom's page as of 2023-08. A refresh may add codes, never drop them.
const shippedCodes = 1184

// The whole of WeCom's page is in the table, not only the codes the
// project met: these were missing from the first, partial copy.
func TestLookupCodeWholeTable(t *testing.T) {
	official := map[int]string{
		60111:   "UserID不存在",
		86001:   "参数 chatid 不合法",
		95000:   "不合法的open_kfid",
		48009:   "API接口无权限调用，为保障企业数据安全，不再允许通讯录同步助手从新增IP读取通讯录详情",
		301002:  "无权限操作指定的应用",
		2400008: "访问了超过范围的资源",
		-1:      "系统繁忙",
	}
	for code, want := range official {
		info, ok := wecom.LookupCode(code)
		require.True(t, ok, "code %d", code)
		require.Equal(t, want, info.Official, "code %d", code)
		require.Contains(t, info.Meaning, want, "code %d", code)
	}

	info, _ := wecom.LookupCode(60111)
	require.Equal(t, "UserID does not exist (UserID不存在)", info.Meaning)
	require.Contains(t, info.Hint, "a) 成员已退出企业 b) 成员被企业删除")
	require.Equal(t, info.Hint, wecom.Diagnose(&wecom.APIError{Code: 60111}).Hint)

	// A link keeps its text and loses its target.
	info, _ = wecom.LookupCode(48009)
	require.Equal(t, "查看通讯录同步接口调整", info.Hint)
	info, _ = wecom.LookupCode(301002)
	require.Contains(t, info.Hint, "比如说，发消息接口 指定了参数 \"agentid\": 14")
	require.NotContains(t, info.Hint, "http")

	// WeCom's HTML is flattened to the text it shows.
	info, _ = wecom.LookupCode(60009)
	require.Equal(t, `不能含有 :?*"<>| 等字符`, info.Hint)

	// "-" is no hint at all.
	info, _ = wecom.LookupCode(86001)
	require.Empty(t, info.Hint)
	require.Equal(t, "invalid chatid (参数 chatid 不合法)", info.Meaning)

	// The project's advice still wins over WeCom's words where it has some.
	info, _ = wecom.LookupCode(60020)
	require.Contains(t, info.Advice, "企业可信IP")
	require.Contains(t, info.Hint, "配置完可信IP之后，需要1分钟后才生效")
}

// errcode_official.tsv is a file people edit: every line is four
// tab-separated fields, the codes are unique and ascending, and the
// package serves exactly what the file says.
func TestOfficialTableFile(t *testing.T) {
	data, err := os.ReadFile("errcode_official.tsv")
	require.NoError(t, err)
	require.NotContains(t, string(data), "\r")
	var codes []int
	glossed := 0
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			require.Empty(t, codes, "line %d: a comment after the first code", i+1)
			continue
		}
		f := strings.Split(line, "\t")
		require.Len(t, f, 4, "line %d", i+1)
		code, err := strconv.Atoi(f[0])
		require.NoError(t, err, "line %d", i+1)
		if len(codes) > 0 {
			require.Greater(t, code, codes[len(codes)-1], "line %d: codes unique and ascending", i+1)
		}
		codes = append(codes, code)
		require.NotEmpty(t, f[1], "line %d: 错误说明", i+1)
		for _, field := range f[1:] {
			require.Equal(t, strings.TrimSpace(field), field, "line %d: field %q", i+1, field)
			require.NotContains(t, field, "](", "line %d: Markdown link", i+1)
			require.NotContains(t, field, "<code>", "line %d: HTML", i+1)
		}
		require.NotEqual(t, "-", f[2], "line %d: WeCom's \"-\" is an empty 排查方法", i+1)
		if f[3] != "" {
			glossed++
		}
		info, ok := wecom.LookupCode(code)
		require.True(t, ok, "code %d", code)
		require.Equal(t, f[1], info.Official, "code %d", code)
		require.Equal(t, f[2], info.Hint, "code %d", code)
	}
	require.Len(t, codes, shippedCodes)
	require.Equal(t, len(codes), glossed, "every code has an English gloss")
	require.Equal(t, codes, wecom.KnownCodes())
}

// LookupCode sits on the error path of every failed call: it must not
// allocate.
func TestLookupCodeAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = wecom.LookupCode(60111)
		_, _ = wecom.LookupCode(12345)
	})
	require.Zero(t, allocs)
}

func BenchmarkLookupCode(b *testing.B) {
	codes := []int{60020, 60111, 301002, 86001, 12345}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := wecom.LookupCode(codes[i%len(codes)]); ok != (i%len(codes) != 4) {
			b.Fatal("wrong answer")
		}
	}
}

func TestAdviceNamesTheDeniedIP(t *testing.T) {
	err := &wecom.APIError{Code: 60020, Path: "/cgi-bin/gettoken",
		Msg: "not allow to access from your ip, hint: [1700000000_1_abc], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020"}
	advice := err.Advice()
	require.Contains(t, advice, "203.0.113.7")
	require.Contains(t, advice, "企业可信IP")
	require.Equal(t, "203.0.113.7", wecom.DeniedIP(err.Msg))
	require.Equal(t, "2001:db8::1", wecom.DeniedIP("from ip: 2001:db8::1."))
	require.Empty(t, wecom.DeniedIP("from ip: not-an-ip"))
	require.Empty(t, (&wecom.APIError{Code: 99999}).Advice())
	require.Contains(t, (&wecom.APIError{Code: 40013}).Advice(), "corp id")
}

// brokenStore fails every operation, as an unreachable Redis does.
type brokenStore struct{ err error }

func (s brokenStore) Get(context.Context, string) (string, bool, error) { return "", false, s.err }
func (s brokenStore) Set(context.Context, string, string, time.Duration) error {
	return s.err
}
func (s brokenStore) Delete(context.Context, string) error { return s.err }
func (s brokenStore) CompareAndDelete(context.Context, string, string) (bool, error) {
	return false, s.err
}

func TestDiagnose(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	fetch := func(t *testing.T, baseURL, sec string, opts ...wecom.Option) error {
		t.Helper()
		all := append([]wecom.Option{wecom.WithBaseURL(baseURL), wecom.WithRetries(0), wecom.WithRequestTimeout(2 * time.Second)}, opts...)
		c, err := wecom.New(corpID, sec, all...)
		require.NoError(t, err)
		_, err = c.AccessToken(ctx)
		require.Error(t, err)
		return err
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedURL := "http://" + closed.Addr().String()
	require.NoError(t, closed.Close())

	// A listener that accepts and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				buf := make([]byte, 1024)
				_, _ = c.Read(buf)
				time.Sleep(300 * time.Millisecond)
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() { silent.Close(); conns.Wait() })

	srv.HandleFunc("/cgi-bin/test/html", func(w http.ResponseWriter, r *http.Request, _ wecomtest.Caller) {
		_, _ = w.Write([]byte("<html>proxy login</html>"))
	})

	tests := []struct {
		name  string
		err   func(t *testing.T) error
		cause wecom.Cause
		code  int
		hint  string
	}{
		{"wrong secret", func(t *testing.T) error { return fetch(t, srv.URL, "wrong") }, wecom.CauseAPI, 40001, "secret"},
		{"store down", func(t *testing.T) error {
			return fetch(t, srv.URL, secret, wecom.WithStore(brokenStore{err: fmt.Errorf("redisstore: get: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")})}))
		}, wecom.CauseStore, 0, "store"},
		{"refused", func(t *testing.T) error { return fetch(t, closedURL, secret) }, wecom.CauseRefused, 0, "refused"},
		{"timeout", func(t *testing.T) error {
			return fetch(t, "http://"+silent.Addr().String(), secret, wecom.WithRequestTimeout(50*time.Millisecond))
		}, wecom.CauseTimeout, 0, "in time"},
		{"dns", func(t *testing.T) error {
			return fmt.Errorf("wecom: GET /cgi-bin/gettoken: %w", &net.DNSError{Err: "no such host", Name: "qyapi.example.invalid", IsNotFound: true})
		}, wecom.CauseDNS, 0, "resolve"},
		{"proxy status", func(t *testing.T) error {
			srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Status: http.StatusBadGateway})
			return fetch(t, srv.URL, secret)
		}, wecom.CauseHTTP, 0, "502"},
		{"not JSON", func(t *testing.T) error {
			c, err := wecom.New(corpID, secret, wecom.WithBaseURL(srv.URL))
			require.NoError(t, err)
			return c.Get(ctx, "/cgi-bin/test/html", nil, nil)
		}, wecom.CauseResponse, 0, "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err(t)
			d := wecom.Diagnose(err)
			require.Equal(t, tt.cause, d.Cause, "error: %v", err)
			require.Equal(t, tt.code, d.Code)
			require.Contains(t, strings.ToLower(d.Hint), strings.ToLower(tt.hint))
			require.NotContains(t, d.String()+err.Error(), secret)
		})
	}
	require.Equal(t, wecom.Diagnosis{}, wecom.Diagnose(nil))
	require.Empty(t, wecom.Diagnose(nil).String())
}

func TestCallHookSeesEveryAttempt(t *testing.T) {
	var mu sync.Mutex
	var calls []wecom.CallInfo
	f := newFixture(t, wecom.WithCallHook(func(_ context.Context, info wecom.CallInfo) {
		mu.Lock()
		calls = append(calls, info)
		mu.Unlock()
	}))
	f.srv.FailNext(pingURL, 1, -1) // system busy once, then success
	var out pingResponse
	require.NoError(t, f.client.Get(context.Background(), pingURL, nil, &out))

	mu.Lock()
	defer mu.Unlock()
	require.Len(t, calls, 3)
	require.Equal(t, "/cgi-bin/gettoken", calls[0].Path)
	require.Equal(t, 1, calls[0].Attempt)
	require.Equal(t, pingURL, calls[1].Path)
	require.Equal(t, -1, calls[1].ErrCode)
	require.Equal(t, 1, calls[1].Attempt)
	require.Equal(t, 2, calls[2].Attempt)
	require.Zero(t, calls[2].ErrCode)
	require.NoError(t, calls[2].Err)
	require.Equal(t, http.MethodGet, calls[2].Method)
}

func TestStaticToken(t *testing.T) {
	ts := wecom.StaticToken("fixed")
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	require.Equal(t, "fixed", tok)
	require.NoError(t, ts.Invalidate(context.Background(), "fixed"))
	tok, err = ts.Token(context.Background())
	require.NoError(t, err)
	require.Equal(t, "fixed", tok)
	_, err = wecom.StaticToken("").Token(context.Background())
	require.ErrorIs(t, err, wecom.ErrInvalidConfig)
}
