package oauth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestEmptyArgumentsMakeNoCall(t *testing.T) {
	f := newFixture(t)
	c := f.oauth[newApp]
	ctx := context.Background()
	_, err := c.UserInfo(ctx, "")
	require.ErrorContains(t, err, "oauth: getuserinfo: empty code")
	require.ErrorIs(t, err, oauth.ErrInvalidArgument)
	_, err = c.UserDetail(ctx, "")
	require.ErrorContains(t, err, "oauth: getuserdetail: empty user ticket")
	_, err = c.User(ctx, "")
	require.ErrorContains(t, err, "oauth: user/get: empty userid")
	require.ErrorIs(t, err, oauth.ErrInvalidArgument)
	_, err = oauth.NewStateCodec([]byte("short"), time.Minute)
	require.ErrorIs(t, err, oauth.ErrInvalidArgument)
	require.Empty(t, f.srv.CallCounts(), "not even gettoken")
}

func TestUserInfo(t *testing.T) {
	f := newFixture(t)
	c := f.oauth[newApp]
	ctx := context.Background()

	info, err := c.UserInfo(ctx, f.code(newApp, "zhangsan", wecomtest.ScopePrivateInfo))
	require.NoError(t, err)
	require.True(t, info.IsMember())
	require.Equal(t, "zhangsan", info.UserID)
	require.Equal(t, f.srv.UserTickets(corpID, "zhangsan"), []string{info.UserTicket})
	ticket := f.remember(info.UserTicket)

	// The ticket never shows when the value is printed or logged.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("x", slog.Any("info", info), slog.Any("value", *info))
	for _, s := range []string{
		fmt.Sprint(info), fmt.Sprintf("%v %+v %#v %s %q", info, info, info, info, info),
		fmt.Sprintf("%v %+v %#v", *info, *info, *info), logged.String(),
	} {
		require.NotContains(t, s, ticket)
		require.Contains(t, s, "zhangsan")
	}
	require.Contains(t, info.String(), "UserTicket:[redacted]")

	info, err = c.UserInfo(ctx, f.code(newApp, "lisi", wecomtest.ScopeBase))
	require.NoError(t, err)
	require.Equal(t, oauth.UserInfo{UserID: "lisi"}, *info)
	require.Contains(t, info.String(), "UserTicket: ")

	info, err = c.UserInfo(ctx, f.remember(f.srv.NewCustomerCode(corpID, "o-1", "wm-1")))
	require.NoError(t, err)
	require.False(t, info.IsMember())
	require.Equal(t, oauth.UserInfo{OpenID: "o-1", ExternalUserID: "wm-1"}, *info)

	// A response with neither userid nor openid is not an identity.
	f.srv.HandleFunc(pGetUserInfo, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
	})
	_, err = c.UserInfo(ctx, "whatever")
	require.ErrorContains(t, err, "neither userid nor openid")
}

func TestCodesAndTicketsNeverInErrors(t *testing.T) {
	f := newFixture(t)
	c := f.oauth[newApp]
	ctx := context.Background()

	// WeCom's errmsg quoting the very code or ticket that was sent.
	code := f.code(newApp, "zhangsan", wecomtest.ScopePrivateInfo)
	f.srv.Inject(pGetUserInfo, 1, wecomtest.Fault{ErrCode: 40029, ErrMsg: "invalid code " + code})
	_, err := c.UserInfo(ctx, code)
	require.ErrorIs(t, err, oauth.ErrInvalidCode)
	var ae *wecom.APIError
	require.ErrorAs(t, err, &ae)
	require.NotContains(t, ae.Msg, code)
	f.requireClean(t, err)

	info, err := c.UserInfo(ctx, code) // the faulted attempt did not consume it
	require.NoError(t, err)
	f.remember(info.UserTicket)
	f.srv.Inject(pGetUserDetail, 1, wecomtest.Fault{ErrCode: 84015, ErrMsg: "invalid user_ticket " + info.UserTicket})
	_, err = c.UserDetail(ctx, info.UserTicket)
	require.ErrorIs(t, err, &wecom.APIError{Code: 84015})
	require.ErrorContains(t, err, "oauth: getuserdetail:")
	f.requireClean(t, err)

	// A transport failure: net/http quotes the URL, code included.
	f.srv.Inject(pGetUserInfo, -1, wecomtest.Fault{ResetConnection: true})
	_, err = c.UserInfo(ctx, f.code(newApp, "lisi", ""))
	require.Error(t, err)
	f.requireClean(t, err)
}

