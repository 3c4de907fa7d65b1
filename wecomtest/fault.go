package wecomtest

import (
	"net"
	"net/http"
	"time"
)

// AnyPath, given to [Server.Inject], makes a fault apply to whichever path
// is called next.
const AnyPath = "*"

// Fault describes how the server misbehaves for one call. Latency may be
// combined with any other field, or used alone to slow a normal answer.
type Fault struct {
	// ErrCode, when not 0, answers {"errcode": ErrCode, "errmsg": ErrMsg}
	// instead of handling the call: -1 (system busy), 45009 (rate limit),
	// 45033 (concurrency limit), or any other code.
	ErrCode int
	// ErrMsg overrides WeCom's text for ErrCode.
	ErrMsg string
	// Status, when not 0, answers with this HTTP status (500, 502 …) and a
	// non-JSON body, as a failing proxy would.
	Status int
	// Latency delays the answer (real time, not the server's clock). The
	// delay ends early if the client goes away.
	Latency time.Duration
	// MalformedJSON answers 200 with a truncated JSON body.
	MalformedJSON bool
	// ResetConnection closes the connection with a TCP reset before
	// answering anything.
	ResetConnection bool
	// AfterEffect makes the call take effect first — an auth code is
	// spent, a message sent — and the fault apply to the answer only: the
	// Latency then delays the real answer (a client that gives up earlier
	// never sees it), and ResetConnection or Status replace it. It is how
	// WeCom looks when it is slow: the work is done, the answer is lost.
	AfterEffect bool
}

type pendingFault struct {
	Fault
	remaining int // < 0: forever
}

// Inject makes the next times calls of path misbehave as f describes;
// times < 0 keeps the fault until [Server.ClearFaults]. path is an API path
// such as "/cgi-bin/gettoken", or [AnyPath]. Faults for one path apply in
// the order they were injected; path-specific faults come before AnyPath
// ones.
func (s *Server) Inject(path string, times int, f Fault) {
	if times == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[path] = append(s.faults[path], &pendingFault{Fault: f, remaining: times})
}

// FailNext makes the next n calls of path answer errcode code: the common
// case of [Server.Inject].
func (s *Server) FailNext(path string, n, code int) {
	s.Inject(path, n, Fault{ErrCode: code})
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = make(map[string][]*pendingFault)
}

func (s *Server) nextFaultLocked(path string) *Fault {
	for _, p := range [...]string{path, AnyPath} {
		q := s.faults[p]
		if len(q) == 0 {
			continue
		}
		f := q[0]
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				s.faults[p] = q[1:]
			}
		}
		out := f.Fault
		return &out
	}
	return nil
}

// apply carries out the fault and reports whether it answered the call.
func (f *Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.ResetConnection:
		resetConnection(w)
	case f.Status != 0:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte("<html><body>" + http.StatusText(f.Status) + "</body></html>"))
	case f.MalformedJSON:
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok","access_tok`))
	case f.ErrCode != 0:
		writeError(w, f.ErrCode, f.ErrMsg)
	default:
		return false // latency only: handle normally
	}
	return true
}

func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close with RST instead of FIN
	}
	_ = conn.Close()
}
