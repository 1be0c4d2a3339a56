package room

import (
	"errors"
	"fmt"
)

// Room is one meeting's state: the fold of its events. A Room is not safe for
// concurrent use, reads included (results are cached on first read); its
// owner (the hub's sequencer, or a replica) serialises access. The View,
// Mine, Patch and Event values it returns stay valid after later events; they
// may share slices the room never writes again (agenda, poll options, the
// choices of a single-choice ballot), so treat them as read-only.
type Room struct {
	seq uint64

	created     bool
	title       string
	description string
	code        string
	status      Status
	settings    Settings
	agenda      []string // replaced whole, never written in place
	outcomes    []string // outcomes[i] is agenda step i's; replaced whole, never written in place
	step        int      // -1 for none
	highlight   QuestionID
	screenPoll  PollID
	recording   Recording // OpRecording: recording.go

	announcements []Announcement  // every announcement; views show the last keptAnnouncements
	floor         []*floorRequest // floor[id-1]: every request to speak
	speaking      FloorID         // 0 for nobody
	refused       [len(reasonIndex)]int

	// questions[id-1] and polls[id-1]: ids are dense and never reused.
	questions []*question
	polls     []*poll

	members map[string]*member
	inRoom  int // present now, by channel
	remote  int
	peak    int

	reactions [len(reactionIndex)]int // cumulative, in Reactions order
	ledger    []LedgerEntry

	team    []*seat  // team[id-1]: every seat, revoked ones too (team.go)
	notes   []Note   // backstage notes, for the moderators only
	charter []string // the organiser's rules; nil for the default charter; replaced whole

	// Voters (voters.go).
	checkedIn  int            // members checked in, in the room
	cards      []string       // cards[n-1]: the hash of card n
	cardIndex  map[string]int // hash -> n
	cardsVoted int            // cards with a ballot in some poll
	ideas      ideas          // the ideas boards (idea.go)

	// fx records side effects of the last event applied, so that Track can be
	// precise without diffing: see Track.
	fx effects
}

// effects are the side effects of one applied event that its command does
// not name.
type effects struct {
	seq     uint64
	meeting bool // MeetingView changed (highlight cleared, refusals changed)
}

// member is a participant who joined at least once.
type member struct {
	id        string
	name      string
	channel   Channel
	present   bool
	questions []QuestionID // asked, in id order
	upvoted   []QuestionID // holds a vote on, in no particular order
	floor     FloorID      // their last request to speak, 0 for none: the only one that may be active
	checkedIn bool         // typed the room code (voters.go)
	voted     bool         // has a ballot in some poll
}

// New returns an empty room at sequence number 0. Its first event must be
// OpCreate.
func New() *Room {
	return &Room{step: -1, members: make(map[string]*member)}
}

// Seq returns the sequence number of the last event applied.
func (r *Room) Seq() uint64 { return r.seq }

// Decide checks cmd from actor at time at (Unix milliseconds) against the
// current state and returns the event it would produce, numbered Seq()+1,
// without changing the room. A command that cannot take effect returns one of
// the Err values, possibly wrapped with detail.
//
// The event is the command normalised: text trimmed, ids assigned (Question
// for OpAsk, Poll for OpPollCreate), defaults filled in (Settings for
// OpCreate, Visibility, Max and Scale for polls), choices sorted. Fields the
// op does not read are dropped, so no stray text reaches the log.
func (r *Room) Decide(actor Actor, at int64, cmd Command) (Event, error) {
	c := cmd
	if err := separators(&c); err != nil {
		return Event{}, err
	}
	if _, err := r.check(actor, &c); err != nil {
		return Event{}, err
	}
	return Event{Seq: r.seq + 1, At: at, Actor: actor, Command: c}, nil
}

