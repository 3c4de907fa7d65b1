package main

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/signer"
)

func runSign(e *env, args []string) error {
	f := newFlags(e, "sign", "wecomkit sign --secret SECRET [--ts N] key=value ...",
		`Signs tax-cloud request parameters: sorts them by name (sign excluded,
empty values skipped), joins them as k=v with &, appends # and the secret,
and prints the lowercase hex SHA-256. The string that is signed is shown
with the secret as #***. Values are given decoded, as the tax cloud signs
them. Without a ts parameter (or --ts), ts is the current time. A ts that a
verifier rejects whatever the signature (empty, not an integer number of
seconds, out of 64-bit range) is signed as given, with a warning on stderr;
--strict makes that warning a failure (exit 1).`,
		`wecomkit sign --secret pwd appid=xxx ts=241321
WECOMKIT_SECRET=pwd wecomkit sign appid=ww86331f9cf933b4b8 code=CODE`)
	var secret string
	var ts int64
	var strict bool
	f.secret(&secret, "secret", "the signing secret agreed with the tax cloud")
	f.Int64Var(&ts, "ts", 0, "ts to sign, in Unix seconds (default: a ts pair, else now)")
	f.BoolVar(&strict, "strict", false, "exit 1 when ts is one a verifier rejects whatever the signature")
	pairs, err := f.parse(args)
	if err != nil {
		return err
	}
	if secret == "" {
		return usagef("missing --secret (or $WECOMKIT_SECRET)")
	}
	if len(pairs) == 0 {
		return usagef("no parameters: give them as key=value, e.g. appid=xxx ts=241321")
	}
	params := url.Values{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		switch {
		case !ok || k == "":
			return usagef("%q is not key=value", p)
		case k == "sign":
			return usagef("sign is what this command computes; leave it out")
		case params.Has(k):
			return usagef("%s given twice: the tax cloud sends each parameter once", k)
		}
		params.Set(k, v)
	}
	added := ""
	switch {
	case f.isSet("ts") && params.Has("ts"):
		return usagef("ts given both as --ts and as ts=…")
	case f.isSet("ts"):
		params.Set("ts", strconv.FormatInt(ts, 10))
	case !params.Has("ts"):
		params.Set("ts", strconv.FormatInt(e.now().Unix(), 10))
		added = "ts was not given: it is the current time"
	}
	var warnings []string
	if w := tsWarning(params.Get("ts")); w != "" {
		warnings = append(warnings, w)
	}
	failed := strict && len(warnings) > 0
	sign := signer.Sign(params, secret)
	masked := signer.MaskedStringToSign(params)
	query := cloneValues(params)
	query.Set("sign", sign)
	if f.json {
		out := map[string]any{"ok": !failed, "string_to_sign": masked, "sign": sign, "query": query.Encode()}
		if added != "" {
			out["note"] = added
		}
		if len(warnings) > 0 {
			out["warnings"] = warnings
		}
		if failed {
			out["error"] = "--strict: " + warnings[0]
		}
		if err := printJSON(e.stdout, out); err != nil || !failed {
			return err
		}
		return errReported
	}
	fmt.Fprintf(e.stdout, "string to sign: %s\nsign:           %s\nquery:          %s\n", masked, sign, query.Encode())
	if added != "" {
		fmt.Fprintf(e.stderr, "note: %s\n", added)
	}
	for _, w := range warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	if failed {
		fmt.Fprintf(e.stderr, "error: --strict: a verifier rejects this request whatever the signature\n")
		return errReported
	}
	return nil
}

// tsWarning says why a verifier (signer.Verifier) rejects a request with
// this ts whatever its signature, or returns "" when it may accept it.
func tsWarning(ts string) string {
	if ts == "" {
		return "ts is empty: a verifier rejects the request as missing its timestamp (signer.ErrMissingTimestamp)"
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Sprintf("ts %q does not fit in 64 bits: a verifier rejects the request as outside its window (signer.ErrExpired)", ts)
		}
		return fmt.Sprintf("ts %q is not an integer number of seconds: a verifier rejects the request (signer.ErrBadTimestamp)", ts)
	}
	return ""
}

// isSet reports whether the flag was given on the command line.
func (f *flags) isSet(name string) bool {
	found := false
	f.Visit(func(fl *flagT) { found = found || fl.Name == name })
	return found
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
