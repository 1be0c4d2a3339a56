package room

import "fmt"

// question is one question and everything that happened to it.
type question struct {
	id         QuestionID
	text       string
	name       string
	author     string
	channel    Channel
	status     QuestionStatus
	voters     map[string]struct{} // who upvoted; Votes is its length
	pinned     bool
	archived   bool
	answer     string
	step       int
	at         int64
	answeredAt int64
	mergedInto QuestionID
	mergedFrom []QuestionID
	reason     Reason
	note       string
	rule       int   // the charter's rule a refusal applies, 0 for none
	from       *Link // where an imported question comes from; never written in place
	carriedTo  *Link // where it was carried; never written in place

	// public is set once the question has been visible to participants and
	// the screen: only then may a patch need to tell them it is gone.
	public bool
}

// visible reports whether participants and the screen see q.
func (q *question) visible() bool {
	return (q.status == Approved || q.status == Answered) && !q.archived
}

// question returns question id, or ErrNoQuestion.
func (r *Room) question(id QuestionID) (*question, error) {
	if id < 1 || int(id) > len(r.questions) {
		return nil, fmt.Errorf("%w: %d", ErrNoQuestion, id)
	}
	return r.questions[id-1], nil
}

// maxLength is the question length limit now.
func (r *Room) maxLength() int {
	if r.settings.MaxLength == 0 {
		return DefaultMaxLength
	}
	return r.settings.MaxLength
}

func (r *Room) checkAsk(c *Command) error {
	if !r.settings.QAOpen {
		return ErrQAClosed
	}
	var err error
	if c.Text, err = required(c.Text, r.maxLength(), manyLines); err != nil {
		return err
	}
	if c.Name, err = clean(c.Name, maxName, oneLine); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if c.Name != "" && r.settings.Anonymous {
		return ErrNamesDisabled
	}
	c.Question = QuestionID(len(r.questions) + 1)
	return nil
}

func (r *Room) applyAsk(a Actor, at int64, c *Command, m *member) {
	q := &question{
		id: c.Question, text: c.Text, name: c.Name, author: a.ID, channel: m.channel,
		status: Approved, step: r.step, at: at,
	}
	if r.settings.PreModeration {
		q.status = Pending
	}
	q.public = q.visible()
	r.questions = append(r.questions, q)
	m.questions = append(m.questions, q.id)
}

// ownPending returns the actor's pending question c.Question.
func (r *Room) ownPending(a Actor, c *Command) (*question, error) {
	q, err := r.question(c.Question)
	if err != nil {
		return nil, err
	}
	if q.author != a.ID {
		return nil, ErrNotAuthor
	}
	if q.status != Pending {
		return nil, fmt.Errorf("%w: only a pending question can change", ErrState)
	}
	return q, nil
}

func (r *Room) checkQuestionEdit(a Actor, c *Command) error {
	q, err := r.ownPending(a, c)
	if err != nil {
		return err
	}
	if c.Text, err = required(c.Text, r.maxLength(), manyLines); err != nil {
		return err
	}
	if c.Text == q.text {
		return fmt.Errorf("%w: same text", ErrAlready)
	}
	return nil
}

func (r *Room) checkWithdraw(a Actor, c *Command) error {
	_, err := r.ownPending(a, c)
	return err
}

func (r *Room) checkUpvote(a Actor, c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if !q.visible() {
		return fmt.Errorf("%w: question %d is not open to votes", ErrState, q.id)
	}
	if _, ok := q.voters[a.ID]; ok {
		return fmt.Errorf("%w: upvoted", ErrAlready)
	}
	return nil
}

func (r *Room) applyUpvote(a Actor, c *Command, m *member) {
	q := r.questions[c.Question-1]
	if q.voters == nil {
		q.voters = make(map[string]struct{})
	}
	q.voters[a.ID] = struct{}{}
	m.upvoted = append(m.upvoted, q.id)
}

// checkUnvote allows taking back a vote in any status: a vote is the
// voter's, whatever happened to the question since.
func (r *Room) checkUnvote(a Actor, c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if _, ok := q.voters[a.ID]; !ok {
		return fmt.Errorf("%w: not upvoted", ErrAlready)
	}
	return nil
}

func (r *Room) applyUnvote(a Actor, c *Command, m *member) {
	q := r.questions[c.Question-1]
	delete(q.voters, a.ID)
	m.upvoted = removeID(m.upvoted, q.id)
}

// removeID removes id from s, in place, not keeping the order.
func removeID(s []QuestionID, id QuestionID) []QuestionID {
	for i, x := range s {
		if x == id {
			s[i] = s[len(s)-1]
			return s[:len(s)-1]
		}
	}
	return s
}

func (r *Room) checkApprove(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if q.status != Pending && q.status != Rejected {
		return fmt.Errorf("%w: only a pending or rejected question can be approved", ErrState)
	}
	return nil
}

