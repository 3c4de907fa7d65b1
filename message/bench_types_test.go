package message_test

import (
	"context"
	"testing"

	"github.com/wecomkit/wecomkit/message"
)

// bareBody is message/send's body built by hand, every content under its
// msgtype's key: what BenchmarkSendTypes' bare sub-benchmarks post.
type bareBody struct {
	ToUser            string                     `json:"touser"`
	MsgType           string                     `json:"msgtype"`
	AgentID           int64                      `json:"agentid"`
	Text              *message.Text              `json:"text,omitempty"`
	Image             *message.Image             `json:"image,omitempty"`
	Voice             *message.Voice             `json:"voice,omitempty"`
	Video             *message.Video             `json:"video,omitempty"`
	File              *message.File              `json:"file,omitempty"`
	TextCard          *message.TextCard          `json:"textcard,omitempty"`
	News              *message.News              `json:"news,omitempty"`
	MPNews            *message.MPNews            `json:"mpnews,omitempty"`
	Markdown          *message.Markdown          `json:"markdown,omitempty"`
	MiniProgramNotice *message.MiniProgramNotice `json:"miniprogram_notice,omitempty"`
	TemplateCard      *message.TemplateCard      `json:"template_card,omitempty"`
}

// sendTypeCases is one message of every content type, each with its
// body as bareBody.
func sendTypeCases() []struct {
	name    string
	content message.Content
	bare    func(*bareBody)
} {
	text := &message.Text{Content: "您有一份合同待签署"}
	image := &message.Image{MediaID: "MEDIA_IMAGE_0123456789"}
	voice := &message.Voice{MediaID: "MEDIA_VOICE_0123456789"}
	video := &message.Video{MediaID: "MEDIA_VIDEO_0123456789", Title: "周会录像", Description: "第 12 周"}
	file := &message.File{MediaID: "MEDIA_FILE_0123456789"}
	textCard := &message.TextCard{Title: "领奖通知", Description: `<div class="gray">2026年12月5日</div>`, URL: "https://example.com/prize", ButtonText: "详情"}
	news := &message.News{Articles: []message.Article{
		{Title: "中秋节礼品领取", Description: "今年中秋节公司有豪礼相送", URL: "https://example.com/a", PicURL: "https://example.com/a.png"},
		{Title: "年会报名", URL: "https://example.com/b"},
	}}
	mpNews := &message.MPNews{Articles: []message.MPArticle{
		{Title: "季度总结", ThumbMediaID: "MEDIA_THUMB_0123456789", Author: "行政部", Content: "<p>本季度……</p>", Digest: "摘要"},
	}}
	markdown := &message.Markdown{Content: "您的会议室已经预定\n>**事项详情**\n>会议室：<font color=\"info\">广州TIT 1楼 301</font>"}
	notice := &message.MiniProgramNotice{AppID: "wx123123123123123", Page: "pages/index?userid=zhangsan", Title: "会议室预订成功通知",
		Description: "4月27日 16:16", EmphasisFirstItem: true, ContentItems: []message.KeyValueItem{
			{Key: "会议室", Value: "402"}, {Key: "会议地点", Value: "广州TIT-402会议室"},
		}}
	card := &message.TemplateCard{CardType: message.CardTextNotice,
		Source:       &message.CardSource{IconURL: "https://example.com/icon.png", Desc: "企业微信"},
		MainTitle:    message.CardTitle{Title: "欢迎使用企业微信", Desc: "您的好友正在邀请您加入企业微信"},
		SubTitleText: "下载企业微信还能抢红包！",
		HorizontalContentList: []message.HorizontalContent{
			{KeyName: "邀请人", Value: "张三"}, {Type: 1, KeyName: "官网", Value: "点击访问", URL: "https://work.weixin.qq.com"},
		},
		JumpList:   []message.Jump{{Type: 1, Title: "企业微信官网", URL: "https://work.weixin.qq.com"}},
		CardAction: message.CardAction{Type: 1, URL: "https://work.weixin.qq.com"},
	}
	return []struct {
		name    string
		content message.Content
		bare    func(*bareBody)
	}{
		{"text", text, func(b *bareBody) { b.Text = text }},
		{"image", image, func(b *bareBody) { b.Image = image }},
		{"voice", voice, func(b *bareBody) { b.Voice = voice }},
		{"video", video, func(b *bareBody) { b.Video = video }},
		{"file", file, func(b *bareBody) { b.File = file }},
		{"textcard", textCard, func(b *bareBody) { b.TextCard = textCard }},
		{"news", news, func(b *bareBody) { b.News = news }},
		{"mpnews", mpNews, func(b *bareBody) { b.MPNews = mpNews }},
		{"markdown", markdown, func(b *bareBody) { b.Markdown = markdown }},
		{"miniprogram_notice", notice, func(b *bareBody) { b.MiniProgramNotice = notice }},
		{"template_card", card, func(b *bareBody) { b.TemplateCard = card }},
	}
}

// BenchmarkSendTypes is BenchmarkSendText for every content type, each
// next to the same body posted with Client.Post (bare): Send's own
// allocations are send's allocs/op minus bare's (target: ≤ 5).
func BenchmarkSendTypes(b *testing.B) {
	ctx := context.Background()
	for _, tc := range sendTypeCases() {
		b.Run(tc.name+"/send", func(b *testing.B) {
			m := message.New(benchClient(b), 1000002)
			msg := &message.Message{To: message.ToUsers("zhangsan"), Content: tc.content}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := m.Send(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/bare", func(b *testing.B) {
			c := benchClient(b)
			var out struct {
				MsgID string `json:"msgid"`
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				bd := &bareBody{ToUser: "zhangsan", MsgType: tc.name, AgentID: 1000002}
				tc.bare(bd)
				if err := c.Post(ctx, "/cgi-bin/message/send", nil, bd, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
