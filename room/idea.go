package room

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room/internal/canon"
)

// The ideas board. A moderator opens a board (OpBoardOpen) for an agenda
// step or for the whole meeting, with a prompt ("What should the action
// plan commit to on open data?"); participants submit ideas (OpIdeaSubmit:
// a title and an optional text), upvote them (OpIdeaVote, one vote per
// participant and idea, taken back with OpIdeaUnvote); moderators approve,
// refuse with a public reason, merge, and close the board (OpBoardClose),
// after which nothing is submitted and no vote changes. At most one board is
// open at a time; a meeting may hold several, one after the other.
//
// An idea follows a question's moderation (question.go): it is live at
// once, or pending while Settings.PreModeration is on; a moderator approves
// a pending or refused one (OpIdeaApprove), refuses a pending or live one
// with a Reason and optionally a Note and the charter's Rule (OpIdeaReject),
// or merges a pending or live one into a live idea of the same board
// (OpIdeaMerge): its voters move over, a voter of both counted once, and
// both ideas keep the link (IdeaView.MergedInto, MergedFrom).
//
// Live ideas become the options of a draft poll (OpIdeaPoll): the room
// takes the ideas' titles, in the order given, as the options, and each
// idea records the poll (IdeaView.Poll) while the event records the ideas,
// so the log says where every option came from. An idea's title is at most
// maxOption characters so that it always fits an option.
//
// Who sees what (visible.go's rules, for ideas): the moderator sees every
// idea; participants and the screen see live ideas only, without author,
// reason or note; a participant's Mine adds their own ideas in every status
// (with the reason when refused) and the ideas they voted for. The counts of
// refused ideas by reason are public, on the board (BoardView.Refused).
// Votes reach patches as counts (Patch.IdeaVotes), never as ballots.
//
// Guarded by TestIdeaOps, TestIdeaVisibility, TestIdeaPatch and FuzzRoom
// (idea tallies against a recount of the log, no waiting or refused idea in
// a participant's or the screen's view).

// BoardID and IdeaID are assigned by the room, 1, 2, 3...
type (
	BoardID int
	IdeaID  int
)

// maxIdeaTitle is the length of an idea's title: an option's, so that any
// idea can become a poll option.
const maxIdeaTitle = maxOption

// maxPrompt is the length of a board's prompt.
const maxPrompt = maxPollTitle

// board is one ideas board.
type board struct {
	id       BoardID
	prompt   string
	step     int // agenda step, -1 for the whole meeting
	open     bool
	at       int64
	closedAt int64
	refused  [len(reasonIndex)]int
}

// idea is one idea and everything that happened to it.
type idea struct {
	id         IdeaID
	board      BoardID
	title      string
	text       string
	name       string
	author     string
	status     QuestionStatus // Pending, Approved, Rejected or Merged
	voters     map[string]struct{}
	at         int64
	mergedInto IdeaID
	mergedFrom []IdeaID
	reason     Reason
	note       string
	rule       int
	poll       PollID // the poll it became an option of, 0 for none

	// public is set once the idea has been visible to participants and
	// the screen: only then may a patch need to tell them it is gone.
	public bool
}

// ideas is the boards and ideas of a room, with each participant's part.
type ideas struct {
	boards []*board // boards[id-1]
	list   []*idea  // list[id-1]
	mine   map[string]*ideaMember
}

// ideaMember is one participant's ideas and votes.
type ideaMember struct {
	ideas []IdeaID // submitted, in id order
	votes []IdeaID // holds a vote on, in no particular order
}

// BoardView is a board as everyone sees it.
type BoardView struct {
	ID       BoardID        `json:"id"`
	Prompt   string         `json:"prompt"`
	Step     int            `json:"step"` // agenda step, -1 for the whole meeting
	Open     bool           `json:"open"`
	At       int64          `json:"at"`
	ClosedAt int64          `json:"closedAt,omitempty"`
	Refused  map[Reason]int `json:"refused,omitempty"` // ideas refused, by reason: public; absent when none
}

