package oa

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// Template is an approval template (审批模板): its names and controls, as
// oa/gettemplatedetail answers it (doc 91982) and
// oa/approval/create_template and update_template take it (docs 97437,
// 97438).
type Template struct {
	Names    []Text
	Controls []TemplateControl
}

// TemplateControl is a control of a template: its properties and, for
// some kinds, its configuration.
type TemplateControl struct {
	Property ControlProperty `json:"property"`
	Config   *ControlConfig  `json:"config,omitempty"`
}

// ControlProperty is a template control's kind, id and wording.
type ControlProperty struct {
	Kind        ControlKind `json:"control"`
	ID          string      `json:"id"` // unique in the template, "Kind-digits" such as "Text-01"
	Title       []Text      `json:"title"`
	Placeholder []Text      `json:"placeholder,omitempty"`
	Require     int         `json:"require"`  // 1 required
	UnPrint     int         `json:"un_print"` // 1 left out of printing
}

// ControlConfig configures a template control; the field of its kind is
// set.
type ControlConfig struct {
	Date       *DateConfig       `json:"date,omitempty"`
	Selector   *SelectorConfig   `json:"selector,omitempty"`
	Contact    *ContactConfig    `json:"contact,omitempty"`
	Table      *TableConfig      `json:"table,omitempty"`
	Attendance *AttendanceConfig `json:"attendance,omitempty"`
	Vacation   *VacationConfig   `json:"vacation_list,omitempty"`
	Tips       *Tips             `json:"tips,omitempty"`
}

// DateConfig: Type "day" (date) or "hour" (date and time).
type DateConfig struct {
	Type string `json:"type"`
}

// SelectorConfig lists a selector's options; Type "single" or "multi".
type SelectorConfig struct {
	Type    string   `json:"type"`
	ExpType int      `json:"exp_type,omitempty"`
	Options []Option `json:"options"`
}

// ContactConfig: Type "single" or "multi", Mode "user" or "department".
type ContactConfig struct {
	Type string `json:"type"`
	Mode string `json:"mode"`
}

// TableConfig holds a table's column controls.
type TableConfig struct {
	Children []TemplateControl `json:"children"`
}

// AttendanceConfig: Type 1 leave, 3 business trip, 4 going out, 5
// overtime; DateRange.Type "hour" or "halfday".
type AttendanceConfig struct {
	DateRange struct {
		Type string `json:"type"`
	} `json:"date_range"`
	Type int `json:"type"`
}

// VacationConfig lists the leave types a leave control offers.
type VacationConfig struct {
	Items []struct {
		ID   int    `json:"id"`
		Name []Text `json:"name"`
	} `json:"item"`
}

// Limits of a template WeCom documents (docs 97437, 97438).
const (
	MaxTemplateNameLen = 40 // characters
	MaxControlTitleLen = 40
	MaxPlaceholderLen  = 80
)

// Template returns template templateID (oa/gettemplatedetail, doc 91982).
// A self-built app reads the corporation's own templates; a third-party
// app those it added.
func (c *Client) Template(ctx context.Context, templateID string) (*Template, error) {
	if err := required("template id", templateID); err != nil {
		return nil, err
	}
	a, err := getTemplateDetail.Call(ctx, c.corp, &templateIDRequest{TemplateID: templateID})
	if err != nil {
		return nil, fmt.Errorf("oa: template %s: %w", templateID, err)
	}
	return &Template{Names: a.TemplateNames, Controls: a.TemplateContent.Controls}, nil
}

// CreateTemplate creates a template in the approval app and returns its
// id (oa/approval/create_template, doc 97437); WeCom gives it the default
// process. Third-party apps may not call it.
func (c *Client) CreateTemplate(ctx context.Context, t Template) (string, error) {
	if err := t.Check(); err != nil {
		return "", err
	}
	a, err := createTemplate.Call(ctx, c.corp, &templateRequest{TemplateName: t.Names, TemplateContent: templateContent{Controls: t.Controls}})
	if err != nil {
		return "", fmt.Errorf("oa: create template: %w", err)
	}
	return a.TemplateID, nil
}

// UpdateTemplate replaces the names and controls of template templateID,
// which the app created (oa/approval/update_template, doc 97438); its
// process and rules stay.
func (c *Client) UpdateTemplate(ctx context.Context, templateID string, t Template) error {
	if err := required("template id", templateID); err != nil {
		return err
	}
	if err := t.Check(); err != nil {
		return err
	}
	req := &templateRequest{TemplateID: templateID, TemplateName: t.Names, TemplateContent: templateContent{Controls: t.Controls}}
	if _, err := updateTemplate.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("oa: update template %s: %w", templateID, err)
	}
	return nil
}

// Check reports, wrapping [ErrInvalidArgument], what WeCom would refuse in
// a template to create: no name, a name or control title over 40
// characters, a placeholder over 80, a control without id, kind or title,
// two controls with one id, or more than one leave or attendance control.
func (t *Template) Check() error {
	if len(t.Names) == 0 {
		return fmt.Errorf("%w: a template needs a name", ErrInvalidArgument)
	}
	for _, n := range t.Names {
		if n.Text == "" || n.Lang == "" || utf8.RuneCountInString(n.Text) > MaxTemplateNameLen {
			return fmt.Errorf("%w: template name %q: 1 to %d characters and a language", ErrInvalidArgument, n.Text, MaxTemplateNameLen)
		}
	}
	ids := map[string]bool{}
	leave := 0
	var walk func([]TemplateControl) error
	walk = func(cs []TemplateControl) error {
		for _, tc := range cs {
			p := tc.Property
			if p.ID == "" || p.Kind == "" || len(p.Title) == 0 {
				return fmt.Errorf("%w: control %q needs an id, a kind and a title", ErrInvalidArgument, p.ID)
			}
			if ids[p.ID] {
				return fmt.Errorf("%w: control id %q used twice", ErrInvalidArgument, p.ID)
			}
			ids[p.ID] = true
			for _, x := range p.Title {
				if x.Text == "" || utf8.RuneCountInString(x.Text) > MaxControlTitleLen {
					return fmt.Errorf("%w: control %s: title of 1 to %d characters", ErrInvalidArgument, p.ID, MaxControlTitleLen)
				}
			}
			for _, x := range p.Placeholder {
				if utf8.RuneCountInString(x.Text) > MaxPlaceholderLen {
					return fmt.Errorf("%w: control %s: placeholder over %d characters", ErrInvalidArgument, p.ID, MaxPlaceholderLen)
				}
			}
			if p.Kind == KindVacation || p.Kind == KindAttendance {
				leave++
			}
			if tc.Config != nil && tc.Config.Table != nil {
				if err := walk(tc.Config.Table.Children); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(t.Controls); err != nil {
		return err
	}
	if leave > 1 {
		return fmt.Errorf("%w: a template holds one leave or attendance control at most", ErrInvalidArgument)
	}
	return nil
}
