package room

// Status is a meeting's lifecycle.
type Status string

const (
	Scheduled Status = "scheduled"
	Running   Status = "live"
	Ended     Status = "ended"
)

// QuestionStatus is where a question stands.
type QuestionStatus string

const (
	Pending   QuestionStatus = "pending"   // waiting for a moderator (pre-moderation)
	Approved  QuestionStatus = "live"      // visible to everyone
	Answered  QuestionStatus = "answered"  // visible, answered
	Rejected  QuestionStatus = "rejected"  // refused with a reason; the author and moderators see it
	Withdrawn QuestionStatus = "withdrawn" // taken back by its author
	Merged    QuestionStatus = "merged"    // folded into another question (MergedInto)
)

// PollStatus is where a poll stands.
type PollStatus string

const (
	Draft     PollStatus = "draft"
	PollOpen  PollStatus = "open"
	PollEnded PollStatus = "closed"
)

// DefaultMaxLength is the question length limit when Settings.MaxLength is 0.
const DefaultMaxLength = 280

// Views are what a role is sent. They are plain values, built from the
// state, that encode to JSON for the wire. A view is built once per role and
// shared by every recipient of that role; what belongs to one participant
// only is in Mine.

// MeetingView is the room as a whole.
type MeetingView struct {
	Title         string         `json:"title"`
	Description   string         `json:"description"`
	Code          string         `json:"code"`
	Status        Status         `json:"status"`
	Settings      Settings       `json:"settings"`
	Agenda        []string       `json:"agenda"`
	Outcomes      []string       `json:"outcomes,omitempty"` // Outcomes[i] is what came of step i; absent when none has one
	Step          int            `json:"step"`               // index into Agenda, -1 for none
	Highlight     QuestionID     `json:"highlight"`          // 0 for none
	ScreenPoll    PollID         `json:"screenPoll"`
	Announcements []Announcement `json:"announcements"`       // the last keptAnnouncements; null in a patch, whose Patch.Announcements has the new ones
	Floor         []FloorView    `json:"floor,omitempty"`     // the speaker first, then who waits, in order; absent when nobody
	Refused       map[Reason]int `json:"refused"`             // questions refused, by reason: public
	Recording     *Recording     `json:"recording,omitempty"` // where the recording is (recording.go); absent when none
	// Charter is the moderation rules the organiser wrote, absent while
	// the default charter (the pages' text, DefaultRules rules) is in use.
	Charter []string `json:"charter,omitempty"`
}

// FloorView is a request to speak as everyone sees it: no participant id.
type FloorView struct {
	ID       FloorID     `json:"id"`
	Name     string      `json:"name,omitempty"`
	Channel  Channel     `json:"channel"`
	Topic    string      `json:"topic,omitempty"`
	Status   FloorStatus `json:"status"`
	At       int64       `json:"at"`
	CalledAt int64       `json:"calledAt,omitempty"`
	DoneAt   int64       `json:"doneAt,omitempty"`
	// Seconds is the time given to speak, 0 for no limit: the speech is
	// due to end at CalledAt + Seconds*1000, by the server's clock.
	Seconds int `json:"seconds,omitempty"`
}

// Announcement is a message from the moderators to everyone.
type Announcement struct {
	ID   int    `json:"id"`
	Text string `json:"text"`
	At   int64  `json:"at"`
	// Until is when it ends, Unix milliseconds by the server's clock (At +
	// the command's Seconds), 0 for never: pages hide it then by themselves.
	// The room has no clock, so it stays in views: ending is the pages' job.
	Until int64 `json:"until,omitempty"`
}

// CountsView is attendance.
type CountsView struct {
	InRoom int `json:"room"`   // present now, in the room
	Remote int `json:"remote"` // present now, remote
	Peak   int `json:"peak"`   // most present at once
	Joined int `json:"joined"` // distinct participants who ever joined
	// Voters (voters.go): participants checked in in the room, voting
	// cards issued, and cards that voted in some poll.
	CheckedIn  int `json:"checkedIn,omitempty"`
	Cards      int `json:"cards,omitempty"`
	CardsVoted int `json:"cardsVoted,omitempty"`
}

// QuestionView is a question as a role sees it. Author, Reason and Note are
// filled only for moderators and, in Mine, for the author.
type QuestionView struct {
	ID         QuestionID     `json:"id"`
	Text       string         `json:"text"`
	Name       string         `json:"name,omitempty"`
	Channel    Channel        `json:"channel"`
	Status     QuestionStatus `json:"status"`
	Votes      int            `json:"votes"`
	Pinned     bool           `json:"pinned,omitempty"`
	Archived   bool           `json:"archived,omitempty"`
	Answer     string         `json:"answer,omitempty"`
	Step       int            `json:"step"`
	At         int64          `json:"at"`
	AnsweredAt int64          `json:"answeredAt,omitempty"`
	MergedInto QuestionID     `json:"mergedInto,omitempty"`
	MergedFrom []QuestionID   `json:"mergedFrom,omitempty"`
	From       *Link          `json:"from,omitempty"`      // carried here from another step meeting: public
	CarriedTo  *Link          `json:"carriedTo,omitempty"` // carried to another step meeting: public
	Author     string         `json:"author,omitempty"`
	Reason     Reason         `json:"reason,omitempty"`
	Note       string         `json:"note,omitempty"`
	Rule       int            `json:"rule,omitempty"` // the charter's rule a refusal applies
}