// IdeaView is an idea as a role sees it. Author, Reason, Note and Rule are
// filled only for moderators and, in Mine, for the author.
type IdeaView struct {
	ID         IdeaID         `json:"id"`
	Board      BoardID        `json:"board"`
	Title      string         `json:"title"`
	Text       string         `json:"text,omitempty"`
	Name       string         `json:"name,omitempty"`
	Status     QuestionStatus `json:"status"`
	Votes      int            `json:"votes"`
	At         int64          `json:"at"`
	MergedInto IdeaID         `json:"mergedInto,omitempty"`
	MergedFrom []IdeaID       `json:"mergedFrom,omitempty"`
	Poll       PollID         `json:"poll,omitempty"` // the poll it became an option of
	Author     string         `json:"author,omitempty"`
	Reason     Reason         `json:"reason,omitempty"`
	Note       string         `json:"note,omitempty"`
	Rule       int            `json:"rule,omitempty"`
}

// ideaOps are the ops of this file.
var ideaOps = map[Op]bool{
	OpBoardOpen: true, OpBoardClose: true, OpIdeaSubmit: true, OpIdeaVote: true, OpIdeaUnvote: true,
	OpIdeaApprove: true, OpIdeaReject: true, OpIdeaMerge: true, OpIdeaPoll: true,
}

func (x *idea) visible() bool { return x.status == Approved }

func (r *Room) board(id BoardID) (*board, error) {
	if id < 1 || int(id) > len(r.ideas.boards) {
		return nil, fmt.Errorf("%w: no ideas board %d", ErrInvalid, id)
	}
	return r.ideas.boards[id-1], nil
}

func (r *Room) idea(id IdeaID) (*idea, error) {
	if id < 1 || int(id) > len(r.ideas.list) {
		return nil, fmt.Errorf("%w: %d", ErrNoIdea, id)
	}
	return r.ideas.list[id-1], nil
}

// openBoard is the open board, or nil.
func (r *Room) openBoard() *board {
	for _, b := range r.ideas.boards {
		if b.open {
			return b
		}
	}
	return nil
}

// stripIdea keeps in k the fields of c an idea op reads.
func stripIdea(c, k *Command) {
	switch c.Op {
	case OpBoardOpen:
		k.Board, k.Text, k.Step = c.Board, c.Text, c.Step
	case OpBoardClose:
		k.Board = c.Board
	case OpIdeaSubmit:
		k.Board, k.Idea, k.Title, k.Text, k.Name = c.Board, c.Idea, c.Title, c.Text, c.Name
	case OpIdeaVote, OpIdeaUnvote, OpIdeaApprove:
		k.Idea = c.Idea
	case OpIdeaReject:
		k.Idea, k.Reason, k.Note, k.Rule = c.Idea, c.Reason, c.Note, c.Rule
	case OpIdeaMerge:
		k.Idea, k.IdeaInto = c.Idea, c.IdeaInto
	case OpIdeaPoll:
		k.Ideas, k.Poll, k.Kind, k.Text, k.Options, k.Max, k.Budget, k.Visibility = c.Ideas, c.Poll, c.Kind, c.Text, c.Options, c.Max, c.Budget, c.Visibility
	}
}

// checkIdeaOp is checkOp for the ops of this file.
func (r *Room) checkIdeaOp(a Actor, c *Command) error {
	switch c.Op {
	case OpBoardOpen:
		return r.checkBoardOpen(c)
	case OpBoardClose:
		b, err := r.board(c.Board)
		if err != nil {
			return err
		}
		if !b.open {
			return fmt.Errorf("%w: closed", ErrAlready)
		}
		return nil
	case OpIdeaSubmit:
		return r.checkIdeaSubmit(c)
	case OpIdeaVote, OpIdeaUnvote:
		return r.checkIdeaVote(a, c)
	case OpIdeaApprove:
		x, err := r.idea(c.Idea)
		if err != nil {
			return err
		}
		if x.status != Pending && x.status != Rejected {
			return fmt.Errorf("%w: only a pending or refused idea can be approved", ErrState)
		}
		return nil
	case OpIdeaReject:
		return r.checkIdeaReject(c)
	case OpIdeaMerge:
		return r.checkIdeaMerge(c)
	case OpIdeaPoll:
		return r.checkIdeaPoll(c)
	}
	return fmt.Errorf("%w: %q", ErrUnknownOp, c.Op)
}

