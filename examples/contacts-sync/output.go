package main

import (
	"encoding/json"
	"strings"

	"github.com/wecomkit/wecomkit/contact"
)

// fieldInfo is what the program knows of one field: its bit, its label in
// WeCom's admin console (for notifications) and how to read its value.
type fieldInfo struct {
	bit   contact.Field
	label string
	user  func(*contact.User) any       // nil for department-only fields
	dept  func(*contact.Department) any // nil for user-only fields
}

// fields maps WeCom's JSON names, as contact.Change.Fields gives them, to
// what the program knows of them.
var fields = map[string]fieldInfo{
	"address":           {contact.FieldAddress, "地址", func(u *contact.User) any { return u.Address }, nil},
	"alias":             {contact.FieldAlias, "别名", func(u *contact.User) any { return u.Alias }, nil},
	"avatar":            {contact.FieldAvatar, "头像", func(u *contact.User) any { return u.Avatar }, nil},
	"biz_mail":          {contact.FieldBizMail, "企业邮箱", func(u *contact.User) any { return u.BizMail }, nil},
	"department":        {contact.FieldDepartment, "部门", func(u *contact.User) any { return u.Department }, nil},
	"department_leader": {contact.FieldLeaders, "部门负责人", nil, func(d *contact.Department) any { return d.Leaders }},
	"direct_leader":     {contact.FieldDirectLeader, "直属上级", func(u *contact.User) any { return u.DirectLeader }, nil},
	"email":             {contact.FieldEmail, "邮箱", func(u *contact.User) any { return u.Email }, nil},
	"external_position": {contact.FieldExternalPosition, "对外职务", func(u *contact.User) any { return u.ExternalPosition }, nil},
	"gender":            {contact.FieldGender, "性别", func(u *contact.User) any { return u.Gender }, nil},
	"main_department":   {contact.FieldMainDepartment, "主部门", func(u *contact.User) any { return u.MainDepartment }, nil},
	"mobile":            {contact.FieldMobile, "手机", func(u *contact.User) any { return u.Mobile }, nil},
	"name":              {contact.FieldName, "姓名", func(u *contact.User) any { return u.Name }, func(d *contact.Department) any { return d.Name }},
	"name_en":           {contact.FieldNameEn, "英文名称", nil, func(d *contact.Department) any { return d.NameEn }},
	"open_userid":       {contact.FieldOpenUserID, "open_userid", func(u *contact.User) any { return u.OpenUserID }, nil},
	"order":             {contact.FieldOrder, "排序", nil, func(d *contact.Department) any { return d.Order }},
	"parentid":          {contact.FieldParentID, "上级部门", nil, func(d *contact.Department) any { return d.ParentID }},
	"position":          {contact.FieldPosition, "职务", func(u *contact.User) any { return u.Position }, nil},
	"status":            {contact.FieldStatus, "激活状态", func(u *contact.User) any { return u.Status }, nil},
	"telephone":         {contact.FieldTelephone, "座机", func(u *contact.User) any { return u.Telephone }, nil},
}

// label names a field as WeCom's admin console does ("职务"), or by its
// JSON name when the program does not know it.
func label(field string) string {
	if f, ok := fields[field]; ok {
		return f.label
	}
	return field
}

// value returns a field's value in the user or department, and whether it
// is known there.
func value(c contact.Change, field string, old bool) (any, bool) {
	f, ok := fields[field]
	if !ok {
		return nil, false
	}
	switch c.Kind {
	case contact.KindUser:
		u := c.NewUser
		if old {
			u = c.OldUser
		}
		if u == nil || f.user == nil || u.Known&f.bit == 0 {
			return nil, false
		}
		return f.user(u), true
	case contact.KindDepartment:
		d := c.NewDepartment
		if old {
			d = c.OldDepartment
		}
		if d == nil || f.dept == nil || d.Known&f.bit == 0 {
			return nil, false
		}
		return f.dept(d), true
	}
	return nil, false
}

// appendLine appends c's output line, without the newline: contact.Change's
// JSON ({"op","kind","id"} and "fields" for changed), then "name" when
// known (the current name; the last one known for a removal), and for a
// changed one "old" and "new", each field's value before and after, in
// the order of "fields" (null where it was not known).
func appendLine(b []byte, c contact.Change) ([]byte, error) {
	base, err := c.MarshalJSON()
	if err != nil {
		return nil, err
	}
	b = append(b, base[:len(base)-1]...) // without the closing brace
	if name, ok := value(c, "name", c.Op == contact.Removed); ok {
		if b, err = appendMember(b, "name", name); err != nil {
			return nil, err
		}
	}
	if c.Op == contact.Changed {
		for _, side := range []string{"old", "new"} {
			b = append(b, `,"`+side+`":{`...)
			for i, f := range c.Fields {
				if i > 0 {
					b = append(b, ',')
				}
				v, _ := value(c, f, side == "old") // nil, null, when unknown
				if b, err = appendKV(b, f, v); err != nil {
					return nil, err
				}
			}
			b = append(b, '}')
		}
	}
	return append(b, '}'), nil
}

// appendMember appends ,"key":value.
func appendMember(b []byte, key string, v any) ([]byte, error) {
	b = append(b, ',')
	return appendKV(b, key, v)
}

// appendKV appends "key":value.
func appendKV(b []byte, key string, v any) ([]byte, error) {
	k, err := json.Marshal(key)
	if err != nil {
		return nil, err
	}
	val, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	b = append(b, k...)
	b = append(b, ':')
	return append(b, val...), nil
}

// changedText is a changed member's notification: the changed fields by
// their labels in WeCom's admin console.
func changedText(fs []string) string {
	labels := make([]string, len(fs))
	for i, f := range fs {
		labels[i] = label(f)
	}
	return "你的通讯录信息有更新：" + strings.Join(labels, "、")
}
