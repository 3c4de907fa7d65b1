package media

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Type is the kind of a temporary medium.
type Type string

// The temporary media types (doc 90253).
const (
	Image Type = "image"
	Voice Type = "voice"
	Video Type = "video"
	File  Type = "file"
)

// A Limit is what WeCom accepts for one kind of upload.
type Limit struct {
	MinBytes   int64    // every upload must be larger than 5 bytes
	MaxBytes   int64    // the largest file accepted
	Extensions []string // accepted file name extensions, lower case; nil: any
}

// LimitOf returns WeCom's limit for temporary media of type t
// (https://developer.work.weixin.qq.com/document/path/90253): image 10 MB
// (JPG, PNG), voice 2 MB (AMR, at most 60 s, which WeCom checks), video
// 10 MB (MP4), file 20 MB (any format); every file larger than 5 bytes.
func LimitOf(t Type) (Limit, bool) {
	switch t {
	case Image:
		return Limit{MinBytes: 6, MaxBytes: 10 << 20, Extensions: []string{".jpg", ".jpeg", ".png"}}, true
	case Voice:
		return Limit{MinBytes: 6, MaxBytes: 2 << 20, Extensions: []string{".amr"}}, true
	case Video:
		return Limit{MinBytes: 6, MaxBytes: 10 << 20, Extensions: []string{".mp4"}}, true
	case File:
		return Limit{MinBytes: 6, MaxBytes: 20 << 20}, true
	}
	return Limit{}, false
}

// PermanentImageLimit returns WeCom's limit for [Client.UploadImage]
// (https://developer.work.weixin.qq.com/document/path/90256): a JPG or
// PNG of at most 2 MB.
func PermanentImageLimit() Limit {
	return Limit{MinBytes: 6, MaxBytes: 2 << 20, Extensions: []string{".jpg", ".jpeg", ".png"}}
}

// ErrInvalidArgument is wrapped by the errors for arguments no upload or
// download could succeed with: an unknown type, an empty media id.
var ErrInvalidArgument = errors.New("media: invalid argument")

// ErrLimit is wrapped by every [*LimitError].
var ErrLimit = errors.New("media: outside WeCom's limits")

// LimitError reports a file WeCom would refuse, before it is sent.
type LimitError struct {
	What     string // "image", "voice", …, or "permanent image"
	Filename string
	Size     int64
	Limit    Limit
	Reason   string // "too large", "too small" or "format"
}

func (e *LimitError) Error() string {
	switch e.Reason {
	case "format":
		return fmt.Sprintf("media: %s %q: WeCom accepts only %s files", e.What, e.Filename, strings.Join(e.Limit.Extensions, ", "))
	case "too small":
		return fmt.Sprintf("media: %s %q: %d bytes; WeCom needs more than 5", e.What, e.Filename, e.Size)
	}
	return fmt.Sprintf("media: %s %q: %d bytes is over WeCom's limit of %d MB", e.What, e.Filename, e.Size, e.Limit.MaxBytes>>20)
}

// Unwrap returns [ErrLimit].
func (e *LimitError) Unwrap() error { return ErrLimit }

// Check reports whether a file of this name and size is within l.
func (l Limit) Check(what, filename string, size int64) error {
	if len(l.Extensions) > 0 {
		ext := strings.ToLower(path.Ext(filename))
		ok := false
		for _, e := range l.Extensions {
			ok = ok || e == ext
		}
		if !ok {
			return &LimitError{What: what, Filename: filename, Size: size, Limit: l, Reason: "format"}
		}
	}
	switch {
	case size < l.MinBytes:
		return &LimitError{What: what, Filename: filename, Size: size, Limit: l, Reason: "too small"}
	case size > l.MaxBytes:
		return &LimitError{What: what, Filename: filename, Size: size, Limit: l, Reason: "too large"}
	}
	return nil
}

// Client uploads and downloads media with one corporation's token. It is
// safe for concurrent use.
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

// Uploaded is a temporary medium WeCom has stored.
type Uploaded struct {
	Type      Type
	MediaID   string    // valid for three days, shared by the corporation's apps
	CreatedAt time.Time // when WeCom stored it
}

// ExpiresAt returns when the media id stops working: three days after
// the upload.
func (u *Uploaded) ExpiresAt() time.Time { return u.CreatedAt.Add(72 * time.Hour) }

