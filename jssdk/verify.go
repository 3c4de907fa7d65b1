package jssdk

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxVerifyFile bounds what LoadVerifyFile reads: WeCom's files hold 16
// characters.
const maxVerifyFile = 1 << 10

// VerifyFileHandler serves WeCom's domain-ownership file (校验可信域名归属):
// GET or HEAD of "/"+name answers 200, text/plain, with exactly content;
// any other path answers 404 and any other method 405. Mount it where the
// request path is not rewritten — at the root of the trusted domain:
//
//	mux.Handle("/WW_verify_YpAqDE4xoAPsmGSK.txt", jssdk.VerifyFileHandler("WW_verify_YpAqDE4xoAPsmGSK.txt", "YpAqDE4xoAPsmGSK"))
//
// content is served verbatim: give it as downloaded from the admin console
// (or use [LoadVerifyFile]). A leading "/" in name is ignored.
func VerifyFileHandler(name, content string) http.Handler {
	return &verifyFile{path: "/" + strings.TrimPrefix(name, "/"), body: []byte(content)}
}

type verifyFile struct {
	path string
	body []byte
}

func (v *verifyFile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != v.path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(v.body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(v.body)
	}
}

// LoadVerifyFile reads the WW_verify_<code>.txt file downloaded from the
// WeCom admin console and returns a [VerifyFileHandler] serving it at
// "/"+its base name. The name must match WW_verify_[A-Za-z0-9]+.txt and the
// file must be a regular file of 1 to 1024 bytes: a misconfigured path must
// not publish some other file. The content is read once and served
// verbatim.
func LoadVerifyFile(path string) (http.Handler, error) {
	name := filepath.Base(path)
	if !isVerifyFileName(name) {
		return nil, fmt.Errorf("%w: name %q is not WW_verify_<letters and digits>.txt", ErrInvalidVerifyFile, name)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("jssdk: verify file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("jssdk: verify file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrInvalidVerifyFile, name)
	}
	content, err := io.ReadAll(io.LimitReader(f, maxVerifyFile+1))
	if err != nil {
		return nil, fmt.Errorf("jssdk: verify file: %w", err)
	}
	if len(content) == 0 || len(content) > maxVerifyFile {
		return nil, fmt.Errorf("%w: %s must hold 1 to %d bytes", ErrInvalidVerifyFile, name, maxVerifyFile)
	}
	return VerifyFileHandler(name, string(content)), nil
}

func isVerifyFileName(name string) bool {
	code, ok := strings.CutPrefix(name, "WW_verify_")
	if !ok {
		return false
	}
	code, ok = strings.CutSuffix(code, ".txt")
	if !ok || code == "" {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
