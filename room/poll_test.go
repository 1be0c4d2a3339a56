package room

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestPollOps(t *testing.T) {
	single := Command{Op: OpPollCreate, Kind: Single, Text: "Which day?", Options: []string{"Mon", "Tue", "Wed"}}
	multiple := Command{Op: OpPollCreate, Kind: Multiple, Text: "Which topics?", Options: []string{"a", "b", "c", "d"}, Max: 2}
	rating := Command{Op: OpPollCreate, Kind: Rating, Text: "How was it?"}
	open := Command{Op: OpPollCreate, Kind: Open, Text: "One word?"}
	create := func(c Command) func(*script) { return func(s *script) { s.do(mod, c) } }
	opened := func(c Command) func(*script) {
		return func(s *script) {
			id := s.do(mod, c).Poll
			s.do(mod, Command{Op: OpPollOpen, Poll: id})
		}
	}
	then := func(f func(*script), steps ...step) func(*script) {
		return func(s *script) {
			f(s)
			s.run(steps)
		}
	}
	vote := func(a Actor, choices ...int) step {
		return step{a, Command{Op: OpVote, Poll: 1, Choices: choices}}
	}
	tally := func(want ...int) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			t.Helper()
			if got := s.pollView(1).Results.Tally; !slices.Equal(got, want) {
				t.Errorf("tally %v, want %v", got, want)
			}
		}
	}
	status := func(want PollStatus) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			t.Helper()
			if got := s.pollView(1).Status; got != want {
				t.Errorf("status %s, want %s", got, want)
			}
		}
	}
	modCmd := func(c Command) step { return step{mod, c} }

	runOps(t, []opCase{
		// create
		{name: "create single", setup: func(s *script) { s.do(mod, Command{Op: OpGoto, Step: 2}) }, actor: mod, cmd: single,
			check: func(t *testing.T, s *script, ev Event) {
				p := s.pollView(ev.Poll)
				want := PollView{ID: 1, Kind: Single, Title: "Which day?", Options: []string{"Mon", "Tue", "Wed"}, Visibility: Live, Status: Draft, Step: 2, Results: &Results{Tally: []int{0, 0, 0}}}
				if mustJSON(t, p) != mustJSON(t, want) {
					t.Errorf("got %s", mustJSON(t, p))
				}
				if len(s.r.View(Participant).Polls) != 0 || len(s.r.View(Screen).Polls) != 0 {
					t.Error("a draft is shown")
				}
			}},
		{name: "create multiple defaults max", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Multiple, Text: "t", Options: []string{"a", "b", "c"}},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Max != 3 || s.pollView(1).Max != 3 {
					t.Errorf("max %d", ev.Max)
				}
			}},
		{name: "create rating defaults scale", actor: mod, cmd: rating,
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.pollView(1); p.Scale != 5 || len(p.Results.Tally) != 5 {
					t.Errorf("poll %+v", p)
				}
			}},
		{name: "create open", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Open, Text: "t", Visibility: Hidden}},
		{name: "create without kind", actor: mod, cmd: Command{Op: OpPollCreate, Text: "t"}, err: ErrInvalid},
		{name: "create without title", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Open}, err: ErrEmpty},
		{name: "create title too long", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Open, Text: strings.Repeat("t", 201)}, err: ErrTooLong},
		{name: "create one option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a"}}, err: ErrInvalid},
		{name: "create 13 options", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: strings.Split("abcdefghijklm", "")}, err: ErrInvalid},
		{name: "create empty option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a", " "}}, err: ErrEmpty},
		{name: "create long option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a", strings.Repeat("b", 101)}}, err: ErrTooLong},
		{name: "create repeated option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a", " a"}}, err: ErrInvalid},
		{name: "create max too big", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Multiple, Text: "t", Options: []string{"a", "b"}, Max: 3}, err: ErrInvalid},
		{name: "create max on single", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a", "b"}, Max: 1}, err: ErrInvalid},
		{name: "create scale too big", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Rating, Text: "t", Scale: 11}, err: ErrInvalid},
		{name: "create scale 1", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Rating, Text: "t", Scale: 1}, err: ErrInvalid},
		{name: "create rating with options", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Rating, Text: "t", Options: []string{"a", "b"}}, err: ErrInvalid},
		{name: "create open with scale", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Open, Text: "t", Scale: 3}, err: ErrInvalid},
		{name: "create bad visibility", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Open, Text: "t", Visibility: "sometimes"}, err: ErrInvalid},
		{name: "create by a participant", actor: alice, cmd: single, err: ErrForbidden},

		// edit, delete
		{name: "edit draft", setup: create(single), actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Rating, Text: "Rate", Scale: 3},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.pollView(1); p.Kind != Rating || p.Scale != 3 || p.Options != nil || p.Status != Draft {
					t.Errorf("poll %+v", p)
				}
			}},
		{name: "edit open before any ballot", setup: opened(single), actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Single, Text: "t", Options: []string{"x", "y"}}, check: status(PollOpen)},
		{name: "edit after a ballot", setup: then(opened(single), vote(alice, 0)), actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Open, Text: "t"}, err: ErrState},
		{name: "edit closed", setup: then(opened(single), modCmd(Command{Op: OpPollClose, Poll: 1})), actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Open, Text: "t"}, err: ErrState},
		{name: "edit invalid", setup: create(single), actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Single, Text: "t"}, err: ErrInvalid},
		{name: "edit unknown", actor: mod, cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Open, Text: "t"}, err: ErrNoPoll},
		{name: "delete draft", setup: create(single), actor: mod, cmd: Command{Op: OpPollDelete, Poll: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if len(s.r.View(Moderator).Polls) != 0 {
					t.Error("deleted poll shown")
				}
				if ev := s.do(mod, open); ev.Poll != 2 {
					t.Errorf("poll id %d reused", ev.Poll)
				}
			}},
		{name: "delete open", setup: opened(single), actor: mod, cmd: Command{Op: OpPollDelete, Poll: 1}, err: ErrState},
		{name: "delete deleted", setup: then(create(single), modCmd(Command{Op: OpPollDelete, Poll: 1})), actor: mod, cmd: Command{Op: OpPollDelete, Poll: 1}, err: ErrNoPoll},

		// lifecycle
		{name: "open", setup: create(single), actor: mod, cmd: Command{Op: OpPollOpen, Poll: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if len(s.r.View(Participant).Polls) != 1 {
					t.Error("open poll not shown")
				}
			}},
		{name: "open twice", setup: opened(single), actor: mod, cmd: Command{Op: OpPollOpen, Poll: 1}, err: ErrAlready},
		{name: "close", setup: opened(single), actor: mod, cmd: Command{Op: OpPollClose, Poll: 1}, check: status(PollEnded)},
		{name: "close draft", setup: create(single), actor: mod, cmd: Command{Op: OpPollClose, Poll: 1}, err: ErrState},
		{name: "reopen", setup: then(opened(single), modCmd(Command{Op: OpPollClose, Poll: 1})), actor: mod, cmd: Command{Op: OpPollOpen, Poll: 1}, check: status(PollOpen)},
		{name: "visibility", setup: create(single), actor: mod, cmd: Command{Op: OpPollVisibility, Poll: 1, Visibility: AfterClose}},
		{name: "visibility unchanged", setup: create(single), actor: mod, cmd: Command{Op: OpPollVisibility, Poll: 1, Visibility: Live}, err: ErrAlready},
		{name: "visibility missing", setup: create(single), actor: mod, cmd: Command{Op: OpPollVisibility, Poll: 1}, err: ErrInvalid},
		{name: "lock", setup: create(single), actor: mod, cmd: Command{Op: OpPollLock, Poll: 1, On: true}},
		{name: "unlock unlocked", setup: create(single), actor: mod, cmd: Command{Op: OpPollLock, Poll: 1}, err: ErrAlready},
		{name: "show", setup: opened(single), actor: mod, cmd: Command{Op: OpPollShow, Poll: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.r.View(Screen).Meeting.ScreenPoll; p != 1 {
					t.Errorf("screen poll %d", p)
				}
			}},
		{name: "show draft", setup: create(single), actor: mod, cmd: Command{Op: OpPollShow, Poll: 1}, err: ErrState},
		{name: "show nothing", actor: mod, cmd: Command{Op: OpPollShow}, err: ErrAlready},
		{name: "show unknown", actor: mod, cmd: Command{Op: OpPollShow, Poll: 5}, err: ErrNoPoll},

		// vote
		{name: "vote single", setup: opened(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2}}, check: tally(0, 0, 1)},
		{name: "vote changes", setup: then(opened(single), vote(alice, 2)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, check: tally(1, 0, 0)},
		{name: "vote the same", setup: then(opened(single), vote(alice, 2)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2}}, err: ErrAlready},
		{name: "vote locked", setup: then(opened(single), vote(alice, 2), modCmd(Command{Op: OpPollLock, Poll: 1, On: true})), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{1}}, err: ErrBallotLocked},
		{name: "first vote on a locked poll", setup: then(opened(single), modCmd(Command{Op: OpPollLock, Poll: 1, On: true})), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{1}}, check: tally(0, 1, 0)},
		{name: "vote draft", setup: create(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrPollClosed},
		{name: "vote closed", setup: then(opened(single), modCmd(Command{Op: OpPollClose, Poll: 1})), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrPollClosed},
		{name: "vote unknown poll", actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrNoPoll},
		{name: "vote out of range", setup: opened(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{3}}, err: ErrInvalid},
		{name: "vote negative", setup: opened(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{-1}}, err: ErrInvalid},
		{name: "vote two on single", setup: opened(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0, 1}}, err: ErrInvalid},
		{name: "vote nothing", setup: opened(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1}, err: ErrInvalid},
		{name: "vote rating on single", setup: opened(single), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}, Rating: 2}, err: ErrInvalid},
		{name: "vote without joining", setup: opened(single), actor: dave, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrNotJoined},
		{name: "moderator may not vote", setup: opened(single), actor: mod, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrForbidden},
		{name: "vote multiple sorted", setup: opened(multiple), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{3, 1}},
			check: func(t *testing.T, s *script, ev Event) {
				if !slices.Equal(ev.Choices, []int{1, 3}) {
					t.Errorf("choices %v", ev.Choices)
				}
				tally(0, 1, 0, 1)(t, s, ev)
			}},
		{name: "vote multiple too many", setup: opened(multiple), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0, 1, 2}}, err: ErrInvalid},
		{name: "vote multiple repeated", setup: opened(multiple), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{1, 1}}, err: ErrInvalid},
		{name: "vote multiple the same in another order", setup: then(opened(multiple), vote(alice, 0, 2)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0}}, err: ErrAlready},
		{name: "vote rating", setup: then(opened(rating), step{bob, Command{Op: OpVote, Poll: 1, Rating: 2}}), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Rating: 5},
			check: func(t *testing.T, s *script, ev Event) {
				r := s.pollView(1).Results
				if !slices.Equal(r.Tally, []int{0, 1, 0, 0, 1}) || r.Average != 3.5 {
					t.Errorf("results %+v", r)
				}
			}},
		{name: "vote rating 0", setup: opened(rating), actor: alice, cmd: Command{Op: OpVote, Poll: 1}, err: ErrInvalid},
		{name: "vote rating past the scale", setup: opened(rating), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Rating: 6}, err: ErrInvalid},
		{name: "vote open", setup: opened(open), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Text: "  Parks, PARKS and trees! "},
			check: func(t *testing.T, s *script, ev Event) {
				want := []WordCount{{"parks", 1}, {"trees", 1}}
				if w := s.pollView(1).Results.Words; !slices.Equal(w, want) || ev.Text != "Parks, PARKS and trees!" {
					t.Errorf("words %v text %q", w, ev.Text)
				}
			}},
		{name: "vote open empty", setup: opened(open), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Text: " "}, err: ErrEmpty},
		{name: "vote open too long", setup: opened(open), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Text: strings.Repeat("w", 81)}, err: ErrTooLong},
		{name: "vote open with a line break", setup: opened(open), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Text: "a\nb"}, err: ErrControlChar},
		{name: "vote open with choices", setup: opened(open), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Text: "a", Choices: []int{0}}, err: ErrInvalid},
		{name: "vote after the end", setup: then(opened(single), modCmd(Command{Op: OpEnd})), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}}, err: ErrEnded},
	})
}