// measure returns r's length: size when positive, else what remains of
// an io.Seeker (wecom.Upload.Length), so the limits can be checked
// before the upload.
func measure(r io.Reader, size int64) (int64, error) {
	n, err := (&wecom.Upload{Body: r, Size: size}).Length()
	if errors.Is(err, wecom.ErrUploadSize) {
		return 0, fmt.Errorf("%w: the size of a reader that cannot seek must be given", ErrInvalidArgument)
	}
	if err != nil {
		return 0, fmt.Errorf("media: %w", err)
	}
	return n, nil
}

// Upload stores r as a temporary medium of type t under filename (the
// name a file message shows) with POST /cgi-bin/media/upload
// (https://developer.work.weixin.qq.com/document/path/90253), streaming
// it. size is r's length in bytes; 0 measures an [io.Seeker] such as an
// *os.File. The file is checked against [LimitOf](t) first.
func (c *Client) Upload(ctx context.Context, t Type, filename string, r io.Reader, size int64) (*Uploaded, error) {
	limit, ok := LimitOf(t)
	if !ok {
		return nil, fmt.Errorf("%w: media type %q (image, voice, video or file)", ErrInvalidArgument, t)
	}
	size, err := measure(r, size)
	if err != nil {
		return nil, err
	}
	if err := limit.Check(string(t), filename, size); err != nil {
		return nil, err
	}
	out, err := upload.Call(ctx, c.corp, uploadRequest{Type: string(t), Media: wecom.Upload{Filename: filename, Size: size, Body: r}})
	if err != nil {
		return nil, fmt.Errorf("media: upload %s: %w", t, err)
	}
	return out.uploaded(t)
}

func (a *uploadAnswer) uploaded(t Type) (*Uploaded, error) {
	if a.MediaID == "" {
		return nil, errors.New("media: upload: answer has no media_id")
	}
	if a.Type != "" {
		t = Type(a.Type)
	}
	return &Uploaded{Type: t, MediaID: a.MediaID, CreatedAt: time.Time(a.CreatedAt)}, nil
}

// UploadImage stores an image for good with POST /cgi-bin/media/uploadimg
// (https://developer.work.weixin.qq.com/document/path/90256) and returns
// its URL, for news bodies and welcome messages (not for image messages,
// which take a media id). WeCom allows 1,000 such images a day and 3,000 a
// month per corporation; the image must be a JPG or PNG of at most 2 MB.
func (c *Client) UploadImage(ctx context.Context, filename string, r io.Reader, size int64) (string, error) {
	size, err := measure(r, size)
	if err != nil {
		return "", err
	}
	if err := PermanentImageLimit().Check("permanent image", filename, size); err != nil {
		return "", err
	}
	out, err := uploadImage.Call(ctx, c.corp, uploadImageRequest{Media: wecom.Upload{Filename: filename, Size: size, Body: r}})
	if err != nil {
		return "", fmt.Errorf("media: uploadimg: %w", err)
	}
	if out.URL == "" {
		return "", errors.New("media: uploadimg: answer has no url")
	}
	return out.URL, nil
}

// AttachmentType is where an attachment will be used (doc 95098).
type AttachmentType int

// The attachment types.
const (
	ForMoments      AttachmentType = 1 // customer moments (客户朋友圈): images and videos only
	ForProductAlbum AttachmentType = 2 // product albums (商品图册)
)

// UploadAttachment stores r as an attachment of type t (Image, Video or
// File) for use a (moments or a product album) with POST
// /cgi-bin/media/upload_attachment
// (https://developer.work.weixin.qq.com/document/path/95098). Like a
// temporary medium, its id is valid for three days. The app must be
// allowed to use customer contact (客户联系).
func (c *Client) UploadAttachment(ctx context.Context, t Type, use AttachmentType, filename string, r io.Reader, size int64) (*Uploaded, error) {
	if t != Image && t != Video && t != File {
		return nil, fmt.Errorf("%w: attachment type %q (image, video or file)", ErrInvalidArgument, t)
	}
	if use != ForMoments && use != ForProductAlbum {
		return nil, fmt.Errorf("%w: attachment use %d (1 moments, 2 product album)", ErrInvalidArgument, use)
	}
	if use == ForMoments && t == File {
		return nil, fmt.Errorf("%w: moments take images and videos only", ErrInvalidArgument)
	}
	limit, _ := LimitOf(t)
	size, err := measure(r, size)
	if err != nil {
		return nil, err
	}
	if err := limit.Check(string(t), filename, size); err != nil {
		return nil, err
	}
	out, err := uploadAttachment.Call(ctx, c.corp, uploadAttachmentRequest{MediaType: string(t), AttachmentType: int(use), Media: wecom.Upload{Filename: filename, Size: size, Body: r}})
	if err != nil {
		return nil, fmt.Errorf("media: upload_attachment: %w", err)
	}
	return out.uploaded(t)
}

