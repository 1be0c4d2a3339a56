package room

import (
	"slices"
	"strings"
	"testing"
)

func TestRankingAndPointsOps(t *testing.T) {
	ranking := Command{Op: OpPollCreate, Kind: Ranking, Text: "Order the priorities", Options: []string{"Parks", "Buses", "Schools", "Housing"}}
	top2 := Command{Op: OpPollCreate, Kind: Ranking, Text: "Your top two", Options: []string{"Parks", "Buses", "Schools", "Housing"}, Max: 2}
	points := Command{Op: OpPollCreate, Kind: Points, Text: "Spread 10 points", Options: []string{"Parks", "Buses", "Schools"}, Budget: 10, Max: 6}
	opened := func(c Command, steps ...step) func(*script) {
		return func(s *script) {
			id := s.do(mod, c).Poll
			s.do(mod, Command{Op: OpPollOpen, Poll: id})
			s.run(steps)
		}
	}
	rank := func(a Actor, order ...int) step { return step{a, Command{Op: OpVote, Poll: 1, Choices: order}} }
	give := func(a Actor, pts ...int) step { return step{a, Command{Op: OpVote, Poll: 1, Points: pts}} }
	results := func(want Results) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			t.Helper()
			if got := s.pollView(1).Results; mustJSON(t, got) != mustJSON(t, want) {
				t.Errorf("results %s, want %s", mustJSON(t, got), mustJSON(t, want))
			}
		}
	}

	runOps(t, []opCase{
		// create
		{name: "create ranking", actor: mod, cmd: ranking,
			check: func(t *testing.T, s *script, ev Event) {
				want := PollView{ID: 1, Kind: Ranking, Title: "Order the priorities", Options: ranking.Options, Max: 4, Visibility: Live, Status: Draft,
					Results: &Results{Tally: []int{0, 0, 0, 0}, First: []int{0, 0, 0, 0}}}
				if got := s.pollView(1); mustJSON(t, got) != mustJSON(t, want) {
					t.Errorf("got %s", mustJSON(t, got))
				}
			}},
		{name: "create partial ranking", actor: mod, cmd: top2, check: func(t *testing.T, s *script, ev Event) {
			if ev.Max != 2 {
				t.Errorf("max %d", ev.Max)
			}
		}},
		{name: "create points", actor: mod, cmd: points,
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.pollView(1); p.Budget != 10 || p.Max != 6 || !slices.Equal(p.Results.Voters, []int{0, 0, 0}) {
					t.Errorf("poll %s", mustJSON(t, p))
				}
			}},
		{name: "create points max defaults to the budget", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b"}, Budget: 5},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Max != 5 {
					t.Errorf("max %d", ev.Max)
				}
			}},
		{name: "create ranking one option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a"}}, err: ErrInvalid},
		{name: "create ranking repeated option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "a "}}, err: ErrInvalid},
		{name: "create ranking empty option", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", ""}}, err: ErrEmpty},
		{name: "create ranking more places than options", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b"}, Max: 3}, err: ErrInvalid},
		{name: "create ranking with a budget", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b"}, Budget: 3}, err: ErrInvalid},
		{name: "create ranking quiz", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b"}, Correct: []int{0}}, err: ErrInvalid},
		{name: "create ranking with a scale", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b"}, Scale: 3}, err: ErrInvalid},
		{name: "create points without budget", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b"}}, err: ErrInvalid},
		{name: "create points budget too big", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b"}, Budget: MaxBudget + 1}, err: ErrInvalid},
		{name: "create points max over budget", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b"}, Budget: 5, Max: 6}, err: ErrInvalid},
		{name: "create points negative max", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b"}, Budget: 5, Max: -1}, err: ErrInvalid},
		{name: "create single with a budget", actor: mod, cmd: Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a", "b"}, Budget: 5}, err: ErrInvalid},
		{name: "create ranking by a participant", actor: alice, cmd: ranking, err: ErrForbidden},
		{name: "edit a ranking into points", setup: func(s *script) { s.do(mod, ranking) }, actor: mod,
			cmd: Command{Op: OpPollEdit, Poll: 1, Kind: Points, Text: "t", Options: []string{"a", "b"}, Budget: 4},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.pollView(1); p.Kind != Points || p.Budget != 4 || p.Results.First != nil || len(p.Results.Voters) != 2 {
					t.Errorf("poll %s", mustJSON(t, p))
				}
			}},

		// ranking ballots
		{name: "rank", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3, 1}},
			check: results(Results{Tally: []int{2, 0, 3, 1}, First: []int{0, 0, 1, 0}})},
		{name: "rank, three ballots", setup: opened(ranking, rank(alice, 2, 0, 3, 1), rank(bob, 0, 2, 1, 3)), actor: carol, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0, 1, 2, 3}},
			check: results(Results{Tally: []int{2 + 3 + 3, 0 + 1 + 2, 3 + 2 + 1, 1 + 0 + 0}, First: []int{2, 0, 1, 0}})},
		{name: "rank changed", setup: opened(ranking, rank(alice, 2, 0, 3, 1), rank(bob, 0, 2, 1, 3)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{3, 2, 1, 0}},
			check: results(Results{Tally: []int{3 + 0, 1 + 1, 2 + 2, 0 + 3}, First: []int{1, 0, 0, 1}})},
		{name: "rank partial: unranked options score 0", setup: opened(top2, rank(alice, 1, 3)), actor: bob, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{3, 0}},
			check: results(Results{Tally: []int{2, 3, 0, 2 + 3}, First: []int{0, 1, 0, 1}})},
		{name: "rank the same again", setup: opened(ranking, rank(alice, 2, 0, 3, 1)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3, 1}}, err: ErrAlready},
		{name: "rank changed while locked", setup: opened(ranking, rank(alice, 2, 0, 3, 1), step{mod, Command{Op: OpPollLock, Poll: 1, On: true}}), actor: alice,
			cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0, 1, 2, 3}}, err: ErrBallotLocked},
		{name: "rank a repeated option", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 2, 1}}, err: ErrInvalid},
		{name: "rank out of range", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 4, 1}}, err: ErrInvalid},
		{name: "rank negative", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, -1, 1}}, err: ErrInvalid},
		{name: "rank too few", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3}}, err: ErrInvalid},
		{name: "rank too many for a partial ranking", setup: opened(top2), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3}}, err: ErrInvalid},
		{name: "rank with points", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3, 1}, Points: []int{1, 1, 1, 1}}, err: ErrInvalid},
		{name: "rank with a rating", setup: opened(ranking), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3, 1}, Rating: 1}, err: ErrInvalid},
		{name: "rank a closed poll", setup: opened(ranking, step{mod, Command{Op: OpPollClose, Poll: 1}}), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Choices: []int{2, 0, 3, 1}}, err: ErrPollClosed},

		// points ballots
		{name: "give points", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, 0, 4}},
			check: results(Results{Tally: []int{6, 0, 4}, Voters: []int{1, 0, 1}})},
		{name: "give fewer points than the budget", setup: opened(points, give(alice, 6, 0, 4)), actor: bob, cmd: Command{Op: OpVote, Poll: 1, Points: []int{0, 1, 0}},
			check: results(Results{Tally: []int{6, 1, 4}, Voters: []int{1, 1, 1}})},
		{name: "give points changed", setup: opened(points, give(alice, 6, 0, 4), give(bob, 0, 1, 0)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{0, 5, 5}},
			check: results(Results{Tally: []int{0, 6, 5}, Voters: []int{0, 2, 1}})},
		{name: "give the same points", setup: opened(points, give(alice, 6, 0, 4)), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, 0, 4}}, err: ErrAlready},
		{name: "give over the budget", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, 1, 4}}, err: ErrInvalid},
		{name: "give over the per-option maximum", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{7, 0, 0}}, err: ErrInvalid},
		{name: "give negative points", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, -1, 4}}, err: ErrInvalid},
		{name: "give no point", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{0, 0, 0}}, err: ErrInvalid},
		{name: "give points to too few options", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, 4}}, err: ErrInvalid},
		{name: "give points with choices", setup: opened(points), actor: alice, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, 0, 4}, Choices: []int{0}}, err: ErrInvalid},
		{name: "give points in a single-choice poll", setup: opened(Command{Op: OpPollCreate, Kind: Single, Text: "t", Options: []string{"a", "b"}}), actor: alice,
			cmd: Command{Op: OpVote, Poll: 1, Choices: []int{0}, Points: []int{1, 0}}, err: ErrInvalid},
		{name: "give points by a moderator", setup: opened(points), actor: mod, cmd: Command{Op: OpVote, Poll: 1, Points: []int{6, 0, 4}}, err: ErrForbidden},
	})
}

