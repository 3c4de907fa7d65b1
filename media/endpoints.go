package media

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The endpoints, each declared once.
var (
	upload = &wecom.Endpoint[wecom.CorpToken, uploadRequest, uploadAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/media/upload", Doc: 90253, Idempotent: true,
		Entry: "media.Client.Upload",
	}
	uploadImage = &wecom.Endpoint[wecom.CorpToken, uploadImageRequest, uploadImageAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/media/uploadimg", Doc: 90256,
		Entry: "media.Client.UploadImage",
	}
	uploadAttachment = &wecom.Endpoint[wecom.CorpToken, uploadAttachmentRequest, uploadAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/media/upload_attachment", Doc: 95098, Idempotent: true,
		Entry: "media.Client.UploadAttachment",
	}
	get = &wecom.Endpoint[wecom.CorpToken, getRequest, wecom.File]{
		Method: http.MethodGet, Path: "/cgi-bin/media/get", Doc: 90254,
		Entry: "media.Client.Open, media.Client.Download",
	}
	getJSSDK = &wecom.Endpoint[wecom.CorpToken, getRequest, wecom.File]{
		Method: http.MethodGet, Path: "/cgi-bin/media/get/jssdk", Doc: 90255,
		Entry: "media.Client.OpenVoice, media.Client.DownloadVoice",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{upload.Info(), uploadImage.Info(), uploadAttachment.Info(), get.Info(), getJSSDK.Info()}
}

type uploadRequest struct {
	Type  string       `json:"-" query:"type" wecom:"required"`
	Media wecom.Upload `json:"-" form:"media" wecom:"required"`
}

type uploadImageRequest struct {
	Media wecom.Upload `json:"-" form:"media" wecom:"required"`
}

type uploadAttachmentRequest struct {
	MediaType      string       `json:"-" query:"media_type" wecom:"required"`
	AttachmentType int          `json:"-" query:"attachment_type" wecom:"required"`
	Media          wecom.Upload `json:"-" form:"media" wecom:"required"`
}

type getRequest struct {
	MediaID string `json:"-" query:"media_id" wecom:"required"`
}

type uploadAnswer struct {
	Type      string   `json:"type"`
	MediaID   string   `json:"media_id"`
	CreatedAt unixTime `json:"created_at"`
}

type uploadImageAnswer struct {
	URL string `json:"url"`
}
