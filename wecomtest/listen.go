package wecomtest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// front is how the server meets the network: the listener it serves on
// and the handler in front of the API ([WithListener], [WithMiddleware]).
type front struct {
	ln         net.Listener
	middleware []func(http.Handler) http.Handler
}

// WithListener makes the server serve on ln instead of a new loopback
// port: a fake WeCom on a fixed address (127.0.0.1:8399, say) that other
// processes are configured with. The server takes ln over and closes it
// with [Server.Close]. [Server.URL] is http://ln's address, with
// 127.0.0.1 in place of an unspecified address (0.0.0.0, ::), so that it
// can be dialled.
func WithListener(ln net.Listener) Option {
	return optionFunc(func(s *Server) { s.front.ln = ln })
}

// WithMiddleware puts mw in front of the server's API, to serve routes of
// one's own beside WeCom's (a control surface, a health check) or to see
// every request. A request that mw answers itself is not counted by
// [Server.Calls], meets no injected fault and is not checked against a
// declaration; what it passes to the handler it was given is served as
// usual. Several middlewares apply in the order given, the first one
// outermost.
func WithMiddleware(mw func(api http.Handler) http.Handler) Option {
	return optionFunc(func(s *Server) {
		if mw != nil {
			s.front.middleware = append(s.front.middleware, mw)
		}
	})
}

// handler returns api behind the middlewares.
func (f *front) handler(api http.Handler) http.Handler {
	h := api
	for i := len(f.middleware) - 1; i >= 0; i-- {
		h = f.middleware[i](h)
	}
	return h
}

// listen replaces the loopback listener httptest opened with the one
// WithListener gave.
func (f *front) listen(srv *httptest.Server) {
	if f.ln == nil {
		return
	}
	_ = srv.Listener.Close()
	srv.Listener = f.ln
}

// baseURL is the started server's URL, dialable even when the listener
// is on an unspecified address.
func (f *front) baseURL(srv *httptest.Server) string {
	if f.ln == nil {
		return srv.URL
	}
	addr, ok := srv.Listener.Addr().(*net.TCPAddr)
	if !ok || !addr.IP.IsUnspecified() {
		return srv.URL
	}
	// A dual-stack listener on :: accepts IPv4 loopback too.
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(addr.Port))
}