// Apply folds ev into the room. ev.Seq must be Seq()+1 (ErrSequence
// otherwise). Events produced by Decide on the same state always apply.
//
// Apply checks ev as Decide would, so an event that Decide could not have
// produced on this state (a forged or corrupted log) is refused with an error
// that wraps ErrInvalid and the reason, and changes nothing. The one rule it
// does not check is younger than some logs: line and paragraph separators
// (separators.go).
func (r *Room) Apply(ev Event) error {
	if ev.Seq != r.seq+1 {
		return fmt.Errorf("%w: got %d, want %d", ErrSequence, ev.Seq, r.seq+1)
	}
	c := ev.Command
	m, err := r.check(ev.Actor, &c)
	if err != nil {
		return fmt.Errorf("%w: event %d: %w", ErrInvalid, ev.Seq, err)
	}
	// Ids are assigned by the room: an event must carry the ones this state
	// assigns.
	if ((c.Op == OpAsk || c.Op == OpImport) && c.Question != ev.Question) || (c.Op == OpPollCreate && c.Poll != ev.Poll) ||
		(c.Op == OpTeamAdd && c.Seat != ev.Seat) || ideaIDs(&c, &ev.Command) {
		return fmt.Errorf("%w: event %d: id out of sequence", ErrInvalid, ev.Seq)
	}
	// So are the votes a carried question had.
	if c.Op == OpCarry && (ev.Link == nil || c.Link.Votes != ev.Link.Votes) {
		return fmt.Errorf("%w: event %d: the votes carried are not the question's", ErrInvalid, ev.Seq)
	}
	r.mutate(ev.Actor, ev.At, &c, m)
	return nil
}

// Handle is Decide followed by Apply.
func (r *Room) Handle(actor Actor, at int64, cmd Command) (Event, error) {
	c := cmd
	if err := separators(&c); err != nil {
		return Event{}, err
	}
	m, err := r.check(actor, &c)
	if err != nil {
		return Event{}, err
	}
	ev := Event{Seq: r.seq + 1, At: at, Actor: actor, Command: c}
	// c is what Apply would recompute: skip the second check.
	r.mutate(actor, at, &c, m)
	return ev, nil
}

// Replay folds events into a new room, in order. It fails on the first event
// that does not apply, saying which.
func Replay(events []Event) (*Room, error) {
	r := New()
	for _, ev := range events {
		if err := r.Apply(ev); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
	}
	return r, nil
}

// CheckReact reports whether actor may send reaction now. Reactions are
// never events on their own: the hub gathers the taps it accepts and logs
// them as one OpReactions from System per tick. The checks, in order: the
// actor is a participant (ErrForbidden), the room exists (ErrState) and has
// not ended (ErrEnded), the participant joined (ErrNotJoined), the reaction
// is one of Reactions (ErrInvalid), reactions are on (ErrReactionsOff).
func (r *Room) CheckReact(actor Actor, reaction Reaction) error {
	switch {
	case actor.Role != Participant:
		return ErrForbidden
	case !r.created:
		return fmt.Errorf("%w: the room does not exist yet", ErrState)
	case r.status == Ended:
		return ErrEnded
	case r.members[actor.ID] == nil:
		return ErrNotJoined
	case reactionIdx(reaction) < 0:
		return fmt.Errorf("%w: unknown reaction %q", ErrInvalid, reaction)
	case !r.settings.Reactions:
		return ErrReactionsOff
	}
	return nil
}

// Status, Code and Title describe the meeting.
func (r *Room) Status() Status { return r.status }
func (r *Room) Code() string   { return r.code }
func (r *Room) Title() string  { return r.title }

// roleMask is a set of roles.
type roleMask uint8

func roles(rs ...Role) roleMask {
	var m roleMask
	for _, r := range rs {
		m |= 1 << r
	}
	return m
}

func (m roleMask) has(r Role) bool { return r < 8 && m&(1<<r) != 0 }

// opRule says who may issue an op and whether it is allowed once the
// meeting has ended.
type opRule struct {
	roles    roleMask
	afterEnd bool
}

var (
	systemOnly      = roles(System)
	moderatorOnly   = roles(Moderator)
	participantOnly = roles(Participant)
)

