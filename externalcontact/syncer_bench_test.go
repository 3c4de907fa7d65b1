package externalcontact_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// BenchmarkSyncerFullSync syncs 1,000 members × 100 customers (100,000
// follow relations, 1,000 batch/get_by_user pages) from wecomtest over
// loopback into an empty store. Target: ≤ 3 s and ≤ 150 MB peak heap.
// peak-heap-MB is the whole process's, the fake server's 100,000
// customers (about 28 MB live) included, and the collector lets the heap
// grow to about twice what is live; retained-MB is what the sync keeps
// (the snapshot, the changes) once it is over. BenchmarkSyncerFullSyncClient
// measures the Syncer without the fake in its heap.
func BenchmarkSyncerFullSync(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	b.Cleanup(srv.Close)
	srv.GenerateCustomers(corpID, 1000, 100)
	benchFullSync(b, srv.URL, true)
}

// BenchmarkSyncerFullSyncClient is BenchmarkSyncerFullSync with the fake
// WeCom in a child process (this test binary again), still over
// loopback: peak-heap-MB is then the Syncer's own.
func BenchmarkSyncerFullSyncClient(b *testing.B) {
	if os.Getenv(fakeChildEnv) != "" {
		serveFakeChild()
		return
	}
	url, stop := startFakeChild(b)
	defer stop()
	benchFullSync(b, url, false)
}

const fakeChildEnv = "WECOMKIT_EXTERNALCONTACT_BENCH_FAKE"

// serveFakeChild is the child: a fake with the customers, its URL on
// stdout, serving until stdin closes.
func serveFakeChild() {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	srv.GenerateCustomers(corpID, 1000, 100)
	fmt.Println("FAKE-URL " + srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	srv.Close()
}

func startFakeChild(b *testing.B) (string, func()) {
	b.Helper()
	exe, err := os.Executable()
	require.NoError(b, err)
	cmd := exec.Command(exe, "-test.run=^$", "-test.bench=^BenchmarkSyncerFullSyncClient$", "-test.benchtime=1x")
	cmd.Env = append(os.Environ(), fakeChildEnv+"=1")
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	stop := func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), "FAKE-URL "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return url, stop
		}
	}
	stop()
	b.Fatal("the fake's child process printed no URL")
	return "", nil
}

func benchFullSync(b *testing.B, url string, retained bool) {
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(url))
	require.NoError(b, err)
	src := externalcontact.NewSource(c)
	ctx := context.Background()
	_, err = externalcontact.New(c).FollowUsers(ctx) // the token
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	var peak, kept float64
	for range b.N {
		b.StopTimer()
		base := testutil.HeapNow()
		s, err := externalcontact.NewSyncer(src, store.NewMemory(), nil)
		require.NoError(b, err)
		b.StartTimer()
		var cs externalcontact.Changes
		peak = max(peak, testutil.PeakHeap(func() {
			cs, err = s.Sync(ctx)
			require.NoError(b, err)
			require.Len(b, cs, 1000+100000)
		}))
		b.StopTimer()
		kept = max(kept, testutil.HeapNow()-base)
		runtime.KeepAlive(cs)
		b.StartTimer()
	}
	b.ReportMetric(peak, "peak-heap-MB")
	if retained {
		b.ReportMetric(kept, "retained-MB")
	}
}

// bigSnapshot is members × perMember relations with two tags each.
func bigSnapshot(members, perMember int) *externalcontact.Snapshot {
	s := &externalcontact.Snapshot{Taken: time.Unix(1700000000, 0)}
	for m := range members {
		u := fmt.Sprintf("u%04d", m)
		s.Followers = append(s.Followers, u)
		for c := range perMember {
			s.Follows = append(s.Follows, externalcontact.Follow{UserID: u, ExternalUserID: fmt.Sprintf("wm%04d-%04d", m, c),
				Remark: "备注", Description: "描述", TagIDs: []string{"etA", "etB"}, CreateTime: 1700000000, AddWay: 1})
		}
	}
	return s
}

// BenchmarkDiff compares two 100,000-relation snapshots that differ in 1%
// of the relations (remarks and tags) plus a follower gone. Target:
// ≤ 150 ms.
func BenchmarkDiff(b *testing.B) {
	old := bigSnapshot(1000, 100)
	new := bigSnapshot(1000, 100)
	for i := 0; i < len(new.Follows); i += 100 {
		new.Follows[i].Remark = "changed"
		new.Follows[i+1].TagIDs = []string{"etA"}
	}
	new.Followers = new.Followers[1:]
	new.Follows = new.Follows[100:]
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		cs := externalcontact.Diff(old, new)
		if len(cs) != 1+100+999+999 {
			b.Fatalf("%d changes", len(cs))
		}
	}
}

// BenchmarkSnapshotEncoding encodes and decodes a 100,000-relation
// snapshot, as every sync and refresh does.
func BenchmarkSnapshotEncoding(b *testing.B) {
	s := bigSnapshot(1000, 100)
	b.ReportAllocs()
	var size int
	for range b.N {
		raw, err := s.MarshalBinary()
		require.NoError(b, err)
		var back externalcontact.Snapshot
		require.NoError(b, back.UnmarshalBinary(raw))
		size = len(raw)
	}
	b.ReportMetric(float64(size)/(1<<20), "stored-MB")
}

// BenchmarkParseEvent types one add_external_contact callback.
func BenchmarkParseEvent(b *testing.B) {
	raw := []byte(`<xml><ToUserName><![CDATA[ww-corp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[woAJ2GCAAAXtWyujaWJHDDGi0mAAAA]]></ExternalUserID><State><![CDATA[teststate]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode></xml>`)
	b.ReportAllocs()
	for range b.N {
		ev, err := crypto.ParseEvent(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := externalcontact.ParseEvent(ev); err != nil {
			b.Fatal(err)
		}
	}
}
