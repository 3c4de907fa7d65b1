package redistest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// MasterName is the name under which [StartSentinel]'s Sentinels monitor
// the master.
const MasterName = "wecomkit"

// Failover timing of [StartSentinel]'s Sentinels: a master that does not
// answer for DownAfter is down, and a failover that has not completed
// after FailoverTimeout is tried again. Short, so that a test's failover
// takes seconds, not minutes.
const (
	DownAfter       = 500 * time.Millisecond
	FailoverTimeout = 5 * time.Second
)

// PromotionWithin bounds how long a test should wait for the replica's
// promotion after the master died: the failover timeout, plus the 30 s of
// Sentinel's TILT mode — which a Sentinel enters when a loaded machine
// delays its timer by more than 2 s, and during which it does not fail
// over — plus slack. A healthy run promotes within about 3 s.
const PromotionWithin = FailoverTimeout + 30*time.Second + 10*time.Second

// sentinelTimeout bounds how long StartSentinel waits for the Sentinels
// to find the replica and each other (they announce themselves every 2 s).
const sentinelTimeout = 20 * time.Second

// Sentinel is a master, a replica of it and three Sentinels monitoring
// them (quorum 2), owned by one test. Its methods are safe for concurrent
// use.
type Sentinel struct {
	// Master is the initial master and Replica its replica; after a
	// failover the Replica is the master.
	Master, Replica *Server
	// Sentinels are the three Sentinel processes.
	Sentinels []*Server

	t       testing.TB
	mu      sync.Mutex
	clients []*redis.Client
}

// StartSentinel runs a master, a replica and three Sentinels on free
// loopback ports (each in its own temporary directory, no persistence),
// waits until the replica is in sync and every Sentinel knows the
// replica and the other two Sentinels, and stops them all when tb ends.
// It skips or fails tb as [SkipIfUnavailable] does when redis-server is
// missing.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	bin := SkipIfUnavailable(tb)
	if bin == "" {
		return nil
	}
	d := &Sentinel{t: tb}
	d.Master = startServer(tb, bin, nil)
	d.Replica = startServer(tb, bin, func(s *Server) error {
		s.args = []string{"--replicaof", "127.0.0.1", strconv.Itoa(d.Master.port)}
		return nil
	})
	for i := 0; i < 3; i++ {
		d.Sentinels = append(d.Sentinels, startServer(tb, bin, func(s *Server) error {
			s.conf = fmt.Sprintf("sentinel monitor %[1]s 127.0.0.1 %[2]d 2\n"+
				"sentinel down-after-milliseconds %[1]s %[3]d\n"+
				"sentinel failover-timeout %[1]s %[4]d\n"+
				"sentinel parallel-syncs %[1]s 1\n",
				MasterName, d.Master.port, DownAfter.Milliseconds(), FailoverTimeout.Milliseconds())
			s.args = []string{"--sentinel"}
			return nil
		}))
	}
	tb.Cleanup(d.cleanup) // after the servers': clients close first
	ctx, cancel := context.WithTimeout(context.Background(), sentinelTimeout)
	defer cancel()
	if err := d.wait(ctx); err != nil {
		tb.Fatalf("redistest: sentinels not ready: %v", err)
	}
	return d
}

// wait waits until the replica is in sync and every Sentinel sees the
// master, its replica and the two other Sentinels.
func (d *Sentinel) wait(ctx context.Context) error {
	return poll(ctx, func() error {
		info, err := do(ctx, d.Replica.Addr, "INFO", "replication").Text()
		if err != nil {
			return fmt.Errorf("replica %s: INFO: %w", d.Replica.Addr, err)
		}
		if infoField(info, "master_link_status") != "up" {
			return fmt.Errorf("replica %s not in sync", d.Replica.Addr)
		}
		for _, s := range d.Sentinels {
			rdb := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
			m, err := rdb.Master(ctx, MasterName).Result()
			rdb.Close()
			if err != nil {
				return fmt.Errorf("sentinel %s: SENTINEL MASTER: %w", s.Addr, err)
			}
			if m["flags"] != "master" || m["num-slaves"] != "1" || m["num-other-sentinels"] != "2" {
				return fmt.Errorf("sentinel %s not ready: flags %s, %s replicas, %s other sentinels",
					s.Addr, m["flags"], m["num-slaves"], m["num-other-sentinels"])
			}
		}
		return nil
	})
}

// SentinelAddrs returns the Sentinels' addresses.
func (d *Sentinel) SentinelAddrs() []string {
	addrs := make([]string, len(d.Sentinels))
	for i, s := range d.Sentinels {
		addrs[i] = s.Addr
	}
	return addrs
}

// MasterAddr asks the first Sentinel that answers for the current
// master's address.
func (d *Sentinel) MasterAddr(ctx context.Context) (string, error) {
	var err error
	for _, s := range d.Sentinels {
		if !s.Running() {
			continue
		}
		rdb := redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
		var hp []string
		hp, err = rdb.GetMasterAddrByName(ctx, MasterName).Result()
		rdb.Close()
		if err == nil && len(hp) == 2 {
			return net.JoinHostPort(hp[0], hp[1]), nil
		}
	}
	return "", fmt.Errorf("no sentinel answered: %w", err)
}

// Client returns a new Sentinel-backed failover client for the master,
// with context deadlines enabled. opts, when not nil, adjusts its options
// first. It is closed when the test ends.
func (d *Sentinel) Client(opts func(*redis.FailoverOptions)) *redis.Client {
	o := &redis.FailoverOptions{
		MasterName:            MasterName,
		SentinelAddrs:         d.SentinelAddrs(),
		ContextTimeoutEnabled: true,
	}
	if opts != nil {
		opts(o)
	}
	c := redis.NewFailoverClient(o)
	d.mu.Lock()
	d.clients = append(d.clients, c)
	d.mu.Unlock()
	return c
}

func (d *Sentinel) cleanup() {
	d.mu.Lock()
	clients := d.clients
	d.clients = nil
	d.mu.Unlock()
	for _, c := range clients {
		_ = c.Close()
	}
	// The servers stop themselves: each has its own cleanup.
}
