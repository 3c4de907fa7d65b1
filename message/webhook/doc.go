// Package webhook sends messages to a WeCom group chat through a group
// robot (群机器人): text with @-mentions, markdown, images, news, files and
// voices, and uploads the files and voices those messages carry
// (https://developer.work.weixin.qq.com/document/path/91770).
//
//	bot, err := webhook.FromURL(os.Getenv("WECOM_ROBOT_URL")) // or webhook.New(key)
//	err = bot.SendText(ctx, webhook.Text{Content: "构建失败", MentionedList: []string{"@all"}})
//
// A robot is reached by its webhook key alone — no corporation, secret or
// access_token. Whoever holds the key can post to the group, so the key is
// a secret: a [Robot] keeps it out of its errors, its logs and every way
// of printing it.
//
// A Robot sends with [Robot.SendText], [Robot.SendMarkdown],
// [Robot.SendImage], [Robot.SendNews], [Robot.SendFile], [Robot.SendVoice]
// and [Robot.SendTemplateCard], and uploads with [Robot.UploadMedia].
//
// WeCom's limits — 2,048 bytes of text, 4,096 of markdown, an image of at
// most 2 MB, 1 to 8 news articles, uploads of at most 20 MB (files) or
// 2 MB (AMR voices) — are checked before anything is sent ([ErrLimit]).
// WeCom also allows each robot 20 messages a minute; this package does not
// pace them.
package webhook
