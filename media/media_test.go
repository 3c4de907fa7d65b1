package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-media-corp"
	agentID = 1000002
	secret  = "media-app-secret"
)

var t0 = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

type fixture struct {
	srv    *wecomtest.Server
	clock  *wecomtest.Clock
	client *wecom.Client
	media  *media.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now))
	require.NoError(t, err)
	return &fixture{srv: srv, clock: clock, client: c, media: media.New(c)}
}

// onlyReader hides Seek: a stream of unknown length.
type onlyReader struct{ io.Reader }

func TestUploadAndDownload(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pdf := bytes.Repeat([]byte("%PDF-1.7 wecomkit "), 10_000)

	up, err := f.media.Upload(ctx, media.File, "季度报表.pdf", bytes.NewReader(pdf), 0)
	require.NoError(t, err)
	require.Equal(t, media.File, up.Type)
	require.NotEmpty(t, up.MediaID)
	require.Equal(t, t0, up.CreatedAt.UTC())
	require.Equal(t, t0.Add(72*time.Hour), up.ExpiresAt().UTC())
	stored, name, ok := f.srv.Media(corpID, up.MediaID)
	require.True(t, ok)
	require.Equal(t, pdf, stored, "the fake received the file intact")
	require.Equal(t, "季度报表.pdf", name)

	var buf bytes.Buffer
	d, err := f.media.Download(ctx, up.MediaID, &buf)
	require.NoError(t, err)
	require.Equal(t, pdf, buf.Bytes())
	require.Equal(t, "季度报表.pdf", d.Filename)
	require.Equal(t, "application/pdf", d.ContentType)
	require.Equal(t, int64(len(pdf)), d.Written)

	// A broken download resumes where it stopped.
	buf.Reset()
	_, err = f.media.Download(ctx, up.MediaID, &buf, media.From(100))
	require.NoError(t, err)
	require.Equal(t, pdf[100:], buf.Bytes())

	// A stream of known size uploads without being buffered or measured.
	up2, err := f.media.Upload(ctx, media.Image, "logo.PNG", onlyReader{bytes.NewReader(pdf[:2000])}, 2000)
	require.NoError(t, err)
	require.Equal(t, media.Image, up2.Type)

	// Media live three days on WeCom's clock.
	f.clock.Advance(72*time.Hour + time.Second)
	_, err = f.media.Download(ctx, up.MediaID, io.Discard)
	require.Equal(t, 40007, wecom.ErrorCode(err))
	require.ErrorContains(t, err, "media: get")
}

func TestLimitsAreCheckedBeforeUpload(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cases := []struct {
		typ     media.Type
		name    string
		size    int
		reason  string
		mention string
	}{
		{media.Image, "a.gif", 100, "format", ".jpg, .jpeg, .png"},
		{media.Image, "a.jpg", 10<<20 + 1, "too large", "10 MB"},
		{media.Voice, "a.mp3", 100, "format", ".amr"},
		{media.Voice, "a.amr", 2<<20 + 1, "too large", "2 MB"},
		{media.Video, "a.mp4", 10<<20 + 1, "too large", "10 MB"},
		{media.File, "a.zip", 20<<20 + 1, "too large", "20 MB"},
		{media.File, "a.txt", 5, "too small", "more than 5"},
	}
	for _, c := range cases {
		_, err := f.media.Upload(ctx, c.typ, c.name, bytes.NewReader(make([]byte, c.size)), 0)
		var le *media.LimitError
		require.ErrorAs(t, err, &le, c.name)
		require.ErrorIs(t, err, media.ErrLimit)
		require.Equal(t, c.reason, le.Reason)
		require.Contains(t, err.Error(), c.mention)
	}
	_, err := f.media.Upload(ctx, "sticker", "a.png", strings.NewReader("123456"), 0)
	require.ErrorIs(t, err, media.ErrInvalidArgument)
	_, err = f.media.Upload(ctx, media.File, "a.txt", onlyReader{strings.NewReader("123456")}, 0)
	require.ErrorIs(t, err, media.ErrInvalidArgument, "a stream needs its size")
	_, err = f.media.Download(ctx, "", io.Discard)
	require.ErrorIs(t, err, media.ErrInvalidArgument)
	require.Zero(t, f.srv.Calls("/cgi-bin/media/upload"), "nothing WeCom would refuse was sent")

	// WeCom's own check stands behind ours: a file whose length lies.
	_, err = f.media.Upload(ctx, media.File, "a.txt", onlyReader{strings.NewReader("12345678")}, 10)
	require.Error(t, err)
}

func TestUploadImageAndAttachment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	img := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 4000)...)
	u, err := f.media.UploadImage(ctx, "banner.png", bytes.NewReader(img), 0)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u, f.srv.URL), u)
	resp, err := http.Get(u)
	require.NoError(t, err)
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, img, got, "the permanent URL serves the image")

	_, err = f.media.UploadImage(ctx, "big.png", bytes.NewReader(make([]byte, 2<<20+1)), 0)
	require.ErrorIs(t, err, media.ErrLimit)

	a, err := f.media.UploadAttachment(ctx, media.Image, media.ForMoments, "moment.jpg", bytes.NewReader(img), 0)
	require.NoError(t, err)
	require.Equal(t, t0, a.CreatedAt.UTC(), "upload_attachment's numeric created_at")
	_, err = f.media.UploadAttachment(ctx, media.File, media.ForMoments, "a.pdf", bytes.NewReader(img), 0)
	require.ErrorIs(t, err, media.ErrInvalidArgument, "moments take no files")
	_, err = f.media.UploadAttachment(ctx, media.File, media.ForProductAlbum, "a.pdf", bytes.NewReader(img), 0)
	require.NoError(t, err)
}

func TestDownloadVoice(t *testing.T) {
	f := newFixture(t)
	voice := bytes.Repeat([]byte("speex"), 1000)
	id := f.srv.AddVoice(corpID, voice)
	var buf bytes.Buffer
	_, err := f.media.DownloadVoice(context.Background(), id, &buf)
	require.NoError(t, err)
	require.Equal(t, voice, buf.Bytes())

	up, err := f.media.Upload(context.Background(), media.File, "a.txt", strings.NewReader("hello world"), 0)
	require.NoError(t, err)
	_, err = f.media.DownloadVoice(context.Background(), up.MediaID, &buf)
	require.Equal(t, 40007, wecom.ErrorCode(err), "only JS-SDK voices have a high-quality form")
}

func TestWrongTokenKindFailsBeforeAnyRequest(t *testing.T) {
	f := newFixture(t)
	svc, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("suite-token"), wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	_, err = media.New(svc).Upload(context.Background(), media.File, "a.txt", strings.NewReader("hello world"), 0)
	require.True(t, errors.Is(err, wecom.ErrWrongTokenKind), err)
	require.Zero(t, f.srv.Calls("/cgi-bin/media/upload"))
}

func TestEndpointDeclarations(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range media.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
		require.False(t, seen[e.Path], "declared twice: %s", e.Path)
		seen[e.Path] = true
	}
	require.Len(t, seen, 5)
}
