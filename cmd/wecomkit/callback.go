package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/crypto"
)

// maxBody bounds what decrypt and encrypt read.
const maxBody = 8 << 20

func runCallback(e *env, args []string) error {
	const help = `Usage: wecomkit callback <verify-url|decrypt|encrypt> [flags]

  verify-url  answer WeCom's URL verification: check msg_signature, decrypt echostr
  decrypt     verify and decrypt a captured callback body (XML or JSON)
  encrypt     encrypt a message into an envelope, with its msg_signature

Run "wecomkit callback <subcommand> --help" for flags and an example.
`
	if len(args) == 0 {
		return usagef("give a subcommand: verify-url, decrypt or encrypt")
	}
	switch args[0] {
	case "verify-url":
		return runVerifyURL(e, args[1:])
	case "decrypt":
		return runDecrypt(e, args[1:])
	case "encrypt":
		return runEncrypt(e, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, help)
		return errHelp
	}
	return usagef("unknown subcommand %q: verify-url, decrypt or encrypt", args[0])
}

// cryptoFlags are the settings of a callback URL in the admin console.
type cryptoFlags struct {
	token, aesKey, receiveID string
}

func (c *cryptoFlags) define(f *flags) {
	f.secret(&c.token, "token", "the callback's Token")
	f.secret(&c.aesKey, "aes-key", "the callback's EncodingAESKey (43 characters)")
	f.StringVar(&c.receiveID, "receive-id", "", "the receive id: the corp id (self-built app), the suite id (third-party commands), empty for a smart bot")
}

// check returns a usage error for missing settings.
func (c *cryptoFlags) check() error {
	switch {
	case c.token == "":
		return usagef("missing --token (or $WECOMKIT_TOKEN)")
	case c.aesKey == "":
		return usagef("missing --aes-key (or $WECOMKIT_AES_KEY)")
	}
	return nil
}

// msgCrypt builds the MsgCrypt; seen receives the receive id found in a
// message that is not the expected one.
func (c *cryptoFlags) msgCrypt(seen *string, opts ...crypto.Option) (*crypto.MsgCrypt, error) {
	opts = append(opts, crypto.WithReceiveIDFunc(func(id string) bool {
		*seen = id
		return false
	}))
	return crypto.New(c.token, c.aesKey, c.receiveID, opts...)
}

// sigParams are the query parameters WeCom signs a callback with.
type sigParams struct {
	pasted                         string
	msgSignature, timestamp, nonce string
	echoStr                        string
	fromURL                        url.Values
}

func (s *sigParams) define(f *flags, withEcho bool) {
	f.StringVar(&s.pasted, "url", "", "the callback request's URL or query, as captured (gives the parameters below)")
	f.StringVar(&s.msgSignature, "msg-signature", "", "msg_signature (overrides the URL's)")
	f.StringVar(&s.timestamp, "timestamp", "", "timestamp (overrides the URL's)")
	f.StringVar(&s.nonce, "nonce", "", "nonce (overrides the URL's)")
	if withEcho {
		f.StringVar(&s.echoStr, "echostr", "", "echostr, URL-decoded (overrides the URL's)")
	}
}

