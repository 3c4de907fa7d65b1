package contact_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
)

func TestEndpoints(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range contact.Endpoints() {
		require.NoError(t, info.Check(), info.Path)
		require.False(t, seen[info.Path], "%s declared twice", info.Path)
		seen[info.Path] = true
		require.Equal(t, wecom.AccessToken, info.Kind, info.Path)
	}
	require.Len(t, seen, 24+9+9) // + invite.go and linked.go, batch.go and export.go
}

// TestEndpointQueries pins the query each call sends: department ids of 0
// are left out, as before the declarations.
func TestEndpointQueries(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		switch r.URL.Path {
		case "/cgi-bin/user/get":
			_, _ = w.Write([]byte(`{"errcode":0,"userid":"zhangsan","name":"张三","department":[2,1],"qr_code":"q"}`))
		case "/cgi-bin/department/get":
			_, _ = w.Write([]byte(`{"errcode":0,"department":{"id":5,"name":"研发"}}`))
		default:
			_, _ = w.Write([]byte(`{"errcode":0}`))
		}
	}))
	defer srv.Close()
	wc, err := wecom.NewWithTokenSource("wwq", wecom.StaticToken("tok"), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	c := contact.New(wc)
	ctx := context.Background()

	_, err = c.DepartmentIDs(ctx, 0)
	require.NoError(t, err)
	_, err = c.DepartmentIDs(ctx, 7)
	require.NoError(t, err)
	_, err = c.Departments(ctx, 0)
	require.NoError(t, err)
	_, err = c.Departments(ctx, 3)
	require.NoError(t, err)
	d, err := c.Department(ctx, 5)
	require.NoError(t, err)
	require.Equal(t, "研发", d.Name)
	u, err := c.User(ctx, "zhang san")
	require.NoError(t, err)
	require.Equal(t, []int64{1, 2}, u.Department)
	var raw struct {
		QRCode     string  `json:"qr_code"`
		Department []int64 `json:"department"`
	}
	require.NoError(t, c.UserInto(ctx, "zhangsan", &raw))
	require.Equal(t, "q", raw.QRCode)
	require.Equal(t, []int64{2, 1}, raw.Department)
	_, err = c.UsersOfDepartment(ctx, 9)
	require.NoError(t, err)
	for _, err := range c.UserIDs(ctx, contact.WithPageSize(50)) {
		require.NoError(t, err)
	}
	require.Equal(t, []string{
		"GET /cgi-bin/department/simplelist?access_token=tok",
		"GET /cgi-bin/department/simplelist?access_token=tok&id=7",
		"GET /cgi-bin/department/list?access_token=tok",
		"GET /cgi-bin/department/list?access_token=tok&id=3",
		"GET /cgi-bin/department/get?access_token=tok&id=5",
		"GET /cgi-bin/user/get?access_token=tok&userid=zhang+san",
		"GET /cgi-bin/user/get?access_token=tok&userid=zhangsan",
		"GET /cgi-bin/user/list?access_token=tok&department_id=9",
		"POST /cgi-bin/user/list_id?access_token=tok",
	}, got)
}

func TestWrongTokenKind(t *testing.T) {
	sc, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("st"), wecom.WithBaseURL("http://wecom.invalid"))
	require.NoError(t, err)
	_, err = contact.New(sc).User(context.Background(), "zhangsan")
	require.ErrorIs(t, err, wecom.ErrWrongTokenKind)
	require.True(t, strings.HasPrefix(err.Error(), `contact: user "zhangsan": `), err.Error())
}
