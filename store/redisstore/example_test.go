package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// Several instances of a service share one access token per app through
// Redis: whichever instance finds it missing fetches it, under a lock, and
// the others read it.
//
// The example needs a reachable Redis and real WeCom credentials, so go test
// compiles it but does not run it; TestExampleFromURL runs the same steps
// against a redis-server the test starts and a fake WeCom.
func ExampleFromURL() {
	s, err := redisstore.FromURL(os.Getenv("REDIS_URL")) // e.g. rediss://wecomkit:password@redis.internal:6379/0
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := s.Ping(context.Background()); err != nil {
		log.Fatal(err) // not ready
	}

	client, err := wecom.New("ww-corp", os.Getenv("WECOM_SECRET"),
		wecom.WithAgentID(1000002),
		wecom.WithStore(s),
	)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := client.AccessToken(context.Background())
	fmt.Println(tok != "", err)
}

// Sentinel and Cluster work through go-redis's UniversalClient. The caller
// owns the client and closes it.
func ExampleNew() {
	rdb := redis.NewUniversalClient(&redis.UniversalOptions{
		MasterName:            "wecomkit", // Sentinel; list several Addrs without MasterName for Cluster
		Addrs:                 []string{"sentinel-1:26379", "sentinel-2:26379", "sentinel-3:26379"},
		ContextTimeoutEnabled: true,
	})
	defer rdb.Close()
	s := redisstore.New(rdb, redisstore.WithPrefix("wecomkit:prod:"))
	fmt.Println(s.Prefix())
}
