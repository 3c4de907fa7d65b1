package wecomtest

import (
	"net/http"
	"slices"
	"time"
)

// SetKFUpgradeConfig sets the members, departments and group chats
// kf/customer/get_upgrade_service_config answers (set in WeCom's admin
// console); upgrade_service takes only these.
func (s *Server) SetKFUpgradeConfig(corpID string, cfg KFUpgradeConfig) {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	k.corpLocked(corpID).upgrade = cfg
}

// KFUpgradeOf returns the recommendation made to a customer of a kf
// account, if any.
func (s *Server) KFUpgradeOf(corpID, openKfID, externalUserID string) (KFUpgrade, bool) {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	u, ok := k.corpLocked(corpID).upgrades[openKfID+"/"+externalUserID]
	return u, ok
}

// handleKFCustomers serves kf/customer/batchget (doc 95159): 1 to 100
// external userids; those of customers who never wrote or entered are
// listed as invalid.
func (s *Server) handleKFCustomers(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ExternalUserIDList      []string `json:"external_userid_list"`
		NeedEnterSessionContext int      `json:"need_enter_session_context"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	if len(b.ExternalUserIDList) == 0 || len(b.ExternalUserIDList) > 100 {
		writeError(w, codeInvalidParameter, "external_userid_list: 1 to 100")
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	list, invalid := []map[string]any{}, []string{}
	for _, id := range b.ExternalUserIDList {
		cu := c.customers[id]
		if cu == nil {
			invalid = append(invalid, id)
			continue
		}
		m := map[string]any{"external_userid": id, "nickname": cu.nickname, "avatar": "http://wx.qlogo.cn/wecomtest/" + id, "gender": 0}
		if b.NeedEnterSessionContext == 1 && cu.entered {
			m["enter_session_context"] = map[string]any{"scene": cu.scene, "scene_param": cu.sceneParam}
		}
		list = append(list, m)
	}
	writeJSON(w, okJSON(map[string]any{"customer_list": list, "invalid_external_userid": invalid}))
}

// handleKFUpgradeConfig serves GET kf/customer/get_upgrade_service_config
// (doc 94674).
func (s *Server) handleKFUpgradeConfig(w http.ResponseWriter, _ *http.Request, caller Caller) {
	k := &s.kf
	k.mu.Lock()
	cfg := k.corpLocked(caller.CorpID).upgrade
	k.mu.Unlock()
	orEmpty := func(v []string) []string {
		if v == nil {
			return []string{}
		}
		return v
	}
	deps := cfg.DepartmentIDs
	if deps == nil {
		deps = []int64{}
	}
	writeJSON(w, okJSON(map[string]any{
		"member_range":    map[string]any{"userid_list": orEmpty(cfg.UserIDs), "department_id_list": deps},
		"groupchat_range": map[string]any{"chat_id_list": orEmpty(cfg.ChatIDs)},
	}))
}

// handleKFUpgrade serves kf/customer/upgrade_service (doc 94674): the
// member or group chat must be in the configured range (95021 otherwise,
// as the page says: 要求userid/chatid已配置在…“升级服务”中…否则会返回95021错误码),
// the customer one who wrote to the account.
func (s *Server) handleKFUpgrade(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		OpenKfID       string `json:"open_kfid"`
		ExternalUserID string `json:"external_userid"`
		Type           int    `json:"type"`
		Member         *struct {
			UserID  string `json:"userid"`
			Wording string `json:"wording"`
		} `json:"member"`
		GroupChat *struct {
			ChatID  string `json:"chat_id"`
			Wording string `json:"wording"`
		} `json:"groupchat"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	a := c.accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	if a.sessions[b.ExternalUserID] == nil {
		writeError(w, 40096, "invalid external userid")
		return
	}
	var u KFUpgrade
	switch {
	case b.Type == 1 && b.Member != nil && slices.Contains(c.upgrade.UserIDs, b.Member.UserID):
		u = KFUpgrade{Type: 1, Target: b.Member.UserID, Wording: b.Member.Wording}
	case b.Type == 2 && b.GroupChat != nil && slices.Contains(c.upgrade.ChatIDs, b.GroupChat.ChatID):
		u = KFUpgrade{Type: 2, Target: b.GroupChat.ChatID, Wording: b.GroupChat.Wording}
	default:
		writeError(w, codeKFNotInUpgradeRange, "member or group chat not in the upgrade service range")
		return
	}
	c.upgrades[a.id+"/"+b.ExternalUserID] = u
	writeJSON(w, okJSON(nil))
}

