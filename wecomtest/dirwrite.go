package wecomtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The directory's writes: members (docs 90195–90199), member-id lookups
// (95402, 95895, 90202), departments (90205–90207) and tags (90210–90216).
// A create makes the member, department or tag, an update changes it, a
// delete removes it; reads (user/get, department/list, tag/get …) see the
// result at once.
//
// The fake does not model who may write: any access token of the
// corporation may (WeCom allows the contact-sync helper with API editing,
// and third-party contacts apps).
//
// Errcodes. WeCom's global error code page
// (https://developer.work.weixin.qq.com/document/path/90313) is not in our
// copy; the texts below are those of that table as SDKs reproduce it
// (WxJava's and others' code tables), and the per-endpoint ones are from
// the endpoint's own page where it names them (40070 and 40031 for tags,
// docs 90214 and 90215). Codes marked "the fake's choice" are not
// documented for that situation.
const (
	codeUserIDExists      = 60102 // UserID已存在
	codeMobileExists      = 60104 // 手机号码已存在
	codeEmailExists       = 60106 // 邮箱已存在
	codeUserNotFound      = 60111 // UserID不存在
	codeBadMemberName     = 60112 // 成员name参数非法
	codeNoMobileNorEmail  = 60129 // 成员手机和邮箱都为空
	codeDeptNotFound      = 60003 // 部门ID不存在
	codeParentNotFound    = 60004 // 父部门不存在
	codeDeptHasMembers    = 60005 // 部门下存在成员
	codeDeptHasChildren   = 60006 // 部门下存在子部门
	codeDeleteRootDept    = 60007 // 不允许删除根部门
	codeDeptExists        = 60008 // 部门已存在 (a name taken among siblings, or an id taken)
	codeDeptNameLength    = 60001 // 部门长度不符合限制 (the fake's choice for an empty or long name)
	codeDeptCycle         = 60010 // 部门存在循环关系
	codeInvalidDeptID     = 60123 // 无效的部门id
	codeInvalidTagID      = 40068 // 不合法的标签ID
	codeTagNameExists     = 40071 // 不合法的标签名字，标签名字已经存在
	codeTagNameLength     = 40072 // 不合法的标签名字长度
	codeAllListInvalid    = 40070 // 列表中所有标签(用户)ID都不合法: addtagusers (doc 90214)
	codeInvalidUserIDList = 40031 // 不合法的UserID列表: batchdelete; deltagusers all invalid (doc 90215)
	codeUserIDListLength  = 40032 // 不合法的UserID列表长度
	codeInvalidDeptList   = 40066 // 不合法的部门列表 (the fake's choice for > 100 departments)
	codeInvalidOpenID     = 40073 // 不合法的openid (openid不存在): convert_to_userid, the fake's reading of the table
	// codeNoSuchMember answers getuserid and get_userid_by_email for an
	// address no member has: 46004 指定的用户不存在, whose entry in WeCom's
	// global table (doc 90313) names this case (传入的手机号或邮箱不存在企业通讯录中).
	codeNoSuchMember = 46004
	codeMissingDept  = 41019 // 缺少department参数 (as validate.go's missingFieldCodes)
)

var dirWriteMsgs = map[int]string{
	codeUserIDExists:      "userid existed",
	codeMobileExists:      "mobile existed",
	codeEmailExists:       "email existed",
	codeUserNotFound:      "userid not found",
	codeBadMemberName:     "invalid name",
	codeNoMobileNorEmail:  "mobile and email are both empty",
	codeDeptNotFound:      "department not found",
	codeParentNotFound:    "parent department not found",
	codeDeptHasMembers:    "department contains user",
	codeDeptHasChildren:   "department contains sub-department",
	codeDeleteRootDept:    "not allow to delete root department",
	codeDeptExists:        "department existed",
	codeDeptNameLength:    "invalid department name length",
	codeDeptCycle:         "department cycle",
	codeInvalidDeptID:     "invalid party id",
	codeInvalidTagID:      "invalid tagid",
	codeTagNameExists:     "invalid tag name, tag name existed",
	codeTagNameLength:     "invalid tag name length",
	codeAllListInvalid:    "all list invalid",
	codeInvalidUserIDList: "invalid userid list",
	codeUserIDListLength:  "invalid userid list length",
	codeInvalidDeptList:   "invalid party list",
	codeInvalidOpenID:     "invalid openid",
	codeNoSuchMember:      "user no exist",
	codeMissingDept:       "missing department",
}