// resolve fills the parameters from the pasted URL where no flag gave them.
func (s *sigParams) resolve(f *flags, pasted string) error {
	if pasted != "" {
		q, err := parsePasted(pasted)
		if err != nil {
			return usagef("the callback URL: %v", err)
		}
		s.fromURL = q
	}
	pick := func(flagName, param string, p *string) {
		if !f.isSet(flagName) && s.fromURL != nil {
			*p = s.fromURL.Get(param)
		}
	}
	pick("msg-signature", "msg_signature", &s.msgSignature)
	pick("timestamp", "timestamp", &s.timestamp)
	pick("nonce", "nonce", &s.nonce)
	pick("echostr", "echostr", &s.echoStr)
	var missing []string
	for _, m := range []struct{ name, v string }{{"msg_signature", s.msgSignature}, {"timestamp", s.timestamp}, {"nonce", s.nonce}} {
		if m.v == "" {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return usagef("missing %s: paste the request's URL with --url, or give --msg-signature, --timestamp and --nonce", strings.Join(missing, ", "))
	}
	return nil
}

func runVerifyURL(e *env, args []string) error {
	f := newFlags(e, "callback verify-url", "wecomkit callback verify-url --token T --aes-key K --receive-id ID 'URL'",
		`Does what a callback URL must do when it is saved in the admin console
(doc 91144): checks msg_signature over echostr, decrypts echostr and prints
the plaintext the server must answer with. Paste the GET request's URL (or
its query). On failure it prints the official error code, what it means
and its usual causes, and tests the usual suspects: a '+' in echostr turned
into a space, another receive id.`,
		`WECOMKIT_TOKEN=QDG6eK WECOMKIT_AES_KEY=jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C \
    wecomkit callback verify-url --receive-id wx5823bf96d3bd56c7 \
    'https://app.example.com/cb?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D'`)
	var cf cryptoFlags
	var sp sigParams
	cf.define(f)
	sp.define(f, true)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	pasted := sp.pasted
	switch {
	case len(pos) > 1:
		return usagef("one URL expected, got %d arguments: put it in single quotes", len(pos))
	case len(pos) == 1 && pasted != "":
		return usagef("give the URL either as an argument or with --url")
	case len(pos) == 1:
		pasted = pos[0]
	}
	if err := cf.check(); err != nil {
		return err
	}
	if err := sp.resolve(f, pasted); err != nil {
		return err
	}
	if sp.echoStr == "" {
		return usagef("missing echostr: a URL verification is a GET with ?msg_signature&timestamp&nonce&echostr (a POST with a body is for decrypt)")
	}
	var seen string
	mc, err := cf.msgCrypt(&seen)
	if err != nil {
		return callbackFailure(f, err, nil)
	}
	plain, rid, err := mc.VerifyURLWithReceiveID(sp.msgSignature, sp.timestamp, sp.nonce, sp.echoStr)
	if err != nil {
		var hints []string
		if strings.Contains(sp.echoStr, " ") {
			fixed := strings.ReplaceAll(sp.echoStr, " ", "+")
			if _, _, err2 := mc.VerifyURLWithReceiveID(sp.msgSignature, sp.timestamp, sp.nonce, fixed); err2 == nil {
				hints = append(hints, "echostr holds spaces where WeCom sent '+': with them restored it verifies. The server decodes the query twice (or the value was pasted unencoded); decode it exactly once")
			} else {
				hints = append(hints, "echostr holds spaces: a '+' was probably decoded to a space somewhere")
			}
		}
		if looksPercentEncoded(sp.echoStr) {
			hints = append(hints, "echostr still holds %XX escapes: it was URL-encoded twice, or not decoded at all")
		}
		return callbackFailure(f, err, append(hints, receiveIDHint(err, seen, cf.receiveID)...))
	}
	if f.json {
		return printJSON(e.stdout, map[string]any{"ok": true, "plaintext": string(plain), "receive_id": rid})
	}
	fmt.Fprintf(e.stdout, "ok: the signature matches and echostr decrypts\nreceive id: %s\nanswer with exactly (no quotes, no newline):\n%s\n", quoteEmpty(rid), plain)
	return nil
}

func runDecrypt(e *env, args []string) error {
	f := newFlags(e, "callback decrypt", "wecomkit callback decrypt --token T --aes-key K --receive-id ID --url 'URL' [FILE|-]",
		`Verifies and decrypts a callback WeCom POSTed (doc 91144) and prints the
plaintext. The body — the XML <xml><Encrypt>…</Encrypt></xml> or the JSON
{"encrypt": …} envelope — is read from FILE, or stdin when FILE is - or
absent; a whole captured HTTP request (request line, headers, blank line,
body) is accepted too, and its request line then gives the signature
parameters. Otherwise paste the request's URL with --url.`,
		`wecomkit callback decrypt --token QDG6eK --aes-key "$WECOMKIT_AES_KEY" --receive-id wx5823bf96d3bd56c7 \
    --url '/cb?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149' body.xml`)
	var cf cryptoFlags
	var sp sigParams
	cf.define(f)
	sp.define(f, false)
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("one body file expected, got %d arguments", len(pos))
	}
	if err := cf.check(); err != nil {
		return err
	}
	name := "-"
	if len(pos) == 1 {
		name = pos[0]
	}
	data, err := readInput(e, name)
	if err != nil {
		return f.fail(err.Error(), nil)
	}
	pasted := sp.pasted
	target, body, isCapture := splitCapture(data)
	if isCapture && pasted == "" {
		pasted = target
	}
	if err := sp.resolve(f, pasted); err != nil {
		return err
	}
	var seen string
	mc, err := cf.msgCrypt(&seen)
	if err != nil {
		return callbackFailure(f, err, nil)
	}
	plain, rid, err := mc.DecryptMsgWithReceiveID(sp.msgSignature, sp.timestamp, sp.nonce, body)
	if err != nil {
		var hints []string
		if len(strings.TrimSpace(string(body))) == 0 {
			hints = append(hints, "the body is empty: give the file, or pipe it in")
		}
		if isFormEncoded(body) {
			hints = append(hints, "the body looks form-encoded (Encrypt=…): the capture is not what WeCom sent")
		}
		return callbackFailure(f, err, append(hints, receiveIDHint(err, seen, cf.receiveID)...))
	}
	if f.json {
		return printJSON(e.stdout, map[string]any{"ok": true, "plaintext": string(plain), "receive_id": rid})
	}
	fmt.Fprintf(e.stdout, "ok: the signature matches and the message decrypts\nreceive id: %s\nplaintext:\n%s\n", quoteEmpty(rid), plain)
	return nil
}

