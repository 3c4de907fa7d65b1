package contact

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Invitations, the join QR code, the active-member count and
// user/simplelist: the rest of the directory's member APIs (成员管理).

var batchInvite = &wecom.Endpoint[wecom.CorpToken, *inviteRequest, inviteResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/batch/invite", Doc: 90975,
	Entry: "contact.Client.Invite",
}

var corpJoinQRCode = &wecom.Endpoint[wecom.CorpToken, joinQRCodeRequest, joinQRCodeResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/corp/get_join_qrcode", Doc: 91714,
	Entry: "contact.Client.JoinQRCode",
}

var userActiveStat = &wecom.Endpoint[wecom.CorpToken, *activeStatRequest, activeStatResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/user/get_active_stat", Doc: 92714, Idempotent: true,
	Entry: "contact.Client.ActiveStat",
}

var userSimpleList = &wecom.Endpoint[wecom.CorpToken, userListRequest, userListResponse]{
	Method: http.MethodGet, Path: "/cgi-bin/user/simplelist", Doc: 90200,
	Entry: "contact.Client.SimpleUsers",
}

// Limits of one batch/invite call
// (https://developer.work.weixin.qq.com/document/path/90975).
const (
	MaxInviteUsers   = 1000
	MaxInviteParties = 100
	MaxInviteTags    = 100
)

type inviteRequest struct {
	Users   []string `json:"user,omitempty"`
	Parties []int64  `json:"party,omitempty"`
	Tags    []int64  `json:"tag,omitempty"`
}

type inviteResponse struct {
	InvalidUsers   []string `json:"invaliduser"`
	InvalidParties []optInt `json:"invalidparty"`
	InvalidTags    []optInt `json:"invalidtag"`
}

// InviteResult lists what [Client.Invite] could not invite: ids WeCom does
// not know or the credential may not see. Everyone else was invited.
type InviteResult struct {
	InvalidUsers   []string
	InvalidParties []int64
	InvalidTags    []int64
}

// Partial reports whether some of the ids were not invited.
func (r InviteResult) Partial() bool {
	return len(r.InvalidUsers)+len(r.InvalidParties)+len(r.InvalidTags) > 0
}

func ints(in []optInt) []int64 {
	if len(in) == 0 {
		return nil
	}
	out := make([]int64, len(in))
	for i, o := range in {
		out[i] = o.v
	}
	return out
}

// Invite asks WeCom to send an invitation to use WeCom (by SMS or mail)
// to the members users and to the members of the departments parties and
// tags tags, with POST /cgi-bin/batch/invite
// (https://developer.work.weixin.qq.com/document/path/90975): at most
// [MaxInviteUsers] users, [MaxInviteParties] departments and
// [MaxInviteTags] tags, at least one id in all. The credential must be
// able to see them. Ids WeCom refused come back in the result, not as an
// error.
func (c *Client) Invite(ctx context.Context, users []string, parties, tags []int64) (InviteResult, error) {
	switch {
	case len(users)+len(parties)+len(tags) == 0:
		return InviteResult{}, fmt.Errorf("%w: nobody to invite", ErrInvalidArgument)
	case len(users) > MaxInviteUsers:
		return InviteResult{}, fmt.Errorf("%w: %d users, WeCom takes at most %d", ErrInvalidArgument, len(users), MaxInviteUsers)
	case len(parties) > MaxInviteParties:
		return InviteResult{}, fmt.Errorf("%w: %d departments, WeCom takes at most %d", ErrInvalidArgument, len(parties), MaxInviteParties)
	case len(tags) > MaxInviteTags:
		return InviteResult{}, fmt.Errorf("%w: %d tags, WeCom takes at most %d", ErrInvalidArgument, len(tags), MaxInviteTags)
	case slices.Contains(users, ""):
		return InviteResult{}, fmt.Errorf("%w: empty userid in the list", ErrInvalidArgument)
	}
	var out inviteResponse
	if err := batchInvite.CallInto(ctx, c.corp, &inviteRequest{Users: users, Parties: parties, Tags: tags}, &out); err != nil {
		return InviteResult{}, fmt.Errorf("contact: invite: %w", err)
	}
	return InviteResult{InvalidUsers: out.InvalidUsers, InvalidParties: ints(out.InvalidParties), InvalidTags: ints(out.InvalidTags)}, nil
}

