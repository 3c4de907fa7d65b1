package wecomtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Customer contact (客户联系), the first slice: the members with
// customers (externalcontact/get_follow_user_list, doc 92571), their
// customers (list 92113, get 92114, batch/get_by_user 92994), remarks
// (remark 92115) and corp customer tags (get_corp_tag_list, add_corp_tag,
// edit_corp_tag, del_corp_tag 92117; mark_tag 92118).
//
// The model: customers are added per member with [Server.AddCustomer]; a
// member is a follow user once they have a customer. Every app token of
// the corporation may call (WeCom requires the app to be configured for
// customer contact, which the fake does not model), and every member is
// visible.
//
// Members marked with [Server.SetUnlicensed] have no interface license:
// batch/get_by_user leaves their customers out and lists them in
// fail_info.unlicensed_userid_list, and answers 701008 when no member of
// the call has one (extbatch.go).
//
// Errcodes: 84061 (不存在外部联系人的关系) for a member without the customer,
// or, from externalcontact/list, without any customer; 40096 (不合法的外部联系人
// userid) for an unknown external userid; 40068 (不合法的标签ID) for an
// unknown tag or group id; 40058 for a cursor the fake did not issue. These
// are the fake's reading of WeCom's global error table; the pages for the
// endpoints do not list them.

// extPageSize is how many followers externalcontact/get answers at once
// (WeCom: 500) and the most rows batch/get_by_user answers (doc 92994:
// limit at most 100, default 50).
const (
	extGetPage       = 500
	extBatchMax      = 100
	extBatchDefault  = 50
	extBatchMaxUsers = 100
)

// Customer is a customer (external contact) of a member, as
// [Server.AddCustomer] takes it: the profile and what the member noted.
type Customer struct {
	ExternalUserID string
	Name           string
	Type           int // 1 WeChat, 2 WeCom
	Gender         int
	Avatar         string
	Position       string
	CorpName       string
	CorpFullName   string
	UnionID        string

	// The member's side.
	Remark        string
	Description   string
	RemarkMobiles []string
	AddWay        int
	State         string
	Added         time.Time // zero: the server's clock at AddCustomer
}

// CustomerTagGroup is a corp customer tag group, as [Server.CorpTagGroups]
// returns it.
type CustomerTagGroup struct {
	ID      string
	Name    string
	Order   uint32
	Created time.Time
	Tags    []CustomerTag
}

// CustomerTag is a corp customer tag.
type CustomerTag struct {
	ID      string
	Name    string
	Order   uint32
	Created time.Time
}

type extState struct {
	mu    sync.Mutex
	corps map[string]*extCorp
	bufs  sync.Pool // *[]byte: batch/get_by_user answers are encoded into reused buffers
}

// The customer model is compact, because tests and benchmarks hold
// 100,000 customers in it: a customer's profile and each member's side
// are small structs of strings, the strings that repeat (userids,
// remarks, descriptions, states, tag ids) are interned per corporation,
// and a customer's followers are a slice, not a map — a customer has few.
type extCorp struct {
	customers map[string]*extCustomer // external userid → customer
	byUser    map[string][]string     // userid → external userids, in the order added
	users     []string                // userids with customers, in the order first added
	groups    []*CustomerTagGroup
	seq       int
	strs      map[string]string // interned strings
}

// extCustomer is a customer's profile with the members following them.
type extCustomer struct {
	id, name    string
	more        *extProfileMore // nil when every field of it is empty
	typ, gender int8
	follows     []extFollow // in the order added
}

// extProfileMore holds the profile fields most customers lack.
type extProfileMore struct {
	avatar, position, corpName, corpFullName, unionID string
}

// extFollow is one member's side of a customer.
type extFollow struct {
	user, remark, description, state string
	mobiles                          []string
	tags                             []string // corp tag ids marked by the member
	added                            int64    // unix seconds
	addWay                           int32
}

