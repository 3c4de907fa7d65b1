package main

import (
	"net/http"
)

// healthz answers liveness probes: the process serves HTTP. It never
// depends on WeCom or Redis.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write([]byte("{\"status\":\"ok\"}\n"))
}
