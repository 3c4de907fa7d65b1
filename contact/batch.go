package contact

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/poll"
	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
)

// Batch imports (异步批量接口, https://developer.work.weixin.qq.com/document/path/90979):
// a CSV uploaded as a temporary file (media/upload, declared once in
// package media and called through it), then a job that WeCom runs in
// the background. The job's end is learnt by polling batch/getresult or
// from the batch_job_result callback (doc 96305), whichever comes first.

var batchSyncUser = &wecom.Endpoint[wecom.CorpToken, *batchJobRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/batch/syncuser", Doc: 90980,
	Entry: "contact.Client.SyncUsers",
}

var batchReplaceUser = &wecom.Endpoint[wecom.CorpToken, *batchJobRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/batch/replaceuser", Doc: 90981,
	Entry: "contact.Client.ReplaceUsers",
}

var batchReplaceParty = &wecom.Endpoint[wecom.CorpToken, *batchJobRequest, batchJobAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/batch/replaceparty", Doc: 90982,
	Entry: "contact.Client.ReplaceDepartments",
}

var batchGetResult = &wecom.Endpoint[wecom.CorpToken, batchGetResultRequest, JobResult]{
	Method: http.MethodGet, Path: "/cgi-bin/batch/getresult", Doc: 90983,
	Entry: "contact.Client.JobResult, contact.Job.Wait",
}

// batchEndpoints lists the batch import and export endpoints (this file
// and export.go).
func batchEndpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		batchSyncUser.Info(),
		batchReplaceUser.Info(),
		batchReplaceParty.Info(),
		batchGetResult.Info(),
		exportSimpleUser.Info(),
		exportUser.Info(),
		exportDepartment.Info(),
		exportTagUser.Info(),
		exportGetResult.Info(),
	}
}

// batchJobRequest is the body of batch/syncuser, replaceuser and
// replaceparty (the last takes no to_invite).
type batchJobRequest struct {
	MediaID  string       `json:"media_id" wecom:"required"`
	ToInvite *bool        `json:"to_invite,omitempty"`
	Callback *JobCallback `json:"callback,omitempty"`
}

type batchJobAnswer struct {
	JobID string `json:"jobid"`
}

type batchGetResultRequest struct {
	JobID string `json:"-" query:"jobid" wecom:"required"`
}

// JobCallback is where WeCom pushes the batch_job_result event when the
// job ends (the request's callback object, docs 90980–90982): the URL of
// a callback receiver and its Token and EncodingAESKey. Without it, WeCom
// pushes the event to the app's own callback URL, if it has one; the job
// can always be polled.
type JobCallback struct {
	URL            string `json:"url,omitempty"`
	Token          string `json:"token,omitempty"`
	EncodingAESKey string `json:"encodingaeskey,omitempty"`
}

// ImportOptions configures a batch import.
type ImportOptions struct {
	// ToInvite asks WeCom to invite the new members (SyncUsers and
	// ReplaceUsers only); nil leaves WeCom's default, true.
	ToInvite *bool
	// Callback, when set, is where WeCom pushes batch_job_result.
	Callback *JobCallback
	// Filename is the name the CSV is uploaded under; "users.csv" or
	// "departments.csv" when empty. It must end in .csv.
	Filename string
}

// JobType is the kind of a batch job, as batch/getresult and the
// batch_job_result event name it.
type JobType string

// The job types (docs 90983, 96305).
const (
	JobSyncUsers          JobType = "sync_user"
	JobReplaceUsers       JobType = "replace_user"
	JobReplaceDepartments JobType = "replace_party"
	JobInviteUsers        JobType = "invite_user" // named by the event only
)

// JobStatus is a job's state in batch/getresult.
type JobStatus int

// The job states (doc 90983).
const (
	JobStarted JobStatus = 1
	JobRunning JobStatus = 2
	JobDone    JobStatus = 3
)

// JobResult is batch/getresult's answer
// (https://developer.work.weixin.qq.com/document/path/90983).
type JobResult struct {
	Status     JobStatus `json:"status"`
	Type       JobType   `json:"type"`
	Total      int       `json:"total"`      // rows the job runs
	Percentage int       `json:"percentage"` // 100 when done
	// Rows is the outcome of each row, once Status is JobDone: a userid
	// for member jobs, a department id and its action for replace_party.
	Rows []JobRow `json:"result"`
}

