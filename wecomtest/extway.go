package wecomtest

// extWayState is the fake's model of contact ways, customer groups and join ways, welcome messages.
type extWayState struct{}

// addExtWayRoutes adds the routes of contact ways, customer groups and join ways, welcome messages.
func (s *Server) addExtWayRoutes() { _ = &s.extWay }
