package suite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/jobqueue"
)

// jobPayload is what the suite records for a job: a push, or an install
// completed on the website whose hook and details are still to come.
type jobPayload struct {
	// Push is the decrypted push.
	Push string `json:"push,omitempty"`
	// Exchanged is the hash of an auth code [Suite.Authorize] exchanged.
	Exchanged string `json:"exchanged,omitempty"`
}

func (s *Suite) newQueue() (*jobqueue.Queue, error) {
	return jobqueue.New(jobqueue.Config{
		Store:         s.st,
		Shared:        s.locker != nil, // stores shared between processes are Lockers
		Prefix:        s.keys.prefix,
		Handler:       s.runJob,
		Workers:       s.opts.workers,
		UrgentWorkers: s.opts.urgentWorkers,
		// A run outlasts an exchange, the wait for an earlier attempt's
		// answer, and get_auth_info.
		Timeout:   2*s.opts.exchangeTimeout + 30*time.Second,
		RetryBase: s.opts.retryBase,
		RetryMax:  s.opts.retryMax,
		SlowStart: s.opts.slowStart,
		Logger:    s.logger,
		Describe:  describeJob,
	})
}

// describeJob names a job in log lines by its kind, never its content.
func describeJob(j jobqueue.Job) []slog.Attr {
	var p jobPayload
	if json.Unmarshal([]byte(j.Payload), &p) != nil {
		return nil
	}
	if p.Exchanged != "" {
		return []slog.Attr{slog.String("info_type", "website_install")}
	}
	if ev, err := crypto.ParseEvent([]byte(p.Push)); err == nil {
		return []slog.Attr{slog.String("info_type", infoType(ev)), slog.String("corpid", ev.AuthCorpID)}
	}
	return nil
}

// addPush records a push as a job. Pushes that carry an auth code are
// urgent (the code lives 10 minutes) and named by the code, so that the
// same code delivered by the install redirect and by a push is one job.
func (s *Suite) addPush(ctx context.Context, ev *crypto.Event) error {
	id, lane := pushJobID(ev)
	return s.addJob(ctx, id, lane, jobPayload{Push: string(ev.Raw)})
}

func pushJobID(ev *crypto.Event) (string, jobqueue.Lane) {
	switch ev.InfoType {
	case "create_auth", "reset_permanent_code":
		return installJobID(ev.AuthCode), jobqueue.Urgent
	}
	sum := sha256.Sum256(ev.Raw)
	return hex.EncodeToString(sum[:12]), jobqueue.Normal
}

func (s *Suite) addJob(ctx context.Context, id string, lane jobqueue.Lane, p jobPayload) error {
	b, _ := json.Marshal(p)
	if _, err := s.jobs.Add(ctx, id, lane, string(b)); err != nil {
		return fmt.Errorf("suite: record push: %w", storeErr(err))
	}
	return nil
}

// Pending returns how many pushes are answered but not yet handled.
func (s *Suite) Pending(ctx context.Context) (int, error) {
	n, err := s.jobs.Pending(ctx)
	return int(n), err
}

// runJob is the queue's handler: errors that no retry can fix are marked
// permanent, so they are logged once and dropped.
func (s *Suite) runJob(ctx context.Context, j jobqueue.Job) error {
	var p jobPayload
	if err := json.Unmarshal([]byte(j.Payload), &p); err != nil {
		return jobqueue.Permanent(fmt.Errorf("suite: unreadable job: %w", err))
	}
	var err error
	if p.Exchanged != "" {
		err = s.finishWebsiteInstall(ctx, p.Exchanged)
	} else {
		ev, perr := crypto.ParseEvent([]byte(p.Push))
		if perr != nil {
			return jobqueue.Permanent(fmt.Errorf("suite: unreadable push: %w", perr))
		}
		err = s.handleJob(ctx, ev)
	}
	if isPermanent(err) {
		s.stats.unhandleable.Add(1)
		return jobqueue.Permanent(err)
	}
	return err
}

// isPermanent tells the errors no retry can fix.
func isPermanent(err error) bool {
	return errors.Is(err, ErrInvalidArgument) || errors.Is(err, ErrNotAuthorized) ||
		errors.Is(err, ErrAuthCodeUsed) || errors.Is(err, errInstallCancelled)
}

func (s *Suite) finishWebsiteInstall(ctx context.Context, h string) error {
	rec, err := s.exchangeRecord(ctx, h)
	if err != nil {
		return err
	}
	if rec == nil || rec.State != exchangeDone {
		return fmt.Errorf("%w: no completed exchange for this website install", errInstallCancelled)
	}
	a, err := s.completeInstall(ctx, rec)
	if err != nil {
		return err
	}
	return s.finishInstall(ctx, a, false)
}

// migrateJobs moves the pushes a version before v0.3 kept as one JSON list
// into the queue, once.
func (s *Suite) migrateJobs(ctx context.Context) error {
	raw, ok, err := s.st.Get(ctx, s.keys.legacyJobs())
	if err != nil || !ok {
		return storeErr(err)
	}
	var old []struct {
		Raw string `json:"raw"`
	}
	if err := json.Unmarshal([]byte(raw), &old); err != nil {
		return fmt.Errorf("suite: stored pushes: %w", err)
	}
	for _, j := range old {
		ev, err := crypto.ParseEvent([]byte(j.Raw))
		if err != nil {
			continue
		}
		if err := s.addPush(ctx, ev); err != nil {
			return err
		}
	}
	return storeErr(s.st.Delete(ctx, s.keys.legacyJobs()))
}

func infoType(ev *crypto.Event) string {
	if ev == nil {
		return ""
	}
	return ev.InfoType
}
