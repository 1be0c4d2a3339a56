package consultation

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room"
)

// Trace is what became of a question within the consultation: the step
// meetings it went through, the published proposals that took it up and
// the commitments that include them, with their status now.
//
// What happened to the question inside each meeting (answered, merged,
// refused) is in that meeting's log, not here. To join the two, the hub
// reads, for each Hop, the question Hop.Ref in meeting Hop.Code; a
// question merged into another there is traced again from the one it was
// merged into. Trace is built from public things only.
type Trace struct {
	Asked       Ref                `json:"asked"`
	Thread      string             `json:"thread,omitempty"` // Q-n when it was carried, "" otherwise
	Hops        []Hop              `json:"hops"`             // every step meeting it went through, the first first; Asked is one of them
	Proposals   []TracedProposal   `json:"proposals"`
	Commitments []TracedCommitment `json:"commitments"`
}

// Hop is the question in one step meeting. Votes and CarriedAt say how it
// got there: the votes it had in the step before, and when it was carried
// (both 0 where it was first asked).
type Hop struct {
	Ref
	Step      int    `json:"step"` // its index, from 1
	StepTitle string `json:"stepTitle"`
	Votes     int    `json:"votes,omitempty"`
	CarriedAt int64  `json:"carriedAt,omitempty"`
}

// TracedProposal is a published proposal that takes the question up: it
// cites Cites, a question of the hops, or it took in Via, a proposal
// merged into it that does.
type TracedProposal struct {
	ID         string         `json:"id"`
	Title      string         `json:"title"`
	Status     ProposalStatus `json:"status"`
	MergedInto string         `json:"mergedInto,omitempty"`
	Cites      *Ref           `json:"cites,omitempty"`
	Via        string         `json:"via,omitempty"`
}

// TracedCommitment is a commitment that includes one of the proposals,
// Via.
type TracedCommitment struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Status Progress `json:"status"`
	Via    []string `json:"via"`
}

// Trace returns what became of question q of step meeting code, or
// ErrNoStep when code is not a step meeting of the consultation. Whether
// the question exists there is the meeting's to say.
func (c *Consultation) Trace(q Ref) (Trace, error) {
	if c.stepIndex(q.Code) < 0 {
		return Trace{}, fmt.Errorf("%w: %q", ErrNoStep, q.Code)
	}
	if q.Question < 1 {
		return Trace{}, fmt.Errorf("%w: question %d", room.ErrNoQuestion, q.Question)
	}
	t := Trace{Asked: q, Hops: []Hop{}, Proposals: []TracedProposal{}, Commitments: []TracedCommitment{}}
	// Back to where it was first asked, then forward to where it went.
	first := q
	for {
		i := slices.IndexFunc(c.carries, func(x *carry) bool { return x.to == first })
		if i < 0 {
			break
		}
		first = c.carries[i].from
	}
	t.Hops = append(t.Hops, c.hop(first, nil))
	for at := first; ; {
		i := slices.IndexFunc(c.carries, func(x *carry) bool { return x.from == at })
		if i < 0 {
			break
		}
		x := c.carries[i]
		t.Thread = x.thread
		t.Hops = append(t.Hops, c.hop(x.to, x))
		at = x.to
	}

	// Proposals that cite one of the hops, and those they were merged into.
	t.Proposals, t.Commitments = c.takenUp(func(p *proposal) *Ref {
		for _, h := range t.Hops {
			if slices.Contains(p.sources, Source{Kind: QuestionSource, Code: h.Code, Question: h.Question}) {
				cites := h.Ref
				return &cites
			}
		}
		return nil
	})
	return t, nil
}

// takenUp returns the published proposals that cite what is traced (cites
// says what of it a proposal cites, nil for none), then those they were
// merged into, and the commitments that include any of them.
func (c *Consultation) takenUp(cites func(*proposal) *Ref) ([]TracedProposal, []TracedCommitment) {
	proposals, commitments := []TracedProposal{}, []TracedCommitment{}
	seen := map[string]bool{}
	for _, p := range c.proposals {
		if !p.public {
			continue
		}
		if ref := cites(p); ref != nil {
			tp := p.traced(ref, "")
			if ref.Question == 0 {
				tp.Cites = nil // an idea: IdeaTrace names it
			}
			proposals = append(proposals, tp)
			seen[proposalID(p.n)] = true
		}
	}
	for i := 0; i < len(proposals); i++ { // grows as it goes
		tp := proposals[i]
		if tp.MergedInto == "" || seen[tp.MergedInto] {
			continue
		}
		into, _ := c.proposal(tp.MergedInto)
		proposals = append(proposals, into.traced(nil, tp.ID))
		seen[tp.MergedInto] = true
	}
	for _, m := range c.commitments {
		var via []string
		for _, id := range m.proposals {
			if seen[id] {
				via = append(via, id)
			}
		}
		if via != nil {
			commitments = append(commitments, TracedCommitment{ID: commitmentID(m.n), Title: m.title, Status: m.status, Via: via})
		}
	}
	return proposals, commitments
}

// IdeaTrace is what became of an idea of a step meeting's ideas board
// within the consultation: the published proposals that cite it (and
// those they were merged into) and the commitments that include them.
// Ideas are not carried: an idea stays in the meeting it was given in.
// Whether the idea exists there, and was public, is the meeting's to say.
type IdeaTrace struct {
	Code        string             `json:"code"`
	Idea        room.IdeaID        `json:"idea"`
	Step        int                `json:"step"` // its index, from 1
	StepTitle   string             `json:"stepTitle"`
	Proposals   []TracedProposal   `json:"proposals"`
	Commitments []TracedCommitment `json:"commitments"`
}

// TraceIdea returns what became of idea id of step meeting code, or
// ErrNoStep when code is not a step meeting of the consultation.
func (c *Consultation) TraceIdea(code string, id room.IdeaID) (IdeaTrace, error) {
	i := c.stepIndex(code)
	if i < 0 {
		return IdeaTrace{}, fmt.Errorf("%w: %q", ErrNoStep, code)
	}
	if id < 1 {
		return IdeaTrace{}, fmt.Errorf("%w: %d", room.ErrNoIdea, id)
	}
	t := IdeaTrace{Code: code, Idea: id, Step: i + 1, StepTitle: c.steps[i].title}
	src := Source{Kind: IdeaSource, Code: code, Idea: id}
	t.Proposals, t.Commitments = c.takenUp(func(p *proposal) *Ref {
		if slices.Contains(p.sources, src) {
			return &Ref{Code: code}
		}
		return nil
	})
	return t, nil
}

func (c *Consultation) hop(q Ref, via *carry) Hop {
	i := c.stepIndex(q.Code)
	h := Hop{Ref: q, Step: i + 1, StepTitle: c.steps[i].title}
	if via != nil {
		h.Votes, h.CarriedAt = via.votes, via.at
	}
	return h
}

func (p *proposal) traced(cites *Ref, via string) TracedProposal {
	return TracedProposal{ID: proposalID(p.n), Title: p.title, Status: p.status, MergedInto: p.mergedInto, Cites: cites, Via: via}
}
