package wecomtest

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Customer group limits: groupchat/list takes limit 1 to 1000 and at most
// 100 owners (doc 92120); groupchat/get answers an unknown chat_id 40050
// (chatid不存在, the global table as the fake reads it).
const (
	groupListMax  = 1000
	groupOwnerMax = 100
	codeNoChat    = 40050
)

// CustomerGroup is a customer group (客户群) as [Server.AddCustomerGroup]
// takes it.
type CustomerGroup struct {
	ChatID  string
	Name    string
	Owner   string   // the owner's userid; added to Members if missing
	Admins  []string // userids
	Notice  string
	Created time.Time // zero: the server's clock at AddCustomerGroup
	// Status is the follow-up state groupchat/list reports: 0 normal, 1
	// the owner left, 2 being transferred, 3 transferred. A group whose
	// owner left is listed only when its owner is named in owner_filter,
	// as WeCom does.
	Status int
	// OpenGID is the group's id in a mini program, for
	// opengid_to_chatid ("" when it has none).
	OpenGID string
	Members []CustomerGroupMember
}

// CustomerGroupMember is a member of a customer group.
type CustomerGroupMember struct {
	UserID        string // a userid (Type 1) or an external userid (Type 2)
	Type          int    // 1 member of the corporation, 2 external contact
	UnionID       string
	Joined        time.Time // zero: the group's Created
	JoinScene     int       // 1 invited, 2 invitation link, 3 QR code
	Invitor       string    // the inviting member's userid, if any
	GroupNickname string
	Name          string // answered only with need_name
	State         string // the join way's state
}

// AddCustomerGroup adds (or replaces) the customer group g in corpID.
func (s *Server) AddCustomerGroup(corpID string, g CustomerGroup) {
	if g.Created.IsZero() {
		g.Created = s.now()
	}
	g.Admins = slices.Clone(g.Admins)
	g.Members = slices.Clone(g.Members)
	if g.Owner != "" && !slices.ContainsFunc(g.Members, func(m CustomerGroupMember) bool { return m.UserID == g.Owner }) {
		g.Members = append([]CustomerGroupMember{{UserID: g.Owner, Type: 1, Joined: g.Created, JoinScene: 1}}, g.Members...)
	}
	for i := range g.Members {
		if g.Members[i].Joined.IsZero() {
			g.Members[i].Joined = g.Created
		}
	}
	c, unlock := s.lockWay(corpID)
	defer unlock()
	if c.groups[g.ChatID] == nil {
		c.groupOrder = append(c.groupOrder, g.ChatID)
	}
	c.groups[g.ChatID] = &g
}

// SetGroupChatOwner makes member owner the owner of customer group chatID
// in corpID — and a member of it — adding the group, with no name and no
// other member, when corpID has none of that id. It is a short way to
// [Server.AddCustomerGroup] for tests that need only the owner: mass
// messages to groups, group transfers, groupchat/list and groupchat/get
// all see the same groups.
func (s *Server) SetGroupChatOwner(corpID, chatID, owner string) {
	now := s.now()
	c, unlock := s.lockWay(corpID)
	defer unlock()
	g := c.groups[chatID]
	if g == nil {
		g = &CustomerGroup{ChatID: chatID, Created: now}
		c.groups[chatID] = g
		c.groupOrder = append(c.groupOrder, chatID)
	}
	g.setOwner(owner)
}

// GroupChatOwner returns the owner of customer group chatID, and whether
// corpID has that group.
func (s *Server) GroupChatOwner(corpID, chatID string) (string, bool) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	g := c.groups[chatID]
	if g == nil {
		return "", false
	}
	return g.Owner, true
}

// CustomerGroupOf returns customer group chatID of corpID as the fake
// holds it (a copy).
func (s *Server) CustomerGroupOf(corpID, chatID string) (CustomerGroup, bool) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	g := c.groups[chatID]
	if g == nil {
		return CustomerGroup{}, false
	}
	out := *g
	out.Admins = slices.Clone(g.Admins)
	out.Members = slices.Clone(g.Members)
	return out, true
}

// setOwner makes owner the group's owner and, if they are not yet, a
// member of it.
func (g *CustomerGroup) setOwner(owner string) {
	g.Owner = owner
	if owner != "" && !slices.ContainsFunc(g.Members, func(m CustomerGroupMember) bool { return m.UserID == owner }) {
		g.Members = append(g.Members, CustomerGroupMember{UserID: owner, Type: 1, Joined: g.Created, JoinScene: 1})
	}
}

