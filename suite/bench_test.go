package suite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/store/boltstore"
)

// pushRequest builds a signed, encrypted suite_ticket push as WeCom sends it.
func pushRequest(tb testing.TB, mc *crypto.MsgCrypt, ts int64, ticket string) (query, body string) {
	tb.Helper()
	plain := "<xml><SuiteId><![CDATA[" + suiteID + "]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>" +
		itoa(ts) + "</TimeStamp><SuiteTicket><![CDATA[" + ticket + "]]></SuiteTicket></xml>"
	env, err := mc.EncryptMsg([]byte(plain), itoa(ts), "nonce")
	require.NoError(tb, err)
	enc := extract(string(env), "Encrypt")
	body = "<xml><ToUserName><![CDATA[" + suiteID + "]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>"
	return "msg_signature=" + crypto.Signature(cbToken, itoa(ts), "nonce", enc) + "&timestamp=" + itoa(ts) + "&nonce=nonce", body
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
