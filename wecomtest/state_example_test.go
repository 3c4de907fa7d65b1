package wecomtest_test

import (
	"bytes"
	"fmt"
	"net"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// A fake on an address of one's choosing that keeps its corporations
// across restarts: save the state before closing, load it into the next
// server.
func ExampleServer_SaveState() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // or a fixed address, such as 127.0.0.1:8399
	if err != nil {
		panic(err)
	}
	srv := wecomtest.NewServer(wecomtest.WithListener(ln))
	srv.AddApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "s3cret"})
	srv.AddMember("ww-corp", wecomtest.Member{UserID: "zhangsan", Name: "张三"})
	var state bytes.Buffer // a file, in a real program
	if err := srv.SaveState(&state); err != nil {
		panic(err)
	}
	srv.Close()

	next := wecomtest.NewServer()
	defer next.Close()
	if err := next.LoadState(&state); err != nil {
		panic(err)
	}
	fmt.Println(next.Members("ww-corp")[0].Name)
	// Output: 张三
}
