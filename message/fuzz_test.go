package message

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCutBytes: the cut is a prefix within the limit, and valid UTF-8
// stays valid (no character is split).
func FuzzCutBytes(f *testing.F) {
	f.Add("合同已签署", 7)
	f.Add("a😀b", 2)
	f.Add("\xff\xfe", 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 4096
		got := CutBytes(s, n)
		if !strings.HasPrefix(s, got) || (len(got) > max(n, 0)) {
			t.Fatalf("CutBytes(%q, %d) = %q", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("CutBytes(%q, %d) split a character: %q", s, n, got)
		}
		if utf8.ValidString(s) && len(s) > n && n >= 0 && len(got) < n-3 {
			t.Fatalf("CutBytes(%q, %d) cut too much: %q", s, n, got)
		}
		r := CutRunes(s, n)
		if !strings.HasPrefix(s, r) || utf8.RuneCountInString(r) > max(n, 0) {
			t.Fatalf("CutRunes(%q, %d) = %q", s, n, r)
		}
	})
}

// FuzzSendLog: a stored send log (which another process wrote, or
// anything) either parses and round-trips or is refused; nothing panics.
func FuzzSendLog(f *testing.F) {
	f.Add("1a2b3c,-1a2b3d")
	f.Add("")
	f.Add(",,")
	f.Fuzz(func(t *testing.T, s string) {
		ts, err := parseTimes(s)
		if err != nil {
			return
		}
		back, err := parseTimes(formatTimes(ts))
		if err != nil || !slices.Equal(ts, back) {
			t.Fatalf("round trip of %q: %v %v", s, back, err)
		}
	})
}

// FuzzSplit: WeCom's "a|b" answers split into non-empty items.
func FuzzSplit(f *testing.F) {
	f.Add("userid1|userid2")
	f.Add("|||")
	f.Fuzz(func(t *testing.T, s string) {
		for _, item := range appendSplit(nil, s) {
			if item == "" || strings.Contains(item, "|") || !strings.Contains(s, item) {
				t.Fatalf("appendSplit(%q) gave %q", s, item)
			}
		}
	})
}
