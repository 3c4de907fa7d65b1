package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidArgument is wrapped by the errors for arguments no call could
// succeed with: a missing agentid, an empty setting.
var ErrInvalidArgument = errors.New("agent: invalid argument")

// Client reads and changes apps' settings and menus with one
// corporation's token. It is safe for concurrent use.
type Client struct {
	corp wecom.Caller[wecom.CorpToken]
}

// New returns a Client calling WeCom through c, which must hold a
// corporation's access_token; if it holds another kind, every call
// returns a [*wecom.TokenKindError] before any request.
func New(c *wecom.Client) *Client {
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	return &Client{corp: corp}
}

// Info is an app's details, as agent/get answers them
// (https://developer.work.weixin.qq.com/document/path/90227).
type Info struct {
	AgentID        int64  `json:"agentid"`
	Name           string `json:"name"`
	SquareLogoURL  string `json:"square_logo_url"`
	Description    string `json:"description"`
	AllowUserInfos struct {
		Users []struct {
			UserID string `json:"userid"`
		} `json:"user"`
	} `json:"allow_userinfos"` // the members who can see the app
	AllowParties struct {
		PartyIDs []int64 `json:"partyid"`
	} `json:"allow_partys"` // the departments who can see the app
	AllowTags struct {
		TagIDs []int64 `json:"tagid"`
	} `json:"allow_tags"` // the tags who can see the app
	Close              int    `json:"close"` // 1: the app is disabled
	RedirectDomain     string `json:"redirect_domain"`
	ReportLocationFlag int    `json:"report_location_flag"` // 1: members' locations are reported
	IsReportEnter      int    `json:"isreportenter"`        // 1: entering the app is reported
	HomeURL            string `json:"home_url"`
	// CustomizedPublishStatus is a customised (代开发) app's state: 0
	// not published, 1 published, 2 published but unchanged since.
	CustomizedPublishStatus int `json:"customized_publish_status"`
}

// Closed reports whether the app is disabled.
func (i *Info) Closed() bool { return i.Close == 1 }

// UserIDs returns the members in the app's visible range.
func (i *Info) UserIDs() []string {
	out := make([]string, len(i.AllowUserInfos.Users))
	for n, u := range i.AllowUserInfos.Users {
		out[n] = u.UserID
	}
	return out
}

// Get returns the app agentID's details with GET /cgi-bin/agent/get.
func (c *Client) Get(ctx context.Context, agentID int64) (*Info, error) {
	if agentID <= 0 {
		return nil, fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	info, err := get.Call(ctx, c.corp, agentIDRequest{AgentID: agentID})
	if err != nil {
		return nil, fmt.Errorf("agent: get %d: %w", agentID, err)
	}
	return info, nil
}

// Summary is one app of [Client.List].
type Summary struct {
	AgentID       int64  `json:"agentid"`
	Name          string `json:"name"`
	SquareLogoURL string `json:"square_logo_url"`
}

// List returns the apps the token can reach with GET /cgi-bin/agent/list
// (https://developer.work.weixin.qq.com/document/path/90227): a
// self-built app's token, the app itself.
func (c *Client) List(ctx context.Context) ([]Summary, error) {
	out, err := list.Call(ctx, c.corp, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("agent: list: %w", err)
	}
	return out.AgentList, nil
}

// Settings are the settings [Client.Set] changes. A nil field is left as
// it is.
type Settings struct {
	Name           *string
	Description    *string
	LogoMediaID    *string // a media id from media.Client.Upload (an image)
	RedirectDomain *string // the trusted domain of OAuth redirects
	HomeURL        *string // the app's home page; http or https
	ReportLocation *bool   // report members' locations
	ReportEnter    *bool   // report members entering the app
}

// Limits of [Settings] that agent/set enforces (doc 90228), in characters.
const (
	MaxNameRunes        = 32
	MinDescriptionRunes = 4
	MaxDescriptionRunes = 120
)

// Ptr returns a pointer to v, for [Settings]' fields.
func Ptr[T any](v T) *T { return &v }

func flag(b *bool) *int {
	if b == nil {
		return nil
	}
	n := 0
	if *b {
		n = 1
	}
	return &n
}

// Set changes the app agentID's settings with POST /cgi-bin/agent/set
// (https://developer.work.weixin.qq.com/document/path/90228); unset
// fields keep their values. Only a corporation's own apps can be changed:
// the page says third-party and 代开发 apps cannot call it. The page's
// limits are checked before the call: a name of 1 to 32 characters, a
// description of 4 to 120, a home URL starting with http:// or https://
// (WeCom answers 45022, 45004 and 40094 otherwise).
func (c *Client) Set(ctx context.Context, agentID int64, s Settings) error {
	if agentID <= 0 {
		return fmt.Errorf("%w: agentid %d", ErrInvalidArgument, agentID)
	}
	if s.Name != nil {
		if n := utf8.RuneCountInString(*s.Name); n == 0 || n > MaxNameRunes {
			return fmt.Errorf("%w: a name of %d characters, 1 to %d allowed", ErrInvalidArgument, n, MaxNameRunes)
		}
	}
	if s.Description != nil {
		if n := utf8.RuneCountInString(*s.Description); n < MinDescriptionRunes || n > MaxDescriptionRunes {
			return fmt.Errorf("%w: a description of %d characters, %d to %d allowed", ErrInvalidArgument, n, MinDescriptionRunes, MaxDescriptionRunes)
		}
	}
	if s.HomeURL != nil && !strings.HasPrefix(*s.HomeURL, "http://") && !strings.HasPrefix(*s.HomeURL, "https://") {
		return fmt.Errorf("%w: a home URL must start with http:// or https://", ErrInvalidArgument)
	}
	req := &setRequest{
		AgentID: agentID, Name: s.Name, Description: s.Description, LogoMediaID: s.LogoMediaID,
		RedirectDomain: s.RedirectDomain, HomeURL: s.HomeURL,
		ReportLocationFlag: flag(s.ReportLocation), IsReportEnter: flag(s.ReportEnter),
	}
	if _, err := set.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("agent: set %d: %w", agentID, err)
	}
	return nil
}
