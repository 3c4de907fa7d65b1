package contact

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/wecom"
)

// Tags (标签管理): a tag groups members and departments; an app may change
// only the tags it created.

var tagCreate = &wecom.Endpoint[wecom.CorpToken, *tagCreateRequest, tagCreateResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/tag/create", Doc: 90210,
	Entry: "contact.Client.CreateTag",
}

var tagUpdate = &wecom.Endpoint[wecom.CorpToken, *tagUpdateRequest, struct{}]{
	Method: http.MethodPost, Path: "/cgi-bin/tag/update", Doc: 90211,
	Entry: "contact.Client.UpdateTag",
}

var tagDelete = &wecom.Endpoint[wecom.CorpToken, tagIDRequest, struct{}]{
	Method: http.MethodGet, Path: "/cgi-bin/tag/delete", Doc: 90212,
	Entry: "contact.Client.DeleteTag",
}

var tagGet = &wecom.Endpoint[wecom.CorpToken, tagIDRequest, tagGetResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/tag/get", Doc: 90213,
	Entry: "contact.Client.TagMembers",
}

var tagAddUsers = &wecom.Endpoint[wecom.CorpToken, *tagUsersRequest, TagMembersResult]{
	Method: http.MethodPost, Path: "/cgi-bin/tag/addtagusers", Doc: 90214,
	Entry: "contact.Client.AddTagMembers",
}

var tagDelUsers = &wecom.Endpoint[wecom.CorpToken, *tagUsersRequest, TagMembersResult]{
	Method: http.MethodPost, Path: "/cgi-bin/tag/deltagusers", Doc: 90215,
	Entry: "contact.Client.RemoveTagMembers",
}

var tagList = &wecom.Endpoint[wecom.CorpToken, struct{}, tagListResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/tag/list", Doc: 90216,
	Entry: "contact.Client.Tags",
}

// Tag is a tag as tag/list describes it.
type Tag struct {
	ID   int64  `json:"tagid"`
	Name string `json:"tagname"`
}

// TagMembers is a tag's members as tag/get answers them: the members the
// credential sees, and the departments.
type TagMembers struct {
	Name        string      `json:"tagname"`
	Users       []TagMember `json:"userlist"`
	Departments []int64     `json:"partylist"`
}

// TagMember is a member of a tag.
type TagMember struct {
	UserID string `json:"userid"`
	Name   string `json:"name"`
}

// TagMembersResult is WeCom's answer to adding members to a tag or
// removing them: the userids and department ids it refused. A partial
// failure is a success with this list — errcode 0 — so
// [Client.AddTagMembers] and [Client.RemoveTagMembers] return it with a
// nil error; check [TagMembersResult.Partial]. Only when every id is
// refused does WeCom answer an error (40070 for addtagusers, 40031 for
// deltagusers).
type TagMembersResult struct {
	// InvalidUsers are the userids WeCom refused (its invalidlist,
	// "usr1|usr2" on the wire).
	InvalidUsers []string
	// InvalidDepartments are the department ids WeCom refused (its
	// invalidparty).
	InvalidDepartments []int64
}

// Partial reports whether WeCom refused any of the ids.
func (r *TagMembersResult) Partial() bool {
	return len(r.InvalidUsers) > 0 || len(r.InvalidDepartments) > 0
}

