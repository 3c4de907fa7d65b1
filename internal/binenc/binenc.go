// Package binenc holds the primitives of the snapshots' binary encoding
// that contact and externalcontact share: a magic, then a deflate stream
// of varints and length-prefixed strings. Each package keeps its own
// layout, magic and errors; this package only writes and reads the parts.
package binenc

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
)

// Compress returns magic followed by the deflate stream (best speed) of
// what body writes.
func Compress(magic string, body func(*Encoder)) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(magic)
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	e := &Encoder{w: bufio.NewWriterSize(fw, 64<<10)}
	body(e)
	if err := e.w.Flush(); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Inflate decompresses the deflate stream in data (what follows the
// magic), refusing more than maxSize decoded bytes: a guard against a
// deflate bomb.
func Inflate(data []byte, maxSize int) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), int64(maxSize)+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxSize {
		return nil, fmt.Errorf("larger than %d bytes", maxSize)
	}
	return raw, nil
}

// Decoder reads the encoding from one string, so that every decoded
// string is a substring of it and costs no allocation; the first problem
// sticks (see [Decoder.Err]) and every later read returns zero values.
type Decoder struct {
	b   string
	err error
}

// NewDecoder returns a Decoder reading b.
func NewDecoder(b string) *Decoder { return &Decoder{b: b} }

// Err returns the first problem met, or nil.
func (d *Decoder) Err() error { return d.err }

// Len returns the count of bytes not read yet.
func (d *Decoder) Len() int { return len(d.b) }

// Fail records msg as the problem, unless there is one already, and
// drops the rest of the input.
func (d *Decoder) Fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.b = ""
}

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.b) && i < maxVarintLen64; i++ {
		c := d.b[i]
		if i == maxVarintLen64-1 && c > 1 {
			break // overflows 64 bits
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.b = d.b[i+1:]
			return v
		}
	}
	d.Fail("truncated")
	return 0
}

// Varint reads a signed (zig-zag) varint.
func (d *Decoder) Varint() int64 {
	u := d.Uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// Count reads a length whose elements take at least minBytes each, so a
// corrupt length cannot make the decoder allocate more than the data.
func (d *Decoder) Count(minBytes int) int {
	v := d.Uvarint()
	if v > uint64(len(d.b)/minBytes) {
		d.Fail("bad length")
		return 0
	}
	return int(v)
}

// Str reads a length-prefixed string.
func (d *Decoder) Str() string {
	n := d.Count(1)
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

// Strs reads what [Encoder.Strs] wrote: nil for none.
func (d *Decoder) Strs() []string {
	n := d.Count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.Str()
	}
	return out
}

// NilStrs reads what [Encoder.NilStrs] wrote, telling nil from empty.
func (d *Decoder) NilStrs() []string {
	v := d.Uvarint()
	if v == 0 || d.err != nil {
		return nil
	}
	if v-1 > uint64(len(d.b)) {
		d.Fail("bad length")
		return nil
	}
	out := make([]string, v-1)
	for i := range out {
		out[i] = d.Str()
	}
	return out
}
