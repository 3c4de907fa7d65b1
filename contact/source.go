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
// into a compact directory (sorted ids and one array of department ids),
// user/list answers are decoded into a buffer per worker and folded into
// it at once, and the members — 280 bytes each — are made only at the
// end, so that the many short-lived answers of the detail calls never
// share the heap with them.
func (s *Source) Fetch(ctx context.Context) (*Snapshot, error) {
	snap := &Snapshot{Taken: s.now()}
	var dir *compactDir
	if s.structure != nil {
		nodes, err := s.structure.DepartmentIDs(ctx, 0)
		if err != nil {
			return nil, err
		}
		snap.Departments = make([]Department, len(nodes))
		for i, n := range nodes {
			snap.Departments[i] = Department{ID: n.ID, ParentID: n.ParentID, Order: n.Order, Known: FieldParentID | FieldOrder}
		}
		// Rows gather in fixed chunks, copied once into a slice of the
		// final size: append's growth would allocate it several times
		// over.
		var (
			chunks [][]DeptUser
			n      int
		)
		for row, err := range s.structure.UserIDs(ctx, WithPageSize(s.pageSize)) {
			if err != nil {
				return nil, err
			}
			if len(chunks) == 0 || len(chunks[len(chunks)-1]) == rowChunk {
				chunks = append(chunks, make([]DeptUser, 0, rowChunk))
			}
			chunks[len(chunks)-1] = append(chunks[len(chunks)-1], row)
			n++
		}
		rows := make([]DeptUser, 0, n)
		for i, c := range chunks {
			rows = append(rows, c...)
			chunks[i] = nil
		}
		dir = compactRows(rows)
	}
	snap.Sort()
	if s.details != nil {
		if err := s.fetchDetails(ctx, snap, dir); err != nil {
			return nil, err
		}
	}
	if dir != nil {
		snap.Users = dir.users()
	}
	snap.Sort()
	return snap, nil
}

// rowChunk is how many list_id rows (40 bytes each) Fetch gathers per
// allocation.
const rowChunk = 4096

// compactDir is the directory as list_id's rows describe it, with the
// details user/list adds, in far less memory than []User: members sorted
// by id, their departments in one array, and what user/list said of each
// (merge) kept as a small record and strings in one arena. users turns it
// into the snapshot's members.
type compactDir struct {
	ids     []string // sorted, each once
	starts  []int32  // member i's departments are depts[starts[i]:starts[i+1]]
	depts   []int64
	opens   []string // OpenUserID of member i; nil while every one is ""
	slim    []slimUser
	arena   arena      // string fields of merged members, slimUser.off on
	leaders [][]string // DirectLeader, slimUser.lead-1
	intern  map[string]string
}

// arena is an append-only list of strings in fixed chunks: it never
// copies what it holds, as a growing slice would.
type arena struct {
	chunks [][]string
	n      uint32
}

const arenaChunk = 4096

func (a *arena) add(s string) {
	if a.n%arenaChunk == 0 {
		a.chunks = append(a.chunks, make([]string, arenaChunk))
	}
	a.chunks[a.n/arenaChunk][a.n%arenaChunk] = s
	a.n++
}

func (a *arena) at(k uint32) string { return a.chunks[k/arenaChunk][k%arenaChunk] }

// slimUser is a member's User without its id, departments, open_userid
// and string fields (those are in compactDir).
type slimUser struct {
	known  Field
	off    uint32 // first of its string fields in arena
	lead   uint32 // 0: DirectLeader nil, else leaders[lead-1]
	main   int64
	status int
}

// compactRows turns list_id's rows into a compactDir: members sorted by
// id, their department lists ascending. A member is keyed by the row's
// userid, or by its open_userid when the rows carry no userid (a
// third-party app's, doc 96021): UserID is then the open_userid too, and
// OpenUserID is known.
func compactRows(rows []DeptUser) *compactDir {
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
	d := &compactDir{
		ids:    make([]string, 0, n),
		starts: make([]int32, 1, n+1),
		depts:  make([]int64, len(rows)),
		slim:   make([]slimUser, n),
	}
	for i := range rows {
		d.depts[i] = rows[i].Department
		if i == len(rows)-1 || rows[i+1].ID() != rows[i].ID() {
			k := len(d.ids)
			d.ids = append(d.ids, rows[i].ID())
			d.starts = append(d.starts, int32(i+1))
			d.slim[k].known = FieldDepartment
			if rows[i].OpenUserID != "" {
				d.setOpen(k, rows[i].OpenUserID)
				d.slim[k].known |= FieldOpenUserID
			}
		}
	}
	return d
}

func (d *compactDir) setOpen(i int, open string) {
	if d.opens == nil {
		if open == "" {
			return
		}
		d.opens = make([]string, len(d.slim))
	}
	d.opens[i] = open
}

func (d *compactDir) open(i int) string {
	if d.opens == nil {
		return ""
	}
	return d.opens[i]
}

// index returns the position of member id, or -1.
func (d *compactDir) index(id string) int {
	i, ok := slices.BinarySearch(d.ids, id)
	if !ok {
		return -1
	}
	return i
}