// handleKFCancelUpgrade serves kf/customer/cancel_upgrade_service (doc
// 94674).
func (s *Server) handleKFCancelUpgrade(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b kfSessionBody
	if !readKFBody(w, r, &b) {
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	if c.accountLocked(w, b.OpenKfID) == nil {
		return
	}
	delete(c.upgrades, b.OpenKfID+"/"+b.ExternalUserID)
	writeJSON(w, okJSON(nil))
}

// kfDays reads a statistics range: day starts (China time) from start to
// end; an inverted range is 40058.
func kfDays(w http.ResponseWriter, start, end int64) ([]time.Time, bool) {
	if start <= 0 || end < start || end-start > 31*86400 {
		writeError(w, codeInvalidParameter, "invalid time range")
		return nil, false
	}
	cst := time.FixedZone("CST", 8*3600)
	t := time.Unix(start, 0).In(cst)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
	var days []time.Time
	for ; day.Unix() <= end; day = day.AddDate(0, 0, 1) {
		days = append(days, day)
	}
	return days, true
}

type kfStatBody struct {
	OpenKfID       string `json:"open_kfid"`
	ServicerUserID string `json:"servicer_userid"`
	StartTime      int64  `json:"start_time"`
	EndTime        int64  `json:"end_time"`
}

// handleKFCorpStatistic serves kf/get_corp_statistic (doc 95489), counted
// from the fake's own log: the customers who wrote each day, their
// messages, and as sessions the customers who wrote.
func (s *Server) handleKFCorpStatistic(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b kfStatBody
	if !readKFBody(w, r, &b) {
		return
	}
	days, ok := kfDays(w, b.StartTime, b.EndTime)
	if !ok {
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(caller.CorpID).accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	list := []map[string]any{}
	for _, d := range days {
		next := d.AddDate(0, 0, 1)
		msgs, who := 0, map[string]bool{}
		for _, e := range a.log {
			if e.origin == 3 && !e.at.Before(d) && e.at.Before(next) {
				msgs++
				who[e.customer] = true
			}
		}
		list = append(list, map[string]any{"stat_time": d.Unix(), "statistic": map[string]any{
			"session_cnt": len(who), "customer_cnt": len(who), "customer_msg_cnt": msgs}})
	}
	writeJSON(w, okJSON(map[string]any{"statistic_list": list}))
}

// handleKFServicerStatistic serves kf/get_servicer_statistic (doc 95490):
// the sessions moved to the receptionist each day.
func (s *Server) handleKFServicerStatistic(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b kfStatBody
	if !readKFBody(w, r, &b) {
		return
	}
	days, ok := kfDays(w, b.StartTime, b.EndTime)
	if !ok {
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	if c.accountLocked(w, b.OpenKfID) == nil {
		return
	}
	list := []map[string]any{}
	for _, d := range days {
		next := d.AddDate(0, 0, 1)
		n := 0
		for _, t := range c.trans {
			if t.openKfID == b.OpenKfID && (b.ServicerUserID == "" || t.servicer == b.ServicerUserID) && !t.at.Before(d) && t.at.Before(next) {
				n++
			}
		}
		list = append(list, map[string]any{"stat_time": d.Unix(), "statistic": map[string]any{"session_cnt": n}})
	}
	writeJSON(w, okJSON(map[string]any{"statistic_list": list}))
}