// QRSize is the size of the join QR code [Client.JoinQRCode] asks for
// (size_type).
type QRSize int

// The sizes WeCom draws; 0 leaves the choice to WeCom.
const (
	QRSize171  QRSize = 1 // 171 x 171
	QRSize399  QRSize = 2 // 399 x 399
	QRSize741  QRSize = 3 // 741 x 741
	QRSize2052 QRSize = 4 // 2052 x 2052
)

type joinQRCodeRequest struct {
	SizeType QRSize `json:"-" query:"size_type,omitempty"`
}

type joinQRCodeResponse struct {
	JoinQRCode string `json:"join_qrcode"`
}

// JoinQRCode returns the address of the QR code that lets people join the
// corporation, valid for 7 days, from GET /cgi-bin/corp/get_join_qrcode
// (https://developer.work.weixin.qq.com/document/path/91714). size is one
// of the QRSize constants, or 0 for WeCom's default. WeCom serves it to
// the contact-sync helper's secret (通讯录同步) only.
func (c *Client) JoinQRCode(ctx context.Context, size QRSize) (string, error) {
	if size < 0 || size > QRSize2052 {
		return "", fmt.Errorf("%w: QR code size_type %d is not 1-4", ErrInvalidArgument, size)
	}
	var out joinQRCodeResponse
	if err := corpJoinQRCode.CallInto(ctx, c.corp, joinQRCodeRequest{SizeType: size}, &out); err != nil {
		return "", fmt.Errorf("contact: join QR code: %w", err)
	}
	return out.JoinQRCode, nil
}

type activeStatRequest struct {
	Date string `json:"date" wecom:"required"`
}

type activeStatResponse struct {
	ActiveCount int `json:"active_cnt"`
}

// ActiveStat returns how many members were active on the calendar day of
// date (taken in date's own location: pass a time in China Standard Time
// for WeCom's days), from POST /cgi-bin/user/get_active_stat
// (https://developer.work.weixin.qq.com/document/path/92714). WeCom keeps
// the last 30 days and serves the count to the contact-sync helper's
// secret only.
func (c *Client) ActiveStat(ctx context.Context, date time.Time) (int, error) {
	if date.IsZero() {
		return 0, fmt.Errorf("%w: zero date", ErrInvalidArgument)
	}
	day := date.Format(time.DateOnly)
	var out activeStatResponse
	if err := userActiveStat.CallInto(ctx, c.corp, &activeStatRequest{Date: day}, &out); err != nil {
		return 0, fmt.Errorf("contact: active members on %s: %w", day, err)
	}
	return out.ActiveCount, nil
}

// SimpleUsers returns the members directly in department deptID with
// their userid, name, departments and (for a third-party app)
// open_userid only, from GET /cgi-bin/user/simplelist
// (https://developer.work.weixin.qq.com/document/path/90200). The
// fields WeCom sent are marked in each [User.Known].
//
// The page is not marked deprecated, but it is the thin sibling of
// user/list ([Client.UsersOfDepartment]) and carries the same rules: it
// no longer recurses (fetch_child), the contact-sync secret used from an
// IP added after 2022-08-15 may not call it (48002,
// https://developer.work.weixin.qq.com/document/path/96067), and a
// third-party app gets the userid in place of the name. For ids alone,
// [Client.UserIDs] (user/list_id) is the call that 2022 notice points
// the contact-sync secret to.
func (c *Client) SimpleUsers(ctx context.Context, deptID int64) ([]User, error) {
	if deptID <= 0 {
		return nil, fmt.Errorf("%w: department id %d", ErrInvalidArgument, deptID)
	}
	var out userListResponse
	if err := userSimpleList.CallInto(ctx, c.corp, userListRequest{DepartmentID: deptID}, &out); err != nil {
		return nil, fmt.Errorf("contact: simple users of department %d: %w", deptID, err)
	}
	us := make([]User, len(out.Users))
	for i := range out.Users {
		us[i] = out.Users[i].user()
	}
	return us, nil
}