// intern returns the corporation's copy of v, so that a string repeated
// over many relations is stored once.
func (ec *extCorp) intern(v string) string {
	if v == "" {
		return ""
	}
	if x, ok := ec.strs[v]; ok {
		return x
	}
	ec.strs[v] = v
	return v
}

func (ec *extCorp) internAll(vs []string) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = ec.intern(v)
	}
	return out
}

// newCustomerLocked makes the profile part of c.
func (ec *extCorp) newCustomerLocked(c *Customer) *extCustomer {
	cu := &extCustomer{id: c.ExternalUserID, name: c.Name, typ: int8(c.Type), gender: int8(c.Gender)}
	if c.Avatar != "" || c.Position != "" || c.CorpName != "" || c.CorpFullName != "" || c.UnionID != "" {
		cu.more = &extProfileMore{avatar: c.Avatar, position: ec.intern(c.Position), corpName: ec.intern(c.CorpName),
			corpFullName: ec.intern(c.CorpFullName), unionID: c.UnionID}
	}
	return cu
}

// followOf makes member userID's side of c.
func (ec *extCorp) followOf(userID string, c *Customer) extFollow {
	return extFollow{user: ec.intern(userID), remark: ec.intern(c.Remark), description: ec.intern(c.Description),
		state: ec.intern(c.State), mobiles: ec.internAll(c.RemarkMobiles), added: c.Added.Unix(), addWay: int32(c.AddWay)}
}

// profile returns the customer's profile as a Customer (no member's side).
func (cu *extCustomer) profile() Customer {
	c := Customer{ExternalUserID: cu.id, Name: cu.name, Type: int(cu.typ), Gender: int(cu.gender)}
	if m := cu.more; m != nil {
		c.Avatar, c.Position, c.CorpName, c.CorpFullName, c.UnionID = m.avatar, m.position, m.corpName, m.corpFullName, m.unionID
	}
	return c
}

// unionID returns the customer's unionid, or "".
func (cu *extCustomer) unionID() string {
	if cu.more == nil {
		return ""
	}
	return cu.more.unionID
}

// customer returns the profile with member f's side.
func (cu *extCustomer) customer(f *extFollow) Customer {
	c := cu.profile()
	c.Remark, c.Description, c.State, c.AddWay = f.remark, f.description, f.state, int(f.addWay)
	c.RemarkMobiles = slices.Clone(f.mobiles)
	c.Added = time.Unix(f.added, 0)
	return c
}

// follow returns member userID's side, or nil.
func (cu *extCustomer) follow(userID string) *extFollow {
	for i := range cu.follows {
		if cu.follows[i].user == userID {
			return &cu.follows[i]
		}
	}
	return nil
}

// unfollow removes member userID's side and returns it.
func (cu *extCustomer) unfollow(userID string) (extFollow, bool) {
	for i := range cu.follows {
		if cu.follows[i].user == userID {
			f := cu.follows[i]
			cu.follows = slices.Delete(cu.follows, i, i+1)
			return f, true
		}
	}
	return extFollow{}, false
}

// addFollowLocked makes cu a customer of f.user, after the member's
// other customers; a member who already follows cu keeps their side.
func (ec *extCorp) addFollowLocked(cu *extCustomer, f extFollow) bool {
	if cu.follow(f.user) != nil {
		return false
	}
	cu.follows = append(cu.follows, f)
	if _, ok := ec.byUser[f.user]; !ok {
		ec.users = append(ec.users, f.user)
	}
	ec.byUser[f.user] = append(ec.byUser[f.user], cu.id)
	return true
}

