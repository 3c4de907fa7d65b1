package wecomtest

// dirWriteState is the fake's model behind addDirectoryWriteRoutes's routes.
type dirWriteState struct{}

// addDirectoryWriteRoutes registers the routes of this file's endpoints.
func (s *Server) addDirectoryWriteRoutes() {}
