package consultation

import (
	"github.com/tribune-hub/tribune/room/internal/canon"
)

// Digest is a SHA-256 hash of the canonical encoding of the whole state:
// every field in a fixed order, integers as varints, strings
// length-prefixed. Two consultations with the same events have the same
// digest (TestReplayDigest, FuzzConsultation). A field added later must be
// written only when set, so that exported logs keep their digest
// (TestDigestStable).
func (c *Consultation) Digest() [32]byte {
	e := canon.New()
	e.Str("tribune.consultation.v1")
	e.Uint(c.seq)
	e.Bool(c.created)
	e.Str(c.id)
	e.Str(c.title)
	e.Str(c.description)
	e.Str(c.opens)
	e.Str(c.closes)
	e.Int(int64(len(c.steps)))
	for _, s := range c.steps {
		e.Str(s.code)
		e.Str(s.title)
		e.Str(s.date)
		e.Str(string(s.status))
		e.Int(s.at)
	}
	e.Int(int64(c.threads))
	e.Int(int64(len(c.carries)))
	for _, x := range c.carries {
		e.Str(x.thread)
		writeRef(e, x.from)
		writeRef(e, x.to)
		e.Str(x.text)
		e.Int(int64(x.votes))
		e.Int(x.at)
		e.Uint(x.seq)
	}
	e.Int(int64(len(c.proposals)))
	for _, p := range c.proposals {
		e.Int(int64(p.n))
		e.Str(p.title)
		e.Str(p.text)
		e.Int(int64(len(p.sources)))
		for _, s := range p.sources {
			e.Str(string(s.Kind))
			e.Str(s.Code)
			e.Int(int64(s.Question))
			e.Int(int64(s.Poll))
			e.Int(int64(s.Step))
			if s.Kind == IdeaSource { // added later: written only when set
				e.Int(int64(s.Idea))
			}
		}
		e.Str(string(p.status))
		e.Bool(p.public)
		e.Str(p.mergedInto)
		e.Strs(p.mergedFrom)
		e.Str(p.reason)
		e.Int(p.at)
		e.Int(p.publishedAt)
		e.Uint(p.defined)
	}
	e.Int(int64(len(c.commitments)))
	for _, m := range c.commitments {
		e.Int(int64(m.n))
		e.Str(m.title)
		e.Str(m.problem)
		e.Strs(m.proposals)
		e.Int(int64(len(m.milestones)))
		for _, x := range m.milestones {
			e.Str(x.Text)
			e.Str(x.Due)
			e.Str(x.Evidence)
		}
		e.Str(string(m.status))
		e.Int(int64(len(m.history)))
		for _, h := range m.history {
			e.Int(h.At)
			e.Str(string(h.Status))
			e.Str(h.Note)
			e.Str(h.Evidence)
		}
		e.Int(m.at)
	}
	return e.Sum()
}

// writeRef writes a reference to a meeting's question.
func writeRef(e *canon.Encoder, r Ref) {
	e.Str(r.Code)
	e.Int(int64(r.Question))
}
