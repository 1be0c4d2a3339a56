// Package canon is the canonical encoding that meetings and consultations
// are digested with: every field in a fixed order, integers as varints,
// strings and lists length-prefixed, written into a SHA-256 hash. A log's
// digest is a record for good (TestDigestStable in room and in
// room/consultation), so nothing here may change what it writes.
package canon

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// Encoder writes the encoding into a hash, through a buffer.
type Encoder struct {
	h   hash.Hash
	buf []byte
}

// New returns an encoder into a new SHA-256 hash.
func New() *Encoder { return &Encoder{h: sha256.New()} }

func (e *Encoder) flush() {
	if len(e.buf) >= 4096 {
		e.h.Write(e.buf)
		e.buf = e.buf[:0]
	}
}

// Uint writes x as an unsigned varint.
func (e *Encoder) Uint(x uint64) {
	e.buf = binary.AppendUvarint(e.buf, x)
	e.flush()
}

// Int writes x as a signed varint.
func (e *Encoder) Int(x int64) {
	e.buf = binary.AppendVarint(e.buf, x)
	e.flush()
}

// Bool writes b as 1 or 0.
func (e *Encoder) Bool(b bool) {
	if b {
		e.Uint(1)
	} else {
		e.Uint(0)
	}
}

// Str writes s, its length first.
func (e *Encoder) Str(s string) {
	e.Uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
	e.flush()
}

// Strs writes s, its length first.
func (e *Encoder) Strs(s []string) {
	e.Uint(uint64(len(s)))
	for _, x := range s {
		e.Str(x)
	}
}

// Ints writes s, its length first, each as a signed varint.
func Ints[T ~int | ~int64](e *Encoder, s []T) {
	e.Uint(uint64(len(s)))
	for _, x := range s {
		e.Int(int64(x))
	}
}

// Sum returns the digest of everything written.
func (e *Encoder) Sum() [32]byte {
	e.h.Write(e.buf)
	var out [32]byte
	e.h.Sum(out[:0])
	return out
}
