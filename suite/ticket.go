package suite

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// The suite_ticket's rhythm (https://developer.work.weixin.qq.com/document/path/90628).
const (
	// TicketInterval is how often WeCom pushes a suite_ticket.
	TicketInterval = 10 * time.Minute
	// TicketValidity is how long get_suite_token accepts one.
	TicketValidity = 30 * time.Minute
	// TicketSilence is how long without a new ticket makes the suite
	// degraded: two pushes missed.
	TicketSilence = 20 * time.Minute

	ticketWatchEvery = time.Minute // real time
)

// ticketWatch is the suite's view of the ticket's flow.
type ticketWatch struct {
	mu      sync.Mutex  // serialises saveTicket in this process
	started time.Time   // on the suite's clock
	pushed  atomic.Bool // a suite_ticket push reached this process
	warned  atomic.Bool // the current silence was logged
	stop    chan struct{}
	done    sync.WaitGroup
	once    sync.Once
}

// TicketHealth is the state of the suite_ticket flow, for readiness checks
// and metrics (the suite-server's /readyz and /metrics).
type TicketHealth struct {
	// Received is true once a ticket is stored (by this process or another
	// sharing the store).
	Received bool `json:"received"`
	// IssuedAt is when WeCom issued the newest stored ticket.
	IssuedAt time.Time `json:"issued_at"`
	// Age is how long ago that was, on the suite's clock ([WithClock]).
	Age time.Duration `json:"age_ns"`
	// Degraded: no ticket arrived for [TicketSilence] (or none at all since
	// the suite started that long ago). The suite token still works until
	// the newest ticket is [TicketValidity] old.
	Degraded bool `json:"degraded"`
	// Reason says why, when Degraded.
	Reason string `json:"reason,omitempty"`
}

// TicketHealth reports the age of the newest suite_ticket and whether the
// flow is degraded. The first time it finds the flow silent for
// [TicketSilence] it logs a warning with how to force a push; it does not
// repeat it until a new ticket arrives and the flow falls silent again. The
// suite checks this once a minute by itself as well.
func (s *Suite) TicketHealth(ctx context.Context) (TicketHealth, error) {
	ts, _, _, ok, err := s.readTicket(ctx)
	if err != nil {
		return TicketHealth{}, fmt.Errorf("suite: read suite_ticket: %w", err)
	}
	now := s.now()
	h := TicketHealth{Received: ok}
	if ok && time.Unix(ts, 0).After(now.Add(maxFutureSkew)) {
		h.IssuedAt = time.Unix(ts, 0)
		h.Degraded, h.Reason = true, fmt.Sprintf("the stored suite_ticket is stamped %s in the future: a clock is wrong (this server's or the one that stamped it); the next push replaces it", h.IssuedAt.Sub(now).Round(time.Second))
		return h, nil
	}
	var silent time.Duration
	if ok {
		h.IssuedAt = time.Unix(ts, 0)
		h.Age = max(now.Sub(h.IssuedAt), 0)
		silent = h.Age
	} else {
		silent = now.Sub(s.tk.started)
	}
	if silent < TicketSilence {
		s.tk.warned.Store(false)
		if !ok {
			h.Degraded, h.Reason = true, "no suite_ticket received yet"
		}
		return h, nil
	}
	h.Degraded = true
	if ok {
		h.Reason = fmt.Sprintf("no suite_ticket for %s", h.Age.Round(time.Second))
	} else {
		h.Reason = fmt.Sprintf("no suite_ticket since the suite started %s ago", silent.Round(time.Second))
	}
	if s.tk.warned.CompareAndSwap(false, true) {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: "+h.Reason+": WeCom pushes one every 10 minutes to the command callback URL; check that URL, or force a push: provider admin console → 应用管理 → the app → 回调配置 → 刷新ticket",
			slog.String("suite_id", s.cfg.SuiteID), slog.Duration("age", silent))
	}
	return h, nil
}

func (s *Suite) startTicketWatch() {
	s.tk.started = s.now()
	s.tk.stop = make(chan struct{})
	s.tk.done.Add(1)
	go func() {
		defer s.tk.done.Done()
		t := time.NewTicker(ticketWatchEvery)
		defer t.Stop()
		for {
			select {
			case <-s.tk.stop:
				return
			case <-t.C:
				_, _ = s.TicketHealth(context.Background())
			}
		}
	}()
}

func (s *Suite) stopTicketWatch() {
	s.tk.once.Do(func() { close(s.tk.stop) })
	s.tk.done.Wait()
}

// staleAtStart refuses a stored ticket that WeCom would refuse anyway:
// older than [TicketValidity], with no push since this process started —
// the situation after a restart while the callback URL was unreachable.
// It saves the call and says exactly that.
func (s *Suite) staleAtStart(ts int64) error {
	if s.tk.pushed.Load() {
		return nil
	}
	age := s.now().Sub(time.Unix(ts, 0))
	if age <= TicketValidity {
		return nil
	}
	return fmt.Errorf("%w: the newest stored suite_ticket was issued %s ago, more than the %s WeCom accepts, and none has been pushed since this process started",
		ErrNoSuiteTicket, age.Round(time.Second), TicketValidity)
}
