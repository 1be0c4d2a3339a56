package room

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"slices"
)

// Digest is a SHA-256 hash of the canonical encoding of the whole state.
// Two rooms with the same events have the same digest.
//
// The encoding writes every field of the state in a fixed order, integers as
// varints, strings length-prefixed, sets and maps in sorted key order, so
// that nothing depends on map iteration or on how the state was reached.
// TestReplayDigest and FuzzRoom check that replaying the log gives the live
// state's digest.
func (r *Room) Digest() [32]byte {
	e := encoder{h: sha256.New()}
	e.str("tribune.room.v1")
	e.uint(r.seq)
	e.bool(r.created)
	e.str(r.title)
	e.str(r.description)
	e.str(r.code)
	e.str(string(r.status))
	s := r.settings
	e.bool(s.QAOpen)
	e.bool(s.PreModeration)
	e.bool(s.Anonymous)
	e.int(int64(s.MaxLength))
	e.bool(s.Reactions)
	e.bool(s.HideCount)
	e.str(s.StreamURL)
	e.strs(r.agenda)
	e.int(int64(r.step))
	e.int(int64(r.highlight))
	e.int(int64(r.screenPoll))
	e.int(int64(len(r.announcements)))
	for _, a := range r.announcements {
		e.int(int64(a.ID))
		e.str(a.Text)
		e.int(a.At)
	}
	for _, n := range r.refused {
		e.int(int64(n))
	}

	e.int(int64(len(r.questions)))
	for _, q := range r.questions {
		e.int(int64(q.id))
		e.str(q.text)
		e.str(q.name)
		e.str(q.author)
		e.str(string(q.channel))
		e.str(string(q.status))
		e.strs(sortedKeys(q.voters))
		e.bool(q.pinned)
		e.bool(q.archived)
		e.str(q.answer)
		e.int(int64(q.step))
		e.int(q.at)
		e.int(q.answeredAt)
		e.int(int64(q.mergedInto))
		e.ids(q.mergedFrom)
		e.str(string(q.reason))
		e.str(q.note)
		e.bool(q.public)
	}

	e.int(int64(len(r.polls)))
	for _, p := range r.polls {
		e.int(int64(p.id))
		e.str(string(p.kind))
		e.str(p.title)
		e.strs(p.options)
		e.int(int64(p.max))
		e.int(int64(p.scale))
		e.str(string(p.visibility))
		e.str(string(p.status))
		e.bool(p.locked)
		e.int(int64(p.step))
		e.bool(p.deleted)
		voters := make([]string, 0, len(p.ballots))
		for v := range p.ballots {
			voters = append(voters, v)
		}
		slices.Sort(voters)
		e.int(int64(len(voters)))
		for _, v := range voters {
			b := p.ballots[v]
			e.str(v)
			e.ints(b.Choices)
			e.int(int64(b.Rating))
			e.str(b.Text)
		}
		e.ints(p.tally)
		e.int(int64(p.sum))
		words := make([]string, 0, len(p.words))
		for w := range p.words {
			words = append(words, w)
		}
		slices.Sort(words)
		e.int(int64(len(words)))
		for _, w := range words {
			e.str(w)
			e.int(int64(p.words[w]))
		}
	}

	ids := make([]string, 0, len(r.members))
	for id := range r.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	e.int(int64(len(ids)))
	for _, id := range ids {
		m := r.members[id]
		e.str(m.id)
		e.str(m.name)
		e.str(string(m.channel))
		e.bool(m.present)
		e.ids(m.questions)
		up := slices.Clone(m.upvoted)
		slices.Sort(up)
		e.ids(up)
	}
	e.int(int64(r.inRoom))
	e.int(int64(r.remote))
	e.int(int64(r.peak))
	for _, n := range r.reactions {
		e.int(int64(n))
	}

	e.int(int64(len(r.ledger)))
	for _, l := range r.ledger {
		e.uint(l.Seq)
		e.int(l.At)
		e.str(string(l.Op))
		e.int(int64(l.Question))
		e.int(int64(l.Poll))
		e.str(string(l.Reason))
		e.str(l.Note)
	}
	// Added after logs were exported: written only when set, so that those
	// logs' digests stay what they were (TestDigestStable).
	if s.SignURL != "" || s.CaptionsURL != "" {
		e.str("accessibility links")
		e.str(s.SignURL)
		e.str(s.CaptionsURL)
	}
	if r.outcomes != nil {
		e.str("step outcomes")
		e.strs(r.outcomes)
	}
	if len(r.floor) > 0 {
		e.str("floor")
		e.int(int64(len(r.floor)))
		for _, f := range r.floor {
			e.str(f.participant)
			e.str(f.name)
			e.str(string(f.channel))
			e.str(f.topic)
			e.str(string(f.status))
			e.int(f.at)
			e.int(f.calledAt)
			e.int(f.doneAt)
		}
		e.int(int64(r.speaking))
	}
	if slices.ContainsFunc(r.polls, func(p *poll) bool { return len(p.correct) > 0 }) {
		e.str("quiz answers")
		for _, p := range r.polls {
			e.ints(p.correct)
		}
	}
	if slices.ContainsFunc(r.floor, func(f *floorRequest) bool { return f.seconds != 0 }) {
		e.str("speaking times")
		for _, f := range r.floor {
			e.int(int64(f.seconds))
		}
	}
	if slices.ContainsFunc(r.announcements, func(a Announcement) bool { return a.Until != 0 }) {
		e.str("announcement ends")
		for _, a := range r.announcements {
			e.int(a.Until)
		}
	}
	r.digestLinks(&e)
	return e.sum()
}

// encoder writes the canonical encoding into a hash, through a buffer.
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

func (e *encoder) uint(x uint64) {
	e.buf = binary.AppendUvarint(e.buf, x)
	e.flush()
}

func (e *encoder) int(x int64) {
	e.buf = binary.AppendVarint(e.buf, x)
	e.flush()
}

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

func (e *encoder) ints(s []int) {
	e.uint(uint64(len(s)))
	for _, x := range s {
		e.int(int64(x))
	}
}

func (e *encoder) ids(s []QuestionID) {
	e.uint(uint64(len(s)))
	for _, x := range s {
		e.int(int64(x))
	}
}

func (e *encoder) sum() [32]byte {
	e.h.Write(e.buf)
	var out [32]byte
	e.h.Sum(out[:0])
	return out
}
