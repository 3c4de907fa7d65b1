// Command wrongkind calls a suite endpoint with a corporation's Caller: it must not build.
// TestWrongTokenKindDoesNotCompile builds it and expects the compiler to refuse the call.
package main

import (
	"context"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

type preAuthCode struct {
	PreAuthCode string `json:"pre_auth_code"`
}

var getPreAuthCode = &wecom.Endpoint[wecom.SuiteToken, struct{}, preAuthCode]{
	Method: http.MethodGet, Path: "/cgi-bin/service/get_pre_auth_code", Doc: 90601, Entry: "main",
}

func main() {
	c, err := wecom.New("corp", "secret")
	if err != nil {
		panic(err)
	}
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	_, _ = getPreAuthCode.Call(context.Background(), corp, struct{}{})
}
