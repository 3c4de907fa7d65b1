package suite

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

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
	return crypto.NewHandler(mc, crypto.HandlerFunc(s.handleCommand), crypto.WithLogger(s.logger))
}

// DataHandler returns the handler for the app's data callback URL (数据回调):
// messages and events of the authorized corporations' members, encrypted
// with the corporation's own corp id, which must be one that installed the
// app (URL verification may also use the suite id or provider corp id). h
// receives each event, with [crypto.Event.ReceiveID] naming the
// corporation; see [crypto.NewHandler] for replies and errors.
//
// An unlicensed_notify event (a member without a license opened the app) is
// also recorded on the suite's job queue for [OnUnlicensed] before h sees it.
func (s *Suite) DataHandler(h crypto.Handler) http.Handler {
	mc, err := s.msgCrypt(s.cfg.SuiteID, crypto.WithReceiveIDs(s.providerIDs()...), crypto.WithReceiveIDFunc(s.isAuthorized))
	if err != nil {
		panic(err)
	}
	queued := crypto.HandlerFunc(func(ctx context.Context, ev *crypto.Event) ([]byte, error) {
		if isUnlicensed(ev) {
			if err := s.jobs.add(ctx, ev.Raw); err != nil {
				return nil, err
			}
		}
		return h.HandleEvent(ctx, ev)
	})
	return crypto.NewHandler(mc, queued, crypto.WithLogger(s.logger))
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

// handleCommand does what must happen before the answer.
func (s *Suite) handleCommand(ctx context.Context, ev *crypto.Event) ([]byte, error) {
	if ev.SuiteID != "" && ev.SuiteID != s.cfg.SuiteID {
		// Encrypted for us but about another suite: nothing we can act on.
		s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: push for another suite ignored",
			slog.String("suite_id", ev.SuiteID), slog.String("info_type", ev.InfoType))
		return nil, nil
	}
	switch ev.InfoType {
	case "suite_ticket":
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
			return nil, s.jobs.add(ctx, ev.Raw)
		}
		return nil, fmt.Errorf("suite: push without InfoType")
	case "cancel_auth":
		if ev.AuthCorpID == "" {
			return nil, fmt.Errorf("suite: cancel_auth without AuthCorpId")
		}
		// Record the job first, so that the hook runs even if the process
		// stops right after the deletion.
		if err := s.jobs.add(ctx, ev.Raw); err != nil {
			return nil, err
		}
		if _, err := s.revoke(ctx, ev.AuthCorpID, ev.TimeStamp); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return nil, s.jobs.add(ctx, ev.Raw)
}

// handleJob does what may happen after the answer. It runs on a worker;
// an error makes the job run again later.
func (s *Suite) handleJob(ctx context.Context, ev *crypto.Event) error {
	switch ev.InfoType {
	case "create_auth":
		_, err := s.exchange(ctx, ev.AuthCode, false, pushedInstall(ev))
		return err
	case "reset_permanent_code":
		_, err := s.exchange(ctx, ev.AuthCode, true, installInfo{})
		return err
	case "change_auth":
		a, err := s.RefreshAuthInfo(ctx, ev.AuthCorpID)
		if err != nil {
			return err
		}
		if s.opts.onAuthChanged != nil {
			s.opts.onAuthChanged(ctx, a)
		}
	case "cancel_auth":
		done, err := s.cancel(ctx, ev.AuthCorpID, ev.TimeStamp)
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
