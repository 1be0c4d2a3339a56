package room

// Role is what a session may do and see in a room.
type Role uint8

const (
	// Participant is a person in the room or following remotely.
	Participant Role = iota + 1
	// Moderator holds the moderator capability: sees and decides everything.
	Moderator
	// Screen is the big screen: read-only, sees what the room should see.
	Screen
	// System is the hub itself: presence, aggregated reactions, recovery.
	// No client session ever has this role.
	System
)

var roleNames = [...]string{Participant: "participant", Moderator: "moderator", Screen: "screen", System: "system"}

func (r Role) String() string {
	if int(r) < len(roleNames) && roleNames[r] != "" {
		return roleNames[r]
	}
	return "unknown"
}

// ParseRole returns the role named s, or 0 and false.
func ParseRole(s string) (Role, bool) {
	for r, n := range roleNames {
		if n != "" && n == s {
			return Role(r), true
		}
	}
	return 0, false
}

// MarshalText encodes the role by name.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a role name.
func (r *Role) UnmarshalText(b []byte) error {
	v, ok := ParseRole(string(b))
	if !ok {
		return ErrInvalid
	}
	*r = v
	return nil
}

// Actor is who issues a command. ID is a pseudonymous participant id for
// participants, a moderator session id for moderators, empty for the screen.
// For System commands about one participant (join, leave), ID names that
// participant.
type Actor struct {
	ID   string `json:"id,omitempty"`
	Role Role   `json:"role"`
}

// Op names a command, and the event it produces when accepted.
type Op string

