package room

import (
	"cmp"
	"iter"
	"slices"
)

// Changes gathers what a run of events touched, so that a fan-out can send
// each role only what changed since its last tick: many votes on one
// question between two ticks become one QuestionView. Track is O(1) per
// event but for the rare commands that touch many participants at once
// (a merge, opening or closing a poll); the zero value is ready to use.
type Changes struct {
	meeting   bool
	counts    bool
	reactions bool
	ledger    []LedgerEntry
	team      bool   // a seat was added or revoked
	notes     []Note // backstage notes, for the moderators
	announced []Announcement
	questions map[QuestionID]struct{}
	votes     map[QuestionID]struct{} // only the vote count changed
	polls     map[PollID]struct{}
	tallies   map[PollID]struct{} // only the ballots and results changed
	mine      map[string]struct{}

	boards    bool                // a board opened, closed, or its refusals changed
	ideas     map[IdeaID]struct{} // idea.go
	ideaVotes map[IdeaID]struct{} // only the vote count changed
}

// Patch is what changed for one role between two sequence numbers. Applying
// it to that role's View at the first gives the View at the second
// (View.ApplyPatch does exactly this):
// Questions and Polls replace the entries with the same id (or are added),
// Votes sets the vote count of questions whose count alone changed (the
// usual change in a busy meeting, a few bytes instead of a whole question),
// Tallies the ballots and results of polls whose tallies alone changed,
// Gone and GonePolls are removed, Meeting, Counts and Reactions replace the
// whole value when not nil, Ledger entries are appended (unless an entry
// with the same Seq is there). Announcements are the ones made since the
// last patch, each sent once: a patch's Meeting carries none, and the
// client appends them to those it holds (unless one with the same ID is
// there), keeping the last keptAnnouncements as a snapshot does. Nothing
// in a patch is capped, so a burst of announcements reaches everyone. A role that may not see attendance drops
// Counts when Meeting.Settings.HideCount is set: a patch cannot carry a nil.
type Patch struct {
	Meeting   *MeetingView       `json:"meeting,omitempty"`
	Questions []QuestionView     `json:"questions,omitempty"`
	Votes     map[QuestionID]int `json:"votes,omitempty"`
	Gone      []QuestionID       `json:"gone,omitempty"`
	Polls     []PollView         `json:"polls,omitempty"`
	Tallies   map[PollID]Tally   `json:"tallies,omitempty"`
	GonePolls []PollID           `json:"gonePolls,omitempty"`
	Counts    *CountsView        `json:"counts,omitempty"`
	Reactions map[Reaction]int   `json:"reactions,omitempty"`
	Ledger    []LedgerEntry      `json:"ledger,omitempty"`
	Team      []SeatView         `json:"team,omitempty"`  // moderators: the whole team, when it changed
	Notes     []Note             `json:"notes,omitempty"` // moderators: appended like Ledger

	Announcements []Announcement `json:"announcements,omitempty"`

	// The ideas boards (idea.go), like questions: Boards replaces them all
	// when one changed, Ideas replace or add, IdeaVotes set the count of
	// ideas whose count alone changed, GoneIdeas are removed.
	Boards    []BoardView    `json:"boards,omitempty"`
	Ideas     []IdeaView     `json:"ideas,omitempty"`
	IdeaVotes map[IdeaID]int `json:"ideaVotes,omitempty"`
	GoneIdeas []IdeaID       `json:"goneIdeas,omitempty"`
}

// Tally is what a ballot changes in a poll as a role sees it: how many
// voted, and the results where that role sees them (nil otherwise).
type Tally struct {
	Ballots int      `json:"ballots"`
	Results *Results `json:"results,omitempty"`
}

// Empty reports whether the patch carries nothing.
func (p *Patch) Empty() bool {
	return p.Meeting == nil && len(p.Questions) == 0 && len(p.Votes) == 0 && len(p.Gone) == 0 &&
		len(p.Polls) == 0 && len(p.Tallies) == 0 && len(p.GonePolls) == 0 && p.Counts == nil &&
		p.Reactions == nil && len(p.Ledger) == 0 && len(p.Announcements) == 0 && len(p.Team) == 0 && len(p.Notes) == 0 &&
		len(p.Boards) == 0 && len(p.Ideas) == 0 && len(p.IdeaVotes) == 0 && len(p.GoneIdeas) == 0
}

func (c *Changes) question(id QuestionID) {
	if c.questions == nil {
		c.questions = make(map[QuestionID]struct{})
	}
	c.questions[id] = struct{}{}
}

func (c *Changes) vote(id QuestionID) {
	if c.votes == nil {
		c.votes = make(map[QuestionID]struct{})
	}
	c.votes[id] = struct{}{}
}

