package externalcontact

import "github.com/wecomkit/wecomkit/wecom"

// wayEndpoints lists the endpoints of contact ways, customer groups and
// welcome messages.
func wayEndpoints() []wecom.EndpointInfo { return nil }
