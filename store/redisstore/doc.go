// Package redisstore shares wecomkit's credentials between processes on
// Redis: access tokens, jsapi tickets, suite tickets, permanent codes.
//
//	s, err := redisstore.FromURL(os.Getenv("REDIS_URL")) // redis:// or rediss://
//	if err != nil { … }
//	defer s.Close()
//	client, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithStore(s))
//
// Several bridge or suite-server instances behind a load balancer must use
// one access token per app — WeCom limits gettoken, and a corporation gets
// 400 jsapi tickets an hour — and a suite_ticket pushed to one instance must
// be seen by all. A [Store] is a [store.Store], a [store.Locker], a
// [store.Adder] and a [store.Index] on go-redis v9, for a single node,
// Sentinel or Cluster alike (all three are tested against real
// redis-server processes). [FromURL] builds the client from a URL; with a
// client you configure and own, use [New].
//
// # Which store
//
//   - store.Memory: one process, nothing to run; tokens are fetched again
//     after a restart.
//   - store/boltstore: one process that must not forget — a suite server's
//     suite tickets and permanent codes — in a local file.
//   - redisstore: many processes sharing credentials, durable as far as the
//     Redis deployment is (see below).
//
// # Values and keys
//
// Values are opaque strings; wecomkit's token cache stores the value with
// its lifetimes, so that every process refreshes and expires it at the same
// moments. Every key, lock and index name is prefixed ([WithPrefix],
// default "wecomkit:"). A ttl of 0 stores without expiry. Keys never
// contain a secret; values often are one, so errors never quote them.
//
// [Store.Add] is SET key value NX PX ttl. An index is a sorted set, one
// key of its own, written with ZADD (NX for [Store.IndexAdd]) and ZREM and
// read with ZRANGE … BYSCORE (Redis 6.2 or later) and ZCARD; it shares the
// key space with values, so an index and a key must not have the same
// name. Redis keeps scores as float64: the Store refuses a score beyond
// ±2^53 rather than let Redis round it (Unix milliseconds are far below).
//
// # The lock and its ttl
//
// [Store.Lock] is SET name owner NX PX ttl with a random owner token, and
// unlock is a Lua script that deletes the lock only while it still holds
// that token. With a Store, wecom.NewCachedToken works like this in each
// process:
//
//  1. the in-process value, if valid (an atomic load: no Redis round trip,
//     no allocation);
//  2. else the value in Redis, if valid;
//  3. else take the lock "<key>:lock" — one process gets it, the others wait,
//     polling with jittered backoff ([WithLockPoll]) and honouring their
//     context — then read Redis again (the holder has usually stored a
//     fresh value by then) and fetch from WeCom only if it is still missing.
//
// The lock's ttl is wecom.WithFetchTimeout (default 30 s), and the holder's
// fetch runs under a deadline no later than its lock's expiry: if the
// holder hangs, it gives up before another process may take the lock; if it
// dies, Redis expires the lock after at most ttl and the next waiter
// fetches. Mutual exclusion therefore rests on the fetch timeout being
// shorter than the ttl, not on clocks agreeing between machines. A holder
// whose lock ran out before it unlocked gets [ErrLockLost] and leaves the new
// holder's lock alone.
//
// A Redis that is down or unreachable does not stop a process that holds a
// valid token: it keeps serving it from memory, and a refresh that cannot
// reach Redis is retried later. A process with no valid token gets an error
// wrapping go-redis's ("redisstore: get: dial tcp …: connection refused"),
// not a hang: context deadlines bound every call ([FromURL] enables
// go-redis's ContextTimeoutEnabled; set it yourself on a client given to
// [New]), and go-redis's dial and read timeouts bound the rest. With
// go-redis's defaults, a call to a Redis that refuses connections fails
// after about 2 s (five dials 100 ms apart, tried four times); the
// DialerRetries and MaxRetries options shorten that. Once Redis is back,
// calls succeed again, without a restart.
//
// # Running Redis for wecomkit in production
//
//   - Persistence. A permanent code exists nowhere else: losing it loses a
//     customer's installation. Enable AOF (appendonly yes, appendfsync
//     everysec) and keep RDB snapshots, or use a managed Redis with
//     persistence and replication. Tokens alone would survive a lost Redis
//     (they are fetched again), permanent codes would not.
//   - Eviction. Set maxmemory-policy noeviction, so that Redis refuses
//     writes when full rather than dropping keys. allkeys-* policies evict
//     anything, including permanent codes. volatile-* policies evict only
//     keys with a ttl — tokens, tickets and locks — so permanent codes (no
//     ttl) survive, but an evicted lock lets a second process fetch; prefer
//     noeviction and size the memory (wecomkit's keys take a few hundred
//     bytes per app and corporation).
//   - Isolation. A dedicated database number or a key prefix per
//     application and environment (WithPrefix("wecomkit:prod:")), and an
//     ACL user confined to it (the rules are below).
//   - Transport. Use rediss:// (TLS) across any network you do not trust;
//     [WithClientOptions] sets a private CA. Credentials go in the URL's
//     user info and never appear in errors or [Store.String].
//   - Topology. Sentinel or Cluster through [New] (see below).
//
// These ACL rules give the Store all it needs and nothing more (a test
// proves they suffice); add +select when the URL names a database other
// than 0:
//
//	ACL SETUSER wecomkit on >password resetchannels ~wecomkit:* -@all +get +set +del +pttl +eval +evalsha +zadd +zrem +zrange +zcard +ping +hello
//
// # Cluster and Sentinel
//
// [FromURL] makes a single-node client only. For Cluster or Sentinel, build
// the client with redis.NewClusterClient, redis.NewFailoverClient or
// redis.NewUniversalClient, set ContextTimeoutEnabled, pass it to [New] and
// close it yourself:
//
//	rdb := redis.NewClusterClient(&redis.ClusterOptions{
//		Addrs:                 []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"},
//		ContextTimeoutEnabled: true,
//	})
//	// or redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "wecomkit",
//	//	SentinelAddrs: []string{…}, ContextTimeoutEnabled: true})
//	defer rdb.Close()
//	s := redisstore.New(rdb)
//
// Cluster. Every command and both Lua scripts (acquire, for Lock;
// delete-if-equals, for CompareAndDelete and unlock) touch exactly one
// key, the one they are given, so a Store needs no hash tags: a value and
// its lock ("<key>:lock") may live on different masters, and each index
// lives whole on the master of its own key. Tests run the
// whole store and lock contract, and the cross-process stampede (4
// processes × 250 goroutines, one gettoken), on a three-master cluster
// with and without replicas, and move a slot while the store uses it:
// go-redis follows the ASK and MOVED redirects, and no call fails. (The
// ACL rules above are tested on a single node; a cluster client also
// sends CLUSTER SLOTS, which needs +cluster|slots.)
//
// Sentinel. When the master dies, a process that holds a valid token keeps
// serving it from memory; calls that need Redis fail (quickly, with short
// dial timeouts) until Sentinel has promoted a replica and the client has
// followed it, and then succeed again. The tests SIGKILL the master of a
// master, a replica and three Sentinels (down-after-milliseconds 500):
// writes resumed 2.8–3.0 s after the kill in six runs, while four
// processes kept serving the token from memory without a single error.
//
// A lock is only as safe as the failover, as with any single-instance Redis
// lock: replication is asynchronous, so the promoted replica may lack the
// lock, or the value its holder wrote. The holder's write may also fail
// while no master is reachable. Either way a second process can fetch
// once: one extra gettoken per credential being fetched at the moment of
// the failover — never a wrong token, and no extra call for credentials
// already stored and replicated. The tests measure exactly that: the
// credential being fetched when the master was killed cost one extra
// gettoken (the holder's write failed and its replicated lock expired
// after the lock ttl on the new master), the credential every process held
// cost none, in each of six runs. Redis cannot rule out the rarer case of
// a network partition in which the old master keeps accepting writes from
// some processes until it is demoted (min-replicas-to-write narrows that
// window): each side may then fetch once.
package redisstore
