package room

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tribune-hub/tribune/room/internal/canon"
)

// The moderation team. The organiser (the holder of the key the room was
// created with) may hand out named moderator links, each a seat on the
// team: a role name ("Chair", "Moderator 2", "Backstage") and a Scope. A
// seat acts as a Moderator whose Actor.ID is SeatActor(id), so that every
// event, and the ledger, says which seat did it. The organiser is any
// Moderator actor whose ID is not a seat's (the hub uses "moderator", as
// every log before teams did).
//
// A seat's key never reaches the room: OpTeamAdd carries the SHA-256 of it
// (KeyHash, hex), so that the hub can check a session's key against the
// log alone, after a restart and on every node that holds a replica, and a
// revocation (OpTeamRevoke) is in the same log as the seat it ends. The
// hash of a 256-bit random key tells nothing of the key; it is in the
// moderators' log download only, never in a view, the report or open data.
//
// The rules, checked with the role (ErrForbidden):
//   - only the organiser adds and revokes seats and sets the charter;
//   - a revoked seat, or a seat id the room never assigned, acts no more;
//   - ScopeQuestions may moderate questions (questionOps) and send notes;
//   - ScopeBackstage may send notes only;
//   - ScopeAll may do everything a moderator does but the organiser's ops.
//
// Notes (OpNote) are for the moderators only: they are in the moderator
// View and Patch (Notes), never in a participant's or the screen's, nor in
// the ledger, which the public report shows.

// SeatID numbers the seats of a room's team, 1, 2, 3... assigned by the
// room and never reused.
type SeatID int

// Scope is what a seat may do.
type Scope string

const (
	ScopeAll       Scope = "all"       // everything a moderator does, but the organiser's ops
	ScopeQuestions Scope = "questions" // moderate questions, and send notes
	ScopeBackstage Scope = "backstage" // see everything, send notes, act on nothing
)

// Scopes lists every valid Scope.
var Scopes = []Scope{ScopeAll, ScopeQuestions, ScopeBackstage}

// Limits of the team and the charter.
const (
	maxSeats     = 50
	maxTeamNote  = 280
	maxRule      = 500
	maxRules     = 20
	keyHashBytes = 32 // SHA-256
	// DefaultRules is how many rules the default charter has (the pages
	// hold its text, in each language): a refusal may cite one of them
	// while the organiser has written none.
	DefaultRules = 4
)

// seatPrefix starts the actor id of every seat.
const seatPrefix = "seat-"

// SeatActor is the Actor.ID of seat id's sessions.
func SeatActor(id SeatID) string { return seatPrefix + strconv.Itoa(int(id)) }

// parseSeat returns the seat an actor id names, and whether it is a
// seat's id at all: false for the organiser. An id with the seat prefix
// that is not written as SeatActor writes it ("seat-03", "seat-x") is a
// seat's, numbered 0: no seat, so it acts on nothing.
func parseSeat(id string) (SeatID, bool) {
	n, ok := parseNumbered(id, seatPrefix)
	return SeatID(n), ok
}

// parseNumbered reads an id written as prefix then a number from 1 with
// no leading zero (seats, cards): ok when id has the prefix, n 0 when the
// rest is not written so.
func parseNumbered(id, prefix string) (n int, ok bool) {
	s, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, true
	}
	return n, true
}

// seat is one seat of the team.
type seat struct {
	id        SeatID
	name      string
	scope     Scope
	keyHash   string // hex SHA-256 of its key
	at        int64
	revokedAt int64 // 0 while it acts
}

// SeatView is a seat as the moderators see it: never its key or hash.
type SeatView struct {
	ID        SeatID `json:"id"`
	Name      string `json:"name"`
	Scope     Scope  `json:"scope"`
	At        int64  `json:"at"`
	RevokedAt int64  `json:"revokedAt,omitempty"`
}

// Note is a backstage note, to the moderators only.
type Note struct {
	Seq      uint64     `json:"seq"`
	At       int64      `json:"at"`
	By       SeatID     `json:"by,omitempty"` // 0: the organiser
	Text     string     `json:"text"`
	Question QuestionID `json:"question,omitempty"` // the question it is about, 0 for none
}

