package webhook_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/message/webhook"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

var t0 = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

func newRobot(t *testing.T) (*wecomtest.Server, *webhook.Robot) {
	srv, bot, _ := newRobotClock(t)
	return srv, bot
}

func newRobotClock(t *testing.T) (*wecomtest.Server, *webhook.Robot, *wecomtest.Clock) {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	srv.AddRobot(key)
	bot, err := webhook.New(key, wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return srv, bot, clock
}

// noKey fails the test if err mentions the robot's key.
func noKey(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		require.NotContains(t, err.Error(), key)
		require.NotContains(t, fmt.Sprintf("%+v %#v", err, err), key)
	}
}

var png = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 3000)...)

func TestSendTextAndMarkdown(t *testing.T) {
	srv, bot := newRobot(t)
	ctx := context.Background()
	require.NoError(t, bot.SendText(ctx, webhook.Text{
		Content:             "广州今日天气：29度",
		MentionedList:       []string{"wangqing", "@all"},
		MentionedMobileList: []string{"13800001111"},
	}))
	require.NoError(t, bot.SendMarkdown(ctx, "实时新增用户反馈<font color=\"warning\">132例</font>"))
	got := srv.RobotMessages(key)
	require.Len(t, got, 2)
	require.Equal(t, "text", got[0].MsgType)
	require.Equal(t, "广州今日天气：29度", got[0].Content)
	require.Equal(t, []string{"wangqing", "@all"}, got[0].MentionedList)
	require.Equal(t, []string{"13800001111"}, got[0].MentionedMobileList)
	require.Equal(t, "markdown", got[1].MsgType)
	require.Contains(t, string(got[1].Raw), `<font color=\"warning\">`, "HTML is not escaped")
	require.Equal(t, "实时新增用户反馈<font color=\"warning\">132例</font>", got[1].Content)

	// Limits are refused before anything is sent.
	err := bot.SendText(ctx, webhook.Text{Content: strings.Repeat("字", 683)}) // 2,049 bytes
	require.ErrorIs(t, err, webhook.ErrLimit)
	require.ErrorIs(t, bot.SendMarkdown(ctx, strings.Repeat("a", 4097)), webhook.ErrLimit)
	require.ErrorIs(t, bot.SendText(ctx, webhook.Text{}), webhook.ErrInvalidArgument)
	require.Equal(t, 2, srv.Calls("/cgi-bin/webhook/send"))
	require.NoError(t, bot.SendText(ctx, webhook.Text{Content: strings.Repeat("a", 2048)}))
}

func TestSendImage(t *testing.T) {
	srv, bot := newRobot(t)
	ctx := context.Background()
	require.NoError(t, bot.SendImage(ctx, png))
	got := srv.RobotMessages(key)
	require.Len(t, got, 1)
	require.Equal(t, png, got[0].Image, "the fake decoded the base64 and checked its md5")
	sum := md5.Sum(png)
	require.Contains(t, string(got[0].Raw), hex.EncodeToString(sum[:]))

	require.ErrorIs(t, bot.SendImage(ctx, []byte("GIF89a-not-taken")), webhook.ErrLimit)
	big := append(bytes.Clone(png), make([]byte, 2<<20)...)
	require.ErrorIs(t, bot.SendImage(ctx, big), webhook.ErrLimit)
	require.ErrorIs(t, bot.SendImage(ctx, nil), webhook.ErrInvalidArgument)
	require.Equal(t, 1, srv.Calls("/cgi-bin/webhook/send"))
}