// JobRow is one row's outcome in a [JobResult].
type JobRow struct {
	UserID  string `json:"userid,omitempty"`  // sync_user, replace_user
	PartyID int64  `json:"partyid,omitempty"` // replace_party
	// Action is what replace_party did to the department, bits ORed:
	// 1 created, 2 renamed, 4 moved, 8 reordered.
	Action  int    `json:"action,omitempty"`
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg,omitempty"`
}

// The replace_party actions of [JobRow.Action].
const (
	ActionCreated   = 1
	ActionRenamed   = 2
	ActionMoved     = 4
	ActionReordered = 8
)

// Err returns the row's error as a [*wecom.APIError], or nil.
func (r JobRow) Err(path string) error {
	if r.ErrCode == 0 {
		return nil
	}
	return &wecom.APIError{Code: r.ErrCode, Msg: r.ErrMsg, Path: path}
}

// Failed returns the rows WeCom did not apply.
func (r *JobResult) Failed() []JobRow {
	var out []JobRow
	for _, row := range r.Rows {
		if row.ErrCode != 0 {
			out = append(out, row)
		}
	}
	return out
}

// UnmarshalJSON sizes Rows before decoding them: a job of 100,000 rows
// decodes without growing the slice.
func (r *JobResult) UnmarshalJSON(b []byte) error {
	type plain JobResult
	p := (*plain)(r)
	if n := bytes.Count(b, []byte(`"errcode"`)); n > 1 && cap(p.Rows) < n {
		p.Rows = make([]JobRow, 0, n)
	}
	return json.Unmarshal(b, p)
}

// Done reports whether the job has ended.
func (r *JobResult) Done() bool { return r.Status == JobDone }

// SyncUsers adds and updates members (增量更新成员) from csv, a CSV in
// WeCom's member template, with POST /cgi-bin/batch/syncuser
// (https://developer.work.weixin.qq.com/document/path/90980): members in
// the file are created or updated, others are left alone. The file is
// uploaded first (media/upload, streamed); size is its length, 0 to
// measure an [io.Seeker]. The returned Job is running: call [Job.Wait].
func (c *Client) SyncUsers(ctx context.Context, csv io.Reader, size int64, opts *ImportOptions) (*Job, error) {
	return c.startImport(ctx, batchSyncUser, JobSyncUsers, "users.csv", csv, size, opts)
}

// ReplaceUsers replaces the directory's members (全量覆盖成员) with those of
// csv, with POST /cgi-bin/batch/replaceuser
// (https://developer.work.weixin.qq.com/document/path/90981): members in
// the file are created or updated, and members not in it are DELETED.
// See [Client.SyncUsers] for csv and size.
func (c *Client) ReplaceUsers(ctx context.Context, csv io.Reader, size int64, opts *ImportOptions) (*Job, error) {
	return c.startImport(ctx, batchReplaceUser, JobReplaceUsers, "users.csv", csv, size, opts)
}

// ReplaceDepartments replaces the department tree (全量覆盖部门) with that
// of csv, a CSV in WeCom's department template (部门名称,部门ID,父部门ID,排序),
// with POST /cgi-bin/batch/replaceparty
// (https://developer.work.weixin.qq.com/document/path/90982). ToInvite
// does not apply. See [Client.SyncUsers] for csv and size.
func (c *Client) ReplaceDepartments(ctx context.Context, csv io.Reader, size int64, opts *ImportOptions) (*Job, error) {
	if opts != nil && opts.ToInvite != nil {
		return nil, fmt.Errorf("%w: replace_party takes no to_invite", ErrInvalidArgument)
	}
	return c.startImport(ctx, batchReplaceParty, JobReplaceDepartments, "departments.csv", csv, size, opts)
}

