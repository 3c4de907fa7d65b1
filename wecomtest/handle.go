package wecomtest

import "net/http"

// Caller identifies the app whose access token authorised a request.
type Caller struct {
	CorpID  string
	AgentID int64
}

// HandlerFunc serves an endpoint the server does not model itself. It is
// called only for requests carrying a valid token, after call counting and
// fault injection, exactly like the built-in endpoints.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, caller Caller)

// HandleFunc adds (or replaces) the endpoint path, such as
// "/cgi-bin/message/send". Use [WriteJSON] and [WriteError] to answer the
// way WeCom does. It lets a test cover an API wecomtest does not model yet
// with the same token checks and faults.
//
// A path wecomkit declares (see [Endpoints]) is checked against its
// declaration before h runs — method, token, JSON body, required fields —
// and h gets the app or corporation of the declared kind of token (a
// suite token's Caller is zero, a provider token's has the provider's
// CorpID; an endpoint that takes no token gets a zero Caller). Any other
// path needs an access_token.
func (s *Server) HandleFunc(path string, h HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.builtin, path) // s.builtin is the server's own: NewServer made it
	if info, ok := s.decl[path]; ok {
		s.routes[path] = s.authedAs(string(info.TokenParam), string(info.Kind), h)
		return
	}
	s.routes[path] = s.authed(h)
}

// authed wraps h with access-token validation.
func (s *Server) authed(h HandlerFunc) http.HandlerFunc {
	return s.authedAs("access_token", kindAccessToken, h)
}

// authedAs wraps h with the validation of a token of kind in param (none
// when kind is "").
func (s *Server) authedAs(param, kind string, h HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if kind == "" {
			h(w, r, Caller{})
			return
		}
		s.mu.Lock()
		c, ok := s.checkCredentialLocked(w, r, param, kind)
		var caller Caller
		if ok {
			caller = Caller{CorpID: c.corpID, AgentID: c.agentID}
		}
		s.mu.Unlock()
		if ok {
			h(w, r, caller)
		}
	}
}

// WriteJSON answers v as a JSON body with WeCom's content type.
func WriteJSON(w http.ResponseWriter, v any) { writeJSON(w, v) }

// WriteError answers {"errcode": code, "errmsg": msg}, with WeCom's own
// text for well-known codes when msg is empty.
func WriteError(w http.ResponseWriter, code int, msg string) { writeError(w, code, msg) }
