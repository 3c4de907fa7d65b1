// Command wecomfake runs a fake WeCom (企业微信) — package wecomtest's
// server — as a process of its own, for running the example servers, or
// your own, without a real corporation:
//
//	go run ./cmd/wecomfake -listen 127.0.0.1:8399 -state fake.json \
//	    -suite-callback http://127.0.0.1:8080/callback/command
//
// It prints the credentials it accepts as "export NAME=value" lines under
// the names the example servers read (WECOM_BASE_URL, WECOM_CORP_ID,
// WECOM_SECRET, SUITE_ID, …, KF_OPEN_KFID, its WeChat customer service
// account), the last one WECOMFAKE_URL, its own address. With -state the
// fake keeps its corporations, directory, suites, installs, customers and
// kf accounts in a JSON file across restarts.
//
// The same binary drives a running fake: "wecomfake push ticket",
// "wecomfake install CORP", "wecomfake user add USERID", "wecomfake
// message USERID TEXT", "wecomfake message -kf EXTERNAL_USERID TEXT",
// "wecomfake approval SP_NO STATUS", "wecomfake fail PATH ERRCODE N",
// "wecomfake calls"
// and the others listed by -h call its control surface, HTTP under
// /_fake/ on the fake's own address (found with -addr or WECOMFAKE_URL).
// The control surface has no authentication: keep the fake on loopback.
//
// Exit status: 0 success, 1 failure (a push refused, the fake
// unreachable), 2 usage. docs/wecomfake.md has a walk-through.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: a subcommand when the first argument
// names one, the fake otherwise.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 1 && args[0] == "help" {
		args = []string{"-h"}
	}
	// "wecomfake -addr URL calls" is "wecomfake calls -addr URL".
	if n := addrFlagLen(args); n > 0 && len(args) > n && !strings.HasPrefix(args[n], "-") {
		args = append(append([]string(nil), args[n:]...), args[:n]...)
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return runCommand(ctx, args, getenv, stdout, stderr)
	}
	return serve(ctx, args, stdout, stderr)
}

// addrFlagLen is how many leading arguments are an -addr flag with its
// value: 2 for "-addr URL", 1 for "-addr=URL", 0 otherwise.
func addrFlagLen(args []string) int {
	if len(args) == 0 {
		return 0
	}
	switch a := strings.TrimPrefix(args[0], "-"); {
	case a == "-addr" || a == "addr":
		return 2
	case strings.HasPrefix(a, "-addr=") || strings.HasPrefix(a, "addr="):
		return 1
	}
	return 0
}
