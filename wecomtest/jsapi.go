package wecomtest

import (
	"net/http"
	"time"
)

// Kinds of the JS-SDK tickets the server issues (doc 90506).
const (
	kindJSAPITicket = "jsapi_ticket"
	kindAgentTicket = "agent_ticket"
)

// WeCom's hourly limits on ticket fetches (doc 90506): a corporation may
// fetch at most 400 corp tickets an hour, and no app more than 100 of
// them; each app may fetch at most 100 agent tickets an hour. Beyond that
// the server answers 45009, so that a client fetching per request fails
// in tests as it would in production.
const (
	jsapiPerCorpPerHour  = 400
	jsapiPerAppPerHour   = 100
	agentPerAppPerHour   = 100
	ticketLimitingWindow = time.Hour
)

// issueLog remembers when tickets were issued; guarded by Server.mu.
type issueLog map[issueKey][]time.Time

type issueKey struct {
	kind    string
	corpID  string
	agentID int64 // -1: the whole corporation
}

func (s *Server) addJSAPIRoutes() {
	s.issues = make(issueLog)
	s.routes["/cgi-bin/get_jsapi_ticket"] = s.authed(s.handleGetJSAPITicket)
	s.routes["/cgi-bin/ticket/get"] = s.authed(s.handleTicketGet)
}

// JSAPITickets returns the corp jsapi_tickets (for wx.config) issued to
// corpID that have not expired, oldest first. Tickets live as long as
// tokens ([WithTokenTTL]) and can be revoked with [Server.RevokeToken].
func (s *Server) JSAPITickets(corpID string) []string {
	return s.liveCredentials(kindJSAPITicket, corpID, 0)
}

// AgentTickets returns the app tickets (for wx.agentConfig) issued to the
// app agentID of corpID that have not expired, oldest first.
func (s *Server) AgentTickets(corpID string, agentID int64) []string {
	return s.liveCredentials(kindAgentTicket, corpID, agentID)
}

// handleGetJSAPITicket serves GET /cgi-bin/get_jsapi_ticket.
func (s *Server) handleGetJSAPITicket(w http.ResponseWriter, _ *http.Request, caller Caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	corpKey := issueKey{kindJSAPITicket, caller.CorpID, -1}
	appKey := issueKey{kindJSAPITicket, caller.CorpID, caller.AgentID}
	if !s.allowLocked(corpKey, jsapiPerCorpPerHour) || !s.allowLocked(appKey, jsapiPerAppPerHour) {
		writeError(w, 45009, "")
		return
	}
	s.recordLocked(corpKey, appKey)
	ticket, ttl := s.issueLocked(kindJSAPITicket, caller.CorpID, 0)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": ttl})
}

// handleTicketGet serves GET /cgi-bin/ticket/get?type=agent_config. The
// ticket belongs to the app whose token asked for it.
func (s *Server) handleTicketGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	if r.URL.Query().Get("type") != "agent_config" {
		writeError(w, 40058, "invalid type")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := issueKey{kindAgentTicket, caller.CorpID, caller.AgentID}
	if !s.allowLocked(key, agentPerAppPerHour) {
		writeError(w, 45009, "")
		return
	}
	s.recordLocked(key)
	ticket, ttl := s.issueLocked(kindAgentTicket, caller.CorpID, caller.AgentID)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": ttl})
}

// allowLocked drops issues older than the window and reports whether one
// more is allowed.
func (s *Server) allowLocked(k issueKey, limit int) bool {
	cutoff := s.now().Add(-ticketLimitingWindow)
	times := s.issues[k]
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	s.issues[k] = times[i:]
	return len(times)-i < limit
}

func (s *Server) recordLocked(keys ...issueKey) {
	now := s.now()
	for _, k := range keys {
		s.issues[k] = append(s.issues[k], now)
	}
}
