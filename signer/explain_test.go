package signer

import (
	"fmt"
	"math"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMaskedStringToSign(t *testing.T) {
	params := url.Values{"appid": {"xxx"}, "ts": {"241321"}, "sign": {"ignored"}}
	require.Equal(t, "appid=xxx&ts=241321#***", MaskedStringToSign(params))
}

func TestExplain(t *testing.T) {
	const secret = "s3cr3t-explain"
	const now = 1_700_000_000
	clock := WithClock(func() time.Time { return time.Unix(now, 0) })
	ts := fmt.Sprint(now - 20)
	signed := func(p url.Values) url.Values {
		q := cloneValues(p)
		q.Set("sign", Sign(p, secret))
		return q
	}
	appidTS := url.Values{"appid": {"ww1"}, "ts": {ts}}
	withCode := url.Values{"appid": {"ww1"}, "code": {"c0de"}, "ts": {ts}}
	pairSigned := cloneValues(withCode)
	pairSigned.Set("sign", Sign(appidTS, secret))

	tests := []struct {
		name       string
		opts       []Option
		params     url.Values
		form       Form
		err        error
		offset     int64
		tsValid    bool
		candidates []string
		fields     [][]string
		note       string
	}{
		{
			name: "all parameters", params: signed(withCode), form: FormAll, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&code=c0de&ts=" + ts + "#***", "appid=ww1&ts=" + ts + "#***"},
			fields:     [][]string{{"appid", "code", "ts"}, {"appid", "ts"}},
		},
		{
			name: "appid and ts only", params: pairSigned, form: FormAppIDTS, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&code=c0de&ts=" + ts + "#***", "appid=ww1&ts=" + ts + "#***"},
		},
		{
			name: "strict refuses the pair", opts: []Option{Strict()}, params: pairSigned, err: ErrBadSignature, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&code=c0de&ts=" + ts + "#***"},
		},
		{
			name: "fields", opts: []Option{WithFields("code", "ts")}, params: signed(url.Values{"code": {"c0de"}, "ts": {ts}}),
			form: FormFields, offset: -20, tsValid: true,
			candidates: []string{"code=c0de&ts=" + ts + "#***"},
		},
		{
			name: "duplicate pair collapses", params: signed(appidTS), form: FormAll, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&ts=" + ts + "#***"},
		},
		{
			name: "missing sign still lists candidates", params: withCode, err: ErrMissingSignature, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&code=c0de&ts=" + ts + "#***", "appid=ww1&ts=" + ts + "#***"},
		},
		{
			name: "expired", params: signed(url.Values{"appid": {"ww1"}, "ts": {"241321"}}), err: ErrExpired,
			offset: 241321 - now, tsValid: true,
			candidates: []string{"appid=ww1&ts=241321#***"},
		},
		{
			name: "ahead", params: signed(url.Values{"appid": {"ww1"}, "ts": {fmt.Sprint(now + 400)}}), err: ErrExpired,
			offset: 400, tsValid: true,
			candidates: []string{fmt.Sprintf("appid=ww1&ts=%d#***", now+400)},
		},
		{
			name: "bad ts", params: url.Values{"ts": {"soon"}, "sign": {"x"}}, err: ErrBadTimestamp,
			candidates: []string{"ts=soon#***"}, note: "appid is absent",
		},
		{
			name: "short sign", params: url.Values{"appid": {"ww1"}, "ts": {ts}, "sign": {"abc"}}, err: ErrBadSignature, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&ts=" + ts + "#***"}, note: "not 64 hex digits (3 characters)",
		},
		{
			name: "double encoded", params: url.Values{"appid": {"ww1"}, "ts": {ts}, "pageUrl": {"https%3A%2F%2Fa.example%2F"}, "sign": {"00"}},
			err: ErrBadSignature, offset: -20, tsValid: true,
			candidates: []string{"appid=ww1&pageUrl=https%3A%2F%2Fa.example%2F&ts=" + ts + "#***", "appid=ww1&ts=" + ts + "#***"},
			note:       "pageUrl still holds percent-escapes",
		},
		{
			name: "ts far out of range", params: url.Values{"ts": {fmt.Sprint(int64(math.MinInt64))}, "sign": {"00"}}, err: ErrExpired,
			offset: math.MinInt64 + 0, tsValid: true, candidates: []string{fmt.Sprintf("ts=%d#***", int64(math.MinInt64))},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(secret, append([]Option{clock}, tt.opts...)...)
			require.NoError(t, err)
			e := v.Explain(tt.params)
			require.Equal(t, tt.form, e.Form)
			if tt.err == nil {
				require.NoError(t, e.Err)
			} else {
				require.ErrorIs(t, e.Err, tt.err)
			}
			_, matchErr := v.Match(tt.params)
			require.Equal(t, fmt.Sprint(matchErr), fmt.Sprint(e.Err), "Explain agrees with Match")
			require.Equal(t, tt.tsValid, e.TSValid)
			require.Equal(t, tt.offset, e.Offset)
			require.Equal(t, DefaultWindow, e.Window)
			var got []string
			for _, c := range e.Candidates {
				got = append(got, c.StringToSign)
			}
			require.Equal(t, tt.candidates, got)
			if tt.fields != nil {
				var fields [][]string
				for _, c := range e.Candidates {
					fields = append(fields, c.Fields)
				}
				require.Equal(t, tt.fields, fields)
			}
			if tt.note != "" {
				require.Contains(t, fmt.Sprint(e.Notes), tt.note)
			}
			require.NotContains(t, fmt.Sprintf("%+v", e), secret)
		})
	}
}

func TestSubSaturating(t *testing.T) {
	for _, tt := range []struct{ a, b, want int64 }{
		{5, 3, 2},
		{3, 5, -2},
		{math.MaxInt64, -1, math.MaxInt64},
		{math.MinInt64, 1, math.MinInt64},
		{math.MinInt64, 1_700_000_000, math.MinInt64},
		{math.MaxInt64, 1_700_000_000, math.MaxInt64 - 1_700_000_000},
	} {
		require.Equal(t, tt.want, subSaturating(tt.a, tt.b), "%d-%d", tt.a, tt.b)
	}
}

func cloneValues(p url.Values) url.Values {
	q := make(url.Values, len(p))
	for k, v := range p {
		q[k] = append([]string(nil), v...)
	}
	return q
}
