package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wecomkit/wecomkit/message/webhook"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Post to a group through its robot. Real code passes the webhook address
// WeCom shows when the robot is added (https://qyapi.weixin.qq.com/…).
func ExampleFromURL() {
	srv := wecomtest.NewServer()
	defer srv.Close()
	srv.AddRobot("robot-key")

	bot, err := webhook.FromURL(srv.URL + "/cgi-bin/webhook/send?key=robot-key")
	if err != nil {
		fmt.Println(err)
		return
	}
	err = bot.SendText(context.Background(), webhook.Text{Content: "发布完成", MentionedList: []string{"@all"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bot)
	for _, m := range srv.RobotMessages("robot-key") {
		fmt.Println(m.MsgType, m.Content, m.MentionedList)
	}
	// Output:
	// webhook.Robot{key: [redacted]}
	// text 发布完成 [@all]
}

// A robot from its key alone, sending markdown. Real code leaves out
// WithBaseURL; a message outside WeCom's limits is refused before it is
// sent.
func ExampleNew() {
	srv := wecomtest.NewServer()
	defer srv.Close()
	srv.AddRobot("robot-key")

	bot, err := webhook.New("robot-key", wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	err = bot.SendMarkdown(ctx, "**构建失败**：<font color=\"warning\">3 个测试</font>")
	fmt.Println(err)
	err = bot.SendMarkdown(ctx, strings.Repeat("长", 2000)) // 6,000 bytes
	fmt.Println(errors.Is(err, webhook.ErrLimit), len(srv.RobotMessages("robot-key")))
	// Output:
	// <nil>
	// true 1
}