// SeatKey is what the hub needs to check a seat's key.
type SeatKey struct {
	ID      SeatID
	KeyHash []byte // SHA-256 of the key
	Scope   Scope
	Revoked bool
}

// organiserOps may be issued by the organiser only.
var organiserOps = map[Op]bool{OpTeamAdd: true, OpTeamRevoke: true, OpCharter: true, OpCardsIssue: true}

// questionOps are the ops of ScopeQuestions.
var questionOps = map[Op]bool{
	OpApprove: true, OpReject: true, OpAnswer: true, OpReopen: true, OpHighlight: true,
	OpPin: true, OpArchive: true, OpRestore: true, OpMerge: true, OpNote: true,
	OpIdeaApprove: true, OpIdeaReject: true, OpIdeaMerge: true, // ideas are moderated like questions
}

// checkSeat refuses a moderator command that actor's seat may not issue
// (ErrForbidden).
func (r *Room) checkSeat(a Actor, op Op) error {
	id, ok := parseSeat(a.ID)
	if !ok {
		return nil // the organiser
	}
	if organiserOps[op] {
		return fmt.Errorf("%w: only the organiser may %s", ErrForbidden, op)
	}
	s := r.seat(id)
	switch {
	case s == nil:
		return fmt.Errorf("%w: no such seat on the team", ErrForbidden)
	case s.revokedAt != 0:
		return fmt.Errorf("%w: this moderator link was revoked", ErrForbidden)
	case s.scope == ScopeBackstage && op != OpNote:
		return fmt.Errorf("%w: a backstage link may only send notes", ErrForbidden)
	case s.scope == ScopeQuestions && !questionOps[op]:
		return fmt.Errorf("%w: this link may only moderate questions", ErrForbidden)
	}
	return nil
}

// seat returns seat id, or nil.
func (r *Room) seat(id SeatID) *seat {
	if id < 1 || int(id) > len(r.team) {
		return nil
	}
	return r.team[id-1]
}

// Seat is the seat of the team a acts from, 0 for the organiser and every
// other role.
func (a Actor) Seat() SeatID { return seatOf(a) }

// seatOf is the seat an actor acts from, 0 for the organiser (and every
// other role).
func seatOf(a Actor) SeatID {
	if a.Role != Moderator {
		return 0
	}
	id, _ := parseSeat(a.ID)
	return id
}

func (r *Room) checkTeamAdd(c *Command) error {
	if len(r.team) >= maxSeats {
		return fmt.Errorf("%w: at most %d moderator links", ErrInvalid, maxSeats)
	}
	var err error
	if c.Name, err = required(c.Name, maxName, oneLine); err != nil {
		return fmt.Errorf("role name: %w", err)
	}
	if !slices.Contains(Scopes, c.Scope) {
		return fmt.Errorf("%w: scope must be one of %v", ErrInvalid, Scopes)
	}
	h, err := hex.DecodeString(c.KeyHash)
	if err != nil || len(h) != keyHashBytes || c.KeyHash != hex.EncodeToString(h) {
		return fmt.Errorf("%w: key hash must be %d bytes in lower-case hex", ErrInvalid, keyHashBytes)
	}
	for _, s := range r.team {
		if s.keyHash == c.KeyHash {
			return fmt.Errorf("%w: a link with this key exists", ErrAlready)
		}
	}
	c.Seat = SeatID(len(r.team) + 1)
	return nil
}

func (r *Room) checkTeamRevoke(c *Command) error {
	s := r.seat(c.Seat)
	switch {
	case s == nil:
		return fmt.Errorf("%w: no seat %d on the team", ErrInvalid, c.Seat)
	case s.revokedAt != 0:
		return fmt.Errorf("%w: the link is revoked", ErrAlready)
	}
	return nil
}

func (r *Room) checkNote(c *Command) error {
	var err error
	if c.Text, err = required(c.Text, maxTeamNote, oneLine); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	if c.Question != 0 {
		if _, err := r.question(c.Question); err != nil {
			return err
		}
	}
	return nil
}