func TestPollResults(t *testing.T) {
	s := newMeeting(t, nil)
	id := s.do(mod, Command{Op: OpPollCreate, Kind: Open, Text: "In a word?"}).Poll
	s.do(mod, Command{Op: OpPollOpen, Poll: id})
	s.do(alice, Command{Op: OpVote, Poll: id, Text: "Trees trees, les arbres"})
	s.do(bob, Command{Op: OpVote, Poll: id, Text: "trees and a bench"})
	s.do(carol, Command{Op: OpVote, Poll: id, Text: "été, Été"})
	want := []WordCount{{"trees", 2}, {"arbres", 1}, {"bench", 1}, {"été", 1}}
	if got := s.pollView(id).Results.Words; !slices.Equal(got, want) {
		t.Errorf("words %v, want %v", got, want)
	}
	s.do(bob, Command{Op: OpVote, Poll: id, Text: "benches"}) // replaces bob's ballot
	want = []WordCount{{"arbres", 1}, {"benches", 1}, {"trees", 1}, {"été", 1}}
	if got := s.pollView(id).Results.Words; !slices.Equal(got, want) {
		t.Errorf("words after a change %v, want %v", got, want)
	}
	if v := s.pollView(id); v.Ballots != 3 {
		t.Errorf("ballots %d", v.Ballots)
	}

	// The cloud keeps the MaxWords most frequent, ties by word.
	words := map[string]int{}
	for i := range 60 {
		words[string(rune('a'+i%26))+string(rune('a'+i/26))] = i % 3
	}
	c := cloud(words)
	if len(c) != MaxWords || c[0].Count != 2 || c[0].Word != "ab" {
		t.Errorf("cloud starts %v, has %d", c[:2], len(c))
	}
	s.checkReplay()
}

func TestBallotWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"", nil},
		{"The cat and the dog", []string{"cat", "dog"}},
		{"l'eau, c'est la vie", []string{"eau", "vie"}}, // "est", "la" are stop words
		{"2026 budget: 2026!", []string{"2026", "budget"}},
		{"Ça va ÇA", []string{"ça", "va"}},
	} {
		got := ballotWords(tc.text)
		if !slices.Equal(got, tc.want) {
			t.Errorf("ballotWords(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestQuiz: a choice poll with right options shows them to the moderators
// from the start and to everyone once it closes, and only then.
func TestQuiz(t *testing.T) {
	s := newMeeting(t, nil)
	id := s.do(mod, Command{Op: OpPollCreate, Kind: Multiple, Text: "Which are open data?", Options: []string{"budget", "salaries", "contracts"}, Correct: []int{2, 0}}).Poll
	if got := s.r.View(Moderator).Polls[0].Correct; !slices.Equal(got, []int{0, 2}) {
		t.Errorf("the moderator sees %v, want [0 2] (sorted)", got)
	}
	s.do(mod, Command{Op: OpPollOpen, Poll: id})
	s.do(alice, Command{Op: OpVote, Poll: id, Choices: []int{0, 1}})
	for _, role := range []Role{Participant, Screen} {
		if got := s.r.View(role).Polls[0].Correct; got != nil {
			t.Errorf("%s sees the right answers %v while the poll is open", role, got)
		}
	}
	s.do(mod, Command{Op: OpPollClose, Poll: id})
	for _, role := range []Role{Participant, Screen} {
		if got := s.r.View(role).Polls[0].Correct; !slices.Equal(got, []int{0, 2}) {
			t.Errorf("%s sees %v once closed, want [0 2]", role, got)
		}
	}
	for _, c := range []Command{
		{Op: OpPollCreate, Kind: Single, Text: "q", Options: []string{"a", "b"}, Correct: []int{0, 1}},
		{Op: OpPollCreate, Kind: Single, Text: "q", Options: []string{"a", "b"}, Correct: []int{2}},
		{Op: OpPollCreate, Kind: Single, Text: "q", Options: []string{"a", "b"}, Correct: []int{-1}},
		{Op: OpPollCreate, Kind: Multiple, Text: "q", Options: []string{"a", "b"}, Correct: []int{1, 1}},
		{Op: OpPollCreate, Kind: Rating, Text: "q", Correct: []int{1}},
		{Op: OpPollCreate, Kind: Open, Text: "q", Correct: []int{0}},
	} {
		if _, err := s.try(mod, c); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s %v correct %v: %v, want ErrInvalid", c.Kind, c.Options, c.Correct, err)
		}
	}
}