func dwError(w http.ResponseWriter, code int) { writeError(w, code, dirWriteMsgs[code]) }

// dirWriteState is the fake's model behind addDirectoryWriteRoutes's
// routes: the tags (members and departments live in directory.go's and
// contact.go's models). Guarded by Server.mu.
type dirWriteState struct {
	tags map[string]map[int64]*fakeTag // corpID → tagid → tag
}

type fakeTag struct {
	id      int64
	name    string
	users   map[string]string // lower-case userid → userid
	parties map[int64]bool
}

// addDirectoryWriteRoutes registers the routes of this file's endpoints.
func (s *Server) addDirectoryWriteRoutes() {
	s.dw = dirWriteState{tags: make(map[string]map[int64]*fakeTag)}
	for path, h := range map[string]HandlerFunc{
		"/cgi-bin/user/create":              s.handleUserCreate,
		"/cgi-bin/user/update":              s.handleUserUpdate,
		"/cgi-bin/user/delete":              s.handleUserDelete,
		"/cgi-bin/user/batchdelete":         s.handleUserBatchDelete,
		"/cgi-bin/user/getuserid":           s.handleGetUserIDByMobile,
		"/cgi-bin/user/get_userid_by_email": s.handleGetUserIDByEmail,
		"/cgi-bin/user/convert_to_openid":   s.handleConvertToOpenID,
		"/cgi-bin/user/convert_to_userid":   s.handleConvertToUserID,
		"/cgi-bin/department/create":        s.handleDepartmentCreate,
		"/cgi-bin/department/update":        s.handleDepartmentUpdate,
		"/cgi-bin/department/delete":        s.handleDepartmentDelete,
		"/cgi-bin/tag/create":               s.handleTagCreate,
		"/cgi-bin/tag/update":               s.handleTagUpdate,
		"/cgi-bin/tag/delete":               s.handleTagDelete,
		"/cgi-bin/tag/get":                  s.handleTagGet,
		"/cgi-bin/tag/list":                 s.handleTagList,
		"/cgi-bin/tag/addtagusers":          s.handleTagAddUsers,
		"/cgi-bin/tag/deltagusers":          s.handleTagDelUsers,
	} {
		s.routes[path] = s.authed(h)
	}
}

// decodeWrite decodes a POST's JSON body into v, answering 47001 (data
// format error) to anything else.
func decodeWrite(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v) != nil {
		writeError(w, 47001, "")
		return false
	}
	return true
}