func runEncrypt(e *env, args []string) error {
	f := newFlags(e, "callback encrypt", "wecomkit callback encrypt --token T --aes-key K --receive-id ID [flags] [FILE|-]",
		`Encrypts a plaintext message (from FILE, or stdin) into the envelope of
doc 91144 and prints it on stdout, with the msg_signature, timestamp and
nonce on stderr: the query string to POST it with to your own callback
URL, or the encrypted passive reply your server should produce. --random
fixes the 16 random bytes to reproduce a captured message.`,
		`echo '<xml><Content><![CDATA[hello]]></Content></xml>' | \
    wecomkit callback encrypt --token QDG6eK --aes-key "$WECOMKIT_AES_KEY" --receive-id wx5823bf96d3bd56c7`)
	var cf cryptoFlags
	var timestamp, nonce, format, random string
	cf.define(f)
	f.StringVar(&timestamp, "timestamp", "", "timestamp (default: now)")
	f.StringVar(&nonce, "nonce", "", "nonce (default: 10 random digits)")
	f.StringVar(&format, "format", "xml", "envelope: xml, or json for smart-bot style callbacks")
	f.StringVar(&random, "random", "", "the 16 characters that prefix the plaintext (default: random)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 1:
		return usagef("one message file expected, got %d arguments", len(pos))
	case format != "xml" && format != "json":
		return usagef("--format must be xml or json, not %q", format)
	case random != "" && len(random) != 16:
		return usagef("--random must be exactly 16 bytes, got %d", len(random))
	}
	if err := cf.check(); err != nil {
		return err
	}
	name := "-"
	if len(pos) == 1 {
		name = pos[0]
	}
	msg, err := readInput(e, name)
	if err != nil {
		return f.fail(err.Error(), nil)
	}
	if timestamp == "" {
		timestamp = strconv.FormatInt(e.now().Unix(), 10)
	}
	if nonce == "" {
		if nonce, err = randomString(e, 10, "0123456789"); err != nil {
			return err
		}
	}
	var opts []crypto.Option
	if random != "" {
		opts = append(opts, crypto.WithRandom(strings.NewReader(random)))
	} else {
		opts = append(opts, crypto.WithRandom(e.random))
	}
	var seen string
	mc, err := cf.msgCrypt(&seen, opts...)
	if err != nil {
		return callbackFailure(f, err, nil)
	}
	var env []byte
	var parsed struct {
		Encrypt      string `xml:"Encrypt" json:"encrypt"`
		MsgSignature string `xml:"MsgSignature" json:"msgsignature"`
	}
	if format == "json" {
		env, err = mc.EncryptMsgJSON(msg, timestamp, nonce)
		if err == nil {
			err = json.Unmarshal(env, &parsed)
		}
	} else {
		env, err = mc.EncryptMsg(msg, timestamp, nonce)
		if err == nil {
			err = xml.Unmarshal(env, &parsed)
		}
	}
	if err != nil {
		return callbackFailure(f, err, nil)
	}
	query := "msg_signature=" + parsed.MsgSignature + "&timestamp=" + url.QueryEscape(timestamp) + "&nonce=" + url.QueryEscape(nonce)
	if f.json {
		return printJSON(e.stdout, map[string]any{"ok": true, "envelope": string(env), "encrypt": parsed.Encrypt,
			"msg_signature": parsed.MsgSignature, "timestamp": timestamp, "nonce": nonce, "query": query})
	}
	fmt.Fprintf(e.stdout, "%s\n", env)
	fmt.Fprintf(e.stderr, "query: %s\n", query)
	return nil
}

