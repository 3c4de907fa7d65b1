package main

import (
	"net/http"
)

// healthz answers liveness probes: the process serves HTTP. It never
// depends on WeCom or Redis, so a restart cannot fix what it reports.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("{\"status\":\"ok\"}\n"))
}
