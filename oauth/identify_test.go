package oauth_test

import (
	"context"
	"errors"
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

const (
	pGetUserInfo   = "/cgi-bin/auth/getuserinfo"
	pGetUserDetail = "/cgi-bin/auth/getuserdetail"
	pUserGet       = "/cgi-bin/user/get"
)

// TestIdentifyMerges covers the successful branches of the 2022 rules with
// the real wecomtest directory, and which calls each one makes.
func TestIdentifyMerges(t *testing.T) {
	for name, tc := range map[string]struct {
		agent  int64
		member wecomtest.Member
		scope  wecomtest.Scope
		want   oauth.Identity
		calls  map[string]int // getuserinfo, getuserdetail, user/get
	}{
		"private-info, new app: contact data from getuserdetail, name from user/get": {
			newApp, zhangsan, wecomtest.ScopePrivateInfo,
			oauth.Identity{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com",
				BizMail: "zhangsan@corp.wecom.work", Avatar: "https://avatar/zs", Gender: "1", IsMember: true},
			map[string]int{pGetUserInfo: 1, pGetUserDetail: 1, pUserGet: 1},
		},
		"pre-2022 app, base scope: everything from user/get": {
			legacyApp, zhangsan, wecomtest.ScopeBase,
			oauth.Identity{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com",
				BizMail: "zhangsan@corp.wecom.work", Avatar: "https://avatar/zs", Gender: "1", IsMember: true},
			map[string]int{pGetUserInfo: 1, pUserGet: 1},
		},
		"new app, base scope: user/get only, name and nothing else": {
			newApp, zhangsan, wecomtest.ScopeBase,
			oauth.Identity{UserID: "zhangsan", Name: "张三", IsMember: true},
			map[string]int{pGetUserInfo: 1, pUserGet: 1},
		},
		"email falls back to biz_mail": {
			newApp, wangwu, wecomtest.ScopePrivateInfo,
			oauth.Identity{UserID: "wangwu", Name: "王五", Email: "wangwu@corp.wecom.work", BizMail: "wangwu@corp.wecom.work",
				Gender: "0", IsMember: true},
			map[string]int{pGetUserInfo: 1, pGetUserDetail: 1, pUserGet: 1},
		},
		"email falls back to biz_mail from user/get": {
			legacyApp, wangwu, wecomtest.ScopeBase,
			oauth.Identity{UserID: "wangwu", Name: "王五", Email: "wangwu@corp.wecom.work", BizMail: "wangwu@corp.wecom.work",
				Gender: "0", IsMember: true},
			map[string]int{pGetUserInfo: 1, pUserGet: 1},
		},
		"mobile only": {
			newApp, lisi, wecomtest.ScopePrivateInfo,
			oauth.Identity{UserID: "lisi", Name: "李四", Mobile: "13800000002", Gender: "2", IsMember: true},
			map[string]int{pGetUserInfo: 1, pGetUserDetail: 1, pUserGet: 1},
		},
		"member with neither email nor mobile: not an error": {
			newApp, zhaoliu, wecomtest.ScopePrivateInfo,
			oauth.Identity{UserID: "zhaoliu", Name: "赵六", Gender: "0", IsMember: true},
			map[string]int{pGetUserInfo: 1, pGetUserDetail: 1, pUserGet: 1},
		},
		"member with neither email nor mobile, pre-2022 app": {
			legacyApp, zhaoliu, wecomtest.ScopePrivateInfo,
			oauth.Identity{UserID: "zhaoliu", Name: "赵六", Gender: "0", IsMember: true},
			map[string]int{pGetUserInfo: 1, pGetUserDetail: 1, pUserGet: 1},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			id, err := f.oauth[tc.agent].Identify(context.Background(), f.code(tc.agent, tc.member.UserID, tc.scope))
			require.NoError(t, err)
			require.Equal(t, tc.want, *id)
			counts := f.srv.CallCounts()
			delete(counts, "/cgi-bin/gettoken")
			require.Equal(t, tc.calls, counts)
			require.Equal(t, 1, f.srv.Calls("/cgi-bin/gettoken"))
		})
	}
}