// callbackFailure prints a crypto error with the official code, its
// meaning, usual causes and the hints found.
func callbackFailure(f *flags, err error, hints []string) error {
	var ce *crypto.Error
	var info crypto.CodeInfo
	known := false
	if errors.As(err, &ce) {
		info, known = crypto.DescribeCode(ce.Code)
	}
	if f.json {
		out := map[string]any{}
		if known {
			out["code"], out["name"], out["meaning"], out["causes"] = info.Code, info.Name, info.Meaning, info.Causes
		}
		if len(hints) > 0 {
			out["hints"] = hints
		}
		return f.fail(err.Error(), out)
	}
	w := f.e.stderr
	fmt.Fprintf(w, "error: %v\n", err)
	if known {
		fmt.Fprintf(w, "meaning: %s\nusual causes:\n", info.Meaning)
		for _, c := range info.Causes {
			fmt.Fprintf(w, "  - %s\n", c)
		}
	}
	for _, h := range hints {
		fmt.Fprintf(w, "hint: %s\n", h)
	}
	return errReported
}

// receiveIDHint names the receive id a message carried when it was not
// the expected one.
func receiveIDHint(err error, seen, want string) []string {
	if !errors.Is(err, crypto.ErrInvalidReceiveID) {
		return nil
	}
	return []string{fmt.Sprintf("the message carries receive id %s, not %s: pass --receive-id %s if that is the app's corp or suite id", quoteEmpty(seen), quoteEmpty(want), shellQuote(seen))}
}

func quoteEmpty(s string) string {
	if s == "" {
		return `"" (empty)`
	}
	return s
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	return s
}

func looksPercentEncoded(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			return true
		}
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isFormEncoded(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return strings.HasPrefix(strings.ToLower(s), "encrypt=") || strings.Contains(s, "&Encrypt=")
}

// readInput reads a file, or stdin for "-", up to maxBody bytes.
func readInput(e *env, name string) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading the input: %w", err)
		}
		defer file.Close()
		r = file
	}
	data, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the input: %w", err)
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("the input is larger than %d bytes", maxBody)
	}
	return data, nil
}