// memberWrite is user/create's and user/update's body; nil is absent.
type memberWrite struct {
	UserID     *string  `json:"userid"`
	Name       *string  `json:"name"`
	Mobile     *string  `json:"mobile"`
	Email      *string  `json:"email"`
	BizMail    *string  `json:"biz_mail"`
	Gender     *string  `json:"gender"`
	Position   *string  `json:"position"`
	Department *[]int64 `json:"department"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkMemberLocked answers the errcode for fields of b that clash with
// another member than self or name a department that does not exist.
func (s *Server) checkMemberLocked(w http.ResponseWriter, corpID string, b *memberWrite, self string) bool {
	if b.Name != nil && (*b.Name == "" || utf8.RuneCountInString(*b.Name) > 64) {
		dwError(w, codeBadMemberName)
		return false
	}
	if b.Department != nil {
		if len(*b.Department) == 0 {
			dwError(w, codeMissingDept)
			return false
		}
		for _, d := range *b.Department {
			if s.con.depts[corpID][d] == nil {
				dwError(w, codeDeptNotFound)
				return false
			}
		}
	}
	for k, m := range s.dir.members[corpID] {
		if k == strings.ToLower(self) {
			continue
		}
		if b.Mobile != nil && *b.Mobile != "" && m.Mobile == *b.Mobile {
			dwError(w, codeMobileExists)
			return false
		}
		if b.Email != nil && *b.Email != "" && strings.EqualFold(m.Email, *b.Email) {
			dwError(w, codeEmailExists)
			return false
		}
	}
	return true
}

// handleUserCreate serves POST /cgi-bin/user/create (doc 90195).
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b memberWrite
	if !decodeWrite(w, r, &b) {
		return
	}
	switch {
	case str(b.UserID) == "":
		writeError(w, 41009, "")
		return
	case b.Name == nil:
		dwError(w, codeBadMemberName)
		return
	case b.Department == nil:
		dwError(w, codeMissingDept)
		return
	case str(b.Mobile) == "" && str(b.Email) == "" && str(b.BizMail) == "":
		// "mobile/email二者不能同时为空" (doc 90195); a corporate mailbox
		// the fake accepts in their place.
		dwError(w, codeNoMobileNorEmail)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memberLocked(c.CorpID, *b.UserID) != nil {
		dwError(w, codeUserIDExists)
		return
	}
	if !s.checkMemberLocked(w, c.CorpID, &b, *b.UserID) {
		return
	}
	m := &Member{UserID: *b.UserID, Name: *b.Name, Mobile: str(b.Mobile), Email: str(b.Email), BizMail: str(b.BizMail),
		Gender: str(b.Gender), Position: str(b.Position), Department: append([]int64(nil), *b.Department...)}
	byID := s.dir.members[c.CorpID]
	if byID == nil {
		byID = make(map[string]*Member)
		s.dir.members[c.CorpID] = byID
	}
	byID[strings.ToLower(m.UserID)] = m
	s.con.gen++
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "created"})
}

// handleUserUpdate serves POST /cgi-bin/user/update (doc 90197): absent
// fields are left unchanged.
func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b memberWrite
	if !decodeWrite(w, r, &b) {
		return
	}
	if str(b.UserID) == "" {
		writeError(w, 41009, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.memberLocked(c.CorpID, *b.UserID)
	if m == nil {
		dwError(w, codeUserNotFound)
		return
	}
	if !s.checkMemberLocked(w, c.CorpID, &b, m.UserID) {
		return
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&m.Name, b.Name)
	set(&m.Mobile, b.Mobile)
	set(&m.Email, b.Email)
	set(&m.BizMail, b.BizMail)
	set(&m.Gender, b.Gender)
	set(&m.Position, b.Position)
	if b.Department != nil {
		m.Department = append([]int64(nil), *b.Department...)
	}
	s.con.gen++
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "updated"})
}

// deleteMemberLocked removes a member from the directory and its tags.
func (s *Server) deleteMemberLocked(corpID, userID string) {
	k := strings.ToLower(userID)
	delete(s.dir.members[corpID], k)
	for _, t := range s.dw.tags[corpID] {
		delete(t.users, k)
	}
	s.con.gen++
}

// handleUserDelete serves GET /cgi-bin/user/delete (doc 90198).
func (s *Server) handleUserDelete(w http.ResponseWriter, r *http.Request, c Caller) {
	userID := r.URL.Query().Get("userid")
	if userID == "" {
		writeError(w, 41009, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memberLocked(c.CorpID, userID) == nil {
		dwError(w, codeUserNotFound)
		return
	}
	s.deleteMemberLocked(c.CorpID, userID)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "deleted"})
}

// handleUserBatchDelete serves POST /cgi-bin/user/batchdelete (doc 90199):
// at most 200 userids; one unknown userid fails the whole call, deleting
// none (若存在无效UserID，直接返回错误).
func (s *Server) handleUserBatchDelete(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		UserIDs []string `json:"useridlist"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	switch {
	case len(b.UserIDs) == 0:
		writeError(w, 41009, "")
		return
	case len(b.UserIDs) > 200:
		dwError(w, codeUserIDListLength)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range b.UserIDs {
		if s.memberLocked(c.CorpID, u) == nil {
			dwError(w, codeInvalidUserIDList)
			return
		}
	}
	for _, u := range b.UserIDs {
		s.deleteMemberLocked(c.CorpID, u)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "deleted"})
}