func TestIdentifyDetailWinsOverUserGet(t *testing.T) {
	f := newFixture(t)
	// A pre-2022 app whose user/get disagrees with getuserdetail, and whose
	// getuserdetail says gender "0" (the member did not agree to share it).
	f.srv.HandleFunc(pUserGet, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid": "zhangsan", "name": "张三",
			"mobile": "13900000000", "email": "old@example.com", "biz_mail": "", "avatar": "https://avatar/old", "gender": 1})
	})
	f.srv.HandleFunc(pGetUserDetail, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid": "zhangsan",
			"mobile": "13800000001", "email": "", "biz_mail": "zs@corp.wecom.work", "gender": "0"})
	})
	id, err := f.oauth[legacyApp].Identify(context.Background(), f.code(legacyApp, "zhangsan", wecomtest.ScopePrivateInfo))
	require.NoError(t, err)
	require.Equal(t, oauth.Identity{UserID: "zhangsan", Name: "张三", IsMember: true,
		Mobile:  "13800000001",        // getuserdetail wins
		Email:   "old@example.com",    // getuserdetail had none: user/get's, not the biz_mail fallback
		BizMail: "zs@corp.wecom.work", // getuserdetail
		Avatar:  "https://avatar/old", // getuserdetail had none
		Gender:  "1",                  // "0" does not win; a JSON number is accepted
	}, *id)
}

func TestIdentifyCodeErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("reused code", func(t *testing.T) {
		f := newFixture(t)
		code := f.code(newApp, "zhangsan", wecomtest.ScopePrivateInfo)
		_, err := f.oauth[newApp].Identify(ctx, code)
		require.NoError(t, err)
		id, err := f.oauth[newApp].Identify(ctx, code)
		require.Nil(t, id)
		require.ErrorIs(t, err, oauth.ErrInvalidCode)
		require.ErrorIs(t, err, &wecom.APIError{Code: 40029})
		require.NotErrorIs(t, err, oauth.ErrNotMember)
		f.requireClean(t, err)
	})
	t.Run("expired code", func(t *testing.T) {
		f := newFixture(t)
		code := f.code(newApp, "zhangsan", wecomtest.ScopeBase)
		f.clock.Advance(5 * time.Minute)
		_, err := f.oauth[newApp].Identify(ctx, code)
		require.ErrorIs(t, err, oauth.ErrInvalidCode)
		var ae *wecom.APIError
		require.ErrorAs(t, err, &ae)
		require.Equal(t, 40029, ae.Code)
		require.Equal(t, pGetUserInfo, ae.Path)
		require.Zero(t, f.srv.Calls(pUserGet))
		f.requireClean(t, err)
	})
	t.Run("code of another app", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.oauth[legacyApp].Identify(ctx, f.code(newApp, "zhangsan", wecomtest.ScopeBase))
		require.ErrorIs(t, err, oauth.ErrInvalidCode)
	})
	t.Run("empty code: no call", func(t *testing.T) {
		f := newFixture(t)
		id, err := f.oauth[newApp].Identify(ctx, "")
		require.Nil(t, id)
		require.Error(t, err)
		require.NotErrorIs(t, err, oauth.ErrInvalidCode)
		require.ErrorIs(t, err, oauth.ErrInvalidArgument)
		require.Empty(t, f.srv.CallCounts())
	})
	t.Run("non-member", func(t *testing.T) {
		f := newFixture(t)
		id, err := f.oauth[newApp].Identify(ctx, f.remember(f.srv.NewNonMemberCode(corpID, "o-visitor")))
		require.ErrorIs(t, err, oauth.ErrNotMember)
		require.NotErrorIs(t, err, oauth.ErrInvalidCode)
		require.Nil(t, id)
		var nm *oauth.NotMemberError
		require.ErrorAs(t, err, &nm)
		require.Equal(t, &oauth.NotMemberError{OpenID: "o-visitor"}, nm)
		require.NotContains(t, fmt.Sprint(slog.AnyValue(err).Resolve()), "o-visitor")
		require.Zero(t, f.srv.Calls(pUserGet), "nothing to look up")

		id, err = f.oauth[newApp].Identify(ctx, f.remember(f.srv.NewCustomerCode(corpID, "o-customer", "wm-customer")))
		require.ErrorIs(t, err, oauth.ErrNotMember)
		require.Nil(t, id)
		require.ErrorAs(t, err, &nm)
		require.Equal(t, &oauth.NotMemberError{OpenID: "o-customer", ExternalUserID: "wm-customer"}, nm)
	})
}

