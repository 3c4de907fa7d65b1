package message

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidMessage is matched by the errors for messages WeCom would
// reject: no recipients or too many, no content, 0 or more than 8 news
// articles, a card over its structural limits.
var ErrInvalidMessage = errors.New("message: invalid message")

// ErrTooLong is matched by the [*LimitError] a [Strict] client returns for
// a field over WeCom's limit.
var ErrTooLong = errors.New("message: field too long")

// LimitError names a field over WeCom's limit, for [Strict] clients.
type LimitError struct {
	Field string // such as "text.content"
	Limit int
	Unit  string // "bytes" or "characters"
}

// Error names the field and its limit.
func (e *LimitError) Error() string {
	return fmt.Sprintf("message: %s is longer than %d %s", e.Field, e.Limit, e.Unit)
}

// Is makes a LimitError match [ErrTooLong].
func (e *LimitError) Is(target error) bool { return target == ErrTooLong }

// Recipient limits of one message/send call (doc 90236).
const (
	MaxUsers    = 1000
	MaxParties  = 100
	MaxTags     = 100
	MaxArticles = 8
	// MaxDuplicateCheck is the longest duplicate-check interval WeCom takes.
	MaxDuplicateCheck = 4 * time.Hour
)

// Recipients says who gets a message. Users, Parties (departments) and
// Tags are joined with "|" as WeCom wants them; All sends to everyone in
// the app's visible scope (touser @all), and WeCom then ignores the rest.
type Recipients struct {
	Users   []string
	Parties []int64
	Tags    []int64
	All     bool
}

// ToUsers returns Recipients for the members userIDs.
func ToUsers(userIDs ...string) Recipients { return Recipients{Users: userIDs} }

// Message is one message to send.
type Message struct {
	To      Recipients
	Content Content // *Text, *Image, *Voice, *Video, *File, *TextCard, *News, *MPNews, *Markdown, *MiniProgramNotice or *TemplateCard
	// Safe marks the message confidential (safe=1: no forwarding, a
	// watermark); WeCom honours it for text and some media types, and
	// refuses it on a news message (40074), which Send refuses before
	// calling.
	Safe bool
	// EnableIDTrans turns $userName=…$ and $departmentName=…$ into names.
	EnableIDTrans bool
	// DuplicateCheck, when positive, makes WeCom drop an identical message
	// sent again within this interval (at most 4 h).
	DuplicateCheck time.Duration
}

// Result is WeCom's answer to a send. A send that reached some recipients
// but not others is a success with the others listed here, not an error.
type Result struct {
	// MsgID identifies the message for [Client.Recall]; MsgIDs lists every
	// call's when a [Limiter] split the send.
	MsgID  string
	MsgIDs []string
	// InvalidUsers, InvalidParties and InvalidTags are recipients WeCom
	// does not know or the app may not reach (userids lower-cased);
	// UnlicensedUsers are members without a licence for WeCom's basic
	// interfaces. None of them got the message.
	InvalidUsers    []string
	InvalidParties  []string
	InvalidTags     []string
	UnlicensedUsers []string
	// ResponseCode is set for interactive template cards.
	ResponseCode string
	// Truncated names the fields the client cut to WeCom's limits, such as
	// "text.content" (never with [Strict]).
	Truncated []string
}

// Partial reports whether some recipients did not get the message.
func (r *Result) Partial() bool {
	return len(r.InvalidUsers)+len(r.InvalidParties)+len(r.InvalidTags)+len(r.UnlicensedUsers) > 0
}

// Client sends an app's messages (应用消息). It is safe for concurrent use.
type Client struct {
	corp    wecom.Caller[wecom.CorpToken] // the app's client, bound once: a client of another kind fails each call
	agentID int64
	strict  bool
	limiter *Limiter
}

// Option configures [New].
type Option interface{ apply(*Client) }

type optionFunc func(*Client)

func (f optionFunc) apply(c *Client) { f(c) }

