package kf_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/store/boltstore"
)

// BenchmarkPump pumps b.N messages from the loopback fake through a no-op
// handler, with the cursor in a bolt file (one fsync a page).
func BenchmarkPump(b *testing.B) {
	f := newFixture(b)
	kfID := f.srv.AddKFAccount(corpID, "售后")
	writeMany(f.srv, kfID, b.N, 50)
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "cursor.db"))
	require.NoError(b, err)
	defer st.Close()
	p := kf.NewPump(f.c, st, kf.HandlerFunc(func(context.Context, *kf.Message) error { return nil }))
	defer p.Close()
	ctx := context.Background()
	_, err = f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID, Limit: 1}) // the token, once
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	require.NoError(b, p.Pull(ctx, kfID, ""))
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

// BenchmarkCallbackWhilePumping answers kf_msg_or_event callbacks through
// crypto.NewHandler while the pump works through a backlog of 200,000
// messages, and reports the 99th percentile of the answer time.
func BenchmarkCallbackWhilePumping(b *testing.B) {
	f := newFixture(b)
	kfID := f.srv.AddKFAccount(corpID, "售后")
	writeMany(f.srv, kfID, 200000, 50)
	const token, aesKey = "kftoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	mc, err := crypto.New(token, aesKey, corpID)
	require.NoError(b, err)
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "cursor.db"))
	require.NoError(b, err)
	defer st.Close()
	p := kf.NewPump(f.c, st, kf.HandlerFunc(func(context.Context, *kf.Message) error { return nil }))
	defer p.Close()
	h := crypto.NewHandler(mc, p)

	plain, _ := f.srv.KFEventXML(corpID, kfID)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "nonce"
	body, sig := sealed(b, mc, plain, ts, nonce)
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}.Encode()
	p.Notify(kfID, "") // the pump starts working
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodPost, "/callback?"+q, bytes.NewReader(body))
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, r)
		lat = append(lat, time.Since(t0))
		if w.Code != http.StatusOK {
			b.Fatalf("callback answered %d", w.Code)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100])/1e6, "p99-ms")
}

// sealed encrypts plaintext as WeCom does for a callback body.
func sealed(b *testing.B, mc *crypto.MsgCrypt, plaintext []byte, ts, nonce string) ([]byte, string) {
	b.Helper()
	enc, err := mc.EncryptMsg(plaintext, ts, nonce)
	require.NoError(b, err)
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
	}
	require.NoError(b, xml.Unmarshal(enc, &env))
	return []byte(fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", corpID, env.Encrypt)), env.MsgSignature
}