func (c *Client) startImport(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *batchJobRequest, batchJobAnswer], typ JobType, filename string, csv io.Reader, size int64, opts *ImportOptions) (*Job, error) {
	if csv == nil {
		return nil, fmt.Errorf("%w: no CSV", ErrInvalidArgument)
	}
	req := &batchJobRequest{}
	if opts != nil {
		if opts.Filename != "" {
			filename = opts.Filename
		}
		req.ToInvite = opts.ToInvite
		if cb := opts.Callback; cb != nil {
			if cb.URL == "" || cb.Token == "" || len(cb.EncodingAESKey) != 43 {
				return nil, fmt.Errorf("%w: a job callback needs a URL, a token and a 43-character EncodingAESKey", ErrInvalidArgument)
			}
			req.Callback = cb
		}
	}
	if !strings.HasSuffix(strings.ToLower(filename), ".csv") {
		return nil, fmt.Errorf("%w: the import file %q must be a .csv", ErrInvalidArgument, filename)
	}
	up, err := media.New(c.c).Upload(ctx, media.File, filename, csv, size)
	if err != nil {
		return nil, fmt.Errorf("contact: %s: %w", typ, err)
	}
	req.MediaID = up.MediaID
	var callOpts []wecom.CallOption
	if req.Callback != nil {
		callOpts = append(callOpts, wecom.WithCallSecrets(req.Callback.Token, req.Callback.EncodingAESKey))
	}
	out, err := ep.Call(ctx, c.corp, req, callOpts...)
	if err != nil {
		return nil, fmt.Errorf("contact: %s: %w", typ, err)
	}
	if out.JobID == "" {
		return nil, fmt.Errorf("contact: %s: the answer has no jobid", typ)
	}
	return c.Job(out.JobID, typ), nil
}

// JobResult returns a job's state once, from GET /cgi-bin/batch/getresult
// (https://developer.work.weixin.qq.com/document/path/90983). Only the
// credential that started a job may read it.
func (c *Client) JobResult(ctx context.Context, jobID string) (*JobResult, error) {
	if jobID == "" {
		return nil, fmt.Errorf("%w: empty jobid", ErrInvalidArgument)
	}
	out, err := batchGetResult.Call(ctx, c.corp, batchGetResultRequest{JobID: jobID})
	if err != nil {
		return nil, fmt.Errorf("contact: batch job %s: %w", jobID, err)
	}
	return out, nil
}

// Job is a running batch job. Wait for it with [Job.Wait]; feed it the
// batch_job_result callback with [Job.Complete] to end the wait early. A
// Job is safe for concurrent use.
type Job struct {
	ID   string
	Type JobType

	c    *Client
	once sync.Once
	done chan struct{}
	ev   *JobEvent // set before done is closed
}

// Job returns the job jobID of type typ (which may be ""), to wait for a
// job started elsewhere — by another process, before a restart.
func (c *Client) Job(jobID string, typ JobType) *Job {
	return &Job{ID: jobID, Type: typ, c: c, done: make(chan struct{})}
}

// Complete ends a [Job.Wait] with the batch_job_result event ev, which
// must name this job: the wait then reads the result once, without
// waiting for its next poll. It reports whether ev was this job's; a
// second event is ignored.
func (j *Job) Complete(ev *JobEvent) bool {
	if ev == nil || ev.JobID != j.ID {
		return false
	}
	j.once.Do(func() {
		j.ev = ev
		close(j.done)
	})
	return true
}

// WaitOption configures [Job.Wait] and [Export.Wait].
type WaitOption func(*waitConfig)

type waitConfig struct {
	poll.Backoff
	callbackOnly bool
}

// PollEvery sets the polling backoff: the first wait, doubled after each
// poll up to max. The default is 1 s up to 30 s. Zero polls without
// waiting (for tests).
func PollEvery(first, limit time.Duration) WaitOption {
	return func(c *waitConfig) { c.Every(first, limit) }
}

// WithSleep replaces the wait between polls, which must return early with
// ctx's error: a fake clock for tests.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) WaitOption {
	return func(c *waitConfig) { c.SetSleep(sleep) }
}

// CallbackOnly makes [Job.Wait] not poll at all: it waits for
// [Job.Complete], then reads the result once. Give the context a
// deadline: a lost callback would wait forever.
func CallbackOnly() WaitOption {
	return func(c *waitConfig) { c.callbackOnly = true }
}

