package message

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The WeCom endpoints this package calls, one declaration each.

var messageSend = &wecom.Endpoint[wecom.CorpToken, *sendRequest, sendResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/message/send", Doc: 90236,
	Entry: "message.Client.Send",
}

var messageRecall = &wecom.Endpoint[wecom.CorpToken, *recallRequest, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/message/recall", Doc: 94867,
	Entry: "message.Client.Recall",
}

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{messageSend.Info(), messageRecall.Info()}
}

// sendRequest is message/send's body.
type sendRequest struct {
	ToUser                 string        `json:"touser,omitempty"`
	ToParty                string        `json:"toparty,omitempty"`
	ToTag                  string        `json:"totag,omitempty"`
	MsgType                string        `json:"msgtype" wecom:"required"`
	AgentID                int64         `json:"agentid" wecom:"required"`
	Text                   *Text         `json:"text,omitempty"`
	Markdown               *Markdown     `json:"markdown,omitempty"`
	TextCard               *TextCard     `json:"textcard,omitempty"`
	News                   *News         `json:"news,omitempty"`
	TemplateCard           *TemplateCard `json:"template_card,omitempty"`
	Safe                   int           `json:"safe,omitempty"`
	EnableIDTrans          int           `json:"enable_id_trans,omitempty"`
	EnableDuplicateCheck   int           `json:"enable_duplicate_check,omitempty"`
	DuplicateCheckInterval int           `json:"duplicate_check_interval,omitempty"`
}

// sendResponse is message/send's answer.
type sendResponse struct {
	InvalidUser    string `json:"invaliduser"`
	InvalidParty   string `json:"invalidparty"`
	InvalidTag     string `json:"invalidtag"`
	UnlicensedUser string `json:"unlicenseduser"`
	MsgID          string `json:"msgid"`
	ResponseCode   string `json:"response_code"`
}

type recallRequest struct {
	MsgID string `json:"msgid" wecom:"required"`
}
