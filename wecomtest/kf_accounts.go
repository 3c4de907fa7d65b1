package wecomtest

import (
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"
)

var kfSceneRE = regexp.MustCompile(`^[0-9a-zA-Z_-]{0,32}$`)

// handleKFAccountAdd serves kf/account/add (doc 94662): a name of at most
// 16 characters, an avatar that is a live temporary image, 5000 accounts.
func (s *Server) handleKFAccountAdd(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Name    string `json:"name"`
		MediaID string `json:"media_id"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	if utf8.RuneCountInString(b.Name) > kfMaxAccountLen {
		writeError(w, 95006, "invalid kf account name")
		return
	}
	if !s.mediaOK(caller.CorpID, b.MediaID, "image") {
		writeError(w, codeBadMediaID, "invalid media_id")
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	if len(c.accounts) >= kfMaxAccounts {
		writeError(w, 95005, "kf account count exceeds the limit")
		return
	}
	a := c.addAccountLocked(b.Name, b.MediaID)
	writeJSON(w, okJSON(map[string]any{"open_kfid": a.id}))
}

// handleKFAccountDel serves kf/account/del (doc 94663).
func (s *Server) handleKFAccountDel(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		OpenKfID string `json:"open_kfid"`
	}
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
	delete(c.accounts, b.OpenKfID)
	if c.gone == nil {
		c.gone = make(map[string]bool)
	}
	c.gone[b.OpenKfID] = true
	for i, id := range c.order {
		if id == b.OpenKfID {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			break
		}
	}
	writeJSON(w, okJSON(nil))
}

// handleKFAccountUpdate serves kf/account/update (doc 94664).
func (s *Server) handleKFAccountUpdate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		OpenKfID string `json:"open_kfid"`
		Name     string `json:"name"`
		MediaID  string `json:"media_id"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	if utf8.RuneCountInString(b.Name) > kfMaxAccountLen {
		writeError(w, 95006, "invalid kf account name")
		return
	}
	if b.MediaID != "" && !s.mediaOK(caller.CorpID, b.MediaID, "image") {
		writeError(w, codeBadMediaID, "invalid media_id")
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(caller.CorpID).accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	if b.Name != "" {
		a.name = b.Name
	}
	if b.MediaID != "" {
		a.mediaID = b.MediaID
	}
	writeJSON(w, okJSON(nil))
}

// handleKFAccountList serves kf/account/list (doc 94661): offset, limit 1
// to 100 (default 100).
func (s *Server) handleKFAccountList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Offset int `json:"offset"`
		Limit  int `json:"limit"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	if b.Limit == 0 {
		b.Limit = 100
	}
	if b.Limit < 0 || b.Limit > 100 || b.Offset < 0 {
		writeError(w, codeInvalidParameter, "limit: 1 to 100")
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	list := []map[string]any{}
	end := min(b.Offset+b.Limit, len(c.order))
	for _, id := range c.order[min(b.Offset, end):end] {
		a := c.accounts[id]
		list = append(list, map[string]any{"open_kfid": a.id, "name": a.name,
			"avatar": "https://wework.qpic.cn/wwhead/wecomtest-" + a.id + "/0", "manage_privilege": true})
	}
	writeJSON(w, okJSON(map[string]any{"account_list": list}))
}

// handleKFContactWay serves kf/add_contact_way (doc 94665).
func (s *Server) handleKFContactWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		OpenKfID string `json:"open_kfid"`
		Scene    string `json:"scene"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	if !kfSceneRE.MatchString(b.Scene) {
		writeError(w, codeInvalidParameter, "invalid scene")
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(caller.CorpID).accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	u := "https://work.weixin.qq.com/kf/kfc" + a.id
	if b.Scene != "" {
		u += "?enc_scene=ENC" + b.Scene
	}
	writeJSON(w, okJSON(map[string]any{"url": u}))
}

type kfServicerBody struct {
	OpenKfID         string   `json:"open_kfid"`
	UserIDList       []string `json:"userid_list"`
	DepartmentIDList []int64  `json:"department_id_list"`
}

// servicerBody reads and checks a servicer/add or servicer/del body: 1 to
// 100 userids or departments.
func servicerBody(w http.ResponseWriter, r *http.Request) (kfServicerBody, bool) {
	var b kfServicerBody
	if !readKFBody(w, r, &b) {
		return b, false
	}
	if len(b.UserIDList)+len(b.DepartmentIDList) == 0 || len(b.UserIDList) > 100 || len(b.DepartmentIDList) > 100 {
		writeError(w, codeInvalidParameter, "userid_list: 1 to 100 userids")
		return b, false
	}
	return b, true
}

// handleKFServicerAdd serves kf/servicer/add (doc 94646): each userid is
// answered on its own, 60111 for one not in the directory.
func (s *Server) handleKFServicerAdd(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, ok := servicerBody(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	known := make(map[string]bool)
	for _, u := range b.UserIDList {
		known[u] = s.memberLocked(caller.CorpID, u) != nil
	}
	s.mu.Unlock()
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(caller.CorpID).accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	results := []map[string]any{}
	for _, u := range b.UserIDList {
		switch {
		case !known[u]:
			results = append(results, map[string]any{"userid": u, "errcode": 60111, "errmsg": "userid not found"})
		case a.servicerLocked(u) != nil:
			results = append(results, map[string]any{"userid": u, "errcode": 0, "errmsg": "ignored"})
		default:
			a.servicers = append(a.servicers, &KFServicer{UserID: u})
			results = append(results, map[string]any{"userid": u, "errcode": 0, "errmsg": "success"})
		}
	}
	for _, d := range b.DepartmentIDList {
		results = append(results, map[string]any{"department_id": d, "errcode": 0, "errmsg": "success"})
	}
	writeJSON(w, okJSON(map[string]any{"result_list": results}))
}

func (a *kfAccount) servicerLocked(userID string) *KFServicer {
	for _, sv := range a.servicers {
		if sv.UserID == userID {
			return sv
		}
	}
	return nil
}

// handleKFServicerDel serves kf/servicer/del (doc 94647).
func (s *Server) handleKFServicerDel(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, ok := servicerBody(w, r)
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
	results := []map[string]any{}
	for _, u := range b.UserIDList {
		msg := "ignored"
		for i, sv := range a.servicers {
			if sv.UserID == u {
				a.servicers = append(a.servicers[:i:i], a.servicers[i+1:]...)
				msg = "success"
				break
			}
		}
		results = append(results, map[string]any{"userid": u, "errcode": 0, "errmsg": msg})
	}
	writeJSON(w, okJSON(map[string]any{"result_list": results}))
}

// handleKFServicerList serves GET kf/servicer/list (doc 94645).
func (s *Server) handleKFServicerList(w http.ResponseWriter, r *http.Request, caller Caller) {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(caller.CorpID).accountLocked(w, r.URL.Query().Get("open_kfid"))
	if a == nil {
		return
	}
	list := []map[string]any{}
	for _, sv := range a.servicers {
		list = append(list, map[string]any{"userid": sv.UserID, "status": sv.Status})
	}
	writeJSON(w, okJSON(map[string]any{"servicer_list": list}))
}

type kfSessionBody struct {
	OpenKfID       string `json:"open_kfid"`
	ExternalUserID string `json:"external_userid"`
	ServiceState   int    `json:"service_state"`
	ServicerUserID string `json:"servicer_userid"`
}

// handleKFStateGet serves kf/service_state/get (doc 94669).
func (s *Server) handleKFStateGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b kfSessionBody
	if !readKFBody(w, r, &b) {
		return
	}
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.corpLocked(caller.CorpID).accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	state, servicer := 4, ""
	if se := a.sessions[b.ExternalUserID]; se != nil {
		state, servicer = se.state, se.servicer
	}
	writeJSON(w, okJSON(map[string]any{"service_state": state, "servicer_userid": servicer}))
}

// kfMoves is WeCom's table of allowed moves (doc 94669).
var kfMoves = map[int][]int{0: {1, 2, 3}, 1: {2, 3}, 2: {3}, 3: {3, 4}}

// handleKFStateTrans serves kf/service_state/trans (doc 94669): moves
// outside the table are 95016; StateServicer needs a receptionist of the
// account (95014, 用户不是接待人员, otherwise) who is receiving (95019,
// 接待人员已停止接待或暂时挂起, otherwise). A move into the pool, from the pool to
// a receptionist, or to the end issues a msg_code for send_msg_on_event.
func (s *Server) handleKFStateTrans(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b kfSessionBody
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
	se := a.sessions[b.ExternalUserID]
	from := 4
	if se != nil {
		from = se.state
	}
	allowed := false
	for _, to := range kfMoves[from] {
		allowed = allowed || to == b.ServiceState
	}
	if !allowed {
		writeError(w, 95016, "service state transition not allowed")
		return
	}
	if b.ServiceState == 3 {
		sv := a.servicerLocked(b.ServicerUserID)
		if sv == nil {
			writeError(w, 95014, "user is not a servicer")
			return
		}
		if sv.Status != 0 {
			writeError(w, 95019, "servicer stopped or suspended")
			return
		}
	}
	now := s.now()
	se.state = b.ServiceState
	if b.ServiceState == 3 {
		se.servicer = b.ServicerUserID
		c.trans = append(c.trans, kfTrans{at: now, openKfID: a.id, servicer: b.ServicerUserID})
	} else if b.ServiceState != 4 {
		se.servicer = ""
	}
	code := ""
	var ttl time.Duration
	switch {
	case b.ServiceState == 2:
		ttl = kfNoticeTTL
	case b.ServiceState == 3 && from == 2:
		ttl = kfNoticeTTL
	case b.ServiceState == 4:
		ttl = kfEndTTL
	}
	if ttl > 0 {
		code = "MC" + randomHex(12)
		c.codes[code] = &kfCode{openKfID: a.id, externalUserID: b.ExternalUserID, state: b.ServiceState, expires: now.Add(ttl)}
	}
	writeJSON(w, okJSON(map[string]any{"msg_code": code}))
}
