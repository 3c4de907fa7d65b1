package wecomtest

// agentState is the fake's model behind addAgentRoutes's routes.
type agentState struct{}

// addAgentRoutes registers the routes of this file's endpoints.
func (s *Server) addAgentRoutes() {}
