package wecomtest

import (
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Contact way limits (doc 92228): remark and state at most 30 characters;
// a contact way's members at most 100 (as SDKs quote the page); list_contact_way
// answers at most 1000 config_ids (limit, default 100).
const (
	wayTextMax     = 30
	wayUsersMax    = 100
	wayListMax     = 1000
	wayListDefault = 100
	tempMaxSeconds = 14 * 24 * 3600 // a temporary chat's code and chat live at most 14 days
)

// TempChat is a temporary chat ended with close_temp_chat.
type TempChat struct {
	UserID, ExternalUserID string
	Closed                 time.Time
}

// ContactWay returns the contact way configID of corpID as the fake holds
// it: what add_contact_way and update_contact_way set, with its qr_code.
func (s *Server) ContactWay(corpID, configID string) (externalcontact.ContactWay, bool) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	cw := c.ways[configID]
	if cw == nil {
		return externalcontact.ContactWay{}, false
	}
	return cloneContactWay(cw), true
}

// AddCustomerThroughContactWay makes c a customer who added a member
// through the contact way configID, as when they scan its QR code: the
// members take turns (the first, the second, …), and the member's side
// carries the way's state, so externalcontact/get answers it. It returns
// the member's userid, or false when corpID has no such contact way or it
// has no members (only departments, which the fake does not expand).
func (s *Server) AddCustomerThroughContactWay(corpID, configID string, c Customer) (string, bool) {
	w, unlock := s.lockWay(corpID)
	cw := w.ways[configID]
	if cw == nil || len(cw.User) == 0 {
		unlock()
		return "", false
	}
	user := cw.User[w.wayTurns[configID]%len(cw.User)]
	w.wayTurns[configID]++
	c.State = cw.State
	if c.AddWay == 0 && cw.Scene == externalcontact.SceneQRCode {
		c.AddWay = 1 // 扫描二维码
	}
	unlock()
	s.AddCustomer(corpID, user, c)
	return user, true
}

// ClosedTempChats returns the temporary chats corpID ended, in order.
func (s *Server) ClosedTempChats(corpID string) []TempChat {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	return slices.Clone(c.closed)
}

func cloneContactWay(cw *externalcontact.ContactWay) externalcontact.ContactWay {
	out := *cw
	out.User, out.Party = slices.Clone(cw.User), slices.Clone(cw.Party)
	if cw.Conclusions != nil {
		cc := *cw.Conclusions
		out.Conclusions = &cc
	}
	return out
}

// checkWayMembers answers the errcode for a contact way's members, or 0.
func checkWayMembers(typ int, users []string, party []int64, isTemp bool) (int, string) {
	switch {
	case len(users) > wayUsersMax:
		return 40032, "too many users"
	case typ == externalcontact.ContactWaySingle && len(users) != 1:
		return 40031, "a single-member contact way takes one userid"
	case typ == externalcontact.ContactWaySingle && len(party) > 0:
		return 40058, "party is for multi-member contact ways"
	case typ == externalcontact.ContactWayMulti && len(users)+len(party) == 0:
		return 40031, "no users or departments"
	case isTemp && typ != externalcontact.ContactWaySingle:
		return 40058, "a temporary chat is for one member"
	case slices.Contains(users, ""):
		return 40031, "an empty userid"
	}
	return 0, ""
}

func tooLong(s string) bool { return utf8.RuneCountInString(s) > wayTextMax }

// handleAddContactWay serves POST externalcontact/add_contact_way.
func (s *Server) handleAddContactWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b externalcontact.ContactWayConfig
	if !decodeBody(w, r, &b) {
		return
	}
	if b.Type != externalcontact.ContactWaySingle && b.Type != externalcontact.ContactWayMulti {
		writeError(w, 41037, "missing contact way type")
		return
	}
	if b.Scene != externalcontact.SceneMiniProgram && b.Scene != externalcontact.SceneQRCode {
		writeError(w, 40058, "scene: 1 or 2")
		return
	}
	if code, msg := checkWayMembers(b.Type, b.User, b.Party, b.IsTemp); code != 0 {
		writeError(w, code, msg)
		return
	}
	if tooLong(b.Remark) || tooLong(b.State) {
		writeError(w, 40058, "remark and state: at most 30 characters")
		return
	}
	if b.ExpiresIn < 0 || b.ExpiresIn > tempMaxSeconds || b.ChatExpiresIn < 0 || b.ChatExpiresIn > tempMaxSeconds {
		writeError(w, 40058, "expires_in and chat_expires_in: at most 14 days")
		return
	}
	now := s.now()
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	id := c.nextID("cw")
	cw := &externalcontact.ContactWay{ConfigID: id, Type: b.Type, Scene: b.Scene, Style: b.Style, Remark: b.Remark,
		SkipVerify: b.SkipVerify == nil || *b.SkipVerify, State: b.State, User: slices.Clone(b.User),
		Party: slices.Clone(b.Party), IsTemp: b.IsTemp, ExpiresIn: b.ExpiresIn, ChatExpiresIn: b.ChatExpiresIn,
		UnionID: b.UnionID, IsExclusive: b.IsExclusive, MarkSource: b.MarkSource, Conclusions: b.Conclusions}
	if b.IsTemp && cw.ExpiresIn == 0 {
		cw.ExpiresIn = 7 * 24 * 3600 // WeCom's default: 7 days
	}
	if b.IsTemp && cw.ChatExpiresIn == 0 {
		cw.ChatExpiresIn = 24 * 3600 // WeCom's default: 24 hours
	}
	if b.Scene == externalcontact.SceneQRCode {
		cw.QRCode = s.URL + "/wecomtest/qr/contact_way/" + id
	}
	c.ways[id], c.wayTimes[id] = cw, now
	c.wayOrder = append(c.wayOrder, id)
	extra := map[string]any{"config_id": id}
	if cw.QRCode != "" {
		extra["qr_code"] = cw.QRCode
	}
	writeOK(w, extra)
}

