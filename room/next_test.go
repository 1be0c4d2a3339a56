package room

import (
	"testing"
)

func TestNextMeeting(t *testing.T) {
	s := busyMeeting(t)
	s.do(mod, Command{Op: OpOutcome, Step: 1, Text: "Budget agreed"})
	s.do(mod, Command{Op: OpPollCreate, Kind: Multiple, Text: "Quiz", Options: []string{"a", "b", "c"}, Max: 2, Correct: []int{0, 2}})
	s.do(mod, Command{Op: OpPollCreate, Kind: Rating, Text: "How was it?", Scale: 7, Visibility: AfterClose})
	s.do(mod, Command{Op: OpPollCreate, Kind: Open, Text: "One word"})
	s.do(mod, Command{Op: OpPollDelete, Poll: 1})
	s.do(mod, Command{Op: OpEnd})
	prev := s.r.View(Moderator)

	create, polls := NextMeeting(prev, "", "NEXT42")
	next := &script{t: t, r: New(), at: t0}
	next.do(sys, create)
	for _, c := range polls {
		next.do(mod, c)
	}
	v := next.r.View(Moderator)
	m, pm := v.Meeting, prev.Meeting
	if m.Title != pm.Title || m.Description != pm.Description || m.Code != "NEXT42" || m.Status != Scheduled ||
		mustJSON(t, m.Agenda) != mustJSON(t, pm.Agenda) || m.Settings != pm.Settings {
		t.Errorf("meeting %s\nfrom %s", mustJSON(t, m), mustJSON(t, pm))
	}
	if m.Outcomes != nil || len(m.Announcements) != 0 || len(v.Questions) != 0 || v.Counts.Joined != 0 || len(next.r.members) != 0 {
		t.Errorf("something of the meeting before came along: %s", mustJSON(t, v))
	}
	if len(v.Polls) != len(prev.Polls) || len(prev.Polls) != 7 {
		t.Fatalf("%d polls from %d", len(v.Polls), len(prev.Polls))
	}
	for i, p := range v.Polls {
		q := prev.Polls[i]
		if p.Status != Draft || p.Ballots != 0 || p.Kind != q.Kind || p.Title != q.Title || mustJSON(t, p.Options) != mustJSON(t, q.Options) ||
			p.Max != q.Max || p.Scale != q.Scale || p.Visibility != q.Visibility || mustJSON(t, p.Correct) != mustJSON(t, q.Correct) {
			t.Errorf("poll %d: %s\nfrom %s", i+1, mustJSON(t, p), mustJSON(t, q))
		}
	}
	if c, _ := NextMeeting(prev, "Step 2", "NEXT43"); c.Title != "Step 2" {
		t.Errorf("title %q", c.Title)
	}
	// A meeting without an agenda or polls.
	bare := newScript(t, nil)
	bare.do(mod, Command{Op: OpAgenda})
	c, ps := NextMeeting(bare.r.View(Moderator), "", "NEXT44")
	if c.Steps != nil || ps != nil {
		t.Errorf("%+v %+v", c, ps)
	}
	if _, err := New().Handle(sys, t0, c); err != nil {
		t.Error(err)
	}
}
