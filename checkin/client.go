package checkin

import (
	"errors"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidArgument is wrapped by the errors for arguments no call could
// succeed with: no userids, an empty one, a period that ends before it
// starts.
var ErrInvalidArgument = errors.New("checkin: invalid argument")

// Client calls the check-in endpoints with one corporation's token: that
// of a self-built app configured in 「打卡 - 可调用接口的应用」, or of a
// 代开发 or third-party app with the 打卡 permission (third-party apps
// cannot read all rules, add records or faces). A Client is safe for
// concurrent use.
type Client struct {
	corp wecom.Caller[wecom.CorpToken]
}

// New returns a Client calling WeCom through c, which must hold a
// corporation's access_token; if it holds another kind, every call
// returns a [*wecom.TokenKindError] before any request.
func New(c *wecom.Client) *Client {
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	return &Client{corp: corp}
}

// MaxUsers is how many userids one call takes (docs 90262, 90263, 93374,
// 93387, 93380); the Client splits longer lists.
const MaxUsers = 100

// Zone is the zone WeCom counts check-in days in (UTC+8): a day's
// timestamps are its 00:00 there.
var Zone = time.FixedZone("UTC+8", 8*3600)

// Day returns the 00:00 (in [Zone]) of the day t falls on.
func Day(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

func checkUsers(userIDs []string) error {
	if len(userIDs) == 0 {
		return fmt.Errorf("%w: no userids", ErrInvalidArgument)
	}
	for _, id := range userIDs {
		if id == "" || len(id) > 64 {
			return fmt.Errorf("%w: userid %q: 1 to 64 bytes", ErrInvalidArgument, id)
		}
	}
	return nil
}

func checkPeriod(start, end time.Time) error {
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return fmt.Errorf("%w: the period must have a start no later than its end", ErrInvalidArgument)
	}
	return nil
}

// chunks splits ids into runs of at most MaxUsers.
func chunks(ids []string) [][]string {
	var out [][]string
	for len(ids) > 0 {
		n := min(MaxUsers, len(ids))
		out = append(out, ids[:n:n])
		ids = ids[n:]
	}
	return out
}
