package message_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func ExampleClient_Send() {
	// A fake WeCom; real code leaves out WithBaseURL.
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddMember("wwcorp", wecomtest.Member{UserID: "zhangsan", Name: "张三", Department: []int64{1}})
	client, _ := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))

	sender := message.New(client, 1000002)
	res, err := sender.Send(context.Background(), &message.Message{
		To:      message.ToUsers("zhangsan", "lisi"),
		Content: &message.Text{Content: strings.Repeat("合同已签署。", 200)}, // 3600 bytes
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("not delivered to:", res.InvalidUsers)
	fmt.Println("cut to WeCom's limit:", res.Truncated)
	// Output:
	// not delivered to: [lisi]
	// cut to WeCom's limit: [text.content]
}

func ExampleClient_Send_image() {
	// A fake WeCom; real code leaves out WithBaseURL.
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddMember("wwcorp", wecomtest.Member{UserID: "zhangsan", Name: "张三", Department: []int64{1}})
	client, _ := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	ctx := context.Background()

	// Upload the picture as a temporary medium (kept three days), then
	// send its media id.
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	up, err := media.New(client).Upload(ctx, media.Image, "chart.png", bytes.NewReader(png), int64(len(png)))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := message.New(client, 1000002).Send(ctx, &message.Message{
		To:      message.ToUsers("zhangsan"),
		Content: &message.Image{MediaID: up.MediaID},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	sent := srv.Messages("wwcorp")[0]
	fmt.Println("sent:", res.MsgID != "", sent.MsgType, "to", sent.Delivered)
	// Output:
	// sent: true image to [zhangsan]
}

// exampleClock stands in for the real clock: its Sleep moves time on at
// once.
type exampleClock struct{ now time.Time }

func (c *exampleClock) Now() time.Time { return c.now }
func (c *exampleClock) Sleep(_ context.Context, d time.Duration) error {
	c.now = c.now.Add(d)
	return nil
}

func ExampleLimiter() {
	clock := &exampleClock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}
	lim := message.NewLimiter(message.WithLimiterClock(clock)) // WithSharedStore to share it between processes

	// 31 notifications to one member: WeCom would drop the last one;
	// the limiter holds it until the member's minute has passed.
	start := clock.Now()
	for i := 0; i < 31; i++ {
		_ = lim.Do(context.Background(), []string{"zhangsan"}, func(_ context.Context, users []string) error {
			if i >= 29 {
				fmt.Printf("message %d to %v after %v\n", i+1, users, clock.Now().Sub(start))
			}
			return nil // message.WithLimiter makes Send do this with message/send
		})
	}
	// Output:
	// message 30 to [zhangsan] after 0s
	// message 31 to [zhangsan] after 1m0s
}
