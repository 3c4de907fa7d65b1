package wecom

// The shared tier of a cached token: a value read from and written to a
// store.Store so that every process uses one token, a store.Locker so that
// only one of them fetches at a time, and the codec that carries a value's
// lifetimes with it.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// obtainShared returns a usable value from the store or, when it has none,
// from WeCom: with a Locker, fetched by one process at a time while the
// others wait for the lock and then read what it stored.
func (c *cachedToken) obtainShared(ctx context.Context, old *tokenEntry, now int64) (*tokenEntry, error) {
	e, err := c.readStore(ctx)
	if err != nil {
		return nil, err
	}
	if usable(e, old, now) {
		// A value already due for refresh is still served; the next Token
		// call past its refresh point starts the refresh.
		c.publish(e)
		return e, nil
	}
	if c.cfg.locker == nil {
		return c.fetchAndPublish(ctx)
	}

	unlock, err := c.cfg.locker.Lock(ctx, c.lockKey, c.cfg.fetchTimeout)
	if err != nil {
		return nil, fmt.Errorf("wecom: token %s: lock: %w", c.key, err)
	}
	// What we do while holding the lock must end when the lock does, or
	// another process could take it and fetch as well: bound it by the
	// lock's TTL counted from now (or the flight's deadline, if sooner), so
	// that the wait for the lock does not eat into the fetch.
	ctx, cancelLocked := context.WithTimeout(ctx, c.cfg.fetchTimeout)
	defer cancelLocked()
	defer func() {
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := unlock(uctx); err != nil {
			c.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "wecom: token unlock failed; the lock will expire",
				slog.String("key", c.key), slog.Any("error", err))
		}
	}()
	// While we waited for the lock, the holder may have stored a value.
	if e, err = c.readStore(ctx); err != nil {
		return nil, err
	}
	now = c.cfg.now().UnixNano()
	if usable(e, old, now) {
		c.publish(e)
		return e, nil
	}
	return c.fetchAndPublish(ctx)
}

// readStore returns the stored entry, or nil when there is none or it
// cannot be read back (a foreign or damaged value is simply refetched).
func (c *cachedToken) readStore(ctx context.Context) (*tokenEntry, error) {
	raw, ok, err := c.cfg.store.Get(ctx, c.key)
	if err != nil {
		return nil, storeError(c.key, err)
	}
	if !ok {
		return nil, nil
	}
	e, err := decodeEntry(raw)
	if err != nil {
		c.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "wecom: ignoring unreadable stored token",
			slog.String("key", c.key), slog.Any("error", err))
		return nil, nil
	}
	return e, nil
}

// Stored form: "wk1|<issued unix ns>|<refresh at>|<expires at>|<value>".
// The lifetimes travel with the value so that every process refreshes and
// expires it at the same moments.
const entryVersion = "wk1"

func encodeEntry(e *tokenEntry) string {
	var b strings.Builder
	b.Grow(len(entryVersion) + 3*21 + len(e.value))
	b.WriteString(entryVersion)
	for _, n := range [...]int64{e.issued, e.refreshAt, e.expiresAt} {
		b.WriteByte('|')
		b.WriteString(strconv.FormatInt(n, 10))
	}
	b.WriteByte('|')
	b.WriteString(e.value)
	return b.String()
}

var errBadEntry = errors.New("not a wecomkit token entry")

func decodeEntry(raw string) (*tokenEntry, error) {
	parts := strings.SplitN(raw, "|", 5)
	if len(parts) != 5 || parts[0] != entryVersion || parts[4] == "" {
		return nil, errBadEntry
	}
	var n [3]int64
	for i := range n {
		v, err := strconv.ParseInt(parts[i+1], 10, 64)
		if err != nil {
			return nil, errBadEntry
		}
		n[i] = v
	}
	if !(n[0] <= n[1] && n[1] <= n[2]) {
		return nil, errBadEntry
	}
	return &tokenEntry{value: parts[4], issued: n[0], refreshAt: n[1], expiresAt: n[2]}, nil
}

// writeStore shares e with the other processes for the rest of its life.
// A failure is logged, not returned: the value is good, only sharing it
// failed, and the other processes fetch their own until the store is back.
func (c *cachedToken) writeStore(ctx context.Context, e *tokenEntry) {
	remain := time.Duration(e.expiresAt - c.cfg.now().UnixNano())
	if remain <= 0 {
		return
	}
	if err := c.cfg.store.Set(ctx, c.key, encodeEntry(e), remain); err != nil {
		c.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "wecom: token store write failed",
			slog.String("key", c.key), slog.Any("error", err))
	}
}

// invalidateStore deletes the stored value if it is still tok.
func (c *cachedToken) invalidateStore(ctx context.Context, tok string) error {
	raw, ok, err := c.cfg.store.Get(ctx, c.key)
	if err != nil {
		return storeError(c.key, err)
	}
	if !ok {
		return nil
	}
	if e, err := decodeEntry(raw); err == nil && e.value != tok {
		return nil // someone already stored a newer value
	}
	if _, err := c.cfg.store.CompareAndDelete(ctx, c.key, raw); err != nil {
		return storeError(c.key, err)
	}
	return nil
}