// groupOwners returns corpID's customer groups' owners by chat id. A
// caller holding Server.ext.mu may call it: that lock comes first.
func (s *Server) groupOwners(corpID string) map[string]string {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	out := make(map[string]string, len(c.groups))
	for id, g := range c.groups {
		out[id] = g.Owner
	}
	return out
}

// JoinWay returns the join way configID of corpID as the fake holds it.
func (s *Server) JoinWay(corpID, configID string) (externalcontact.JoinWay, bool) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	jw := c.joinWays[configID]
	if jw == nil {
		return externalcontact.JoinWay{}, false
	}
	out := *jw
	out.ChatIDList = slices.Clone(jw.ChatIDList)
	return out, true
}

func memberVersion(g *CustomerGroup) string {
	h := fnv.New64a()
	for _, m := range g.Members {
		h.Write([]byte(m.UserID))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 16)
}

func groupJSON(g *CustomerGroup, needName bool) map[string]any {
	members := []map[string]any{}
	for _, m := range g.Members {
		row := map[string]any{"userid": m.UserID, "type": m.Type, "join_time": m.Joined.Unix(), "join_scene": m.JoinScene,
			"group_nickname": m.GroupNickname}
		if m.Invitor != "" {
			row["invitor"] = map[string]string{"userid": m.Invitor}
		}
		if m.UnionID != "" {
			row["unionid"] = m.UnionID
		}
		if m.State != "" {
			row["state"] = m.State
		}
		if needName {
			row["name"] = m.Name
		}
		members = append(members, row)
	}
	admins := []map[string]string{}
	for _, a := range g.Admins {
		admins = append(admins, map[string]string{"userid": a})
	}
	return map[string]any{"chat_id": g.ChatID, "name": g.Name, "owner": g.Owner, "create_time": g.Created.Unix(),
		"notice": g.Notice, "member_list": members, "admin_list": admins, "member_version": memberVersion(g)}
}

type wayOwnerFilter struct {
	UserIDList []string `json:"userid_list"`
}

// handleGroupChatList serves POST externalcontact/groupchat/list, groups
// in the order added.
func (s *Server) handleGroupChatList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		StatusFilter int             `json:"status_filter"`
		OwnerFilter  *wayOwnerFilter `json:"owner_filter"`
		Cursor       string          `json:"cursor"`
		Limit        int             `json:"limit"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	switch {
	case b.Limit < 1 || b.Limit > groupListMax:
		writeError(w, 40058, "limit: 1 to 1000")
		return
	case b.OwnerFilter != nil && len(b.OwnerFilter.UserIDList) > groupOwnerMax:
		writeError(w, 40058, "owner_filter.userid_list: at most 100")
		return
	case b.StatusFilter < 0 || b.StatusFilter > 3:
		writeError(w, 40058, "status_filter: 0 to 3")
		return
	}
	off, ok := parseExtCursor(w, b.Cursor)
	if !ok {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	var rows []map[string]any
	for _, id := range c.groupOrder {
		g := c.groups[id]
		named := b.OwnerFilter != nil && slices.Contains(b.OwnerFilter.UserIDList, g.Owner)
		switch {
		case b.OwnerFilter != nil && len(b.OwnerFilter.UserIDList) > 0 && !named:
		case g.Status != 0 && !named:
		case b.StatusFilter != 0 && g.Status != b.StatusFilter:
		default:
			rows = append(rows, map[string]any{"chat_id": g.ChatID, "status": g.Status})
		}
	}
	end := min(off+b.Limit, len(rows))
	page := rows[min(off, end):end]
	if page == nil {
		page = []map[string]any{}
	}
	writeOK(w, map[string]any{"group_chat_list": page, "next_cursor": wayCursor(end, len(rows))})
}

// handleGroupChatGet serves POST externalcontact/groupchat/get.
func (s *Server) handleGroupChatGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ChatID   string `json:"chat_id"`
		NeedName int    `json:"need_name"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	g := c.groups[b.ChatID]
	if g == nil {
		writeError(w, codeNoChat, "chatid not found")
		return
	}
	writeOK(w, map[string]any{"group_chat": groupJSON(g, b.NeedName == 1)})
}