// handleGetContactWay serves POST externalcontact/get_contact_way.
func (s *Server) handleGetContactWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ConfigID string `json:"config_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	cw := c.ways[b.ConfigID]
	if cw == nil {
		writeError(w, 40058, "invalid config_id")
		return
	}
	writeOK(w, map[string]any{"contact_way": cloneContactWay(cw)})
}

// handleListContactWay serves POST externalcontact/list_contact_way: the
// contact ways created in [start_time, end_time] (default: the last 90
// days), oldest first.
func (s *Server) handleListContactWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		StartTime int64  `json:"start_time"`
		EndTime   int64  `json:"end_time"`
		Cursor    string `json:"cursor"`
		Limit     int    `json:"limit"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	limit, off, ok := listWindow(w, b.Limit, wayListMax, wayListDefault, b.Cursor)
	if !ok {
		return
	}
	now := s.now()
	start, end := now.Add(-90*24*time.Hour), now
	if b.StartTime != 0 {
		start = time.Unix(b.StartTime, 0)
	}
	if b.EndTime != 0 {
		end = time.Unix(b.EndTime, 0)
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	var ids []string
	for _, id := range c.wayOrder {
		if t := c.wayTimes[id]; !t.Before(start) && !t.After(end) {
			ids = append(ids, id)
		}
	}
	stop := min(off+limit, len(ids))
	rows := []map[string]string{}
	for _, id := range ids[min(off, stop):stop] {
		rows = append(rows, map[string]string{"config_id": id})
	}
	writeOK(w, map[string]any{"contact_way": rows, "next_cursor": wayCursor(stop, len(ids))})
}

// handleUpdateContactWay serves POST externalcontact/update_contact_way:
// the fields sent replace the stored ones.
func (s *Server) handleUpdateContactWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ConfigID      string                       `json:"config_id"`
		Remark        *string                      `json:"remark"`
		SkipVerify    *bool                        `json:"skip_verify"`
		Style         int                          `json:"style"`
		State         *string                      `json:"state"`
		User          []string                     `json:"user"`
		Party         []int64                      `json:"party"`
		ExpiresIn     int                          `json:"expires_in"`
		ChatExpiresIn int                          `json:"chat_expires_in"`
		UnionID       string                       `json:"unionid"`
		MarkSource    *bool                        `json:"mark_source"`
		Conclusions   *externalcontact.Conclusions `json:"conclusions"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	cw := c.ways[b.ConfigID]
	if cw == nil {
		writeError(w, 40058, "invalid config_id")
		return
	}
	users, party := cw.User, cw.Party
	if b.User != nil {
		users = b.User
	}
	if b.Party != nil {
		party = b.Party
	}
	if code, msg := checkWayMembers(cw.Type, users, party, cw.IsTemp); code != 0 {
		writeError(w, code, msg)
		return
	}
	if (b.Remark != nil && tooLong(*b.Remark)) || (b.State != nil && tooLong(*b.State)) {
		writeError(w, 40058, "remark and state: at most 30 characters")
		return
	}
	cw.User, cw.Party = slices.Clone(users), slices.Clone(party)
	if b.Remark != nil {
		cw.Remark = *b.Remark
	}
	if b.SkipVerify != nil {
		cw.SkipVerify = *b.SkipVerify
	}
	if b.Style != 0 {
		cw.Style = b.Style
	}
	if b.State != nil {
		cw.State = *b.State
	}
	if b.ExpiresIn != 0 {
		cw.ExpiresIn = b.ExpiresIn
	}
	if b.ChatExpiresIn != 0 {
		cw.ChatExpiresIn = b.ChatExpiresIn
	}
	if b.UnionID != "" {
		cw.UnionID = b.UnionID
	}
	if b.MarkSource != nil {
		cw.MarkSource = *b.MarkSource
	}
	if b.Conclusions != nil {
		cw.Conclusions = b.Conclusions
	}
	writeOK(w, nil)
}

// handleDelContactWay serves POST externalcontact/del_contact_way.
func (s *Server) handleDelContactWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ConfigID string `json:"config_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	if c.ways[b.ConfigID] == nil {
		writeError(w, 40058, "invalid config_id")
		return
	}
	delete(c.ways, b.ConfigID)
	delete(c.wayTimes, b.ConfigID)
	c.wayOrder = slices.DeleteFunc(c.wayOrder, func(id string) bool { return id == b.ConfigID })
	writeOK(w, nil)
}

// handleCloseTempChat serves POST externalcontact/close_temp_chat: the
// member must have the customer (84061, 40096 as in the first slice).
func (s *Server) handleCloseTempChat(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID         string `json:"userid"`
		ExternalUserID string `json:"external_userid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	e := s.ext
	e.mu.Lock()
	f := e.corpLocked(caller.CorpID).followLocked(w, b.UserID, b.ExternalUserID)
	e.mu.Unlock()
	if f == nil {
		return
	}
	now := s.now()
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	c.closed = append(c.closed, TempChat{UserID: b.UserID, ExternalUserID: b.ExternalUserID, Closed: now})
	writeOK(w, nil)
}
