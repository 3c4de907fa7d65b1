package wecomtest

import (
	"fmt"
	"strings"
)

// GenerateCustomers gives corpID members more members, "u0000",
// "u0001" …, each with perMember customers of their own ("wm0000-0000" …,
// external userids unique to the member), with a remark and a description,
// and returns the members' userids: test data for a large sync, made in
// one pass under one lock (100,000 relations take a fraction of a second,
// where as many [Server.AddCustomer] calls take several). Members already
// there keep their customers; the new ones are added after them.
//
// The customers of one member are allocated together (one array of
// profiles, one of relations, one string for all their ids and one for
// all their names), so that 100,000 of them cost tens of megabytes, not
// a hundred.
func (s *Server) GenerateCustomers(corpID string, members, perMember int) []string {
	added := s.now().Unix()
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(corpID)
	remark, desc := ec.intern("备注"), ec.intern("描述")
	users := make([]string, 0, members)
	for m := range members {
		u := ec.intern(fmt.Sprintf("u%04d", m))
		users = append(users, u)
		var idBuf, nameBuf strings.Builder
		idBuf.Grow(perMember * 11)
		nameBuf.Grow(perMember * (len("客户") + 9))
		for c := range perMember {
			fmt.Fprintf(&idBuf, "wm%04d-%04d", m, c)
			fmt.Fprintf(&nameBuf, "客户%04d-%04d", m, c)
		}
		allIDs, allNames := idBuf.String(), nameBuf.String()
		idAt := func(c int) string { return allIDs[c*11 : (c+1)*11] }
		nameLen := len("客户") + 9
		profiles := make([]extCustomer, perMember)
		follows := make([]extFollow, perMember)
		ids := make([]string, 0, perMember)
		for c := range perMember {
			id := idAt(c)
			f := extFollow{user: u, remark: remark, description: desc, added: added, addWay: 1}
			if cu := ec.customers[id]; cu != nil {
				if cu.follow(u) == nil {
					cu.follows = append(cu.follows, f)
					ids = append(ids, id)
				}
				continue
			}
			cu := &profiles[c]
			*cu = extCustomer{id: id, name: allNames[c*nameLen : (c+1)*nameLen], typ: 1}
			follows[c] = f
			cu.follows = follows[c : c+1 : c+1] // a second follower reallocates
			ec.customers[id] = cu
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			continue
		}
		if _, ok := ec.byUser[u]; !ok {
			ec.users = append(ec.users, u)
		}
		ec.byUser[u] = append(ec.byUser[u], ids...)
	}
	return users
}
