package room

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestIdeaOps(t *testing.T) {
	open := Command{Op: OpBoardOpen, Text: " What should the plan commit to? ", Step: -1}
	board := func(s *script) { s.do(mod, open) }
	submit := func(a Actor, title string) Command {
		return Command{Op: OpIdeaSubmit, Board: 1, Title: title, Text: "Because it matters"}
	}
	idea := func(a Actor, title string) func(*script) {
		return func(s *script) { s.do(a, submit(a, title)) }
	}
	seq := func(fs ...func(*script)) func(*script) {
		return func(s *script) {
			for _, f := range fs {
				f(s)
			}
		}
	}
	cmd := func(a Actor, c Command) func(*script) { return func(s *script) { s.do(a, c) } }
	view := func(s *script, id IdeaID) IdeaView {
		t.Helper()
		for _, x := range s.r.View(Moderator).Ideas {
			if x.ID == id {
				return x
			}
		}
		t.Fatalf("no idea %d", id)
		return IdeaView{}
	}
	status := func(id IdeaID, want QuestionStatus) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			t.Helper()
			if got := view(s, id).Status; got != want {
				t.Errorf("status %s, want %s", got, want)
			}
		}
	}
	votes := func(id IdeaID, want int) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			t.Helper()
			if got := view(s, id).Votes; got != want {
				t.Errorf("votes %d, want %d", got, want)
			}
		}
	}
	two := seq(board, idea(alice, "Open data by default"), idea(bob, "Publish budgets monthly"))
	closed := seq(two, cmd(mod, Command{Op: OpBoardClose, Board: 1}))

	runOps(t, []opCase{
		// boards
		{name: "open", actor: mod, cmd: open, check: func(t *testing.T, s *script, ev Event) {
			want := []BoardView{{ID: 1, Prompt: "What should the plan commit to?", Step: -1, Open: true, At: ev.At}}
			if got := s.r.View(Screen).Boards; mustJSON(t, got) != mustJSON(t, want) {
				t.Errorf("boards %s", mustJSON(t, got))
			}
		}},
		{name: "open for a step", actor: mod, cmd: Command{Op: OpBoardOpen, Text: "p", Step: 2, Board: 7}, check: func(t *testing.T, s *script, ev Event) {
			if ev.Board != 1 || s.r.View(Participant).Boards[0].Step != 2 {
				t.Errorf("event %+v", ev)
			}
		}},
		{name: "open a step not in the agenda", actor: mod, cmd: Command{Op: OpBoardOpen, Text: "p", Step: 3}, err: ErrInvalid},
		{name: "open without prompt", actor: mod, cmd: Command{Op: OpBoardOpen, Text: " ", Step: -1}, err: ErrEmpty},
		{name: "open prompt too long", actor: mod, cmd: Command{Op: OpBoardOpen, Text: strings.Repeat("p", maxPrompt+1), Step: -1}, err: ErrTooLong},
		{name: "open two at once", setup: board, actor: mod, cmd: open, err: ErrState},
		{name: "open after the last closed", setup: closed, actor: mod, cmd: open, check: func(t *testing.T, s *script, ev Event) {
			if ev.Board != 2 {
				t.Errorf("board %d", ev.Board)
			}
		}},
		{name: "open by a participant", actor: alice, cmd: open, err: ErrForbidden},
		{name: "close", setup: board, actor: mod, cmd: Command{Op: OpBoardClose, Board: 1}, check: func(t *testing.T, s *script, ev Event) {
			if b := s.r.View(Participant).Boards[0]; b.Open || b.ClosedAt != ev.At {
				t.Errorf("board %+v", b)
			}
		}},
		{name: "close twice", setup: closed, actor: mod, cmd: Command{Op: OpBoardClose, Board: 1}, err: ErrAlready},
		{name: "close no board", actor: mod, cmd: Command{Op: OpBoardClose, Board: 1}, err: ErrInvalid},
		{name: "close once ended", setup: seq(board, cmd(mod, Command{Op: OpEnd})), actor: mod, cmd: Command{Op: OpBoardClose, Board: 1}},

		// submit
		{name: "submit", setup: board, actor: bob, cmd: Command{Op: OpIdeaSubmit, Board: 1, Title: " Parks ", Text: " More\ntrees ", Name: "Bob", Idea: 9},
			check: func(t *testing.T, s *script, ev Event) {
				want := IdeaView{ID: 1, Board: 1, Title: "Parks", Text: "More\ntrees", Name: "Bob", Status: Approved, At: ev.At, Author: bob.ID}
				if got := view(s, 1); mustJSON(t, got) != mustJSON(t, want) {
					t.Errorf("got %s", mustJSON(t, got))
				}
			}},
		{name: "submit title only", setup: board, actor: bob, cmd: Command{Op: OpIdeaSubmit, Board: 1, Title: "Parks"}},
		{name: "submit under pre-moderation", settings: premod, setup: board, actor: bob, cmd: submit(bob, "Parks"), check: status(1, Pending)},
		{name: "submit no title", setup: board, actor: bob, cmd: Command{Op: OpIdeaSubmit, Board: 1, Text: "x"}, err: ErrEmpty},
		{name: "submit title too long", setup: board, actor: bob, cmd: submit(bob, strings.Repeat("t", maxIdeaTitle+1)), err: ErrTooLong},
		{name: "submit title two lines", setup: board, actor: bob, cmd: submit(bob, "a\nb"), err: ErrControlChar},
		{name: "submit text too long", setup: board, actor: bob, cmd: Command{Op: OpIdeaSubmit, Board: 1, Title: "t", Text: strings.Repeat("é", DefaultMaxLength+1)}, err: ErrTooLong},
		{name: "submit bidi", setup: board, actor: bob, cmd: submit(bob, "a\u202eb"), err: ErrControlChar},
		{name: "submit named when anonymous", settings: &Settings{Anonymous: true}, setup: board, actor: bob,
			cmd: Command{Op: OpIdeaSubmit, Board: 1, Title: "t", Name: "Bob"}, err: ErrNamesDisabled},
		{name: "submit to no board", actor: bob, cmd: submit(bob, "t"), err: ErrInvalid},
		{name: "submit to a closed board", setup: closed, actor: bob, cmd: submit(bob, "t"), err: ErrIdeasClosed},
		{name: "submit by the moderator", setup: board, actor: mod, cmd: submit(mod, "t"), err: ErrForbidden},
		{name: "submit without joining", setup: board, actor: dave, cmd: submit(dave, "t"), err: ErrNotJoined},
		{name: "submit once ended", setup: seq(board, cmd(mod, Command{Op: OpEnd})), actor: bob, cmd: submit(bob, "t"), err: ErrEnded},

		// votes
		{name: "vote", setup: two, actor: carol, cmd: Command{Op: OpIdeaVote, Idea: 1}, check: votes(1, 1)},
		{name: "vote for one's own", setup: two, actor: alice, cmd: Command{Op: OpIdeaVote, Idea: 1}, check: votes(1, 1)},
		{name: "vote twice", setup: seq(two, cmd(carol, Command{Op: OpIdeaVote, Idea: 1})), actor: carol, cmd: Command{Op: OpIdeaVote, Idea: 1}, err: ErrAlready},
		{name: "vote unknown", setup: two, actor: carol, cmd: Command{Op: OpIdeaVote, Idea: 3}, err: ErrNoIdea},
		{name: "vote pending", settings: premod, setup: two, actor: carol, cmd: Command{Op: OpIdeaVote, Idea: 1}, err: ErrState},
		{name: "vote closed", setup: closed, actor: carol, cmd: Command{Op: OpIdeaVote, Idea: 1}, err: ErrIdeasClosed},
		{name: "unvote", setup: seq(two, cmd(carol, Command{Op: OpIdeaVote, Idea: 1})), actor: carol, cmd: Command{Op: OpIdeaUnvote, Idea: 1}, check: votes(1, 0)},
		{name: "unvote not voted", setup: two, actor: carol, cmd: Command{Op: OpIdeaUnvote, Idea: 1}, err: ErrAlready},
		{name: "unvote a refused idea", setup: seq(two, cmd(carol, Command{Op: OpIdeaVote, Idea: 1}), cmd(mod, Command{Op: OpIdeaReject, Idea: 1, Reason: OffTopic})),
			actor: carol, cmd: Command{Op: OpIdeaUnvote, Idea: 1}, check: votes(1, 0)},
		{name: "unvote closed", setup: seq(two, cmd(carol, Command{Op: OpIdeaVote, Idea: 1}), cmd(mod, Command{Op: OpBoardClose, Board: 1})),
			actor: carol, cmd: Command{Op: OpIdeaUnvote, Idea: 1}, err: ErrIdeasClosed},

		// moderation
		{name: "approve", settings: premod, setup: two, actor: mod, cmd: Command{Op: OpIdeaApprove, Idea: 2}, check: status(2, Approved)},
		{name: "approve live", setup: two, actor: mod, cmd: Command{Op: OpIdeaApprove, Idea: 2}, err: ErrState},
		{name: "approve refused", setup: seq(two, cmd(mod, Command{Op: OpIdeaReject, Idea: 2, Reason: OffTopic})), actor: mod, cmd: Command{Op: OpIdeaApprove, Idea: 2},
			check: func(t *testing.T, s *script, ev Event) {
				if x := view(s, 2); x.Status != Approved || x.Reason != "" || s.r.View(Screen).Boards[0].Refused != nil {
					t.Errorf("idea %+v, board %+v", x, s.r.View(Screen).Boards[0])
				}
			}},
		{name: "approve by a participant", settings: premod, setup: two, actor: alice, cmd: Command{Op: OpIdeaApprove, Idea: 2}, err: ErrForbidden},
		{name: "reject", settings: premod, setup: two, actor: mod, cmd: Command{Op: OpIdeaReject, Idea: 1, Reason: OffTopic, Note: " not this meeting ", Rule: 2},
			check: func(t *testing.T, s *script, ev Event) {
				x := view(s, 1)
				if x.Status != Rejected || x.Reason != OffTopic || x.Note != "not this meeting" || x.Rule != 2 {
					t.Errorf("idea %+v", x)
				}
				if got := s.r.View(Screen).Boards[0].Refused; got[OffTopic] != 1 || len(got) != 1 {
					t.Errorf("refused %v", got)
				}
				if l := s.r.View(Moderator).Ledger; l[len(l)-1].Idea != 1 || l[len(l)-1].Reason != OffTopic || l[len(l)-1].Rule != 2 {
					t.Errorf("ledger %+v", l[len(l)-1])
				}
			}},
		{name: "reject live", setup: two, actor: mod, cmd: Command{Op: OpIdeaReject, Idea: 1, Reason: Abusive}, check: status(1, Rejected)},
		{name: "reject no reason", setup: two, actor: mod, cmd: Command{Op: OpIdeaReject, Idea: 1}, err: ErrInvalid},
		{name: "reject a rule not in the charter", setup: two, actor: mod, cmd: Command{Op: OpIdeaReject, Idea: 1, Reason: Abusive, Rule: DefaultRules + 1}, err: ErrInvalid},
		{name: "reject twice", setup: seq(two, cmd(mod, Command{Op: OpIdeaReject, Idea: 1, Reason: Abusive})), actor: mod, cmd: Command{Op: OpIdeaReject, Idea: 1, Reason: Abusive}, err: ErrState},
		{name: "reject by a questions seat", setup: seq(two, cmd(mod, Command{Op: OpTeamAdd, Name: "Q", Scope: ScopeQuestions, KeyHash: strings.Repeat("ab", 32)})),
			actor: Actor{ID: SeatActor(1), Role: Moderator}, cmd: Command{Op: OpIdeaReject, Idea: 1, Reason: Abusive}, check: status(1, Rejected)},
		{name: "close by a questions seat", setup: seq(two, cmd(mod, Command{Op: OpTeamAdd, Name: "Q", Scope: ScopeQuestions, KeyHash: strings.Repeat("ab", 32)})),
			actor: Actor{ID: SeatActor(1), Role: Moderator}, cmd: Command{Op: OpBoardClose, Board: 1}, err: ErrForbidden},

		// merge
		{name: "merge carries votes once", setup: seq(two,
			cmd(alice, Command{Op: OpIdeaVote, Idea: 1}), cmd(carol, Command{Op: OpIdeaVote, Idea: 1}),
			cmd(carol, Command{Op: OpIdeaVote, Idea: 2}), cmd(bob, Command{Op: OpIdeaVote, Idea: 2})),
			actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 2},
			check: func(t *testing.T, s *script, ev Event) {
				dup, into := view(s, 1), view(s, 2)
				if dup.Status != Merged || dup.MergedInto != 2 || dup.Votes != 0 {
					t.Errorf("duplicate %+v", dup)
				}
				if into.Votes != 3 || !slices.Equal(into.MergedFrom, []IdeaID{1}) {
					t.Errorf("kept %+v", into)
				}
				if m := s.r.Mine(carol.ID); !slices.Equal(m.IdeaVotes, []IdeaID{2}) {
					t.Errorf("carol votes for %v", m.IdeaVotes)
				}
				if m := s.r.Mine(alice.ID); !slices.Equal(m.IdeaVotes, []IdeaID{2}) {
					t.Errorf("alice votes for %v", m.IdeaVotes)
				}
			}},
		{name: "merge into itself", setup: two, actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 1}, err: ErrInvalid},
		{name: "merge into unknown", setup: two, actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 5}, err: ErrNoIdea},
		{name: "merge into pending", settings: premod, setup: two, actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 2}, err: ErrState},
		{name: "merge pending into live", settings: premod, setup: seq(two, cmd(mod, Command{Op: OpIdeaApprove, Idea: 2})),
			actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 2}, check: status(1, Merged)},
		{name: "merge across boards", setup: seq(closed, board, cmd(carol, Command{Op: OpIdeaSubmit, Board: 2, Title: "Other"})), actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 3, IdeaInto: 1}, err: ErrInvalid},
		{name: "merge a merged one", setup: seq(two, cmd(mod, Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 2})), actor: mod, cmd: Command{Op: OpIdeaMerge, Idea: 1, IdeaInto: 2}, err: ErrState},

		// ideas into a poll
		{name: "poll of ideas", setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{2, 1}, Kind: Ranking, Text: "Rank them", Options: []string{"forged"}},
			check: func(t *testing.T, s *script, ev Event) {
				p := s.pollView(1)
				if !slices.Equal(p.Options, []string{"Publish budgets monthly", "Open data by default"}) || p.Status != Draft || p.Kind != Ranking {
					t.Errorf("poll %+v", p)
				}
				if ev.Poll != 1 || !slices.Equal(ev.Ideas, []IdeaID{2, 1}) {
					t.Errorf("event %+v", ev)
				}
				if view(s, 1).Poll != 1 || view(s, 2).Poll != 1 {
					t.Error("the ideas do not record their poll")
				}
			}},
		{name: "poll of one idea", setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1}, Kind: Single, Text: "t"}, err: ErrInvalid},
		{name: "poll of an idea twice", setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 1}, Kind: Single, Text: "t"}, err: ErrInvalid},
		{name: "poll of a pending idea", settings: premod, setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 2}, Kind: Single, Text: "t"}, err: ErrState},
		{name: "poll of ideas as a rating", setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 2}, Kind: Rating, Text: "t"}, err: ErrInvalid},
		{name: "poll of ideas without title", setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 2}, Kind: Single}, err: ErrEmpty},
		{name: "poll of ideas with the same title", setup: seq(two, idea(carol, "Open data by default")), actor: mod,
			cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 3}, Kind: Single, Text: "t"}, err: ErrInvalid},
		{name: "poll of ideas points", setup: two, actor: mod, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 2}, Kind: Points, Budget: 5, Text: "t"}},
		{name: "poll of ideas by a participant", setup: two, actor: alice, cmd: Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 2}, Kind: Single, Text: "t"}, err: ErrForbidden},
	})
}