// detailStrings are the string fields of a User that user/list fills, in
// the order they sit in the arena; interned ones repeat across members.
var detailStrings = [...]struct {
	bit    Field
	intern bool
	wire   func(*wireUser) *optString
	user   func(*User) *string
}{
	{FieldName, false, func(w *wireUser) *optString { return &w.Name }, func(u *User) *string { return &u.Name }},
	{FieldAlias, false, func(w *wireUser) *optString { return &w.Alias }, func(u *User) *string { return &u.Alias }},
	{FieldPosition, true, func(w *wireUser) *optString { return &w.Position }, func(u *User) *string { return &u.Position }},
	{FieldMobile, false, func(w *wireUser) *optString { return &w.Mobile }, func(u *User) *string { return &u.Mobile }},
	{FieldGender, true, func(w *wireUser) *optString { return &w.Gender }, func(u *User) *string { return &u.Gender }},
	{FieldEmail, false, func(w *wireUser) *optString { return &w.Email }, func(u *User) *string { return &u.Email }},
	{FieldBizMail, false, func(w *wireUser) *optString { return &w.BizMail }, func(u *User) *string { return &u.BizMail }},
	{FieldTelephone, false, func(w *wireUser) *optString { return &w.Telephone }, func(u *User) *string { return &u.Telephone }},
	{FieldAddress, true, func(w *wireUser) *optString { return &w.Address }, func(u *User) *string { return &u.Address }},
	{FieldAvatar, false, func(w *wireUser) *optString { return &w.Avatar }, func(u *User) *string { return &u.Avatar }},
	{FieldExternalPosition, true, func(w *wireUser) *optString { return &w.ExternalPosition }, func(u *User) *string { return &u.ExternalPosition }},
}

// maxInterned bounds the strings a fetch shares: positions and genders
// repeat, and a directory whose positions do not gains nothing from a
// table of them.
const maxInterned = 4096

func (d *compactDir) interned(s string) string {
	if v, ok := d.intern[s]; ok {
		return v
	}
	if d.intern == nil {
		d.intern = make(map[string]string)
	}
	if len(d.intern) < maxInterned {
		d.intern[s] = s
	}
	return s
}

// merge puts what user/list said about member i into its entry. The
// departments stay the structure's, and a member seen in several
// departments is merged once. The entry keeps its id (the snapshot is
// sorted by it): a member keyed by open_userid stays so. Members the
// structure did not list joined between the two reads and come with the
// next sync.
func (d *compactDir) merge(i int, w *wireUser) {
	sl := &d.slim[i]
	if sl.known&^(FieldDepartment|FieldOpenUserID) != 0 {
		return // already merged from another of the member's departments
	}
	known, open := sl.known, d.open(i)
	nk := w.known()
	sl.off = d.arena.n
	for _, f := range &detailStrings {
		if o := f.wire(w); o.ok {
			v := o.v
			if f.intern {
				v = d.interned(v)
			}
			d.arena.add(v)
		}
	}
	newOpen := w.OpenUserID.v // "" unless WeCom sent it
	if newOpen == "" && known.Has(FieldOpenUserID) {
		newOpen = open
	}
	d.setOpen(i, newOpen)
	sl.main, sl.status, sl.lead = w.MainDepartment.v, int(w.Status.v), 0
	if w.DirectLeader != nil {
		d.leaders = append(d.leaders, w.DirectLeader)
		sl.lead = uint32(len(d.leaders))
	}
	sl.known = nk | known | FieldDepartment
}

// users makes the members, sorted by id, their department lists sharing
// one backing array.
func (d *compactDir) users() []User {
	us := make([]User, len(d.ids))
	for i := range us {
		u, sl := &us[i], &d.slim[i]
		u.UserID = d.ids[i]
		u.Department = d.depts[d.starts[i]:d.starts[i+1]:d.starts[i+1]]
		u.Known = sl.known
		u.OpenUserID = d.open(i)
		k := sl.off
		for _, f := range &detailStrings {
			if sl.known&f.bit != 0 {
				*f.user(u) = d.arena.at(k)
				k++
			}
		}
		u.MainDepartment, u.Status = sl.main, sl.status
		if sl.lead != 0 {
			u.DirectLeader = d.leaders[sl.lead-1]
		}
	}
	return us
}

// isNoPrivilege reports WeCom's 60011: outside the app's visible scope.
func isNoPrivilege(err error) bool { return wecom.ErrorCode(err) == 60011 }

func (s *Source) fetchDetails(ctx context.Context, snap *Snapshot, dir *compactDir) error {
	depts, err := s.details.Departments(ctx, 0)
	if err != nil {
		return err
	}
	structured := dir != nil
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
					if !structured {
						if !seen[buf[k].UserID] {
							seen[buf[k].UserID] = true
							extra = append(extra, buf[k].user())
						}
						continue
					}
					i := dir.index(buf[k].UserID)
					if i < 0 && buf[k].OpenUserID.v != "" {
						// A structure from a third-party app's rows is
						// keyed by open_userid (doc 96021).
						i = dir.index(buf[k].OpenUserID.v)
					}
					if i >= 0 {
						dir.merge(i, &buf[k])
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
