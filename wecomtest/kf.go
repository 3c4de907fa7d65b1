package wecomtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// WeChat customer service (微信客服): kf accounts with their receptionists
// (kf_accounts.go), sessions that move as WeCom's do and the messages
// customers write, read back with sync_msg (kf_sync.go), what the
// corporation sends (kf_send.go), customers, upgrades and statistics
// (kf_customer.go).
//
// The model: [Server.AddKFAccount] (or kf/account/add) creates an account;
// [Server.CustomerWrites] is a WeChat customer writing to it, which opens
// the session (state 0, 未处理), queues the message for sync_msg and opens
// the customer's send window (48 h, 5 messages); [Server.PushKFEvent]
// sends the kf_msg_or_event callback, with a fresh token, to an app's
// callback (see [Server.PushApp]). Every app token of the corporation may
// call (WeCom requires the app to be configured for kf, which the fake does
// not model).
//
// Errcodes: 95000 (不合法的open_kfid) for an account the corporation never
// had, 95004 (open_kfid不存在) for a deleted one; 95001 (发送客服
// 消息次数限制) for a sixth message after the customer's last; 95002 (发送客服消息
// 时间限制) after 48 hours; 95018 (send msg session status invalid) for a send
// in a session not in state 0 or 1; 95016 (不允许这种状态转换) for a move the
// state table forbids; 95014 (用户不是接待人员) for a userid that is not a
// receptionist of the account, 95019 (接待人员已停止接待或暂时挂起) for one
// who is not receiving; 95007 (不合法的msgtoken) for a sync_msg token the
// fake did not issue or that is older than 10 minutes. Each is the meaning
// WeCom's global table (doc 90313, wecom/errcode_official.tsv) gives the
// code; see docs/wecom-api-notes.md. 40058 answers what the pages give no
// code for (a limit above 1000, a used or expired event code, a repeated
// msgid).

const (
	kfTokenTTL      = 10 * time.Minute
	kfSyncMax       = 1000
	kfWindow        = 48 * time.Hour
	kfQuota         = 5
	kfHistory       = 72 * time.Hour // sync_msg returns the last 3 days
	kfWelcomeTTL    = 20 * time.Second
	kfEndTTL        = 20 * time.Second
	kfNoticeTTL     = 48 * time.Hour
	kfMaxAccounts   = 5000
	kfMaxAccountLen = 16

	// codeKFNotInUpgradeRange answers an upgrade to a member or group chat
	// outside the 升级服务 configuration (doc 94674).
	codeKFNotInUpgradeRange = 95021
)

type kfState struct {
	mu    sync.Mutex
	corps map[string]*kfCorp
}

type kfCorp struct {
	accounts  map[string]*kfAccount
	gone      map[string]bool // deleted open_kfids
	order     []string        // open_kfids in the order created
	seq       int
	customers map[string]*kfCustomer
	codes     map[string]*kfCode
	tokens    map[string]kfToken
	upgrade   KFUpgradeConfig
	upgrades  map[string]KFUpgrade // by open_kfid + "/" + external userid
	trans     []kfTrans
}

type kfAccount struct {
	id, name, mediaID string
	servicers         []*KFServicer
	log               []*kfEntry
	sessions          map[string]*kfSession
	sent              []KFSentMessage
	msgIDs            map[string]bool
}

type kfCustomer struct {
	id         string
	nickname   string
	scene      string
	sceneParam string
	entered    bool
}

type kfSession struct {
	state       int
	servicer    string
	lastWrote   time.Time
	sentSince   int
	lastWelcome time.Time
}

type kfCode struct {
	openKfID, externalUserID string
	state                    int // the session state it is valid in; -1 for a welcome code
	expires                  time.Time
	used                     bool
}

type kfToken struct {
	openKfID string
	issued   time.Time
}

type kfEntry struct {
	at       time.Time
	customer string
	origin   int
	body     []byte // the message's JSON as sync_msg answers it
}

