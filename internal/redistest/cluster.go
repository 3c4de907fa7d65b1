package redistest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// slots is the number of hash slots of a Redis Cluster.
const slots = 16384

// clusterTimeout bounds how long StartCluster waits for the nodes to agree.
const clusterTimeout = 20 * time.Second

// Cluster is a Redis Cluster owned by one test: masters that share the
// 16384 hash slots between them, and replicas of them. Its methods are safe
// for concurrent use.
type Cluster struct {
	// Masters hold the slots, in equal ranges and in order: Masters[0]
	// the lowest.
	Masters []*Server
	// Replicas are the replicas, replicasPerMaster of them per master in
	// the order of Masters.
	Replicas []*Server

	t       testing.TB
	ids     map[*Server]string // node id of each node
	mu      sync.Mutex
	clients []*redis.ClusterClient
}

// StartCluster runs a Redis Cluster of masters masters, each with
// replicasPerMaster replicas, on free loopback ports (each node has its
// own temporary directory and no persistence), waits until every node
// sees every other node and all slots served, and stops it when tb ends.
// It skips or fails tb as [SkipIfUnavailable] does when redis-server is
// missing.
//
// The cluster is built with CLUSTER ADDSLOTS, SET-CONFIG-EPOCH, MEET and
// REPLICATE, as redis-cli --cluster create does, so only redis-server is
// needed.
func StartCluster(tb testing.TB, masters, replicasPerMaster int) *Cluster {
	tb.Helper()
	bin := SkipIfUnavailable(tb)
	if bin == "" {
		return nil
	}
	if masters < 1 || replicasPerMaster < 0 {
		tb.Fatalf("redistest: StartCluster(%d, %d): need at least one master", masters, replicasPerMaster)
	}
	c := &Cluster{t: tb, ids: map[*Server]string{}}
	node := func() *Server {
		return startServer(tb, bin, func(s *Server) error {
			bus, err := freePort()
			if err != nil {
				return err
			}
			s.args = []string{
				"--cluster-enabled", "yes",
				"--cluster-config-file", "nodes.conf",
				"--cluster-port", strconv.Itoa(bus),
				"--cluster-node-timeout", "2000",
				// A replica shows in CLUSTER SLOTS once its replication
				// offset moves: ping replicas every second, not every 10.
				"--repl-ping-replica-period", "1",
			}
			return nil
		})
	}
	for i := 0; i < masters; i++ {
		c.Masters = append(c.Masters, node())
	}
	for i := 0; i < masters*replicasPerMaster; i++ {
		c.Replicas = append(c.Replicas, node())
	}
	// Registered after the nodes': the clients are closed before the nodes
	// stop.
	tb.Cleanup(c.cleanup)
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	if err := c.create(ctx, replicasPerMaster); err != nil {
		tb.Fatalf("redistest: cannot create the cluster: %v", err)
	}
	return c
}

// nodes returns every node, masters first.
func (c *Cluster) nodes() []*Server {
	return append(append([]*Server(nil), c.Masters...), c.Replicas...)
}

// do runs one command on one node.
func do(ctx context.Context, addr string, args ...any) *redis.Cmd {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer rdb.Close()
	return rdb.Do(ctx, args...)
}

func (c *Cluster) create(ctx context.Context, replicasPerMaster int) error {
	nodes := c.nodes()
	for _, n := range nodes {
		id, err := do(ctx, n.Addr, "CLUSTER", "MYID").Text()
		if err != nil {
			return fmt.Errorf("%s: CLUSTER MYID: %w", n.Addr, err)
		}
		c.ids[n] = id
	}
	for i, m := range c.Masters {
		lo, hi := i*slots/len(c.Masters), (i+1)*slots/len(c.Masters)
		args := []any{"CLUSTER", "ADDSLOTS"}
		for s := lo; s < hi; s++ {
			args = append(args, s)
		}
		if err := do(ctx, m.Addr, args...).Err(); err != nil {
			return fmt.Errorf("%s: CLUSTER ADDSLOTS: %w", m.Addr, err)
		}
		// Distinct epochs, so that the nodes need not resolve a conflict.
		if err := do(ctx, m.Addr, "CLUSTER", "SET-CONFIG-EPOCH", i+1).Err(); err != nil {
			return fmt.Errorf("%s: CLUSTER SET-CONFIG-EPOCH: %w", m.Addr, err)
		}
	}
	first := c.Masters[0]
	bus, err := c.busPort(ctx, first)
	if err != nil {
		return err
	}
	for _, n := range nodes[1:] {
		if err := do(ctx, n.Addr, "CLUSTER", "MEET", "127.0.0.1", first.port, bus).Err(); err != nil {
			return fmt.Errorf("%s: CLUSTER MEET: %w", n.Addr, err)
		}
	}
	if err := c.waitInfo(ctx, nodes, func(info string) bool {
		return infoField(info, "cluster_known_nodes") == strconv.Itoa(len(nodes))
	}); err != nil {
		return err
	}
	for i, r := range c.Replicas {
		m := c.Masters[i/replicasPerMaster]
		if err := do(ctx, r.Addr, "CLUSTER", "REPLICATE", c.ids[m]).Err(); err != nil {
			return fmt.Errorf("%s: CLUSTER REPLICATE: %w", r.Addr, err)
		}
	}
	return c.wait(ctx)
}

