package consultation

import (
	"slices"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// linked is a consultation of two step meetings run for real: a question
// asked and upvoted at STEP1, carried to STEP2 in all three logs, and a
// proposal citing it, a poll and an outcome.
type linked struct {
	c            *script
	step1, step2 *room.Room
}

func newLinked(t *testing.T) *linked {
	t.Helper()
	l := &linked{c: &script{t: t, c: New(), at: t0}, step1: room.New(), step2: room.New()}
	rsys, mod := room.Actor{Role: room.System}, room.Actor{ID: "mod", Role: room.Moderator}
	ana, ben := room.Actor{ID: "pid-ana", Role: room.Participant}, room.Actor{ID: "pid-ben", Role: room.Participant}
	do := func(r *room.Room, a room.Actor, cmd room.Command) room.Event {
		t.Helper()
		ev, err := r.Handle(a, t0, cmd)
		if err != nil {
			t.Fatalf("%s: %v", cmd.Op, err)
		}
		return ev
	}
	do(l.step1, rsys, room.Command{Op: room.OpCreate, Title: "Step 1", Code: "STEP1", Steps: []string{"Budget"}})
	do(l.step2, rsys, room.Command{Op: room.OpCreate, Title: "Step 2", Code: "STEP2"})
	for _, p := range []room.Actor{ana, ben} {
		do(l.step1, room.Actor{ID: p.ID, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	}
	q := do(l.step1, ana, room.Command{Op: room.OpAsk, Text: "Will the budget be published?"}).Question
	do(l.step1, ben, room.Command{Op: room.OpUpvote, Question: q})
	do(l.step1, ana, room.Command{Op: room.OpAsk, Text: "Another"}) // 2
	do(l.step1, mod, room.Command{Op: room.OpBoardOpen, Text: "What should the plan commit to?", Step: -1})
	do(l.step1, ana, room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Open budget"}) // idea 1, live
	do(l.step1, mod, room.Command{Op: room.OpSettings, Settings: &room.Settings{QAOpen: true, PreModeration: true}})
	do(l.step1, ana, room.Command{Op: room.OpAsk, Text: "Still pending"})                  // 3
	do(l.step1, ana, room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Waiting idea"}) // idea 2, pending
	do(l.step1, ana, room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Refused idea"}) // idea 3
	do(l.step1, mod, room.Command{Op: room.OpIdeaReject, Idea: 3, Reason: room.OffTopic})
	p := do(l.step1, mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Publish?", Options: []string{"Yes", "No"}}).Poll
	do(l.step1, mod, room.Command{Op: room.OpPollOpen, Poll: p})
	do(l.step1, mod, room.Command{Op: room.OpPollCreate, Kind: room.Open, Text: "Draft poll"}) // 2
	do(l.step1, mod, room.Command{Op: room.OpEnd})

	l.c.do(sys, Command{Op: OpCreate, ID: "CONS1", Title: "Plan"})
	l.c.do(org, Command{Op: OpStepAdd, Code: "STEP1", Title: "Step 1"})
	l.c.do(org, Command{Op: OpStepAdd, Code: "STEP2", Title: "Step 2"})
	text := l.step1.View(room.Moderator).Questions[0].Text
	imp := do(l.step2, rsys, room.Command{Op: room.OpImport, Text: text, Link: &room.Link{Consultation: "CONS1", Code: "STEP1", Question: q, Votes: 1, Step: "Step 1"}})
	do(l.step1, rsys, room.Command{Op: room.OpCarry, Question: q, Link: &room.Link{Consultation: "CONS1", Code: "STEP2", Question: imp.Question, Step: "Step 2"}})
	l.c.do(org, Command{Op: OpCarry, From: &Ref{"STEP1", q}, To: &Ref{"STEP2", imp.Question}, Text: text, Votes: 1})
	l.c.proposal("Publish", true, question("STEP1", q), question("STEP2", imp.Question),
		Source{Kind: PollSource, Code: "STEP1", Poll: p}, Source{Kind: OutcomeSource, Code: "STEP1", Step: 0},
		Source{Kind: IdeaSource, Code: "STEP1", Idea: 1})
	return l
}

func (l *linked) views() map[string]room.View {
	return map[string]room.View{"STEP1": l.step1.View(room.Moderator), "STEP2": l.step2.View(room.Moderator)}
}

func TestCrossCheck(t *testing.T) {
	l := newLinked(t)
	if ms := l.c.c.CrossCheck(l.views()); len(ms) != 0 {
		t.Fatalf("a true set of logs: %v", ms)
	}
	for _, tc := range []struct {
		name   string
		change func(l *linked, vs map[string]room.View)
		want   string
	}{
		{"a meeting missing", func(l *linked, vs map[string]room.View) { delete(vs, "STEP2") }, "STEP2: a step meeting of the consultation, and no log"},
		{"another meeting's log", func(l *linked, vs map[string]room.View) { vs["STEP2"] = vs["STEP1"] }, "the log given is meeting STEP1's"},
		{"carried with other votes", func(l *linked, vs map[string]room.View) {
			l.c.do(org, Command{Op: OpStepAdd, Code: "STEP3", Title: "3"})
			vs["STEP3"] = room.View{Meeting: room.MeetingView{Code: "STEP3"}}
			l.c.do(org, Command{Op: OpCarry, From: &Ref{"STEP2", 1}, To: &Ref{"STEP3", 1}, Text: "x"})
		}, "event 8: meeting STEP2: question 1 was not carried to STEP3 question 1"},
		{"carried to no question", func(l *linked, vs map[string]room.View) {
			l.c.do(org, Command{Op: OpCarry, From: &Ref{"STEP1", 2}, To: &Ref{"STEP2", 5}, Text: "Another"})
		}, "STEP2: no question 5 carried here"},
		{"a source never public", func(l *linked, vs map[string]room.View) {
			l.c.proposal("x", false, question("STEP1", 3), question("STEP1", 2), question("STEP1", 9))
		}, "P-2 cites question 3, which the public never saw"},
		{"a draft poll cited", func(l *linked, vs map[string]room.View) {
			l.c.proposal("x", false, Source{Kind: PollSource, Code: "STEP1", Poll: 2})
		}, "P-2 cites poll 2, which did not run"},
		{"an outcome past the agenda", func(l *linked, vs map[string]room.View) {
			l.c.proposal("x", false, Source{Kind: OutcomeSource, Code: "STEP2", Step: 0})
		}, "P-2 cites agenda step 0 of 0"},
		{"a waiting idea cited", func(l *linked, vs map[string]room.View) {
			l.c.proposal("x", false, Source{Kind: IdeaSource, Code: "STEP1", Idea: 2})
		}, "P-2 cites idea 2, which the public never saw"},
		{"a refused idea cited", func(l *linked, vs map[string]room.View) {
			l.c.proposal("x", false, Source{Kind: IdeaSource, Code: "STEP1", Idea: 3})
		}, "P-2 cites idea 3, which the public never saw"},
		{"no such idea", func(l *linked, vs map[string]room.View) {
			l.c.proposal("x", false, Source{Kind: IdeaSource, Code: "STEP2", Idea: 1})
		}, "STEP2: P-2 cites idea 1, which the public never saw"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLinked(t)
			vs := l.views()
			tc.change(l, vs)
			ms := l.c.c.CrossCheck(vs)
			if !slices.ContainsFunc(ms, func(m Mismatch) bool { return strings.Contains(m.Error(), tc.want) }) {
				t.Errorf("got %v, want %q", ms, tc.want)
			}
		})
	}
	// A link only the meeting has.
	l = newLinked(t)
	l.step2.Handle(room.Actor{Role: room.System}, t0, room.Command{Op: room.OpImport, Text: "x", Link: &room.Link{Consultation: "CONS1", Code: "STEP1", Question: 2}})
	ms := l.c.c.CrossCheck(l.views())
	if len(ms) != 1 || ms[0].Seq != 0 || !strings.Contains(ms[0].Error(), "meeting STEP2: question 2 came from STEP1 question 2, which the consultation did not carry") {
		t.Errorf("got %v", ms)
	}
	// Another consultation's links are not this one's business.
	l = newLinked(t)
	l.step2.Handle(room.Actor{Role: room.System}, t0, room.Command{Op: room.OpImport, Text: "x", Link: &room.Link{Consultation: "OTHER", Code: "STEP1", Question: 2}})
	if ms := l.c.c.CrossCheck(l.views()); len(ms) != 0 {
		t.Errorf("got %v", ms)
	}
}
