package message

import (
	"strconv"
	"unicode/utf8"
)

// Content is a message's body: [Text], [Image], [Voice], [Video], [File],
// [TextCard], [News], [MPNews], [Markdown], [MiniProgramNotice] or
// [TemplateCard]. Only this package's types implement it: each checks
// itself against WeCom's limits and puts its own copy into the request
// (doc 90236).
type Content interface {
	// msgType is the content's msgtype.
	msgType() string
	// fill checks the content against WeCom's limits and puts a copy of
	// it, its over-long text fields cut (or refused, for a strict
	// client), into f's body. The caller's value is not modified.
	fill(f *filler) error
}

// body holds a request's one content, under its msgtype's key: message/send
// and appchat/send share it.
type body struct {
	Text              *Text              `json:"text,omitempty"`
	Image             *Image             `json:"image,omitempty"`
	Voice             *Voice             `json:"voice,omitempty"`
	Video             *Video             `json:"video,omitempty"`
	File              *File              `json:"file,omitempty"`
	TextCard          *TextCard          `json:"textcard,omitempty"`
	News              *News              `json:"news,omitempty"`
	MPNews            *MPNews            `json:"mpnews,omitempty"`
	Markdown          *Markdown          `json:"markdown,omitempty"`
	MiniProgramNotice *MiniProgramNotice `json:"miniprogram_notice,omitempty"`
	TemplateCard      *TemplateCard      `json:"template_card,omitempty"`
}

// Text is a plain text message (msgtype text). Content may hold <a href>
// links; WeCom keeps at most 2048 bytes of it.
type Text struct {
	Content string `json:"content"`
}

// Image is a picture (msgtype image): MediaID is a temporary medium of
// type image (media.Client.Upload; JPG or PNG, at most 10 MB), valid for
// three days.
type Image struct {
	MediaID string `json:"media_id"`
}

// Voice is a voice message (msgtype voice): MediaID is a temporary
// medium of type voice (AMR, at most 2 MB, 60 s).
type Voice struct {
	MediaID string `json:"media_id"`
}

