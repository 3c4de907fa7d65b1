package kf

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidArgument is wrapped by the errors for arguments no call could
// succeed with: an empty open_kfid or external userid, a message too long,
// a limit out of range. Such calls are refused before any request.
var ErrInvalidArgument = errors.New("kf: invalid argument")

// Client calls the WeChat customer service (微信客服) endpoints with one
// corporation's access_token: a self-built app's configured in 「微信客服 -
// 可调用接口的应用」, or a third-party or 代开发 app's through
// suite.Suite.Corp. It is safe for concurrent use.
type Client struct {
	corp   wecom.Caller[wecom.CorpToken]
	corpID string
}

// New returns a Client calling WeCom through c, which must hold a
// corporation's access_token; if it holds another kind, every call returns
// a [*wecom.TokenKindError] before any request.
func New(c *wecom.Client) *Client {
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	return &Client{corp: corp, corpID: c.CorpID()}
}

// CorpID returns the corporation the client calls for; the [Pump] keys
// its cursors and locks by it.
func (c *Client) CorpID() string { return c.corpID }

func required(what, v string) error {
	if v == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidArgument, what)
	}
	return nil
}

func maxBytes(what, v string, n int) error {
	if len(v) > n {
		return fmt.Errorf("%w: %s is %d bytes, at most %d", ErrInvalidArgument, what, len(v), n)
	}
	return nil
}

func maxRunes(what, v string, n int) error {
	if c := utf8.RuneCountInString(v); c > n {
		return fmt.Errorf("%w: %s is %d characters, at most %d", ErrInvalidArgument, what, c, n)
	}
	return nil
}
