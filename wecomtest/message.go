package wecomtest

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WeCom's per-app, per-member delivery limits (docs 90236, 90454): beyond
// them messages are dropped silently — the send still answers errcode 0.
// The server counts in sliding windows on its clock, the strictest reading.
const (
	MessagesPerMemberPerMinute = 30
	MessagesPerMemberPerHour   = 1000
	recallWindow               = 24 * time.Hour
)

// SentMessage is a message/send call the server accepted.
type SentMessage struct {
	MsgID   string
	CorpID  string
	AgentID int64
	MsgType string
	// Fields holds the message's text fields as WeCom kept them — cut to
	// WeCom's byte limits the way WeCom cuts them, which can split a
	// UTF-8 character: "text.content", "markdown.content",
	// "textcard.title", "textcard.description", "textcard.url",
	// "textcard.btntxt", "news.articles.N.title", "news.articles.N.description".
	Fields map[string]string
	// Delivered lists the members (userids as stored) the message reached.
	Delivered []string
	// Dropped lists the members it did not reach because they had had
	// their per-minute or per-hour share from this app already; WeCom
	// drops those without an error.
	Dropped  []string
	Recalled bool
	Sent     time.Time
	// Body is the request body as received.
	Body []byte
}

type messageState struct {
	sent       []*SentMessage
	byID       map[string]*SentMessage
	deliveries map[memberKey][]time.Time // the last hour's deliveries, oldest first
	dropped    int
}

type memberKey struct {
	corpID  string
	agentID int64
	userID  string // lower case
}

func (m *messageState) init() {
	m.byID = make(map[string]*SentMessage)
	m.deliveries = make(map[memberKey][]time.Time)
}

// Messages returns the messages sent in corpID, oldest first. The values
// are copies.
func (s *Server) Messages(corpID string) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.con.msg.sent {
		if m.CorpID == corpID {
			c := *m
			c.Delivered = append([]string(nil), m.Delivered...)
			c.Dropped = append([]string(nil), m.Dropped...)
			out = append(out, c)
		}
	}
	return out
}

// DroppedMessages returns how many deliveries the per-member limits have
// dropped so far, in every corporation.
func (s *Server) DroppedMessages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.con.msg.dropped
}

// Byte limits WeCom cuts text fields to (doc 90236).
var fieldLimits = map[string]int{
	"text.content":         2048,
	"markdown.content":     2048,
	"textcard.title":       128,
	"textcard.description": 512,
	"textcard.url":         2048,
	"news.title":           128,
	"news.description":     512,
}

// byteCut is WeCom's cut: at a byte count, even inside a character.
func byteCut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

