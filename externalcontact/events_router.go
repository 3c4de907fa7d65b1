package externalcontact

import (
	"context"
	"errors"
	"sync"

	"github.com/wecomkit/wecomkit/crypto"
)

// EventRouter is a [crypto.Handler] that types customer-contact
// callbacks ([ParseEvent]) and calls the function registered for their
// kind and ChangeType. It serves a self-built app's callback
// (crypto.NewHandler), a third-party app's data callback
// (suite.Suite.DataHandler) and, through [EventRouter.Dispatch], a
// third-party app's command callback (suite.OnEvent).
//
// It never fails a callback it does not know: anything that is not a
// customer-contact event, or is one with no function registered, goes to
// the fallback ([EventRouter.Fallback]) when there is one and is
// otherwise answered "success". A customer-contact event that does not
// parse (a field WeCom sent malformed) is answered "success" too — a
// retry would not fix it — and reported to [EventRouter.OnDropped].
// Only an error from a registered function fails the callback (HTTP 500,
// so WeCom pushes it again): registered functions must be idempotent and
// quick (WeCom waits about a second).
//
// Register before serving; registering while callbacks arrive is safe but
// a callback sees either the old or the new function.
type EventRouter struct {
	mu       sync.RWMutex
	routes   map[route]func(context.Context, *Event) error
	any      func(context.Context, *Event) error
	fallback crypto.Handler
	dropped  func(context.Context, error)
	taps     []func(context.Context, *Event)
}

type route struct {
	kind   EventKind
	change ChangeType
}

// NewEventRouter returns a router with nothing registered: every callback
// is answered "success" until functions are.
func NewEventRouter() *EventRouter {
	return &EventRouter{routes: make(map[route]func(context.Context, *Event) error)}
}

// On registers f for the events of kind with ChangeType change,
// replacing an earlier registration. It is the plain form every typed
// On… method is built on, and serves ChangeTypes this package has no
// constant for.
func (r *EventRouter) On(kind EventKind, change ChangeType, f func(ctx context.Context, ev *Event) error) *EventRouter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f == nil {
		delete(r.routes, route{kind, change})
	} else {
		r.routes[route{kind, change}] = f
	}
	return r
}

// OnAny registers f for every customer-contact event no On… function
// took, before the fallback is considered.
func (r *EventRouter) OnAny(f func(ctx context.Context, ev *Event) error) *EventRouter {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.any = f
	return r
}

// Tap adds f to the functions that see every customer-contact event that
// parsed, before it is routed — a [Syncer]'s Observe, a metric, a log.
// They run on the callback's goroutine and must not block.
func (r *EventRouter) Tap(f func(ctx context.Context, ev *Event)) *EventRouter {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f != nil {
		r.taps = append(r.taps, f)
	}
	return r
}

// Fallback sets the handler for every callback the router does not route:
// other events and messages, and customer-contact events with no function
// registered. Its reply, if any, is the callback's.
func (r *EventRouter) Fallback(h crypto.Handler) *EventRouter {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fallback = h
	return r
}

// OnDropped sets f to receive every error the router answers "success"
// for regardless: a customer-contact callback that did not parse, and,
// from [EventRouter.Dispatch], an error of a registered function. The
// error carries no secret.
func (r *EventRouter) OnDropped(f func(ctx context.Context, err error)) *EventRouter {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dropped = f
	return r
}

func (r *EventRouter) customer(change ChangeType, f func(context.Context, *CustomerEvent) error) *EventRouter {
	return r.On(KindCustomer, change, wrapTyped(f, func(ev *Event) *CustomerEvent { return ev.Customer }))
}

func (r *EventRouter) chat(change ChangeType, f func(context.Context, *ChatEvent) error) *EventRouter {
	return r.On(KindChat, change, wrapTyped(f, func(ev *Event) *ChatEvent { return ev.Chat }))
}

func (r *EventRouter) tag(change ChangeType, f func(context.Context, *TagEvent) error) *EventRouter {
	return r.On(KindTag, change, wrapTyped(f, func(ev *Event) *TagEvent { return ev.Tag }))
}

func wrapTyped[T any](f func(context.Context, *T) error, get func(*Event) *T) func(context.Context, *Event) error {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, ev *Event) error { return f(ctx, get(ev)) }
}

// OnAddCustomer registers f for add_external_contact: a member added a
// customer. ev.WelcomeCode, when set, lets the app send the welcome
// message — soon, WeCom's code expires quickly.
func (r *EventRouter) OnAddCustomer(f func(ctx context.Context, ev *CustomerEvent) error) *EventRouter {
	return r.customer(ChangeAddCustomer, f)
}

// OnEditCustomer registers f for edit_external_contact: a member changed
// a customer's remark, description or corp tags.
func (r *EventRouter) OnEditCustomer(f func(ctx context.Context, ev *CustomerEvent) error) *EventRouter {
	return r.customer(ChangeEditCustomer, f)
}

