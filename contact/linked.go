package contact

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/wecomkit/wecomkit/wecom"
)

// Linked corporations (互联企业): corporations the administrator linked to
// this one, whose members and departments a self-built app may see when
// its visible scope includes them. WeCom names them by strings, not
// numbers: a member is "CORPID/USERID" and a department
// "LINKEDID/DEPARTMENTID", as [Client.LinkedPermissions] lists them
// (https://developer.work.weixin.qq.com/document/path/93172). All five
// calls are POSTs that only read.

var linkedPermList = &wecom.Endpoint[wecom.CorpToken, struct{}, linkedPermResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/linkedcorp/agent/get_perm_list", Doc: 93172, Idempotent: true,
	Entry: "contact.Client.LinkedPermissions",
}

var linkedUserGet = &wecom.Endpoint[wecom.CorpToken, *linkedUserRequest, linkedUserResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/linkedcorp/user/get", Doc: 93171, Idempotent: true,
	Entry: "contact.Client.LinkedUser",
}

var linkedUserSimpleList = &wecom.Endpoint[wecom.CorpToken, *linkedDeptRequest, linkedUserListResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/linkedcorp/user/simplelist", Doc: 93168, Idempotent: true,
	Entry: "contact.Client.LinkedSimpleUsers",
}

var linkedUserList = &wecom.Endpoint[wecom.CorpToken, *linkedDeptRequest, linkedUserListResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/linkedcorp/user/list", Doc: 93169, Idempotent: true,
	Entry: "contact.Client.LinkedUsers",
}

var linkedDepartmentList = &wecom.Endpoint[wecom.CorpToken, *linkedDeptRequest, linkedDepartmentListResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/linkedcorp/department/list", Doc: 93170, Idempotent: true,
	Entry: "contact.Client.LinkedDepartments",
}

// linkedEndpoints lists the invite, join QR code, active-stat, simplelist
// and linked-corporation endpoints (this file and invite.go).
func linkedEndpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		batchInvite.Info(),
		corpJoinQRCode.Info(),
		userActiveStat.Info(),
		userSimpleList.Info(),
		linkedPermList.Info(),
		linkedUserGet.Info(),
		linkedUserSimpleList.Info(),
		linkedUserList.Info(),
		linkedDepartmentList.Info(),
	}
}

type linkedPermResponse struct {
	UserIDs       []string `json:"userids"`
	DepartmentIDs []string `json:"department_ids"`
}

type linkedUserRequest struct {
	UserID string `json:"userid" wecom:"required"`
}

type linkedDeptRequest struct {
	DepartmentID string `json:"department_id" wecom:"required"`
	FetchChild   bool   `json:"fetch_child,omitempty"`
}

type linkedUserResponse struct {
	User wireLinkedUser `json:"user_info"`
}

type linkedUserListResponse struct {
	Users []wireLinkedUser `json:"userlist"`
}

type linkedDepartmentListResponse struct {
	Departments []wireLinkedDepartment `json:"department_list"`
}

// LinkedPermissions is what the app may see of the linked corporations:
// its visible scope there.
type LinkedPermissions struct {
	// UserIDs are single members, each "CORPID/USERID".
	UserIDs []string
	// DepartmentIDs are departments (with everything below them), each
	// "LINKEDID/DEPARTMENTID".
	DepartmentIDs []string
}

// LinkedUser is a member of a linked corporation. Which fields WeCom
// fills depends on what the linked corporation shares; Known says which
// it sent.
type LinkedUser struct {
	// UserID is the member's userid in its own corporation, as WeCom
	// sends it (without the "CORPID/" prefix).
	UserID string
	// CorpID is the member's corporation.
	CorpID string
	Name   string
	// Department lists the member's departments as "LINKEDID/DEPARTMENTID"
	// strings.
	Department []string
	Mobile     string
	Telephone  string
	Email      string
	Position   string
	// ExtAttr is the extattr object as WeCom sends it, unchanged.
	ExtAttr json.RawMessage
	// Known is the set of fields WeCom returned (FieldName, FieldMobile,
	// FieldTelephone, FieldEmail, FieldPosition, FieldDepartment).
	Known Field
}

// ID returns the member's "CORPID/USERID", the form the linked-corporation
// calls take.
func (u *LinkedUser) ID() string {
	if u.CorpID == "" || strings.Contains(u.UserID, "/") {
		return u.UserID
	}
	return u.CorpID + "/" + u.UserID
}

type wireLinkedUser struct {
	UserID     string          `json:"userid"`
	CorpID     string          `json:"corpid"`
	Name       optString       `json:"name"`
	Department []string        `json:"department"`
	Mobile     optString       `json:"mobile"`
	Telephone  optString       `json:"telephone"`
	Email      optString       `json:"email"`
	Position   optString       `json:"position"`
	ExtAttr    json.RawMessage `json:"extattr"`
}

func (w *wireLinkedUser) user() LinkedUser {
	u := LinkedUser{UserID: w.UserID, CorpID: w.CorpID, ExtAttr: w.ExtAttr}
	set := func(f Field, dst *string, o optString) {
		if o.ok {
			*dst = o.v
			u.Known |= f
		}
	}
	set(FieldName, &u.Name, w.Name)
	set(FieldMobile, &u.Mobile, w.Mobile)
	set(FieldTelephone, &u.Telephone, w.Telephone)
	set(FieldEmail, &u.Email, w.Email)
	set(FieldPosition, &u.Position, w.Position)
	if w.Department != nil {
		u.Department, u.Known = w.Department, u.Known|FieldDepartment
	}
	return u
}

