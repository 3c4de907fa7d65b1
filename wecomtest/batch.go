package wecomtest

// batchState is the fake's model behind addBatchRoutes's routes.
type batchState struct{}

// addBatchRoutes registers the routes of this file's endpoints.
func (s *Server) addBatchRoutes() {}
