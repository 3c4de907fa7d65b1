package wecom

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"
)

// Upload is a file sent as multipart/form-data, streamed from Body: an
// upload of any size holds a few kilobytes in memory, never the file.
// WeCom needs the file's length up front (the part's filelength), so
// Size must be given unless Body is an [io.Seeker], whose remaining length
// is measured. A Body that is an io.Seeker is also rewound for a retry;
// any other is sent once — a failed attempt is not repeated, and a
// rejected token is replaced for the next call but not this one.
type Upload struct {
	// Filename is the file name WeCom records (required; no quotes, CR or
	// LF).
	Filename string
	// ContentType is the part's type; "application/octet-stream" when
	// empty.
	ContentType string
	// Size is the number of bytes Body yields. 0 with an io.Seeker Body
	// means "measure it".
	Size int64
	// Body yields the file's bytes.
	Body io.Reader

	field string // the form field, from the endpoint's form:"name" tag
}

// uploadBody is one prepared multipart body: its head and tail around the
// file, and where to rewind the file for a retry.
type uploadBody struct {
	up          *Upload
	head, tail  string
	contentType string
	start       int64 // Body's offset before the first attempt; -1: cannot rewind
	sent        bool
}

var errUploadShort = errors.New("wecom: upload body shorter than its Size")

func prepareUpload(up *Upload) (*uploadBody, error) {
	if up.Body == nil {
		return nil, errors.New("wecom: upload has no Body")
	}
	if up.Filename == "" || strings.ContainsAny(up.Filename, "\"\r\n\\") {
		return nil, fmt.Errorf("wecom: upload file name %q is empty or holds a quote, backslash or line break", up.Filename)
	}
	field := up.field
	if field == "" {
		field = "media"
	}
	ct := up.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	} else if _, _, err := mime.ParseMediaType(ct); err != nil || strings.ContainsAny(ct, "\r\n") {
		return nil, fmt.Errorf("wecom: upload content type %q: not a media type", ct)
	}
	ub := &uploadBody{up: up, start: -1}
	if s, ok := up.Body.(io.Seeker); ok {
		cur, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, fmt.Errorf("wecom: upload: %w", err)
		}
		ub.start = cur
	}
	size, err := up.Length()
	if err != nil {
		return nil, err
	}
	up.Size = size
	var b [16]byte
	_, _ = rand.Read(b[:])
	boundary := "wecomkit" + hex.EncodeToString(b[:])
	ub.head = "--" + boundary + "\r\n" +
		`Content-Disposition: form-data; name="` + field + `"; filename="` + up.Filename + `"; filelength=` + strconv.FormatInt(up.Size, 10) + "\r\n" +
		"Content-Type: " + ct + "\r\n\r\n"
	ub.tail = "\r\n--" + boundary + "--\r\n"
	ub.contentType = "multipart/form-data; boundary=" + boundary
	return ub, nil
}

// ErrUploadSize is returned by [Upload.Length] for an upload whose size
// is neither given nor measurable.
var ErrUploadSize = errors.New("wecom: upload Size must be positive (or Body an io.Seeker)")

// Length returns the number of bytes the upload will send: Size when it
// is positive, otherwise what remains of a Body that is an [io.Seeker]
// (measured without moving it). Packages that check WeCom's size limits
// before an upload use it, so the size is found one way everywhere.
func (u *Upload) Length() (int64, error) {
	if u.Size > 0 {
		return u.Size, nil
	}
	s, ok := u.Body.(io.Seeker)
	if !ok {
		return 0, ErrUploadSize
	}
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, fmt.Errorf("wecom: upload: %w", err)
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("wecom: upload: %w", err)
	}
	if _, err := s.Seek(cur, io.SeekStart); err != nil {
		return 0, fmt.Errorf("wecom: upload: %w", err)
	}
	if end-cur <= 0 {
		return 0, ErrUploadSize
	}
	return end - cur, nil
}

// rewindable reports whether the body can be sent again.
func (ub *uploadBody) rewindable() bool { return !ub.sent || ub.start >= 0 }

// reader returns the body for one attempt, rewinding the file if an
// earlier attempt read it.
func (ub *uploadBody) reader() (io.Reader, int64, error) {
	if ub.sent {
		if ub.start < 0 {
			return nil, 0, errors.New("wecom: upload body cannot be sent again (not an io.Seeker)")
		}
		if _, err := ub.up.Body.(io.Seeker).Seek(ub.start, io.SeekStart); err != nil {
			return nil, 0, fmt.Errorf("wecom: upload: rewind: %w", err)
		}
	}
	ub.sent = true
	r := io.MultiReader(strings.NewReader(ub.head), &exactReader{r: ub.up.Body, left: ub.up.Size}, strings.NewReader(ub.tail))
	return r, int64(len(ub.head)) + ub.up.Size + int64(len(ub.tail)), nil
}

// exactReader yields exactly left bytes of r, failing if r ends sooner.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if err == io.EOF {
		if e.left > 0 {
			return n, errUploadShort
		}
		err = nil
	}
	if e.left == 0 && err == nil {
		return n, io.EOF
	}
	return n, err
}

// File is an answer that is a file rather than JSON: a downloaded medium,
// a QR code image. An endpoint whose Resp is File streams it: Body is
// read straight from the connection and must be closed. When WeCom
// answers JSON instead, an errcode becomes the call's [*APIError] as
// usual, and a JSON success is handed over as a File whose ContentType is
// "application/json" (an endpoint that answers either, by a request
// field).
type File struct {
	// ContentType is the answer's Content-Type.
	ContentType string
	// Filename is the name from Content-Disposition, or "".
	Filename string
	// Size is the Content-Length, or -1 when WeCom did not say.
	Size int64
	// Body yields the file. Close it when done: it holds a connection.
	Body io.ReadCloser
}
