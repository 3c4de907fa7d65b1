package contact

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Field names one attribute of a [User] or a [Department]; a set of them
// ([Field] values or-ed together) records which attributes WeCom returned.
// An attribute whose bit is not set is unknown — WeCom did not return it
// to the credential that asked — which is different from empty.
type Field uint32

// The attributes, by their names in WeCom's JSON.
const (
	FieldName             Field = 1 << iota // name (user and department)
	FieldNameEn                             // name_en (department)
	FieldLeaders                            // department_leader (department)
	FieldParentID                           // parentid (department)
	FieldOrder                              // order (department)
	FieldDepartment                         // department (user)
	FieldAlias                              // alias
	FieldPosition                           // position
	FieldMobile                             // mobile
	FieldGender                             // gender
	FieldEmail                              // email
	FieldBizMail                            // biz_mail
	FieldTelephone                          // telephone
	FieldAddress                            // address
	FieldAvatar                             // avatar
	FieldOpenUserID                         // open_userid
	FieldExternalPosition                   // external_position
	FieldMainDepartment                     // main_department
	FieldStatus                             // status
	FieldDirectLeader                       // direct_leader
	fieldEnd
)

var fieldNames = [...]string{
	"name", "name_en", "department_leader", "parentid", "order", "department", "alias", "position",
	"mobile", "gender", "email", "biz_mail", "telephone", "address", "avatar", "open_userid",
	"external_position", "main_department", "status", "direct_leader",
}

// Has reports whether every field of g is in f.
func (f Field) Has(g Field) bool { return f&g == g }

// String returns the WeCom JSON names of the fields in f, joined by "|".
func (f Field) String() string {
	var b []byte
	for i, n := range fieldNames {
		if f&(1<<i) != 0 {
			if len(b) > 0 {
				b = append(b, '|')
			}
			b = append(b, n...)
		}
	}
	return string(b)
}

// Department is a department (部门). ID, ParentID and Order come from the
// directory's structure and are always known; Name, NameEn and Leaders
// only when the credential that read them may see them (Known).
type Department struct {
	ID       int64
	ParentID int64 // 0 for the root
	Order    int64 // larger first, as WeCom sorts
	Name     string
	NameEn   string
	Leaders  []string // department_leader: userids
	// Known is the set of fields WeCom returned.
	Known Field
}

// DepartmentNode is a department as department/simplelist describes it:
// its place in the tree only.
type DepartmentNode struct {
	ID       int64 `json:"id"`
	ParentID int64 `json:"parentid"`
	Order    int64 `json:"order"`
}

// User is a member (成员). UserID and Department are always known in a
// [Snapshot]; every other field only when its bit is set in Known — since
// 2022 WeCom returns names and positions only to apps that may see the
// member, and mobile, email, gender, avatar and address not at all to
// apps created after 2022-06-20
// (https://developer.work.weixin.qq.com/document/path/90196).
type User struct {
	UserID           string
	Department       []int64 // department ids, ascending
	Name             string
	Alias            string
	Position         string
	Mobile           string
	Gender           string // "0" unknown, "1" male, "2" female
	Email            string
	BizMail          string
	Telephone        string
	Address          string
	Avatar           string
	OpenUserID       string
	ExternalPosition string
	MainDepartment   int64
	Status           int // 1 active, 2 disabled, 4 not yet activated, 5 left
	DirectLeader     []string
	// Known is the set of fields WeCom returned.
	Known Field
}

// DeptUser is one row of user/list_id: a member in one department. A
// member in three departments has three rows.
//
// Which id a row carries depends on the credential: the contact-sync
// secret of a corporation or of a 代开发 app gets the member's userid
// (https://developer.work.weixin.qq.com/document/path/96067,
// https://developer.work.weixin.qq.com/document/path/96269); a third-party
// app gets only the provider-level open_userid
// (https://developer.work.weixin.qq.com/document/path/96021). Both are
// decoded; [DeptUser.ID] is whichever the row has.
type DeptUser struct {
	UserID     string `json:"userid,omitempty"`
	OpenUserID string `json:"open_userid,omitempty"`
	Department int64  `json:"department"`
}

// ID returns the row's userid, or its open_userid when WeCom gave no
// userid (a third-party app's rows).
func (r DeptUser) ID() string {
	if r.UserID != "" {
		return r.UserID
	}
	return r.OpenUserID
}

// optString decodes a JSON string (or number) and remembers that it was
// there, without allocating beyond the string itself.
type optString struct {
	v  string
	ok bool
}

func (o *optString) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	o.ok = true
	if len(b) > 0 && b[0] != '"' {
		o.v = string(b)
		return nil
	}
	// A string without escapes that is valid UTF-8 — nearly every one
	// WeCom sends — is its bytes between the quotes, exactly what
	// json.Unmarshal would make of it, without the decoder it allocates.
	if len(b) >= 2 && b[len(b)-1] == '"' {
		if raw := b[1 : len(b)-1]; bytes.IndexByte(raw, '\\') < 0 && bytes.IndexByte(raw, '"') < 0 && utf8.Valid(raw) {
			o.v = string(raw)
			return nil
		}
	}
	return json.Unmarshal(b, &o.v)
}

