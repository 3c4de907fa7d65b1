package main

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
)

// Department names: /me shows the member's departments by name, asking
// WeCom once per department (department/get) and keeping the answer for
// deptTTL; concurrent requests for a department share one call. A
// department WeCom will not describe shows as its id, and is asked again
// next time.
const (
	deptTTL     = time.Hour
	deptTimeout = 3 * time.Second
	maxDepts    = 10_000 // cached departments; beyond, the cache starts over
)

type deptName struct {
	zh, en string // Name, NameEn (empty when none)
	until  time.Time
}

// deptCall is one department/get under way, which concurrent requests for
// the same department wait for.
type deptCall struct {
	done chan struct{}
	name deptName
	ok   bool
}

type deptNames struct {
	mu       sync.Mutex
	names    map[int64]deptName
	inflight map[int64]*deptCall
	client   *contact.Client
	logger   *slog.Logger
	now      func() time.Time
}

func newDeptNames(c *wecom.Client, logger *slog.Logger, now func() time.Time) *deptNames {
	return &deptNames{names: map[int64]deptName{}, inflight: map[int64]*deptCall{}, client: contact.New(c), logger: logger, now: now}
}

// lookup returns the names of ids in lang, in order.
func (d *deptNames) lookup(ctx context.Context, ids []int64, lang string) []string {
	ctx, cancel := context.WithTimeout(ctx, deptTimeout)
	defer cancel()
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		n, ok := d.get(ctx, id)
		switch {
		case !ok:
			out = append(out, strconv.FormatInt(id, 10))
		case lang == langEN && n.en != "":
			out = append(out, n.en)
		default:
			out = append(out, n.zh)
		}
	}
	return out
}

func (d *deptNames) get(ctx context.Context, id int64) (deptName, bool) {
	now := d.now()
	d.mu.Lock()
	if n, ok := d.names[id]; ok && now.Before(n.until) {
		d.mu.Unlock()
		return n, true
	}
	if c, ok := d.inflight[id]; ok { // another request is asking: wait for its answer
		d.mu.Unlock()
		select {
		case <-c.done:
			return c.name, c.ok
		case <-ctx.Done():
			return deptName{}, false
		}
	}
	c := &deptCall{done: make(chan struct{})}
	d.inflight[id] = c
	d.mu.Unlock()

	c.name, c.ok = d.fetch(ctx, id, now)
	d.mu.Lock()
	delete(d.inflight, id)
	if c.ok {
		if len(d.names) >= maxDepts {
			clear(d.names)
		}
		d.names[id] = c.name
	}
	d.mu.Unlock()
	close(c.done)
	return c.name, c.ok
}

// fetch asks WeCom for department id.
func (d *deptNames) fetch(ctx context.Context, id int64, now time.Time) (deptName, bool) {
	dep, err := d.client.Department(ctx, id)
	if err != nil {
		d.logger.LogAttrs(ctx, slog.LevelWarn, "department/get failed; the department shows as its id",
			slog.Int64("department", id), slog.Int("errcode", wecom.ErrorCode(err)), slog.String("error", err.Error()))
		return deptName{}, false
	}
	if dep.Name == "" {
		return deptName{}, false
	}
	return deptName{zh: dep.Name, en: dep.NameEn, until: now.Add(deptTTL)}, true
}
