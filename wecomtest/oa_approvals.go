package wecomtest

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/oa"
)

// Approval returns application spNo of corpID as the fake holds it.
func (s *Server) Approval(corpID, spNo string) (oa.Approval, bool) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	a := o.corpLocked(corpID).approvals[spNo]
	if a == nil {
		return oa.Approval{}, false
	}
	return cloneJSON(a.a), true
}

// ApprovalAgentID returns the agentid of the app that made application
// spNo of corpID: the app whose callback [Server.SetApprovalStatus]
// pushes to.
func (s *Server) ApprovalAgentID(corpID, spNo string) (int64, bool) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	a := o.corpLocked(corpID).approvals[spNo]
	if a == nil {
		return 0, false
	}
	return a.agentID, true
}

// SetApprovalStatus moves application spNo of corpID to status, as its
// approvers or applicant would: approving agrees every pending node,
// rejecting rejects the first pending one (in sp_record and in
// process_list alike). When the app that applied has a
// callback ([Server.SetAppCallback]), the change is pushed to it as a
// sys_approval_change event ([Server.PushApp]) and an error of the push is
// returned; the change stands either way.
func (s *Server) SetApprovalStatus(ctx context.Context, corpID, spNo string, status oa.Status) error {
	now := s.now().Unix()
	o := &s.oa
	o.mu.Lock()
	ap := o.corpLocked(corpID).approvals[spNo]
	if ap == nil {
		o.mu.Unlock()
		return fmt.Errorf("wecomtest: %s has no approval %s", corpID, spNo)
	}
	a := &ap.a
	var change oa.Change
	switch status {
	case oa.StatusApproved:
		change = oa.ChangeAgreed
		for i := range a.Records {
			decideNode(&a.Records[i], oa.NodeAgreed, now)
		}
		for i := range a.Process.Nodes {
			decideProcessNode(&a.Process.Nodes[i], oa.NodeAgreed, now)
		}
	case oa.StatusRejected:
		change = oa.ChangeRejected
		for i := range a.Records {
			if a.Records[i].Status == oa.NodePending {
				decideNode(&a.Records[i], oa.NodeRejected, now)
				break
			}
		}
		for i := range a.Process.Nodes {
			if a.Process.Nodes[i].Status == oa.NodePending {
				decideProcessNode(&a.Process.Nodes[i], oa.NodeRejected, now)
				break
			}
		}
	case oa.StatusRevoked:
		change = oa.ChangeRevoked
	case oa.StatusRevokedAfterApproval:
		change = oa.ChangeRevokedAfterApproval
	case oa.StatusPending:
		change = oa.ChangeSubmitted
	}
	a.Status = status
	xml := approvalEventXML(corpID, ap.agentID, now, a, change)
	agentID := ap.agentID
	o.mu.Unlock()

	s.mu.Lock()
	_, hasCallback := s.appCallbacks[appKey{corpID, agentID}]
	s.mu.Unlock()
	if !hasCallback {
		return nil
	}
	return s.PushApp(ctx, corpID, agentID, xml)
}

func decideNode(r *oa.Record, st oa.NodeStatus, now int64) {
	if r.Status != oa.NodePending {
		return
	}
	r.Status = st
	for i := range r.Details {
		if r.Details[i].Status == oa.NodePending {
			r.Details[i].Status, r.Details[i].SpTime = st, now
		}
	}
}

// decideProcessNode is decideNode for a node of process_list; cc nodes
// (no state) are left as they are.
func decideProcessNode(n *oa.ProcessNode, st oa.NodeStatus, now int64) {
	if n.Status != oa.NodePending {
		return
	}
	n.Status = st
	for i := range n.SubNodes {
		if n.SubNodes[i].Status == oa.NodePending {
			n.SubNodes[i].Status, n.SubNodes[i].SpTime = st, now
		}
	}
}

