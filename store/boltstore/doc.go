// Package boltstore keeps wecomkit's credentials in a local bbolt file, so
// that one process remembers them across restarts.
//
// A suite server must not forget suite tickets (WeCom pushes one every ten
// minutes; without it no suite token can be had) nor permanent codes (lost,
// they lose a customer's installation). A [Store] is a durable
// [store.Store] for a single process: every Set is committed to disk
// (fsync) before it returns.
//
//	s, err := boltstore.Open("/var/lib/suite-server/wecomkit.db")
//	if err != nil { … } // another process holding the file: errors.Is(err, boltstore.ErrLocked)
//	defer s.Close()
//	client, err := wecom.New(corpID, secret, wecom.WithStore(s))
//
// Which store to use:
//
//   - store.Memory: one process, nothing to keep across restarts.
//   - boltstore: one process whose tickets and permanent codes must survive
//     restarts. It is not a [store.Locker] and cannot be shared: bbolt lets
//     one process open a file at a time, and [Open] fails with [ErrLocked]
//     after [WithLockTimeout] rather than wait.
//   - store/redisstore: several processes sharing credentials.
//
// Each value is stored with its expiry, which is honoured on read with the
// store's clock ([WithClock]). Expired values are deleted when read and,
// without any background goroutine, by a sweep every [WithSweepEvery]
// writes or on demand with [Store.Sweep]. The file is created with mode
// 0600: it holds secrets.
package boltstore
