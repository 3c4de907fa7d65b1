package contact

import "github.com/wecomkit/wecomkit/wecom"

// batchEndpoints lists the batch import and export endpoints (this file).
func batchEndpoints() []wecom.EndpointInfo { return nil }
