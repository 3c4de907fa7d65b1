package wecomtest

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// The codes of the group robot's fake. 93000 is what WeCom answers a
// webhook key it does not know ("invalid webhook url"); it is not in our
// copy of the global table (doc 90313), so it is the server's choice,
// from what WeCom is widely reported to send. The others are the table's:
// 40008 不合法的msgtype参数, 40004 不合法的媒体文件类型, 40009 上传图片大小不是有效值,
// 40005 不合法的type参数, 40006 不合法的文件大小, 40007 不合法的media_id参数;
// 40058 不合法的参数 for the rest (an empty or long content, an MD5 that
// does not match, a wrong number of articles) is the server's choice.
const (
	codeInvalidWebhookKey = 93000
	codeInvalidMsgType    = 40008
)

// maxRobotBody bounds what the fake reads of a robot message: a 2 MB
// image, base64-encoded, and its envelope.
const maxRobotBody = 3<<20 + 64<<10

// webhookState is the fake's model behind addWebhookRoutes's routes: the
// group robots by key, what each received and the files uploaded for it.
type webhookState struct {
	mu     sync.Mutex
	robots map[string]*robotState
	media  map[string]*storedMedia // by media id; corpID holds the robot's key
	seq    int
}

type robotState struct {
	received []RobotMessage
}

// RobotMessage is a message a group robot received through
// /cgi-bin/webhook/send.
type RobotMessage struct {
	MsgType string
	// Content is a text or markdown message's content.
	Content string
	// MentionedList and MentionedMobileList are a text message's
	// @-mentions.
	MentionedList       []string
	MentionedMobileList []string
	// Image is an image message's decoded bytes.
	Image []byte
	// Articles are a news message's articles.
	Articles []RobotArticle
	// MediaID is a file or voice message's media id; Filename and Data
	// are the uploaded file it names.
	MediaID  string
	Filename string
	Data     []byte
	// CardType is a template card's card_type (Raw holds the card).
	CardType string
	// Raw is the JSON body as sent.
	Raw json.RawMessage
}

// RobotArticle is one article of a news message.
type RobotArticle struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	URL         string `json:"url"`
	PicURL      string `json:"picurl"`
}

// addWebhookRoutes registers the routes of this file's endpoints. They
// take no token: the key is the robot's only credential.
func (s *Server) addWebhookRoutes() {
	s.robots = webhookState{robots: make(map[string]*robotState), media: make(map[string]*storedMedia)}
	s.routes["/cgi-bin/webhook/send"] = s.handleWebhookSend
	s.routes["/cgi-bin/webhook/upload_media"] = s.handleWebhookUpload
}

// AddRobot creates a group robot reached by key (its webhook address's
// key parameter). Adding a key again keeps what it received.
func (s *Server) AddRobot(key string) {
	st := &s.robots
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.robots[key] == nil {
		st.robots[key] = &robotState{}
	}
}

// RobotMessages returns the messages the robot key received, oldest
// first, or nil for an unknown key.
func (s *Server) RobotMessages(key string) []RobotMessage {
	st := &s.robots
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.robots[key]
	if r == nil {
		return nil
	}
	return append([]RobotMessage(nil), r.received...)
}

// RobotMedia returns the bytes and file name of a file or voice uploaded
// for the robot key, while it lives (three days on the server's clock).
func (s *Server) RobotMedia(key, mediaID string) (data []byte, filename string, ok bool) {
	m := s.robotMedia(key, mediaID)
	if m == nil {
		return nil, "", false
	}
	return bytes.Clone(m.data), m.filename, true
}

func (s *Server) robotMedia(key, mediaID string) *storedMedia {
	st := &s.robots
	st.mu.Lock()
	defer st.mu.Unlock()
	m := st.media[mediaID]
	if m == nil || m.corpID != key || !s.now().Before(m.created.Add(mediaTTL)) {
		return nil
	}
	return m
}

// robotLocked returns the robot of the request's key; st.mu must be held.
func (st *webhookState) robotLocked(r *http.Request) (string, *robotState) {
	key := r.URL.Query().Get("key")
	return key, st.robots[key]
}

