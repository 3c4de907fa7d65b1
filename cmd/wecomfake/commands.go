package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// command is a subcommand that drives a running fake.
type command struct {
	name    string // one or two words: "calls", "user add"
	args    string // its arguments, for -h
	summary string
	example string
	// setup declares the command's flags and returns what it runs with
	// its positional arguments.
	setup func(fs *flag.FlagSet) runFunc
	nargs [2]int // at least, at most (-1: any) positional arguments
}

// commands lists the subcommands in the order -h shows them.
func commands() []command {
	return []command{
		{name: "push ticket", summary: "push a new suite_ticket to the suite's command URL",
			example: "wecomfake push ticket", setup: pushTicketCmd},
		{name: "install", args: "CORP [-state S]", summary: "install the suite in corporation CORP: an auth code and a create_auth push",
			example: "wecomfake install wwcustomer000001", setup: installCmd, nargs: [2]int{1, 1}},
		{name: "cancel", args: "CORP", summary: "uninstall the suite from CORP: its permanent code stops working, cancel_auth is pushed",
			example: "wecomfake cancel wwcustomer000001", setup: cancelCmd, nargs: [2]int{1, 1}},
		{name: "user add", args: "USERID [-name N] [-dept 1,2] [-mobile M] [-email E] [-position P] [-gender 0|1|2] [-corp CORP]",
			summary: "add a member (default department 1); pushes change_contact where a callback is set",
			example: "wecomfake user add lisi -name 李四 -dept 1", setup: userCmd(pathUserAdd), nargs: [2]int{1, 1}},
		{name: "user update", args: "USERID [the flags of user add]", summary: "change the fields given of a member; pushes change_contact",
			example: "wecomfake user update lisi -position Manager", setup: userCmd(pathUserUpdate), nargs: [2]int{1, 1}},
		{name: "user remove", args: "USERID [-corp CORP]", summary: "remove a member; pushes change_contact",
			example: "wecomfake user remove lisi", setup: userCmd(pathUserRemove), nargs: [2]int{1, 1}},
		{name: "message", args: "FROM TEXT... [-kf [-open-kfid ID]] [-agent ID] [-corp CORP]",
			summary: "member FROM writes TEXT to the app (pushed to its callback); with -kf, WeChat customer FROM writes to the kf account $KF_OPEN_KFID (kf_msg_or_event pushed, sync_msg returns it)",
			example: "wecomfake message -kf wmcustomer001 where is my order", setup: messageCmd, nargs: [2]int{2, -1}},
		{name: "approval", args: "SP_NO STATUS [-corp CORP]", summary: "move an application to STATUS (approved, rejected, revoked, revoked-after-approval, pending); pushes sys_approval_change to the applying app's callback",
			example: "wecomfake approval 202503010001 approved", setup: approvalCmd, nargs: [2]int{2, 2}},
		{name: "fail", args: "PATH ERRCODE N", summary: "answer the next N calls of PATH (or * for any) with errcode ERRCODE; N < 0: until clear",
			example: "wecomfake fail /cgi-bin/gettoken 45009 3", setup: failCmd, nargs: [2]int{3, 3}},
		{name: "latency", args: "PATH DURATION [N]", summary: "delay the next N calls of PATH (default: all, until clear) by DURATION",
			example: "wecomfake latency /cgi-bin/user/get 2s", setup: latencyCmd, nargs: [2]int{2, 3}},
		{name: "clear", summary: "remove every injected fault and latency",
			example: "wecomfake clear", setup: clearCmd},
		{name: "calls", summary: "print how many calls each API path received",
			example: "wecomfake calls", setup: callsCmd},
		{name: "callback", args: "suite|data|app URL", summary: "set where pushes go: the suite's command URL, its data URL, or the app's callback",
			example: "wecomfake callback suite http://127.0.0.1:8080/callback/command", setup: callbackCmd, nargs: [2]int{2, 2}},
		{name: "env", summary: "print the fake's environment lines again",
			example: "eval \"$(wecomfake env)\"", setup: envCmd},
	}
}

