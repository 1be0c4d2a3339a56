package consultation

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// Digest is a SHA-256 hash of the canonical encoding of the whole state:
// every field in a fixed order, integers as varints, strings
// length-prefixed. Two consultations with the same events have the same
// digest (TestReplayDigest, FuzzConsultation). A field added later must be
// written only when set, so that exported logs keep their digest
// (TestDigestStable).
func (c *Consultation) Digest() [32]byte {
	e := encoder{h: sha256.New()}
	e.str("tribune.consultation.v1")
	e.uint(c.seq)
	e.bool(c.created)
	e.str(c.id)
	e.str(c.title)
	e.str(c.description)
	e.str(c.opens)
	e.str(c.closes)
	e.int(int64(len(c.steps)))
	for _, s := range c.steps {
		e.str(s.code)
		e.str(s.title)
		e.str(s.date)
		e.str(string(s.status))
		e.int(s.at)
	}
	e.int(int64(c.threads))
	e.int(int64(len(c.carries)))
	for _, x := range c.carries {
		e.str(x.thread)
		e.ref(x.from)
		e.ref(x.to)
		e.str(x.text)
		e.int(int64(x.votes))
		e.int(x.at)
		e.uint(x.seq)
	}
	e.int(int64(len(c.proposals)))
	for _, p := range c.proposals {
		e.int(int64(p.n))
		e.str(p.title)
		e.str(p.text)
		e.int(int64(len(p.sources)))
		for _, s := range p.sources {
			e.str(string(s.Kind))
			e.str(s.Code)
			e.int(int64(s.Question))
			e.int(int64(s.Poll))
			e.int(int64(s.Step))
		}
		e.str(string(p.status))
		e.bool(p.public)
		e.str(p.mergedInto)
		e.strs(p.mergedFrom)
		e.str(p.reason)
		e.int(p.at)
		e.int(p.publishedAt)
		e.uint(p.defined)
	}
	e.int(int64(len(c.commitments)))
	for _, m := range c.commitments {
		e.int(int64(m.n))
		e.str(m.title)
		e.str(m.problem)
		e.strs(m.proposals)
		e.int(int64(len(m.milestones)))
		for _, x := range m.milestones {
			e.str(x.Text)
			e.str(x.Due)
			e.str(x.Evidence)
		}
		e.str(string(m.status))
		e.int(int64(len(m.history)))
		for _, h := range m.history {
			e.int(h.At)
			e.str(string(h.Status))
			e.str(h.Note)
			e.str(h.Evidence)
		}
		e.int(m.at)
	}
	return e.sum()
}

// encoder writes the canonical encoding into a hash.
type encoder struct {
	h   hash.Hash
	buf []byte
}

func (e *encoder) flush() {
	if len(e.buf) >= 4096 {
		e.h.Write(e.buf)
		e.buf = e.buf[:0]
	}
}

func (e *encoder) uint(x uint64) { e.buf = binary.AppendUvarint(e.buf, x); e.flush() }
func (e *encoder) int(x int64)   { e.buf = binary.AppendVarint(e.buf, x); e.flush() }

func (e *encoder) bool(b bool) {
	if b {
		e.uint(1)
	} else {
		e.uint(0)
	}
}

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.buf = append(e.buf, s...)
	e.flush()
}

func (e *encoder) strs(s []string) {
	e.uint(uint64(len(s)))
	for _, x := range s {
		e.str(x)
	}
}

func (e *encoder) ref(r Ref) {
	e.str(r.Code)
	e.int(int64(r.Question))
}

func (e *encoder) sum() [32]byte {
	e.h.Write(e.buf)
	var out [32]byte
	e.h.Sum(out[:0])
	return out
}
