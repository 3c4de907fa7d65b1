package externalcontact

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrUnlicensed is matched (errors.Is) by an [*UnlicensedError].
var ErrUnlicensed = errors.New("externalcontact: members without an interface license")

// codeAllUnlicensed is what batch/get_by_user answers, by other SDKs'
// account (UNCONFIRMED against WeCom's page), when no member of the
// request has an interface license; a partial lack is a success with
// fail_info instead.
const codeAllUnlicensed = 701008

// UnlicensedError is the error [Client.CustomersOf] yields last when
// WeCom left out members of the request because they have no interface
// license (接口许可): batch/get_by_user lists them in
// fail_info.unlicensed_userid_list (doc 92994) and answers none of their
// customers. Every row of the other members was yielded before it, so a
// caller that stops on the first error has read everything WeCom gave;
// what is missing is exactly the customers of UserIDs — which does not
// mean they have none.
type UnlicensedError struct {
	// UserIDs are the members left out, sorted, each once.
	UserIDs []string
}

// Error lists the members, at most ten of them.
func (e *UnlicensedError) Error() string {
	ids := e.UserIDs
	more := ""
	if len(ids) > 10 {
		ids, more = ids[:10], fmt.Sprintf(" and %d more", len(e.UserIDs)-10)
	}
	return fmt.Sprintf("externalcontact: customers of %d members left out, no interface license: %s%s",
		len(e.UserIDs), strings.Join(ids, ", "), more)
}

// Is reports whether target is [ErrUnlicensed].
func (e *UnlicensedError) Is(target error) bool { return target == ErrUnlicensed }

// unlicensedSet gathers the members WeCom left out over the pages of
// one CustomersOf.
type unlicensedSet map[string]struct{}

func (u *unlicensedSet) add(ids ...string) {
	for _, id := range ids {
		if id == "" {
			continue
		}
		if *u == nil {
			*u = make(unlicensedSet)
		}
		(*u)[id] = struct{}{}
	}
}

// err returns the UnlicensedError for the set, or nil when it is empty.
func (u unlicensedSet) err() error {
	if len(u) == 0 {
		return nil
	}
	ids := make([]string, 0, len(u))
	for id := range u {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return &UnlicensedError{UserIDs: ids}
}
