package agent

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The workbench (工作台) endpoints, doc 92535. WeCom's page was not in the
// copies we could reach; paths, methods and fields are those two
// independent SDKs agree on (see docs/wecom-api-notes.md).
var (
	setWorkbenchTemplate = &wecom.Endpoint[wecom.CorpToken, *workbenchTemplateRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/agent/set_workbench_template", Doc: 92535, Idempotent: true,
		Entry: "agent.Client.SetWorkbenchTemplate",
	}
	getWorkbenchTemplate = &wecom.Endpoint[wecom.CorpToken, *workbenchAgentRequest, WorkbenchTemplate]{
		Method: http.MethodPost, Path: "/cgi-bin/agent/get_workbench_template", Doc: 92535, Idempotent: true,
		Entry: "agent.Client.WorkbenchTemplate",
	}
	setWorkbenchData = &wecom.Endpoint[wecom.CorpToken, *workbenchDataRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/agent/set_workbench_data", Doc: 92535, Idempotent: true,
		Entry: "agent.Client.SetWorkbenchData",
	}
)

// WorkbenchType is how an app shows itself on a member's workbench.
type WorkbenchType string

// The workbench template types.
const (
	WorkbenchTypeNormal  WorkbenchType = "normal"  // no custom template: the plain icon
	WorkbenchTypeKeyData WorkbenchType = "keydata" // key figures
	WorkbenchTypeImage   WorkbenchType = "image"   // one image
	WorkbenchTypeList    WorkbenchType = "list"    // lines of text
	WorkbenchTypeWebview WorkbenchType = "webview" // a web page rendered in place
)

// WorkbenchView is the content of a workbench template or of one
// member's workbench data: Type and the one field it names.
type WorkbenchView struct {
	Type    WorkbenchType     `json:"type"`
	KeyData *WorkbenchKeyData `json:"keydata,omitempty"`
	Image   *WorkbenchImage   `json:"image,omitempty"`
	List    *WorkbenchList    `json:"list,omitempty"`
	Webview *WorkbenchWebview `json:"webview,omitempty"`
}

// WorkbenchKeyData is a row of key figures.
type WorkbenchKeyData struct {
	Items []WorkbenchKeyItem `json:"items"`
}

// WorkbenchKeyItem is one key figure: a label and its value, opening
// JumpURL (or the mini program page PagePath) when tapped.
type WorkbenchKeyItem struct {
	Key      string `json:"key,omitempty"`
	Data     string `json:"data"`
	JumpURL  string `json:"jump_url,omitempty"`
	PagePath string `json:"pagepath,omitempty"`
}

// WorkbenchImage is one image.
type WorkbenchImage struct {
	URL      string `json:"url"`
	JumpURL  string `json:"jump_url,omitempty"`
	PagePath string `json:"pagepath,omitempty"`
}

// WorkbenchList is a few lines of text.
type WorkbenchList struct {
	Items []WorkbenchListItem `json:"items"`
}

// WorkbenchListItem is one line.
type WorkbenchListItem struct {
	Title    string `json:"title"`
	JumpURL  string `json:"jump_url,omitempty"`
	PagePath string `json:"pagepath,omitempty"`
}

// WorkbenchWebview is a web page shown in the workbench.
type WorkbenchWebview struct {
	URL      string `json:"url"`
	JumpURL  string `json:"jump_url,omitempty"`
	PagePath string `json:"pagepath,omitempty"`
}