func (r *Room) checkBoardOpen(c *Command) error {
	if r.openBoard() != nil {
		return fmt.Errorf("%w: close the open ideas board first", ErrState)
	}
	var err error
	if c.Text, err = required(c.Text, maxPrompt, oneLine); err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	if c.Step < -1 || c.Step >= len(r.agenda) {
		return fmt.Errorf("%w: step %d is not in the agenda", ErrInvalid, c.Step)
	}
	c.Board = BoardID(len(r.ideas.boards) + 1)
	return nil
}

func (r *Room) checkIdeaSubmit(c *Command) error {
	b, err := r.board(c.Board)
	if err != nil {
		return err
	}
	if !b.open {
		return ErrIdeasClosed
	}
	if c.Title, err = required(c.Title, maxIdeaTitle, oneLine); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if c.Text, err = clean(c.Text, r.maxLength(), manyLines); err != nil {
		return err
	}
	if c.Name, err = clean(c.Name, maxName, oneLine); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if c.Name != "" && r.settings.Anonymous {
		return ErrNamesDisabled
	}
	c.Idea = IdeaID(len(r.ideas.list) + 1)
	return nil
}

func (r *Room) checkIdeaVote(a Actor, c *Command) error {
	x, err := r.idea(c.Idea)
	if err != nil {
		return err
	}
	if !r.ideas.boards[x.board-1].open {
		return ErrIdeasClosed
	}
	_, voted := x.voters[a.ID]
	if c.Op == OpIdeaUnvote {
		if !voted {
			return fmt.Errorf("%w: not voted", ErrAlready)
		}
		return nil // a vote is the voter's, whatever happened to the idea since
	}
	if !x.visible() {
		return fmt.Errorf("%w: idea %d is not open to votes", ErrState, x.id)
	}
	if voted {
		return fmt.Errorf("%w: voted", ErrAlready)
	}
	return nil
}

func (r *Room) checkIdeaReject(c *Command) error {
	x, err := r.idea(c.Idea)
	if err != nil {
		return err
	}
	if x.status != Pending && x.status != Approved {
		return fmt.Errorf("%w: only a pending or live idea can be refused", ErrState)
	}
	if reasonIdx(c.Reason) < 0 {
		return fmt.Errorf("%w: reason must be one of %v", ErrInvalid, Reasons)
	}
	if c.Note, err = clean(c.Note, maxNote, oneLine); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	return r.checkRule(c.Rule)
}

func (r *Room) checkIdeaMerge(c *Command) error {
	dup, err := r.idea(c.Idea)
	if err != nil {
		return err
	}
	into, err := r.idea(c.IdeaInto)
	if err != nil {
		return fmt.Errorf("into: %w", err)
	}
	switch {
	case dup == into:
		return fmt.Errorf("%w: an idea cannot be merged into itself", ErrInvalid)
	case dup.board != into.board:
		return fmt.Errorf("%w: ideas are merged within one board", ErrInvalid)
	case dup.status != Pending && dup.status != Approved:
		return fmt.Errorf("%w: only a pending or live idea can be merged", ErrState)
	case !into.visible():
		return fmt.Errorf("%w: an idea can only be merged into a live one", ErrState)
	}
	return nil
}

