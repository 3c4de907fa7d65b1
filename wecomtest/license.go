package wecomtest

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
)

// licenses is the server's model of interface licenses (接口许可) and of
// the other provider-level extras (system event URLs, data URLs); guarded by
// Server.mu.
type licenses struct {
	orders     map[string]*licOrder
	jobs       map[string]*renewJob
	codes      map[string]*licCode
	autoActive map[string]bool // corp id → on
	appInfo    map[suiteCorp]AppLicense
	events     map[string]eventTarget // provider corp id → 系统事件接收URL
	dataURLs   map[string]string      // suite id → 数据回调 URL
	seq        int
}

type licOrder struct {
	id, provider, corpID, buyer string
	typ, status                 int
	base, ext                   int
	months, days                int
	newExpire                   int64
	created, paid               time.Time
	codes                       []string     // purchases, once paid
	renew                       []licAccount // renewals
}

type licAccount struct {
	UserID string `json:"userid"`
	Type   int    `json:"type"`
}

type renewJob struct {
	provider, corpID string
	accounts         []licAccount
	submitted        bool
}

// licCode is an activation code.
type licCode struct {
	code, provider, corpID, orderID string
	typ, days                       int
	userID                          string
	status                          int // 1 unbound, 2 bound, 4 pending transfer, 5 merged
	created, activated, expires     time.Time
	mergedInto, mergedFrom          string
}

// eventTarget is a provider's system event URL with its callback settings.
type eventTarget struct{ url, token, key string }

// AppLicense is what get_app_license_info answers for a suite in a
// corporation; see [Server.SetAppLicenseInfo].
type AppLicense struct {
	LicenseStatus        int // 1 checked, 0 not
	TrialStart, TrialEnd time.Time
	LicenseCheckTime     time.Time
}

// Rules WeCom documents for licenses.
const (
	licenseMaxBatch  = 1000                     // docs 97183, 97188, 97189
	licenseMaxPage   = 1000                     // list limits; default 500
	licenseMaxTotal  = 5 * 366 * 24 * time.Hour // stacked codes at most 5 years (701030)
	licenseMaxMonths = 60                       // 1860 days (doc 97182); a renewal at most 60 months
	codeTypeBase     = 1
	codeTypeExt      = 2
)

func (s *Server) addLicenseRoutes() {
	s.lic = licenses{
		orders: map[string]*licOrder{}, jobs: map[string]*renewJob{}, codes: map[string]*licCode{},
		autoActive: map[string]bool{}, appInfo: map[suiteCorp]AppLicense{},
		events: map[string]eventTarget{}, dataURLs: map[string]string{},
	}
	prov := func(h func(http.ResponseWriter, *http.Request, service)) http.HandlerFunc {
		return s.serviceAuthed("provider_access_token", kindProviderToken, h)
	}
	for path, h := range map[string]func(http.ResponseWriter, *http.Request, service){
		"create_new_order":              s.handleCreateNewOrder,
		"create_renew_order_job":        s.handleCreateRenewOrderJob,
		"submit_order_job":              s.handleSubmitOrderJob,
		"list_order":                    s.handleListOrder,
		"get_order":                     s.handleGetOrder,
		"list_order_account":            s.handleListOrderAccount,
		"cancel_order":                  s.handleCancelOrder,
		"active_account":                s.handleActiveAccount,
		"batch_active_account":          s.handleBatchActiveAccount,
		"active_account_by_type":        s.handleActiveAccountByType,
		"get_active_info_by_code":       s.handleGetActiveInfoByCode,
		"batch_get_active_info_by_code": s.handleBatchGetActiveInfoByCode,
		"list_actived_account":          s.handleListActivedAccount,
		"get_active_info_by_user":       s.handleGetActiveInfoByUser,
		"batch_transfer_license":        s.handleBatchTransferLicense,
		"get_auto_active_status":        s.handleGetAutoActiveStatus,
		"set_auto_active_status":        s.handleSetAutoActiveStatus,
		"get_app_license_info":          s.handleGetAppLicenseInfo,
	} {
		s.routes["/cgi-bin/license/"+path] = prov(h)
	}
	s.addIDConvertRoutes()
	s.addQRCodeRoutes()
}

