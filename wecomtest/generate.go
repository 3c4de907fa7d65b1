package wecomtest

import (
	"fmt"
	"strings"
)

// GenerateDirectory fills corpID's directory with a made-up organisation
// of departments departments (at least 1) and users members, the same
// every time for the same sizes: department 1 is the root, each other
// department hangs under an earlier one (up to eight children each), and
// member i ("user000001" …) belongs to department i mod departments + 1;
// every tenth member also belongs to a second department. It replaces
// members and departments with the same ids and is meant for large
// directories — 100,000 members and 2,000 departments take well under a
// second.
func (s *Server) GenerateDirectory(corpID string, departments, users int) {
	departments = max(departments, 1)
	positions := [...]string{"工程师", "产品经理", "设计师", "销售", "财务", "人事", "运营", "客服"}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 1; i <= departments; i++ {
		d := Department{ID: int64(i), Name: fmt.Sprintf("部门%d", i), NameEn: fmt.Sprintf("Dept %d", i), Order: int64(100000000 - i)}
		if i == 1 {
			d.Name, d.NameEn = "总部", "Headquarters"
		} else {
			d.ParentID = int64((i-2)/8 + 1)
		}
		s.addDepartmentLocked(corpID, d)
	}
	byID := s.dir.members[corpID]
	if byID == nil {
		byID = make(map[string]*Member, users)
		s.dir.members[corpID] = byID
	}
	for i := 1; i <= users; i++ {
		m := &Member{
			UserID:     fmt.Sprintf("user%06d", i),
			Name:       fmt.Sprintf("成员%d", i),
			Position:   positions[i%len(positions)],
			Mobile:     fmt.Sprintf("138%08d", i),
			Email:      fmt.Sprintf("user%06d@example.com", i),
			Department: []int64{int64(i%departments + 1)},
		}
		if i%10 == 0 && departments > 1 {
			m.Department = append(m.Department, int64((i/10)%departments+1))
			if m.Department[1] == m.Department[0] {
				m.Department = m.Department[:1]
			}
		}
		byID[strings.ToLower(m.UserID)] = m
	}
	s.con.gen++
}