// checkIdeaPoll checks the ideas and the poll they become: the options are
// the ideas' titles, in the order given, checked like any poll's.
func (r *Room) checkIdeaPoll(c *Command) error {
	if len(c.Ideas) < minOptions || len(c.Ideas) > maxOptions {
		return fmt.Errorf("%w: a poll is made of %d to %d ideas", ErrInvalid, minOptions, maxOptions)
	}
	opts := make([]string, len(c.Ideas))
	for i, id := range c.Ideas {
		x, err := r.idea(id)
		if err != nil {
			return err
		}
		if !x.visible() {
			return fmt.Errorf("%w: idea %d is not live", ErrState, id)
		}
		if slices.Contains(c.Ideas[:i], id) {
			return fmt.Errorf("%w: idea %d is named twice", ErrInvalid, id)
		}
		opts[i] = x.title
	}
	if c.Kind != Single && c.Kind != Multiple && c.Kind != Ranking && c.Kind != Points {
		return fmt.Errorf("%w: ideas make a choice, ranking or points poll", ErrInvalid)
	}
	c.Options = opts
	if err := r.checkPollCreate(c); err != nil {
		return err
	}
	c.Ideas = slices.Clone(c.Ideas)
	return nil
}

// applyIdeaOp is mutate for the ops of this file.
func (r *Room) applyIdeaOp(a Actor, at int64, c *Command) {
	switch c.Op {
	case OpBoardOpen:
		r.ideas.boards = append(r.ideas.boards, &board{id: c.Board, prompt: c.Text, step: c.Step, open: true, at: at})
	case OpBoardClose:
		b := r.ideas.boards[c.Board-1]
		b.open, b.closedAt = false, at
	case OpIdeaSubmit:
		x := &idea{id: c.Idea, board: c.Board, title: c.Title, text: c.Text, name: c.Name, author: a.ID, status: Approved, at: at}
		if r.settings.PreModeration {
			x.status = Pending
		}
		x.public = x.visible()
		r.ideas.list = append(r.ideas.list, x)
		m := r.ideaMember(a.ID)
		m.ideas = append(m.ideas, x.id)
	case OpIdeaVote:
		x := r.ideas.list[c.Idea-1]
		if x.voters == nil {
			x.voters = make(map[string]struct{})
		}
		x.voters[a.ID] = struct{}{}
		m := r.ideaMember(a.ID)
		m.votes = append(m.votes, x.id)
	case OpIdeaUnvote:
		x := r.ideas.list[c.Idea-1]
		delete(x.voters, a.ID)
		m := r.ideaMember(a.ID)
		m.votes = removeIdea(m.votes, x.id)
	case OpIdeaApprove:
		x := r.ideas.list[c.Idea-1]
		if x.status == Rejected {
			r.ideas.boards[x.board-1].refused[reasonIdx(x.reason)]--
		}
		x.status, x.reason, x.note, x.rule = Approved, "", "", 0
		x.public = true
	case OpIdeaReject:
		x := r.ideas.list[c.Idea-1]
		x.status, x.reason, x.note, x.rule = Rejected, c.Reason, c.Note, c.Rule
		r.ideas.boards[x.board-1].refused[reasonIdx(x.reason)]++
	case OpIdeaMerge:
		r.applyIdeaMerge(c)
	case OpIdeaPoll:
		r.applyPollCreate(c)
		for _, id := range c.Ideas {
			r.ideas.list[id-1].poll = c.Poll
		}
	}
}

// applyIdeaMerge folds the duplicate into the idea kept: its voters move
// over, each counted once, and both keep the link.
func (r *Room) applyIdeaMerge(c *Command) {
	dup, into := r.ideas.list[c.Idea-1], r.ideas.list[c.IdeaInto-1]
	if len(dup.voters) > 0 && into.voters == nil {
		into.voters = make(map[string]struct{}, len(dup.voters))
	}
	for v := range dup.voters {
		m := r.ideaMember(v)
		m.votes = removeIdea(m.votes, dup.id)
		if _, ok := into.voters[v]; !ok {
			into.voters[v] = struct{}{}
			m.votes = append(m.votes, into.id)
		}
	}
	dup.voters = nil
	dup.status, dup.mergedInto = Merged, into.id
	into.mergedFrom = append(into.mergedFrom, dup.id)
}

