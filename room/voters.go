package room

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	"github.com/tribune-hub/tribune/room/internal/canon"
)

// Who a poll counts. Each poll has a Counting, chosen when it is defined
// (OpPollCreate, OpPollEdit: Command.Counting; empty takes the meeting's
// default, Settings.Counting, itself empty for CountOpen), and every view
// of the poll says which it was (PollView.Counting):
//
//   - CountOpen: every participant, anyone with the link.
//   - CountRoom: only participants checked in as present in the room. The
//     big screen shows a short code that changes every 30 seconds; the hub
//     checks the code a participant types and, when it is right, logs
//     OpCheckin (System, Actor.ID the participant) for them. The room never
//     sees the code: it stays pure, and the log says who checked in, by
//     pseudonymous id. Checking in holds for the rest of the meeting.
//   - CountCards: only voting cards. The organiser has the hub make N
//     random card secrets (OpCardsIssue carries only their SHA-256 hashes,
//     hex): a card holder's participant id is CardActor(n), n the card's
//     place among every card issued (1, 2, 3...). The id comes from the
//     card, not from a connection or a device: every session opened with
//     one card, on any number of devices, is the same participant, so the
//     card joins once (the room's presence counts it once) and holds one
//     ballot per poll, which a later vote replaces as for anyone. Nothing
//     links a card to a person: the log holds its hash and the ballots of
//     CardActor(n); the secret is printed and handed out, never kept.
//
// A ballot that the poll's counting does not allow is refused (ErrNotVoter,
// naming the command); everything else (questions, upvotes, reactions,
// polls in other modes) stays open to every participant. Apply checks the
// same rule, so that a log in which a ballot came from a voter its poll did
// not allow does not replay (tribune verify).

// Counting says whose ballots a poll counts.
type Counting string

const (
	CountOpen  Counting = "open"  // anyone with the link
	CountRoom  Counting = "room"  // participants checked in, in the room
	CountCards Counting = "cards" // holders of a voting card
)

// Countings lists every valid Counting.
var Countings = []Counting{CountOpen, CountRoom, CountCards}

// Limits of voting cards.
const (
	// MaxCardsPerIssue is the most cards one OpCardsIssue makes.
	MaxCardsPerIssue = 500
	// MaxCards is the most cards a meeting may have.
	MaxCards   = 5000
	cardHashes = 32 // SHA-256
)

// cardPrefix starts the participant id of every voting card.
const cardPrefix = "card-"

// CardActor is the participant id of the holder of card n (from 1).
func CardActor(n int) string { return cardPrefix + strconv.Itoa(n) }

// parseCard returns the card a participant id names, and whether it is a
// card's id at all. An id with the card prefix not written as CardActor
// writes it is a card's, numbered 0: no card.
func parseCard(id string) (int, bool) { return parseNumbered(id, cardPrefix) }

// validCounting reports whether c names a counting; empty is the default.
func validCounting(c Counting) bool { return c == "" || slices.Contains(Countings, c) }

// checkCounting validates the counting of a poll being defined: empty
// takes the meeting's default on creation and keeps p's on an edit (p
// nil on creation).
func (r *Room) checkCounting(c *Command, p *poll) error {
	if !validCounting(c.Counting) {
		return fmt.Errorf("%w: counting must be one of %v", ErrInvalid, Countings)
	}
	if c.Counting == "" {
		if p != nil {
			c.Counting = p.counting
		} else {
			c.Counting = r.settings.Counting
		}
	}
	if c.Counting == CountOpen {
		c.Counting = "" // one way to write the default
	}
	return nil
}

// checkVoter refuses a ballot from a participant p does not count.
func (r *Room) checkVoter(a Actor, p *poll) error {
	switch p.counting {
	case CountRoom:
		if m := r.members[a.ID]; m == nil || !m.checkedIn {
			return fmt.Errorf("%w: %s: poll %d counts only participants checked in in the room: type the code shown on the screen", ErrNotVoter, OpVote, p.id)
		}
	case CountCards:
		if n, ok := parseCard(a.ID); !ok || n < 1 || n > len(r.cards) {
			return fmt.Errorf("%w: %s: poll %d counts only voting cards: open the link of your card", ErrNotVoter, OpVote, p.id)
		}
	}
	return nil
}

// checkCardJoin refuses the join of a card id the room never issued.
func (r *Room) checkCardJoin(a Actor) error {
	if n, ok := parseCard(a.ID); ok && (n < 1 || n > len(r.cards)) {
		return fmt.Errorf("%w: %s: no voting card %q was issued", ErrInvalid, OpJoin, a.ID)
	}
	return nil
}

