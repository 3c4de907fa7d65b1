package contact_test

import (
	"fmt"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/store"
)

func newMemStore() store.Store { return store.NewMemory() }

// bigSnapshot builds a snapshot shaped like wecomtest.GenerateDirectory's.
func bigSnapshot(users, depts int) *contact.Snapshot {
	s := &contact.Snapshot{}
	for i := 1; i <= depts; i++ {
		s.Departments = append(s.Departments, contact.Department{ID: int64(i), ParentID: int64((i-2)/8 + 1), Name: fmt.Sprintf("部门%d", i),
			Known: contact.FieldName | contact.FieldParentID | contact.FieldOrder})
	}
	for i := 1; i <= users; i++ {
		s.Users = append(s.Users, contact.User{
			UserID: fmt.Sprintf("user%06d", i), Name: fmt.Sprintf("成员%d", i), Position: "工程师",
			Department: []int64{int64(i%depts + 1)}, Status: 1, MainDepartment: int64(i%depts + 1),
			Known: contact.FieldName | contact.FieldPosition | contact.FieldDepartment | contact.FieldStatus | contact.FieldMainDepartment,
		})
	}
	return s
}
