package crypto

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDescribeCode(t *testing.T) {
	sentinels := []*Error{ErrInvalidSignature, ErrParseXML, ErrComputeSignature, ErrIllegalAESKey,
		ErrInvalidReceiveID, ErrEncryptAES, ErrDecryptAES, ErrIllegalBuffer, ErrEncodeBase64,
		ErrDecodeBase64, ErrGenReturnXML}
	for _, s := range sentinels {
		info, ok := DescribeCode(s.Code)
		require.True(t, ok, "%d", s.Code)
		require.Equal(t, s.Code, info.Code)
		require.Equal(t, codeName(s.Code), info.Name)
		require.NotEqual(t, "unknown error", info.Name)
		require.NotEmpty(t, info.Meaning)
		require.NotEmpty(t, info.Causes)
	}
	for _, code := range []int{0, -40000, -40012, 40001, -1} {
		_, ok := DescribeCode(code)
		require.False(t, ok, "%d", code)
	}
	info, _ := DescribeCode(-40001)
	require.Contains(t, info.Causes[1], "'+'")
	info.Causes[0] = "changed"
	again, _ := DescribeCode(-40001)
	require.NotEqual(t, "changed", again.Causes[0], "the table is not shared")
}

// The causes match what the code really reports: a wrong key after a good
// signature is -40008, a bad key -40004, a wrong receive id -40005.
func TestDescribeCodeMatchesFailures(t *testing.T) {
	_, err := New(vecToken, vecKey[:42], vecReceiveID)
	requireCode(t, err, ErrIllegalAESKey)

	other := []byte(vecKey)
	other[0] = 'A'
	c, err := New(vecToken, string(other), vecReceiveID)
	require.NoError(t, err)
	_, err = c.VerifyURL(vecURLSignature, vecURLTimestamp, vecURLNonce, vecEchoStr)
	var e *Error
	require.True(t, errors.As(err, &e))
	info, _ := DescribeCode(e.Code)
	require.Contains(t, info.Causes[0], "EncodingAESKey is wrong")

	c = newVecCrypt(t)
	c2, err := New(vecToken, vecKey, "wwother")
	require.NoError(t, err)
	_, err = c2.VerifyURL(vecURLSignature, vecURLTimestamp, vecURLNonce, vecEchoStr)
	requireCode(t, err, ErrInvalidReceiveID)
	_, err = c.VerifyURL(vecURLSignature, vecURLTimestamp, vecURLNonce, "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp 4RPcs8TgAE7OaBO FZXvnaqQ==")
	requireCode(t, err, ErrInvalidSignature)
}
