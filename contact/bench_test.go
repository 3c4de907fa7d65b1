package contact_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// benchFixture is newFixture's server and clients for a benchmark whose
// heap is measured. The server is released when the benchmark ends: the
// testing package keeps a finished run's cleanup functions reachable, so
// with -count N a server captured by one (newFixture's srv.Close) stayed
// in the heap — a whole second directory — during every later run.
func benchFixture(b *testing.B, depts, users int) (structure, app *wecom.Client) {
	b.Helper()
	srv := wecomtest.NewServer(
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: appSecret}),
		wecomtest.WithContactSyncSecret(corpID, contactSecret),
	)
	held := &srv
	b.Cleanup(func() {
		(*held).Close()
		*held = nil
	})
	srv.GenerateDirectory(corpID, depts, users)
	structure, err := wecom.New(corpID, contactSecret, wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	app, err = wecom.New(corpID, appSecret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	return structure, app
}

// BenchmarkFullSync fetches 100,000 members in 2,000 departments from
// wecomtest over loopback (structure and details) and stores the
// snapshot. Target (issue 22): no slower than before and ≤ 100 MB peak
// heap, the fake server's heap, in the same process, included (about
// 32 MB of it: the directory and its index).
func BenchmarkFullSync(b *testing.B) {
	structure, app := benchFixture(b, 2000, 100000)
	ctx := context.Background()
	src := contact.NewSource(structure, app)
	_, err := src.Fetch(ctx) // warm the fake server's index and the tokens
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	var peak float64
	for range b.N {
		runtime.GC()
		s, err := contact.NewSyncer(src, newMemStore(), nil)
		require.NoError(b, err)
		p := testutil.PeakHeap(func() {
			ch, err := s.Sync(ctx)
			require.NoError(b, err)
			require.Len(b, ch, 102000)
		})
		peak = max(peak, p)
	}
	b.ReportMetric(peak, "peak-heap-MB")
}

// BenchmarkDiff compares two 100,000-member snapshots that differ in 1%
// of the members. Target: ≤ 300 ms and ≤ 50 MB allocated.
func BenchmarkDiff(b *testing.B) {
	old := bigSnapshot(100000, 2000)
	new := bigSnapshot(100000, 2000)
	for i := 0; i < len(new.Users); i += 100 {
		new.Users[i].Position = "changed"
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ch := contact.Diff(old, new)
		if len(ch) != 1000 {
			b.Fatal(len(ch))
		}
	}
}

// BenchmarkDiffAllNew is the worst case: everything removed and added.
func BenchmarkDiffAllNew(b *testing.B) {
	old := bigSnapshot(100000, 2000)
	new := bigSnapshot(100000, 2000)
	for i := range new.Users {
		new.Users[i].UserID = "x" + new.Users[i].UserID
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if ch := contact.Diff(old, new); len(ch) != 200000 {
			b.Fatal(len(ch))
		}
	}
}

func BenchmarkSnapshotEncode(b *testing.B) {
	s := bigSnapshot(100000, 2000)
	b.ReportAllocs()
	b.ResetTimer()
	var size int
	for range b.N {
		raw, err := s.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		size = len(raw)
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

func BenchmarkSnapshotDecode(b *testing.B) {
	raw, err := bigSnapshot(100000, 2000).MarshalBinary()
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var s contact.Snapshot
		if err := s.UnmarshalBinary(raw); err != nil {
			b.Fatal(err)
		}
	}
}