func (c *Changes) poll(id PollID) {
	if c.polls == nil {
		c.polls = make(map[PollID]struct{})
	}
	c.polls[id] = struct{}{}
}

func (c *Changes) tally(id PollID) {
	if c.tallies == nil {
		c.tallies = make(map[PollID]struct{})
	}
	c.tallies[id] = struct{}{}
}

func (c *Changes) participant(id string) {
	if c.mine == nil {
		c.mine = make(map[string]struct{})
	}
	c.mine[id] = struct{}{}
}

// Track records in c what ev touched. Call it after Apply(ev) (or Handle),
// before the next event: it reads the state ev left. Called later, it marks
// at least what ev touched.
func (r *Room) Track(c *Changes, ev Event) {
	// fx says what the event did beyond its command; for an older event,
	// assume the most it could have done.
	fx := r.fx
	if fx.seq != ev.Seq {
		fx = effects{seq: ev.Seq, meeting: true}
	}
	if ev.Actor.Role == Moderator && ev.Op != OpNote {
		c.ledger = append(c.ledger, ledgerEntry(ev.Seq, ev.At, ev.Actor, &ev.Command))
	}
	if ideaOps[ev.Op] {
		r.trackIdea(c, ev)
		return
	}
	switch ev.Op {
	case OpCreate, OpEdit, OpStart, OpAgenda, OpGoto, OpOutcome, OpHighlight, OpPollShow, OpCharter:
		c.meeting = true
	case OpTeamAdd, OpTeamRevoke:
		c.team = true
	case OpNote:
		c.notes = append(c.notes, Note{Seq: ev.Seq, At: ev.At, By: seatOf(ev.Actor), Text: ev.Text, Question: ev.Question})
	case OpAnnounce:
		// Only the new announcement: the rest of the meeting is unchanged.
		// The latest one with its text and time is the one ev made (Track
		// called late still finds it).
		for i := len(r.announcements) - 1; i >= 0; i-- {
			if a := r.announcements[i]; a.At == ev.At && a.Text == ev.Text {
				c.announced = append(c.announced, a)
				break
			}
		}
	case OpEnd, OpFloorRequest, OpFloorWithdraw, OpFloorCall, OpFloorDone, OpFloorDrop:
		c.meeting = true
		if f, err := r.floorReq(ev.Floor); err == nil {
			c.participant(f.participant) // their Mine says where they stand
		}
		if ev.Op == OpEnd {
			for _, f := range r.floor {
				if f.status == FloorWaiting {
					c.participant(f.participant) // the line is gone
				}
			}
		}
		if ev.Op == OpFloorCall || ev.Op == OpEnd {
			// The speaker before, done by this call (or, for an older
			// event, anyone done at that instant: more is harmless).
			for _, f := range r.floor {
				if f.status == FloorDone && f.doneAt == ev.At {
					c.participant(f.participant)
				}
			}
		}
	case OpRecording:
		c.meeting = true
	case OpSettings:
		// HideCount may have been turned off: send the counts again.
		c.meeting, c.counts = true, true
	case OpJoin:
		c.counts = true
		c.participant(ev.Actor.ID)
	case OpLeave, OpPresenceReset, OpCardsIssue:
		c.counts = true
	case OpCheckin:
		c.counts = true
		c.participant(ev.Actor.ID)
	case OpRename:
		c.participant(ev.Actor.ID)
	case OpReactions:
		c.reactions = true
	case OpAsk, OpQuestionEdit, OpWithdraw, OpApprove, OpReject, OpAnswer, OpReopen, OpPin, OpArchive, OpRestore,
		OpImport, OpCarry:
		r.trackQuestion(c, ev.Question)
		c.meeting = c.meeting || fx.meeting
	case OpUpvote, OpUnvote:
		// Only the count changed: whoever sees the question already holds
		// the rest. Its author's Mine shows the count too.
		c.vote(ev.Question)
		if q, err := r.question(ev.Question); err == nil {
			c.participant(q.author)
		}
		c.participant(ev.Actor.ID)
	case OpMerge:
		r.trackQuestion(c, ev.Question)
		r.trackQuestion(c, ev.Into)
		if into, err := r.question(ev.Into); err == nil {
			for v := range into.voters { // the duplicate's voters now vote for it
				c.participant(v)
			}
		}
		c.meeting = c.meeting || fx.meeting
	case OpPollCreate, OpPollEdit, OpPollDelete, OpPollLock:
		c.poll(ev.Poll)
	case OpPollOpen, OpPollClose, OpPollVisibility:
		// Whether voters alone see the results may have changed: their Mine
		// holds them.
		c.poll(ev.Poll)
		if p, err := r.poll(ev.Poll); err == nil {
			for v := range p.ballots {
				c.participant(v)
			}
		}
	case OpVote:
		c.tally(ev.Poll)
		c.participant(ev.Actor.ID)
		if _, card := parseCard(ev.Actor.ID); card {
			c.counts = true // a card's first ballot counts in CardsVoted
		}
	}
}

