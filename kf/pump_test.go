package kf_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// writeMany makes n messages from customers wm0…wm(k-1) in turn and
// returns their msgids in order.
func writeMany(srv *wecomtest.Server, kfID string, n, customers int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = srv.CustomerWrites(corpID, kfID, fmt.Sprintf("wm%d", i%customers), fmt.Sprintf("m%d", i))
	}
	return ids
}

type recorder struct {
	mu  sync.Mutex
	ids []string
}

func (r *recorder) HandleMessage(_ context.Context, m *kf.Message) error {
	r.mu.Lock()
	r.ids = append(r.ids, m.MsgID)
	r.mu.Unlock()
	return nil
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

// sleeps records the pump's waits and returns at once.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
	on func()
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	on := s.on
	s.mu.Unlock()
	if on != nil {
		on()
	}
	return ctx.Err()
}

func TestPumpHandlerErrorKeepsCursor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	ids := writeMany(f.srv, kfID, 25, 3)
	st := store.NewMemory()
	var seen []string
	fail := true
	h := kf.HandlerFunc(func(_ context.Context, m *kf.Message) error {
		seen = append(seen, m.MsgID)
		if m.MsgID == ids[14] && fail {
			return errors.New("database down")
		}
		return nil
	})
	p := kf.NewPump(f.c, st, h, kf.WithLimit(10))
	defer p.Close()

	err := p.Pull(ctx, kfID, "")
	var he *kf.HandlerError
	require.ErrorAs(t, err, &he)
	require.Equal(t, ids[14], he.MsgID)
	require.Equal(t, ids[:15], seen, "the pass stopped at the failing message")
	cur, err := p.Cursor(ctx, kfID)
	require.NoError(t, err)
	require.Equal(t, "kfc-a-10", cur, "the failed page's cursor was not stored")

	fail, seen = false, nil
	require.NoError(t, p.Pull(ctx, kfID, ""))
	require.Equal(t, ids[10:], seen, "the failed page is handled again from its start, then the rest")
	cur, _ = p.Cursor(ctx, kfID)
	require.Equal(t, "kfc-a-25", cur)
	seen = nil
	require.NoError(t, p.Pull(ctx, kfID, ""))
	require.Empty(t, seen, "nothing new")
}

func TestPumpRetriesBusyAndStalledWeCom(t *testing.T) {
	f := newFixture(t, wecom.WithRetries(0)) // the pump's own retries are under test
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	ids := writeMany(f.srv, kfID, 30, 4)
	rec := &recorder{}
	st := store.NewMemory()
	sl := &sleeps{}
	var p *kf.Pump
	var cursors []string
	sl.on = func() { // while WeCom fails: the cursor stays where the last good page left it
		c, err := p.Cursor(ctx, kfID)
		require.NoError(t, err)
		cursors = append(cursors, c)
	}
	p = kf.NewPump(f.c, st, rec, kf.WithLimit(10), kf.WithSleep(sl.sleep), kf.WithAttemptTimeout(time.Second),
		kf.WithBackoff(func(n int) time.Duration { return time.Duration(n) * time.Second }))
	defer p.Close()

	require.NoError(t, p.Pull(ctx, kfID, ""))
	require.Equal(t, ids, rec.got())

	// Page 1 of the new messages succeeds; its successor fails -1, -1,
	// then stalls, then succeeds.
	more := writeMany(f.srv, kfID, 30, 4)
	require.NoError(t, pullWithFaults(ctx, f.srv, p, kfID))
	require.Equal(t, append(append([]string(nil), ids...), more...), rec.got(), "every message once, in order")
	require.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}, sl.d, "backoff between attempts")
	require.Equal(t, []string{"kfc-a-40", "kfc-a-40", "kfc-a-40"}, cursors, "the cursor never moved while WeCom failed")

	// Every attempt failing: the pass gives up, the cursor unmoved.
	writeMany(f.srv, kfID, 5, 1)
	f.srv.FailNext("/cgi-bin/kf/sync_msg", 10, -1)
	err := p.Pull(ctx, kfID, "")
	require.Equal(t, -1, wecom.ErrorCode(err))
	cur, _ := p.Cursor(ctx, kfID)
	require.Equal(t, "kfc-a-60", cur)
	f.srv.ClearFaults()
}

// pullWithFaults lets the first sync_msg of a pass through, then makes the
// next ones answer -1, -1 and stall, before WeCom recovers.
func pullWithFaults(ctx context.Context, srv *wecomtest.Server, p *kf.Pump, kfID string) error {
	srv.Inject("/cgi-bin/kf/sync_msg", 1, wecomtest.Fault{Latency: time.Nanosecond}) // passes through
	srv.Inject("/cgi-bin/kf/sync_msg", 2, wecomtest.Fault{ErrCode: -1})
	// A stall: the answer is held until the client gives up (AfterEffect,
	// so that the server has read the request and notices).
	srv.Inject("/cgi-bin/kf/sync_msg", 1, wecomtest.Fault{Latency: time.Hour, AfterEffect: true})
	return p.Pull(ctx, kfID, "")
}

