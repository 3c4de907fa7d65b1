package signer

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The tax cloud's only worked example ("签名说明"): the one hard-coded result.
const (
	exampleSecret = "pwd"
	exampleString = "appid=xxx&ts=241321#pwd"
	exampleSign   = "b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920"
)

func exampleParams() url.Values { return url.Values{"appid": {"xxx"}, "ts": {"241321"}} }

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestSignWorkedExample(t *testing.T) {
	require.Equal(t, exampleString, StringToSign(exampleParams(), exampleSecret))
	require.Equal(t, exampleSign, Sign(exampleParams(), exampleSecret))

	// sign itself never takes part, whatever its value.
	p := exampleParams()
	p.Set("sign", "anything")
	require.Equal(t, exampleSign, Sign(p, exampleSecret))
}

func TestStringToSign(t *testing.T) {
	long := make([]byte, 3*stackBuf) // longer than the stack buffer
	for i := range long {
		long[i] = 'a' + byte(i%26)
	}
	tests := []struct {
		name   string
		params url.Values
		secret string
		want   string
	}{
		{"nil params", nil, "pwd", "#pwd"},
		{"empty secret", url.Values{"a": {"1"}}, "", "a=1#"},
		{"sorted by name", url.Values{"ts": {"1"}, "code": {"c"}, "appid": {"a"}}, "s", "appid=a&code=c&ts=1#s"},
		{"byte order: upper case before lower case", url.Values{"pageUrl": {"p"}, "pageurl": {"q"}, "Z": {"z"}, "a": {"1"}}, "s", "Z=z&a=1&pageUrl=p&pageurl=q#s"},
		{"prefix sorts first", url.Values{"ab": {"2"}, "a": {"1"}, "a_": {"3"}}, "s", "a=1&a_=3&ab=2#s"},
		{"empty values skipped", url.Values{"a": {""}, "b": {"2"}, "c": {""}}, "s", "b=2#s"},
		{"sign skipped", url.Values{"sign": {"x"}, "b": {"2"}}, "s", "b=2#s"},
		{"decoded values as given", url.Values{"pageUrl": {"https://h/p?x=1&y=二#f"}}, "s", "pageUrl=https://h/p?x=1&y=二#f#s"},
		{"several values in order given", url.Values{"a": {"2", "", "1"}}, "s", "a=2&a=1#s"},
		{"empty name", url.Values{"": {"v"}, "a": {"1"}}, "s", "=v&a=1#s"},
		{"many keys", url.Values{
			"k01": {"1"}, "k02": {"2"}, "k03": {"3"}, "k04": {"4"}, "k05": {"5"}, "k06": {"6"}, "k07": {"7"}, "k08": {"8"}, "k09": {"9"},
			"k10": {"10"}, "k11": {"11"}, "k12": {"12"}, "k13": {"13"}, "k14": {"14"}, "k15": {"15"}, "k16": {"16"}, "k17": {"17"}, "k18": {"18"},
		}, "s", "k01=1&k02=2&k03=3&k04=4&k05=5&k06=6&k07=7&k08=8&k09=9&k10=10&k11=11&k12=12&k13=13&k14=14&k15=15&k16=16&k17=17&k18=18#s"},
		{"longer than the stack buffer", url.Values{"x": {string(long)}}, "s", "x=" + string(long) + "#s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, StringToSign(tt.params, tt.secret))
			require.Equal(t, sha256Hex(tt.want), Sign(tt.params, tt.secret))
		})
	}
}

func TestSignQuery(t *testing.T) {
	now := time.Unix(1700000000, 999_000_000) // sub-second part is dropped
	in := url.Values{"appid": {"ww1"}, "code": {"c o+d/e"}, "ts": {"1"}, "sign": {"old"}, "empty": {""}}
	before := url.Values{}
	for k, vs := range in {
		before[k] = append([]string(nil), vs...)
	}

	q := SignQuery(in, "secret", now)

	require.Equal(t, before, in, "input must not be modified")
	require.Equal(t, []string{"1700000000"}, q["ts"])
	require.Equal(t, []string{Sign(url.Values{"appid": {"ww1"}, "code": {"c o+d/e"}, "ts": {"1700000000"}}, "secret")}, q["sign"])
	require.Equal(t, []string{""}, q["empty"], "other parameters are kept as they are")

	// Encoded and parsed again, it verifies strictly on the same clock.
	parsed, err := url.ParseQuery(q.Encode())
	require.NoError(t, err)
	v := mustVerifier("secret", Strict(), WithClock(func() time.Time { return now }))
	require.NoError(t, v.Verify(parsed))

	// The result shares no slice with the input.
	q["appid"][0] = "changed"
	require.Equal(t, "ww1", in.Get("appid"))

	// nil input.
	q = SignQuery(nil, "pwd", time.Unix(241321, 0))
	require.Equal(t, url.Values{"ts": {"241321"}, "sign": {Sign(url.Values{"ts": {"241321"}}, "pwd")}}, q)
}
