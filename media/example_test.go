package media_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Upload a file and read it back. Real code leaves out WithBaseURL and
// passes an *os.File, whose size Upload measures.
func ExampleClient_Upload() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	m := media.New(client)
	ctx := context.Background()

	up, err := m.Upload(ctx, media.File, "周报.txt", bytes.NewReader([]byte("本周完成：接口层")), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	var back bytes.Buffer
	d, err := m.Download(ctx, up.MediaID, &back)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Filename, back.String())
	// Output: 周报.txt 本周完成：接口层
}
