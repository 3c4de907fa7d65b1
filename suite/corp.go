package suite

import (
	"context"
	"fmt"
	"maps"
	"time"

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
	if c, ok := (*s.clients.Load())[corpID]; ok {
		return c, nil
	}
	v, err := s.shared(ctx, "corp:"+corpID, 30*time.Second, func(ctx context.Context) (any, error) {
		if c, ok := (*s.clients.Load())[corpID]; ok {
			return c, nil
		}
		a, err := s.AuthInfo(ctx, corpID)
		if err != nil {
			return nil, err
		}
		c, err := s.newCorpClient(a)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		next := maps.Clone(*s.clients.Load())
		next[corpID] = c
		s.clients.Store(&next)
		s.mu.Unlock()
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*wecom.Client), nil
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

// isAuthorized reports whether corpID has installed the app, for the data
// callback's receive ids: the in-process clients first, then the store.
func (s *Suite) isAuthorized(corpID string) bool {
	if _, ok := (*s.clients.Load())[corpID]; ok {
		return true
	}
	_, ok, err := s.repo.code(context.Background(), corpID)
	return err == nil && ok
}