func (s *Server) addExternalContactRoutes() {
	s.ext = &extState{corps: make(map[string]*extCorp)}
	s.routes["/cgi-bin/externalcontact/get_follow_user_list"] = s.authed(s.handleExtFollowUsers)
	s.routes["/cgi-bin/externalcontact/list"] = s.authed(s.handleExtList)
	s.routes["/cgi-bin/externalcontact/get"] = s.authed(s.handleExtGet)
	s.routes["/cgi-bin/externalcontact/batch/get_by_user"] = s.authed(s.handleExtBatch)
	s.routes["/cgi-bin/externalcontact/remark"] = s.authed(s.handleExtRemark)
	s.routes["/cgi-bin/externalcontact/get_corp_tag_list"] = s.authed(s.handleExtTagList)
	s.routes["/cgi-bin/externalcontact/add_corp_tag"] = s.authed(s.handleExtAddTag)
	s.routes["/cgi-bin/externalcontact/edit_corp_tag"] = s.authed(s.handleExtEditTag)
	s.routes["/cgi-bin/externalcontact/del_corp_tag"] = s.authed(s.handleExtDelTag)
	s.routes["/cgi-bin/externalcontact/mark_tag"] = s.authed(s.handleExtMarkTag)
}

func (e *extState) corpLocked(corpID string) *extCorp {
	c := e.corps[corpID]
	if c == nil {
		c = &extCorp{customers: make(map[string]*extCustomer), byUser: make(map[string][]string), strs: make(map[string]string)}
		e.corps[corpID] = c
	}
	return c
}

// AddCustomer makes c a customer of member userID in corpID. A customer
// added again to the same member replaces the member's side; added to
// another member, it gains a follower and keeps its first profile.
func (s *Server) AddCustomer(corpID, userID string, c Customer) {
	if c.Added.IsZero() {
		c.Added = s.now()
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(corpID)
	cu := ec.customers[c.ExternalUserID]
	if cu == nil {
		cu = ec.newCustomerLocked(&c)
		ec.customers[c.ExternalUserID] = cu
	}
	f := ec.followOf(userID, &c)
	if old := cu.follow(userID); old != nil {
		f.tags = old.tags
		*old = f
		return
	}
	ec.addFollowLocked(cu, f)
}

// CustomerOf returns customer externalUserID as member userID sees them:
// the profile with the member's remark, description, mobiles, state, add
// way and time (whole seconds, as WeCom answers it), and the corp tag ids
// they marked.
func (s *Server) CustomerOf(corpID, userID, externalUserID string) (c Customer, tagIDs []string, ok bool) {
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	cu := e.corpLocked(corpID).customers[externalUserID]
	if cu == nil {
		return Customer{}, nil, false
	}
	f := cu.follow(userID)
	if f == nil {
		return Customer{}, nil, false
	}
	return cu.customer(f), slices.Clone(f.tags), true
}

// CorpTagGroups returns corpID's corp customer tag groups, in the order
// created.
func (s *Server) CorpTagGroups(corpID string) []CustomerTagGroup {
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []CustomerTagGroup
	for _, g := range e.corpLocked(corpID).groups {
		c := *g
		c.Tags = slices.Clone(g.Tags)
		out = append(out, c)
	}
	return out
}

func customerJSON(cu *extCustomer) map[string]any {
	c := cu.profile()
	m := map[string]any{"external_userid": c.ExternalUserID, "name": c.Name, "type": c.Type, "gender": c.Gender, "avatar": c.Avatar}
	if c.Type == 2 {
		m["position"], m["corp_name"], m["corp_full_name"] = c.Position, c.CorpName, c.CorpFullName
	}
	if c.UnionID != "" {
		m["unionid"] = c.UnionID
	}
	return m
}

func (ec *extCorp) tagLocked(id string) (*CustomerTagGroup, *CustomerTag) {
	for _, g := range ec.groups {
		for i := range g.Tags {
			if g.Tags[i].ID == id {
				return g, &g.Tags[i]
			}
		}
	}
	return nil, nil
}

func (ec *extCorp) groupLocked(id string) *CustomerTagGroup {
	for _, g := range ec.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// followJSON is member f's side as externalcontact/get answers it, with
// the tags' names.
func (ec *extCorp) followJSON(f *extFollow) map[string]any {
	m := map[string]any{"userid": f.user, "remark": f.remark, "description": f.description,
		"createtime": f.added, "add_way": f.addWay}
	if f.state != "" {
		m["state"] = f.state
	}
	mobiles := f.mobiles
	if mobiles == nil {
		mobiles = []string{}
	}
	m["remark_mobiles"] = mobiles
	tags := []map[string]any{}
	for _, id := range f.tags {
		if g, t := ec.tagLocked(id); t != nil {
			tags = append(tags, map[string]any{"group_name": g.Name, "tag_name": t.Name, "tag_id": t.ID, "type": 1})
		}
	}
	m["tags"] = tags
	return m
}

// handleExtFollowUsers serves GET externalcontact/get_follow_user_list.
func (s *Server) handleExtFollowUsers(w http.ResponseWriter, _ *http.Request, caller Caller) {
	e := s.ext
	e.mu.Lock()
	users := slices.Clone(e.corpLocked(caller.CorpID).users)
	e.mu.Unlock()
	if users == nil {
		users = []string{}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "follow_user": users})
}

// handleExtList serves GET externalcontact/list.
func (s *Server) handleExtList(w http.ResponseWriter, r *http.Request, caller Caller) {
	e := s.ext
	e.mu.Lock()
	ids := slices.Clone(e.corpLocked(caller.CorpID).byUser[r.URL.Query().Get("userid")])
	e.mu.Unlock()
	if len(ids) == 0 {
		writeError(w, 84061, "not external contact")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "external_userid": ids})
}