// Strict makes Send refuse a field over WeCom's limit with a
// [*LimitError] instead of cutting it. WeCom itself does not refuse: it
// cuts such fields silently, at a byte count that can split a character
// (doc 90236). By default the client cuts them itself, at a character
// boundary, and names them in [Result.Truncated].
func Strict() Option { return optionFunc(func(c *Client) { c.strict = true }) }

// WithLimiter sends every message's users through l, so that no member
// gets more than WeCom's per-member share and nothing is dropped
// silently. See [Limiter].
func WithLimiter(l *Limiter) Option { return optionFunc(func(c *Client) { c.limiter = l }) }

// New returns a Client sending as the app agentID through c (the app's
// own client).
func New(c *wecom.Client, agentID int64, opts ...Option) *Client {
	corp, _ := wecom.Bind[wecom.CorpToken](c) // the error comes back from each call
	cl := &Client{corp: corp, agentID: agentID}
	for _, o := range opts {
		o.apply(cl)
	}
	return cl
}

// wire is message/send's body and answer in one allocation.
type wire struct {
	body   sendRequest
	fill   filler
	answer sendResponse
	result Result
}

// Send sends msg with POST /cgi-bin/message/send
// (https://developer.work.weixin.qq.com/document/path/90236).
//
// Fields over WeCom's limits are cut at a UTF-8 character boundary and
// named in [Result.Truncated] (or refused, with [Strict]); structural
// limits — recipients, 1–8 news articles, card lists — are errors
// ([ErrInvalidMessage]) before anything is sent. Recipients WeCom could
// not reach are listed in the Result; only when none is valid does WeCom
// answer an error (81013). With a [Limiter] the users are sent in as many
// calls as their per-member budgets need, and Send returns when all are
// sent. msg is not modified.
func (c *Client) Send(ctx context.Context, msg *Message) (*Result, error) {
	w := &wire{}
	if err := c.build(w, msg); err != nil {
		return nil, err
	}
	if c.limiter == nil || msg.To.All || len(msg.To.Users) == 0 {
		w.body.ToUser = joinUsers(msg.To)
		if err := c.post(ctx, w); err != nil {
			return nil, err
		}
		w.result.MsgID = w.answer.MsgID
		return &w.result, nil
	}
	// Parties and tags cannot be counted per member: they go with the
	// first call, unlimited.
	first := true
	err := c.limiter.Do(ctx, msg.To.Users, func(ctx context.Context, users []string) error {
		w.body.ToUser = strings.Join(users, "|")
		if !first {
			w.body.ToParty, w.body.ToTag = "", ""
		}
		first = false
		w.answer = sendResponse{}
		if err := c.post(ctx, w); err != nil {
			return err
		}
		if w.result.MsgID == "" {
			w.result.MsgID = w.answer.MsgID
		}
		w.result.MsgIDs = append(w.result.MsgIDs, w.answer.MsgID)
		return nil
	})
	if err != nil {
		if len(w.result.MsgIDs) > 0 {
			return &w.result, fmt.Errorf("message: sent in part (%d calls): %w", len(w.result.MsgIDs), err)
		}
		return nil, err
	}
	return &w.result, nil
}

func (c *Client) post(ctx context.Context, w *wire) error {
	if err := messageSend.CallInto(ctx, c.corp, &w.body, &w.answer); err != nil {
		return fmt.Errorf("message: send: %w", err)
	}
	r := &w.result
	r.InvalidUsers = appendSplit(r.InvalidUsers, w.answer.InvalidUser)
	r.InvalidParties = appendSplit(r.InvalidParties, w.answer.InvalidParty)
	r.InvalidTags = appendSplit(r.InvalidTags, w.answer.InvalidTag)
	r.UnlicensedUsers = appendSplit(r.UnlicensedUsers, w.answer.UnlicensedUser)
	if w.answer.ResponseCode != "" {
		r.ResponseCode = w.answer.ResponseCode
	}
	return nil
}

// appendSplit appends the "|"-separated items of s to dst.
func appendSplit(dst []string, s string) []string {
	for s != "" {
		item, rest, _ := strings.Cut(s, "|")
		if item != "" {
			dst = append(dst, item)
		}
		s = rest
	}
	return dst
}

func joinUsers(to Recipients) string {
	if to.All {
		return "@all"
	}
	return strings.Join(to.Users, "|")
}