type sendBody struct {
	ToUser  string `json:"touser"`
	ToParty string `json:"toparty"`
	ToTag   string `json:"totag"`
	MsgType string `json:"msgtype"`
	AgentID int64  `json:"agentid"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Markdown *struct {
		Content string `json:"content"`
	} `json:"markdown"`
	TextCard *struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		URL         string `json:"url"`
		BtnTxt      string `json:"btntxt"`
	} `json:"textcard"`
	News *struct {
		Articles []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			URL         string `json:"url"`
			PicURL      string `json:"picurl"`
		} `json:"articles"`
	} `json:"news"`
	TemplateCard *struct {
		CardType string `json:"card_type"`
		TaskID   string `json:"task_id"`
	} `json:"template_card"`
}

var cardTypes = map[string]bool{"text_notice": true, "news_notice": true, "button_interaction": true, "vote_interaction": true, "multiple_interaction": true}

func splitBar(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// handleMessageSend serves POST /cgi-bin/message/send (doc 90236): it
// checks the message as WeCom does, cuts over-long text fields at WeCom's
// byte limits, answers invalid recipients in invaliduser, invalidparty,
// invalidtag and unlicenseduser (81013 when no recipient is valid), and
// silently drops deliveries beyond a member's per-minute and per-hour
// share. Tags are not modelled: every tag is invalid.
func (s *Server) handleMessageSend(w http.ResponseWriter, r *http.Request, c Caller) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	var b sendBody
	if r.Method != http.MethodPost || err != nil || json.Unmarshal(raw, &b) != nil {
		writeError(w, 47001, "")
		return
	}
	if c.AgentID == ContactSyncAgentID {
		writeError(w, 48002, "api forbidden")
		return
	}
	if b.AgentID != c.AgentID {
		writeError(w, 40056, "invalid agentid")
		return
	}
	fields := map[string]string{}
	put := func(name, key, v string) {
		fields[name] = byteCut(v, fieldLimits[key])
	}
	switch b.MsgType {
	case "text":
		if b.Text == nil || b.Text.Content == "" {
			writeError(w, 44004, "empty content")
			return
		}
		put("text.content", "text.content", b.Text.Content)
	case "markdown":
		if b.Markdown == nil || b.Markdown.Content == "" {
			writeError(w, 44004, "empty content")
			return
		}
		put("markdown.content", "markdown.content", b.Markdown.Content)
	case "textcard":
		tc := b.TextCard
		if tc == nil || tc.Title == "" || tc.Description == "" || tc.URL == "" {
			writeError(w, 40058, "textcard needs title, description and url")
			return
		}
		put("textcard.title", "textcard.title", tc.Title)
		put("textcard.description", "textcard.description", tc.Description)
		put("textcard.url", "textcard.url", tc.URL)
		if tc.BtnTxt != "" {
			rs := []rune(tc.BtnTxt)
			fields["textcard.btntxt"] = string(rs[:min(len(rs), 4)])
		}
	case "news":
		if b.News == nil || len(b.News.Articles) == 0 {
			writeError(w, 40058, "missing articles")
			return
		}
		if len(b.News.Articles) > 8 {
			writeError(w, 45008, "article size out of limit")
			return
		}
		for i, a := range b.News.Articles {
			if a.Title == "" {
				writeError(w, 40058, "article title missing")
				return
			}
			p := "news.articles." + strconv.Itoa(i) + "."
			put(p+"title", "news.title", a.Title)
			put(p+"description", "news.description", a.Description)
		}
	case "template_card":
		tc := b.TemplateCard
		if tc == nil || !cardTypes[tc.CardType] {
			writeError(w, 40058, "invalid card_type")
			return
		}
		if len(tc.TaskID) > 128 {
			writeError(w, 40058, "invalid task_id")
			return
		}
	default:
		writeError(w, 40008, "invalid message type")
		return
	}
	users, parties, tags := splitBar(b.ToUser), splitBar(b.ToParty), splitBar(b.ToTag)
	switch {
	case len(users) == 0 && len(parties) == 0 && len(tags) == 0:
		writeError(w, 40058, "touser, toparty and totag are all empty")
		return
	case len(users) > 1000 || len(parties) > 100 || len(tags) > 100:
		writeError(w, 40058, "too many recipients: at most 1000 users, 100 parties and 100 tags")
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indexLocked(c.CorpID)
	targets := map[string]*Member{}
	var invalidUser, invalidParty, unlicensed []string
	if b.ToUser == "@all" {
		for _, m := range idx.members {
			if idx.userVisible(c, m) {
				targets[strings.ToLower(m.UserID)] = m
			}
		}
	} else {
		for _, u := range users {
			m := idx.members[strings.ToLower(u)]
			if m == nil || !idx.userVisible(c, m) {
				invalidUser = append(invalidUser, strings.ToLower(u))
				continue
			}
			targets[strings.ToLower(u)] = m
		}
		for _, p := range parties {
			id, err := strconv.ParseInt(p, 10, 64)
			if err != nil || s.con.depts[c.CorpID][id] == nil || !idx.deptVisible(c, id) {
				invalidParty = append(invalidParty, p)
				continue
			}
			for _, d := range idx.subtree(id) {
				for _, m := range idx.byDept[d.ID] {
					if idx.userVisible(c, m) {
						targets[strings.ToLower(m.UserID)] = m
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(targets))
	for k := range targets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var licensed []string
	for _, k := range keys {
		if s.con.unlicensed[c.CorpID][k] {
			unlicensed = append(unlicensed, k)
			continue
		}
		licensed = append(licensed, k)
	}
	if len(keys) == 0 {
		writeError(w, 81013, "user & party & tag all invalid")
		return
	}
	now := s.now()
	msg := &SentMessage{
		MsgID: "msg_" + randomHex(12), CorpID: c.CorpID, AgentID: c.AgentID, MsgType: b.MsgType,
		Fields: fields, Sent: now, Body: raw,
	}
	for _, k := range licensed {
		if s.deliverLocked(memberKey{c.CorpID, c.AgentID, k}, now) {
			msg.Delivered = append(msg.Delivered, targets[k].UserID)
		} else {
			msg.Dropped = append(msg.Dropped, targets[k].UserID)
			s.con.msg.dropped++
		}
	}
	s.con.msg.sent = append(s.con.msg.sent, msg)
	s.con.msg.byID[msg.MsgID] = msg
	writeJSON(w, map[string]any{
		"errcode": 0, "errmsg": "ok",
		"invaliduser": strings.Join(invalidUser, "|"), "invalidparty": strings.Join(invalidParty, "|"),
		"invalidtag": b.ToTag, "unlicenseduser": strings.Join(unlicensed, "|"), "msgid": msg.MsgID,
	})
}

// deliverLocked counts one delivery to a member and reports whether it is
// within the member's share; a delivery beyond it is not counted either.
func (s *Server) deliverLocked(k memberKey, now time.Time) bool {
	log := s.con.msg.deliveries[k]
	i := 0
	for i < len(log) && !log[i].After(now.Add(-time.Hour)) {
		i++
	}
	log = log[i:]
	inMinute := 0
	for j := len(log) - 1; j >= 0 && log[j].After(now.Add(-time.Minute)); j-- {
		inMinute++
	}
	if inMinute >= MessagesPerMemberPerMinute || len(log) >= MessagesPerMemberPerHour {
		s.con.msg.deliveries[k] = log
		return false
	}
	s.con.msg.deliveries[k] = append(log, now)
	return true
}

// handleMessageRecall serves POST /cgi-bin/message/recall (doc 94867): a
// message of the same app sent within the last 24 hours, once.
func (s *Server) handleMessageRecall(w http.ResponseWriter, r *http.Request, c Caller) {
	var body struct {
		MsgID string `json:"msgid"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body) != nil {
		writeError(w, 47001, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.con.msg.byID[body.MsgID]
	if m == nil || m.CorpID != c.CorpID || m.AgentID != c.AgentID || m.Recalled || s.now().Sub(m.Sent) > recallWindow {
		writeError(w, 40058, "invalid msgid")
		return
	}
	m.Recalled = true
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}