var opRules = map[Op]opRule{
	OpCreate:        {roles: systemOnly},
	OpEdit:          {roles: moderatorOnly},
	OpSettings:      {roles: moderatorOnly},
	OpStart:         {roles: moderatorOnly},
	OpEnd:           {roles: moderatorOnly},
	OpAgenda:        {roles: moderatorOnly},
	OpGoto:          {roles: moderatorOnly},
	OpOutcome:       {roles: moderatorOnly, afterEnd: true},
	OpAnnounce:      {roles: moderatorOnly},
	OpRecording:     {roles: moderatorOnly, afterEnd: true},
	OpJoin:          {roles: systemOnly},
	OpLeave:         {roles: systemOnly, afterEnd: true},
	OpRename:        {roles: participantOnly},
	OpPresenceReset: {roles: systemOnly, afterEnd: true},
	OpCheckin:       {roles: systemOnly},
	OpCardsIssue:    {roles: moderatorOnly},

	OpAsk:          {roles: participantOnly},
	OpQuestionEdit: {roles: participantOnly},
	OpWithdraw:     {roles: participantOnly},
	OpUpvote:       {roles: participantOnly},
	OpUnvote:       {roles: participantOnly},
	OpApprove:      {roles: moderatorOnly},
	OpReject:       {roles: moderatorOnly},
	OpAnswer:       {roles: moderatorOnly, afterEnd: true},
	OpReopen:       {roles: moderatorOnly},
	OpHighlight:    {roles: moderatorOnly},
	OpPin:          {roles: moderatorOnly},
	OpArchive:      {roles: moderatorOnly},
	OpRestore:      {roles: moderatorOnly},
	OpMerge:        {roles: moderatorOnly},
	OpImport:       {roles: systemOnly},
	OpCarry:        {roles: systemOnly, afterEnd: true},

	OpPollCreate:     {roles: moderatorOnly},
	OpPollEdit:       {roles: moderatorOnly},
	OpPollDelete:     {roles: moderatorOnly},
	OpPollOpen:       {roles: moderatorOnly},
	OpPollClose:      {roles: moderatorOnly},
	OpPollVisibility: {roles: moderatorOnly},
	OpPollLock:       {roles: moderatorOnly},
	OpPollShow:       {roles: moderatorOnly},
	OpVote:           {roles: participantOnly},

	OpFloorRequest:  {roles: participantOnly},
	OpFloorWithdraw: {roles: participantOnly},
	OpFloorCall:     {roles: moderatorOnly},
	OpFloorDone:     {roles: moderatorOnly},
	OpFloorDrop:     {roles: moderatorOnly},

	OpTeamAdd:    {roles: moderatorOnly, afterEnd: true},
	OpTeamRevoke: {roles: moderatorOnly, afterEnd: true},
	OpNote:       {roles: moderatorOnly},
	OpCharter:    {roles: moderatorOnly},

	OpBoardOpen:   {roles: moderatorOnly},
	OpBoardClose:  {roles: moderatorOnly, afterEnd: true},
	OpIdeaSubmit:  {roles: participantOnly},
	OpIdeaVote:    {roles: participantOnly},
	OpIdeaUnvote:  {roles: participantOnly},
	OpIdeaApprove: {roles: moderatorOnly},
	OpIdeaReject:  {roles: moderatorOnly},
	OpIdeaMerge:   {roles: moderatorOnly},
	OpIdeaPoll:    {roles: moderatorOnly},

	OpReact:     {roles: participantOnly},
	OpReactions: {roles: systemOnly},
}

// errReact is returned by Decide for OpReact, whatever the role.
var errReact = fmt.Errorf("%w: reactions are checked with CheckReact and logged as %s", ErrInvalid, OpReactions)

