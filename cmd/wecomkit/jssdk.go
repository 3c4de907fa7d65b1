package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/wecomkit/wecomkit/jssdk"
)

// nonceAlphabet is what generated nonces are made of.
const nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func runJSSDK(e *env, args []string) error {
	f := newFlags(e, "jssdk", "wecomkit jssdk --ticket TICKET --url URL [--nonce N] [--timestamp TS] [--show-ticket]",
		`Signs a page for wx.config or wx.agentConfig (doc 90506): prints the URL
that is signed (without its #fragment), string1 and the signature, and
warns when the URL has a fragment or looks encoded twice — the usual causes
of 40093. The ticket is shown as *** in string1 unless --show-ticket.
--nonce and --timestamp default to a random nonce and the current time.`,
		`wecomkit jssdk --ticket sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg \
    --nonce Wm3WZYTPz0wzccnW --timestamp 1414587457 --url 'http://mp.weixin.qq.com?params=value'`)
	var ticket, pageURL, nonce string
	var ts int64
	var showTicket bool
	f.secret(&ticket, "ticket", "the jsapi ticket (corp ticket for wx.config, app ticket for wx.agentConfig)")
	f.StringVar(&pageURL, "url", "", "the page's URL, as location.href shows it")
	f.StringVar(&nonce, "nonce", "", "noncestr (default: 16 random letters and digits)")
	f.Int64Var(&ts, "timestamp", 0, "timestamp in Unix seconds (default: now)")
	f.BoolVar(&showTicket, "show-ticket", false, "show the ticket in string1")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument: give the page with --url")
	case ticket == "":
		return usagef("missing --ticket (or $WECOMKIT_TICKET)")
	case pageURL == "":
		return usagef("missing --url")
	}
	if !f.isSet("timestamp") {
		ts = e.now().Unix()
	} else if ts <= 0 {
		return usagef("--timestamp must be positive Unix seconds")
	}
	if nonce == "" {
		if nonce, err = randomString(e, 16, nonceAlphabet); err != nil {
			return err
		}
	}
	signed, warnings, err := jssdk.CheckPageURL(pageURL)
	var warnText []string
	ws := []map[string]string{}
	for _, w := range warnings {
		warnText = append(warnText, w.Message)
		ws = append(ws, map[string]string{"code": string(w.Code), "message": w.Message})
	}
	if err != nil {
		if !f.json {
			printWarnings(e, warnText)
		}
		return f.fail(err.Error(), map[string]any{"warnings": ws})
	}
	string1 := jssdk.StringToSign(ticket, nonce, ts, signed)
	if !showTicket {
		string1 = jssdk.StringToSign("***", nonce, ts, signed)
	}
	sig := jssdk.Sign(ticket, nonce, ts, signed)
	if f.json {
		return printJSON(e.stdout, map[string]any{"ok": true, "url": signed, "noncestr": nonce, "timestamp": ts,
			"string1": string1, "signature": sig, "warnings": ws})
	}
	fmt.Fprintf(e.stdout, "url:       %s\nnoncestr:  %s\ntimestamp: %d\nstring1:   %s\nsignature: %s\n", signed, nonce, ts, string1, sig)
	printWarnings(e, warnText)
	return nil
}

func printWarnings(e *env, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
}

// randomString returns n characters of alphabet from e.random.
func randomString(e *env, n int, alphabet string) (string, error) {
	buf := make([]byte, n)
	if _, err := io.ReadFull(e.random, buf); err != nil {
		return "", fmt.Errorf("random source: %w", err)
	}
	var sb strings.Builder
	for _, b := range buf {
		sb.WriteByte(alphabet[int(b)%len(alphabet)])
	}
	return sb.String(), nil
}
