package externalcontact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Each attachment has WeCom's wire form and survives a JSON round trip.
func TestAttachmentJSON(t *testing.T) {
	for _, tc := range []struct {
		a    externalcontact.Attachment
		wire string
	}{
		{externalcontact.ImageAttachment("M1"), `{"msgtype":"image","image":{"media_id":"M1"}}`},
		{externalcontact.ImageURLAttachment("https://p/1.png"), `{"msgtype":"image","image":{"pic_url":"https://p/1.png"}}`},
		{externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "T", PicURL: "https://p", Desc: "D", URL: "https://u"}),
			`{"msgtype":"link","link":{"title":"T","picurl":"https://p","desc":"D","url":"https://u"}}`},
		{externalcontact.MiniProgramAttachment(externalcontact.AttachmentMiniProgram{Title: "T", PicMediaID: "P", AppID: "wx1", Page: "/i"}),
			`{"msgtype":"miniprogram","miniprogram":{"title":"T","pic_media_id":"P","appid":"wx1","page":"/i"}}`},
		{externalcontact.VideoAttachment("V"), `{"msgtype":"video","video":{"media_id":"V"}}`},
		{externalcontact.FileAttachment("F"), `{"msgtype":"file","file":{"media_id":"F"}}`},
	} {
		require.NoError(t, tc.a.Check())
		b, err := json.Marshal(tc.a)
		require.NoError(t, err)
		require.JSONEq(t, tc.wire, string(b))
		var back externalcontact.Attachment
		require.NoError(t, json.Unmarshal(b, &back))
		require.Equal(t, tc.a, back)
	}
}

func TestAttachmentCheck(t *testing.T) {
	for name, a := range map[string]externalcontact.Attachment{
		"unknown type":     {MsgType: "voice"},
		"no body":          {MsgType: "image"},
		"empty image":      {MsgType: "image", Image: &externalcontact.AttachmentImage{}},
		"wrong body":       {MsgType: "video", File: &externalcontact.AttachmentMedia{MediaID: "F"}},
		"two bodies":       {MsgType: "video", Video: &externalcontact.AttachmentMedia{MediaID: "V"}, File: &externalcontact.AttachmentMedia{MediaID: "F"}},
		"link without url": externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "T"}),
		"mini without app": externalcontact.MiniProgramAttachment(externalcontact.AttachmentMiniProgram{Title: "T", PicMediaID: "P", Page: "/"}),
		"long link title":  externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: strings.Repeat("标", 43), URL: "u"}),
		"long link desc":   externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "T", URL: "u", Desc: strings.Repeat("a", 513)}),
		"long mini title":  externalcontact.MiniProgramAttachment(externalcontact.AttachmentMiniProgram{Title: strings.Repeat("a", 65), PicMediaID: "P", AppID: "wx", Page: "/"}),
	} {
		require.ErrorIs(t, a.Check(), externalcontact.ErrInvalidArgument, name)
	}
}

// FuzzAttachmentCheck: Check never panics on any decoded attachment, and
// accepts only attachments whose one body is its msgtype's.
func FuzzAttachmentCheck(f *testing.F) {
	f.Add(`{"msgtype":"image","image":{"media_id":"M"}}`)
	f.Add(`{"msgtype":"link","link":{"title":"T","url":"u"},"file":{"media_id":"F"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var a externalcontact.Attachment
		if json.Unmarshal([]byte(s), &a) != nil {
			return
		}
		if a.Check() == nil {
			n := 0
			for _, set := range []bool{a.Image != nil, a.Link != nil, a.MiniProgram != nil, a.Video != nil, a.File != nil} {
				if set {
					n++
				}
			}
			require.Equal(t, 1, n)
		}
	})
}