// PollView is a poll as a role sees it. Results is nil where the results
// are not visible to that role (or, for AfterVoting, not yet: see Mine).
type PollView struct {
	ID         PollID     `json:"id"`
	Kind       PollKind   `json:"kind"`
	Title      string     `json:"title"`
	Options    []string   `json:"options,omitempty"`
	Max        int        `json:"max,omitempty"`
	Scale      int        `json:"scale,omitempty"`
	Budget     int        `json:"budget,omitempty"` // Points: points per participant
	Visibility Visibility `json:"visibility"`
	Counting   Counting   `json:"counting,omitempty"` // whose ballots count (voters.go); absent for CountOpen
	Status     PollStatus `json:"status"`
	Locked     bool       `json:"locked,omitempty"`
	Step       int        `json:"step"`
	Ballots    int        `json:"ballots"` // how many voted
	Results    *Results   `json:"results,omitempty"`
	Correct    []int      `json:"correct,omitempty"` // a quiz's right options: to moderators, and to everyone once closed
}

// Results are a poll's tallies. Tally has one count per option (Single,
// Multiple), per scale value 1..Scale (Rating), the Borda score of each
// option (Ranking) or the points each option got (Points). Words is the
// word cloud of an Open poll, most frequent first, at most MaxWords.
type Results struct {
	Tally   []int       `json:"tally,omitempty"`
	Average float64     `json:"average,omitempty"` // Rating only
	Words   []WordCount `json:"words,omitempty"`
	First   []int       `json:"first,omitempty"`  // Ranking: per option, the ballots that put it first
	Voters  []int       `json:"voters,omitempty"` // Points: per option, the ballots that gave it points
}

// MaxWords is how many words a word cloud shows.
const MaxWords = 50

// WordCount is one word of a word cloud.
type WordCount struct {
	Word  string `json:"word"`
	Count int    `json:"count"`
}

// Ballot is one participant's answer to a poll.
type Ballot struct {
	Choices []int  `json:"choices,omitempty"`
	Rating  int    `json:"rating,omitempty"`
	Text    string `json:"text,omitempty"`
	Points  []int  `json:"points,omitempty"` // Points: per option
}

// LedgerEntry is one moderator action, for the moderation ledger.
type LedgerEntry struct {
	Seq      uint64     `json:"seq"`
	At       int64      `json:"at"`
	Op       Op         `json:"op"`
	Question QuestionID `json:"question,omitempty"`
	Poll     PollID     `json:"poll,omitempty"`
	Floor    FloorID    `json:"floor,omitempty"`
	Reason   Reason     `json:"reason,omitempty"`
	Note     string     `json:"note,omitempty"`
	Rule     int        `json:"rule,omitempty"` // the charter's rule a refusal applies
	By       SeatID     `json:"by,omitempty"`   // the seat that acted, 0 for the organiser
	Seat     SeatID     `json:"seat,omitempty"` // the seat added or revoked
	Board    BoardID    `json:"board,omitempty"`
	Idea     IdeaID     `json:"idea,omitempty"`
}

// View is everything a role sees of a room at sequence number Seq.
// Questions and Polls are in id order; clients sort as they like.
// Counts is nil for participants and the screen when Settings.HideCount is
// set. Ledger, Team and Notes are for moderators only.
type View struct {
	Seq       uint64           `json:"seq"`
	Role      Role             `json:"role"`
	Meeting   MeetingView      `json:"meeting"`
	Questions []QuestionView   `json:"questions"`
	Polls     []PollView       `json:"polls"`
	Counts    *CountsView      `json:"counts,omitempty"`
	Reactions map[Reaction]int `json:"reactions"`
	Ledger    []LedgerEntry    `json:"ledger,omitempty"`
	Team      []SeatView       `json:"team,omitempty"`
	Notes     []Note           `json:"notes,omitempty"`
	// Boards and Ideas are the ideas boards (idea.go), absent when none:
	// every board, and the ideas this role sees, in id order.
	Boards []BoardView `json:"boards,omitempty"`
	Ideas  []IdeaView  `json:"ideas,omitempty"`
}

// Mine is what only one participant sees: their own questions in every
// status (with the reason when refused), the questions they upvoted, their
// ballots, and the results of AfterVoting polls they voted in while those
// results are not yet public.
type Mine struct {
	Participant string             `json:"participant"`
	Name        string             `json:"name,omitempty"`
	Channel     Channel            `json:"channel,omitempty"`
	Questions   []QuestionView     `json:"questions"`
	Upvoted     []QuestionID       `json:"upvoted"`
	Ballots     map[PollID]Ballot  `json:"ballots"`
	Results     map[PollID]Results `json:"results,omitempty"`
	Floor       FloorID            `json:"floor,omitempty"`     // their request waiting or speaking, 0 for none
	CheckedIn   bool               `json:"checkedIn,omitempty"` // checked in as present in the room (voters.go)
	Ideas       []IdeaView         `json:"ideas,omitempty"`     // their ideas, in every status (idea.go)
	IdeaVotes   []IdeaID           `json:"ideaVotes,omitempty"` // the ideas they voted for
}
