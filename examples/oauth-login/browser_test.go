package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// chromiumPath finds Debian's chromium. Without it the browser test is
// skipped, except in CI (CI=true), where .ci/run installs it and its
// absence is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium); CI=true makes this a failure")
	}
	t.Skip("chromium is not installed (apt-get install chromium): skipping the browser test")
	return ""
}

// browserProfile returns a fresh, empty Chromium profile directory. It is
// not a t.TempDir: Chromium's helper processes may still write into it for
// a moment after the browser exits, which makes TempDir's strict cleanup
// fail the test; this one retries for a while and only logs if it cannot.
func browserProfile(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "wecomkit-chromium-")
	require.NoError(t, err)
	t.Cleanup(func() {
		var err error
		for i := 0; i < 50; i++ {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("could not remove the browser profile %s: %v", dir, err)
	})
	return dir
}

// screenshotDirEnv names the directory where TestBrowser keeps its
// screenshots (PNG); unset, they go to the test's temporary directory and
// are removed with it.
const screenshotDirEnv = "OAUTH_LOGIN_SCREENSHOT_DIR"

// screenshotDir returns where TestBrowser writes its screenshots, creating
// the directory $OAUTH_LOGIN_SCREENSHOT_DIR names.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(screenshotDirEnv)
	if dir == "" {
		return t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755), "%s", screenshotDirEnv)
	return dir
}

func TestScreenshotDir(t *testing.T) {
	kept := filepath.Join(t.TempDir(), "shots", "oauth-login")
	t.Setenv(screenshotDirEnv, kept)
	require.Equal(t, kept, screenshotDir(t))
	info, err := os.Stat(kept)
	require.NoError(t, err)
	require.True(t, info.IsDir())
	t.Setenv(screenshotDirEnv, "")
	require.NotEqual(t, kept, screenshotDir(t))
}

// TestBrowser clicks through both flows of `oauth-login -demo` in a real
// headless Chromium: the fake WeCom's member picker, the callback, the
// member page; and checks that the OAuth2 page refuses a link without
// #wechat_redirect. Screenshots (PNG) of the member pages are saved in
// $OAUTH_LOGIN_SCREENSHOT_DIR when set, else in the test's temporary
// directory.
func TestBrowser(t *testing.T) {
	exe := chromiumPath(t)
	d := startDemoServer(t, nil)
	shots := screenshotDir(t)
	profile := browserProfile(t)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		// Without these Chromium stalls on a closed network.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(900, 900),
	)
	defer cancelAlloc()
	// chromedp v0.13's protocol types predate some of this Chromium's
	// enum values (IPAddressSpace "Loopback"); those events are not used
	// here, so their decoding errors are left out of the log.
	errorf := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Logf("chromedp: %s", msg)
		}
	}
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf), chromedp.WithErrorf(errorf))
	defer cancel()
	ctx, cancelAll := context.WithTimeout(ctx, 45*time.Second)
	defer cancelAll()
	// The browser lives as long as the context of the first Run: start it
	// on ctx, not on a step's shorter one.
	require.NoError(t, chromedp.Run(ctx), "start %s", exe)

	// step runs actions with a deadline of their own, so that a hang
	// names the step instead of eating the whole budget.
	step := func(name string, timeout time.Duration, actions ...chromedp.Action) {
		t.Helper()
		sctx, scancel := context.WithTimeout(ctx, timeout)
		defer scancel()
		require.NoError(t, chromedp.Run(sctx, actions...), "step %q", name)
	}
	screenshot := func(name string) {
		t.Helper()
		var shot []byte
		// Quality 100 is PNG; below, Chromium answers JPEG.
		step("screenshot "+name, 10*time.Second, chromedp.FullScreenshot(&shot, 100))
		cfg, err := png.DecodeConfig(bytes.NewReader(shot))
		require.NoError(t, err, "%s is a PNG", name)
		require.Positive(t, cfg.Width)
		path := filepath.Join(shots, name)
		require.NoError(t, os.WriteFile(path, shot, 0o644))
		t.Logf("screenshot: %s", path)
	}
	member := func(wantUserID, wantName string) map[string]string {
		t.Helper()
		got := map[string]string{}
		var name, userid, dept, mobile, email, via, loc string
		step("member page", 10*time.Second,
			chromedp.WaitVisible(`#userid`, chromedp.ByQuery),
			chromedp.Text(`#name`, &name, chromedp.ByQuery),
			chromedp.Text(`#userid`, &userid, chromedp.ByQuery),
			chromedp.Text(`#department`, &dept, chromedp.ByQuery),
			chromedp.Text(`#mobile`, &mobile, chromedp.ByQuery),
			chromedp.Text(`#email`, &email, chromedp.ByQuery),
			chromedp.Text(`#via`, &via, chromedp.ByQuery),
			chromedp.Location(&loc),
		)
		require.Equal(t, d.base+"/me", loc)
		require.Equal(t, wantName, name)
		require.Equal(t, wantUserID, userid)
		got["department"], got["mobile"], got["email"], got["via"] = dept, mobile, email, via
		return got
	}

	// The OAuth2 page's script refuses a link that lost #wechat_redirect.
	var link string
	step("H5 entry", 10*time.Second,
		chromedp.Navigate(d.base+"/"),
		chromedp.WaitVisible(`#picker button[data-userid="zhangsan"]`, chromedp.ByQuery),
		chromedp.Location(&link),
	)
	require.True(t, strings.HasSuffix(link, "#wechat_redirect"), link)
	step("link without #wechat_redirect", 10*time.Second,
		chromedp.Navigate(strings.TrimSuffix(link, "#wechat_redirect")),
		chromedp.WaitVisible(`#hash-error`, chromedp.ByQuery),
		chromedp.WaitNotVisible(`#picker`, chromedp.ByQuery),
	)

	// H5: / → WeCom's OAuth2 page (the fake) → pick 张三 → callback → /me.
	step("H5: pick 张三", 15*time.Second,
		chromedp.Navigate(d.base+"/"),
		chromedp.WaitVisible(`#picker button[data-userid="zhangsan"]`, chromedp.ByQuery),
		chromedp.Click(`#picker button[data-userid="zhangsan"]`, chromedp.ByQuery),
	)
	got := member("zhangsan", "张三")
	require.Equal(t, "Demo Co., R&D", got["department"])
	require.Equal(t, "13800000001", got["mobile"])
	require.Equal(t, "zhangsan@example.com", got["email"])
	require.Equal(t, "WeCom client (H5)", got["via"])
	screenshot("h5-me.png")

	step("logout", 10*time.Second,
		chromedp.Click(`#logout`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[text()="Signed out"]`),
	)

	// PC: /login → the web login link → pick 李四 → callback → /me.
	step("PC: pick 李四", 15*time.Second,
		chromedp.Navigate(d.base+"/login"),
		chromedp.Click(`#weblogin`, chromedp.ByQuery),
		chromedp.WaitVisible(`#picker button[data-userid="lisi"]`, chromedp.ByQuery),
		chromedp.Click(`#picker button[data-userid="lisi"]`, chromedp.ByQuery),
	)
	got = member("lisi", "李四")
	require.Equal(t, "R&D", got["department"])
	require.Equal(t, "web login (QR code)", got["via"])
	screenshot("pc-me.png")
}
