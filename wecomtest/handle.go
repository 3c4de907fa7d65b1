package wecomtest

import "net/http"

// Caller identifies the app whose access token authorised a request.
type Caller struct {
	CorpID  string
	AgentID int64
}

// HandlerFunc serves an endpoint the server does not model itself. It is
// called only for requests carrying a valid access token, after call
// counting and fault injection, exactly like the built-in endpoints.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, caller Caller)

// HandleFunc adds (or replaces) the endpoint path, such as
// "/cgi-bin/message/send". Use [WriteJSON] and [WriteError] to answer the
// way WeCom does. It lets a test cover an API wecomtest does not model yet
// with the same token checks and faults.
func (s *Server) HandleFunc(path string, h HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = s.authed(h)
}

// authed wraps h with access-token validation.
func (s *Server) authed(h HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		c, ok := s.checkCredentialLocked(w, r, "access_token", kindAccessToken)
		s.mu.Unlock()
		if !ok {
			return
		}
		h(w, r, Caller{CorpID: c.corpID, AgentID: c.agentID})
	}
}

// WriteJSON answers v as a JSON body with WeCom's content type.
func WriteJSON(w http.ResponseWriter, v any) { writeJSON(w, v) }

// WriteError answers {"errcode": code, "errmsg": msg}, with WeCom's own
// text for well-known codes when msg is empty.
func WriteError(w http.ResponseWriter, code int, msg string) { writeError(w, code, msg) }
