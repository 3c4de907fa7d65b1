package wecomtest

// checkinState is the fake's model of check-in (打卡).
type checkinState struct{}

// addCheckinRoutes adds the routes of check-in (打卡).
func (s *Server) addCheckinRoutes() { _ = &s.chk }
