package externalcontact

import "fmt"

// Attachment is one attachment of a mass message or a moment
// (attachments[], docs 92135 and 95094): MsgType names the one field that
// is set.
type Attachment struct {
	MsgType     string                 `json:"msgtype"`
	Image       *ImageAttachment       `json:"image,omitempty"`
	Link        *LinkAttachment        `json:"link,omitempty"`
	MiniProgram *MiniProgramAttachment `json:"miniprogram,omitempty"`
	Video       *VideoAttachment       `json:"video,omitempty"`
	File        *FileAttachment        `json:"file,omitempty"`
}

// ImageAttachment is an image: a temporary medium (package media) or, for
// mass messages, an image URL; media_id wins when both are set.
type ImageAttachment struct {
	MediaID string `json:"media_id,omitempty"`
	PicURL  string `json:"pic_url,omitempty"`
}

// LinkAttachment is a link card.
type LinkAttachment struct {
	Title  string `json:"title"`
	PicURL string `json:"picurl,omitempty"`
	Desc   string `json:"desc,omitempty"`
	URL    string `json:"url"`
}

// MiniProgramAttachment is a mini program card; PicMediaID is a temporary
// medium for its cover.
type MiniProgramAttachment struct {
	Title      string `json:"title"`
	PicMediaID string `json:"pic_media_id"`
	AppID      string `json:"appid"`
	Page       string `json:"page"`
}

// VideoAttachment is a video, a temporary medium.
type VideoAttachment struct {
	MediaID string `json:"media_id"`
}

// FileAttachment is a file, a temporary medium.
type FileAttachment struct {
	MediaID string `json:"media_id"`
}

// The attachment types of [Attachment.MsgType].
const (
	AttachImage       = "image"
	AttachLink        = "link"
	AttachMiniProgram = "miniprogram"
	AttachVideo       = "video"
	AttachFile        = "file"
)

// check reports an attachment whose MsgType does not match the one field
// it sets, before WeCom would refuse it.
func (a *Attachment) check() error {
	set := 0
	for _, p := range []bool{a.Image != nil, a.Link != nil, a.MiniProgram != nil, a.Video != nil, a.File != nil} {
		if p {
			set++
		}
	}
	var ok bool
	switch a.MsgType {
	case AttachImage:
		ok = a.Image != nil && (a.Image.MediaID != "" || a.Image.PicURL != "")
	case AttachLink:
		ok = a.Link != nil && a.Link.URL != "" && a.Link.Title != ""
	case AttachMiniProgram:
		ok = a.MiniProgram != nil && a.MiniProgram.AppID != "" && a.MiniProgram.PicMediaID != "" && a.MiniProgram.Page != ""
	case AttachVideo:
		ok = a.Video != nil && a.Video.MediaID != ""
	case AttachFile:
		ok = a.File != nil && a.File.MediaID != ""
	}
	if !ok || set != 1 {
		return fmt.Errorf("%w: an attachment of msgtype %q must set that one field, complete", ErrInvalidArgument, a.MsgType)
	}
	return nil
}

// Text is a message's text part.
type Text struct {
	Content string `json:"content"`
}
