package kf

import (
	"context"
	"fmt"
)

// MaxServicers is how many userids servicer/add and servicer/del take in
// one call (docs 94646, 94647).
const MaxServicers = 100

// Servicer statuses (servicer/list, doc 94645).
const (
	ServicerReceiving = 0 // 接待中
	ServicerStopped   = 1 // 停止接待
)

// Servicer is a receptionist (接待人员) of a kf account: a member, or a
// whole department.
type Servicer struct {
	UserID       string `json:"userid,omitempty"` // an open_userid for third-party apps
	Status       int    `json:"status"`           // ServicerReceiving or ServicerStopped
	StopType     int    `json:"stop_type"`        // when stopped: 0 stopped, 1 suspended (暂时挂起)
	DepartmentID int64  `json:"department_id,omitempty"`
}

// ServicerResult is WeCom's answer for one userid of a servicer/add or
// servicer/del call: errcode 0 for success.
type ServicerResult struct {
	UserID       string `json:"userid,omitempty"`
	DepartmentID int64  `json:"department_id,omitempty"`
	ErrCode      int    `json:"errcode"`
	ErrMsg       string `json:"errmsg"`
}

func checkServicers(openKfID string, userIDs []string, departments []int64) error {
	if err := required("open_kfid", openKfID); err != nil {
		return err
	}
	if len(userIDs) == 0 && len(departments) == 0 {
		return fmt.Errorf("%w: no userids or departments", ErrInvalidArgument)
	}
	if len(userIDs) > MaxServicers || len(departments) > MaxServicers {
		return fmt.Errorf("%w: at most %d userids and %d departments a call", ErrInvalidArgument, MaxServicers, MaxServicers)
	}
	return nil
}

// AddServicers makes the members userIDs and the departments receptionists
// of the kf account openKfID (kf/servicer/add, doc 94646), at most 100 of
// each a call. WeCom answers each one: see the results' ErrCode.
func (c *Client) AddServicers(ctx context.Context, openKfID string, userIDs []string, departments ...int64) ([]ServicerResult, error) {
	if err := checkServicers(openKfID, userIDs, departments); err != nil {
		return nil, err
	}
	a, err := servicerAdd.Call(ctx, c.corp, &servicerRequest{OpenKfID: openKfID, UserIDList: userIDs, DepartmentIDList: departments})
	if err != nil {
		return nil, fmt.Errorf("kf: add servicers to %s: %w", openKfID, err)
	}
	return a.ResultList, nil
}

// DeleteServicers removes receptionists from the kf account openKfID
// (kf/servicer/del, doc 94647).
func (c *Client) DeleteServicers(ctx context.Context, openKfID string, userIDs []string, departments ...int64) ([]ServicerResult, error) {
	if err := checkServicers(openKfID, userIDs, departments); err != nil {
		return nil, err
	}
	a, err := servicerDel.Call(ctx, c.corp, &servicerRequest{OpenKfID: openKfID, UserIDList: userIDs, DepartmentIDList: departments})
	if err != nil {
		return nil, fmt.Errorf("kf: delete servicers of %s: %w", openKfID, err)
	}
	return a.ResultList, nil
}

// Servicers returns the receptionists of the kf account openKfID
// (kf/servicer/list, doc 94645).
func (c *Client) Servicers(ctx context.Context, openKfID string) ([]Servicer, error) {
	if err := required("open_kfid", openKfID); err != nil {
		return nil, err
	}
	a, err := servicerList.Call(ctx, c.corp, servicerListRequest{OpenKfID: openKfID})
	if err != nil {
		return nil, fmt.Errorf("kf: servicers of %s: %w", openKfID, err)
	}
	return a.ServicerList, nil
}
