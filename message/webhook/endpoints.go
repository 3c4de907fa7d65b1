package webhook

import (
	"net/http"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once. Both take the robot's key in the
// query instead of a token.
var (
	send = &wecom.Endpoint[wecom.NoToken, *sendRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/webhook/send", Doc: 91770,
		Entry: "webhook.Robot.SendText, webhook.Robot.SendMarkdown, webhook.Robot.SendImage, webhook.Robot.SendNews, webhook.Robot.SendFile, webhook.Robot.SendVoice",
	}
	uploadMedia = &wecom.Endpoint[wecom.NoToken, uploadRequest, uploadAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/webhook/upload_media", Doc: 91770, Idempotent: true,
		Entry: "webhook.Robot.UploadMedia",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{send.Info(), uploadMedia.Info()}
}

type sendRequest struct {
	Key      string        `json:"-" query:"key" wecom:"required,secret"`
	MsgType  string        `json:"msgtype" wecom:"required"`
	Text     *Text         `json:"text,omitempty"`
	Markdown *markdownBody `json:"markdown,omitempty"`
	Image    *imageBody    `json:"image,omitempty"`
	News     *newsBody     `json:"news,omitempty"`
	File     *mediaBody    `json:"file,omitempty"`
	Voice    *mediaBody    `json:"voice,omitempty"`
	// TemplateCard is a notice card (text_notice or news_notice).
	TemplateCard *message.TemplateCard `json:"template_card,omitempty"`
}

type markdownBody struct {
	Content string `json:"content"`
}

type imageBody struct {
	Base64 string `json:"base64"`
	MD5    string `json:"md5"`
}

type newsBody struct {
	Articles []Article `json:"articles"`
}

type mediaBody struct {
	MediaID string `json:"media_id"`
}

type uploadRequest struct {
	Key   string       `json:"-" query:"key" wecom:"required,secret"`
	Type  string       `json:"-" query:"type" wecom:"required"`
	Media wecom.Upload `json:"-" form:"media" wecom:"required"`
}

type uploadAnswer struct {
	Type      string   `json:"type"`
	MediaID   string   `json:"media_id"`
	CreatedAt unixTime `json:"created_at"`
}