// runCommand runs the subcommand args names.
func runCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd, rest, ok := findCommand(args)
	if !ok {
		fmt.Fprintf(stderr, "wecomfake: unknown command %q (run wecomfake -h)\n", strings.Join(args[:min(2, len(args))], " "))
		return exitUsage
	}
	fs := flag.NewFlagSet("wecomfake "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	defaultAddr := getenv(controlURLEnv)
	if defaultAddr == "" {
		defaultAddr = "http://" + defaultListen
	}
	addr := fs.String("addr", defaultAddr, "the fake's URL (default $"+controlURLEnv+", else http://"+defaultListen+")")
	runFn := cmd.setup(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wecomfake %s %s\n  %s\n  e.g. %s\n", cmd.name, cmd.args, cmd.summary, cmd.example)
		fs.PrintDefaults()
	}
	pos, err := parseMixed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(pos) < cmd.nargs[0] || (cmd.nargs[1] >= 0 && len(pos) > cmd.nargs[1]) {
		fmt.Fprintf(stderr, "wecomfake %s: wrong number of arguments\n", cmd.name)
		fs.Usage()
		return exitUsage
	}
	cl, err := newClient(*addr)
	if err != nil {
		fmt.Fprintf(stderr, "wecomfake %s: -addr: %v\n", cmd.name, err)
		return exitUsage
	}
	if err := runFn(ctx, cl, pos, stdout); err != nil {
		fmt.Fprintf(stderr, "wecomfake %s: %v\n", cmd.name, err)
		if errors.Is(err, errUsage) {
			return exitUsage
		}
		return exitFailure
	}
	return exitOK
}

// errUsage marks a command's error as bad arguments (exit 2).
var errUsage = errors.New("usage")

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// findCommand matches the first one or two words of args.
func findCommand(args []string) (command, []string, bool) {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

// parseMixed parses flags that may come before, between or after the
// positional arguments, which it returns. A negative number (fail PATH
// -1 -1) is positional, and so is everything after "--".
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case len(a) < 2 || a[0] != '-' || (a[1] >= '0' && a[1] <= '9'):
			pos = append(pos, a)
		default:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				continue // Parse reports it (or shows -h)
			}
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				continue // no value follows
			}
			if i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return pos, nil
}

// runFunc is what a command runs.
type runFunc = func(ctx context.Context, cl *client, args []string, stdout io.Writer) error

func pushTicketCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, _ []string, stdout io.Writer) error {
		var out pushAnswer
		if err := cl.call(ctx, pathPushTicket, struct{}{}, &out); err != nil {
			return err
		}
		return printPushes(stdout, out)
	}
}

func installCmd(fs *flag.FlagSet) runFunc {
	state := fs.String("state", "", "the install's state, handed back by get_permanent_code")
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		var out installAnswer
		if err := cl.call(ctx, pathInstall, installRequest{CorpID: args[0], State: *state}, &out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "installed in %s as agentid %d; create_auth pushed\n", args[0], out.AgentID)
		return nil
	}
}

func cancelCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		var out pushAnswer
		if err := cl.call(ctx, pathCancel, corpRequest{CorpID: args[0]}, &out); err != nil {
			return err
		}
		return printPushes(stdout, out)
	}
}

func userCmd(path string) func(fs *flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		corp := fs.String("corp", "", "the corporation (default the fake's, "+fakeCorpID+")")
		var name, mobile, email, position, gender, dept *string
		if path != pathUserRemove {
			name = fs.String("name", "", "the member's name (add: default the userid)")
			mobile = fs.String("mobile", "", "mobile number")
			email = fs.String("email", "", "email address")
			position = fs.String("position", "", "position")
			gender = fs.String("gender", "", "0 unknown, 1 male, 2 female")
			dept = fs.String("dept", "", "department ids, comma-separated (add: default 1)")
		}
		return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
			req := userRequest{CorpID: *corp, UserID: args[0]}
			given := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
			pick := func(flagName string, v *string) *string {
				if given[flagName] {
					return v
				}
				return nil
			}
			if path != pathUserRemove {
				req.Name, req.Mobile, req.Email = pick("name", name), pick("mobile", mobile), pick("email", email)
				req.Position, req.Gender = pick("position", position), pick("gender", gender)
				if given["dept"] {
					ids, err := parseIDs(*dept)
					if err != nil {
						return usageError("-dept: %v", err)
					}
					req.Department = &ids
				}
			}
			var out pushAnswer
			if err := cl.call(ctx, path, req, &out); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: done\n", args[0])
			return printPushes(stdout, out)
		}
	}
}