func (r *Room) applyApprove(c *Command) {
	q := r.questions[c.Question-1]
	if q.status == Rejected {
		r.refused[reasonIdx(q.reason)]--
		r.fx.meeting = true
	}
	q.status, q.reason, q.note, q.rule = Approved, "", "", 0
	q.public = q.public || q.visible()
}

func (r *Room) checkReject(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if q.status != Pending && q.status != Approved {
		return fmt.Errorf("%w: only a pending or live question can be rejected", ErrState)
	}
	if reasonIdx(c.Reason) < 0 {
		return fmt.Errorf("%w: reason must be one of %v", ErrInvalid, Reasons)
	}
	if c.Note, err = clean(c.Note, maxNote, oneLine); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	return r.checkRule(c.Rule)
}

func (r *Room) applyReject(c *Command) {
	q := r.questions[c.Question-1]
	q.status, q.reason, q.note, q.rule, q.pinned = Rejected, c.Reason, c.Note, c.Rule, false
	r.refused[reasonIdx(q.reason)]++
	r.fx.meeting = true
	r.unhighlight(q.id)
}

// unhighlight clears the highlight if it is on id.
func (r *Room) unhighlight(id QuestionID) {
	if r.highlight == id {
		r.highlight = 0
		r.fx.meeting = true
	}
}

func (r *Room) checkAnswer(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if q.status != Approved && q.status != Answered {
		return fmt.Errorf("%w: only a live or answered question can be answered", ErrState)
	}
	if c.Text, err = clean(c.Text, maxAnswer, manyLines); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	if q.status == Answered && c.Text == q.answer {
		return fmt.Errorf("%w: answered", ErrAlready)
	}
	return nil
}

func (r *Room) applyAnswer(at int64, c *Command) {
	q := r.questions[c.Question-1]
	if q.status != Answered {
		q.answeredAt = at
	}
	q.status, q.answer = Answered, c.Text
	r.unhighlight(q.id)
}

func (r *Room) checkReopen(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if q.status != Answered {
		return fmt.Errorf("%w: only an answered question can be reopened", ErrState)
	}
	return nil
}

func (r *Room) checkHighlight(c *Command) error {
	if c.Question == r.highlight {
		return fmt.Errorf("%w: highlighted", ErrAlready)
	}
	if c.Question == 0 {
		return nil
	}
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if !q.visible() {
		return fmt.Errorf("%w: only a live or answered question can be highlighted", ErrState)
	}
	return nil
}

func (r *Room) checkPin(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if q.pinned == c.On {
		return fmt.Errorf("%w: pinned is %v", ErrAlready, c.On)
	}
	if c.On && !q.visible() {
		return fmt.Errorf("%w: only a live or answered question can be pinned", ErrState)
	}
	return nil
}

func (r *Room) checkArchive(c *Command) error {
	q, err := r.question(c.Question)
	if err != nil {
		return err
	}
	if q.status != Approved && q.status != Answered && q.status != Rejected {
		return fmt.Errorf("%w: only a live, answered or rejected question can be archived", ErrState)
	}
	if q.archived == (c.Op == OpArchive) {
		return fmt.Errorf("%w: archived is %v", ErrAlready, q.archived)
	}
	return nil
}

func (r *Room) applyArchive(c *Command) {
	q := r.questions[c.Question-1]
	q.archived = true
	r.unhighlight(q.id)
}

func (r *Room) checkMerge(c *Command) error {
	dup, err := r.question(c.Question)
	if err != nil {
		return err
	}
	into, err := r.question(c.Into)
	if err != nil {
		return fmt.Errorf("into: %w", err)
	}
	if dup == into {
		return fmt.Errorf("%w: a question cannot be merged into itself", ErrInvalid)
	}
	if dup.status != Pending && dup.status != Approved {
		return fmt.Errorf("%w: only a pending or live question can be merged", ErrState)
	}
	if !into.visible() {
		return fmt.Errorf("%w: a question can only be merged into a live or answered one", ErrState)
	}
	return nil
}

// applyMerge folds the duplicate into the question kept: its voters move
// over (each counted once) and both keep the link.
func (r *Room) applyMerge(c *Command) {
	dup, into := r.questions[c.Question-1], r.questions[c.Into-1]
	if len(dup.voters) > 0 && into.voters == nil {
		into.voters = make(map[string]struct{}, len(dup.voters))
	}
	for v := range dup.voters {
		m := r.members[v]
		m.upvoted = removeID(m.upvoted, dup.id)
		if _, ok := into.voters[v]; !ok {
			into.voters[v] = struct{}{}
			m.upvoted = append(m.upvoted, into.id)
		}
	}
	dup.voters = nil
	dup.status, dup.mergedInto, dup.pinned = Merged, into.id, false
	into.mergedFrom = append(into.mergedFrom, dup.id)
	r.unhighlight(dup.id)
}
