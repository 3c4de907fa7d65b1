package license

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Report is what [Client.Reconcile] finds: the members a corporation wants
// licensed, split three ways. Each wanted member is in exactly one list;
// the lists are in a deterministic order (Active and Missing by userid,
// Expiring by expiry, then userid). Its JSON form is what a provider's
// dashboard (or the suite-server's /license/report) serves.
type Report struct {
	CorpID string    `json:"corpid"`
	At     time.Time `json:"at"`
	// Within is the look-ahead, in whole days in JSON.
	Within time.Duration `json:"-"`
	// WithinDays is Within in days, for the JSON form.
	WithinDays int `json:"within_days"`
	// Active members hold an account that outlives At+Within.
	Active []Licensed `json:"active"`
	// Expiring members hold accounts that all expire after At but within
	// Within of it: renew them (CreateRenewOrderJob).
	Expiring []Licensed `json:"expiring"`
	// Missing members hold no account, or only expired ones: activate a
	// code for them.
	Missing []string `json:"missing"`
}

// Licensed is a member with an unexpired account.
type Licensed struct {
	UserID string `json:"userid"`
	// Types are the kinds of unexpired account the member holds, sorted.
	Types []AccountType `json:"types"`
	// Expires is when the member's last unexpired account expires.
	Expires time.Time `json:"expires"`
}

// Reconcile compares the members corpID wants licensed with its activated
// accounts ([Client.ActivatedAccounts]) and reports which are active, which
// expire within the given look-ahead and which are missing, judged by the
// client's clock ([WithClock]). wanted are user ids in the form the app sees
// them; duplicates and empty ids are ignored.
func (c *Client) Reconcile(ctx context.Context, corpID string, wanted []string, within time.Duration) (*Report, error) {
	if err := need("corp id", corpID); err != nil {
		return nil, err
	}
	if within < 0 {
		return nil, fmt.Errorf("%w: negative look-ahead", ErrInvalidArgument)
	}
	var accounts []Account
	for a, err := range c.ActivatedAccounts(ctx, corpID, MaxPage) {
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
	}
	r := ReconcileAccounts(accounts, wanted, c.now(), within)
	r.CorpID = corpID
	return r, nil
}

// ReconcileAccounts is [Client.Reconcile] on accounts already fetched: a pure
// function of its arguments. An account expired at now does not count.
func ReconcileAccounts(accounts []Account, wanted []string, now time.Time, within time.Duration) *Report {
	held := make(map[string]*Licensed)
	for _, a := range accounts {
		exp := a.Expires()
		if !exp.After(now) {
			continue
		}
		l := held[a.UserID]
		if l == nil {
			l = &Licensed{UserID: a.UserID}
			held[a.UserID] = l
		}
		if !slices.Contains(l.Types, a.Type) {
			l.Types = append(l.Types, a.Type)
		}
		if exp.After(l.Expires) {
			l.Expires = exp
		}
	}
	ids := slices.Clone(wanted)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	r := &Report{At: now, Within: within, WithinDays: int(within / (24 * time.Hour)),
		Active: []Licensed{}, Expiring: []Licensed{}, Missing: []string{}}
	horizon := now.Add(within)
	for _, id := range ids {
		if id == "" {
			continue
		}
		l := held[id]
		switch {
		case l == nil:
			r.Missing = append(r.Missing, id)
		case l.Expires.After(horizon):
			slices.Sort(l.Types)
			r.Active = append(r.Active, *l)
		default:
			slices.Sort(l.Types)
			r.Expiring = append(r.Expiring, *l)
		}
	}
	slices.SortStableFunc(r.Expiring, func(a, b Licensed) int {
		return cmp.Or(a.Expires.Compare(b.Expires), cmp.Compare(a.UserID, b.UserID))
	})
	return r
}
