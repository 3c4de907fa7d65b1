package wecomtest

import (
	"errors"
	"fmt"
	"slices"
)

// KFAccount is a kf account of the fake as [Server.KFAccounts] returns
// it.
type KFAccount struct {
	OpenKfID  string       `json:"open_kfid"`
	Name      string       `json:"name"`
	MediaID   string       `json:"media_id,omitempty"` // the avatar
	Servicers []KFServicer `json:"servicers"`
}

// KFAccounts returns the kf accounts of corpID in the order created, with
// their receptionists.
func (s *Server) KFAccounts(corpID string) []KFAccount {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corps[corpID]
	if c == nil {
		return nil
	}
	out := make([]KFAccount, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.accounts[id].export())
	}
	return out
}

func (a *kfAccount) export() KFAccount {
	e := KFAccount{OpenKfID: a.id, Name: a.name, MediaID: a.mediaID, Servicers: []KFServicer{}}
	for _, sv := range a.servicers {
		e.Servicers = append(e.Servicers, *sv)
	}
	return e
}

// stateKFCorp is a corporation's kf accounts in the state document.
// Sessions, messages and customers are not kept.
type stateKFCorp struct {
	CorpID   string      `json:"corp_id"`
	Accounts []KFAccount `json:"accounts"`
	Seq      int         `json:"seq"`
}

// snapshotKF copies the kf accounts of every corporation that has some.
func (s *Server) snapshotKF() []stateKFCorp {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []stateKFCorp
	for _, corpID := range sortedKeys(k.corps) {
		c := k.corps[corpID]
		if len(c.order) == 0 {
			continue
		}
		sc := stateKFCorp{CorpID: corpID, Seq: c.seq}
		for _, id := range c.order {
			sc.Accounts = append(sc.Accounts, c.accounts[id].export())
		}
		out = append(out, sc)
	}
	return out
}

// checkKF refuses kf accounts whose keys are empty or repeated.
func checkKF(corps []stateKFCorp) error {
	seen := map[string]bool{}
	for _, sc := range corps {
		if sc.CorpID == "" || seen[sc.CorpID] {
			return fmt.Errorf("kf corporation %q is empty or repeated", sc.CorpID)
		}
		seen[sc.CorpID] = true
		ids := map[string]bool{}
		for _, a := range sc.Accounts {
			if a.OpenKfID == "" || ids[a.OpenKfID] {
				return errors.New("a kf account's open_kfid is empty or repeated in " + sc.CorpID)
			}
			ids[a.OpenKfID] = true
		}
	}
	return nil
}

// restoreKF replaces every corporation's kf accounts with the document's;
// the sessions and messages of accounts no longer there go with them.
func (s *Server) restoreKF(corps []stateKFCorp) {
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range k.corps {
		c.accounts, c.order = make(map[string]*kfAccount), nil
	}
	for _, sc := range corps {
		c := k.corpLocked(sc.CorpID)
		c.seq = sc.Seq
		for _, e := range sc.Accounts {
			a := &kfAccount{id: e.OpenKfID, name: e.Name, mediaID: e.MediaID,
				sessions: make(map[string]*kfSession), msgIDs: make(map[string]bool)}
			for _, sv := range slices.Clone(e.Servicers) {
				a.servicers = append(a.servicers, &sv)
			}
			c.accounts[a.id] = a
			c.order = append(c.order, a.id)
		}
	}
}
