package consultation

import (
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

func (c *Consultation) checkStepAdd(k *Command) error {
	if !room.ValidCode(k.Code) {
		return fmt.Errorf("%w: a join code is 4 to 12 of A-Z and 0-9", room.ErrInvalid)
	}
	if k.Code == c.id {
		return fmt.Errorf("%w: the consultation's own id is not a meeting's", room.ErrInvalid)
	}
	if c.stepIndex(k.Code) >= 0 {
		return fmt.Errorf("%w: %s is a step already", room.ErrAlready, k.Code)
	}
	if len(c.steps) >= maxSteps {
		return fmt.Errorf("%w: at most %d step meetings", room.ErrInvalid, maxSteps)
	}
	var err error
	if k.Title, err = room.RequiredText(k.Title, maxTitle, false); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	return checkDate("date", k.Date)
}

func (c *Consultation) checkStepEdit(k *Command) error {
	i := c.stepIndex(k.Code)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoStep, k.Code)
	}
	var err error
	if k.Title, err = room.RequiredText(k.Title, maxTitle, false); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if err := checkDate("date", k.Date); err != nil {
		return err
	}
	if s := c.steps[i]; k.Title == s.title && k.Date == s.date {
		return fmt.Errorf("%w: same step", room.ErrAlready)
	}
	return nil
}

func (c *Consultation) checkStepStatus(k *Command) error {
	i := c.stepIndex(k.Code)
	if i < 0 {
		return fmt.Errorf("%w: %q", ErrNoStep, k.Code)
	}
	switch s := StepStatus(k.Status); s {
	case Upcoming, Live, Ended:
		if c.steps[i].status == s {
			return fmt.Errorf("%w: %s is %s", room.ErrAlready, k.Code, s)
		}
		return nil
	}
	return fmt.Errorf("%w: a step is %s, %s or %s", room.ErrInvalid, Upcoming, Live, Ended)
}

// checkCarry: From and To are questions of two step meetings, To's later
// than From's and not ended; From was not carried before, and To is not
// the end of another carry. A question carried on from where it was
// carried to keeps its thread; any other starts one.
func (c *Consultation) checkCarry(k *Command) error {
	if k.From == nil || k.To == nil {
		return fmt.Errorf("%w: from and to are both needed", room.ErrInvalid)
	}
	from, to := *k.From, *k.To // copies: the caller's are never written
	k.From, k.To = &from, &to
	fi, ti := c.stepIndex(from.Code), c.stepIndex(to.Code)
	switch {
	case fi < 0:
		return fmt.Errorf("from: %w: %q", ErrNoStep, from.Code)
	case ti < 0:
		return fmt.Errorf("to: %w: %q", ErrNoStep, to.Code)
	case from.Question < 1 || to.Question < 1:
		return fmt.Errorf("%w: question ids start at 1", room.ErrInvalid)
	case ti <= fi:
		return fmt.Errorf("%w: a question is carried to a later step meeting", room.ErrInvalid)
	case c.steps[ti].status == Ended:
		return fmt.Errorf("%w: step meeting %s has ended", room.ErrState, to.Code)
	case k.Votes < 0 || k.Votes > maxVotes:
		return fmt.Errorf("%w: votes", room.ErrInvalid)
	}
	var err error
	if k.Text, err = room.RequiredText(k.Text, maxQuestion, true); err != nil {
		return err
	}
	k.Thread = threadID(c.threads + 1)
	for _, x := range c.carries {
		switch {
		case x.from == from:
			return fmt.Errorf("%w: carried to %s already", room.ErrAlready, x.to.Code)
		case x.to == to:
			return fmt.Errorf("%w: %s question %d was carried from elsewhere", room.ErrInvalid, to.Code, to.Question)
		case x.to == from:
			k.Thread = x.thread
		}
	}
	return nil
}
