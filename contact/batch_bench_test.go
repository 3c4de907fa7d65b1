package contact_test

import (
	"context"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// csvGen yields a member CSV of n rows without holding it.
type csvGen struct {
	n, next int
	pending []byte
	line    []byte
}

const csvHeader = "姓名,帐号,手机号,邮箱,所在部门,职位\n"

func (g *csvGen) row(i int) []byte {
	b := g.line[:0]
	b = append(b, "成员"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, ",user"...)
	b = strconv.AppendInt(b, int64(1_000_000+i), 10)
	b = append(b, ",139"...)
	b = strconv.AppendInt(b, int64(10_000_000+i), 10)
	b = append(b, ",,"...)
	b = strconv.AppendInt(b, int64(i%10+1), 10)
	b = append(b, ",工程师\n"...)
	g.line = b
	return b
}

func (g *csvGen) size() int64 {
	n := int64(len(csvHeader))
	for i := range g.n {
		n += int64(len(g.row(i)))
	}
	return n
}

func (g *csvGen) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(g.pending) == 0 {
			switch {
			case g.next == -1:
				g.pending = []byte(csvHeader)
			case g.next < g.n:
				g.pending = g.row(g.next)
			default:
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
			g.next++
		}
		c := copy(p[n:], g.pending)
		g.pending = g.pending[c:]
		n += c
	}
	return n, nil
}

// BenchmarkReplaceUsers100k: a CSV of 100,000 members, streamed to
// media/upload, replaceuser, then Wait for the result rows, against the
// loopback fake (which parses the CSV and replaces its directory).
// peak-heap-MB is every byte the process allocated per operation, client
// and fake together, so the peak heap of one import is at most that.
func BenchmarkReplaceUsers100k(b *testing.B) {
	const corp, rows = "wwbench", 100_000
	srv := wecomtest.NewServer(wecomtest.WithApp(corp, wecomtest.App{AgentID: 1, Secret: "s"}))
	defer srv.Close()
	srv.GenerateDirectory(corp, 10, 0)
	wc, err := wecom.New(corp, "s", wecom.WithAgentID(1), wecom.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	c := contact.New(wc)
	ctx := context.Background()
	size := (&csvGen{n: rows, line: make([]byte, 0, 128)}).size()
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		job, err := c.ReplaceUsers(ctx, &csvGen{n: rows, next: -1, line: make([]byte, 0, 128)}, size, nil)
		if err != nil {
			b.Fatal(err)
		}
		res, err := job.Wait(ctx, contact.PollEvery(0, 0))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Rows) != rows || len(res.Failed()) != 0 {
			b.Fatalf("%d rows, %d failed", len(res.Rows), len(res.Failed()))
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "peak-heap-MB")
}
