package wecomtest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// ID conversion (https://developer.work.weixin.qq.com/document/path/95604,
// 97062, 95884). A member converts when they are in the corporation's
// directory ([Server.AddMember]): the server's stand-in for "in the app's
// visible range". open_userids are those getuserinfo3rd answers.

// OpenCorpID returns the encrypted corp id corpid_to_opencorpid answers
// providerCorpID for corpID.
func OpenCorpID(providerCorpID, corpID string) string {
	sum := sha256.Sum256([]byte(providerCorpID + "\x00" + corpID))
	return "wpo" + hex.EncodeToString(sum[:10])
}

// OpenUserID returns the open_userid the server gives member userID of
// corpID (getuserinfo3rd, userid_to_openuserid).
func OpenUserID(corpID, userID string) string { return openUserID(corpID, userID) }

func (s *Server) addIDConvertRoutes() {
	s.routes["/cgi-bin/service/corpid_to_opencorpid"] = s.serviceAuthed("provider_access_token", kindProviderToken, s.handleCorpIDToOpenCorpID)
	s.routes["/cgi-bin/batch/userid_to_openuserid"] = s.corpCredAuthed(s.handleUserIDToOpenUserID)
	s.routes["/cgi-bin/batch/openuserid_to_userid"] = s.corpCredAuthed(s.handleOpenUserIDToUserID)
}

// corpCredAuthed wraps h with the access_token check, passing the
// credential (whose suiteID tells a third-party app's token from a
// self-built app's).
func (s *Server) corpCredAuthed(h func(http.ResponseWriter, *http.Request, credential)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		c, ok := s.checkCredentialLocked(w, r, "access_token", kindAccessToken)
		var cred credential
		if ok {
			cred = *c
		}
		s.mu.Unlock()
		if ok {
			h(w, r, cred)
		}
	}
}

// handleCorpIDToOpenCorpID serves POST /cgi-bin/service/corpid_to_opencorpid:
// only corporations that installed one of the server's suites convert
// (40013 otherwise, the server's choice).
func (s *Server) handleCorpIDToOpenCorpID(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID string `json:"corpid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	installed := len(s.sortedAuthsLocked(body.CorpID)) > 0
	s.mu.Unlock()
	if body.CorpID == "" || !installed {
		writeError(w, 40013, "")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "open_corpid": OpenCorpID(who.providerID, body.CorpID)})
}

// handleUserIDToOpenUserID serves POST /cgi-bin/batch/userid_to_openuserid
// with a third-party or 代开发 app's corp token (a self-built app's token
// gets 48002, API forbidden); at most 1000 userids.
func (s *Server) handleUserIDToOpenUserID(w http.ResponseWriter, r *http.Request, cred credential) {
	var body struct {
		UserIDList []string `json:"userid_list"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if cred.suiteID == "" {
		writeError(w, 48002, "api forbidden: only third-party and 代开发 apps may call userid_to_openuserid")
		return
	}
	if n := len(body.UserIDList); n == 0 || n > 1000 {
		writeError(w, 40058, "userid_list must hold 1 to 1000 userids")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list, invalid := []map[string]any{}, []string{}
	for _, id := range body.UserIDList {
		if m := s.memberLocked(cred.corpID, id); m != nil {
			list = append(list, map[string]any{"userid": id, "open_userid": openUserID(cred.corpID, m.UserID)})
		} else {
			invalid = append(invalid, id)
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "", "open_userid_list": list, "invalid_userid_list": invalid})
}

// handleOpenUserIDToUserID serves POST /cgi-bin/batch/openuserid_to_userid
// with a corp token (any of the corporation's apps; WeCom asks for a
// self-built app's), source_agentid required; at most 1000 open_userids.
func (s *Server) handleOpenUserIDToUserID(w http.ResponseWriter, r *http.Request, cred credential) {
	var body struct {
		OpenUserIDList []string `json:"open_userid_list"`
		SourceAgentID  int64    `json:"source_agentid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if n := len(body.OpenUserIDList); n == 0 || n > 1000 || body.SourceAgentID == 0 {
		writeError(w, 40058, "open_userid_list must hold 1 to 1000 ids, and source_agentid is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	byOpen := map[string]string{}
	for _, m := range s.dir.members[cred.corpID] {
		byOpen[openUserID(cred.corpID, m.UserID)] = m.UserID
	}
	list, invalid := []map[string]any{}, []string{}
	for _, id := range body.OpenUserIDList {
		if uid, ok := byOpen[id]; ok {
			list = append(list, map[string]any{"open_userid": id, "userid": uid})
		} else {
			invalid = append(invalid, id)
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid_list": list, "invalid_open_userid_list": invalid})
}
