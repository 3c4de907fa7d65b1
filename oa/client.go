package oa

import (
	"errors"
	"fmt"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidArgument is wrapped by the errors for arguments no call could
// succeed with: an empty template id, userid or approval number, a time
// range that ends before it starts.
var ErrInvalidArgument = errors.New("oa: invalid argument")

// Client calls the approval (审批) and leave (假期) endpoints with one
// corporation's token: that of a self-built app configured in 「审批 -
// 可调用接口的应用」, or of a 代开发 or third-party app with the 审批
// permission. Since 2023-12-01 WeCom refuses the approval system app's own
// secret for new corporations. A Client is safe for concurrent use.
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

// Text is a text in one language, as WeCom writes names, titles and
// options: {"text": "请假", "lang": "zh_CN"}.
type Text struct {
	Text string `json:"text"`
	Lang string `json:"lang"`
}

// Chinese returns texts in zh_CN, the language WeCom requires in names
// and titles ("zh_CN", not "zh-CN").
func Chinese(s string) []Text { return []Text{{Text: s, Lang: "zh_CN"}} }

// TextOf returns the text of texts in lang, or else the first one, or "".
func TextOf(texts []Text, lang string) string {
	for _, t := range texts {
		if t.Lang == lang {
			return t.Text
		}
	}
	if len(texts) > 0 {
		return texts[0].Text
	}
	return ""
}

func required(what, v string) error {
	if v == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidArgument, what)
	}
	return nil
}
