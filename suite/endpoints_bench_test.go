package suite_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkAppQRCodePNG fetches the app's QR image from wecomtest: the one
// call that used to bypass the transport.
func BenchmarkAppQRCodePNG(b *testing.B) {
	f := newFixture(b)
	s := f.start(nil)
	f.install(s, corpA)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := s.AppQRCodePNG(ctx)
		require.NoError(b, err)
	}
}

// BenchmarkRefreshAuthInfo is get_auth_info with the suite token (and the
// store write that follows).
func BenchmarkRefreshAuthInfo(b *testing.B) {
	f := newFixture(b)
	s := f.start(nil)
	f.install(s, corpA)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := s.RefreshAuthInfo(ctx, corpA)
		require.NoError(b, err)
	}
}

// BenchmarkAdminList is agent/get_admin_list with a corporation's token.
func BenchmarkAdminList(b *testing.B) {
	f := newFixture(b)
	s := f.start(nil)
	a := f.install(s, corpA)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, err := s.AdminList(ctx, corpA, a.AgentID())
		require.NoError(b, err)
	}
}