// DownloadOption configures a download.
type DownloadOption func(*downloadConfig)

type downloadConfig struct {
	from int64
}

// From resumes a download at byte offset (WeCom honours HTTP ranges on
// media/get): after a broken download of n bytes, From(n) fetches the
// rest.
func From(offset int64) DownloadOption {
	return func(c *downloadConfig) { c.from = offset }
}

// Open starts downloading the temporary medium mediaID with GET
// /cgi-bin/media/get (https://developer.work.weixin.qq.com/document/path/90254)
// and returns it as a stream: its Body reads straight from the connection
// and must be closed. An unknown or expired id is WeCom's 40007.
func (c *Client) Open(ctx context.Context, mediaID string, opts ...DownloadOption) (*wecom.File, error) {
	return c.open(ctx, get, "get", mediaID, opts)
}

// OpenVoice is [Client.Open] for a voice recorded with the JS-SDK's
// uploadVoice, in its high-quality form (speex, 16 kHz) from GET
// /cgi-bin/media/get/jssdk
// (https://developer.work.weixin.qq.com/document/path/90255).
func (c *Client) OpenVoice(ctx context.Context, mediaID string, opts ...DownloadOption) (*wecom.File, error) {
	return c.open(ctx, getJSSDK, "get/jssdk", mediaID, opts)
}

func (c *Client) open(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, getRequest, wecom.File], name, mediaID string, opts []DownloadOption) (*wecom.File, error) {
	if mediaID == "" {
		return nil, fmt.Errorf("%w: empty media id", ErrInvalidArgument)
	}
	var cfg downloadConfig
	for _, o := range opts {
		o(&cfg)
	}
	var callOpts []wecom.CallOption
	if cfg.from < 0 {
		return nil, fmt.Errorf("%w: negative offset", ErrInvalidArgument)
	}
	if cfg.from > 0 {
		callOpts = append(callOpts, wecom.WithCallHeader("Range", "bytes="+strconv.FormatInt(cfg.from, 10)+"-"))
	}
	f, err := ep.Call(ctx, c.corp, getRequest{MediaID: mediaID}, callOpts...)
	if err != nil {
		return nil, fmt.Errorf("media: %s: %w", name, err)
	}
	return f, nil
}

// Download copies the temporary medium mediaID to w (see [Client.Open])
// and returns the number of bytes written and the file's name and type.
func (c *Client) Download(ctx context.Context, mediaID string, w io.Writer, opts ...DownloadOption) (Downloaded, error) {
	return c.download(ctx, c.Open, mediaID, w, opts)
}

// DownloadVoice copies a JS-SDK voice in its high-quality form to w (see
// [Client.OpenVoice]).
func (c *Client) DownloadVoice(ctx context.Context, mediaID string, w io.Writer, opts ...DownloadOption) (Downloaded, error) {
	return c.download(ctx, c.OpenVoice, mediaID, w, opts)
}

// Downloaded describes a finished download.
type Downloaded struct {
	Filename    string // from WeCom's Content-Disposition
	ContentType string
	Written     int64 // bytes written to the writer
}

func (c *Client) download(ctx context.Context, open func(context.Context, string, ...DownloadOption) (*wecom.File, error), mediaID string, w io.Writer, opts []DownloadOption) (Downloaded, error) {
	f, err := open(ctx, mediaID, opts...)
	if err != nil {
		return Downloaded{}, err
	}
	defer f.Body.Close()
	n, err := io.Copy(w, f.Body)
	d := Downloaded{Filename: f.Filename, ContentType: f.ContentType, Written: n}
	if err != nil {
		return d, fmt.Errorf("media: download: %w (%d bytes written; resume with media.From)", err, n)
	}
	if f.Size >= 0 && n != f.Size {
		return d, fmt.Errorf("media: download: %d of %d bytes (resume with media.From)", n, f.Size)
	}
	return d, nil
}

// unixTime decodes WeCom's created_at, which media/upload sends as a
// string of seconds and upload_attachment as a number.
type unixTime time.Time

func (t *unixTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*t = unixTime{}
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("media: created_at is not a number of seconds")
	}
	*t = unixTime(time.Unix(n, 0))
	return nil
}

var _ json.Unmarshaler = (*unixTime)(nil)
