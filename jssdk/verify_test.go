package jssdk_test

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/jssdk"
)

func TestVerifyFileHandler(t *testing.T) {
	const name, content = "WW_verify_YpAqDE4xoAPsmGSK.txt", "YpAqDE4xoAPsmGSK"
	for _, h := range []http.Handler{
		jssdk.VerifyFileHandler(name, content),
		jssdk.VerifyFileHandler("/"+name, content),
	} {
		for _, tc := range []struct {
			method, target string
			status         int
			body           string
		}{
			{http.MethodGet, "/" + name, 200, content},
			{http.MethodGet, "/" + name + "?t=1", 200, content},
			{http.MethodHead, "/" + name, 200, ""},
			{http.MethodPost, "/" + name, 405, ""},
			{http.MethodPut, "/" + name, 405, ""},
			{http.MethodGet, "/", 404, ""},
			{http.MethodGet, "/" + name + "/", 404, ""},
			{http.MethodGet, "/WW_verify_other.txt", 404, ""},
			{http.MethodGet, "/sub/" + name, 404, ""},
			{http.MethodPost, "/elsewhere", 404, ""},
		} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			require.Equal(t, tc.status, rec.Code, "%s %s", tc.method, tc.target)
			if tc.status == 200 {
				require.Equal(t, tc.body, rec.Body.String(), "verbatim: no newline, nothing else")
				require.Equal(t, "text/plain; charset=utf-8", rec.Header().Get("Content-Type"))
				require.Equal(t, "16", rec.Header().Get("Content-Length"))
			}
			if tc.status == 405 {
				require.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
			}
		}
	}

	// Over a real connection, mounted on a mux.
	mux := http.NewServeMux()
	mux.Handle("/"+name, jssdk.VerifyFileHandler(name, content))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/" + name)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, content, string(body))
}

func TestLoadVerifyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}

	h, err := jssdk.LoadVerifyFile(write("WW_verify_abc123XYZ.txt", "abc123XYZ"))
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/WW_verify_abc123XYZ.txt", nil))
	require.Equal(t, 200, rec.Code)
	require.Equal(t, "abc123XYZ", rec.Body.String())

	// Served verbatim, even a trailing newline someone's editor added.
	h, err = jssdk.LoadVerifyFile(write("WW_verify_nl.txt", "nl\n"))
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/WW_verify_nl.txt", nil))
	require.Equal(t, "nl\n", rec.Body.String())

	require.NoError(t, os.Mkdir(filepath.Join(dir, "WW_verify_dir.txt"), 0o700))
	for name, tc := range map[string]struct {
		path string
		want error
	}{
		"not a verify file":  {write("secrets.env", "TOKEN=x"), jssdk.ErrInvalidVerifyFile},
		"no code":            {write("WW_verify_.txt", "x"), jssdk.ErrInvalidVerifyFile},
		"odd characters":     {write("WW_verify_a-b.txt", "x"), jssdk.ErrInvalidVerifyFile},
		"wrong extension":    {write("WW_verify_abc.html", "x"), jssdk.ErrInvalidVerifyFile},
		"empty":              {write("WW_verify_empty.txt", ""), jssdk.ErrInvalidVerifyFile},
		"too large":          {write("WW_verify_big.txt", strings.Repeat("x", 1025)), jssdk.ErrInvalidVerifyFile},
		"a directory":        {filepath.Join(dir, "WW_verify_dir.txt"), jssdk.ErrInvalidVerifyFile},
		"missing":            {filepath.Join(dir, "WW_verify_missing.txt"), fs.ErrNotExist},
		"empty path":         {"", jssdk.ErrInvalidVerifyFile},
		"lowercase ww":       {write("ww_verify_abc.txt", "abc"), jssdk.ErrInvalidVerifyFile},
		"double extension":   {write("WW_verify_abc.txt.bak", "abc"), jssdk.ErrInvalidVerifyFile},
		"exactly 1024 bytes": {write("WW_verify_max.txt", strings.Repeat("x", 1024)), nil},
	} {
		t.Run(name, func(t *testing.T) {
			h, err := jssdk.LoadVerifyFile(tc.path)
			if tc.want == nil {
				require.NoError(t, err)
				require.NotNil(t, h)
				return
			}
			require.True(t, errors.Is(err, tc.want), "%v", err)
			require.Nil(t, h)
		})
	}
}
