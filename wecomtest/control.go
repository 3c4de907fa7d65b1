package wecomtest

// AppCallbackOf returns the callback set for the app agentID of corpID
// with [Server.SetAppCallback], and whether there is one: a control
// surface that mirrors WeCom's pushes (cmd/wecomfake) pushes only where a
// callback is set.
func (s *Server) AppCallbackOf(corpID string, agentID int64) (AppCallback, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cb, ok := s.appCallbacks[appKey{corpID, agentID}]
	return cb, ok && cb.URL != ""
}

// CommandURLOf returns the command URL of suiteID ("" when it has none or
// the suite is unknown).
func (s *Server) CommandURLOf(suiteID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.tp.suites[suiteID]; st != nil {
		return st.CommandURL
	}
	return ""
}
