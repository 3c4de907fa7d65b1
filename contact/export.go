package contact

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/wecomkit/wecomkit/wecom"
)

// Exports (异步导出, https://developer.work.weixin.qq.com/document/path/94849
// and the pages after it): WeCom writes the directory to files, encrypted
// with the key the request gives — AES-256-CBC, the key being the
// base64-decoded encoding_aeskey, the IV its first 16 bytes, the data
// PKCS#7-padded to a multiple of 32 bytes — and export/get_result hands
// out their URLs (valid two hours). [Export] polls, downloads, decrypts and
// decodes them, a stream at a time.

var exportSimpleUser = &wecom.Endpoint[wecom.CorpToken, *exportRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/export/simple_user", Doc: 94849,
	Entry: "contact.Client.ExportSimpleUsers",
}

var exportUser = &wecom.Endpoint[wecom.CorpToken, *exportRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/export/user", Doc: 94851,
	Entry: "contact.Client.ExportUsers",
}

var exportDepartment = &wecom.Endpoint[wecom.CorpToken, *exportRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/export/department", Doc: 94852,
	Entry: "contact.Client.ExportDepartments",
}

var exportTagUser = &wecom.Endpoint[wecom.CorpToken, *exportTagRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/export/taguser", Doc: 94853,
	Entry: "contact.Client.ExportTagUsers",
}

var exportGetResult = &wecom.Endpoint[wecom.CorpToken, batchGetResultRequest, exportResultAnswer]{
	Method: http.MethodGet, Path: "/cgi-bin/export/get_result", Doc: 94854,
	Entry: "contact.Export.Wait",
}

type exportRequest struct {
	EncodingAESKey string `json:"encoding_aeskey" wecom:"required,secret"`
	BlockSize      int    `json:"block_size,omitempty"`
}

type exportTagRequest struct {
	TagID          int64  `json:"tagid" wecom:"required"`
	EncodingAESKey string `json:"encoding_aeskey" wecom:"required,secret"`
	BlockSize      int    `json:"block_size,omitempty"`
}

type exportResultAnswer struct {
	Status ExportStatus `json:"status"`
	Files  []ExportFile `json:"data_list"`
}

// ExportStatus is an export's state in export/get_result.
type ExportStatus int

// The export states (doc 94854).
const (
	ExportPending ExportStatus = 0
	ExportRunning ExportStatus = 1
	ExportDone    ExportStatus = 2
	ExportFailed  ExportStatus = 3
)

// ExportFile is one encrypted file of an export's result.
type ExportFile struct {
	URL  string `json:"url"`  // supports Range; valid for two hours
	Size int64  `json:"size"` // of the ciphertext
	MD5  string `json:"md5"`  // of the ciphertext, hex
}

// ExportKind names what an export holds.
type ExportKind string

// The export kinds, named after their paths.
const (
	ExportSimpleUsers ExportKind = "simple_user"
	ExportUsers       ExportKind = "user"
	ExportDepartments ExportKind = "department"
	ExportTagUsers    ExportKind = "taguser"
)

// Export block sizes WeCom accepts (block_size, docs 94849–94853): the
// rows per file.
const (
	MinExportBlockSize = 10_000
	MaxExportBlockSize = 1_000_000
)

// ExportOptions configures an export.
type ExportOptions struct {
	// EncodingAESKey is the 43-character key the files are encrypted
	// with; empty generates one. It is a secret: it is never logged and
	// is kept out of errors.
	EncodingAESKey string
	// BlockSize is the rows per file, in [MinExportBlockSize,
	// MaxExportBlockSize]; 0 leaves WeCom's default (10^6).
	BlockSize int
	// HTTPClient downloads the files; nil uses http.DefaultClient.
	HTTPClient *http.Client
}

// ErrExportFailed is wrapped by the error of an export WeCom reports as
// failed (status 3), and of a file that does not decrypt or whose digest
// is wrong.
var ErrExportFailed = errors.New("contact: export failed")

// ExportSimpleUsers exports the members' userids, names and departments
// with POST /cgi-bin/export/simple_user
// (https://developer.work.weixin.qq.com/document/path/94849). Read them
// with [Export.Users] after [Export.Wait]. Only members the credential
// may see are exported.
func (c *Client) ExportSimpleUsers(ctx context.Context, opts *ExportOptions) (*Export, error) {
	return c.startExport(ctx, ExportSimpleUsers, 0, opts)
}

// ExportUsers exports the members in detail, as user/list describes
// them, with POST /cgi-bin/export/user
// (https://developer.work.weixin.qq.com/document/path/94851). Read them
// with [Export.Users].
func (c *Client) ExportUsers(ctx context.Context, opts *ExportOptions) (*Export, error) {
	return c.startExport(ctx, ExportUsers, 0, opts)
}

