package agent

import (
	"context"
	"errors"
	"fmt"
)

// ButtonType is what a menu button does
// (https://developer.work.weixin.qq.com/document/path/90231).
type ButtonType string

// The button types.
const (
	Click           ButtonType = "click"              // pushes a click event with Key
	View            ButtonType = "view"               // opens URL
	ScancodePush    ButtonType = "scancode_push"      // scans, shows the result, pushes an event
	ScancodeWaitMsg ButtonType = "scancode_waitmsg"   // scans, pushes an event, shows "消息接收中"
	PicSysPhoto     ButtonType = "pic_sysphoto"       // takes a photo and sends it
	PicPhotoOrAlbum ButtonType = "pic_photo_or_album" // a photo or one from the album
	PicWeixin       ButtonType = "pic_weixin"         // one from the WeCom album
	LocationSelect  ButtonType = "location_select"    // sends a location
	ViewMiniprogram ButtonType = "view_miniprogram"   // opens a mini program page (AppID, PagePath)
)

// needsKey reports whether t pushes an event carrying the button's key.
func (t ButtonType) needsKey() bool {
	switch t {
	case Click, ScancodePush, ScancodeWaitMsg, PicSysPhoto, PicPhotoOrAlbum, PicWeixin, LocationSelect:
		return true
	}
	return false
}

// Button is a menu button: a leaf with a Type, or a top-level button that
// only holds SubButtons.
type Button struct {
	Type       ButtonType `json:"type,omitempty"`
	Name       string     `json:"name"`
	Key        string     `json:"key,omitempty"`      // for the event types
	URL        string     `json:"url,omitempty"`      // for View
	AppID      string     `json:"appid,omitempty"`    // for ViewMiniprogram
	PagePath   string     `json:"pagepath,omitempty"` // for ViewMiniprogram
	SubButtons []Button   `json:"sub_button,omitempty"`
}

// Menu is an app's custom menu.
type Menu struct {
	Buttons []Button `json:"button"`
}

// WeCom's menu limits (doc 90231 and the error codes 40016–40027 of doc
// 90313).
const (
	MaxButtons        = 3
	MaxSubButtons     = 5
	MaxNameBytes      = 16
	MaxSubNameBytes   = 40
	MaxKeyBytes       = 128
	MaxURLBytes       = 1024
	errcodeButtons    = 40016 // 不合法的按钮个数
	errcodeSubButtons = 40023 // 不合法的子菜单按钮个数
)

// ErrMenu is wrapped by every [*MenuError].
var ErrMenu = errors.New("agent: menu outside WeCom's limits")

// MenuError reports a menu WeCom would refuse, before it is sent, with the
// errcode WeCom would answer.
type MenuError struct {
	Path    string // the button, such as "button[1].sub_button[0]"
	Reason  string
	Errcode int // WeCom's code for the mistake (doc 90313)
}

func (e *MenuError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("agent: menu: %s (WeCom's %d)", e.Reason, e.Errcode)
	}
	return fmt.Sprintf("agent: menu: %s: %s (WeCom's %d)", e.Path, e.Reason, e.Errcode)
}

// Unwrap returns [ErrMenu].
func (e *MenuError) Unwrap() error { return ErrMenu }

// Check reports the first way m breaks WeCom's limits, or nil.
func (m Menu) Check() error {
	if n := len(m.Buttons); n == 0 || n > MaxButtons {
		return &MenuError{Reason: fmt.Sprintf("%d buttons; WeCom takes 1 to %d", n, MaxButtons), Errcode: errcodeButtons}
	}
	for i, b := range m.Buttons {
		p := fmt.Sprintf("button[%d]", i)
		if len(b.SubButtons) > 0 {
			if b.Type != "" {
				return &MenuError{Path: p, Reason: "a button with sub-buttons has no type", Errcode: 40017}
			}
			if err := checkName(p, b.Name, MaxNameBytes, 40018); err != nil {
				return err
			}
			if len(b.SubButtons) > MaxSubButtons {
				return &MenuError{Path: p, Reason: fmt.Sprintf("%d sub-buttons; WeCom takes 1 to %d", len(b.SubButtons), MaxSubButtons), Errcode: errcodeSubButtons}
			}
			for j, s := range b.SubButtons {
				sp := fmt.Sprintf("%s.sub_button[%d]", p, j)
				if len(s.SubButtons) > 0 {
					return &MenuError{Path: sp, Reason: "menus have two levels", Errcode: 40022}
				}
				if err := checkLeaf(sp, s, true); err != nil {
					return err
				}
			}
			continue
		}
		if err := checkLeaf(p, b, false); err != nil {
			return err
		}
	}
	return nil
}

