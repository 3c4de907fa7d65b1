// Package boltstore keeps wecomkit's credentials in a local bbolt file, so
// that one process remembers them across restarts.
//
//	s, err := boltstore.Open("/var/lib/suite-server/wecomkit.db")
//	if err != nil { … } // another process holding the file: errors.Is(err, boltstore.ErrLocked)
//	                    // a damaged file: errors.Is(err, boltstore.ErrCorrupt)
//	defer s.Close()
//	client, err := wecom.New(corpID, secret, wecom.WithStore(s))
//
// A suite server must not forget suite tickets (WeCom pushes one every ten
// minutes; without it no suite token can be had) nor permanent codes (lost,
// they lose a customer's installation). A [Store] is a durable
// [store.Store], [store.Adder] and [store.Index] for a single process:
// every write is committed to disk (fsync) before it returns.
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
//
// # Writes and fsync
//
// bbolt commits one write transaction at a time, with an fsync each.
// Writes made at the same moment by different goroutines — Set, Add,
// Delete, CompareAndDelete and the index writes — share a transaction: a
// write that finds no commit under way starts one at once, and the writes
// that arrive while it runs are committed together by the next, with one
// fsync. A lone writer waits for one commit; fifty at once wait for about
// two, not fifty. None returns before its write is on disk.
//
// # Indexes
//
// Indexes ([Store.IndexAdd] and the rest of [store.Index]) are kept in a
// bucket of their own, named after the values' bucket with ".index" added,
// created by the first index write: a key and an index may share a name.
// Each index holds every member twice, by name and by (score, member), and
// a count, so that adding, moving or removing a member, finding the members
// due and counting them each cost the same whether the index holds ten
// members or a million. An index name must not be empty.
//
// # A damaged file
//
// [Open] reads the whole file before it serves anything — first its
// structure, page by page, then with bbolt's consistency check — and
// refuses a damaged one with an error that names the file and wraps
// [ErrCorrupt], instead of panicking or serving values from it (bbolt
// panics, or crashes on a memory fault, on some damage). Damage comes from
// a failing disk, a machine crash under [WithNoSync], or a copy of the
// file taken while it was being written. Stop the process and restore the
// file from a backup; a file that held only access tokens can be deleted
// instead (they are fetched again), but one that held suite tickets or
// permanent codes cannot: keep backups, copies of the file made while no
// process has it open. Damage within a value's own
// bytes is beyond any check (bbolt keeps no checksums of values): such a
// value is served as it reads. Reading the file costs time at Open in
// proportion to its size: milliseconds for a few hundred kilobytes of
// credentials, about 0.3 s for a 64 MB file holding 100,000 queued jobs.
package boltstore