// TestIdentifyPartialFailures covers what happens when getuserdetail or
// user/get fails after the code was consumed.
func TestIdentifyPartialFailures(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		agent    int64
		member   string
		scope    wecomtest.Scope
		fail     map[string]int // path → errcode
		want     *oauth.Identity
		wantCode []int // errcodes the error carries
		logged   string
	}{
		"user/get fails, getuserdetail gave mobile and email: no name": {
			newApp, "zhangsan", wecomtest.ScopePrivateInfo, map[string]int{pUserGet: 60011},
			&oauth.Identity{UserID: "zhangsan", Mobile: "13800000001", Email: "zhangsan@example.com",
				BizMail: "zhangsan@corp.wecom.work", Avatar: "https://avatar/zs", Gender: "1", IsMember: true},
			nil, "user/get failed",
		},
		"user/get fails, getuserdetail gave biz_mail only": {
			newApp, "wangwu", wecomtest.ScopePrivateInfo, map[string]int{pUserGet: 60011},
			&oauth.Identity{UserID: "wangwu", Email: "wangwu@corp.wecom.work", BizMail: "wangwu@corp.wecom.work",
				Gender: "0", IsMember: true},
			nil, "user/get failed",
		},
		"user/get fails, getuserdetail gave neither: fatal": {
			newApp, "zhaoliu", wecomtest.ScopePrivateInfo, map[string]int{pUserGet: 60011},
			nil, []int{60011}, "",
		},
		"user/get fails, base scope: fatal": {
			legacyApp, "zhangsan", wecomtest.ScopeBase, map[string]int{pUserGet: 45009},
			nil, []int{45009}, "",
		},
		"getuserdetail fails, pre-2022 user/get has the data": {
			legacyApp, "zhangsan", wecomtest.ScopePrivateInfo, map[string]int{pGetUserDetail: 84014},
			&oauth.Identity{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com",
				BizMail: "zhangsan@corp.wecom.work", Avatar: "https://avatar/zs", Gender: "1", IsMember: true},
			nil, "getuserdetail failed",
		},
		"getuserdetail fails, new app: fatal, not 'no contact data'": {
			newApp, "zhangsan", wecomtest.ScopePrivateInfo, map[string]int{pGetUserDetail: 84015},
			nil, []int{84015}, "getuserdetail failed",
		},
		"both fail": {
			newApp, "zhangsan", wecomtest.ScopePrivateInfo, map[string]int{pGetUserDetail: 48002, pUserGet: 60011},
			nil, []int{48002, 60011}, "getuserdetail failed",
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			for path, code := range tc.fail {
				f.srv.FailNext(path, 1, code)
			}
			id, err := f.oauth[tc.agent].Identify(ctx, f.code(tc.agent, tc.member, tc.scope))
			require.Equal(t, tc.want, id)
			if tc.wantCode == nil {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				require.NotErrorIs(t, err, oauth.ErrInvalidCode)
				for _, c := range tc.wantCode {
					require.ErrorIs(t, err, &wecom.APIError{Code: c})
				}
				f.requireClean(t, err)
			}
			if tc.logged != "" {
				require.Contains(t, f.logs.String(), tc.logged)
			}
		})
	}
}

func TestIdentifyTransportFailure(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject(pGetUserInfo, -1, wecomtest.Fault{Status: http.StatusBadGateway})
	code := f.code(newApp, "zhangsan", wecomtest.ScopeBase)
	_, err := f.oauth[newApp].Identify(context.Background(), code)
	var he *wecom.HTTPError
	require.ErrorAs(t, err, &he)
	require.False(t, errors.Is(err, oauth.ErrInvalidCode))
	f.requireClean(t, err)
}