// TestIdeaVisibility: a waiting or refused idea reaches its author and the
// moderators only; nobody else's view, Mine or patch holds it.
func TestIdeaVisibility(t *testing.T) {
	s := newMeeting(t, premod)
	s.do(mod, Command{Op: OpBoardOpen, Text: "Ideas?", Step: -1})
	screenF, partF := newFollower(s.r, Screen, 1), newFollower(s.r, Participant, 1)
	step := func(a Actor, c Command) {
		t.Helper()
		ev := s.do(a, c)
		for _, f := range []*follower{screenF, partF} {
			if err := f.event(s.r, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	step(alice, Command{Op: OpIdeaSubmit, Board: 1, Title: "secret-waiting"})
	step(bob, Command{Op: OpIdeaSubmit, Board: 1, Title: "secret-refused", Text: "secret-text"})
	step(carol, Command{Op: OpIdeaSubmit, Board: 1, Title: "Approved idea"})
	step(mod, Command{Op: OpIdeaApprove, Idea: 3})
	step(mod, Command{Op: OpIdeaReject, Idea: 2, Reason: Abusive, Note: "secret-note"})
	step(carol, Command{Op: OpIdeaVote, Idea: 3})
	for _, v := range []View{s.r.View(Participant), s.r.View(Screen), screenF.v, partF.v} {
		js := mustJSONString(v)
		if strings.Contains(js, "secret-") || strings.Contains(js, "pid-") {
			t.Errorf("%s view leaks: %s", v.Role, js)
		}
		if len(v.Ideas) != 1 || v.Ideas[0].ID != 3 || v.Ideas[0].Votes != 1 {
			t.Errorf("%s view ideas %+v", v.Role, v.Ideas)
		}
		if v.Boards[0].Refused[Abusive] != 1 {
			t.Errorf("%s view: refusals %v", v.Role, v.Boards[0].Refused)
		}
	}
	// Authors see their own, the reason of a refusal included.
	if m := s.r.Mine(alice.ID); len(m.Ideas) != 1 || m.Ideas[0].Status != Pending {
		t.Errorf("alice's Mine %+v", m.Ideas)
	}
	if m := s.r.Mine(bob.ID); len(m.Ideas) != 1 || m.Ideas[0].Reason != Abusive || m.Ideas[0].Note != "secret-note" {
		t.Errorf("bob's Mine %+v", m.Ideas)
	}
	if m := s.r.Mine(carol.ID); strings.Contains(mustJSONString(m), "secret-") || !slices.Equal(m.IdeaVotes, []IdeaID{3}) {
		t.Errorf("carol's Mine %s", mustJSONString(m))
	}
	// A live idea refused later leaves the views.
	step(mod, Command{Op: OpIdeaReject, Idea: 3, Reason: OffTopic})
	if len(partF.v.Ideas) != 0 || len(screenF.v.Ideas) != 0 {
		t.Errorf("refused idea still shown: %+v", partF.v.Ideas)
	}
	s.checkReplay()
}

// TestIdeaPatch: votes on ideas reach patches as counts, many votes of a
// tick as one count per idea, never as who voted.
func TestIdeaPatch(t *testing.T) {
	s := newMeeting(t, nil)
	s.do(mod, Command{Op: OpBoardOpen, Text: "Ideas?", Step: 0})
	s.do(alice, Command{Op: OpIdeaSubmit, Board: 1, Title: "Trees"})
	var c Changes
	for _, a := range []Actor{alice, bob, carol} {
		s.r.Track(&c, s.do(a, Command{Op: OpIdeaVote, Idea: 1}))
	}
	s.r.Track(&c, s.do(bob, Command{Op: OpIdeaUnvote, Idea: 1}))
	for _, role := range []Role{Participant, Screen, Moderator} {
		p := s.r.Patch(role, &c)
		if len(p.Ideas) != 0 || len(p.IdeaVotes) != 1 || p.IdeaVotes[1] != 2 {
			t.Errorf("%s patch %s", role, mustJSONString(p))
		}
		if strings.Contains(mustJSONString(p), "pid-") {
			t.Errorf("%s patch names a participant", role)
		}
	}
	if got := c.Participants(); !slices.Equal(got, []string{alice.ID, bob.ID, carol.ID}) {
		t.Errorf("participants %v", got)
	}
}

// TestIdeaPollForged: an event that says other options than the ideas'
// titles, or another poll id, is refused.
func TestIdeaPollForged(t *testing.T) {
	s := newMeeting(t, nil)
	s.do(mod, Command{Op: OpBoardOpen, Text: "Ideas?", Step: -1})
	s.do(alice, Command{Op: OpIdeaSubmit, Board: 1, Title: "Trees"})
	s.do(bob, Command{Op: OpIdeaSubmit, Board: 1, Title: "Buses"})
	ev, err := s.r.Decide(mod, s.at, Command{Op: OpIdeaPoll, Ideas: []IdeaID{1, 2}, Kind: Single, Text: "Which?"})
	if err != nil {
		t.Fatal(err)
	}
	for _, forge := range []func(*Event){
		func(e *Event) { e.Options = []string{"Trees", "Cars"} },
		func(e *Event) { e.Poll = 2 },
		func(e *Event) { e.Ideas = []IdeaID{2, 1} },
	} {
		f := ev
		f.Options = slices.Clone(ev.Options)
		forge(&f)
		if err := s.r.Apply(f); !errors.Is(err, ErrInvalid) {
			t.Errorf("forged %+v: %v", f.Command, err)
		}
	}
	if err := s.r.Apply(ev); err != nil {
		t.Fatal(err)
	}
}

// idea fills c, an op of the ideas board, from the fuzz input: mostly ids
// that exist (id), texts of every kind (text).
func (in *fuzzInput) idea(r *Room, c *Command, id func(int) int, text func() string) {
	boardID := func() BoardID { return BoardID(id(len(r.ideas.boards))) }
	ideaID := func() IdeaID { return IdeaID(id(len(r.ideas.list))) }
	switch c.Op {
	case OpBoardOpen:
		c.Text, c.Step = text(), in.n(5)-1
	case OpBoardClose:
		c.Board = boardID()
	case OpIdeaSubmit:
		c.Board, c.Title, c.Text, c.Name = boardID(), text(), text(), pick(in, []string{"", "", "Ann"})
	case OpIdeaVote, OpIdeaUnvote, OpIdeaApprove:
		c.Idea = ideaID()
	case OpIdeaReject:
		c.Idea, c.Reason, c.Note, c.Rule = ideaID(), pick(in, fuzzReason), pick(in, []string{"", "off topic", "\x00"}), in.n(7)-1
	case OpIdeaMerge:
		c.Idea, c.IdeaInto = ideaID(), ideaID()
	case OpIdeaPoll:
		for range 1 + in.n(4) {
			c.Ideas = append(c.Ideas, ideaID())
		}
		c.Kind, c.Text = pick(in, fuzzKinds), text()
		if c.Kind == Points {
			c.Budget = pick(in, fuzzBudgets)
		}
	}
}

// ideaSeeds are FuzzRoom inputs that run an ideas board: submissions,
// votes, a merge that carries votes, a refusal taken back, a poll of
// ideas, the board closed and a vote refused; the second under
// pre-moderation.
func ideaSeeds() [][]byte {
	op := func(o Op) byte { return byte(slices.Index(fuzzOps, o)) }
	var b []byte
	add := func(bs ...byte) { b = append(append(b, bs...), 0) } // 0: no time passes
	add(op(OpBoardOpen), 0, 0, 0, 0)
	add(op(OpIdeaSubmit), 0, 0, 1, 0, 7, 0)  // pid-a: idea 1
	add(op(OpIdeaSubmit), 0, 1, 1, 16, 2, 0) // pid-b: idea 2
	add(op(OpIdeaVote), 0, 2, 1)
	add(op(OpIdeaVote), 0, 2, 2)
	add(op(OpIdeaVote), 0, 0, 1)
	add(op(OpIdeaVote), 0, 1, 2)
	add(op(OpIdeaMerge), 0, 0, 1, 2)
	add(op(OpIdeaSubmit), 0, 3, 1, 17, 2, 0) // pid-d: idea 3
	add(op(OpIdeaReject), 0, 0, 3, 2, 0, 1)
	add(op(OpIdeaApprove), 0, 0, 3)
	add(op(OpIdeaApprove), 0, 0, 1)
	add(op(OpIdeaApprove), 0, 0, 2)
	add(op(OpIdeaPoll), 0, 0, 1, 2, 3, 5, 16)
	add(op(OpIdeaUnvote), 0, 2, 2)
	add(op(OpBoardClose), 0, 0, 1)
	add(op(OpIdeaVote), 0, 3, 2)
	add(op(OpBoardOpen), 0, 0, 17, 2)
	add(op(OpIdeaSubmit), 0, 4, 2, 18, 0, 2) // pid-e never joined
	add(op(OpIdeaSubmit), 0, 2, 2, 18, 0, 2)
	premod := append([]byte{byte(slices.Index(fuzzOps, OpSettings)), 0, 0, 3, 0, 0, 0, 0}, b...)
	return [][]byte{b, premod}
}

func (m *fuzzModel) applyIdea(ev Event) {
	switch ev.Op {
	case OpIdeaVote:
		if m.ideas[ev.Idea] == nil {
			m.ideas[ev.Idea] = map[string]bool{}
		}
		m.ideas[ev.Idea][ev.Actor.ID] = true
	case OpIdeaUnvote:
		delete(m.ideas[ev.Idea], ev.Actor.ID)
	case OpIdeaMerge:
		if m.ideas[ev.IdeaInto] == nil {
			m.ideas[ev.IdeaInto] = map[string]bool{}
		}
		maps.Copy(m.ideas[ev.IdeaInto], m.ideas[ev.Idea])
		delete(m.ideas, ev.Idea)
	}
}

// checkIdeas compares each idea's votes with a recount of the log.
func (m *fuzzModel) checkIdeas(v View) error {
	for _, x := range v.Ideas {
		if x.Votes != len(m.ideas[x.ID]) {
			return fmt.Errorf("idea %d has %d votes, %d voters in the log", x.ID, x.Votes, len(m.ideas[x.ID]))
		}
	}
	return nil
}

// ideaViewLeak checks the ideas of a participant's or the screen's view:
// live ones only, all of them, without author, reason or note.
func ideaViewLeak(r *Room, v View) error {
	seen := map[IdeaID]bool{}
	for _, x := range v.Ideas {
		seen[x.ID] = true
		if x.Status != Approved {
			return fmt.Errorf("%s idea %d shown", x.Status, x.ID)
		}
		if x.Author != "" || x.Reason != "" || x.Note != "" || x.Rule != 0 {
			return fmt.Errorf("idea %d shows author, reason or note", x.ID)
		}
		if sx := r.ideas.list[x.ID-1]; sx.title != x.Title || sx.text != x.Text || len(sx.voters) != x.Votes {
			return fmt.Errorf("idea %d differs from the state", x.ID)
		}
	}
	for _, x := range r.ideas.list {
		if x.visible() && !seen[x.id] {
			return fmt.Errorf("live idea %d missing", x.id)
		}
	}
	if len(v.Boards) != len(r.ideas.boards) {
		return fmt.Errorf("%d boards shown of %d", len(v.Boards), len(r.ideas.boards))
	}
	return nil
}

// ideaMineLeak checks that a participant's Mine holds their ideas only,
// all of them, and votes they hold.
func ideaMineLeak(r *Room, mine *Mine, pid string) error {
	for _, x := range mine.Ideas {
		if x.Author != pid || r.ideas.list[x.ID-1].author != pid {
			return fmt.Errorf("idea %d of %s in the Mine of %s", x.ID, x.Author, pid)
		}
	}
	if m := r.ideas.mine[pid]; m != nil && len(m.ideas) != len(mine.Ideas) {
		return fmt.Errorf("Mine of %s has %d ideas, want %d", pid, len(mine.Ideas), len(m.ideas))
	}
	for _, id := range mine.IdeaVotes {
		if _, ok := r.ideas.list[id-1].voters[pid]; !ok {
			return fmt.Errorf("Mine of %s lists a vote on idea %d it does not hold", pid, id)
		}
	}
	return nil
}

// ideaPatchLeak checks the ideas of a participant's or the screen's patch.
func ideaPatchLeak(r *Room, p *Patch) error {
	for _, x := range p.Ideas {
		if !r.ideas.list[x.ID-1].visible() || x.Author != "" || x.Reason != "" || x.Note != "" {
			return fmt.Errorf("patch shows idea %d", x.ID)
		}
	}
	for id := range p.IdeaVotes {
		if !r.ideas.list[id-1].visible() {
			return fmt.Errorf("patch counts votes for idea %d", id)
		}
	}
	return nil
}