// UnmarshalJSON reads invalidlist, a "|"-separated string, and
// invalidparty, a list of ids.
func (r *TagMembersResult) UnmarshalJSON(b []byte) error {
	var w struct {
		InvalidList  string  `json:"invalidlist"`
		InvalidParty []int64 `json:"invalidparty"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	r.InvalidUsers = nil
	for _, u := range strings.Split(w.InvalidList, "|") {
		if u != "" {
			r.InvalidUsers = append(r.InvalidUsers, u)
		}
	}
	r.InvalidDepartments = w.InvalidParty
	return nil
}

// Limits of one addtagusers or deltagusers call (docs 90214, 90215).
const (
	MaxTagUsers       = 1000
	MaxTagDepartments = 100
)

type tagCreateRequest struct {
	Name string `json:"tagname" wecom:"required"`
	ID   int64  `json:"tagid,omitempty"`
}

type tagCreateResponse struct {
	ID int64 `json:"tagid"`
}

type tagUpdateRequest struct {
	ID   int64  `json:"tagid" wecom:"required"`
	Name string `json:"tagname" wecom:"required"`
}

type tagIDRequest struct {
	ID int64 `json:"-" query:"tagid" wecom:"required"`
}

type tagGetResponse = TagMembers

type tagUsersRequest struct {
	ID          int64    `json:"tagid" wecom:"required"`
	Users       []string `json:"userlist,omitempty"`
	Departments []int64  `json:"partylist,omitempty"`
}

type tagListResponse struct {
	Tags []Tag `json:"taglist"`
}

func checkTagName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 32 {
		return fmt.Errorf("%w: tag name %q must be 1-32 characters", ErrInvalidArgument, name)
	}
	return nil
}

// CreateTag creates a tag named name (1–32 characters, unique) with POST
// /cgi-bin/tag/create
// (https://developer.work.weixin.qq.com/document/path/90210) and returns
// its id: id when not 0, else the one WeCom picked. A create is not
// repeated after a transport failure; [Client.Tags] tells whether it
// happened.
func (c *Client) CreateTag(ctx context.Context, name string, id int64) (int64, error) {
	if err := checkTagName(name); err != nil {
		return 0, err
	}
	if id < 0 {
		return 0, fmt.Errorf("%w: tag id %d", ErrInvalidArgument, id)
	}
	var out tagCreateResponse
	if err := tagCreate.CallInto(ctx, c.corp, &tagCreateRequest{Name: name, ID: id}, &out); err != nil {
		return 0, fmt.Errorf("contact: create tag %q: %w", name, err)
	}
	return out.ID, nil
}

// UpdateTag renames tag id with POST /cgi-bin/tag/update
// (https://developer.work.weixin.qq.com/document/path/90211).
func (c *Client) UpdateTag(ctx context.Context, id int64, name string) error {
	if id <= 0 {
		return fmt.Errorf("%w: tag id %d", ErrInvalidArgument, id)
	}
	if err := checkTagName(name); err != nil {
		return err
	}
	return wrapf(tagUpdate.CallInto(ctx, c.corp, &tagUpdateRequest{ID: id, Name: name}, nil), "contact: update tag %d: %w", id)
}

// DeleteTag deletes tag id with GET /cgi-bin/tag/delete
// (https://developer.work.weixin.qq.com/document/path/90212).
func (c *Client) DeleteTag(ctx context.Context, id int64) error {
	if id <= 0 {
		return fmt.Errorf("%w: tag id %d", ErrInvalidArgument, id)
	}
	return wrapf(tagDelete.CallInto(ctx, c.corp, tagIDRequest{ID: id}, nil), "contact: delete tag %d: %w", id)
}

// TagMembers returns tag id's name, members and departments from GET
// /cgi-bin/tag/get
// (https://developer.work.weixin.qq.com/document/path/90213): all of them
// in one answer, the members limited to those the credential sees.
func (c *Client) TagMembers(ctx context.Context, id int64) (*TagMembers, error) {
	if id <= 0 {
		return nil, fmt.Errorf("%w: tag id %d", ErrInvalidArgument, id)
	}
	var out TagMembers
	if err := tagGet.CallInto(ctx, c.corp, tagIDRequest{ID: id}, &out); err != nil {
		return nil, fmt.Errorf("contact: tag %d: %w", id, err)
	}
	return &out, nil
}

// Tags returns the corporation's tags from GET /cgi-bin/tag/list
// (https://developer.work.weixin.qq.com/document/path/90216).
func (c *Client) Tags(ctx context.Context) ([]Tag, error) {
	var out tagListResponse
	if err := tagList.CallInto(ctx, c.corp, struct{}{}, &out); err != nil {
		return nil, fmt.Errorf("contact: tags: %w", err)
	}
	return out.Tags, nil
}

// AddTagMembers adds members userIDs (at most [MaxTagUsers]) and
// departments deptIDs (at most [MaxTagDepartments]; not both empty) to tag
// id with POST /cgi-bin/tag/addtagusers
// (https://developer.work.weixin.qq.com/document/path/90214).
//
// A partial failure is not an error: WeCom adds the valid ids and lists
// the others, and AddTagMembers returns them in the result with a nil
// error — check [TagMembersResult.Partial]. When every id is invalid
// WeCom answers 40070, returned as the error.
func (c *Client) AddTagMembers(ctx context.Context, id int64, userIDs []string, deptIDs []int64) (*TagMembersResult, error) {
	return c.tagMembers(ctx, tagAddUsers, "add members to", id, userIDs, deptIDs)
}

// RemoveTagMembers removes members userIDs and departments deptIDs (limits
// as for [Client.AddTagMembers]) from tag id with POST
// /cgi-bin/tag/deltagusers
// (https://developer.work.weixin.qq.com/document/path/90215). A partial
// failure is returned in the result with a nil error, as for
// AddTagMembers; when every id is invalid WeCom answers 40031.
func (c *Client) RemoveTagMembers(ctx context.Context, id int64, userIDs []string, deptIDs []int64) (*TagMembersResult, error) {
	return c.tagMembers(ctx, tagDelUsers, "remove members from", id, userIDs, deptIDs)
}

func (c *Client) tagMembers(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *tagUsersRequest, TagMembersResult],
	what string, id int64, userIDs []string, deptIDs []int64) (*TagMembersResult, error) {
	switch {
	case id <= 0:
		return nil, fmt.Errorf("%w: tag id %d", ErrInvalidArgument, id)
	case len(userIDs) == 0 && len(deptIDs) == 0:
		return nil, fmt.Errorf("%w: tag %d: neither members nor departments", ErrInvalidArgument, id)
	case len(userIDs) > MaxTagUsers:
		return nil, fmt.Errorf("%w: tag %d: %d members, WeCom takes at most %d a call", ErrInvalidArgument, id, len(userIDs), MaxTagUsers)
	case len(deptIDs) > MaxTagDepartments:
		return nil, fmt.Errorf("%w: tag %d: %d departments, WeCom takes at most %d a call", ErrInvalidArgument, id, len(deptIDs), MaxTagDepartments)
	case slices.Contains(userIDs, ""):
		return nil, fmt.Errorf("%w: tag %d: empty userid in the list", ErrInvalidArgument, id)
	}
	var out TagMembersResult
	if err := ep.CallInto(ctx, c.corp, &tagUsersRequest{ID: id, Users: userIDs, Departments: deptIDs}, &out); err != nil {
		return nil, fmt.Errorf("contact: %s tag %d: %w", what, id, err)
	}
	return &out, nil
}
