package contact

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidArgument is matched by the errors for unusable arguments, such
// as an empty userid or a page size outside 1–10000.
var ErrInvalidArgument = errors.New("contact: invalid argument")

// Client reads a corporation's directory (通讯录) with one credential. It
// works on any *wecom.Client: a self-built app's, the contact-sync
// helper's (通讯录同步), or a third-party app's per-corporation client. Which
// calls a credential may make, and which members and fields it sees, is
// WeCom's decision: user/list_id takes the contact-sync secret (rows with
// userid) or a third-party app's token with 通讯录编辑授权 (rows with
// open_userid, https://developer.work.weixin.qq.com/document/path/96021),
// and since 2022-08-15 the contact-sync secret, used from an IP added
// after that date, may no longer call user/get, user/list or
// department/list (https://developer.work.weixin.qq.com/document/path/96067).
type Client struct {
	c    *wecom.Client
	corp wecom.Caller[wecom.CorpToken] // c, bound once: a client of another kind fails each call
}

// New returns a Client calling through c. A c holding a suite or provider
// token, not a corporation's, makes every call fail with a
// [*wecom.TokenKindError] before any request.
func New(c *wecom.Client) *Client {
	corp, _ := wecom.Bind[wecom.CorpToken](c) // the error comes back from each call
	return &Client{c: c, corp: corp}
}

// WeCom returns the underlying client.
func (c *Client) WeCom() *wecom.Client { return c.c }

// DepartmentIDs returns department rootID and all departments below it —
// every department the credential sees when rootID is 0 — with their
// parents and orders only, from GET /cgi-bin/department/simplelist
// (https://developer.work.weixin.qq.com/document/path/95350). The
// contact-sync helper sees the whole tree, an app its visible scope.
func (c *Client) DepartmentIDs(ctx context.Context, rootID int64) ([]DepartmentNode, error) {
	var out departmentSimpleListResponse
	if err := departmentSimpleList.CallInto(ctx, c.corp, departmentTreeRequest{ID: rootID}, &out); err != nil {
		return nil, fmt.Errorf("contact: department ids: %w", err)
	}
	return out.Departments, nil
}

// Departments returns department rootID and all departments below it (all
// the credential sees when rootID is 0) with names and leaders, from GET
// /cgi-bin/department/list
// (https://developer.work.weixin.qq.com/document/path/90208). Fields WeCom
// leaves out — third-party apps get no names — are unknown
// ([Department.Known]).
func (c *Client) Departments(ctx context.Context, rootID int64) ([]Department, error) {
	var out departmentListResponse
	if err := departmentList.CallInto(ctx, c.corp, departmentTreeRequest{ID: rootID}, &out); err != nil {
		return nil, fmt.Errorf("contact: departments: %w", err)
	}
	ds := make([]Department, len(out.Departments))
	for i := range out.Departments {
		ds[i] = out.Departments[i].department()
	}
	return ds, nil
}

// Department returns one department from GET /cgi-bin/department/get
// (https://developer.work.weixin.qq.com/document/path/95351).
func (c *Client) Department(ctx context.Context, id int64) (*Department, error) {
	if id <= 0 {
		return nil, fmt.Errorf("%w: department id %d", ErrInvalidArgument, id)
	}
	var out departmentGetResponse
	if err := departmentGet.CallInto(ctx, c.corp, departmentGetRequest{ID: id}, &out); err != nil {
		return nil, fmt.Errorf("contact: department %d: %w", id, err)
	}
	d := out.Department.department()
	return &d, nil
}

// User returns one member from GET /cgi-bin/user/get
// (https://developer.work.weixin.qq.com/document/path/90196).
func (c *Client) User(ctx context.Context, userID string) (*User, error) {
	if userID == "" {
		return nil, fmt.Errorf("%w: empty userid", ErrInvalidArgument)
	}
	var w wireUser
	if err := c.UserInto(ctx, userID, &w); err != nil {
		return nil, fmt.Errorf("contact: user %q: %w", userID, err)
	}
	u := w.user()
	return &u, nil
}

// UserInto reads member userID with GET /cgi-bin/user/get — the module's
// one declaration of that call — and decodes WeCom's whole answer into
// out, a pointer to any type encoding/json can decode it into. It is for
// packages that keep their own view of a member (oauth's Client.User);
// others use [Client.User]. Unlike User it neither checks userID nor wraps
// the error: what comes back is wecom's.
func (c *Client) UserInto(ctx context.Context, userID string, out any) error {
	return userGet.CallInto(ctx, c.corp, userGetRequest{UserID: userID}, &userAnswer{into: out})
}

// ListOption configures [Client.UsersOfDepartment].
type ListOption interface{ applyList(*listConfig) }

type listConfig struct{ recursive bool }

type listOptionFunc func(*listConfig)

func (f listOptionFunc) applyList(c *listConfig) { f(c) }

// Recursive makes [Client.UsersOfDepartment] include the members of every
// department below the one given. WeCom no longer recurses itself
// (fetch_child is gone), so the client lists the sub-departments with
// department/simplelist and asks for each.
func Recursive() ListOption {
	return listOptionFunc(func(c *listConfig) { c.recursive = true })
}