// handleGetUserIDByMobile serves POST /cgi-bin/user/getuserid (doc 95402).
func (s *Server) handleGetUserIDByMobile(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		Mobile string `json:"mobile"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	if b.Mobile == "" {
		writeError(w, 40058, "missing mobile")
		return
	}
	s.findMember(w, c, func(m *Member) bool { return m.Mobile == b.Mobile })
}

// handleGetUserIDByEmail serves POST /cgi-bin/user/get_userid_by_email
// (doc 95895): email_type 1 (the default) looks in the corporate mailbox
// (biz_mail), 2 in the personal one (email).
func (s *Server) handleGetUserIDByEmail(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		Email     string `json:"email"`
		EmailType int    `json:"email_type"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	switch {
	case b.Email == "":
		writeError(w, 40058, "missing email")
		return
	case b.EmailType != 0 && b.EmailType != 1 && b.EmailType != 2:
		writeError(w, 40058, "invalid email_type")
		return
	}
	s.findMember(w, c, func(m *Member) bool {
		if b.EmailType == 2 {
			return strings.EqualFold(m.Email, b.Email)
		}
		return strings.EqualFold(m.BizMail, b.Email)
	})
}

func (s *Server) findMember(w http.ResponseWriter, c Caller, match func(*Member) bool) {
	s.findMemberOr(w, c, match, codeNoSuchMember)
}

// memberOpenID is the fake's stable openid of a member.
func memberOpenID(corpID, userID string) string {
	h := sha256.Sum256([]byte("openid\x00" + corpID + "\x00" + strings.ToLower(userID)))
	return "oWT" + hex.EncodeToString(h[:12])
}

// handleConvertToOpenID serves POST /cgi-bin/user/convert_to_openid
// (doc 90202).
func (s *Server) handleConvertToOpenID(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		UserID string `json:"userid"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	if b.UserID == "" {
		writeError(w, 41009, "")
		return
	}
	s.mu.Lock()
	m := s.memberLocked(c.CorpID, b.UserID)
	s.mu.Unlock()
	if m == nil {
		dwError(w, codeUserNotFound)
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "openid": memberOpenID(c.CorpID, b.UserID)})
}

// handleConvertToUserID serves POST /cgi-bin/user/convert_to_userid
// (doc 90202).
func (s *Server) handleConvertToUserID(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		OpenID string `json:"openid"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	if b.OpenID == "" {
		writeError(w, 40058, "missing openid")
		return
	}
	s.findMemberOr(w, c, func(m *Member) bool { return memberOpenID(c.CorpID, m.UserID) == b.OpenID }, codeInvalidOpenID)
}

func (s *Server) findMemberOr(w http.ResponseWriter, c Caller, match func(*Member) bool, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.dir.members[c.CorpID] {
		if match(m) {
			writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid": m.UserID})
			return
		}
	}
	dwError(w, code)
}

// departmentWrite is department/create's and department/update's body.
type departmentWrite struct {
	ID       *int64  `json:"id"`
	Name     *string `json:"name"`
	NameEn   *string `json:"name_en"`
	ParentID *int64  `json:"parentid"`
	Order    *int64  `json:"order"`
}

func validDeptName(n string) bool {
	return n != "" && utf8.RuneCountInString(n) <= 64 && !strings.ContainsAny(n, `\:*?"<>|`)
}

// siblingNamedLocked reports whether a department other than self under
// parent is called name.
func (s *Server) siblingNamedLocked(corpID string, parent, self int64, name string) bool {
	for _, d := range s.con.depts[corpID] {
		if d.ID != self && d.ParentID == parent && d.Name == name {
			return true
		}
	}
	return false
}

