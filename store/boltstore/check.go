package boltstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"runtime/debug"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrCorrupt is wrapped by the error [Open] returns when the file fails
// bbolt's consistency check or cannot be read at all: a disk fault, a
// machine crash with [WithNoSync], a copy taken while the file was being
// written. Nothing is served from such a file; the error names it, and the
// operator restores it from a backup (or, if it held only tokens, deletes
// it: wecomkit fetches tokens again).
var ErrCorrupt = errors.New("boltstore: database file is damaged: restore it from a backup")

// corrupt returns the error Open reports for the damaged file at path.
func corrupt(path, detail string) error {
	return fmt.Errorf("boltstore: open %s: %s: %w", path, detail, ErrCorrupt)
}

// openDB opens the bbolt file, turning a panic of bbolt's on a damaged
// file, or a fault reading its mapped pages, into an error wrapping
// [ErrCorrupt]. After such a panic bbolt's half-opened handle is out of
// reach; the file is closed (releasing its lock) but its memory mapping is
// not, a cost paid once, by a process that cannot go on with that file.
func openDB(path string, mode os.FileMode, opts *bolt.Options) (db *bolt.DB, err error) {
	var file *os.File
	opts.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if file != nil {
				_ = file.Close()
			}
			db, err = nil, corrupt(path, fmt.Sprintf("bbolt panicked opening it: %v", p))
		}
	}()
	db, err = bolt.Open(path, mode, opts)
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) {
		return nil, corrupt(path, err.Error())
	}
	return db, err
}

// checkDB checks an open file before it is served: first its structure,
// read from the file's bytes (checkStructure), then bbolt's own
// consistency check (Tx.Check).
//
// The first pass exists because Tx.Check runs in a goroutine of its own,
// where a damaged page would end the process beyond any recover: bbolt
// panics on a page whose header does not match its place, faults on one
// that points outside the file, and loops on pages that point to each
// other. checkStructure finds those without bbolt, so that only a file
// whose every page Tx.Check will read is sound is handed to it. It also
// checks what Tx.Check leaves out and a write would trip on: the page ids
// the freelist hands out.
func checkDB(db *bolt.DB, path string) error {
	tx, err := db.Begin(false)
	if err != nil {
		return fmt.Errorf("boltstore: open %s: check: %w", path, err)
	}
	defer func() { _ = tx.Rollback() }()

	if err := checkStructure(path, db.Info().PageSize, uint64(tx.ID())); err != nil {
		if errors.Is(err, errDamaged) {
			return corrupt(path, err.Error())
		}
		return fmt.Errorf("boltstore: open %s: check: %w", path, err)
	}
	var (
		first error
		more  int
	)
	for err := range tx.Check(bolt.WithKVStringer(keyLengths{})) {
		if first == nil {
			first = err
		} else {
			more++
		}
	}
	switch {
	case first == nil:
		return nil
	case more == 0:
		return corrupt(path, first.Error())
	default:
		return corrupt(path, fmt.Sprintf("%v (and %d more problems)", first, more))
	}
}

// Layout of bbolt's pages (go.etcd.io/bbolt/internal/common), in the
// machine's byte order.
const (
	pageHeaderSize   = 16 // id uint64, flags uint16, count uint16, overflow uint32
	elementSize      = 16 // branch: pos, ksize uint32, child uint64; leaf: flags, pos, ksize, vsize uint32
	bucketHeaderSize = 16 // root uint64, sequence uint64
	branchPage       = 0x01
	leafPage         = 0x02
	metaPage         = 0x04
	freelistPage     = 0x10
	bucketElement    = 0x01
	metaMagic        = 0xED0CDAED
	metaVersion      = 2
	metaChecksumAt   = 56 // the checksum's offset in the meta, after the page header
	noFreelist       = math.MaxUint64
)

// errDamaged marks the errors of checkStructure that describe damage, as
// opposed to failing to read the file.
var errDamaged = errors.New("damaged")

type damage struct{ msg string }

func (d damage) Error() string        { return d.msg }
func (d damage) Is(target error) bool { return target == errDamaged }

func damagef(format string, args ...any) error { return damage{fmt.Sprintf(format, args...)} }