// SetSystemEventURL sets a provider's 系统事件接收URL (服务商管理端 → 应用管理
// → 通用开发参数) with its Token and EncodingAESKey: where the server pushes
// license_pay_success, license_refund and auto_activate, encrypted with the
// provider's corp id as receive id. Point it at a suite's command callback
// with the suite's Token and key (and ProviderCorpID set in the suite's
// Config) to have package suite handle them.
func (s *Server) SetSystemEventURL(providerCorpID, url, token, encodingAESKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lic.events[providerCorpID] = eventTarget{url, token, encodingAESKey}
}

// SetDataURL sets a suite's data callback URL (数据回调), where
// [Server.PushUnlicensed] sends its event.
func (s *Server) SetDataURL(suiteID, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lic.dataURLs[suiteID] = url
}

// SetAppLicenseInfo sets what get_app_license_info answers for suiteID in
// corpID. Until then it answers license_status 1 with no trial and no
// check time, or 0 for a 代开发 (Customized) suite, whose apps WeCom does
// not check (doc 97194).
func (s *Server) SetAppLicenseInfo(corpID, suiteID string, info AppLicense) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lic.appInfo[suiteCorp{suiteID, corpID}] = info
}

// OrderStatus returns an order's order_status (0 unpaid, 1 paid, 2
// cancelled, 5 refunded, 6 refund refused), or -1 for an unknown order.
func (s *Server) OrderStatus(orderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.lic.orders[orderID]; o != nil {
		return o.status
	}
	return -1
}

