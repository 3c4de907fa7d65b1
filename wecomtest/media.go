package wecomtest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// mediaTTL is how long WeCom keeps a temporary medium (doc 90253).
const mediaTTL = 72 * time.Hour

// maxFakeUpload bounds what the fake reads of one upload: WeCom's largest
// temporary medium (20 MB) plus the multipart framing.
const maxFakeUpload = 20<<20 + 64<<10

// mediaStore holds the media uploaded to the fake, by id: temporary media
// (served back by media/get until they expire on the server's clock),
// JS-SDK voices and permanent images.
type mediaStore struct {
	mu     sync.Mutex
	seq    int
	items  map[string]*storedMedia
	images map[string]*storedMedia // permanent images, by the id in their URL
}

type storedMedia struct {
	id       string
	corpID   string
	typ      string
	filename string
	data     []byte
	created  time.Time
	hdVoice  bool // a JS-SDK voice: served by media/get/jssdk too
}

// mediaLimits are WeCom's per-type limits (doc 90253): the largest size
// and the accepted extensions (nil: any).
var mediaLimits = map[string]struct {
	max  int64
	exts []string
}{
	"image": {10 << 20, []string{".jpg", ".jpeg", ".png"}},
	"voice": {2 << 20, []string{".amr"}},
	"video": {10 << 20, []string{".mp4"}},
	"file":  {20 << 20, nil},
}

func (s *Server) addMediaRoutes() {
	s.med = &mediaStore{items: make(map[string]*storedMedia), images: make(map[string]*storedMedia)}
	s.routes["/cgi-bin/media/upload"] = s.authed(s.handleMediaUpload)
	s.routes["/cgi-bin/media/upload_attachment"] = s.authed(s.handleMediaUploadAttachment)
	s.routes["/cgi-bin/media/uploadimg"] = s.authed(s.handleMediaUploadImage)
	s.routes["/cgi-bin/media/get"] = s.authed(s.handleMediaGet(false))
	s.routes["/cgi-bin/media/get/jssdk"] = s.authed(s.handleMediaGet(true))
	s.routes["/_fake/media/image"] = s.handlePermanentImage
}

// readUpload reads the multipart part named media the way WeCom checks
// it: a filename and a filelength that matches the bytes sent. It answers
// the error itself and returns ok false.
func readUpload(w http.ResponseWriter, r *http.Request) (filename string, data []byte, ok bool) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		writeError(w, 41005, "media data missing")
		return "", nil, false
	}
	mr := multipart.NewReader(io.LimitReader(r.Body, maxFakeUpload), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			writeError(w, 41005, "media data missing")
			return "", nil, false
		}
		if p.FormName() != "media" {
			continue
		}
		_, dp, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		var buf bytes.Buffer
		if n, err := strconv.ParseInt(dp["filelength"], 10, 64); err == nil && n > 0 && n <= maxFakeUpload {
			buf.Grow(int(n) + bytes.MinRead) // one allocation for the file, not a doubling series
		}
		_, err = buf.ReadFrom(p)
		data := buf.Bytes()
		if err != nil {
			writeError(w, 41005, "media data missing")
			return "", nil, false
		}
		if p.FileName() == "" {
			writeError(w, 40058, "media part has no filename")
			return "", nil, false
		}
		if n, err := strconv.ParseInt(dp["filelength"], 10, 64); err != nil || n != int64(len(data)) {
			writeError(w, 40058, "media part's filelength is missing or wrong")
			return "", nil, false
		}
		return p.FileName(), data, true
	}
}

// checkMedia applies WeCom's limits, answering the error itself.
func checkMedia(w http.ResponseWriter, typ, filename string, size int64, max int64, exts []string) bool {
	if len(exts) > 0 {
		ext := strings.ToLower(path.Ext(filename))
		found := false
		for _, e := range exts {
			found = found || e == ext
		}
		if !found {
			writeError(w, 40004, "invalid media type")
			return false
		}
	}
	if size <= 5 || size > max {
		if typ == "image" {
			writeError(w, 40009, "invalid image size")
		} else {
			writeError(w, 40006, "invalid file size")
		}
		return false
	}
	return true
}

func (s *Server) storeMedia(corpID, typ, filename string, data []byte) *storedMedia {
	m := s.med
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	id := fmt.Sprintf("fake-media-%s-%06d", typ, m.seq)
	sm := &storedMedia{id: id, corpID: corpID, typ: typ, filename: filename, data: data, created: s.now()}
	m.items[id] = sm
	return sm
}

