package externalcontact_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// BenchmarkGroupChats walks 1000 customer groups (one page) through the
// fake: the cost of the iterator and the decoding per group.
func BenchmarkGroupChats(b *testing.B) {
	f := newWayFixture(b)
	for i := range 1000 {
		f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: fmt.Sprintf("wr%04d", i), Owner: "zhangsan"})
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n := 0
		for _, err := range f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatal(n)
		}
	}
}

// BenchmarkSendWelcome sends one welcome message with three attachments:
// the path that must finish within the code's 20 seconds.
func BenchmarkSendWelcome(b *testing.B) {
	f := newWayFixture(b)
	m := externalcontact.WelcomeMessage{Text: "你好", Attachments: []externalcontact.Attachment{
		externalcontact.ImageAttachment("M"), externalcontact.FileAttachment("F"),
		externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "T", URL: "https://example.com"})}}
	codes := make([]string, b.N)
	for i := range codes {
		codes[i] = f.srv.NewWelcomeCode(corpID, "zhangsan", "wmA")
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := f.ec.SendWelcome(ctx, codes[i], m); err != nil {
			b.Fatal(err)
		}
	}
}