func (r *Room) ideaMember(id string) *ideaMember {
	if r.ideas.mine == nil {
		r.ideas.mine = make(map[string]*ideaMember)
	}
	m := r.ideas.mine[id]
	if m == nil {
		m = &ideaMember{}
		r.ideas.mine[id] = m
	}
	return m
}

// removeIdea removes id from s, in place, not keeping the order.
func removeIdea(s []IdeaID, id IdeaID) []IdeaID {
	if i := slices.Index(s, id); i >= 0 {
		s[i] = s[len(s)-1]
		return s[:len(s)-1]
	}
	return s
}

func (b *board) view() BoardView {
	v := BoardView{ID: b.id, Prompt: b.prompt, Step: b.step, Open: b.open, At: b.at, ClosedAt: b.closedAt}
	for i, n := range b.refused {
		if n > 0 {
			if v.Refused == nil {
				v.Refused = make(map[Reason]int)
			}
			v.Refused[reasonIndex[i]] = n
		}
	}
	return v
}

// view is x as seen by a moderator or its author (full), or by everyone
// else.
func (r *Room) ideaView(x *idea, full bool) IdeaView {
	v := IdeaView{
		ID: x.id, Board: x.board, Title: x.title, Text: x.text, Name: x.name, Status: x.status,
		Votes: len(x.voters), At: x.at, MergedInto: x.mergedInto,
	}
	if len(x.mergedFrom) > 0 {
		v.MergedFrom = slices.Clone(x.mergedFrom)
	}
	v.Poll = x.poll // an id only: the poll itself is in views as its status allows
	if full {
		v.Author, v.Reason, v.Note, v.Rule = x.author, x.reason, x.note, x.rule
	}
	return v
}

// boardsView and ideasView fill a role's View.
func (r *Room) boardsView() []BoardView {
	var out []BoardView
	for _, b := range r.ideas.boards {
		out = append(out, b.view())
	}
	return out
}

func (r *Room) ideasView(mod bool) []IdeaView {
	var out []IdeaView
	for _, x := range r.ideas.list {
		if mod || x.visible() {
			out = append(out, r.ideaView(x, mod))
		}
	}
	return out
}

// mineIdeas fills a participant's own ideas and votes into mine.
func (r *Room) mineIdeas(mine *Mine) {
	m := r.ideas.mine[mine.Participant]
	if m == nil {
		return
	}
	for _, id := range m.ideas {
		mine.Ideas = append(mine.Ideas, r.ideaView(r.ideas.list[id-1], true))
	}
	if len(m.votes) > 0 {
		mine.IdeaVotes = slices.Sorted(slices.Values(m.votes))
	}
}

// trackIdea records in c what an idea op touched.
func (r *Room) trackIdea(c *Changes, ev Event) {
	mark := func(id IdeaID) {
		if c.ideas == nil {
			c.ideas = make(map[IdeaID]struct{})
		}
		c.ideas[id] = struct{}{}
		if x, err := r.idea(id); err == nil {
			c.participant(x.author)
		}
	}
	switch ev.Op {
	case OpBoardOpen, OpBoardClose:
		c.boards = true
	case OpIdeaSubmit:
		mark(ev.Idea)
	case OpIdeaApprove, OpIdeaReject:
		mark(ev.Idea)
		c.boards = true // the refused counts may have changed
	case OpIdeaVote, OpIdeaUnvote:
		// Only the count changed: whoever sees the idea holds the rest.
		if c.ideaVotes == nil {
			c.ideaVotes = make(map[IdeaID]struct{})
		}
		c.ideaVotes[ev.Idea] = struct{}{}
		if x, err := r.idea(ev.Idea); err == nil {
			c.participant(x.author)
		}
		c.participant(ev.Actor.ID)
	case OpIdeaMerge:
		mark(ev.Idea)
		mark(ev.IdeaInto)
		if x, err := r.idea(ev.IdeaInto); err == nil {
			for v := range x.voters {
				c.participant(v)
			}
		}
	case OpIdeaPoll:
		c.poll(ev.Poll)
		for _, id := range ev.Ideas {
			mark(id)
		}
	}
}

