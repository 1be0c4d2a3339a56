package consultation

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// Consultation is one consultation's state: the fold of its events. It is
// not safe for concurrent use; its owner serialises access. The views it
// returns stay valid after later events: they share nothing the
// consultation writes again.
type Consultation struct {
	seq uint64

	created     bool
	id          string
	title       string
	description string
	opens       string
	closes      string

	steps       []*step // in the order added: step i+1
	carries     []*carry
	threads     int           // Q-1..Q-threads assigned
	proposals   []*proposal   // proposals[n-1] is P-n: never removed, never reused
	commitments []*commitment // commitments[n-1] is C-n: likewise
}

type step struct {
	code   string
	title  string
	date   string
	status StepStatus
	at     int64
}

type carry struct {
	thread string
	from   Ref
	to     Ref
	text   string
	votes  int
	at     int64
	seq    uint64 // the event that carried it
}

type proposal struct {
	n           int
	title       string
	text        string
	sources     []Source // replaced whole, never written in place
	status      ProposalStatus
	public      bool // published at some point: public for good
	mergedInto  string
	mergedFrom  []string
	reason      string
	at          int64
	publishedAt int64
	defined     uint64 // the event that last set its sources
}

type commitment struct {
	n          int
	title      string
	problem    string
	proposals  []string    // replaced whole
	milestones []Milestone // replaced whole
	status     Progress
	history    []Change
	at         int64
}

// Change is one status change of a commitment: public, kept for good.
type Change struct {
	At       int64    `json:"at"`
	Status   Progress `json:"status"`
	Note     string   `json:"note"`
	Evidence string   `json:"evidence,omitempty"`
}

// New returns an empty consultation at sequence number 0. Its first event
// must be OpCreate.
func New() *Consultation { return &Consultation{} }

// Seq returns the sequence number of the last event applied.
func (c *Consultation) Seq() uint64 { return c.seq }

// ID and Title describe the consultation.
func (c *Consultation) ID() string    { return c.id }
func (c *Consultation) Title() string { return c.title }

// Decide checks cmd from actor at time at (Unix milliseconds) against the
// current state and returns the event it would produce, numbered Seq()+1,
// without changing the consultation. The event is the command normalised:
// text trimmed, ids assigned (Thread, Proposal, Commitment), fields the op
// does not read dropped.
func (c *Consultation) Decide(actor Actor, at int64, cmd Command) (Event, error) {
	k := cmd
	if err := c.check(actor, &k); err != nil {
		return Event{}, err
	}
	return Event{Seq: c.seq + 1, At: at, Actor: actor, Command: k}, nil
}

// Apply folds ev. ev.Seq must be Seq()+1 (room.ErrSequence otherwise). It
// checks ev as Decide would, ids included, so an event Decide could not
// have produced on this state is refused with an error wrapping
// room.ErrInvalid, and changes nothing.
func (c *Consultation) Apply(ev Event) error {
	if ev.Seq != c.seq+1 {
		return fmt.Errorf("%w: got %d, want %d", room.ErrSequence, ev.Seq, c.seq+1)
	}
	k := ev.Command
	if err := c.check(ev.Actor, &k); err != nil {
		return fmt.Errorf("%w: event %d: %w", room.ErrInvalid, ev.Seq, err)
	}
	if k.Thread != ev.Thread || k.Proposal != ev.Proposal || k.Commitment != ev.Commitment {
		return fmt.Errorf("%w: event %d: id out of sequence", room.ErrInvalid, ev.Seq)
	}
	c.mutate(ev.At, &k)
	return nil
}

// Handle is Decide followed by Apply.
func (c *Consultation) Handle(actor Actor, at int64, cmd Command) (Event, error) {
	k := cmd
	if err := c.check(actor, &k); err != nil {
		return Event{}, err
	}
	c.mutate(at, &k)
	return Event{Seq: c.seq, At: at, Actor: actor, Command: k}, nil
}

// Replay folds events into a new consultation, in order, failing on the
// first that does not apply.
func Replay(events []Event) (*Consultation, error) {
	c := New()
	for _, ev := range events {
		if err := c.Apply(ev); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
	}
	return c, nil
}

var opRoles = map[Op]Role{
	OpCreate:           System,
	OpEdit:             Organiser,
	OpStepAdd:          Organiser,
	OpStepEdit:         Organiser,
	OpStepStatus:       System,
	OpCarry:            Organiser,
	OpProposalCreate:   Organiser,
	OpProposalEdit:     Organiser,
	OpProposalPublish:  Organiser,
	OpProposalMerge:    Organiser,
	OpProposalWithdraw: Organiser,
	OpCommitmentCreate: Organiser,
	OpCommitmentEdit:   Organiser,
	OpCommitmentStatus: Organiser,
}

