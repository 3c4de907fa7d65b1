package wecomtest

import (
	"context"
	"fmt"
)

// AppCallback is where a self-built app (自建应用) receives WeCom's
// callbacks: the URL and the Token and EncodingAESKey set on the app's
// 接收消息 page (https://developer.work.weixin.qq.com/document/path/90930).
type AppCallback struct {
	URL            string
	Token          string
	EncodingAESKey string
}

// SetAppCallback sets the callback of the app agentID in corpID, where
// [Server.PushApp] sends events and messages.
func (s *Server) SetAppCallback(corpID string, agentID int64, cb AppCallback) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.appCallbacks == nil {
		s.appCallbacks = make(map[appKey]AppCallback)
	}
	s.appCallbacks[appKey{corpID, agentID}] = cb
}

// PushApp encrypts plaintext (a callback's XML, as WeCom writes it) with
// the app's EncodingAESKey and the corp id as receive id, signs it with the
// app's Token and POSTs it to the app's callback ([Server.SetAppCallback]),
// as WeCom pushes events and messages to a self-built app. It returns an
// error unless the callback answers 200 "success". The server's lock is
// not held during the request.
func (s *Server) PushApp(ctx context.Context, corpID string, agentID int64, plaintext []byte) error {
	s.mu.Lock()
	cb, ok := s.appCallbacks[appKey{corpID, agentID}]
	s.mu.Unlock()
	if !ok || cb.URL == "" {
		return fmt.Errorf("wecomtest: app %d of %q has no callback (SetAppCallback)", agentID, corpID)
	}
	return s.pushSealed(ctx, cb.URL, cb.Token, cb.EncodingAESKey, corpID, plaintext)
}

// PushData encrypts plaintext with the suite's EncodingAESKey and corpID as
// receive id, signs it with the suite's Token and POSTs it to the suite's
// data callback URL ([Server.SetDataURL]), as WeCom pushes an authorizing
// corporation's events and messages to a third-party app (数据回调).
func (s *Server) PushData(ctx context.Context, suiteID, corpID string, plaintext []byte) error {
	s.mu.Lock()
	st := s.tp.suites[suiteID]
	dest := s.lic.dataURLs[suiteID]
	var suite Suite
	if st != nil {
		suite = st.Suite
	}
	s.mu.Unlock()
	if st == nil || dest == "" {
		return fmt.Errorf("wecomtest: suite %q is unknown or has no data URL", suiteID)
	}
	return s.pushSealed(ctx, dest, suite.Token, suite.EncodingAESKey, corpID, plaintext)
}