// handleDepartmentCreate serves POST /cgi-bin/department/create (doc
// 90205): the new id is the one asked for (> 1) or one more than the
// largest.
func (s *Server) handleDepartmentCreate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b departmentWrite
	if !decodeWrite(w, r, &b) {
		return
	}
	switch {
	case b.Name == nil || !validDeptName(*b.Name):
		dwError(w, codeDeptNameLength)
		return
	case b.ParentID == nil || *b.ParentID <= 0:
		writeError(w, 60124, "invalid parent party id") // 无效的父部门id
		return
	case b.ID != nil && *b.ID <= 1:
		dwError(w, codeInvalidDeptID)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	depts := s.con.depts[c.CorpID]
	switch {
	case depts[*b.ParentID] == nil:
		dwError(w, codeParentNotFound)
		return
	case b.ID != nil && depts[*b.ID] != nil,
		s.siblingNamedLocked(c.CorpID, *b.ParentID, 0, *b.Name):
		dwError(w, codeDeptExists)
		return
	}
	id := int64(1)
	if b.ID != nil {
		id = *b.ID
	} else {
		for k := range depts {
			id = max(id, k)
		}
		id++
	}
	d := Department{ID: id, ParentID: *b.ParentID, Name: *b.Name}
	if b.NameEn != nil {
		d.NameEn = *b.NameEn
	}
	if b.Order != nil {
		d.Order = *b.Order
	}
	s.addDepartmentLocked(c.CorpID, d)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "created", "id": id})
}

// handleDepartmentUpdate serves POST /cgi-bin/department/update (doc
// 90206): absent fields are left unchanged; a new parentid moves the
// department, but not below itself (60010).
func (s *Server) handleDepartmentUpdate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b departmentWrite
	if !decodeWrite(w, r, &b) {
		return
	}
	if b.ID == nil {
		writeError(w, 40058, "missing id")
		return
	}
	if b.Name != nil && !validDeptName(*b.Name) {
		dwError(w, codeDeptNameLength)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	depts := s.con.depts[c.CorpID]
	d := depts[*b.ID]
	if d == nil {
		dwError(w, codeDeptNotFound)
		return
	}
	parent, name := d.ParentID, d.Name
	if b.ParentID != nil {
		parent = *b.ParentID
		if depts[parent] == nil {
			dwError(w, codeParentNotFound)
			return
		}
		for p := parent; p != 0; p = depts[p].ParentID {
			if p == d.ID {
				dwError(w, codeDeptCycle)
				return
			}
			if depts[p] == nil || depts[p].ParentID == p {
				break
			}
		}
	}
	if b.Name != nil {
		name = *b.Name
	}
	if s.siblingNamedLocked(c.CorpID, parent, d.ID, name) {
		dwError(w, codeDeptExists)
		return
	}
	d.ParentID, d.Name = parent, name
	if b.NameEn != nil {
		d.NameEn = *b.NameEn
	}
	if b.Order != nil {
		d.Order = *b.Order
	}
	s.con.gen++
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "updated"})
}

// handleDepartmentDelete serves GET /cgi-bin/department/delete (doc
// 90207): not the root, not with members or sub-departments.
func (s *Server) handleDepartmentDelete(w http.ResponseWriter, r *http.Request, c Caller) {
	id, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
	if err != nil || id <= 0 {
		dwError(w, codeInvalidDeptID)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	depts := s.con.depts[c.CorpID]
	d := depts[id]
	if d == nil {
		dwError(w, codeDeptNotFound)
		return
	}
	if d.ParentID == 0 {
		dwError(w, codeDeleteRootDept)
		return
	}
	for _, o := range depts {
		if o.ParentID == id && o.ID != id {
			dwError(w, codeDeptHasChildren)
			return
		}
	}
	for _, m := range s.dir.members[c.CorpID] {
		for _, md := range m.Department {
			if md == id {
				dwError(w, codeDeptHasMembers)
				return
			}
		}
	}
	delete(depts, id)
	for _, t := range s.dw.tags[c.CorpID] {
		delete(t.parties, id)
	}
	s.con.gen++
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "deleted"})
}

