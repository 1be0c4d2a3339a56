package room

import (
	"slices"

	"github.com/tribune-hub/tribune/room/internal/canon"
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
	e := canon.New()
	e.Str("tribune.room.v1")
	e.Uint(r.seq)
	e.Bool(r.created)
	e.Str(r.title)
	e.Str(r.description)
	e.Str(r.code)
	e.Str(string(r.status))
	s := r.settings
	e.Bool(s.QAOpen)
	e.Bool(s.PreModeration)
	e.Bool(s.Anonymous)
	e.Int(int64(s.MaxLength))
	e.Bool(s.Reactions)
	e.Bool(s.HideCount)
	e.Str(s.StreamURL)
	e.Strs(r.agenda)
	e.Int(int64(r.step))
	e.Int(int64(r.highlight))
	e.Int(int64(r.screenPoll))
	e.Int(int64(len(r.announcements)))
	for _, a := range r.announcements {
		e.Int(int64(a.ID))
		e.Str(a.Text)
		e.Int(a.At)
	}
	for _, n := range r.refused {
		e.Int(int64(n))
	}

	e.Int(int64(len(r.questions)))
	for _, q := range r.questions {
		e.Int(int64(q.id))
		e.Str(q.text)
		e.Str(q.name)
		e.Str(q.author)
		e.Str(string(q.channel))
		e.Str(string(q.status))
		e.Strs(sortedKeys(q.voters))
		e.Bool(q.pinned)
		e.Bool(q.archived)
		e.Str(q.answer)
		e.Int(int64(q.step))
		e.Int(q.at)
		e.Int(q.answeredAt)
		e.Int(int64(q.mergedInto))
		canon.Ints(e, q.mergedFrom)
		e.Str(string(q.reason))
		e.Str(q.note)
		e.Bool(q.public)
	}

	e.Int(int64(len(r.polls)))
	for _, p := range r.polls {
		e.Int(int64(p.id))
		e.Str(string(p.kind))
		e.Str(p.title)
		e.Strs(p.options)
		e.Int(int64(p.max))
		e.Int(int64(p.scale))
		e.Str(string(p.visibility))
		e.Str(string(p.status))
		e.Bool(p.locked)
		e.Int(int64(p.step))
		e.Bool(p.deleted)
		voters := make([]string, 0, len(p.ballots))
		for v := range p.ballots {
			voters = append(voters, v)
		}
		slices.Sort(voters)
		e.Int(int64(len(voters)))
		for _, v := range voters {
			b := p.ballots[v]
			e.Str(v)
			canon.Ints(e, b.Choices)
			e.Int(int64(b.Rating))
			e.Str(b.Text)
		}
		canon.Ints(e, p.tally)
		e.Int(int64(p.sum))
		words := make([]string, 0, len(p.words))
		for w := range p.words {
			words = append(words, w)
		}
		slices.Sort(words)
		e.Int(int64(len(words)))
		for _, w := range words {
			e.Str(w)
			e.Int(int64(p.words[w]))
		}
	}

	ids := make([]string, 0, len(r.members))
	for id := range r.members {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	e.Int(int64(len(ids)))
	for _, id := range ids {
		m := r.members[id]
		e.Str(m.id)
		e.Str(m.name)
		e.Str(string(m.channel))
		e.Bool(m.present)
		canon.Ints(e, m.questions)
		up := slices.Clone(m.upvoted)
		slices.Sort(up)
		canon.Ints(e, up)
	}
	e.Int(int64(r.inRoom))
	e.Int(int64(r.remote))
	e.Int(int64(r.peak))
	for _, n := range r.reactions {
		e.Int(int64(n))
	}

	e.Int(int64(len(r.ledger)))
	for _, l := range r.ledger {
		e.Uint(l.Seq)
		e.Int(l.At)
		e.Str(string(l.Op))
		e.Int(int64(l.Question))
		e.Int(int64(l.Poll))
		e.Str(string(l.Reason))
		e.Str(l.Note)
	}
	// Added after logs were exported: written only when set, so that those
	// logs' digests stay what they were (TestDigestStable).
	if s.SignURL != "" || s.CaptionsURL != "" {
		e.Str("accessibility links")
		e.Str(s.SignURL)
		e.Str(s.CaptionsURL)
	}
	if r.outcomes != nil {
		e.Str("step outcomes")
		e.Strs(r.outcomes)
	}
	if len(r.floor) > 0 {
		e.Str("floor")
		e.Int(int64(len(r.floor)))
		for _, f := range r.floor {
			e.Str(f.participant)
			e.Str(f.name)
			e.Str(string(f.channel))
			e.Str(f.topic)
			e.Str(string(f.status))
			e.Int(f.at)
			e.Int(f.calledAt)
			e.Int(f.doneAt)
		}
		e.Int(int64(r.speaking))
	}
	if slices.ContainsFunc(r.polls, func(p *poll) bool { return len(p.correct) > 0 }) {
		e.Str("quiz answers")
		for _, p := range r.polls {
			canon.Ints(e, p.correct)
		}
	}
	r.digestRanked(e)
	if slices.ContainsFunc(r.floor, func(f *floorRequest) bool { return f.seconds != 0 }) {
		e.Str("speaking times")
		for _, f := range r.floor {
			e.Int(int64(f.seconds))
		}
	}
	if slices.ContainsFunc(r.announcements, func(a Announcement) bool { return a.Until != 0 }) {
		e.Str("announcement ends")
		for _, a := range r.announcements {
			e.Int(a.Until)
		}
	}
	r.digestLinks(e)
	r.digestTeam(e)
	r.digestRecording(e)
	r.digestVoters(e)
	r.digestIdeas(e)
	return e.Sum()
}