// optInt decodes a JSON number (or a numeric string) and remembers that
// it was there.
type optInt struct {
	v  int64
	ok bool
}

func (o *optInt) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	b = bytes.Trim(b, `"`)
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return err
	}
	o.v, o.ok = n, true
	return nil
}

// wireUser is a member as user/get and user/list send it.
type wireUser struct {
	UserID           string    `json:"userid"`
	Name             optString `json:"name"`
	Department       []int64   `json:"department"`
	Alias            optString `json:"alias"`
	Position         optString `json:"position"`
	Mobile           optString `json:"mobile"`
	Gender           optString `json:"gender"`
	Email            optString `json:"email"`
	BizMail          optString `json:"biz_mail"`
	Telephone        optString `json:"telephone"`
	Address          optString `json:"address"`
	Avatar           optString `json:"avatar"`
	OpenUserID       optString `json:"open_userid"`
	ExternalPosition optString `json:"external_position"`
	MainDepartment   optInt    `json:"main_department"`
	Status           optInt    `json:"status"`
	DirectLeader     []string  `json:"direct_leader"`
}

func (w *wireUser) user() User {
	u := User{UserID: w.UserID}
	set := func(f Field, dst *string, o optString) {
		if o.ok {
			*dst = o.v
			u.Known |= f
		}
	}
	set(FieldName, &u.Name, w.Name)
	set(FieldAlias, &u.Alias, w.Alias)
	set(FieldPosition, &u.Position, w.Position)
	set(FieldMobile, &u.Mobile, w.Mobile)
	set(FieldGender, &u.Gender, w.Gender)
	set(FieldEmail, &u.Email, w.Email)
	set(FieldBizMail, &u.BizMail, w.BizMail)
	set(FieldTelephone, &u.Telephone, w.Telephone)
	set(FieldAddress, &u.Address, w.Address)
	set(FieldAvatar, &u.Avatar, w.Avatar)
	set(FieldOpenUserID, &u.OpenUserID, w.OpenUserID)
	set(FieldExternalPosition, &u.ExternalPosition, w.ExternalPosition)
	if w.MainDepartment.ok {
		u.MainDepartment, u.Known = w.MainDepartment.v, u.Known|FieldMainDepartment
	}
	if w.Status.ok {
		u.Status, u.Known = int(w.Status.v), u.Known|FieldStatus
	}
	if w.Department != nil {
		u.Department = sortedUnique(w.Department)
		u.Known |= FieldDepartment
	}
	if w.DirectLeader != nil {
		u.DirectLeader = w.DirectLeader
		u.Known |= FieldDirectLeader
	}
	return u
}

// known returns the fields user would mark known.
func (w *wireUser) known() Field {
	var k Field
	for _, f := range [...]struct {
		bit Field
		ok  bool
	}{
		{FieldName, w.Name.ok}, {FieldAlias, w.Alias.ok}, {FieldPosition, w.Position.ok}, {FieldMobile, w.Mobile.ok},
		{FieldGender, w.Gender.ok}, {FieldEmail, w.Email.ok}, {FieldBizMail, w.BizMail.ok}, {FieldTelephone, w.Telephone.ok},
		{FieldAddress, w.Address.ok}, {FieldAvatar, w.Avatar.ok}, {FieldOpenUserID, w.OpenUserID.ok},
		{FieldExternalPosition, w.ExternalPosition.ok}, {FieldMainDepartment, w.MainDepartment.ok}, {FieldStatus, w.Status.ok},
		{FieldDepartment, w.Department != nil}, {FieldDirectLeader, w.DirectLeader != nil},
	} {
		if f.ok {
			k |= f.bit
		}
	}
	return k
}

// wireDepartment is a department as department/list and department/get
// send it.
type wireDepartment struct {
	ID       int64     `json:"id"`
	Name     optString `json:"name"`
	NameEn   optString `json:"name_en"`
	Leaders  []string  `json:"department_leader"`
	ParentID optInt    `json:"parentid"`
	Order    optInt    `json:"order"`
}

func (w *wireDepartment) department() Department {
	d := Department{ID: w.ID}
	if w.Name.ok {
		d.Name, d.Known = w.Name.v, d.Known|FieldName
	}
	if w.NameEn.ok {
		d.NameEn, d.Known = w.NameEn.v, d.Known|FieldNameEn
	}
	if w.Leaders != nil {
		d.Leaders, d.Known = w.Leaders, d.Known|FieldLeaders
	}
	if w.ParentID.ok {
		d.ParentID, d.Known = w.ParentID.v, d.Known|FieldParentID
	}
	if w.Order.ok {
		d.Order, d.Known = w.Order.v, d.Known|FieldOrder
	}
	return d
}

func sortedUnique(ids []int64) []int64 {
	if slices.IsSorted(ids) {
		return slices.Compact(ids)
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