// LinkedDepartment is a department of a linked corporation.
type LinkedDepartment struct {
	// ID is "LINKEDID/DEPARTMENTID".
	ID string
	// ParentID is the parent's id as WeCom sends it.
	ParentID string
	Name     string
	Order    int64
}

type wireLinkedDepartment struct {
	ID       optString `json:"department_id"`
	Name     string    `json:"department_name"`
	ParentID optString `json:"parentid"`
	Order    optInt    `json:"order"`
}

// checkLinkedID refuses an id without the "PREFIX/" WeCom needs.
func checkLinkedID(kind, form, id string) error {
	prefix, rest, ok := strings.Cut(id, "/")
	if !ok || prefix == "" || rest == "" {
		return fmt.Errorf("%w: %s %q is not of the form %s", ErrInvalidArgument, kind, id, form)
	}
	return nil
}

// LinkedPermissions returns the app's visible scope in the linked
// corporations, from POST /cgi-bin/linkedcorp/agent/get_perm_list
// (https://developer.work.weixin.qq.com/document/path/93172). Only a
// self-built app's token may call it.
func (c *Client) LinkedPermissions(ctx context.Context) (*LinkedPermissions, error) {
	var out linkedPermResponse
	if err := linkedPermList.CallInto(ctx, c.corp, struct{}{}, &out); err != nil {
		return nil, fmt.Errorf("contact: linked permissions: %w", err)
	}
	return &LinkedPermissions{UserIDs: out.UserIDs, DepartmentIDs: out.DepartmentIDs}, nil
}

// LinkedUser returns the member id ("CORPID/USERID", as
// [Client.LinkedPermissions] lists it) of a linked corporation, from POST
// /cgi-bin/linkedcorp/user/get
// (https://developer.work.weixin.qq.com/document/path/93171).
func (c *Client) LinkedUser(ctx context.Context, id string) (*LinkedUser, error) {
	if err := checkLinkedID("linked userid", "CORPID/USERID", id); err != nil {
		return nil, err
	}
	var out linkedUserResponse
	if err := linkedUserGet.CallInto(ctx, c.corp, &linkedUserRequest{UserID: id}, &out); err != nil {
		return nil, fmt.Errorf("contact: linked user %q: %w", id, err)
	}
	u := out.User.user()
	return &u, nil
}

// LinkedSimpleUsers returns the members of the linked corporation's
// department deptID ("LINKEDID/DEPARTMENTID") with their names and
// departments only, from POST /cgi-bin/linkedcorp/user/simplelist
// (https://developer.work.weixin.qq.com/document/path/93168). With
// [Recursive], WeCom includes the sub-departments' members (fetch_child).
func (c *Client) LinkedSimpleUsers(ctx context.Context, deptID string, opts ...ListOption) ([]LinkedUser, error) {
	return c.linkedUsers(ctx, linkedUserSimpleList, "linked simple users", deptID, opts)
}

// LinkedUsers is [Client.LinkedSimpleUsers] with every field WeCom gives
// (mobile, telephone, email, position, extattr), from POST
// /cgi-bin/linkedcorp/user/list
// (https://developer.work.weixin.qq.com/document/path/93169).
func (c *Client) LinkedUsers(ctx context.Context, deptID string, opts ...ListOption) ([]LinkedUser, error) {
	return c.linkedUsers(ctx, linkedUserList, "linked users", deptID, opts)
}

func (c *Client) linkedUsers(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *linkedDeptRequest, linkedUserListResponse],
	what, deptID string, opts []ListOption) ([]LinkedUser, error) {
	if err := checkLinkedID("linked department id", "LINKEDID/DEPARTMENTID", deptID); err != nil {
		return nil, err
	}
	var cfg listConfig
	for _, o := range opts {
		o.applyList(&cfg)
	}
	var out linkedUserListResponse
	if err := ep.CallInto(ctx, c.corp, &linkedDeptRequest{DepartmentID: deptID, FetchChild: cfg.recursive}, &out); err != nil {
		return nil, fmt.Errorf("contact: %s of %q: %w", what, deptID, err)
	}
	us := make([]LinkedUser, len(out.Users))
	for i := range out.Users {
		us[i] = out.Users[i].user()
	}
	return us, nil
}

// LinkedDepartments returns the linked corporation's department deptID
// ("LINKEDID/DEPARTMENTID") and the departments below it, from POST
// /cgi-bin/linkedcorp/department/list
// (https://developer.work.weixin.qq.com/document/path/93170).
func (c *Client) LinkedDepartments(ctx context.Context, deptID string) ([]LinkedDepartment, error) {
	if err := checkLinkedID("linked department id", "LINKEDID/DEPARTMENTID", deptID); err != nil {
		return nil, err
	}
	var out linkedDepartmentListResponse
	if err := linkedDepartmentList.CallInto(ctx, c.corp, &linkedDeptRequest{DepartmentID: deptID}, &out); err != nil {
		return nil, fmt.Errorf("contact: linked departments of %q: %w", deptID, err)
	}
	ds := make([]LinkedDepartment, len(out.Departments))
	for i, w := range out.Departments {
		ds[i] = LinkedDepartment{ID: w.ID.v, ParentID: w.ParentID.v, Name: w.Name, Order: w.Order.v}
	}
	return ds, nil
}
