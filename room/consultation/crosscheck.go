package consultation

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room"
)

// Mismatch is a link between the consultation's log and a step meeting's
// that the other log does not bear out.
type Mismatch struct {
	Seq    uint64 `json:"seq"`  // the consultation's event that made the link; 0 when only the meeting has it
	Code   string `json:"code"` // the step meeting
	Reason string `json:"reason"`
}

func (m Mismatch) Error() string {
	if m.Seq == 0 {
		return fmt.Sprintf("consultation: meeting %s: %s", m.Code, m.Reason)
	}
	return fmt.Sprintf("consultation: event %d: meeting %s: %s", m.Seq, m.Code, m.Reason)
}

// CrossCheck compares the consultation with its step meetings:
// meetings[code] is the moderator's View of step meeting code, recomputed
// from its verified log. It is what `tribune verify` adds when given a
// consultation's log with its meetings' logs. It returns every mismatch,
// the consultation's first, in the order of its log:
//   - a step meeting of the consultation with no view given, or a view
//     whose code is not the one it is given for;
//   - a carried question that is not in the meeting it comes from with a
//     CarriedTo naming this consultation, the meeting and question it went
//     to and the votes carried, and the same text; or not in the meeting
//     it went to with a From naming this consultation, the meeting and
//     question it came from, the votes and the text;
//   - a proposal source naming a question its meeting does not have or
//     never showed the public (pending, refused or withdrawn), a poll it
//     does not have or that is a draft, an agenda step past its agenda, or
//     an idea it does not have or that is waiting or refused;
//   - then, meeting by meeting in the order of the steps, a question whose
//     From or CarriedTo names this consultation but no carry of it.
func (c *Consultation) CrossCheck(meetings map[string]room.View) []Mismatch {
	var out []Mismatch
	bad := func(seq uint64, code, format string, args ...any) {
		out = append(out, Mismatch{Seq: seq, Code: code, Reason: fmt.Sprintf(format, args...)})
	}
	for _, s := range c.steps {
		v, ok := meetings[s.code]
		switch {
		case !ok:
			bad(0, s.code, "a step meeting of the consultation, and no log of it")
		case v.Meeting.Code != s.code:
			bad(0, s.code, "the log given is meeting %s's", v.Meeting.Code)
		}
	}
	question := func(code string, id room.QuestionID) (*room.QuestionView, bool) {
		v, ok := meetings[code]
		if !ok {
			return nil, false // reported above
		}
		i, found := slices.BinarySearchFunc(v.Questions, id, func(q room.QuestionView, id room.QuestionID) int { return int(q.ID - id) })
		if !found {
			return nil, true
		}
		return &v.Questions[i], true
	}
	for _, x := range c.carries {
		if q, given := question(x.from.Code, x.from.Question); given {
			want := room.Link{Consultation: c.id, Code: x.to.Code, Question: x.to.Question, Votes: x.votes}
			switch {
			case q == nil:
				bad(x.seq, x.from.Code, "no question %d to carry", x.from.Question)
			case q.CarriedTo == nil || !sameLink(*q.CarriedTo, want):
				bad(x.seq, x.from.Code, "question %d was not carried to %s question %d with %d votes", q.ID, x.to.Code, x.to.Question, x.votes)
			case q.Text != x.text:
				bad(x.seq, x.from.Code, "question %d has another text", q.ID)
			}
		}
		if q, given := question(x.to.Code, x.to.Question); given {
			want := room.Link{Consultation: c.id, Code: x.from.Code, Question: x.from.Question, Votes: x.votes}
			switch {
			case q == nil:
				bad(x.seq, x.to.Code, "no question %d carried here", x.to.Question)
			case q.From == nil || !sameLink(*q.From, want):
				bad(x.seq, x.to.Code, "question %d did not come from %s question %d with %d votes", q.ID, x.from.Code, x.from.Question, x.votes)
			case q.Text != x.text:
				bad(x.seq, x.to.Code, "question %d has another text", q.ID)
			}
		}
	}
	for _, p := range c.proposals {
		for _, s := range p.sources {
			v, ok := meetings[s.Code]
			if !ok {
				continue
			}
			id := proposalID(p.n)
			switch s.Kind {
			case QuestionSource:
				q, _ := question(s.Code, s.Question)
				if q == nil || q.Status == room.Pending || q.Status == room.Rejected || q.Status == room.Withdrawn {
					bad(p.defined, s.Code, "%s cites question %d, which the public never saw there", id, s.Question)
				}
			case PollSource:
				if !slices.ContainsFunc(v.Polls, func(pv room.PollView) bool { return pv.ID == s.Poll && pv.Status != room.Draft }) {
					bad(p.defined, s.Code, "%s cites poll %d, which did not run there", id, s.Poll)
				}
			case OutcomeSource:
				if s.Step >= len(v.Meeting.Agenda) {
					bad(p.defined, s.Code, "%s cites agenda step %d of %d", id, s.Step, len(v.Meeting.Agenda))
				}
			case IdeaSource:
				// A live idea merged since into another stays cited, as a
				// question does: the public saw it. One that waits or was
				// refused, the public never saw or no longer sees.
				if !slices.ContainsFunc(v.Ideas, func(x room.IdeaView) bool {
					return x.ID == s.Idea && (x.Status == room.Approved || x.Status == room.Merged)
				}) {
					bad(p.defined, s.Code, "%s cites idea %d, which the public never saw there", id, s.Idea)
				}
			}
		}
	}
	for _, s := range c.steps {
		v, ok := meetings[s.code]
		if !ok {
			continue
		}
		for _, q := range v.Questions {
			here := Ref{s.code, q.ID}
			if l := q.From; l != nil && l.Consultation == c.id &&
				!slices.ContainsFunc(c.carries, func(x *carry) bool { return x.to == here && x.from == Ref{l.Code, l.Question} }) {
				bad(0, s.code, "question %d came from %s question %d, which the consultation did not carry", q.ID, l.Code, l.Question)
			}
			if l := q.CarriedTo; l != nil && l.Consultation == c.id &&
				!slices.ContainsFunc(c.carries, func(x *carry) bool { return x.from == here && x.to == Ref{l.Code, l.Question} }) {
				bad(0, s.code, "question %d went to %s question %d, which the consultation did not carry", q.ID, l.Code, l.Question)
			}
		}
	}
	return out
}

// sameLink compares what both logs record of a link; the step's label is
// for people, and may differ.
func sameLink(a, b room.Link) bool {
	return a.Consultation == b.Consultation && a.Code == b.Code && a.Question == b.Question && a.Votes == b.Votes
}
