package main

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
)

func TestErrcode(t *testing.T) {
	runCases(t, []cliCase{
		{name: "errcode-60020", args: []string{"errcode", "60020", "--msg", "not allow to access from your ip, hint: [x], from ip: 203.0.113.7, more info at …"}},
		{name: "errcode-40001-json", args: []string{"errcode", "--json", "40001"}},
		{name: "errcode-callback", args: []string{"errcode", "-40001"}},
		{name: "errcode-callback-json", args: []string{"errcode", "-40005", "--json"}},
		{name: "errcode-0", args: []string{"errcode", "0"}},
		{name: "errcode-0-json", args: []string{"errcode", "--json", "0"}},
		{name: "errcode-6000", args: []string{"errcode", "6000"}},
		{name: "errcode-40004-json", args: []string{"errcode", "--json", "40004"}},
		{name: "errcode-40003", args: []string{"errcode", "40003"}},
		{name: "errcode-40013", args: []string{"errcode", "40013"}},
		{name: "errcode-unknown", args: []string{"errcode", "12345"}, code: exitFailure},
		{name: "errcode-unknown-json", args: []string{"errcode", "--json", "12345"}, code: exitFailure},
		{name: "errcode-not-a-number", args: []string{"errcode", "sixty"}, code: exitUsage},
		{name: "errcode-none", args: []string{"errcode"}, code: exitUsage},
		{name: "errcode-two", args: []string{"errcode", "1", "2"}, code: exitUsage},
		{name: "errcode-all", args: []string{"errcode", "--all"}},
	})
}

// errcode reads the same table as the SDK's errors: every known code is
// explained with the advice APIError.Advice gives.
func TestErrcodeUsesTheSDKTable(t *testing.T) {
	for _, c := range wecom.KnownCodes() {
		code, stdout, _ := runCLI(t, []string{"errcode", "--json", strconv.Itoa(c)}, nil, "")
		require.Equal(t, exitOK, code)
		var out struct {
			Meaning, Advice string
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &out))
		info, _ := wecom.LookupCode(c)
		require.Equal(t, info.Meaning, out.Meaning)
		require.Equal(t, (&wecom.APIError{Code: c}).Advice(), out.Advice)
	}
	for c := -40001; c >= -40011; c-- {
		code, stdout, _ := runCLI(t, []string{"errcode", strconv.Itoa(c)}, nil, "")
		require.Equal(t, exitOK, code)
		info, _ := crypto.DescribeCode(c)
		require.Contains(t, stdout, info.Meaning)
	}
}
