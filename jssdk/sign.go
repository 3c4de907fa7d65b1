package jssdk

import (
	"crypto/sha1"
	"encoding/hex"
	"strconv"
)

// Sign returns the JS-SDK signature of a page (doc 90506): the lowercase
// hex SHA-1 of
//
//	jsapi_ticket=TICKET&noncestr=NONCESTR&timestamp=TIMESTAMP&url=URL
//
// with the values exactly as given — nothing is escaped or unescaped, as
// WeCom's own check does not either. wx.config and wx.agentConfig use the
// same algorithm with different tickets (doc 94313). pageURL must already
// be without its fragment (#…) and timestamp in seconds; [Signer.Config]
// and [Signer.AgentConfig] take care of both.
func Sign(ticket, nonceStr string, timestamp int64, pageURL string) string {
	// Pages rarely have URLs longer than this; longer ones grow the buffer.
	var buf [512]byte
	b := append(buf[:0], "jsapi_ticket="...)
	b = append(b, ticket...)
	b = append(b, "&noncestr="...)
	b = append(b, nonceStr...)
	b = append(b, "&timestamp="...)
	b = strconv.AppendInt(b, timestamp, 10)
	b = append(b, "&url="...)
	b = append(b, pageURL...)
	sum := sha1.Sum(b) // WeCom's choice of hash, not ours
	var out [2 * sha1.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}
