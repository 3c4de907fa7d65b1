package wecomtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// StateVersion is the version of the document [Server.SaveState] writes;
// [Server.LoadState] refuses any other.
const StateVersion = 1

// maxStateBytes bounds what LoadState reads: a fake's state is a few
// megabytes at most.
const maxStateBytes = 256 << 20

// SaveState writes the lasting part of the server's state to w as one
// JSON document, which [Server.LoadState] reads back — a fake WeCom that
// keeps its corporations across restarts (cmd/wecomfake -state).
//
// Kept: corporations with their names and apps (agentids, secrets, the
// contact-sync secret), the directory (departments, members, visible
// scopes, unlicensed members), suites with the suite_tickets pushed and
// when, service providers, installs (agentids, permanent codes, states)
// and their unspent auth codes, install extras, which corporation the
// install page authorizes, apps' callbacks, suites' data URLs, and the
// customers of customer contact (客户联系) with their followers, remarks,
// corp customer tags and marks, and the kf accounts of WeChat customer
// service (微信客服) with their receptionists (not their sessions or
// messages).
//
// Not kept: issued access, suite and provider tokens and JS-SDK tickets
// (a client that presents one after a restart gets 40014 or 40082 and
// fetches a new one, as after WeCom revokes tokens), OAuth2 codes and
// user_tickets, pre_auth_codes, login codes, call counters, injected
// faults, uploaded media, sent messages, directory tags, batch jobs,
// app settings and the other domains' records. Times are kept as
// instants; the server's clock is not.
//
// SaveState is safe while requests are served; the document is a
// consistent view of the server's state and, separately, of its
// customers.
func (s *Server) SaveState(w io.Writer) error {
	doc := s.snapshot()
	doc.Customers = s.snapshotCustomers()
	doc.KF = s.snapshotKF()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("wecomtest: saving state: %w", err)
	}
	return nil
}