func parseIDs(v string) ([]int64, error) {
	var ids []int64
	for _, f := range strings.Split(v, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a list of department ids such as 1,2", v)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func messageCmd(fs *flag.FlagSet) runFunc {
	corp := fs.String("corp", "", "the corporation (default the fake's)")
	agent := fs.Int64("agent", 0, "the app's agentid (default the fake's app); with -kf, the app whose callback gets kf_msg_or_event")
	kf := fs.Bool("kf", false, "FROM is a WeChat customer (external userid) writing to a kf account (微信客服)")
	openKfID := fs.String("open-kfid", "", "with -kf: the kf account (default the fake's, $KF_OPEN_KFID)")
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		req := messageRequest{Channel: "app", CorpID: *corp, AgentID: *agent, From: args[0], Text: strings.Join(args[1:], " ")}
		if *kf {
			req.Channel, req.OpenKfID = "kf", *openKfID
		} else if *openKfID != "" {
			return usageError("-open-kfid goes with -kf")
		}
		var out pushAnswer
		if err := cl.call(ctx, pathMessage, req, &out); err != nil {
			return err
		}
		return printPushes(stdout, out)
	}
}

func approvalCmd(fs *flag.FlagSet) runFunc {
	corp := fs.String("corp", "", "the corporation (default the fake's)")
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		st, ok := approvalStatuses[args[1]]
		if !ok {
			return usageError("STATUS: approved, rejected, revoked, revoked-after-approval or pending, not %q", args[1])
		}
		var out pushAnswer
		if err := cl.call(ctx, pathApproval, approvalRequest{CorpID: *corp, SpNo: args[0], Status: int(st)}, &out); err != nil {
			return err
		}
		return printPushes(stdout, out)
	}
}

func failCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		code, err := strconv.Atoi(args[1])
		if err != nil || code == 0 {
			return usageError("ERRCODE: a non-zero number such as 45009, got %q", args[1])
		}
		n, err := strconv.Atoi(args[2])
		if err != nil || n == 0 {
			return usageError("N: a non-zero number, got %q", args[2])
		}
		if err := cl.call(ctx, pathFail, faultRequest{Path: args[0], ErrCode: code, Times: n}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: errcode %d for %s\n", args[0], code, times(n))
		return nil
	}
}

func latencyCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		if _, err := time.ParseDuration(args[1]); err != nil {
			return usageError("DURATION: such as 1.5s, got %q", args[1])
		}
		n := -1
		if len(args) == 3 {
			var err error
			if n, err = strconv.Atoi(args[2]); err != nil || n == 0 {
				return usageError("N: a non-zero number, got %q", args[2])
			}
		}
		if err := cl.call(ctx, pathLatency, faultRequest{Path: args[0], Latency: args[1], Times: n}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s more for %s\n", args[0], args[1], times(n))
		return nil
	}
}

func times(n int) string {
	switch {
	case n < 0:
		return "every call until wecomfake clear"
	case n == 1:
		return "the next call"
	}
	return "the next " + strconv.Itoa(n) + " calls"
}

func clearCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, _ []string, stdout io.Writer) error {
		if err := cl.call(ctx, pathClear, struct{}{}, nil); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "faults cleared")
		return nil
	}
}

func callsCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, _ []string, stdout io.Writer) error {
		var out callsAnswer
		if err := cl.call(ctx, pathCalls, nil, &out); err != nil {
			return err
		}
		for _, l := range sortedCalls(out.Calls) {
			fmt.Fprintln(stdout, l)
		}
		return nil
	}
}

func callbackCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, args []string, stdout io.Writer) error {
		switch args[0] {
		case "suite", "data", "app":
		default:
			return usageError("the target is suite, data or app, not %q", args[0])
		}
		if err := cl.call(ctx, pathCallback, callbackRequest{Target: args[0], URL: args[1]}, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s callback: %s\n", args[0], args[1])
		return nil
	}
}

func envCmd(*flag.FlagSet) runFunc {
	return func(ctx context.Context, cl *client, _ []string, stdout io.Writer) error {
		return cl.text(ctx, pathEnv, stdout)
	}
}

// printPushes prints what was pushed; a failed push is the command's
// failure.
func printPushes(w io.Writer, out pushAnswer) error {
	for _, d := range out.Done {
		fmt.Fprintln(w, d)
	}
	for _, p := range out.Pushed {
		fmt.Fprintln(w, "pushed", p)
	}
	if len(out.PushErrors) > 0 {
		return fmt.Errorf("push failed: %s", strings.Join(out.PushErrors, "; "))
	}
	return nil
}
