package contact

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Fetcher makes snapshots of a directory. [*Source] is the one that asks
// WeCom; tests and other systems can bring their own to a [Syncer].
type Fetcher interface {
	// Fetch returns a complete snapshot, or an error: never a part of
	// one, which a sync would take for removals.
	Fetch(ctx context.Context) (*Snapshot, error)
}

// Source fetches snapshots from two credentials, as WeCom now requires
// (https://developer.work.weixin.qq.com/document/path/96067):
//
//   - the structure client — the contact-sync helper's (通讯录同步), or a
//     third-party app's corp client with 通讯录编辑授权 — lists every
//     department (department/simplelist) and every member with its
//     departments (user/list_id, page by page). A third-party app's rows
//     name members by open_userid only
//     (https://developer.work.weixin.qq.com/document/path/96021): its
//     snapshot's members have UserID = OpenUserID = the open_userid, and
//     details (user/list) are matched to them by open_userid;
//   - the details client — a self-built app's — reads names, positions and
//     the other fields of the departments and members the app may see
//     (department/list once, user/list per visible department).
//
// A member the app cannot see is in the snapshot with its departments
// only; its other fields are unknown ([User.Known]). Without a details
// client every snapshot holds ids and structure only; without a structure
// client the app's own view is the whole directory (department/simplelist
// and user/list with the app's token), so members outside its visible
// scope do not exist.
type Source struct {
	structure, details *Client
	concurrency        int
	pageSize           int
	now                func() time.Time
}

// SourceOption configures [NewSource].
type SourceOption interface{ applySource(*Source) }

type sourceOptionFunc func(*Source)

func (f sourceOptionFunc) applySource(s *Source) { f(s) }

// WithConcurrency sets how many user/list calls run at once (default 4).
// WeCom answers 45033 to a corporation that makes too many concurrent
// calls of one API.
func WithConcurrency(n int) SourceOption {
	return sourceOptionFunc(func(s *Source) {
		if n > 0 {
			s.concurrency = n
		}
	})
}

// WithSourcePageSize sets the user/list_id page size (default and maximum
// 10000).
func WithSourcePageSize(n int) SourceOption {
	return sourceOptionFunc(func(s *Source) { s.pageSize = n })
}

// WithSourceClock sets the clock that stamps [Snapshot.Taken].
func WithSourceClock(now func() time.Time) SourceOption {
	return sourceOptionFunc(func(s *Source) {
		if now != nil {
			s.now = now
		}
	})
}

// NewSource returns a Source reading the structure with structure (the
// contact-sync client) and the details with details (an app's client).
// Either may be nil, not both (it panics then: a programming error).
func NewSource(structure, details *wecom.Client, opts ...SourceOption) *Source {
	if structure == nil && details == nil {
		panic("contact: NewSource needs a structure or a details client")
	}
	s := &Source{concurrency: 4, pageSize: DefaultPageSize, now: time.Now}
	if structure != nil {
		s.structure = New(structure)
	}
	if details != nil {
		s.details = New(details)
	}
	for _, o := range opts {
		o.applySource(s)
	}
	return s
}

// CorpID returns the corporation the source reads.
func (s *Source) CorpID() string {
	if s.structure != nil {
		return s.structure.c.CorpID()
	}
	return s.details.c.CorpID()
}

