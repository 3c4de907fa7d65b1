package wecomtest

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/oa"
)

// AddApprovalTemplate adds template t to corpID as the admin would in the
// approval app's console, and returns its id. t is not checked.
func (s *Server) AddApprovalTemplate(corpID string, t oa.Template) string {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.corpLocked(corpID).addTemplateLocked(cloneJSON(t), 0)
}

// ApprovalTemplate returns template id of corpID as the fake holds it.
func (s *Server) ApprovalTemplate(corpID, id string) (oa.Template, bool) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	t := o.corpLocked(corpID).templates[id]
	if t == nil {
		return oa.Template{}, false
	}
	return cloneJSON(t.t), true
}

func (c *oaCorp) addTemplateLocked(t oa.Template, agentID int64) string {
	c.seq++
	id := "wecomtest-template-" + strconv.Itoa(c.seq)
	c.templates[id] = &oaTemplate{t: t, agentID: agentID}
	return id
}

// templateError is the errcode WeCom would answer template t with, or 0:
// 301025 for its names (the fake's choice), 301086 for its controls.
func (c *oaCorp) templateError(t oa.Template, self string) (int, string) {
	if len(t.Names) == 0 {
		return 301025, "template_name is empty"
	}
	for _, n := range t.Names {
		if n.Text == "" || n.Lang == "" || utf8.RuneCountInString(n.Text) > oa.MaxTemplateNameLen {
			return 301025, "template_name: 1 to 40 characters and a lang"
		}
		for id, other := range c.templates {
			if id != self && oa.TextOf(other.t.Names, n.Lang) == n.Text {
				return 301025, "template_name exists"
			}
		}
	}
	ids := map[string]bool{}
	leave := 0
	var walk func([]oa.TemplateControl) (int, string)
	walk = func(cs []oa.TemplateControl) (int, string) {
		for _, tc := range cs {
			p := tc.Property
			if p.ID == "" || p.Kind == "" || len(p.Title) == 0 || ids[p.ID] {
				return 301086, "control " + p.ID + ": id, control and title are needed, ids unique"
			}
			ids[p.ID] = true
			for _, x := range p.Title {
				if x.Text == "" || utf8.RuneCountInString(x.Text) > oa.MaxControlTitleLen {
					return 301086, "control " + p.ID + ": title of 1 to 40 characters"
				}
			}
			if p.Kind == oa.KindVacation || p.Kind == oa.KindAttendance {
				leave++
			}
			if tc.Config != nil && tc.Config.Table != nil {
				if code, msg := walk(tc.Config.Table.Children); code != 0 {
					return code, msg
				}
			}
		}
		return 0, ""
	}
	if code, msg := walk(t.Controls); code != 0 {
		return code, msg
	}
	if leave > 1 {
		return 301086, "one Vacation or Attendance control at most"
	}
	return 0, ""
}

type oaTemplateBody struct {
	TemplateID      string `json:"template_id"`
	TemplateName    []oa.Text
	TemplateContent struct {
		Controls []oa.TemplateControl `json:"controls"`
	} `json:"template_content"`
}

// handleOATemplate serves POST oa/gettemplatedetail.
func (s *Server) handleOATemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		TemplateID string `json:"template_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	t := o.corpLocked(caller.CorpID).templates[b.TemplateID]
	if t == nil {
		writeError(w, 301025, "get approval param error: template_id not found")
		return
	}
	controls := t.t.Controls
	if controls == nil {
		controls = []oa.TemplateControl{}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "template_names": t.t.Names,
		"template_content": map[string]any{"controls": controls}})
}

func decodeTemplateBody(w http.ResponseWriter, r *http.Request) (oaTemplateBody, bool) {
	var b struct {
		TemplateID      string    `json:"template_id"`
		TemplateName    []oa.Text `json:"template_name"`
		TemplateContent struct {
			Controls []oa.TemplateControl `json:"controls"`
		} `json:"template_content"`
	}
	if !decodeBody(w, r, &b) {
		return oaTemplateBody{}, false
	}
	out := oaTemplateBody{TemplateID: b.TemplateID, TemplateName: b.TemplateName}
	out.TemplateContent.Controls = b.TemplateContent.Controls
	return out, true
}

// handleOACreateTemplate serves POST oa/approval/create_template.
func (s *Server) handleOACreateTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, ok := decodeTemplateBody(w, r)
	if !ok {
		return
	}
	t := oa.Template{Names: b.TemplateName, Controls: b.TemplateContent.Controls}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(caller.CorpID)
	if code, msg := c.templateError(t, ""); code != 0 {
		writeError(w, code, msg)
		return
	}
	id := c.addTemplateLocked(t, caller.AgentID)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "template_id": id})
}

// handleOAUpdateTemplate serves POST oa/approval/update_template: only the
// app that created a template may update it (doc 97438: 仅能更新自身应用模板).
func (s *Server) handleOAUpdateTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, ok := decodeTemplateBody(w, r)
	if !ok {
		return
	}
	t := oa.Template{Names: b.TemplateName, Controls: b.TemplateContent.Controls}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(caller.CorpID)
	old := c.templates[b.TemplateID]
	switch {
	case old == nil:
		writeError(w, 301025, "get approval param error: template_id not found")
		return
	case old.agentID != caller.AgentID:
		writeError(w, 301088, "no approval permission: the template is not the app's")
		return
	}
	if code, msg := c.templateError(t, b.TemplateID); code != 0 {
		writeError(w, code, msg)
		return
	}
	old.t = t
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}
