package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestURL(t *testing.T) {
	got := URL("https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=S3CRET&x=1")
	require.NotContains(t, got, "S3CRET")
	require.Contains(t, got, "corpid=ww1")
	require.Contains(t, got, "x=1")

	got = URL("http://u:pw@h/cgi-bin/user/get?access_token=TOK&userid=zhangsan")
	require.NotContains(t, got, "TOK")
	require.NotContains(t, got, "pw")
	require.Contains(t, got, "userid=zhangsan")

	require.Equal(t, Placeholder, URL("http://[::1:bad"))
	require.NotContains(t, URL("http://h/p?access_token=%zzTOK"), "TOK")
}

func TestError(t *testing.T) {
	inner := &url.Error{Op: "Get", URL: "https://h/cgi-bin/x?access_token=TOKEN123&a=b", Err: context.DeadlineExceeded}
	err := Error(fmt.Errorf("wecom: %w", inner), "EXTRA")
	require.NotContains(t, err.Error(), "TOKEN123")
	require.Contains(t, err.Error(), "a=b")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ue *url.Error
	require.True(t, errors.As(err, &ue))

	plain := errors.New("nothing to hide")
	require.Same(t, plain, Error(plain))
	require.NoError(t, Error(nil))
	require.NotContains(t, Error(errors.New("bad TOKEN9"), "TOKEN9").Error(), "TOKEN9")
}