func TestSendNews(t *testing.T) {
	srv, bot := newRobot(t)
	ctx := context.Background()
	a := webhook.Article{Title: "中秋节礼品领取", Description: "今年中秋节公司有豪礼相送", URL: "https://www.qq.com", PicURL: "https://example.com/a.png"}
	require.NoError(t, bot.SendNews(ctx, a, a))
	got := srv.RobotMessages(key)
	require.Len(t, got, 1)
	require.Len(t, got[0].Articles, 2)
	require.Equal(t, a.Title, got[0].Articles[0].Title)
	require.Equal(t, a.PicURL, got[0].Articles[1].PicURL)

	nine := make([]webhook.Article, 9)
	for i := range nine {
		nine[i] = a
	}
	require.ErrorIs(t, bot.SendNews(ctx, nine...), webhook.ErrLimit)
	require.NoError(t, bot.SendNews(ctx, nine[:8]...))
	require.ErrorIs(t, bot.SendNews(ctx), webhook.ErrLimit)
	require.ErrorIs(t, bot.SendNews(ctx, webhook.Article{Title: "no url"}), webhook.ErrInvalidArgument)
	require.Equal(t, 2, srv.Calls("/cgi-bin/webhook/send"))

	// WeCom cuts a long title or description (doc 91770); the client cuts
	// first, at a character boundary, and leaves the caller's articles be.
	long := []webhook.Article{{Title: strings.Repeat("标", 43), Description: strings.Repeat("述", 171), URL: "https://x"}}
	require.NoError(t, bot.SendNews(ctx, long...))
	got = srv.RobotMessages(key)
	sent := got[len(got)-1].Articles[0]
	require.Equal(t, strings.Repeat("标", 42), sent.Title, "126 bytes: the 43rd character would pass 128")
	require.Equal(t, strings.Repeat("述", 170), sent.Description, "510 bytes")
	require.Equal(t, strings.Repeat("标", 43), long[0].Title, "the caller's article is not changed")
}