func TestUserDetail(t *testing.T) {
	f := newFixture(t)
	c := f.oauth[newApp]
	ctx := context.Background()
	info, err := c.UserInfo(ctx, f.code(newApp, "zhangsan", wecomtest.ScopePrivateInfo))
	require.NoError(t, err)
	f.remember(info.UserTicket)

	d, err := c.UserDetail(ctx, info.UserTicket)
	require.NoError(t, err)
	require.Equal(t, oauth.UserDetail{UserID: "zhangsan", Gender: "1", Avatar: "https://avatar/zs", Mobile: "13800000001",
		Email: "zhangsan@example.com", BizMail: "zhangsan@corp.wecom.work"}, *d)

	// A POST that is a read: retried after a 502 like a GET.
	f.srv.Inject(pGetUserDetail, 1, wecomtest.Fault{Status: http.StatusBadGateway})
	_, err = c.UserDetail(ctx, info.UserTicket)
	require.NoError(t, err)

	f.clock.Advance(1800 * time.Second)
	_, err = c.UserDetail(ctx, info.UserTicket)
	require.ErrorIs(t, err, &wecom.APIError{Code: 84014})
	_, err = c.UserDetail(ctx, "utk_made_up")
	require.ErrorIs(t, err, &wecom.APIError{Code: 84015})
}

func TestUser(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u, err := f.oauth[legacyApp].User(ctx, "zhangsan")
	require.NoError(t, err)
	require.Equal(t, oauth.User{UserID: "zhangsan", Name: "张三", Department: []int64{1}, MainDepartment: 1, Status: 1,
		Mobile: "13800000001", Gender: "1", Email: "zhangsan@example.com", BizMail: "zhangsan@corp.wecom.work",
		Avatar: "https://avatar/zs"}, *u)

	u, err = f.oauth[newApp].User(ctx, "zhangsan")
	require.NoError(t, err)
	require.Equal(t, oauth.User{UserID: "zhangsan", Name: "张三", Department: []int64{1}, MainDepartment: 1, Status: 1}, *u)

	_, err = f.oauth[newApp].User(ctx, "nobody")
	require.ErrorIs(t, err, &wecom.APIError{Code: 60111})
	require.ErrorContains(t, err, "oauth: user/get:")
}

func TestGenderStringOrNumber(t *testing.T) {
	for raw, want := range map[string]oauth.Gender{
		`"1"`: oauth.GenderMale, `2`: oauth.GenderFemale, `0`: oauth.GenderUnknown, `null`: "", `"0"`: oauth.GenderUnknown,
	} {
		t.Run(raw, func(t *testing.T) {
			var d oauth.UserDetail
			require.NoError(t, json.Unmarshal([]byte(`{"userid":"u","gender":`+raw+`,"mobile":"m"}`), &d))
			require.Equal(t, oauth.UserDetail{UserID: "u", Gender: want, Mobile: "m"}, d)
			var u oauth.User
			require.NoError(t, json.Unmarshal([]byte(`{"userid":"u","gender":`+raw+`,"name":"n"}`), &u))
			require.Equal(t, oauth.User{UserID: "u", Gender: want, Name: "n"}, u)
		})
	}
	var d oauth.UserDetail
	require.Error(t, json.Unmarshal([]byte(`{"gender":true}`), &d))
	require.Error(t, json.Unmarshal([]byte(`{"gender":{}}`), &d))
	var u oauth.User
	require.NoError(t, json.Unmarshal([]byte(`{}`), &u))
	require.Equal(t, oauth.User{}, u)

	// Through the client, from a server sending a number.
	f := newFixture(t)
	f.srv.HandleFunc(pUserGet, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid": "x", "gender": 2})
	})
	got, err := f.oauth[newApp].User(context.Background(), "x")
	require.NoError(t, err)
	require.Equal(t, oauth.GenderFemale, got.Gender)

	// The same type serves Identity, so its gender decodes alike.
	var g oauth.Gender
	require.NoError(t, json.Unmarshal([]byte(`1`), &g))
	require.Equal(t, oauth.GenderMale, g)
	require.Error(t, json.Unmarshal([]byte(`[1]`), &g))
}

func TestNewPanicsOnNil(t *testing.T) {
	require.Panics(t, func() { oauth.New(nil) })
}

func TestUserInfoNotRepeatedAfterLostAnswer(t *testing.T) {
	// WeCom may have consumed the code before the answer was lost: a repeat
	// would report "invalid code" for what was a network failure.
	f := newFixture(t)
	c := f.oauth[newApp]
	ctx := context.Background()
	_, err := c.UserInfo(ctx, f.code(newApp, "lisi", wecomtest.ScopeBase)) // warm the token
	require.NoError(t, err)

	f.srv.Inject(pGetUserInfo, 1, wecomtest.Fault{Status: http.StatusBadGateway})
	_, err = c.UserInfo(ctx, f.code(newApp, "lisi", wecomtest.ScopeBase))
	require.Error(t, err)
	require.NotErrorIs(t, err, oauth.ErrInvalidCode)
	require.Equal(t, 2, f.srv.Calls(pGetUserInfo))

	f.srv.FailNext(pGetUserInfo, 1, -1) // busy: not processed, repeated
	_, err = c.UserInfo(ctx, f.code(newApp, "lisi", wecomtest.ScopeBase))
	require.NoError(t, err)
}