// handleOpenGIDToChatID serves POST externalcontact/opengid_to_chatid.
func (s *Server) handleOpenGIDToChatID(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		OpenGID string `json:"opengid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	for _, id := range c.groupOrder {
		if g := c.groups[id]; g.OpenGID != "" && g.OpenGID == b.OpenGID {
			writeOK(w, map[string]any{"chat_id": g.ChatID})
			return
		}
	}
	writeError(w, 40058, "invalid opengid")
}

// Join way limits (doc 92229): 1 to 5 groups; remark cut at 30
// characters; state at most 30, room_base_name at most 40.
const (
	joinWayChatsMax = 5
	joinRoomNameMax = 40
)

type joinWayBody struct {
	ConfigID       string   `json:"config_id"`
	Scene          int      `json:"scene"`
	Remark         string   `json:"remark"`
	AutoCreateRoom *int     `json:"auto_create_room"`
	RoomBaseName   string   `json:"room_base_name"`
	RoomBaseID     int      `json:"room_base_id"`
	ChatIDList     []string `json:"chat_id_list"`
	State          string   `json:"state"`
}

// joinWayLocked checks b and returns the join way it describes, or
// answers the errcode itself.
func (s *Server) joinWayLocked(w http.ResponseWriter, c *wayCorp, b *joinWayBody) *externalcontact.JoinWay {
	switch {
	case b.Scene != externalcontact.JoinSceneMiniProgram && b.Scene != externalcontact.JoinSceneQRCode:
		writeError(w, 40058, "scene: 1 or 2")
		return nil
	case len(b.ChatIDList) == 0 || len(b.ChatIDList) > joinWayChatsMax:
		writeError(w, 40058, "chat_id_list: 1 to 5 groups")
		return nil
	case tooLong(b.State) || len([]rune(b.RoomBaseName)) > joinRoomNameMax:
		writeError(w, 40058, "state: at most 30 characters; room_base_name: at most 40")
		return nil
	}
	for _, id := range b.ChatIDList {
		if c.groups[id] == nil {
			writeError(w, codeNoChat, "chatid not found")
			return nil
		}
	}
	remark := []rune(b.Remark)
	jw := &externalcontact.JoinWay{Scene: b.Scene, Remark: string(remark[:min(len(remark), wayTextMax)]), AutoCreateRoom: 1,
		RoomBaseName: b.RoomBaseName, RoomBaseID: b.RoomBaseID, ChatIDList: slices.Clone(b.ChatIDList), State: b.State}
	if b.AutoCreateRoom != nil {
		jw.AutoCreateRoom = *b.AutoCreateRoom
	}
	return jw
}

// handleAddJoinWay serves POST externalcontact/groupchat/add_join_way.
func (s *Server) handleAddJoinWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b joinWayBody
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	jw := s.joinWayLocked(w, c, &b)
	if jw == nil {
		return
	}
	jw.ConfigID = c.nextID("jw")
	if jw.Scene == externalcontact.JoinSceneQRCode {
		jw.QRCode = s.URL + "/wecomtest/qr/join_way/" + jw.ConfigID
	}
	c.joinWays[jw.ConfigID] = jw
	writeOK(w, map[string]any{"config_id": jw.ConfigID})
}

// handleGetJoinWay serves POST externalcontact/groupchat/get_join_way.
func (s *Server) handleGetJoinWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ConfigID string `json:"config_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	jw := c.joinWays[b.ConfigID]
	if jw == nil {
		writeError(w, 40058, "invalid config_id")
		return
	}
	writeOK(w, map[string]any{"join_way": jw})
}

// handleUpdateJoinWay serves POST externalcontact/groupchat/update_join_way:
// the settings are replaced whole; the QR code stays.
func (s *Server) handleUpdateJoinWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b joinWayBody
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	old := c.joinWays[b.ConfigID]
	if old == nil {
		writeError(w, 40058, "invalid config_id")
		return
	}
	jw := s.joinWayLocked(w, c, &b)
	if jw == nil {
		return
	}
	jw.ConfigID = old.ConfigID
	if jw.Scene == externalcontact.JoinSceneQRCode {
		jw.QRCode = s.URL + "/wecomtest/qr/join_way/" + jw.ConfigID
	}
	c.joinWays[jw.ConfigID] = jw
	writeOK(w, nil)
}

// handleDelJoinWay serves POST externalcontact/groupchat/del_join_way.
func (s *Server) handleDelJoinWay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ConfigID string `json:"config_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	if c.joinWays[b.ConfigID] == nil {
		writeError(w, 40058, "invalid config_id")
		return
	}
	delete(c.joinWays, b.ConfigID)
	writeOK(w, nil)
}
