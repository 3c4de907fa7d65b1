package wecomtest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Statistics (doc 92132), rule-group tags (doc 94882) and the id
// conversions of third-party and customised apps (docs 95900, 97107,
// 95195, 95884).

// UserBehavior is one member's day of 「联系客户统计」 as
// [Server.SetUserBehavior] records it; new_contact_cnt is counted from the
// customers the member added that day.
type UserBehavior struct {
	ChatCnt, MessageCnt, NegativeFeedbackCnt, NewApplyCnt int
	ReplyPercentage                                       float64
	AvgReplyTime                                          int
}

// statZone is the time zone of WeCom's days (China Standard Time).
var statZone = time.FixedZone("CST", 8*3600)

func statDay(t time.Time) int64 {
	y, m, d := t.In(statZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, statZone).Unix()
}

// SetUserBehavior records member userID's statistics for the day holding
// day (China time).
func (s *Server) SetUserBehavior(corpID, userID string, day time.Time, b UserBehavior) {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	o := s.opsLocked(corpID)
	if o.behavior[userID] == nil {
		o.behavior[userID] = map[int64]UserBehavior{}
	}
	o.behavior[userID][statDay(day)] = b
}

// handleUserBehavior serves POST externalcontact/get_user_behavior_data:
// userid and partyid not both empty, at most 100 each, 30 days at most;
// one row a day for the members together.
func (s *Server) handleUserBehavior(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID    []string `json:"userid"`
		PartyID   []int64  `json:"partyid"`
		StartTime int64    `json:"start_time"`
		EndTime   int64    `json:"end_time"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	switch {
	case len(b.UserID) == 0 && len(b.PartyID) == 0:
		writeError(w, 40058, "userid and partyid are both empty")
		return
	case len(b.UserID) > 100 || len(b.PartyID) > 100:
		writeError(w, 40058, "at most 100 userids and 100 partyids")
		return
	}
	first, last := statDay(time.Unix(b.StartTime, 0)), statDay(time.Unix(b.EndTime, 0))
	if last < first || last-first > 30*24*3600 {
		writeError(w, 40058, "start_time to end_time: at most 30 days")
		return
	}
	users := slices.Clone(b.UserID)
	for _, ids := range s.membersIn(caller.CorpID, b.PartyID) {
		users = append(users, ids...)
	}
	slices.Sort(users)
	users = slices.Compact(users)
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	ec, o := s.ext.corpLocked(caller.CorpID), s.opsLocked(caller.CorpID)
	rows := []map[string]any{}
	for day := first; day <= last; day += 24 * 3600 {
		var chats, msgs, neg, apply, added, replied, replyTime int
		var pct float64
		for _, u := range users {
			for _, x := range ec.byUser[u] {
				if statDay(time.Unix(ec.customers[x].follow(u).added, 0)) == day {
					added++
				}
			}
			st := o.behavior[u][day]
			chats, msgs, neg, apply = chats+st.ChatCnt, msgs+st.MessageCnt, neg+st.NegativeFeedbackCnt, apply+st.NewApplyCnt
			if st.ChatCnt > 0 {
				replied++
				pct += st.ReplyPercentage
				replyTime += st.AvgReplyTime
			}
		}
		row := map[string]any{"stat_time": day, "chat_cnt": chats, "message_cnt": msgs, "negative_feedback_cnt": neg,
			"new_apply_cnt": apply, "new_contact_cnt": added}
		if replied > 0 {
			row["reply_percentage"], row["avg_reply_time"] = pct/float64(replied), replyTime/replied
		}
		rows = append(rows, row)
	}
	writeOK(w, map[string]any{"behavior_data": rows})
}

// AddStrategy adds rule group (客户联系规则组) strategyID to corpID, so that
// tags can be added to it.
func (s *Server) AddStrategy(corpID string, strategyID int64) {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	o := s.opsLocked(corpID)
	if o.rules[strategyID] == nil {
		o.rules[strategyID] = &[]*CustomerTagGroup{}
	}
}

// StrategyTagGroups returns rule group strategyID's tag groups.
func (s *Server) StrategyTagGroups(corpID string, strategyID int64) []CustomerTagGroup {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	var out []CustomerTagGroup
	if gs := s.opsLocked(corpID).rules[strategyID]; gs != nil {
		for _, g := range *gs {
			c := *g
			c.Tags = slices.Clone(g.Tags)
			out = append(out, c)
		}
	}
	return out
}

func (o *opsCorp) strategyIDs() []int64 {
	var ids []int64
	for id := range o.rules {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// ruleTagLocked finds a rule-group tag or group by id.
func (o *opsCorp) ruleTagLocked(id string) (strategy int64, g *CustomerTagGroup, t *CustomerTag) {
	for _, sid := range o.strategyIDs() {
		for _, gr := range *o.rules[sid] {
			if gr.ID == id {
				return sid, gr, nil
			}
			for i := range gr.Tags {
				if gr.Tags[i].ID == id {
					return sid, gr, &gr.Tags[i]
				}
			}
		}
	}
	return 0, nil, nil
}

// handleStrategyTagList serves POST externalcontact/get_strategy_tag_list:
// strategy_id 0 lists every rule group's tags; an unknown one is 40058 (the
// server's choice); tag_id and group_id filter as for get_corp_tag_list.
func (s *Server) handleStrategyTagList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		StrategyID int64    `json:"strategy_id"`
		TagID      []string `json:"tag_id"`
		GroupID    []string `json:"group_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	o := s.opsLocked(caller.CorpID)
	ids := o.strategyIDs()
	if b.StrategyID != 0 {
		if o.rules[b.StrategyID] == nil {
			writeError(w, 40058, "invalid strategy_id")
			return
		}
		ids = []int64{b.StrategyID}
	}
	groups := []map[string]any{}
	for _, sid := range ids {
		for _, g := range *o.rules[sid] {
			var only map[string]bool
			switch {
			case len(b.GroupID) > 0:
				if !slices.Contains(b.GroupID, g.ID) {
					continue
				}
			case len(b.TagID) > 0:
				only = map[string]bool{}
				for _, t := range g.Tags {
					if slices.Contains(b.TagID, t.ID) {
						only[t.ID] = true
					}
				}
				if len(only) == 0 {
					continue
				}
			}
			row := tagGroupJSON(g, only)
			delete(row, "deleted")
			row["strategy_id"] = sid
			groups = append(groups, row)
		}
	}
	writeOK(w, map[string]any{"tag_group": groups})
}

