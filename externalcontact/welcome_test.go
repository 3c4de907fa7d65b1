package externalcontact_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestSendWelcome(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	code := f.srv.NewWelcomeCode(corpID, "zhangsan", "wmA")
	link := externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "产品手册", URL: "https://example.com/m", Desc: "2026 版"})
	m := externalcontact.WelcomeMessage{Text: "你好，我是张三", Attachments: []externalcontact.Attachment{
		externalcontact.ImageAttachment("MEDIA_IMG"), link, externalcontact.FileAttachment("MEDIA_PDF")}}
	f.clock.Advance(19 * time.Second)
	require.NoError(t, f.ec.SendWelcome(ctx, code, m))
	require.Equal(t, []wecomtest.WelcomeMessage{{UserID: "zhangsan", ExternalUserID: "wmA", Text: "你好，我是张三",
		Attachments: m.Attachments, Sent: wayStart.Add(19 * time.Second)}}, f.srv.WelcomeMessages(corpID))

	// A code is taken once: WeCom answers a second call 41051.
	err := f.ec.SendWelcome(ctx, code, m)
	require.Equal(t, 41051, wecom.ErrorCode(err))
	require.NotContains(t, err.Error(), code, "the code stays out of errors")

	// A code lives 20 s.
	late := f.srv.NewWelcomeCode(corpID, "zhangsan", "wmB")
	f.clock.Advance(20 * time.Second)
	require.Equal(t, externalcontact.CodeWelcomeInvalid, wecom.ErrorCode(f.ec.SendWelcome(ctx, late, externalcontact.WelcomeMessage{Text: "hi"})), "expired after 20 s")
	require.Equal(t, 41050, wecom.ErrorCode(f.ec.SendWelcome(ctx, "wc-unknown", externalcontact.WelcomeMessage{Text: "hi"})))
	require.Len(t, f.srv.WelcomeMessages(corpID), 1)
}

// Another app's call while the first is being distributed gets 41096 (it
// may retry); once the message went out, 41051.
func TestSendWelcomeTwoApps(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	other := f.otherApp(t)
	f.srv.SetWelcomeDistribution(3 * time.Second)
	code := f.srv.NewWelcomeCode(corpID, "zhangsan", "wmA")
	require.NoError(t, f.ec.SendWelcome(ctx, code, externalcontact.WelcomeMessage{Text: "first"}))
	f.clock.Advance(2 * time.Second)
	require.Equal(t, externalcontact.CodeWelcomeDistributing, wecom.ErrorCode(other.SendWelcome(ctx, code, externalcontact.WelcomeMessage{Text: "second"})))
	f.clock.Advance(time.Second)
	require.Equal(t, externalcontact.CodeWelcomeSent, wecom.ErrorCode(other.SendWelcome(ctx, code, externalcontact.WelcomeMessage{Text: "second"})))
	msgs := f.srv.WelcomeMessages(corpID)
	require.Len(t, msgs, 1)
	require.Equal(t, "first", msgs[0].Text)
}

func TestSendWelcomeIsNotRepeated(t *testing.T) {
	f := newWayFixture(t)
	code := f.srv.NewWelcomeCode(corpID, "zhangsan", "wmA")
	// The answer is lost after the fake took the code: a repeat would
	// spend it twice, so the call fails instead.
	f.srv.Inject("/cgi-bin/externalcontact/send_welcome_msg", 1, wecomtest.Fault{AfterEffect: true, ResetConnection: true})
	require.Error(t, f.ec.SendWelcome(context.Background(), code, externalcontact.WelcomeMessage{Text: "hi"}))
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/externalcontact/send_welcome_msg"))
	require.Len(t, f.srv.WelcomeMessages(corpID), 1, "WeCom took it")
}

func TestSendWelcomeLimits(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	code := f.srv.NewWelcomeCode(corpID, "zhangsan", "wmA")
	ten := make([]externalcontact.Attachment, externalcontact.MaxWelcomeAttachments+1)
	for i := range ten {
		ten[i] = externalcontact.VideoAttachment("V")
	}
	for name, m := range map[string]externalcontact.WelcomeMessage{
		"empty":              {},
		"10 attachments":     {Attachments: ten},
		"a long text":        {Text: strings.Repeat("a", externalcontact.MaxTextBytes+1)},
		"a link without url": {Attachments: []externalcontact.Attachment{externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "t"})}},
		"two bodies":         {Attachments: []externalcontact.Attachment{{MsgType: "image", Image: &externalcontact.AttachmentImage{MediaID: "m"}, File: &externalcontact.AttachmentMedia{MediaID: "f"}}}},
	} {
		require.ErrorIs(t, f.ec.SendWelcome(ctx, code, m), externalcontact.ErrInvalidArgument, name)
	}
	require.ErrorIs(t, f.ec.SendWelcome(ctx, "", externalcontact.WelcomeMessage{Text: "hi"}), externalcontact.ErrInvalidArgument)
	require.Zero(t, f.srv.Calls("/cgi-bin/externalcontact/send_welcome_msg"))

	path := "/cgi-bin/externalcontact/send_welcome_msg"
	require.Equal(t, 40058, rawPost(t, f.srv, path, `{"welcome_code":"`+code+`"}`), "text or attachments")
	require.Equal(t, 40058, rawPost(t, f.srv, path, `{"welcome_code":"`+code+`","attachments":[{"msgtype":"voice"}]}`))
	require.Equal(t, 40058, rawPost(t, f.srv, path, `{"welcome_code":"`+code+`","attachments":[`+strings.Repeat(`{"msgtype":"file","file":{"media_id":"f"}},`, 9)+`{"msgtype":"file","file":{"media_id":"f"}}]}`))
	require.Equal(t, 40058, rawPost(t, f.srv, path, `{"welcome_code":"`+code+`","text":{"content":"`+strings.Repeat("a", 4001)+`"}}`))
	require.Empty(t, f.srv.WelcomeMessages(corpID), "refused calls do not take the code")
	require.NoError(t, f.ec.SendWelcome(ctx, code, externalcontact.WelcomeMessage{Text: "hi"}))
}

