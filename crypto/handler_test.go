package crypto

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func msgQuery(sig string) string {
	return "?msg_signature=" + sig + "&timestamp=" + vecMsgTimestamp + "&nonce=" + vecMsgNonce
}

func postVector(t *testing.T, h http.Handler, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/callback"+msgQuery(vecMsgSignature), strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandlerVerifyURL(t *testing.T) {
	h := NewHandler(newVecCrypt(t), HandlerFunc(func(context.Context, *Event) ([]byte, error) {
		t.Fatal("the handler must not be called for a GET")
		return nil, nil
	}))
	for name, echo := range map[string]string{
		"escaped as in the vector": vecEchoStrURL,
		"'+' left unescaped":       strings.ReplaceAll(vecEchoStrURL, "%2B", "+"),
	} {
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/callback?msg_signature="+vecURLSignature+
				"&timestamp="+vecURLTimestamp+"&nonce="+vecURLNonce+"&echostr="+echo, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, http.StatusOK, rec.Code)
			// Exactly the plaintext: no quotes, BOM or newline.
			require.Equal(t, vecEchoPlain, rec.Body.String())
		})
	}

	for name, tc := range map[string]struct {
		query string
		code  int
	}{
		"bad signature": {"msg_signature=" + vecMsgSignature + "&timestamp=" + vecURLTimestamp + "&nonce=" + vecURLNonce + "&echostr=" + vecEchoStrURL, http.StatusUnauthorized},
		"no parameters": {"", http.StatusUnauthorized},
		"bad echostr": {"msg_signature=" + Signature(vecToken, "1", "2", "!!!!") + "&timestamp=1&nonce=2&echostr=" + url.QueryEscape("!!!!"),
			http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/callback?"+tc.query, nil))
			require.Equal(t, tc.code, rec.Code)
			require.Equal(t, http.StatusText(tc.code)+"\n", rec.Body.String(), "no detail in the body")
		})
	}
}

func TestHandlerPost(t *testing.T) {
	c := newVecCrypt(t)
	var got *Event
	h := NewHandler(c, HandlerFunc(func(ctx context.Context, ev *Event) ([]byte, error) {
		require.NotNil(t, ctx)
		got = ev
		return nil, nil
	}))
	rec := postVector(t, h, vecBody)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "success", rec.Body.String())
	require.Equal(t, "hello", got.Content)
	require.Equal(t, "mycreate", got.FromUserName)
	require.Equal(t, int64(218), got.AgentID)
	require.Equal(t, vecReceiveID, got.ReceiveID)
	require.Equal(t, vecPlain, string(got.Raw))
}

func TestHandlerReply(t *testing.T) {
	c := newVecCrypt(t)
	reply := []byte("<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA[wx5823bf96d3bd56c7]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi there]]></Content></xml>")
	h := NewHandler(c, HandlerFunc(func(context.Context, *Event) ([]byte, error) { return reply, nil }))

	for _, tc := range []struct {
		name, body, contentType string
	}{
		{"XML", vecBody, "text/xml; charset=utf-8"},
		{"JSON", `{"encrypt":"` + vecEncrypt + `"}`, "application/json; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := postVector(t, h, tc.body)
			require.Equal(t, http.StatusOK, rec.Code)
			require.Equal(t, tc.contentType, rec.Header().Get("Content-Type"))
			out := rec.Body.Bytes()
			// The reply reuses the request's timestamp and nonce and is signed:
			// decrypt it as WeCom would.
			enc, isJSON, err := parseEnvelope(out)
			require.NoError(t, err)
			require.Equal(t, tc.name == "JSON", isJSON)
			sig := Signature(vecToken, vecMsgTimestamp, vecMsgNonce, string(enc))
			if isJSON {
				require.Contains(t, string(out), `"msgsignature":"`+sig+`"`)
				require.Contains(t, string(out), `"timestamp":`+vecMsgTimestamp+`,`)
			} else {
				require.Contains(t, string(out), "<MsgSignature><![CDATA["+sig+"]]></MsgSignature><TimeStamp>"+vecMsgTimestamp+"</TimeStamp><Nonce><![CDATA["+vecMsgNonce+"]]></Nonce>")
			}
			plain, rid, err := c.DecryptMsgWithReceiveID(sig, vecMsgTimestamp, vecMsgNonce, out)
			require.NoError(t, err)
			require.Equal(t, reply, plain)
			require.Equal(t, vecReceiveID, rid)
		})
	}
}