// The pump wired to an app's callback: WeCom pushes kf_msg_or_event, the
// callback is answered at once, the pump reads every page, and callbacks
// arriving while it runs coalesce into one more pass.
func TestPumpFromCallback(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	const token, aesKey = "kftoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	mc, err := crypto.New(token, aesKey, corpID)
	require.NoError(t, err)

	var handled atomic.Int64
	h := kf.HandlerFunc(func(_ context.Context, m *kf.Message) error {
		handled.Add(1)
		return nil
	})
	// The test waits for the last cursor to be stored, not for the last
	// message to be handled: a Close between the two leaves the cursor
	// behind (the page is read again later, by design).
	st := &cursorWatch{Store: store.NewMemory(), want: "kfc-a-120", done: make(chan struct{})}
	p := kf.NewPump(f.c, st, h, kf.WithLimit(50))
	defer p.Close()
	cb := httptest.NewServer(crypto.NewHandler(mc, p))
	defer cb.Close()
	f.srv.SetAppCallback(corpID, agentID, wecomtest.AppCallback{URL: cb.URL, Token: token, EncodingAESKey: aesKey})

	writeMany(f.srv, kfID, 120, 5)
	for i := 0; i < 5; i++ { // WeCom may push several times: one or two passes, never five
		_, err := f.srv.PushKFEvent(ctx, corpID, agentID, kfID)
		require.NoError(t, err)
	}
	<-st.done
	p.Close()
	require.EqualValues(t, 120, handled.Load(), "each message once")
	cur, _ := p.Cursor(ctx, kfID)
	require.Equal(t, "kfc-a-120", cur)
	require.LessOrEqual(t, f.srv.Calls("/cgi-bin/kf/sync_msg"), 2*3+1, "five callbacks coalesced into at most two passes")
}

// Two pumps on one Redis: one pumps a kf account, the other waits for the
// lock; no message is handled twice, let alone at the same time.
func TestTwoPumpsOneRedis(t *testing.T) {
	rs := redistest.Start(t)
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	ids := writeMany(f.srv, kfID, 2000, 7)

	var mu sync.Mutex
	count := map[string]int{}
	var active, maxActive atomic.Int64
	var order []string
	h := kf.HandlerFunc(func(_ context.Context, m *kf.Message) error {
		n := active.Add(1)
		defer active.Add(-1)
		for {
			old := maxActive.Load()
			if n <= old || maxActive.CompareAndSwap(old, n) {
				break
			}
		}
		mu.Lock()
		count[m.MsgID]++
		order = append(order, m.MsgID)
		mu.Unlock()
		return nil
	})
	s1, s2 := redisstore.New(rs.Client()), redisstore.New(rs.Client())
	p1 := kf.NewPump(f.c, s1, h, kf.WithLimit(100))
	p2 := kf.NewPump(f.c, s2, h, kf.WithLimit(100))
	defer p1.Close()
	defer p2.Close()

	var wg sync.WaitGroup
	for _, p := range []*kf.Pump{p1, p2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, p.Pull(ctx, kfID, ""))
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, maxActive.Load(), "never two handlers at once")
	require.Equal(t, ids, order, "every message once, in order")
	for id, n := range count {
		require.Equal(t, 1, n, id)
	}
}

// A kf_msg_or_event callback without OpenKfId, and Notify without an
// account, start no pass: sync_msg reads one account at a time (open_kfid
// is required on doc 94670).
func TestPumpIgnoresEventWithoutAccount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	writeMany(f.srv, kfID, 3, 1)
	rec := &recorder{}
	p := kf.NewPump(f.c, store.NewMemory(), rec)
	ev, err := crypto.ParseEvent([]byte(`<xml><ToUserName>` + corpID + `</ToUserName><CreateTime>1</CreateTime>` +
		`<MsgType>event</MsgType><Event>kf_msg_or_event</Event><Token>ENCtoken</Token></xml>`))
	require.NoError(t, err)
	out, err := p.HandleEvent(ctx, ev)
	require.NoError(t, err)
	require.Nil(t, out)
	p.Notify("", "ENCtoken")
	p.Close() // waits for any pass started
	require.Zero(t, f.srv.Calls("/cgi-bin/kf/sync_msg"))
	require.Empty(t, rec.ids)
}

// cursorWatch is a store that closes done once the value want is stored.
type cursorWatch struct {
	store.Store
	want string
	done chan struct{}
	once sync.Once
}

func (c *cursorWatch) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	err := c.Store.Set(ctx, key, value, ttl)
	if err == nil && value == c.want {
		c.once.Do(func() { close(c.done) })
	}
	return err
}
