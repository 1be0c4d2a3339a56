package room

import (
	"errors"
	"strings"
	"testing"
)

// Card hashes, as the hub would make them.
var (
	hashCard1 = strings.Repeat("d1", 32)
	hashCard2 = strings.Repeat("d2", 32)
	hashCard3 = strings.Repeat("d3", 32)
	card1     = Actor{ID: CardActor(1), Role: Participant}
	card2     = Actor{ID: CardActor(2), Role: Participant}
)

// withCards issues three cards and joins card 1.
func withCards(s *script) {
	s.t.Helper()
	s.do(mod, Command{Op: OpCardsIssue, Cards: []string{hashCard1, hashCard2, hashCard3}})
	s.do(sys.as(card1.ID), Command{Op: OpJoin, Channel: InRoom})
}

// openPoll creates and opens a single-choice poll counted as counting.
func openPoll(s *script, counting Counting) PollID {
	s.t.Helper()
	ev := s.do(mod, Command{Op: OpPollCreate, Kind: Single, Text: "Adopt the budget?", Options: []string{"Yes", "No"}, Counting: counting})
	s.do(mod, Command{Op: OpPollOpen, Poll: ev.Poll})
	return ev.Poll
}

func TestVotersOps(t *testing.T) {
	roomPoll := func(s *script) { openPoll(s, CountRoom) }
	cardPoll := func(s *script) { withCards(s); openPoll(s, CountCards) }
	checkedIn := func(s *script) { roomPoll(s); s.do(sys.as(alice.ID), Command{Op: OpCheckin}) }
	runOps(t, []opCase{
		{name: "a poll counted in the room", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "Q", Options: []string{"a", "b"}, Counting: CountRoom},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.r.View(Moderator).Polls[0]; ev.Counting != CountRoom || p.Counting != CountRoom {
					t.Fatalf("event %+v, poll %+v", ev, p)
				}
			}},
		{name: "open is the default, written as none", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "Q", Options: []string{"a", "b"}, Counting: CountOpen},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Counting != "" || s.r.View(Moderator).Polls[0].Counting != "" {
					t.Fatalf("event %+v", ev)
				}
			}},
		{name: "the meeting's default", settings: &Settings{Counting: CountCards}, actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "Q", Options: []string{"a", "b"}},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Counting != CountCards {
					t.Fatalf("event %+v", ev)
				}
			}},
		{name: "an edit keeps the counting", setup: func(s *script) {
			s.do(mod, Command{Op: OpPollCreate, Kind: Single, Text: "Q", Options: []string{"a", "b"}, Counting: CountRoom})
		}, actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Single, Text: "Q2", Options: []string{"a", "b"}},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Counting != CountRoom {
					t.Fatalf("event %+v", ev)
				}
			}},
		{name: "unknown counting", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "Q", Options: []string{"a", "b"}, Counting: "everyone"}, err: ErrInvalid},
		{name: "unknown meeting counting", actor: mod, cmd: Command{Op: OpSettings, Settings: &Settings{Counting: "x"}}, err: ErrInvalid},

		{name: "check in", setup: roomPoll, actor: sys.as(alice.ID), cmd: Command{Op: OpCheckin, Text: "123456"},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Text != "" {
					t.Fatalf("the code reached the log: %+v", ev)
				}
				if !s.r.Mine(alice.ID).CheckedIn || s.r.Mine(bob.ID).CheckedIn || s.r.View(Moderator).Counts.CheckedIn != 1 {
					t.Fatal("alice is not the one checked in")
				}
			}},
		{name: "check in twice", setup: checkedIn, actor: sys.as(alice.ID), cmd: Command{Op: OpCheckin}, err: ErrAlready},
		{name: "check in without joining", actor: sys.as(dave.ID), cmd: Command{Op: OpCheckin}, err: ErrNotJoined},
		{name: "a participant may not check themselves in", actor: alice, cmd: Command{Op: OpCheckin}, err: ErrForbidden},
		{name: "a moderator may not check anyone in", actor: mod, cmd: Command{Op: OpCheckin}, err: ErrForbidden},
		{name: "in-room poll refuses one not checked in", setup: roomPoll, actor: bob, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrNotVoter},
		{name: "in-room poll counts one checked in", setup: checkedIn, actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.r.View(Moderator).Polls[0]; p.Ballots != 1 || p.Counting != CountRoom {
					t.Fatalf("poll %+v", p)
				}
			}},
		{name: "remote participants keep every other right", setup: roomPoll, actor: bob, cmd: Command{Op: OpAsk, Text: "And the buses?"}},
		{name: "an open poll counts everyone", setup: func(s *script) { openPoll(s, CountOpen) }, actor: bob, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{1}}},

		{name: "organiser issues cards", actor: mod, cmd: Command{Op: OpCardsIssue, Cards: []string{hashCard1, hashCard2}, Text: "stray"},
			check: func(t *testing.T, s *script, ev Event) {
				if len(ev.Cards) != 2 || ev.Text != "" || s.r.Cards() != 2 || s.r.Card(hashCard2) != 2 || s.r.Card(hashCard3) != 0 {
					t.Fatalf("event %+v", ev)
				}
				if c := s.r.View(Moderator).Counts; c.Cards != 2 || c.CardsVoted != 0 {
					t.Fatalf("counts %+v", c)
				}
				if v := mustJSON(t, s.r.View(Moderator)); strings.Contains(v, "d1d1") {
					t.Fatalf("a card's hash is in a view: %s", v)
				}
			}},
		{name: "a seat may not issue cards", setup: withTeam, actor: chair, cmd: Command{Op: OpCardsIssue, Cards: []string{hashCard1}}, err: ErrForbidden},
		{name: "no card", actor: mod, cmd: Command{Op: OpCardsIssue}, err: ErrInvalid},
		{name: "bad card hash", actor: mod, cmd: Command{Op: OpCardsIssue, Cards: []string{strings.ToUpper(hashCard1)}}, err: ErrInvalid},
		{name: "a card twice in one issue", actor: mod, cmd: Command{Op: OpCardsIssue, Cards: []string{hashCard1, hashCard1}}, err: ErrInvalid},
		{name: "a card issued before", setup: withCards, actor: mod, cmd: Command{Op: OpCardsIssue, Cards: []string{hashCard2}}, err: ErrInvalid},
		{name: "a card never issued may not join", setup: withCards, actor: sys.as(CardActor(4)), cmd: Command{Op: OpJoin, Channel: InRoom}, err: ErrInvalid},
		{name: "a card id written another way may not join", setup: withCards, actor: sys.as("card-01"), cmd: Command{Op: OpJoin, Channel: InRoom}, err: ErrInvalid},
		{name: "card poll refuses one without a card", setup: cardPoll, actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrNotVoter},
		{name: "card poll counts a card", setup: cardPoll, actor: card1, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}},
			check: func(t *testing.T, s *script, ev Event) {
				if c := s.r.View(Moderator).Counts; c.CardsVoted != 1 {
					t.Fatalf("counts %+v", c)
				}
			}},
	})
}

