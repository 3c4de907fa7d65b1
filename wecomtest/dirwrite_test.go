package wecomtest_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
)

// TestDirectoryWriteRaw checks the answers the contact package's own
// validation never lets through: raw calls of the write endpoints.
func TestDirectoryWriteRaw(t *testing.T) {
	srv, _, app := contactServer(t)
	ctx := context.Background()
	post := func(path string, body any) (map[string]any, error) {
		var out map[string]any
		err := app.Do(ctx, &wecom.Request{Method: http.MethodPost, Path: path, Body: body}, &out)
		return out, err
	}
	get := func(path string, q url.Values) error {
		return app.Do(ctx, &wecom.Request{Method: http.MethodGet, Path: path, Query: q}, nil)
	}
	code := wecom.ErrorCode

	_, err := post("/cgi-bin/user/create", map[string]any{"name": "x", "department": []int{1}, "mobile": "1"})
	require.Equal(t, 41009, code(err))
	_, err = post("/cgi-bin/user/create", map[string]any{"userid": "x", "mobile": "1"})
	require.Equal(t, 60112, code(err))
	_, err = post("/cgi-bin/user/create", map[string]any{"userid": "x", "name": "x", "mobile": "1"})
	require.Equal(t, 41019, code(err))
	require.Equal(t, 40063, code(get("/cgi-bin/user/create", nil)), "a GET of a POST endpoint: the declaration check")
	require.Equal(t, 41009, code(get("/cgi-bin/user/delete", nil)))

	ids := make([]string, 201)
	_, err = post("/cgi-bin/user/batchdelete", map[string]any{"useridlist": ids})
	require.Equal(t, 40032, code(err))
	_, err = post("/cgi-bin/user/batchdelete", map[string]any{})
	require.Equal(t, 40058, code(err), "a required field without a code of its own: the declaration check")

	out, err := post("/cgi-bin/department/create", map[string]any{"name": "新部门", "parentid": 1})
	require.NoError(t, err)
	require.Equal(t, "created", out["errmsg"])
	require.EqualValues(t, 11, out["id"])
	_, err = post("/cgi-bin/department/create", map[string]any{"name": "新部门2"})
	require.Equal(t, 60124, code(err))
	_, err = post("/cgi-bin/department/create", map[string]any{"name": "x", "parentid": 1, "id": 1})
	require.Equal(t, 60123, code(err))
	require.Equal(t, 60123, code(get("/cgi-bin/department/delete", url.Values{"id": {"x"}})))
	require.Len(t, srv.Departments("wwc"), 11)

	out, err = post("/cgi-bin/tag/create", map[string]any{"tagname": "t"})
	require.NoError(t, err)
	_, err = post("/cgi-bin/tag/addtagusers", map[string]any{"tagid": out["tagid"]})
	require.Equal(t, 40058, code(err))
	out, err = post("/cgi-bin/tag/addtagusers", map[string]any{"tagid": out["tagid"], "userlist": []string{"user000001", "x", "y"}, "partylist": []int{1, 404}})
	require.NoError(t, err)
	require.Equal(t, "x|y", out["invalidlist"], "WeCom's wire form: a |-separated string")
	require.Equal(t, []any{float64(404)}, out["invalidparty"])
	_, err = post("/cgi-bin/tag/create", map[string]any{"tagname": "123456789012345678901234567890123"})
	require.Equal(t, 40072, code(err))
}