func checkName(p, name string, max, code int) error {
	if name == "" || len(name) > max {
		return &MenuError{Path: p, Reason: fmt.Sprintf("a name of %d bytes; WeCom takes 1 to %d", len(name), max), Errcode: code}
	}
	return nil
}

// checkLeaf checks a button that acts: the codes are the sub-button ones
// (40024–40027) when sub, else the top-level ones (40017–40020).
func checkLeaf(p string, b Button, sub bool) error {
	typeCode, nameCode, keyCode, urlCode, maxName := 40017, 40018, 40019, 40020, MaxNameBytes
	if sub {
		typeCode, nameCode, keyCode, urlCode, maxName = 40024, 40025, 40026, 40027, MaxSubNameBytes
	}
	if err := checkName(p, b.Name, maxName, nameCode); err != nil {
		return err
	}
	switch {
	case b.Type.needsKey():
		if b.Key == "" || len(b.Key) > MaxKeyBytes {
			return &MenuError{Path: p, Reason: fmt.Sprintf("a %s button needs a key of 1 to %d bytes", b.Type, MaxKeyBytes), Errcode: keyCode}
		}
	case b.Type == View:
		if b.URL == "" || len(b.URL) > MaxURLBytes {
			return &MenuError{Path: p, Reason: fmt.Sprintf("a view button needs a url of 1 to %d bytes", MaxURLBytes), Errcode: urlCode}
		}
	case b.Type == ViewMiniprogram:
		if b.AppID == "" || b.PagePath == "" {
			return &MenuError{Path: p, Reason: "a view_miniprogram button needs an appid and a pagepath", Errcode: typeCode}
		}
	default:
		return &MenuError{Path: p, Reason: fmt.Sprintf("button type %q", b.Type), Errcode: typeCode}
	}
	return nil
}

// CreateMenu replaces the app agentID's menu with m, checked first
// ([Menu.Check]), with POST /cgi-bin/menu/create
// (https://developer.work.weixin.qq.com/document/path/90231).
func (c *Client) CreateMenu(ctx context.Context, agentID int64, m Menu) error {
	if agentID <= 0 {
		return fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	if err := m.Check(); err != nil {
		return err
	}
	if _, err := menuCreate.Call(ctx, c.corp, &menuCreateRequest{AgentID: agentID, Buttons: m.Buttons}); err != nil {
		return fmt.Errorf("agent: menu/create %d: %w", agentID, err)
	}
	return nil
}

// Menu returns the app agentID's menu with GET /cgi-bin/menu/get
// (https://developer.work.weixin.qq.com/document/path/90232). An app
// without a menu is WeCom's 46003.
func (c *Client) Menu(ctx context.Context, agentID int64) (*Menu, error) {
	if agentID <= 0 {
		return nil, fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	m, err := menuGet.Call(ctx, c.corp, agentIDRequest{AgentID: agentID})
	if err != nil {
		return nil, fmt.Errorf("agent: menu/get %d: %w", agentID, err)
	}
	return m, nil
}

// DeleteMenu removes the app agentID's menu with GET /cgi-bin/menu/delete
// (https://developer.work.weixin.qq.com/document/path/90233).
func (c *Client) DeleteMenu(ctx context.Context, agentID int64) error {
	if agentID <= 0 {
		return fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	if _, err := menuDelete.Call(ctx, c.corp, agentIDRequest{AgentID: agentID}); err != nil {
		return fmt.Errorf("agent: menu/delete %d: %w", agentID, err)
	}
	return nil
}
