package consultation

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room"
)

// commitment returns commitment id, or ErrNoCommitment.
func (c *Consultation) commitment(id string) (*commitment, error) {
	n := num("C-", id)
	if n < 1 || n > len(c.commitments) {
		return nil, fmt.Errorf("%w: %q", ErrNoCommitment, id)
	}
	return c.commitments[n-1], nil
}

// checkCommitmentText checks what OpCommitmentCreate and OpCommitmentEdit
// define, and copies its lists.
func (c *Consultation) checkCommitmentText(k *Command) error {
	var err error
	if k.Title, err = room.RequiredText(k.Title, maxTitle, false); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if k.Text, err = room.CleanText(k.Text, maxText, true); err != nil {
		return fmt.Errorf("problem: %w", err)
	}
	if len(k.Proposals) > maxProposals {
		return fmt.Errorf("%w: at most %d proposals", room.ErrInvalid, maxProposals)
	}
	var ps []string
	for _, id := range k.Proposals {
		p, err := c.proposal(id)
		if err != nil {
			return err
		}
		if p.status != Published {
			return fmt.Errorf("%w: %s is %s: a commitment takes up published proposals", room.ErrState, id, p.status)
		}
		if slices.Contains(ps, id) {
			return fmt.Errorf("%w: %s twice", room.ErrInvalid, id)
		}
		ps = append(ps, id)
	}
	k.Proposals = ps
	if len(k.Milestones) > maxMilestones {
		return fmt.Errorf("%w: at most %d milestones", room.ErrInvalid, maxMilestones)
	}
	var ms []Milestone
	for i, m := range k.Milestones {
		if m.Text, err = room.RequiredText(m.Text, maxMilestone, false); err != nil {
			return fmt.Errorf("milestone %d: %w", i+1, err)
		}
		if err := checkDate(fmt.Sprintf("milestone %d due", i+1), m.Due); err != nil {
			return err
		}
		if err := checkLink(fmt.Sprintf("milestone %d evidence", i+1), &m.Evidence); err != nil {
			return err
		}
		ms = append(ms, m)
	}
	k.Milestones = ms
	return nil
}

func (c *Consultation) checkCommitmentEdit(k *Command) error {
	m, err := c.commitment(k.Commitment)
	if err != nil {
		return err
	}
	if m.status == Withdrawn {
		return fmt.Errorf("%w: %s is withdrawn", room.ErrState, k.Commitment)
	}
	// A proposal it takes up is still published: one in a commitment is
	// neither merged nor withdrawn.
	if err := c.checkCommitmentText(k); err != nil {
		return err
	}
	if k.Title == m.title && k.Text == m.problem && slices.Equal(k.Proposals, m.proposals) && slices.Equal(k.Milestones, m.milestones) {
		return fmt.Errorf("%w: same commitment", room.ErrAlready)
	}
	return nil
}

func (c *Consultation) checkCommitmentStatus(k *Command) error {
	m, err := c.commitment(k.Commitment)
	if err != nil {
		return err
	}
	if m.status == Withdrawn {
		return fmt.Errorf("%w: %s is withdrawn", room.ErrState, k.Commitment)
	}
	switch Progress(k.Status) {
	case NotStarted, Limited, Substantial, Complete, Withdrawn:
	default:
		return fmt.Errorf("%w: a commitment is %s, %s, %s, %s or %s", room.ErrInvalid, NotStarted, Limited, Substantial, Complete, Withdrawn)
	}
	if k.Note, err = room.RequiredText(k.Note, maxNote, true); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	if err := checkLink("evidence", &k.Evidence); err != nil {
		return err
	}
	if n := len(m.history); n > 0 {
		if last := m.history[n-1]; string(last.Status) == k.Status && last.Note == k.Note && last.Evidence == k.Evidence {
			return fmt.Errorf("%w: same status, note and evidence", room.ErrAlready)
		}
	}
	return nil
}
