package room

import (
	"slices"
	"strings"
	"testing"
)

var premod = &Settings{QAOpen: true, PreModeration: true, Reactions: true}

func TestQuestionOps(t *testing.T) {
	q1 := func(s *script) { s.ask(alice, "First question") }        // 1, live
	pending := func(s *script) { s.ask(alice, "Pending question") } // 1, pending under premod
	status := func(id QuestionID, want QuestionStatus) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			t.Helper()
			if got := s.question(id).Status; got != want {
				t.Errorf("status %s, want %s", got, want)
			}
		}
	}
	seq := func(fs ...func(*script)) func(*script) {
		return func(s *script) {
			for _, f := range fs {
				f(s)
			}
		}
	}
	cmd := func(a Actor, c Command) func(*script) { return func(s *script) { s.do(a, c) } }

	runOps(t, []opCase{
		// ask
		{name: "ask", actor: alice, cmd: Command{Op: OpAsk, Text: "  Why?\nReally why? ", Name: " Al "},
			check: func(t *testing.T, s *script, ev Event) {
				q := s.question(ev.Question)
				want := QuestionView{ID: 1, Text: "Why?\nReally why?", Name: "Al", Channel: InRoom, Status: Approved, At: ev.At, Author: alice.ID}
				if mustJSON(t, q) != mustJSON(t, want) {
					t.Errorf("got %+v\nwant %+v", q, want)
				}
			}},
		{name: "ask under pre-moderation", settings: premod, actor: bob, cmd: Command{Op: OpAsk, Text: "Hm"},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(ev.Question); q.Status != Pending || q.Channel != Remote {
					t.Errorf("question %+v", q)
				}
			}},
		{name: "ask takes the current step", setup: cmd(mod, Command{Op: OpGoto, Step: 1}), actor: alice, cmd: Command{Op: OpAsk, Text: "x"},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(ev.Question); q.Step != 1 {
					t.Errorf("step %d", q.Step)
				}
			}},
		{name: "ask ids follow", setup: q1, actor: bob, cmd: Command{Op: OpAsk, Text: "second", Question: 99},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Question != 2 {
					t.Errorf("id %d", ev.Question)
				}
			}},
		{name: "ask empty", actor: alice, cmd: Command{Op: OpAsk, Text: "   "}, err: ErrEmpty},
		{name: "ask too long", actor: alice, cmd: Command{Op: OpAsk, Text: strings.Repeat("é", 281)}, err: ErrTooLong},
		{name: "ask at the limit", actor: alice, cmd: Command{Op: OpAsk, Text: strings.Repeat("é", 280)}},
		{name: "ask under a custom limit", settings: &Settings{QAOpen: true, MaxLength: 20}, actor: alice, cmd: Command{Op: OpAsk, Text: strings.Repeat("a", 21)}, err: ErrTooLong},
		{name: "ask invalid UTF-8", actor: alice, cmd: Command{Op: OpAsk, Text: "ok \xc3\x28"}, err: ErrInvalidUTF8},
		{name: "ask with NUL", actor: alice, cmd: Command{Op: OpAsk, Text: "a\x00b"}, err: ErrControlChar},
		{name: "ask with C1", actor: alice, cmd: Command{Op: OpAsk, Text: "a\u0085b"}, err: ErrControlChar},
		{name: "ask with isolate", actor: alice, cmd: Command{Op: OpAsk, Text: "a\u2067b"}, err: ErrControlChar},
		{name: "ask with BOM", actor: alice, cmd: Command{Op: OpAsk, Text: "\ufeffab"}, err: ErrControlChar},
		{name: "ask with CR", actor: alice, cmd: Command{Op: OpAsk, Text: "a\r\nb"}, err: ErrControlChar},
		{name: "ask name with a line break", actor: alice, cmd: Command{Op: OpAsk, Text: "a", Name: "A\nB"}, err: ErrControlChar},
		{name: "ask while closed", settings: &Settings{}, actor: alice, cmd: Command{Op: OpAsk, Text: "a"}, err: ErrQAClosed},
		{name: "ask with a name while anonymous", settings: &Settings{QAOpen: true, Anonymous: true}, actor: alice, cmd: Command{Op: OpAsk, Text: "a", Name: "Al"}, err: ErrNamesDisabled},
		{name: "ask without joining", actor: dave, cmd: Command{Op: OpAsk, Text: "a"}, err: ErrNotJoined},
		{name: "moderator may not ask", actor: mod, cmd: Command{Op: OpAsk, Text: "a"}, err: ErrForbidden},
		{name: "ask before start", setup: nil, actor: alice, cmd: Command{Op: OpAsk, Text: "early"}},

		// edit and withdraw
		{name: "edit", settings: premod, setup: pending, actor: alice, cmd: Command{Op: OpQuestionEdit, Question: 1, Text: "Better"},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(1); q.Text != "Better" {
					t.Errorf("text %q", q.Text)
				}
			}},
		{name: "edit someone else's", settings: premod, setup: pending, actor: bob, cmd: Command{Op: OpQuestionEdit, Question: 1, Text: "Mine"}, err: ErrNotAuthor},
		{name: "edit a live question", setup: q1, actor: alice, cmd: Command{Op: OpQuestionEdit, Question: 1, Text: "x"}, err: ErrState},
		{name: "edit unknown", actor: alice, cmd: Command{Op: OpQuestionEdit, Question: 7, Text: "x"}, err: ErrNoQuestion},
		{name: "edit to empty", settings: premod, setup: pending, actor: alice, cmd: Command{Op: OpQuestionEdit, Question: 1}, err: ErrEmpty},
		{name: "edit to the same", settings: premod, setup: pending, actor: alice, cmd: Command{Op: OpQuestionEdit, Question: 1, Text: " Pending question"}, err: ErrAlready},
		{name: "withdraw", settings: premod, setup: pending, actor: alice, cmd: Command{Op: OpWithdraw, Question: 1}, check: status(1, Withdrawn)},
		{name: "withdraw someone else's", settings: premod, setup: pending, actor: carol, cmd: Command{Op: OpWithdraw, Question: 1}, err: ErrNotAuthor},
		{name: "withdraw twice", settings: premod, setup: seq(pending, cmd(alice, Command{Op: OpWithdraw, Question: 1})), actor: alice, cmd: Command{Op: OpWithdraw, Question: 1}, err: ErrState},
		{name: "withdraw id 0", actor: alice, cmd: Command{Op: OpWithdraw}, err: ErrNoQuestion},

		// upvote and unvote
		{name: "upvote", setup: q1, actor: bob, cmd: Command{Op: OpUpvote, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(1); q.Votes != 1 {
					t.Errorf("votes %d", q.Votes)
				}
				if up := s.r.Mine(bob.ID).Upvoted; !slices.Equal(up, []QuestionID{1}) {
					t.Errorf("upvoted %v", up)
				}
			}},
		{name: "upvote one's own", setup: q1, actor: alice, cmd: Command{Op: OpUpvote, Question: 1}},
		{name: "upvote twice", setup: seq(q1, cmd(bob, Command{Op: OpUpvote, Question: 1})), actor: bob, cmd: Command{Op: OpUpvote, Question: 1}, err: ErrAlready},
		{name: "upvote pending", settings: premod, setup: pending, actor: bob, cmd: Command{Op: OpUpvote, Question: 1}, err: ErrState},
		{name: "upvote archived", setup: seq(q1, cmd(mod, Command{Op: OpArchive, Question: 1})), actor: bob, cmd: Command{Op: OpUpvote, Question: 1}, err: ErrState},
		{name: "upvote answered", setup: seq(q1, cmd(mod, Command{Op: OpAnswer, Question: 1})), actor: bob, cmd: Command{Op: OpUpvote, Question: 1}},
		{name: "upvote unknown", actor: bob, cmd: Command{Op: OpUpvote, Question: 1}, err: ErrNoQuestion},
		{name: "upvote without joining", setup: q1, actor: dave, cmd: Command{Op: OpUpvote, Question: 1}, err: ErrNotJoined},
		{name: "unvote", setup: seq(q1, cmd(bob, Command{Op: OpUpvote, Question: 1})), actor: bob, cmd: Command{Op: OpUnvote, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(1); q.Votes != 0 || len(s.r.Mine(bob.ID).Upvoted) != 0 {
					t.Errorf("votes %d", q.Votes)
				}
			}},
		{name: "unvote without upvote", setup: q1, actor: bob, cmd: Command{Op: OpUnvote, Question: 1}, err: ErrAlready},
		{name: "unvote a rejected question", setup: seq(q1, cmd(bob, Command{Op: OpUpvote, Question: 1}), cmd(mod, Command{Op: OpReject, Question: 1, Reason: OffTopic})),
			actor: bob, cmd: Command{Op: OpUnvote, Question: 1}},

		// approve and reject
		{name: "approve", settings: premod, setup: pending, actor: mod, cmd: Command{Op: OpApprove, Question: 1}, check: status(1, Approved)},
		{name: "approve live", setup: q1, actor: mod, cmd: Command{Op: OpApprove, Question: 1}, err: ErrState},
		{name: "re-approve rejected", setup: seq(q1, cmd(mod, Command{Op: OpReject, Question: 1, Reason: Abusive, Note: "n"})), actor: mod, cmd: Command{Op: OpApprove, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				q := s.question(1)
				if q.Status != Approved || q.Reason != "" || q.Note != "" {
					t.Errorf("question %+v", q)
				}
				if n := s.r.View(Participant).Meeting.Refused[Abusive]; n != 0 {
					t.Errorf("refused %d", n)
				}
			}},
		{name: "approve by a participant", settings: premod, setup: pending, actor: alice, cmd: Command{Op: OpApprove, Question: 1}, err: ErrForbidden},
		{name: "approve unknown", actor: mod, cmd: Command{Op: OpApprove, Question: 3}, err: ErrNoQuestion},
		{name: "reject", settings: premod, setup: pending, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OffTopic, Note: " Not today "},
			check: func(t *testing.T, s *script, ev Event) {
				q := s.question(1)
				if q.Status != Rejected || q.Reason != OffTopic || q.Note != "Not today" {
					t.Errorf("question %+v", q)
				}
				refused := s.r.View(Participant).Meeting.Refused
				if refused[OffTopic] != 1 || len(refused) != len(Reasons) {
					t.Errorf("refused %v", refused)
				}
				l := s.r.View(Moderator).Ledger
				if e := l[len(l)-1]; e.Op != OpReject || e.Reason != OffTopic || e.Note != "Not today" || e.Question != 1 {
					t.Errorf("ledger %+v", e)
				}
			}},
		{name: "reject clears highlight and pin", setup: seq(q1, cmd(mod, Command{Op: OpHighlight, Question: 1}), cmd(mod, Command{Op: OpPin, Question: 1, On: true})),
			actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: Duplicate},
			check: func(t *testing.T, s *script, ev Event) {
				if h := s.r.View(Screen).Meeting.Highlight; h != 0 || s.question(1).Pinned {
					t.Errorf("highlight %d pinned %v", h, s.question(1).Pinned)
				}
			}},
		{name: "reject without reason", setup: q1, actor: mod, cmd: Command{Op: OpReject, Question: 1}, err: ErrInvalid},
		{name: "reject with an unknown reason", setup: q1, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: "boring"}, err: ErrInvalid},
		{name: "reject with a long note", setup: q1, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OtherReason, Note: strings.Repeat("n", 281)}, err: ErrTooLong},
		{name: "reject answered", setup: seq(q1, cmd(mod, Command{Op: OpAnswer, Question: 1})), actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OtherReason}, err: ErrState},
		{name: "reject twice", setup: seq(q1, cmd(mod, Command{Op: OpReject, Question: 1, Reason: OtherReason})), actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OtherReason}, err: ErrState},

		// answer, reopen
		{name: "answer", setup: seq(q1, cmd(mod, Command{Op: OpHighlight, Question: 1})), actor: mod, cmd: Command{Op: OpAnswer, Question: 1, Text: "Yes.\nBecause."},
			check: func(t *testing.T, s *script, ev Event) {
				q := s.question(1)
				if q.Status != Answered || q.Answer != "Yes.\nBecause." || q.AnsweredAt != ev.At {
					t.Errorf("question %+v", q)
				}
				if s.r.View(Screen).Meeting.Highlight != 0 {
					t.Error("highlight kept")
				}
			}},
		{name: "answer again updates the text", setup: seq(q1, cmd(mod, Command{Op: OpAnswer, Question: 1})), actor: mod, cmd: Command{Op: OpAnswer, Question: 1, Text: "Later"},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(1); q.Answer != "Later" || q.AnsweredAt == ev.At {
					t.Errorf("question %+v", q)
				}
			}},
		{name: "answer after the end", setup: seq(q1, cmd(mod, Command{Op: OpEnd})), actor: mod, cmd: Command{Op: OpAnswer, Question: 1, Text: "In writing"}, check: status(1, Answered)},
		{name: "answer twice the same", setup: seq(q1, cmd(mod, Command{Op: OpAnswer, Question: 1})), actor: mod, cmd: Command{Op: OpAnswer, Question: 1}, err: ErrAlready},
		{name: "answer pending", settings: premod, setup: pending, actor: mod, cmd: Command{Op: OpAnswer, Question: 1}, err: ErrState},
		{name: "answer too long", setup: q1, actor: mod, cmd: Command{Op: OpAnswer, Question: 1, Text: strings.Repeat("a", 4001)}, err: ErrTooLong},
		{name: "reopen", setup: seq(q1, cmd(mod, Command{Op: OpAnswer, Question: 1, Text: "kept"})), actor: mod, cmd: Command{Op: OpReopen, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(1); q.Status != Approved || q.AnsweredAt != 0 || q.Answer != "kept" {
					t.Errorf("question %+v", q)
				}
			}},
		{name: "reopen live", setup: q1, actor: mod, cmd: Command{Op: OpReopen, Question: 1}, err: ErrState},

		// highlight, pin
		{name: "highlight", setup: q1, actor: mod, cmd: Command{Op: OpHighlight, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if h := s.r.View(Screen).Meeting.Highlight; h != 1 {
					t.Errorf("highlight %d", h)
				}
			}},
		{name: "highlight moves", setup: seq(q1, q1, cmd(mod, Command{Op: OpHighlight, Question: 1})), actor: mod, cmd: Command{Op: OpHighlight, Question: 2},
			check: func(t *testing.T, s *script, ev Event) {
				if h := s.r.View(Screen).Meeting.Highlight; h != 2 {
					t.Errorf("highlight %d", h)
				}
			}},
		{name: "highlight cleared", setup: seq(q1, cmd(mod, Command{Op: OpHighlight, Question: 1})), actor: mod, cmd: Command{Op: OpHighlight}},
		{name: "highlight nothing twice", actor: mod, cmd: Command{Op: OpHighlight}, err: ErrAlready},
		{name: "highlight pending", settings: premod, setup: pending, actor: mod, cmd: Command{Op: OpHighlight, Question: 1}, err: ErrState},
		{name: "highlight unknown", actor: mod, cmd: Command{Op: OpHighlight, Question: 4}, err: ErrNoQuestion},
		{name: "pin", setup: q1, actor: mod, cmd: Command{Op: OpPin, Question: 1, On: true},
			check: func(t *testing.T, s *script, ev Event) {
				if !s.question(1).Pinned {
					t.Error("not pinned")
				}
			}},
		{name: "unpin", setup: seq(q1, cmd(mod, Command{Op: OpPin, Question: 1, On: true})), actor: mod, cmd: Command{Op: OpPin, Question: 1}},
		{name: "pin twice", setup: seq(q1, cmd(mod, Command{Op: OpPin, Question: 1, On: true})), actor: mod, cmd: Command{Op: OpPin, Question: 1, On: true}, err: ErrAlready},
		{name: "pin pending", settings: premod, setup: pending, actor: mod, cmd: Command{Op: OpPin, Question: 1, On: true}, err: ErrState},

		// archive, restore
		{name: "archive", setup: seq(q1, cmd(mod, Command{Op: OpHighlight, Question: 1})), actor: mod, cmd: Command{Op: OpArchive, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if !s.question(1).Archived || len(s.r.View(Participant).Questions) != 0 || s.r.View(Screen).Meeting.Highlight != 0 {
					t.Error("archived question still shown")
				}
				if len(s.r.Mine(alice.ID).Questions) != 1 {
					t.Error("the author lost their archived question")
				}
			}},
		{name: "archive rejected", setup: seq(q1, cmd(mod, Command{Op: OpReject, Question: 1, Reason: Abusive})), actor: mod, cmd: Command{Op: OpArchive, Question: 1}},
		{name: "archive twice", setup: seq(q1, cmd(mod, Command{Op: OpArchive, Question: 1})), actor: mod, cmd: Command{Op: OpArchive, Question: 1}, err: ErrAlready},
		{name: "archive pending", settings: premod, setup: pending, actor: mod, cmd: Command{Op: OpArchive, Question: 1}, err: ErrState},
		{name: "restore", setup: seq(q1, cmd(mod, Command{Op: OpArchive, Question: 1})), actor: mod, cmd: Command{Op: OpRestore, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if len(s.r.View(Participant).Questions) != 1 {
					t.Error("restored question not shown")
				}
			}},
		{name: "restore not archived", setup: q1, actor: mod, cmd: Command{Op: OpRestore, Question: 1}, err: ErrAlready},

		// merge
		{name: "merge", setup: seq(q1, q1), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 1},
			check: func(t *testing.T, s *script, ev Event) {
				dup, into := s.question(2), s.question(1)
				if dup.Status != Merged || dup.MergedInto != 1 || !slices.Equal(into.MergedFrom, []QuestionID{2}) {
					t.Errorf("dup %+v into %+v", dup, into)
				}
			}},
		{name: "merge pending into live", settings: premod, setup: seq(pending, pending, cmd(mod, Command{Op: OpApprove, Question: 1})), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 1}, check: status(2, Merged)},
		{name: "merge into itself", setup: q1, actor: mod, cmd: Command{Op: OpMerge, Question: 1, Into: 1}, err: ErrInvalid},
		{name: "merge into unknown", setup: q1, actor: mod, cmd: Command{Op: OpMerge, Question: 1, Into: 2}, err: ErrNoQuestion},
		{name: "merge into pending", settings: premod, setup: seq(pending, pending), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 1}, err: ErrState},
		{name: "merge merged", setup: seq(q1, q1, q1, cmd(mod, Command{Op: OpMerge, Question: 2, Into: 1})), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 3}, err: ErrState},
		{name: "merge answered", setup: seq(q1, q1, cmd(mod, Command{Op: OpAnswer, Question: 2})), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 1}, err: ErrState},
		{name: "merge into archived", setup: seq(q1, q1, cmd(mod, Command{Op: OpArchive, Question: 1})), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 1}, err: ErrState},
	})
}