func newWaitConfig(opts []WaitOption) waitConfig {
	cfg := waitConfig{Backoff: poll.Default()}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// ErrJobFailed is wrapped by the error of a job whose batch_job_result
// event carries a non-zero ErrCode.
var ErrJobFailed = errors.New("contact: batch job failed")

// Wait waits for the job to end and returns its result: it polls
// batch/getresult with backoff ([PollEvery], [WithSleep]) until the status
// is [JobDone], or until [Job.Complete] delivers the batch_job_result
// event, after which it reads the result once. Rows that failed are in
// the result ([JobResult.Failed]), not in the error. A job whose event
// reports an error returns an error wrapping [ErrJobFailed].
//
// The finished answer lists every row: about 50 bytes a row, so a job of
// more than some 300,000 rows needs a client with a larger
// [wecom.WithMaxResponseBytes] than the default 16 MB.
func (j *Job) Wait(ctx context.Context, opts ...WaitOption) (*JobResult, error) {
	cfg := newWaitConfig(opts)
	delay := cfg.First
	for {
		if cfg.callbackOnly {
			select {
			case <-j.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("contact: batch job %s: %w", j.ID, ctx.Err())
			}
		}
		wake := j.done
		select {
		case <-j.done:
			if j.ev.ErrCode != 0 {
				return nil, fmt.Errorf("%w: %s %s: errcode %d: %s", ErrJobFailed, j.ev.JobType, j.ID, j.ev.ErrCode, j.ev.ErrMsg)
			}
			wake = nil // the event came before the status changed: poll on
		default:
		}
		res, err := j.c.JobResult(ctx, j.ID)
		if err != nil {
			return nil, err
		}
		if res.Done() {
			return res, nil
		}
		cfg.callbackOnly = false
		if err := cfg.SleepUntil(ctx, delay, wake); err != nil {
			return nil, fmt.Errorf("contact: batch job %s: %w", j.ID, err)
		}
		delay = cfg.Next(delay)
	}
}

// JobEvent is the batch_job_result callback event
// (https://developer.work.weixin.qq.com/document/path/96305).
type JobEvent struct {
	CorpID  string // ToUserName
	JobID   string
	JobType JobType
	ErrCode int
	ErrMsg  string
	At      time.Time // CreateTime
}

// ErrNotJobEvent is returned by [ParseJobEvent] for other callbacks.
var ErrNotJobEvent = errors.New("contact: not a batch_job_result event")

type wireJobEvent struct {
	ToUserName string `xml:"ToUserName"`
	CreateTime int64  `xml:"CreateTime"`
	BatchJob   struct {
		JobID   string `xml:"JobId"`
		JobType string `xml:"JobType"`
		ErrCode string `xml:"ErrCode"`
		ErrMsg  string `xml:"ErrMsg"`
	} `xml:"BatchJob"`
}

// ParseJobEvent types a decrypted batch_job_result callback; anything else
// is [ErrNotJobEvent]. Hand the result to [Job.Complete].
func ParseJobEvent(ev *crypto.Event) (*JobEvent, error) {
	if ev == nil || ev.Event != "batch_job_result" || ev.IsJSON() {
		return nil, ErrNotJobEvent
	}
	var w wireJobEvent
	if err := xml.Unmarshal(ev.Raw, &w); err != nil {
		return nil, errors.New("contact: batch_job_result: not well-formed XML")
	}
	out := &JobEvent{
		CorpID:  w.ToUserName,
		JobID:   strings.TrimSpace(w.BatchJob.JobID),
		JobType: JobType(strings.TrimSpace(w.BatchJob.JobType)),
		ErrMsg:  w.BatchJob.ErrMsg,
	}
	if out.JobID == "" {
		return nil, errors.New("contact: batch_job_result: no JobId")
	}
	if s := strings.TrimSpace(w.BatchJob.ErrCode); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, fmt.Errorf("contact: batch_job_result: ErrCode %q is not a number", s)
		}
		out.ErrCode = n
	}
	if w.CreateTime > 0 {
		out.At = time.Unix(w.CreateTime, 0)
	}
	return out, nil
}
