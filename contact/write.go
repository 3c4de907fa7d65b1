package contact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/wecomkit/wecomkit/wecom"
)

// The directory's writes (成员管理, 部门管理) and member-id lookups. Who may
// write is WeCom's decision: the contact-sync helper (通讯录同步) with API
// editing enabled, or a third-party contacts app; other credentials get
// WeCom's refusal as a *wecom.APIError. Creates are not Idempotent: the
// transport never repeats them after a transport failure (see
// [Client.CreateUser] for the one careful retry).

var userCreate = &wecom.Endpoint[wecom.CorpToken, *UserInput, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/user/create", Doc: 90195,
	Entry: "contact.Client.CreateUser",
}

var userUpdate = &wecom.Endpoint[wecom.CorpToken, *UserInput, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/user/update", Doc: 90197,
	Entry: "contact.Client.UpdateUser",
}

var userDelete = &wecom.Endpoint[wecom.CorpToken, userGetRequest, struct{}]{
	Method: http.MethodGet, Path: "/cgi-bin/user/delete", Doc: 90198,
	Entry: "contact.Client.DeleteUser",
}

var userBatchDelete = &wecom.Endpoint[wecom.CorpToken, *userBatchDeleteRequest, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/user/batchdelete", Doc: 90199,
	Entry: "contact.Client.DeleteUsers",
}

var userGetUserID = &wecom.Endpoint[wecom.CorpToken, *userByMobileRequest, userIDResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/user/getuserid", Doc: 95402, Idempotent: true,
	Entry: "contact.Client.UserIDByMobile",
}

var userGetUserIDByEmail = &wecom.Endpoint[wecom.CorpToken, *userByEmailRequest, userIDResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/user/get_userid_by_email", Doc: 95895, Idempotent: true,
	Entry: "contact.Client.UserIDByEmail",
}

var userConvertToOpenID = &wecom.Endpoint[wecom.CorpToken, *convertToOpenIDRequest, openIDResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/user/convert_to_openid", Doc: 90202, Idempotent: true,
	Entry: "contact.Client.ConvertToOpenID",
}

var userConvertToUserID = &wecom.Endpoint[wecom.CorpToken, *convertToUserIDRequest, userIDResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/user/convert_to_userid", Doc: 90202, Idempotent: true,
	Entry: "contact.Client.ConvertToUserID",
}

var departmentCreate = &wecom.Endpoint[wecom.CorpToken, *DepartmentInput, departmentCreateResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/department/create", Doc: 90205,
	Entry: "contact.Client.CreateDepartment",
}

var departmentUpdate = &wecom.Endpoint[wecom.CorpToken, *DepartmentInput, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/department/update", Doc: 90206,
	Entry: "contact.Client.UpdateDepartment",
}

var departmentDelete = &wecom.Endpoint[wecom.CorpToken, departmentGetRequest, struct{}]{
	Method: http.MethodGet, Path: "/cgi-bin/department/delete", Doc: 90207,
	Entry: "contact.Client.DeleteDepartment",
}

