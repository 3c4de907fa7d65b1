package kf

import (
	"context"
	"fmt"
)

// State is a session's service state (会话状态, doc 94669).
type State int

// The session states and what WeCom lets each become through
// [Client.TransServiceState] (doc 94669):
//
//	StateNew        → StateAssistant, StatePool, StateServicer
//	StateAssistant  → StatePool, StateServicer
//	StatePool       → StateServicer
//	StateServicer   → StateServicer (another receptionist), StateEnded
//	StateEnded      → none: the customer's next message makes it StateNew
//
// Messages may be sent with [Client.Send] in StateNew and StateAssistant
// only.
const (
	StateNew       State = 0 // 未处理: a new session, the customer wrote
	StateAssistant State = 1 // 由智能助手接待: handled by the API (a bot)
	StatePool      State = 2 // 待接入池排队中: queued for a receptionist
	StateServicer  State = 3 // 由人工接待: a receptionist serves it
	StateEnded     State = 4 // 已结束/未开始: ended, or not begun
)

// SessionState is a session's state and, in StateServicer, its
// receptionist.
type SessionState struct {
	State          State
	ServicerUserID string // an open_userid for third-party apps
}

// ServiceState returns the state of the session between the kf account
// openKfID and the customer externalUserID (kf/service_state/get, doc
// 94669).
func (c *Client) ServiceState(ctx context.Context, openKfID, externalUserID string) (SessionState, error) {
	if err := errorsOf(required("open_kfid", openKfID), required("external userid", externalUserID)); err != nil {
		return SessionState{}, err
	}
	a, err := serviceStateGet.Call(ctx, c.corp, &sessionRequest{OpenKfID: openKfID, ExternalUserID: externalUserID})
	if err != nil {
		return SessionState{}, fmt.Errorf("kf: service state of %s: %w", externalUserID, err)
	}
	return SessionState{State: a.ServiceState, ServicerUserID: a.ServicerUserID}, nil
}

// TransServiceState moves the session to state, served by servicerUserID
// when state is StateServicer (the receptionist must be receiving)
// (kf/service_state/trans, doc 94669). WeCom refuses a move its table does
// not allow. The msg_code it returns, when not "", lets
// [Client.SendOnEvent] send one message for the move: a queue notice
// (StatePool, 48 h), a notice when a receptionist takes a queued session
// (48 h), or a closing message (StateEnded, 20 s).
func (c *Client) TransServiceState(ctx context.Context, openKfID, externalUserID string, state State, servicerUserID string) (msgCode string, err error) {
	if err := errorsOf(required("open_kfid", openKfID), required("external userid", externalUserID)); err != nil {
		return "", err
	}
	if state < StateAssistant || state > StateEnded {
		return "", fmt.Errorf("%w: service state %d", ErrInvalidArgument, state)
	}
	if state == StateServicer && servicerUserID == "" {
		return "", fmt.Errorf("%w: state %d needs a servicer userid", ErrInvalidArgument, state)
	}
	req := &transRequest{OpenKfID: openKfID, ExternalUserID: externalUserID, ServiceState: state, ServicerUserID: servicerUserID}
	a, err := serviceStateTrans.Call(ctx, c.corp, req)
	if err != nil {
		return "", fmt.Errorf("kf: move session of %s to state %d: %w", externalUserID, state, err)
	}
	return a.MsgCode, nil
}

func errorsOf(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
