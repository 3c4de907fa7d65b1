package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

func runToken(e *env, args []string) error {
	f := newFlags(e, "token", "wecomkit token --corp-id CORPID --secret SECRET [--base-url URL] [--show-token]",
		`Fetches an access token (GET /cgi-bin/gettoken, doc 91039) to check the
corp id, the app's secret and the IP allow-listing of the machine it runs
on, and explains WeCom's errcode if it refuses: 60020 names the IP WeCom
saw and where to allow it, 40001/40013 a wrong secret or corp id, and so
on. The token is printed only with --show-token. No retries: what WeCom
answers is what you see.`,
		`WECOMKIT_SECRET=… wecomkit token --corp-id ww86331f9cf933b4b8`)
	var corpID, secret, baseURL string
	var showToken bool
	var timeout time.Duration
	f.StringVar(&corpID, "corp-id", "", "the corporation's CorpID (我的企业 → 企业信息 → 企业ID)")
	f.secret(&secret, "secret", "the app's Secret")
	f.StringVar(&baseURL, "base-url", wecom.DefaultBaseURL, "WeCom's API, or a proxy that speaks it")
	f.BoolVar(&showToken, "show-token", false, "print the access token itself")
	f.DurationVar(&timeout, "timeout", 10*time.Second, "how long to wait for WeCom")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("unexpected argument: every value is a flag")
	case corpID == "":
		return usagef("missing --corp-id")
	case secret == "":
		return usagef("missing --secret (or $WECOMKIT_SECRET)")
	case timeout <= 0:
		return usagef("--timeout must be positive")
	}
	if _, err := wecom.ParseBaseURL(baseURL); err != nil {
		return usagef("--base-url: %v", err)
	}
	client, err := wecom.New(corpID, secret, wecom.WithBaseURL(baseURL), wecom.WithRetries(0), wecom.WithRequestTimeout(timeout))
	if err != nil {
		return usagef("%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tok, err := client.AccessToken(ctx)
	if err != nil {
		return tokenFailure(f, err)
	}
	if f.json {
		out := map[string]any{"ok": true, "corp_id": corpID, "token_length": len(tok)}
		if showToken {
			out["access_token"] = tok
		}
		return printJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "ok: WeCom issued an access token for %s: the corp id and secret are right and this machine's IP is allowed\n", corpID)
	if showToken {
		fmt.Fprintf(e.stdout, "access_token: %s\n", tok)
	} else {
		fmt.Fprintf(e.stdout, "access_token: (%d characters; --show-token prints it)\n", len(tok))
	}
	return nil
}

// tokenFailure explains why gettoken failed.
func tokenFailure(f *flags, err error) error {
	d := wecom.Diagnose(err)
	var ae *wecom.APIError
	if f.json {
		out := map[string]any{"cause": string(d.Cause), "advice": d.Hint}
		if errors.As(err, &ae) {
			out["errcode"], out["errmsg"] = ae.Code, ae.Msg
			if ip := wecom.DeniedIP(ae.Msg); ip != "" {
				out["denied_ip"] = ip
			}
		}
		return f.fail(err.Error(), out)
	}
	w := f.e.stderr
	fmt.Fprintf(w, "error: %v\n", err)
	if errors.As(err, &ae) {
		if info, ok := wecom.LookupCode(ae.Code); ok {
			fmt.Fprintf(w, "errcode %d: %s\n", ae.Code, info.Meaning)
		}
	} else {
		fmt.Fprintf(w, "cause: %s\n", d.Cause)
	}
	fmt.Fprintf(w, "what to do: %s\n", d.Hint)
	return errReported
}