// check validates c from actor against the current state and normalises it
// in place, and returns the acting participant (nil for other roles). It
// never changes the room. The order of the checks is part of
// the contract (doc.go): unknown op, react, role, room created, ended,
// joined, then the op's own arguments.
func (r *Room) check(a Actor, c *Command) (*member, error) {
	rule, ok := opRules[c.Op]
	var seatErr error // what the acting seat may not do (team.go)
	if ok && a.Role == Moderator {
		seatErr = r.checkSeat(a, c.Op)
	}
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: %q", ErrUnknownOp, c.Op)
	case c.Op == OpReact:
		return nil, errReact
	case !rule.roles.has(a.Role):
		return nil, fmt.Errorf("%w: %s may not %s", ErrForbidden, a.Role, c.Op)
	case seatErr != nil:
		return nil, seatErr
	case c.Op == OpCreate && r.created:
		return nil, fmt.Errorf("%w: the room already exists", ErrState)
	case c.Op != OpCreate && !r.created:
		return nil, fmt.Errorf("%w: the room does not exist yet", ErrState)
	case r.status == Ended && !rule.afterEnd:
		return nil, ErrEnded
	}
	var m *member
	if a.Role == Participant {
		if m = r.members[a.ID]; m == nil {
			return nil, ErrNotJoined
		}
	}
	strip(c)
	return m, r.checkOp(a, c, m)
}

// checkOp is check's part that depends on the op.
func (r *Room) checkOp(a Actor, c *Command, m *member) error {
	if ideaOps[c.Op] {
		return r.checkIdeaOp(a, c)
	}
	switch c.Op {
	case OpCreate:
		return r.checkCreate(c)
	case OpEdit:
		return r.checkEdit(c)
	case OpSettings:
		return r.checkSettings(c)
	case OpStart:
		if r.status != Scheduled {
			return fmt.Errorf("%w: the meeting is already live", ErrState)
		}
		return nil
	case OpEnd:
		return nil // not ended: checked above
	case OpAgenda:
		return r.checkAgenda(c)
	case OpGoto:
		return r.checkGoto(c)
	case OpOutcome:
		return r.checkOutcome(c)
	case OpFloorRequest:
		return r.checkFloorRequest(a, c)
	case OpFloorWithdraw:
		return r.checkFloorWithdraw(a, c)
	case OpFloorCall, OpFloorDrop:
		return r.checkFloorMove(c, FloorWaiting)
	case OpFloorDone:
		return r.checkFloorMove(c, FloorSpeaking)
	case OpAnnounce:
		return r.checkAnnounce(c)
	case OpRecording:
		return r.checkRecording(c)
	case OpJoin:
		return r.checkJoin(a, c)
	case OpLeave:
		return r.checkLeave(a)
	case OpRename:
		return r.checkRename(m, c)
	case OpPresenceReset:
		return nil
	case OpCheckin:
		return r.checkCheckin(a)
	case OpCardsIssue:
		return r.checkCardsIssue(c)
	case OpReactions:
		return checkReactions(c)
	case OpAsk:
		return r.checkAsk(c)
	case OpQuestionEdit:
		return r.checkQuestionEdit(a, c)
	case OpWithdraw:
		return r.checkWithdraw(a, c)
	case OpUpvote:
		return r.checkUpvote(a, c)
	case OpUnvote:
		return r.checkUnvote(a, c)
	case OpApprove:
		return r.checkApprove(c)
	case OpReject:
		return r.checkReject(c)
	case OpAnswer:
		return r.checkAnswer(c)
	case OpReopen:
		return r.checkReopen(c)
	case OpHighlight:
		return r.checkHighlight(c)
	case OpPin:
		return r.checkPin(c)
	case OpArchive, OpRestore:
		return r.checkArchive(c)
	case OpMerge:
		return r.checkMerge(c)
	case OpImport:
		return r.checkImport(c)
	case OpCarry:
		return r.checkCarry(c)
	case OpPollCreate:
		return r.checkPollCreate(c)
	case OpPollEdit:
		return r.checkPollEdit(c)
	case OpPollDelete:
		return r.checkPollDelete(c)
	case OpPollOpen:
		return r.checkPollOpen(c)
	case OpPollClose:
		return r.checkPollClose(c)
	case OpPollVisibility:
		return r.checkPollVisibility(c)
	case OpPollLock:
		return r.checkPollLock(c)
	case OpPollShow:
		return r.checkPollShow(c)
	case OpVote:
		return r.checkVote(a, c)
	case OpTeamAdd:
		return r.checkTeamAdd(c)
	case OpTeamRevoke:
		return r.checkTeamRevoke(c)
	case OpNote:
		return r.checkNote(c)
	case OpCharter:
		return r.checkCharter(c)
	}
	return errors.New("room: internal: no check for " + string(c.Op))
}

