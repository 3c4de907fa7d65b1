package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/wecomkit/wecomkit/internal/jobqueue"
	"github.com/wecomkit/wecomkit/wecom"
)

// authRepo keeps what the suite knows of the corporations that installed
// it: permanent codes, authorization details, the corp index, cancel marks,
// and the record of every auth code exchange. Each corporation's values are
// keys of their own: no list is rewritten and no lock spans corporations.
type authRepo struct {
	st jobqueue.Store
	k  keys
}

// Exchange records live long enough for every retry of the push that
// brought the code (jobs give up after a day) and WeCom's own retries.
const (
	exchangeTTL  = 7 * 24 * time.Hour
	cancelledTTL = 30 * 24 * time.Hour
)

// exchangeRecord is what the suite stores about one auth code: that it
// started exchanging it, and then WeCom's whole answer, permanent code
// included — the first write after WeCom answers, so that no later failure
// can lose a code WeCom issued only once.
type exchangeRecord struct {
	State   string               `json:"state"`             // exchangeStarted, exchangeDone, exchangeRefused
	Started int64                `json:"started,omitempty"` // Unix ms, real time
	Answer  *permanentCodeAnswer `json:"answer,omitempty"`
	Reset   bool                 `json:"reset,omitempty"`
	// Source and ExtraInfo say how the corp installed (create_auth push or
	// website).
	Source    InstallSource `json:"source,omitempty"`
	ExtraInfo string        `json:"extra_info,omitempty"`
	// InstalledAt is the push's TimeStamp, or when the exchange started
	// (Unix s): what a later cancel_auth is compared with.
	InstalledAt int64 `json:"installed_at"`
}

const (
	exchangeStarted = "started"
	exchangeDone    = "done"
	exchangeRefused = "refused" // cancelled before the exchange
)

// exchange returns the record of the auth code hashed h.
func (r *authRepo) exchange(ctx context.Context, h string) (*exchangeRecord, bool, error) {
	raw, ok, err := r.st.Get(ctx, r.k.exchange(h))
	if err != nil || !ok {
		return nil, false, storeErr(err)
	}
	var rec exchangeRecord
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return nil, false, fmt.Errorf("suite: stored exchange record: %w", err)
	}
	return &rec, true, nil
}

func (r *authRepo) saveExchange(ctx context.Context, h string, rec *exchangeRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("suite: encode exchange record: %w", err)
	}
	return storeErr(r.st.Set(ctx, r.k.exchange(h), string(b), exchangeTTL))
}

// startExchange records that the exchange of the code hashed h starts,
// unless a record exists: started reports whether this call wrote it, and
// token is what it wrote, for forgetStart.
func (r *authRepo) startExchange(ctx context.Context, h string, rec *exchangeRecord) (started bool, token string, err error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return false, "", fmt.Errorf("suite: encode exchange record: %w", err)
	}
	started, err = r.st.Add(ctx, r.k.exchange(h), string(b), exchangeTTL)
	return started, string(b), storeErr(err)
}

// forgetStart deletes the start record written as token, unless it has
// been replaced since (by an answer stored by a concurrent exchange).
func (r *authRepo) forgetStart(ctx context.Context, h, token string) {
	_, _ = r.st.CompareAndDelete(ctx, r.k.exchange(h), token)
}

func (r *authRepo) code(ctx context.Context, corp string) (string, bool, error) {
	v, ok, err := r.st.Get(ctx, r.k.permanentCode(corp))
	return v, ok, storeErr(err)
}

func (r *authRepo) saveCode(ctx context.Context, corp, code string) error {
	if err := r.st.Set(ctx, r.k.permanentCode(corp), code, 0); err != nil {
		return fmt.Errorf("suite: store permanent code: %w", err)
	}
	return nil
}

func (r *authRepo) deleteCode(ctx context.Context, corp string) error {
	if err := r.st.Delete(ctx, r.k.permanentCode(corp)); err != nil {
		return fmt.Errorf("suite: delete permanent code: %w", err)
	}
	return nil
}

