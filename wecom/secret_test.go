package wecom

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("hunter2-secret")
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %s %q %x %+v %#v %10s", s, s, s, s, s, s, s),
		fmt.Sprintf("%v", struct{ S Secret }{s}), fmt.Sprintf("%+v", &struct{ S Secret }{s}),
	} {
		require.NotContains(t, out, "hunter2")
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "secret", s, "group", slog.GroupValue(slog.Any("s", s)))
	require.NotContains(t, b.String(), "hunter2")
	txt, err := s.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "[redacted]", string(txt))
	require.Equal(t, "hunter2-secret", s.Reveal())
	js, err := json.Marshal(struct{ S Secret }{s})
	require.NoError(t, err)
	require.JSONEq(t, `{"S":"[redacted]"}`, string(js))
	require.False(t, s.IsZero())
	require.True(t, Secret("").IsZero())
}
