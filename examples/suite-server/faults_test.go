package main

// The fault matrix of the push handling, with real processes: pushes
// spread over two instances on one Redis, a burst on one instance with
// its bbolt file, processes killed with SIGKILL in the middle of installs,
// and the time to answer a push while a backlog keeps the workers busy.
// Each test logs what it measured (go test -v); none asserts a duration.

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	pAuthInfo = "/cgi-bin/service/v2/get_auth_info"

	manyPushes      = 2000 // pushes of a burst
	pushConcurrency = 50   // WeCom's pushes in flight at once
	// drainDeadline bounds the wait for a backlog to be handled: generous,
	// for a race-built binary on a loaded 2-core machine.
	drainDeadline = 3 * time.Minute
)

// pushClient sends the fake WeCom's pushes, keeping connections for the
// 50 pushes in flight.
func pushClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * pushConcurrency}}
}

// waitUntil is waitFor with its own deadline.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// drain waits until nothing is pending in the store the instances at
// bases share; when it times out, it says how far each instance got.
func drain(t *testing.T, bases ...string) {
	t.Helper()
	end := time.Now().Add(drainDeadline)
	for getReadyz(t, bases[0]).Pending != 0 {
		if time.Now().After(end) {
			var b strings.Builder
			for i, base := range bases {
				fmt.Fprintf(&b, "; instance %d: jobs done %v, retried %v, dropped %v, store write errors %v", i+1,
					metric(t, base, "suite_server_jobs_done_total"), metric(t, base, "suite_server_jobs_retried_total"),
					metric(t, base, "suite_server_jobs_dropped_total"), metric(t, base, "suite_server_store_write_errors_total"))
			}
			t.Fatalf("%d jobs still pending after %v%s", getReadyz(t, bases[0]).Pending, drainDeadline, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pushResult is what pushAll saw.
type pushResult struct {
	acks       []time.Duration // each push's answered delivery, in push order
	retries    int             // deliveries not answered "success", sent again
	took       time.Duration
	unanswered []string // pushes never answered "success", with the last error
}

// pushAll sends push(i) for every i below n from conc goroutines. A
// delivery not answered "success" is sent again after a short backoff, as
// WeCom repeats it, until giveUp has passed; a push never answered then
// fails the test (pushAll may run on a goroutine of its own: the caller
// checks).
func pushAll(t *testing.T, n, conc int, giveUp time.Duration, push func(ctx context.Context, i int) error) pushResult {
	res := pushResult{acks: make([]time.Duration, n)}
	var retries atomic.Int64
	var mu sync.Mutex
	var unanswered []string
	next := make(chan int)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				end := time.Now().Add(giveUp)
				wait := 20 * time.Millisecond
				for {
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					t0 := time.Now()
					err := push(ctx, i)
					d := time.Since(t0)
					cancel()
					if err == nil {
						res.acks[i] = d
						break
					}
					if time.Now().After(end) {
						mu.Lock()
						unanswered = append(unanswered, fmt.Sprintf("push %d: %v", i, err))
						mu.Unlock()
						break
					}
					retries.Add(1)
					time.Sleep(wait) // WeCom's backoff before it pushes again
					wait = min(2*wait, time.Second)
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	res.took = time.Since(start)
	res.retries = int(retries.Load())
	res.unanswered = unanswered
	if len(unanswered) > 0 {
		t.Errorf("%d pushes never answered success, first: %s", len(unanswered), unanswered[0])
	}
	return res
}

// percentiles formats the p50, p99 and maximum of ds.
func percentiles(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("p50 %v, p99 %v, max %v", at(0.50).Round(10*time.Microsecond),
		at(0.99).Round(10*time.Microsecond), s[len(s)-1].Round(10*time.Microsecond))
}

// alternate starts a reverse proxy that sends each request to the next of
// bases in turn — a load balancer in front of the instances — and returns
// its URL.
func alternate(t *testing.T, bases ...string) string {
	t.Helper()
	var targets []*url.URL
	for _, b := range bases {
		u, err := url.Parse(b)
		require.NoError(t, err)
		targets = append(targets, u)
	}
	var n atomic.Uint64
	hs := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(targets[(n.Add(1)-1)%uint64(len(targets))]) },
		Transport: &http.Transport{MaxIdleConnsPerHost: 2 * pushConcurrency},
		ErrorLog:  log.New(io.Discard, "", 0), // an instance that is gone: 502, and WeCom pushes again
	})
	t.Cleanup(hs.Close)
	return hs.URL
}

func userID(i int) string { return fmt.Sprintf("u%05d", i) }

var contactLine = regexp.MustCompile(`"msg":"contact change","corpid":"[^"]*","change_type":"[^"]*","userid":"([^"]*)"`)

// contactRuns counts the "contact change" lines (OnContactChange runs) by
// user id in the outputs.
func contactRuns(outs ...string) map[string]int {
	runs := map[string]int{}
	for _, out := range outs {
		for _, m := range contactLine.FindAllStringSubmatch(out, -1) {
			runs[m[1]]++
		}
	}
	return runs
}

// requireOncePerPush checks that OnContactChange ran once for each of the
// n pushes, none twice, none missing.
func requireOncePerPush(t *testing.T, n int, runs map[string]int) {
	t.Helper()
	var twice, missing []string
	for i := range n {
		switch c := runs[userID(i)]; {
		case c == 0:
			missing = append(missing, userID(i))
		case c > 1:
			twice = append(twice, fmt.Sprintf("%s ×%d", userID(i), c))
		}
	}
	require.Empty(t, missing, "pushes whose hook never ran")
	require.Empty(t, twice, "pushes whose hook ran more than once")
	require.Len(t, runs, n, "hook runs for pushes never sent")
}

// metric returns the value of the sample named name (with its labels, if
// any) in base's /metrics.
func metric(t *testing.T, base, name string) float64 {
	t.Helper()
	status, body := get(t, base+"/metrics")
	require.Equal(t, http.StatusOK, status)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\S+)$`).FindStringSubmatch(body)
	require.NotNil(t, m, "no %s in /metrics", name)
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	return v
}

// Two instances share one Redis; a load balancer sends each push to one
// of them in turn. Every one of 2,000 distinct change_contact pushes, 50
// in flight at a time, runs OnContactChange exactly once across both
// processes, and the queue drains.
func TestPushesHandledOnceAcrossInstancesOnRedis(t *testing.T) {
	rs := redistest.Start(t)
	f := newE2E(t, wecomtest.WithPushClient(pushClient()))
	env := map[string]string{"REDIS_URL": rs.URL(), "SUITE_DATA": filepath.Join(t.TempDir(), "unused.db")}
	p1 := f.start(env, true)
	p2 := f.start(env, true)
	f.srv.SetCommandURL(testSuiteID, alternate(t, p1.base, p2.base)+"/callback/command")

	start := time.Now()
	res := pushAll(t, manyPushes, pushConcurrency, time.Minute, func(ctx context.Context, i int) error {
		return f.srv.PushChangeContact(ctx, testSuiteID, corpA, "update_user", userID(i))
	})
	require.Empty(t, res.unanswered)
	drain(t, p1.base, p2.base)
	drained := time.Since(start)
	done1, done2 := metric(t, p1.base, "suite_server_jobs_done_total"), metric(t, p2.base, "suite_server_jobs_done_total")
	require.Equal(t, float64(manyPushes), done1+done2, "jobs done between the instances")
	require.Zero(t, metric(t, p1.base, "suite_server_jobs_dropped_total")+metric(t, p2.base, "suite_server_jobs_dropped_total"))
	p1.stop() // every line is out once the processes stopped
	p2.stop()

	runs1, runs2 := contactRuns(p1.out.String()), contactRuns(p2.out.String())
	requireOncePerPush(t, manyPushes, contactRuns(p1.out.String(), p2.out.String()))
	t.Logf("redis, 2 instances: %d pushes answered in %v (%d deliveries repeated), all handled after %v; hooks run by instance 1: %d, instance 2: %d",
		manyPushes, res.took.Round(time.Millisecond), res.retries, drained.Round(time.Millisecond), len(runs1), len(runs2))
	t.Logf("redis, 2 instances: ack latency %s", percentiles(res.acks))
}

// One instance on its bbolt file (fsync on every commit): each of 2,000
// distinct change_contact pushes, 50 in flight, runs OnContactChange
// exactly once.
func TestPushesHandledOnceOnBolt(t *testing.T) {
	f := newE2E(t, wecomtest.WithPushClient(pushClient()))
	p := f.start(nil)
	start := time.Now()
	res := pushAll(t, manyPushes, pushConcurrency, time.Minute, func(ctx context.Context, i int) error {
		return f.srv.PushChangeContact(ctx, testSuiteID, corpA, "update_user", userID(i))
	})
	require.Empty(t, res.unanswered)
	drain(t, p.base)
	drained := time.Since(start)
	require.Equal(t, float64(manyPushes), metric(t, p.base, "suite_server_jobs_done_total"))
	p.stop()
	requireOncePerPush(t, manyPushes, contactRuns(p.out.String()))
	t.Logf("bolt: %d pushes answered in %v (%d deliveries repeated), all handled after %v",
		manyPushes, res.took.Round(time.Millisecond), res.retries, drained.Round(time.Millisecond))
	t.Logf("bolt, empty queue: ack latency %s", percentiles(res.acks))
}

// How long a push waits for its answer while 1,000 jobs are pending and
// every worker is busy with a slow WeCom (get_auth_info takes 200 ms): the
// answer only records the push (two bbolt writes, fsync on), so it does
// not wait for the backlog. Measured, logged, never asserted: a loaded CI
// machine is no place for a wall-clock bound.
func TestPushAckUnderBacklogOnBolt(t *testing.T) {
	const backlog = 1000
	f := newE2E(t, wecomtest.WithPushClient(pushClient()))
	p := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	code, err := f.srv.InstallQR(ctx, testSuiteID, corpA, "backlog")
	require.NoError(t, err)
	f.note(code)
	waitFor(t, "the install", func() bool { return getReadyz(t, p.base).Pending == 0 })

	// The backlog: change_auth pushes, each a get_auth_info call that
	// WeCom answers in 200 ms. Distinct TimeStamps make distinct pushes.
	f.srv.Inject(pAuthInfo, -1, wecomtest.Fault{Latency: 200 * time.Millisecond})
	now := time.Now().Unix()
	filled := pushAll(t, backlog, pushConcurrency, time.Minute, func(ctx context.Context, i int) error {
		return f.srv.PushRaw(ctx, testSuiteID, []byte("<xml><SuiteId><![CDATA["+testSuiteID+"]]></SuiteId><InfoType><![CDATA[change_auth]]></InfoType>"+
			"<TimeStamp>"+strconv.FormatInt(now-int64(i), 10)+"</TimeStamp><AuthCorpId><![CDATA["+corpA+"]]></AuthCorpId></xml>"))
	})
	require.Empty(t, filled.unanswered)
	before := getReadyz(t, p.base).Pending
	require.Greater(t, before, backlog/2, "the backlog is pending while the pushes are measured")

	res := pushAll(t, manyPushes, pushConcurrency, time.Minute, func(ctx context.Context, i int) error {
		return f.srv.PushChangeContact(ctx, testSuiteID, corpA, "update_user", userID(i))
	})
	require.Empty(t, res.unanswered)
	after := getReadyz(t, p.base).Pending
	t.Logf("bolt, %d jobs pending (%d after), workers busy on a 200 ms get_auth_info: %d pushes answered in %v (%d deliveries repeated); ack latency %s",
		before, after, manyPushes, res.took.Round(time.Millisecond), res.retries, percentiles(res.acks))
	f.srv.ClearFaults()
	p.stop() // the backlog stays in the file for the next start
}

// callWatch is a proxy in front of the fake WeCom that knows when calls
// of one API are in flight.
type callWatch struct {
	url      string
	inFlight atomic.Int64
	arrived  chan struct{} // a call arrived (not blocking: at most one waits)
}

func watchCalls(t *testing.T, target, path string) *callWatch {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	w := &callWatch{arrived: make(chan struct{}, 1)}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) }, ErrorLog: log.New(io.Discard, "", 0)}
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			w.inFlight.Add(1)
			defer w.inFlight.Add(-1) // after the whole answer was relayed
			select {
			case w.arrived <- struct{}{}:
			default:
			}
		}
		rp.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	w.url = hs.URL
	return w
}

// Installs while the process is killed (SIGKILL) again and again on its
// bbolt file. WeCom answers get_auth_info slowly, and each kill lands at a
// random moment of such a call: after the install's exchange (the
// permanent code is stored the moment WeCom returns it) and before its
// details and hook. WeCom pushes the create_auth of 50 corps one after
// another, and repeats each until a process answers it. After the kills a
// last process runs until nothing is pending: every corp is authorized and
// signs, no install is lost, and each corp's OnAuthorized ran at least
// once — twice at most, and only as often as kills explain.
//
// The kill points are drawn at random; the draw is logged, and
// SUITE_KILL_DRAW repeats it. No kill lands between WeCom spending an auth
// code and the suite storing its answer: that loses the install (counted
// in suite_server_lost_installs_total, logged as an ERROR; package suite's
// tests cover it).
//
// A job that a killed process was handling stays leased to it until the
// lease ends (the job queue's Timeout plus a minute: 3.5 minutes with the
// suite's defaults), even on bbolt where no other process can hold it: the
// last process finishes those installs only then, so this test waits
// that long.
func TestKilledDuringInstalls(t *testing.T) {
	const (
		corps       = 50
		kills       = 4
		authLatency = 150 * time.Millisecond
	)
	draw := time.Now().UnixNano() // the random state of this run
	if s := os.Getenv("SUITE_KILL_DRAW"); s != "" {
		var err error
		draw, err = strconv.ParseInt(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("SUITE_KILL_DRAW=%d repeats this run's kill points and the pace of its pushes", draw)
	rng := rand.New(rand.NewPCG(uint64(draw), 0))
	gaps := make([]time.Duration, corps) // between the pushes, drawn before anything runs
	for i := range gaps {
		gaps[i] = time.Duration(rng.Int64N(int64(80 * time.Millisecond)))
	}

	f := newE2E(t)
	ids, codes := make([]string, corps), make([]string, corps)
	for i := range ids {
		ids[i] = fmt.Sprintf("wwkill%011d", i)
		codes[i] = f.srv.NewAuthCode(testSuiteID, ids[i], "kill")
		f.note(codes[i])
	}
	f.corps = ids
	authInfo := watchCalls(t, f.srv.URL, pAuthInfo)
	// Unbuffered logs: the hooks' lines are the evidence counted below, and
	// a SIGKILL would take up to 100 ms of buffered lines with it.
	env := map[string]string{"WECOM_BASE_URL": authInfo.url, "LOG_FLUSH_INTERVAL": "0"}
	p := f.start(env)
	procs := []*proc{p}
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	f.srv.Inject(pAuthInfo, -1, wecomtest.Fault{Latency: authLatency})

	// WeCom pushes the create_auth pushes one by one, each again while it
	// is not answered (the process is being killed or restarted).
	pushed := make(chan pushResult, 1)
	go func() {
		pushed <- pushAll(t, corps, 1, 2*time.Minute, func(ctx context.Context, i int) error {
			time.Sleep(gaps[i])
			return f.srv.PushCreateAuth(ctx, testSuiteID, codes[i], "kill")
		})
	}()

	start := time.Now()
	var killed []string // where each kill landed
	for len(killed) < kills {
		select {
		case <-authInfo.arrived:
		case <-time.After(time.Minute):
			t.Fatal("no get_auth_info call for a minute")
		}
		into := time.Duration(rng.Int64N(int64(authLatency)))
		time.Sleep(into) // the kill point: a random moment of the slow call
		if authInfo.inFlight.Load() == 0 {
			continue // answered already (a slow test): wait for the next one
		}
		p.kill()
		killed = append(killed, fmt.Sprintf("%v into a get_auth_info call", into.Round(time.Millisecond)))
		p = f.start(env)
		procs = append(procs, p)
	}
	res := <-pushed
	require.Empty(t, res.unanswered)
	// Every code was exchanged before its process was killed, and is
	// stored: each corp is authorized at once (its details are asked for
	// when first needed).
	waitUntil(t, drainDeadline, "every corp authorized", func() bool { return metric(t, p.base, "suite_server_authorized_corps") == corps })
	waitUntil(t, 5*time.Minute, "every install to finish", func() bool { return getReadyz(t, p.base).Pending == 0 })
	drained := time.Since(start)
	f.srv.ClearFaults()
	for _, id := range ids {
		require.NotEmpty(t, f.srv.PermanentCode(testSuiteID, id), "%s: exchanged at WeCom", id)
		checkSign(t, f.srv, p.base, id)
	}
	require.Equal(t, corps, f.srv.Calls(pPermanent), "each code exchanged once")
	p.stop()

	var all strings.Builder
	for _, q := range procs {
		all.WriteString(q.out.String())
	}
	logs := all.String()
	require.NotContains(t, logs, "was spent, but its permanent code never reached the suite", "no install lost")
	require.NotContains(t, logs, "job failed for good")
	installed := regexp.MustCompile(`"msg":"app installed","corpid":"([^"]+)"`)
	runs := map[string]int{}
	for _, m := range installed.FindAllStringSubmatch(logs, -1) {
		runs[m[1]]++
	}
	again := 0
	for _, id := range ids {
		require.GreaterOrEqual(t, runs[id], 1, "%s: OnAuthorized never ran", id)
		require.LessOrEqual(t, runs[id], 2, "%s: OnAuthorized ran more than twice", id)
		again += runs[id] - 1
	}
	require.LessOrEqual(t, again, kills, "a second OnAuthorized needs a kill")
	t.Logf("%d installs, %d processes killed (%s): %d create_auth deliveries repeated; all handled after %v; OnAuthorized ran twice for %d corps",
		corps, kills, strings.Join(killed, "; "), res.retries, drained.Round(time.Millisecond), again)
}