// mutate applies c, which check accepted and normalised on this state. It
// cannot fail.
// m is the acting participant, as check returned it.
func (r *Room) mutate(a Actor, at int64, c *Command, m *member) {
	r.seq++
	r.fx = effects{seq: r.seq}
	if ideaOps[c.Op] {
		r.applyIdeaOp(a, at, c)
	}
	switch c.Op {
	case OpCreate:
		r.applyCreate(c)
	case OpEdit:
		r.title, r.description = c.Title, c.Text
	case OpSettings:
		r.settings = *c.Settings
	case OpStart:
		r.status = Running
	case OpEnd:
		r.status = Ended
		r.endSpeech(at) // the meeting's end ends the speech
	case OpAgenda:
		r.applyAgenda(c)
	case OpGoto:
		r.step = c.Step
	case OpOutcome:
		r.applyOutcome(c)
	case OpFloorRequest:
		r.applyFloorRequest(a, c, m, at)
	case OpFloorWithdraw:
		r.applyFloorEnd(c, FloorWithdrawn, at)
	case OpFloorCall:
		r.applyFloorCall(c, at)
	case OpFloorDone:
		r.applyFloorEnd(c, FloorDone, at)
	case OpFloorDrop:
		r.applyFloorEnd(c, FloorDropped, at)
	case OpAnnounce:
		r.announcements = append(r.announcements, r.announcement(c, at))
	case OpRecording:
		r.recording = *c.Recording
	case OpJoin:
		r.applyJoin(a, c)
	case OpLeave:
		r.applyLeave(a)
	case OpRename:
		m.name = c.Name
	case OpPresenceReset:
		r.applyPresenceReset()
	case OpCheckin:
		r.applyCheckin(a)
	case OpCardsIssue:
		r.applyCardsIssue(c)
	case OpReactions:
		for k, n := range c.Counts {
			r.reactions[reactionIdx(k)] += n
		}
	case OpAsk:
		r.applyAsk(a, at, c, m)
	case OpQuestionEdit:
		r.questions[c.Question-1].text = c.Text
	case OpWithdraw:
		r.questions[c.Question-1].status = Withdrawn
	case OpUpvote:
		r.applyUpvote(a, c, m)
	case OpUnvote:
		r.applyUnvote(a, c, m)
	case OpApprove:
		r.applyApprove(c)
	case OpReject:
		r.applyReject(c)
	case OpAnswer:
		r.applyAnswer(at, c)
	case OpReopen:
		q := r.questions[c.Question-1]
		q.status, q.answeredAt = Approved, 0
	case OpHighlight:
		r.highlight = c.Question
	case OpPin:
		r.questions[c.Question-1].pinned = c.On
	case OpArchive:
		r.applyArchive(c)
	case OpRestore:
		r.questions[c.Question-1].archived = false
	case OpMerge:
		r.applyMerge(c)
	case OpImport:
		r.applyImport(at, c)
	case OpCarry:
		r.questions[c.Question-1].carriedTo = c.Link
	case OpPollCreate:
		r.applyPollCreate(c)
	case OpPollEdit:
		r.polls[c.Poll-1].define(c)
	case OpPollDelete:
		r.polls[c.Poll-1].deleted = true
	case OpPollOpen:
		r.polls[c.Poll-1].status = PollOpen
	case OpPollClose:
		r.polls[c.Poll-1].status = PollEnded
	case OpPollVisibility:
		r.polls[c.Poll-1].visibility = c.Visibility
	case OpPollLock:
		r.polls[c.Poll-1].locked = c.On
	case OpPollShow:
		r.screenPoll = c.Poll
	case OpVote:
		r.applyVote(a, c)
	case OpTeamAdd:
		r.applyTeamAdd(at, c)
	case OpTeamRevoke:
		r.team[c.Seat-1].revokedAt = at
	case OpNote:
		r.applyNote(r.seq, at, a, c)
	case OpCharter:
		r.charter = c.Rules
		r.fx.meeting = true
	}
	if a.Role == Moderator && c.Op != OpNote {
		r.ledger = append(r.ledger, ledgerEntry(r.seq, at, a, c))
	}
}