// TestRankingErrors checks that each malformed ballot is refused with an
// error that says what is wrong.
func TestRankingErrors(t *testing.T) {
	s := newMeeting(t, nil)
	r := s.do(mod, Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b", "c"}}).Poll
	p := s.do(mod, Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b", "c"}, Budget: 5, Max: 3}).Poll
	s.do(mod, Command{Op: OpPollOpen, Poll: r})
	s.do(mod, Command{Op: OpPollOpen, Poll: p})
	for _, tc := range []struct {
		c    Command
		want string
	}{
		{Command{Op: OpVote, Poll: r, Choices: []int{0, 1, 0}}, "place 3: option 0 is ranked twice"},
		{Command{Op: OpVote, Poll: r, Choices: []int{0, 1, 3}}, "place 3: 3 is not an option (0 to 2)"},
		{Command{Op: OpVote, Poll: r, Choices: []int{0, 1}}, "rank 3 of the 3 options"},
		{Command{Op: OpVote, Poll: p, Points: []int{3, 3, 0}}, "6 points given, 1 to 5 allowed"},
		{Command{Op: OpVote, Poll: p, Points: []int{4, 0, 0}}, "option 0 gets 4 points, 0 to 3 allowed"},
		{Command{Op: OpVote, Poll: p, Points: []int{1, 1}}, "give points to each of the 3 options"},
	} {
		_, err := s.try(alice, tc.c)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.c.Choices, err, tc.want)
		}
	}
}

