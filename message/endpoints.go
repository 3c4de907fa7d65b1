package message

import (
	"encoding/json"
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

var updateTemplateCard = &wecom.Endpoint[wecom.CorpToken, *updateCardRequest, updateCardResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/message/update_template_card", Doc: 94888,
	Entry: "message.Client.UpdateTemplateCard",
}

var appchatCreate = &wecom.Endpoint[wecom.CorpToken, *createChatRequest, createChatResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/appchat/create", Doc: 90245,
	Entry: "message.Client.CreateChat",
}

var appchatUpdate = &wecom.Endpoint[wecom.CorpToken, *updateChatRequest, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/appchat/update", Doc: 90246,
	Entry: "message.Client.UpdateChat",
}

var appchatGet = &wecom.Endpoint[wecom.CorpToken, getChatRequest, getChatResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/appchat/get", Doc: 90247,
	Entry: "message.Client.Chat",
}

var appchatSend = &wecom.Endpoint[wecom.CorpToken, *chatSendRequest, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/appchat/send", Doc: 90248,
	Entry: "message.Client.SendToChat",
}

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		messageSend.Info(), messageRecall.Info(), updateTemplateCard.Info(),
		appchatCreate.Info(), appchatUpdate.Info(), appchatGet.Info(), appchatSend.Info(),
		linkedSend.Info(), // linked.go
	}
}

// sendRequest is message/send's body.
type sendRequest struct {
	ToUser  string `json:"touser,omitempty"`
	ToParty string `json:"toparty,omitempty"`
	ToTag   string `json:"totag,omitempty"`
	MsgType string `json:"msgtype" wecom:"required"`
	AgentID int64  `json:"agentid" wecom:"required"`
	body
	Safe                   int `json:"safe,omitempty"`
	EnableIDTrans          int `json:"enable_id_trans,omitempty"`
	EnableDuplicateCheck   int `json:"enable_duplicate_check,omitempty"`
	DuplicateCheckInterval int `json:"duplicate_check_interval,omitempty"`
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

// updateCardRequest is message/update_template_card's body (doc 94888):
// the receivers whose card changes, the response_code (one use, 72 hours)
// and either a button's new text or a new card.
type updateCardRequest struct {
	UserIDs       []string      `json:"userids,omitempty"`
	PartyIDs      []int64       `json:"partyids,omitempty"`
	TagIDs        []int64       `json:"tagids,omitempty"`
	AtAll         int           `json:"atall,omitempty"`
	AgentID       int64         `json:"agentid" wecom:"required"`
	ResponseCode  string        `json:"response_code" wecom:"required,secret"`
	EnableIDTrans int           `json:"enable_id_trans,omitempty"`
	Button        *cardButton   `json:"button,omitempty"`
	TemplateCard  *TemplateCard `json:"template_card,omitempty"`
}

type cardButton struct {
	ReplaceName string `json:"replace_name"`
}

// updateCardResponse is its answer: the receivers not updated.
type updateCardResponse struct {
	InvalidUser idList `json:"invaliduser"`
}

// idList reads a list of ids WeCom may send as a JSON array or as one
// "a|b" string (doc 94888 shows no answer beyond errcode; both shapes
// occur in WeCom's other answers).
type idList []string

func (l *idList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = appendSplit(nil, s)
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// createChatRequest is appchat/create's body (doc 90245).
type createChatRequest struct {
	Name     string   `json:"name,omitempty"`
	Owner    string   `json:"owner,omitempty"`
	UserList []string `json:"userlist" wecom:"required"`
	ChatID   string   `json:"chatid,omitempty"`
}

type createChatResponse struct {
	ChatID string `json:"chatid"`
}

// updateChatRequest is appchat/update's body (doc 90246).
type updateChatRequest struct {
	ChatID      string   `json:"chatid" wecom:"required"`
	Name        string   `json:"name,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	AddUserList []string `json:"add_user_list,omitempty"`
	DelUserList []string `json:"del_user_list,omitempty"`
}

// getChatRequest is appchat/get's query (doc 90247).
type getChatRequest struct {
	ChatID string `query:"chatid" wecom:"required"`
}

type getChatResponse struct {
	ChatInfo Chat `json:"chat_info"`
}

// chatSendRequest is appchat/send's body (doc 90248).
type chatSendRequest struct {
	ChatID  string `json:"chatid" wecom:"required"`
	MsgType string `json:"msgtype" wecom:"required"`
	body
	Safe int `json:"safe,omitempty"`
}
