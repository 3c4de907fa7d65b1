package wecomtest

// appChatState is the fake's model behind addAppChatRoutes's routes.
type appChatState struct{}

// addAppChatRoutes registers the routes of this file's endpoints.
func (s *Server) addAppChatRoutes() {}
