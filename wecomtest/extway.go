package wecomtest

import (
	"strconv"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Customer contact, the second slice: contact ways (「联系我」, doc
// 92228), customer groups (groupchat/list 92120, get 92122,
// opengid_to_chatid 94822, statistics 92133), join ways (92229), welcome
// messages (send_welcome_msg 92137, group welcome templates 92366) and
// customer acquisition (获客助手: links 97297, customers 97298, quota
// and statistics 97375).
//
// The model: contact ways, join ways, templates and acquisition links are
// created through the API and kept per corporation; customer groups are
// added with [Server.AddCustomerGroup]; welcome codes are issued with
// [Server.NewWelcomeCode]; customers who came through a link with
// [Server.AddAcquisitionCustomer]. As in the first slice, every app token
// of the corporation may call, and members are not checked against the
// directory.
//
// Errcodes: WeCom's where its pages name them — 41051 for a welcome code
// whose message went out and 41096 while it is going out (doc 92137), 41037 for a contact way without a valid type
// (WeCom's answer "missing contact way type"), 40031 and 40032 (不合法的
// UserID列表 / 列表长度, the global table) for a contact way's members,
// 81017 for groupchat/list without owners when the app sees more than
// 1000 members (doc 92120, not modelled: the fake has no visible range
// here) — and otherwise 40058 (不合法的参数), the fake's choice, for an
// unknown config_id, chat_id, template_id, link_id, welcome code or cursor
// and for values outside WeCom's documented limits. docs/wecom-api-notes.md
// lists which of these are confirmed.

// extWayState is the fake's model of contact ways, customer groups and
// join ways, welcome messages and customer acquisition.
type extWayState struct {
	mu           sync.Mutex
	corps        map[string]*wayCorp
	distribution time.Duration // how long a welcome message takes to go out
}

type wayCorp struct {
	seq int

	ways     map[string]*externalcontact.ContactWay // by config_id
	wayTimes map[string]time.Time                   // creation times
	wayOrder []string
	wayTurns map[string]int // the next member of each contact way, by config_id
	closed   []TempChat

	groups     map[string]*CustomerGroup // by chat_id
	groupOrder []string
	joinWays   map[string]*externalcontact.JoinWay

	welcomeCodes map[string]*welcomeCode
	welcomes     []WelcomeMessage
	templates    map[string]*externalcontact.GroupWelcomeTemplate

	links     map[string]*wayLink
	linkOrder []string
	quota     []quotaGrant
	quotaUsed int
}

func (e *extWayState) corpLocked(corpID string) *wayCorp {
	if e.corps == nil {
		e.corps = make(map[string]*wayCorp)
	}
	c := e.corps[corpID]
	if c == nil {
		c = &wayCorp{ways: map[string]*externalcontact.ContactWay{}, wayTimes: map[string]time.Time{}, wayTurns: map[string]int{},
			groups: map[string]*CustomerGroup{}, joinWays: map[string]*externalcontact.JoinWay{},
			welcomeCodes: map[string]*welcomeCode{}, templates: map[string]*externalcontact.GroupWelcomeTemplate{},
			links: map[string]*wayLink{}}
		e.corps[corpID] = c
	}
	return c
}

// nextID returns a new id with prefix, unique in the corporation.
func (c *wayCorp) nextID(prefix string) string {
	c.seq++
	return prefix + "wecomtest" + strconv.Itoa(c.seq)
}

// wayCursor returns the cursor of the next page, or "" after the last.
func wayCursor(end, total int) string {
	if end >= total {
		return ""
	}
	return "wecomtest-" + strconv.Itoa(end)
}

// addExtWayRoutes adds the routes of contact ways, customer groups and
// join ways, welcome messages and customer acquisition.
func (s *Server) addExtWayRoutes() {
	for path, h := range map[string]HandlerFunc{
		"/cgi-bin/externalcontact/add_contact_way":    s.handleAddContactWay,
		"/cgi-bin/externalcontact/get_contact_way":    s.handleGetContactWay,
		"/cgi-bin/externalcontact/list_contact_way":   s.handleListContactWay,
		"/cgi-bin/externalcontact/update_contact_way": s.handleUpdateContactWay,
		"/cgi-bin/externalcontact/del_contact_way":    s.handleDelContactWay,
		"/cgi-bin/externalcontact/close_temp_chat":    s.handleCloseTempChat,

		"/cgi-bin/externalcontact/groupchat/list":                   s.handleGroupChatList,
		"/cgi-bin/externalcontact/groupchat/get":                    s.handleGroupChatGet,
		"/cgi-bin/externalcontact/opengid_to_chatid":                s.handleOpenGIDToChatID,
		"/cgi-bin/externalcontact/groupchat/statistic":              s.handleGroupStat,
		"/cgi-bin/externalcontact/groupchat/statistic_group_by_day": s.handleGroupStatByDay,
		"/cgi-bin/externalcontact/groupchat/add_join_way":           s.handleAddJoinWay,
		"/cgi-bin/externalcontact/groupchat/get_join_way":           s.handleGetJoinWay,
		"/cgi-bin/externalcontact/groupchat/update_join_way":        s.handleUpdateJoinWay,
		"/cgi-bin/externalcontact/groupchat/del_join_way":           s.handleDelJoinWay,

		"/cgi-bin/externalcontact/send_welcome_msg":            s.handleSendWelcome,
		"/cgi-bin/externalcontact/group_welcome_template/add":  s.handleAddTemplate,
		"/cgi-bin/externalcontact/group_welcome_template/edit": s.handleEditTemplate,
		"/cgi-bin/externalcontact/group_welcome_template/get":  s.handleGetTemplate,
		"/cgi-bin/externalcontact/group_welcome_template/del":  s.handleDelTemplate,

		"/cgi-bin/externalcontact/customer_acquisition/list_link":   s.handleListLinks,
		"/cgi-bin/externalcontact/customer_acquisition/get":         s.handleGetLink,
		"/cgi-bin/externalcontact/customer_acquisition/create_link": s.handleCreateLink,
		"/cgi-bin/externalcontact/customer_acquisition/update_link": s.handleUpdateLink,
		"/cgi-bin/externalcontact/customer_acquisition/delete_link": s.handleDeleteLink,
		"/cgi-bin/externalcontact/customer_acquisition/customer":    s.handleLinkCustomers,
		"/cgi-bin/externalcontact/customer_acquisition_quota":       s.handleAcquisitionQuota,
		"/cgi-bin/externalcontact/customer_acquisition/statistic":   s.handleLinkStatistic,
	} {
		s.routes[path] = s.authed(h)
	}
}

// lockWay locks the model and returns corpID's part of it; call the
// returned function to unlock.
func (s *Server) lockWay(corpID string) (*wayCorp, func()) {
	e := &s.extWay
	e.mu.Lock()
	return e.corpLocked(corpID), e.mu.Unlock
}
