package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The link to set as the app's home page, or to redirect members to.
func ExampleAuthorizeURL() {
	link := oauth.AuthorizeURL("ww1234567890abcdef", "https://app.example.com/callback?from=menu", "s7K2q",
		oauth.WithPrivateInfo(1000002)) // ask for mobile and email
	fmt.Println(link)
	// Output:
	// https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1234567890abcdef&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback%3Ffrom%3Dmenu&response_type=code&scope=snsapi_privateinfo&state=s7K2q&agentid=1000002#wechat_redirect
}

func ExampleWebLoginURL() {
	fmt.Println(oauth.WebLoginURL(oauth.CorpApp, "ww1234567890abcdef", 1000002, "https://app.example.com/login", "s7K2q", oauth.WithLang("en")))
	// Output:
	// https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=ww1234567890abcdef&agentid=1000002&redirect_uri=https%3A%2F%2Fapp.example.com%2Flogin&state=s7K2q&lang=en
}

// Identify after WeCom redirected to the callback with ?code=…; here a
// wecomtest server plays WeCom, with an app created after 2022-06-20.
func ExampleClient_Identify() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww1234567890abcdef", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddMember("ww1234567890abcdef", wecomtest.Member{
		UserID: "zhangsan", Name: "张三", Mobile: "13800000000", BizMail: "zhangsan@corp.wecom.work",
	})

	client, _ := wecom.New("ww1234567890abcdef", "app-secret", wecom.WithAgentID(1000002),
		wecom.WithBaseURL(srv.URL)) // omit WithBaseURL in production
	ids := oauth.New(client)
	ctx := context.Background()

	code := srv.NewCode("ww1234567890abcdef", 1000002, "zhangsan", wecomtest.ScopePrivateInfo)
	id, err := ids.Identify(ctx, code)
	fmt.Println(id.UserID, id.Name, id.Mobile, id.Email, err)

	_, err = ids.Identify(ctx, code) // codes work once
	fmt.Println(errors.Is(err, oauth.ErrInvalidCode))

	_, err = ids.Identify(ctx, srv.NewNonMemberCode("ww1234567890abcdef", "o-visitor"))
	var visitor *oauth.NotMemberError
	fmt.Println(errors.As(err, &visitor), visitor.OpenID, errors.Is(err, oauth.ErrNotMember))
	// Output:
	// zhangsan 张三 13800000000 zhangsan@corp.wecom.work <nil>
	// true
	// true o-visitor true
}

// A state bound to a value kept in the user's cookie: a link issued for
// one browser is refused in another.
func ExampleStateCodec() {
	codec, err := oauth.NewStateCodec([]byte("32 random bytes from the config!"), 10*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	cookie := "c6d3a0f1" // a random value set as a cookie when the link is built
	state := codec.Issue(cookie)
	_ = oauth.AuthorizeURL("ww1234567890abcdef", "https://app.example.com/callback", state)

	// In the callback:
	fmt.Println(codec.Check(state, cookie))
	fmt.Println(codec.Check(state, "another browser's cookie"))
	// Output:
	// <nil>
	// oauth: invalid state
}