// ExportDepartments exports the departments, as department/list
// describes them, with POST /cgi-bin/export/department
// (https://developer.work.weixin.qq.com/document/path/94852). Read them
// with [Export.Departments].
func (c *Client) ExportDepartments(ctx context.Context, opts *ExportOptions) (*Export, error) {
	return c.startExport(ctx, ExportDepartments, 0, opts)
}

// ExportTagUsers exports tag tagID's members and departments with POST
// /cgi-bin/export/taguser
// (https://developer.work.weixin.qq.com/document/path/94853). Read them
// with [Export.Tag].
func (c *Client) ExportTagUsers(ctx context.Context, tagID int64, opts *ExportOptions) (*Export, error) {
	if tagID <= 0 {
		return nil, fmt.Errorf("%w: tag id %d", ErrInvalidArgument, tagID)
	}
	return c.startExport(ctx, ExportTagUsers, tagID, opts)
}

// NewExportKey returns a new random encoding_aeskey: 43 characters of
// [A-Za-z0-9] that base64-decode to 32 bytes.
func NewExportKey() string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// The last character carries 4 bits of the 32nd byte and 2 unused
	// bits, which must be 0: a base64 index divisible by 4.
	const last = "AEIMQUYcgkosw048"
	b := make([]byte, 43)
	if _, err := rand.Read(b); err != nil {
		panic("contact: crypto/rand: " + err.Error())
	}
	for i := range 42 {
		for b[i] >= 248 { // 248 = 4·62: reject to stay uniform
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				panic("contact: crypto/rand: " + err.Error())
			}
			b[i] = one[0]
		}
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	b[42] = last[int(b[42])%len(last)]
	return string(b)
}

// exportKey decodes an encoding_aeskey into the 32-byte AES key.
func exportKey(s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, fmt.Errorf("%w: an export key is 43 characters, not %d", ErrInvalidArgument, len(s))
	}
	key, err := base64.StdEncoding.DecodeString(s + "=")
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%w: the export key is not base64 of 32 bytes", ErrInvalidArgument)
	}
	return key, nil
}

func (c *Client) startExport(ctx context.Context, kind ExportKind, tagID int64, opts *ExportOptions) (*Export, error) {
	var o ExportOptions
	if opts != nil {
		o = *opts
	}
	if o.EncodingAESKey == "" {
		o.EncodingAESKey = NewExportKey()
	}
	key, err := exportKey(o.EncodingAESKey)
	if err != nil {
		return nil, err
	}
	if o.BlockSize != 0 && (o.BlockSize < MinExportBlockSize || o.BlockSize > MaxExportBlockSize) {
		return nil, fmt.Errorf("%w: block size %d outside [%d, %d]", ErrInvalidArgument, o.BlockSize, MinExportBlockSize, MaxExportBlockSize)
	}
	var out *batchJobAnswer
	req := exportRequest{EncodingAESKey: o.EncodingAESKey, BlockSize: o.BlockSize}
	switch kind {
	case ExportSimpleUsers:
		out, err = exportSimpleUser.Call(ctx, c.corp, &req)
	case ExportUsers:
		out, err = exportUser.Call(ctx, c.corp, &req)
	case ExportDepartments:
		out, err = exportDepartment.Call(ctx, c.corp, &req)
	default:
		out, err = exportTagUser.Call(ctx, c.corp, &exportTagRequest{TagID: tagID, EncodingAESKey: o.EncodingAESKey, BlockSize: o.BlockSize})
	}
	if err != nil {
		return nil, fmt.Errorf("contact: export %s: %w", kind, err)
	}
	if out.JobID == "" {
		return nil, fmt.Errorf("contact: export %s: the answer has no jobid", kind)
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Export{JobID: out.JobID, Kind: kind, c: c, key: key, hc: hc}, nil
}

// Export is a running export. Wait for it with [Export.Wait], then read
// its rows with [Export.Users], [Export.Departments] or [Export.Tag], or
// its decrypted files with [Export.Open]. Printed or logged, it shows its
// job id only, never its key. An Export is safe for concurrent use.
type Export struct {
	JobID string
	Kind  ExportKind

	c   *Client
	key []byte // the AES-256 key; the IV is key[:16]
	hc  *http.Client

	mu    sync.Mutex
	files []ExportFile
	done  bool
}

// String returns the export's kind and job id.
func (e *Export) String() string { return "contact.Export{" + string(e.Kind) + " " + e.JobID + "}" }

// LogValue logs the export's kind and job id.
func (e *Export) LogValue() slog.Value {
	return slog.GroupValue(slog.String("kind", string(e.Kind)), slog.String("jobid", e.JobID))
}

// Wait polls GET /cgi-bin/export/get_result
// (https://developer.work.weixin.qq.com/document/path/94854) with backoff
// ([PollEvery], [WithSleep]) until the export is done, and returns its
// files. A failed export (status 3) is an error wrapping
// [ErrExportFailed].
func (e *Export) Wait(ctx context.Context, opts ...WaitOption) ([]ExportFile, error) {
	if files, ok := e.result(); ok {
		return files, nil
	}
	cfg := newWaitConfig(opts)
	delay := cfg.First
	for {
		out, err := exportGetResult.Call(ctx, e.c.corp, batchGetResultRequest{JobID: e.JobID})
		if err != nil {
			return nil, fmt.Errorf("contact: export %s: %w", e.JobID, err)
		}
		switch out.Status {
		case ExportDone:
			e.mu.Lock()
			e.files, e.done = out.Files, true
			e.mu.Unlock()
			return out.Files, nil
		case ExportFailed:
			return nil, fmt.Errorf("%w: %s %s: status 3", ErrExportFailed, e.Kind, e.JobID)
		}
		if err := cfg.SleepUntil(ctx, delay, nil); err != nil {
			return nil, fmt.Errorf("contact: export %s: %w", e.JobID, err)
		}
		delay = cfg.Next(delay)
	}
}

func (e *Export) result() ([]ExportFile, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.files, e.done
}

// Open downloads file f of the export and returns its decrypted content,
// streamed: a few tens of kilobytes in memory whatever the file's size.
// The ciphertext's MD5 is checked at the end: a mismatch, a bad padding
// or a truncated file makes the last Read fail with an error wrapping
// [ErrExportFailed]. Close the reader.
func (e *Export) Open(ctx context.Context, f ExportFile) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("contact: export file: %w", err)
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("contact: export file: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("contact: export file: HTTP %d", resp.StatusCode)
	}
	return newDecryptReader(resp.Body, e.key, f.MD5)
}

