package wecomtest

import (
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// Transfers (docs 92125, 94088, 95703, 92124, 94081, 94082, 92127). A
// transfer call starts, per customer, a transfer that waits 24 hours on
// the server's clock (status 2); then, unless [Server.RefuseTransfer]
// made the customer refuse (status 3) or the takeover member already has
// as many customers as [Server.SetCustomerLimit] allows (status 4), the
// customer moves from the handover member to the takeover member, with the
// handover member's remark, description and tags (status 1). Due
// transfers are applied whenever a transfer endpoint is called or
// [Server.SettleTransfers] runs.
//
// A member has left when [Server.ResignMember] removed them: their
// customers are unassigned (get_unassigned_list) until transferred with
// the resigned endpoints, which refuse, per customer, a handover member
// still in service with 40097 (该成员尚未离职, the server's reading); the
// in-service endpoints refuse a customer already being transferred with
// 40100 (用户的外部联系人已经在转移流程中, the server's reading), and a
// customer transferred in service twice in the last 90 days (doc 92125:
// 90个自然日内，在职成员的每位客户仅可被转接2次) with 40128, whose entry in
// WeCom's global table names that rule; the server counts the transfers
// done or waiting, not the refused ones or those at a limit. Group
// transfers move the customer groups of [Server.AddCustomerGroup] (the one
// model groupchat/list and groupchat/get answer from) at once: the new
// owner becomes the group's owner and a member of it, and a group whose
// owner left is then 离职继承完成 (status 3). ResignMember makes the groups
// the member owned 离职待继承 (status 1). An unknown group fails with
// 90501, a resigned transfer of a group whose owner is in service with
// 90500 (both from doc 92127/95703's examples), an in-service transfer of
// a group whose owner left with 90500 too (the server's choice).

const (
	transferDelay = 24 * time.Hour
	// transferWindow and transfersInWindow: a customer is transferred in
	// service at most transfersInWindow times in transferWindow.
	transferWindow    = 90 * 24 * time.Hour
	transfersInWindow = 2
)

type transferRec struct {
	handover, takeover, ext string
	resigned                bool
	status                  int
	due                     time.Time
}

// ResignMember removes member userID from corpID's directory as having
// left the corporation now: their customers become unassigned.
func (s *Server) ResignMember(corpID, userID string) {
	s.RemoveMember(corpID, userID)
	now := s.now()
	s.ext.mu.Lock()
	s.opsLocked(corpID).resigned[userID] = now
	s.ext.mu.Unlock()
	c, unlock := s.lockWay(corpID)
	defer unlock()
	for _, g := range c.groups {
		if g.Owner == userID && g.Status == 0 {
			g.Status = 1
		}
	}
}

// SetCustomerLimit sets how many customers member userID may have for a
// transfer to complete (0, the default: no limit).
func (s *Server) SetCustomerLimit(corpID, userID string, n int) {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	s.opsLocked(corpID).limits[userID] = n
}

// RefuseTransfer makes customer externalUserID refuse the transfer that is
// waiting for them, as the customer can in WeChat. It reports whether one
// was waiting.
func (s *Server) RefuseTransfer(corpID, externalUserID string) bool {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	for _, t := range s.opsLocked(corpID).transfers {
		if t.ext == externalUserID && t.status == 2 {
			t.status = 3
			return true
		}
	}
	return false
}

// SettleTransfers applies the transfers of corpID that are due on the
// server's clock.
func (s *Server) SettleTransfers(corpID string) {
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	s.settleLocked(corpID, now)
}

func (s *Server) settleLocked(corpID string, now time.Time) {
	ec, o := s.ext.corpLocked(corpID), s.opsLocked(corpID)
	for _, t := range o.transfers {
		if t.status != 2 || now.Before(t.due) {
			continue
		}
		if n := o.limits[t.takeover]; n > 0 && len(ec.byUser[t.takeover]) >= n {
			t.status = 4
			continue
		}
		ec.moveLocked(t.ext, t.handover, t.takeover)
		t.status = 1
	}
}

// moveLocked moves customer ext from member from to member to.
func (ec *extCorp) moveLocked(ext, from, to string) {
	cu := ec.customers[ext]
	if cu == nil {
		return
	}
	f, ok := cu.unfollow(from)
	if !ok {
		return
	}
	ec.byUser[from] = slices.DeleteFunc(ec.byUser[from], func(x string) bool { return x == ext })
	if len(ec.byUser[from]) == 0 {
		delete(ec.byUser, from)
		ec.users = slices.DeleteFunc(ec.users, func(u string) bool { return u == from })
	}
	f.user = ec.intern(to)
	ec.addFollowLocked(cu, f) // a member who has the customer already keeps their side
}

// handleTransferCustomer serves POST externalcontact/transfer_customer
// and, with resigned, externalcontact/resigned/transfer_customer.
func (s *Server) handleTransferCustomer(resigned bool) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, caller Caller) {
		var b struct {
			HandoverUserID     string   `json:"handover_userid"`
			TakeoverUserID     string   `json:"takeover_userid"`
			ExternalUserID     []string `json:"external_userid"`
			TransferSuccessMsg string   `json:"transfer_success_msg"`
		}
		if !decodeBody(w, r, &b) {
			return
		}
		switch {
		case len(b.ExternalUserID) > 100:
			writeError(w, 40058, "at most 100 customers a call")
			return
		case utf8.RuneCountInString(b.TransferSuccessMsg) > 200:
			writeError(w, 40058, "transfer_success_msg over 200 characters")
			return
		case b.HandoverUserID == b.TakeoverUserID:
			writeError(w, 40058, "handover and takeover are one member")
			return
		}
		now := s.now()
		s.ext.mu.Lock()
		defer s.ext.mu.Unlock()
		s.settleLocked(caller.CorpID, now)
		ec, o := s.ext.corpLocked(caller.CorpID), s.opsLocked(caller.CorpID)
		_, left := o.resigned[b.HandoverUserID]
		if _, takeoverLeft := o.resigned[b.TakeoverUserID]; takeoverLeft {
			writeError(w, 60111, "the takeover member left")
			return
		}
		rows := []map[string]any{}
		for _, x := range b.ExternalUserID {
			code := 0
			switch {
			case ec.customers[x] == nil:
				code = 40096
			case !ec.followsLocked(b.HandoverUserID, x):
				code = 84061
			case resigned && !left:
				code = 40097
			case !resigned && left:
				code = 40097 // the server's choice: use the resigned endpoints
			case slices.ContainsFunc(o.transfers, func(t *transferRec) bool { return t.ext == x && t.handover == b.HandoverUserID && t.status == 2 }):
				code = 40100
			case !resigned && o.recentTransfers(x, now) >= transfersInWindow:
				code = 40128
			}
			if code == 0 {
				o.transfers = append(o.transfers, &transferRec{handover: b.HandoverUserID, takeover: b.TakeoverUserID, ext: x,
					resigned: resigned, status: 2, due: now.Add(transferDelay)})
			}
			rows = append(rows, map[string]any{"external_userid": x, "errcode": code})
		}
		writeOK(w, map[string]any{"customer": rows})
	}
}

