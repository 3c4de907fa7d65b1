package webhook

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
)

// WeCom's limits for robot messages
// (https://developer.work.weixin.qq.com/document/path/91770).
const (
	MaxTextBytes     = 2048    // text content, UTF-8
	MaxMarkdownBytes = 4096    // markdown content, UTF-8
	MaxImageBytes    = 2 << 20 // an image before base64, JPG or PNG
	MaxArticles      = 8       // news articles per message
	MaxTitleBytes    = 128     // a news article's title; SendNews cuts a longer one
	MaxDescBytes     = 512     // a news article's description; SendNews cuts a longer one
	MaxFileBytes     = 20 << 20
	MaxVoiceBytes    = 2 << 20 // an AMR voice, at most 60 s (WeCom checks the length)
	MinUploadBytes   = 6       // every upload must be larger than 5 bytes
)

// ErrInvalidArgument is wrapped by the errors for arguments no call could
// succeed with: an empty key, an empty media id, an unknown upload type.
var ErrInvalidArgument = errors.New("webhook: invalid argument")

// ErrLimit is wrapped by the errors for messages and files outside WeCom's
// limits, returned before anything is sent.
var ErrLimit = errors.New("webhook: outside WeCom's limits")

// Robot sends messages to one group chat through its webhook key. It is
// safe for concurrent use. Printing a Robot, with any verb, shows its key
// as [redacted].
type Robot struct {
	key  wecom.Secret
	call wecom.Caller[wecom.NoToken]
}

// New returns a Robot for the webhook key (the key query parameter of the
// robot's webhook address). opts are the HTTP-level options of
// [wecom.NewTransport]: [wecom.WithBaseURL], [wecom.WithHTTPClient],
// [wecom.WithLogger], timeouts, retries and the call hook.
func New(key string, opts ...wecom.Option) (*Robot, error) {
	if strings.TrimSpace(key) == "" {
		return nil, fmt.Errorf("%w: empty webhook key", ErrInvalidArgument)
	}
	t, err := wecom.NewTransport(opts...)
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	return &Robot{key: wecom.Secret(key), call: t.Caller()}, nil
}

// FromURL returns a Robot for the webhook address WeCom shows when a
// robot is added to a group, such as
// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-….
// The address's scheme and host become the base URL, unless opts set
// another with [wecom.WithBaseURL]. Its errors never quote the address.
func FromURL(webhookURL string, opts ...wecom.Option) (*Robot, error) {
	u, err := url.Parse(strings.TrimSpace(webhookURL))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%w: the webhook address is not an absolute URL", ErrInvalidArgument)
	}
	if !strings.HasSuffix(u.Path, "/cgi-bin/webhook/send") {
		return nil, fmt.Errorf("%w: the webhook address's path is %q, not /cgi-bin/webhook/send", ErrInvalidArgument, u.Path)
	}
	key := u.Query().Get("key")
	if key == "" {
		return nil, fmt.Errorf("%w: the webhook address has no key", ErrInvalidArgument)
	}
	base := u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, "/cgi-bin/webhook/send")
	return New(key, append([]wecom.Option{wecom.WithBaseURL(base)}, opts...)...)
}

// String returns a description of the robot with its key redacted.
func (r *Robot) String() string { return "webhook.Robot{key: [redacted]}" }

// GoString is String, for %#v.
func (r *Robot) GoString() string { return r.String() }

// Format prints String for every verb.
func (r *Robot) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

func (r *Robot) send(ctx context.Context, req *sendRequest) error {
	req.Key = r.key.Reveal()
	if _, err := send.Call(ctx, r.call, req); err != nil {
		return fmt.Errorf("webhook: send %s: %w", req.MsgType, err)
	}
	return nil
}

// Text is a text message. Content may @-mention members with <@userid>.
type Text struct {
	// Content is the text, at most 2,048 bytes of UTF-8.
	Content string `json:"content"`
	// MentionedList are the userids to @-mention; "@all" mentions
	// everyone.
	MentionedList []string `json:"mentioned_list,omitempty"`
	// MentionedMobileList are the mobile numbers of members to
	// @-mention, for when their userids are unknown; "@all" mentions
	// everyone.
	MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
}

