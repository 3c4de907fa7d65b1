package binenc

import (
	"bufio"
	"encoding/binary"
)

const maxVarintLen64 = binary.MaxVarintLen64

// Encoder writes varints and length-prefixed strings to the stream of
// [Compress]. Write errors stick in the underlying buffered writer and
// are returned by Compress.
type Encoder struct {
	w   *bufio.Writer
	tmp [binary.MaxVarintLen64]byte
}

// Uvarint writes an unsigned varint.
func (e *Encoder) Uvarint(v uint64) { e.w.Write(binary.AppendUvarint(e.tmp[:0], v)) }

// Varint writes a signed (zig-zag) varint.
func (e *Encoder) Varint(v int64) { e.w.Write(binary.AppendVarint(e.tmp[:0], v)) }

// Str writes a length-prefixed string.
func (e *Encoder) Str(s string) {
	e.Uvarint(uint64(len(s)))
	e.w.WriteString(s)
}

// Strs writes a count and the strings; nil and empty read back as nil.
func (e *Encoder) Strs(ss []string) {
	e.Uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.Str(s)
	}
}

// NilStrs writes 0 for nil, else the count plus one and the strings, so
// that nil and empty read back as they were.
func (e *Encoder) NilStrs(ss []string) {
	if ss == nil {
		e.Uvarint(0)
		return
	}
	e.Uvarint(uint64(len(ss)) + 1)
	for _, s := range ss {
		e.Str(s)
	}
}
