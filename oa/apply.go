package oa

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// Application is an application to make on a member's behalf
// (oa/applyevent, doc 91853).
type Application struct {
	// CreatorUserID is the applicant, who must be in the app's visible
	// range.
	CreatorUserID string
	TemplateID    string
	// UseTemplateApprover applies with the process set on the template in
	// the admin console (conditions included); otherwise Approvers and
	// Notifiers give the process.
	UseTemplateApprover bool
	Approvers           []ApproverNode
	Notifiers           []string
	// NotifyType is when notifiers are told: 1 on applying (WeCom's
	// default), 2 once approved, 3 both; 0 leaves it to WeCom (WeCom
	// refuses an explicit 0).
	NotifyType int
	// ChooseDepartment is the applicant's department to apply from, for a
	// member of several.
	ChooseDepartment int64
	// Controls fill the template's controls by id; required ones must be
	// set. Formula values are left out: WeCom computes them.
	Controls []Control
	// Summary is up to 3 lines (of 20 characters) shown on the approval
	// card and in lists.
	Summary []string
}

// ApproverNode is a node of the process: its approvers and how they
// decide (AnyApprover or AllApprovers, for several).
type ApproverNode struct {
	Attr    int      `json:"attr"`
	UserIDs []string `json:"userid"`
}

// Limits of an application (doc 91853).
const (
	MaxSummaryLines   = 3
	MaxSummaryLineLen = 20 // characters
	MaxFiles          = 6  // attachments in one application
)

// Check reports, wrapping [ErrInvalidArgument], what WeCom would refuse.
func (a *Application) Check() error {
	if err := required("creator userid", a.CreatorUserID); err != nil {
		return err
	}
	if err := required("template id", a.TemplateID); err != nil {
		return err
	}
	if !a.UseTemplateApprover && len(a.Approvers) == 0 {
		return fmt.Errorf("%w: approvers are needed unless the template's process is used", ErrInvalidArgument)
	}
	for _, n := range a.Approvers {
		if len(n.UserIDs) == 0 || (len(n.UserIDs) > 1 && n.Attr != AnyApprover && n.Attr != AllApprovers) {
			return fmt.Errorf("%w: an approver node needs approvers, and Attr 1 or 2 for several", ErrInvalidArgument)
		}
	}
	if a.NotifyType < 0 || a.NotifyType > 3 {
		return fmt.Errorf("%w: notify type %d", ErrInvalidArgument, a.NotifyType)
	}
	if len(a.Summary) == 0 || len(a.Summary) > MaxSummaryLines {
		return fmt.Errorf("%w: 1 to %d summary lines", ErrInvalidArgument, MaxSummaryLines)
	}
	for _, l := range a.Summary {
		if l == "" || utf8.RuneCountInString(l) > MaxSummaryLineLen {
			return fmt.Errorf("%w: summary line %q: 1 to %d characters", ErrInvalidArgument, l, MaxSummaryLineLen)
		}
	}
	files := 0
	var count func([]Control)
	count = func(cs []Control) {
		for _, c := range cs {
			files += len(c.Files)
			for _, r := range c.Rows {
				count(r.Controls)
			}
		}
	}
	count(a.Controls)
	if files > MaxFiles {
		return fmt.Errorf("%w: %d attachments, WeCom takes %d", ErrInvalidArgument, files, MaxFiles)
	}
	return nil
}

// Apply makes application a and returns its approval number (sp_no)
// (oa/applyevent, doc 91853). WeCom allows 60 calls a minute, and no
// applications on the punch-correction (补卡) or shift-change (调班)
// templates. Apply is not repeated after a transport failure: it would
// apply twice.
func (c *Client) Apply(ctx context.Context, a Application) (string, error) {
	if err := a.Check(); err != nil {
		return "", err
	}
	req := &applyRequest{
		CreatorUserID: a.CreatorUserID, TemplateID: a.TemplateID, Approver: a.Approvers, Notifyer: a.Notifiers,
		NotifyType: a.NotifyType, ChooseDepartment: a.ChooseDepartment, ApplyData: ApplyData{Contents: a.Controls},
	}
	if a.UseTemplateApprover {
		req.UseTemplateApprover = 1
	}
	if req.ApplyData.Contents == nil {
		req.ApplyData.Contents = []Control{}
	}
	for _, l := range a.Summary {
		req.SummaryList = append(req.SummaryList, summaryLine{Info: Chinese(l)})
	}
	ans, err := applyEvent.Call(ctx, c.corp, req)
	if err != nil {
		return "", fmt.Errorf("oa: apply on template %s for %s: %w", a.TemplateID, a.CreatorUserID, err)
	}
	return ans.SpNo, nil
}