func TestHandlerReplyUsesRequestReceiveID(t *testing.T) {
	// A suite data callback arrives with another corp's id; the reply carries
	// the same id back.
	sender, err := New(vecToken, vecKey, "corpB")
	require.NoError(t, err)
	env, err := sender.EncryptMsg([]byte(vecPlain), vecMsgTimestamp, vecMsgNonce)
	require.NoError(t, err)
	enc, _, err := parseEnvelope(env)
	require.NoError(t, err)
	sig := Signature(vecToken, vecMsgTimestamp, vecMsgNonce, string(enc))

	c := newVecCrypt(t, WithReceiveIDs("corpB"))
	var rid string
	h := NewHandler(c, HandlerFunc(func(_ context.Context, ev *Event) ([]byte, error) {
		rid = ev.ReceiveID
		return []byte("<xml/>"), nil
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+msgQuery(sig), bytes.NewReader(env)))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "corpB", rid)
	out := rec.Body.Bytes()
	enc, _, err = parseEnvelope(out)
	require.NoError(t, err)
	_, gotRID, err := sender.DecryptMsgWithReceiveID(Signature(vecToken, vecMsgTimestamp, vecMsgNonce, string(enc)), vecMsgTimestamp, vecMsgNonce, out)
	require.NoError(t, err)
	require.Equal(t, "corpB", gotRID)
}

func TestHandlerJSONNoReply(t *testing.T) {
	h := NewHandler(newVecCrypt(t), HandlerFunc(func(context.Context, *Event) ([]byte, error) { return nil, nil }))
	rec := postVector(t, h, `{"encrypt":"`+vecEncrypt+`"}`)
	require.Equal(t, http.StatusOK, rec.Code)
	require.Empty(t, rec.Body.String(), "JSON callbacks take an empty body (doc 101033)")
}

func TestHandlerSuiteTicket(t *testing.T) {
	// The suite handler (package suite) relies on this: a suite_ticket push,
	// with the official sample's whitespace, arrives as a typed Event.
	suiteID := "ww4asffe99e54c0fxxxx"
	c, err := New(vecToken, vecKey, suiteID)
	require.NoError(t, err)
	env, err := c.EncryptMsg([]byte(suiteTicketSample), "1403610513", "nonce1")
	require.NoError(t, err)
	enc, _, err := parseEnvelope(env)
	require.NoError(t, err)
	// WeCom posts the three-field envelope, not the reply form.
	body := "<xml><ToUserName><![CDATA[" + suiteID + "]]></ToUserName><Encrypt><![CDATA[" + string(enc) + "]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>"
	sig := Signature(vecToken, "1403610513", "nonce1", string(enc))

	var got *Event
	h := NewHandler(c, HandlerFunc(func(_ context.Context, ev *Event) ([]byte, error) { got = ev; return nil, nil }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/suite?msg_signature="+sig+"&timestamp=1403610513&nonce=nonce1", strings.NewReader(body)))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "success", rec.Body.String())
	require.Equal(t, "suite_ticket", got.InfoType)
	require.Equal(t, suiteID, got.SuiteID)
	require.Equal(t, "asdfasfdasdfasdf", got.SuiteTicket)
	require.Equal(t, int64(1403610513), got.TimeStamp)
	require.Equal(t, suiteID, got.ReceiveID)
}

func TestHandlerFailures(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var called bool
	h := NewHandler(newVecCrypt(t), HandlerFunc(func(context.Context, *Event) ([]byte, error) {
		called = true
		return nil, nil
	}), WithLogger(logger), WithMaxBodyBytes(1024))

	bigBody := strings.Repeat("x", 1025)
	badBuffer := rawSeal(t, bytes.Repeat([]byte{0}, 64))
	badSig, badBody := signedBody(badBuffer)
	notXML := rawSeal(t, layout("0123456789abcdef", 3, "hi!", vecReceiveID, pkcs7(headerLen+3+len(vecReceiveID))))
	notXMLSig, notXMLBody := signedBody(notXML)

	tests := []struct {
		name   string
		method string
		query  string
		body   string
		code   int
	}{
		{"body too large", http.MethodPost, msgQuery(vecMsgSignature), bigBody, http.StatusRequestEntityTooLarge},
		{"bad signature", http.MethodPost, msgQuery(vecURLSignature), vecBody, http.StatusUnauthorized},
		{"signature of the wrong length", http.MethodPost, msgQuery("abc"), vecBody, http.StatusUnauthorized},
		{"no signature", http.MethodPost, "", vecBody, http.StatusUnauthorized},
		{"not an envelope", http.MethodPost, msgQuery(vecMsgSignature), "hello", http.StatusBadRequest},
		{"illegal buffer", http.MethodPost, msgQuery(badSig), string(badBody), http.StatusBadRequest},
		{"decrypted message is not XML", http.MethodPost, msgQuery(notXMLSig), string(notXMLBody), http.StatusBadRequest},
		{"PUT", http.MethodPut, "", "", http.StatusMethodNotAllowed},
		{"HEAD", http.MethodHead, "", "", http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called = false
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, "/cb"+tc.query, strings.NewReader(tc.body)))
			require.Equal(t, tc.code, rec.Code)
			require.False(t, called)
			if tc.method != http.MethodHead {
				require.Equal(t, http.StatusText(tc.code)+"\n", rec.Body.String())
			}
			if tc.code == http.StatusMethodNotAllowed {
				require.Equal(t, "GET, POST", rec.Header().Get("Allow"))
			}
		})
	}
	out := logs.String()
	require.Contains(t, out, "code=-40001")
	require.Contains(t, out, "code=-40008")
	require.Contains(t, out, "too large")
	for _, secret := range []string{vecToken, vecKey, "hi!", "hello"} {
		require.NotContains(t, out, secret)
	}
}

