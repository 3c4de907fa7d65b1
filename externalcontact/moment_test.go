package externalcontact_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// noSleep records the waits instead of sleeping.
func noSleep(slept *[]time.Duration) externalcontact.WaitOption {
	return externalcontact.WithSleep(func(_ context.Context, d time.Duration) error {
		*slept = append(*slept, d)
		return nil
	})
}

func TestMomentLifecycle(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	g, err := f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "兴趣", Tags: []externalcontact.NewTag{{Name: "茶"}}})
	require.NoError(t, err)
	tea := g.Tags[0].ID
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmC", Name: "丙"})
	require.NoError(t, f.ec.MarkTags(ctx, "zhangsan", "wmA", []string{tea}, nil))
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "lisi", Department: []int64{2}})

	job, err := f.ec.AddMoment(ctx, externalcontact.Moment{
		Text: "新茶上市",
		Attachments: []externalcontact.Attachment{{MsgType: externalcontact.MsgTypeImage, Image: &externalcontact.AttachmentImage{MediaID: "IMG1"}},
			{MsgType: externalcontact.MsgTypeImage, Image: &externalcontact.AttachmentImage{MediaID: "IMG2"}}},
		Users: []string{"zhangsan", "wangwu"}, Departments: []int64{2, 9}, Tags: []string{tea, "etNone"},
	})
	require.NoError(t, err)
	require.NotEmpty(t, job.ID)
	seen := f.rec.last(t, "/cgi-bin/externalcontact/add_moment_task")
	require.Equal(t, map[string]any{
		"sender_list":           map[string]any{"user_list": []any{"zhangsan", "wangwu"}, "department_list": []any{float64(2), float64(9)}},
		"external_contact_list": map[string]any{"tag_list": []any{tea, "etNone"}},
	}, seen.Body["visible_range"])

	var slept []time.Duration
	res, err := job.Wait(ctx, externalcontact.PollEvery(time.Second, 10*time.Second), noSleep(&slept))
	require.NoError(t, err)
	require.Equal(t, []time.Duration{time.Second}, slept, "running at the first poll, done at the second")
	require.Equal(t, externalcontact.MomentJobDone, res.Status)
	require.Equal(t, "add_moment_task", res.Type)
	require.Equal(t, []string{"wangwu"}, res.Result.InvalidSenderList.UserList)
	require.Equal(t, []int64{9}, res.Result.InvalidSenderList.DepartmentList)
	require.Equal(t, []string{"etNone"}, res.Result.InvalidExternalContactList.TagList)
	momentID := res.Result.MomentID
	require.NotEmpty(t, momentID)
	require.Equal(t, []string{job.ID}, f.rec.last(t, "/cgi-bin/externalcontact/get_moment_task_result").Query["jobid"])

	tasks := collect(t, f.ec.MomentTasks(ctx, momentID))
	require.Equal(t, []externalcontact.MomentTask{{UserID: "zhangsan"}, {UserID: "lisi"}}, tasks)
	chosen := collect(t, f.ec.MomentCustomers(ctx, momentID, "zhangsan"))
	require.Equal(t, []externalcontact.MomentCustomer{{UserID: "zhangsan", ExternalUserID: "wmA"}}, chosen, "only the tagged customer")
	require.Equal(t, map[string]any{"moment_id": momentID, "userid": "zhangsan", "limit": float64(1000)},
		f.rec.last(t, "/cgi-bin/externalcontact/get_moment_customer_list").Body)
	require.Empty(t, collect(t, f.ec.MomentReached(ctx, momentID, "zhangsan")), "not published yet")

	require.NoError(t, f.srv.PublishMoment(corpID, momentID, "zhangsan"))
	tasks = collect(t, f.ec.MomentTasks(ctx, momentID))
	require.Equal(t, 1, tasks[0].PublishStatus)
	require.Equal(t, []externalcontact.MomentCustomer{{ExternalUserID: "wmA"}}, collect(t, f.ec.MomentReached(ctx, momentID, "zhangsan")))
	require.Equal(t, float64(5000), f.rec.last(t, "/cgi-bin/externalcontact/get_moment_send_result").Body["limit"])

	f.clock.Advance(time.Minute)
	require.NoError(t, f.srv.CommentMoment(corpID, momentID, "zhangsan", "wmA", "", false))
	require.NoError(t, f.srv.CommentMoment(corpID, momentID, "zhangsan", "", "lisi", true))
	require.ErrorIs(t, f.srv.CommentMoment(corpID, momentID, "lisi", "wmC", "", true), wecomtest.ErrMoment, "lisi has not published")
	inter, err := f.ec.MomentComments(ctx, momentID, "zhangsan")
	require.NoError(t, err)
	at := start.Add(time.Minute).Unix()
	require.Equal(t, &externalcontact.MomentInteractions{
		CommentList: []externalcontact.MomentInteraction{{ExternalUserID: "wmA", CreateTime: at}},
		LikeList:    []externalcontact.MomentInteraction{{UserID: "lisi", CreateTime: at}},
	}, inter)

	list := collect(t, f.ec.Moments(ctx, externalcontact.MomentFilter{Start: start.Add(-time.Hour), End: start.Add(time.Hour)}))
	require.Len(t, list, 1)
	require.Equal(t, momentID, list[0].MomentID)
	require.Equal(t, 0, list[0].VisibleType, "limited by tags")
	require.Equal(t, "新茶上市", list[0].Text.Content)
	require.Len(t, list[0].Image, 2)
	require.Equal(t, float64(20), f.rec.last(t, "/cgi-bin/externalcontact/get_moment_list").Body["limit"])
	err = seqErr(f.ec.Moments(ctx, externalcontact.MomentFilter{Start: start.Add(-31 * 24 * time.Hour), End: start}))
	require.Equal(t, 40058, wecom.ErrorCode(err), "more than 30 days")

	require.NoError(t, f.ec.CancelMoment(ctx, momentID))
	require.Equal(t, map[string]any{"moment_id": momentID}, f.rec.last(t, "/cgi-bin/externalcontact/cancel_moment_task").Body)
	require.ErrorIs(t, f.srv.PublishMoment(corpID, momentID, "lisi"), wecomtest.ErrMoment)
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.CancelMoment(ctx, "momNone")))
	_, err = f.ec.MomentComments(ctx, "momNone", "zhangsan")
	require.Equal(t, 40058, wecom.ErrorCode(err))
}

