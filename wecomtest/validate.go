package wecomtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"

	"github.com/wecomkit/wecomkit/wecom"
)

// NotModelledCode is the errcode the server answers, with HTTP 200, for a
// path it does not model: no built-in route and no [Server.HandleFunc]
// handler. WeCom's own codes are 0, -1 and positive numbers, so this one
// can never be mistaken for an answer of WeCom's — a test that reaches an
// endpoint the fake does not know fails loudly instead of reading an empty
// success. The errmsg names the method, the path and, for a declared
// endpoint, the Go entry points that call it.
const NotModelledCode = -404

// Model says how the server treats calls of one path.
type Model string

const (
	// ModelStateful: a built-in route keeps state for the endpoint (tokens,
	// members, installs …) and answers as WeCom would. A declared
	// endpoint's calls are checked against its declaration first.
	ModelStateful Model = "stateful"
	// ModelHandled: a handler added with [Server.HandleFunc] answers; a
	// declared endpoint's calls are checked against its declaration first.
	ModelHandled Model = "handled"
	// ModelValidated: the endpoint is declared (see [Endpoints]) but not
	// modelled. Each call is checked against the declaration — method,
	// token, JSON body, required fields, upload — and answered with
	// WeCom's errcode when it is wrong; a call that passes is answered
	// [NotModelledCode], since the fake cannot know what WeCom would say.
	ModelValidated Model = "validated"
	// ModelNone: neither declared nor handled; every call is answered
	// [NotModelledCode].
	ModelNone Model = "none"
)

// Model reports how the server treats calls of path, such as
// "/cgi-bin/user/get".
func (s *Server) Model(path string) Model {
	s.mu.Lock()
	_, routed := s.routes[path]
	builtin := s.builtin[path]
	s.mu.Unlock()
	_, decl := s.decl[path]
	switch {
	case routed && builtin:
		return ModelStateful
	case routed:
		return ModelHandled
	case decl:
		return ModelValidated
	}
	return ModelNone
}

// The codes the server answers a call that breaks its endpoint's
// declaration with. Sources: WeCom's global error code table
// (https://developer.work.weixin.qq.com/document/path/90313) unless said
// otherwise.
const (
	// codeWrongMethod: 40063 参数为空, whose 排查方法 on the table names a
	// wrong HTTP method first ("接口要求以Post方法，就不能使用Get方式").
	codeWrongMethod = 40063
	// codeBadJSON: 47001 data format error, what WeCom answers a body it
	// cannot parse (as the server's handlers already did).
	codeBadJSON = 47001
	// codeNoMedia: 44001 多媒体文件为空, for an upload without its file part.
	codeNoMedia = 44001
	// codeInvalidParameter: 40058 不合法的参数, for a required field without
	// a code of its own, and for an upload part without a filename or
	// filelength (the server's choice).
	codeInvalidParameter = 40058
)

// missingFieldCodes are WeCom's codes for a missing request field, from
// the global error code table (缺少…参数). A required field not listed is
// answered [codeInvalidParameter] (40058), the server's choice.
var missingFieldCodes = map[string]int{
	"corpid":          41002,
	"corpsecret":      41004, // 缺少secret参数
	"secret":          41004,
	"media_id":        41006,
	"code":            41008, // 缺少auth code参数: the OAuth code
	"auth_code":       41008, // the login auth code (the server's reading of 41008)
	"userid":          41009,
	"url":             41010,
	"agentid":         41011,
	"title":           41016,
	"tagid":           41017,
	"department":      41019,
	"suite_id":        41021,
	"suite_ticket":    41023,
	"suite_secret":    41024, // 缺少secret参数, the suite block's
	"provider_secret": 41004, // 缺少secret参数
	"permanent_code":  41025,
	"description":     41033,
	"external_userid": 41035,
	"config_id":       41043, // 缺少「联系我」config_id参数
	"welcome_code":    41049, // 缺少欢迎语code参数
	"moment_id":       41059,
	"open_kfid":       60251, // 缺少openkfid
	"templateid":      84019,
	"register_code":   84021,
	"auth_corpid":     84054,
	"user_ticket":     84090,
	"key":             93000, // the group robot's webhook key (the server's choice, as for an unknown key: see webhook.go)
}