type kfTrans struct {
	at                 time.Time
	openKfID, servicer string
}

// KFServicer is a receptionist of a fake kf account.
type KFServicer struct {
	UserID string
	Status int // 0 receiving, 1 stopped
}

// KFSentMessage is a message the corporation sent with kf/send_msg or
// kf/send_msg_on_event, as [Server.KFSent] returns it.
type KFSentMessage struct {
	MsgID    string
	OpenKfID string
	ToUser   string
	Code     string // send_msg_on_event's code
	MsgType  string
	Text     string // text.content
	MediaID  string // the media_id of an image, voice, video or file
	Body     []byte // the request's JSON
	Sent     time.Time
}

// KFUpgradeConfig is what kf/customer/get_upgrade_service_config answers
// ([Server.SetKFUpgradeConfig]).
type KFUpgradeConfig struct {
	UserIDs       []string
	DepartmentIDs []int64
	ChatIDs       []string
}

// KFUpgrade is a recommendation made with kf/customer/upgrade_service.
type KFUpgrade struct {
	Type    int    // 1 member, 2 group chat
	Target  string // the userid or chat id
	Wording string
}

func (s *Server) addKFRoutes() {
	s.kf.corps = make(map[string]*kfCorp)
	for path, h := range map[string]HandlerFunc{
		"/cgi-bin/kf/account/add":                         s.handleKFAccountAdd,
		"/cgi-bin/kf/account/del":                         s.handleKFAccountDel,
		"/cgi-bin/kf/account/update":                      s.handleKFAccountUpdate,
		"/cgi-bin/kf/account/list":                        s.handleKFAccountList,
		"/cgi-bin/kf/add_contact_way":                     s.handleKFContactWay,
		"/cgi-bin/kf/servicer/add":                        s.handleKFServicerAdd,
		"/cgi-bin/kf/servicer/del":                        s.handleKFServicerDel,
		"/cgi-bin/kf/servicer/list":                       s.handleKFServicerList,
		"/cgi-bin/kf/service_state/get":                   s.handleKFStateGet,
		"/cgi-bin/kf/service_state/trans":                 s.handleKFStateTrans,
		"/cgi-bin/kf/sync_msg":                            s.handleKFSync,
		"/cgi-bin/kf/send_msg":                            s.handleKFSend,
		"/cgi-bin/kf/send_msg_on_event":                   s.handleKFSendOnEvent,
		"/cgi-bin/kf/customer/batchget":                   s.handleKFCustomers,
		"/cgi-bin/kf/customer/get_upgrade_service_config": s.handleKFUpgradeConfig,
		"/cgi-bin/kf/customer/upgrade_service":            s.handleKFUpgrade,
		"/cgi-bin/kf/customer/cancel_upgrade_service":     s.handleKFCancelUpgrade,
		"/cgi-bin/kf/get_corp_statistic":                  s.handleKFCorpStatistic,
		"/cgi-bin/kf/get_servicer_statistic":              s.handleKFServicerStatistic,
	} {
		s.routes[path] = s.authed(h)
	}
}

func (k *kfState) corpLocked(corpID string) *kfCorp {
	c := k.corps[corpID]
	if c == nil {
		c = &kfCorp{accounts: make(map[string]*kfAccount), customers: make(map[string]*kfCustomer),
			codes: make(map[string]*kfCode), tokens: make(map[string]kfToken), upgrades: make(map[string]KFUpgrade)}
		k.corps[corpID] = c
	}
	return c
}

func (c *kfCorp) nextID(prefix string) string {
	c.seq++
	return prefix + strconv.Itoa(c.seq) + "_" + randomHex(4)
}

