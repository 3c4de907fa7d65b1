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
	// the admin console (conditions included; WeCom asks that the process
	// have no node the applicant fills in, 申请人自选); otherwise
	// Process gives it.
	UseTemplateApprover bool
	// Process is the application's approvers, cc and handlers, node by
	// node; required unless UseTemplateApprover.
	Process Process
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
	switch {
	case a.UseTemplateApprover && len(a.Process.Nodes) > 0:
		return fmt.Errorf("%w: a process and the template's process: WeCom would ignore the process", ErrInvalidArgument)
	case !a.UseTemplateApprover && len(a.Process.Nodes) == 0:
		return fmt.Errorf("%w: a process is needed unless the template's process is used", ErrInvalidArgument)
	}
	for i, n := range a.Process.Nodes {
		if err := n.check(i); err != nil {
			return err
		}
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
		CreatorUserID: a.CreatorUserID, TemplateID: a.TemplateID,
		ChooseDepartment: a.ChooseDepartment, ApplyData: ApplyData{Contents: a.Controls},
	}
	if a.UseTemplateApprover {
		req.UseTemplateApprover = 1
	} else {
		req.Process = &a.Process
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
