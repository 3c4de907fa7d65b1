package binenc

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	data, err := Compress("MAGIC", func(e *Encoder) {
		e.Uvarint(math.MaxUint64)
		e.Varint(math.MinInt64)
		e.Varint(-1)
		e.Str("héllo")
		e.Strs(nil)
		e.Strs([]string{"a", ""})
		e.NilStrs(nil)
		e.NilStrs([]string{})
		e.NilStrs([]string{"x"})
	})
	require.NoError(t, err)
	require.Equal(t, "MAGIC", string(data[:5]))
	raw, err := Inflate(data[5:], 1<<20)
	require.NoError(t, err)
	d := NewDecoder(string(raw))
	require.Equal(t, uint64(math.MaxUint64), d.Uvarint())
	require.Equal(t, int64(math.MinInt64), d.Varint())
	require.Equal(t, int64(-1), d.Varint())
	require.Equal(t, "héllo", d.Str())
	require.Nil(t, d.Strs())
	require.Equal(t, []string{"a", ""}, d.Strs())
	require.Nil(t, d.NilStrs())
	empty := d.NilStrs()
	require.NotNil(t, empty, "NilStrs tells empty from nil")
	require.Empty(t, empty)
	require.Equal(t, []string{"x"}, d.NilStrs())
	require.NoError(t, d.Err())
	require.Zero(t, d.Len())
}

func TestInflateLimit(t *testing.T) {
	data, err := Compress("", func(e *Encoder) { e.Str(string(make([]byte, 1000))) })
	require.NoError(t, err)
	_, err = Inflate(data, 100)
	require.EqualError(t, err, "larger than 100 bytes")
	_, err = Inflate([]byte("not deflate"), 100)
	require.Error(t, err)
}

func TestDecoderProblemsStick(t *testing.T) {
	d := NewDecoder("\x80") // a varint cut short
	require.Zero(t, d.Uvarint())
	require.EqualError(t, d.Err(), "truncated")
	require.Zero(t, d.Varint())
	require.Empty(t, d.Str())
	require.EqualError(t, d.Err(), "truncated", "the first problem sticks")

	over := NewDecoder("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02") // more than 64 bits
	over.Uvarint()
	require.EqualError(t, over.Err(), "truncated")

	long := NewDecoder("\x05ab") // a length beyond the data
	require.Empty(t, long.Str())
	require.EqualError(t, long.Err(), "bad length")

	count := NewDecoder("\x03abcdefgh") // 3 elements of at least 4 bytes in 8 bytes
	require.Zero(t, count.Count(4))
	require.EqualError(t, count.Err(), "bad length")

	nilStrs := NewDecoder("\x09a")
	require.Nil(t, nilStrs.NilStrs())
	require.EqualError(t, nilStrs.Err(), "bad length")
}
