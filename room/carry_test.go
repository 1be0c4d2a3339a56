package room

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// from and to are links of the consultation CONS1 to the meeting STEP1
// (question 3 there, 14 votes) and to STEP3.
var (
	from = Link{Consultation: "CONS1", Code: "STEP1", Question: 3, Votes: 14, Step: "Step 1: the budget"}
	to   = Link{Consultation: "CONS1", Code: "STEP3", Question: 1, Step: "Step 3"}
)

func linkTo(l Link) *Link { return &l }

func TestCarryOps(t *testing.T) {
	q1 := func(s *script) { s.ask(alice, "First question") }
	imported := func(s *script) { s.do(sys, Command{Op: OpImport, Text: "From step 1", Link: linkTo(from)}) }
	cmd := func(a Actor, c Command) func(*script) { return func(s *script) { s.do(a, c) } }
	seq := func(fs ...func(*script)) func(*script) {
		return func(s *script) {
			for _, f := range fs {
				f(s)
			}
		}
	}
	with := func(f func(*Link)) *Link {
		l := from
		f(&l)
		return &l
	}

	runOps(t, []opCase{
		// import
		{name: "import", actor: sys, cmd: Command{Op: OpImport, Text: " Will the park stay open?\n", Name: "Ann", Question: 9, Link: linkTo(from)},
			check: func(t *testing.T, s *script, ev Event) {
				q := s.question(ev.Question)
				want := QuestionView{ID: 1, Text: "Will the park stay open?", Status: Approved, At: ev.At, From: linkTo(from)}
				if mustJSON(t, q) != mustJSON(t, want) {
					t.Errorf("got %s\nwant %s", mustJSON(t, q), mustJSON(t, want))
				}
				if ev.Name != "" {
					t.Error("the name crossed meetings")
				}
				pv := s.r.View(Participant).Questions
				if len(pv) != 1 || pv[0].From == nil || pv[0].From.Votes != 14 {
					t.Errorf("participants see %s", mustJSON(t, pv))
				}
			}},
		{name: "import is live under pre-moderation", settings: premod, actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: linkTo(from)},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(ev.Question); q.Status != Approved {
					t.Errorf("status %s", q.Status)
				}
			}},
		{name: "import while questions are closed", settings: &Settings{}, actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: linkTo(from)}},
		{name: "import longer than this room's questions", actor: sys, cmd: Command{Op: OpImport, Text: strings.Repeat("é", 2000), Link: linkTo(from)}},
		{name: "import too long", actor: sys, cmd: Command{Op: OpImport, Text: strings.Repeat("é", 2001), Link: linkTo(from)}, err: ErrTooLong},
		{name: "import ids follow", setup: q1, actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: linkTo(from)},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Question != 2 {
					t.Errorf("id %d", ev.Question)
				}
			}},
		{name: "import empty", actor: sys, cmd: Command{Op: OpImport, Text: " ", Link: linkTo(from)}, err: ErrEmpty},
		{name: "import bidi", actor: sys, cmd: Command{Op: OpImport, Text: "a\u202eb", Link: linkTo(from)}, err: ErrControlChar},
		{name: "import without link", actor: sys, cmd: Command{Op: OpImport, Text: "x"}, err: ErrInvalid},
		{name: "import bad consultation", actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: with(func(l *Link) { l.Consultation = "c-1" })}, err: ErrInvalid},
		{name: "import bad code", actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: with(func(l *Link) { l.Code = "" })}, err: ErrInvalid},
		{name: "import from itself", actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: with(func(l *Link) { l.Code = "ABC234" })}, err: ErrInvalid},
		{name: "import question 0", actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: with(func(l *Link) { l.Question = 0 })}, err: ErrInvalid},
		{name: "import negative votes", actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: with(func(l *Link) { l.Votes = -1 })}, err: ErrInvalid},
		{name: "import step with a line break", actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: with(func(l *Link) { l.Step = "a\nb" })}, err: ErrControlChar},
		{name: "import twice", setup: imported, actor: sys, cmd: Command{Op: OpImport, Text: "again", Link: linkTo(from)}, err: ErrAlready},
		{name: "import another from the same meeting", setup: imported, actor: sys, cmd: Command{Op: OpImport, Text: "another", Link: with(func(l *Link) { l.Question = 4 })}},
		{name: "import by a moderator", actor: mod, cmd: Command{Op: OpImport, Text: "x", Link: linkTo(from)}, err: ErrForbidden},
		{name: "import by a participant", actor: alice, cmd: Command{Op: OpImport, Text: "x", Link: linkTo(from)}, err: ErrForbidden},
		{name: "import once ended", setup: cmd(mod, Command{Op: OpEnd}), actor: sys, cmd: Command{Op: OpImport, Text: "x", Link: linkTo(from)}, err: ErrEnded},

		// an imported question is a question like any other
		{name: "answer an import", setup: imported, actor: mod, cmd: Command{Op: OpAnswer, Question: 1, Text: "Yes"}},
		{name: "upvote an import", setup: imported, actor: bob, cmd: Command{Op: OpUpvote, Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				if q := s.question(1); q.Votes != 1 || q.From.Votes != 14 {
					t.Errorf("votes %d here, %d there", q.Votes, q.From.Votes)
				}
			}},
		{name: "reject an import", setup: imported, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OffTopic}},
		{name: "merge into an import", setup: seq(imported, q1), actor: mod, cmd: Command{Op: OpMerge, Question: 2, Into: 1}},
		{name: "merge an import", setup: seq(imported, q1), actor: mod, cmd: Command{Op: OpMerge, Question: 1, Into: 2}},

		// carry
		{name: "carry", setup: seq(q1, cmd(bob, Command{Op: OpUpvote, Question: 1}), cmd(carol, Command{Op: OpUpvote, Question: 1})),
			actor: sys, cmd: Command{Op: OpCarry, Question: 1, Text: "junk", Link: &Link{Consultation: "CONS1", Code: "STEP3", Question: 1, Votes: 99, Step: " Step 3 "}},
			check: func(t *testing.T, s *script, ev Event) {
				want := Link{Consultation: "CONS1", Code: "STEP3", Question: 1, Votes: 2, Step: "Step 3"}
				if mustJSON(t, ev.Link) != mustJSON(t, want) || ev.Text != "" {
					t.Errorf("event %s", mustJSON(t, ev))
				}
				if q := s.r.View(Participant).Questions[0]; q.CarriedTo == nil || *q.CarriedTo != want || q.Status != Approved {
					t.Errorf("participants see %s", mustJSON(t, q))
				}
				if q := s.r.Mine(alice.ID).Questions[0]; q.CarriedTo == nil {
					t.Error("the author does not see where her question went")
				}
			}},
		{name: "carry once ended", setup: seq(q1, cmd(mod, Command{Op: OpEnd})), actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}},
		{name: "carry an import onwards", setup: imported, actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}},
		{name: "carry an import back", setup: imported, actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(Link{Consultation: "CONS1", Code: "STEP1", Question: 5})}, err: ErrInvalid},
		{name: "carry twice", setup: seq(q1, cmd(sys, Command{Op: OpCarry, Question: 1, Link: linkTo(to)})), actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrAlready},
		{name: "carry unknown", actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrNoQuestion},
		{name: "carry without link", setup: q1, actor: sys, cmd: Command{Op: OpCarry, Question: 1}, err: ErrInvalid},
		{name: "carry to itself", setup: q1, actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(Link{Consultation: "CONS1", Code: "ABC234", Question: 1})}, err: ErrInvalid},
		{name: "carry pending", settings: premod, setup: q1, actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrState},
		{name: "carry answered", setup: seq(q1, cmd(mod, Command{Op: OpAnswer, Question: 1})), actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrState},
		{name: "carry archived", setup: seq(q1, cmd(mod, Command{Op: OpArchive, Question: 1})), actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrState},
		{name: "carry rejected", setup: seq(q1, cmd(mod, Command{Op: OpReject, Question: 1, Reason: OffTopic})), actor: sys, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrState},
		{name: "carry by a moderator", setup: q1, actor: mod, cmd: Command{Op: OpCarry, Question: 1, Link: linkTo(to)}, err: ErrForbidden},
		{name: "answer once carried", setup: seq(q1, cmd(sys, Command{Op: OpCarry, Question: 1, Link: linkTo(to)})), actor: mod, cmd: Command{Op: OpAnswer, Question: 1}},
	})
}