// check validates k from a against the current state and normalises it in
// place. It never changes the consultation. The order: unknown op, role,
// created, then the op's own rules.
func (c *Consultation) check(a Actor, k *Command) error {
	role, ok := opRoles[k.Op]
	switch {
	case !ok:
		return fmt.Errorf("%w: %q", room.ErrUnknownOp, k.Op)
	case a.Role != role:
		return fmt.Errorf("%w: %s may not %s", room.ErrForbidden, a.Role, k.Op)
	case k.Op == OpCreate && c.created:
		return fmt.Errorf("%w: the consultation already exists", room.ErrState)
	case k.Op != OpCreate && !c.created:
		return fmt.Errorf("%w: the consultation does not exist yet", room.ErrState)
	}
	strip(k)
	switch k.Op {
	case OpCreate:
		if !room.ValidCode(k.ID) {
			return fmt.Errorf("%w: a consultation id is 4 to 12 of A-Z and 0-9", room.ErrInvalid)
		}
		return checkAbout(k)
	case OpEdit:
		return checkAbout(k)
	case OpStepAdd:
		return c.checkStepAdd(k)
	case OpStepEdit:
		return c.checkStepEdit(k)
	case OpStepStatus:
		return c.checkStepStatus(k)
	case OpCarry:
		return c.checkCarry(k)
	case OpProposalCreate:
		k.Proposal = proposalID(len(c.proposals) + 1)
		return c.checkProposalText(k)
	case OpProposalEdit:
		return c.checkProposalEdit(k)
	case OpProposalPublish:
		return c.checkPublish(k)
	case OpProposalMerge:
		return c.checkMerge(k)
	case OpProposalWithdraw:
		return c.checkWithdraw(k)
	case OpCommitmentCreate:
		k.Commitment = commitmentID(len(c.commitments) + 1)
		return c.checkCommitmentText(k)
	case OpCommitmentEdit:
		return c.checkCommitmentEdit(k)
	case OpCommitmentStatus:
		return c.checkCommitmentStatus(k)
	}
	return errors.New("consultation: internal: no check for " + string(k.Op))
}

// mutate applies k, which check accepted and normalised on this state.
func (c *Consultation) mutate(at int64, k *Command) {
	c.seq++
	switch k.Op {
	case OpCreate:
		c.created, c.id = true, k.ID
		c.title, c.description, c.opens, c.closes = k.Title, k.Text, k.Opens, k.Closes
	case OpEdit:
		c.title, c.description, c.opens, c.closes = k.Title, k.Text, k.Opens, k.Closes
	case OpStepAdd:
		c.steps = append(c.steps, &step{code: k.Code, title: k.Title, date: k.Date, status: Upcoming, at: at})
	case OpStepEdit:
		s := c.steps[c.stepIndex(k.Code)]
		s.title, s.date = k.Title, k.Date
	case OpStepStatus:
		c.steps[c.stepIndex(k.Code)].status = StepStatus(k.Status)
	case OpCarry:
		if k.Thread == threadID(c.threads+1) {
			c.threads++
		}
		c.carries = append(c.carries, &carry{thread: k.Thread, from: *k.From, to: *k.To, text: k.Text, votes: k.Votes, at: at, seq: c.seq})
	case OpProposalCreate:
		n := len(c.proposals) + 1
		c.proposals = append(c.proposals, &proposal{n: n, title: k.Title, text: k.Text, sources: k.Sources, status: Draft, at: at, defined: c.seq})
	case OpProposalEdit:
		p := c.proposals[mustNum(k.Proposal)-1]
		p.title, p.text, p.sources, p.defined = k.Title, k.Text, k.Sources, c.seq
	case OpProposalPublish:
		p := c.proposals[mustNum(k.Proposal)-1]
		p.status, p.public, p.publishedAt = Published, true, at
	case OpProposalMerge:
		p, into := c.proposals[mustNum(k.Proposal)-1], c.proposals[mustNum(k.Into)-1]
		p.status, p.mergedInto = Merged, k.Into
		into.mergedFrom = append(into.mergedFrom, k.Proposal)
	case OpProposalWithdraw:
		p := c.proposals[mustNum(k.Proposal)-1]
		p.status, p.reason = ProposalWithdrawn, k.Reason
	case OpCommitmentCreate:
		n := len(c.commitments) + 1
		c.commitments = append(c.commitments, &commitment{n: n, title: k.Title, problem: k.Text,
			proposals: k.Proposals, milestones: k.Milestones, status: NotStarted, at: at})
	case OpCommitmentEdit:
		m := c.commitments[mustNum(k.Commitment)-1]
		m.title, m.problem, m.proposals, m.milestones = k.Title, k.Text, k.Proposals, k.Milestones
	case OpCommitmentStatus:
		m := c.commitments[mustNum(k.Commitment)-1]
		m.status = Progress(k.Status)
		m.history = append(m.history, Change{At: at, Status: m.status, Note: k.Note, Evidence: k.Evidence})
	}
}

