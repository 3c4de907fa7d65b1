package externalcontact

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// The customer-acquisition endpoints (获客助手): links (获客链接管理, doc
// 97297), the customers who came through them (doc 97298), the quota and
// a link's statistics (额度管理与使用统计, doc 97375).
var (
	listAcquisitionLinks = &wecom.Endpoint[wecom.CorpToken, *cursorRequest, listLinksAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/list_link", Doc: 97297, Idempotent: true,
		Entry: "externalcontact.Client.AcquisitionLinks",
	}
	getAcquisitionLink = &wecom.Endpoint[wecom.CorpToken, *linkIDRequest, linkAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/get", Doc: 97297, Idempotent: true,
		Entry: "externalcontact.Client.AcquisitionLink",
	}
	createAcquisitionLink = &wecom.Endpoint[wecom.CorpToken, *linkRequest, linkAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/create_link", Doc: 97297,
		Entry: "externalcontact.Client.CreateAcquisitionLink",
	}
	updateAcquisitionLink = &wecom.Endpoint[wecom.CorpToken, *linkUpdateRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/update_link", Doc: 97297, Idempotent: true,
		Entry: "externalcontact.Client.UpdateAcquisitionLink",
	}
	deleteAcquisitionLink = &wecom.Endpoint[wecom.CorpToken, *linkIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/delete_link", Doc: 97297,
		Entry: "externalcontact.Client.DeleteAcquisitionLink",
	}
	acquisitionCustomers = &wecom.Endpoint[wecom.CorpToken, *linkCustomersRequest, linkCustomersAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/customer", Doc: 97298, Idempotent: true,
		Entry: "externalcontact.Client.AcquisitionCustomers",
	}
	acquisitionQuota = &wecom.Endpoint[wecom.CorpToken, struct{}, AcquisitionQuota]{
		Method: http.MethodGet, Path: "/cgi-bin/externalcontact/customer_acquisition_quota", Doc: 97375,
		Entry: "externalcontact.Client.AcquisitionQuota",
	}
	acquisitionStatistic = &wecom.Endpoint[wecom.CorpToken, *linkStatRequest, AcquisitionStats]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/customer_acquisition/statistic", Doc: 97375, Idempotent: true,
		Entry: "externalcontact.Client.AcquisitionStatistic",
	}
)

// Pages of the acquisition lists: list_link takes at most 100 ids a
// call, customer at most 1000 customers (docs 97297, 97298).
const (
	acquisitionLinkPage     = 100
	acquisitionCustomerPage = 1000
)

// AcquisitionRange is who a customer-acquisition link leads to: members
// and departments (range).
type AcquisitionRange struct {
	UserList       []string `json:"user_list,omitempty"`
	DepartmentList []int64  `json:"department_list,omitempty"`
}

// AcquisitionLink is a customer-acquisition link (获客链接).
type AcquisitionLink struct {
	LinkID     string           `json:"link_id"`
	LinkName   string           `json:"link_name"`
	URL        string           `json:"url"` // append customer_channel=… to tell channels apart (AcquisitionCustomer.State)
	CreateTime int64            `json:"create_time"`
	SkipVerify bool             `json:"skip_verify"`
	Range      AcquisitionRange `json:"-"`
}

// AcquisitionCustomer is a customer who added a member through a link.
type AcquisitionCustomer struct {
	ExternalUserID string `json:"external_userid"`
	UserID         string `json:"userid"` // the member they added
	// ChatStatus: 0 the customer sent no message, 1 they did, 2 unknown.
	ChatStatus int    `json:"chat_status"`
	State      string `json:"state,omitempty"` // the link's customer_channel
}

// AcquisitionQuota is the corporation's acquisition quota: each customer
// a link brings uses one (customer_acquisition_quota, doc 97375).
type AcquisitionQuota struct {
	Total     int          `json:"total"`      // used so far (历史累计使用量)
	Balance   int          `json:"balance"`    // left
	QuotaList []QuotaGrant `json:"quota_list"` // the grants not yet expired
}

// QuotaGrant is a part of the quota that expires on one date.
type QuotaGrant struct {
	// ExpireDate is the midnight of the day it expires (unix seconds);
	// the exact time depends on when it was bought.
	ExpireDate int64 `json:"expire_date"`
	Balance    int   `json:"balance"`
}