// An event that says a carried question had other votes than it had is
// refused: the room counts them.
func TestCarryVotesChecked(t *testing.T) {
	s := newMeeting(t, nil)
	q := s.ask(alice, "Question")
	s.do(bob, Command{Op: OpUpvote, Question: q})
	l := to
	l.Votes = 5
	before := s.r.Digest()
	for _, link := range []*Link{&l, nil} {
		ev := Event{Seq: s.r.Seq() + 1, Actor: sys, Command: Command{Op: OpCarry, Question: q, Link: link}}
		if err := s.r.Apply(ev); err == nil {
			t.Errorf("a carry with link %+v applied", link)
		}
	}
	forged := Event{Seq: s.r.Seq() + 1, Actor: sys, Command: Command{Op: OpImport, Question: 7, Text: "x", Link: linkTo(from)}}
	if err := s.r.Apply(forged); err == nil {
		t.Error("an import with a wrong id applied")
	}
	if s.r.Digest() != before {
		t.Fatal("a refused event changed the room")
	}
	l.Votes = 1
	if err := s.r.Apply(Event{Seq: s.r.Seq() + 1, Actor: sys, Command: Command{Op: OpCarry, Question: q, Link: &l}}); err != nil {
		t.Fatal(err)
	}
}

// A log with carried questions replays to the same state, through JSON, and
// their links count in the digest; a log without any keeps the digest it
// had (TestDigestStable).
func TestCarryReplay(t *testing.T) {
	s := busyMeeting(t)
	before := s.r.Digest()
	s.do(sys, Command{Op: OpImport, Text: "From step 1", Link: linkTo(from)})
	s.do(sys, Command{Op: OpCarry, Question: 2, Link: linkTo(to)})
	if s.r.Digest() == before {
		t.Fatal("carrying changed nothing in the digest")
	}
	s.checkReplay()
	var evs []Event
	for _, ev := range s.events {
		var back Event
		if err := json.Unmarshal([]byte(mustJSON(t, ev)), &back); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, back)
	}
	re, err := Replay(evs)
	if err != nil || re.Digest() != s.r.Digest() {
		t.Fatalf("the JSON log replays to another state (%v)", err)
	}
	a, b := busyMeeting(t), busyMeeting(t)
	a.do(sys, Command{Op: OpCarry, Question: 2, Link: linkTo(to)})
	b.do(sys, Command{Op: OpCarry, Question: 2, Link: linkTo(Link{Consultation: "CONS1", Code: "STEP3", Question: 2})})
	if a.r.Digest() == b.r.Digest() {
		t.Error("two links give the same digest")
	}
}

