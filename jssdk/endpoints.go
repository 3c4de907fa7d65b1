package jssdk

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The WeCom endpoints this package calls, one declaration each: the two
// tickets of doc 90506 (获取jsapi_ticket).

var getCorpTicket = &wecom.Endpoint[wecom.CorpToken, corpTicketRequest, ticketResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/get_jsapi_ticket", Doc: 90506,
	Entry: "jssdk.Signer.Config",
}

var getAgentTicket = &wecom.Endpoint[wecom.CorpToken, agentTicketRequest, ticketResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/ticket/get", Doc: 90506,
	Entry: "jssdk.Signer.AgentConfig",
}

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{getCorpTicket.Info(), getAgentTicket.Info()}
}

// corpTicketRequest is get_jsapi_ticket's request: the token only.
type corpTicketRequest struct{}

// agentTicketRequest is ticket/get's request; Type is always
// "agent_config".
type agentTicketRequest struct {
	Type string `json:"-" query:"type" wecom:"required"`
}

// ticketResponse is the answer of both.
type ticketResponse struct {
	Ticket    string `json:"ticket"`
	ExpiresIn int64  `json:"expires_in"`
}