// AcquisitionStats is a link's use over a time span
// (customer_acquisition/statistic, doc 97375).
type AcquisitionStats struct {
	ClickLinkCustomerCnt int `json:"click_link_customer_cnt"` // customers who opened the link
	NewCustomerCnt       int `json:"new_customer_cnt"`        // customers who added a member through it
}

type cursorRequest struct {
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

type listLinksAnswer struct {
	LinkIDList []string `json:"link_id_list"`
	NextCursor string   `json:"next_cursor"`
}

type linkIDRequest struct {
	LinkID string `json:"link_id" wecom:"required"`
}

type linkAnswer struct {
	Link       AcquisitionLink  `json:"link"`
	Range      AcquisitionRange `json:"range"`
	SkipVerify *bool            `json:"skip_verify"` // some versions of the page put it here, beside link
}

type linkRequest struct {
	LinkName   string           `json:"link_name" wecom:"required"`
	Range      AcquisitionRange `json:"range" wecom:"required"`
	SkipVerify bool             `json:"skip_verify"`
}

type linkUpdateRequest struct {
	LinkID     string            `json:"link_id" wecom:"required"`
	LinkName   string            `json:"link_name,omitempty"`
	Range      *AcquisitionRange `json:"range,omitempty"`
	SkipVerify *bool             `json:"skip_verify,omitempty"`
}

type linkCustomersRequest struct {
	LinkID string `json:"link_id" wecom:"required"`
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

type linkCustomersAnswer struct {
	CustomerList []AcquisitionCustomer `json:"customer_list"`
	NextCursor   string                `json:"next_cursor"`
}

type linkStatRequest struct {
	LinkID    string `json:"link_id" wecom:"required"`
	StartTime int64  `json:"start_time" wecom:"required"`
	EndTime   int64  `json:"end_time" wecom:"required"`
}

// MaxAcquisitionMembers is the most members an acquisition link's range
// covers, departments expanded (doc 97297: range.user_list 最多500人,
// range覆盖的总用户数不得超过500人). wecomkit checks UserList; WeCom
// counts the departments' members too.
const MaxAcquisitionMembers = 500

func checkRange(r AcquisitionRange) error {
	if len(r.UserList)+len(r.DepartmentList) == 0 {
		return fmt.Errorf("%w: a link needs members or departments", ErrInvalidArgument)
	}
	if len(r.UserList) > MaxAcquisitionMembers {
		return fmt.Errorf("%w: a link's range of %d members, at most %d", ErrInvalidArgument, len(r.UserList), MaxAcquisitionMembers)
	}
	return nil
}

// AcquisitionLinks yields the ids of the acquisition links this app
// created that are still valid (customer_acquisition/list_link, doc
// 97297), following next_cursor. The sequence stops after the first error
// it yields.
func (c *Client) AcquisitionLinks(ctx context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		req := &cursorRequest{Limit: acquisitionLinkPage}
		for {
			a, err := listAcquisitionLinks.Call(ctx, c.corp, req)
			if err != nil {
				yield("", fmt.Errorf("externalcontact: acquisition links: %w", err))
				return
			}
			for _, id := range a.LinkIDList {
				if !yield(id, nil) {
					return
				}
			}
			if a.NextCursor == "" || a.NextCursor == req.Cursor {
				return
			}
			req.Cursor = a.NextCursor
		}
	}
}

// AcquisitionLink returns the link linkID with its range
// (customer_acquisition/get, doc 97297).
func (c *Client) AcquisitionLink(ctx context.Context, linkID string) (*AcquisitionLink, error) {
	if err := required("link_id", linkID); err != nil {
		return nil, err
	}
	a, err := getAcquisitionLink.Call(ctx, c.corp, &linkIDRequest{LinkID: linkID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: acquisition link %s: %w", linkID, err)
	}
	l := a.Link
	if l.LinkID == "" {
		l.LinkID = linkID
	}
	l.Range = a.Range
	if a.SkipVerify != nil {
		l.SkipVerify = *a.SkipVerify
	}
	return &l, nil
}

// CreateAcquisitionLink creates a customer-acquisition link named name
// leading to r's members (customer_acquisition/create_link, doc 97297).
// With skipVerify customers are added without the member's confirmation.
func (c *Client) CreateAcquisitionLink(ctx context.Context, name string, r AcquisitionRange, skipVerify bool) (*AcquisitionLink, error) {
	if err := required("link_name", name); err != nil {
		return nil, err
	}
	if err := checkRange(r); err != nil {
		return nil, err
	}
	a, err := createAcquisitionLink.Call(ctx, c.corp, &linkRequest{LinkName: name, Range: r, SkipVerify: skipVerify})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: create acquisition link: %w", err)
	}
	l := a.Link
	l.Range, l.SkipVerify = r, skipVerify
	return &l, nil
}

// AcquisitionLinkUpdate is what [Client.UpdateAcquisitionLink] changes;
// empty and nil fields are left as they are.
type AcquisitionLinkUpdate struct {
	Name       string
	Range      *AcquisitionRange // replaces the range
	SkipVerify *bool
}

// UpdateAcquisitionLink changes the link linkID
// (customer_acquisition/update_link, doc 97297).
func (c *Client) UpdateAcquisitionLink(ctx context.Context, linkID string, u AcquisitionLinkUpdate) error {
	if err := required("link_id", linkID); err != nil {
		return err
	}
	if u.Range != nil {
		if err := checkRange(*u.Range); err != nil {
			return err
		}
	}
	req := &linkUpdateRequest{LinkID: linkID, LinkName: u.Name, Range: u.Range, SkipVerify: u.SkipVerify}
	if _, err := updateAcquisitionLink.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("externalcontact: update acquisition link %s: %w", linkID, err)
	}
	return nil
}

