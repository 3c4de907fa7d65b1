package wecomtest

// webhookState is the fake's model behind addWebhookRoutes's routes.
type webhookState struct{}

// addWebhookRoutes registers the routes of this file's endpoints.
func (s *Server) addWebhookRoutes() {}
