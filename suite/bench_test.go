package suite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/suite"
)

// seal encrypts plain with mc, as WeCom sends a callback stamped ts: the
// query and the envelope of the POST.
func seal(tb testing.TB, mc *crypto.MsgCrypt, ts int64, plain string) (query, body string) {
	tb.Helper()
	env, err := mc.EncryptMsg([]byte(plain), itoa(ts), "nonce")
	require.NoError(tb, err)
	enc := extract(string(env), "Encrypt")
	return "msg_signature=" + crypto.Signature(cbToken, itoa(ts), "nonce", enc) + "&timestamp=" + itoa(ts) + "&nonce=nonce", string(env)
}

// pushRequest builds a signed, encrypted suite_ticket push as WeCom sends it.
func pushRequest(tb testing.TB, mc *crypto.MsgCrypt, ts int64, ticket string) (query, body string) {
	return seal(tb, mc, ts, "<xml><SuiteId><![CDATA["+suiteID+"]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>"+
		itoa(ts)+"</TimeStamp><SuiteTicket><![CDATA["+ticket+"]]></SuiteTicket></xml>")
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// BenchmarkCommandHandlerTicketBolt answers suite_ticket pushes with the
// ticket stored in bbolt (fsync on every write, the default) and reports the
// p99 latency.
func BenchmarkCommandHandlerTicketBolt(b *testing.B) {
	f := newFixture(b)
	bolt, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	defer bolt.Close()
	s := f.start(bolt)
	h := s.CommandHandler()
	mc, err := crypto.New(cbToken, aesKey, suiteID)
	require.NoError(b, err)
	// Every push is newer than the last, so every one is written (and
	// fsynced): the worst case, as in production.
	reqs := make([][2]string, b.N)
	for i := range reqs {
		q, body := pushRequest(b, mc, 1700000000+int64(i), "ticket-"+itoa(int64(i)))
		reqs[i] = [2]string{q, body}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := reqs[i]
		req := httptest.NewRequest(http.MethodPost, "/callback/command?"+r[0], strings.NewReader(r[1]))
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		lat = append(lat, time.Since(start))
		if w.Code != http.StatusOK || w.Body.String() != "success" {
			b.Fatalf("answer %d %q", w.Code, w.Body.String())
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkCorp is Suite.Corp for an authorized corporation whose client is
// already made: the path every per-corp request takes.
func BenchmarkCorp(b *testing.B) {
	f := newFixture(b)
	s := f.start(nil)
	a := f.install(s, corpA)
	ctx := context.Background()
	if _, err := s.Corp(ctx, a.CorpID); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Corp(ctx, corpA); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// contactPush builds a signed, encrypted change_contact push for user.
func contactPush(tb testing.TB, mc *crypto.MsgCrypt, user string) (query, body string) {
	return seal(tb, mc, t0.Unix(), "<xml><SuiteId><![CDATA["+suiteID+"]]></SuiteId><AuthCorpId><![CDATA["+corpA+"]]></AuthCorpId><InfoType><![CDATA[change_contact]]></InfoType><TimeStamp>"+
		itoa(t0.Unix())+"</TimeStamp><ChangeType><![CDATA[update_user]]></ChangeType><UserID><![CDATA["+user+"]]></UserID></xml>")
}

// backlogSuite starts a suite on a bbolt file (fsync on every write) whose
// one worker is stuck in a slow hook, so that every push stays pending, and
// fills it with pending pushes.
func backlogSuite(b *testing.B, pending int) (http.Handler, func(user string) (string, string)) {
	f := newFixture(b)
	bolt, err := boltstore.Open(filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { _ = bolt.Close() })
	release := make(chan struct{})
	s := f.start(bolt, suite.WithWorkers(1), suite.OnContactChange(func(ctx context.Context, _ *crypto.Event) {
		select { // WeCom (or the hook) is slow: nothing drains
		case <-release:
		case <-ctx.Done():
		}
	}))
	b.Cleanup(func() { close(release) }) // before Close waits for the worker
	h := s.CommandHandler()
	mc, err := crypto.New(cbToken, aesKey, suiteID)
	require.NoError(b, err)
	push := func(user string) (string, string) { return contactPush(b, mc, user) }
	inParallel(50, pending, func(i int) {
		q, body := push("backlog-" + itoa(int64(i)))
		serve(b, h, q, body)
	})
	n, err := s.Pending(context.Background())
	require.NoError(b, err)
	require.GreaterOrEqual(b, n, pending-1)
	return h, push
}

// inParallel calls f(0) … f(n-1) from the given number of goroutines and
// waits for all of them.
func inParallel(workers, n int, f func(i int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				f(i)
			}
		}()
	}
	wg.Wait()
}

func serve(tb testing.TB, h http.Handler, query, body string) time.Duration {
	req := httptest.NewRequest(http.MethodPost, "/callback/command?"+query, strings.NewReader(body))
	w := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(w, req)
	d := time.Since(start)
	if w.Code != http.StatusOK || w.Body.String() != "success" {
		tb.Errorf("answer %d %q", w.Code, w.Body.String())
	}
	return d
}

// BenchmarkPushAckBacklog answers one push at a time (each recorded with
// an fsync before "success") with 0 and with 10,000 pushes pending: the
// cost per push must not grow with the backlog.
func BenchmarkPushAckBacklog(b *testing.B) {
	for _, pending := range []int{0, 10000} {
		b.Run("pending="+itoa(int64(pending)), func(b *testing.B) {
			h, push := backlogSuite(b, pending)
			reqs := make([][2]string, b.N)
			for i := range reqs {
				reqs[i][0], reqs[i][1] = push("bench-" + itoa(int64(i)))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				serve(b, h, reqs[i][0], reqs[i][1])
			}
		})
	}
}

// BenchmarkPushAckConcurrent answers pushes from 50 goroutines at once
// with 1,000 pushes pending and the workers stuck on a slow WeCom, on
// bbolt with fsync, and reports the p50 and p99 answer times: WeCom wants
// an answer within a second.
func BenchmarkPushAckConcurrent(b *testing.B) {
	h, push := backlogSuite(b, 1000)
	reqs := make([][2]string, b.N)
	for i := range reqs {
		reqs[i][0], reqs[i][1] = push("bench-" + itoa(int64(i)))
	}
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ReportAllocs()
	b.SetParallelism(max(1, 50/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			r := reqs[next.Add(1)-1]
			mine = append(mine, serve(b, h, r[0], r[1]))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