// Operations. The comment says who may issue it and which Command fields it
// reads.
const (
	// OpCreate (System): Title, Text (description), Code, Steps, Settings.
	// Always event 1 of a room.
	OpCreate Op = "room.create"
	// OpEdit (Moderator): Title, Text (description).
	OpEdit Op = "room.edit"
	// OpSettings (Moderator): Settings, replaced whole.
	OpSettings Op = "room.settings"
	// OpStart (Moderator): scheduled -> live.
	OpStart Op = "room.start"
	// OpEnd (Moderator): live or scheduled -> ended. The room is frozen
	// except for written answers (OpAnswer).
	OpEnd Op = "room.end"
	// OpAgenda (Moderator): Steps, the whole agenda replaced.
	OpAgenda Op = "agenda.set"
	// OpGoto (Moderator): Step, the index of the current step, or -1.
	OpGoto Op = "agenda.goto"
	// OpOutcome (Moderator, also once ended): Step and Text, what came of
	// that step (a decision, what is carried forward); empty Text clears
	// it. Replacing the agenda keeps each outcome with its step's title.
	OpOutcome Op = "agenda.outcome"
	// OpRecording (Moderator, also once ended): Recording, where the
	// meeting's recording is (recording.go); an empty URL removes it.
	OpRecording Op = "room.recording"
	// OpAnnounce (Moderator): Text, and Seconds, how long it stays up
	// (0: until another replaces it, 1 to MaxAnnounceSeconds).
	OpAnnounce Op = "announce"

	// OpJoin (System, Actor.ID is the participant): Channel, Name.
	OpJoin Op = "participant.join"
	// OpLeave (System, Actor.ID is the participant).
	OpLeave Op = "participant.leave"
	// OpRename (Participant): Name.
	OpRename Op = "participant.rename"
	// OpPresenceReset (System): everyone is marked absent, after a restart.
	OpPresenceReset Op = "presence.reset"
	// OpCheckin (System, Actor.ID is the participant): the participant
	// typed the room code the big screen shows, checked by the hub; they
	// count in polls that count the room (voters.go).
	OpCheckin Op = "presence.checkin"
	// OpCardsIssue (Moderator, the organiser only): Cards, the hashes of
	// new voting cards, which the hub makes (voters.go).
	OpCardsIssue Op = "cards.issue"

	// OpAsk (Participant): Text, Name (optional). The question id is assigned
	// in the event's Question field.
	OpAsk Op = "question.ask"
	// OpQuestionEdit (Participant, author, pending only): Question, Text.
	OpQuestionEdit Op = "question.edit"
	// OpWithdraw (Participant, author, pending only): Question.
	OpWithdraw Op = "question.withdraw"
	// OpUpvote and OpUnvote (Participant): Question.
	OpUpvote Op = "question.upvote"
	OpUnvote Op = "question.unvote"
	// OpApprove (Moderator): Question (pending or rejected).
	OpApprove Op = "question.approve"
	// OpReject (Moderator): Question, Reason, Note (optional detail),
	// Rule (optional): the number of the charter's rule it applies.
	OpReject Op = "question.reject"
	// OpAnswer (Moderator): Question, Text (the written answer, optional).
	// Allowed after the room ended, for late written answers.
	OpAnswer Op = "question.answer"
	// OpReopen (Moderator): Question, answered -> live.
	OpReopen Op = "question.reopen"
	// OpHighlight (Moderator): Question, or 0 to clear. At most one.
	OpHighlight Op = "question.highlight"
	// OpPin (Moderator): Question, On.
	OpPin Op = "question.pin"
	// OpArchive and OpRestore (Moderator): Question.
	OpArchive Op = "question.archive"
	OpRestore Op = "question.restore"
	// OpMerge (Moderator): Question (the duplicate), Into (the one kept).
	OpMerge Op = "question.merge"
	// OpImport (System): Text and Link, a question carried here from
	// another step meeting of a consultation (carry.go). The question id
	// is assigned in Question.
	OpImport Op = "question.import"
	// OpCarry (System, also once ended): Question, a live question, and
	// Link, where it was carried; the room fills in Link.Votes.
	OpCarry Op = "question.carry"

	// OpPollCreate (Moderator): Kind, Text (the question asked), Options,
	// Max, Scale, Budget, Visibility, Counting (whose ballots count:
	// voters.go), Step, and for a quiz Correct (the
	// right options of a choice poll, shown to participants once it
	// closes). Max is the most choices of a multiple-choice poll, the places
	// a ranking ballot fills, or the most points one option may get; Budget
	// the points each participant spreads in a points poll (poll_rank.go).
	// The poll id is assigned in Poll.
	OpPollCreate Op = "poll.create"
	// OpPollEdit (Moderator, no ballot cast yet): Poll and the fields of
	// OpPollCreate.
	OpPollEdit Op = "poll.edit"
	// OpPollDelete (Moderator, draft only): Poll.
	OpPollDelete Op = "poll.delete"
	// OpPollOpen (Moderator): Poll, draft or closed -> open.
	OpPollOpen Op = "poll.open"
	// OpPollClose (Moderator): Poll, open -> closed.
	OpPollClose Op = "poll.close"
	// OpPollVisibility (Moderator): Poll, Visibility.
	OpPollVisibility Op = "poll.visibility"
	// OpPollLock (Moderator): Poll, On. A locked poll refuses changed ballots.
	OpPollLock Op = "poll.lock"
	// OpPollShow (Moderator): Poll, or 0, shown on the big screen.
	OpPollShow Op = "poll.show"
	// OpVote (Participant): Poll, and Choices (single, multiple; ranking:
	// options in order of preference), Rating (rating), Text (open) or
	// Points (points: the points given to each option).
	OpVote Op = "poll.vote"

	// OpFloorRequest (Participant, meeting live): Text, an optional topic;
	// the request's id is assigned in Floor. One request waiting or
	// speaking per participant.
	OpFloorRequest Op = "floor.request"
	// OpFloorWithdraw (Participant): Floor, their own waiting request.
	OpFloorWithdraw Op = "floor.withdraw"
	// OpFloorCall (Moderator): Floor, a waiting request, now speaking; the
	// one speaking before is done. Seconds is the time given to speak (0:
	// no limit, 1 to MaxSpeakingSeconds): pages count it down, nothing
	// cuts the speaker off.
	OpFloorCall Op = "floor.call"
	// OpFloorDone (Moderator): Floor, the request speaking, done.
	OpFloorDone Op = "floor.done"
	// OpFloorDrop (Moderator): Floor, a waiting request, taken off the line.
	OpFloorDrop Op = "floor.drop"

	// OpTeamAdd (Moderator, the organiser only, also once ended): Name
	// (the role name), Scope, KeyHash (hex SHA-256 of the seat's key,
	// which the hub makes). The seat id is assigned in Seat (team.go).
	OpTeamAdd Op = "team.add"
	// OpTeamRevoke (Moderator, the organiser only, also once ended): Seat.
	// The seat acts no more.
	OpTeamRevoke Op = "team.revoke"
	// OpNote (Moderator, any scope): Text, a backstage note to the
	// moderators only, and Question, the one it is about (optional).
	OpNote Op = "team.note"
	// OpCharter (Moderator, the organiser only): Rules, the moderation
	// charter, replaced whole; none restores the default one.
	OpCharter Op = "room.charter"

	// The ideas board (idea.go).
	// OpBoardOpen (Moderator): Text (the prompt), Step (the agenda step,
	// -1 for the whole meeting). The board id is assigned in Board. At most
	// one board is open.
	OpBoardOpen Op = "ideas.open"
	// OpBoardClose (Moderator, also once ended): Board. No idea is
	// submitted and no vote changes on a closed board.
	OpBoardClose Op = "ideas.close"
	// OpIdeaSubmit (Participant, board open): Board, Title, Text
	// (optional), Name (optional). The idea id is assigned in Idea.
	OpIdeaSubmit Op = "idea.submit"
	// OpIdeaVote and OpIdeaUnvote (Participant, board open): Idea.
	OpIdeaVote   Op = "idea.vote"
	OpIdeaUnvote Op = "idea.unvote"
	// OpIdeaApprove (Moderator): Idea (pending or refused).
	OpIdeaApprove Op = "idea.approve"
	// OpIdeaReject (Moderator): Idea, Reason, Note (optional), Rule
	// (optional): as OpReject.
	OpIdeaReject Op = "idea.reject"
	// OpIdeaMerge (Moderator): Idea (the duplicate), IdeaInto (the one
	// kept, live, on the same board).
	OpIdeaMerge Op = "idea.merge"
	// OpIdeaPoll (Moderator): Ideas (2 to 12 live ideas), and Kind (single,
	// multiple, ranking or points), Text, Max, Budget, Visibility as
	// OpPollCreate. The room fills in Options (the ideas' titles, in
	// order) and assigns the draft poll's id in Poll.
	OpIdeaPoll Op = "idea.poll"

	// OpReact (Participant): Reaction. Never logged on its own: the hub
	// checks it with Room.CheckReact and logs OpReactions per tick.
	OpReact Op = "react"
	// OpReactions (System): Counts, the taps gathered since the last one.
	OpReactions Op = "reactions"
)

