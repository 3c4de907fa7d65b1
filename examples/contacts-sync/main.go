// Command contacts-sync keeps a WeCom (企业微信) corporation's directory in
// step and says what changed: every interval (10 minutes by default) it
// takes a snapshot — the structure with the contact-sync secret, names and
// positions with the app's secret — compares it with the last one, kept in
// a bbolt file, and prints one JSON object per change on standard output:
//
//	{"op":"added","kind":"department","id":"2","name":"研发部"}
//	{"op":"changed","kind":"user","id":"zhangsan","fields":["position"],"name":"张三","old":{"position":"工程师"},"new":{"position":"经理"}}
//	{"op":"removed","kind":"user","id":"lisi","name":"李四"}
//
// op is added, changed or removed; kind is department or user; id is the
// userid or the department id in decimal; name, when known, is the
// current name (the last known one for a removal). For changed, fields
// names the changed fields by their WeCom JSON names, sorted, and old and
// new give each one's value before and after (null where it was not
// known). The order is deterministic: departments before users; within
// each kind added, then changed, then removed; within those by id
// (departments numerically, userids bytewise). Logs go to standard error
// as JSON lines, one per sync: "synced", counting the members and those
// outside the app's visible range (known by id and departments only), or
// "sync failed" with what the failure usually means.
//
// The first run on an empty data file prints every user and department as
// added; a run with no change in WeCom prints nothing. That first sync is
// the baseline: -notify messages nobody then (it would be the whole
// company) unless -notify-initial is given. A failed sync (an
// error on any page) prints nothing and keeps the previous snapshot; with
// -once the process then exits 1, as it does when the data file cannot be
// opened. Every setting is a flag with an environment fallback (see -h);
// invalid settings exit 2, all reported together.
//
// With -listen (or LISTEN_ADDR) the long-running mode also serves
// /healthz, /readyz (ready after the first successful sync, and while the
// last good snapshot is at most two intervals old) and /metrics.
//
//	WECOM_CORP_ID=… WECOM_CONTACT_SECRET=… WECOM_SECRET=… contacts-sync -once
//	go run ./examples/contacts-sync -demo
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/wecom"
)

func main() { serve.Main(start) }

// run is start with the process's parts as arguments (tests).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return start(ctx, serve.Process{Args: args, Getenv: getenv, Stdout: stdout, Stderr: stderr})
}