// SendText sends a text message.
func (r *Robot) SendText(ctx context.Context, t Text) error {
	if err := checkContent("text", t.Content, MaxTextBytes); err != nil {
		return err
	}
	return r.send(ctx, &sendRequest{MsgType: "text", Text: &t})
}

// SendMarkdown sends a markdown message (WeCom's subset: headings, bold,
// links, quotes, inline code and <font color="info|comment|warning">),
// at most 4,096 bytes of UTF-8. Content may @-mention with <@userid>.
func (r *Robot) SendMarkdown(ctx context.Context, content string) error {
	if err := checkContent("markdown", content, MaxMarkdownBytes); err != nil {
		return err
	}
	return r.send(ctx, &sendRequest{MsgType: "markdown", Markdown: &markdownBody{Content: content}})
}

func checkContent(what, content string, max int) error {
	switch {
	case content == "":
		return fmt.Errorf("%w: empty %s content", ErrInvalidArgument, what)
	case len(content) > max:
		return fmt.Errorf("%w: %s content of %d bytes; WeCom takes at most %d", ErrLimit, what, len(content), max)
	}
	return nil
}

// SendImage sends an image: the JPG or PNG file's bytes, at most 2 MB.
// The message carries them base64-encoded with their MD5, which WeCom
// checks.
func (r *Robot) SendImage(ctx context.Context, image []byte) error {
	switch {
	case len(image) == 0:
		return fmt.Errorf("%w: empty image", ErrInvalidArgument)
	case len(image) > MaxImageBytes:
		return fmt.Errorf("%w: an image of %d bytes; WeCom takes at most 2 MB", ErrLimit, len(image))
	case !isJPEG(image) && !isPNG(image):
		return fmt.Errorf("%w: the image is neither a JPG nor a PNG", ErrLimit)
	}
	sum := md5.Sum(image)
	return r.send(ctx, &sendRequest{MsgType: "image", Image: &imageBody{
		Base64: base64.StdEncoding.EncodeToString(image),
		MD5:    hex.EncodeToString(sum[:]),
	}})
}

func isJPEG(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) }
func isPNG(b []byte) bool  { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }

// Article is one article of a news message.
type Article struct {
	Title       string `json:"title"`                 // required, at most 128 bytes
	Description string `json:"description,omitempty"` // at most 512 bytes
	URL         string `json:"url"`                   // required: where a tap leads
	PicURL      string `json:"picurl,omitempty"`      // JPG or PNG; 1068×455 large, 150×150 small look best
}

// SendTemplateCard sends a notice card: card_type text_notice or
// news_notice, the same card an app sends (package message's
// TemplateCard), without the interactive parts a robot's card cannot
// have — an ActionMenu or a TaskID
// (https://developer.work.weixin.qq.com/document/path/99110, the robot's
// page, lists the two notice cards). The card's structure is checked
// first, as message.Client.Send checks it.
func (r *Robot) SendTemplateCard(ctx context.Context, card *message.TemplateCard) error {
	if card == nil {
		return fmt.Errorf("%w: nil card", ErrInvalidArgument)
	}
	if card.ActionMenu != nil || card.TaskID != "" {
		return fmt.Errorf("%w: a robot's card has no action menu or task id", ErrInvalidArgument)
	}
	if err := message.CheckTemplateCard(card); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return r.send(ctx, &sendRequest{MsgType: "template_card", TemplateCard: card})
}

// SendNews sends a news message of 1 to 8 articles, each with a title and
// a URL. A title over [MaxTitleBytes] or a description over
// [MaxDescBytes] is cut to fit, at a character boundary: WeCom cuts them
// itself (超过会自动截断, doc 91770) but by bytes, which can leave half a
// character; the articles passed in are not changed.
func (r *Robot) SendNews(ctx context.Context, articles ...Article) error {
	if len(articles) == 0 || len(articles) > MaxArticles {
		return fmt.Errorf("%w: %d news articles; WeCom takes 1 to %d", ErrLimit, len(articles), MaxArticles)
	}
	cut, cloned := articles, false
	for i, a := range articles {
		if a.Title == "" || a.URL == "" {
			return fmt.Errorf("%w: news article %d needs a title and a url", ErrInvalidArgument, i)
		}
		if len(a.Title) > MaxTitleBytes || len(a.Description) > MaxDescBytes {
			if !cloned {
				cut, cloned = slices.Clone(articles), true
			}
			cut[i].Title = message.CutBytes(a.Title, MaxTitleBytes)
			cut[i].Description = message.CutBytes(a.Description, MaxDescBytes)
		}
	}
	return r.send(ctx, &sendRequest{MsgType: "news", News: &newsBody{Articles: cut}})
}

