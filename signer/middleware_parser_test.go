package signer

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMiddlewareWithQueryParser(t *testing.T) {
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	good := withSign(vals("appid=ww1", "code=c0de", "ts="+ts(testNow)), testSecret)
	for name, tc := range map[string]struct {
		parse    func(*http.Request) (url.Values, error)
		wantNext bool
		wantErr  error
	}{
		"the parser's values are verified": {parse: func(*http.Request) (url.Values, error) { return good, nil }, wantNext: true},
		"not the raw query's": {parse: func(*http.Request) (url.Values, error) {
			q := url.Values{}
			for k, vs := range good {
				q[k] = vs
			}
			q.Set("code", "tampered")
			return q, nil
		}, wantErr: ErrBadSignature},
		"a parser error is a malformed query": {parse: func(*http.Request) (url.Values, error) { return nil, errors.New("boom") }, wantErr: ErrMalformedQuery},
		"nil keeps the default":               {parse: nil, wantErr: ErrMissingSignature},
	} {
		t.Run(name, func(t *testing.T) {
			var gotErr error
			called := false
			h := v.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }),
				WithQueryParser(tc.parse),
				OnError(func(_ http.ResponseWriter, _ *http.Request, err error) { gotErr = err }))
			// The raw query is unsigned: only the parser's values can pass.
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/userinfo?appid=x", nil))
			require.Equal(t, tc.wantNext, called)
			if tc.wantErr != nil {
				require.ErrorIs(t, gotErr, tc.wantErr)
			} else {
				require.NoError(t, gotErr)
			}
		})
	}
}
