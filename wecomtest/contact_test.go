package wecomtest_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func contactServer(t *testing.T) (*wecomtest.Server, *wecom.Client, *wecom.Client) {
	t.Helper()
	srv := wecomtest.NewServer(
		wecomtest.WithApp("wwc", wecomtest.App{AgentID: 7, Secret: "app"}),
		wecomtest.WithContactSyncSecret("wwc", "sync"),
	)
	t.Cleanup(srv.Close)
	srv.GenerateDirectory("wwc", 10, 30)
	sync, err := wecom.New("wwc", "sync", wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	app, err := wecom.New("wwc", "app", wecom.WithAgentID(7), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return srv, sync, app
}

func listID(c *wecom.Client, body any) (map[string]any, error) {
	var out map[string]any
	err := c.Do(context.Background(), &wecom.Request{Method: http.MethodPost, Path: "/cgi-bin/user/list_id", Body: body}, &out)
	return out, err
}

func TestListIDCredentialAndLimits(t *testing.T) {
	srv, sync, app := contactServer(t)
	_, err := listID(app, map[string]any{"limit": 10})
	require.Equal(t, 48002, wecom.ErrorCode(err), "an app's token may not list ids")
	for _, limit := range []int{0, 10001, -1} {
		_, err := listID(sync, map[string]any{"limit": limit})
		require.Equal(t, 40058, wecom.ErrorCode(err), "limit %d", limit)
	}
	_, err = listID(sync, map[string]any{"cursor": "made-up", "limit": 10})
	require.Equal(t, 40058, wecom.ErrorCode(err))

	out, err := listID(sync, map[string]any{"limit": 30})
	require.NoError(t, err)
	require.Len(t, out["dept_user"], 30)
	next := out["next_cursor"].(string)
	require.NotEmpty(t, next)
	out, err = listID(sync, map[string]any{"cursor": next, "limit": 10000})
	require.NoError(t, err)
	require.Len(t, out["dept_user"], 3) // members 10, 20, 30 are in two departments
	require.Empty(t, out["next_cursor"])
	require.Len(t, srv.Departments("wwc"), 10)
	require.Len(t, srv.Members("wwc"), 30)
}

func TestContactSyncSecretReadsNoNames(t *testing.T) {
	_, sync, _ := contactServer(t)
	ctx := context.Background()
	for _, p := range []string{"/cgi-bin/user/get?userid=user000001", "/cgi-bin/user/list?department_id=1", "/cgi-bin/user/simplelist?department_id=1", "/cgi-bin/department/list"} {
		u, _ := url.Parse(p)
		err := sync.Get(ctx, u.Path, u.Query(), nil)
		require.Equal(t, 48002, wecom.ErrorCode(err), p)
	}
	var out struct {
		Departments []map[string]any `json:"department_id"`
	}
	require.NoError(t, sync.Get(ctx, "/cgi-bin/department/simplelist", nil, &out))
	require.Len(t, out.Departments, 10)
}

func TestVisibleScope(t *testing.T) {
	srv, sync, app := contactServer(t)
	ctx := context.Background()
	srv.SetVisibleScope("wwc", 7, []int64{2}, []string{"user000003"})
	var depts struct {
		Departments []struct {
			ID int64 `json:"id"`
		} `json:"department"`
	}
	require.NoError(t, app.Get(ctx, "/cgi-bin/department/list", nil, &depts))
	require.Len(t, depts.Departments, 2) // 2 and its child 10
	err := app.Get(ctx, "/cgi-bin/user/list", url.Values{"department_id": {"3"}}, nil)
	require.Equal(t, 60011, wecom.ErrorCode(err))
	err = app.Get(ctx, "/cgi-bin/department/get", url.Values{"id": {"3"}}, nil)
	require.Equal(t, 60011, wecom.ErrorCode(err))
	require.NoError(t, app.Get(ctx, "/cgi-bin/user/get", url.Values{"userid": {"user000003"}}, nil), "a member named in the scope")
	require.NoError(t, app.Get(ctx, "/cgi-bin/user/get", url.Values{"userid": {"user000001"}}, nil), "a member of department 2")
	err = app.Get(ctx, "/cgi-bin/user/get", url.Values{"userid": {"user000002"}}, nil)
	require.Equal(t, 60011, wecom.ErrorCode(err))
	err = app.Get(ctx, "/cgi-bin/user/list", url.Values{"department_id": {"999"}}, nil)
	require.Equal(t, 60123, wecom.ErrorCode(err))

	// The contact-sync helper still sees everything.
	var simple struct {
		Departments []map[string]any `json:"department_id"`
	}
	require.NoError(t, sync.Get(ctx, "/cgi-bin/department/simplelist", nil, &simple))
	require.Len(t, simple.Departments, 10)
}