// start syncs until ctx ends (or once, with -once) and returns the exit
// status: 0, 1 for a failed sync with -once or a failure to start, 2 for
// invalid settings.
func start(ctx context.Context, p serve.Process) int {
	stdout, stderr := p.Stdout, p.Stderr
	cfg, err := loadConfig(p.Args, p.Getenv, stderr)
	listen := cfg.Listen
	if cfg.Once {
		listen = "" // -once serves nothing
	}
	ln, status, ok := serve.Open(p, "contacts-sync", listen, err)
	if !ok {
		return status
	}
	if ln != nil {
		defer ln.Close()
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	if cfg.Demo {
		demo := startDemo(ctx, logger)
		defer demo.Close()
		cfg = demo.configure(cfg)
		logger.Info("demo mode: a fake WeCom runs in-process and changes its directory every few seconds; nothing reaches the real WeCom",
			slog.String("wecom", cfg.BaseURL), slog.String("data", cfg.Data), slog.String("interval", cfg.Interval.String()))
	}

	st, err := boltstore.Open(cfg.Data)
	if err != nil {
		logger.Error("cannot open the data file", slog.String("data", cfg.Data), slog.String("error", err.Error()))
		return serve.ExitFailed
	}
	defer st.Close()

	opts := []wecom.Option{wecom.WithBaseURL(cfg.BaseURL), wecom.WithLogger(logger)}
	var state *syncState // what -listen reports; nil without it
	if ln != nil {
		state = newSyncState(cfg.Interval, time.Now)
	}
	observe := func(ctx context.Context, info wecom.CallInfo) {
		if state != nil {
			state.wecomCalls.Observe(ctx, info)
		}
	}
	src := &fetcher{details: !cfg.Secret.IsZero(), now: time.Now}
	structure, err := wecom.New(cfg.CorpID, cfg.ContactSecret.Reveal(), append(slices.Clip(opts),
		wecom.WithCallHook(func(ctx context.Context, info wecom.CallInfo) {
			observe(ctx, info)
			src.observeStructure(info)
		}))...)
	if err != nil {
		logger.Error("cannot start", slog.String("error", err.Error()))
		return serve.ExitFailed
	}
	var details *wecom.Client
	if !cfg.Secret.IsZero() {
		if details, err = wecom.New(cfg.CorpID, cfg.Secret.Reveal(), append(slices.Clip(opts), wecom.WithAgentID(cfg.AgentID), wecom.WithCallHook(observe))...); err != nil {
			logger.Error("cannot start", slog.String("error", err.Error()))
			return serve.ExitFailed
		}
	} else {
		logger.Warn("WECOM_SECRET is not set: members and departments are synced by id and structure only; names and positions stay unknown")
	}
	var notifier *message.Client
	if cfg.Notify {
		notifier = message.New(details, cfg.AgentID, message.WithLimiter(message.NewLimiter()))
	}

	out := bufio.NewWriter(stdout)
	var syncer *contact.Syncer
	onChange := func(ctx context.Context, changes contact.Changes) error {
		// The first sync (no snapshot stored yet) is the baseline: it adds
		// every member, and notifies nobody unless -notify-initial.
		baseline := false
		if notifier != nil && !cfg.NotifyInitial {
			_, stored, err := st.Get(ctx, syncer.Key())
			if err != nil {
				return fmt.Errorf("data file: %w", err)
			}
			baseline = !stored
		}
		var line []byte
		for _, c := range changes {
			var err error
			if line, err = appendLine(line[:0], c); err != nil {
				return err
			}
			out.Write(line)
			out.WriteByte('\n')
		}
		if err := out.Flush(); err != nil {
			return fmt.Errorf("standard output: %w", err)
		}
		if state != nil {
			state.printed(changes)
		}
		switch {
		case baseline:
			logger.Info("first sync: the baseline notifies nobody (-notify-initial would notify every member)",
				slog.Int("members", changes.Count(contact.Added, contact.KindUser)))
		case notifier != nil:
			notify(ctx, notifier, changes, logger)
		}
		return nil
	}
	src.Source = contact.NewSource(structure, details)
	syncer, err = contact.NewSyncer(src, st, onChange,
		contact.WithInterval(cfg.Interval),
		contact.WithOnSuccess(func(changes contact.Changes) {
			src.logSync(ctx, logger, changes, nil)
			if state != nil {
				state.succeeded()
			}
		}),
		contact.WithOnError(func(err error) {
			src.logSync(ctx, logger, nil, err)
			if state != nil {
				state.failed()
			}
		}))
	if err != nil {
		logger.Error("cannot start", slog.String("error", err.Error()))
		return serve.ExitFailed
	}

	if cfg.Once {
		changes, err := syncer.Sync(ctx)
		src.logSync(ctx, logger, changes, err)
		if err != nil {
			return serve.ExitFailed
		}
		return serve.ExitOK
	}
	logger.Info("syncing", slog.String("corpid", cfg.CorpID), slog.String("interval", cfg.Interval.String()), slog.String("data", cfg.Data))
	if ln == nil {
		_ = syncer.Run(ctx)
		logger.Info("stopped")
		return serve.ExitOK
	}
	return runListening(ctx, syncer, ln, state, logger)
}

// shutdownTimeout bounds the wait for the -listen server's requests in
// flight (probes and scrapes: all quick).
const shutdownTimeout = 5 * time.Second

// runListening is Run with the -listen server: it syncs until ctx ends or
// the server fails (exit 1), then stops the syncs and shuts the server
// down.
func runListening(ctx context.Context, syncer *contact.Syncer, ln net.Listener, state *syncState, logger *slog.Logger) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	synced := make(chan struct{})
	go func() {
		defer close(synced)
		_ = syncer.Run(ctx)
	}()
	return serve.Run(ctx, serve.Process{}, ln, logger, serve.Service{
		Handler:         state.handler(),
		ShutdownTimeout: shutdownTimeout,
		Stopping:        func() { cancel(); <-synced }, // a failed server stops the syncs too
	})
}

// notifyURL is where the cards link to: the member's WeCom profile page
// is not addressable, so the card opens WeCom's web home.
const notifyURL = "https://work.weixin.qq.com/"

// notify sends a textcard to every added or changed member: one message per
// distinct text, to up to 1000 members at a time, through the limiter.
// Failures are logged; the sync itself has succeeded.
func notify(ctx context.Context, m *message.Client, changes contact.Changes, logger *slog.Logger) {
	groups := map[string][]string{}
	for _, c := range changes {
		if c.Kind != contact.KindUser || c.Op == contact.Removed {
			continue
		}
		text := "欢迎加入！你的通讯录信息已同步。"
		if c.Op == contact.Changed {
			text = changedText(c.Fields)
		}
		groups[text] = append(groups[text], c.ID)
	}
	texts := make([]string, 0, len(groups))
	for t := range groups {
		texts = append(texts, t)
	}
	sort.Strings(texts)
	for _, text := range texts {
		users := groups[text]
		for len(users) > 0 {
			n := min(len(users), message.MaxUsers)
			res, err := m.Send(ctx, &message.Message{
				To:      message.ToUsers(users[:n]...),
				Content: &message.TextCard{Title: "通讯录更新", Description: text, URL: notifyURL},
			})
			switch {
			case err != nil:
				logger.Error("notify failed", slog.Int("members", n), slog.String("error", err.Error()))
			case res.Partial():
				logger.Warn("notify: some members not reached", slog.Any("invaliduser", res.InvalidUsers), slog.Any("unlicenseduser", res.UnlicensedUsers))
			default:
				logger.Info("notified", slog.Int("members", n))
			}
			users = users[n:]
		}
	}
}

// demoDataFile is where -demo keeps its snapshot unless -data is given.
func demoDataFile() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("contacts-sync-demo-%d.db", os.Getpid()))
}