// handleWebhookSend serves POST /cgi-bin/webhook/send (doc 91770).
func (s *Server) handleWebhookSend(w http.ResponseWriter, r *http.Request) {
	st := &s.robots
	st.mu.Lock()
	key, robot := st.robotLocked(r)
	st.mu.Unlock()
	if robot == nil {
		writeError(w, codeInvalidWebhookKey, "invalid webhook url")
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, codeWrongMethod, "")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxRobotBody))
	var body struct {
		MsgType string `json:"msgtype"`
		Text    *struct {
			Content             string   `json:"content"`
			MentionedList       []string `json:"mentioned_list"`
			MentionedMobileList []string `json:"mentioned_mobile_list"`
		} `json:"text"`
		Markdown *struct {
			Content string `json:"content"`
		} `json:"markdown"`
		Image *struct {
			Base64 string `json:"base64"`
			MD5    string `json:"md5"`
		} `json:"image"`
		News *struct {
			Articles []RobotArticle `json:"articles"`
		} `json:"news"`
		File *struct {
			MediaID string `json:"media_id"`
		} `json:"file"`
		Voice *struct {
			MediaID string `json:"media_id"`
		} `json:"voice"`
		TemplateCard *struct {
			CardType   string `json:"card_type"`
			TaskID     string `json:"task_id"`
			ActionMenu any    `json:"action_menu"`
			CardAction *struct {
				Type int `json:"type"`
			} `json:"card_action"`
		} `json:"template_card"`
	}
	if err != nil || json.Unmarshal(raw, &body) != nil {
		writeError(w, codeBadJSON, "")
		return
	}
	msg := RobotMessage{MsgType: body.MsgType, Raw: json.RawMessage(raw)}
	content := func(c string, max int) bool {
		if c == "" || len(c) > max {
			writeError(w, codeInvalidParameter, fmt.Sprintf("content is empty or longer than %d bytes", max))
			return false
		}
		msg.Content = c
		return true
	}
	switch {
	case body.MsgType == "text" && body.Text != nil:
		if !content(body.Text.Content, 2048) {
			return
		}
		msg.MentionedList, msg.MentionedMobileList = body.Text.MentionedList, body.Text.MentionedMobileList
	case body.MsgType == "markdown" && body.Markdown != nil:
		if !content(body.Markdown.Content, 4096) {
			return
		}
	case body.MsgType == "image" && body.Image != nil:
		img, err := base64.StdEncoding.DecodeString(body.Image.Base64)
		sum := md5.Sum(img)
		switch {
		case err != nil || len(img) == 0:
			writeError(w, codeInvalidParameter, "image base64 is not valid")
			return
		case !strings.EqualFold(hex.EncodeToString(sum[:]), body.Image.MD5):
			writeError(w, codeInvalidParameter, "image md5 does not match its content")
			return
		case len(img) > 2<<20:
			writeError(w, 40009, "invalid image size")
			return
		case !bytes.HasPrefix(img, []byte{0xFF, 0xD8, 0xFF}) && !bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")):
			writeError(w, 40004, "invalid media type")
			return
		}
		msg.Image = img
	case body.MsgType == "news" && body.News != nil:
		n := len(body.News.Articles)
		if n == 0 || n > 8 {
			writeError(w, codeInvalidParameter, "news takes 1 to 8 articles")
			return
		}
		for i, a := range body.News.Articles {
			if a.Title == "" || a.URL == "" {
				writeError(w, codeInvalidParameter, "article title or url missing")
				return
			}
			// WeCom cuts a long title or description (超过会自动截断, doc
			// 91770), by bytes.
			body.News.Articles[i].Title = a.Title[:min(len(a.Title), 128)]
			body.News.Articles[i].Description = a.Description[:min(len(a.Description), 512)]
		}
		msg.Articles = body.News.Articles
	case body.MsgType == "file" && body.File != nil, body.MsgType == "voice" && body.Voice != nil:
		id := ""
		if body.MsgType == "file" {
			id = body.File.MediaID
		} else {
			id = body.Voice.MediaID
		}
		m := s.robotMedia(key, id)
		if m == nil || m.typ != body.MsgType {
			writeError(w, 40007, "invalid media_id")
			return
		}
		msg.MediaID, msg.Filename, msg.Data = id, m.filename, bytes.Clone(m.data)
	case body.MsgType == "template_card" && body.TemplateCard != nil:
		// The robot's page (doc 99110) has the two notice cards only, no
		// interaction; the codes are the fake's choice.
		tc := body.TemplateCard
		switch {
		case tc.CardType != "text_notice" && tc.CardType != "news_notice":
			writeError(w, codeInvalidParameter, "a robot's card is text_notice or news_notice")
			return
		case tc.CardAction == nil || tc.CardAction.Type == 0:
			writeError(w, codeInvalidParameter, "the card needs a card_action")
			return
		case tc.ActionMenu != nil || tc.TaskID != "":
			writeError(w, codeInvalidParameter, "a robot's card has no action_menu or task_id")
			return
		}
		msg.CardType = tc.CardType
	default:
		writeError(w, codeInvalidMsgType, "invalid msgtype")
		return
	}
	st.mu.Lock()
	robot.received = append(robot.received, msg)
	st.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleWebhookUpload serves POST /cgi-bin/webhook/upload_media (doc
// 91770): a file (at most 20 MB) or an AMR voice (at most 2 MB), more
// than 5 bytes, kept three days for the robot that uploaded it.
func (s *Server) handleWebhookUpload(w http.ResponseWriter, r *http.Request) {
	st := &s.robots
	st.mu.Lock()
	key, robot := st.robotLocked(r)
	st.mu.Unlock()
	if robot == nil {
		writeError(w, codeInvalidWebhookKey, "invalid webhook url")
		return
	}
	typ := r.URL.Query().Get("type")
	var max int64
	var exts []string
	switch typ {
	case "file":
		max = 20 << 20
	case "voice":
		max, exts = 2<<20, []string{".amr"}
	default:
		writeError(w, 40005, "invalid type")
		return
	}
	name, data, ok := readUpload(w, r)
	if !ok || !checkMedia(w, typ, name, int64(len(data)), max, exts) {
		return
	}
	st.mu.Lock()
	st.seq++
	id := "fake-robot-" + typ + "-" + strconv.Itoa(st.seq)
	created := s.now()
	st.media[id] = &storedMedia{id: id, corpID: key, typ: typ, filename: name, data: data, created: created}
	st.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "type": typ, "media_id": id, "created_at": strconv.FormatInt(created.Unix(), 10)})
}
