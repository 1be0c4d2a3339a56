package consultation

import (
	"github.com/tribune-hub/tribune/room"
)

// Role is what a session may do and see in a consultation.
type Role uint8

const (
	// Public is anyone: reads the public view, issues nothing.
	Public Role = iota + 1
	// Organiser holds the consultation key, a capability like a room's
	// moderator key: issues every organiser act and sees drafts.
	Organiser
	// System is the hub: creates the consultation and says how its step
	// meetings stand. No client session ever has this role.
	System
)

var roleNames = [...]string{Public: "public", Organiser: "organiser", System: "system"}

func (r Role) String() string {
	if int(r) < len(roleNames) && roleNames[r] != "" {
		return roleNames[r]
	}
	return "unknown"
}

// MarshalText encodes the role by name.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a role name.
func (r *Role) UnmarshalText(b []byte) error {
	for i, n := range roleNames {
		if n != "" && n == string(b) {
			*r = Role(i)
			return nil
		}
	}
	return room.ErrInvalid
}

// Actor is who issues a command: an organiser session id, or the hub.
type Actor struct {
	ID   string `json:"id,omitempty"`
	Role Role   `json:"role"`
}

// Op names a command, and the event it produces when accepted.
type Op string

// Operations. The comment says who may issue it and which Command fields it
// reads.
const (
	// OpCreate (System): ID, Title, Text (description), Opens and Closes
	// (optional dates). Always event 1.
	OpCreate Op = "consultation.create"
	// OpEdit (Organiser): Title, Text, Opens, Closes, replaced whole.
	OpEdit Op = "consultation.edit"

	// OpStepAdd (Organiser): Code, the step meeting's join code (a new
	// meeting or one that exists: the consultation does not mind), Title,
	// Date (optional). Steps are numbered 1, 2, 3... in the order added.
	OpStepAdd Op = "step.add"
	// OpStepEdit (Organiser): Code, Title, Date, replaced: a step is
	// never removed, its place and code never change.
	OpStepEdit Op = "step.edit"
	// OpStepStatus (System): Code, Status (a StepStatus), as the hub learns
	// how the meeting stands.
	OpStepStatus Op = "step.status"

	// OpCarry (Organiser): From and To, a question of one step meeting and
	// the question it became in a later one (the hub imports it there
	// first: room.OpImport), Text, its public text, and Votes, its votes
	// where it comes from. The thread id is assigned in Thread.
	OpCarry Op = "question.carry"

	// OpProposalCreate (Organiser): Title, Text, Sources. A draft; its id
	// (P-1, P-2...) is assigned in Proposal.
	OpProposalCreate Op = "proposal.create"
	// OpProposalEdit (Organiser, drafts only): Proposal, Title, Text,
	// Sources, replaced whole.
	OpProposalEdit Op = "proposal.edit"
	// OpProposalPublish (Organiser): Proposal, a draft, now public.
	OpProposalPublish Op = "proposal.publish"
	// OpProposalMerge (Organiser): Proposal, Into: both published; the
	// first is merged into the second.
	OpProposalMerge Op = "proposal.merge"
	// OpProposalWithdraw (Organiser): Proposal, Reason. A withdrawn draft
	// stays unpublished; a published one stays public, with its reason.
	OpProposalWithdraw Op = "proposal.withdraw"

	// OpCommitmentCreate (Organiser): Title, Text (the problem it answers),
	// Proposals (published ones it takes up), Milestones. Public at once,
	// not started; its id (C-1, C-2...) is assigned in Commitment.
	OpCommitmentCreate Op = "commitment.create"
	// OpCommitmentEdit (Organiser): Commitment, Title, Text, Proposals,
	// Milestones, replaced whole. Not once withdrawn.
	OpCommitmentEdit Op = "commitment.edit"
	// OpCommitmentStatus (Organiser): Commitment, Status (a Progress),
	// Note, Evidence (optional). Kept, dated, in the commitment's public
	// history. Withdrawn is final, and its note says why.
	OpCommitmentStatus Op = "commitment.status"
)

