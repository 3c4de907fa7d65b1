package suite

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
)

// CommandHandler returns the handler for the app's command callback URL
// (指令回调, https://developer.work.weixin.qq.com/document/path/90628):
//
//   - GET verifies the URL (the echostr may be encrypted with the suite id or
//     the provider's corp id);
//   - POST decrypts a push and answers the plain string "success" at once.
//     A suite_ticket is stored before the answer (an older one never
//     replaces a newer one). Every other push — create_auth, change_auth,
//     cancel_auth, reset_permanent_code, change_contact and the rest — is
//     recorded in the store before the answer and handled afterwards by the
//     suite's workers, with retries: WeCom wants the answer within a second,
//     while exchanging an auth code calls WeCom twice. A process that stops
//     right after answering finishes the work on its next start. A
//     cancel_auth also takes effect before the answer: from then on the
//     corporation is not authorized.
//
// Duplicate pushes (WeCom retries) are handled once. A push that does not
// verify is refused (401) and changes nothing.
func (s *Suite) CommandHandler() http.Handler {
	mc, err := s.msgCrypt(s.cfg.SuiteID, crypto.WithReceiveIDs(s.providerIDs()...))
	if err != nil {
		panic(err) // New checked the key; unreachable
	}
	return crypto.NewHandler(mc, crypto.HandlerFunc(s.handleCommand), s.handlerOptions()...)
}

// DataHandler returns the handler for the app's data callback URL (数据回调):
// messages and events of the authorized corporations' members, encrypted
// with the corporation's own corp id, which must be one that installed the
// app (URL verification may also use the suite id or provider corp id). h
// receives each event, with [crypto.Event.ReceiveID] naming the
// corporation; see [crypto.NewHandler] for replies and errors.
//
// While an install is being exchanged ([Suite.InstallPending]) a push for
// a corporation the suite does not know yet is delivered too, at once:
// WeCom sends enter_agent and the like right after an install, and the
// corp id is known only once get_permanent_code answers. For such a corp
// [Suite.Corp] answers [ErrNotAuthorized] until the exchange has stored
// its code (moments later, or never if the install is lost); a handler
// that needs the corp's client should retry or defer its work.
//
// An unlicensed_notify event (a member without a license opened the app) is
// also recorded on the suite's job queue for [OnUnlicensed] before h sees it.
func (s *Suite) DataHandler(h crypto.Handler) http.Handler {
	mc, err := s.msgCrypt(s.cfg.SuiteID, crypto.WithReceiveIDs(s.providerIDs()...), crypto.WithReceiveIDFunc(s.acceptsDataFrom))
	if err != nil {
		panic(err)
	}
	queued := crypto.HandlerFunc(func(ctx context.Context, ev *crypto.Event) ([]byte, error) {
		if isUnlicensed(ev) {
			if err := s.addPush(ctx, ev); err != nil {
				return nil, err
			}
		}
		return h.HandleEvent(ctx, ev)
	})
	return crypto.NewHandler(mc, queued, s.handlerOptions()...)
}

// handlerOptions are the callback handlers' options: bodies capped at
// maxCallbackBody, and signed messages that do not parse answered
// "success" and counted (WeCom would repeat them forever).
func (s *Suite) handlerOptions() []crypto.HandlerOption {
	return []crypto.HandlerOption{
		crypto.WithLogger(s.logger),
		crypto.WithMaxBodyBytes(maxCallbackBody),
		crypto.WithUnparsable(func(ctx context.Context, err error) {
			_, _ = s.unhandleable(ctx, nil, "signed message is not an event: "+err.Error())
		}),
	}
}

func (s *Suite) msgCrypt(receiveID string, opts ...crypto.Option) (*crypto.MsgCrypt, error) {
	return crypto.New(s.cfg.Token, s.cfg.EncodingAESKey, receiveID, opts...)
}

func (s *Suite) providerIDs() []string {
	if s.cfg.ProviderCorpID == "" {
		return nil
	}
	return []string{s.cfg.ProviderCorpID}
}

// maxCallbackBody caps a callback's body: WeCom's envelopes are a few
// KB, and nothing is parsed beyond the envelope before its signature is
// checked.
const maxCallbackBody = 64 << 10

// maxFutureSkew is how far in the future a push's TimeStamp may be: more
// means a clock gone wrong somewhere, and a suite_ticket stamped so would
// pin itself as "newest" for good.
const maxFutureSkew = 5 * time.Minute

