package oa

import "github.com/wecomkit/wecomkit/wecom"

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return nil
}