// StepStatus is how a step meeting stands.
type StepStatus string

const (
	Upcoming StepStatus = "upcoming"
	Live     StepStatus = "live"
	Ended    StepStatus = "ended"
)

// Progress is a commitment's completion, on the scale of the OGP
// Independent Reporting Mechanism, or withdrawn.
type Progress string

const (
	NotStarted  Progress = "not_started"
	Limited     Progress = "limited"
	Substantial Progress = "substantial"
	Complete    Progress = "complete"
	Withdrawn   Progress = "withdrawn"
)

// ProposalStatus is where a proposal stands. Whether it is included in a
// commitment is another matter: ProposalView.IncludedIn.
type ProposalStatus string

const (
	Draft             ProposalStatus = "draft"
	Published         ProposalStatus = "published"
	Merged            ProposalStatus = "merged"
	ProposalWithdrawn ProposalStatus = "withdrawn"
)

// Ref names a question of a step meeting: the meeting's join code and the
// question's id there. Both are stable, so a Ref is a stable key.
type Ref struct {
	Code     string          `json:"code"`
	Question room.QuestionID `json:"question"`
}

// SourceKind is what a proposal draws on.
type SourceKind string

const (
	QuestionSource SourceKind = "question" // Code, Question
	PollSource     SourceKind = "poll"     // Code, Poll: its results
	OutcomeSource  SourceKind = "outcome"  // Code, Step: what came of that agenda step
	IdeaSource     SourceKind = "idea"     // Code, Idea: an idea of an ideas board
)

// Source is what a proposal draws on, in a step meeting of the
// consultation. Only the fields of its Kind are kept.
type Source struct {
	Kind     SourceKind      `json:"kind"`
	Code     string          `json:"code"`
	Question room.QuestionID `json:"question,omitempty"`
	Poll     room.PollID     `json:"poll,omitempty"`
	Step     int             `json:"step,omitempty"` // an agenda step's index, from 0
	Idea     room.IdeaID     `json:"idea,omitempty"`
}

// Milestone is a measurable step of a commitment.
type Milestone struct {
	Text     string `json:"text"`
	Due      string `json:"due,omitempty"`      // YYYY-MM-DD
	Evidence string `json:"evidence,omitempty"` // http(s) link
}

// Command is a request to change a consultation. Which fields are read
// depends on Op (see the Op constants); the others are dropped. Commands
// come from untrusted clients: every field is checked.
type Command struct {
	Op Op `json:"op"`

	ID     string `json:"id,omitempty"` // the consultation's, in OpCreate: 4 to 12 of A-Z and 0-9
	Title  string `json:"title,omitempty"`
	Text   string `json:"text,omitempty"`
	Opens  string `json:"opens,omitempty"`  // YYYY-MM-DD
	Closes string `json:"closes,omitempty"` // YYYY-MM-DD

	Code   string `json:"code,omitempty"` // a step meeting's join code
	Date   string `json:"date,omitempty"` // YYYY-MM-DD
	Status string `json:"status,omitempty"`

	From   *Ref   `json:"from,omitempty"`
	To     *Ref   `json:"to,omitempty"`
	Votes  int    `json:"votes,omitempty"`
	Thread string `json:"thread,omitempty"`

	Proposal   string      `json:"proposal,omitempty"` // P-1, P-2...
	Into       string      `json:"into,omitempty"`
	Reason     string      `json:"reason,omitempty"`
	Sources    []Source    `json:"sources,omitempty"`
	Commitment string      `json:"commitment,omitempty"` // C-1, C-2...
	Proposals  []string    `json:"proposals,omitempty"`
	Milestones []Milestone `json:"milestones,omitempty"`
	Note       string      `json:"note,omitempty"`
	Evidence   string      `json:"evidence,omitempty"`
}

// Event is an accepted command, numbered from 1 without gaps: the
// consultation's log. At is Unix milliseconds, given by the caller.
type Event struct {
	Seq   uint64 `json:"seq"`
	At    int64  `json:"at"`
	Actor Actor  `json:"actor"`
	Command
}
