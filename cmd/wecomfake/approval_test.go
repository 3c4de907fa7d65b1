package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oa"
	"github.com/wecomkit/wecomkit/wecom"
)

// wecomfake approval moves an application the app made and pushes
// sys_approval_change to the app's callback.
func TestApprovalStatus(t *testing.T) {
	appCB := newRecorder(t, fakeAppToken, fakeAppAESKey, fakeCorpID)
	f := startInProcess(t, "-push-tickets=false")
	ctx := context.Background()
	client, err := wecom.New(fakeCorpID, fakeAppSecret, wecom.WithAgentID(fakeAgentID), wecom.WithBaseURL(f.base))
	require.NoError(t, err)
	o := oa.New(client)
	tpl, err := o.CreateTemplate(ctx, oa.Template{Names: oa.Chinese("报销"), Controls: []oa.TemplateControl{
		{Property: oa.ControlProperty{Kind: oa.KindText, ID: "Text-01", Title: oa.Chinese("事由"), Require: 1}}}})
	require.NoError(t, err)
	apply := func() string {
		spNo, err := o.Apply(ctx, oa.Application{CreatorUserID: firstMemberID, TemplateID: tpl,
			Process:  oa.Process{Nodes: []oa.Node{{Type: oa.NodeApprover, Rel: oa.RelAny, UserIDs: []string{"lisi"}}}},
			Controls: []oa.Control{{Kind: oa.KindText, ID: "Text-01", Text: "出差"}}, Summary: []string{"出差"}})
		require.NoError(t, err)
		return spNo
	}

	// No callback: the state changes, nothing is pushed.
	first := apply()
	stdout, stderr, code := cli(f.base, "approval", first, "rejected")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "approval "+first+": rejected")
	require.Contains(t, stdout, "no callback")
	a, err := o.Approval(ctx, first)
	require.NoError(t, err)
	require.Equal(t, oa.StatusRejected, a.Status)
	require.Equal(t, oa.NodeRejected, a.Process.Nodes[0].Status)

	_, stderr, code = cli(f.base, "callback", "app", appCB.srv.URL)
	require.Equal(t, 0, code, stderr)
	second := apply()
	stdout, stderr, code = cli(f.base, "approval", second, "approved")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "pushed sys_approval_change to "+appCB.srv.URL)
	ev := appCB.next(t)
	e, err := oa.ParseApprovalEvent(ev)
	require.NoError(t, err)
	require.Equal(t, second, e.SpNo)
	require.Equal(t, oa.StatusApproved, e.Status)
	require.Equal(t, oa.ChangeAgreed, e.Change)
	a, err = o.Approval(ctx, second)
	require.NoError(t, err)
	require.Equal(t, oa.StatusApproved, a.Status)
}