// UsersOfDepartment returns the members directly in department deptID
// from GET /cgi-bin/user/list
// (https://developer.work.weixin.qq.com/document/path/90201), or, with
// [Recursive], those of its whole subtree, each member once, in the order
// first seen.
func (c *Client) UsersOfDepartment(ctx context.Context, deptID int64, opts ...ListOption) ([]User, error) {
	if deptID <= 0 {
		return nil, fmt.Errorf("%w: department id %d", ErrInvalidArgument, deptID)
	}
	var cfg listConfig
	for _, o := range opts {
		o.applyList(&cfg)
	}
	if !cfg.recursive {
		return c.usersOf(ctx, deptID)
	}
	nodes, err := c.DepartmentIDs(ctx, deptID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var all []User
	for _, n := range nodes {
		us, err := c.usersOf(ctx, n.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if !seen[u.UserID] {
				seen[u.UserID] = true
				all = append(all, u)
			}
		}
	}
	return all, nil
}

func (c *Client) usersOf(ctx context.Context, deptID int64) ([]User, error) {
	var out userListResponse
	ws, err := c.wireUsersOf(ctx, deptID, &out)
	if err != nil {
		return nil, err
	}
	us := make([]User, len(ws))
	for i := range ws {
		us[i] = ws[i].user()
	}
	return us, nil
}

// wireUsersOf decodes user/list's answer into out, reusing out and the
// array of the members it holds from the last call, and returns them.
func (c *Client) wireUsersOf(ctx context.Context, deptID int64, out *userListResponse) ([]wireUser, error) {
	clear(out.Users)
	out.Users = out.Users[:0]
	if err := userList.CallInto(ctx, c.corp, userListRequest{DepartmentID: deptID}, out); err != nil {
		out.Users = out.Users[:0]
		return out.Users, fmt.Errorf("contact: users of department %d: %w", deptID, err)
	}
	return out.Users, nil
}

// PageOption configures [Client.UserIDs].
type PageOption interface{ applyPage(*pageConfig) }

type pageConfig struct{ limit int }

type pageOptionFunc func(*pageConfig)

func (f pageOptionFunc) applyPage(c *pageConfig) { f(c) }

// DefaultPageSize is the page size [Client.UserIDs] asks for: WeCom's
// maximum.
const DefaultPageSize = 10000

// WithPageSize sets how many rows [Client.UserIDs] asks for per call,
// 1–10000 (default [DefaultPageSize]).
func WithPageSize(n int) PageOption {
	return pageOptionFunc(func(c *pageConfig) { c.limit = n })
}

// UserIDs iterates over every (member, department) row of the directory
// from POST /cgi-bin/user/list_id, fetching one page at a time as the loop
// asks for more: memory stays bounded by one page however large the
// directory. Who may call it, and which id the rows carry:
//
//   - a corporation's own contact-sync helper (通讯录同步), and a 代开发
//     app's, get rows with userid
//     (https://developer.work.weixin.qq.com/document/path/96067,
//     https://developer.work.weixin.qq.com/document/path/96269); a
//     self-built or 代开发 app's own token gets 48002;
//   - a third-party app's corp client, where the corporation granted the
//     provider 通讯录编辑授权, gets rows with open_userid only
//     (https://developer.work.weixin.qq.com/document/path/96021); without
//     that grant, 48002.
//
// A row with neither id ends the iteration with an error rather than
// yielding a member without an id. A failing page ends the iteration with
// its error after the rows of the pages before it; a caller that needs all
// or nothing must discard what it has then.
func (c *Client) UserIDs(ctx context.Context, opts ...PageOption) iter.Seq2[DeptUser, error] {
	cfg := pageConfig{limit: DefaultPageSize}
	for _, o := range opts {
		o.applyPage(&cfg)
	}
	return func(yield func(DeptUser, error) bool) {
		if cfg.limit < 1 || cfg.limit > 10000 {
			yield(DeptUser{}, fmt.Errorf("%w: page size %d is not 1-10000", ErrInvalidArgument, cfg.limit))
			return
		}
		var out userListIDResponse
		req := &userListIDRequest{Limit: cfg.limit}
		cursor := ""
		for page := 1; ; page++ {
			out.NextCursor, out.Rows = "", out.Rows[:0]
			req.Cursor = cursor
			if err := userListID.CallInto(ctx, c.corp, req, &out); err != nil {
				yield(DeptUser{}, fmt.Errorf("contact: user ids, page %d: %w", page, err))
				return
			}
			for _, r := range out.Rows {
				if r.ID() == "" {
					yield(DeptUser{}, fmt.Errorf("contact: user ids, page %d: a row of department %d has neither userid nor open_userid", page, r.Department))
					return
				}
				if !yield(r, nil) {
					return
				}
			}
			if out.NextCursor == "" {
				return
			}
			if out.NextCursor == cursor {
				yield(DeptUser{}, fmt.Errorf("contact: user ids, page %d: WeCom returned the same cursor again", page))
				return
			}
			cursor = out.NextCursor
		}
	}
}
