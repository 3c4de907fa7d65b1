package main

// The control surface's HTTP API: each subcommand is one call under
// /_fake/, a JSON body in, a JSON answer out. Errors are answered with a
// 4xx or 5xx status and {"error": "…"}.

// Paths of the control surface.
const (
	pathPushTicket = "/_fake/push/ticket"
	pathInstall    = "/_fake/install"
	pathCancel     = "/_fake/cancel"
	pathUserAdd    = "/_fake/user/add"
	pathUserUpdate = "/_fake/user/update"
	pathUserRemove = "/_fake/user/remove"
	pathMessage    = "/_fake/message"
	pathApproval   = "/_fake/approval"
	pathFail       = "/_fake/fail"
	pathLatency    = "/_fake/latency"
	pathClear      = "/_fake/clear"
	pathCalls      = "/_fake/calls"
	pathCallback   = "/_fake/callback"
	pathEnv        = "/_fake/env"
)

// controlURLEnv names the fake's URL for the subcommands (or -addr).
const controlURLEnv = "WECOMFAKE_URL"

// corpRequest names a corporation; "" is the fake's own.
type corpRequest struct {
	CorpID string `json:"corp_id,omitempty"`
}

// installRequest installs the fake's suite in a corporation.
type installRequest struct {
	CorpID string `json:"corp_id"`
	State  string `json:"state,omitempty"`
}

// installAnswer is what an install did.
type installAnswer struct {
	AuthCode string `json:"auth_code"`
	AgentID  int64  `json:"agentid"`
}

// pushAnswer reports what a call did and the pushes it made: where to,
// and what failed (the call's own change is made either way).
type pushAnswer struct {
	Done       []string `json:"done,omitempty"`
	Pushed     []string `json:"pushed,omitempty"`
	PushErrors []string `json:"push_errors,omitempty"`
}

// memberFields are a member's fields as the user subcommands give them;
// nil leaves a field as it is on update.
type memberFields struct {
	Name       *string  `json:"name,omitempty"`
	Mobile     *string  `json:"mobile,omitempty"`
	Email      *string  `json:"email,omitempty"`
	Position   *string  `json:"position,omitempty"`
	Gender     *string  `json:"gender,omitempty"`
	Department *[]int64 `json:"department,omitempty"`
}

// userRequest adds, updates or removes a member.
type userRequest struct {
	CorpID string `json:"corp_id,omitempty"`
	UserID string `json:"userid"`
	memberFields
}

// messageRequest is a message someone writes. Channel says to what:
// "app" (the default) is member From writing to the self-built app,
// pushed to its callback as WeCom pushes 接收消息; "kf" is WeChat customer
// From (an external userid) writing to the kf account OpenKfID (default
// the fake's), read back with kf/sync_msg after a kf_msg_or_event push to
// the app's callback.
type messageRequest struct {
	Channel  string `json:"channel,omitempty"`
	CorpID   string `json:"corp_id,omitempty"`
	AgentID  int64  `json:"agentid,omitempty"`
	OpenKfID string `json:"open_kfid,omitempty"`
	From     string `json:"from"`
	Text     string `json:"text"`
}

// approvalRequest moves an application (审批) to a state: an oa.Status
// (1 pending, 2 approved, 3 rejected, 4 revoked, 6 revoked after
// approval).
type approvalRequest struct {
	CorpID string `json:"corp_id,omitempty"`
	SpNo   string `json:"sp_no"`
	Status int    `json:"status"`
}

// faultRequest injects a fault: errcode for fail, latency for latency.
// Times < 0 keeps it until clear.
type faultRequest struct {
	Path    string `json:"path"`
	ErrCode int    `json:"errcode,omitempty"`
	Latency string `json:"latency,omitempty"`
	Times   int    `json:"times"`
}

// callbackRequest sets where pushes go: target "suite" (the command URL),
// "data" (the suite's data URL) or "app" (the app's callback).
type callbackRequest struct {
	Target string `json:"target"`
	URL    string `json:"url"`
}

// callsAnswer is the per-path call counters.
type callsAnswer struct {
	Calls map[string]int `json:"calls"`
}

// errorAnswer is a failed call's answer.
type errorAnswer struct {
	Error string `json:"error"`
}