// UserInput is a member as user/create
// (https://developer.work.weixin.qq.com/document/path/90195) and
// user/update (https://developer.work.weixin.qq.com/document/path/90197)
// take it. For an update, every field left at its zero value is left out
// of the request, which WeCom reads as "unchanged" (如果非必须的字段未指定，
// 则不更新该字段); a field cannot be cleared through it.
type UserInput struct {
	// UserID is required: 1–64 bytes of letters, digits and "_-@.",
	// compared case-insensitively.
	UserID string `json:"userid" wecom:"required"`
	// Name is required for a create: 1–64 UTF-8 characters.
	Name  string `json:"name,omitempty"`
	Alias string `json:"alias,omitempty"`
	// Mobile must be unique in the corporation (60104).
	Mobile string `json:"mobile,omitempty"`
	// Department is required for a create: at most 100 department ids.
	Department []int64 `json:"department,omitempty"`
	// Order gives the member's order in each department of Department
	// (same length; larger first).
	Order    []int64 `json:"order,omitempty"`
	Position string  `json:"position,omitempty"`
	// Gender is "1" male or "2" female.
	Gender string `json:"gender,omitempty"`
	// Email must be unique in the corporation (60106).
	Email   string `json:"email,omitempty"`
	BizMail string `json:"biz_mail,omitempty"`
	// Telephone: up to 32 bytes of digits, "-", "+" or ",".
	Telephone string `json:"telephone,omitempty"`
	// IsLeaderInDept gives, for each department of Department, 1 if the
	// member leads it, 0 if not.
	IsLeaderInDept []int `json:"is_leader_in_dept,omitempty"`
	// DirectLeader: the userids of up to 5 direct superiors.
	DirectLeader []string `json:"direct_leader,omitempty"`
	// Enable is 1 to enable the member, 0 to disable; nil leaves it out
	// (WeCom's default on a create is enabled).
	Enable         *int   `json:"enable,omitempty"`
	AvatarMediaID  string `json:"avatar_mediaid,omitempty"`
	Address        string `json:"address,omitempty"`
	MainDepartment int64  `json:"main_department,omitempty"`
	// ExtAttr is the extattr object ({"attrs": [...]}) as WeCom documents
	// it, passed through unchanged.
	ExtAttr json.RawMessage `json:"extattr,omitempty"`
	// ToInvite asks WeCom to send the new member an invitation (a create
	// only; WeCom's default is true).
	ToInvite         *bool  `json:"to_invite,omitempty"`
	ExternalPosition string `json:"external_position,omitempty"`
	// ExternalProfile is the external_profile object as WeCom documents
	// it, passed through unchanged.
	ExternalProfile json.RawMessage `json:"external_profile,omitempty"`
}

// MaxBatchDelete is the most userids user/batchdelete takes in one call
// (https://developer.work.weixin.qq.com/document/path/90199: 最多支持200个).
const MaxBatchDelete = 200

type userBatchDeleteRequest struct {
	UserIDs []string `json:"useridlist" wecom:"required"`
}

type userByMobileRequest struct {
	Mobile string `json:"mobile" wecom:"required"`
}

type userByEmailRequest struct {
	Email     string    `json:"email" wecom:"required"`
	EmailType EmailType `json:"email_type,omitempty"`
}

type userIDResponse struct {
	UserID string `json:"userid"`
}

type convertToOpenIDRequest struct {
	UserID string `json:"userid" wecom:"required"`
}

type convertToUserIDRequest struct {
	OpenID string `json:"openid" wecom:"required"`
}

type openIDResponse struct {
	OpenID string `json:"openid"`
}

// EmailType says which mailbox [Client.UserIDByEmail] looks an address up
// in.
type EmailType int

const (
	// EmailCorp is the corporation's mailbox (企业邮箱, biz_mail), WeCom's
	// default.
	EmailCorp EmailType = 1
	// EmailPersonal is the member's personal mailbox (个人邮箱, email).
	EmailPersonal EmailType = 2
)

// DepartmentInput is a department as department/create
// (https://developer.work.weixin.qq.com/document/path/90205) and
// department/update (https://developer.work.weixin.qq.com/document/path/90206)
// take it. Zero fields are left out of the request: on a create WeCom then
// picks the id (ID 0) and the default order, on an update it leaves them
// unchanged (so an order cannot be set back to 0 by an update).
type DepartmentInput struct {
	// ID is required for an update; on a create it is optional and, when
	// set, must be greater than 1.
	ID int64 `json:"id,omitempty"`
	// Name is required for a create: 1–64 UTF-8 characters without
	// \:*?"<>|, unique among its siblings (60008).
	Name   string `json:"name,omitempty"`
	NameEn string `json:"name_en,omitempty"`
	// ParentID is required for a create.
	ParentID int64 `json:"parentid,omitempty"`
	// Order: larger first, [0, 2^32).
	Order int64 `json:"order,omitempty"`
}

