package oa

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"
)

// Filter narrows [Client.ApprovalNumbers] (filters of
// oa/getapprovalinfo, doc 91816). Filters of different keys must all
// match; filters of one key match any of their values. WeCom takes
// several filters of one key only for FilterDepartment.
type Filter struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Filter keys.
const (
	FilterTemplateID = "template_id"
	FilterCreator    = "creator"    // the applicant's userid
	FilterDepartment = "department" // the applicant's department id
	FilterStatus     = "sp_status"  // a Status, as decimal text
	// FilterRecordType is the application's kind: 1 leave, 2 punch
	// correction, 3 business trip, 4 going out, 5 overtime, 6 shift
	// change, 7 meeting room, 8 refund, 9 red-packet expense; only for
	// applications made since 2021-05-31.
	FilterRecordType = "record_type"
)

// MaxApprovalRange is the longest period one oa/getapprovalinfo call
// covers (doc 91816: 31 days); [Client.ApprovalNumbers] splits longer
// ones.
const MaxApprovalRange = 31 * 24 * time.Hour

// MaxApprovalPage is the most approval numbers one call answers.
const MaxApprovalPage = 100

// ApprovalQuery is what [Client.ApprovalNumbers] lists: the applications
// made from Start to End (both included, to the second) that match
// Filters.
type ApprovalQuery struct {
	Start, End time.Time
	Filters    []Filter
	// PageSize is how many numbers to ask for a call: 1 to 100, 0 for 100.
	PageSize int
}

// ApprovalNumbers yields the approval numbers (sp_no) of the applications
// q selects (oa/getapprovalinfo, doc 91816), following new_next_cursor
// page by page. WeCom answers at most 31 days a call; a longer period is
// split into consecutive windows of 31 days (the second after one window
// ends starts the next, so none is listed twice), walked in order. A
// self-built app sees only the applications of members in its visible
// range, so a page may be shorter than asked. The sequence stops when ctx
// ends or after the first error it yields.
func (c *Client) ApprovalNumbers(ctx context.Context, q ApprovalQuery) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if q.Start.IsZero() || q.End.IsZero() || q.End.Before(q.Start) {
			yield("", fmt.Errorf("%w: the period must have a start no later than its end", ErrInvalidArgument))
			return
		}
		size := q.PageSize
		if size <= 0 || size > MaxApprovalPage {
			size = MaxApprovalPage
		}
		start, end := q.Start.Unix(), q.End.Unix()
		window := int64(MaxApprovalRange / time.Second)
		for ws := start; ws <= end; ws += window + 1 {
			we := min(ws+window, end)
			req := &approvalInfoRequest{StartTime: strconv.FormatInt(ws, 10), EndTime: strconv.FormatInt(we, 10),
				Size: size, Filters: q.Filters}
			for {
				if err := ctx.Err(); err != nil {
					yield("", fmt.Errorf("oa: approval numbers: %w", err))
					return
				}
				a, err := getApprovalInfo.Call(ctx, c.corp, req)
				if err != nil {
					yield("", fmt.Errorf("oa: approval numbers from %d to %d: %w", ws, we, err))
					return
				}
				for _, n := range a.SpNoList {
					if err := ctx.Err(); err != nil {
						yield("", fmt.Errorf("oa: approval numbers: %w", err))
						return
					}
					if !yield(n, nil) {
						return
					}
				}
				if a.NewNextCursor == "" || a.NewNextCursor == req.NewCursor {
					break
				}
				req.NewCursor = a.NewNextCursor
			}
		}
	}
}
