package oa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oa"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// bodies records the JSON bodies of the calls to one path.
type bodies struct {
	path string
	mu   sync.Mutex
	got  [][]byte
}

func (b *bodies) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == b.path {
			raw, _ := io.ReadAll(r.Body)
			b.mu.Lock()
			b.got = append(b.got, raw)
			b.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(raw))
		}
		next.ServeHTTP(w, r)
	})
}

func (b *bodies) last(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.NotEmpty(t, b.got)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b.got[len(b.got)-1], &m))
	return m
}

// Apply sends the process as WeCom's current page documents it —
// process.node_list, no approver/notifyer — and the detail reflects it
// node by node.
func TestApplyProcess(t *testing.T) {
	seen := &bodies{path: "/cgi-bin/oa/applyevent"}
	clock := wecomtest.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithMiddleware(seen.middleware),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now))
	require.NoError(t, err)
	o := oa.New(c)
	ctx := context.Background()
	tpl := srv.AddApprovalTemplate(corpID, leaveTemplate("报销"))

	app := application(tpl)
	app.Process.Nodes = append(app.Process.Nodes,
		oa.Node{Type: oa.NodeHandler, Rel: oa.RelSequential, UserIDs: []string{"cashier", "clerk"}})
	spNo, err := o.Apply(ctx, app)
	require.NoError(t, err)

	body := seen.last(t)
	require.JSONEq(t, `{"node_list":[
		{"type":1,"apv_rel":1,"userid":["lisi","wangwu"]},
		{"type":1,"apv_rel":2,"userid":["boss"]},
		{"type":2,"userid":["hr"]},
		{"type":3,"apv_rel":3,"userid":["cashier","clerk"]}]}`, string(body["process"]))
	require.JSONEq(t, `0`, string(body["use_template_approver"]))
	require.JSONEq(t, `3`, string(body["choose_department"]))
	for _, old := range []string{"approver", "notifyer", "notify_type"} {
		require.NotContains(t, body, old, "the older form is not sent")
	}

	a, err := o.Approval(ctx, spNo)
	require.NoError(t, err)
	require.Equal(t, []oa.ProcessNode{
		{Type: oa.NodeApprover, Status: oa.NodePending, Rel: oa.RelAll, SubNodes: []oa.SubNode{
			{UserID: "lisi", Status: oa.NodePending, MediaIDs: []string{}}, {UserID: "wangwu", Status: oa.NodePending, MediaIDs: []string{}}}},
		{Type: oa.NodeApprover, Status: oa.NodePending, Rel: oa.RelAny, SubNodes: []oa.SubNode{
			{UserID: "boss", Status: oa.NodePending, MediaIDs: []string{}}}},
		{Type: oa.NodeCC, SubNodes: []oa.SubNode{{UserID: "hr", MediaIDs: []string{}}}},
		{Type: oa.NodeHandler, Status: oa.NodePending, Rel: oa.RelSequential, SubNodes: []oa.SubNode{
			{UserID: "cashier", Status: oa.NodePending, MediaIDs: []string{}}, {UserID: "clerk", Status: oa.NodePending, MediaIDs: []string{}}}},
	}, a.Process.Nodes)
	// sp_record: one record per approver or handler node.
	require.Len(t, a.Records, 3)
	require.Equal(t, oa.AllApprovers, a.Records[0].ApproverAttr)
	require.Equal(t, oa.AnyApprover, a.Records[1].ApproverAttr)
	require.Equal(t, "cashier", a.Records[2].Details[0].Approver.UserID)
	require.Equal(t, []oa.UserRef{{UserID: "hr"}}, a.Notifiers)

	clock.Advance(time.Minute)
	require.NoError(t, srv.SetApprovalStatus(ctx, corpID, spNo, oa.StatusRejected))
	a, err = o.Approval(ctx, spNo)
	require.NoError(t, err)
	require.Equal(t, oa.NodeRejected, a.Process.Nodes[0].Status, "the first pending node rejects")
	require.Equal(t, clock.Now().Unix(), a.Process.Nodes[0].SubNodes[1].SpTime)
	require.Equal(t, oa.NodePending, a.Process.Nodes[1].Status)
	require.Equal(t, oa.NodeRejected, a.Records[0].Status)

	spNo2, err := o.Apply(ctx, app)
	require.NoError(t, err)
	require.NoError(t, srv.SetApprovalStatus(ctx, corpID, spNo2, oa.StatusApproved))
	a, _ = o.Approval(ctx, spNo2)
	for _, n := range a.Process.Nodes {
		if n.Type != oa.NodeCC {
			require.Equal(t, oa.NodeAgreed, n.Status)
			require.Equal(t, oa.NodeAgreed, n.SubNodes[0].Status)
		}
	}
}

// The fake answers WeCom's code to process nodes no Client would send,
// and still takes the older approver/notifyer form.
func TestApplyProcessRefused(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tpl := f.srv.AddApprovalTemplate(corpID, leaveTemplate("报销"))
	post := func(extra map[string]any) (string, int) {
		body := map[string]any{"creator_userid": "zhangsan", "template_id": tpl, "use_template_approver": 0,
			"apply_data":   map[string]any{"contents": []map[string]any{{"control": "Text", "id": "Text-01", "value": map[string]any{"text": "x"}}}},
			"summary_list": []map[string]any{{"summary_info": []map[string]string{{"text": "x", "lang": "zh_CN"}}}}}
		for k, v := range extra {
			body[k] = v
		}
		var ans struct {
			SpNo string `json:"sp_no"`
		}
		err := f.client.Post(ctx, "/cgi-bin/oa/applyevent", nil, body, &ans)
		return ans.SpNo, wecom.ErrorCode(err)
	}
	node := func(typ, rel int, users ...string) map[string]any {
		return map[string]any{"process": map[string]any{"node_list": []map[string]any{{"type": typ, "apv_rel": rel, "userid": users}}}}
	}
	for name, extra := range map[string]map[string]any{
		"no process":        {},
		"no nodes":          {"process": map[string]any{"node_list": []any{}}},
		"no userid":         node(1, 2),
		"an empty userid":   node(1, 2, ""),
		"type 0":            node(0, 2, "lisi"),
		"type 4":            node(4, 2, "lisi"),
		"approver, no rel":  node(1, 0, "lisi"),
		"handler, rel 4":    node(3, 4, "lisi"),
		"old form, no user": {"approver": []map[string]any{{"attr": 1, "userid": []string{}}}},
	} {
		_, code := post(extra)
		require.Equal(t, 301025, code, name)
	}
	spNo, code := post(node(2, 0, "hr"))
	require.Equal(t, 0, code, "a cc node needs no apv_rel")
	a, _ := f.srv.Approval(corpID, spNo)
	require.Equal(t, []oa.UserRef{{UserID: "hr"}}, a.Notifiers)

	spNo, code = post(map[string]any{"approver": []map[string]any{{"attr": 2, "userid": []string{"lisi", "wangwu"}}},
		"notifyer": []string{"hr"}, "notify_type": 1})
	require.Equal(t, 0, code, "the older form")
	a, _ = f.srv.Approval(corpID, spNo)
	require.Equal(t, oa.AllApprovers, a.Records[0].ApproverAttr)
	require.Equal(t, oa.RelAll, a.Process.Nodes[0].Rel)
	require.Equal(t, oa.NodeCC, a.Process.Nodes[1].Type)
	_, code = post(map[string]any{"approver": []map[string]any{{"attr": 1, "userid": []string{"lisi"}}}, "notify_type": 0})
	require.Equal(t, 301025, code, "notify_type 0")
}
