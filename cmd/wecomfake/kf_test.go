package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
)

// A customer writes to the default kf account: the app's callback, a
// kf.Pump, gets kf_msg_or_event and reads the message with sync_msg.
func TestMessageToKF(t *testing.T) {
	f := startInProcess(t, "-push-tickets=false")
	client, err := wecom.New(f.env["WECOM_CORP_ID"], f.env["WECOM_SECRET"], wecom.WithAgentID(fakeAgentID), wecom.WithBaseURL(f.base))
	require.NoError(t, err)
	got := make(chan *kf.Message, 4)
	pump := kf.NewPump(kf.New(client), store.NewMemory(), kf.HandlerFunc(func(_ context.Context, m *kf.Message) error {
		got <- m
		return nil
	}))
	t.Cleanup(pump.Close)
	mc, err := crypto.New(f.env["WECOM_CALLBACK_TOKEN"], f.env["WECOM_CALLBACK_AES_KEY"], f.env["WECOM_CORP_ID"])
	require.NoError(t, err)
	cb := httptest.NewServer(crypto.NewHandler(mc, pump)) // the app's callback URL
	t.Cleanup(cb.Close)
	_, stderr, code := cli(f.base, "callback", "app", cb.URL)
	require.Equal(t, 0, code, stderr)

	stdout, stderr, code := cli(f.base, "message", "--kf", "wmcustomer001", "hello")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "queued for sync_msg on "+f.env["KF_OPEN_KFID"])
	require.Contains(t, stdout, "pushed kf_msg_or_event to "+cb.URL)
	var m *kf.Message
	select {
	case m = <-got:
	case <-time.After(10 * time.Second): // a bound on a failure, not a wait: the pump answers within milliseconds
		t.Fatal("the pump handled no message")
	}
	require.Equal(t, "text", m.MsgType)
	require.Equal(t, "hello", m.Text.Content)
	require.Equal(t, "wmcustomer001", m.ExternalUserID)
	require.Equal(t, f.env["KF_OPEN_KFID"], m.OpenKfID)
	require.Equal(t, kf.OriginCustomer, m.Origin)
	cursor, err := pump.Cursor(context.Background(), m.OpenKfID)
	require.NoError(t, err)
	require.NotEmpty(t, cursor, "the page's cursor is stored once handled")
}

// Without an app callback the message still waits for sync_msg.
func TestMessageToKFWithoutCallback(t *testing.T) {
	f := startInProcess(t)
	stdout, stderr, code := cli(f.base, "message", "-kf", "wmcustomer002", "are", "you", "there")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "no callback: kf_msg_or_event not pushed")

	client, err := wecom.New(fakeCorpID, fakeAppSecret, wecom.WithAgentID(fakeAgentID), wecom.WithBaseURL(f.base))
	require.NoError(t, err)
	page, err := kf.New(client).SyncMsg(context.Background(), kf.SyncRequest{OpenKfID: f.env["KF_OPEN_KFID"]})
	require.NoError(t, err)
	var texts []string
	for _, m := range page.MsgList {
		texts = append(texts, m.Text.Content)
	}
	require.Equal(t, []string{"are you there"}, texts)
}