// pageReader reads the pages of a bbolt file with plain reads, checking
// each as it goes.
type pageReader struct {
	f        *os.File
	pageSize uint64
	hwm      uint64 // pages in use, from the meta
	seen     map[uint64]bool
}

// checkStructure checks, from the bytes of the file at path, every page
// that bbolt's Tx.Check reads for the transaction txid: both meta pages,
// the freelist page, and the tree of every bucket — each page in bounds,
// of the type its place calls for, referenced once, with its elements,
// keys and values inside it.
func checkStructure(path string, pageSize int, txid uint64) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	defer func() {
		if p := recover(); p != nil { // a bug of this checker's: report, don't crash
			err = damagef("checking its structure panicked: %v", p)
		}
	}()
	r := &pageReader{f: f, pageSize: uint64(pageSize), seen: make(map[uint64]bool)}

	var root, freelist uint64
	found := false
	for id := uint64(0); id < 2; id++ {
		p, err := r.read(id, 1)
		if err != nil {
			return err
		}
		if got := binary.NativeEndian.Uint64(p); got != id {
			return damagef("meta page %d: identifies as page %d", id, got)
		}
		if flags := binary.NativeEndian.Uint16(p[8:]); flags != metaPage {
			return damagef("meta page %d: not a meta page (flags %#x)", id, flags)
		}
		m := p[pageHeaderSize:]
		sum := fnv.New64a()
		_, _ = sum.Write(m[:metaChecksumAt])
		valid := binary.NativeEndian.Uint32(m) == metaMagic &&
			binary.NativeEndian.Uint32(m[4:]) == metaVersion &&
			binary.NativeEndian.Uint64(m[metaChecksumAt:]) == sum.Sum64()
		if valid && binary.NativeEndian.Uint64(m[48:]) == txid {
			root, freelist, r.hwm = binary.NativeEndian.Uint64(m[16:]), binary.NativeEndian.Uint64(m[32:]), binary.NativeEndian.Uint64(m[40:])
			found = true
		}
	}
	if !found {
		return damagef("no valid meta page for transaction %d", txid)
	}
	if size, err := r.size(); err != nil {
		return err
	} else if r.hwm > size/r.pageSize {
		return damagef("%d pages in use, %d in the file", r.hwm, size/r.pageSize)
	}
	if freelist != noFreelist {
		p, err := r.page(freelist, freelistPage)
		if err != nil {
			return err
		}
		if err := r.freed(freelist, p); err != nil {
			return err
		}
	}
	return r.tree(root)
}

// freed checks the page ids the freelist page p (page id) lists: each
// inside the file and none a meta page. bbolt's Tx.Check reports a page
// listed twice or both listed and in use, but not a page beyond the pages
// in use, which a later write would be given and bbolt would then read
// beyond its mapping of the file; nor does it stop a meta page from being
// handed out, which bbolt refuses with a panic at the first write.
func (r *pageReader) freed(id uint64, p []byte) error {
	count := uint64(binary.NativeEndian.Uint16(p[10:]))
	ids := p[pageHeaderSize:]
	if count == 0xffff { // the count is the first element
		if len(ids) < 8 {
			return damagef("freelist page %d: no room for its count", id)
		}
		count, ids = binary.NativeEndian.Uint64(ids), ids[8:]
	}
	if count > uint64(len(ids))/8 {
		return damagef("freelist page %d: %d page ids do not fit in it", id, count)
	}
	for i := range count {
		if free := binary.NativeEndian.Uint64(ids[i*8:]); free < 2 || free >= r.hwm {
			return damagef("freelist page %d: lists page %d, out of bounds (%d pages in use)", id, free, r.hwm)
		}
	}
	return nil
}

func (r *pageReader) size() (uint64, error) {
	fi, err := r.f.Stat()
	if err != nil {
		return 0, err
	}
	return uint64(fi.Size()), nil
}

// read returns n pages from page id on.
func (r *pageReader) read(id, n uint64) ([]byte, error) {
	b := make([]byte, n*r.pageSize)
	if _, err := r.f.ReadAt(b, int64(id*r.pageSize)); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, damagef("page %d: beyond the end of the file", id)
		}
		return nil, err
	}
	return b, nil
}