// trackQuestion marks question id and its author, whose Mine shows it.
func (r *Room) trackQuestion(c *Changes, id QuestionID) {
	c.question(id)
	if q, err := r.question(id); err == nil && q.author != "" { // an imported question has none
		c.participant(q.author)
	}
}

// Patch returns what changed for role since c was reset. It is built once
// per role and tick, and shared by every connection of that role.
func (r *Room) Patch(role Role, c *Changes) Patch {
	var p Patch
	mod := role == Moderator
	if c.meeting {
		m := r.meetingView()
		m.Announcements = nil // they come one by one, in p.Announcements
		p.Meeting = &m
	}
	if len(c.announced) > 0 {
		p.Announcements = slices.Clone(c.announced)
	}
	if c.counts {
		p.Counts = r.countsView(role)
	}
	if c.reactions {
		p.Reactions = r.reactionsView()
	}
	for _, id := range sortedKeys(c.questions) {
		q, err := r.question(id)
		switch {
		case err != nil:
		case mod || q.visible():
			p.Questions = append(p.Questions, q.view(mod))
		case q.public:
			// It may be in that role's view: take it out. A question that
			// was never public is in no such view.
			p.Gone = append(p.Gone, id)
		}
	}
	for id := range c.votes {
		if _, whole := c.questions[id]; whole {
			continue
		}
		// A change of visibility comes with an event that sends the whole
		// question; the count alone goes where the question already is.
		if q, err := r.question(id); err == nil && (mod || q.visible()) {
			if p.Votes == nil {
				p.Votes = make(map[QuestionID]int, len(c.votes))
			}
			p.Votes[id] = len(q.voters)
		}
	}
	for _, id := range sortedKeys(c.polls) {
		if id < 1 || int(id) > len(r.polls) {
			continue
		}
		pl := r.polls[id-1]
		switch {
		case pl.deleted:
			if mod || pl.public() {
				p.GonePolls = append(p.GonePolls, id)
			}
		case mod || pl.public():
			p.Polls = append(p.Polls, pl.view(mod))
		}
	}
	for id := range c.tallies {
		if _, whole := c.polls[id]; whole || id < 1 || int(id) > len(r.polls) {
			continue
		}
		// As with votes: a ballot changes no poll's visibility.
		if pl := r.polls[id-1]; !pl.deleted && (mod || pl.public()) {
			if p.Tallies == nil {
				p.Tallies = make(map[PollID]Tally, len(c.tallies))
			}
			v := pl.view(mod)
			p.Tallies[id] = Tally{Ballots: v.Ballots, Results: v.Results}
		}
	}
	r.patchIdeas(&p, role, c)
	if mod && len(c.ledger) > 0 {
		p.Ledger = slices.Clone(c.ledger)
	}
	if mod && c.team {
		p.Team = r.Team() // never empty: a seat once added stays, revoked
	}
	if mod && len(c.notes) > 0 {
		p.Notes = slices.Clone(c.notes)
	}
	return p
}

// VoterResults returns, for each poll in c with AfterVoting visibility whose
// results are not yet public, the current results: the hub sends them to the
// connections of participants who HasBallot in that poll.
func (r *Room) VoterResults(c *Changes) map[PollID]Results {
	var out map[PollID]Results
	for id := range joinKeys(c.polls, c.tallies) {
		p, err := r.poll(id)
		if err != nil || !p.voterOnly() || len(p.ballots) == 0 {
			continue
		}
		if out == nil {
			out = make(map[PollID]Results)
		}
		out[id] = *p.results()
	}
	return out
}

// Participants returns the participants in c whose Mine changed, sorted.
func (c *Changes) Participants() []string { return sortedKeys(c.mine) }

// Reset empties c for the next tick, keeping its memory.
func (c *Changes) Reset() {
	c.meeting, c.counts, c.reactions, c.team = false, false, false, false
	clear(c.ledger)
	c.ledger = c.ledger[:0]
	clear(c.notes)
	c.notes = c.notes[:0]
	clear(c.announced)
	c.announced = c.announced[:0]
	clear(c.questions)
	clear(c.votes)
	clear(c.polls)
	clear(c.tallies)
	clear(c.mine)
	c.boards = false
	clear(c.ideas)
	clear(c.ideaVotes)
}

