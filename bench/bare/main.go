// Command bare is the baseline for the bridge's load test: a plain net/http
// server, with the bridge's server settings, that answers every request
// with a fixed JSON body the size of a /js-sdk answer. It does no work, so
// the ratio of the bridge's requests/s to its requests/s is what the
// bridge's own work costs.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:18081", "address to listen on")
	flag.Parse()
	body := []byte(`{"code":"0000","msg":"操作成功","datas":{"appid":"ww86331f9cf933b4b8","timestamp":"1700000000","nonceStr":"Wm3WZYTPz0wzccnW12","signature":"0f9de62fce790f9a083d5c99e95740ceb90c27ed"}}`)
	srv := &http.Server{
		Addr: *addr,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(body)
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	log.Fatal(srv.ListenAndServe())
}