// busPort returns the cluster bus port n listens on.
func (c *Cluster) busPort(ctx context.Context, n *Server) (int, error) {
	rdb := redis.NewClient(&redis.Options{Addr: n.Addr})
	defer rdb.Close()
	v, err := rdb.ConfigGet(ctx, "cluster-port").Result()
	if err != nil {
		return 0, fmt.Errorf("%s: CONFIG GET cluster-port: %w", n.Addr, err)
	}
	return strconv.Atoi(v["cluster-port"])
}

// wait waits until every node reports the cluster as ok with all slots
// served, every node knows every replica as a replica, and every replica
// is in sync with its master.
func (c *Cluster) wait(ctx context.Context) error {
	nodes := c.nodes()
	if err := c.waitInfo(ctx, nodes, func(info string) bool {
		return infoField(info, "cluster_state") == "ok" &&
			infoField(info, "cluster_slots_ok") == strconv.Itoa(slots) &&
			infoField(info, "cluster_known_nodes") == strconv.Itoa(len(nodes))
	}); err != nil {
		return err
	}
	return poll(ctx, func() error {
		for _, n := range nodes {
			view, err := do(ctx, n.Addr, "CLUSTER", "NODES").Text()
			if err != nil {
				return fmt.Errorf("%s: CLUSTER NODES: %w", n.Addr, err)
			}
			if got := countReplicas(view); got != len(c.Replicas) {
				return fmt.Errorf("%s sees %d replicas, not %d", n.Addr, got, len(c.Replicas))
			}
		}
		for _, n := range nodes {
			// Clients learn the replicas from CLUSTER SLOTS, which lists
			// a replica only once it has replicated something.
			ranges, err := clusterSlots(ctx, n.Addr)
			if err != nil {
				return err
			}
			listed := 0
			for _, r := range ranges {
				listed += len(r.Nodes)
			}
			if listed != len(nodes) {
				return fmt.Errorf("%s: CLUSTER SLOTS lists %d nodes, not %d", n.Addr, listed, len(nodes))
			}
		}
		for _, r := range c.Replicas {
			info, err := do(ctx, r.Addr, "INFO", "replication").Text()
			if err != nil {
				return fmt.Errorf("%s: INFO: %w", r.Addr, err)
			}
			if infoField(info, "master_link_status") != "up" {
				return fmt.Errorf("replica %s not in sync", r.Addr)
			}
		}
		return nil
	})
}

// clusterSlots returns the slot ranges a node knows, each with its master
// first and then the replicas a client would use: its CLUSTER SLOTS
// answer, which is what go-redis's cluster client routes by.
func clusterSlots(ctx context.Context, addr string) ([]redis.ClusterSlot, error) {
	raw, err := do(ctx, addr, "CLUSTER", "SLOTS").Slice()
	if err != nil {
		return nil, fmt.Errorf("%s: CLUSTER SLOTS: %w", addr, err)
	}
	var ranges []redis.ClusterSlot
	for _, r := range raw {
		f, ok := r.([]any)
		if !ok || len(f) < 2 {
			return nil, fmt.Errorf("%s: CLUSTER SLOTS: unexpected entry %v", addr, r)
		}
		start, _ := f[0].(int64)
		end, _ := f[1].(int64)
		cs := redis.ClusterSlot{Start: int(start), End: int(end)}
		for _, n := range f[2:] {
			nf, ok := n.([]any)
			if !ok || len(nf) < 3 {
				return nil, fmt.Errorf("%s: CLUSTER SLOTS: unexpected node %v", addr, n)
			}
			id, _ := nf[2].(string)
			cs.Nodes = append(cs.Nodes, redis.ClusterNode{ID: id, Addr: fmt.Sprintf("%v:%v", nf[0], nf[1])})
		}
		ranges = append(ranges, cs)
	}
	return ranges, nil
}

// countReplicas counts the replicas in a CLUSTER NODES answer: lines
// whose flags (the third field) include "slave".
func countReplicas(nodes string) int {
	n := 0
	for _, line := range strings.Split(nodes, "\n") {
		if f := strings.Fields(line); len(f) > 2 && strings.Contains(","+f[2]+",", ",slave,") {
			n++
		}
	}
	return n
}

// waitInfo waits until ok holds for the CLUSTER INFO of every node.
func (c *Cluster) waitInfo(ctx context.Context, nodes []*Server, ok func(info string) bool) error {
	return poll(ctx, func() error {
		for _, n := range nodes {
			info, err := do(ctx, n.Addr, "CLUSTER", "INFO").Text()
			if err != nil {
				return fmt.Errorf("%s: CLUSTER INFO: %w", n.Addr, err)
			}
			if !ok(info) {
				return fmt.Errorf("%s not ready:\n%s", n.Addr, info)
			}
		}
		return nil
	})
}

