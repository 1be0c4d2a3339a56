package room

import (
	"fmt"
	"slices"
	"testing"
)

// follower is a client of one role: it holds a view and brings it up to
// date with patches, as the hub's connections do.
type follower struct {
	role Role
	tick int // events per patch
	n    int
	v    View
	c    Changes
}

func newFollower(r *Room, role Role, tick int) *follower {
	return &follower{role: role, tick: tick, v: r.View(role)}
}

// event tracks ev, which r just applied, and every tick events patches the
// view and checks it against a fresh one.
func (f *follower) event(r *Room, ev Event) error {
	r.Track(&f.c, ev)
	if f.n++; f.n%f.tick != 0 {
		return nil
	}
	return f.flush(r)
}

func (f *follower) flush(r *Room) error {
	p := r.Patch(f.role, &f.c)
	if f.role != Moderator {
		if err := leakPatch(r, &p); err != nil {
			return err
		}
	}
	f.v.ApplyPatch(r.Seq(), &p)
	f.c.Reset()
	got, want := mustJSONString(f.v), mustJSONString(r.View(f.role))
	if got != want {
		return fmt.Errorf("%s view after patch %s\n got %s\nwant %s", f.role, mustJSONString(p), got, want)
	}
	return nil
}

// leakPatch checks a non-moderator patch the way leak checks a view.
func leakPatch(r *Room, p *Patch) error {
	if p.Ledger != nil {
		return fmt.Errorf("ledger in a patch for the room")
	}
	v := View{Role: Participant, Questions: p.Questions, Polls: p.Polls, Counts: p.Counts}
	for _, q := range v.Questions {
		if !r.questions[q.ID-1].visible() || q.Author != "" || q.Reason != "" || q.Note != "" {
			return fmt.Errorf("patch shows question %d", q.ID)
		}
	}
	for id := range p.Votes {
		if !r.questions[id-1].visible() {
			return fmt.Errorf("patch counts votes for question %d", id)
		}
	}
	for id, tl := range p.Tallies {
		pl := r.polls[id-1]
		if pl.status == Draft || !pl.public() || (tl.Results != nil && !pl.resultsPublic()) {
			return fmt.Errorf("patch shows the tally of poll %d", id)
		}
	}
	for _, pl := range v.Polls {
		if pl.Status == Draft || (pl.Results != nil && !r.polls[pl.ID-1].resultsPublic()) || (pl.Correct != nil && pl.Status != PollEnded) {
			return fmt.Errorf("patch shows poll %d", pl.ID)
		}
	}
	if r.settings.HideCount && p.Counts != nil {
		return fmt.Errorf("patch shows hidden counts")
	}
	return ideaPatchLeak(r, p)
}