func TestUploadAndSendFileAndVoice(t *testing.T) {
	srv, bot, clock := newRobotClock(t)
	ctx := context.Background()
	report := bytes.Repeat([]byte("%PDF-1.7 report "), 1000)
	up, err := bot.UploadMedia(ctx, webhook.File, "周报.pdf", bytes.NewReader(report), 0)
	require.NoError(t, err)
	require.Equal(t, webhook.File, up.Type)
	require.Equal(t, t0, up.CreatedAt.UTC())
	data, name, ok := srv.RobotMedia(key, up.MediaID)
	require.True(t, ok)
	require.Equal(t, report, data)
	require.Equal(t, "周报.pdf", name)
	require.NoError(t, bot.SendFile(ctx, up.MediaID))

	amr := append([]byte("#!AMR\n"), make([]byte, 500)...)
	v, err := bot.UploadMedia(ctx, webhook.Voice, "memo.amr", bytes.NewReader(amr), 0)
	require.NoError(t, err)
	require.NoError(t, bot.SendVoice(ctx, v.MediaID))

	got := srv.RobotMessages(key)
	require.Len(t, got, 2)
	require.Equal(t, "file", got[0].MsgType)
	require.Equal(t, report, got[0].Data)
	require.Equal(t, "voice", got[1].MsgType)
	require.Equal(t, "memo.amr", got[1].Filename)

	// A file is not a voice, and another robot's media are unknown.
	err = bot.SendVoice(ctx, up.MediaID)
	require.Equal(t, 40007, wecom.ErrorCode(err))
	noKey(t, err)
	srv.AddRobot("other-robot-key")
	other, err := webhook.New("other-robot-key", wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	require.Equal(t, 40007, wecom.ErrorCode(other.SendFile(ctx, up.MediaID)))

	// Limits are refused before anything is sent.
	calls := srv.Calls("/cgi-bin/webhook/upload_media")
	_, err = bot.UploadMedia(ctx, webhook.Voice, "memo.mp3", bytes.NewReader(amr), 0)
	require.ErrorIs(t, err, webhook.ErrLimit)
	_, err = bot.UploadMedia(ctx, webhook.Voice, "memo.amr", bytes.NewReader(make([]byte, 2<<20+1)), 0)
	require.ErrorIs(t, err, webhook.ErrLimit)
	_, err = bot.UploadMedia(ctx, webhook.File, "big.zip", bytes.NewReader(make([]byte, 20<<20+1)), 0)
	require.ErrorIs(t, err, webhook.ErrLimit)
	_, err = bot.UploadMedia(ctx, webhook.File, "tiny.txt", strings.NewReader("12345"), 0)
	require.ErrorIs(t, err, webhook.ErrLimit)
	_, err = bot.UploadMedia(ctx, "image", "a.png", bytes.NewReader(png), 0)
	require.ErrorIs(t, err, webhook.ErrInvalidArgument)
	_, err = bot.UploadMedia(ctx, webhook.File, "a.txt", io.MultiReader(strings.NewReader("123456")), 0)
	require.ErrorIs(t, err, webhook.ErrInvalidArgument, "a stream needs its size")
	require.Equal(t, calls, srv.Calls("/cgi-bin/webhook/upload_media"))

	require.ErrorIs(t, bot.SendFile(ctx, ""), webhook.ErrInvalidArgument)

	// Media live three days.
	clock.Advance(72*time.Hour + time.Second)
	require.Equal(t, 40007, wecom.ErrorCode(bot.SendFile(ctx, up.MediaID)))
}

func TestUnknownKeyIsWeComsErrorWithoutTheKey(t *testing.T) {
	srv, _ := newRobot(t)
	ctx := context.Background()
	const stranger = "0000aaaa-dead-beef-0000-secretsecret"
	bot, err := webhook.New(stranger, wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	err = bot.SendText(ctx, webhook.Text{Content: "hello"})
	require.Equal(t, 93000, wecom.ErrorCode(err))
	require.NotContains(t, err.Error(), stranger)
	_, err = bot.UploadMedia(ctx, webhook.File, "a.txt", strings.NewReader("hello world"), 0)
	require.Equal(t, 93000, wecom.ErrorCode(err))
	require.NotContains(t, err.Error(), stranger)
}

func TestKeyNeverPrintedOrLogged(t *testing.T) {
	srv, _ := newRobot(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bot, err := webhook.New(key, wecom.WithBaseURL(srv.URL), wecom.WithLogger(logger), wecom.WithRetries(0))
	require.NoError(t, err)
	for _, s := range []string{fmt.Sprint(bot), fmt.Sprintf("%v %+v %#v %s %q", bot, bot, bot, bot, bot), bot.String()} {
		require.NotContains(t, s, key)
		require.Contains(t, s, "[redacted]")
	}
	ctx := context.Background()
	require.NoError(t, bot.SendText(ctx, webhook.Text{Content: "logged"}))

	// A transport failure's error carries the URL: the key is scrubbed.
	srv.Close()
	err = bot.SendText(ctx, webhook.Text{Content: "lost"})
	require.Error(t, err)
	noKey(t, err)
	require.NotContains(t, logs.String(), key)
}

func TestFromURL(t *testing.T) {
	srv, _ := newRobot(t)
	bot, err := webhook.FromURL(srv.URL + "/cgi-bin/webhook/send?key=" + key)
	require.NoError(t, err)
	require.NoError(t, bot.SendText(context.Background(), webhook.Text{Content: "from the address"}))
	require.Len(t, srv.RobotMessages(key), 1)

	for _, bad := range []string{
		"qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key,                 // not absolute
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/upload_media?key=" + key, // not the send address
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send",                    // no key
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key + "%zz", // unparsable
		"://" + key,
	} {
		_, err := webhook.FromURL(bad)
		require.ErrorIs(t, err, webhook.ErrInvalidArgument, bad)
		noKey(t, err)
	}
	_, err = webhook.New(" ")
	require.ErrorIs(t, err, webhook.ErrInvalidArgument)
}

func TestEndpointDeclarations(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range webhook.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
		require.False(t, seen[e.Path], "declared twice: %s", e.Path)
		require.Empty(t, e.Kind, "the robot takes no token")
		require.Contains(t, e.Secrets, "key")
		seen[e.Path] = true
	}
	require.Len(t, seen, 2)
}