// recentTransfers counts the in-service transfers of customer ext started
// in the transferWindow before now, done or waiting.
func (o *opsCorp) recentTransfers(ext string, now time.Time) int {
	n := 0
	for _, t := range o.transfers {
		if t.ext == ext && !t.resigned && (t.status == 1 || t.status == 2) && now.Before(t.due.Add(-transferDelay).Add(transferWindow)) {
			n++
		}
	}
	return n
}

// handleTransferResult serves POST externalcontact/transfer_result and,
// with resigned, externalcontact/resigned/transfer_result: 1000 an answer.
func (s *Server) handleTransferResult(resigned bool) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, caller Caller) {
		var b struct {
			HandoverUserID string `json:"handover_userid"`
			TakeoverUserID string `json:"takeover_userid"`
			Cursor         string `json:"cursor"`
		}
		if !decodeBody(w, r, &b) {
			return
		}
		now := s.now()
		s.ext.mu.Lock()
		defer s.ext.mu.Unlock()
		s.settleLocked(caller.CorpID, now)
		var rows []map[string]any
		for _, t := range s.opsLocked(caller.CorpID).transfers {
			if t.resigned != resigned || t.handover != b.HandoverUserID || t.takeover != b.TakeoverUserID {
				continue
			}
			at := t.due.Unix()
			if t.status == 3 {
				at = 0
			}
			rows = append(rows, map[string]any{"external_userid": t.ext, "status": t.status, "takeover_time": at})
		}
		writePage(w, "customer", rows, b.Cursor, 1000)
	}
}

// handleUnassignedList serves POST externalcontact/get_unassigned_list:
// the customers of members who left, not being transferred.
func (s *Server) handleUnassignedList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Cursor   string `json:"cursor"`
		PageSize int    `json:"page_size"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	s.settleLocked(caller.CorpID, now)
	ec, o := s.ext.corpLocked(caller.CorpID), s.opsLocked(caller.CorpID)
	var left []string
	for u := range o.resigned {
		left = append(left, u)
	}
	slices.Sort(left)
	var rows []map[string]any
	for _, u := range left {
		for _, x := range ec.byUser[u] {
			if slices.ContainsFunc(o.transfers, func(t *transferRec) bool { return t.ext == x && t.handover == u && t.status == 2 }) {
				continue
			}
			rows = append(rows, map[string]any{"handover_userid": u, "external_userid": x, "dimission_time": o.resigned[u].Unix()})
		}
	}
	out, next, ok := page(w, rows, b.Cursor, limitOf(b.PageSize, 1000, 1000))
	if ok {
		writeOK(w, map[string]any{"info": out, "is_last": next == "", "next_cursor": next})
	}
}

// handleChatTransfer serves POST externalcontact/groupchat/onjob_transfer
// and, with resigned, externalcontact/groupchat/transfer.
func (s *Server) handleChatTransfer(resigned bool) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, caller Caller) {
		var b struct {
			ChatIDList []string `json:"chat_id_list"`
			NewOwner   string   `json:"new_owner"`
		}
		if !decodeBody(w, r, &b) {
			return
		}
		if len(b.ChatIDList) > 100 {
			writeError(w, 40058, "chat_id_list: 1 to 100 groups")
			return
		}
		s.ext.mu.Lock() // before the groups' lock, as everywhere
		defer s.ext.mu.Unlock()
		o := s.opsLocked(caller.CorpID)
		c, unlock := s.lockWay(caller.CorpID)
		defer unlock()
		failed := []map[string]any{}
		for _, id := range b.ChatIDList {
			g := c.groups[id]
			owner := ""
			if g != nil {
				owner = g.Owner
			}
			_, left := o.resigned[owner]
			switch {
			case g == nil:
				failed = append(failed, map[string]any{"chat_id": id, "errcode": 90501, "errmsg": "chat is not external group chat"})
			case resigned && !left:
				failed = append(failed, map[string]any{"chat_id": id, "errcode": 90500, "errmsg": "the owner of this chat is not resigned"})
			case !resigned && left:
				failed = append(failed, map[string]any{"chat_id": id, "errcode": 90500, "errmsg": "the owner of this chat is resigned"})
			default:
				g.setOwner(b.NewOwner)
				if resigned {
					g.Status = 3 // 离职继承完成
				}
			}
		}
		writeOK(w, map[string]any{"failed_chat_list": failed})
	}
}
