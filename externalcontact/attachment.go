package externalcontact

import (
	"fmt"
	"unicode/utf8"
)

// Attachment types (msgtype): the media a welcome message, a group welcome
// template or a mass message carries besides its text (docs 92137, 92366,
// 92135).
const (
	MsgTypeImage       = "image"
	MsgTypeLink        = "link"
	MsgTypeMiniProgram = "miniprogram"
	MsgTypeVideo       = "video"
	MsgTypeFile        = "file"
)

// Text is a message's text part ({"content": …}).
type Text struct {
	Content string `json:"content"`
}

// AttachmentImage is an image: a media_id of an uploaded image (package
// media) when sending, or pic_url, an image URL WeCom hosts (answers and
// some requests take one).
type AttachmentImage struct {
	MediaID string `json:"media_id,omitempty"`
	PicURL  string `json:"pic_url,omitempty"`
}

// AttachmentLink is a link card: a title, the page it opens, a picture
// and a description. A moment's link (add_moment_task, doc 95094) takes
// its cover as MediaID, the media_id of an image uploaded as an
// attachment resource, instead of PicURL and Desc.
type AttachmentLink struct {
	Title   string `json:"title"`
	PicURL  string `json:"picurl,omitempty"`
	Desc    string `json:"desc,omitempty"`
	URL     string `json:"url"`
	MediaID string `json:"media_id,omitempty"` // moments only: the cover image
}

// AttachmentMiniProgram is a mini program card: the cover picture is an
// uploaded image's media_id; the mini program must be bound to the
// corporation.
type AttachmentMiniProgram struct {
	Title      string `json:"title"`
	PicMediaID string `json:"pic_media_id"`
	AppID      string `json:"appid"`
	Page       string `json:"page"`
}

// AttachmentMedia is a video or a file, by the media_id of its upload.
type AttachmentMedia struct {
	MediaID string `json:"media_id"`
}

// Attachment is one attachment ({"msgtype": …, "<msgtype>": {…}}): exactly
// the body its MsgType names is set. Build one with [ImageAttachment],
// [ImageURLAttachment], [LinkAttachment], [MiniProgramAttachment],
// [VideoAttachment] or [FileAttachment].
type Attachment struct {
	MsgType     string                 `json:"msgtype"`
	Image       *AttachmentImage       `json:"image,omitempty"`
	Link        *AttachmentLink        `json:"link,omitempty"`
	MiniProgram *AttachmentMiniProgram `json:"miniprogram,omitempty"`
	Video       *AttachmentMedia       `json:"video,omitempty"`
	File        *AttachmentMedia       `json:"file,omitempty"`
}

// ImageAttachment is an uploaded image, by its media_id.
func ImageAttachment(mediaID string) Attachment {
	return Attachment{MsgType: MsgTypeImage, Image: &AttachmentImage{MediaID: mediaID}}
}

// ImageURLAttachment is an image by the URL of a picture WeCom hosts (the
// pic_url an image upload returns).
func ImageURLAttachment(picURL string) Attachment {
	return Attachment{MsgType: MsgTypeImage, Image: &AttachmentImage{PicURL: picURL}}
}

// LinkAttachment is a link card.
func LinkAttachment(l AttachmentLink) Attachment {
	return Attachment{MsgType: MsgTypeLink, Link: &l}
}

// MomentLinkAttachment is a moment's link card: the page it opens, its
// title (at most 64 bytes; WeCom takes the page's own when empty) and the
// media_id of its cover image, uploaded as an attachment resource (doc
// 95094: link.url and link.media_id are required).
func MomentLinkAttachment(title, url, coverMediaID string) Attachment {
	return Attachment{MsgType: MsgTypeLink, Link: &AttachmentLink{Title: title, URL: url, MediaID: coverMediaID}}
}

// MiniProgramAttachment is a mini program card.
func MiniProgramAttachment(m AttachmentMiniProgram) Attachment {
	return Attachment{MsgType: MsgTypeMiniProgram, MiniProgram: &m}
}

// VideoAttachment is an uploaded video, by its media_id.
func VideoAttachment(mediaID string) Attachment {
	return Attachment{MsgType: MsgTypeVideo, Video: &AttachmentMedia{MediaID: mediaID}}
}

// FileAttachment is an uploaded file, by its media_id.
func FileAttachment(mediaID string) Attachment {
	return Attachment{MsgType: MsgTypeFile, File: &AttachmentMedia{MediaID: mediaID}}
}

// Check reports an attachment no call could send: an unknown msgtype, a
// body other than the one msgtype names, or that body without what WeCom
// requires of it (an image's media_id or pic_url, a link's title and url,
// a mini program's title, pic_media_id, appid and page, a media_id). The
// error wraps [ErrInvalidArgument].
func (a *Attachment) Check() error {
	bodies := 0
	for _, set := range []bool{a.Image != nil, a.Link != nil, a.MiniProgram != nil, a.Video != nil, a.File != nil} {
		if set {
			bodies++
		}
	}
	var ok bool
	switch a.MsgType {
	case MsgTypeImage:
		ok = a.Image != nil && (a.Image.MediaID != "" || a.Image.PicURL != "")
	case MsgTypeLink:
		ok = a.Link != nil && a.Link.Title != "" && a.Link.URL != ""
	case MsgTypeMiniProgram:
		m := a.MiniProgram
		ok = m != nil && m.Title != "" && m.PicMediaID != "" && m.AppID != "" && m.Page != ""
	case MsgTypeVideo:
		ok = a.Video != nil && a.Video.MediaID != ""
	case MsgTypeFile:
		ok = a.File != nil && a.File.MediaID != ""
	default:
		return fmt.Errorf("%w: attachment msgtype %q", ErrInvalidArgument, a.MsgType)
	}
	if !ok || bodies != 1 {
		return fmt.Errorf("%w: a %s attachment needs its %s body alone, complete", ErrInvalidArgument, a.MsgType, a.MsgType)
	}
	switch {
	case a.Link != nil && (len(a.Link.Title) > maxLinkTitle || len(a.Link.Desc) > maxLinkDesc):
		return fmt.Errorf("%w: a link's title is at most %d bytes, its desc %d", ErrInvalidArgument, maxLinkTitle, maxLinkDesc)
	case a.MiniProgram != nil && len(a.MiniProgram.Title) > maxMiniProgramTitle:
		return fmt.Errorf("%w: a mini program's title is at most %d bytes", ErrInvalidArgument, maxMiniProgramTitle)
	}
	return nil
}

// Attachment text limits (doc 92366, as the welcome and mass-message
// pages give them too): a link's title 128 bytes and description 512, a
// mini program's title 64.
const (
	maxLinkTitle        = 128
	maxLinkDesc         = 512
	maxMiniProgramTitle = 64
)

// Text limits: a welcome message's text.content holds at most 4000 bytes
// (doc 92137), a group welcome template's 3000 (doc 92366).
const (
	MaxTextBytes         = 4000
	MaxTemplateTextBytes = 3000
)

func checkText(s string, limit int) error {
	if len(s) > limit || !utf8.ValidString(s) {
		return fmt.Errorf("%w: text of %d bytes (at most %d, valid UTF-8)", ErrInvalidArgument, len(s), limit)
	}
	return nil
}

// textOf returns s as a Text, or nil when s is empty (WeCom wants no text
// object then).
func textOf(s string) *Text {
	if s == "" {
		return nil
	}
	return &Text{Content: s}
}
