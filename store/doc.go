// Package store defines where wecomkit keeps the credentials WeCom issues —
// access tokens, jsapi tickets, suite tickets, permanent codes — and provides
// an in-memory implementation.
//
// A [Store] is a small string key/value store with expiry. [Memory] serves a
// single process; store/redisstore shares values between processes and also
// implements [Locker], so that only one process fetches a new token at a time;
// store/boltstore keeps values on disk across restarts.
//
// Tokens and tickets can live in any Store. Suite tickets and permanent codes
// must live in a durable one: losing a permanent code loses a customer's
// installation.
//
//	s := store.NewMemory()
//	_ = s.Set(ctx, "greeting", "hello", time.Minute)
//	v, ok, err := s.Get(ctx, "greeting")
package store