type departmentCreateResponse struct {
	ID int64 `json:"id"`
}

// CreateUser adds member u to the directory with POST /cgi-bin/user/create
// (https://developer.work.weixin.qq.com/document/path/90195). UserID, Name
// and at least one Department are required.
//
// A create is not repeated blindly. When the first attempt's outcome is
// unknown — a transport failure: a timeout, a reset connection, a 5xx, an
// unreadable answer; WeCom may have created the member and lost the
// answer — CreateUser sends it once more. If that retry gets 60102
// (userid existed), the member is read back with user/get and the create
// counts as done only when the stored member has u's name and exactly u's
// departments; otherwise the 60102 is returned, wrapped. The check needs a
// credential that may call user/get; with one that may not (the
// contact-sync secret from an IP added after 2022-08-15), the 60102 is
// returned.
func (c *Client) CreateUser(ctx context.Context, u *UserInput) error {
	if err := checkCreateUser(u); err != nil {
		return err
	}
	err := userCreate.CallInto(ctx, c.corp, u, nil)
	if err == nil || !outcomeUnknown(ctx, err) {
		return wrapf(err, "contact: create user %q: %w", u.UserID)
	}
	first := err
	err = userCreate.CallInto(ctx, c.corp, u, nil)
	if err == nil {
		return nil
	}
	if wecom.ErrorCode(err) != 60102 {
		return fmt.Errorf("contact: create user %q: retry after %v: %w", u.UserID, first, err)
	}
	stored, gerr := c.User(ctx, u.UserID)
	if gerr != nil {
		return fmt.Errorf("contact: create user %q: retry got userid existed and the member could not be read back (%v): %w", u.UserID, gerr, err)
	}
	if stored.Name != u.Name || !sameDepartments(stored.Department, u.Department) {
		return fmt.Errorf("contact: create user %q: retry got userid existed, and the stored member is someone else (name %q, departments %v): %w",
			u.UserID, stored.Name, stored.Department, err)
	}
	return nil
}

func checkCreateUser(u *UserInput) error {
	switch {
	case u == nil:
		return fmt.Errorf("%w: nil user", ErrInvalidArgument)
	case u.UserID == "":
		return fmt.Errorf("%w: empty userid", ErrInvalidArgument)
	case u.Name == "":
		return fmt.Errorf("%w: user %q has no name", ErrInvalidArgument, u.UserID)
	case len(u.Department) == 0:
		return fmt.Errorf("%w: user %q has no department", ErrInvalidArgument, u.UserID)
	case len(u.Department) > 100:
		return fmt.Errorf("%w: user %q is in %d departments, WeCom takes at most 100", ErrInvalidArgument, u.UserID, len(u.Department))
	}
	return nil
}

// outcomeUnknown reports whether a write that failed with err may have
// taken effect: the request may have reached WeCom and the answer been
// lost. WeCom's own errors, a context that ended and a client of the wrong
// kind of token are certain failures.
func outcomeUnknown(ctx context.Context, err error) bool {
	return ctx.Err() == nil && wecom.ErrorCode(err) == 0 && !errors.Is(err, wecom.ErrWrongTokenKind)
}

func sameDepartments(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// wrapf wraps a non-nil err as fmt.Errorf(format, what, err); nil stays nil.
func wrapf(err error, format string, what any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format, what, err)
}

// UpdateUser changes member u.UserID with POST /cgi-bin/user/update
// (https://developer.work.weixin.qq.com/document/path/90197): the fields
// of u that are set replace the stored ones, the others are left as they
// are. An update may be repeated safely, so the transport's usual rules
// apply.
func (c *Client) UpdateUser(ctx context.Context, u *UserInput) error {
	switch {
	case u == nil:
		return fmt.Errorf("%w: nil user", ErrInvalidArgument)
	case u.UserID == "":
		return fmt.Errorf("%w: empty userid", ErrInvalidArgument)
	}
	return wrapf(userUpdate.CallInto(ctx, c.corp, u, nil), "contact: update user %q: %w", u.UserID)
}