// tagLocked returns tag id of corpID, or nil.
func (s *Server) tagLocked(corpID string, id int64) *fakeTag {
	return s.dw.tags[corpID][id]
}

func (s *Server) tagNamedLocked(corpID, name string, self int64) bool {
	for _, t := range s.dw.tags[corpID] {
		if t.id != self && t.name == name {
			return true
		}
	}
	return false
}

func validTagName(n string) bool { return n != "" && utf8.RuneCountInString(n) <= 32 }

// handleTagCreate serves POST /cgi-bin/tag/create (doc 90210): the id
// asked for, or one more than the largest.
func (s *Server) handleTagCreate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		Name string `json:"tagname"`
		ID   *int64 `json:"tagid"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	switch {
	case !validTagName(b.Name):
		dwError(w, codeTagNameLength)
		return
	case b.ID != nil && *b.ID < 0:
		dwError(w, codeInvalidTagID)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tagNamedLocked(c.CorpID, b.Name, -1) {
		dwError(w, codeTagNameExists)
		return
	}
	tags := s.dw.tags[c.CorpID]
	if tags == nil {
		tags = make(map[int64]*fakeTag)
		s.dw.tags[c.CorpID] = tags
	}
	var id int64
	if b.ID != nil && *b.ID != 0 {
		id = *b.ID
		if tags[id] != nil {
			dwError(w, codeInvalidTagID) // an id taken: the fake's choice
			return
		}
	} else {
		for k := range tags {
			id = max(id, k)
		}
		id++
	}
	tags[id] = &fakeTag{id: id, name: b.Name, users: make(map[string]string), parties: make(map[int64]bool)}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "created", "tagid": id})
}

// handleTagUpdate serves POST /cgi-bin/tag/update (doc 90211).
func (s *Server) handleTagUpdate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		ID   int64  `json:"tagid"`
		Name string `json:"tagname"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	if !validTagName(b.Name) {
		dwError(w, codeTagNameLength)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tagLocked(c.CorpID, b.ID)
	switch {
	case t == nil:
		dwError(w, codeInvalidTagID)
	case s.tagNamedLocked(c.CorpID, b.Name, t.id):
		dwError(w, codeTagNameExists)
	default:
		t.name = b.Name
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "updated"})
	}
}

func queryTagID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.URL.Query().Get("tagid"), 10, 64)
	if err != nil {
		return -1
	}
	return id
}

// handleTagDelete serves GET /cgi-bin/tag/delete (doc 90212). The page
// asks only that the caller created the tag; a tag with members is
// deleted with them.
func (s *Server) handleTagDelete(w http.ResponseWriter, r *http.Request, c Caller) {
	id := queryTagID(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tagLocked(c.CorpID, id) == nil {
		dwError(w, codeInvalidTagID)
		return
	}
	delete(s.dw.tags[c.CorpID], id)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "deleted"})
}

// handleTagGet serves GET /cgi-bin/tag/get (doc 90213): the whole tag in
// one answer, members by userid.
func (s *Server) handleTagGet(w http.ResponseWriter, r *http.Request, c Caller) {
	id := queryTagID(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tagLocked(c.CorpID, id)
	if t == nil {
		dwError(w, codeInvalidTagID)
		return
	}
	type user struct {
		UserID string `json:"userid"`
		Name   string `json:"name"`
	}
	users := make([]user, 0, len(t.users))
	for k, u := range t.users {
		name := ""
		if m := s.dir.members[c.CorpID][k]; m != nil {
			name = m.Name
		}
		users = append(users, user{u, name})
	}
	sort.Slice(users, func(i, j int) bool { return users[i].UserID < users[j].UserID })
	parties := make([]int64, 0, len(t.parties))
	for p := range t.parties {
		parties = append(parties, p)
	}
	sort.Slice(parties, func(i, j int) bool { return parties[i] < parties[j] })
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "tagname": t.name, "userlist": users, "partylist": parties})
}