// accountLocked finds an account, answering itself when there is none:
// 95004 (open_kfid不存在, "对已删除的账号操作" on the global table) for a
// deleted one, 95000 (不合法的open_kfid) for an id the corporation never
// had.
func (c *kfCorp) accountLocked(w http.ResponseWriter, id string) *kfAccount {
	a := c.accounts[id]
	switch {
	case a != nil:
	case c.gone[id]:
		writeError(w, 95004, "open_kfid not exist")
	default:
		writeError(w, 95000, "invalid open_kfid")
	}
	return a
}

func (a *kfAccount) sessionLocked(ext string) *kfSession {
	se := a.sessions[ext]
	if se == nil {
		se = &kfSession{state: 4}
		a.sessions[ext] = se
	}
	return se
}

func (c *kfCorp) addAccountLocked(name, mediaID string) *kfAccount {
	a := &kfAccount{id: c.nextID("wk"), name: name, mediaID: mediaID, sessions: make(map[string]*kfSession), msgIDs: make(map[string]bool)}
	c.accounts[a.id] = a
	c.order = append(c.order, a.id)
	return a
}

// AddKFAccount creates a kf account named name in corpID, as
// kf/account/add does, with the receptionists servicers (each receiving),
// and returns its open_kfid.
func (s *Server) AddKFAccount(corpID, name string, servicers ...string) string {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(corpID).addAccountLocked(name, "")
	for _, u := range servicers {
		a.servicers = append(a.servicers, &KFServicer{UserID: u})
	}
	return a.id
}

// SetKFServicerStatus sets a receptionist's status: 0 receiving, 1 stopped
// (as the receptionist does in the WeCom client). It reports whether the
// receptionist exists.
func (s *Server) SetKFServicerStatus(corpID, openKfID, userID string, status int) bool {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	if a := k.corpLocked(corpID).accounts[openKfID]; a != nil {
		for _, sv := range a.servicers {
			if sv.UserID == userID {
				sv.Status = status
				return true
			}
		}
	}
	return false
}

// KFSession returns the state of the session between a kf account and a
// customer (4, 已结束/未开始, when there is none) and its receptionist.
func (s *Server) KFSession(corpID, openKfID, externalUserID string) (state int, servicer string) {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(corpID).accounts[openKfID]
	if a == nil || a.sessions[externalUserID] == nil {
		return 4, ""
	}
	se := a.sessions[externalUserID]
	return se.state, se.servicer
}

// KFSent returns the messages the corporation sent from a kf account, in
// the order sent.
func (s *Server) KFSent(corpID, openKfID string) []KFSentMessage {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(corpID).accounts[openKfID]
	if a == nil {
		return nil
	}
	return append([]KFSentMessage(nil), a.sent...)
}

// KFCallbackToken issues the Token a kf_msg_or_event callback for the kf
// account carries: sync_msg accepts it for 10 minutes on the server's
// clock.
func (s *Server) KFCallbackToken(corpID, openKfID string) string {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	tok := "ENC" + randomHex(20)
	k.corpLocked(corpID).tokens[tok] = kfToken{openKfID: openKfID, issued: s.now()}
	return tok
}

// KFEventXML returns the plaintext of a kf_msg_or_event callback for the
// kf account, with a fresh token (see [Server.KFCallbackToken]).
func (s *Server) KFEventXML(corpID, openKfID string) (xml []byte, token string) {
	token = s.KFCallbackToken(corpID, openKfID)
	xml = []byte(fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"+
		"<Token><![CDATA[%s]]></Token><OpenKfId><![CDATA[%s]]></OpenKfId></xml>",
		corpID, s.now().Unix(), token, openKfID))
	return xml, token
}

// PushKFEvent pushes a kf_msg_or_event callback for the kf account to the
// app agentID's callback ([Server.SetAppCallback]), as WeCom does when a
// customer writes, and returns the token it carried.
func (s *Server) PushKFEvent(ctx context.Context, corpID string, agentID int64, openKfID string) (string, error) {
	xml, token := s.KFEventXML(corpID, openKfID)
	return token, s.PushApp(ctx, corpID, agentID, xml)
}

