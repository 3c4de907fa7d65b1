package media_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
)

// zeros yields n zero bytes without holding them.
type zeros struct{ left int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.left)
	clear(p[:n])
	z.left -= n
	return int(n), nil
}

// BenchmarkUpload20MB uploads WeCom's largest temporary file, streamed:
// peak-heap-MB is every byte the process allocated per upload (client and
// server), so the upload's peak heap is at most that.
func BenchmarkUpload20MB(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"m1","created_at":"1380000000"}`)
	}))
	defer srv.Close()
	c, err := wecom.NewWithTokenSource("ww-corp", wecom.StaticToken("tok"), wecom.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	m := media.New(c)
	ctx := context.Background()
	const size = 20 << 20
	b.SetBytes(size)
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Upload(ctx, media.File, "big.bin", &zeros{left: size}, size); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "peak-heap-MB")
}
