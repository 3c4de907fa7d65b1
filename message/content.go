package message

// Content is a message's body: [Text], [Markdown], [TextCard], [News] or
// [TemplateCard]. Only this package's types implement it.
type Content interface {
	msgType() string
}

// Text is a plain text message (msgtype text). Content may hold <a href>
// links; WeCom keeps at most 2048 bytes of it.
type Text struct {
	Content string `json:"content"`
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

// The template card types [Send] accepts.
const (
	CardTextNotice = "text_notice" // 文本通知型
	CardNewsNotice = "news_notice" // 图文展示型
)

// TemplateCard is a template card message (msgtype template_card) of type
// [CardTextNotice] or [CardNewsNotice]
// (https://developer.work.weixin.qq.com/document/path/90236). The main
// title holds at most 36 characters and its description 44; at most 6
// horizontal entries and 3 jump links; TaskID at most 128 bytes.
type TemplateCard struct {
	CardType              string              `json:"card_type"`
	Source                *CardSource         `json:"source,omitempty"`
	MainTitle             CardTitle           `json:"main_title"`
	EmphasisContent       *CardTitle          `json:"emphasis_content,omitempty"`
	SubTitleText          string              `json:"sub_title_text,omitempty"`
	CardImage             *CardImage          `json:"card_image,omitempty"`
	HorizontalContentList []HorizontalContent `json:"horizontal_content_list,omitempty"`
	JumpList              []Jump              `json:"jump_list,omitempty"`
	CardAction            CardAction          `json:"card_action"`
	TaskID                string              `json:"task_id,omitempty"`
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

func (*Text) msgType() string         { return "text" }
func (*Markdown) msgType() string     { return "markdown" }
func (*TextCard) msgType() string     { return "textcard" }
func (*News) msgType() string         { return "news" }
func (*TemplateCard) msgType() string { return "template_card" }
