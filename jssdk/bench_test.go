package jssdk_test

import (
	"context"
	"testing"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/wecom"
)

// benchSigner is a Signer as production runs it: the real clock.
func benchSigner(b *testing.B) *jssdk.Signer {
	f := newFixture(b)
	c, err := wecom.New(corpID, secretA, wecom.WithAgentID(agentA), wecom.WithBaseURL(f.srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	return jssdk.New(c)
}

func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = jssdk.Sign(vectorTicket, vectorNonce, vectorTimestamp, "https://app.example.com/invoice/index.html?from=wecom&corp=ww1234567890abcdef")
	}
}

// BenchmarkSignerConfig measures Config with a warm ticket: what every
// /js-sdk request costs. Target: ≤ 1.5 µs/op, ≤ 5 allocs/op.
func BenchmarkSignerConfig(b *testing.B) {
	s := benchSigner(b)
	ctx := context.Background()
	const page = "https://app.example.com/invoice/index.html?from=wecom&corp=ww1234567890abcdef#/list"
	if _, err := s.Config(ctx, page); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Config(ctx, page); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignerConfigParallel(b *testing.B) {
	s := benchSigner(b)
	ctx := context.Background()
	const page = "https://app.example.com/invoice/index.html?from=wecom"
	if _, err := s.Config(ctx, page); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Config(ctx, page); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
