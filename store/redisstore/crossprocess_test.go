package redisstore_test

// Cross-process tests: the test binary runs itself as child processes
// (TestHelperProcess), each a wecom.Client on the same Redis and the same
// fake WeCom, so that the lock is exercised between real OS processes, not
// goroutines.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	helperEnv   = "WECOMKIT_REDISSTORE_HELPER"
	corpID      = "ww-crossprocess"
	agentID     = 1000002
	appSecret   = "cross-process-secret"
	gettokenAPI = "/cgi-bin/gettoken"
)

// childResult is what a child reports on its last stdout line.
type childResult struct {
	Tokens map[string]int `json:"tokens"`
	Errors []string       `json:"errors"`
	MaxMS  int64          `json:"max_ms"`
}

// TestHelperProcess is not a test: it is the body of a child process. It
// builds a client, says "ready", waits for "go" on stdin, has its
// goroutines call AccessToken at once, and prints "result {json}". It
// prints "gettoken" whenever it sends a gettoken request, so the parent
// knows which process holds the lock.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for the cross-process tests")
	}
	os.Exit(helperMain())
}

// stdout serialises the child's output lines.
var stdout = struct {
	sync.Mutex
	w io.Writer
}{w: os.Stdout}

func say(format string, args ...any) {
	stdout.Lock()
	defer stdout.Unlock()
	fmt.Fprintf(stdout.w, format+"\n", args...)
}

type announcingTransport struct{ next http.RoundTripper }

func (a announcingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == gettokenAPI {
		say("gettoken")
	}
	return a.next.RoundTrip(r)
}

func helperMain() int {
	goroutines, _ := strconv.Atoi(os.Getenv("HELPER_GOROUTINES"))
	fetchTimeout, _ := time.ParseDuration(os.Getenv("HELPER_FETCH_TIMEOUT"))
	s, closeStore, err := helperStore()
	if err != nil {
		say("fatal %v", err)
		return 2
	}
	defer closeStore()
	client, err := wecom.New(corpID, appSecret,
		wecom.WithAgentID(agentID),
		wecom.WithBaseURL(os.Getenv("HELPER_WECOM_URL")),
		wecom.WithHTTPClient(&http.Client{Transport: announcingTransport{http.DefaultTransport}}),
		wecom.WithStore(s),
		wecom.WithTokenOptions(wecom.WithFetchTimeout(fetchTimeout)),
	)
	if err != nil {
		say("fatal %v", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err != nil {
		say("fatal %v", err)
		return 2
	}
	say("ready")
	if line, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil || strings.TrimSpace(line) != "go" {
		say("fatal no go: %q %v", line, err)
		return 2
	}

	var (
		mu  sync.Mutex
		res = childResult{Tokens: map[string]int{}}
		wg  sync.WaitGroup
	)
	start := make(chan struct{})
	for i := 0; i < goroutines; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			t0 := time.Now()
			tok, err := client.AccessToken(ctx)
			ms := time.Since(t0).Milliseconds()
			mu.Lock()
			defer mu.Unlock()
			res.MaxMS = max(res.MaxMS, ms)
			if err != nil {
				res.Errors = append(res.Errors, err.Error())
				return
			}
			res.Tokens[tok]++
		}()
	}
	close(start)
	wg.Wait()
	b, _ := json.Marshal(res)
	say("result %s", b)
	return 0
}

// helperStore opens the child's store: on the Redis Cluster reached through the
// comma-separated addresses in HELPER_REDIS_CLUSTER if set, else on
// HELPER_REDIS_URL.
func helperStore() (*redisstore.Store, func(), error) {
	opts := []redisstore.Option{
		redisstore.WithPrefix(os.Getenv("HELPER_PREFIX")),
		redisstore.WithLockPoll(5*time.Millisecond, 50*time.Millisecond),
	}
	if addrs := os.Getenv("HELPER_REDIS_CLUSTER"); addrs != "" {
		cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ","), ContextTimeoutEnabled: true})
		return redisstore.New(cc, opts...), func() { _ = cc.Close() }, nil
	}
	s, err := redisstore.FromURL(os.Getenv("HELPER_REDIS_URL"), opts...)
	if err != nil {
		return nil, nil, err
	}
	return s, func() { _ = s.Close() }, nil
}

// child is one helper process seen from the parent.
type child struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	lines   chan string   // stdout line by line, but for "gettoken"; closed at EOF
	fetched chan struct{} // closed when the child first says "gettoken"
}

func startChildren(t *testing.T, n int, env ...string) []*child {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	children := make([]*child, n)
	for i := range children {
		cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), append([]string{helperEnv + "=1"}, env...)...)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		c := &child{cmd: cmd, stdin: stdin, lines: make(chan string, 16), fetched: make(chan struct{})}
		children[i] = c
		t.Cleanup(func() {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		})
		go func() {
			defer close(c.lines)
			sc := bufio.NewScanner(out)
			var once sync.Once
			for sc.Scan() {
				if sc.Text() == "gettoken" {
					once.Do(func() { close(c.fetched) })
					continue
				}
				c.lines <- sc.Text()
			}
		}()
	}
	return children
}

// next returns c's next output line, failing the test after timeout.
func (c *child) next(t *testing.T, timeout time.Duration) string {
	t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			t.Fatalf("child %d exited without a result", c.cmd.Process.Pid)
		}
		if strings.HasPrefix(line, "fatal ") {
			t.Fatalf("child %d: %s", c.cmd.Process.Pid, line)
		}
		return line
	case <-time.After(timeout):
		t.Fatalf("child %d: no output within %v", c.cmd.Process.Pid, timeout)
		return ""
	}
}

