package contact_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const batchCorp = "wwbatch"

func newBatchFake(t testing.TB, opts ...wecomtest.Option) (*wecomtest.Server, *contact.Client) {
	t.Helper()
	opts = append([]wecomtest.Option{wecomtest.WithApp(batchCorp, wecomtest.App{AgentID: 1000002, Secret: "s"})}, opts...)
	srv := wecomtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	srv.GenerateDirectory(batchCorp, 3, 2)
	wc, err := wecom.New(batchCorp, "s", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return srv, contact.New(wc)
}

// noWait polls at once: no sleeping in tests.
var noWait = contact.PollEvery(0, 0)

func userCSV(rows ...string) *strings.Reader {
	return strings.NewReader("姓名,帐号,手机号,邮箱,所在部门,职位\n" + strings.Join(rows, "\n") + "\n")
}

func memberIDs(srv *wecomtest.Server) []string {
	var ids []string
	for _, m := range srv.Members(batchCorp) {
		ids = append(ids, m.UserID)
	}
	slices.Sort(ids)
	return ids
}

func TestSyncUsersPolled(t *testing.T) {
	srv, c := newBatchFake(t, wecomtest.WithBatchPolls(3))
	ctx := context.Background()
	job, err := c.SyncUsers(ctx, userCSV(
		"张三,zhangsan,13900000001,zs@example.com,2,工程师",
		"李四,lisi,13900000002,,2;3,",
		",noname,,,2,",              // no name: 60112
		"王五,wangwu,,,99,",           // unknown department: 60003
		"赵六,bad id,,,2,",            // bad userid: 40003
		"钱七,qianqi,13900000001,,2,", // mobile taken: 60104
	), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if job.ID == "" || job.Type != contact.JobSyncUsers {
		t.Fatalf("job = %+v", job)
	}
	// Not applied before the job completes.
	if slices.Contains(memberIDs(srv), "zhangsan") {
		t.Fatal("applied before completion")
	}
	var slept []time.Duration
	res, err := job.Wait(ctx, contact.PollEvery(time.Second, 3*time.Second), contact.WithSleep(func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slept, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("backoff = %v", slept)
	}
	if got := srv.Calls("/cgi-bin/batch/getresult"); got != 3 {
		t.Errorf("polls = %d, want 3", got)
	}
	if res.Status != contact.JobDone || res.Type != contact.JobSyncUsers || res.Total != 6 || res.Percentage != 100 {
		t.Errorf("result = %+v", res)
	}
	failed := map[string]int{}
	for _, r := range res.Failed() {
		failed[r.UserID] = r.ErrCode
	}
	want := map[string]int{"noname": 60112, "wangwu": 60003, "bad id": 40003, "qianqi": 60104}
	if fmt.Sprint(failed) != fmt.Sprint(want) {
		t.Errorf("failed rows = %v, want %v", failed, want)
	}
	if err := res.Failed()[0].Err("/cgi-bin/batch/syncuser"); wecom.ErrorCode(err) == 0 {
		t.Errorf("row error = %v", err)
	}
	ids := memberIDs(srv)
	if !slices.Contains(ids, "zhangsan") || !slices.Contains(ids, "lisi") || !slices.Contains(ids, "user000001") || slices.Contains(ids, "wangwu") {
		t.Errorf("members = %v", ids)
	}
	u, err := c.User(ctx, "lisi")
	if err != nil || !slices.Equal(u.Department, []int64{2, 3}) {
		t.Errorf("lisi = %+v, %v", u, err)
	}
}

func TestReplaceUsers(t *testing.T) {
	srv, c := newBatchFake(t)
	ctx := context.Background()
	invite := false
	job, err := c.ReplaceUsers(ctx, userCSV("张三,zhangsan,,,2,", "成员1,user000001,,,3,经理"), 0, &contact.ImportOptions{ToInvite: &invite})
	if err != nil {
		t.Fatal(err)
	}
	res, err := job.Wait(ctx, noWait)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 2 || len(res.Failed()) != 0 || res.Type != contact.JobReplaceUsers {
		t.Fatalf("result = %+v", res)
	}
	if got := memberIDs(srv); !slices.Equal(got, []string{"user000001", "zhangsan"}) {
		t.Errorf("members = %v (user000002 should be gone)", got)
	}
}

func TestReplaceDepartments(t *testing.T) {
	srv, c := newBatchFake(t, wecomtest.WithBatchPolls(1))
	ctx := context.Background()
	// Department 3 is left out and has no members once user000002 is
	// moved; 2 is renamed; 10 is new; 11's parent does not exist.
	srv.RemoveMember(batchCorp, "user000002")
	csv := "部门名称,部门ID,父部门ID,排序\n总部,1,0,100\n研发部,2,1,5\n新部门,10,2,1\n孤儿,11,77,1\n"
	job, err := c.ReplaceDepartments(ctx, strings.NewReader(csv), int64(len(csv)), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := job.Wait(ctx, noWait)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[int64][2]int{}
	for _, r := range res.Rows {
		actions[r.PartyID] = [2]int{r.Action, r.ErrCode}
	}
	if actions[2][0]&contact.ActionRenamed == 0 || actions[10] != [2]int{contact.ActionCreated, 0} || actions[11][1] != 60004 {
		t.Errorf("rows = %+v", res.Rows)
	}
	var ids []int64
	for _, d := range srv.Departments(batchCorp) {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{1, 2, 10}) {
		t.Errorf("departments = %v", ids)
	}
	if _, err := c.ReplaceDepartments(ctx, strings.NewReader(csv), 0, &contact.ImportOptions{ToInvite: new(bool)}); !errors.Is(err, contact.ErrInvalidArgument) {
		t.Errorf("to_invite on replace_party: %v", err)
	}
}

// TestJobWaitByCallback: WeCom pushes batch_job_result to the job's
// callback; the receiver completes the job, which then reads its result
// once without polling.
func TestJobWaitByCallback(t *testing.T) {
	srv, c := newBatchFake(t, wecomtest.WithBatchPolls(100))
	const token, key = "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	mc, err := crypto.New(token, key, batchCorp)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan *contact.JobEvent, 1)
	recv := httptest.NewServer(crypto.NewHandler(mc, crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		je, err := contact.ParseJobEvent(ev)
		if err != nil {
			t.Error(err)
			return nil, nil
		}
		events <- je
		return nil, nil
	})))
	defer recv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	job, err := c.SyncUsers(ctx, userCSV("张三,zhangsan,,,2,"), 0, &contact.ImportOptions{
		Callback: &contact.JobCallback{URL: recv.URL, Token: token, EncodingAESKey: key},
	})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		if ev := <-events; !job.Complete(ev) {
			t.Errorf("event %+v is not the job's", ev)
		}
	}()
	srv.CompleteJob(job.ID) // WeCom finishes: the push goes out
	res, err := job.Wait(ctx, contact.CallbackOnly())
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != contact.JobDone || len(res.Rows) != 1 {
		t.Errorf("result = %+v", res)
	}
	if got := srv.Calls("/cgi-bin/batch/getresult"); got != 1 {
		t.Errorf("getresult calls = %d, want 1", got)
	}
}

func TestJobCompleteWakesPolling(t *testing.T) {
	srv, c := newBatchFake(t, wecomtest.WithBatchPolls(100))
	ctx := context.Background()
	job, err := c.SyncUsers(ctx, userCSV("张三,zhangsan,,,2,"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A sleep that never ends by itself: only Complete wakes it.
	block := contact.WithSleep(func(ctx context.Context, _ time.Duration) error {
		<-ctx.Done()
		return ctx.Err()
	})
	done := make(chan error, 1)
	go func() {
		_, err := job.Wait(ctx, block)
		done <- err
	}()
	for srv.Calls("/cgi-bin/batch/getresult") == 0 {
		time.Sleep(time.Millisecond)
	}
	srv.CompleteJob(job.ID)
	if job.Complete(&contact.JobEvent{JobID: "other"}) {
		t.Error("Complete took another job's event")
	}
	job.Complete(&contact.JobEvent{JobID: job.ID, JobType: contact.JobSyncUsers})
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestJobFailedEvent(t *testing.T) {
	_, c := newBatchFake(t, wecomtest.WithBatchPolls(100))
	job := c.Job("x", contact.JobSyncUsers)
	job.Complete(&contact.JobEvent{JobID: "x", ErrCode: 60003, ErrMsg: "x"})
	if _, err := job.Wait(context.Background()); !errors.Is(err, contact.ErrJobFailed) {
		t.Errorf("err = %v", err)
	}
}

func TestBatchErrors(t *testing.T) {
	_, c := newBatchFake(t)
	ctx := context.Background()
	if _, err := c.JobResult(ctx, "nosuchjob"); wecom.ErrorCode(err) != 40058 {
		t.Errorf("unknown job: %v", err)
	}
	if _, err := c.SyncUsers(ctx, strings.NewReader("abc"), 3, nil); err == nil {
		t.Error("a 3-byte file was uploaded")
	}
	if _, err := c.SyncUsers(ctx, userCSV(), 0, &contact.ImportOptions{Filename: "users.xlsx"}); !errors.Is(err, contact.ErrInvalidArgument) {
		t.Errorf("xlsx: %v", err)
	}
	if _, err := c.SyncUsers(ctx, userCSV(), 0, &contact.ImportOptions{Callback: &contact.JobCallback{URL: "http://x"}}); !errors.Is(err, contact.ErrInvalidArgument) {
		t.Errorf("bad callback: %v", err)
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := c.Job("j", "").Wait(ctx2, contact.CallbackOnly()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestParseJobEvent(t *testing.T) {
	raw := []byte(`<xml><ToUserName><![CDATA[wwcorp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1425284517</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[batch_job_result]]></Event><BatchJob><JobId><![CDATA[S0MrnndvRG5fadSlLwiBqiDDbM143UqTmKP3152FZk4]]></JobId><JobType><![CDATA[sync_user]]></JobType><ErrCode>0</ErrCode><ErrMsg><![CDATA[ok]]></ErrMsg></BatchJob></xml>`)
	ev, err := crypto.ParseEvent(raw)
	if err != nil {
		t.Fatal(err)
	}
	je, err := contact.ParseJobEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	if je.JobID != "S0MrnndvRG5fadSlLwiBqiDDbM143UqTmKP3152FZk4" || je.JobType != contact.JobSyncUsers || je.ErrCode != 0 || je.CorpID != "wwcorp" || je.At.Unix() != 1425284517 {
		t.Errorf("event = %+v", je)
	}
	other, _ := crypto.ParseEvent([]byte(`<xml><MsgType>event</MsgType><Event>change_contact</Event></xml>`))
	if _, err := contact.ParseJobEvent(other); !errors.Is(err, contact.ErrNotJobEvent) {
		t.Errorf("change_contact: %v", err)
	}
}

func TestExports(t *testing.T) {
	srv, c := newBatchFake(t, wecomtest.WithBatchPolls(2))
	ctx := context.Background()
	srv.GenerateDirectory(batchCorp, 3, 25_000) // three files of 10,000
	tagID, err := c.CreateTag(ctx, "乒乓球协会", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddTagMembers(ctx, tagID, []string{"user000003"}, []int64{2}); err != nil {
		t.Fatal(err)
	}
	opts := &contact.ExportOptions{BlockSize: contact.MinExportBlockSize, HTTPClient: srv.Client()}

	exp, err := c.ExportUsers(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(exp); strings.Contains(s, "key") || !strings.Contains(s, exp.JobID) {
		t.Errorf("printed export: %s", s)
	}
	files, err := exp.Wait(ctx, noWait)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[0].Size%32 != 0 || files[0].MD5 == "" {
		t.Fatalf("files = %+v", files)
	}
	n := 0
	for u, err := range exp.Users(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if u.UserID == "user000003" && (u.Name != "成员3" || u.Mobile != "13800000003" || !u.Known.Has(contact.FieldMobile)) {
			t.Errorf("user000003 = %+v", u)
		}
	}
	if n != 25_000 {
		t.Errorf("%d users, want 25000", n)
	}

	simple, err := c.ExportSimpleUsers(ctx, &contact.ExportOptions{EncodingAESKey: contact.NewExportKey(), HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := simple.Wait(ctx, noWait); err != nil {
		t.Fatal(err)
	}
	for u, err := range simple.Users(ctx) {
		if err != nil || u.UserID == "" || len(u.Department) == 0 {
			t.Fatalf("simple user %+v, %v", u, err)
		}
		break // stopping early is fine
	}

	dexp, err := c.ExportDepartments(ctx, &contact.ExportOptions{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dexp.Wait(ctx, noWait); err != nil {
		t.Fatal(err)
	}
	var names []string
	for d, err := range dexp.Departments(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, d.Name)
	}
	if !slices.Equal(names, []string{"总部", "部门2", "部门3"}) {
		t.Errorf("departments = %v", names)
	}

	texp, err := c.ExportTagUsers(ctx, tagID, &contact.ExportOptions{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := texp.Wait(ctx, noWait); err != nil {
		t.Fatal(err)
	}
	tag, err := texp.Tag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tag.Name != "乒乓球协会" || len(tag.Users) != 1 || tag.Users[0].UserID != "user000003" || !slices.Equal(tag.Departments, []int64{2}) {
		t.Errorf("tag = %+v", tag)
	}

	for _, err := range texp.Departments(ctx) {
		if !errors.Is(err, contact.ErrInvalidArgument) {
			t.Errorf("departments of a tag export: %v", err)
		}
	}
	if _, err := c.ExportTagUsers(ctx, 999, nil); wecom.ErrorCode(err) != 40068 {
		t.Errorf("unknown tag: %v", err)
	}
	if _, err := c.ExportUsers(ctx, &contact.ExportOptions{BlockSize: 5}); !errors.Is(err, contact.ErrInvalidArgument) {
		t.Errorf("block size 5: %v", err)
	}
	if _, err := c.ExportUsers(ctx, &contact.ExportOptions{EncodingAESKey: "short"}); !errors.Is(err, contact.ErrInvalidArgument) {
		t.Errorf("short key: %v", err)
	}
}

func TestExportTamperedFile(t *testing.T) {
	srv, c := newBatchFake(t)
	ctx := context.Background()
	exp, err := c.ExportDepartments(ctx, &contact.ExportOptions{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	files, err := exp.Wait(ctx, noWait)
	if err != nil {
		t.Fatal(err)
	}
	f := files[0]
	f.MD5 = strings.Repeat("0", 32)
	r, err := exp.Open(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := io.ReadAll(r); !errors.Is(err, contact.ErrExportFailed) {
		t.Errorf("wrong md5: %v", err)
	}
	r2, err := exp.Open(ctx, files[0])
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	plain, err := io.ReadAll(r2)
	if err != nil || !strings.HasPrefix(string(plain), `{"department":[`) || !strings.HasSuffix(string(plain), "}") {
		t.Errorf("plain = %.60q…, %v", plain, err)
	}
}

func TestNewExportKey(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		k := contact.NewExportKey()
		if len(k) != 43 || strings.ContainsAny(k, "+/=") || seen[k] {
			t.Fatalf("key %q", k)
		}
		seen[k] = true
	}
}

func ExampleClient_SyncUsers() {
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.GenerateDirectory("wwcorp", 2, 0)

	wc, _ := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	c := contact.New(wc)
	ctx := context.Background()

	// WeCom's member template; departments are ids, separated by ";".
	csv := strings.NewReader("姓名,帐号,手机号,邮箱,所在部门,职位\n" +
		"张三,zhangsan,13800000001,,2,工程师\n" +
		"李四,lisi,,,42,\n")
	job, err := c.SyncUsers(ctx, csv, 0, nil) // a *strings.Reader is measured
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := job.Wait(ctx) // polls batch/getresult with backoff
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Type, res.Total, "rows")
	for _, row := range res.Rows {
		fmt.Println(row.UserID, row.ErrCode)
	}
	// Output:
	// sync_user 2 rows
	// zhangsan 0
	// lisi 60003
}
