package main

import (
	"encoding/json"
	"strconv"
	"strings"
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
		{name: "errcode-60111", args: []string{"errcode", "60111"}},
		{name: "errcode-86001-json", args: []string{"errcode", "--json", "86001"}},
		{name: "errcode-86001", args: []string{"errcode", "86001"}},
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

// Codes beyond those the project wrote advice for are explained from
// WeCom's whole table (doc 90313), and 0 is success, not a failure.
func TestErrcodeWholeTable(t *testing.T) {
	code, stdout, stderr := runCLI(t, []string{"errcode", "60111"}, nil, "")
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, "errcode 60111: UserID does not exist (UserID不存在)\n", strings.SplitAfter(stdout, "\n")[0])
	require.Contains(t, stdout, "what to do: UserID不存在，有以下常见原因：")
	require.Contains(t, stdout, "成员已退出企业")
	require.Contains(t, stdout, "more: https://open.work.weixin.qq.com/devtool/query?e=60111\n")

	for c, official := range map[int]string{86001: "参数 chatid 不合法", 95000: "不合法的open_kfid", 48009: "不再允许通讯录同步助手从新增IP读取通讯录详情", 301002: "无权限操作指定的应用"} {
		code, stdout, _ := runCLI(t, []string{"errcode", "--json", strconv.Itoa(c)}, nil, "")
		require.Equal(t, exitOK, code, "code %d", c)
		var out struct {
			OK       bool
			Official string
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &out))
		require.True(t, out.OK)
		require.Contains(t, out.Official, official, "code %d", c)
	}

	code, stdout, _ = runCLI(t, []string{"errcode", "0"}, nil, "")
	require.Equal(t, exitOK, code)
	require.True(t, strings.HasPrefix(stdout, "errcode 0: ok"), stdout)
	require.NotContains(t, stdout, "more:")

	code, stdout, _ = runCLI(t, []string{"errcode", "--all"}, nil, "")
	require.Equal(t, exitOK, code)
	require.Len(t, strings.Split(strings.TrimSuffix(stdout, "\n"), "\n"), len(wecom.KnownCodes())+11)
	require.Contains(t, stdout, " 301002  no permission on the given app (无权限操作指定的应用)\n")
}