// Channel is how a participant follows the meeting.
type Channel string

const (
	InRoom Channel = "room"
	Remote Channel = "remote"
)

// Reason is why a moderator refused a question.
type Reason string

const (
	Duplicate       Reason = "duplicate"
	OffTopic        Reason = "off-topic"
	Abusive         Reason = "abusive"
	AlreadyAnswered Reason = "already-answered"
	OtherReason     Reason = "other"
)

// Reasons lists every valid Reason, in the order reports show them.
var Reasons = []Reason{Duplicate, OffTopic, Abusive, AlreadyAnswered, OtherReason}

// PollKind is the shape of a poll.
type PollKind string

const (
	Single   PollKind = "single"
	Multiple PollKind = "multiple"
	Rating   PollKind = "rating"
	Open     PollKind = "open" // short free answers, shown as a word cloud
	// Ranking and Points are decided in poll_rank.go.
	Ranking PollKind = "ranking" // options put in order, counted by Borda
	Points  PollKind = "points"  // each participant spreads Budget points
)

// Visibility says who sees a poll's results, and when. The moderator always
// sees them.
type Visibility string

const (
	Live        Visibility = "live"   // everyone, as ballots arrive
	AfterVoting Visibility = "voted"  // a participant once they voted; everyone once closed
	AfterClose  Visibility = "closed" // everyone once the poll is closed
	Hidden      Visibility = "hidden" // the moderator only
)

// Reaction is a quick signal from a participant.
type Reaction string

const (
	Applause  Reaction = "applause"
	Agree     Reaction = "agree"
	Disagree  Reaction = "disagree"
	Louder    Reaction = "louder"
	SlowDown  Reaction = "slower"
	BreakPlea Reaction = "break"
)

// Reactions lists every valid Reaction.
var Reactions = []Reaction{Applause, Agree, Disagree, Louder, SlowDown, BreakPlea}

