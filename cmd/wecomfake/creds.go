package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// The credentials the fake accepts. They are fixed, not random, so that
// the lines a shell or a .env file holds stay valid across restarts; they
// open nothing but this fake.
const (
	fakeCorpID         = "wwfakecorp000001"
	fakeAgentID        = 1000002
	fakeAppSecret      = "fake-app-secret-000000000000001"
	fakeContactSecret  = "fake-contact-secret-00000000001"
	fakeSuiteID        = "wwfakesuite00001"
	fakeSuiteSecret    = "fake-suite-secret-0000000000001"
	fakeSuiteToken     = "fakesuitetoken01"
	fakeAESKey         = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C" // 43 characters, as WeCom's console shows one
	fakeProviderCorpID = "wwfakeprovider01"
	fakeProviderSecret = "fake-provider-secret-000000001"
	fakeAppToken       = "fakeapptoken0001"
	fakeAppAESKey      = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// The fake corporation's directory at a first start: a root department
// and one member, so that a sign-in works out of the box.
const (
	rootDepartment = 1
	firstMemberID  = "zhangsan"
)

// envLine is one environment variable the fake prints.
type envLine struct{ name, value, note string }

// envLines are the variables the example servers read (examples/*/config.go),
// with the fake's values; base is the fake's URL, kfID its default kf
// account's open_kfid.
func envLines(base, kfID string) []envLine {
	return []envLine{
		{"WECOM_BASE_URL", base, "every example: WeCom's API"},
		{"WECOM_OPEN_BASE_URL", base, "suite-server: the install page"},
		{"WECOM_OAUTH_BASE_URL", base, "oauth-login: the sign-in pages"},
		{"WECOM_CORP_ID", fakeCorpID, "oauth-login, contacts-sync, taxcloud-bridge"},
		{"WECOM_AGENT_ID", strconv.Itoa(fakeAgentID), ""},
		{"WECOM_SECRET", fakeAppSecret, "the app's secret"},
		{"WECOM_CONTACT_SECRET", fakeContactSecret, "contacts-sync: the contact-sync secret"},
		{"SUITE_ID", fakeSuiteID, "suite-server"},
		{"SUITE_SECRET", fakeSuiteSecret, ""},
		{"SUITE_TOKEN", fakeSuiteToken, ""},
		{"SUITE_AES_KEY", fakeAESKey, ""},
		{"PROVIDER_CORP_ID", fakeProviderCorpID, ""},
		{"PROVIDER_SECRET", fakeProviderSecret, ""},
		{"WECOM_CALLBACK_TOKEN", fakeAppToken, "the app's callback Token (wecomfake message)"},
		{"WECOM_CALLBACK_AES_KEY", fakeAppAESKey, "the app's callback EncodingAESKey"},
		{"KF_OPEN_KFID", kfID, "the default WeChat customer service account (wecomfake message -kf)"},
		{controlURLEnv, base, "where the wecomfake subcommands find this fake"},
	}
}

// printEnv writes the lines as "export NAME=value", ready to paste or to
// eval; the fake's URL (WECOMFAKE_URL) comes last, so that a reader may
// stop there.
func printEnv(w io.Writer, base, kfID string) {
	fmt.Fprintln(w, "# wecomfake: a fake WeCom; nothing reaches the real one. Paste into a shell, or: eval \"$(wecomfake env)\"")
	for _, l := range envLines(base, kfID) {
		fmt.Fprintf(w, "export %s=%s\n", l.name, shellQuote(l.value))
	}
}

// shellQuote quotes v for a POSIX shell when it holds anything but
// letters, digits and ._-:/ (none of the fake's values do).
func shellQuote(v string) string {
	if v != "" && strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/") == "" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// fakeOptions are the server options that give the fake its corporation,
// app, contact-sync helper, suite and provider.
func fakeOptions() []wecomtest.Option {
	return []wecomtest.Option{
		wecomtest.WithApp(fakeCorpID, wecomtest.App{AgentID: fakeAgentID, Secret: fakeAppSecret}),
		wecomtest.WithContactSyncSecret(fakeCorpID, fakeContactSecret),
		wecomtest.WithSuite(wecomtest.Suite{ID: fakeSuiteID, Secret: fakeSuiteSecret, Token: fakeSuiteToken,
			EncodingAESKey: fakeAESKey, Name: "wecomfake suite"}),
		wecomtest.WithProvider(fakeProviderCorpID, fakeProviderSecret),
	}
}

// The fake corporation's default WeChat customer service (微信客服)
// account, and its receptionist.
const (
	defaultKFName     = "wecomfake 客服"
	defaultKFServicer = firstMemberID
)

// defaultKFAccount returns the open_kfid of the fake corporation's first
// kf account, creating one when it has none (a first start, or a state
// file of an older fake). It is kept in the state file, so that
// KF_OPEN_KFID stays valid across restarts.
func defaultKFAccount(srv *wecomtest.Server) string {
	if as := srv.KFAccounts(fakeCorpID); len(as) > 0 {
		return as[0].OpenKfID
	}
	return srv.AddKFAccount(fakeCorpID, defaultKFName, defaultKFServicer)
}

// addFirstDirectory gives a new fake its root department and first member.
func addFirstDirectory(srv *wecomtest.Server) {
	srv.AddDepartment(fakeCorpID, wecomtest.Department{ID: rootDepartment, Name: "Fake Corp"})
	srv.AddMember(fakeCorpID, wecomtest.Member{UserID: firstMemberID, Name: "张三", Department: []int64{rootDepartment}, Position: "Engineer"})
}
