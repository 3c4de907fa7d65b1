package wecomtest

// oaState is the fake's model of approvals (审批) and leave.
type oaState struct{}

// addOARoutes adds the routes of approvals (审批) and leave.
func (s *Server) addOARoutes() { _ = &s.oa }