func TestPatchInvariant(t *testing.T) {
	// Build the busy meeting again, event by event, with followers of every
	// role at several tick lengths, then carry on with more changes.
	src := busyMeeting(t)
	r := New()
	var fs []*follower
	start := func() {
		for _, role := range []Role{Participant, Moderator, Screen} {
			for _, tick := range []int{1, 3, 1000} {
				fs = append(fs, newFollower(r, role, tick))
			}
		}
	}
	apply := func(ev Event) {
		t.Helper()
		if err := r.Apply(ev); err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if err := f.event(r, ev); err != nil {
				t.Fatalf("after %s (seq %d): %v", ev.Op, ev.Seq, err)
			}
		}
	}
	handle := func(a Actor, c Command) {
		t.Helper()
		ev, err := r.Handle(a, t0, c)
		if err != nil {
			t.Fatalf("%s: %v", c.Op, err)
		}
		for _, f := range fs {
			if err := f.event(r, ev); err != nil {
				t.Fatalf("after %s (seq %d): %v", ev.Op, ev.Seq, err)
			}
		}
	}
	apply(src.events[0])
	start()
	for _, ev := range src.events[1:] {
		apply(ev)
	}
	more := []step{
		{mod, Command{Op: OpSettings, Settings: &Settings{QAOpen: true, HideCount: true}}},
		{sys.as(dave.ID), Command{Op: OpJoin, Channel: Remote}},
		{mod, Command{Op: OpSettings, Settings: &Settings{QAOpen: true}}},
		{mod, Command{Op: OpReject, Question: 2, Reason: Duplicate}},         // was public and highlighted: gone
		{mod, Command{Op: OpApprove, Question: 2}},                           // back
		{mod, Command{Op: OpArchive, Question: 7}},                           // gone
		{mod, Command{Op: OpPollClose, Poll: 3}},                             // results public
		{mod, Command{Op: OpPollDelete, Poll: 1}},                            // a draft: moderators only
		{mod, Command{Op: OpPollVisibility, Poll: 5, Visibility: Live}},      // results appear
		{sys, Command{Op: OpReactions, Counts: map[Reaction]int{Louder: 2}}}, // reactions
		{mod, Command{Op: OpAgenda, Steps: []string{"Only"}}},
		{sys, Command{Op: OpPresenceReset}},
		{alice, Command{Op: OpRename, Name: "Al"}},
		{mod, Command{Op: OpEnd}},
		{mod, Command{Op: OpAnswer, Question: 2, Text: "written later"}},
	}
	for _, st := range more {
		handle(st.a, st.c)
	}
	for _, f := range fs {
		if err := f.flush(r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChanges(t *testing.T) {
	s := newMeeting(t, premod)
	var c Changes
	if c.Participants() != nil {
		t.Error("zero Changes has participants")
	}
	track := func(a Actor, cmd Command) Event {
		ev := s.do(a, cmd)
		s.r.Track(&c, ev)
		return ev
	}
	id := track(carol, Command{Op: OpAsk, Text: "pending"}).Question
	if p := s.r.Patch(Participant, &c); !p.Empty() {
		t.Errorf("a pending question patches participants: %+v", p)
	}
	if p := s.r.Patch(Moderator, &c); len(p.Questions) != 1 {
		t.Errorf("moderator patch %+v", p)
	}
	if got := c.Participants(); !slices.Equal(got, []string{carol.ID}) {
		t.Errorf("participants %v", got)
	}
	c.Reset()
	track(mod, Command{Op: OpApprove, Question: id})
	track(bob, Command{Op: OpUpvote, Question: id})
	track(alice, Command{Op: OpUpvote, Question: id})
	if got := c.Participants(); !slices.Equal(got, []string{alice.ID, bob.ID, carol.ID}) {
		t.Errorf("participants %v (the author's Mine shows the votes)", got)
	}
	p := s.r.Patch(Participant, &c)
	if len(p.Questions) != 1 || p.Questions[0].Votes != 2 || p.Meeting != nil || p.Ledger != nil {
		t.Errorf("participant patch %+v", p)
	}
	if p := s.r.Patch(Moderator, &c); len(p.Ledger) != 1 || p.Ledger[0].Op != OpApprove {
		t.Errorf("moderator ledger %+v", p.Ledger)
	}
	c.Reset()
	if p := s.r.Patch(Moderator, &c); !p.Empty() || c.Participants() != nil {
		t.Errorf("after Reset: %+v", p)
	}

	// A tick of upvotes alone sends counts, not questions.
	track(bob, Command{Op: OpUnvote, Question: id})
	track(carol, Command{Op: OpUpvote, Question: id})
	for _, role := range []Role{Participant, Moderator, Screen} {
		if p := s.r.Patch(role, &c); p.Questions != nil || len(p.Votes) != 1 || p.Votes[id] != 2 {
			t.Errorf("%s patch after upvotes: %+v", role, p)
		}
	}
	// An upvote, then the question archived in the same tick: it goes.
	track(alice, Command{Op: OpUnvote, Question: id})
	track(mod, Command{Op: OpArchive, Question: id})
	if p := s.r.Patch(Participant, &c); p.Votes != nil || !slices.Equal(p.Gone, []QuestionID{id}) {
		t.Errorf("participant patch after upvote and archive: %+v", p)
	}
	c.Reset()

	// VoterResults: AfterVoting polls, open, to those who voted.
	poll := track(mod, Command{Op: OpPollCreate, Kind: Single, Text: "p", Options: []string{"a", "b"}, Visibility: AfterVoting}).Poll
	track(mod, Command{Op: OpPollOpen, Poll: poll})
	if vr := s.r.VoterResults(&c); vr != nil {
		t.Errorf("results before any ballot: %v", vr)
	}
	track(alice, Command{Op: OpVote, Poll: poll, Choices: []int{1}})
	vr := s.r.VoterResults(&c)
	if r, ok := vr[poll]; !ok || !slices.Equal(r.Tally, []int{0, 1}) {
		t.Errorf("voter results %v", vr)
	}
	if p := s.r.Patch(Participant, &c); p.Polls[0].Results != nil {
		t.Error("voted-only results in the shared patch")
	}
	// A tick of ballots alone: the tally, not the poll; results to voters.
	c.Reset()
	track(bob, Command{Op: OpVote, Poll: poll, Choices: []int{0}})
	if vr := s.r.VoterResults(&c); !slices.Equal(vr[poll].Tally, []int{1, 1}) {
		t.Errorf("voter results after a ballot alone: %v", vr)
	}
	if p := s.r.Patch(Participant, &c); p.Polls != nil || p.Tallies[poll] != (Tally{Ballots: 2}) {
		t.Errorf("participant patch after a ballot: %+v", p)
	}
	if p := s.r.Patch(Moderator, &c); p.Tallies[poll].Results == nil || !slices.Equal(p.Tallies[poll].Results.Tally, []int{1, 1}) {
		t.Errorf("moderator patch after a ballot: %+v", p)
	}
	c.Reset()
	track(mod, Command{Op: OpPollClose, Poll: poll})
	if vr := s.r.VoterResults(&c); vr != nil {
		t.Errorf("results public, still sent to voters: %v", vr)
	}
	if got := c.Participants(); !slices.Equal(got, []string{alice.ID, bob.ID}) {
		t.Errorf("closing must refresh voters' Mine: %v", got)
	}
}