// handleAddStrategyTag serves POST externalcontact/add_strategy_tag: into
// group_id, or the group named group_name (created when there is none); a
// name already in the group is 40071.
func (s *Server) handleAddStrategyTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		StrategyID int64    `json:"strategy_id"`
		GroupID    string   `json:"group_id"`
		GroupName  string   `json:"group_name"`
		Order      uint32   `json:"order"`
		Tag        []newTag `json:"tag"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	o := s.opsLocked(caller.CorpID)
	gs := o.rules[b.StrategyID]
	if gs == nil {
		writeError(w, 40058, "invalid strategy_id")
		return
	}
	var g *CustomerTagGroup
	for _, x := range *gs {
		if (b.GroupID != "" && x.ID == b.GroupID) || (b.GroupID == "" && x.Name == b.GroupName) {
			g = x
		}
	}
	switch {
	case g == nil && b.GroupID != "":
		writeError(w, 40068, "invalid tagid")
		return
	case g == nil && b.GroupName == "":
		writeError(w, 40058, "group_id or group_name is required")
		return
	case g == nil:
		g = &CustomerTagGroup{ID: o.nextID("etstrategygroup"), Name: b.GroupName, Order: b.Order, Created: now}
		*gs = append(*gs, g)
	}
	only, ok := addTags(w, g, b.Tag, now, func() string { return o.nextID("etstrategytag") })
	if !ok {
		return
	}
	row := tagGroupJSON(g, only)
	delete(row, "deleted")
	row["strategy_id"] = b.StrategyID
	writeOK(w, map[string]any{"tag_group": row})
}

// handleEditStrategyTag serves POST externalcontact/edit_strategy_tag.
func (s *Server) handleEditStrategyTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ID    string  `json:"id"`
		Name  string  `json:"name"`
		Order *uint32 `json:"order"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	_, g, t := s.opsLocked(caller.CorpID).ruleTagLocked(b.ID)
	if g == nil {
		writeError(w, 40068, "invalid tagid")
		return
	}
	name, order := &g.Name, &g.Order
	if t != nil {
		name, order = &t.Name, &t.Order
	}
	if b.Name != "" {
		*name = b.Name
	}
	if b.Order != nil {
		*order = *b.Order
	}
	writeOK(w, nil)
}