// Fetch makes a complete snapshot, or fails: any failed call — page 37 of
// user/list_id, say — fails the whole fetch, so that a missing part is
// never mistaken for removed members. A department the app may not read
// (60011) only leaves its members' details unknown.
//
// Memory stays close to the snapshot itself: list_id's rows are streamed
// into one compact slice, and user/list answers are decoded into a
// buffer per worker and merged at once.
func (s *Source) Fetch(ctx context.Context) (*Snapshot, error) {
	snap := &Snapshot{Taken: s.now()}
	if s.structure != nil {
		nodes, err := s.structure.DepartmentIDs(ctx, 0)
		if err != nil {
			return nil, err
		}
		snap.Departments = make([]Department, len(nodes))
		for i, n := range nodes {
			snap.Departments[i] = Department{ID: n.ID, ParentID: n.ParentID, Order: n.Order, Known: FieldParentID | FieldOrder}
		}
		var rows []DeptUser
		for row, err := range s.structure.UserIDs(ctx, WithPageSize(s.pageSize)) {
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
		snap.Users = usersFromRows(rows)
	}
	snap.Sort()
	if s.details != nil {
		if err := s.fetchDetails(ctx, snap); err != nil {
			return nil, err
		}
		snap.Sort()
	}
	return snap, nil
}

// usersFromRows turns list_id's rows into members sorted by id, their
// department lists sharing one backing array. A member is keyed by the
// row's userid, or by its open_userid when the rows carry no userid (a
// third-party app's, doc 96021): UserID is then the open_userid too, and
// OpenUserID is known.
func usersFromRows(rows []DeptUser) []User {
	slices.SortFunc(rows, func(a, b DeptUser) int {
		if c := strings.Compare(a.ID(), b.ID()); c != 0 {
			return c
		}
		return cmpInt(a.Department, b.Department)
	})
	rows = slices.Compact(rows)
	n := 0
	for i := range rows {
		if i == 0 || rows[i].ID() != rows[i-1].ID() {
			n++
		}
	}
	users := make([]User, 0, n)
	depts := make([]int64, len(rows))
	start := 0
	for i := range rows {
		depts[i] = rows[i].Department
		if i == len(rows)-1 || rows[i+1].ID() != rows[i].ID() {
			u := User{UserID: rows[i].ID(), Department: depts[start : i+1 : i+1], Known: FieldDepartment}
			if rows[i].OpenUserID != "" {
				u.OpenUserID = rows[i].OpenUserID
				u.Known |= FieldOpenUserID
			}
			users = append(users, u)
			start = i + 1
		}
	}
	return users
}

// isNoPrivilege reports WeCom's 60011: outside the app's visible scope.
func isNoPrivilege(err error) bool { return wecom.ErrorCode(err) == 60011 }

func (s *Source) fetchDetails(ctx context.Context, snap *Snapshot) error {
	depts, err := s.details.Departments(ctx, 0)
	if err != nil {
		return err
	}
	structured := s.structure != nil
	if structured {
		for _, d := range depts {
			if sd := snap.Department(d.ID); sd != nil {
				sd.Name, sd.NameEn, sd.Leaders = d.Name, d.NameEn, d.Leaders
				sd.Known |= d.Known & (FieldName | FieldNameEn | FieldLeaders)
			}
		}
	} else {
		snap.Departments = depts
		snap.Sort()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		extra    []User // members user/list named that the structure did not (no structure source)
		seen     = map[string]bool{}
	)
	work := make(chan int64)
	for range min(s.concurrency, max(len(depts), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp userListResponse // reused: one answer buffer per worker
			for id := range work {
				buf, err := s.details.wireUsersOf(ctx, id, &resp)
				if err != nil && !isNoPrivilege(err) {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
					continue
				}
				mu.Lock()
				for k := range buf {
					dst := snap.User(buf[k].UserID)
					if dst == nil && structured && buf[k].OpenUserID.v != "" {
						// A structure from a third-party app's rows is
						// keyed by open_userid (doc 96021).
						dst = snap.User(buf[k].OpenUserID.v)
					}
					if dst != nil {
						mergeDetails(dst, &buf[k], structured)
					} else if !structured && !seen[buf[k].UserID] {
						seen[buf[k].UserID] = true
						extra = append(extra, buf[k].user())
					}
				}
				mu.Unlock()
			}
		}()
	}
	for _, d := range depts {
		select {
		case work <- d.ID:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("contact: fetch details: %w", err)
	}
	snap.Users = append(snap.Users, extra...)
	return nil
}

// mergeDetails puts what user/list said about a member into its entry.
// With a structure source the departments stay the structure's, and a
// member seen in several departments is merged once. The entry keeps its
// id (the snapshot is sorted by it): a member keyed by open_userid stays
// so. Members the structure did not list joined between the two reads
// and come with the next sync.
func mergeDetails(dst *User, w *wireUser, structured bool) {
	if dst.Known&^(FieldDepartment|FieldOpenUserID) != 0 {
		return // already merged from another of the member's departments
	}
	id, depts, known, open := dst.UserID, dst.Department, dst.Known, dst.OpenUserID
	*dst = w.user()
	dst.UserID = id
	if structured {
		dst.Department = depts
		dst.Known |= known | FieldDepartment
		if dst.OpenUserID == "" && known.Has(FieldOpenUserID) {
			dst.OpenUserID = open
		}
	}
}
