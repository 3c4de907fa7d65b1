package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/signer"
)

func runVerify(e *env, args []string) error {
	f := newFlags(e, "verify", "wecomkit verify --secret SECRET [flags] 'URL or query'",
		`Verifies a signed tax-cloud request as the bridge does, and says which
rule matched — or exactly why not: a missing parameter, ts off by N seconds,
the parameter sets that were expected and the strings whose SHA-256 was
expected (the secret shown as #***). Paste the whole URL, its query, or the
request line from a log, in single quotes. Exits 1 when the request would
be refused.`,
		`wecomkit verify --secret pwd --now 241331 'https://bridge.example.com/userinfo?appid=xxx&ts=241321&sign=b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920'`)
	var secret, fields string
	var window time.Duration
	var strict bool
	var now int64
	f.secret(&secret, "secret", "the signing secret agreed with the tax cloud")
	f.DurationVar(&window, "window", signer.DefaultWindow, "how far ts may be from the clock")
	f.BoolVar(&strict, "strict", false, "accept only a signature over every parameter (signer.Strict)")
	f.StringVar(&fields, "fields", "", "accept only a signature over exactly these comma-separated parameters (signer.WithFields)")
	f.Int64Var(&now, "now", 0, "compare ts with this Unix time instead of the clock (to check a captured request)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case secret == "":
		return usagef("missing --secret (or $WECOMKIT_SECRET)")
	case len(pos) == 0:
		return usagef("give the request's URL or query string, in single quotes")
	case len(pos) > 1:
		return usagef("one URL or query expected, got %d arguments: put it in single quotes, or the shell splits it", len(pos))
	case strict && fields != "":
		return usagef("--strict and --fields exclude each other")
	case window < time.Second:
		return usagef("--window must be at least 1s")
	}
	params, err := parsePasted(pos[0])
	if err != nil {
		return f.fail(err.Error(), nil)
	}
	clock := e.now
	if f.isSet("now") {
		clock = func() time.Time { return time.Unix(now, 0) }
	}
	opts := []signer.Option{signer.WithWindow(window), signer.WithClock(clock)}
	switch {
	case strict:
		opts = append(opts, signer.Strict())
	case fields != "":
		opts = append(opts, signer.WithFields(strings.Split(fields, ",")...))
	}
	v, err := signer.NewVerifier(secret, opts...)
	if err != nil {
		return usagef("%v", err)
	}
	x := v.Explain(params)
	notes := x.Notes
	if x.Form == signer.FormAppIDTS {
		notes = append(notes, "only appid and ts are covered: the other parameters could be changed without breaking the signature")
	}
	if (errors.Is(x.Err, signer.ErrMissingSignature) || errors.Is(x.Err, signer.ErrMissingTimestamp)) && len(params) <= 1 {
		notes = append(notes, "only one parameter arrived: if the URL was not quoted, the shell cut it at the first &")
	}
	if f.json {
		out := map[string]any{"ok": x.Err == nil, "form": x.Form.String(), "window_seconds": int64(x.Window / time.Second)}
		if x.Err != nil {
			out["error"] = x.Err.Error()
		}
		if x.TSValid {
			out["ts"], out["ts_offset_seconds"] = x.TS, x.Offset
		}
		var cands []map[string]any
		for _, c := range x.Candidates {
			cands = append(cands, map[string]any{"form": c.Form.String(), "fields": c.Fields, "string_to_sign": c.StringToSign})
		}
		out["expected"] = cands
		if len(notes) > 0 {
			out["notes"] = notes
		}
		if err := printJSON(e.stdout, out); err != nil {
			return err
		}
		if x.Err != nil {
			return errReported
		}
		return nil
	}
	w := e.stdout
	if x.Err == nil {
		fmt.Fprintf(w, "result:   accepted: the signature covers %s\n", describeForm(x.Form))
	} else {
		fmt.Fprintf(w, "result:   rejected: %v\n", x.Err)
	}
	if x.TSValid {
		fmt.Fprintf(w, "ts:       %d, %s (allowed ±%ds)\n", x.TS, describeOffset(x.Offset), int64(x.Window/time.Second))
	}
	if x.Err != nil {
		fmt.Fprintln(w, "expected: sign = SHA-256 of one of these strings (the secret shown as ***):")
		for _, c := range x.Candidates {
			fmt.Fprintf(w, "  %-28s %s\n", describeForm(c.Form)+":", c.StringToSign)
		}
	}
	for _, n := range notes {
		fmt.Fprintf(w, "note:     %s\n", n)
	}
	if x.Err != nil {
		return errReported
	}
	return nil
}

func describeForm(f signer.Form) string {
	switch f {
	case signer.FormAll:
		return "every parameter but sign"
	case signer.FormAppIDTS:
		return "exactly appid and ts"
	case signer.FormFields:
		return "the --fields parameters"
	}
	return "nothing"
}

func describeOffset(off int64) string {
	switch {
	case off == 0:
		return "equal to the clock"
	case off > 0:
		return fmt.Sprintf("%d s ahead of the clock", off)
	case off == -off: // math.MinInt64
		return "far behind the clock"
	}
	return fmt.Sprintf("%d s behind the clock", -off)
}