// handleDelStrategyTag serves POST externalcontact/del_strategy_tag: a
// group goes with its tags, and a group whose last tag goes goes too.
func (s *Server) handleDelStrategyTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b extTagIDs
	if !decodeBody(w, r, &b) {
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	o := s.opsLocked(caller.CorpID)
	for _, id := range slices.Concat(b.TagID, b.GroupID) {
		if _, g, _ := o.ruleTagLocked(id); g == nil {
			writeError(w, 40068, "invalid tagid")
			return
		}
	}
	for _, gs := range o.rules {
		*gs = slices.DeleteFunc(*gs, func(g *CustomerTagGroup) bool {
			whole := slices.Contains(b.GroupID, g.ID)
			g.Tags = slices.DeleteFunc(g.Tags, func(t CustomerTag) bool { return whole || slices.Contains(b.TagID, t.ID) })
			return len(g.Tags) == 0
		})
	}
	writeOK(w, nil)
}

// ServiceExternalUserID returns the external userid a third-party app
// sees for customer externalUserID of corpID (the service provider's
// subject): what get_new_external_userid, to_service_external_userid and
// unionid_to_external_userid answer.
func ServiceExternalUserID(corpID, externalUserID string) string {
	sum := sha256.Sum256([]byte("service\x00" + corpID + "\x00" + externalUserID))
	return "wmsvc" + hex.EncodeToString(sum[:12])
}

// NewSuiteCorpToken issues an access token of corpID for the suite
// suiteID's app agentID, as get_corp_token would after an install: for
// tests of the calls only third-party and customised apps may make.
func (s *Server) NewSuiteCorpToken(suiteID, corpID string, agentID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, _ := s.issueLocked(kindAccessToken, corpID, agentID)
	s.creds[tok].suiteID = suiteID
	return tok
}

// suiteOnly answers 48002 for a self-built app's token.
func suiteOnly(w http.ResponseWriter, cred credential, path string) bool {
	if cred.suiteID == "" {
		writeError(w, 48002, "api forbidden: only third-party and customised apps may call "+path)
		return false
	}
	return true
}

// byServiceIDLocked finds the customer whose provider-subject id is id.
func (ec *extCorp) byServiceIDLocked(corpID, id string) string {
	for x := range ec.customers {
		if ServiceExternalUserID(corpID, x) == id {
			return x
		}
	}
	return ""
}