// parseExtCursor reads a cursor the fake issued ("" is the start).
func parseExtCursor(w http.ResponseWriter, cursor string) (int, bool) {
	if cursor == "" {
		return 0, true
	}
	n, err := strconv.Atoi(strings.TrimPrefix(cursor, "wecomtest-"))
	if err != nil || n < 0 || !strings.HasPrefix(cursor, "wecomtest-") {
		writeError(w, 40058, "invalid cursor")
		return 0, false
	}
	return n, true
}

// listWindow checks a list's limit and cursor: a limit below 0 or above
// most is 40058, 0 means def; the cursor is an offset (parseExtCursor).
func listWindow(w http.ResponseWriter, limit, most, def int, cursor string) (n, off int, ok bool) {
	if limit < 0 || limit > most {
		writeError(w, 40058, "limit: at most "+strconv.Itoa(most))
		return 0, 0, false
	}
	if limit == 0 {
		limit = def
	}
	off, ok = parseExtCursor(w, cursor)
	return limit, off, ok
}

// handleExtGet serves GET externalcontact/get: 500 followers an answer.
func (s *Server) handleExtGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	q := r.URL.Query()
	off, ok := parseExtCursor(w, q.Get("cursor"))
	if !ok {
		return
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(caller.CorpID)
	cu := ec.customers[q.Get("external_userid")]
	if cu == nil {
		writeError(w, 40096, "invalid external userid")
		return
	}
	end := min(off+extGetPage, len(cu.follows))
	follows := []map[string]any{}
	for i := min(off, end); i < end; i++ {
		follows = append(follows, ec.followJSON(&cu.follows[i]))
	}
	next := ""
	if end < len(cu.follows) {
		next = "wecomtest-" + strconv.Itoa(end)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "external_contact": customerJSON(cu),
		"follow_user": follows, "next_cursor": next})
}

// followLocked finds member userID's side of customer ext, answering the
// errcode itself.
func (ec *extCorp) followLocked(w http.ResponseWriter, userID, ext string) *extFollow {
	cu := ec.customers[ext]
	if cu == nil {
		writeError(w, 40096, "invalid external userid")
		return nil
	}
	f := cu.follow(userID)
	if f == nil {
		writeError(w, 84061, "not external contact")
	}
	return f
}

