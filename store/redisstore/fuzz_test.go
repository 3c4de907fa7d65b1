package redisstore_test

import (
	"strings"
	"testing"

	"github.com/wecomkit/wecomkit/store/redisstore"
)

// FuzzFromURLNeverShowsPassword: whatever the URL, neither the error
// FromURL returns nor the Store's String quotes the password in it.
func FuzzFromURLNeverShowsPassword(f *testing.F) {
	for _, in := range [][3]string{
		{"redis", "127.0.0.1:6379/0", "p4ssw0rd"},
		{"rediss", "redis.internal:6380/1?dial_timeout=3s", "s3cr3t/with?odd#chars"},
		{"redis", "127.0.0.1:notaport/0", "hunter22"},
		{"redis", "[::1/0", "hunter22"},
		{"unix", "/run/redis.sock?db=2", "hunter22"},
		{"http", "example.com", "hunter22"},
		{"redis", "h:1/0?no_such=1", "pa@ss:wd"},
	} {
		f.Add(in[0], in[1], in[2])
	}
	f.Fuzz(func(t *testing.T, scheme, rest, pw string) {
		raw := scheme + "://user:" + pw + "@" + rest
		if len(pw) < 4 || strings.Count(raw, pw) != 1 {
			return // too short to tell apart from the rest of the URL
		}
		s, err := redisstore.FromURL(raw)
		if err != nil {
			if strings.Contains(err.Error(), pw) && !strings.Contains(describeWithout(scheme, rest), pw) {
				t.Fatalf("error shows the password: %v", err)
			}
			return
		}
		defer s.Close()
		if strings.Contains(s.String(), pw) && !strings.Contains(describeWithout(scheme, rest), pw) {
			t.Fatalf("String shows the password: %s", s)
		}
	})
}

// describeWithout is what FromURL says (String, or the error) for the same
// URL with another password: when it too contains pw, pw is a piece of the
// host or port ("000:" in "000:6379"), not the password showing.
func describeWithout(scheme, rest string) string {
	s, err := redisstore.FromURL(scheme + "://user:other-password@" + rest)
	if err != nil {
		return err.Error()
	}
	defer s.Close()
	return s.String()
}
