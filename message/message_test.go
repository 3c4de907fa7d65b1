package message_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "wwmsgtest"
	agentID = int64(1000002)
)

// fakeClock's Sleep moves the time on at once: hours of limits pass in
// milliseconds.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

func newServer(t testing.TB, clock func() time.Time, members int) (*wecomtest.Server, *wecom.Client) {
	t.Helper()
	opts := []wecomtest.Option{wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: "s"})}
	if clock != nil {
		opts = append(opts, wecomtest.WithClock(clock))
	}
	srv := wecomtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	srv.GenerateDirectory(corpID, 3, members)
	c, err := wecom.New(corpID, "s", wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return srv, c
}

func TestSendPartialFailure(t *testing.T) {
	srv, c := newServer(t, nil, 5)
	srv.SetUnlicensed(corpID, "user000003")
	m := message.New(c, agentID)
	res, err := m.Send(context.Background(), &message.Message{
		To:      message.Recipients{Users: []string{"user000001", "Nobody", "user000003"}, Parties: []int64{2, 99}, Tags: []int64{7}},
		Content: &message.Text{Content: "hello"},
	})
	require.NoError(t, err, "a partial failure is a result, not an error")
	require.True(t, res.Partial())
	require.Equal(t, []string{"nobody"}, res.InvalidUsers)
	require.Equal(t, []string{"99"}, res.InvalidParties)
	require.Equal(t, []string{"7"}, res.InvalidTags)
	require.Equal(t, []string{"user000003"}, res.UnlicensedUsers)
	require.NotEmpty(t, res.MsgID)

	sent := srv.Messages(corpID)
	require.Len(t, sent, 1)
	require.Contains(t, sent[0].Delivered, "user000001")
	require.NotContains(t, sent[0].Delivered, "user000003")
	require.Contains(t, string(sent[0].Body), `"touser":"user000001|Nobody|user000003","toparty":"2|99","totag":"7"`)

	// Nobody valid at all: WeCom's 81013 is an error.
	_, err = m.Send(context.Background(), &message.Message{To: message.ToUsers("x", "y"), Content: &message.Text{Content: "hi"}})
	require.Equal(t, 81013, wecom.ErrorCode(err))

	// Recall, once.
	require.NoError(t, m.Recall(context.Background(), res.MsgID))
	require.Equal(t, 40058, wecom.ErrorCode(m.Recall(context.Background(), res.MsgID)))
}

func TestSendKinds(t *testing.T) {
	srv, c := newServer(t, nil, 3)
	m := message.New(c, agentID)
	ctx := context.Background()
	to := message.Recipients{All: true}
	for _, content := range []message.Content{
		&message.Markdown{Content: "**bold**"},
		&message.TextCard{Title: "t", Description: "d", URL: "https://example.com", ButtonText: "查看"},
		&message.News{Articles: []message.Article{{Title: "a", URL: "https://example.com"}}},
		&message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "审批"}, CardAction: message.CardAction{Type: 1, URL: "https://example.com"}},
		&message.TemplateCard{CardType: message.CardNewsNotice, MainTitle: message.CardTitle{Title: "新闻"}, CardImage: &message.CardImage{URL: "https://example.com/a.png"}, CardAction: message.CardAction{Type: 1, URL: "https://example.com"}},
	} {
		_, news := content.(*message.News) // a news message cannot be confidential (40074)
		_, err := m.Send(ctx, &message.Message{To: to, Content: content, Safe: !news, DuplicateCheck: time.Hour})
		require.NoError(t, err, "%T", content)
	}
	sent := srv.Messages(corpID)
	require.Len(t, sent, 5)
	require.Len(t, sent[0].Delivered, 3)
	require.Contains(t, string(sent[0].Body), `"touser":"@all"`)
	require.Contains(t, string(sent[0].Body), `"enable_duplicate_check":1,"duplicate_check_interval":3600`)
}

func TestStructuralLimitsAreErrors(t *testing.T) {
	_, c := newServer(t, nil, 1)
	ctx := context.Background()
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("u%d", i)
	}
	nine := make([]message.Article, 9)
	for i := range nine {
		nine[i].Title = "t"
	}
	for name, msg := range map[string]*message.Message{
		"no recipients": {Content: &message.Text{Content: "x"}},
		"1001 users":    {To: message.ToUsers(many...), Content: &message.Text{Content: "x"}},
		"no content":    {To: message.ToUsers("a")},
		"empty text":    {To: message.ToUsers("a"), Content: &message.Text{}},
		"no articles":   {To: message.ToUsers("a"), Content: &message.News{}},
		"nine articles": {To: message.ToUsers("a"), Content: &message.News{Articles: nine}},
		"card type":     {To: message.ToUsers("a"), Content: &message.TemplateCard{CardType: "vote_interaction"}},
		"seven lines": {To: message.ToUsers("a"), Content: &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "x"},
			CardAction: message.CardAction{Type: 1, URL: "u"}, HorizontalContentList: make([]message.HorizontalContent, 7)}},
		"long url": {To: message.ToUsers("a"), Content: &message.TextCard{Title: "t", Description: "d", URL: strings.Repeat("u", 2049)}},
		"bad dup":  {To: message.ToUsers("a"), Content: &message.Text{Content: "x"}, DuplicateCheck: 5 * time.Hour},
		"bar":      {To: message.ToUsers("a|b"), Content: &message.Text{Content: "x"}},
	} {
		for _, strict := range []bool{false, true} {
			var opts []message.Option
			if strict {
				opts = append(opts, message.Strict())
			}
			_, err := message.New(c, agentID, opts...).Send(ctx, msg)
			require.ErrorIs(t, err, message.ErrInvalidMessage, name)
		}
	}
}