// Users yields the members of a simple_user or user export, file by file,
// decoding one member at a time. Fields the export leaves out are unknown
// ([User.Known]). Call it after [Export.Wait]; the first error ends the
// sequence.
func (e *Export) Users(ctx context.Context) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		if e.Kind != ExportSimpleUsers && e.Kind != ExportUsers {
			yield(User{}, fmt.Errorf("%w: a %s export holds no members list", ErrInvalidArgument, e.Kind))
			return
		}
		var w wireUser
		stop := errors.New("stop")
		err := e.eachFile(ctx, func(key string, dec *json.Decoder) error {
			if key != "userlist" {
				return skipValue(dec)
			}
			return eachElement(dec, func() error {
				w = wireUser{}
				if err := dec.Decode(&w); err != nil {
					return err
				}
				if !yield(w.user(), nil) {
					return stop
				}
				return nil
			})
		})
		if err != nil && !errors.Is(err, stop) {
			yield(User{}, err)
		}
	}
}

// Departments yields the departments of a department export, one at a
// time. Call it after [Export.Wait]; the first error ends the sequence.
func (e *Export) Departments(ctx context.Context) iter.Seq2[Department, error] {
	return func(yield func(Department, error) bool) {
		if e.Kind != ExportDepartments {
			yield(Department{}, fmt.Errorf("%w: a %s export holds no departments list", ErrInvalidArgument, e.Kind))
			return
		}
		stop := errors.New("stop")
		err := e.eachFile(ctx, func(key string, dec *json.Decoder) error {
			if key != "department" {
				return skipValue(dec)
			}
			return eachElement(dec, func() error {
				var w wireDepartment
				if err := dec.Decode(&w); err != nil {
					return err
				}
				if !yield(w.department(), nil) {
					return stop
				}
				return nil
			})
		})
		if err != nil && !errors.Is(err, stop) {
			yield(Department{}, err)
		}
	}
}