// Video is a video message (msgtype video): MediaID is a temporary medium
// of type video (MP4, at most 10 MB); Title holds at most 128 bytes and
// Description 512.
type Video struct {
	MediaID     string `json:"media_id"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}

// File is a file message (msgtype file): MediaID is a temporary medium
// of type file (at most 20 MB).
type File struct {
	MediaID string `json:"media_id"`
}

// Markdown is a markdown message (msgtype markdown) in WeCom's subset of
// markdown, at most 2048 bytes. The WeChat plugin and 微工作台 do not show
// it.
type Markdown struct {
	Content string `json:"content"`
}

// TextCard is a card with a title, a description and a link (msgtype
// textcard): title at most 128 bytes, description 512 bytes (it may use
// <div class="gray|normal|highlight">), url 2048 bytes, button text 4
// characters (WeCom's default is 详情).
type TextCard struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	ButtonText  string `json:"btntxt,omitempty"`
}

// News is a list of 1–8 linked articles (msgtype news).
type News struct {
	Articles []Article `json:"articles"`
}

// Article is one entry of [News]: title at most 128 bytes, description
// 512 bytes; URL or a mini program (AppID and PagePath) is opened on tap.
type Article struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	PicURL      string `json:"picurl,omitempty"`
	AppID       string `json:"appid,omitempty"`
	PagePath    string `json:"pagepath,omitempty"`
}

// MPNews is a list of 1–8 articles stored by WeCom (msgtype mpnews): they
// open inside WeCom, and a confidential ([Message.Safe]) mpnews cannot be
// shared outside.
type MPNews struct {
	Articles []MPArticle `json:"articles"`
}

// MPArticle is one entry of [MPNews]: Title (at most 128 bytes),
// ThumbMediaID (a temporary image) and Content (HTML, at most 666 K bytes)
// are required; Author holds at most 64 bytes, Digest 512.
type MPArticle struct {
	Title            string `json:"title"`
	ThumbMediaID     string `json:"thumb_media_id"`
	Author           string `json:"author,omitempty"`
	ContentSourceURL string `json:"content_source_url,omitempty"`
	Content          string `json:"content"`
	Digest           string `json:"digest,omitempty"`
}

// MiniProgramNotice is a mini program notice (msgtype
// miniprogram_notice), which only an app bound to the mini program AppID
// may send: Title (4–12 characters) is required; Page (at most 1024
// bytes) is opened on tap; Description holds 4–12 characters; at most 10
// items, each key at most 10 characters and value 30.
type MiniProgramNotice struct {
	AppID             string         `json:"appid"`
	Page              string         `json:"page,omitempty"`
	Title             string         `json:"title"`
	Description       string         `json:"description,omitempty"`
	EmphasisFirstItem bool           `json:"emphasis_first_item,omitempty"`
	ContentItems      []KeyValueItem `json:"content_item,omitempty"`
}

// KeyValueItem is one line of a [MiniProgramNotice].
type KeyValueItem struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// The template card types [Client.Send] accepts.
const (
	CardTextNotice = "text_notice" // 文本通知型
	CardNewsNotice = "news_notice" // 图文展示型
)

// TemplateCard is a template card message (msgtype template_card) of type
// [CardTextNotice] or [CardNewsNotice]
// (https://developer.work.weixin.qq.com/document/path/90236). The main
// title holds at most 36 characters and its description 44; at most 6
// horizontal entries and 3 jump links; TaskID at most 128 bytes. A card
// with an ActionMenu gets a response_code ([Result.ResponseCode]) with
// which [Client.UpdateTemplateCard] can replace it.
type TemplateCard struct {
	CardType              string              `json:"card_type"`
	Source                *CardSource         `json:"source,omitempty"`
	ActionMenu            *CardActionMenu     `json:"action_menu,omitempty"`
	MainTitle             CardTitle           `json:"main_title"`
	EmphasisContent       *CardTitle          `json:"emphasis_content,omitempty"`
	SubTitleText          string              `json:"sub_title_text,omitempty"`
	CardImage             *CardImage          `json:"card_image,omitempty"`
	HorizontalContentList []HorizontalContent `json:"horizontal_content_list,omitempty"`
	JumpList              []Jump              `json:"jump_list,omitempty"`
	CardAction            CardAction          `json:"card_action"`
	TaskID                string              `json:"task_id,omitempty"`
}

// CardActionMenu is the "…" menu at a card's top right: 1–3 actions,
// whose key comes back in the template_card_event callback. A card with
// one needs a TaskID.
type CardActionMenu struct {
	Desc    string           `json:"desc,omitempty"`
	Actions []CardMenuAction `json:"action_list"`
}

// CardMenuAction is one entry of a [CardActionMenu].
type CardMenuAction struct {
	Text string `json:"text"`
	Key  string `json:"key"`
}

// CardSource is the line above a card's title.
type CardSource struct {
	IconURL   string `json:"icon_url,omitempty"`
	Desc      string `json:"desc,omitempty"`
	DescColor int    `json:"desc_color,omitempty"` // 0 grey, 1 black, 2 red, 3 green
}

// CardTitle is a title with a description.
type CardTitle struct {
	Title string `json:"title,omitempty"`
	Desc  string `json:"desc,omitempty"`
}

// CardImage is a news_notice card's picture.
type CardImage struct {
	URL         string  `json:"url"`
	AspectRatio float64 `json:"aspect_ratio,omitempty"`
}

// HorizontalContent is a key/value line of a card; Type 1 makes Value a
// link to URL, 3 a member card of UserID.
type HorizontalContent struct {
	Type    int    `json:"type,omitempty"`
	KeyName string `json:"keyname"`
	Value   string `json:"value,omitempty"`
	URL     string `json:"url,omitempty"`
	UserID  string `json:"userid,omitempty"`
}

// Jump is a link at a card's bottom: Type 1 a URL, 2 a mini program.
type Jump struct {
	Type     int    `json:"type,omitempty"`
	Title    string `json:"title"`
	URL      string `json:"url,omitempty"`
	AppID    string `json:"appid,omitempty"`
	PagePath string `json:"pagepath,omitempty"`
}

// CardAction is what tapping the card does: Type 1 opens URL, 2 a mini
// program.
type CardAction struct {
	Type     int    `json:"type"`
	URL      string `json:"url,omitempty"`
	AppID    string `json:"appid,omitempty"`
	PagePath string `json:"pagepath,omitempty"`
}

func (*Text) msgType() string              { return "text" }
func (*Image) msgType() string             { return "image" }
func (*Voice) msgType() string             { return "voice" }
func (*Video) msgType() string             { return "video" }
func (*File) msgType() string              { return "file" }
func (*TextCard) msgType() string          { return "textcard" }
func (*News) msgType() string              { return "news" }
func (*MPNews) msgType() string            { return "mpnews" }
func (*Markdown) msgType() string          { return "markdown" }
func (*MiniProgramNotice) msgType() string { return "miniprogram_notice" }
func (*TemplateCard) msgType() string      { return "template_card" }

// WeCom's content limits (doc 90236): bytes unless the name says runes.
const (
	maxTextBytes        = 2048
	maxTitleBytes       = 128
	maxDescriptionBytes = 512
	maxURLBytes         = 2048
	maxButtonRunes      = 4
	maxAuthorBytes      = 64
	maxMPContentBytes   = 666 << 10
	maxPageBytes        = 1024
	maxNoticeTitleRunes = 12
	maxNoticeItems      = 10
	maxNoticeKeyRunes   = 10
	maxNoticeValueRunes = 30
	maxCardTitleRunes   = 36
	maxCardDescRunes    = 44
	maxCardHorizontal   = 6
	maxCardJumps        = 3
	maxCardMenuActions  = 3
	maxTaskIDBytes      = 128
	maxMediaIDBytes     = 256 // the client's own guard, not WeCom's: its ids are far shorter
)

// filler is what a [Content] fills: the request's body, scratch space
// for the one content it holds (so that a text message costs no
// allocation of its own), and the fitting rules of the client.
type filler struct {
	body   *body
	strict bool
	result *Result
	err    error
	text   Text
}

// fit cuts *s to limit bytes (or characters, if runes), at a character
// boundary, and records the field — or, for a strict client, refuses it.
// The first error sticks.
func (f *filler) fit(field string, s *string, limit int, runes bool) {
	if f.err == nil {
		f.err = fitField(f.result, f.strict, field, s, limit, runes)
	}
}

// fitAt is fit for the field prefix+i+suffix of a list, naming the
// field only when it has to be cut: a message of many articles costs no
// allocation for names it never reports.
func (f *filler) fitAt(prefix string, i int, suffix string, s *string, limit int, runes bool) {
	if f.err != nil || fits(*s, limit, runes) {
		return
	}
	f.fit(prefix+strconv.Itoa(i)+suffix, s, limit, runes)
}

func fits(s string, limit int, runes bool) bool {
	if runes {
		return len(s) <= limit || utf8.RuneCountInString(s) <= limit
	}
	return len(s) <= limit
}

func mediaID(kind, id string) error {
	switch {
	case id == "":
		return invalid("%s needs a media_id", kind)
	case len(id) > maxMediaIDBytes:
		return invalid("%s media_id is longer than %d bytes", kind, maxMediaIDBytes)
	}
	return nil
}

func (m *Text) fill(f *filler) error {
	if m == nil || m.Content == "" {
		return invalid("empty text")
	}
	f.text = *m
	f.fit("text.content", &f.text.Content, maxTextBytes, false)
	f.body.Text = &f.text
	return f.err
}

func (m *Image) fill(f *filler) error {
	if m == nil {
		return invalid("nil image")
	}
	if err := mediaID("image", m.MediaID); err != nil {
		return err
	}
	f.body.Image = m // nothing to cut: the caller's value is sent as it is
	return nil
}

func (m *Voice) fill(f *filler) error {
	if m == nil {
		return invalid("nil voice")
	}
	if err := mediaID("voice", m.MediaID); err != nil {
		return err
	}
	f.body.Voice = m
	return nil
}

func (m *File) fill(f *filler) error {
	if m == nil {
		return invalid("nil file")
	}
	if err := mediaID("file", m.MediaID); err != nil {
		return err
	}
	f.body.File = m
	return nil
}

func (m *Video) fill(f *filler) error {
	if m == nil {
		return invalid("nil video")
	}
	if err := mediaID("video", m.MediaID); err != nil {
		return err
	}
	v := *m
	f.fit("video.title", &v.Title, maxTitleBytes, false)
	f.fit("video.description", &v.Description, maxDescriptionBytes, false)
	f.body.Video = &v
	return f.err
}

func (m *Markdown) fill(f *filler) error {
	if m == nil || m.Content == "" {
		return invalid("empty markdown")
	}
	md := *m
	f.fit("markdown.content", &md.Content, maxTextBytes, false)
	f.body.Markdown = &md
	return f.err
}

func (m *TextCard) fill(f *filler) error {
	if m == nil || m.Title == "" || m.Description == "" || m.URL == "" {
		return invalid("a textcard needs a title, a description and a url")
	}
	if len(m.URL) > maxURLBytes {
		return invalid("textcard.url is longer than %d bytes", maxURLBytes) // a cut URL is a wrong URL
	}
	tc := *m
	f.fit("textcard.title", &tc.Title, maxTitleBytes, false)
	f.fit("textcard.description", &tc.Description, maxDescriptionBytes, false)
	f.fit("textcard.btntxt", &tc.ButtonText, maxButtonRunes, true)
	f.body.TextCard = &tc
	return f.err
}

func articleCount(n int) error {
	if n == 0 || n > MaxArticles {
		return invalid("%d articles: 1 to %d", n, MaxArticles)
	}
	return nil
}

func (m *News) fill(f *filler) error {
	if m == nil {
		return invalid("nil news")
	}
	if err := articleCount(len(m.Articles)); err != nil {
		return err
	}
	n := &News{Articles: append([]Article(nil), m.Articles...)}
	for i := range n.Articles {
		a := &n.Articles[i]
		if a.Title == "" {
			return invalid("news article %d has no title", i)
		}
		if len(a.URL) > maxURLBytes {
			return invalid("news article %d: url is longer than %d bytes", i, maxURLBytes)
		}
		f.fitAt("news.articles.", i, ".title", &a.Title, maxTitleBytes, false)
		f.fitAt("news.articles.", i, ".description", &a.Description, maxDescriptionBytes, false)
	}
	f.body.News = n
	return f.err
}

func (m *MPNews) fill(f *filler) error {
	if m == nil {
		return invalid("nil mpnews")
	}
	if err := articleCount(len(m.Articles)); err != nil {
		return err
	}
	n := &MPNews{Articles: append([]MPArticle(nil), m.Articles...)}
	for i := range n.Articles {
		a := &n.Articles[i]
		switch {
		case a.Title == "" || a.Content == "":
			return invalid("mpnews article %d needs a title and a content", i)
		case len(a.Content) > maxMPContentBytes:
			return invalid("mpnews article %d: content is longer than %d bytes", i, maxMPContentBytes) // cut HTML is broken HTML
		case len(a.ContentSourceURL) > maxURLBytes:
			return invalid("mpnews article %d: content_source_url is longer than %d bytes", i, maxURLBytes)
		}
		if a.ThumbMediaID == "" || len(a.ThumbMediaID) > maxMediaIDBytes {
			return mediaID("mpnews article "+strconv.Itoa(i)+" thumb", a.ThumbMediaID)
		}
		f.fitAt("mpnews.articles.", i, ".title", &a.Title, maxTitleBytes, false)
		f.fitAt("mpnews.articles.", i, ".author", &a.Author, maxAuthorBytes, false)
		f.fitAt("mpnews.articles.", i, ".digest", &a.Digest, maxDescriptionBytes, false)
	}
	f.body.MPNews = n
	return f.err
}

func (m *MiniProgramNotice) fill(f *filler) error {
	switch {
	case m == nil || m.AppID == "" || m.Title == "":
		return invalid("a miniprogram_notice needs an appid and a title")
	case len(m.Page) > maxPageBytes:
		return invalid("miniprogram_notice.page is longer than %d bytes", maxPageBytes)
	case len(m.ContentItems) > maxNoticeItems:
		return invalid("%d miniprogram_notice content items: at most %d", len(m.ContentItems), maxNoticeItems)
	}
	n := *m
	n.ContentItems = append([]KeyValueItem(nil), m.ContentItems...)
	f.fit("miniprogram_notice.title", &n.Title, maxNoticeTitleRunes, true)
	f.fit("miniprogram_notice.description", &n.Description, maxNoticeTitleRunes, true)
	for i := range n.ContentItems {
		f.fitAt("miniprogram_notice.content_item.", i, ".key", &n.ContentItems[i].Key, maxNoticeKeyRunes, true)
		f.fitAt("miniprogram_notice.content_item.", i, ".value", &n.ContentItems[i].Value, maxNoticeValueRunes, true)
	}
	f.body.MiniProgramNotice = &n
	return f.err
}

// CheckTemplateCard reports a card WeCom would refuse for its structure:
// an unknown card type, or more list entries than the card shows. The
// group robot (package message/webhook) checks its cards with it.
func CheckTemplateCard(card *TemplateCard) error { return card.check() }

// check applies a template card's structural limits.
func (m *TemplateCard) check() error {
	if m == nil || (m.CardType != CardTextNotice && m.CardType != CardNewsNotice) {
		return invalid("template card type must be %s or %s", CardTextNotice, CardNewsNotice)
	}
	switch {
	case len(m.HorizontalContentList) > maxCardHorizontal:
		return invalid("%d horizontal_content_list entries: at most %d", len(m.HorizontalContentList), maxCardHorizontal)
	case len(m.JumpList) > maxCardJumps:
		return invalid("%d jump_list entries: at most %d", len(m.JumpList), maxCardJumps)
	case len(m.TaskID) > maxTaskIDBytes:
		return invalid("task_id is longer than %d bytes", maxTaskIDBytes)
	case m.MainTitle.Title == "" && m.SubTitleText == "" && m.CardType == CardTextNotice:
		return invalid("a text_notice card needs main_title.title or sub_title_text")
	case m.CardAction.Type == 0:
		return invalid("a %s card needs a card_action", m.CardType)
	case m.ActionMenu != nil && (len(m.ActionMenu.Actions) == 0 || len(m.ActionMenu.Actions) > maxCardMenuActions):
		return invalid("%d action_menu actions: 1 to %d", len(m.ActionMenu.Actions), maxCardMenuActions)
	case m.ActionMenu != nil && m.TaskID == "":
		return invalid("a card with an action_menu needs a task_id")
	}
	return nil
}

func (m *TemplateCard) fill(f *filler) error {
	if err := m.check(); err != nil {
		return err
	}
	tc := *m
	f.fit("template_card.main_title.title", &tc.MainTitle.Title, maxCardTitleRunes, true)
	f.fit("template_card.main_title.desc", &tc.MainTitle.Desc, maxCardDescRunes, true)
	f.body.TemplateCard = &tc
	return f.err
}