// DeleteAcquisitionLink deletes the link linkID
// (customer_acquisition/delete_link, doc 97297); it stops working.
func (c *Client) DeleteAcquisitionLink(ctx context.Context, linkID string) error {
	if err := required("link_id", linkID); err != nil {
		return err
	}
	if _, err := deleteAcquisitionLink.Call(ctx, c.corp, &linkIDRequest{LinkID: linkID}); err != nil {
		return fmt.Errorf("externalcontact: delete acquisition link %s: %w", linkID, err)
	}
	return nil
}

// AcquisitionCustomers yields the customers who added a member through
// the link linkID (customer_acquisition/customer, doc 97298), 1000 a
// call, following next_cursor. The sequence stops after the first error
// it yields.
func (c *Client) AcquisitionCustomers(ctx context.Context, linkID string) iter.Seq2[AcquisitionCustomer, error] {
	return func(yield func(AcquisitionCustomer, error) bool) {
		if err := required("link_id", linkID); err != nil {
			yield(AcquisitionCustomer{}, err)
			return
		}
		req := &linkCustomersRequest{LinkID: linkID, Limit: acquisitionCustomerPage}
		for {
			a, err := acquisitionCustomers.Call(ctx, c.corp, req)
			if err != nil {
				yield(AcquisitionCustomer{}, fmt.Errorf("externalcontact: customers of acquisition link %s: %w", linkID, err))
				return
			}
			for _, cu := range a.CustomerList {
				if !yield(cu, nil) {
					return
				}
			}
			if a.NextCursor == "" || a.NextCursor == req.Cursor {
				return
			}
			req.Cursor = a.NextCursor
		}
	}
}

// AcquisitionQuota returns the corporation's acquisition quota
// (externalcontact/customer_acquisition_quota, doc 97375).
func (c *Client) AcquisitionQuota(ctx context.Context) (*AcquisitionQuota, error) {
	a, err := acquisitionQuota.Call(ctx, c.corp, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: acquisition quota: %w", err)
	}
	return a, nil
}

// MaxAcquisitionStatSpan is the longest span
// [Client.AcquisitionStatistic] covers in one call (doc 97375: 30 days).
const MaxAcquisitionStatSpan = 30 * 24 * time.Hour

// AcquisitionStatistic returns how the link linkID was used from start's
// day to end's day, both included (customer_acquisition/statistic, doc
// 97375): WeCom counts whole days and keeps 180 of them.
func (c *Client) AcquisitionStatistic(ctx context.Context, linkID string, start, end time.Time) (*AcquisitionStats, error) {
	if err := required("link_id", linkID); err != nil {
		return nil, err
	}
	if start.IsZero() || end.Before(start) || end.Sub(start) > MaxAcquisitionStatSpan {
		return nil, fmt.Errorf("%w: a span of at most 30 days, in order", ErrInvalidArgument)
	}
	a, err := acquisitionStatistic.Call(ctx, c.corp, &linkStatRequest{LinkID: linkID, StartTime: start.Unix(), EndTime: end.Unix()})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: statistics of acquisition link %s: %w", linkID, err)
	}
	return a, nil
}
