package wecom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// exampleServer stands in for WeCom; real code leaves out WithBaseURL.
func exampleServer() *wecomtest.Server {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww1234567890abcdef", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	srv.HandleFunc("/cgi-bin/user/get", func(w http.ResponseWriter, r *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid": r.URL.Query().Get("userid"), "name": "张三"})
	})
	srv.HandleFunc("/cgi-bin/message/send", func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "msg-1"})
	})
	return srv
}

func ExampleNew() {
	srv := exampleServer()
	defer srv.Close()

	client, err := wecom.New("ww1234567890abcdef", "app-secret",
		wecom.WithAgentID(1000002),
		wecom.WithBaseURL(srv.URL), // omit in production
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.CorpID(), client.AgentID())
	// Output: ww1234567890abcdef 1000002
}

func ExampleClient_AccessToken() {
	srv := exampleServer()
	defer srv.Close()
	client, _ := wecom.New("ww1234567890abcdef", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))

	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := client.AccessToken(ctx); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("gettoken calls:", srv.Calls("/cgi-bin/gettoken"))
	// Output: gettoken calls: 1
}

func ExampleClient_Get() {
	srv := exampleServer()
	defer srv.Close()
	client, _ := wecom.New("ww1234567890abcdef", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))

	var user struct {
		UserID string `json:"userid"`
		Name   string `json:"name"`
	}
	err := client.Get(context.Background(), "/cgi-bin/user/get", url.Values{"userid": {"zhangsan"}}, &user)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(user.UserID, user.Name)
	// Output: zhangsan 张三
}

func ExampleClient_Post() {
	srv := exampleServer()
	defer srv.Close()
	client, _ := wecom.New("ww1234567890abcdef", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))

	msg := map[string]any{
		"touser":  "zhangsan",
		"msgtype": "text",
		"agentid": client.AgentID(),
		"text":    map[string]string{"content": "你的快递已到"},
	}
	var out struct {
		MsgID string `json:"msgid"`
	}
	if err := client.Post(context.Background(), "/cgi-bin/message/send", nil, msg, &out); err != nil {
		fmt.Println("errcode", wecom.ErrorCode(err))
		return
	}
	fmt.Println("sent", out.MsgID)

	// WeCom errors come back as *APIError.
	srv.FailNext("/cgi-bin/message/send", 1, 81013)
	err := client.Post(context.Background(), "/cgi-bin/message/send", nil, msg, &out)
	fmt.Println("errcode", wecom.ErrorCode(err))
	// Output:
	// sent msg-1
	// errcode 81013
}

func ExampleNewCachedToken() {
	// Any credential with a lifetime can be cached the same way: here a
	// made-up fetch standing in for an upstream call.
	calls := 0
	fetch := func(ctx context.Context) (string, time.Duration, error) {
		calls++
		return fmt.Sprintf("ticket-%d", calls), 2 * time.Hour, nil
	}
	ts := wecom.NewCachedToken("jsapi_ticket:ww1234567890abcdef", fetch, wecom.WithStore(store.NewMemory()))

	ctx := context.Background()
	a, _ := ts.Token(ctx)
	b, _ := ts.Token(ctx)
	_ = ts.Invalidate(ctx, a) // say WeCom rejected it
	c, _ := ts.Token(ctx)
	fmt.Println(a, b, c)
	// Output: ticket-1 ticket-1 ticket-2
}

// An endpoint is declared once and called through a Caller of its kind of
// token; passing a suite Caller here would not compile.
func ExampleEndpoint() {
	srv := exampleServer()
	defer srv.Close()

	type getUser struct {
		UserID string `json:"-" query:"userid" wecom:"required"`
	}
	type user struct {
		Name string `json:"name"`
	}
	userGet := &wecom.Endpoint[wecom.CorpToken, getUser, user]{
		Method: http.MethodGet, Path: "/cgi-bin/user/get", Doc: 90196, Entry: "example",
	}

	client, err := wecom.New("ww1234567890abcdef", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	corp, err := wecom.Bind[wecom.CorpToken](client)
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := userGet.Call(context.Background(), corp, getUser{UserID: "zhangsan"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Name)
	// Output: 张三
}
