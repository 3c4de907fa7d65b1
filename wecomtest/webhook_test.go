package wecomtest_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// post sends body to the robot path raw and returns WeCom's errcode.
func robotPost(t *testing.T, srv *wecomtest.Server, method, path, key, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path+"?key="+key, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	if key != "" {
		require.NotContains(t, out.Errmsg, key, "the fake never echoes the key")
	}
	return out.Errcode
}

func TestRobotAnswersAsWeCom(t *testing.T) {
	srv := wecomtest.NewServer()
	defer srv.Close()
	srv.AddRobot("k1")
	const send = "/cgi-bin/webhook/send"
	cases := []struct {
		name, method, key, body string
		code                    int
	}{
		{"ok", http.MethodPost, "k1", `{"msgtype":"text","text":{"content":"hi"}}`, 0},
		{"unknown key", http.MethodPost, "nope", `{"msgtype":"text","text":{"content":"hi"}}`, 93000},
		{"no key", http.MethodPost, "", `{"msgtype":"text","text":{"content":"hi"}}`, 93000},
		{"GET", http.MethodGet, "k1", ``, 40063},
		{"not JSON", http.MethodPost, "k1", `{`, 47001},
		{"unknown msgtype", http.MethodPost, "k1", `{"msgtype":"sticker"}`, 40008},
		{"msgtype without its body", http.MethodPost, "k1", `{"msgtype":"text"}`, 40008},
		{"empty text", http.MethodPost, "k1", `{"msgtype":"text","text":{"content":""}}`, 40058},
		{"long text", http.MethodPost, "k1", `{"msgtype":"text","text":{"content":"` + strings.Repeat("a", 2049) + `"}}`, 40058},
		{"md5 mismatch", http.MethodPost, "k1", `{"msgtype":"image","image":{"base64":"iVBORw0KGgoAAAA=","md5":"00000000000000000000000000000000"}}`, 40058},
		{"bad base64", http.MethodPost, "k1", `{"msgtype":"image","image":{"base64":"!!!","md5":"x"}}`, 40058},
		{"gif", http.MethodPost, "k1", `{"msgtype":"image","image":{"base64":"R0lGODlh","md5":"` + md5hex("GIF89a") + `"}}`, 40004},
		{"nine articles", http.MethodPost, "k1", `{"msgtype":"news","news":{"articles":[` + strings.Repeat(`{"title":"t","url":"u"},`, 8) + `{"title":"t","url":"u"}]}}`, 40058},
		{"unknown file", http.MethodPost, "k1", `{"msgtype":"file","file":{"media_id":"nope"}}`, 40007},
	}
	for _, c := range cases {
		require.Equal(t, c.code, robotPost(t, srv, c.method, send, c.key, c.body), c.name)
	}
	got := srv.RobotMessages("k1")
	require.Len(t, got, 1, "only the good message was received")
	require.Equal(t, "hi", got[0].Content)
	require.Nil(t, srv.RobotMessages("nope"))

	// A long title or description is cut by bytes, as WeCom cuts it.
	require.Zero(t, robotPost(t, srv, http.MethodPost, send, "k1",
		`{"msgtype":"news","news":{"articles":[{"title":"`+strings.Repeat("t", 200)+`","description":"`+strings.Repeat("d", 600)+`","url":"u"}]}}`))
	got = srv.RobotMessages("k1")
	require.Len(t, got[1].Articles[0].Title, 128)
	require.Len(t, got[1].Articles[0].Description, 512)

	// Uploads whose file part passes the declaration checks: the robot's
	// own answers.
	upload := func(query string) int {
		t.Helper()
		body := "--b\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.txt\"; filelength=6\r\nContent-Type: application/octet-stream\r\n\r\nhello!\r\n--b--\r\n"
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/webhook/upload_media?"+query, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var answer struct{ Errcode int }
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
		return answer.Errcode
	}
	require.Equal(t, 93000, upload("type=file&key=nope"))
	require.Equal(t, 40005, upload("type=image&key=k1"))
	require.Equal(t, 44001, robotPost(t, srv, http.MethodPost, "/cgi-bin/webhook/upload_media", "k1&type=file", "not multipart"), "no file part: the declaration check")
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