// patchIdeas adds to p what changed in the boards and ideas for role.
func (r *Room) patchIdeas(p *Patch, role Role, c *Changes) {
	mod := role == Moderator
	if c.boards {
		p.Boards = r.boardsView()
	}
	for _, id := range sortedKeys(c.ideas) {
		x, err := r.idea(id)
		switch {
		case err != nil:
		case mod || x.visible():
			p.Ideas = append(p.Ideas, r.ideaView(x, mod))
		case x.public:
			p.GoneIdeas = append(p.GoneIdeas, id)
		}
	}
	for id := range c.ideaVotes {
		if _, whole := c.ideas[id]; whole {
			continue
		}
		if x, err := r.idea(id); err == nil && (mod || x.visible()) {
			if p.IdeaVotes == nil {
				p.IdeaVotes = make(map[IdeaID]int, len(c.ideaVotes))
			}
			p.IdeaVotes[id] = len(x.voters)
		}
	}
}

// applyIdeaPatch is ApplyPatch's part for boards and ideas.
func (v *View) applyIdeaPatch(p *Patch) {
	if len(p.Boards) > 0 {
		v.Boards = p.Boards
	}
	if len(p.Ideas) > 0 || len(p.GoneIdeas) > 0 {
		v.Ideas = mergeByID(v.Ideas, p.Ideas, p.GoneIdeas, func(x IdeaView) IdeaID { return x.ID })
	}
	for id, n := range p.IdeaVotes {
		if i, ok := slices.BinarySearchFunc(v.Ideas, id, func(x IdeaView, id IdeaID) int { return int(x.ID) - int(id) }); ok {
			v.Ideas[i].Votes = n
		}
	}
}

// digestIdeas adds the boards and ideas to the digest; rooms without a
// board keep the digest they had before boards.
func (r *Room) digestIdeas(e *canon.Encoder) {
	if len(r.ideas.boards) == 0 {
		return
	}
	e.Str("ideas")
	e.Int(int64(len(r.ideas.boards)))
	for _, b := range r.ideas.boards {
		e.Int(int64(b.id))
		e.Str(b.prompt)
		e.Int(int64(b.step))
		e.Bool(b.open)
		e.Int(b.at)
		e.Int(b.closedAt)
		for _, n := range b.refused {
			e.Int(int64(n))
		}
	}
	e.Int(int64(len(r.ideas.list)))
	for _, x := range r.ideas.list {
		e.Int(int64(x.id))
		e.Int(int64(x.board))
		e.Str(x.title)
		e.Str(x.text)
		e.Str(x.name)
		e.Str(x.author)
		e.Str(string(x.status))
		e.Strs(sortedKeys(x.voters))
		e.Int(x.at)
		e.Int(int64(x.mergedInto))
		canon.Ints(e, x.mergedFrom)
		e.Str(string(x.reason))
		e.Str(x.note)
		e.Int(int64(x.rule))
		e.Int(int64(x.poll))
		e.Bool(x.public)
	}
	ids := make([]string, 0, len(r.ideas.mine))
	for id := range r.ideas.mine {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		m := r.ideas.mine[id]
		e.Str(id)
		canon.Ints(e, m.ideas)
		canon.Ints(e, slices.Sorted(slices.Values(m.votes)))
	}
}

// ideaIDs reports whether ev, an event, carries other ids or options than
// c, the same command checked on this state, assigns: the room assigns
// them, and a poll made of ideas takes their titles.
func ideaIDs(c, ev *Command) bool {
	switch c.Op {
	case OpBoardOpen:
		return c.Board != ev.Board
	case OpIdeaSubmit:
		return c.Idea != ev.Idea
	case OpIdeaPoll:
		return c.Poll != ev.Poll || !slices.Equal(c.Options, ev.Options)
	}
	return false
}