// TestCardVotesOnce: every session of one card is the same participant, so
// that however many connections it opens (each joins, as the hub's
// presence would let through after a restart), the card holds one ballot
// per poll and counts once among the cards that voted.
func TestCardVotesOnce(t *testing.T) {
	s := newMeeting(t, nil)
	withCards(s)
	poll := openPoll(s, CountCards)
	s.do(sys.as(card1.ID), Command{Op: OpJoin, Channel: Remote}) // a second device
	s.do(card1, Command{Op: OpVote, Poll: poll, Choices: []int{0}})
	s.refuse(card1, Command{Op: OpVote, Poll: poll, Choices: []int{0}}, ErrAlready)
	s.do(card1, Command{Op: OpVote, Poll: poll, Choices: []int{1}}) // changes their mind
	s.do(sys.as(card2.ID), Command{Op: OpJoin, Channel: InRoom})
	s.do(card2, Command{Op: OpVote, Poll: poll, Choices: []int{1}})
	p := s.r.View(Moderator).Polls[0]
	if p.Ballots != 2 || p.Results.Tally[0] != 0 || p.Results.Tally[1] != 2 {
		t.Fatalf("poll %+v", p)
	}
	second := openPoll(s, CountCards)
	s.do(card1, Command{Op: OpVote, Poll: second, Choices: []int{0}})
	c := s.r.View(Moderator).Counts
	if c.Cards != 3 || c.CardsVoted != 2 || c.Joined != 5 {
		t.Fatalf("counts %+v", c)
	}
	s.checkReplay()
}

// TestApplyRefusesUncountedBallot: a log in which a ballot came from a
// voter its poll did not count does not replay.
func TestApplyRefusesUncountedBallot(t *testing.T) {
	s := newMeeting(t, nil)
	openPoll(s, CountRoom)
	forged := append([]Event(nil), s.events...)
	forged = append(forged, Event{Seq: s.r.Seq() + 1, At: s.at + 1, Actor: bob, Command: Command{Op: OpVote, Poll: 1, Choices: []int{0}}})
	if _, err := Replay(forged); !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrNotVoter) {
		t.Fatalf("replay of a ballot from one not checked in: %v", err)
	}
}

// TestNeedsRoomCode: the screen is sent the code only while a poll
// counted in the room is open, or the meeting counts in the room.
func TestNeedsRoomCode(t *testing.T) {
	s := newMeeting(t, nil)
	if s.r.NeedsRoomCode() {
		t.Fatal("a meeting without in-room polls needs no code")
	}
	openPoll(s, CountRoom)
	if !s.r.NeedsRoomCode() {
		t.Fatal("an open in-room poll needs the code")
	}
	s.do(mod, Command{Op: OpPollClose, Poll: 1})
	if s.r.NeedsRoomCode() {
		t.Fatal("a closed in-room poll needs no code")
	}
	s.do(mod, Command{Op: OpSettings, Settings: &Settings{Counting: CountRoom}})
	if !s.r.NeedsRoomCode() {
		t.Fatal("a meeting counted in the room needs the code")
	}
}
