package wecomtest

// linkedState is the fake's model behind addLinkedCorpRoutes's routes.
type linkedState struct{}

// addLinkedCorpRoutes registers the routes of this file's endpoints.
func (s *Server) addLinkedCorpRoutes() {}