// joinKeys yields the keys of a and b, a key in both once.
func joinKeys[K comparable](a, b map[K]struct{}) iter.Seq[K] {
	return func(yield func(K) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
		for k := range b {
			if _, dup := a[k]; !dup && !yield(k) {
				return
			}
		}
	}
}

func sortedKeys[K cmp.Ordered](m map[K]struct{}) []K {
	if len(m) == 0 {
		return nil
	}
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ApplyPatch brings v, a view of its role, to sequence number to by applying
// p, the role's patch for the events after v.Seq up to to. It is what every
// client does with a patch message (PROTOCOL.md, "Changes").
func (v *View) ApplyPatch(to uint64, p *Patch) {
	v.Seq = to
	if p.Meeting != nil {
		held := v.Meeting.Announcements
		v.Meeting = *p.Meeting
		v.Meeting.Announcements = held
	}
	if len(p.Announcements) > 0 {
		v.Meeting.Announcements = appendAnnouncements(v.Meeting.Announcements, p.Announcements)
	}
	if p.Counts != nil {
		v.Counts = p.Counts
	}
	if v.Role != Moderator && v.Meeting.Settings.HideCount {
		v.Counts = nil
	}
	if p.Reactions != nil {
		v.Reactions = p.Reactions
	}
	if len(p.Questions) > 0 || len(p.Gone) > 0 {
		v.Questions = mergeByID(v.Questions, p.Questions, p.Gone, func(q QuestionView) QuestionID { return q.ID })
	}
	for id, n := range p.Votes {
		if i, ok := slices.BinarySearchFunc(v.Questions, id, func(q QuestionView, id QuestionID) int { return cmp.Compare(q.ID, id) }); ok {
			v.Questions[i].Votes = n
		}
	}
	if len(p.Polls) > 0 || len(p.GonePolls) > 0 {
		v.Polls = mergeByID(v.Polls, p.Polls, p.GonePolls, func(q PollView) PollID { return q.ID })
	}
	for id, t := range p.Tallies {
		if i, ok := slices.BinarySearchFunc(v.Polls, id, func(q PollView, id PollID) int { return cmp.Compare(q.ID, id) }); ok {
			v.Polls[i].Ballots, v.Polls[i].Results = t.Ballots, t.Results
		}
	}
	v.applyIdeaPatch(p)
	if len(p.Ledger) > 0 {
		have := make(map[uint64]bool, len(v.Ledger))
		for _, e := range v.Ledger {
			have[e.Seq] = true
		}
		for _, e := range p.Ledger {
			if !have[e.Seq] {
				have[e.Seq] = true
				v.Ledger = append(v.Ledger, e)
			}
		}
		slices.SortFunc(v.Ledger, func(a, b LedgerEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	if len(p.Team) > 0 {
		v.Team = p.Team
	}
	if len(p.Notes) > 0 {
		have := make(map[uint64]bool, len(v.Notes))
		for _, n := range v.Notes {
			have[n.Seq] = true
		}
		for _, n := range p.Notes {
			if !have[n.Seq] {
				have[n.Seq] = true
				v.Notes = append(v.Notes, n)
			}
		}
		slices.SortFunc(v.Notes, func(a, b Note) int { return cmp.Compare(a.Seq, b.Seq) })
	}
}

// appendAnnouncements returns held with the announcements of add it does
// not hold, in id order, keeping the last keptAnnouncements as View does.
func appendAnnouncements(held, add []Announcement) []Announcement {
	out := slices.Clone(held)
	for _, a := range add {
		if !slices.ContainsFunc(out, func(b Announcement) bool { return b.ID == a.ID }) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b Announcement) int { return cmp.Compare(a.ID, b.ID) })
	return out[max(0, len(out)-keptAnnouncements):]
}

// mergeByID returns list, in id order, with changed replacing or adding the
// entries of the same id and gone removed. list must be in id order; it is
// updated in place, so that a patch that only changes existing entries (a
// vote count, the usual case) allocates nothing.
func mergeByID[T any, K cmp.Ordered](list, changed []T, gone []K, id func(T) K) []T {
	sorted, n := true, len(list) // list[:n] is in id order; additions go after
	for _, x := range changed {
		k := id(x)
		i, found := slices.BinarySearchFunc(list[:n], k, func(e T, k K) int { return cmp.Compare(id(e), k) })
		if found {
			list[i] = x
			continue
		}
		if i < n || len(list) > n && cmp.Less(k, id(list[len(list)-1])) {
			sorted = false
		}
		list = append(list, x)
	}
	if !sorted {
		slices.SortFunc(list, func(a, b T) int { return cmp.Compare(id(a), id(b)) })
	}
	if len(gone) > 0 {
		list = slices.DeleteFunc(list, func(e T) bool { return slices.Contains(gone, id(e)) })
	}
	return list
}