// missingTokenCode is WeCom's code for a call without its token in param:
// 41001 缺少access_token参数, 41022 缺少suite_access_token参数. The table
// has no code for a missing provider_access_token; the server answers
// 41001, the closest (and what it answered before).
func missingTokenCode(param string) int {
	if param == kindSuiteToken {
		return 41022
	}
	return 41001
}

// maxValidatedBody bounds the body the server reads to check a call.
const maxValidatedBody = 32 << 20

// check validates r against its endpoint's declaration and answers
// WeCom's error itself when r breaks it. The order is the one a gateway
// would follow: the token, the method, then the body. r.Body is restored
// for the handler.
func (s *Server) check(w http.ResponseWriter, r *http.Request, info *wecom.EndpointInfo) bool {
	if info.Kind != "" {
		s.mu.Lock()
		_, ok := s.checkCredentialLocked(w, r, string(info.TokenParam), string(info.Kind))
		s.mu.Unlock()
		if !ok {
			return false
		}
	}
	if r.Method != info.Method {
		writeError(w, codeWrongMethod, fmt.Sprintf("%s takes %s, not %s", info.Path, info.Method, r.Method))
		return false
	}
	q := r.URL.Query()
	var body map[string]json.RawMessage
	if info.Method == http.MethodPost && info.Upload != "" {
		// An upload is checked from its first bytes only: the file itself
		// streams on to the handler, never held twice.
		var head bytes.Buffer
		code, msg := checkUpload(r.Header.Get("Content-Type"), io.TeeReader(io.LimitReader(r.Body, maxValidatedBody), &head), info.Upload)
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(head.Bytes()), r.Body))
		if code != 0 {
			writeError(w, code, msg)
			return false
		}
	} else if info.Method == http.MethodPost {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxValidatedBody+1))
		if err != nil || len(b) > maxValidatedBody {
			writeError(w, codeBadJSON, "")
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		if json.Unmarshal(b, &body) != nil || body == nil {
			writeError(w, codeBadJSON, "")
			return false
		}
	}
	for _, name := range info.Required {
		var missing bool
		switch {
		case name == info.Upload:
			continue // checked with the upload
		case info.Method == http.MethodGet || slices.Contains(info.Query, name):
			missing = q.Get(name) == ""
		default:
			missing = emptyJSON(body[name])
		}
		if missing {
			code, ok := missingFieldCodes[name]
			if !ok {
				code = codeInvalidParameter
			}
			writeError(w, code, "missing "+name)
			return false
		}
	}
	return true
}

// emptyJSON reports whether a JSON value is absent or the zero value of
// its type: null, "", 0, false, [] or {}.
func emptyJSON(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	switch string(v) {
	case "", "null", `""`, "0", "false", "[]", "{}":
		return true
	}
	var f float64
	if json.Unmarshal(v, &f) == nil {
		return f == 0
	}
	var a []json.RawMessage
	if json.Unmarshal(v, &a) == nil {
		return len(a) == 0
	}
	var o map[string]json.RawMessage
	if json.Unmarshal(v, &o) == nil {
		return len(o) == 0
	}
	return false
}

// checkUpload checks an upload's body: multipart/form-data with a part
// named field that has a filename and a filelength, as WeCom's upload
// APIs want (doc 90253). It returns 0 when the body is right, having
// read no further than that part's header (and the multipart reader's
// buffer).
func checkUpload(contentType string, body io.Reader, field string) (int, string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return codeNoMedia, "not multipart/form-data"
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return codeNoMedia, "no " + field + " part"
		}
		if p.FormName() != field {
			continue
		}
		_, disp, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if err != nil || disp["filename"] == "" {
			return codeInvalidParameter, "the " + field + " part has no filename"
		}
		if n, err := strconv.ParseInt(disp["filelength"], 10, 64); err != nil || n < 0 {
			return codeInvalidParameter, "the " + field + " part has no filelength"
		}
		return 0, ""
	}
}

// writeNotModelled answers a call the server does not model.
func writeNotModelled(w http.ResponseWriter, r *http.Request, info *wecom.EndpointInfo) {
	msg := fmt.Sprintf("wecomtest: %s %s is not modelled by wecomtest", r.Method, r.URL.Path)
	if info != nil {
		msg += fmt.Sprintf(" (declared for %s; the call passed the declaration's checks; answer it with Server.HandleFunc)", info.Entry)
	} else {
		msg += " (answer it with Server.HandleFunc)"
	}
	writeJSON(w, map[string]any{"errcode": NotModelledCode, "errmsg": msg})
}
