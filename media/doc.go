// Package media uploads files to WeCom and downloads them again: the
// temporary media (素材) that image, voice, video and file messages carry,
// permanent image URLs for news bodies and welcome messages, and the
// attachments of customer moments and product albums.
//
//	m := media.New(client)
//	f, _ := os.Open("report.pdf")
//	up, err := m.Upload(ctx, media.File, "report.pdf", f, 0) // an *os.File measures itself
//	// up.MediaID is valid for three days, in every app of the corporation
//
// Uploads stream from an [io.Reader]: a 20 MB file costs kilobytes of
// memory, never its size. WeCom's limits — size per type, formats, the
// 5-byte minimum — are checked before anything is sent, with an error
// that names the limit ([*LimitError]). Downloads stream to an [io.Writer]
// or are handed over as a [wecom.File], and may resume with a byte range.
//
// The endpoints (https://developer.work.weixin.qq.com/document/path/90253,
// 90254, 90255, 90256, 95098) take a corporation's access_token: a
// self-built app's client, or a third-party app's per-corporation client.
package media
