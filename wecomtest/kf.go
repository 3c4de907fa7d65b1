package wecomtest

// kfState is the fake's model of WeChat customer service (微信客服).
type kfState struct{}

// addKFRoutes adds the routes of WeChat customer service (微信客服).
func (s *Server) addKFRoutes() { _ = &s.kf }
