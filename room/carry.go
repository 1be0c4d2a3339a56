package room

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room/internal/canon"
)

// Carrying questions forward. A consultation (package consultation) is a
// process of several step meetings; a live question that a step meeting did
// not answer may be carried to a later one. The link is an event in both
// meetings' logs, so that each verifies alone and `tribune verify`
// cross-checks the pair:
//
//   - in the meeting it goes to, System imports it (OpImport): a new
//     question, with where it comes from (QuestionView.From) and the votes
//     it had there, that is then answered, merged or refused like any other;
//   - in the meeting it comes from, System records where it went (OpCarry,
//     QuestionView.CarriedTo). The room fills in the votes the question has
//     when it is carried, and Apply refuses an event that says otherwise
//     (TestCarryVotesChecked).
//
// The hub issues both on the organiser's behalf, the import first, so that
// the carry names the question's id in the meeting it went to.
//
// An imported question is live at once, whatever Settings.PreModeration
// says: its text was moderated in the meeting it comes from, where it was
// live, and it was chosen by the organiser. Nor does Settings.QAOpen stop
// it: the organiser carries questions before the meeting opens them. It has no author, no name and
// no channel: nothing of its asker crosses to another meeting. Its text
// may be as long as the longest question a room allows (2000 characters),
// since the meeting it comes from may allow longer questions than this one.
// TestCarryOps covers each rule, TestCarryReplay and TestCarryPatch the
// log and the patches, FuzzRoom all of it.

// Link ties a question to its counterpart in another step meeting of the
// same consultation. Everyone sees it: it names public things only.
type Link struct {
	// Consultation is the consultation's id: 4 to 12 of A-Z and 0-9, like
	// a join code.
	Consultation string `json:"consultation"`
	// Code is the other meeting's join code, never this one's.
	Code string `json:"code"`
	// Question is the question's id in the other meeting.
	Question QuestionID `json:"question"`
	// Votes are the upvotes the question had in the meeting it was carried
	// from, when it was carried.
	Votes int `json:"votes"`
	// Step names the other step meeting, for people ("Step 1: the budget").
	Step string `json:"step,omitempty"`
}

// maxCarriedVotes bounds Link.Votes in an import: the room cannot check
// them (`tribune verify` does, against the other log).
const maxCarriedVotes = 1_000_000_000

// checkLink validates c.Link and replaces it with a normalised copy (the
// caller's value is never written).
func (r *Room) checkLink(c *Command) error {
	if c.Link == nil {
		return fmt.Errorf("%w: link missing", ErrInvalid)
	}
	l := *c.Link
	switch {
	case !validCode(l.Consultation):
		return fmt.Errorf("%w: a consultation id is 4 to 12 of A-Z and 0-9", ErrInvalid)
	case !validCode(l.Code):
		return fmt.Errorf("%w: a join code is 4 to 12 of A-Z and 0-9", ErrInvalid)
	case l.Code == r.code:
		return fmt.Errorf("%w: a question is carried between two meetings", ErrInvalid)
	case l.Question < 1:
		return fmt.Errorf("%w: link: question id", ErrInvalid)
	case l.Votes < 0 || l.Votes > maxCarriedVotes:
		return fmt.Errorf("%w: link: votes", ErrInvalid)
	}
	var err error
	if l.Step, err = clean(l.Step, maxTitle, oneLine); err != nil {
		return fmt.Errorf("link step: %w", err)
	}
	c.Link = &l
	return nil
}

func (r *Room) checkImport(c *Command) error {
	var err error
	if c.Text, err = required(c.Text, maxQuestionLength, manyLines); err != nil {
		return err
	}
	if err := r.checkLink(c); err != nil {
		return err
	}
	for _, q := range r.questions {
		if f := q.from; f != nil && f.Consultation == c.Link.Consultation && f.Code == c.Link.Code && f.Question == c.Link.Question {
			return fmt.Errorf("%w: imported as question %d", ErrAlready, q.id)
		}
	}
	c.Question = QuestionID(len(r.questions) + 1)
	return nil
}

func (r *Room) applyImport(at int64, c *Command) {
	q := &question{id: c.Question, text: c.Text, status: Approved, step: r.step, at: at, from: c.Link}
	q.public = q.visible()
	r.questions = append(r.questions, q)
}

func (r *Room) checkCarry(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if err := r.checkLink(c); err != nil {
		return err
	}
	if q.carriedTo != nil {
		return fmt.Errorf("%w: carried to %s", ErrAlready, q.carriedTo.Code)
	}
	if q.status != Approved || q.archived {
		return fmt.Errorf("%w: only a live question that is not archived can be carried", ErrState)
	}
	if q.from != nil && q.from.Code == c.Link.Code {
		return fmt.Errorf("%w: the question came from %s", ErrInvalid, c.Link.Code)
	}
	c.Link.Votes = len(q.voters)
	return nil
}

// digestLinks writes the links of carried questions. Added after logs were
// exported: written only when a question has one (TestDigestStable).
func (r *Room) digestLinks(e *canon.Encoder) {
	if !slices.ContainsFunc(r.questions, func(q *question) bool { return q.from != nil || q.carriedTo != nil }) {
		return
	}
	e.Str("carried questions")
	for _, q := range r.questions {
		writeLink(e, q.from)
		writeLink(e, q.carriedTo)
	}
}

func writeLink(e *canon.Encoder, l *Link) {
	e.Bool(l != nil)
	if l != nil {
		e.Str(l.Consultation)
		e.Str(l.Code)
		e.Int(int64(l.Question))
		e.Int(int64(l.Votes))
		e.Str(l.Step)
	}
}
