package externalcontact

import (
	"context"
	"fmt"
	"iter"

	"github.com/wecomkit/wecomkit/wecom"
)

// cursorPages yields the rows of a cursor-paged endpoint: it calls ep with
// req, yields the answer's rows, and follows next_cursor (set into req by
// setCursor) until WeCom answers none, or the same one again. It stops
// after the first error it yields, or when the caller stops.
func cursorPages[Req, Resp, Row any](ctx context.Context, c wecom.Caller[wecom.CorpToken], ep *wecom.Endpoint[wecom.CorpToken, *Req, Resp],
	req *Req, setCursor func(*Req, string), rows func(*Resp) ([]Row, string), what string) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		var zero Row
		cursor := ""
		for {
			setCursor(req, cursor)
			a, err := ep.Call(ctx, c, req)
			if err != nil {
				yield(zero, fmt.Errorf("externalcontact: %s: %w", what, err))
				return
			}
			list, next := rows(a)
			for _, r := range list {
				if !yield(r, nil) {
					return
				}
			}
			if next == "" || next == cursor {
				return
			}
			cursor = next
		}
	}
}

// invalidSeq is a sequence holding only err.
func invalidSeq[Row any](err error) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		var zero Row
		yield(zero, err)
	}
}