// handleUnionIDToExternalUserID serves POST
// idconvert/unionid_to_external_userid: the provider's id of the customer
// with that unionid, else a pending id valid 90 days (not modelled).
func (s *Server) handleUnionIDToExternalUserID(w http.ResponseWriter, r *http.Request, cred credential) {
	var b struct {
		UnionID     string `json:"unionid"`
		OpenID      string `json:"openid"`
		SubjectType int    `json:"subject_type"`
	}
	if !decodeBody(w, r, &b) || !suiteOnly(w, cred, "unionid_to_external_userid") {
		return
	}
	if b.SubjectType != 0 && b.SubjectType != 1 {
		writeError(w, 40058, "subject_type is 0 or 1")
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	ec, o := s.ext.corpLocked(cred.corpID), s.opsLocked(cred.corpID)
	for x, cu := range ec.customers {
		if cu.unionID() == b.UnionID {
			writeOK(w, map[string]any{"external_userid": ServiceExternalUserID(cred.corpID, x)})
			return
		}
	}
	p := o.pending[b.UnionID]
	if p == "" {
		sum := sha256.Sum256([]byte("pending\x00" + cred.corpID + "\x00" + b.UnionID))
		p = "p" + hex.EncodeToString(sum[:10])
		o.pending[b.UnionID] = p
	}
	writeOK(w, map[string]any{"pending_id": p})
}

// handlePendingIDs serves POST idconvert/batch/external_userid_to_pending_id:
// at most 100 ids, corporation or provider subject; customers whose
// unionid was looked up before they were customers come back with its
// pending id.
func (s *Server) handlePendingIDs(w http.ResponseWriter, r *http.Request, cred credential) {
	var b struct {
		ChatID         string   `json:"chat_id"`
		ExternalUserID []string `json:"external_userid"`
	}
	if !decodeBody(w, r, &b) || !suiteOnly(w, cred, "external_userid_to_pending_id") {
		return
	}
	if len(b.ExternalUserID) > 100 {
		writeError(w, 40058, "at most 100 external_userid")
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	ec, o := s.ext.corpLocked(cred.corpID), s.opsLocked(cred.corpID)
	rows := []map[string]any{}
	for _, id := range b.ExternalUserID {
		x := id
		if ec.customers[x] == nil {
			x = ec.byServiceIDLocked(cred.corpID, id)
		}
		if cu := ec.customers[x]; cu != nil && o.pending[cu.unionID()] != "" && cu.unionID() != "" {
			rows = append(rows, map[string]any{"external_userid": id, "pending_id": o.pending[cu.unionID()]})
		}
	}
	writeOK(w, map[string]any{"result": rows})
}

// handleNewExternalUserID serves POST externalcontact/get_new_external_userid.
func (s *Server) handleNewExternalUserID(w http.ResponseWriter, r *http.Request, caller Caller) {
	s.serviceIDs(w, r, caller, func(w http.ResponseWriter, ec *extCorp, ids []string) {
		items := []map[string]any{}
		for _, id := range ids {
			switch {
			case ec.customers[id] != nil:
				items = append(items, map[string]any{"external_userid": id, "new_external_userid": ServiceExternalUserID(caller.CorpID, id)})
			case ec.byServiceIDLocked(caller.CorpID, id) != "":
				items = append(items, map[string]any{"external_userid": id, "new_external_userid": id})
			}
		}
		writeOK(w, map[string]any{"items": items})
	})
}

// serviceIDs runs a conversion for a third-party or customised app's token
// (48002 for a self-built app's), with ec locked.
func (s *Server) serviceIDs(w http.ResponseWriter, r *http.Request, caller Caller, run func(http.ResponseWriter, *extCorp, []string)) {
	var b struct {
		ExternalUserIDList []string `json:"external_userid_list"`
		ExternalUserID     string   `json:"external_userid"`
		SourceAgentID      int64    `json:"source_agentid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if !s.suiteToken(r) {
		writeError(w, 48002, "api forbidden: only third-party and customised apps may call "+r.URL.Path)
		return
	}
	if len(b.ExternalUserIDList) > 1000 {
		writeError(w, 40058, "at most 1000 external userids")
		return
	}
	ids := b.ExternalUserIDList
	if b.ExternalUserID != "" {
		ids = []string{b.ExternalUserID}
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	run(w, s.ext.corpLocked(caller.CorpID), ids)
}

// suiteToken reports whether the request's access token is a third-party
// or customised app's.
func (s *Server) suiteToken(r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.creds[r.URL.Query().Get("access_token")]
	return c != nil && c.suiteID != ""
}

// handleToServiceExternalUserID serves POST externalcontact/to_service_external_userid.
func (s *Server) handleToServiceExternalUserID(w http.ResponseWriter, r *http.Request, caller Caller) {
	s.serviceIDs(w, r, caller, func(w http.ResponseWriter, ec *extCorp, ids []string) {
		if len(ids) != 1 || ec.customers[ids[0]] == nil {
			writeError(w, 40096, "invalid external userid")
			return
		}
		writeOK(w, map[string]any{"external_userid": ServiceExternalUserID(caller.CorpID, ids[0])})
	})
}

// handleFromServiceExternalUserID serves POST
// externalcontact/from_service_external_userid: a self-built app's token
// (48002 otherwise), source_agentid required (40058).
func (s *Server) handleFromServiceExternalUserID(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ExternalUserID string `json:"external_userid"`
		SourceAgentID  int64  `json:"source_agentid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if s.suiteToken(r) {
		writeError(w, 48002, "api forbidden: only self-built apps may call from_service_external_userid")
		return
	}
	if b.SourceAgentID == 0 {
		writeError(w, 40058, "source_agentid is required")
		return
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	x := s.ext.corpLocked(caller.CorpID).byServiceIDLocked(caller.CorpID, b.ExternalUserID)
	if x == "" {
		writeError(w, 40096, "invalid external userid "+strconv.Quote(b.ExternalUserID))
		return
	}
	writeOK(w, map[string]any{"external_userid": x})
}