// details returns the stored authorization of corp, without its code.
func (r *authRepo) details(ctx context.Context, corp string) (*Authorization, bool, error) {
	raw, ok, err := r.st.Get(ctx, r.k.auth(corp))
	if err != nil || !ok {
		return nil, false, storeErr(err)
	}
	a := &Authorization{}
	if json.Unmarshal([]byte(raw), a) != nil || a.CorpID == "" {
		return nil, false, nil // unreadable: as if missing, it is fetched again
	}
	return a, true, nil
}

func (r *authRepo) saveDetails(ctx context.Context, a *Authorization) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("suite: encode authorization: %w", err)
	}
	if err := r.st.Set(ctx, r.k.auth(a.CorpID), string(b), 0); err != nil {
		return fmt.Errorf("suite: store authorization: %w", err)
	}
	return nil
}

func (r *authRepo) deleteDetails(ctx context.Context, corp string) error {
	if err := r.st.Delete(ctx, r.k.auth(corp)); err != nil {
		return fmt.Errorf("suite: delete authorization: %w", err)
	}
	return nil
}

func (r *authRepo) addCorp(ctx context.Context, corp string, at time.Time) error {
	if err := r.st.IndexSet(ctx, r.k.corps(), corp, at.Unix()); err != nil {
		return fmt.Errorf("suite: store corp list: %w", err)
	}
	return nil
}

func (r *authRepo) removeCorp(ctx context.Context, corp string) error {
	if err := r.st.IndexRemove(ctx, r.k.corps(), corp); err != nil {
		return fmt.Errorf("suite: store corp list: %w", err)
	}
	return nil
}

func (r *authRepo) corps(ctx context.Context) ([]string, error) {
	n, err := r.st.IndexLen(ctx, r.k.corps())
	if err != nil {
		return nil, storeErr(err)
	}
	if n == 0 {
		return nil, nil
	}
	members, err := r.st.IndexRange(ctx, r.k.corps(), 1<<62, int(n)+16)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = m.Member
	}
	return out, nil
}

// cancelledAt returns the TimeStamp of the newest cancel_auth recorded for
// corp.
func (r *authRepo) cancelledAt(ctx context.Context, corp string) (int64, bool, error) {
	raw, ok, err := r.st.Get(ctx, r.k.cancelled(corp))
	if err != nil || !ok {
		return 0, false, storeErr(err)
	}
	ts, err := strconv.ParseInt(raw, 10, 64)
	return ts, err == nil, nil
}

// markCancelled records a cancel_auth of ts for corp, unless a newer one is
// recorded.
func (r *authRepo) markCancelled(ctx context.Context, corp string, ts int64) error {
	if old, ok, err := r.cancelledAt(ctx, corp); err != nil || (ok && old >= ts) {
		return err
	}
	return storeErr(r.st.Set(ctx, r.k.cancelled(corp), strconv.FormatInt(ts, 10), cancelledTTL))
}

// migrate moves a corp list stored as one JSON value (before the index)
// into the index, once.
func (r *authRepo) migrate(ctx context.Context) error {
	raw, ok, err := r.st.Get(ctx, r.k.legacyCorps())
	if err != nil || !ok {
		return storeErr(err)
	}
	var corps []string
	if err := json.Unmarshal([]byte(raw), &corps); err != nil {
		return fmt.Errorf("suite: stored corp list: %w", err)
	}
	for _, c := range corps {
		at := time.Now()
		if a, ok, _ := r.details(ctx, c); ok && !a.AuthorizedAt.IsZero() {
			at = a.AuthorizedAt
		}
		if _, err := r.st.IndexAdd(ctx, r.k.corps(), c, at.Unix()); err != nil {
			return storeErr(err)
		}
	}
	return storeErr(r.st.Delete(ctx, r.k.legacyCorps()))
}

func storeErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, wecom.ErrStore) {
		return err
	}
	return &storeError{err}
}

// storeError marks a failure of the suite's store: it matches
// [wecom.ErrStore], so that callers and [wecom.Diagnose] tell it from a
// WeCom failure.
type storeError struct{ err error }

func (e *storeError) Error() string        { return "suite: store: " + e.err.Error() }
func (e *storeError) Unwrap() error        { return e.err }
func (e *storeError) Is(target error) bool { return target == wecom.ErrStore }