func TestTruncationAtCharacterBoundaries(t *testing.T) {
	srv, c := newServer(t, nil, 1)
	ctx := context.Background()
	long := strings.Repeat("汉", 1000) // 3000 bytes; 2048 falls inside a character
	title := "a" + strings.Repeat("标", 50)
	res, err := message.New(c, agentID).Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: &message.Text{Content: long}})
	require.NoError(t, err)
	require.Equal(t, []string{"text.content"}, res.Truncated)
	got := srv.Messages(corpID)[0].Fields["text.content"]
	require.True(t, utf8.ValidString(got))
	require.Equal(t, strings.Repeat("汉", 682), got) // 2046 bytes
	require.Len(t, long, 3000, "the caller's message is not modified")

	card := &message.TextCard{Title: title, Description: long, URL: "https://example.com", ButtonText: "查看详情页面"}
	res, err = message.New(c, agentID).Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: card})
	require.NoError(t, err)
	require.Equal(t, []string{"textcard.title", "textcard.description", "textcard.btntxt"}, res.Truncated)
	f := srv.Messages(corpID)[1].Fields
	require.Equal(t, "a"+strings.Repeat("标", 42), f["textcard.title"]) // 127 bytes
	require.Equal(t, strings.Repeat("汉", 170), f["textcard.description"])
	require.Equal(t, "查看详情", f["textcard.btntxt"])

	// WeCom's own cut splits the character: what a client without the
	// cut would get.
	raw := map[string]any{"touser": "user000001", "msgtype": "text", "agentid": agentID, "text": map[string]string{"content": long}}
	require.NoError(t, c.Post(ctx, "/cgi-bin/message/send", nil, raw, nil))
	require.False(t, utf8.ValidString(srv.Messages(corpID)[2].Fields["text.content"]))

	// Strict refuses, naming the field and the limit.
	_, err = message.New(c, agentID, message.Strict()).Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: card})
	var le *message.LimitError
	require.ErrorAs(t, err, &le)
	require.ErrorIs(t, err, message.ErrTooLong)
	require.Equal(t, "textcard.title", le.Field)
	require.Equal(t, 128, le.Limit)
	require.Len(t, srv.Messages(corpID), 3, "nothing sent")
}

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"}, {"abc", 2, "ab"}, {"汉字", 4, "汉"}, {"汉字", 3, "汉"}, {"汉字", 2, ""},
		{"a😀", 4, "a"}, {"a😀", 5, "a😀"}, {"x", 0, ""}, {"\x80\x80\x80\x80\x80", 3, "\x80\x80\x80"},
	} {
		require.Equal(t, tc.want, message.CutBytes(tc.s, tc.n), "%q %d", tc.s, tc.n)
	}
	require.Equal(t, "汉字", message.CutRunes("汉字ab", 2))
	require.Equal(t, "ab", message.CutRunes("ab", 3))
}

// Without a limiter WeCom drops the 31st message a minute silently.
func TestWeComDropsWithoutLimiter(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, clock.Now, 1)
	m := message.New(c, agentID)
	for i := range 31 {
		_, err := m.Send(context.Background(), &message.Message{To: message.ToUsers("user000001"), Content: &message.Text{Content: fmt.Sprint(i)}})
		require.NoError(t, err, "WeCom reports no error")
	}
	require.Equal(t, 1, srv.DroppedMessages())
}

// checkBudget fails if any member got more than perMinute messages in a
// minute or perHour in an hour (sliding windows).
func checkBudget(t *testing.T, times map[string][]time.Time, perMinute, perHour int) {
	t.Helper()
	for u, ts := range times {
		sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
		for i := range ts {
			if i+perMinute < len(ts) {
				require.GreaterOrEqual(t, ts[i+perMinute].Sub(ts[i]), time.Minute, "%s: %d messages within a minute", u, perMinute+1)
			}
			if i+perHour < len(ts) {
				require.GreaterOrEqual(t, ts[i+perHour].Sub(ts[i]), time.Hour, "%s: %d messages within an hour", u, perHour+1)
			}
		}
	}
}

