package contact

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The members Fetch made before compactDir: []User from the rows at
// once, details merged into them. compactDir must give the same, field
// for field; these are that code, kept as the reference.

func refUsersFromRows(rows []DeptUser) []User {
	slices.SortFunc(rows, func(a, b DeptUser) int {
		if c := strings.Compare(a.ID(), b.ID()); c != 0 {
			return c
		}
		return cmpInt(a.Department, b.Department)
	})
	rows = slices.Compact(rows)
	var users []User
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

func refMergeDetails(dst *User, w *wireUser) {
	if dst.Known&^(FieldDepartment|FieldOpenUserID) != 0 {
		return
	}
	id, depts, known, open := dst.UserID, dst.Department, dst.Known, dst.OpenUserID
	*dst = w.user()
	dst.UserID = id
	dst.Department = depts
	dst.Known |= known | FieldDepartment
	if dst.OpenUserID == "" && known.Has(FieldOpenUserID) {
		dst.OpenUserID = open
	}
}

func randOpt(r *rand.Rand, vals ...string) optString {
	switch r.IntN(4) {
	case 0:
		return optString{}
	case 1:
		return optString{ok: true}
	}
	return optString{v: vals[r.IntN(len(vals))], ok: true}
}

func randWireUser(r *rand.Rand, id string) wireUser {
	w := wireUser{UserID: id}
	if r.IntN(5) == 0 {
		return w // nothing but the id
	}
	w.Name = randOpt(r, "张三", "李四", id+"名")
	w.Alias = randOpt(r, "a", "b")
	w.Position = randOpt(r, "工程师", "经理")
	w.Mobile = randOpt(r, "13800000000")
	w.Gender = randOpt(r, "0", "1", "2")
	w.Email = randOpt(r, "x@example.com")
	w.BizMail = randOpt(r, "y@example.com")
	w.Telephone = randOpt(r, "010-1")
	w.Address = randOpt(r, "北京")
	w.Avatar = randOpt(r, "https://example.com/a.png")
	w.OpenUserID = randOpt(r, "o-"+id, "other")
	w.ExternalPosition = randOpt(r, "顾问")
	if r.IntN(2) == 0 {
		w.MainDepartment = optInt{v: int64(r.IntN(9)), ok: true}
	}
	if r.IntN(2) == 0 {
		w.Status = optInt{v: int64(r.IntN(6)), ok: true}
	}
	if r.IntN(3) == 0 {
		w.Department = []int64{int64(r.IntN(9)), int64(r.IntN(9))}
	}
	switch r.IntN(3) {
	case 0:
		w.DirectLeader = []string{}
	case 1:
		w.DirectLeader = []string{"boss", id}
	}
	return w
}

// TestCompactDirMatchesUsers runs random rows (userid, open_userid or
// both; duplicates; members in several departments) and random user/list
// entries (fields present, absent, empty; several per member, of which
// only some stick) through both, and compares.
func TestCompactDirMatchesUsers(t *testing.T) {
	for draw := range uint64(300) {
		r := rand.New(rand.NewPCG(draw, 7))
		var rows []DeptUser
		for range r.IntN(60) {
			id := fmt.Sprintf("u%02d", r.IntN(30))
			row := DeptUser{Department: int64(r.IntN(6) + 1)}
			switch r.IntN(5) {
			case 0:
				row.OpenUserID = "o-" + id
			case 1:
				row.UserID, row.OpenUserID = id, "o-"+id
			default:
				row.UserID = id
			}
			rows = append(rows, row)
		}
		want := refUsersFromRows(slices.Clone(rows))
		dir := compactRows(slices.Clone(rows))
		for range r.IntN(80) {
			var id string
			if r.IntN(4) == 0 {
				id = fmt.Sprintf("u%02d", r.IntN(30)) // perhaps not in the structure
			} else if len(want) > 0 {
				id = want[r.IntN(len(want))].UserID
			}
			w := randWireUser(r, id)
			if u := slices.IndexFunc(want, func(u User) bool { return u.UserID == w.UserID }); u >= 0 {
				refMergeDetails(&want[u], &w)
			} else if w.OpenUserID.v != "" {
				if u := slices.IndexFunc(want, func(u User) bool { return u.UserID == w.OpenUserID.v }); u >= 0 {
					refMergeDetails(&want[u], &w)
				}
			}
			i := dir.index(w.UserID)
			if i < 0 && w.OpenUserID.v != "" {
				i = dir.index(w.OpenUserID.v)
			}
			if i >= 0 {
				dir.merge(i, &w)
			}
		}
		got := dir.users()
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			for i := range min(len(got), len(want)) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("draw %d, member %d:\n got %+v\nwant %+v", draw, i, got[i], want[i])
				}
			}
			t.Fatalf("draw %d: %d members, want %d", draw, len(got), len(want))
		}
	}
}

// TestWireUserKnown checks known against user's Known.
func TestWireUserKnown(t *testing.T) {
	for draw := range uint64(200) {
		r := rand.New(rand.NewPCG(draw, 9))
		w := randWireUser(r, "u")
		if got, want := w.known(), w.user().Known; got != want {
			t.Fatalf("draw %d: known %v, user().Known %v", draw, got, want)
		}
	}
}