// Tag returns a taguser export's tag, its members and departments, all
// files merged. Call it after [Export.Wait].
func (e *Export) Tag(ctx context.Context) (*TagMembers, error) {
	if e.Kind != ExportTagUsers {
		return nil, fmt.Errorf("%w: a %s export holds no tag", ErrInvalidArgument, e.Kind)
	}
	out := &TagMembers{}
	err := e.eachFile(ctx, func(key string, dec *json.Decoder) error {
		switch key {
		case "tagname":
			return dec.Decode(&out.Name)
		case "userlist":
			var users []TagMember
			if err := dec.Decode(&users); err != nil {
				return err
			}
			out.Users = append(out.Users, users...)
		case "partylist":
			var ids []int64
			if err := dec.Decode(&ids); err != nil {
				return err
			}
			out.Departments = append(out.Departments, ids...)
		default:
			return skipValue(dec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachFile opens each file of the finished export and calls field for
// each top-level key of its JSON object, with the decoder positioned
// before the key's value, which field must consume.
func (e *Export) eachFile(ctx context.Context, field func(key string, dec *json.Decoder) error) error {
	files, ok := e.result()
	if !ok {
		return fmt.Errorf("%w: the export %s has not been waited for", ErrInvalidArgument, e.JobID)
	}
	for i, f := range files {
		if err := e.decodeFile(ctx, f, field); err != nil {
			return fmt.Errorf("contact: export %s file %d: %w", e.JobID, i+1, err)
		}
	}
	return nil
}

func (e *Export) decodeFile(ctx context.Context, f ExportFile, field func(string, *json.Decoder) error) error {
	r, err := e.Open(ctx, f)
	if err != nil {
		return err
	}
	defer r.Close()
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%w: the file is not a JSON object (%v)", ErrExportFailed, err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if err := field(key, dec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	// Read to the end, so that the padding and digest are checked.
	_, err = io.Copy(io.Discard, io.MultiReader(dec.Buffered(), r))
	return err
}

// eachElement calls each for every element of the JSON array the decoder
// is at; each must decode the element.
func eachElement(dec *json.Decoder, each func() error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil // null
	}
	if t != json.Delim('[') {
		return fmt.Errorf("%w: expected an array", ErrExportFailed)
	}
	for dec.More() {
		if err := each(); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

func skipValue(dec *json.Decoder) error {
	var skip json.RawMessage
	return dec.Decode(&skip)
}

// decryptReader decrypts AES-256-CBC ciphertext as it streams in, holding
// back the last 32 bytes (WeCom's PKCS#7 pads to a multiple of 32) until
// the end, where the padding is checked and removed.
type decryptReader struct {
	src  io.ReadCloser
	mode cipher.BlockMode
	sum  hash.Hash
	md5  string

	buf   []byte
	off   int // next byte to hand out
	ready int // buf[off:ready]: decrypted and final
	end   int // buf[ready:end]: decrypted, maybe padding
	raw   int // buf[end:raw]: ciphertext short of a block
	err   error
}

const decryptBuf = 32 << 10

func newDecryptReader(src io.ReadCloser, key []byte, wantMD5 string) (*decryptReader, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("contact: export key: %w", err)
	}
	return &decryptReader{
		src:  src,
		mode: cipher.NewCBCDecrypter(block, key[:aes.BlockSize]),
		sum:  md5.New(),
		md5:  strings.ToLower(wantMD5),
		buf:  make([]byte, decryptBuf+64),
	}, nil
}

func (d *decryptReader) Read(p []byte) (int, error) {
	for d.off == d.ready {
		if d.err != nil {
			return 0, d.err
		}
		d.fill()
	}
	n := copy(p, d.buf[d.off:d.ready])
	d.off += n
	return n, nil
}

func (d *decryptReader) fill() {
	// Keep the held-back plaintext and the partial block at the front.
	n := copy(d.buf, d.buf[d.ready:d.raw])
	d.end -= d.ready
	d.raw = n
	d.off, d.ready = 0, 0
	m, err := d.src.Read(d.buf[d.raw:])
	d.sum.Write(d.buf[d.raw : d.raw+m])
	d.raw += m
	full := (d.raw - d.end) / aes.BlockSize * aes.BlockSize
	d.mode.CryptBlocks(d.buf[d.end:d.end+full], d.buf[d.end:d.end+full])
	d.end += full
	switch {
	case err == io.EOF:
		d.finish()
	case err != nil:
		d.err = err
	default:
		d.ready = max(0, d.end-32)
	}
}

func (d *decryptReader) finish() {
	fail := func(what string) { d.err = fmt.Errorf("%w: %s", ErrExportFailed, what) }
	if d.raw != d.end {
		fail("the ciphertext is not a whole number of AES blocks")
		return
	}
	if d.md5 != "" && hex.EncodeToString(d.sum.Sum(nil)) != d.md5 {
		fail("the file's MD5 differs from export/get_result's")
		return
	}
	if d.end == 0 {
		fail("an empty file")
		return
	}
	pad := int(d.buf[d.end-1])
	if pad < 1 || pad > 32 || pad > d.end {
		fail("bad padding")
		return
	}
	for _, b := range d.buf[d.end-pad : d.end] {
		if int(b) != pad {
			fail("bad padding")
			return
		}
	}
	d.end -= pad
	d.ready = d.end
	d.err = io.EOF
}

func (d *decryptReader) Close() error { return d.src.Close() }
