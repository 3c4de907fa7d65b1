package wecomtest

import "fmt"

// GenerateCustomers gives corpID members more members, "u0000",
// "u0001" …, each with perMember customers of their own ("wm0000-0000" …,
// external userids unique to the member), with a remark and a description,
// and returns the members' userids: test data for a large sync, made in
// one pass under one lock (100,000 relations take a fraction of a second,
// where as many [Server.AddCustomer] calls take several). Members already
// there keep their customers; the new ones are added after them.
func (s *Server) GenerateCustomers(corpID string, members, perMember int) []string {
	now := s.now()
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(corpID)
	users := make([]string, 0, members)
	for m := range members {
		u := fmt.Sprintf("u%04d", m)
		users = append(users, u)
		if _, ok := ec.byUser[u]; !ok {
			ec.users = append(ec.users, u)
		}
		ids := make([]string, 0, perMember)
		for c := range perMember {
			id := fmt.Sprintf("wm%04d-%04d", m, c)
			prof := Customer{ExternalUserID: id, Name: "客户" + id[2:], Type: 1, Remark: "备注", Description: "描述", AddWay: 1, Added: now}
			if cu := ec.customers[id]; cu != nil {
				if cu.follows[u] == nil {
					cu.follows[u] = &extFollow{c: prof}
					cu.order = append(cu.order, u)
					ids = append(ids, id)
				}
				continue
			}
			ec.customers[id] = &extCustomer{profile: prof, follows: map[string]*extFollow{u: {c: prof}}, order: []string{u}}
			ids = append(ids, id)
		}
		ec.byUser[u] = append(ec.byUser[u], ids...)
	}
	return users
}
