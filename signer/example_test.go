package signer_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/wecomkit/wecomkit/signer"
)

// The tax cloud's worked example ("签名说明").
func ExampleSign() {
	params := url.Values{"appid": {"xxx"}, "ts": {"241321"}}
	fmt.Println(signer.StringToSign(params, "pwd"))
	fmt.Println(signer.Sign(params, "pwd"))
	// Output:
	// appid=xxx&ts=241321#pwd
	// b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920
}

// SignQuery adds ts and sign to a copy of the parameters; this is how the tax
// cloud (or a test) calls the bridge.
func ExampleSignQuery() {
	q := signer.SignQuery(url.Values{"appid": {"xxx"}}, "pwd", time.Unix(241321, 0))
	fmt.Println("https://bridge.example.com/userinfo?" + q.Encode())
	// Output:
	// https://bridge.example.com/userinfo?appid=xxx&sign=b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920&ts=241321
}

func ExampleVerifier_Verify() {
	// A real server leaves out WithClock; the example freezes time at the
	// worked example's ts.
	v, err := signer.NewVerifier("pwd", signer.WithClock(func() time.Time { return time.Unix(241321+10, 0) }))
	if err != nil {
		panic(err) // only an empty secret is refused
	}

	q, _ := url.ParseQuery("appid=xxx&ts=241321&sign=b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920")
	fmt.Println(v.Verify(q))

	q.Set("appid", "yyy")
	err = v.Verify(q)
	fmt.Println(errors.Is(err, signer.ErrBadSignature), err)

	q.Del("ts")
	fmt.Println(v.Verify(q))
	// Output:
	// <nil>
	// true signer: bad signature
	// signer: missing timestamp (ts)
}

// The bridge answers every handled request with HTTP 200 and the tax cloud's
// envelope, so it maps the sentinels to its own codes in onError.
func ExampleVerifier_Middleware() {
	secret := "pwd"
	// A real server leaves out WithClock; the example freezes time so that its
	// output is stable.
	now := time.Unix(1700000000, 0)
	v, err := signer.NewVerifier(secret, signer.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}

	userinfo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"code":"0000","msg":"操作成功"}`)
	})
	onError := func(w http.ResponseWriter, r *http.Request, err error) {
		code := "4001" // a required parameter is missing or malformed
		switch {
		case errors.Is(err, signer.ErrMissingSignature), errors.Is(err, signer.ErrBadSignature):
			code = "4002"
		case errors.Is(err, signer.ErrExpired):
			code = "4003"
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprintf(w, `{"code":%q,"msg":%q}`, code, err.Error())
	}
	srv := httptest.NewServer(v.Middleware(userinfo, signer.OnError(onError)))
	defer srv.Close()

	call := func(q url.Values) {
		resp, err := http.Get(srv.URL + "/userinfo?" + q.Encode())
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.StatusCode, string(body))
	}

	params := url.Values{"appid": {"ww86331f9cf933b4b8"}, "code": {"CODE"}}
	call(signer.SignQuery(params, secret, now))
	call(signer.SignQuery(params, "not the secret", now))
	call(signer.SignQuery(params, secret, now.Add(-time.Hour)))
	// Output:
	// 200 {"code":"0000","msg":"操作成功"}
	// 200 {"code":"4002","msg":"signer: bad signature"}
	// 200 {"code":"4003","msg":"signer: timestamp (ts) outside the allowed window: ts is 3600s behind the server clock (allowed ±300s)"}
}
