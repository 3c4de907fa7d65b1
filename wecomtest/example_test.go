package wecomtest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func ExampleNewServer() {
	clock := wecomtest.NewClock(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	srv := wecomtest.NewServer(
		wecomtest.WithClock(clock.Now),
		wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "s3cret"}),
	)
	defer srv.Close()

	client, _ := wecom.New("ww-corp", "s3cret",
		wecom.WithAgentID(1000002),
		wecom.WithBaseURL(srv.URL),
		wecom.WithClock(clock.Now), // the same clock on both sides
	)
	ctx := context.Background()

	_, _ = client.AccessToken(ctx)
	clock.Advance(3 * time.Hour) // the token has expired: fetched again
	_, _ = client.AccessToken(ctx)

	// A handler of the test's own, in place of the built-in model, with
	// the same token and declaration checks.
	srv.HandleFunc("/cgi-bin/agent/get", func(w http.ResponseWriter, _ *http.Request, c wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "agentid": c.AgentID})
	})
	// WeCom revokes tokens early sometimes, and is busy sometimes: the
	// client gets 40014, fetches a new token (retrying the busy answer)
	// and repeats the call.
	srv.RevokeTokens("ww-corp", 1000002)
	srv.FailNext("/cgi-bin/gettoken", 1, -1)
	var agent struct {
		AgentID int64 `json:"agentid"`
	}
	err := client.Get(ctx, "/cgi-bin/agent/get", url.Values{"agentid": {"1000002"}}, &agent)
	fmt.Println(err, agent.AgentID, srv.Calls("/cgi-bin/gettoken"), srv.Calls("/cgi-bin/agent/get"))
	// Output: <nil> 1000002 4 2
}

// A member opens the app's OAuth2 link: the test hands the code WeCom would
// have sent to the redirect URI to the code under test. Codes work once;
// an app created after 2022-06-20 gets no mobile from user/get.
func ExampleServer_NewCode() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "s3cret"}))
	defer srv.Close()
	srv.AddMember("ww-corp", wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000000"})
	client, _ := wecom.New("ww-corp", "s3cret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	ctx := context.Background()

	code := srv.NewCode("ww-corp", 1000002, "zhangsan", wecomtest.ScopePrivateInfo)
	var info struct {
		UserID     string `json:"userid"`
		UserTicket string `json:"user_ticket"`
	}
	err := client.Get(ctx, "/cgi-bin/auth/getuserinfo", url.Values{"code": {code}}, &info)
	fmt.Println(info.UserID, info.UserTicket != "", err)

	err = client.Get(ctx, "/cgi-bin/auth/getuserinfo", url.Values{"code": {code}}, &info)
	fmt.Println(wecom.ErrorCode(err))

	var user struct {
		Name   string `json:"name"`
		Mobile string `json:"mobile"`
	}
	_ = client.Get(ctx, "/cgi-bin/user/get", url.Values{"userid": {"zhangsan"}}, &user)
	fmt.Printf("%s %q\n", user.Name, user.Mobile)
	// Output:
	// zhangsan true <nil>
	// 40029
	// 张三 ""
}
