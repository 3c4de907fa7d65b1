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
	// "textcard.btntxt", "news.articles.N.title", "news.articles.N.description",
	// "video.title", "video.description", "mpnews.articles.N.title" (and
	// .author, .digest, .content), "miniprogram_notice.title" (and
	// .description, .appid, .content_item.N.key, .content_item.N.value,
	// cut in characters); media ids as "image.media_id", "voice.media_id",
	// "video.media_id", "file.media_id", "mpnews.articles.N.thumb.media_id";
	// a template card's type as "template_card.card_type".
	Fields map[string]string
	// Delivered lists the members (userids as stored) the message reached.
	Delivered []string
	// Dropped lists the members it did not reach because they had had
	// their per-minute or per-hour share from this app already; WeCom
	// drops those without an error.
	Dropped  []string
	Recalled bool
	// ResponseCode is the code message/send answered for a template card
	// that update_template_card can update (an interactive card, or a
	// notice card with an action_menu); "" for other messages.
	ResponseCode string
	// Updates lists the update_template_card calls that changed the card.
	Updates []CardUpdate
	Sent    time.Time
	// Body is the request body as received.
	Body []byte
}

// CardUpdate is an update_template_card call the server accepted.
type CardUpdate struct {
	ResponseCode string
	// ReplaceName is the buttons' new text, when the call made them
	// unclickable; CardType the new card's type, when it replaced the card.
	ReplaceName string
	CardType    string
	// Users, Parties and Tags name whose card changed; All is atall.
	Users   []string
	Parties []int64
	Tags    []int64
	All     bool
	Updated time.Time
	// Body is the request body as received.
	Body []byte
}

// cardCode is a response_code the server issued (doc 94888): one use,
// within 72 hours.
type cardCode struct {
	msg    *SentMessage
	issued time.Time
	used   bool
}

