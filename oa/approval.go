package oa

import (
	"context"
	"fmt"
	"time"
)

// Status is an application's state (sp_status, doc 91983).
type Status int

// Application states.
const (
	StatusPending              Status = 1  // 审批中
	StatusApproved             Status = 2  // 已通过
	StatusRejected             Status = 3  // 已驳回
	StatusRevoked              Status = 4  // 已撤销
	StatusRevokedAfterApproval Status = 6  // 通过后撤销
	StatusDeleted              Status = 7  // 已删除
	StatusPaid                 Status = 10 // 已支付
)

// String names the state.
func (s Status) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusApproved:
		return "approved"
	case StatusRejected:
		return "rejected"
	case StatusRevoked:
		return "revoked"
	case StatusRevokedAfterApproval:
		return "revoked after approval"
	case StatusDeleted:
		return "deleted"
	case StatusPaid:
		return "paid"
	}
	return fmt.Sprintf("status %d", int(s))
}

// NodeStatus is the state of an approval node or of one approver in it.
type NodeStatus int

// Node and approver states.
const (
	NodePending     NodeStatus = 1 // 审批中
	NodeAgreed      NodeStatus = 2 // 已同意
	NodeRejected    NodeStatus = 3 // 已驳回
	NodeTransferred NodeStatus = 4 // 已转审
	// The states below appear in the detail's process_list only.
	NodeReturned         NodeStatus = 11 // 退回给指定审批人
	NodeCountersigned    NodeStatus = 12 // 加签
	NodeAgreedAndCounter NodeStatus = 13 // 同意并加签
	NodeHandled          NodeStatus = 14 // 办理
	NodeHandedOver       NodeStatus = 15 // 转交
)

// How the approvers of a node decide (approverattr of the detail's
// sp_record; a [Process] node says it with a [Relation], numbered
// otherwise).
const (
	AnyApprover  = 1 // 或签: one approver decides
	AllApprovers = 2 // 会签: every approver must agree
)

// Approval is an application's detail (info of oa/getapprovaldetail, doc
// 91983).
type Approval struct {
	SpNo       string    `json:"sp_no"`
	SpName     string    `json:"sp_name"` // the template's name
	Status     Status    `json:"sp_status"`
	TemplateID string    `json:"template_id"`
	ApplyTime  int64     `json:"apply_time"` // Unix seconds
	Applicant  Applicant `json:"applyer"`
	Records    []Record  `json:"sp_record"`
	Notifiers  []UserRef `json:"notifyer"`
	Data       ApplyData `json:"apply_data"`
	Comments   []Comment `json:"comments"`
	// Process is every node of the process, cc and handler nodes
	// included, as the current page of the detail gives it; Records and
	// Notifiers give the approver and cc nodes the older way.
	Process ProcessList `json:"process_list"`
}

// Applied returns when the application was made.
func (a *Approval) Applied() time.Time { return time.Unix(a.ApplyTime, 0) }

// Applicant is the member who applied.
type Applicant struct {
	UserID  string `json:"userid"`
	PartyID string `json:"partyid"` // the department applied from
}

// UserRef names a member.
type UserRef struct {
	UserID string `json:"userid"`
}

// Record is an approval node (sp_record): its state, how its approvers
// decide, and each approver's decision.
type Record struct {
	Status       NodeStatus     `json:"sp_status"`
	ApproverAttr int            `json:"approverattr"` // AnyApprover or AllApprovers
	Details      []RecordDetail `json:"details"`
}

// RecordDetail is one approver's decision in a node.
type RecordDetail struct {
	Approver UserRef    `json:"approver"`
	Speech   string     `json:"speech"` // the approver's comment
	Status   NodeStatus `json:"sp_status"`
	SpTime   int64      `json:"sptime"` // Unix seconds; 0 until the approver acts
	MediaIDs []string   `json:"media_id"`
}

// ApplyData is an application's form: its filled-in controls.
type ApplyData struct {
	Contents []Control `json:"contents"`
}

// Comment is a note added to an application (备注).
type Comment struct {
	User     UserRef  `json:"commentUserInfo"`
	Time     int64    `json:"commenttime"` // Unix seconds
	Content  string   `json:"commentcontent"`
	ID       string   `json:"commentid"`
	MediaIDs []string `json:"media_id"`
}

// Approval returns application spNo with its form decoded into typed
// controls (oa/getapprovaldetail, doc 91983). WeCom allows 600 calls a
// minute.
func (c *Client) Approval(ctx context.Context, spNo string) (*Approval, error) {
	if err := required("approval number", spNo); err != nil {
		return nil, err
	}
	a, err := getApprovalDetail.Call(ctx, c.corp, &spNoRequest{SpNo: spNo})
	if err != nil {
		return nil, fmt.Errorf("oa: approval %s: %w", spNo, err)
	}
	return &a.Info, nil
}
