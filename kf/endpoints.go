package kf

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once. Doc numbers are the pages of the
// self-built app tree (企业内部开发); the third-party and 代开发 trees
// mirror them.
var (
	accountAdd = &wecom.Endpoint[wecom.CorpToken, *accountAddRequest, accountAddAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/account/add", Doc: 94662,
		Entry: "kf.Client.AddAccount",
	}
	accountDel = &wecom.Endpoint[wecom.CorpToken, *openKfRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/account/del", Doc: 94663,
		Entry: "kf.Client.DeleteAccount",
	}
	accountUpdate = &wecom.Endpoint[wecom.CorpToken, *accountUpdateRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/account/update", Doc: 94664, Idempotent: true,
		Entry: "kf.Client.UpdateAccount",
	}
	accountList = &wecom.Endpoint[wecom.CorpToken, *accountListRequest, accountListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/account/list", Doc: 94661, Idempotent: true,
		Entry: "kf.Client.Accounts",
	}
	addContactWay = &wecom.Endpoint[wecom.CorpToken, *contactWayRequest, contactWayAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/add_contact_way", Doc: 94665, Idempotent: true,
		Entry: "kf.Client.ContactWay",
	}
	servicerAdd = &wecom.Endpoint[wecom.CorpToken, *servicerRequest, servicerAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/servicer/add", Doc: 94646, Idempotent: true,
		Entry: "kf.Client.AddServicers",
	}
	servicerDel = &wecom.Endpoint[wecom.CorpToken, *servicerRequest, servicerAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/servicer/del", Doc: 94647, Idempotent: true,
		Entry: "kf.Client.DeleteServicers",
	}
	servicerList = &wecom.Endpoint[wecom.CorpToken, servicerListRequest, servicerListAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/kf/servicer/list", Doc: 94645,
		Entry: "kf.Client.Servicers",
	}
	serviceStateGet = &wecom.Endpoint[wecom.CorpToken, *sessionRequest, serviceStateAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/service_state/get", Doc: 94669, Idempotent: true,
		Entry: "kf.Client.ServiceState",
	}
	serviceStateTrans = &wecom.Endpoint[wecom.CorpToken, *transRequest, transAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/service_state/trans", Doc: 94669,
		Entry: "kf.Client.TransServiceState",
	}
	syncMsg = &wecom.Endpoint[wecom.CorpToken, *syncRequest, SyncPage]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/sync_msg", Doc: 94670, Idempotent: true,
		Entry: "kf.Client.SyncMsg, kf.Pump.Pull",
	}
	sendMsg = &wecom.Endpoint[wecom.CorpToken, *sendRequest, sendAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/send_msg", Doc: 94677,
		Entry: "kf.Client.Send",
	}
	sendMsgOnEvent = &wecom.Endpoint[wecom.CorpToken, *sendRequest, sendAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/send_msg_on_event", Doc: 95122,
		Entry: "kf.Client.SendOnEvent",
	}
	customerBatchGet = &wecom.Endpoint[wecom.CorpToken, *customerRequest, customerAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/customer/batchget", Doc: 95159, Idempotent: true,
		Entry: "kf.Client.Customers",
	}
	upgradeConfig = &wecom.Endpoint[wecom.CorpToken, struct{}, UpgradeServiceConfig]{
		Method: http.MethodGet, Path: "/cgi-bin/kf/customer/get_upgrade_service_config", Doc: 94674,
		Entry: "kf.Client.UpgradeServiceConfig",
	}
	upgradeService = &wecom.Endpoint[wecom.CorpToken, *upgradeRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/customer/upgrade_service", Doc: 94674, Idempotent: true,
		Entry: "kf.Client.UpgradeToMember, kf.Client.UpgradeToGroupChat",
	}
	cancelUpgrade = &wecom.Endpoint[wecom.CorpToken, *sessionRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/customer/cancel_upgrade_service", Doc: 94674, Idempotent: true,
		Entry: "kf.Client.CancelUpgradeService",
	}
	corpStatistic = &wecom.Endpoint[wecom.CorpToken, *statisticRequest, corpStatisticAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/get_corp_statistic", Doc: 95489, Idempotent: true,
		Entry: "kf.Client.CorpStatistic",
	}
	servicerStatistic = &wecom.Endpoint[wecom.CorpToken, *statisticRequest, servicerStatisticAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/kf/get_servicer_statistic", Doc: 95490, Idempotent: true,
		Entry: "kf.Client.ServicerStatistic",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		accountAdd.Info(), accountDel.Info(), accountUpdate.Info(), accountList.Info(), addContactWay.Info(),
		servicerAdd.Info(), servicerDel.Info(), servicerList.Info(),
		serviceStateGet.Info(), serviceStateTrans.Info(),
		syncMsg.Info(), sendMsg.Info(), sendMsgOnEvent.Info(),
		customerBatchGet.Info(), upgradeConfig.Info(), upgradeService.Info(), cancelUpgrade.Info(),
		corpStatistic.Info(), servicerStatistic.Info(),
	}
}