func TestMergeCarriesVotes(t *testing.T) {
	s := newMeeting(t, nil)
	keep := s.ask(alice, "Will the park stay open?")
	dup := s.ask(bob, "Is the park closing?")
	s.do(bob, Command{Op: OpUpvote, Question: keep})
	s.do(bob, Command{Op: OpUpvote, Question: dup})   // voted for both: counted once
	s.do(carol, Command{Op: OpUpvote, Question: dup}) // only the duplicate
	s.do(mod, Command{Op: OpHighlight, Question: dup})
	s.do(mod, Command{Op: OpMerge, Question: dup, Into: keep})

	if q := s.question(keep); q.Votes != 2 {
		t.Errorf("kept question has %d votes, want 2 (bob once, carol)", q.Votes)
	}
	if q := s.question(dup); q.Votes != 0 || q.Status != Merged || q.MergedInto != keep {
		t.Errorf("duplicate %+v", q)
	}
	for _, p := range []Actor{bob, carol} {
		if up := s.r.Mine(p.ID).Upvoted; !slices.Equal(up, []QuestionID{keep}) {
			t.Errorf("%s upvoted %v, want [%d]", p.ID, up, keep)
		}
	}
	if h := s.r.View(Screen).Meeting.Highlight; h != 0 {
		t.Errorf("the merged question is still highlighted")
	}
	if _, err := s.try(carol, Command{Op: OpUpvote, Question: keep}); err == nil {
		t.Error("carol could upvote the kept question twice")
	}
	s.do(carol, Command{Op: OpUnvote, Question: keep})
	if q := s.question(keep); q.Votes != 1 {
		t.Errorf("votes after unvote %d", q.Votes)
	}
	s.checkReplay()
}