// result waits for the child's result and its exit.
func (c *child) result(t *testing.T, timeout time.Duration) childResult {
	t.Helper()
	line := c.next(t, timeout)
	js, ok := strings.CutPrefix(line, "result ")
	require.True(t, ok, "unexpected line %q", line)
	var r childResult
	require.NoError(t, json.Unmarshal([]byte(js), &r))
	require.NoError(t, c.cmd.Wait())
	return r
}

// readyAndGo waits until every child is ready, then releases them all.
func readyAndGo(t *testing.T, children []*child) {
	t.Helper()
	for _, c := range children {
		require.Equal(t, "ready", c.next(t, 30*time.Second))
	}
	for _, c := range children {
		_, err := io.WriteString(c.stdin, "go\n")
		require.NoError(t, err)
	}
}

// firstFetcher returns the first child to send a gettoken request, or nil
// if none does within timeout.
func firstFetcher(children []*child, timeout time.Duration) *child {
	found := make(chan *child, len(children))
	done := make(chan struct{})
	defer close(done)
	for _, c := range children {
		go func(c *child) {
			select {
			case <-c.fetched:
				found <- c
			case <-done:
			}
		}(c)
	}
	select {
	case c := <-found:
		return c
	case <-time.After(timeout):
		return nil
	}
}

func requireNoErrors(t *testing.T, r childResult) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("%d calls failed, the first with: %s", len(r.Errors), r.Errors[0])
	}
}

func skipInShort(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
}

func newFakeWeCom(t *testing.T) *wecomtest.Server {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: appSecret}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCrossProcessStampede(t *testing.T) {
	// 4 processes × 250 goroutines on a cold shared cache: one gettoken.
	skipInShort(t)
	testCrossProcessStampede(t, "stampede:", "HELPER_REDIS_URL="+redistest.Start(t).URL())
}

func TestCrossProcessStampedeCluster(t *testing.T) {
	// The same on a Redis Cluster: the token and its lock live on
	// different masters.
	skipInShort(t)
	c := redistest.StartCluster(t, 3, 0)
	cc := c.Client(nil)
	const prefix = "cluster-stampede:"
	key := prefix + "access_token:" + corpID + ":" + strconv.Itoa(agentID)
	tokenAt, err := cc.MasterForKey(context.Background(), key)
	require.NoError(t, err)
	lockAt, err := cc.MasterForKey(context.Background(), key+":lock")
	require.NoError(t, err)
	require.NotEqual(t, tokenAt.Options().Addr, lockAt.Options().Addr, "token and lock on one master")
	testCrossProcessStampede(t, prefix, "HELPER_REDIS_CLUSTER="+strings.Join(c.Addrs(), ","))
}

// testCrossProcessStampede runs the stampede on the Redis that redisEnv
// (HELPER_REDIS_URL=… or HELPER_REDIS_CLUSTER=…) names, under prefix.
func testCrossProcessStampede(t *testing.T, prefix, redisEnv string) {
	const procs, goroutines = 4, 250
	wc := newFakeWeCom(t)
	children := startChildren(t, procs,
		redisEnv,
		"HELPER_WECOM_URL="+wc.URL,
		"HELPER_PREFIX="+prefix,
		"HELPER_GOROUTINES="+strconv.Itoa(goroutines),
		"HELPER_FETCH_TIMEOUT=10s",
	)
	readyAndGo(t, children)

	tokens := map[string]int{}
	for _, c := range children {
		r := c.result(t, 30*time.Second)
		requireNoErrors(t, r)
		for tok, n := range r.Tokens {
			tokens[tok] += n
		}
	}
	require.Len(t, tokens, 1, "processes got different tokens: %v", tokens)
	for tok, n := range tokens {
		require.Equal(t, procs*goroutines, n)
		require.Contains(t, wc.Tokens(corpID, agentID), tok, "not a token the server issued")
	}
	require.Equal(t, 1, wc.Calls(gettokenAPI), "gettoken calls")
}

func TestCrossProcessLockHolderKilled(t *testing.T) {
	// The process holding the lock is killed in the middle of its
	// gettoken: its lock expires after the lock TTL (= fetch timeout) and
	// exactly one other process fetches; nobody waits much longer.
	skipInShort(t)
	const procs, goroutines = 4, 250
	const lockTTL = 2 * time.Second
	rds := redistest.Start(t)
	wc := newFakeWeCom(t)
	wc.Inject(gettokenAPI, 1, wecomtest.Fault{Latency: time.Minute}) // the first gettoken hangs
	children := startChildren(t, procs,
		"HELPER_REDIS_URL="+rds.URL(),
		"HELPER_WECOM_URL="+wc.URL,
		"HELPER_PREFIX=killed:",
		"HELPER_GOROUTINES="+strconv.Itoa(goroutines),
		"HELPER_FETCH_TIMEOUT="+lockTTL.String(),
	)
	readyAndGo(t, children)

	holder := firstFetcher(children, 10*time.Second) // it holds the lock
	require.NotNil(t, holder, "no process fetched a token")
	require.Eventually(t, func() bool { return wc.Calls(gettokenAPI) == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, holder.cmd.Process.Kill())
	_ = holder.cmd.Wait()

	tokens := map[string]int{}
	for _, c := range children {
		if c == holder {
			continue
		}
		r := c.result(t, 30*time.Second)
		requireNoErrors(t, r)
		require.LessOrEqual(t, r.MaxMS, (lockTTL + time.Second).Milliseconds(), "a process waited longer than the lock TTL + 1 s")
		for tok, n := range r.Tokens {
			tokens[tok] += n
		}
	}
	require.Len(t, tokens, 1, "processes got different tokens: %v", tokens)
	require.Equal(t, 2, wc.Calls(gettokenAPI), "gettoken calls: the killed holder's and one more")
}