func joinIDs(ids []int64) string {
	switch len(ids) {
	case 0:
		return ""
	case 1:
		return strconv.FormatInt(ids[0], 10)
	}
	b := make([]byte, 0, 8*len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, '|')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(b)
}

// newsNotSafe refuses a confidential news message before WeCom does
// (40074 news消息不支持保密消息类型, WeCom's global table, doc 90313).
func newsNotSafe() error {
	return invalid("a news message cannot be confidential (Safe): WeCom answers 40074")
}

func invalid(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidMessage, fmt.Sprintf(format, a...))
}

// build checks msg and fills w's body.
func (c *Client) build(w *wire, msg *Message) error {
	if msg == nil || msg.Content == nil {
		return invalid("no content")
	}
	to := msg.To
	switch {
	case !to.All && len(to.Users) == 0 && len(to.Parties) == 0 && len(to.Tags) == 0:
		return invalid("no recipients")
	case len(to.Users) > MaxUsers:
		return invalid("%d users: at most %d per message", len(to.Users), MaxUsers)
	case len(to.Parties) > MaxParties:
		return invalid("%d parties: at most %d per message", len(to.Parties), MaxParties)
	case len(to.Tags) > MaxTags:
		return invalid("%d tags: at most %d per message", len(to.Tags), MaxTags)
	case msg.DuplicateCheck < 0 || msg.DuplicateCheck > MaxDuplicateCheck:
		return invalid("duplicate check interval %v: 0 to %v", msg.DuplicateCheck, MaxDuplicateCheck)
	}
	for _, u := range to.Users {
		if u == "" || strings.Contains(u, "|") {
			return invalid("userid %q", u)
		}
	}
	b := &w.body
	b.ToParty, b.ToTag = joinIDs(to.Parties), joinIDs(to.Tags)
	b.AgentID = c.agentID
	b.MsgType = msg.Content.msgType()
	if msg.Safe {
		if _, news := msg.Content.(*News); news {
			return newsNotSafe()
		}
		b.Safe = 1
	}
	if msg.EnableIDTrans {
		b.EnableIDTrans = 1
	}
	if msg.DuplicateCheck > 0 {
		b.EnableDuplicateCheck = 1
		b.DuplicateCheckInterval = int(msg.DuplicateCheck / time.Second)
	}
	w.fill = filler{body: &b.body, strict: c.strict, result: &w.result}
	return msg.Content.fill(&w.fill)
}

// fitField cuts *s to limit bytes (or characters), at a character
// boundary, and records the field in r — or, if strict, refuses it.
func fitField(r *Result, strict bool, field string, s *string, limit int, runes bool) error {
	var cut string
	if runes {
		if utf8.RuneCountInString(*s) <= limit {
			return nil
		}
		cut = CutRunes(*s, limit)
	} else {
		if len(*s) <= limit {
			return nil
		}
		cut = CutBytes(*s, limit)
	}
	if strict {
		unit := "bytes"
		if runes {
			unit = "characters"
		}
		return &LimitError{Field: field, Limit: limit, Unit: unit}
	}
	*s = cut
	r.Truncated = append(r.Truncated, field)
	return nil
}

// CutBytes returns the longest prefix of s of at most n bytes that ends at
// a UTF-8 character boundary. WeCom's own cut counts bytes only and can
// leave half a character behind.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	i := n
	for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	if !utf8.RuneStart(s[i]) {
		return s[:n] // not UTF-8 here: nothing to keep whole
	}
	return s[:i]
}

// CutRunes returns the first n characters of s.
func CutRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Recall withdraws a message sent in the last 24 hours with POST
// /cgi-bin/message/recall
// (https://developer.work.weixin.qq.com/document/path/94867).
func (c *Client) Recall(ctx context.Context, msgID string) error {
	if msgID == "" {
		return invalid("empty msgid")
	}
	if err := messageRecall.CallInto(ctx, c.corp, &recallRequest{MsgID: msgID}, nil); err != nil {
		return fmt.Errorf("message: recall: %w", err)
	}
	return nil
}