// handleTagList serves GET /cgi-bin/tag/list (doc 90216), by tagid.
func (s *Server) handleTagList(w http.ResponseWriter, r *http.Request, c Caller) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type tag struct {
		ID   int64  `json:"tagid"`
		Name string `json:"tagname"`
	}
	out := make([]tag, 0, len(s.dw.tags[c.CorpID]))
	for _, t := range s.dw.tags[c.CorpID] {
		out = append(out, tag{t.id, t.name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "taglist": out})
}

func (s *Server) handleTagAddUsers(w http.ResponseWriter, r *http.Request, c Caller) {
	s.tagUsers(w, r, c, true)
}

func (s *Server) handleTagDelUsers(w http.ResponseWriter, r *http.Request, c Caller) {
	s.tagUsers(w, r, c, false)
}

// tagUsers serves POST /cgi-bin/tag/addtagusers (doc 90214) and
// /cgi-bin/tag/deltagusers (doc 90215): userids not in the directory and
// department ids that do not exist are refused — listed in invalidlist
// ("a|b") and invalidparty with errcode 0 — and the others applied; when
// every id is refused, the call fails with 40070 (add) or 40031 (del), as
// the pages show.
func (s *Server) tagUsers(w http.ResponseWriter, r *http.Request, c Caller, add bool) {
	var b struct {
		ID      int64    `json:"tagid"`
		Users   []string `json:"userlist"`
		Parties []int64  `json:"partylist"`
	}
	if !decodeWrite(w, r, &b) {
		return
	}
	switch {
	case len(b.Users) == 0 && len(b.Parties) == 0:
		writeError(w, 40058, "userlist and partylist are both empty") // the fake's choice
		return
	case len(b.Users) > 1000:
		dwError(w, codeUserIDListLength)
		return
	case len(b.Parties) > 100:
		dwError(w, codeInvalidDeptList)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tagLocked(c.CorpID, b.ID)
	if t == nil {
		dwError(w, codeInvalidTagID)
		return
	}
	var badUsers []string
	var badParties []int64
	var okUsers []*Member
	var okParties []int64
	for _, u := range b.Users {
		if m := s.memberLocked(c.CorpID, u); m != nil {
			okUsers = append(okUsers, m)
		} else {
			badUsers = append(badUsers, u)
		}
	}
	for _, p := range b.Parties {
		if s.con.depts[c.CorpID][p] != nil {
			okParties = append(okParties, p)
		} else {
			badParties = append(badParties, p)
		}
	}
	if len(okUsers) == 0 && len(okParties) == 0 {
		if add {
			dwError(w, codeAllListInvalid)
		} else {
			dwError(w, codeInvalidUserIDList)
		}
		return
	}
	for _, m := range okUsers {
		if add {
			t.users[strings.ToLower(m.UserID)] = m.UserID
		} else {
			delete(t.users, strings.ToLower(m.UserID))
		}
	}
	for _, p := range okParties {
		if add {
			t.parties[p] = true
		} else {
			delete(t.parties, p)
		}
	}
	msg := "ok"
	if !add {
		msg = "deleted"
	}
	out := map[string]any{"errcode": 0, "errmsg": msg}
	if len(badUsers) > 0 {
		out["invalidlist"] = strings.Join(badUsers, "|")
	}
	if len(badParties) > 0 {
		out["invalidparty"] = badParties
	}
	writeJSON(w, out)
}

// Tag is a tag of a fake corporation's directory, as tag/get describes
// it.
type Tag struct {
	ID          int64
	Name        string
	Users       []string // userids, sorted
	Departments []int64  // sorted
}

// Tags returns corpID's tags, by id.
func (s *Server) Tags(corpID string) []Tag {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Tag, 0, len(s.dw.tags[corpID]))
	for _, t := range s.dw.tags[corpID] {
		tg := Tag{ID: t.id, Name: t.name}
		for _, u := range t.users {
			tg.Users = append(tg.Users, u)
		}
		for p := range t.parties {
			tg.Departments = append(tg.Departments, p)
		}
		sort.Strings(tg.Users)
		sort.Slice(tg.Departments, func(i, j int) bool { return tg.Departments[i] < tg.Departments[j] })
		out = append(out, tg)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