// Check reports a view WeCom would refuse: a type without its content,
// content of another type, no items, an empty figure, line or URL. (How
// many items each type shows is WeCom's to enforce: the limits were not
// confirmed.)
func (v *WorkbenchView) Check() error {
	set := 0
	for _, p := range []bool{v.KeyData != nil, v.Image != nil, v.List != nil, v.Webview != nil} {
		if p {
			set++
		}
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: workbench %s: %s", ErrInvalidArgument, v.Type, fmt.Sprintf(format, args...))
	}
	switch v.Type {
	case WorkbenchTypeNormal:
		if set != 0 {
			return bad("takes no content")
		}
		return nil
	case WorkbenchTypeKeyData:
		if v.KeyData == nil || set != 1 {
			return bad("needs KeyData and nothing else")
		}
		if len(v.KeyData.Items) == 0 {
			return bad("no items")
		}
		for i, it := range v.KeyData.Items {
			if it.Data == "" {
				return bad("item %d has no data", i)
			}
		}
	case WorkbenchTypeImage:
		if v.Image == nil || set != 1 || v.Image.URL == "" {
			return bad("needs Image with a URL and nothing else")
		}
	case WorkbenchTypeList:
		if v.List == nil || set != 1 {
			return bad("needs List and nothing else")
		}
		if len(v.List.Items) == 0 {
			return bad("no items")
		}
		for i, it := range v.List.Items {
			if it.Title == "" {
				return bad("item %d has no title", i)
			}
		}
	case WorkbenchTypeWebview:
		if v.Webview == nil || set != 1 || v.Webview.URL == "" {
			return bad("needs Webview with a URL and nothing else")
		}
	default:
		return bad("unknown type")
	}
	return nil
}

// WorkbenchTemplate is an app's workbench template: the view every
// member sees until SetWorkbenchData gives them their own.
type WorkbenchTemplate struct {
	WorkbenchView
	// ReplaceUserData, when set, overwrites every member's own data with
	// the template's.
	ReplaceUserData bool `json:"replace_user_data"`
}

type workbenchTemplateRequest struct {
	AgentID int64 `json:"agentid" wecom:"required"`
	WorkbenchTemplate
}

type workbenchAgentRequest struct {
	AgentID int64 `json:"agentid" wecom:"required"`
}

type workbenchDataRequest struct {
	AgentID int64  `json:"agentid" wecom:"required"`
	UserID  string `json:"userid" wecom:"required"`
	WorkbenchView
}

// SetWorkbenchTemplate sets how app agentID shows on the workbench with
// POST /cgi-bin/agent/set_workbench_template
// (https://developer.work.weixin.qq.com/document/path/92535); type
// WorkbenchTypeNormal goes back to the plain icon. The template is checked
// first ([WorkbenchView.Check]).
func (c *Client) SetWorkbenchTemplate(ctx context.Context, agentID int64, t WorkbenchTemplate) error {
	if agentID <= 0 {
		return fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	if err := t.Check(); err != nil {
		return err
	}
	if _, err := setWorkbenchTemplate.Call(ctx, c.corp, &workbenchTemplateRequest{AgentID: agentID, WorkbenchTemplate: t}); err != nil {
		return fmt.Errorf("agent: set_workbench_template: %w", err)
	}
	return nil
}

// WorkbenchTemplate returns app agentID's workbench template, from POST
// /cgi-bin/agent/get_workbench_template (doc 92535).
func (c *Client) WorkbenchTemplate(ctx context.Context, agentID int64) (*WorkbenchTemplate, error) {
	if agentID <= 0 {
		return nil, fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	t, err := getWorkbenchTemplate.Call(ctx, c.corp, &workbenchAgentRequest{AgentID: agentID})
	if err != nil {
		return nil, fmt.Errorf("agent: get_workbench_template: %w", err)
	}
	return t, nil
}

// SetWorkbenchData sets what member userID sees of app agentID on the
// workbench, with POST /cgi-bin/agent/set_workbench_data (doc 92535);
// the view's type must be the template's. WeCom allows each member and
// app 10 calls a minute.
func (c *Client) SetWorkbenchData(ctx context.Context, agentID int64, userID string, v WorkbenchView) error {
	if agentID <= 0 || userID == "" {
		return fmt.Errorf("%w: agentid %d, userid %q", ErrInvalidArgument, agentID, userID)
	}
	if v.Type == WorkbenchTypeNormal {
		return fmt.Errorf("%w: member data cannot be of type normal", ErrInvalidArgument)
	}
	if err := v.Check(); err != nil {
		return err
	}
	if _, err := setWorkbenchData.Call(ctx, c.corp, &workbenchDataRequest{AgentID: agentID, UserID: userID, WorkbenchView: v}); err != nil {
		return fmt.Errorf("agent: set_workbench_data: %w", err)
	}
	return nil
}