type messageState struct {
	sent       []*SentMessage
	byID       map[string]*SentMessage
	codes      map[string]*cardCode      // response_code → the card it updates
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
	m.codes = make(map[string]*cardCode)
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
			c.Updates = append([]CardUpdate(nil), m.Updates...)
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

// Limits WeCom cuts text fields to (doc 90236): bytes, except the keys
// in runeLimits, which count characters.
var fieldLimits = map[string]int{
	"text.content":                   2048,
	"markdown.content":               2048,
	"textcard.title":                 128,
	"textcard.description":           512,
	"textcard.url":                   2048,
	"news.title":                     128,
	"news.description":               512,
	"video.title":                    128,
	"video.description":              512,
	"mpnews.title":                   128,
	"mpnews.author":                  64,
	"mpnews.digest":                  512,
	"miniprogram_notice.title":       12,
	"miniprogram_notice.description": 12,
	"miniprogram_notice.key":         10,
	"miniprogram_notice.value":       30,
}

var runeLimits = map[string]bool{
	"miniprogram_notice.title": true, "miniprogram_notice.description": true,
	"miniprogram_notice.key": true, "miniprogram_notice.value": true,
}

// Structural limits the server refuses (doc 90236).
const (
	maxArticles         = 8
	maxMPNewsContent    = 666 << 10
	maxNoticeItems      = 10
	responseCodeTTL     = 72 * time.Hour // doc 94888
	codeBadMsgType      = 40008          // 不合法的msgtype参数 (doc 90313)
	codeBadMediaID      = 40007          // 不合法的media_id参数 (doc 90313)
	codeArticlesTooMany = 45008          // article size out of limit
)

// byteCut is WeCom's cut: at a byte count, even inside a character.
func byteCut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// cutField cuts v to key's limit as WeCom does.
func cutField(key, v string) string {
	n, ok := fieldLimits[key]
	if !ok {
		return v
	}
	if runeLimits[key] {
		rs := []rune(v)
		return string(rs[:min(len(rs), n)])
	}
	return byteCut(v, n)
}

// mediaRef is a content's {"media_id": ...} object, in message/send,
// appchat/send and kf/send_msg alike.
type mediaRef struct {
	MediaID string `json:"media_id"`
}

// checkMedia answers what WeCom answers for a content's media: 41006 for
// a missing media_id, 40007 for one that is not a live temporary medium
// of type typ ("" takes any).
func (s *Server) checkMedia(corpID string, ref *mediaRef, typ string) *contentError {
	if ref == nil || ref.MediaID == "" {
		return &contentError{41006, "media_id missing"} // 缺少media_id参数
	}
	if !s.mediaOK(corpID, ref.MediaID, typ) {
		return &contentError{codeBadMediaID, "invalid media_id"}
	}
	return nil
}

// contentBody is the content of message/send and appchat/send: the
// msgtype and the object under its key.
type contentBody struct {
	MsgType string `json:"msgtype"`
	Safe    int    `json:"safe"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Markdown *struct {
		Content string `json:"content"`
	} `json:"markdown"`
	Image *mediaRef `json:"image"`
	Voice *mediaRef `json:"voice"`
	File  *mediaRef `json:"file"`
	Video *struct {
		MediaID     string `json:"media_id"`
		Title       string `json:"title"`
		Description string `json:"description"`
	} `json:"video"`
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
	MPNews *struct {
		Articles []struct {
			Title            string `json:"title"`
			ThumbMediaID     string `json:"thumb_media_id"`
			Author           string `json:"author"`
			ContentSourceURL string `json:"content_source_url"`
			Content          string `json:"content"`
			Digest           string `json:"digest"`
		} `json:"articles"`
	} `json:"mpnews"`
	MiniProgramNotice *struct {
		AppID       string `json:"appid"`
		Page        string `json:"page"`
		Title       string `json:"title"`
		Description string `json:"description"`
		ContentItem []struct {
			Key   string `json:"key"`
			Value string `json:"value"`
		} `json:"content_item"`
	} `json:"miniprogram_notice"`
	TemplateCard *templateCardBody `json:"template_card"`
}

type templateCardBody struct {
	CardType   string `json:"card_type"`
	TaskID     string `json:"task_id"`
	ActionMenu *struct {
		ActionList []struct {
			Text string `json:"text"`
			Key  string `json:"key"`
		} `json:"action_list"`
	} `json:"action_menu"`
}

type sendBody struct {
	ToUser  string `json:"touser"`
	ToParty string `json:"toparty"`
	ToTag   string `json:"totag"`
	AgentID int64  `json:"agentid"`
	contentBody
}

var cardTypes = map[string]bool{"text_notice": true, "news_notice": true, "button_interaction": true, "vote_interaction": true, "multiple_interaction": true}

// interactiveCards are the card types whose buttons update_template_card
// can replace (doc 94888).
var interactiveCards = map[string]bool{"button_interaction": true, "vote_interaction": true, "multiple_interaction": true}

// contentError is an errcode the content check answers.
type contentError struct {
	code int
	msg  string
}

// mediaOK reports whether id is a live temporary medium of corpID of type
// typ ("" for any type): WeCom answers 40007 for an unknown, expired or
// mistyped media_id ("媒体文件类型应符合接口要求", doc 90313).
func (s *Server) mediaOK(corpID, id, typ string) bool {
	s.med.mu.Lock()
	sm := s.med.items[id]
	s.med.mu.Unlock()
	return sm != nil && sm.corpID == corpID && s.now().Before(sm.created.Add(mediaTTL)) && (typ == "" || sm.typ == typ)
}

// checkContent checks b's content as WeCom does and returns its text
// fields as WeCom keeps them (cut at WeCom's limits). allowed, when not
// nil, lists the msgtypes the endpoint takes. It must be called without
// s.mu held (it reads the media store).
func (s *Server) checkContent(corpID string, b *contentBody, allowed map[string]bool) (map[string]string, *contentError) {
	fields := map[string]string{}
	put := func(name, key, v string) { fields[name] = cutField(key, v) }
	media := func(kind string, ref *mediaRef, typ string) *contentError {
		if e := s.checkMedia(corpID, ref, typ); e != nil {
			return e
		}
		fields[kind+".media_id"] = ref.MediaID
		return nil
	}
	if allowed != nil && !allowed[b.MsgType] {
		return nil, &contentError{codeBadMsgType, "invalid message type"}
	}
	if b.MsgType == "news" && b.Safe == 1 {
		return nil, &contentError{40074, "news message does not support safe"} // news消息不支持保密消息类型 (doc 90313)
	}
	switch b.MsgType {
	case "text":
		if b.Text == nil || b.Text.Content == "" {
			return nil, &contentError{44004, "empty content"}
		}
		put("text.content", "text.content", b.Text.Content)
	case "markdown":
		if b.Markdown == nil || b.Markdown.Content == "" {
			return nil, &contentError{44004, "empty content"}
		}
		put("markdown.content", "markdown.content", b.Markdown.Content)
	case "image":
		if e := media("image", b.Image, "image"); e != nil {
			return nil, e
		}
	case "voice":
		if e := media("voice", b.Voice, "voice"); e != nil {
			return nil, e
		}
	case "file":
		if e := media("file", b.File, ""); e != nil {
			return nil, e
		}
	case "video":
		if b.Video == nil {
			return nil, &contentError{41006, "media_id missing"}
		}
		if e := media("video", &mediaRef{b.Video.MediaID}, "video"); e != nil {
			return nil, e
		}
		put("video.title", "video.title", b.Video.Title)
		put("video.description", "video.description", b.Video.Description)
	case "textcard":
		tc := b.TextCard
		if tc == nil || tc.Title == "" || tc.Description == "" || tc.URL == "" {
			return nil, &contentError{40058, "textcard needs title, description and url"}
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
			return nil, &contentError{40058, "missing articles"}
		}
		if len(b.News.Articles) > maxArticles {
			return nil, &contentError{codeArticlesTooMany, "article size out of limit"}
		}
		for i, a := range b.News.Articles {
			if a.Title == "" {
				return nil, &contentError{41016, "article title missing"} // 缺少title参数 (doc 90313)
			}
			p := "news.articles." + strconv.Itoa(i) + "."
			put(p+"title", "news.title", a.Title)
			put(p+"description", "news.description", a.Description)
		}
	case "mpnews":
		if b.MPNews == nil || len(b.MPNews.Articles) == 0 {
			return nil, &contentError{40058, "missing articles"}
		}
		if len(b.MPNews.Articles) > maxArticles {
			return nil, &contentError{codeArticlesTooMany, "article size out of limit"}
		}
		for i, a := range b.MPNews.Articles {
			switch {
			case a.Title == "":
				return nil, &contentError{41016, "article title missing"} // 缺少title参数 (doc 90313)
			case a.Content == "":
				return nil, &contentError{40058, "article content missing"}
			case len(a.Content) > maxMPNewsContent:
				return nil, &contentError{45002, "article content over 666K bytes"} // 消息内容大小超过限制 (doc 90313)
			}
			p := "mpnews.articles." + strconv.Itoa(i) + "."
			if e := media(p+"thumb", &mediaRef{a.ThumbMediaID}, "image"); e != nil {
				return nil, e
			}
			put(p+"title", "mpnews.title", a.Title)
			put(p+"author", "mpnews.author", a.Author)
			put(p+"digest", "mpnews.digest", a.Digest)
			fields[p+"content"] = a.Content
		}
	case "miniprogram_notice":
		n := b.MiniProgramNotice
		switch {
		case n == nil || n.AppID == "" || n.Title == "":
			return nil, &contentError{40058, "miniprogram_notice needs appid and title"}
		case len(n.ContentItem) > maxNoticeItems:
			return nil, &contentError{40058, "too many content_item entries"}
		}
		fields["miniprogram_notice.appid"] = n.AppID
		put("miniprogram_notice.title", "miniprogram_notice.title", n.Title)
		put("miniprogram_notice.description", "miniprogram_notice.description", n.Description)
		for i, it := range n.ContentItem {
			p := "miniprogram_notice.content_item." + strconv.Itoa(i) + "."
			put(p+"key", "miniprogram_notice.key", it.Key)
			put(p+"value", "miniprogram_notice.value", it.Value)
		}
	case "template_card":
		if e := checkCard(b.TemplateCard); e != nil {
			return nil, e
		}
		fields["template_card.card_type"] = b.TemplateCard.CardType
	default:
		return nil, &contentError{codeBadMsgType, "invalid message type"}
	}
	return fields, nil
}

func checkCard(tc *templateCardBody) *contentError {
	switch {
	case tc == nil || !cardTypes[tc.CardType]:
		return &contentError{40058, "invalid card_type"}
	case len(tc.TaskID) > 128:
		return &contentError{40058, "invalid task_id"}
	case tc.ActionMenu != nil && (len(tc.ActionMenu.ActionList) == 0 || len(tc.ActionMenu.ActionList) > 3):
		return &contentError{40058, "invalid action_menu"}
	}
	return nil
}

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
	fields, cerr := s.checkContent(c.CorpID, &b.contentBody, nil)
	if cerr != nil {
		writeError(w, cerr.code, cerr.msg)
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
	answer := map[string]any{
		"errcode": 0, "errmsg": "ok",
		"invaliduser": strings.Join(invalidUser, "|"), "invalidparty": strings.Join(invalidParty, "|"),
		"invalidtag": b.ToTag, "unlicenseduser": strings.Join(unlicensed, "|"), "msgid": msg.MsgID,
	}
	if tc := b.TemplateCard; b.MsgType == "template_card" && (interactiveCards[tc.CardType] || tc.ActionMenu != nil) {
		msg.ResponseCode = s.issueCardCodeLocked(msg, now)
		answer["response_code"] = msg.ResponseCode
	}
	writeJSON(w, answer)
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

func (s *Server) issueCardCodeLocked(msg *SentMessage, now time.Time) string {
	code := "rc_" + randomHex(16)
	s.con.msg.codes[code] = &cardCode{msg: msg, issued: now}
	return code
}

// CardResponseCode issues a fresh response_code for the template card
// message msgID of corpID, as WeCom's template_card_event callback brings
// one when a member taps the card (doc 94888); ok is false for a message
// that is not an updatable card.
func (s *Server) CardResponseCode(corpID, msgID string) (code string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.con.msg.byID[msgID]
	if m == nil || m.CorpID != corpID || m.ResponseCode == "" {
		return "", false
	}
	return s.issueCardCodeLocked(m, s.now()), true
}

// addMessageCardRoutes registers message/update_template_card (called
// from addAppChatRoutes: message/send's own routes are registered with
// the contact model's).
func (s *Server) addMessageCardRoutes() {
	s.routes["/cgi-bin/message/update_template_card"] = s.authed(s.handleUpdateTemplateCard)
}

// handleUpdateTemplateCard serves POST /cgi-bin/message/update_template_card
// (doc 94888): a response_code the server issued for a card of the same
// app, unused and younger than 72 hours, updates the card once — its
// buttons (replace_name, interactive cards only) or the whole card. A
// code that is unknown, used, expired or another app's is answered 60140
// (无效的response_code in WeCom's global table, doc 90313: "可能是
// response_code已经过期"); a call with both or neither of button and
// template_card, or without receivers, 40058 (the server's choice).
func (s *Server) handleUpdateTemplateCard(w http.ResponseWriter, r *http.Request, c Caller) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	var b struct {
		UserIDs      []string `json:"userids"`
		PartyIDs     []int64  `json:"partyids"`
		TagIDs       []int64  `json:"tagids"`
		AtAll        int      `json:"atall"`
		AgentID      int64    `json:"agentid"`
		ResponseCode string   `json:"response_code"`
		Button       *struct {
			ReplaceName string `json:"replace_name"`
		} `json:"button"`
		TemplateCard *templateCardBody `json:"template_card"`
	}
	if err != nil || json.Unmarshal(raw, &b) != nil {
		writeError(w, 47001, "")
		return
	}
	switch {
	case b.AgentID != c.AgentID:
		writeError(w, 40056, "invalid agentid")
		return
	case (b.Button == nil) == (b.TemplateCard == nil):
		writeError(w, 40058, "set one of button and template_card")
		return
	case b.AtAll == 0 && len(b.UserIDs) == 0 && len(b.PartyIDs) == 0 && len(b.TagIDs) == 0:
		writeError(w, 40058, "userids, partyids, tagids and atall are all empty")
		return
	case len(b.UserIDs) > 1000 || len(b.PartyIDs) > 100 || len(b.TagIDs) > 100:
		writeError(w, 40058, "too many receivers: at most 1000 users, 100 parties and 100 tags")
		return
	case b.Button != nil && b.Button.ReplaceName == "":
		writeError(w, 40058, "empty button.replace_name")
		return
	}
	if b.TemplateCard != nil {
		if e := checkCard(b.TemplateCard); e != nil {
			writeError(w, e.code, e.msg)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	cc := s.con.msg.codes[b.ResponseCode]
	if cc == nil || cc.used || cc.msg.CorpID != c.CorpID || cc.msg.AgentID != c.AgentID || now.Sub(cc.issued) > responseCodeTTL {
		writeError(w, 60140, "invalid response_code") // 无效的response_code (doc 90313)
		return
	}
	if b.Button != nil && !interactiveCards[cc.msg.Fields["template_card.card_type"]] {
		writeError(w, 40058, "only an interactive card's buttons can be replaced")
		return
	}
	cc.used = true
	u := CardUpdate{
		ResponseCode: b.ResponseCode, Users: b.UserIDs, Parties: b.PartyIDs, Tags: b.TagIDs,
		All: b.AtAll == 1, Updated: now, Body: raw,
	}
	if b.Button != nil {
		u.ReplaceName = b.Button.ReplaceName
	} else {
		u.CardType = b.TemplateCard.CardType
	}
	cc.msg.Updates = append(cc.msg.Updates, u)
	idx := s.indexLocked(c.CorpID)
	invalid := []string{}
	for _, id := range b.UserIDs {
		if m := idx.members[strings.ToLower(id)]; m == nil || !idx.userVisible(c, m) {
			invalid = append(invalid, strings.ToLower(id))
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "invaliduser": invalid})
}
