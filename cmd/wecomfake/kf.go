package main

import (
	"context"
	"fmt"
)

// kfMessage is a WeChat customer (req.From, an external userid) writing
// req.Text to a kf account (req.OpenKfID, default the fake's): the
// message is queued for kf/sync_msg, and kf_msg_or_event is pushed to the
// app's callback when it has one, as WeCom does (doc 94670). Without a
// callback the message waits for a sync_msg all the same.
func (c *control) kfMessage(ctx context.Context, req messageRequest) (any, error) {
	if req.OpenKfID == "" {
		req.OpenKfID = c.kfID
	}
	if err := checkID("open_kfid", req.OpenKfID); err != nil {
		return nil, err
	}
	found := false
	for _, a := range c.srv.KFAccounts(req.CorpID) {
		found = found || a.OpenKfID == req.OpenKfID
	}
	if !found {
		return nil, badRequest("%q has no kf account %q", req.CorpID, req.OpenKfID)
	}
	msgID := c.srv.CustomerWrites(req.CorpID, req.OpenKfID, req.From, req.Text)
	out := pushAnswer{Done: []string{fmt.Sprintf("message %s from %s queued for sync_msg on %s", msgID, req.From, req.OpenKfID)}}
	cb, ok := c.srv.AppCallbackOf(req.CorpID, req.AgentID)
	if !ok {
		out.Done = append(out.Done, fmt.Sprintf("app %d has no callback: kf_msg_or_event not pushed", req.AgentID))
		return out, nil
	}
	ctx, cancel := pushContext(ctx)
	defer cancel()
	_, err := c.srv.PushKFEvent(ctx, req.CorpID, req.AgentID, req.OpenKfID)
	out.add("kf_msg_or_event to "+cb.URL, err)
	return out, nil
}