// SendFile sends a file uploaded with [Robot.UploadMedia] as [File].
func (r *Robot) SendFile(ctx context.Context, mediaID string) error {
	if mediaID == "" {
		return fmt.Errorf("%w: empty media id", ErrInvalidArgument)
	}
	return r.send(ctx, &sendRequest{MsgType: "file", File: &mediaBody{MediaID: mediaID}})
}

// SendVoice sends a voice uploaded with [Robot.UploadMedia] as [Voice].
func (r *Robot) SendVoice(ctx context.Context, mediaID string) error {
	if mediaID == "" {
		return fmt.Errorf("%w: empty media id", ErrInvalidArgument)
	}
	return r.send(ctx, &sendRequest{MsgType: "voice", Voice: &mediaBody{MediaID: mediaID}})
}

// MediaType is the kind of a robot upload.
type MediaType string

// The robot's upload types.
const (
	File  MediaType = "file"  // any format, at most 20 MB
	Voice MediaType = "voice" // AMR, at most 2 MB and 60 s
)

// Uploaded is a file WeCom stored for the robot.
type Uploaded struct {
	Type      MediaType
	MediaID   string    // valid for three days, for this robot's messages
	CreatedAt time.Time // when WeCom stored it
}

// UploadMedia stores r as a file or voice under filename with POST
// /cgi-bin/webhook/upload_media, streaming it, for [Robot.SendFile] and
// [Robot.SendVoice]. size is r's length in bytes; 0 measures an
// [io.Seeker] such as an *os.File. WeCom's limits are checked first: more
// than 5 bytes, a file at most 20 MB, a voice an .amr of at most 2 MB.
func (r *Robot) UploadMedia(ctx context.Context, t MediaType, filename string, body io.Reader, size int64) (*Uploaded, error) {
	var max int64
	switch t {
	case File:
		max = MaxFileBytes
	case Voice:
		max = MaxVoiceBytes
		if !strings.EqualFold(path.Ext(filename), ".amr") {
			return nil, fmt.Errorf("%w: voice %q: WeCom takes only .amr voices", ErrLimit, filename)
		}
	default:
		return nil, fmt.Errorf("%w: upload type %q (file or voice)", ErrInvalidArgument, t)
	}
	size, err := measure(body, size)
	if err != nil {
		return nil, err
	}
	switch {
	case size < MinUploadBytes:
		return nil, fmt.Errorf("%w: %s %q: %d bytes; WeCom needs more than 5", ErrLimit, t, filename, size)
	case size > max:
		return nil, fmt.Errorf("%w: %s %q: %d bytes is over WeCom's limit of %d MB", ErrLimit, t, filename, size, max>>20)
	}
	out, err := uploadMedia.Call(ctx, r.call, uploadRequest{
		Key: r.key.Reveal(), Type: string(t),
		Media: wecom.Upload{Filename: filename, Size: size, Body: body},
	})
	if err != nil {
		return nil, fmt.Errorf("webhook: upload_media %s: %w", t, err)
	}
	if out.MediaID == "" {
		return nil, errors.New("webhook: upload_media: answer has no media_id")
	}
	return &Uploaded{Type: t, MediaID: out.MediaID, CreatedAt: time.Time(out.CreatedAt)}, nil
}

// measure returns r's length: size when positive, else what remains of
// an io.Seeker (wecom.Upload.Length), so the limits can be checked
// before the upload.
func measure(r io.Reader, size int64) (int64, error) {
	n, err := (&wecom.Upload{Body: r, Size: size}).Length()
	if errors.Is(err, wecom.ErrUploadSize) {
		return 0, fmt.Errorf("%w: the size of a reader that cannot seek must be given", ErrInvalidArgument)
	}
	if err != nil {
		return 0, fmt.Errorf("webhook: %w", err)
	}
	return n, nil
}

// unixTime decodes created_at, a string of seconds or a number.
type unixTime time.Time

func (t *unixTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*t = unixTime{}
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("webhook: created_at is not a number of seconds")
	}
	*t = unixTime(time.Unix(n, 0))
	return nil
}