// Patches carry an import and a carry to every role, and name no one.
func TestCarryPatch(t *testing.T) {
	s := newMeeting(t, premod)
	q := s.ask(alice, "Question")
	s.do(mod, Command{Op: OpApprove, Question: q})
	var fs []*follower
	for _, role := range []Role{Participant, Moderator, Screen} {
		fs = append(fs, newFollower(s.r, role, 1), newFollower(s.r, role, 2))
	}
	for _, c := range []Command{
		{Op: OpImport, Text: "From step 1", Link: linkTo(from)},
		{Op: OpCarry, Question: q, Link: linkTo(to)},
		{Op: OpCarry, Question: 2, Link: linkTo(Link{Consultation: "CONS1", Code: "STEP3", Question: 2})},
	} {
		ev := s.do(sys, c)
		var ch Changes
		s.r.Track(&ch, ev)
		if got := ch.Participants(); c.Op == OpImport && len(got) != 0 || c.Op == OpCarry && c.Question == q && !slices.Equal(got, []string{alice.ID}) {
			t.Errorf("%s: Mine changed for %v", c.Op, got)
		}
		for _, f := range fs {
			if err := f.event(s.r, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range fs {
		if err := f.flush(s.r); err != nil {
			t.Fatal(err)
		}
	}
}
