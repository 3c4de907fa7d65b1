package externalcontact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/internal/poll"
	"github.com/wecomkit/wecomkit/wecom"
)

// Moments (客户朋友圈): a corporation's posts to its customers' WeChat
// Moments, created as an asynchronous job (add_moment_task, polled with
// get_moment_task_result, doc 95094), published by each member, and read
// back with the record endpoints of doc 93333.

var (
	addMomentTask = &wecom.Endpoint[wecom.CorpToken, *momentTaskRequest, momentJobAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/add_moment_task", Doc: 95094,
		Entry: "externalcontact.Client.AddMoment",
	}
	getMomentTaskResult = &wecom.Endpoint[wecom.CorpToken, momentJobRequest, MomentJobResult]{
		Method: http.MethodGet, Path: "/cgi-bin/externalcontact/get_moment_task_result", Doc: 95094,
		Entry: "externalcontact.Client.MomentJobResult, externalcontact.MomentJob.Wait",
	}
	cancelMomentTask = &wecom.Endpoint[wecom.CorpToken, *momentIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/cancel_moment_task", Doc: 97612, Idempotent: true,
		Entry: "externalcontact.Client.CancelMoment",
	}
	getMomentList = &wecom.Endpoint[wecom.CorpToken, *momentListRequest, momentListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_moment_list", Doc: 93333, Idempotent: true,
		Entry: "externalcontact.Client.Moments",
	}
	getMomentTask = &wecom.Endpoint[wecom.CorpToken, *momentPageRequest, momentTaskAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_moment_task", Doc: 93333, Idempotent: true,
		Entry: "externalcontact.Client.MomentTasks",
	}
	getMomentCustomerList = &wecom.Endpoint[wecom.CorpToken, *momentUserPageRequest, momentCustomersAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_moment_customer_list", Doc: 93333, Idempotent: true,
		Entry: "externalcontact.Client.MomentCustomers",
	}
	getMomentSendResult = &wecom.Endpoint[wecom.CorpToken, *momentUserPageRequest, momentCustomersAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_moment_send_result", Doc: 93333, Idempotent: true,
		Entry: "externalcontact.Client.MomentReached",
	}
	getMomentComments = &wecom.Endpoint[wecom.CorpToken, *momentUserRequest, MomentInteractions]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_moment_comments", Doc: 93333, Idempotent: true,
		Entry: "externalcontact.Client.MomentComments",
	}
)

// Limits of add_moment_task (doc 95094).
const (
	MaxMomentImages    = 9      // image attachments; or one video, or one link
	MaxMomentTextRunes = 2000   // text.content
	MaxMomentSenders   = 100000 // sender_list.user_list
	MaxMomentLinkTitle = 64     // link.title, in bytes
)

// Moment is what [Client.AddMoment] posts: Text and/or Attachments (at
// most 9 images, or one video, or one link built with
// [MomentLinkAttachment]; media ids of attachment resources),
// by the members Users and the members of Departments (all the app's
// members when both are empty), visible to the customers carrying one of
// Tags (corp tags only; all customers when empty).
type Moment struct {
	Text        string
	Attachments []Attachment
	Users       []string
	Departments []int64
	Tags        []string
}

type momentTaskRequest struct {
	Text         *Text         `json:"text,omitempty"`
	Attachments  []Attachment  `json:"attachments,omitempty"`
	VisibleRange *visibleRange `json:"visible_range,omitempty"`
}

type visibleRange struct {
	SenderList          *senderList   `json:"sender_list,omitempty"`
	ExternalContactList *customerTags `json:"external_contact_list,omitempty"`
}

type senderList struct {
	UserList       []string `json:"user_list,omitempty"`
	DepartmentList []int64  `json:"department_list,omitempty"`
}

type customerTags struct {
	TagList []string `json:"tag_list,omitempty"`
}

type momentJobAnswer struct {
	JobID string `json:"jobid"`
}