// appendLocked queues a message of the kf account for sync_msg.
func (c *kfCorp) appendLocked(a *kfAccount, at time.Time, customer string, origin int, m map[string]any) {
	b, err := json.Marshal(m)
	if err != nil {
		panic("wecomtest: kf message: " + err.Error())
	}
	e := &kfEntry{at: at, customer: customer, origin: origin, body: b}
	a.log = append(a.log, e)
}

func (c *kfCorp) customerLocked(ext string) *kfCustomer {
	cu := c.customers[ext]
	if cu == nil {
		cu = &kfCustomer{id: ext, nickname: "客户" + ext}
		c.customers[ext] = cu
	}
	return cu
}

// CustomerWrites is the WeChat customer externalUserID writing text to the
// kf account: the message is queued for sync_msg (origin 3), an ended or
// new session becomes 未处理 (0), and the customer's send window opens
// (48 h, 5 messages). It returns the message's msgid. It panics if the
// account does not exist.
func (s *Server) CustomerWrites(corpID, openKfID, externalUserID, text string) string {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(corpID)
	a := c.accounts[openKfID]
	if a == nil {
		panic(fmt.Sprintf("wecomtest: CustomerWrites: corp %q has no kf account %q", corpID, openKfID))
	}
	c.customerLocked(externalUserID)
	now := s.now()
	se := a.sessionLocked(externalUserID)
	if se.state == 4 {
		se.state, se.servicer = 0, ""
	}
	se.lastWrote, se.sentSince = now, 0
	id := c.nextID("msg")
	m := map[string]any{"msgid": id, "open_kfid": openKfID, "external_userid": externalUserID, "send_time": now.Unix(),
		"origin": 3, "msgtype": "text", "text": map[string]any{"content": text}}
	if se.servicer != "" {
		m["servicer_userid"] = se.servicer
	}
	c.appendLocked(a, now, externalUserID, 3, m)
	return id
}

// CustomerEnters is the customer opening the kf account's session through
// a contact way with scene and sceneParam: an enter_session event is
// queued for sync_msg. Its welcome_code (valid 20 s, for one welcome
// message) is issued when the customer got no welcome within 48 hours and
// the session is not served by a receptionist; it is returned ("" when
// none).
func (s *Server) CustomerEnters(corpID, openKfID, externalUserID, scene, sceneParam string) string {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(corpID)
	a := c.accounts[openKfID]
	if a == nil {
		panic(fmt.Sprintf("wecomtest: CustomerEnters: corp %q has no kf account %q", corpID, openKfID))
	}
	cu := c.customerLocked(externalUserID)
	cu.scene, cu.sceneParam, cu.entered = scene, sceneParam, true
	now := s.now()
	se := a.sessionLocked(externalUserID)
	ev := map[string]any{"event_type": "enter_session", "open_kfid": openKfID, "external_userid": externalUserID,
		"scene": scene, "scene_param": sceneParam}
	code := ""
	if se.state != 3 && (se.lastWelcome.IsZero() || now.Sub(se.lastWelcome) >= kfWindow) {
		code = "WC" + randomHex(12)
		c.codes[code] = &kfCode{openKfID: openKfID, externalUserID: externalUserID, state: -1, expires: now.Add(kfWelcomeTTL)}
		ev["welcome_code"] = code
	}
	c.appendLocked(a, now, externalUserID, 4, map[string]any{"msgid": c.nextID("ev"), "send_time": now.Unix(), "origin": 4,
		"msgtype": "event", "event": ev})
	return code
}

// readKFBody decodes a kf request body (the declaration check has read it
// already, within its own limit).
func readKFBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v) != nil {
		writeError(w, codeBadJSON, "")
		return false
	}
	return true
}

func okJSON(extra map[string]any) map[string]any {
	m := map[string]any{"errcode": 0, "errmsg": "ok"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}
