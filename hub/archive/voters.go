package archive

import (
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

// Who each poll counted (room/voters.go), checked from the log apart from
// the reducer: a ballot in a poll counted in the room must come from a
// participant checked in (presence.checkin) before it, and one in a poll
// counted by card from a card (room.CardActor) issued (cards.issue)
// before it. The reducer refuses any other (Apply), so a log that breaks
// the rule does not even replay; this second computation is there so that
// Verify does not trust the code that made the tallies.

// eligibility follows check-ins, cards and the polls' countings through
// the log, and remembers the first ballot that its poll should not have
// counted.
type eligibility struct {
	checkedIn map[string]bool
	cards     int
	counting  map[room.PollID]room.Counting
	cardVoted map[string]bool // cards with a ballot
	// allowedAt is how many voters a poll counted in the room or by card
	// allowed when it was last closed: participants checked in, or cards
	// issued, by then.
	allowedAt map[room.PollID]int

	badSeq uint64 // the first ballot from a voter its poll did not allow
	bad    string
}

func (e *eligibility) observe(ev room.Event) {
	if e.counting == nil {
		e.checkedIn, e.counting, e.cardVoted = map[string]bool{}, map[room.PollID]room.Counting{}, map[string]bool{}
		e.allowedAt = map[room.PollID]int{}
	}
	switch ev.Op {
	case room.OpCheckin:
		e.checkedIn[ev.Actor.ID] = true
	case room.OpCardsIssue:
		e.cards += len(ev.Cards)
	case room.OpPollCreate, room.OpPollEdit:
		e.counting[ev.Poll] = ev.Counting
	case room.OpPollClose:
		if n, ok := e.allowedNow(e.counting[ev.Poll]); ok {
			e.allowedAt[ev.Poll] = n
		}
	case room.OpVote:
		n, card := cardNumber(ev.Actor.ID)
		if card && n >= 1 && n <= e.cards {
			e.cardVoted[ev.Actor.ID] = true
		}
		if e.badSeq != 0 {
			return
		}
		switch e.counting[ev.Poll] {
		case room.CountRoom:
			if !e.checkedIn[ev.Actor.ID] {
				e.badSeq, e.bad = ev.Seq, fmt.Sprintf("poll %d counts the room, and this ballot is from a participant not checked in", ev.Poll)
			}
		case room.CountCards:
			if !card || n < 1 || n > e.cards {
				e.badSeq, e.bad = ev.Seq, fmt.Sprintf("poll %d counts voting cards, and this ballot is from no card issued", ev.Poll)
			}
		}
	}
}

// allowedNow is how many voters counting allows now, and false for a
// poll open to all, which counts anyone.
func (e *eligibility) allowedNow(c room.Counting) (int, bool) {
	switch c {
	case room.CountRoom:
		return len(e.checkedIn), true
	case room.CountCards:
		return e.cards, true
	}
	return 0, false
}

// allowed is how many voters poll p, counted as c, allowed: when it was
// last closed, or at the end of the log if it never was; false for a poll
// open to all.
func (e *eligibility) allowed(p room.PollID, c room.Counting) (int, bool) {
	if n, ok := e.allowedAt[p]; ok {
		return n, true
	}
	return e.allowedNow(c)
}

// cardNumber reads a card's participant id, as room.CardActor writes it.
func cardNumber(id string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(id, "card-%d", &n); err != nil || room.CardActor(n) != id {
		return 0, false
	}
	return n, true
}

// check reports the first ballot counted from a voter its poll did not
// allow.
func (e *eligibility) check() error {
	if e.badSeq != 0 {
		return &VerifyError{Seq: e.badSeq, Reason: e.bad}
	}
	return nil
}

// Voters is who the polls could count, for the report: present only when
// a poll counted the room or cards, or cards were issued.
type Voters struct {
	CheckedIn  int `json:"checkedIn"`  // participants checked in, in the room
	Cards      int `json:"cards"`      // voting cards issued
	CardsVoted int `json:"cardsVoted"` // cards with a ballot in some poll
}

// voters is the report's Voters, nil when every poll was open to all.
func (m *meeting) voters() *Voters {
	e := &m.counter.elig
	used := e.cards > 0 || len(e.checkedIn) > 0
	for _, c := range e.counting {
		used = used || c != ""
	}
	if !used {
		return nil
	}
	return &Voters{CheckedIn: len(e.checkedIn), Cards: e.cards, CardsVoted: len(e.cardVoted)}
}

// checkVoters compares the room's count of check-ins and cards with the
// log's.
func (m *meeting) checkVoters() error {
	c, v := m.mod.Counts, m.voters()
	if v == nil {
		v = &Voters{}
	}
	if c == nil || c.CheckedIn != v.CheckedIn || c.Cards != v.Cards || c.CardsVoted != v.CardsVoted {
		return &VerifyError{Seq: m.room.Seq(), Reason: "check-ins or voting cards recounted from the log differ from the room's"}
	}
	return nil
}

// countingOf names a poll's counting as the open data writes it: empty is
// open to all.
func countingOf(c room.Counting) room.Counting {
	if c == "" {
		return room.CountOpen
	}
	return c
}