func TestMomentJobFails(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	job, err := f.ec.AddMoment(ctx, externalcontact.Moment{Text: "hi", Users: []string{"nobody"}})
	require.NoError(t, err)
	var slept []time.Duration
	res, err := job.Wait(ctx, noSleep(&slept))
	require.ErrorIs(t, err, externalcontact.ErrMomentFailed)
	require.Equal(t, 40058, wecom.ErrorCode(err))
	require.Equal(t, []string{"nobody"}, res.Result.InvalidSenderList.UserList)

	_, err = f.ec.MomentJobResult(ctx, "jobNone")
	require.Equal(t, 40058, wecom.ErrorCode(err))
	_, err = f.ec.MomentJobResult(ctx, "")
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
}

// Wait stops with the context, and the backoff doubles up to its limit.
func TestMomentJobWaitStops(t *testing.T) {
	f := newOpsFixture(t)
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	ctx, cancel := context.WithCancel(context.Background())
	job, err := f.ec.AddMoment(ctx, externalcontact.Moment{Text: "hi"})
	require.NoError(t, err)
	stop := errors.New("stopped")
	_, err = job.Wait(ctx, externalcontact.WithSleep(func(context.Context, time.Duration) error {
		cancel()
		return stop
	}))
	require.ErrorIs(t, err, stop)
	require.ErrorContains(t, err, "externalcontact: moment job "+job.ID)
}

func TestMomentChecks(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	img := externalcontact.Attachment{MsgType: externalcontact.MsgTypeImage, Image: &externalcontact.AttachmentImage{MediaID: "M"}}
	video := externalcontact.Attachment{MsgType: externalcontact.MsgTypeVideo, Video: &externalcontact.AttachmentMedia{MediaID: "V"}}
	link := externalcontact.MomentLinkAttachment("", "https://e/", "COVER")
	file := externalcontact.Attachment{MsgType: externalcontact.MsgTypeFile, File: &externalcontact.AttachmentMedia{MediaID: "F"}}
	for name, m := range map[string]externalcontact.Moment{
		"empty":        {},
		"long text":    {Text: strings.Repeat("字", 2001)},
		"ten images":   {Attachments: []externalcontact.Attachment{img, img, img, img, img, img, img, img, img, img}},
		"image+video":  {Attachments: []externalcontact.Attachment{img, video}},
		"two videos":   {Attachments: []externalcontact.Attachment{video, video}},
		"two links":    {Attachments: []externalcontact.Attachment{link, link}},
		"a file":       {Attachments: []externalcontact.Attachment{file}},
		"link, no url": {Attachments: []externalcontact.Attachment{externalcontact.MomentLinkAttachment("t", "", "COVER")}},
		// WeCom's page (95094) requires link.media_id, the cover.
		"link, no cover":  {Attachments: []externalcontact.Attachment{{MsgType: "link", Link: &externalcontact.AttachmentLink{URL: "https://e/"}}}},
		"long link title": {Attachments: []externalcontact.Attachment{externalcontact.MomentLinkAttachment(strings.Repeat("t", 65), "https://e/", "COVER")}},
	} {
		_, err := f.ec.AddMoment(ctx, m)
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, name)
	}
	require.Zero(t, f.srv.Calls("/cgi-bin/externalcontact/add_moment_task"))
	// A link takes its title from the page: a URL and a cover will do.
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	_, err := f.ec.AddMoment(ctx, externalcontact.Moment{Attachments: []externalcontact.Attachment{link}})
	require.NoError(t, err)
	seen := f.rec.last(t, "/cgi-bin/externalcontact/add_moment_task")
	require.Equal(t, []any{map[string]any{"msgtype": "link", "link": map[string]any{"title": "", "url": "https://e/", "media_id": "COVER"}}}, seen.Body["attachments"])
	// The fake, as WeCom, refuses a link without its cover.
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/add_moment_task",
		`{"attachments":[{"msgtype":"link","link":{"title":"t","url":"https://e/"}}]}`))
}

// get_moment_list's create_time is a string in WeCom's example (doc
// 93333); a number is read too, and the rest of the row is kept.
func TestMomentRecordCreateTime(t *testing.T) {
	for _, raw := range []string{`{"moment_id":"mom1","create_time":"1605000000","visible_type":1}`, `{"moment_id":"mom1","create_time":1605000000,"visible_type":1}`} {
		var r externalcontact.MomentRecord
		require.NoError(t, json.Unmarshal([]byte(raw), &r))
		require.Equal(t, externalcontact.MomentRecord{MomentID: "mom1", CreateTime: 1605000000, VisibleType: 1}, r)
	}
	var r externalcontact.MomentRecord
	require.Error(t, json.Unmarshal([]byte(`{"create_time":"soon"}`), &r))
}
