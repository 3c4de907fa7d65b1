package suite_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/wecomkit/wecomkit/suite"
)

// FuzzUserInfo3rd feeds getuserinfo3rd answers of any shape: decoding never
// panics, and a decoded ticket never prints.
func FuzzUserInfo3rd(f *testing.F) {
	f.Add([]byte(`{"errcode":0,"corpid":"wwc","userid":"u1","user_ticket":"tk","open_userid":"o"}`))
	f.Add([]byte(`{"CorpId":"wwc","UserId":"u1","DeviceId":"d"}`))
	f.Add([]byte(`{"openid":1,"OpenId":"x"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var u suite.UserInfo3rd
		if err := json.Unmarshal(data, &u); err != nil {
			return
		}
		if got := fmt.Sprintf("%v %s %+v", u.UserTicket, u.UserTicket, u.UserTicket); got != "[redacted] [redacted] [redacted]" {
			t.Fatalf("the ticket printed as %q", got)
		}
		_ = u.IsMember()
	})
}
