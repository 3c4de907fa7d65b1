package wecomtest

import "time"

// InstallExtras are the parts of get_permanent_code's and get_auth_info's
// answers that depend on how a corporation installed a suite and what it
// bought; see [Server.SetInstallExtras]. The zero value answers none of
// them, and privilege level 1.
type InstallExtras struct {
	// PrivilegeLevel is auth_info.agent[].privilege.level: 1 contacts
	// basic information read-only, 2 all read-only, 3 all read-write, 4
	// single member's basic information read-only, 5 all write-only (doc
	// 90603's parameter table). 0 answers 1.
	PrivilegeLevel int
	// DealerCorpID and DealerCorpName are dealer_corp_info: the reseller
	// (代理服务商) the app was sold through. Answered by get_auth_info and
	// get_permanent_code v1 (docs 90603, 100795), not by
	// v2/get_permanent_code (doc 100776).
	DealerCorpID, DealerCorpName string
	// RegisterCode, RegisterTemplateID and RegisterState are
	// register_code_info: the install came from a promotion QR code
	// (推广二维码). Answered by get_permanent_code, v1 and v2 (docs 90603,
	// 100776), only.
	RegisterCode, RegisterTemplateID, RegisterState string
	// SharedFromCorpID and ShareType are auth_info.agent[].shared_from: the
	// install was shared by another corporation, through 企业互联 (0) or
	// 上下游 (1). Answered wherever auth_info is.
	SharedFromCorpID string
	ShareType        int
	// Edition is edition_info.agent[0], for a paid app (docs 91911,
	// 91912). Answered wherever auth_info is (that v2/get_auth_info carries
	// it is the server's assumption).
	Edition *Edition
}

// Edition is a paid app's current edition in a corporation.
type Edition struct {
	ID, Name string
	// AppStatus: 0 not paid, 1 trial, 2 trial expired, 3 paid, 4 paid
	// expired, 5 unlimited trial, 6 paid but over the user limit (less
	// than 7 days), 7 over the limit for more than 7 days.
	AppStatus           int
	UserLimit           int64
	Expires             time.Time
	Virtual             bool // is_virtual_version
	SharedFromOtherCorp bool // is_shared_from_other_corp
}

// SetInstallExtras sets what get_permanent_code and get_auth_info answer,
// beyond the agent and the corporation, for suiteID in corpID from now
// on; it may be called before the corporation installs.
func (s *Server) SetInstallExtras(suiteID, corpID string, x InstallExtras) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x.Edition != nil {
		e := *x.Edition
		x.Edition = &e
	}
	s.tp.extras[suiteCorp{suiteID, corpID}] = x
}

// addAuthExtrasLocked adds to an answer of get_auth_info (or v1
// get_permanent_code) the dealer and edition a test set.
func (s *Server) addAuthExtrasLocked(out map[string]any, a *authorization) {
	x := s.tp.extras[suiteCorp{a.suiteID, a.corpID}]
	if x.DealerCorpID != "" {
		out["dealer_corp_info"] = map[string]any{"corpid": x.DealerCorpID, "corp_name": x.DealerCorpName}
	}
	if e := x.Edition; e != nil {
		out["edition_info"] = map[string]any{"agent": []any{map[string]any{
			"agentid": a.agentID, "edition_id": e.ID, "edition_name": e.Name, "app_status": e.AppStatus,
			"user_limit": e.UserLimit, "expired_time": unixOrZero(e.Expires),
			"is_virtual_version": e.Virtual, "is_shared_from_other_corp": e.SharedFromOtherCorp,
		}}}
	}
}

// addRegisterCodeLocked adds register_code_info to a get_permanent_code
// answer when a test set one.
func (s *Server) addRegisterCodeLocked(out map[string]any, a *authorization) {
	x := s.tp.extras[suiteCorp{a.suiteID, a.corpID}]
	if x.RegisterCode != "" {
		rc := map[string]any{"register_code": x.RegisterCode, "template_id": x.RegisterTemplateID}
		if x.RegisterState != "" {
			rc["state"] = x.RegisterState
		}
		out["register_code_info"] = rc
	}
}
