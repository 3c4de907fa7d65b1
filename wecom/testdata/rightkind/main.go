// Command rightkind calls a suite endpoint with a suite Caller: it builds.
// TestWrongTokenKindDoesNotCompile builds it as the control for wrongkind.
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
	c, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("t"))
	if err != nil {
		panic(err)
	}
	suite, _ := wecom.Bind[wecom.SuiteToken](c)
	_, _ = getPreAuthCode.Call(context.Background(), suite, struct{}{})
}