func (r *Room) checkCheckin(a Actor) error {
	m := r.members[a.ID]
	switch {
	case m == nil:
		return fmt.Errorf("%w: %s", ErrNotJoined, OpCheckin)
	case m.checkedIn:
		return fmt.Errorf("%w: %s: checked in", ErrAlready, OpCheckin)
	}
	return nil
}

func (r *Room) applyCheckin(a Actor) {
	r.members[a.ID].checkedIn = true
	r.checkedIn++
}

// checkCardsIssue validates new cards' hashes: 1 to MaxCardsPerIssue,
// each 32 bytes in lower-case hex, none issued before or repeated, and the
// meeting's total at most MaxCards.
func (r *Room) checkCardsIssue(c *Command) error {
	if len(c.Cards) < 1 || len(c.Cards) > MaxCardsPerIssue {
		return fmt.Errorf("%w: %s: 1 to %d cards at a time", ErrInvalid, OpCardsIssue, MaxCardsPerIssue)
	}
	if len(r.cards)+len(c.Cards) > MaxCards {
		return fmt.Errorf("%w: %s: at most %d cards per meeting, %d issued", ErrInvalid, OpCardsIssue, MaxCards, len(r.cards))
	}
	seen := make(map[string]bool, len(c.Cards))
	for i, h := range c.Cards {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != cardHashes || h != hex.EncodeToString(b) {
			return fmt.Errorf("%w: %s: card %d: a hash is %d bytes in lower-case hex", ErrInvalid, OpCardsIssue, i+1, cardHashes)
		}
		if seen[h] || r.cardIndex[h] != 0 {
			return fmt.Errorf("%w: %s: card %d is issued already", ErrInvalid, OpCardsIssue, i+1)
		}
		seen[h] = true
	}
	c.Cards = slices.Clone(c.Cards)
	return nil
}

func (r *Room) applyCardsIssue(c *Command) {
	if r.cardIndex == nil {
		r.cardIndex = make(map[string]int)
	}
	for _, h := range c.Cards {
		r.cards = append(r.cards, h)
		r.cardIndex[h] = len(r.cards)
	}
}

// noteBallot counts a card's first ballot in any poll: the report says
// how many cards voted.
func (r *Room) noteBallot(a Actor) {
	m := r.members[a.ID]
	if m == nil || m.voted {
		return
	}
	m.voted = true
	if _, ok := parseCard(a.ID); ok {
		r.cardsVoted++
	}
}

// Card returns the card whose hash (hex SHA-256 of its secret) is hash,
// numbered from 1, or 0 when the room issued no such card. The hub asks it
// of a session that opens with a card.
func (r *Room) Card(hash string) int { return r.cardIndex[hash] }

// Cards returns how many voting cards were issued.
func (r *Room) Cards() int { return len(r.cards) }

// CheckedIn reports whether participant checked in as present in the room.
func (r *Room) CheckedIn(participant string) bool {
	m := r.members[participant]
	return m != nil && m.checkedIn
}

// NeedsRoomCode reports whether the big screen should show the room code
// now: the meeting counts its polls in the room by default, or a poll
// that does is open. The hub sends the code to screens only then.
func (r *Room) NeedsRoomCode() bool {
	if r.status == Ended {
		return false
	}
	if r.settings.Counting == CountRoom {
		return true
	}
	return slices.ContainsFunc(r.polls, func(p *poll) bool {
		return p.counting == CountRoom && p.status == PollOpen && !p.deleted
	})
}

// votersCounts fills the counting part of attendance.
func (r *Room) votersCounts(v *CountsView) {
	v.CheckedIn, v.Cards, v.CardsVoted = r.checkedIn, len(r.cards), r.cardsVoted
}

// digestVoters writes check-ins, cards and the polls' countings, each only
// when there is one, so that the digests of older logs stay what they were
// (TestDigestStable).
func (r *Room) digestVoters(e *canon.Encoder) {
	if r.settings.Counting != "" {
		e.Str("counting")
		e.Str(string(r.settings.Counting))
	}
	if slices.ContainsFunc(r.polls, func(p *poll) bool { return p.counting != "" }) {
		e.Str("poll countings")
		for _, p := range r.polls {
			e.Str(string(p.counting))
		}
	}
	if r.checkedIn > 0 {
		ids := make([]string, 0, r.checkedIn)
		for id, m := range r.members {
			if m.checkedIn {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		e.Str("checked in")
		e.Strs(ids)
	}
	if len(r.cards) > 0 {
		e.Str("cards")
		e.Strs(r.cards)
		e.Int(int64(r.cardsVoted))
	}
}
