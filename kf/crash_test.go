package kf_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// The child process of TestPumpSurvivesSIGKILL: it pumps one kf account
// into a file, one line per message, written (and fsynced) before the
// handler returns, and echoes each msgid on stdout so that the parent can
// kill it at a chosen point.
const childEnv = "WECOMKIT_KF_PUMP_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(pumpChild())
	}
	os.Exit(m.Run())
}

func pumpChild() int {
	env := func(k string) string { return os.Getenv("WECOMKIT_KF_" + k) }
	st, err := boltstore.Open(env("DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer st.Close()
	out, err := os.OpenFile(env("OUT"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer out.Close()
	if _, err := out.WriteString("start\n"); err != nil {
		return 2
	}
	c, err := wecom.New(env("CORP"), env("SECRET"), wecom.WithAgentID(agentID), wecom.WithBaseURL(env("URL")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	stdout := bufio.NewWriter(os.Stdout)
	limit, _ := strconv.Atoi(env("LIMIT"))
	h := kf.HandlerFunc(func(_ context.Context, m *kf.Message) error {
		if _, err := out.WriteString(m.MsgID + " " + m.ExternalUserID + "\n"); err != nil {
			return err
		}
		if err := out.Sync(); err != nil {
			return err
		}
		_, _ = stdout.WriteString(m.MsgID + "\n")
		return stdout.Flush()
	})
	p := kf.NewPump(kf.New(c), st, h, kf.WithLimit(limit))
	defer p.Close()
	if err := p.Pull(context.Background(), env("KFID"), env("TOKEN")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestPumpSurvivesSIGKILL pumps 10,000 messages of 40 customers (13 pages
// of 800) in a real process with a bolt cursor file, kills it with SIGKILL
// at five random points and restarts it: every message is handled at
// least once, in order, none skipped, and the only duplicates are those of
// the page that was interrupted.
func TestPumpSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	f := newFixture(t)
	kfID := f.srv.AddKFAccount(corpID, "售后")
	const n, limit = 10000, 800
	ids := writeMany(f.srv, kfID, n, 40)
	index := make(map[string]int, n)
	for i, id := range ids {
		index[id] = i
	}
	dir := t.TempDir()
	outPath := filepath.Join(dir, "handled.txt")
	env := append(os.Environ(), childEnv+"=1",
		"WECOMKIT_KF_DB="+filepath.Join(dir, "cursor.db"), "WECOMKIT_KF_OUT="+outPath,
		"WECOMKIT_KF_URL="+f.srv.URL, "WECOMKIT_KF_CORP="+corpID, "WECOMKIT_KF_SECRET="+secret,
		"WECOMKIT_KF_KFID="+kfID, "WECOMKIT_KF_TOKEN="+f.srv.KFCallbackToken(corpID, kfID),
		"WECOMKIT_KF_LIMIT="+strconv.Itoa(limit))

	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 7))
	handled := 0 // lines the children printed so far, duplicates included
	for run := 0; ; run++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = env
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		sc := bufio.NewScanner(stdout)
		if run < 5 {
			killAt := 1 + rng.IntN(2*limit) // somewhere in the next two pages
			lines := 0
			for lines < killAt && sc.Scan() {
				lines++
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			_ = cmd.Wait()
			handled += lines
			t.Logf("run %d: killed after %d messages", run, lines)
			continue
		}
		for sc.Scan() {
			handled++
		}
		require.NoError(t, cmd.Wait(), "the last run drains the account")
		break
	}

	data, err := os.ReadFile(outPath)
	require.NoError(t, err)
	var runs [][]int
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "start" {
			runs = append(runs, nil)
			continue
		}
		msgID, customer, ok := strings.Cut(line, " ")
		require.True(t, ok, line)
		i, known := index[msgID]
		require.True(t, known, msgID)
		require.Equal(t, fmt.Sprintf("wm%d", i%40), customer)
		runs[len(runs)-1] = append(runs[len(runs)-1], i)
	}
	require.Len(t, runs, 6)
	next, dups := 0, 0 // next: the first message no run has handled yet
	for r, got := range runs {
		if len(got) == 0 {
			continue
		}
		start := got[0]
		require.Zero(t, start%limit, "run %d starts at a page boundary", r)
		require.LessOrEqual(t, start, next, "run %d skipped messages %d…%d", r, next, start-1)
		require.Less(t, next-start, limit+1, "run %d re-handled more than the interrupted page", r)
		for k, i := range got {
			require.Equal(t, start+k, i, "run %d handles in order, without gaps", r)
		}
		dups += max(0, next-start)
		next = max(next, start+len(got))
	}
	require.Equal(t, n, next, "every message handled")
	t.Logf("10,000 messages, 5 kills: %d handled, %d of them again after a kill", handled, dups)
}