// DeleteUser removes member userID with GET /cgi-bin/user/delete
// (https://developer.work.weixin.qq.com/document/path/90198). WeCom
// answers 60111 for a userid it does not know.
func (c *Client) DeleteUser(ctx context.Context, userID string) error {
	if userID == "" {
		return fmt.Errorf("%w: empty userid", ErrInvalidArgument)
	}
	return wrapf(userDelete.CallInto(ctx, c.corp, userGetRequest{UserID: userID}, nil), "contact: delete user %q: %w", userID)
}

// DeleteUsers removes 1–[MaxBatchDelete] members in one call of POST
// /cgi-bin/user/batchdelete
// (https://developer.work.weixin.qq.com/document/path/90199). If any userid
// is unknown WeCom answers an error and deletes none (若存在无效UserID，
// 直接返回错误). Longer lists are the caller's to split.
func (c *Client) DeleteUsers(ctx context.Context, userIDs []string) error {
	if len(userIDs) == 0 || len(userIDs) > MaxBatchDelete {
		return fmt.Errorf("%w: %d userids, WeCom takes 1-%d", ErrInvalidArgument, len(userIDs), MaxBatchDelete)
	}
	if slices.Contains(userIDs, "") {
		return fmt.Errorf("%w: empty userid in the list", ErrInvalidArgument)
	}
	return wrapf(userBatchDelete.CallInto(ctx, c.corp, &userBatchDeleteRequest{UserIDs: userIDs}, nil), "contact: delete %d users: %w", len(userIDs))
}

// UserIDByMobile returns the userid of the member with mobile number
// mobile, from POST /cgi-bin/user/getuserid
// (https://developer.work.weixin.qq.com/document/path/95402). WeCom blocks
// the call for a day once wrong numbers exceed 20% of the corporation's
// member limit, so do not probe with guesses.
func (c *Client) UserIDByMobile(ctx context.Context, mobile string) (string, error) {
	if mobile == "" {
		return "", fmt.Errorf("%w: empty mobile", ErrInvalidArgument)
	}
	var out userIDResponse
	if err := userGetUserID.CallInto(ctx, c.corp, &userByMobileRequest{Mobile: mobile}, &out); err != nil {
		return "", fmt.Errorf("contact: userid by mobile: %w", err)
	}
	return out.UserID, nil
}

// UserIDByEmail returns the userid of the member with address email in
// the mailbox typ ([EmailCorp] or [EmailPersonal]; 0 is WeCom's default,
// EmailCorp), from POST /cgi-bin/user/get_userid_by_email
// (https://developer.work.weixin.qq.com/document/path/95895). The same
// daily limit on wrong addresses as [Client.UserIDByMobile] applies.
func (c *Client) UserIDByEmail(ctx context.Context, email string, typ EmailType) (string, error) {
	switch {
	case email == "":
		return "", fmt.Errorf("%w: empty email", ErrInvalidArgument)
	case typ != 0 && typ != EmailCorp && typ != EmailPersonal:
		return "", fmt.Errorf("%w: email type %d is neither 1 (corp) nor 2 (personal)", ErrInvalidArgument, typ)
	}
	var out userIDResponse
	if err := userGetUserIDByEmail.CallInto(ctx, c.corp, &userByEmailRequest{Email: email, EmailType: typ}, &out); err != nil {
		return "", fmt.Errorf("contact: userid by email: %w", err)
	}
	return out.UserID, nil
}

// ConvertToOpenID returns the openid of member userID, for WeChat Pay and
// red packets, from POST /cgi-bin/user/convert_to_openid
// (https://developer.work.weixin.qq.com/document/path/90202).
func (c *Client) ConvertToOpenID(ctx context.Context, userID string) (string, error) {
	if userID == "" {
		return "", fmt.Errorf("%w: empty userid", ErrInvalidArgument)
	}
	var out openIDResponse
	if err := userConvertToOpenID.CallInto(ctx, c.corp, &convertToOpenIDRequest{UserID: userID}, &out); err != nil {
		return "", fmt.Errorf("contact: openid of %q: %w", userID, err)
	}
	return out.OpenID, nil
}