func (m *Moment) check() error {
	if m.Text == "" && len(m.Attachments) == 0 {
		return fmt.Errorf("%w: a moment needs text or attachments", ErrInvalidArgument)
	}
	if n := len([]rune(m.Text)); n > MaxMomentTextRunes {
		return fmt.Errorf("%w: moment text of %d characters, at most %d", ErrInvalidArgument, n, MaxMomentTextRunes)
	}
	if len(m.Users) > MaxMomentSenders {
		return fmt.Errorf("%w: %d senders, at most %d", ErrInvalidArgument, len(m.Users), MaxMomentSenders)
	}
	kinds := map[string]int{}
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.MsgType != MsgTypeImage && a.MsgType != MsgTypeVideo && a.MsgType != MsgTypeLink {
			return fmt.Errorf("%w: a moment takes image, video or link attachments, not %q", ErrInvalidArgument, a.MsgType)
		}
		if a.MsgType == MsgTypeLink {
			if a.Link == nil || a.Link.URL == "" || a.Link.MediaID == "" {
				return fmt.Errorf("%w: a moment link needs a URL and a cover media_id (MomentLinkAttachment)", ErrInvalidArgument)
			}
			if len(a.Link.Title) > MaxMomentLinkTitle {
				return fmt.Errorf("%w: a moment link's title is at most %d bytes", ErrInvalidArgument, MaxMomentLinkTitle)
			}
		} else if err := a.Check(); err != nil {
			return err
		}
		kinds[a.MsgType]++
	}
	if len(kinds) > 1 || kinds[MsgTypeImage] > MaxMomentImages || kinds[MsgTypeVideo] > 1 || kinds[MsgTypeLink] > 1 {
		return fmt.Errorf("%w: a moment takes up to %d images, or one video, or one link", ErrInvalidArgument, MaxMomentImages)
	}
	return nil
}

// AddMoment starts a job that creates moment m for its members
// (externalcontact/add_moment_task, doc 95094) and returns it running:
// [MomentJob.Wait] polls get_moment_task_result for the moment's id.
func (c *Client) AddMoment(ctx context.Context, m Moment) (*MomentJob, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	req := &momentTaskRequest{Attachments: m.Attachments}
	if m.Text != "" {
		req.Text = &Text{Content: m.Text}
	}
	if len(m.Users) > 0 || len(m.Departments) > 0 || len(m.Tags) > 0 {
		req.VisibleRange = &visibleRange{}
		if len(m.Users) > 0 || len(m.Departments) > 0 {
			req.VisibleRange.SenderList = &senderList{UserList: m.Users, DepartmentList: m.Departments}
		}
		if len(m.Tags) > 0 {
			req.VisibleRange.ExternalContactList = &customerTags{TagList: m.Tags}
		}
	}
	a, err := addMomentTask.Call(ctx, c.corp, req)
	if err != nil {
		return nil, fmt.Errorf("externalcontact: add moment: %w", err)
	}
	return c.MomentJob(a.JobID), nil
}

type momentJobRequest struct {
	JobID string `json:"-" query:"jobid" wecom:"required"`
}

// States of a moment job (get_moment_task_result).
const (
	MomentJobStarted = 1 // 开始创建任务
	MomentJobRunning = 2 // 正在创建任务中
	MomentJobDone    = 3 // 创建任务已完成
)

// MomentJobResult is get_moment_task_result's answer. Once Status is
// MomentJobDone, Result holds the outcome: the moment's id, or an errcode,
// and the senders and tags WeCom could not use.
type MomentJobResult struct {
	Status int    `json:"status"`
	Type   string `json:"type"` // "add_moment_task"
	Result struct {
		ErrCode           int    `json:"errcode"`
		ErrMsg            string `json:"errmsg"`
		MomentID          string `json:"moment_id"`
		InvalidSenderList struct {
			UserList       []string `json:"user_list,omitempty"`
			DepartmentList []int64  `json:"department_list,omitempty"`
		} `json:"invalid_sender_list"`
		InvalidExternalContactList struct {
			TagList []string `json:"tag_list,omitempty"`
		} `json:"invalid_external_contact_list"`
	} `json:"result"`
}

// MomentJobResult reads moment job jobID once
// (externalcontact/get_moment_task_result, doc 95094).
func (c *Client) MomentJobResult(ctx context.Context, jobID string) (*MomentJobResult, error) {
	if err := required("jobid", jobID); err != nil {
		return nil, err
	}
	a, err := getMomentTaskResult.Call(ctx, c.corp, momentJobRequest{JobID: jobID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: moment job %s: %w", jobID, err)
	}
	return a, nil
}

// MomentJob is a running add_moment_task job; wait for it with
// [MomentJob.Wait]. WeCom keeps a job's result for 24 hours.
type MomentJob struct {
	ID string
	c  *Client
}

// MomentJob returns the job jobID, to wait for a job started elsewhere.
func (c *Client) MomentJob(jobID string) *MomentJob { return &MomentJob{ID: jobID, c: c} }

// ErrMomentFailed is wrapped by the error of a moment job that ended with
// an errcode; the [*wecom.APIError] is wrapped too.
var ErrMomentFailed = errors.New("externalcontact: moment job failed")

// WaitOption configures [MomentJob.Wait].
type WaitOption func(*waitConfig)

type waitConfig struct{ poll.Backoff }

// PollEvery sets the polling backoff: the first wait, doubled after each
// poll up to limit. The default is 1 s up to 30 s.
func PollEvery(first, limit time.Duration) WaitOption {
	return func(c *waitConfig) { c.Every(first, limit) }
}

// WithSleep replaces the wait between polls, which must return early with
// ctx's error: a fake clock for tests.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) WaitOption {
	return func(c *waitConfig) { c.SetSleep(sleep) }
}

