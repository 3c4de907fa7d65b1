package wecom_test

import (
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"runtime"
	"testing"

	"github.com/wecomkit/wecomkit/wecom"
)

const benchUploadSize = 20 << 20

// patternReader yields n bytes of a repeating pattern without holding
// them: the upload's source costs no memory of its own.
type patternReader struct{ left int }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left == 0 {
		return 0, io.EOF
	}
	n := min(len(b), p.left)
	for i := range b[:n] {
		b[i] = byte(i)
	}
	p.left -= n
	return n, nil
}

// discardServer reads every upload to the end and answers success.
func discardServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"m","created_at":"1"}`)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// heapPeak reports the most heap one upload can hold at once, in MB:
// every byte the process allocated during the benchmark (client, server
// and transport alike), divided by the uploads. A sampled live heap would
// instead measure the garbage collector's pacing (its 4 MB minimum
// target), not the upload.
func heapPeak(b *testing.B) (stop func()) {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	return func() {
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "peak-heap-MB")
	}
}

// BenchmarkUpload streams a 20 MB file through the endpoint layer:
// the heap stays at kilobytes whatever the file's size.
func BenchmarkUpload(b *testing.B) {
	srv := discardServer(b)
	c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken("tok"), wecom.WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	ctx := context.Background()
	b.SetBytes(benchUploadSize)
	b.ReportAllocs()
	stop := heapPeak(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		up := wecom.Upload{Filename: "big.bin", Size: benchUploadSize, Body: &patternReader{left: benchUploadSize}}
		if err := uploadEP.CallInto(ctx, corp, uploadRequest{Type: "file", Media: up}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	stop()
}

// BenchmarkUploadBareNetHTTP is the same upload written with net/http and
// mime/multipart alone, streamed through a pipe: the yardstick for
// BenchmarkUpload's throughput.
func BenchmarkUploadBareNetHTTP(b *testing.B) {
	srv := discardServer(b)
	hc := &http.Client{}
	b.SetBytes(benchUploadSize)
	b.ReportAllocs()
	stop := heapPeak(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			h := make(textproto.MIMEHeader)
			h.Set("Content-Disposition", `form-data; name="media"; filename="big.bin"; filelength=20971520`)
			h.Set("Content-Type", "application/octet-stream")
			part, err := mw.CreatePart(h)
			if err == nil {
				_, err = io.Copy(part, &patternReader{left: benchUploadSize})
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/cgi-bin/media/upload?access_token=tok&type=file", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	stop()
}