// The welcome code is a one-time credential: it never reaches the logs.
func TestWelcomeCodeNotLogged(t *testing.T) {
	clock := wecomtest.NewClock(wayStart)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	var logs bytes.Buffer
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now),
		wecom.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	require.NoError(t, err)
	ec := externalcontact.New(c)
	code := srv.NewWelcomeCode(corpID, "zhangsan", "wmA")
	require.NoError(t, ec.SendWelcome(context.Background(), code, externalcontact.WelcomeMessage{Text: "hi"}))
	err = ec.SendWelcome(context.Background(), code, externalcontact.WelcomeMessage{Text: "hi"})
	require.Error(t, err)
	require.NotContains(t, logs.String(), code)
	require.NotContains(t, err.Error(), code)
}

func TestGroupWelcomeTemplates(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	mini := externalcontact.MiniProgramAttachment(externalcontact.AttachmentMiniProgram{Title: "下单", PicMediaID: "MEDIA_PIC",
		AppID: "wx8bd80126147dfAAA", Page: "/pages/index"})
	id, err := f.ec.AddGroupWelcomeTemplate(ctx, externalcontact.GroupWelcomeTemplate{Text: "欢迎入群", Attachment: &mini, NoNotify: true})
	require.NoError(t, err)
	saw, ok := f.srv.GroupWelcomeTemplate(corpID, id)
	require.True(t, ok)
	require.Equal(t, externalcontact.GroupWelcomeTemplate{Text: "欢迎入群", Attachment: &mini, AgentID: agentID, NoNotify: true}, saw)

	got, err := f.ec.GroupWelcomeTemplate(ctx, id)
	require.NoError(t, err)
	require.Equal(t, externalcontact.GroupWelcomeTemplate{Text: "欢迎入群", Attachment: &mini}, *got)

	// An image is answered by its pic_url.
	img := externalcontact.ImageAttachment("MEDIA_IMG")
	require.NoError(t, f.ec.EditGroupWelcomeTemplate(ctx, id, externalcontact.GroupWelcomeTemplate{Attachment: &img}))
	got, err = f.ec.GroupWelcomeTemplate(ctx, id)
	require.NoError(t, err)
	require.Empty(t, got.Text, "edit replaces the content")
	require.Equal(t, externalcontact.MsgTypeImage, got.Attachment.MsgType)
	require.NotEmpty(t, got.Attachment.Image.PicURL)
	require.Empty(t, got.Attachment.Image.MediaID)

	_, err = f.ec.AddGroupWelcomeTemplate(ctx, externalcontact.GroupWelcomeTemplate{})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = f.ec.AddGroupWelcomeTemplate(ctx, externalcontact.GroupWelcomeTemplate{Text: strings.Repeat("a", externalcontact.MaxTemplateTextBytes+1)})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, "3000 bytes at most")
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/group_welcome_template/add",
		`{"text":{"content":"`+strings.Repeat("a", 3001)+`"}}`))
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/group_welcome_template/add",
		`{"image":{"media_id":"a"},"file":{"media_id":"b"}}`), "one attachment at most")
	require.Equal(t, 40037, wecom.ErrorCode(f.ec.EditGroupWelcomeTemplate(ctx, "msgNone", externalcontact.GroupWelcomeTemplate{Text: "x"})))
	_, err = f.ec.GroupWelcomeTemplate(ctx, "msgNone")
	require.Equal(t, 40037, wecom.ErrorCode(err))
	require.Equal(t, 40037, wecom.ErrorCode(f.ec.DeleteGroupWelcomeTemplate(ctx, "msgNone", 0)))

	require.NoError(t, f.ec.DeleteGroupWelcomeTemplate(ctx, id, 0))
	_, ok = f.srv.GroupWelcomeTemplate(corpID, id)
	require.False(t, ok)
	require.Equal(t, 40037, wecom.ErrorCode(f.ec.DeleteGroupWelcomeTemplate(ctx, id, 0)), "deleted already")

	// A corporation holds 100 templates.
	for range 100 {
		_, err := f.ec.AddGroupWelcomeTemplate(ctx, externalcontact.GroupWelcomeTemplate{Text: "t"})
		require.NoError(t, err)
	}
	_, err = f.ec.AddGroupWelcomeTemplate(ctx, externalcontact.GroupWelcomeTemplate{Text: "t"})
	require.Equal(t, 40058, wecom.ErrorCode(err))
}
