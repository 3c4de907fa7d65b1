package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The demo's suite, provider and corporations. Their secrets are drawn at
// start; the callback Token and EncodingAESKey are printed (so that pushes
// can be crafted with wecomkit callback encrypt), and the demo listens on
// loopback.
const (
	demoSuiteID    = "wwdemosuite00001"
	demoProviderID = "wwdemoprovider01"
	demoQRCorp     = "wwdemoqrcorp0001" // installs by QR code (create_auth push)
	demoWebCorp    = "wwdemowebcorp001" // installs from the website (/install)
	demoPageURL    = "https://app.example.com/page?from=wecom"
	demoWait       = 10 * time.Second
	demoTickEvery  = time.Minute // PushDueSuiteTickets pushes when 10 minutes have passed
)

// demoEnv is an in-process fake WeCom with the demo's suite and provider,
// and a temporary directory for the bbolt file.
type demoEnv struct {
	srv      *wecomtest.Server
	suite    wecomtest.Suite
	provider string // the provider secret
	dir      string

	stopOnce sync.Once
	ticking  bool // tick runs; set and read by the goroutine running start
	stop     chan struct{}
	done     chan struct{}
}

func startDemo() (*demoEnv, error) {
	dir, err := os.MkdirTemp("", "suite-server-demo-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	d := &demoEnv{
		suite: wecomtest.Suite{
			ID: demoSuiteID, Secret: "demo-suite-secret-" + randomHex(8), Token: "demotoken" + randomHex(4),
			EncodingAESKey: base64.RawStdEncoding.EncodeToString(key), Name: "Demo suite",
		},
		provider: "demo-provider-secret-" + randomHex(8),
		dir:      dir,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	d.srv = wecomtest.NewServer(wecomtest.WithSuite(d.suite), wecomtest.WithProvider(demoProviderID, d.provider))
	d.srv.SetInstallCorp(demoSuiteID, demoWebCorp)
	return d, nil
}

// Close stops the ticket pushes and the fake WeCom and removes the
// temporary directory.
func (d *demoEnv) Close() {
	d.stopTicker()
	d.srv.Close()
	_ = os.RemoveAll(d.dir)
}

// configure points cfg at the fake WeCom. The listen address and REDIS_URL
// stay as configured; without REDIS_URL the store is a bbolt file in the
// temporary directory, gone when the demo stops.
func (d *demoEnv) configure(cfg config) config {
	cfg.SuiteID = d.suite.ID
	cfg.SuiteSecret = wecom.Secret(d.suite.Secret)
	cfg.Token = wecom.Secret(d.suite.Token)
	cfg.EncodingAESKey = wecom.Secret(d.suite.EncodingAESKey)
	cfg.ProviderCorpID = demoProviderID
	cfg.ProviderSecret = wecom.Secret(d.provider)
	cfg.BaseURL = d.srv.URL
	cfg.OpenBaseURL = d.srv.URL
	cfg.DataFile = filepath.Join(d.dir, "suite.db")
	return cfg
}

// run drives a complete install against the server at base, printing each
// step to out: the command URL set, a suite_ticket pushed, a QR install
// (create_auth pushed, the permanent code exchanged after the answer),
// then the commands to try. flush writes out the log first, so that the
// steps are not interleaved with it. From then on a ticket is pushed
// every 10 minutes, as WeCom does.
func (d *demoEnv) run(ctx context.Context, a *app, base string, out io.Writer, flush func()) error {
	step := func(format string, args ...any) {
		flush()
		fmt.Fprintf(out, format+"\n", args...)
	}
	step("\nsuite-server demo — a fake WeCom runs in-process at %s; nothing reaches the real WeCom.", d.srv.URL)
	d.srv.SetCommandURL(demoSuiteID, base+"/callback/command")
	step("1. WeCom's command callback URL for suite %s is %s/callback/command", demoSuiteID, base)
	if _, err := d.srv.PushSuiteTicket(ctx, demoSuiteID); err != nil {
		return fmt.Errorf("push suite_ticket: %w", err)
	}
	step("2. WeCom pushed a suite_ticket; the server stored it and answered \"success\" (one follows every 10 minutes)")
	if _, err := d.srv.InstallQR(ctx, demoSuiteID, demoQRCorp, "demo"); err != nil {
		return fmt.Errorf("QR install: %w", err)
	}
	step("3. An admin of %s scanned the install QR code: WeCom pushed create_auth, the server recorded it and answered \"success\"", demoQRCorp)
	au, err := d.waitAuthorized(ctx, a.suite, demoQRCorp)
	if err != nil {
		return err
	}
	step("4. After the answer a worker exchanged the auth code (get_permanent_code, get_auth_info): %q is authorized, agentid %d; its permanent code is stored",
		au.CorpName, au.AgentID())
	d.ticking = true
	go d.tick()

	q := url.Values{"corpid": {demoQRCorp}, "url": {demoPageURL}}
	step("\nTry it:\n")
	step("# wx.config and wx.agentConfig for a page of %s", demoQRCorp)
	step("curl '%s/sign?%s'", base, q.Encode())
	step("# a website install: open this in a browser; the fake WeCom's install page agrees at once for %s and redirects back to /install/callback", demoWebCorp)
	step("%s/install", base)
	step("# then sign for that corporation too")
	step("curl '%s/sign?%s'", base, url.Values{"corpid": {demoWebCorp}, "url": {demoPageURL}}.Encode())
	step("# who opened the app's OAuth link (a member of %s; the code works once, for 5 minutes)", demoQRCorp)
	step("curl '%s/oauth/callback?%s'", base, url.Values{"code": {d.srv.NewCode3rd(demoSuiteID, demoQRCorp, "zhangsan")}}.Encode())
	step("# who logged in to the provider's website (the code works once, for 10 minutes)")
	step("curl '%s/provider/login?%s'", base, url.Values{"auth_code": {d.srv.NewLoginCode(demoQRCorp, "zhangsan")}}.Encode())
	step("# your own pushes: the demo's callback settings (a demo's, printed on purpose: real ones are secrets)")
	step("#   Token:          %s", d.suite.Token)
	step("#   EncodingAESKey: %s", d.suite.EncodingAESKey)
	step("#   receive id:     %s for /callback/command, an authorized corp id (%s) for /callback/data", demoSuiteID, demoQRCorp)
	step("# encrypt one (the envelope on stdout, the msg_signature, timestamp and nonce to POST it with on stderr):")
	step("echo '<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><AgentID>1</AgentID></xml>' | \\\n    wecomkit callback encrypt --token %s --aes-key %s --receive-id %s",
		demoQRCorp, d.suite.Token, d.suite.EncodingAESKey, demoQRCorp)
	step("# then: curl --data-binary @envelope.xml '%s/callback/data?msg_signature=…&timestamp=…&nonce=…'", base)
	step("# readiness (the suite_ticket's age), metrics")
	step("curl '%s/readyz'\ncurl '%s/metrics'\n", base, base)
	return nil
}

// waitAuthorized polls until the push's exchange stored corpID's
// authorization.
func (d *demoEnv) waitAuthorized(ctx context.Context, s *suite.Suite, corpID string) (*suite.Authorization, error) {
	deadline := time.Now().Add(demoWait)
	for {
		au, err := s.AuthInfo(ctx, corpID)
		if err == nil {
			return au, nil
		}
		if !errors.Is(err, suite.ErrNotAuthorized) || time.Now().After(deadline) {
			return nil, fmt.Errorf("waiting for %s's authorization: %w", corpID, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// tick pushes a suite_ticket whenever ten minutes have passed since the
// last one, until stopTicker.
func (d *demoEnv) tick() {
	defer close(d.done)
	t := time.NewTicker(demoTickEvery)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), demoWait)
			_ = d.srv.PushDueSuiteTickets(ctx)
			cancel()
		}
	}
}

// stopTicker stops the ticket pushes and waits for one in progress.
func (d *demoEnv) stopTicker() {
	d.stopOnce.Do(func() {
		close(d.stop)
		if d.ticking {
			<-d.done
		}
	})
}