// checkCharter cleans the rules; none restores the default charter.
func (r *Room) checkCharter(c *Command) error {
	if len(c.Rules) > maxRules {
		return fmt.Errorf("%w: at most %d rules", ErrInvalid, maxRules)
	}
	if len(c.Rules) == 0 {
		c.Rules = nil
		if r.charter == nil {
			return fmt.Errorf("%w: the default charter is in use", ErrAlready)
		}
		return nil
	}
	out := make([]string, len(c.Rules))
	for i, s := range c.Rules {
		t, err := required(s, maxRule, oneLine)
		if err != nil {
			return fmt.Errorf("rule %d: %w", i+1, err)
		}
		out[i] = t
	}
	c.Rules = out
	return nil
}

// checkRule checks the rule a refusal cites: 0 for none, else one of the
// charter's (DefaultRules while the default is in use).
func (r *Room) checkRule(rule int) error {
	n := len(r.charter)
	if r.charter == nil {
		n = DefaultRules
	}
	if rule < 0 || rule > n {
		return fmt.Errorf("%w: the charter has rules 1 to %d", ErrInvalid, n)
	}
	return nil
}

func (r *Room) applyTeamAdd(at int64, c *Command) {
	r.team = append(r.team, &seat{id: c.Seat, name: c.Name, scope: c.Scope, keyHash: c.KeyHash, at: at})
}

func (r *Room) applyNote(seq uint64, at int64, a Actor, c *Command) {
	r.notes = append(r.notes, Note{Seq: seq, At: at, By: seatOf(a), Text: c.Text, Question: c.Question})
}

// Team returns the seats, revoked ones included, in id order.
func (r *Room) Team() []SeatView {
	out := make([]SeatView, len(r.team))
	for i, s := range r.team {
		out[i] = SeatView{ID: s.id, Name: s.name, Scope: s.scope, At: s.at, RevokedAt: s.revokedAt}
	}
	return out
}

// SeatKeys returns what the hub needs to check the seats' keys. The
// hashes were checked as hex when the seats were added.
func (r *Room) SeatKeys() []SeatKey {
	out := make([]SeatKey, len(r.team))
	for i, s := range r.team {
		h, _ := hex.DecodeString(s.keyHash)
		out[i] = SeatKey{ID: s.id, KeyHash: h, Scope: s.scope, Revoked: s.revokedAt != 0}
	}
	return out
}

// Acts reports whether a moderator actor may act now: the organiser, or
// a seat of the team not revoked. The hub asks it of a session it is
// about to serve, to close a session whose seat was revoked meanwhile.
func (r *Room) Acts(a Actor) bool {
	if a.Role != Moderator {
		return true
	}
	id, ok := parseSeat(a.ID)
	if !ok {
		return true
	}
	s := r.seat(id)
	return s != nil && s.revokedAt == 0
}

// Charter returns the rules the organiser wrote, nil while the default
// charter is in use.
func (r *Room) Charter() []string { return slices.Clip(r.charter) }

// digestTeam writes the team, the notes, the charter and the rules cited
// by refusals, each only when there is one, so that the digests of logs
// from before teams stay what they were (TestDigestStable).
func (r *Room) digestTeam(e *canon.Encoder) {
	if len(r.team) > 0 {
		e.Str("team")
		e.Int(int64(len(r.team)))
		for _, s := range r.team {
			e.Str(s.name)
			e.Str(string(s.scope))
			e.Str(s.keyHash)
			e.Int(s.at)
			e.Int(s.revokedAt)
		}
	}
	if len(r.notes) > 0 {
		e.Str("notes")
		e.Int(int64(len(r.notes)))
		for _, n := range r.notes {
			e.Uint(n.Seq)
			e.Int(n.At)
			e.Int(int64(n.By))
			e.Str(n.Text)
			e.Int(int64(n.Question))
		}
	}
	if r.charter != nil {
		e.Str("charter")
		e.Strs(r.charter)
	}
	if slices.ContainsFunc(r.questions, func(q *question) bool { return q.rule != 0 }) {
		e.Str("rules cited")
		for _, q := range r.questions {
			e.Int(int64(q.rule))
		}
	}
	if slices.ContainsFunc(r.ledger, func(l LedgerEntry) bool { return l.By != 0 || l.Seat != 0 || l.Rule != 0 }) {
		e.Str("ledger seats")
		for _, l := range r.ledger {
			e.Int(int64(l.By))
			e.Int(int64(l.Seat))
			e.Int(int64(l.Rule))
		}
	}
}
