package oa

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
)

// ErrNotApprovalEvent is returned by [ParseApprovalEvent] for a callback
// that is not a sys_approval_change one.
var ErrNotApprovalEvent = errors.New("oa: not a sys_approval_change callback")

// Change is what changed an application (StatuChangeEvent).
type Change int

// Changes WeCom reports.
const (
	ChangeSubmitted            Change = 1  // 提单
	ChangeAgreed               Change = 2  // 同意
	ChangeRejected             Change = 3  // 驳回
	ChangeTransferred          Change = 4  // 转审
	ChangeUrged                Change = 5  // 催办
	ChangeRevoked              Change = 6  // 撤销
	ChangeRevokedAfterApproval Change = 8  // 通过后撤销
	ChangeCommented            Change = 10 // 添加备注
)

// ApprovalEvent is a sys_approval_change callback: an application of the
// approval app changed (doc 91815; for 代开发 apps 96508, third-party apps
// 92633). It carries the application's state after the change; read
// [Client.Approval] for its form.
type ApprovalEvent struct {
	CorpID     string // ToUserName
	AgentID    int64
	At         time.Time // CreateTime
	SpNo       string
	SpName     string
	Status     Status // the application's state after the change
	TemplateID string
	ApplyTime  int64 // Unix seconds
	Applicant  Applicant
	Records    []Record
	Notifiers  []UserRef
	Comments   []Comment
	Change     Change
}

type wireApprovalEvent struct {
	ToUserName string `xml:"ToUserName"`
	CreateTime string `xml:"CreateTime"`
	AgentID    string `xml:"AgentID"`
	Info       struct {
		SpNo       string `xml:"SpNo"`
		SpNoStr    string `xml:"SpNoStr"`
		SpName     string `xml:"SpName"`
		SpStatus   string `xml:"SpStatus"`
		TemplateID string `xml:"TemplateId"`
		ApplyTime  string `xml:"ApplyTime"`
		Applyer    struct {
			UserID string `xml:"UserId"`
			Party  string `xml:"Party"`
		} `xml:"Applyer"`
		SpRecord []struct {
			SpStatus     string `xml:"SpStatus"`
			ApproverAttr string `xml:"ApproverAttr"`
			Details      []struct {
				Approver struct {
					UserID string `xml:"UserId"`
				} `xml:"Approver"`
				Speech   string   `xml:"Speech"`
				SpStatus string   `xml:"SpStatus"`
				SpTime   string   `xml:"SpTime"`
				Attach   []string `xml:"Attach"`
			} `xml:"Details"`
		} `xml:"SpRecord"`
		Notifyer []struct {
			UserID string `xml:"UserId"`
		} `xml:"Notifyer"`
		Comments []struct {
			CommentUserInfo struct {
				UserID string `xml:"UserId"`
			} `xml:"CommentUserInfo"`
			CommentTime    string   `xml:"CommentTime"`
			CommentContent string   `xml:"CommentContent"`
			CommentID      string   `xml:"CommentId"`
			Attach         []string `xml:"Attach"`
			// MediaID is the attachments' element in an older form of doc
			// 91815's table; both are read.
			MediaID []string `xml:"MediaId"`
		} `xml:"Comments"`
		StatuChangeEvent string `xml:"StatuChangeEvent"`
	} `xml:"ApprovalInfo"`
}

// numbers converts text fields, keeping the first error.
type numbers struct{ err error }

func (p *numbers) int(name, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("oa: sys_approval_change: %s is not a number", name)
	}
	return n
}

// ParseApprovalEvent types a decrypted sys_approval_change callback
// (Event sys_approval_change). Anything else is [ErrNotApprovalEvent]; a
// malformed field is an error naming it, never a panic. The approval
// number is read from SpNoStr when WeCom sends it (since 2025), else from
// SpNo.
func ParseApprovalEvent(ev *crypto.Event) (*ApprovalEvent, error) {
	if ev == nil || ev.Event != "sys_approval_change" {
		return nil, ErrNotApprovalEvent
	}
	if ev.IsJSON() {
		return nil, fmt.Errorf("%w: a JSON callback", ErrNotApprovalEvent)
	}
	var w wireApprovalEvent
	if err := xml.Unmarshal(ev.Raw, &w); err != nil {
		return nil, errors.New("oa: sys_approval_change: not well-formed XML")
	}
	var p numbers
	in := &w.Info
	out := &ApprovalEvent{
		CorpID: w.ToUserName, AgentID: p.int("AgentID", w.AgentID),
		SpNo: strings.TrimSpace(in.SpNoStr), SpName: in.SpName, Status: Status(p.int("SpStatus", in.SpStatus)),
		TemplateID: in.TemplateID, ApplyTime: p.int("ApplyTime", in.ApplyTime),
		Applicant: Applicant{UserID: in.Applyer.UserID, PartyID: in.Applyer.Party},
		Change:    Change(p.int("StatuChangeEvent", in.StatuChangeEvent)),
	}
	if out.SpNo == "" {
		out.SpNo = strings.TrimSpace(in.SpNo)
	}
	if t := p.int("CreateTime", w.CreateTime); t > 0 {
		out.At = time.Unix(t, 0)
	}
	for _, r := range in.SpRecord {
		rec := Record{Status: NodeStatus(p.int("SpRecord.SpStatus", r.SpStatus)), ApproverAttr: int(p.int("ApproverAttr", r.ApproverAttr))}
		for _, d := range r.Details {
			rec.Details = append(rec.Details, RecordDetail{
				Approver: UserRef{UserID: d.Approver.UserID}, Speech: d.Speech,
				Status: NodeStatus(p.int("Details.SpStatus", d.SpStatus)), SpTime: p.int("SpTime", d.SpTime), MediaIDs: d.Attach,
			})
		}
		out.Records = append(out.Records, rec)
	}
	for _, n := range in.Notifyer {
		out.Notifiers = append(out.Notifiers, UserRef{UserID: n.UserID})
	}
	for _, c := range in.Comments {
		out.Comments = append(out.Comments, Comment{User: UserRef{UserID: c.CommentUserInfo.UserID},
			Time: p.int("CommentTime", c.CommentTime), Content: c.CommentContent, ID: c.CommentID, MediaIDs: append(c.Attach, c.MediaID...)})
	}
	if p.err != nil {
		return nil, p.err
	}
	if out.SpNo == "" {
		return nil, errors.New("oa: sys_approval_change: no SpNo")
	}
	return out, nil
}
