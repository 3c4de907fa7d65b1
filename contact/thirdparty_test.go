package contact_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	tpSuiteID = "wwsuitecontact001"
	tpSecret  = "suite-secret"
	tpToken   = "cbtoken"
	tpKey     = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	tpCorp    = "wwcorpthirdparty1"
)

// thirdPartyClient installs a third-party suite (with 通讯录编辑授权 when
// contactEdit) into tpCorp on a fake WeCom and returns the corporation's
// client, as package suite hands it out.
func thirdPartyClient(t *testing.T, contactEdit bool, users int) (*wecomtest.Server, *wecom.Client) {
	t.Helper()
	var handler http.Handler = http.NotFoundHandler()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(cb.Close)
	srv := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{ID: tpSuiteID, Secret: tpSecret, Token: tpToken,
		EncodingAESKey: tpKey, CommandURL: cb.URL, ContactEdit: contactEdit}))
	t.Cleanup(srv.Close)
	srv.GenerateDirectory(tpCorp, 3, users)
	s, err := suite.New(suite.Config{SuiteID: tpSuiteID, SuiteSecret: tpSecret, Token: tpToken, EncodingAESKey: tpKey},
		suite.WithEphemeralStore(), suite.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	handler = s.CommandHandler()
	ctx := context.Background()
	_, err = srv.PushSuiteTicket(ctx, tpSuiteID)
	require.NoError(t, err)
	_, err = s.Authorize(ctx, srv.NewAuthCode(tpSuiteID, tpCorp, ""))
	require.NoError(t, err)
	c, err := s.Corp(ctx, tpCorp)
	require.NoError(t, err)
	return srv, c
}

// A third-party app's user/list_id rows carry open_userid, not userid
// (https://developer.work.weixin.qq.com/document/path/96021): the client
// decodes both, and a snapshot of them holds every member under its
// open_userid — not one member with an empty id.
func TestUserIDsOfAThirdPartyApp(t *testing.T) {
	srv, corp := thirdPartyClient(t, true, 25)
	ctx := context.Background()
	var rows []contact.DeptUser
	for r, err := range contact.New(corp).UserIDs(ctx, contact.WithPageSize(7)) {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.NotEmpty(t, rows)
	want := map[string]bool{}
	for i := 1; i <= 25; i++ {
		want[wecomtest.OpenUserID(tpCorp, userID(i))] = true
	}
	got := map[string]bool{}
	for _, r := range rows {
		require.Empty(t, r.UserID, "WeCom gives a third-party app no userid here")
		require.NotEmpty(t, r.OpenUserID)
		require.Equal(t, r.OpenUserID, r.ID())
		got[r.OpenUserID] = true
	}
	require.Equal(t, want, got)

	snap, err := contact.NewSource(corp, nil).Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, snap.Users, 25)
	for _, u := range snap.Users {
		require.NotEmpty(t, u.UserID)
		require.Equal(t, u.UserID, u.OpenUserID, "keyed by open_userid, the only id the rows carry")
		require.True(t, want[u.UserID])
		require.True(t, u.Known.Has(contact.FieldOpenUserID))
	}
	require.True(t, slices.IsSortedFunc(snap.Users, func(a, b contact.User) int {
		return strings.Compare(a.UserID, b.UserID)
	}))
	require.Equal(t, 4+1, srv.Calls("/cgi-bin/user/list_id"), "four pages of 7 rows, then one of 10000")

	// With the app's own user/list as details, members are matched by
	// open_userid and keep it as their id.
	full, err := contact.NewSource(corp, corp).Fetch(ctx)
	require.NoError(t, err)
	require.Len(t, full.Users, 25)
	for _, u := range full.Users {
		require.True(t, want[u.UserID], u.UserID)
		require.Equal(t, u.UserID, u.OpenUserID)
		require.True(t, u.Known.Has(contact.FieldName|contact.FieldDepartment|contact.FieldOpenUserID), "%s: %v", u.UserID, u.Known)
		require.NotEmpty(t, u.Name)
	}
	require.Empty(t, contact.Diff(snap, snap))
}

// Without 通讯录编辑授权 a third-party app may not call user/list_id.
func TestUserIDsOfAThirdPartyAppNeedContactEdit(t *testing.T) {
	_, corp := thirdPartyClient(t, false, 3)
	for _, err := range contact.New(corp).UserIDs(context.Background()) {
		require.Equal(t, 48002, wecom.ErrorCode(err))
	}
}

func userID(i int) string { return fmt.Sprintf("user%06d", i) }