// TestRankingResultsVisibility checks that a hidden ranking's results reach
// no participant until the poll allows it, like every poll.
func TestRankingResultsVisibility(t *testing.T) {
	s := newMeeting(t, nil)
	id := s.do(mod, Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b", "c"}, Visibility: AfterClose}).Poll
	s.do(mod, Command{Op: OpPollOpen, Poll: id})
	s.do(alice, Command{Op: OpVote, Poll: id, Choices: []int{1, 2, 0}})
	for _, role := range []Role{Participant, Screen} {
		if v := s.r.View(role); v.Polls[0].Results != nil {
			t.Errorf("%s sees the results of an open AfterClose ranking", role)
		}
	}
	if m := s.r.Mine(alice.ID); !slices.Equal(m.Ballots[id].Choices, []int{1, 2, 0}) || m.Results != nil {
		t.Errorf("alice's mine %s", mustJSON(t, m))
	}
	s.do(mod, Command{Op: OpPollClose, Poll: id})
	if got := s.r.View(Screen).Polls[0].Results; got == nil || !slices.Equal(got.Tally, []int{0, 2, 1}) || !slices.Equal(got.First, []int{0, 1, 0}) {
		t.Errorf("screen results after close %s", mustJSON(t, got))
	}
	s.checkReplay()
}

// TestRankingPatches: ballots of ranking and points polls reach views as
// counts in Patch.Tallies (Borda scores with first places, points with
// voters), never as ballots, and the patched view equals the view.
func TestRankingPatches(t *testing.T) {
	s := newMeeting(t, nil)
	rk := s.do(mod, Command{Op: OpPollCreate, Kind: Ranking, Text: "t", Options: []string{"a", "b", "c"}}).Poll
	pt := s.do(mod, Command{Op: OpPollCreate, Kind: Points, Text: "t", Options: []string{"a", "b", "c"}, Budget: 4}).Poll
	s.do(mod, Command{Op: OpPollOpen, Poll: rk})
	s.do(mod, Command{Op: OpPollOpen, Poll: pt})
	before := s.r.View(Screen)
	var c Changes
	for _, st := range []step{
		{alice, Command{Op: OpVote, Poll: rk, Choices: []int{2, 0, 1}}},
		{bob, Command{Op: OpVote, Poll: rk, Choices: []int{2, 1, 0}}},
		{alice, Command{Op: OpVote, Poll: pt, Points: []int{3, 0, 1}}},
		{bob, Command{Op: OpVote, Poll: pt, Points: []int{0, 0, 4}}},
	} {
		s.r.Track(&c, s.do(st.a, st.c))
	}
	p := s.r.Patch(Screen, &c)
	if len(p.Polls) != 0 {
		t.Errorf("ballots sent whole polls: %s", mustJSON(t, p.Polls))
	}
	want := map[PollID]Tally{
		rk: {Ballots: 2, Results: &Results{Tally: []int{1, 1, 4}, First: []int{0, 0, 2}}},
		pt: {Ballots: 2, Results: &Results{Tally: []int{3, 0, 5}, Voters: []int{1, 0, 2}}},
	}
	if mustJSON(t, p.Tallies) != mustJSON(t, want) {
		t.Errorf("tallies %s, want %s", mustJSON(t, p.Tallies), mustJSON(t, want))
	}
	if b := mustJSON(t, p); strings.Contains(b, alice.ID) || strings.Contains(b, "[3,0,1]") {
		t.Errorf("a ballot reached the screen's patch: %s", b)
	}
	before.ApplyPatch(s.r.Seq(), &p)
	if mustJSON(t, before) != mustJSON(t, s.r.View(Screen)) {
		t.Errorf("patched view differs:\n%s\n%s", mustJSON(t, before), mustJSON(t, s.r.View(Screen)))
	}
}