// page reads page id, with its overflow, checking that it is in bounds,
// referenced for the first time and, by its header, itself and of one of
// the types wanted.
func (r *pageReader) page(id uint64, types ...uint16) ([]byte, error) {
	if id < 2 || id >= r.hwm {
		return nil, damagef("page %d: out of bounds (%d pages in use)", id, r.hwm)
	}
	head, err := r.read(id, 1)
	if err != nil {
		return nil, err
	}
	if got := binary.NativeEndian.Uint64(head); got != id {
		return nil, damagef("page %d: identifies as page %d", id, got)
	}
	if flags := binary.NativeEndian.Uint16(head[8:]); !slices.Contains(types, flags) {
		return nil, damagef("page %d: unexpected type (flags %#x)", id, flags)
	}
	overflow := uint64(binary.NativeEndian.Uint32(head[12:]))
	if id+overflow >= r.hwm {
		return nil, damagef("page %d: %d overflow pages run out of bounds (%d pages in use)", id, overflow, r.hwm)
	}
	for i := id; i <= id+overflow; i++ {
		if r.seen[i] {
			return nil, damagef("page %d: referenced more than once", i)
		}
		r.seen[i] = true
	}
	if overflow == 0 {
		return head, nil
	}
	return r.read(id, overflow+1)
}

// tree checks the branch or leaf page id and every page below it.
func (r *pageReader) tree(id uint64) error {
	p, err := r.page(id, branchPage, leafPage)
	if err != nil {
		return err
	}
	return r.elements(id, p)
}

// elements checks the elements of page p (page id, or an inline bucket's
// page when id is 0): each inside p, and each child page or bucket.
func (r *pageReader) elements(id uint64, p []byte) error {
	if len(p) < pageHeaderSize {
		return damagef("page %d: shorter than its header", id)
	}
	flags := binary.NativeEndian.Uint16(p[8:])
	count := uint64(binary.NativeEndian.Uint16(p[10:]))
	size := uint64(len(p))
	if pageHeaderSize+count*elementSize > size {
		return damagef("page %d: %d elements do not fit in it", id, count)
	}
	for i := range count {
		at := pageHeaderSize + i*elementSize
		e := p[at : at+elementSize]
		switch flags {
		case branchPage:
			pos, ksize := uint64(binary.NativeEndian.Uint32(e)), uint64(binary.NativeEndian.Uint32(e[4:]))
			if at+pos+ksize > size {
				return damagef("page %d: element %d runs outside the page", id, i)
			}
			if err := r.tree(binary.NativeEndian.Uint64(e[8:])); err != nil {
				return err
			}
		case leafPage:
			eflags := binary.NativeEndian.Uint32(e)
			pos, ksize, vsize := uint64(binary.NativeEndian.Uint32(e[4:])), uint64(binary.NativeEndian.Uint32(e[8:])), uint64(binary.NativeEndian.Uint32(e[12:]))
			if at+pos+ksize+vsize > size {
				return damagef("page %d: element %d runs outside the page", id, i)
			}
			if eflags&bucketElement == 0 {
				continue
			}
			v := p[at+pos+ksize : at+pos+ksize+vsize]
			if len(v) < bucketHeaderSize {
				return damagef("page %d: element %d: a bucket too short for its header", id, i)
			}
			if root := binary.NativeEndian.Uint64(v); root != 0 {
				if err := r.tree(root); err != nil {
					return err
				}
				continue
			}
			// An inline bucket: its one leaf page is in the value.
			inline := v[bucketHeaderSize:]
			if len(inline) < pageHeaderSize || binary.NativeEndian.Uint16(inline[8:]) != leafPage {
				return damagef("page %d: element %d: an inline bucket without a leaf page", id, i)
			}
			if err := r.elements(0, inline); err != nil {
				return err
			}
		default:
			return damagef("page %d: unexpected type (flags %#x)", id, flags)
		}
	}
	return nil
}

// keyLengths describes keys and values by their length in the errors of
// Tx.Check, which otherwise quote them in hex: a file may hold secrets
// (values; keys of other buckets of the application).
type keyLengths struct{}

func (keyLengths) KeyToString(k []byte) string   { return strconv.Itoa(len(k)) + "-byte key" }
func (keyLengths) ValueToString(v []byte) string { return strconv.Itoa(len(v)) + "-byte value" }
