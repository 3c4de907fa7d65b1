package crypto

import (
	"encoding/base64"
	"encoding/binary"
)

// The callback hot path spends much of its time in base64, so this file has a
// table-driven standard-alphabet codec for the regular case. Anything
// irregular (line breaks, which encoding/base64 skips, or invalid input) is
// handed to encoding/base64 so that results and errors stay exactly its own.

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// b64Invalid marks a character outside the alphabet in b64Dec.
const b64Invalid = 1 << 31

// b64Dec[k][ch] is the 6-bit value of ch shifted into place for position k
// of a 4-character quantum, or b64Invalid. It is computed once and never
// written again.
var b64Dec = func() (t [4][256]uint32) {
	for k := range t {
		for ch := range t[k] {
			t[k][ch] = b64Invalid
		}
	}
	for v := 0; v < len(b64Alphabet); v++ {
		ch := b64Alphabet[v]
		for k := 0; k < 4; k++ {
			t[k][ch] = uint32(v) << (18 - 6*k)
		}
	}
	return t
}()

// decodeBase64 decodes standard, padded base64 from src into dst, which must
// have room for base64.StdEncoding.DecodedLen(len(src)) bytes, and returns the
// number of bytes written. It behaves exactly as base64.StdEncoding.Decode.
func decodeBase64(dst, src []byte) (int, error) {
	n := len(src)
	if n == 0 || n%4 != 0 {
		return base64.StdEncoding.Decode(dst, src)
	}
	d := &b64Dec
	si, di := 0, 0
	// Eight characters to six bytes per step, storing eight bytes (the last
	// two are overwritten by the next step; the final quantum, decoded
	// below, keeps the store inside dst).
	for ; si+8 <= n-4 && di+8 <= len(dst); si, di = si+8, di+6 {
		q := src[si : si+8 : si+8]
		v1 := d[0][q[0]] | d[1][q[1]] | d[2][q[2]] | d[3][q[3]]
		v2 := d[0][q[4]] | d[1][q[5]] | d[2][q[6]] | d[3][q[7]]
		if (v1|v2)&b64Invalid != 0 {
			return base64.StdEncoding.Decode(dst, src)
		}
		binary.BigEndian.PutUint64(dst[di:], uint64(v1)<<40|uint64(v2)<<16)
	}
	for ; si < n-4; si += 4 {
		q := src[si : si+4 : si+4]
		v := d[0][q[0]] | d[1][q[1]] | d[2][q[2]] | d[3][q[3]]
		if v&b64Invalid != 0 {
			return base64.StdEncoding.Decode(dst, src)
		}
		o := dst[di : di+3 : di+3]
		o[0], o[1], o[2] = byte(v>>16), byte(v>>8), byte(v)
		di += 3
	}
	// The last quantum may end in padding.
	q := src[n-4:]
	switch {
	case q[2] == '=' && q[3] == '=':
		v := d[0][q[0]] | d[1][q[1]]
		if v&b64Invalid != 0 {
			return base64.StdEncoding.Decode(dst, src)
		}
		dst[di] = byte(v >> 16)
		return di + 1, nil
	case q[3] == '=':
		v := d[0][q[0]] | d[1][q[1]] | d[2][q[2]]
		if v&b64Invalid != 0 {
			return base64.StdEncoding.Decode(dst, src)
		}
		dst[di], dst[di+1] = byte(v>>16), byte(v>>8)
		return di + 2, nil
	default:
		v := d[0][q[0]] | d[1][q[1]] | d[2][q[2]] | d[3][q[3]]
		if v&b64Invalid != 0 {
			return base64.StdEncoding.Decode(dst, src)
		}
		dst[di], dst[di+1], dst[di+2] = byte(v>>16), byte(v>>8), byte(v)
		return di + 3, nil
	}
}

// b64Enc2[v] is the two base64 characters for the 12-bit value v, first
// character in the low byte. Computed once and never written again.
var b64Enc2 = func() (t [1 << 12]uint16) {
	for v := range t {
		t[v] = uint16(b64Alphabet[v>>6]) | uint16(b64Alphabet[v&0x3F])<<8
	}
	return t
}()

// encodeBase64Tail base64-encodes, in place, the n bytes at the end of buf,
// which must be exactly base64.StdEncoding.EncodedLen(n) long; the encoding
// fills all of buf. Writing forward from the start never overtakes the input:
// group k is written to buf[4k:4k+4] after being read from
// buf[len(buf)-n+3k:][:3], and 4k+4 ≤ len(buf)-n+3k+3 because
// len(buf)-n ≥ ⌈n/3⌉ ≥ k+1. This lets EncryptMsg build its reply in a single
// allocation.
func encodeBase64Tail(buf []byte, n int) {
	si := len(buf) - n
	di := 0
	// Six bytes to eight characters per step, reading eight bytes (two of the
	// next step) before storing eight. The guard keeps the store behind the
	// unread input, which the proof above only grants for 3-byte groups.
	t := &b64Enc2
	for n >= 8 && di+8 <= si+6 {
		v := binary.BigEndian.Uint64(buf[si:])
		binary.LittleEndian.PutUint64(buf[di:], uint64(t[v>>52&0xFFF])|
			uint64(t[v>>40&0xFFF])<<16|uint64(t[v>>28&0xFFF])<<32|uint64(t[v>>16&0xFFF])<<48)
		si += 6
		di += 8
		n -= 6
	}
	for ; n >= 3; n -= 3 {
		v := uint(buf[si])<<16 | uint(buf[si+1])<<8 | uint(buf[si+2])
		o := buf[di : di+4 : di+4]
		o[0] = b64Alphabet[v>>18&0x3F]
		o[1] = b64Alphabet[v>>12&0x3F]
		o[2] = b64Alphabet[v>>6&0x3F]
		o[3] = b64Alphabet[v&0x3F]
		si += 3
		di += 4
	}
	switch n {
	case 2:
		v := uint(buf[si])<<16 | uint(buf[si+1])<<8
		buf[di], buf[di+1], buf[di+2], buf[di+3] = b64Alphabet[v>>18&0x3F], b64Alphabet[v>>12&0x3F], b64Alphabet[v>>6&0x3F], '='
	case 1:
		v := uint(buf[si]) << 16
		buf[di], buf[di+1], buf[di+2], buf[di+3] = b64Alphabet[v>>18&0x3F], b64Alphabet[v>>12&0x3F], '=', '='
	}
}