type openKfRequest struct {
	OpenKfID string `json:"open_kfid" wecom:"required"`
}

type accountAddRequest struct {
	Name    string `json:"name" wecom:"required"`
	MediaID string `json:"media_id" wecom:"required"`
}

type accountAddAnswer struct {
	OpenKfID string `json:"open_kfid"`
}

type accountUpdateRequest struct {
	OpenKfID string `json:"open_kfid" wecom:"required"`
	Name     string `json:"name,omitempty"`
	MediaID  string `json:"media_id,omitempty"`
}

type accountListRequest struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

type accountListAnswer struct {
	AccountList []Account `json:"account_list"`
}

type contactWayRequest struct {
	OpenKfID string `json:"open_kfid" wecom:"required"`
	Scene    string `json:"scene,omitempty"`
}

type contactWayAnswer struct {
	URL string `json:"url"`
}

type servicerRequest struct {
	OpenKfID         string   `json:"open_kfid" wecom:"required"`
	UserIDList       []string `json:"userid_list,omitempty"`
	DepartmentIDList []int64  `json:"department_id_list,omitempty"`
}

type servicerAnswer struct {
	ResultList []ServicerResult `json:"result_list"`
}

type servicerListRequest struct {
	OpenKfID string `json:"-" query:"open_kfid" wecom:"required"`
}

type servicerListAnswer struct {
	ServicerList []Servicer `json:"servicer_list"`
}

type sessionRequest struct {
	OpenKfID       string `json:"open_kfid" wecom:"required"`
	ExternalUserID string `json:"external_userid" wecom:"required"`
}

type serviceStateAnswer struct {
	ServiceState   State  `json:"service_state"`
	ServicerUserID string `json:"servicer_userid"`
}

type transRequest struct {
	OpenKfID       string `json:"open_kfid" wecom:"required"`
	ExternalUserID string `json:"external_userid" wecom:"required"`
	ServiceState   State  `json:"service_state"`
	ServicerUserID string `json:"servicer_userid,omitempty"`
}

type transAnswer struct {
	MsgCode string `json:"msg_code"`
}

type syncRequest struct {
	Cursor      string `json:"cursor,omitempty"`
	Token       string `json:"token,omitempty" wecom:"secret"`
	Limit       int    `json:"limit,omitempty"`
	VoiceFormat int    `json:"voice_format,omitempty"`
	OpenKfID    string `json:"open_kfid" wecom:"required"`
}

type sendAnswer struct {
	MsgID string `json:"msgid"`
}

type customerRequest struct {
	ExternalUserIDList      []string `json:"external_userid_list" wecom:"required"`
	NeedEnterSessionContext int      `json:"need_enter_session_context,omitempty"`
}

type customerAnswer struct {
	CustomerList          []Customer `json:"customer_list"`
	InvalidExternalUserID []string   `json:"invalid_external_userid"`
}

type upgradeRequest struct {
	OpenKfID       string          `json:"open_kfid" wecom:"required"`
	ExternalUserID string          `json:"external_userid" wecom:"required"`
	Type           int             `json:"type" wecom:"required"`
	Member         *upgradeMember  `json:"member,omitempty"`
	GroupChat      *upgradeGroupCh `json:"groupchat,omitempty"`
}

type upgradeMember struct {
	UserID  string `json:"userid"`
	Wording string `json:"wording,omitempty"`
}

type upgradeGroupCh struct {
	ChatID  string `json:"chat_id"`
	Wording string `json:"wording,omitempty"`
}

type statisticRequest struct {
	OpenKfID       string `json:"open_kfid" wecom:"required"`
	ServicerUserID string `json:"servicer_userid,omitempty"`
	StartTime      int64  `json:"start_time" wecom:"required"`
	EndTime        int64  `json:"end_time" wecom:"required"`
}

type corpStatisticAnswer struct {
	StatisticList []CorpStatistic `json:"statistic_list"`
}

type servicerStatisticAnswer struct {
	StatisticList []ServicerStatistic `json:"statistic_list"`
}
