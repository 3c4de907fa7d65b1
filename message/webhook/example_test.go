package webhook_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/message/webhook"
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