// approvalEventXML writes the sys_approval_change callback WeCom pushes
// (doc 91815).
func approvalEventXML(corpID string, agentID, now int64, a *oa.Approval, change oa.Change) []byte {
	p := newPushXML().str("ToUserName", corpID).str("FromUserName", "sys").num("CreateTime", now).
		str("MsgType", "event").str("Event", "sys_approval_change").num("AgentID", agentID)
	p.b.WriteString("<ApprovalInfo>")
	p.str("SpNoStr", a.SpNo)
	if n, err := strconv.ParseInt(a.SpNo, 10, 64); err == nil {
		p.num("SpNo", n)
	}
	p.str("SpName", a.SpName).num("SpStatus", int64(a.Status)).str("TemplateId", a.TemplateID).num("ApplyTime", a.ApplyTime)
	p.b.WriteString("<Applyer>")
	p.str("UserId", a.Applicant.UserID).str("Party", a.Applicant.PartyID)
	p.b.WriteString("</Applyer>")
	for _, r := range a.Records {
		p.b.WriteString("<SpRecord>")
		p.num("SpStatus", int64(r.Status)).num("ApproverAttr", int64(r.ApproverAttr))
		for _, d := range r.Details {
			p.b.WriteString("<Details><Approver>")
			p.str("UserId", d.Approver.UserID)
			p.b.WriteString("</Approver>")
			p.str("Speech", d.Speech).num("SpStatus", int64(d.Status)).num("SpTime", d.SpTime)
			for _, m := range d.MediaIDs {
				p.str("Attach", m)
			}
			p.b.WriteString("</Details>")
		}
		p.b.WriteString("</SpRecord>")
	}
	for _, n := range a.Notifiers {
		p.b.WriteString("<Notifyer>")
		p.str("UserId", n.UserID)
		p.b.WriteString("</Notifyer>")
	}
	for _, c := range a.Comments {
		p.b.WriteString("<Comments><CommentUserInfo>")
		p.str("UserId", c.User.UserID)
		p.b.WriteString("</CommentUserInfo>")
		p.num("CommentTime", c.Time).str("CommentContent", c.Content).str("CommentId", c.ID)
		p.b.WriteString("</Comments>")
	}
	p.num("StatuChangeEvent", int64(change))
	p.b.WriteString("</ApprovalInfo>")
	return p.done()
}

