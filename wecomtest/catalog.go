package wecomtest

import (
	"sync"

	"github.com/wecomkit/wecomkit/agent"
	"github.com/wecomkit/wecomkit/checkin"
	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/message/webhook"
	"github.com/wecomkit/wecomkit/oa"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
	"github.com/wecomkit/wecomkit/wecom"
)

// Endpoints lists every WeCom endpoint wecomkit declares, package by
// package: the credential fetches of package wecom, then the endpoints of
// the other packages built on it. It is what the server checks calls
// against (see [Server.Model]) and what docs/api-coverage.md lists.
func Endpoints() []wecom.EndpointInfo {
	var out []wecom.EndpointInfo
	for _, list := range [...][]wecom.EndpointInfo{
		wecom.Endpoints(),
		oauth.Endpoints(),
		jssdk.Endpoints(),
		contact.Endpoints(),
		message.Endpoints(),
		webhook.Endpoints(),
		media.Endpoints(),
		agent.Endpoints(),
		externalcontact.Endpoints(),
		kf.Endpoints(),
		oa.Endpoints(),
		checkin.Endpoints(),
		suite.Endpoints(),
		license.Endpoints(),
	} {
		out = append(out, list...)
	}
	return out
}

// declared indexes [Endpoints] by path, once per process. Should two
// packages declare one path (a mistake the coverage test reports), the
// first declaration is the one checked.
var declared = sync.OnceValue(func() map[string]wecom.EndpointInfo {
	m := make(map[string]wecom.EndpointInfo)
	for _, info := range Endpoints() {
		if _, dup := m[info.Path]; !dup {
			m[info.Path] = info
		}
	}
	return m
})