// unhandleable answers a signed push that can never be handled: "success"
// (WeCom would otherwise repeat it for hours), one log line with the
// reason, and a count.
func (s *Suite) unhandleable(ctx context.Context, ev *crypto.Event, reason string) ([]byte, error) {
	s.stats.unhandleable.Add(1)
	s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: push cannot be handled; answered success and dropped",
		slog.String("reason", reason), slog.String("info_type", infoType(ev)))
	return nil, nil
}

// handleCommand does what must happen before the answer.
func (s *Suite) handleCommand(ctx context.Context, ev *crypto.Event) ([]byte, error) {
	if ev.SuiteID != "" && ev.SuiteID != s.cfg.SuiteID {
		// Encrypted for us but about another suite: nothing we can act on.
		return s.unhandleable(ctx, ev, "push for another suite")
	}
	switch ev.InfoType {
	case "suite_ticket":
		if ev.SuiteTicket == "" {
			return s.unhandleable(ctx, ev, "suite_ticket without SuiteTicket")
		}
		if issued := time.Unix(ev.TimeStamp, 0); issued.After(s.now().Add(maxFutureSkew)) {
			s.stats.refusedTickets.Add(1)
			s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: suite_ticket stamped in the future refused; check this server's clock",
				slog.Int64("timestamp", ev.TimeStamp), slog.Time("now", s.now()))
			return nil, nil
		}
		s.tk.pushed.Store(true)
		stored, err := s.saveTicket(ctx, ev.SuiteTicket, ev.TimeStamp)
		if err != nil {
			return nil, fmt.Errorf("suite: store suite_ticket: %w", err) // 500: WeCom pushes again
		}
		s.logger.LogAttrs(ctx, slog.LevelDebug, "suite: suite_ticket received",
			slog.Int64("timestamp", ev.TimeStamp), slog.Bool("stored", stored))
		return nil, nil
	case "":
		if isUnlicensed(ev) {
			return nil, s.addPush(ctx, ev)
		}
		return s.unhandleable(ctx, ev, "push without InfoType")
	case "create_auth", "reset_permanent_code":
		if ev.AuthCode == "" {
			return s.unhandleable(ctx, ev, ev.InfoType+" without AuthCode")
		}
	case "cancel_auth", "change_auth", "change_contact":
		if ev.AuthCorpID == "" {
			return s.unhandleable(ctx, ev, ev.InfoType+" without AuthCorpId")
		}
	}
	// Record the job first, so that a cancel's hook runs even if the
	// process stops right after the deletion below.
	if err := s.addPush(ctx, ev); err != nil {
		return nil, err
	}
	if ev.InfoType == "cancel_auth" {
		if _, err := s.revoke(ctx, ev.AuthCorpID, s.pushTime(ev)); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// pushTime is a push's TimeStamp, no later than now: a clock gone wrong
// must not make an install immune to its cancel.
func (s *Suite) pushTime(ev *crypto.Event) int64 {
	return min(ev.TimeStamp, s.now().Add(maxFutureSkew).Unix())
}

// handleJob does what may happen after the answer. It runs on a worker;
// an error makes the job run again later, unless isPermanent.
func (s *Suite) handleJob(ctx context.Context, ev *crypto.Event) error {
	switch ev.InfoType {
	case "create_auth":
		a, err := s.exchange(ctx, ev.AuthCode, pushedInstall(ev), s.pushTime(ev), false)
		if err != nil {
			return err
		}
		return s.finishInstall(ctx, a, false)
	case "reset_permanent_code":
		a, err := s.exchange(ctx, ev.AuthCode, installInfo{}, s.pushTime(ev), true)
		if err != nil {
			return err
		}
		return s.finishInstall(ctx, a, true)
	case "change_auth":
		a, err := s.RefreshAuthInfo(ctx, ev.AuthCorpID)
		if err != nil {
			return err
		}
		if s.opts.onAuthChanged != nil {
			s.opts.onAuthChanged(ctx, a)
		}
	case "cancel_auth":
		done, err := s.cancel(ctx, ev.AuthCorpID, s.pushTime(ev))
		if err != nil || !done {
			return err
		}
		s.logger.LogAttrs(ctx, slog.LevelInfo, "suite: corporation cancelled the authorization",
			slog.String("suite_id", s.cfg.SuiteID), slog.String("corpid", ev.AuthCorpID))
		if s.opts.onCancelled != nil {
			s.opts.onCancelled(ctx, ev.AuthCorpID)
		}
	case "change_contact":
		if s.opts.onContact != nil {
			s.opts.onContact(ctx, ev)
		}
	default:
		if s.handleLicenseJob(ctx, ev) {
			return nil
		}
		if s.opts.onEvent != nil {
			s.opts.onEvent(ctx, ev)
		}
	}
	return nil
}