// Settings are the room's rules; the moderator may change them at any time.
type Settings struct {
	QAOpen        bool   `json:"qaOpen"`
	PreModeration bool   `json:"preModeration"`
	Anonymous     bool   `json:"anonymous"` // names refused, everyone is anonymous
	MaxLength     int    `json:"maxLength"` // question length in characters; 0 means DefaultMaxLength
	Reactions     bool   `json:"reactions"` // reactions accepted
	HideCount     bool   `json:"hideCount"` // attendee counts shown to the moderator only
	StreamURL     string `json:"streamURL"` // live stream for remote followers, http(s) only
	// Shown to everyone, in the room or remote, http(s) only: a video of
	// the sign-language interpreter, and live captions.
	SignURL     string `json:"signURL,omitempty"`
	CaptionsURL string `json:"captionsURL,omitempty"`
	// Counting is whose ballots new polls count when they do not say
	// (voters.go); empty for CountOpen.
	Counting Counting `json:"counting,omitempty"`
}

// QuestionID and PollID are assigned by the room, 1, 2, 3... (BoardID and
// IdeaID too: idea.go)
type (
	QuestionID int
	PollID     int
)

// Command is a request to change a room. Which fields are read depends on Op
// (see the Op constants). Commands come from untrusted clients: the room
// validates every field.
type Command struct {
	Op Op `json:"op"`

	Question QuestionID `json:"question,omitempty"`
	Into     QuestionID `json:"into,omitempty"`
	Poll     PollID     `json:"poll,omitempty"`
	Floor    FloorID    `json:"floor,omitempty"`
	Step     int        `json:"step,omitempty"`
	On       bool       `json:"on,omitempty"`
	Seconds  int        `json:"seconds,omitempty"` // a duration: time given to a speaker, an announcement's

	Title   string   `json:"title,omitempty"`
	Text    string   `json:"text,omitempty"`
	Name    string   `json:"name,omitempty"`
	Code    string   `json:"code,omitempty"`
	Steps   []string `json:"steps,omitempty"`
	Channel Channel  `json:"channel,omitempty"`
	Reason  Reason   `json:"reason,omitempty"`
	Note    string   `json:"note,omitempty"`
	Rule    int      `json:"rule,omitempty"` // a rule of the charter, from 1

	Seat    SeatID   `json:"seat,omitempty"`
	Scope   Scope    `json:"scope,omitempty"`
	KeyHash string   `json:"keyHash,omitempty"` // hex SHA-256 of a seat's key
	Rules   []string `json:"rules,omitempty"`

	Kind       PollKind   `json:"kind,omitempty"`
	Options    []string   `json:"options,omitempty"`
	Max        int        `json:"max,omitempty"`    // Multiple: most choices; Ranking: places; Points: most per option
	Scale      int        `json:"scale,omitempty"`  // a Rating poll runs 1..Scale
	Budget     int        `json:"budget,omitempty"` // points per participant in a Points poll
	Visibility Visibility `json:"visibility,omitempty"`
	Correct    []int      `json:"correct,omitempty"` // a quiz's right options, sorted
	Choices    []int      `json:"choices,omitempty"`
	Rating     int        `json:"rating,omitempty"`
	Points     []int      `json:"points,omitempty"` // a Points ballot: points per option
	Counting   Counting   `json:"counting,omitempty"`
	Cards      []string   `json:"cards,omitempty"` // hex SHA-256 of voting cards' secrets

	Reaction Reaction         `json:"reaction,omitempty"`
	Counts   map[Reaction]int `json:"counts,omitempty"`
	Settings *Settings        `json:"settings,omitempty"`
	Link     *Link            `json:"link,omitempty"`

	Recording *Recording `json:"recording,omitempty"`

	// The ideas board (idea.go).
	Board    BoardID  `json:"board,omitempty"`
	Idea     IdeaID   `json:"idea,omitempty"`
	IdeaInto IdeaID   `json:"ideaInto,omitempty"`
	Ideas    []IdeaID `json:"ideas,omitempty"`
}

// Event is an accepted command: the room's log is a sequence of events,
// numbered from 1 without gaps, and a room's state is their fold. The
// reducer normalises the command (trimmed text, assigned ids) before it
// becomes an event, so applying an event never fails on a room whose
// sequence number is Seq-1.
type Event struct {
	Seq   uint64 `json:"seq"`
	At    int64  `json:"at"` // Unix milliseconds, given by the caller
	Actor Actor  `json:"actor"`
	Command
}