// handleExtRemark serves POST externalcontact/remark.
func (s *Server) handleExtRemark(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID         string    `json:"userid"`
		ExternalUserID string    `json:"external_userid"`
		Remark         *string   `json:"remark"`
		Description    *string   `json:"description"`
		RemarkCompany  *string   `json:"remark_company"`
		RemarkMobiles  *[]string `json:"remark_mobiles"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.corpLocked(caller.CorpID).followLocked(w, b.UserID, b.ExternalUserID)
	if f == nil {
		return
	}
	ec := e.corpLocked(caller.CorpID)
	if b.Remark != nil {
		f.remark = ec.intern(*b.Remark)
	}
	if b.Description != nil {
		f.description = ec.intern(*b.Description)
	}
	// doc 92115: the numbers given replace the old ones; an empty string
	// ([""]) clears them. An empty list is not the documented way and
	// leaves them (the fake's reading).
	switch m := b.RemarkMobiles; {
	case m == nil || len(*m) == 0:
	case len(*m) == 1 && (*m)[0] == "":
		f.mobiles = nil
	default:
		f.mobiles = ec.internAll(*m)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

func tagGroupJSON(g *CustomerTagGroup, only map[string]bool) map[string]any {
	tags := []map[string]any{}
	for _, t := range g.Tags {
		if only != nil && !only[t.ID] {
			continue
		}
		tags = append(tags, map[string]any{"id": t.ID, "name": t.Name, "create_time": t.Created.Unix(), "order": t.Order, "deleted": false})
	}
	return map[string]any{"group_id": g.ID, "group_name": g.Name, "create_time": g.Created.Unix(), "order": g.Order, "deleted": false, "tag": tags}
}

type extTagIDs struct {
	TagID   []string `json:"tag_id"`
	GroupID []string `json:"group_id"`
}

// handleExtTagList serves POST externalcontact/get_corp_tag_list: with
// group ids their groups whole (tag ids ignored), else with tag ids those
// tags in their groups, else everything. Unknown ids are skipped.
func (s *Server) handleExtTagList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b extTagIDs
	if !decodeBody(w, r, &b) {
		return
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	groups := []map[string]any{}
	for _, g := range e.corpLocked(caller.CorpID).groups {
		switch {
		case len(b.GroupID) > 0:
			if slices.Contains(b.GroupID, g.ID) {
				groups = append(groups, tagGroupJSON(g, nil))
			}
		case len(b.TagID) > 0:
			only := map[string]bool{}
			for _, t := range g.Tags {
				if slices.Contains(b.TagID, t.ID) {
					only[t.ID] = true
				}
			}
			if len(only) > 0 {
				groups = append(groups, tagGroupJSON(g, only))
			}
		default:
			groups = append(groups, tagGroupJSON(g, nil))
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "tag_group": groups})
}

// handleExtAddTag serves POST externalcontact/add_corp_tag: into the group
// group_id, or the group named group_name (created when there is none).
// A tag name already in the group is answered 40071 (标签名字已经存在), the
// fake's reading of the global table.
func (s *Server) handleExtAddTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		GroupID   string   `json:"group_id"`
		GroupName string   `json:"group_name"`
		Order     uint32   `json:"order"`
		Tag       []newTag `json:"tag"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	now := s.now()
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(caller.CorpID)
	var g *CustomerTagGroup
	switch {
	case b.GroupID != "":
		if g = ec.groupLocked(b.GroupID); g == nil {
			writeError(w, 40068, "invalid tagid")
			return
		}
	default:
		for _, x := range ec.groups {
			if x.Name == b.GroupName {
				g = x
			}
		}
	}
	if g == nil {
		ec.seq++
		g = &CustomerTagGroup{ID: "etwecomtestgroup" + strconv.Itoa(ec.seq), Name: b.GroupName, Order: b.Order, Created: now}
		ec.groups = append(ec.groups, g)
	}
	only, ok := addTags(w, g, b.Tag, now, func() string {
		ec.seq++
		return "etwecomtesttag" + strconv.Itoa(ec.seq)
	})
	if !ok {
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "tag_group": tagGroupJSON(g, only)})
}

