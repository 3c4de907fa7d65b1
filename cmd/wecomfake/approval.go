package main

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/oa"
)

// approvalStatuses are the states wecomfake approval moves an application
// to, by name (sp_status, doc 91983).
var approvalStatuses = map[string]oa.Status{
	"pending":                oa.StatusPending,
	"approved":               oa.StatusApproved,
	"rejected":               oa.StatusRejected,
	"revoked":                oa.StatusRevoked,
	"revoked-after-approval": oa.StatusRevokedAfterApproval,
}

// approval moves an application to a state, as its approvers or its
// applicant would, and pushes sys_approval_change to the callback of the
// app that applied, when it has one (doc 91815).
func (c *control) approval(ctx context.Context, body []byte) (any, error) {
	var req approvalRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.CorpID == "" {
		req.CorpID = fakeCorpID
	}
	known := false
	for _, st := range approvalStatuses {
		known = known || st == oa.Status(req.Status)
	}
	if !known {
		return nil, badRequest("status %d: 1 pending, 2 approved, 3 rejected, 4 revoked or 6 revoked after approval", req.Status)
	}
	agentID, ok := c.srv.ApprovalAgentID(req.CorpID, req.SpNo)
	if !ok {
		return nil, badRequest("%q has no approval %q", req.CorpID, req.SpNo)
	}
	cb, hasCallback := c.srv.AppCallbackOf(req.CorpID, agentID)
	ctx, cancel := pushContext(ctx)
	defer cancel()
	err := c.srv.SetApprovalStatus(ctx, req.CorpID, req.SpNo, oa.Status(req.Status))
	out := pushAnswer{Done: []string{fmt.Sprintf("approval %s: %s", req.SpNo, oa.Status(req.Status))}}
	if !hasCallback {
		out.Done = append(out.Done, fmt.Sprintf("app %d has no callback: sys_approval_change not pushed", agentID))
		return out, nil
	}
	out.add("sys_approval_change to "+cb.URL, err)
	return out, nil
}