// strip keeps only the fields k.Op reads, so that no stray text reaches
// the log. Assigned ids are kept: check assigns them again, and Apply
// compares.
func strip(k *Command) {
	s := Command{Op: k.Op}
	switch k.Op {
	case OpCreate:
		s.ID, s.Title, s.Text, s.Opens, s.Closes = k.ID, k.Title, k.Text, k.Opens, k.Closes
	case OpEdit:
		s.Title, s.Text, s.Opens, s.Closes = k.Title, k.Text, k.Opens, k.Closes
	case OpStepAdd, OpStepEdit:
		s.Code, s.Title, s.Date = k.Code, k.Title, k.Date
	case OpStepStatus:
		s.Code, s.Status = k.Code, k.Status
	case OpCarry:
		s.From, s.To, s.Text, s.Votes = k.From, k.To, k.Text, k.Votes
	case OpProposalCreate:
		s.Title, s.Text, s.Sources = k.Title, k.Text, k.Sources
	case OpProposalEdit:
		s.Proposal, s.Title, s.Text, s.Sources = k.Proposal, k.Title, k.Text, k.Sources
	case OpProposalPublish:
		s.Proposal = k.Proposal
	case OpProposalMerge:
		s.Proposal, s.Into = k.Proposal, k.Into
	case OpProposalWithdraw:
		s.Proposal, s.Reason = k.Proposal, k.Reason
	case OpCommitmentCreate:
		s.Title, s.Text, s.Proposals, s.Milestones = k.Title, k.Text, k.Proposals, k.Milestones
	case OpCommitmentEdit:
		s.Commitment, s.Title, s.Text, s.Proposals, s.Milestones = k.Commitment, k.Title, k.Text, k.Proposals, k.Milestones
	case OpCommitmentStatus:
		s.Commitment, s.Status, s.Note, s.Evidence = k.Commitment, k.Status, k.Note, k.Evidence
	}
	*k = s
}

// Public ids: a prefix and a number from 1, never reused.
func proposalID(n int) string   { return "P-" + strconv.Itoa(n) }
func commitmentID(n int) string { return "C-" + strconv.Itoa(n) }
func threadID(n int) string     { return "Q-" + strconv.Itoa(n) }

// num returns n for an id prefix-n, or 0.
func num(prefix, id string) int {
	s, ok := strings.CutPrefix(id, prefix)
	if !ok || s == "" || s[0] == '0' || len(s) > 9 {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// mustNum is the number of an id check accepted.
func mustNum(id string) int { return num(id[:2], id) }

// Text limits, in characters.
const (
	maxTitle      = 200
	maxText       = 4000
	maxNote       = 1000
	maxMilestone  = 500
	maxLink       = 500
	maxQuestion   = 2000 // a room's longest question
	maxSources    = 100
	maxProposals  = 100 // taken up by one commitment
	maxMilestones = 50
	maxSteps      = 100
	maxVotes      = 1_000_000_000
)

// checkDate accepts "" or a calendar date, YYYY-MM-DD.
func checkDate(what string, s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("%w: %s must be a date, YYYY-MM-DD", room.ErrInvalid, what)
	}
	return nil
}

// checkLink cleans an optional http(s) link.
func checkLink(what string, s *string) error {
	t, err := room.CleanText(*s, maxLink, false)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if t != "" && !room.ValidLink(t) {
		return fmt.Errorf("%w: %s must be an http:// or https:// address", room.ErrInvalid, what)
	}
	*s = t
	return nil
}

// checkAbout checks what OpCreate and OpEdit say of the consultation.
func checkAbout(k *Command) error {
	var err error
	if k.Title, err = room.RequiredText(k.Title, maxTitle, false); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if k.Text, err = room.CleanText(k.Text, maxText, true); err != nil {
		return fmt.Errorf("description: %w", err)
	}
	if err := checkDate("opens", k.Opens); err != nil {
		return err
	}
	if err := checkDate("closes", k.Closes); err != nil {
		return err
	}
	if k.Opens != "" && k.Closes != "" && k.Closes < k.Opens {
		return fmt.Errorf("%w: it closes before it opens", room.ErrInvalid)
	}
	return nil
}

// stepIndex returns the index of step meeting code, or -1.
func (c *Consultation) stepIndex(code string) int {
	return slices.IndexFunc(c.steps, func(s *step) bool { return s.code == code })
}
