package consultation

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room"
)

// proposal returns proposal id, or ErrNoProposal.
func (c *Consultation) proposal(id string) (*proposal, error) {
	n := num("P-", id)
	if n < 1 || n > len(c.proposals) {
		return nil, fmt.Errorf("%w: %q", ErrNoProposal, id)
	}
	return c.proposals[n-1], nil
}

// checkProposalText checks what OpProposalCreate and OpProposalEdit define.
func (c *Consultation) checkProposalText(k *Command) error {
	var err error
	if k.Title, err = room.RequiredText(k.Title, maxTitle, false); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if k.Text, err = room.CleanText(k.Text, maxText, true); err != nil {
		return fmt.Errorf("text: %w", err)
	}
	k.Sources, err = c.checkSources(k.Sources)
	return err
}

// checkSources returns a normalised copy of sources: each in a step
// meeting of the consultation, with only its kind's fields, none twice.
// Whether the question, poll, agenda step or idea exists in that meeting is
// checked by `tribune verify` against the meeting's log, and by the hub
// when the organiser cites it.
func (c *Consultation) checkSources(sources []Source) ([]Source, error) {
	if len(sources) > maxSources {
		return nil, fmt.Errorf("%w: at most %d sources", room.ErrInvalid, maxSources)
	}
	if len(sources) == 0 {
		return nil, nil
	}
	out := make([]Source, 0, len(sources))
	for i, s := range sources {
		if c.stepIndex(s.Code) < 0 {
			return nil, fmt.Errorf("source %d: %w: %q", i+1, ErrNoStep, s.Code)
		}
		n := Source{Kind: s.Kind, Code: s.Code}
		switch s.Kind {
		case QuestionSource:
			n.Question = s.Question
			if s.Question < 1 {
				return nil, fmt.Errorf("%w: source %d: question id", room.ErrInvalid, i+1)
			}
		case PollSource:
			n.Poll = s.Poll
			if s.Poll < 1 {
				return nil, fmt.Errorf("%w: source %d: poll id", room.ErrInvalid, i+1)
			}
		case OutcomeSource:
			n.Step = s.Step
			if s.Step < 0 {
				return nil, fmt.Errorf("%w: source %d: agenda step", room.ErrInvalid, i+1)
			}
		case IdeaSource:
			n.Idea = s.Idea
			if s.Idea < 1 {
				return nil, fmt.Errorf("%w: source %d: idea id", room.ErrInvalid, i+1)
			}
		default:
			return nil, fmt.Errorf("%w: source %d: kind is %s, %s, %s or %s", room.ErrInvalid, i+1, QuestionSource, PollSource, OutcomeSource, IdeaSource)
		}
		if slices.Contains(out, n) {
			return nil, fmt.Errorf("%w: source %d repeats an earlier one", room.ErrInvalid, i+1)
		}
		out = append(out, n)
	}
	return out, nil
}

func (c *Consultation) checkProposalEdit(k *Command) error {
	p, err := c.proposal(k.Proposal)
	if err != nil {
		return err
	}
	if p.status != Draft {
		return fmt.Errorf("%w: only a draft can be edited: what was published stays as published", room.ErrState)
	}
	if err := c.checkProposalText(k); err != nil {
		return err
	}
	if k.Title == p.title && k.Text == p.text && slices.Equal(k.Sources, p.sources) {
		return fmt.Errorf("%w: same proposal", room.ErrAlready)
	}
	return nil
}

func (c *Consultation) checkPublish(k *Command) error {
	p, err := c.proposal(k.Proposal)
	if err != nil {
		return err
	}
	if p.status != Draft {
		return fmt.Errorf("%w: %s is %s", room.ErrState, k.Proposal, p.status)
	}
	return nil
}

func (c *Consultation) checkMerge(k *Command) error {
	p, err := c.proposal(k.Proposal)
	if err != nil {
		return err
	}
	into, err := c.proposal(k.Into)
	if err != nil {
		return fmt.Errorf("into: %w", err)
	}
	switch {
	case p == into:
		return fmt.Errorf("%w: a proposal cannot be merged into itself", room.ErrInvalid)
	case p.status != Published || into.status != Published:
		return fmt.Errorf("%w: only a published proposal can be merged, into a published one", room.ErrState)
	case len(c.includedIn(k.Proposal)) > 0:
		return fmt.Errorf("%w: %s is in a commitment", room.ErrState, k.Proposal)
	}
	return nil
}

func (c *Consultation) checkWithdraw(k *Command) error {
	p, err := c.proposal(k.Proposal)
	if err != nil {
		return err
	}
	if p.status != Draft && p.status != Published {
		return fmt.Errorf("%w: %s is %s", room.ErrState, k.Proposal, p.status)
	}
	if len(c.includedIn(k.Proposal)) > 0 {
		return fmt.Errorf("%w: %s is in a commitment", room.ErrState, k.Proposal)
	}
	if k.Reason, err = room.RequiredText(k.Reason, maxNote, true); err != nil {
		return fmt.Errorf("reason: %w", err)
	}
	return nil
}

// includedIn returns the commitments that take up proposal id, in order.
func (c *Consultation) includedIn(id string) []string {
	var out []string
	for _, m := range c.commitments {
		if slices.Contains(m.proposals, id) {
			out = append(out, commitmentID(m.n))
		}
	}
	return out
}
