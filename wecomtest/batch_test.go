package wecomtest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// TestBatchRaw checks the fake's batch and export answers that package
// contact's own checks never let through.
func TestBatchRaw(t *testing.T) {
	srv, _, app := contactServer(t)
	srv.SetBatchPolls(2)
	ctx := context.Background()
	code := wecom.ErrorCode
	post := func(path string, body any) (map[string]any, error) {
		var out map[string]any
		err := app.Do(ctx, &wecom.Request{Method: http.MethodPost, Path: path, Body: body}, &out)
		return out, err
	}
	get := func(path, jobID string) (map[string]any, error) {
		var out map[string]any
		err := app.Do(ctx, &wecom.Request{Method: http.MethodGet, Path: path, Query: url.Values{"jobid": {jobID}}}, &out)
		return out, err
	}

	_, err := post("/cgi-bin/batch/syncuser", map[string]any{"media_id": "nope"})
	require.Equal(t, 40007, code(err))
	_, err = post("/cgi-bin/batch/syncuser", map[string]any{})
	require.Equal(t, 41006, code(err), "media_id is required: the declaration check")

	csv := "部门名称,部门ID,父部门ID,排序\n总部,1,0,1\n"
	up, err := media.New(app).Upload(ctx, media.File, "d.csv", strings.NewReader(csv), 0)
	require.NoError(t, err)
	_, err = post("/cgi-bin/batch/replaceparty", map[string]any{"media_id": up.MediaID, "to_invite": true})
	require.Equal(t, 40058, code(err), "replaceparty takes no to_invite")
	out, err := post("/cgi-bin/batch/replaceparty", map[string]any{"media_id": up.MediaID})
	require.NoError(t, err)
	job := out["jobid"].(string)
	res, err := get("/cgi-bin/batch/getresult", job)
	require.NoError(t, err)
	require.EqualValues(t, 2, res["status"], "running after one poll of two")
	require.Len(t, srv.Departments("wwc"), 10, "not applied yet")
	res, err = get("/cgi-bin/batch/getresult", job)
	require.NoError(t, err)
	require.EqualValues(t, 3, res["status"])
	require.EqualValues(t, 100, res["percentage"])
	require.Len(t, srv.Departments("wwc"), 10, "departments with members stay")
	require.False(t, srv.CompleteJob(job), "already done")
	_, err = get("/cgi-bin/batch/getresult", "nope")
	require.Equal(t, 40058, code(err))

	key := "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	_, err = post("/cgi-bin/export/user", map[string]any{"encoding_aeskey": "short"})
	require.Equal(t, 40058, code(err))
	_, err = post("/cgi-bin/export/user", map[string]any{"encoding_aeskey": key, "block_size": 10})
	require.Equal(t, 40058, code(err))
	_, err = post("/cgi-bin/export/taguser", map[string]any{"encoding_aeskey": key, "tagid": 404})
	require.Equal(t, 40068, code(err))
	out, err = post("/cgi-bin/export/department", map[string]any{"encoding_aeskey": key})
	require.NoError(t, err)
	exp := out["jobid"].(string)
	res, err = get("/cgi-bin/export/get_result", exp)
	require.NoError(t, err)
	require.EqualValues(t, 1, res["status"])
	require.True(t, srv.CompleteJob(exp))
	res, err = get("/cgi-bin/export/get_result", exp)
	require.NoError(t, err)
	require.EqualValues(t, 2, res["status"])
	file := res["data_list"].([]any)[0].(map[string]any)

	// The file honours Range, as WeCom's does.
	req, _ := http.NewRequest(http.MethodGet, file["url"].(string), nil)
	req.Header.Set("Range", "bytes=16-31")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusPartialContent, resp.StatusCode)
	require.Len(t, body, 16)
	require.EqualValues(t, 0, int(file["size"].(float64))%32)

	resp, err = srv.Client().Get(srv.URL + "/_fake/export/file?id=nope")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestWithBatchPolls(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithBatchPolls(5))
	defer srv.Close()
	require.False(t, srv.CompleteJob("nope"))
}
