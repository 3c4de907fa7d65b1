package externalcontact

import "github.com/wecomkit/wecomkit/wecom"

// opsEndpoints lists the endpoints of mass messages, moments, transfers,
// statistics, customer acquisition, id conversions and strategy tags.
func opsEndpoints() []wecom.EndpointInfo { return nil }