// newTag is a tag to add, in add_corp_tag and add_strategy_tag.
type newTag struct {
	Name  string `json:"name"`
	Order uint32 `json:"order"`
}

// addTags adds tags to g, each with an id from nextID, and returns the
// ids as the set tagGroupJSON shows. A name that is empty or already in
// g is answered 40071 and adds nothing.
func addTags(w http.ResponseWriter, g *CustomerTagGroup, tags []newTag, now time.Time, nextID func() string) (map[string]bool, bool) {
	for _, t := range tags {
		if t.Name == "" || slices.ContainsFunc(g.Tags, func(x CustomerTag) bool { return x.Name == t.Name }) {
			writeError(w, 40071, "tag name exists")
			return nil, false
		}
	}
	only := map[string]bool{}
	for _, t := range tags {
		id := nextID()
		g.Tags = append(g.Tags, CustomerTag{ID: id, Name: t.Name, Order: t.Order, Created: now})
		only[id] = true
	}
	return only, true
}

// handleExtEditTag serves POST externalcontact/edit_corp_tag: id names a
// tag or a group.
func (s *Server) handleExtEditTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ID    string  `json:"id"`
		Name  string  `json:"name"`
		Order *uint32 `json:"order"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(caller.CorpID)
	name, order := (*string)(nil), (*uint32)(nil)
	if g := ec.groupLocked(b.ID); g != nil {
		name, order = &g.Name, &g.Order
	} else if _, t := ec.tagLocked(b.ID); t != nil {
		name, order = &t.Name, &t.Order
	} else {
		writeError(w, 40068, "invalid tagid")
		return
	}
	if b.Name != "" {
		*name = b.Name
	}
	if b.Order != nil {
		*order = *b.Order
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleExtDelTag serves POST externalcontact/del_corp_tag: a group goes
// with its tags, and a group whose last tag goes goes too (doc 92117 as
// we recall it, UNCONFIRMED against the page); the marks of deleted tags
// go.
func (s *Server) handleExtDelTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b extTagIDs
	if !decodeBody(w, r, &b) {
		return
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(caller.CorpID)
	for _, id := range b.GroupID {
		if ec.groupLocked(id) == nil {
			writeError(w, 40068, "invalid tagid")
			return
		}
	}
	for _, id := range b.TagID {
		if _, t := ec.tagLocked(id); t == nil {
			writeError(w, 40068, "invalid tagid")
			return
		}
	}
	gone := map[string]bool{}
	ec.groups = slices.DeleteFunc(ec.groups, func(g *CustomerTagGroup) bool {
		whole := slices.Contains(b.GroupID, g.ID)
		g.Tags = slices.DeleteFunc(g.Tags, func(t CustomerTag) bool {
			if whole || slices.Contains(b.TagID, t.ID) {
				gone[t.ID] = true
				return true
			}
			return false
		})
		return len(g.Tags) == 0
	})
	for _, cu := range ec.customers {
		for i := range cu.follows {
			f := &cu.follows[i]
			f.tags = slices.DeleteFunc(f.tags, func(id string) bool { return gone[id] })
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleExtMarkTag serves POST externalcontact/mark_tag.
func (s *Server) handleExtMarkTag(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID         string   `json:"userid"`
		ExternalUserID string   `json:"external_userid"`
		AddTag         []string `json:"add_tag"`
		RemoveTag      []string `json:"remove_tag"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(caller.CorpID)
	f := ec.followLocked(w, b.UserID, b.ExternalUserID)
	if f == nil {
		return
	}
	for _, id := range slices.Concat(b.AddTag, b.RemoveTag) {
		if _, t := ec.tagLocked(id); t == nil {
			writeError(w, 40068, "invalid tagid")
			return
		}
	}
	for _, id := range b.AddTag {
		if !slices.Contains(f.tags, id) {
			f.tags = append(f.tags, ec.intern(id))
		}
	}
	f.tags = slices.DeleteFunc(f.tags, func(id string) bool { return slices.Contains(b.RemoveTag, id) })
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}