// handleMediaUpload serves POST /cgi-bin/media/upload (doc 90253).
func (s *Server) handleMediaUpload(w http.ResponseWriter, r *http.Request, caller Caller) {
	typ := r.URL.Query().Get("type")
	lim, ok := mediaLimits[typ]
	if !ok {
		writeError(w, 40005, "invalid type")
		return
	}
	name, data, ok := readUpload(w, r)
	if !ok || !checkMedia(w, typ, name, int64(len(data)), lim.max, lim.exts) {
		return
	}
	sm := s.storeMedia(caller.CorpID, typ, name, data)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "type": typ, "media_id": sm.id, "created_at": strconv.FormatInt(sm.created.Unix(), 10)})
}

// handleMediaUploadAttachment serves POST /cgi-bin/media/upload_attachment
// (doc 95098): created_at is a number there.
func (s *Server) handleMediaUploadAttachment(w http.ResponseWriter, r *http.Request, caller Caller) {
	q := r.URL.Query()
	typ := q.Get("media_type")
	lim, ok := mediaLimits[typ]
	if !ok || typ == "voice" {
		writeError(w, 40005, "invalid media_type")
		return
	}
	use := q.Get("attachment_type")
	if use != "1" && use != "2" || (use == "1" && typ == "file") {
		writeError(w, 40058, "invalid attachment_type")
		return
	}
	name, data, ok := readUpload(w, r)
	if !ok || !checkMedia(w, typ, name, int64(len(data)), lim.max, lim.exts) {
		return
	}
	sm := s.storeMedia(caller.CorpID, typ, name, data)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "type": typ, "media_id": sm.id, "created_at": sm.created.Unix()})
}

// handleMediaUploadImage serves POST /cgi-bin/media/uploadimg (doc
// 90256): the image is served for good from the fake's own URL.
func (s *Server) handleMediaUploadImage(w http.ResponseWriter, r *http.Request, caller Caller) {
	name, data, ok := readUpload(w, r)
	if !ok || !checkMedia(w, "image", name, int64(len(data)), 2<<20, []string{".jpg", ".jpeg", ".png"}) {
		return
	}
	m := s.med
	m.mu.Lock()
	m.seq++
	p := fmt.Sprintf("%06d%s", m.seq, strings.ToLower(path.Ext(name)))
	m.images[p] = &storedMedia{corpID: caller.CorpID, typ: "image", filename: name, data: data, created: s.now()}
	m.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "url": s.URL + "/_fake/media/image?id=" + p})
}

// handlePermanentImage serves the images uploadimg stored.
func (s *Server) handlePermanentImage(w http.ResponseWriter, r *http.Request) {
	s.med.mu.Lock()
	sm := s.med.images[r.URL.Query().Get("id")]
	s.med.mu.Unlock()
	if sm == nil {
		http.NotFound(w, r)
		return
	}
	http.ServeContent(w, r, sm.filename, sm.created, bytes.NewReader(sm.data))
}

// handleMediaGet serves GET /cgi-bin/media/get (doc 90254) and, for hd,
// /cgi-bin/media/get/jssdk (doc 90255): the file with its name, ranges
// honoured, or 40007 for an id that is unknown, expired or another
// corporation's.
func (s *Server) handleMediaGet(hd bool) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, caller Caller) {
		id := r.URL.Query().Get("media_id")
		s.med.mu.Lock()
		sm := s.med.items[id]
		s.med.mu.Unlock()
		if sm == nil || sm.corpID != caller.CorpID || !s.now().Before(sm.created.Add(mediaTTL)) || (hd && !sm.hdVoice) {
			writeError(w, 40007, "invalid media_id")
			return
		}
		ct := mime.TypeByExtension(strings.ToLower(path.Ext(sm.filename)))
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": sm.filename}))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(sm.data))
	}
}

// Media returns the bytes and file name of the temporary medium mediaID
// uploaded to corpID, while it lives.
func (s *Server) Media(corpID, mediaID string) (data []byte, filename string, ok bool) {
	s.med.mu.Lock()
	defer s.med.mu.Unlock()
	sm := s.med.items[mediaID]
	if sm == nil || sm.corpID != corpID || !s.now().Before(sm.created.Add(mediaTTL)) {
		return nil, "", false
	}
	return bytes.Clone(sm.data), sm.filename, true
}

// AddVoice stores a voice as a member's JS-SDK uploadVoice would, and
// returns its media id: media/get serves it, and media/get/jssdk serves it
// as the high-quality recording.
func (s *Server) AddVoice(corpID string, data []byte) string {
	sm := s.storeMedia(corpID, "voice", "voice.speex", bytes.Clone(data))
	s.med.mu.Lock()
	defer s.med.mu.Unlock()
	sm.hdVoice = true
	return sm.id
}