// LoadState replaces the kept part of the server's state (see
// [Server.SaveState]) with the document r holds; what is not kept —
// tokens, codes, counters, faults — stays as it is. A document of
// another [StateVersion], or one that does not parse, is refused and
// changes nothing. Load before clients call, typically right after
// [NewServer].
func (s *Server) LoadState(r io.Reader) error {
	var doc stateDoc
	dec := json.NewDecoder(io.LimitReader(r, maxStateBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("wecomtest: loading state: %w", err)
	}
	if doc.Version != StateVersion {
		return fmt.Errorf("wecomtest: loading state: version %d, want %d", doc.Version, StateVersion)
	}
	if err := doc.check(); err != nil {
		return fmt.Errorf("wecomtest: loading state: %w", err)
	}
	s.restore(&doc)
	s.restoreCustomers(doc.Customers)
	s.restoreKF(doc.KF)
	return nil
}

// stateDoc is the document SaveState writes. Exported types without JSON
// tags (Member, Suite, …) appear with their Go field names.
type stateDoc struct {
	Version      int                 `json:"version"`
	Saved        time.Time           `json:"saved"`
	Corps        []stateCorp         `json:"corps"`
	Providers    []stateProvider     `json:"providers"`
	Suites       []stateSuite        `json:"suites"`
	Installs     []stateInstall      `json:"installs"`
	AuthCodes    []stateAuthCode     `json:"auth_codes"`
	InstallCorps map[string]string   `json:"install_corps"` // suite id → corp of the install page
	AppCallbacks []stateAppCallback  `json:"app_callbacks"`
	DataURLs     map[string]string   `json:"data_urls"` // suite id → data callback URL
	Customers    []stateCustomerCorp `json:"customers"`
	KF           []stateKFCorp       `json:"kf,omitempty"` // absent from documents of older fakes
}

type stateCorp struct {
	ID          string        `json:"id"`
	Name        string        `json:"name,omitempty"`
	Apps        []App         `json:"apps"`
	Departments []Department  `json:"departments"`
	Members     []Member      `json:"members"`
	Scopes      []stateScope  `json:"visible_scopes,omitempty"`
	Unlicensed  []string      `json:"unlicensed,omitempty"`
	Extras      []stateExtras `json:"install_extras,omitempty"`
	// DirectoryOnly: a directory (members, departments) was given for the
	// corporation, but no app, install or name made it a corporation:
	// gettoken still answers it 40013.
	DirectoryOnly bool `json:"directory_only,omitempty"`
}

type stateScope struct {
	AgentID     int64    `json:"agentid"`
	Departments []int64  `json:"departments"`
	Users       []string `json:"users"`
}

type stateExtras struct {
	SuiteID string        `json:"suite_id"`
	Extras  InstallExtras `json:"extras"`
}

type stateProvider struct {
	CorpID string `json:"corp_id"`
	Secret string `json:"secret"`
}

type stateSuite struct {
	Suite    Suite         `json:"suite"`
	Tickets  []stateTicket `json:"tickets"`
	LastPush time.Time     `json:"last_push"`
}

type stateTicket struct {
	Value string    `json:"value"`
	At    time.Time `json:"at"`
}

type stateInstall struct {
	SuiteID       string `json:"suite_id"`
	CorpID        string `json:"corp_id"`
	AgentID       int64  `json:"agentid"`
	PermanentCode string `json:"permanent_code,omitempty"`
	State         string `json:"state,omitempty"`
}

type stateAuthCode struct {
	Code    string    `json:"code"`
	SuiteID string    `json:"suite_id"`
	CorpID  string    `json:"corp_id"`
	State   string    `json:"state,omitempty"`
	Reset   bool      `json:"reset,omitempty"`
	Expires time.Time `json:"expires"`
}

type stateAppCallback struct {
	CorpID   string      `json:"corp_id"`
	AgentID  int64       `json:"agentid"`
	Callback AppCallback `json:"callback"`
}

type stateCustomerCorp struct {
	CorpID    string              `json:"corp_id"`
	Customers []stateCustomer     `json:"customers"`
	Users     []string            `json:"users"`   // members with customers, in the order first added
	ByUser    map[string][]string `json:"by_user"` // userid → external userids, in the order added
	TagGroups []CustomerTagGroup  `json:"tag_groups"`
	Seq       int                 `json:"seq"`
}

type stateCustomer struct {
	Profile Customer      `json:"profile"`
	Follows []stateFollow `json:"follows"` // in the order added
}

type stateFollow struct {
	UserID string   `json:"userid"`
	Side   Customer `json:"side"`
	Tags   []string `json:"tags,omitempty"`
}

// check refuses a document whose keys collide or are empty: restoring it
// would lose part of it silently.
func (d *stateDoc) check() error {
	corps := make(map[string]bool) // id → a corporation, not a directory only
	for _, c := range d.Corps {
		if _, seen := corps[c.ID]; c.ID == "" || seen {
			return fmt.Errorf("corporation %q is empty or repeated", c.ID)
		}
		corps[c.ID] = !c.DirectoryOnly
	}
	suites := make(map[string]bool)
	for _, st := range d.Suites {
		if st.Suite.ID == "" || suites[st.Suite.ID] {
			return fmt.Errorf("suite %q is empty or repeated", st.Suite.ID)
		}
		suites[st.Suite.ID] = true
	}
	for _, a := range d.Installs {
		if !suites[a.SuiteID] || !corps[a.CorpID] {
			return fmt.Errorf("install of suite %q in %q names an unknown suite or corporation", a.SuiteID, a.CorpID)
		}
	}
	for _, c := range d.AuthCodes {
		if !suites[c.SuiteID] || !corps[c.CorpID] {
			return errors.New("an auth code names an unknown suite or corporation")
		}
	}
	return checkKF(d.KF)
}

// snapshot copies what Server.mu guards into a document.
func (s *Server) snapshot() *stateDoc {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	doc := &stateDoc{Version: StateVersion, Saved: now,
		InstallCorps: cloneMap(s.tp.installCorp), DataURLs: cloneMap(s.lic.dataURLs)}

	ids := make(map[string]bool)
	for id := range s.corps {
		ids[id] = true
	}
	for id := range s.dir.members {
		ids[id] = true
	}
	for id := range s.con.depts {
		ids[id] = true
	}
	for _, id := range sortedKeys(ids) {
		sc := stateCorp{ID: id, Apps: []App{}, Departments: []Department{}, Members: []Member{}}
		if c := s.corps[id]; c != nil {
			sc.Name = c.name
			for _, agentID := range sortedKeys(c.apps) {
				sc.Apps = append(sc.Apps, *c.apps[agentID])
			}
		} else {
			sc.DirectoryOnly = true
		}
		for _, d := range sortedKeys(s.con.depts[id]) {
			dep := *s.con.depts[id][d]
			dep.Leaders = slices.Clone(dep.Leaders)
			sc.Departments = append(sc.Departments, dep)
		}
		for _, k := range sortedKeys(s.dir.members[id]) {
			m := *s.dir.members[id][k]
			m.Department = slices.Clone(m.Department)
			sc.Members = append(sc.Members, m)
		}
		for key, vs := range s.con.scopes {
			if key.corpID == id {
				sc.Scopes = append(sc.Scopes, stateScope{AgentID: key.agentID,
					Departments: sortedKeys(vs.depts), Users: sortedKeys(vs.users)})
			}
		}
		sort.Slice(sc.Scopes, func(i, j int) bool { return sc.Scopes[i].AgentID < sc.Scopes[j].AgentID })
		for u, on := range s.con.unlicensed[id] {
			if on {
				sc.Unlicensed = append(sc.Unlicensed, u)
			}
		}
		sort.Strings(sc.Unlicensed)
		for key, x := range s.tp.extras {
			if key.corpID == id {
				sc.Extras = append(sc.Extras, stateExtras{SuiteID: key.suiteID, Extras: x})
			}
		}
		sort.Slice(sc.Extras, func(i, j int) bool { return sc.Extras[i].SuiteID < sc.Extras[j].SuiteID })
		doc.Corps = append(doc.Corps, sc)
	}
	for _, corpID := range sortedKeys(s.tp.providers) {
		doc.Providers = append(doc.Providers, stateProvider{CorpID: corpID, Secret: s.tp.providers[corpID]})
	}
	for _, id := range sortedKeys(s.tp.suites) {
		st := s.tp.suites[id]
		ss := stateSuite{Suite: st.Suite, LastPush: st.lastPush, Tickets: []stateTicket{}}
		for _, t := range st.tickets {
			ss.Tickets = append(ss.Tickets, stateTicket{Value: t.value, At: t.at})
		}
		doc.Suites = append(doc.Suites, ss)
	}
	for _, a := range s.tp.auths {
		doc.Installs = append(doc.Installs, stateInstall{SuiteID: a.suiteID, CorpID: a.corpID,
			AgentID: a.agentID, PermanentCode: a.permanentCode, State: a.state})
	}
	sort.Slice(doc.Installs, func(i, j int) bool {
		x, y := doc.Installs[i], doc.Installs[j]
		return x.SuiteID < y.SuiteID || x.SuiteID == y.SuiteID && x.CorpID < y.CorpID
	})
	for code, c := range s.tp.authCodes {
		if !c.used && now.Before(c.expires) {
			doc.AuthCodes = append(doc.AuthCodes, stateAuthCode{Code: code, SuiteID: c.suiteID, CorpID: c.corpID,
				State: c.state, Reset: c.reset, Expires: c.expires})
		}
	}
	sort.Slice(doc.AuthCodes, func(i, j int) bool { return doc.AuthCodes[i].Code < doc.AuthCodes[j].Code })
	for key, cb := range s.appCallbacks {
		doc.AppCallbacks = append(doc.AppCallbacks, stateAppCallback{CorpID: key.corpID, AgentID: key.agentID, Callback: cb})
	}
	sort.Slice(doc.AppCallbacks, func(i, j int) bool {
		x, y := doc.AppCallbacks[i], doc.AppCallbacks[j]
		return x.CorpID < y.CorpID || x.CorpID == y.CorpID && x.AgentID < y.AgentID
	})
	return doc
}

// snapshotCustomers copies the customer contact model.
func (s *Server) snapshotCustomers() []stateCustomerCorp {
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []stateCustomerCorp
	for _, corpID := range sortedKeys(e.corps) {
		ec := e.corps[corpID]
		sc := stateCustomerCorp{CorpID: corpID, Users: slices.Clone(ec.users), ByUser: make(map[string][]string, len(ec.byUser)),
			Seq: ec.seq, Customers: []stateCustomer{}, TagGroups: []CustomerTagGroup{}}
		for u, ids := range ec.byUser {
			sc.ByUser[u] = slices.Clone(ids)
		}
		for _, g := range ec.groups {
			c := *g
			c.Tags = slices.Clone(g.Tags)
			sc.TagGroups = append(sc.TagGroups, c)
		}
		for _, ext := range sortedKeys(ec.customers) {
			cu := ec.customers[ext]
			c := stateCustomer{Profile: cu.profile(), Follows: []stateFollow{}}
			for i := range cu.follows {
				f := &cu.follows[i]
				c.Follows = append(c.Follows, stateFollow{UserID: f.user, Side: cu.customer(f), Tags: slices.Clone(f.tags)})
			}
			sc.Customers = append(sc.Customers, c)
		}
		out = append(out, sc)
	}
	return out
}

// restore replaces what Server.mu guards with the document's.
func (s *Server) restore(doc *stateDoc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.corps = make(map[string]*corp)
	s.dir.members = make(map[string]map[string]*Member)
	s.con.depts = make(map[string]map[int64]*Department)
	s.con.scopes = make(map[appKey]*visibleScope)
	s.con.unlicensed = make(map[string]map[string]bool)
	s.tp.extras = make(map[suiteCorp]InstallExtras)
	for _, sc := range doc.Corps {
		if !sc.DirectoryOnly {
			c := &corp{id: sc.ID, name: sc.Name, apps: make(map[int64]*App)}
			for _, a := range sc.Apps {
				a := a
				c.apps[a.AgentID] = &a
			}
			s.corps[sc.ID] = c
		}
		for _, d := range sc.Departments {
			s.addDepartmentLocked(sc.ID, d)
		}
		if len(sc.Members) > 0 {
			byID := make(map[string]*Member, len(sc.Members))
			for _, m := range sc.Members {
				m := m
				m.Department = slices.Clone(m.Department)
				byID[strings.ToLower(m.UserID)] = &m
			}
			s.dir.members[sc.ID] = byID
		}
		for _, vs := range sc.Scopes {
			v := &visibleScope{depts: make(map[int64]bool), users: make(map[string]bool)}
			for _, d := range vs.Departments {
				v.depts[d] = true
			}
			for _, u := range vs.Users {
				v.users[strings.ToLower(u)] = true
			}
			s.con.scopes[appKey{sc.ID, vs.AgentID}] = v
		}
		if len(sc.Unlicensed) > 0 {
			m := make(map[string]bool, len(sc.Unlicensed))
			for _, u := range sc.Unlicensed {
				m[strings.ToLower(u)] = true
			}
			s.con.unlicensed[sc.ID] = m
		}
		for _, x := range sc.Extras {
			s.tp.extras[suiteCorp{x.SuiteID, sc.ID}] = x.Extras
		}
	}
	s.con.gen++

	s.tp.providers = make(map[string]string)
	for _, p := range doc.Providers {
		s.tp.providers[p.CorpID] = p.Secret
	}
	s.tp.suites = make(map[string]*suiteState)
	for _, ss := range doc.Suites {
		st := &suiteState{Suite: ss.Suite, lastPush: ss.LastPush}
		for _, t := range ss.Tickets {
			st.tickets = append(st.tickets, pushedTicket{value: t.Value, at: t.At})
		}
		s.tp.suites[ss.Suite.ID] = st
	}
	s.tp.auths = make(map[suiteCorp]*authorization)
	for _, a := range doc.Installs {
		s.tp.auths[suiteCorp{a.SuiteID, a.CorpID}] = &authorization{suiteID: a.SuiteID, corpID: a.CorpID,
			agentID: a.AgentID, permanentCode: a.PermanentCode, state: a.State}
	}
	s.tp.authCodes = make(map[string]*authCode)
	for _, c := range doc.AuthCodes {
		s.tp.authCodes[c.Code] = &authCode{suiteID: c.SuiteID, corpID: c.CorpID, state: c.State, reset: c.Reset, expires: c.Expires}
	}
	s.tp.installCorp = cloneMap(doc.InstallCorps)
	s.lic.dataURLs = cloneMap(doc.DataURLs)
	s.appCallbacks = make(map[appKey]AppCallback)
	for _, cb := range doc.AppCallbacks {
		s.appCallbacks[appKey{cb.CorpID, cb.AgentID}] = cb.Callback
	}
}

// restoreCustomers replaces the customer contact model.
func (s *Server) restoreCustomers(corps []stateCustomerCorp) {
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	e.corps = make(map[string]*extCorp)
	for _, sc := range corps {
		ec := e.corpLocked(sc.CorpID)
		ec.users = slices.Clone(sc.Users)
		ec.seq = sc.Seq
		for u, ids := range sc.ByUser {
			ec.byUser[u] = slices.Clone(ids)
		}
		for _, g := range sc.TagGroups {
			g := g
			g.Tags = slices.Clone(g.Tags)
			ec.groups = append(ec.groups, &g)
		}
		for _, c := range sc.Customers {
			cu := ec.newCustomerLocked(&c.Profile)
			for _, f := range c.Follows {
				side := ec.followOf(f.UserID, &f.Side)
				side.tags = ec.internAll(f.Tags)
				cu.follows = append(cu.follows, side)
			}
			ec.customers[c.Profile.ExternalUserID] = cu
		}
	}
}

// sortedKeys returns m's keys in ascending order.
func sortedKeys[K interface{ ~int64 | ~string }, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// cloneMap copies m; a nil or empty m gives an empty map.
func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
