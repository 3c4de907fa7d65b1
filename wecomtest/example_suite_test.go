package wecomtest_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// A third-party app end to end: WeCom pushes a suite_ticket to the command
// URL, the app exchanges it for a suite_access_token; an admin installs the
// app from a QR code, WeCom pushes create_auth, and the app exchanges the
// auth code for the corporation's permanent code and a corp token that
// works on the ordinary APIs.
func ExampleServer_InstallQR() {
	const (
		suite = "wwsuite"
		token = "cbtoken"
		key   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	)
	srv := wecomtest.NewServer(
		wecomtest.WithSuite(wecomtest.Suite{ID: suite, Secret: "ssecret", Token: token, EncodingAESKey: key}),
		wecomtest.WithApp("ww-cust", wecomtest.App{AgentID: 1000001, Secret: "own"}), // the corporation's own app
	)
	defer srv.Close()
	srv.AddMember("ww-cust", wecomtest.Member{UserID: "zhangsan", Name: "张三"})

	// The code under test: the app's command URL remembers what it got.
	var mu sync.Mutex
	var ticket, authCode string
	mc, _ := crypto.New(token, key, suite)
	cb := httptest.NewServer(crypto.NewHandler(mc, crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Println("pushed", ev.InfoType)
		switch ev.InfoType {
		case "suite_ticket":
			ticket = ev.SuiteTicket
		case "create_auth":
			authCode = ev.AuthCode
		}
		return nil, nil
	})))
	defer cb.Close()
	srv.SetCommandURL(suite, cb.URL)
	ctx := context.Background()

	_, _ = srv.PushSuiteTicket(ctx, suite)
	tr, _ := wecom.NewTransport(wecom.WithBaseURL(srv.URL))
	suiteToken := wecom.NewCachedToken("suite", tr.GetSuiteToken(suite, wecom.Secret("ssecret"), func(context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		return ticket, nil
	}))
	svc, _ := wecom.NewServiceClient(wecom.SuiteAccessToken, suiteToken, wecom.WithTransport(tr))

	_, _ = srv.InstallQR(ctx, suite, "ww-cust", "from-qr")
	mu.Lock()
	code := authCode
	mu.Unlock()
	var perm struct {
		PermanentCode string `json:"permanent_code"`
		AuthCorpInfo  struct {
			CorpID string `json:"corpid"`
		} `json:"auth_corp_info"`
		State string `json:"state"`
	}
	err := svc.Post(ctx, "/cgi-bin/service/get_permanent_code", nil, map[string]string{"auth_code": code}, &perm)
	fmt.Println(err, perm.AuthCorpInfo.CorpID, perm.State, perm.PermanentCode == srv.PermanentCode(suite, "ww-cust"))

	corp, _ := wecom.NewWithTokenSource("ww-cust",
		wecom.NewCachedToken("corp", tr.GetCorpToken(suiteToken, "ww-cust", wecom.Secret(perm.PermanentCode))),
		wecom.WithTransport(tr))
	var user struct {
		Name string `json:"name"`
	}
	// A third-party app reads the userid in place of the name (doc 90196).
	err = corp.Get(ctx, "/cgi-bin/user/get", map[string][]string{"userid": {"zhangsan"}}, &user)
	fmt.Println(err, user.Name, srv.SuiteAgentID(suite, "ww-cust"), len(srv.CorpTokens(suite, "ww-cust")))

	// The same code works once.
	err = svc.Post(ctx, "/cgi-bin/service/get_permanent_code", nil, map[string]string{"auth_code": code}, &perm)
	fmt.Println(wecom.ErrorCode(err))
	// Output:
	// pushed suite_ticket
	// pushed create_auth
	// <nil> ww-cust from-qr true
	// <nil> zhangsan 1000002 2
	// 40078
}
