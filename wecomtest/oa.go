package wecomtest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/oa"
)

// Approvals (审批) and leave (假期): templates (oa/gettemplatedetail doc
// 91982, oa/approval/create_template 97437, update_template 97438),
// applications (oa/applyevent 91853, getapprovalinfo 91816,
// getapprovaldetail 91983; the process given as process.node_list is
// recorded node by node in process_list, its approver and handler nodes
// in sp_record and its cc nodes in notifyer) whose state a test changes with
// [Server.SetApprovalStatus], which pushes sys_approval_change (91815) to
// the applying app's callback, and leave (oa/vacation/getcorpconf 93375,
// getuservacationquota 93376, setoneuserquota 93377).
//
// The model: every app token of the corporation may call (WeCom requires
// the app to be configured in 「审批 - 可调用接口的应用」, which the fake
// does not model); every member is visible; templates are added by the
// admin with [Server.AddApprovalTemplate] or created through the API.
//
// Errcodes: 301025 (get approval param error, what WeCom answers a bad
// starttime/endtime, creator or notify_type) for a bad or unknown
// parameter of the approval calls — a period over 31 days, an unknown
// template or approval number, a control that is not the template's or a
// required control left empty, an application without a process (and not
// on the template's), a process node of a type other than 1–3, without
// userid, or an approver or handler node without apv_rel 1–3; 301086 (审批控件参数错误) for a template
// control without id, kind or title, a duplicated id or a second leave
// control; 301088 (无审批应用权限) for updating a template another app
// created; 301063 (参数错误) for the leave calls; 40058 for a cursor the
// fake did not issue. The choice of 301025 for unknown numbers and
// templates is the fake's reading: the pages do not say.

// oaMaxRange is getapprovalinfo's longest period (doc 91816: 31 days).
const oaMaxRange = 31 * 24 * 3600

// oaZone is the zone approval numbers and days are counted in (WeCom's,
// UTC+8).
var oaZone = time.FixedZone("UTC+8", 8*3600)

// oaState is the fake's model of approvals (审批) and leave.
type oaState struct {
	mu    sync.Mutex
	corps map[string]*oaCorp
}

type oaCorp struct {
	templates map[string]*oaTemplate
	approvals map[string]*oaApproval
	daySeq    map[string]int // yyyymmdd → approvals numbered that day
	leave     []oa.LeaveType
	balances  map[string]map[int]oa.LeaveBalance // userid → leave type id → balance
	seq       int
}

type oaTemplate struct {
	t       oa.Template
	agentID int64 // the app that created it; 0 for the admin's
}

type oaApproval struct {
	a       oa.Approval
	agentID int64 // the app that applied
}

// addOARoutes adds the routes of approvals (审批) and leave.
func (s *Server) addOARoutes() {
	s.oa.corps = make(map[string]*oaCorp)
	s.routes["/cgi-bin/oa/gettemplatedetail"] = s.authed(s.handleOATemplate)
	s.routes["/cgi-bin/oa/approval/create_template"] = s.authed(s.handleOACreateTemplate)
	s.routes["/cgi-bin/oa/approval/update_template"] = s.authed(s.handleOAUpdateTemplate)
	s.routes["/cgi-bin/oa/applyevent"] = s.authed(s.handleOAApply)
	s.routes["/cgi-bin/oa/getapprovalinfo"] = s.authed(s.handleOAApprovalInfo)
	s.routes["/cgi-bin/oa/getapprovaldetail"] = s.authed(s.handleOAApprovalDetail)
	s.routes["/cgi-bin/oa/vacation/getcorpconf"] = s.authed(s.handleOALeaveTypes)
	s.routes["/cgi-bin/oa/vacation/getuservacationquota"] = s.authed(s.handleOALeaveBalances)
	s.routes["/cgi-bin/oa/vacation/setoneuserquota"] = s.authed(s.handleOASetLeaveBalance)
}

func (o *oaState) corpLocked(corpID string) *oaCorp {
	c := o.corps[corpID]
	if c == nil {
		c = &oaCorp{templates: make(map[string]*oaTemplate), approvals: make(map[string]*oaApproval),
			daySeq: make(map[string]int), balances: make(map[string]map[int]oa.LeaveBalance)}
		o.corps[corpID] = c
	}
	return c
}

// cloneJSON deep-copies v through JSON, so that what a test reads or hands
// over shares nothing with the fake's state.
func cloneJSON[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic("wecomtest: " + err.Error())
	}
	var out T
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&out); err != nil {
		panic("wecomtest: " + err.Error())
	}
	return out
}

// flexInt is a JSON number or a decimal string (getapprovalinfo's times
// travel as strings in WeCom's example, as numbers in some SDKs').
type flexInt int64

func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	n, err := strconv.ParseInt(string(b), 10, 64)
	*f = flexInt(n)
	return err
}
