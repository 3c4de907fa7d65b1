// Package store defines where wecomkit keeps the credentials WeCom issues —
// access tokens, jsapi tickets, suite tickets, permanent codes — and provides
// an in-memory implementation.
//
//	s := store.NewMemory() // one process; boltstore or redisstore to keep or share values
//	client, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithStore(s))
//
// A [Store] is a small string key/value store with expiry (a ttl of 0 keeps
// a value forever). [Memory] serves a single process, with no goroutine:
// expired keys are swept as it grows; store/redisstore shares values between processes and also
// implements [Locker], so that only one process fetches a new token at a time;
// store/boltstore keeps values on disk across restarts.
//
// Tokens and tickets can live in any Store. Suite tickets and permanent codes
// must live in a durable one: losing a permanent code loses a customer's
// installation.
//
// Package store/storetest is the contract suite every store here passes;
// run it against a store of your own. Which store to use when several
// processes run is in the repository's docs/many-instances.md.
package store
