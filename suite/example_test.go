package suite_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// exampleSuite starts a fake WeCom with one suite, and a Suite whose command
// callback it pushes to; a real server configures the URL in the provider
// admin console instead.
func exampleSuite(dir string) (*wecomtest.Server, *suite.Suite, func()) {
	fake := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{
		ID: "wwexamplesuite01", Secret: "suite-secret", Token: "token", EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
	}))
	st, err := boltstore.Open(filepath.Join(dir, "suite.db")) // durable: permanent codes survive restarts
	if err != nil {
		log.Fatal(err)
	}
	s, err := suite.New(suite.Config{SuiteID: "wwexamplesuite01", SuiteSecret: "suite-secret", Token: "token",
		EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"},
		suite.WithStore(st), suite.WithBaseURL(fake.URL), suite.WithOpenBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	cb := httptest.NewServer(s.CommandHandler())
	fake.SetCommandURL("wwexamplesuite01", cb.URL)
	return fake, s, func() { cb.Close(); _ = s.Close(); _ = st.Close(); fake.Close() }
}

// The command callback stores the suite_ticket WeCom pushes every ten
// minutes; with it the suite can get its token.
func ExampleSuite_CommandHandler() {
	dir, _ := os.MkdirTemp("", "suite-example")
	defer os.RemoveAll(dir)
	fake, s, done := exampleSuite(dir)
	defer done()
	ctx := context.Background()

	_, err := s.SuiteToken(ctx)
	fmt.Println(err != nil) // no ticket yet
	if _, err := fake.PushSuiteTicket(ctx, "wwexamplesuite01"); err != nil {
		log.Fatal(err)
	}
	tok, err := s.SuiteToken(ctx)
	fmt.Println(tok != "", err)
	// Output:
	// true
	// true <nil>
}

// An install from the provider's website: a link to WeCom's install page,
// then the auth code on the redirect, exchanged for the permanent code.
func ExampleSuite_InstallURL() {
	dir, _ := os.MkdirTemp("", "suite-example")
	defer os.RemoveAll(dir)
	fake, s, done := exampleSuite(dir)
	defer done()
	ctx := context.Background()
	_, _ = fake.PushSuiteTicket(ctx, "wwexamplesuite01")
	fake.SetInstallCorp("wwexamplesuite01", "wwcustomercorp01")

	link, err := s.InstallURL(ctx, "https://provider.example.com/install/callback", "abc123")
	if err != nil {
		log.Fatal(err)
	}
	// The administrator opens link and confirms; WeCom redirects back.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(link)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))

	// The handler of /install/callback:
	a, err := s.Authorize(ctx, back.Query().Get("auth_code"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.CorpID, back.Query().Get("state"), len(a.Agents))
	// Output:
	// wwcustomercorp01 abc123 1
}

// Corp gives a client for an authorized corporation, on which jssdk (and
// oauth, contact, message) work as for a self-built app.
func ExampleSuite_Corp() {
	dir, _ := os.MkdirTemp("", "suite-example")
	defer os.RemoveAll(dir)
	fake, s, done := exampleSuite(dir)
	defer done()
	ctx := context.Background()
	_, _ = fake.PushSuiteTicket(ctx, "wwexamplesuite01")
	if _, err := fake.InstallQR(ctx, "wwexamplesuite01", "wwcustomercorp01", "qr"); err != nil { // a create_auth push
		log.Fatal(err)
	}
	for n, _ := s.Pending(ctx); n > 0; n, _ = s.Pending(ctx) {
		time.Sleep(time.Millisecond) // the push was answered at once; the exchange runs just after
	}

	corp, err := s.Corp(ctx, "wwcustomercorp01")
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := jssdk.New(corp).Config(ctx, "https://app.example.com/page")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(corp.CorpID(), cfg.AppID, len(cfg.Signature))
	_, err = s.Corp(ctx, "wwsomeoneelse001")
	fmt.Println(err)
	// Output:
	// wwcustomercorp01 wwcustomercorp01 40
	// suite: corporation has not authorized the app: wwsomeoneelse001
}

// Converting a customer's plain userids into the open_userids the app sees,
// and the customer's corp id into the provider's form.
func ExampleSuite_OpenUserIDs() {
	dir, _ := os.MkdirTemp("", "suite-example")
	defer os.RemoveAll(dir)
	fake, s, done := exampleSuite(dir)
	defer done()
	ctx := context.Background()
	_, _ = fake.PushSuiteTicket(ctx, "wwexamplesuite01")
	if _, err := s.Authorize(ctx, fake.NewAuthCode("wwexamplesuite01", "wwcustomercorp01", "")); err != nil {
		log.Fatal(err)
	}
	fake.AddMember("wwcustomercorp01", wecomtest.Member{UserID: "zhangsan", Name: "张三"})

	conv, err := s.OpenUserIDs(ctx, "wwcustomercorp01", []string{"zhangsan", "nosuchuser"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(conv.Converted["zhangsan"] == wecomtest.OpenUserID("wwcustomercorp01", "zhangsan"), conv.Invalid)

	fake.AddProvider("wwprovider000001", "provider-secret")
	p, err := suite.NewProvider("wwprovider000001", "provider-secret", suite.WithBaseURL(fake.URL))
	if err != nil {
		log.Fatal(err)
	}
	open, err := p.OpenCorpID(ctx, "wwcustomercorp01")
	fmt.Println(open == wecomtest.OpenCorpID("wwprovider000001", "wwcustomercorp01"), err)
	// Output:
	// true [nosuchuser]
	// true <nil>
}

// New with the hooks a provider needs first: OnAuthorized runs once a
// corporation's install is exchanged and stored, so a program can wait for
// an install on it. (WithEphemeralStore is for tests and examples: a real
// suite keeps its permanent codes in boltstore or redisstore.)
func ExampleNew() {
	fake := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{
		ID: "wwexamplesuite01", Secret: "suite-secret", Token: "token", EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
	}))
	defer fake.Close()
	installed := make(chan *suite.Authorization, 1)
	s, err := suite.New(suite.Config{SuiteID: "wwexamplesuite01", SuiteSecret: "suite-secret", Token: "token",
		EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"},
		suite.WithEphemeralStore(), suite.WithBaseURL(fake.URL),
		suite.OnAuthorized(func(_ context.Context, a *suite.Authorization) { installed <- a }))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	cb := httptest.NewServer(s.CommandHandler()) // the command callback URL (指令回调)
	defer cb.Close()
	fake.SetCommandURL("wwexamplesuite01", cb.URL)
	ctx := context.Background()

	if _, err := fake.PushSuiteTicket(ctx, "wwexamplesuite01"); err != nil {
		log.Fatal(err)
	}
	if _, err := fake.InstallQR(ctx, "wwexamplesuite01", "wwcustomercorp01", "fair2026"); err != nil {
		log.Fatal(err)
	}
	a := <-installed
	fmt.Println(a.CorpID, a.State, a.Source, len(a.Agents))
	// Output:
	// wwcustomercorp01 fair2026 qrcode 1
}
