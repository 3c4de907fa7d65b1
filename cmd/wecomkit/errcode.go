package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
)

// queryURL is WeCom's own error-code lookup.
const queryURL = "https://open.work.weixin.qq.com/devtool/query?e="

func runErrcode(e *env, args []string) error {
	f := newFlags(e, "errcode", "wecomkit errcode [--msg ERRMSG] CODE | --all",
		`Explains a WeCom errcode (doc 90313) from the table the SDK's errors use,
or a callback error code -40001 … -40011 (doc 91144): what it means and what
to do. --msg takes WeCom's errmsg, from which 60020's IP is read.`,
		`wecomkit errcode 60020 --msg 'not allow to access from your ip, from ip: 203.0.113.7'
wecomkit errcode -40001`)
	var msg string
	var all bool
	f.StringVar(&msg, "msg", "", "WeCom's errmsg for the code (60020 names the IP to allow)")
	f.BoolVar(&all, "all", false, "list every code wecomkit explains")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if all {
		if len(pos) > 0 {
			return usagef("--all takes no code")
		}
		return listCodes(e, f.json)
	}
	if len(pos) != 1 {
		return usagef("give one error code, e.g. wecomkit errcode 60020")
	}
	code, err := strconv.Atoi(pos[0])
	if err != nil {
		return usagef("%q is not an error code (an integer such as 60020 or -40001)", pos[0])
	}
	if info, ok := crypto.DescribeCode(code); ok {
		if f.json {
			return printJSON(e.stdout, map[string]any{"ok": true, "code": code, "kind": "callback", "name": info.Name, "meaning": info.Meaning, "causes": info.Causes})
		}
		fmt.Fprintf(e.stdout, "callback error %d (%s): %s\nusual causes:\n", code, info.Name, info.Meaning)
		for _, c := range info.Causes {
			fmt.Fprintf(e.stdout, "  - %s\n", c)
		}
		return nil
	}
	info, ok := wecom.LookupCode(code)
	if !ok {
		return f.fail(fmt.Sprintf("errcode %d is not in wecomkit's table; WeCom explains it at %s%d", code, queryURL, code),
			map[string]any{"code": code, "more": queryURL + strconv.Itoa(code)})
	}
	advice := (&wecom.APIError{Code: code, Msg: msg}).Advice()
	if code == 0 {
		// Success: nothing to look up.
		if f.json {
			return printJSON(e.stdout, map[string]any{"ok": true, "code": code, "kind": "wecom", "meaning": info.Meaning, "advice": advice})
		}
		fmt.Fprintf(e.stdout, "errcode 0: %s\n%s\n", info.Meaning, advice)
		return nil
	}
	if f.json {
		out := map[string]any{"ok": true, "code": code, "kind": "wecom", "meaning": info.Meaning, "advice": advice, "more": queryURL + strconv.Itoa(code)}
		if info.Official != "" {
			out["official"] = info.Official
		}
		if info.Hint != "" {
			out["troubleshooting"] = info.Hint
		}
		if ip := wecom.DeniedIP(msg); ip != "" {
			out["denied_ip"] = ip
		}
		return printJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "errcode %d: %s\n", code, info.Meaning)
	// WeCom's own words (doc 90313), where they add to what is printed.
	hint := info.Hint != "" && info.Hint != advice
	if info.Official != "" && (hint || !strings.Contains(info.Meaning, info.Official)) {
		official := "WeCom:      " + info.Official
		if hint {
			official += "; 排查方法: " + info.Hint
		}
		fmt.Fprintln(e.stdout, official)
	}
	if advice == "" {
		advice = "WeCom's table gives no 排查方法 for this code: see more."
	}
	fmt.Fprintf(e.stdout, "what to do: %s\nmore: %s%d\n", advice, queryURL, code)
	return nil
}

func listCodes(e *env, asJSON bool) error {
	type entry struct {
		Code    int    `json:"code"`
		Kind    string `json:"kind"`
		Meaning string `json:"meaning"`
	}
	var list []entry
	for _, c := range wecom.KnownCodes() {
		info, _ := wecom.LookupCode(c)
		list = append(list, entry{c, "wecom", info.Meaning})
	}
	for c := -40001; c >= -40011; c-- {
		info, _ := crypto.DescribeCode(c)
		list = append(list, entry{c, "callback", info.Meaning})
	}
	if asJSON {
		return printJSON(e.stdout, map[string]any{"ok": true, "codes": list})
	}
	for _, en := range list {
		fmt.Fprintf(e.stdout, "%7d  %s\n", en.Code, en.Meaning)
	}
	return nil
}
