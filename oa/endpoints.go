package oa

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once. All take a corporation's
// access_token (see [Client]).
var (
	getTemplateDetail = &wecom.Endpoint[wecom.CorpToken, *templateIDRequest, templateAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/gettemplatedetail", Doc: 91982, Idempotent: true,
		Entry: "oa.Client.Template",
	}
	createTemplate = &wecom.Endpoint[wecom.CorpToken, *templateRequest, createTemplateAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/approval/create_template", Doc: 97437,
		Entry: "oa.Client.CreateTemplate",
	}
	updateTemplate = &wecom.Endpoint[wecom.CorpToken, *templateRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/approval/update_template", Doc: 97438, Idempotent: true,
		Entry: "oa.Client.UpdateTemplate",
	}
	applyEvent = &wecom.Endpoint[wecom.CorpToken, *applyRequest, applyAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/applyevent", Doc: 91853,
		Entry: "oa.Client.Apply",
	}
	getApprovalInfo = &wecom.Endpoint[wecom.CorpToken, *approvalInfoRequest, approvalInfoAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/getapprovalinfo", Doc: 91816, Idempotent: true,
		Entry: "oa.Client.ApprovalNumbers",
	}
	getApprovalDetail = &wecom.Endpoint[wecom.CorpToken, *spNoRequest, approvalDetailAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/getapprovaldetail", Doc: 91983, Idempotent: true,
		Entry: "oa.Client.Approval",
	}
	getCorpConf = &wecom.Endpoint[wecom.CorpToken, struct{}, leaveTypesAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/oa/vacation/getcorpconf", Doc: 93375,
		Entry: "oa.Client.LeaveTypes",
	}
	getUserVacationQuota = &wecom.Endpoint[wecom.CorpToken, *userRequest, leaveBalancesAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/vacation/getuservacationquota", Doc: 93376, Idempotent: true,
		Entry: "oa.Client.LeaveBalances",
	}
	setOneUserQuota = &wecom.Endpoint[wecom.CorpToken, *setQuotaRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/oa/vacation/setoneuserquota", Doc: 93377, Idempotent: true,
		Entry: "oa.Client.SetLeaveBalance",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		getTemplateDetail.Info(), createTemplate.Info(), updateTemplate.Info(), applyEvent.Info(),
		getApprovalInfo.Info(), getApprovalDetail.Info(), getCorpConf.Info(), getUserVacationQuota.Info(),
		setOneUserQuota.Info(),
	}
}

type templateIDRequest struct {
	TemplateID string `json:"template_id" wecom:"required"`
}

type templateContent struct {
	Controls []TemplateControl `json:"controls"`
}

type templateAnswer struct {
	TemplateNames   []Text          `json:"template_names"`
	TemplateContent templateContent `json:"template_content"`
}

type templateRequest struct {
	TemplateID      string          `json:"template_id,omitempty"`
	TemplateName    []Text          `json:"template_name" wecom:"required"`
	TemplateContent templateContent `json:"template_content"`
}

type createTemplateAnswer struct {
	TemplateID string `json:"template_id"`
}

type summaryLine struct {
	Info []Text `json:"summary_info"`
}

type applyRequest struct {
	CreatorUserID       string        `json:"creator_userid" wecom:"required"`
	TemplateID          string        `json:"template_id" wecom:"required"`
	UseTemplateApprover int           `json:"use_template_approver"`
	ChooseDepartment    int64         `json:"choose_department,omitempty"`
	Process             *Process      `json:"process,omitempty"`
	ApplyData           ApplyData     `json:"apply_data"`
	SummaryList         []summaryLine `json:"summary_list" wecom:"required"`
}

type applyAnswer struct {
	SpNo string `json:"sp_no"`
}

// approvalInfoRequest: starttime and endtime travel as decimal strings,
// as in the page's example.
type approvalInfoRequest struct {
	StartTime string   `json:"starttime" wecom:"required"`
	EndTime   string   `json:"endtime" wecom:"required"`
	NewCursor string   `json:"new_cursor"`
	Size      int      `json:"size"`
	Filters   []Filter `json:"filters,omitempty"`
}

type approvalInfoAnswer struct {
	SpNoList      []string `json:"sp_no_list"`
	NewNextCursor string   `json:"new_next_cursor"`
}

type spNoRequest struct {
	SpNo string `json:"sp_no" wecom:"required"`
}

type approvalDetailAnswer struct {
	Info Approval `json:"info"`
}

type leaveTypesAnswer struct {
	Lists []LeaveType `json:"lists"`
}

type userRequest struct {
	UserID string `json:"userid" wecom:"required"`
}

type leaveBalancesAnswer struct {
	Lists []LeaveBalance `json:"lists"`
}

type setQuotaRequest struct {
	UserID       string `json:"userid" wecom:"required"`
	VacationID   int    `json:"vacation_id"`
	LeftDuration int64  `json:"leftduration"`
	TimeAttr     int    `json:"time_attr"`
	Remarks      string `json:"remarks,omitempty"`
}
