package externalcontact

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// Id conversions for third-party and customised (代开发) apps, and the way
// back for a self-built app (docs 97108/95900, 97107, 95195, 95884). All
// take a corporation's access_token: the first four a third-party or
// customised app's (get_corp_token), from_service_external_userid a
// self-built app's.

var (
	unionIDToExternalUserID = &wecom.Endpoint[wecom.CorpToken, *unionIDRequest, UnionIDMatch]{
		Method: http.MethodPost, Path: "/cgi-bin/idconvert/unionid_to_external_userid", Doc: 95900, Idempotent: true,
		Entry: "externalcontact.Client.UnionIDToExternalUserID",
	}
	externalUserIDToPendingID = &wecom.Endpoint[wecom.CorpToken, *pendingIDRequest, pendingIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/idconvert/batch/external_userid_to_pending_id", Doc: 95900, Idempotent: true,
		Entry: "externalcontact.Client.PendingIDs",
	}
	getNewExternalUserID = &wecom.Endpoint[wecom.CorpToken, *newExternalUserIDRequest, newExternalUserIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_new_external_userid", Doc: 97107, Idempotent: true,
		Entry: "externalcontact.Client.NewExternalUserIDs",
	}
	toServiceExternalUserID = &wecom.Endpoint[wecom.CorpToken, *serviceIDRequest, serviceIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/to_service_external_userid", Doc: 95195, Idempotent: true,
		Entry: "externalcontact.Client.ToServiceExternalUserID",
	}
	fromServiceExternalUserID = &wecom.Endpoint[wecom.CorpToken, *serviceIDRequest, serviceIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/from_service_external_userid", Doc: 95884, Idempotent: true,
		Entry: "externalcontact.Client.FromServiceExternalUserID",
	}
)

// Limits of the id conversions.
const (
	MaxNewExternalUserIDs = 1000 // get_new_external_userid (doc 97107)
	MaxPendingIDs         = 100  // external_userid_to_pending_id
)

// Subject types of unionid_to_external_userid: whose mini program or
// official account the unionid came from.
const (
	SubjectCorp     = 0 // the corporation's
	SubjectProvider = 1 // the service provider's
)

type unionIDRequest struct {
	UnionID     string `json:"unionid" wecom:"required"`
	OpenID      string `json:"openid" wecom:"required"`
	SubjectType int    `json:"subject_type,omitempty"`
}

// UnionIDMatch is unionid_to_external_userid's answer: the customer's
// external userid, or, when the WeChat user is not a customer yet, a
// pending id valid 90 days that [Client.PendingIDs] links to the
// external userid once they are.
type UnionIDMatch struct {
	ExternalUserID string `json:"external_userid,omitempty"`
	PendingID      string `json:"pending_id,omitempty"`
}

// UnionIDToExternalUserID converts a WeChat user's unionid and openid
// (from the same mini program or official account of subject type
// subjectType) to the provider's external userid
// (idconvert/unionid_to_external_userid, doc 95900). Third-party and
// customised apps only.
func (c *Client) UnionIDToExternalUserID(ctx context.Context, unionID, openID string, subjectType int) (*UnionIDMatch, error) {
	if err := required("unionid", unionID); err != nil {
		return nil, err
	}
	if err := required("openid", openID); err != nil {
		return nil, err
	}
	if subjectType != SubjectCorp && subjectType != SubjectProvider {
		return nil, fmt.Errorf("%w: subject type %d", ErrInvalidArgument, subjectType)
	}
	a, err := unionIDToExternalUserID.Call(ctx, c.corp, &unionIDRequest{UnionID: unionID, OpenID: openID, SubjectType: subjectType})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: unionid to external userid: %w", err)
	}
	return a, nil
}

type pendingIDRequest struct {
	ChatID         string   `json:"chat_id,omitempty"`
	ExternalUserID []string `json:"external_userid" wecom:"required"`
}

type pendingIDAnswer struct {
	Result []PendingID `json:"result"`
}