// OnAddHalfCustomer registers f for add_half_external_contact: a customer
// added a member without verification; the member has not yet accepted.
func (r *EventRouter) OnAddHalfCustomer(f func(ctx context.Context, ev *CustomerEvent) error) *EventRouter {
	return r.customer(ChangeAddHalfCustomer, f)
}

// OnDeleteCustomer registers f for del_external_contact: a member deleted
// a customer (ev.Source says whether by transfer).
func (r *EventRouter) OnDeleteCustomer(f func(ctx context.Context, ev *CustomerEvent) error) *EventRouter {
	return r.customer(ChangeDeleteCustomer, f)
}

// OnDeleteFollower registers f for del_follow_user: a customer deleted a
// member.
func (r *EventRouter) OnDeleteFollower(f func(ctx context.Context, ev *CustomerEvent) error) *EventRouter {
	return r.customer(ChangeDeleteFollower, f)
}

// OnTransferFail registers f for transfer_fail: a customer could not be
// transferred to member ev.UserID (ev.FailReason).
func (r *EventRouter) OnTransferFail(f func(ctx context.Context, ev *CustomerEvent) error) *EventRouter {
	return r.customer(ChangeTransferFail, f)
}

// OnChatCreate registers f for change_external_chat create.
func (r *EventRouter) OnChatCreate(f func(ctx context.Context, ev *ChatEvent) error) *EventRouter {
	return r.chat(ChangeCreate, f)
}

// OnChatUpdate registers f for change_external_chat update
// (ev.UpdateDetail says what changed).
func (r *EventRouter) OnChatUpdate(f func(ctx context.Context, ev *ChatEvent) error) *EventRouter {
	return r.chat(ChangeUpdate, f)
}

// OnChatDismiss registers f for change_external_chat dismiss.
func (r *EventRouter) OnChatDismiss(f func(ctx context.Context, ev *ChatEvent) error) *EventRouter {
	return r.chat(ChangeDismiss, f)
}

// OnTagCreate registers f for change_external_tag create.
func (r *EventRouter) OnTagCreate(f func(ctx context.Context, ev *TagEvent) error) *EventRouter {
	return r.tag(ChangeCreate, f)
}

// OnTagUpdate registers f for change_external_tag update.
func (r *EventRouter) OnTagUpdate(f func(ctx context.Context, ev *TagEvent) error) *EventRouter {
	return r.tag(ChangeUpdate, f)
}

// OnTagDelete registers f for change_external_tag delete.
func (r *EventRouter) OnTagDelete(f func(ctx context.Context, ev *TagEvent) error) *EventRouter {
	return r.tag(ChangeDelete, f)
}

// OnTagShuffle registers f for change_external_tag shuffle: tags or
// groups were reordered.
func (r *EventRouter) OnTagShuffle(f func(ctx context.Context, ev *TagEvent) error) *EventRouter {
	return r.tag(ChangeShuffle, f)
}

// OnAcquisition registers f for the customer_acquisition events with
// ChangeType change (AcquisitionBalanceLow …).
func (r *EventRouter) OnAcquisition(change ChangeType, f func(ctx context.Context, ev *AcquisitionEvent) error) *EventRouter {
	return r.On(KindAcquisition, change, wrapTyped(f, func(ev *Event) *AcquisitionEvent { return ev.Acquisition }))
}

// HandleEvent implements [crypto.Handler]; see [EventRouter] for what is
// routed where.
func (r *EventRouter) HandleEvent(ctx context.Context, ev *crypto.Event) ([]byte, error) {
	r.mu.RLock()
	fallback, dropped, taps := r.fallback, r.dropped, r.taps
	r.mu.RUnlock()
	typed, err := ParseEvent(ev)
	switch {
	case errors.Is(err, ErrNotCustomerContactEvent):
		if fallback != nil {
			return fallback.HandleEvent(ctx, ev)
		}
		return nil, nil
	case err != nil:
		if dropped != nil {
			dropped(ctx, err)
		}
		return nil, nil
	}
	for _, t := range taps {
		t(ctx, typed)
	}
	if f := r.lookup(typed); f != nil {
		return nil, f(ctx, typed)
	}
	if fallback != nil {
		return fallback.HandleEvent(ctx, ev)
	}
	return nil, nil
}

// Dispatch routes one callback without a reply: the shape of the function
// suite.OnEvent takes, for a third-party app's command callback. A suite job whose function returned is done, so an error of
// a registered function goes to [EventRouter.OnDropped]'s function
// instead of being lost silently.
func (r *EventRouter) Dispatch(ctx context.Context, ev *crypto.Event) {
	if _, err := r.HandleEvent(ctx, ev); err != nil {
		r.mu.RLock()
		report := r.dropped
		r.mu.RUnlock()
		if report != nil {
			report(ctx, err)
		}
	}
}

func (r *EventRouter) lookup(ev *Event) func(context.Context, *Event) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if f := r.routes[route{ev.Kind, ev.Change}]; f != nil {
		return f
	}
	return r.any
}