// handleOAApply serves POST oa/applyevent. The process is given by
// process.node_list (the current form) or, when that is absent, by the
// older approver, notifyer and notify_type fields, which the fake still
// accepts as WeCom's older page describes them.
func (s *Server) handleOAApply(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		CreatorUserID       string `json:"creator_userid"`
		TemplateID          string `json:"template_id"`
		UseTemplateApprover int    `json:"use_template_approver"`
		ChooseDepartment    int64  `json:"choose_department"`
		Process             *struct {
			NodeList []oa.Node `json:"node_list"`
		} `json:"process"`
		Approver []struct {
			Attr    int      `json:"attr"`
			UserIDs []string `json:"userid"`
		} `json:"approver"`
		Notifyer    []string     `json:"notifyer"`
		NotifyType  *int         `json:"notify_type"`
		ApplyData   oa.ApplyData `json:"apply_data"`
		SummaryList []struct {
			SummaryInfo []oa.Text `json:"summary_info"`
		} `json:"summary_list"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	bad := func(msg string) { writeError(w, 301025, "get approval param error:"+msg) }
	var nodes []oa.Node
	if b.UseTemplateApprover == 0 {
		switch {
		case b.Process != nil:
			if len(b.Process.NodeList) == 0 {
				bad("process.node_list")
				return
			}
			for _, n := range b.Process.NodeList {
				if msg := checkProcessNode(n); msg != "" {
					bad(msg)
					return
				}
			}
			nodes = b.Process.NodeList
		case len(b.Approver) > 0:
			if b.NotifyType != nil && (*b.NotifyType < 1 || *b.NotifyType > 3) {
				bad("notify_type")
				return
			}
			for _, n := range b.Approver {
				if len(n.UserIDs) == 0 || slices.Contains(n.UserIDs, "") {
					bad("approver.userid")
					return
				}
				rel := oa.RelAny
				if n.Attr == oa.AllApprovers {
					rel = oa.RelAll
				}
				nodes = append(nodes, oa.Node{Type: oa.NodeApprover, Rel: rel, UserIDs: n.UserIDs})
			}
			if len(b.Notifyer) > 0 {
				nodes = append(nodes, oa.Node{Type: oa.NodeCC, UserIDs: b.Notifyer})
			}
		default:
			bad("process")
			return
		}
	}
	if len(b.SummaryList) == 0 || len(b.SummaryList) > oa.MaxSummaryLines {
		bad("summary_list")
		return
	}
	for _, l := range b.SummaryList {
		for _, t := range l.SummaryInfo {
			if utf8.RuneCountInString(t.Text) > oa.MaxSummaryLineLen {
				bad("summary_info")
				return
			}
		}
	}
	now := s.now()
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(caller.CorpID)
	t := c.templates[b.TemplateID]
	if t == nil {
		bad("template_id")
		return
	}
	if msg := checkApplyControls(t.t.Controls, b.ApplyData.Contents); msg != "" {
		bad(msg)
		return
	}
	day := now.In(oaZone).Format("20060102")
	c.daySeq[day]++
	spNo := fmt.Sprintf("%s%04d", day, c.daySeq[day])
	a := oa.Approval{SpNo: spNo, SpName: oa.TextOf(t.t.Names, "zh_CN"), Status: oa.StatusPending, TemplateID: b.TemplateID,
		ApplyTime: now.Unix(), Applicant: oa.Applicant{UserID: b.CreatorUserID}, Data: b.ApplyData,
		Records: []oa.Record{}, Notifiers: []oa.UserRef{}, Comments: []oa.Comment{},
		Process: oa.ProcessList{Nodes: []oa.ProcessNode{}}}
	if b.ChooseDepartment != 0 {
		a.Applicant.PartyID = strconv.FormatInt(b.ChooseDepartment, 10)
	}
	recordProcess(&a, nodes)
	c.approvals[spNo] = &oaApproval{a: cloneJSON(a), agentID: caller.AgentID}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "sp_no": spNo})
}

// checkProcessNode returns what is wrong with a node of process.node_list,
// or "": a type other than 1 (审批人), 2 (抄送人) or 3 (办理人), an
// approver or handler node without apv_rel 1 to 3, no userid or an empty
// one.
func checkProcessNode(n oa.Node) string {
	switch n.Type {
	case oa.NodeApprover, oa.NodeHandler:
		if n.Rel < oa.RelAll || n.Rel > oa.RelSequential {
			return "process.node_list.apv_rel"
		}
	case oa.NodeCC:
	default:
		return "process.node_list.type"
	}
	if len(n.UserIDs) == 0 || slices.Contains(n.UserIDs, "") {
		return "process.node_list.userid"
	}
	return ""
}

// recordProcess writes the nodes of an application's process into its
// detail: every node into process_list; each approver and handler node
// into sp_record too (approverattr 2 会签 for RelAll and RelSequential, 1
// 或签 for RelAny: the older field has no sequential value), and the
// members of the cc nodes into notifyer.
func recordProcess(a *oa.Approval, nodes []oa.Node) {
	for _, n := range nodes {
		pn := oa.ProcessNode{Type: n.Type, SubNodes: []oa.SubNode{}}
		if n.Type == oa.NodeCC {
			for _, u := range n.UserIDs {
				a.Notifiers = append(a.Notifiers, oa.UserRef{UserID: u})
				pn.SubNodes = append(pn.SubNodes, oa.SubNode{UserID: u, MediaIDs: []string{}})
			}
			a.Process.Nodes = append(a.Process.Nodes, pn)
			continue
		}
		pn.Status, pn.Rel = oa.NodePending, n.Rel
		attr := oa.AllApprovers
		if n.Rel == oa.RelAny {
			attr = oa.AnyApprover
		}
		rec := oa.Record{Status: oa.NodePending, ApproverAttr: attr, Details: []oa.RecordDetail{}}
		for _, u := range n.UserIDs {
			rec.Details = append(rec.Details, oa.RecordDetail{Approver: oa.UserRef{UserID: u}, Status: oa.NodePending, MediaIDs: []string{}})
			pn.SubNodes = append(pn.SubNodes, oa.SubNode{UserID: u, Status: oa.NodePending, MediaIDs: []string{}})
		}
		a.Records = append(a.Records, rec)
		a.Process.Nodes = append(a.Process.Nodes, pn)
	}
}

// checkApplyControls returns what is wrong with the controls of an
// application on a template, or "": a control the template lacks or of
// another kind, a required control left empty, more than 6 attachments.
// Titles missing from the application are filled from the template, as
// WeCom's detail shows them.
func checkApplyControls(tpl []oa.TemplateControl, got []oa.Control) string {
	byID := map[string]oa.ControlProperty{}
	var index func([]oa.TemplateControl)
	index = func(cs []oa.TemplateControl) {
		for _, tc := range cs {
			byID[tc.Property.ID] = tc.Property
			if tc.Config != nil && tc.Config.Table != nil {
				index(tc.Config.Table.Children)
			}
		}
	}
	index(tpl)
	filled := map[string]bool{}
	files := 0
	var walk func([]oa.Control) string
	walk = func(cs []oa.Control) string {
		for i := range cs {
			c := &cs[i]
			p, ok := byID[c.ID]
			if !ok || p.Kind != c.Kind {
				return "apply_data control " + c.ID
			}
			if len(c.Title) == 0 {
				c.Title = p.Title
			}
			if controlFilled(c) {
				filled[c.ID] = true
			}
			files += len(c.Files)
			for _, row := range c.Rows {
				if msg := walk(row.Controls); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	if msg := walk(got); msg != "" {
		return msg
	}
	for _, tc := range tpl {
		if tc.Property.Require == 1 && !filled[tc.Property.ID] {
			return "required control " + tc.Property.ID
		}
	}
	if files > oa.MaxFiles {
		return "files"
	}
	return ""
}

func controlFilled(c *oa.Control) bool {
	return c.Text != "" || c.Number != "" || c.Money != "" || c.Date != nil || (c.Selector != nil && len(c.Selector.Options) > 0) ||
		len(c.Members) > 0 || len(c.Departments) > 0 || c.Tips != nil || len(c.Files) > 0 || len(c.Rows) > 0 ||
		c.Vacation != nil || c.Attendance != nil || c.PunchCorrection != nil || c.Location != nil ||
		len(c.RelatedApprovals) > 0 || c.Formula != nil || c.DateRange != nil || len(c.Raw) > 0
}

// recordType is the record_type filter's value of an application on t:
// 1 for a leave template, the attendance type for an attendance one.
func recordType(t *oaTemplate) string {
	for _, tc := range t.t.Controls {
		switch tc.Property.Kind {
		case oa.KindVacation:
			return "1"
		case oa.KindAttendance:
			if tc.Config != nil && tc.Config.Attendance != nil {
				return strconv.Itoa(tc.Config.Attendance.Type)
			}
		}
	}
	return ""
}

// handleOAApprovalInfo serves POST oa/getapprovalinfo: the applications
// made from starttime to endtime (both included; at most 31 days apart),
// by apply time then number, filtered; a page of size (≤ 100) at a time.
// The cursor names the last application answered, so that applications
// made meanwhile do not shift the pages.
func (s *Server) handleOAApprovalInfo(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		StartTime flexInt     `json:"starttime"`
		EndTime   flexInt     `json:"endtime"`
		NewCursor string      `json:"new_cursor"`
		Size      int         `json:"size"`
		Filters   []oa.Filter `json:"filters"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if b.EndTime < b.StartTime || b.EndTime-b.StartTime > oaMaxRange {
		writeError(w, 301025, "get approval param error:invalid starttime or endtime")
		return
	}
	size := b.Size
	if size <= 0 || size > oa.MaxApprovalPage {
		size = oa.MaxApprovalPage
	}
	var afterTime int64
	var afterNo string
	if b.NewCursor != "" {
		rest, ok := strings.CutPrefix(b.NewCursor, "wecomtest:")
		ts, no, ok2 := strings.Cut(rest, ":")
		n, err := strconv.ParseInt(ts, 10, 64)
		if !ok || !ok2 || err != nil {
			writeError(w, 40058, "invalid new_cursor")
			return
		}
		afterTime, afterNo = n, no
	}
	want := map[string][]string{}
	for _, f := range b.Filters {
		switch f.Key {
		case oa.FilterTemplateID, oa.FilterCreator, oa.FilterDepartment, oa.FilterStatus, oa.FilterRecordType:
			want[f.Key] = append(want[f.Key], f.Value)
		default:
			writeError(w, 301025, "get approval param error:filters key "+f.Key)
			return
		}
	}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(caller.CorpID)
	var list []*oa.Approval
	for _, ap := range c.approvals {
		a := &ap.a
		if a.ApplyTime < int64(b.StartTime) || a.ApplyTime > int64(b.EndTime) {
			continue
		}
		if b.NewCursor != "" && (a.ApplyTime < afterTime || (a.ApplyTime == afterTime && a.SpNo <= afterNo)) {
			continue
		}
		rt := ""
		if t := c.templates[a.TemplateID]; t != nil {
			rt = recordType(t)
		}
		got := map[string]string{oa.FilterTemplateID: a.TemplateID, oa.FilterCreator: a.Applicant.UserID,
			oa.FilterDepartment: a.Applicant.PartyID, oa.FilterStatus: strconv.Itoa(int(a.Status)), oa.FilterRecordType: rt}
		match := true
		for k, vs := range want {
			if !slices.Contains(vs, got[k]) {
				match = false
			}
		}
		if match {
			list = append(list, a)
		}
	}
	slices.SortFunc(list, func(x, y *oa.Approval) int {
		return cmp.Or(cmp.Compare(x.ApplyTime, y.ApplyTime), cmp.Compare(x.SpNo, y.SpNo))
	})
	ans := map[string]any{"errcode": 0, "errmsg": "ok"}
	nos := []string{}
	for _, a := range list[:min(size, len(list))] {
		nos = append(nos, a.SpNo)
	}
	ans["sp_no_list"] = nos
	if len(list) > size {
		last := list[size-1]
		ans["new_next_cursor"] = "wecomtest:" + strconv.FormatInt(last.ApplyTime, 10) + ":" + last.SpNo
	}
	writeJSON(w, ans)
}

// handleOAApprovalDetail serves POST oa/getapprovaldetail.
func (s *Server) handleOAApprovalDetail(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		SpNo string `json:"sp_no"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	ap := o.corpLocked(caller.CorpID).approvals[b.SpNo]
	if ap == nil {
		writeError(w, 301025, "get approval param error:sp_no not found")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "info": ap.a})
}