// PendingID pairs a customer's external userid with the pending id a
// unionid lookup returned before they became a customer.
type PendingID struct {
	ExternalUserID string `json:"external_userid"`
	PendingID      string `json:"pending_id"`
}

// PendingIDs returns the pending ids of customers externalUserIDs
// (idconvert/batch/external_userid_to_pending_id, doc 95900); chatID, if
// set, limits the check to that customer group. Customers never looked up
// by unionid are left out.
func (c *Client) PendingIDs(ctx context.Context, externalUserIDs []string, chatID string) ([]PendingID, error) {
	if n := len(externalUserIDs); n == 0 || n > MaxPendingIDs {
		return nil, fmt.Errorf("%w: %d external userids, 1 to %d", ErrInvalidArgument, n, MaxPendingIDs)
	}
	a, err := externalUserIDToPendingID.Call(ctx, c.corp, &pendingIDRequest{ChatID: chatID, ExternalUserID: externalUserIDs})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: pending ids: %w", err)
	}
	return a.Result, nil
}

type newExternalUserIDRequest struct {
	ExternalUserIDList []string `json:"external_userid_list" wecom:"required"`
}

type newExternalUserIDAnswer struct {
	Items []NewExternalUserID `json:"items"`
}

// NewExternalUserID pairs a corporation-subject external userid with the
// provider-subject one.
type NewExternalUserID struct {
	ExternalUserID    string `json:"external_userid"`
	NewExternalUserID string `json:"new_external_userid"`
}

// NewExternalUserIDs converts external userids of the corporation's
// subject to the service provider's (externalcontact/get_new_external_userid,
// doc 97107); a provider's id comes back as it is. Third-party and
// customised apps only.
func (c *Client) NewExternalUserIDs(ctx context.Context, ids []string) ([]NewExternalUserID, error) {
	if n := len(ids); n == 0 || n > MaxNewExternalUserIDs {
		return nil, fmt.Errorf("%w: %d external userids, 1 to %d", ErrInvalidArgument, n, MaxNewExternalUserIDs)
	}
	a, err := getNewExternalUserID.Call(ctx, c.corp, &newExternalUserIDRequest{ExternalUserIDList: ids})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: new external userids: %w", err)
	}
	return a.Items, nil
}

type serviceIDRequest struct {
	ExternalUserID string `json:"external_userid" wecom:"required"`
	SourceAgentID  int64  `json:"source_agentid,omitempty"`
}

type serviceIDAnswer struct {
	ExternalUserID string `json:"external_userid"`
}

// ToServiceExternalUserID converts the external userid a customised app
// got to the one the provider's third-party app sees
// (externalcontact/to_service_external_userid, doc 95195). Customised
// apps only.
func (c *Client) ToServiceExternalUserID(ctx context.Context, externalUserID string) (string, error) {
	if err := required("external userid", externalUserID); err != nil {
		return "", err
	}
	a, err := toServiceExternalUserID.Call(ctx, c.corp, &serviceIDRequest{ExternalUserID: externalUserID})
	if err != nil {
		return "", fmt.Errorf("externalcontact: to service external userid: %w", err)
	}
	return a.ExternalUserID, nil
}

// FromServiceExternalUserID converts the external userid the third-party
// or customised app sourceAgentID got to the corporation's own
// (externalcontact/from_service_external_userid, doc 95884). Self-built
// apps only.
func (c *Client) FromServiceExternalUserID(ctx context.Context, externalUserID string, sourceAgentID int64) (string, error) {
	if err := required("external userid", externalUserID); err != nil {
		return "", err
	}
	if sourceAgentID == 0 {
		return "", fmt.Errorf("%w: no source agentid", ErrInvalidArgument)
	}
	a, err := fromServiceExternalUserID.Call(ctx, c.corp, &serviceIDRequest{ExternalUserID: externalUserID, SourceAgentID: sourceAgentID})
	if err != nil {
		return "", fmt.Errorf("externalcontact: from service external userid: %w", err)
	}
	return a.ExternalUserID, nil
}
