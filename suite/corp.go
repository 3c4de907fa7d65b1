package suite

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/internal/jobqueue"
	"github.com/wecomkit/wecomkit/wecom"
)

// Corp returns a client for an authorized corporation: its token comes from
// get_corp_token with the corporation's permanent code
// (https://developer.work.weixin.qq.com/document/path/90605) — or, for a
// 代开发 app, from gettoken with the permanent code as the secret
// (https://developer.work.weixin.qq.com/document/path/97164) — cached and
// shared through the suite's store like any token. Packages oauth, jssdk,
// contact and message work on it exactly as on a self-built app's client;
// its AgentID is the app's agent in that corporation.
//
// Clients are made once per corporation and reused: a warm call is one
// atomic load and a map lookup. A corporation that has not installed the app,
// or uninstalled it, yields [ErrNotAuthorized].
func (s *Suite) Corp(ctx context.Context, corpID string) (*wecom.Client, error) {
	e, err := s.corp(ctx, corpID)
	if err != nil {
		return nil, err
	}
	return e.client, nil
}

// corpEntry is what the suite keeps in memory for one authorized
// corporation: its client and the values made from it ([CorpValue]). It
// is dropped as a whole when the client must be rebuilt (a reinstall, a
// reset or refreshed authorization, a cancel).
type corpEntry struct {
	client *wecom.Client
	mu     sync.Mutex // serialises the makers of values
	values sync.Map   // key → value
}

func (s *Suite) corp(ctx context.Context, corpID string) (*corpEntry, error) {
	if e, ok := (*s.clients.Load())[corpID]; ok {
		return e, nil
	}
	v, err := s.shared(ctx, "corp:"+corpID, 30*time.Second, func(ctx context.Context) (any, error) {
		if e, ok := (*s.clients.Load())[corpID]; ok {
			return e, nil
		}
		a, err := s.AuthInfo(ctx, corpID)
		if err != nil {
			return nil, err
		}
		c, err := s.newCorpClient(a)
		if err != nil {
			return nil, err
		}
		e := &corpEntry{client: c}
		s.mu.Lock()
		next := maps.Clone(*s.clients.Load())
		next[corpID] = e
		s.clients.Store(&next)
		s.mu.Unlock()
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*corpEntry), nil
}

// CorpValue returns the value of type T kept for corpID under key, made by
// newValue from the corporation's client the first time it is asked for.
// It is the home for what an application builds per corporation — a
// jssdk.Signer, a contact.Syncer, a rate limiter — so that it need not
// keep a second per-corp cache beside the suite's and mirror its
// evictions: values live exactly as long as the corporation's client, and
// are made again after a reinstall, a reset of the permanent code, a
// change_auth or a cancel. newValue runs at most once per client and key
// (an error is not kept). Keys compare like map keys; use an unexported
// type of your own, as with context values. A warm call does not allocate
// when key is a zero-size value.
func CorpValue[T any](ctx context.Context, s *Suite, corpID string, key any, newValue func(c *wecom.Client) (T, error)) (T, error) {
	var zero T
	e, err := s.corp(ctx, corpID)
	if err != nil {
		return zero, err
	}
	if v, ok := e.values.Load(key); ok {
		return v.(T), nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if v, ok := e.values.Load(key); ok {
		return v.(T), nil
	}
	v, err := newValue(e.client)
	if err != nil {
		return zero, err
	}
	e.values.Store(key, v)
	return v, nil
}

func (s *Suite) newCorpClient(a *Authorization) (*wecom.Client, error) {
	var fetch wecom.FetchFunc
	if a.Customized {
		fetch = s.transport.GetToken(a.CorpID, a.PermanentCode)
	} else {
		fetch = s.transport.GetCorpToken(s.suiteTokens, a.CorpID, a.PermanentCode)
	}
	ts := wecom.NewCachedToken(corpTokenKey(a.CorpID), s.forgetOn40084(a.CorpID, fetch), s.tokenOptions(s.corpSt)...)
	opts := append(s.clientOptions(s.corpSt), wecom.WithAgentID(a.AgentID()))
	c, err := wecom.NewWithTokenSource(a.CorpID, ts, opts...)
	if err != nil {
		return nil, fmt.Errorf("suite: corp client: %w", err)
	}
	return c, nil
}

// forgetOn40084 drops the cached client when WeCom no longer accepts the
// permanent code (the corp uninstalled while this process was not told, say
// because the push went to another instance), so that the next Corp call
// reads the store again instead of failing forever.
func (s *Suite) forgetOn40084(corpID string, fetch wecom.FetchFunc) wecom.FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		tok, ttl, err := fetch(ctx)
		if code := wecom.ErrorCode(err); code == 40084 || code == 41025 {
			s.dropClient(corpID)
			return "", 0, fmt.Errorf("%w: %s: %w", ErrNotAuthorized, corpID, err)
		}
		return tok, ttl, err
	}
}

func (s *Suite) dropClient(corpID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := *s.clients.Load()
	if _, ok := cur[corpID]; !ok {
		return
	}
	next := maps.Clone(cur)
	delete(next, corpID)
	s.clients.Store(&next)
}

// acceptsDataFrom reports whether a data push encrypted for corpID (its
// signature already checked) is taken: the corp installed the app (the
// in-process clients first, then the store), or an install is still being
// exchanged — WeCom sends enter_agent and the like right after an install,
// before the suite can know the corp id, which only get_permanent_code's
// answer names.
func (s *Suite) acceptsDataFrom(corpID string) bool {
	if _, ok := (*s.clients.Load())[corpID]; ok {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, ok, err := s.repo.code(ctx, corpID)
	if err == nil && !ok {
		ok, err = s.InstallPending(ctx)
	}
	if err != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: data push refused: the store does not answer", slog.Any("error", err))
		return false
	}
	return ok
}

// InstallPending reports whether an install (a create_auth or
// reset_permanent_code push, or a website install's follow-up) is recorded
// and not yet finished: while it is, [Suite.DataHandler] takes data pushes
// for corporations it does not know yet.
func (s *Suite) InstallPending(ctx context.Context) (bool, error) {
	n, err := s.jobs.PendingIn(ctx, jobqueue.Urgent)
	return n > 0, err
}