// poll calls check every 20 ms until it succeeds or ctx ends, and then
// returns its last error.
func poll(ctx context.Context, check func() error) error {
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// infoField returns the value of name in an INFO-style answer.
func infoField(info, name string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}

// Addrs returns the masters' addresses, the starting addresses of a cluster client.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Masters))
	for i, m := range c.Masters {
		addrs[i] = m.Addr
	}
	return addrs
}

// NodeID returns the cluster node id of one of c's nodes.
func (c *Cluster) NodeID(n *Server) string { return c.ids[n] }

// Client returns a new cluster client starting from c's masters, with
// context deadlines enabled. opts, when not nil, adjusts its options
// first. It is closed when the test ends.
func (c *Cluster) Client(opts func(*redis.ClusterOptions)) *redis.ClusterClient {
	o := &redis.ClusterOptions{Addrs: c.Addrs(), ContextTimeoutEnabled: true}
	if opts != nil {
		opts(o)
	}
	cc := redis.NewClusterClient(o)
	c.mu.Lock()
	c.clients = append(c.clients, cc)
	c.mu.Unlock()
	return cc
}

// SlotOwner returns the master that serves slot, as Masters[0] sees it.
func (c *Cluster) SlotOwner(ctx context.Context, slot int) (*Server, error) {
	ranges, err := clusterSlots(ctx, c.Masters[0].Addr)
	if err != nil {
		return nil, err
	}
	for _, r := range ranges {
		if r.Start <= slot && slot <= r.End && len(r.Nodes) > 0 {
			for _, m := range c.Masters {
				if c.ids[m] == r.Nodes[0].ID {
					return m, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("slot %d has no known owner", slot)
}

// MoveSlot moves slot, with its keys, from the master serving it to the
// master to, the way resharding does: the target imports and the source
// migrates the slot, during is called while the slot is half-moved (its
// keys answer on the source; missing keys get ASK redirects to the
// target), the keys are MIGRATEd, every master is told the new owner
// (CLUSTER SETSLOT … NODE), and MoveSlot waits until they all agree.
// Clients that cached the old owner get MOVED redirects.
func (c *Cluster) MoveSlot(ctx context.Context, slot int, to *Server, during func() error) error {
	from, err := c.SlotOwner(ctx, slot)
	if err != nil {
		return err
	}
	if from == to {
		return fmt.Errorf("slot %d is already on %s", slot, to.Addr)
	}
	if err := do(ctx, to.Addr, "CLUSTER", "SETSLOT", slot, "IMPORTING", c.ids[from]).Err(); err != nil {
		return fmt.Errorf("%s: SETSLOT IMPORTING: %w", to.Addr, err)
	}
	if err := do(ctx, from.Addr, "CLUSTER", "SETSLOT", slot, "MIGRATING", c.ids[to]).Err(); err != nil {
		return fmt.Errorf("%s: SETSLOT MIGRATING: %w", from.Addr, err)
	}
	if during != nil {
		if err := during(); err != nil {
			return err
		}
	}
	for {
		keys, err := do(ctx, from.Addr, "CLUSTER", "GETKEYSINSLOT", slot, 100).StringSlice()
		if err != nil {
			return fmt.Errorf("%s: GETKEYSINSLOT: %w", from.Addr, err)
		}
		if len(keys) == 0 {
			break
		}
		args := []any{"MIGRATE", "127.0.0.1", to.port, "", 0, 5000, "KEYS"}
		for _, k := range keys {
			args = append(args, k)
		}
		if err := do(ctx, from.Addr, args...).Err(); err != nil {
			return fmt.Errorf("%s: MIGRATE: %w", from.Addr, err)
		}
	}
	// The target first, then the source, then the others, as redis-cli does.
	order := []*Server{to, from}
	for _, m := range c.Masters {
		if m != to && m != from {
			order = append(order, m)
		}
	}
	for _, m := range order {
		if err := do(ctx, m.Addr, "CLUSTER", "SETSLOT", slot, "NODE", c.ids[to]).Err(); err != nil {
			return fmt.Errorf("%s: SETSLOT NODE: %w", m.Addr, err)
		}
	}
	return poll(ctx, func() error {
		for _, m := range c.Masters {
			ranges, err := clusterSlots(ctx, m.Addr)
			if err != nil {
				return err
			}
			for _, r := range ranges {
				if r.Start <= slot && slot <= r.End && (len(r.Nodes) == 0 || r.Nodes[0].ID != c.ids[to]) {
					return fmt.Errorf("%s still routes slot %d elsewhere", m.Addr, slot)
				}
			}
		}
		return nil
	})
}

func (c *Cluster) cleanup() {
	c.mu.Lock()
	clients := c.clients
	c.clients = nil
	c.mu.Unlock()
	for _, cc := range clients {
		_ = cc.Close()
	}
	// The nodes stop themselves: each Server has its own cleanup.
}