// strip keeps only the fields c.Op reads, so that an event carries nothing
// else: no stray text reaches the log.
func strip(c *Command) {
	k := Command{Op: c.Op}
	stripIdea(c, &k)
	switch c.Op {
	case OpCreate:
		k.Title, k.Text, k.Code, k.Steps, k.Settings = c.Title, c.Text, c.Code, c.Steps, c.Settings
	case OpEdit:
		k.Title, k.Text = c.Title, c.Text
	case OpSettings:
		k.Settings = c.Settings
	case OpAgenda:
		k.Steps = c.Steps
	case OpGoto:
		k.Step = c.Step
	case OpOutcome:
		k.Step, k.Text = c.Step, c.Text
	case OpFloorRequest:
		k.Floor, k.Text = c.Floor, c.Text
	case OpFloorCall:
		k.Floor, k.Seconds = c.Floor, c.Seconds
	case OpFloorWithdraw, OpFloorDone, OpFloorDrop:
		k.Floor = c.Floor
	case OpAnnounce:
		k.Text, k.Seconds = c.Text, c.Seconds
	case OpRecording:
		k.Recording = c.Recording
	case OpJoin:
		k.Channel, k.Name = c.Channel, c.Name
	case OpRename:
		k.Name = c.Name
	case OpReactions:
		k.Counts = c.Counts
	case OpAsk:
		k.Text, k.Name = c.Text, c.Name
	case OpQuestionEdit, OpAnswer:
		k.Question, k.Text = c.Question, c.Text
	case OpWithdraw, OpUpvote, OpUnvote, OpApprove, OpReopen, OpHighlight, OpArchive, OpRestore:
		k.Question = c.Question
	case OpReject:
		k.Question, k.Reason, k.Note, k.Rule = c.Question, c.Reason, c.Note, c.Rule
	case OpTeamAdd:
		k.Seat, k.Name, k.Scope, k.KeyHash = c.Seat, c.Name, c.Scope, c.KeyHash
	case OpTeamRevoke:
		k.Seat = c.Seat
	case OpNote:
		k.Text, k.Question = c.Text, c.Question
	case OpCharter:
		k.Rules = c.Rules
	case OpPin:
		k.Question, k.On = c.Question, c.On
	case OpMerge:
		k.Question, k.Into = c.Question, c.Into
	case OpImport:
		k.Question, k.Text, k.Link = c.Question, c.Text, c.Link
	case OpCarry:
		k.Question, k.Link = c.Question, c.Link
	case OpPollCreate, OpPollEdit:
		k.Poll, k.Kind, k.Text, k.Options, k.Max, k.Scale, k.Visibility = c.Poll, c.Kind, c.Text, c.Options, c.Max, c.Scale, c.Visibility
		k.Correct, k.Budget, k.Counting = c.Correct, c.Budget, c.Counting
	case OpCardsIssue:
		k.Cards = c.Cards
	case OpPollDelete, OpPollOpen, OpPollClose, OpPollShow:
		k.Poll = c.Poll
	case OpPollVisibility:
		k.Poll, k.Visibility = c.Poll, c.Visibility
	case OpPollLock:
		k.Poll, k.On = c.Poll, c.On
	case OpVote:
		k.Poll, k.Choices, k.Rating, k.Text, k.Points = c.Poll, c.Choices, c.Rating, c.Text, c.Points
	}
	*c = k
}

// ledgerEntry is the moderation ledger's record of a moderator command
// (notes are not: the ledger is public in the report). By names the seat
// that acted, 0 for the organiser.
func ledgerEntry(seq uint64, at int64, a Actor, c *Command) LedgerEntry {
	e := LedgerEntry{Seq: seq, At: at, Op: c.Op, Question: c.Question, Poll: c.Poll, Floor: c.Floor, By: seatOf(a), Seat: c.Seat,
		Board: c.Board, Idea: c.Idea}
	if c.Op == OpReject || c.Op == OpIdeaReject {
		e.Reason, e.Note, e.Rule = c.Reason, c.Note, c.Rule
	}
	return e
}
