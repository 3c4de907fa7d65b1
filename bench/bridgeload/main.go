// Command bridgeload drives a running taxcloud-bridge binary through
// /userinfo against an in-process wecomtest server and reports what WeCom
// saw: how many tokens were fetched (the bridge must fetch exactly one for
// any number of requests) and how many connections the bridge opened to
// WeCom (it must reuse them).
//
//	go build -o /tmp/taxcloud-bridge ./examples/taxcloud-bridge
//	go run ./bench/bridgeload -bridge /tmp/taxcloud-bridge -n 10000 -c 64
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID     = "ww-load-corp"
	agentID    = 1000002
	secret     = "load-app-secret"
	signSecret = "load-sign-secret"
)

func main() {
	bin := flag.String("bridge", "", "path of the taxcloud-bridge binary (required)")
	n := flag.Int("n", 10000, "number of /userinfo requests")
	c := flag.Int("c", 64, "concurrent clients")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "bridgeload: -bridge is required")
		os.Exit(2)
	}
	if err := run(*bin, *n, *c); err != nil {
		fmt.Fprintln(os.Stderr, "bridgeload:", err)
		os.Exit(1)
	}
}

func run(bin string, n, conc int) error {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	srv.AddMember(corpID, wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com"})

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(),
		"WECOM_CORP_ID="+corpID, "WECOM_AGENT_ID="+strconv.Itoa(agentID), "WECOM_SECRET="+secret,
		"TAXCLOUD_SIGN_SECRET="+signSecret, "WECOM_BASE_URL="+srv.URL, "LISTEN_ADDR="+addr)
	logFile, err := os.CreateTemp("", "bridgeload-*.log")
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	base := "http://" + addr
	if err := waitHealthy(base); err != nil {
		return err
	}
	// The bridge fetched a token at start-up (its preflight); count from here.
	time.Sleep(200 * time.Millisecond)
	startTokens := srv.Calls("/cgi-bin/gettoken")
	startConns := srv.Connections()

	codes := make([]string, n)
	for i := range codes {
		codes[i] = srv.NewCode(corpID, agentID, "zhangsan", wecomtest.ScopePrivateInfo)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc}, Timeout: 10 * time.Second}
	var next atomic.Int64
	lat := make([][]time.Duration, conc)
	results := make([]map[string]int, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			results[w] = map[string]int{}
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				q := signer.SignQuery(url.Values{"appid": {corpID}, "code": {codes[i]}}, signSecret, time.Now())
				t0 := time.Now()
				code := get(client, base+"/userinfo?"+q.Encode())
				lat[w] = append(lat[w], time.Since(t0))
				results[w][code]++
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)

	all := map[string]int{}
	var lats []time.Duration
	for w := range results {
		for k, v := range results[w] {
			all[k] += v
		}
		lats = append(lats, lat[w]...)
	}
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) time.Duration { return lats[int(float64(len(lats)-1)*p)] }
	tokens := srv.Calls("/cgi-bin/gettoken") - startTokens + 1 // include the one fetched at start
	fmt.Printf("requests            %d in %v (%.0f req/s, %d clients)\n", n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), conc)
	fmt.Printf("results             %v\n", all)
	fmt.Printf("latency             p50 %v  p99 %v  max %v\n", pct(0.50), pct(0.99), lats[len(lats)-1])
	fmt.Printf("upstream gettoken   %d\n", tokens)
	fmt.Printf("upstream calls      getuserinfo %d, getuserdetail %d, user/get %d\n",
		srv.Calls("/cgi-bin/auth/getuserinfo"), srv.Calls("/cgi-bin/auth/getuserdetail"), srv.Calls("/cgi-bin/user/get"))
	fmt.Printf("upstream conns      %d opened by the bridge for %d upstream calls\n",
		srv.Connections()-startConns, srv.Calls("/cgi-bin/auth/getuserinfo")+srv.Calls("/cgi-bin/auth/getuserdetail")+srv.Calls("/cgi-bin/user/get"))
	if all["0000"] != n {
		return fmt.Errorf("%d of %d requests failed", n-all["0000"], n)
	}
	if tokens != 1 {
		return fmt.Errorf("gettoken called %d times, want 1", tokens)
	}
	return nil
}

func get(c *http.Client, u string) string {
	resp, err := c.Get(u)
	if err != nil {
		return "transport error"
	}
	defer resp.Body.Close()
	var e struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		return "bad body"
	}
	return e.Code
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitHealthy(base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("bridge at %s did not become healthy", base)
}