// Wait polls the job with backoff until it is done and returns its result
// with the moment's id. A job that ended with an errcode returns its
// result and an error wrapping [ErrMomentFailed] and the
// [*wecom.APIError].
func (j *MomentJob) Wait(ctx context.Context, opts ...WaitOption) (*MomentJobResult, error) {
	cfg := waitConfig{poll.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	delay := cfg.First
	for {
		res, err := j.c.MomentJobResult(ctx, j.ID)
		if err != nil {
			return nil, err
		}
		if res.Status == MomentJobDone {
			if code := res.Result.ErrCode; code != 0 {
				apiErr := &wecom.APIError{Code: code, Msg: res.Result.ErrMsg, Path: getMomentTaskResult.Path}
				return res, fmt.Errorf("%w: job %s: %w", ErrMomentFailed, j.ID, apiErr)
			}
			return res, nil
		}
		if err := cfg.Sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("externalcontact: moment job %s: %w", j.ID, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("externalcontact: moment job %s: %w", j.ID, err)
		}
		delay = cfg.Next(delay)
	}
}

type momentIDRequest struct {
	MomentID string `json:"moment_id" wecom:"required"`
}

// CancelMoment stops moment momentID for the members who have not
// published it (externalcontact/cancel_moment_task, doc 97612).
func (c *Client) CancelMoment(ctx context.Context, momentID string) error {
	if err := required("moment id", momentID); err != nil {
		return err
	}
	if _, err := cancelMomentTask.Call(ctx, c.corp, &momentIDRequest{MomentID: momentID}); err != nil {
		return fmt.Errorf("externalcontact: cancel moment %s: %w", momentID, err)
	}
	return nil
}

// MomentFilter selects the moments [Client.Moments] lists; WeCom takes at
// most 30 days between Start and End.
type MomentFilter struct {
	Start, End time.Time
	Creator    string
	Created    Creators
}

type momentListRequest struct {
	StartTime  int64  `json:"start_time" wecom:"required"`
	EndTime    int64  `json:"end_time" wecom:"required"`
	Creator    string `json:"creator,omitempty"`
	FilterType int    `json:"filter_type"`
	Cursor     string `json:"cursor,omitempty"`
	Limit      int    `json:"limit,omitempty"`
}

type momentListAnswer struct {
	NextCursor string         `json:"next_cursor"`
	MomentList []MomentRecord `json:"moment_list"`
}

// MomentRecord is a moment as get_moment_list lists it.
type MomentRecord struct {
	MomentID    string `json:"moment_id"`
	Creator     string `json:"creator,omitempty"`
	CreateTime  int64  `json:"create_time"`  // unix seconds; WeCom's example sends a string, both are read
	CreateType  int    `json:"create_type"`  // CreatedByCorp or CreatedByMember
	VisibleType int    `json:"visible_type"` // 0 some customers, 1 all
	Text        *Text  `json:"text,omitempty"`
	Image       []struct {
		MediaID string `json:"media_id"`
	} `json:"image,omitempty"`
	Video *struct {
		MediaID      string `json:"media_id"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"video,omitempty"`
	Link *struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	} `json:"link,omitempty"`
	Location *struct {
		Latitude  string `json:"latitude"`
		Longitude string `json:"longitude"`
		Name      string `json:"name"`
	} `json:"location,omitempty"`
}

// UnmarshalJSON reads create_time as a number or a numeric string (the
// example on WeCom's page 93333 quotes it, as get_groupmsg_list_v2's).
func (r *MomentRecord) UnmarshalJSON(b []byte) error {
	type plain MomentRecord
	return json.Unmarshal(b, &struct {
		*plain
		CreateTime *numberOrString `json:"create_time"`
	}{(*plain)(r), (*numberOrString)(&r.CreateTime)})
}

// Moments yields the moments of a period (externalcontact/get_moment_list,
// doc 93333), 20 an answer; deleted moments are not listed.
func (c *Client) Moments(ctx context.Context, f MomentFilter) iter.Seq2[MomentRecord, error] {
	if f.Start.IsZero() || f.End.Before(f.Start) {
		return invalidSeq[MomentRecord](fmt.Errorf("%w: a moment filter needs Start <= End", ErrInvalidArgument))
	}
	req := &momentListRequest{StartTime: f.Start.Unix(), EndTime: f.End.Unix(), Creator: f.Creator, FilterType: f.Created.wire(), Limit: 20}
	return cursorPages(ctx, c.corp, getMomentList, req, func(r *momentListRequest, s string) { r.Cursor = s },
		func(a *momentListAnswer) ([]MomentRecord, string) { return a.MomentList, a.NextCursor }, "moments")
}

type momentPageRequest struct {
	MomentID string `json:"moment_id" wecom:"required"`
	Cursor   string `json:"cursor,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

type momentTaskAnswer struct {
	NextCursor string       `json:"next_cursor"`
	TaskList   []MomentTask `json:"task_list"`
}

// MomentTask is one member's task of a corporation's moment.
type MomentTask struct {
	UserID        string `json:"userid"`
	PublishStatus int    `json:"publish_status"` // 0 not published, 1 published
}

// MomentTasks yields the members' tasks of moment momentID
// (externalcontact/get_moment_task, doc 93333), 1000 an answer.
func (c *Client) MomentTasks(ctx context.Context, momentID string) iter.Seq2[MomentTask, error] {
	if err := required("moment id", momentID); err != nil {
		return invalidSeq[MomentTask](err)
	}
	return cursorPages(ctx, c.corp, getMomentTask, &momentPageRequest{MomentID: momentID, Limit: 1000}, func(r *momentPageRequest, s string) { r.Cursor = s },
		func(a *momentTaskAnswer) ([]MomentTask, string) { return a.TaskList, a.NextCursor }, "moment "+momentID+" tasks")
}

type momentUserPageRequest struct {
	MomentID string `json:"moment_id" wecom:"required"`
	UserID   string `json:"userid" wecom:"required"`
	Cursor   string `json:"cursor,omitempty"`
	Limit    int    `json:"limit,omitempty"`
}

type momentCustomersAnswer struct {
	NextCursor   string           `json:"next_cursor"`
	CustomerList []MomentCustomer `json:"customer_list"`
}

// MomentCustomer is a customer a moment was meant for or reached.
type MomentCustomer struct {
	UserID         string `json:"userid,omitempty"` // the member, in get_moment_customer_list
	ExternalUserID string `json:"external_userid"`
}

// MomentCustomers yields the customers member userID chose for moment
// momentID (externalcontact/get_moment_customer_list, doc 93333), 1000
// an answer.
func (c *Client) MomentCustomers(ctx context.Context, momentID, userID string) iter.Seq2[MomentCustomer, error] {
	return c.momentCustomers(ctx, getMomentCustomerList, momentID, userID, 1000, "moment "+momentID+" customers")
}

// MomentReached yields the customers who can see moment momentID as
// member userID published it (externalcontact/get_moment_send_result,
// doc 93333), 5000 an answer.
func (c *Client) MomentReached(ctx context.Context, momentID, userID string) iter.Seq2[MomentCustomer, error] {
	return c.momentCustomers(ctx, getMomentSendResult, momentID, userID, 5000, "moment "+momentID+" reached")
}

func (c *Client) momentCustomers(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *momentUserPageRequest, momentCustomersAnswer],
	momentID, userID string, limit int, what string) iter.Seq2[MomentCustomer, error] {
	if err := required("moment id", momentID); err != nil {
		return invalidSeq[MomentCustomer](err)
	}
	if err := required("userid", userID); err != nil {
		return invalidSeq[MomentCustomer](err)
	}
	return cursorPages(ctx, c.corp, ep, &momentUserPageRequest{MomentID: momentID, UserID: userID, Limit: limit},
		func(r *momentUserPageRequest, s string) { r.Cursor = s },
		func(a *momentCustomersAnswer) ([]MomentCustomer, string) { return a.CustomerList, a.NextCursor }, what)
}

type momentUserRequest struct {
	MomentID string `json:"moment_id" wecom:"required"`
	UserID   string `json:"userid" wecom:"required"`
}

// MomentInteractions are the comments and likes on a member's moment
// (get_moment_comments): each by a customer (ExternalUserID) or a member
// (UserID).
type MomentInteractions struct {
	CommentList []MomentInteraction `json:"comment_list"`
	LikeList    []MomentInteraction `json:"like_list"`
}

// MomentInteraction is one comment or like.
type MomentInteraction struct {
	ExternalUserID string `json:"external_userid,omitempty"`
	UserID         string `json:"userid,omitempty"`
	CreateTime     int64  `json:"create_time"`
}

// MomentComments returns the comments and likes on moment momentID as
// member userID published it (externalcontact/get_moment_comments, doc
// 93333).
func (c *Client) MomentComments(ctx context.Context, momentID, userID string) (*MomentInteractions, error) {
	if err := required("moment id", momentID); err != nil {
		return nil, err
	}
	if err := required("userid", userID); err != nil {
		return nil, err
	}
	a, err := getMomentComments.Call(ctx, c.corp, &momentUserRequest{MomentID: momentID, UserID: userID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: moment %s comments: %w", momentID, err)
	}
	return a, nil
}