// 10,000 messages to 100 members, from 4 goroutines, through WeCom's
// per-member limits: none dropped, none over budget, no real waiting.
func TestLimiterTenThousandMessages(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, clock.Now, 100)
	lim := message.NewLimiter(message.WithLimiterClock(clock))
	m := message.New(c, agentID, message.WithLimiter(lim))
	ctx := context.Background()
	const total, workers = 10000, 4
	var wg sync.WaitGroup
	errs := make(chan error, total)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < total; i += workers {
				to := []string{fmt.Sprintf("user%06d", i%100+1)}
				if i%50 == 0 { // now and then one message to ten members
					to = to[:0]
					for k := range 10 {
						to = append(to, fmt.Sprintf("user%06d", (i+k)%100+1))
					}
				}
				_, err := m.Send(ctx, &message.Message{To: message.ToUsers(to...), Content: &message.Text{Content: fmt.Sprint(i)}})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Zero(t, srv.DroppedMessages(), "none dropped")
	times := map[string][]time.Time{}
	deliveries := 0
	for _, s := range srv.Messages(corpID) {
		for _, u := range s.Delivered {
			times[u] = append(times[u], s.Sent)
			deliveries++
		}
	}
	require.Equal(t, total+total/50*9, deliveries)
	require.Len(t, times, 100)
	checkBudget(t, times, message.DefaultPerMinute, message.DefaultPerHour)
	require.Zero(t, lim.Queued())
	t.Logf("virtual time taken: %v", clock.Now().Sub(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)))
}

// The hour limit, without HTTP: 2,500 deliveries to two members.
func TestLimiterHourly(t *testing.T) {
	clock := newFakeClock()
	lim := message.NewLimiter(message.WithLimiterClock(clock))
	times := map[string][]time.Time{}
	for i := range 2500 {
		u := []string{"a", "b"}[i%2]
		require.NoError(t, lim.Do(context.Background(), []string{u}, func(_ context.Context, users []string) error {
			for _, u := range users {
				times[u] = append(times[u], clock.Now())
			}
			return nil
		}))
	}
	checkBudget(t, times, 30, 1000)
	require.Greater(t, clock.Now().Sub(time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)), time.Hour)
}

func TestLimiterSplitsBatches(t *testing.T) {
	clock := newFakeClock()
	lim := message.NewLimiter(message.WithLimiterClock(clock), message.WithRate(2, 100))
	var calls [][]string
	send := func(_ context.Context, users []string) error {
		calls = append(calls, append([]string(nil), users...))
		return nil
	}
	ctx := context.Background()
	require.NoError(t, lim.Do(ctx, []string{"a"}, send))
	require.NoError(t, lim.Do(ctx, []string{"a"}, send))
	start := clock.Now()
	require.NoError(t, lim.Do(ctx, []string{"a", "b", "c", "B"}, send)) // a is out of budget; B is b
	require.Equal(t, [][]string{{"a"}, {"a"}, {"b", "c"}, {"a"}}, calls)
	require.Equal(t, time.Minute, clock.Now().Sub(start))
}

func TestLimiterQueueFull(t *testing.T) {
	clock := newFakeClock()
	lim := message.NewLimiter(message.WithLimiterClock(clock), message.WithQueueSize(3))
	err := lim.Do(context.Background(), []string{"a", "b", "c", "d"}, func(context.Context, []string) error {
		t.Fatal("nothing may be sent")
		return nil
	})
	require.ErrorIs(t, err, message.ErrQueueFull)

	// While one send waits, the queue holds its members.
	lim = message.NewLimiter(message.WithLimiterClock(clock), message.WithQueueSize(3), message.WithRate(1, 100))
	ctx := context.Background()
	entered := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_ = lim.Do(ctx, []string{"a", "b", "c"}, func(context.Context, []string) error {
			close(entered)
			<-release
			return nil
		})
	}()
	<-entered
	require.ErrorIs(t, lim.Do(ctx, []string{"z"}, func(context.Context, []string) error { return nil }), message.ErrQueueFull)
	close(release)
}

// Two processes' limiters on one store share one budget.
func TestLimiterSharedStore(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, clock.Now, 3)
	st := store.NewMemory()
	a := message.New(c, agentID, message.WithLimiter(message.NewLimiter(message.WithLimiterClock(clock), message.WithSharedStore(st, "msglimit:"+corpID))))
	b := message.New(c, agentID, message.WithLimiter(message.NewLimiter(message.WithLimiterClock(clock), message.WithSharedStore(st, "msglimit:"+corpID))))
	ctx := context.Background()
	for i := range 200 {
		m := a
		if i%2 == 1 {
			m = b
		}
		_, err := m.Send(ctx, &message.Message{To: message.ToUsers("user000001", "user000002"), Content: &message.Text{Content: fmt.Sprint(i)}})
		require.NoError(t, err)
	}
	require.Zero(t, srv.DroppedMessages())
	require.Len(t, srv.Messages(corpID), 200)
}