func TestHandlerErrorAndPanic(t *testing.T) {
	// Over loopback: a panicking handler yields 500 and the server keeps
	// serving; an error yields 500; both are logged without secrets.
	logs := &syncBuffer{}
	mode := make(chan string, 1)
	h := NewHandler(newVecCrypt(t), HandlerFunc(func(_ context.Context, ev *Event) ([]byte, error) {
		switch <-mode {
		case "panic":
			panic("boom in user code")
		case "error":
			return nil, errors.New("store unavailable")
		}
		return nil, nil
	}), WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func() (int, string) {
		resp, err := srv.Client().Post(srv.URL+"/cb"+msgQuery(vecMsgSignature), "text/xml", strings.NewReader(vecBody))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	for _, m := range []string{"panic", "ok", "error", "panic", "ok"} {
		mode <- m
		code, body := post()
		switch m {
		case "ok":
			require.Equal(t, http.StatusOK, code)
			require.Equal(t, "success", body)
		default:
			require.Equal(t, http.StatusInternalServerError, code, m)
			require.Equal(t, "Internal Server Error\n", body)
		}
	}
	out := logs.String()
	require.Contains(t, out, "boom in user code")
	require.Contains(t, out, "goroutine ") // the stack
	require.Contains(t, out, "store unavailable")
	for _, secret := range []string{vecToken, vecKey, "hello", "mycreate"} {
		require.NotContains(t, out, secret)
	}
}

func TestHandlerAbortPanicPropagates(t *testing.T) {
	h := NewHandler(newVecCrypt(t), HandlerFunc(func(context.Context, *Event) ([]byte, error) {
		panic(http.ErrAbortHandler)
	}))
	require.PanicsWithValue(t, http.ErrAbortHandler, func() { postVector(t, h, vecBody) })
}

func TestHandlerReplyEncryptionFailure(t *testing.T) {
	// A nonce that cannot be embedded in the reply: 500, logged.
	c := newVecCrypt(t)
	ts, nonce := "1409659813", "bad nonce"
	env, err := c.EncryptMsg([]byte(vecPlain), ts, "ok")
	require.NoError(t, err)
	enc, _, _ := parseEnvelope(env)
	sig := Signature(vecToken, ts, nonce, string(enc))
	logs := &syncBuffer{}
	h := NewHandler(c, HandlerFunc(func(context.Context, *Event) ([]byte, error) { return []byte("<xml/>"), nil }),
		WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	rec := httptest.NewRecorder()
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/cb?"+q.Encode(), bytes.NewReader(env)))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.Contains(t, logs.String(), "-40011")
}

func TestNewHandlerOptions(t *testing.T) {
	require.Panics(t, func() { NewHandler(nil, HandlerFunc(nil)) })
	require.Panics(t, func() { NewHandler(newVecCrypt(t), nil) })
	h := NewHandler(newVecCrypt(t), HandlerFunc(func(context.Context, *Event) ([]byte, error) { return nil, nil }),
		WithMaxBodyBytes(0), WithMaxBodyBytes(-5), nil).(*handler)
	require.Equal(t, int64(DefaultMaxBodyBytes), h.maxBody)
	require.Nil(t, h.log)

	// The default limit: 1 MiB passes the size check (and fails later), more
	// is 413.
	rec := postVector(t, h, strings.Repeat(" ", DefaultMaxBodyBytes))
	require.Equal(t, http.StatusBadRequest, rec.Code)
	rec = postVector(t, h, strings.Repeat(" ", DefaultMaxBodyBytes+1))
	require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
}
