package agent

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once.
var (
	get = &wecom.Endpoint[wecom.CorpToken, agentIDRequest, Info]{
		Method: http.MethodGet, Path: "/cgi-bin/agent/get", Doc: 90227,
		Entry: "agent.Client.Get",
	}
	list = &wecom.Endpoint[wecom.CorpToken, struct{}, listAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/agent/list", Doc: 90227,
		Entry: "agent.Client.List",
	}
	set = &wecom.Endpoint[wecom.CorpToken, *setRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/agent/set", Doc: 90228, Idempotent: true,
		Entry: "agent.Client.Set",
	}
	menuCreate = &wecom.Endpoint[wecom.CorpToken, *menuCreateRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/menu/create", Doc: 90231, Idempotent: true,
		Entry: "agent.Client.CreateMenu",
	}
	menuGet = &wecom.Endpoint[wecom.CorpToken, agentIDRequest, Menu]{
		Method: http.MethodGet, Path: "/cgi-bin/menu/get", Doc: 90232,
		Entry: "agent.Client.Menu",
	}
	menuDelete = &wecom.Endpoint[wecom.CorpToken, agentIDRequest, struct{}]{
		Method: http.MethodGet, Path: "/cgi-bin/menu/delete", Doc: 90233,
		Entry: "agent.Client.DeleteMenu",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		get.Info(), list.Info(), set.Info(), menuCreate.Info(), menuGet.Info(), menuDelete.Info(),
		setWorkbenchTemplate.Info(), getWorkbenchTemplate.Info(), setWorkbenchData.Info(),
	}
}

type agentIDRequest struct {
	AgentID int64 `json:"-" query:"agentid" wecom:"required"`
}

type listAnswer struct {
	AgentList []Summary `json:"agentlist"`
}

// setRequest is agent/set's body: every field but agentid is omitted when
// unset, which leaves the setting unchanged.
type setRequest struct {
	AgentID            int64   `json:"agentid" wecom:"required"`
	ReportLocationFlag *int    `json:"report_location_flag,omitempty"`
	LogoMediaID        *string `json:"logo_mediaid,omitempty"`
	Name               *string `json:"name,omitempty"`
	Description        *string `json:"description,omitempty"`
	RedirectDomain     *string `json:"redirect_domain,omitempty"`
	IsReportEnter      *int    `json:"isreportenter,omitempty"`
	HomeURL            *string `json:"home_url,omitempty"`
}

type menuCreateRequest struct {
	AgentID int64    `json:"-" query:"agentid" wecom:"required"`
	Buttons []Button `json:"button"` // an empty list is WeCom's 40016 (button count), not a missing field
}