// ActivationCodes returns every activation code the server issued, sorted:
// for tests that check none reached a log or an error.
func (s *Server) ActivationCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.lic.codes))
	for c := range s.lic.codes {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// PayOrder pays an unpaid order, as the provider does in the admin console
// (https://developer.work.weixin.qq.com/document/path/97182): a purchase
// gets its activation codes (valid for activation, each lasting the
// order's duration once bound), a renewal extends its members' accounts.
// Then, when the provider has a system event URL ([Server.SetSystemEventURL]),
// license_pay_success is pushed there
// (https://developer.work.weixin.qq.com/document/path/97196), signed and
// encrypted; the error reports a failed push (the payment stands).
func (s *Server) PayOrder(ctx context.Context, orderID string) error {
	s.mu.Lock()
	o := s.lic.orders[orderID]
	if o == nil || o.status != 0 {
		s.mu.Unlock()
		return fmt.Errorf("wecomtest: order %q is unknown or not unpaid", orderID)
	}
	now := s.now()
	o.status, o.paid = 1, now
	days := o.months*31 + o.days
	if o.typ == 1 {
		for i := 0; i < o.base+o.ext; i++ {
			typ := codeTypeBase
			if i >= o.base {
				typ = codeTypeExt
			}
			code := "LAC" + randomHex(12)
			s.lic.codes[code] = &licCode{code: code, provider: o.provider, corpID: o.corpID, orderID: o.id, typ: typ, days: days, status: 1, created: now}
			o.codes = append(o.codes, code)
		}
	} else {
		for _, a := range o.renew {
			if c := s.boundCodeLocked(o.provider, o.corpID, a.UserID, a.Type); c != nil {
				if o.newExpire != 0 {
					c.expires = time.Unix(o.newExpire, 0)
				} else {
					c.expires = maxTime(c.expires, now).Add(time.Duration(days) * 24 * time.Hour)
				}
			}
		}
	}
	target, ok := s.lic.events[o.provider]
	msg := newPushXML().str("ServiceCorpId", o.provider).str("InfoType", "license_pay_success").
		str("AuthCorpId", o.corpID).str("OrderId", o.id).str("BuyerUserId", o.buyer).num("TimeStamp", now.Unix()).done()
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return s.pushSealed(ctx, target.url, target.token, target.key, o.provider, msg)
}

// RefundOrder refunds a paid order (get_order then answers order_status 5,
// 退款成功): its unbound codes can no longer be activated. license_refund
// is then pushed to the provider's system event URL, if any, with
// OrderStatus 1 — the push's own code for a granted refund
// (https://developer.work.weixin.qq.com/document/path/95805).
func (s *Server) RefundOrder(ctx context.Context, orderID string) error {
	return s.refund(ctx, orderID, true)
}

// RefuseRefund is WeCom refusing the provider's refund request for a paid
// order: get_order answers order_status 6 (退款被拒绝), the codes stay, and
// license_refund is pushed with OrderStatus 2 (doc 95805).
func (s *Server) RefuseRefund(ctx context.Context, orderID string) error {
	return s.refund(ctx, orderID, false)
}

func (s *Server) refund(ctx context.Context, orderID string, granted bool) error {
	s.mu.Lock()
	o := s.lic.orders[orderID]
	if o == nil || o.status != 1 {
		s.mu.Unlock()
		return fmt.Errorf("wecomtest: order %q is unknown or not paid", orderID)
	}
	pushed := int64(2) // license_refund: 1 退款成功, 2 退款被拒绝
	o.status = 6
	if granted {
		pushed, o.status = 1, 5
		for _, code := range o.codes {
			if c := s.lic.codes[code]; c != nil && c.status == 1 {
				delete(s.lic.codes, code)
			}
		}
	}
	target, ok := s.lic.events[o.provider]
	msg := newPushXML().str("ServiceCorpId", o.provider).str("InfoType", "license_refund").
		str("AuthCorpId", o.corpID).str("OrderId", o.id).num("OrderStatus", pushed).num("TimeStamp", s.now().Unix()).done()
	s.mu.Unlock()
	if !ok {
		return nil
	}
	return s.pushSealed(ctx, target.url, target.token, target.key, o.provider, msg)
}

// VisitApp is member userID of corpID opening the provider's app without
// an active base account. With auto-activation on (set_auto_active_status),
// an unbound base code of the corporation is bound to them and
// auto_activate is pushed to the provider's system event URL (scene 1;
// https://developer.work.weixin.qq.com/document/path/95994); it reports
// whether that happened. Without auto-activation (or without a free code)
// nothing changes: see [Server.PushUnlicensed] for what WeCom does then.
func (s *Server) VisitApp(ctx context.Context, providerCorpID, corpID, userID string) (activated bool, err error) {
	s.mu.Lock()
	now := s.now()
	if !s.lic.autoActive[corpID] || s.activeCodeLocked(providerCorpID, corpID, userID, codeTypeBase, now) != nil {
		s.mu.Unlock()
		return false, nil
	}
	var free *licCode
	for _, c := range s.sortedCodesLocked() {
		if c.provider == providerCorpID && c.corpID == corpID && c.typ == codeTypeBase && c.status == 1 {
			free = c
			break
		}
	}
	if free == nil {
		s.mu.Unlock()
		return false, nil
	}
	prevStatus, prevCode := 1, ""
	if old := s.boundCodeLocked(providerCorpID, corpID, userID, codeTypeBase); old != nil {
		prevStatus, prevCode = 3, old.code
		old.status, old.mergedInto, free.mergedFrom = 5, free.code, old.code
	}
	free.status, free.userID, free.activated = 2, userID, now
	free.expires = now.Add(time.Duration(free.days) * 24 * time.Hour)
	p := newPushXML().str("ServiceCorpId", providerCorpID).str("InfoType", "auto_activate").
		str("AuthCorpId", corpID).num("Scene", 1).num("TimeStamp", now.Unix())
	p.b.WriteString("<AccountList>")
	p.str("ActiveCode", free.code).num("Type", codeTypeBase).num("ExpireTime", free.expires.Unix()).
		str("UserId", userID).num("PreviousStatus", int64(prevStatus))
	if prevCode != "" {
		p.str("PreviousActiveCode", prevCode)
	}
	p.b.WriteString("</AccountList>")
	msg := p.done()
	target, ok := s.lic.events[providerCorpID]
	s.mu.Unlock()
	if !ok {
		return true, nil
	}
	return true, s.pushSealed(ctx, target.url, target.token, target.key, providerCorpID, msg)
}

// PushUnlicensed pushes unlicensed_notify for member userID of corpID to
// suiteID's data callback URL ([Server.SetDataURL]), as WeCom does when a
// member without a valid license opens the app
// (https://developer.work.weixin.qq.com/document/path/95716): an event
// (MsgType event) encrypted with the corporation's corp id as receive id,
// carrying the app's AgentID.
func (s *Server) PushUnlicensed(ctx context.Context, suiteID, corpID, userID string) error {
	s.mu.Lock()
	st := s.tp.suites[suiteID]
	dest := s.lic.dataURLs[suiteID]
	var agent int64
	if a := s.tp.auths[suiteCorp{suiteID, corpID}]; a != nil {
		agent = a.agentID
	}
	now := s.now()
	s.mu.Unlock()
	if st == nil || dest == "" {
		return fmt.Errorf("wecomtest: suite %q is unknown or has no data URL", suiteID)
	}
	msg := newPushXML().str("ToUserName", corpID).str("FromUserName", userID).num("CreateTime", now.Unix()).
		str("MsgType", "event").str("Event", "unlicensed_notify").num("AgentID", agent).done()
	return s.pushSealed(ctx, dest, st.Token, st.EncodingAESKey, corpID, msg)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (s *Server) nextIDLocked(prefix string) string {
	s.lic.seq++
	return fmt.Sprintf("%s%08d", prefix, s.lic.seq)
}

func (s *Server) sortedCodesLocked() []*licCode {
	out := make([]*licCode, 0, len(s.lic.codes))
	for _, c := range s.lic.codes {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out
}

// boundCodeLocked is the code of the given type bound to a member (expired
// or not), or nil.
func (s *Server) boundCodeLocked(provider, corpID, userID string, typ int) *licCode {
	for _, c := range s.lic.codes {
		if c.provider == provider && c.corpID == corpID && c.userID == userID && c.typ == typ && (c.status == 2 || c.status == 4) {
			return c
		}
	}
	return nil
}

// activeCodeLocked is the unexpired bound code of the given type, or nil.
func (s *Server) activeCodeLocked(provider, corpID, userID string, typ int, now time.Time) *licCode {
	if c := s.boundCodeLocked(provider, corpID, userID, typ); c != nil && now.Before(c.expires) {
		return c
	}
	return nil
}

// statusAt is the code's status on the server's clock: a bound code
// past its expiry is 3.
func (c *licCode) statusAt(now time.Time) int {
	if (c.status == 2 || c.status == 4) && !now.Before(c.expires) {
		return 3
	}
	return c.status
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// pageOf returns the slice of n items a cursor and limit select, and the
// next cursor ("" when done).
func pageOf(n int, cursor string, limit int) (from, to int, next string, ok bool) {
	if limit <= 0 {
		limit = 500
	}
	if limit > licenseMaxPage {
		return 0, 0, "", false
	}
	if cursor != "" {
		v, err := strconv.Atoi(cursor)
		if err != nil || v < 0 || v > n {
			return 0, 0, "", false
		}
		from = v
	}
	to = min(from+limit, n)
	if to < n {
		next = strconv.Itoa(to)
	}
	return from, to, next, true
}

func hasMore(next string) int {
	if next != "" {
		return 1
	}
	return 0
}

func (s *Server) handleCreateNewOrder(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID       string `json:"corpid"`
		BuyerUserID  string `json:"buyer_userid"`
		AccountCount struct {
			Base int `json:"base_count"`
			Ext  int `json:"external_contact_count"`
		} `json:"account_count"`
		AccountDuration struct {
			Months int `json:"months"`
			Days   int `json:"days"`
		} `json:"account_duration"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	a, d := body.AccountCount, body.AccountDuration
	total := d.Months*31 + d.Days
	switch {
	case body.CorpID == "" || body.BuyerUserID == "":
		writeError(w, 40058, "corpid and buyer_userid are required")
		return
	case a.Base < 0 || a.Ext < 0 || a.Base+a.Ext == 0 || a.Base > 1000000 || a.Ext > 1000000:
		writeError(w, 40058, "invalid account_count")
		return
	case total < 31 || total > 1860:
		writeError(w, 40058, "invalid account_duration")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &licOrder{id: s.nextIDLocked("OR"), provider: who.providerID, corpID: body.CorpID, buyer: body.BuyerUserID,
		typ: 1, base: a.Base, ext: a.Ext, months: d.Months, days: d.Days, created: s.now()}
	s.lic.orders[o.id] = o
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "order_id": o.id})
}

func (s *Server) handleCreateRenewOrderJob(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID      string       `json:"corpid"`
		AccountList []licAccount `json:"account_list"`
		JobID       string       `json:"jobid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || len(body.AccountList) == 0 || len(body.AccountList) > licenseMaxBatch {
		writeError(w, 40058, "corpid and 1 to 1000 accounts are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	job := s.lic.jobs[body.JobID]
	if body.JobID == "" {
		body.JobID = s.nextIDLocked("JB")
		job = &renewJob{provider: who.providerID, corpID: body.CorpID}
		s.lic.jobs[body.JobID] = job
	}
	if job == nil || job.provider != who.providerID || job.corpID != body.CorpID || job.submitted {
		writeError(w, 40058, "invalid jobid")
		return
	}
	invalid := []map[string]any{}
	for _, a := range body.AccountList {
		if s.boundCodeLocked(who.providerID, body.CorpID, a.UserID, a.Type) == nil {
			invalid = append(invalid, map[string]any{"errcode": 40058, "errmsg": "no activated account of this type", "userid": a.UserID, "type": a.Type})
			continue
		}
		job.accounts = append(job.accounts, a)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "jobid": body.JobID, "invalid_account_list": invalid})
}

// handleSubmitOrderJob serves submit_order_job
// (https://developer.work.weixin.qq.com/document/path/97183): a renewal
// names account_duration.months (1 to 60) or new_expire_time (in the
// future), never days — anything else gets 40058 (the server's choice of
// errcode).
func (s *Server) handleSubmitOrderJob(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		JobID           string `json:"jobid"`
		BuyerUserID     string `json:"buyer_userid"`
		AccountDuration struct {
			Months        int   `json:"months"`
			Days          int   `json:"days"`
			NewExpireTime int64 `json:"new_expire_time"`
		} `json:"account_duration"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	d := body.AccountDuration
	s.mu.Lock()
	defer s.mu.Unlock()
	job := s.lic.jobs[body.JobID]
	switch {
	case job == nil || job.provider != who.providerID || job.submitted || len(job.accounts) == 0:
		writeError(w, 40058, "invalid jobid")
		return
	case body.BuyerUserID == "":
		writeError(w, 40058, "buyer_userid is required")
		return
	case d.Days != 0:
		// A renewal names months or new_expire_time; get_order reports days
		// only for purchases (doc 97185).
		writeError(w, 40058, "invalid account_duration: a renewal takes months or new_expire_time, not days")
		return
	case d.NewExpireTime == 0 && (d.Months < 1 || d.Months > licenseMaxMonths), d.NewExpireTime != 0 && (d.Months != 0 || d.NewExpireTime <= s.now().Unix()):
		writeError(w, 40058, "invalid account_duration")
		return
	}
	job.submitted = true
	o := &licOrder{id: s.nextIDLocked("OR"), provider: who.providerID, corpID: job.corpID, buyer: body.BuyerUserID,
		typ: 2, months: d.Months, days: d.Days, newExpire: d.NewExpireTime, created: s.now(), renew: job.accounts}
	for _, a := range job.accounts {
		if a.Type == codeTypeBase {
			o.base++
		} else {
			o.ext++
		}
	}
	s.lic.orders[o.id] = o
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "order_id": o.id})
}

func (s *Server) handleListOrder(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID    string `json:"corpid"`
		StartTime int64  `json:"start_time"`
		EndTime   int64  `json:"end_time"`
		Cursor    string `json:"cursor"`
		Limit     int    `json:"limit"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if (body.StartTime == 0) != (body.EndTime == 0) || body.EndTime-body.StartTime > 31*86400 || body.EndTime < body.StartTime {
		writeError(w, 40058, "invalid start_time or end_time")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*licOrder
	for _, o := range s.lic.orders {
		if o.provider != who.providerID || (body.CorpID != "" && o.corpID != body.CorpID) {
			continue
		}
		if body.StartTime != 0 && (o.created.Unix() < body.StartTime || o.created.Unix() >= body.EndTime) {
			continue
		}
		list = append(list, o)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
	from, to, next, ok := pageOf(len(list), body.Cursor, body.Limit)
	if !ok {
		writeError(w, 40058, "invalid cursor or limit")
		return
	}
	out := []map[string]any{}
	for _, o := range list[from:to] {
		out = append(out, map[string]any{"order_id": o.id, "order_type": o.typ})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "next_cursor": next, "has_more": hasMore(next), "order_list": out})
}

func (s *Server) orderLocked(w http.ResponseWriter, who service, id string) *licOrder {
	o := s.lic.orders[id]
	if o == nil || o.provider != who.providerID {
		writeError(w, 40058, "invalid order_id")
		return nil
	}
	return o
}

func (s *Server) handleGetOrder(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		OrderID string `json:"order_id"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderLocked(w, who, body.OrderID)
	if o == nil {
		return
	}
	dur := map[string]any{}
	if o.months != 0 {
		dur["months"] = o.months
	}
	if o.days != 0 {
		dur["days"] = o.days
	}
	if o.newExpire != 0 {
		dur["new_expire_time"] = o.newExpire
	}
	price := int64(o.base*50+o.ext*150) * int64(max(o.months*31+o.days, 31)) / 31 * 100
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "order": map[string]any{
		"order_id": o.id, "order_type": o.typ, "order_status": o.status, "corpid": o.corpID, "price": price,
		"account_count":    map[string]any{"base_count": o.base, "external_contact_count": o.ext},
		"account_duration": dur, "create_time": o.created.Unix(), "pay_time": unixOrZero(o.paid),
	}})
}

func (s *Server) handleListOrderAccount(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		OrderID string `json:"order_id"`
		Cursor  string `json:"cursor"`
		Limit   int    `json:"limit"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderLocked(w, who, body.OrderID)
	if o == nil {
		return
	}
	var all []map[string]any
	if o.typ == 1 {
		for _, code := range o.codes {
			if c := s.lic.codes[code]; c != nil {
				all = append(all, map[string]any{"active_code": c.code, "type": c.typ})
			}
		}
	} else if o.status == 1 || o.status == 6 { // paid, or paid with its refund refused
		for _, a := range o.renew {
			all = append(all, map[string]any{"userid": a.UserID, "type": a.Type})
		}
	}
	from, to, next, ok := pageOf(len(all), body.Cursor, body.Limit)
	if !ok {
		writeError(w, 40058, "invalid cursor or limit")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "next_cursor": next, "has_more": hasMore(next), "account_list": append([]map[string]any{}, all[from:to]...)})
}

func (s *Server) handleCancelOrder(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		OrderID string `json:"order_id"`
		CorpID  string `json:"corpid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orderLocked(w, who, body.OrderID)
	if o == nil {
		return
	}
	if o.corpID != body.CorpID || o.status != 0 {
		writeError(w, 40058, "only an unpaid order of that corpid can be cancelled")
		return
	}
	o.status = 2
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// activateLocked binds code to userID and reports WeCom's errcode (0 on
// success).
func (s *Server) activateLocked(provider, corpID, code, userID string) (int, string) {
	c := s.lic.codes[code]
	now := s.now()
	switch {
	case userID == "":
		return 40058, "userid is required"
	case c == nil || c.provider != provider || c.corpID != corpID:
		return 40058, "invalid active_code"
	case c.status != 1:
		return 40058, "active_code already used"
	}
	d := time.Duration(c.days) * 24 * time.Hour
	expires := now.Add(d)
	old := s.boundCodeLocked(provider, corpID, userID, c.typ)
	if old != nil && now.Before(old.expires) {
		expires = old.expires.Add(d)
		if expires.Sub(now) > licenseMaxTotal {
			return 701030, "active codes stacked beyond 5 years"
		}
	}
	if old != nil {
		old.status, old.mergedInto, c.mergedFrom = 5, c.code, old.code
		if now.Before(old.expires) {
			old.expires = now
		}
	}
	c.status, c.userID, c.activated, c.expires = 2, userID, now, expires
	return 0, ""
}

func (s *Server) handleActiveAccount(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		ActiveCode string `json:"active_code"`
		CorpID     string `json:"corpid"`
		UserID     string `json:"userid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, msg := s.activateLocked(who.providerID, body.CorpID, body.ActiveCode, body.UserID); code != 0 {
		writeError(w, code, msg)
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleActiveAccountByType serves active_account_by_type
// (https://developer.work.weixin.qq.com/document/path/97188, 指定账号类型激活):
// the member must hold no unexpired account of the type; WeCom then binds
// the corporation's unbound code of that type with the earliest activation
// deadline. Codes here have no deadline of their own, so the server takes
// the earliest created (then the smallest code) — the same order if every
// code's deadline is a fixed time after its purchase. A member still
// active, a missing field or no free code gets 40058 (the server's choice
// of errcode).
func (s *Server) handleActiveAccountByType(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		Type   int    `json:"type"`
		CorpID string `json:"corpid"`
		UserID string `json:"userid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || body.UserID == "" || (body.Type != codeTypeBase && body.Type != codeTypeExt) {
		writeError(w, 40058, "corpid, userid and type 1 or 2 are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.activeCodeLocked(who.providerID, body.CorpID, body.UserID, body.Type, s.now()) != nil {
		writeError(w, 40058, "the member holds an unexpired account of this type")
		return
	}
	var free *licCode
	for _, c := range s.sortedCodesLocked() {
		if c.provider == who.providerID && c.corpID == body.CorpID && c.typ == body.Type && c.status == 1 &&
			(free == nil || c.created.Before(free.created)) {
			free = c
		}
	}
	if free == nil {
		writeError(w, 40058, "no unbound active_code of this type")
		return
	}
	if code, msg := s.activateLocked(who.providerID, body.CorpID, free.code, body.UserID); code != 0 {
		writeError(w, code, msg)
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

func (s *Server) handleBatchActiveAccount(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID     string `json:"corpid"`
		ActiveList []struct {
			ActiveCode string `json:"active_code"`
			UserID     string `json:"userid"`
		} `json:"active_list"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || len(body.ActiveList) == 0 || len(body.ActiveList) > licenseMaxBatch {
		writeError(w, 40058, "corpid and 1 to 1000 entries are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, a := range body.ActiveList {
		code, _ := s.activateLocked(who.providerID, body.CorpID, a.ActiveCode, a.UserID)
		out = append(out, map[string]any{"active_code": a.ActiveCode, "userid": a.UserID, "errcode": code})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "active_result": out})
}

func (s *Server) codeInfoLocked(c *licCode) map[string]any {
	info := map[string]any{"active_code": c.code, "type": c.typ, "status": c.statusAt(s.now()), "create_time": c.created.Unix()}
	if c.userID != "" {
		info["userid"], info["active_time"], info["expire_time"] = c.userID, unixOrZero(c.activated), unixOrZero(c.expires)
	}
	if c.mergedInto != "" || c.mergedFrom != "" {
		info["merge_info"] = map[string]any{"to_active_code": c.mergedInto, "from_active_code": c.mergedFrom}
	}
	return info
}

func (s *Server) handleGetActiveInfoByCode(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID     string `json:"corpid"`
		ActiveCode string `json:"active_code"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lic.codes[body.ActiveCode]
	if c == nil || c.provider != who.providerID || c.corpID != body.CorpID {
		writeError(w, 40058, "invalid active_code")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "active_info": s.codeInfoLocked(c)})
}

func (s *Server) handleBatchGetActiveInfoByCode(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID string   `json:"corpid"`
		Codes  []string `json:"active_code_list"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || len(body.Codes) == 0 || len(body.Codes) > licenseMaxBatch {
		writeError(w, 40058, "corpid and 1 to 1000 codes are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	infos, invalid := []map[string]any{}, []string{}
	for _, code := range body.Codes {
		if c := s.lic.codes[code]; c != nil && c.provider == who.providerID && c.corpID == body.CorpID {
			infos = append(infos, s.codeInfoLocked(c))
		} else {
			invalid = append(invalid, code)
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "active_info_list": infos, "invalid_active_code_list": invalid})
}

func (s *Server) handleListActivedAccount(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID string `json:"corpid"`
		Cursor string `json:"cursor"`
		Limit  int    `json:"limit"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" {
		writeError(w, 40058, "corpid is required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*licCode
	for _, c := range s.lic.codes {
		if c.provider == who.providerID && c.corpID == body.CorpID && (c.status == 2 || c.status == 4) {
			list = append(list, c)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].userID != list[j].userID {
			return list[i].userID < list[j].userID
		}
		return list[i].typ < list[j].typ
	})
	from, to, next, ok := pageOf(len(list), body.Cursor, body.Limit)
	if !ok {
		writeError(w, 40058, "invalid cursor or limit")
		return
	}
	out := []map[string]any{}
	for _, c := range list[from:to] {
		out = append(out, map[string]any{"userid": c.userID, "type": c.typ, "active_time": c.activated.Unix(), "expire_time": c.expires.Unix()})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "next_cursor": next, "has_more": hasMore(next), "account_list": out})
}

func (s *Server) handleGetActiveInfoByUser(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID string `json:"corpid"`
		UserID string `json:"userid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || body.UserID == "" {
		writeError(w, 40058, "corpid and userid are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	status, list := 0, []map[string]any{}
	for _, typ := range []int{codeTypeBase, codeTypeExt} {
		c := s.boundCodeLocked(who.providerID, body.CorpID, body.UserID, typ)
		if c == nil {
			continue
		}
		if now.Before(c.expires) {
			status = 1
		}
		list = append(list, map[string]any{"active_code": c.code, "type": c.typ, "userid": c.userID, "active_time": c.activated.Unix(), "expire_time": c.expires.Unix()})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "active_status": status, "active_info_list": list})
}

// transferOverlap is how long a successor's own account of a kind may still
// run for batch_transfer_license to hand them another of that kind (doc
// 97192: 如果接收成员许可剩余时长小于等于20天则可以成功继承); theirs then
// ends, marked merged (status 5) — the server's reading of what becomes of
// it, which the page does not say.
const transferOverlap = 20 * 24 * time.Hour

func (s *Server) handleBatchTransferLicense(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		CorpID       string `json:"corpid"`
		TransferList []struct {
			Handover string `json:"handover_userid"`
			Takeover string `json:"takeover_userid"`
		} `json:"transfer_list"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || len(body.TransferList) == 0 || len(body.TransferList) > licenseMaxBatch {
		writeError(w, 40058, "corpid and 1 to 1000 transfers are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	out := []map[string]any{}
	for _, t := range body.TransferList {
		code := 0
		var moving []*licCode
		var replaced [][2]*licCode // the successor's own account, the one replacing it
		for _, typ := range []int{codeTypeBase, codeTypeExt} {
			c := s.activeCodeLocked(who.providerID, body.CorpID, t.Handover, typ, now)
			if c == nil {
				continue
			}
			if old := s.activeCodeLocked(who.providerID, body.CorpID, t.Takeover, typ, now); old != nil {
				if old.expires.Sub(now) > transferOverlap {
					code = 40058 // the successor's own account has too long to run
				}
				replaced = append(replaced, [2]*licCode{old, c})
			}
			moving = append(moving, c)
		}
		if len(moving) == 0 || t.Takeover == "" || t.Takeover == t.Handover {
			code = 40058
		}
		if code == 0 {
			for _, r := range replaced {
				old, c := r[0], r[1]
				old.status, old.expires, old.mergedInto, c.mergedFrom = 5, now, c.code, old.code
			}
			for _, c := range moving {
				c.userID, c.status = t.Takeover, 2
			}
		}
		out = append(out, map[string]any{"handover_userid": t.Handover, "takeover_userid": t.Takeover, "errcode": code})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "transfer_result": out})
}

func (s *Server) handleGetAutoActiveStatus(w http.ResponseWriter, r *http.Request, _ service) {
	var body struct {
		CorpID string `json:"corpid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	status := 0
	if s.lic.autoActive[body.CorpID] {
		status = 1
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "auto_active_status": status})
}

func (s *Server) handleSetAutoActiveStatus(w http.ResponseWriter, r *http.Request, _ service) {
	var body struct {
		CorpID string `json:"corpid"`
		Status *int   `json:"auto_active_status"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CorpID == "" || body.Status == nil || (*body.Status != 0 && *body.Status != 1) {
		writeError(w, 40058, "corpid and auto_active_status 0 or 1 are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lic.autoActive[body.CorpID] = *body.Status == 1
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

func (s *Server) handleGetAppLicenseInfo(w http.ResponseWriter, r *http.Request, _ service) {
	var body struct {
		CorpID  string `json:"corpid"`
		SuiteID string `json:"suite_id"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := suiteCorp{body.SuiteID, body.CorpID}
	if a := s.tp.auths[key]; a == nil || a.permanentCode == "" {
		writeError(w, 40058, "the corp has not installed the app")
		return
	}
	info, ok := s.lic.appInfo[key]
	if !ok {
		info = AppLicense{LicenseStatus: 1}
		if st := s.tp.suites[body.SuiteID]; st != nil && st.Customized {
			info.LicenseStatus = 0 // 代开发 apps are not checked (doc 97194)
		}
	}
	out := map[string]any{"errcode": 0, "errmsg": "ok", "license_status": info.LicenseStatus, "license_check_time": unixOrZero(info.LicenseCheckTime)}
	if info.LicenseStatus == 1 && !info.TrialEnd.IsZero() {
		out["trail_info"] = map[string]any{"start_time": unixOrZero(info.TrialStart), "end_time": info.TrialEnd.Unix()}
	}
	writeJSON(w, out)
}