// ConvertToUserID returns the userid of the member whose openid is openID,
// from POST /cgi-bin/user/convert_to_userid
// (https://developer.work.weixin.qq.com/document/path/90202).
func (c *Client) ConvertToUserID(ctx context.Context, openID string) (string, error) {
	if openID == "" {
		return "", fmt.Errorf("%w: empty openid", ErrInvalidArgument)
	}
	var out userIDResponse
	if err := userConvertToUserID.CallInto(ctx, c.corp, &convertToUserIDRequest{OpenID: openID}, &out); err != nil {
		return "", fmt.Errorf("contact: userid of openid: %w", err)
	}
	return out.UserID, nil
}

// CreateDepartment adds department d with POST /cgi-bin/department/create
// (https://developer.work.weixin.qq.com/document/path/90205) and returns
// its id: d.ID when set (it must then be greater than 1), else the one
// WeCom picked. Name and ParentID are required. A create is not repeated
// after a transport failure; read the parent's children
// ([Client.DepartmentIDs]) to learn whether it happened.
func (c *Client) CreateDepartment(ctx context.Context, d DepartmentInput) (int64, error) {
	switch {
	case d.Name == "":
		return 0, fmt.Errorf("%w: department without a name", ErrInvalidArgument)
	case d.ParentID <= 0:
		return 0, fmt.Errorf("%w: department %q: parent id %d", ErrInvalidArgument, d.Name, d.ParentID)
	case d.ID < 0 || d.ID == 1:
		return 0, fmt.Errorf("%w: department %q: id %d (must be greater than 1, or 0 for WeCom's choice)", ErrInvalidArgument, d.Name, d.ID)
	case d.Order < 0 || d.Order >= 1<<32:
		return 0, fmt.Errorf("%w: department %q: order %d is outside [0, 2^32)", ErrInvalidArgument, d.Name, d.Order)
	}
	var out departmentCreateResponse
	if err := departmentCreate.CallInto(ctx, c.corp, &d, &out); err != nil {
		return 0, fmt.Errorf("contact: create department %q: %w", d.Name, err)
	}
	return out.ID, nil
}

// UpdateDepartment changes department d.ID with POST
// /cgi-bin/department/update
// (https://developer.work.weixin.qq.com/document/path/90206): the set
// fields of d replace the stored ones; a new ParentID moves it.
func (c *Client) UpdateDepartment(ctx context.Context, d DepartmentInput) error {
	switch {
	case d.ID <= 0:
		return fmt.Errorf("%w: department id %d", ErrInvalidArgument, d.ID)
	case d.ParentID < 0:
		return fmt.Errorf("%w: department %d: parent id %d", ErrInvalidArgument, d.ID, d.ParentID)
	case d.Order < 0 || d.Order >= 1<<32:
		return fmt.Errorf("%w: department %d: order %d is outside [0, 2^32)", ErrInvalidArgument, d.ID, d.Order)
	}
	return wrapf(departmentUpdate.CallInto(ctx, c.corp, &d, nil), "contact: update department %d: %w", d.ID)
}

// DeleteDepartment removes department id with GET
// /cgi-bin/department/delete
// (https://developer.work.weixin.qq.com/document/path/90207). WeCom
// refuses the root department and departments that still have members or
// sub-departments.
func (c *Client) DeleteDepartment(ctx context.Context, id int64) error {
	if id <= 0 {
		return fmt.Errorf("%w: department id %d", ErrInvalidArgument, id)
	}
	return wrapf(departmentDelete.CallInto(ctx, c.corp, departmentGetRequest{ID: id}, nil), "contact: delete department %d: %w", id)
}
