package room

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// busyMeeting is a meeting with a question and a poll in every state.
func busyMeeting(t testing.TB) *script {
	s := newMeeting(t, premod)
	// Questions 1..7: alice's pending, bob's live, carol's rejected, alice's
	// withdrawn, bob's merged into 2, carol's archived, alice's answered.
	s.ask(alice, "Pending by alice")
	s.ask(bob, "Live by bob")
	s.do(mod, Command{Op: OpApprove, Question: 2})
	s.ask(carol, "Rejected by carol")
	s.do(mod, Command{Op: OpReject, Question: 3, Reason: Abusive, Note: "insults"})
	s.ask(alice, "Withdrawn by alice")
	s.do(alice, Command{Op: OpWithdraw, Question: 4})
	s.ask(bob, "Merged by bob")
	s.do(mod, Command{Op: OpMerge, Question: 5, Into: 2})
	s.ask(carol, "Archived by carol")
	s.do(mod, Command{Op: OpApprove, Question: 6})
	s.do(mod, Command{Op: OpArchive, Question: 6})
	s.ask(alice, "Answered by alice")
	s.do(mod, Command{Op: OpApprove, Question: 7})
	s.do(mod, Command{Op: OpAnswer, Question: 7, Text: "done"})
	s.do(carol, Command{Op: OpUpvote, Question: 2})
	s.do(mod, Command{Op: OpHighlight, Question: 2})
	// Polls 1..5: a draft, and open polls of each visibility.
	s.do(mod, Command{Op: OpPollCreate, Kind: Single, Text: "Draft", Options: []string{"a", "b"}})
	for _, v := range []Visibility{Live, AfterVoting, AfterClose, Hidden} {
		id := s.do(mod, Command{Op: OpPollCreate, Kind: Single, Text: string(v), Options: []string{"a", "b"}, Visibility: v}).Poll
		s.do(mod, Command{Op: OpPollOpen, Poll: id})
		s.do(alice, Command{Op: OpVote, Poll: id, Choices: []int{1}})
	}
	s.do(mod, Command{Op: OpPollShow, Poll: 3})
	return s
}

func TestVisibility(t *testing.T) {
	s := busyMeeting(t)
	ids := func(qs []QuestionView) []QuestionID {
		var out []QuestionID
		for _, q := range qs {
			out = append(out, q.ID)
		}
		return out
	}
	withResults := func(ps []PollView) []PollID {
		var out []PollID
		for _, p := range ps {
			if p.Results != nil {
				out = append(out, p.ID)
			}
		}
		return out
	}

	part, scr, modv := s.r.View(Participant), s.r.View(Screen), s.r.View(Moderator)
	if got := ids(part.Questions); !slices.Equal(got, []QuestionID{2, 7}) {
		t.Errorf("participant sees questions %v, want [2 7]", got)
	}
	if got := ids(modv.Questions); len(got) != 7 {
		t.Errorf("moderator sees questions %v", got)
	}
	if mustJSON(t, part.Questions) != mustJSON(t, scr.Questions) || mustJSON(t, part.Polls) != mustJSON(t, scr.Polls) {
		t.Error("participants and the screen see different things")
	}
	if len(part.Polls) != 4 || len(modv.Polls) != 5 {
		t.Errorf("polls: participant %d, moderator %d", len(part.Polls), len(modv.Polls))
	}
	if got := withResults(part.Polls); !slices.Equal(got, []PollID{2}) {
		t.Errorf("participant sees results of %v, want only the live poll 2", got)
	}
	if got := withResults(modv.Polls); len(got) != 5 {
		t.Errorf("moderator sees results of %v", got)
	}
	if part.Meeting.Refused[Abusive] != 1 || part.Meeting.Highlight != 2 || scr.Meeting.ScreenPoll != 3 || scr.Meeting.Code != "ABC234" {
		t.Errorf("meeting %+v", part.Meeting)
	}
	if len(modv.Ledger) == 0 || part.Ledger != nil || scr.Ledger != nil {
		t.Error("the ledger is for moderators only")
	}
	for _, pid := range []string{alice.ID, bob.ID, carol.ID, dave.ID} {
		mine := s.r.Mine(pid)
		if err := leak(s.r, part, &mine, pid); err != nil {
			t.Error(err)
		}
	}
	if err := leak(s.r, scr, nil, ""); err != nil {
		t.Error(err)
	}

	// Mine: alice sees her own questions in every status, her ballots, and
	// the results of the AfterVoting poll she voted in.
	mine := s.r.Mine(alice.ID)
	if got := ids(mine.Questions); !slices.Equal(got, []QuestionID{1, 4, 7}) {
		t.Errorf("alice's questions %v", got)
	}
	if len(mine.Ballots) != 4 || !slices.Equal(mine.Ballots[3].Choices, []int{1}) {
		t.Errorf("alice's ballots %v", mine.Ballots)
	}
	if _, ok := mine.Results[3]; !ok || len(mine.Results) != 1 {
		t.Errorf("alice's results %v, want poll 3 only", mine.Results)
	}
	if !s.r.HasBallot(alice.ID, 3) || s.r.HasBallot(bob.ID, 3) || s.r.HasBallot(alice.ID, 1) || s.r.HasBallot(alice.ID, 99) {
		t.Error("HasBallot")
	}
	carolMine := s.r.Mine(carol.ID)
	if q := carolMine.Questions[0]; q.Status != Rejected || q.Reason != Abusive || q.Note != "insults" {
		t.Errorf("carol does not see why her question was refused: %+v", q)
	}
	if !slices.Equal(carolMine.Upvoted, []QuestionID{2}) || carolMine.Results != nil {
		t.Errorf("carol's Mine %+v", carolMine)
	}
	if m := s.r.Mine(dave.ID); m.Questions == nil || m.Upvoted == nil || m.Ballots == nil {
		t.Errorf("an unknown participant's Mine must encode empty lists: %+v", m)
	}

	// Closing makes AfterVoting and AfterClose results public; Hidden stays
	// hidden.
	for _, id := range []PollID{3, 4, 5} {
		s.do(mod, Command{Op: OpPollClose, Poll: id})
	}
	if got := withResults(s.r.View(Participant).Polls); !slices.Equal(got, []PollID{2, 3, 4}) {
		t.Errorf("after close, participant sees results of %v, want [2 3 4]", got)
	}
	if m := s.r.Mine(alice.ID); m.Results != nil {
		t.Errorf("results public, yet in Mine: %v", m.Results)
	}

	// Hidden counts.
	s.do(mod, Command{Op: OpSettings, Settings: &Settings{QAOpen: true, HideCount: true}})
	if s.r.View(Participant).Counts != nil || s.r.View(Screen).Counts != nil || s.r.View(Moderator).Counts == nil {
		t.Error("HideCount")
	}
}

func TestReplayDigest(t *testing.T) {
	s := busyMeeting(t)
	digests := []([32]byte){New().Digest()}
	r := New()
	for _, ev := range s.events {
		if err := r.Apply(ev); err != nil {
			t.Fatalf("apply %d: %v", ev.Seq, err)
		}
		digests = append(digests, r.Digest())
	}
	if r.Digest() != s.r.Digest() {
		t.Fatal("applying the log gives another state")
	}
	for k := range len(s.events) + 1 {
		re, err := Replay(s.events[:k])
		if err != nil {
			t.Fatal(err)
		}
		if re.Digest() != digests[k] {
			t.Fatalf("replay of %d events differs", k)
		}
	}
	if digests[len(digests)-1] == digests[len(digests)-2] {
		t.Fatal("an event did not change the digest")
	}
	if mustJSON(t, r.View(Moderator)) != mustJSON(t, s.r.View(Moderator)) {
		t.Fatal("replayed view differs")
	}
}

// The log is stored as JSON: decoding it must give back the same state.
func TestEventJSONRoundTrip(t *testing.T) {
	s := busyMeeting(t)
	s.do(sys, Command{Op: OpReactions, Counts: map[Reaction]int{Agree: 4}})
	s.do(sys.as(bob.ID), Command{Op: OpLeave})
	b, err := json.Marshal(s.events)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	if err := json.Unmarshal(b, &evs); err != nil {
		t.Fatal(err)
	}
	re, err := Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	if re.Digest() != s.r.Digest() {
		t.Fatal("the JSON log replays to another state")
	}
}

func TestApplyRefusesForgedEvents(t *testing.T) {
	s := newMeeting(t, nil)
	s.ask(alice, "Real question")
	s.do(mod, Command{Op: OpPollCreate, Kind: Single, Text: "p", Options: []string{"a", "b"}})
	next := s.r.Seq() + 1
	for _, tc := range []struct {
		name string
		ev   Event
		err  error
	}{
		{"gap", Event{Seq: next + 1, Actor: mod, Command: Command{Op: OpStart}}, ErrSequence},
		{"replayed", Event{Seq: next - 1, Actor: mod, Command: Command{Op: OpEnd}}, ErrSequence},
		{"second create", Event{Seq: next, Actor: sys, Command: Command{Op: OpCreate, Title: "T", Code: "ABCD"}}, ErrInvalid},
		{"upvote unknown", Event{Seq: next, Actor: bob, Command: Command{Op: OpUpvote, Question: 9}}, ErrInvalid},
		{"ask with a wrong id", Event{Seq: next, Actor: bob, Command: Command{Op: OpAsk, Text: "x", Question: 7}}, ErrInvalid},
		{"poll with a wrong id", Event{Seq: next, Actor: mod, Command: Command{Op: OpPollCreate, Kind: Open, Text: "x", Poll: 1}}, ErrInvalid},
		{"vote on a draft", Event{Seq: next, Actor: bob, Command: Command{Op: OpVote, Poll: 1, Choices: []int{0}}}, ErrInvalid},
		{"participant moderating", Event{Seq: next, Actor: bob, Command: Command{Op: OpApprove, Question: 1}}, ErrInvalid},
		{"bad text", Event{Seq: next, Actor: bob, Command: Command{Op: OpAsk, Question: 2, Text: "\u202e"}}, ErrInvalid},
		{"stranger", Event{Seq: next, Actor: dave, Command: Command{Op: OpAsk, Question: 2, Text: "x"}}, ErrNotJoined},
	} {
		before := s.r.Digest()
		err := s.r.Apply(tc.ev)
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.err)
		}
		if s.r.Digest() != before {
			t.Errorf("%s: a refused event changed the room", tc.name)
		}
	}
	// Replay stops at the first bad event.
	bad := append(slices.Clone(s.events), Event{Seq: next, Actor: bob, Command: Command{Op: OpUnvote, Question: 1}})
	if _, err := Replay(bad); !errors.Is(err, ErrAlready) {
		t.Errorf("replay of a bad log: %v", err)
	}
}

// Decide must not write into the caller's command.
func TestDecideKeepsTheCommand(t *testing.T) {
	s := newMeeting(t, nil)
	id := s.do(mod, Command{Op: OpPollCreate, Kind: Multiple, Text: "p", Options: []string{"a", "b", "c"}}).Poll
	s.do(mod, Command{Op: OpPollOpen, Poll: id})
	choices := []int{2, 0}
	steps := []string{" a ", "b"}
	settings := &Settings{QAOpen: true, StreamURL: " https://example.org "}
	s.do(alice, Command{Op: OpVote, Poll: id, Choices: choices})
	s.do(mod, Command{Op: OpAgenda, Steps: steps})
	s.do(mod, Command{Op: OpSettings, Settings: settings})
	if !slices.Equal(choices, []int{2, 0}) || steps[0] != " a " || settings.StreamURL != " https://example.org " {
		t.Errorf("the caller's command was changed: %v %q %q", choices, steps, settings.StreamURL)
	}
	// Fields the op does not read never reach the log.
	ev := s.do(bob, Command{Op: OpUpvote, Question: 0 + s.ask(carol, "q"), Text: "junk", Name: "junk", Poll: 3})
	if ev.Text != "" || ev.Name != "" || ev.Poll != 0 {
		t.Errorf("stray fields in the event: %+v", ev.Command)
	}
}

// TestDigestStable pins the digest of the busy meeting: a log exported by
// an earlier Tribune carries its final digest, and `tribune verify` must
// still recompute it. A field added to the state is written into the
// digest only when set, so that this value never changes.
func TestDigestStable(t *testing.T) {
	s := busyMeeting(t)
	d := s.r.Digest()
	if got := hex.EncodeToString(d[:]); got != "a33ab1c88de84e977d0daa6d27302d70c88a0341f82c94fa132a36ce3d72253c" {
		t.Fatalf("the busy meeting's digest is %s: the canonical encoding changed, and logs exported before no longer verify", got)
	}
	// The later fields count once set.
	for _, set := range []func(*Settings){
		func(st *Settings) { st.SignURL = "https://example.org/lsf" },
		func(st *Settings) { st.CaptionsURL = "https://example.org/captions" },
	} {
		a, b := busyMeeting(t), busyMeeting(t)
		cur := a.r.View(Moderator).Meeting.Settings
		a.do(mod, Command{Op: OpSettings, Settings: &cur})
		with := cur
		set(&with)
		b.do(mod, Command{Op: OpSettings, Settings: &with})
		if a.r.Digest() == b.r.Digest() {
			t.Errorf("settings %+v and %+v give the same digest", cur, with)
		}
	}
	// So do a speaker's time and an announcement's end.
	for _, c := range []Command{{Op: OpAnnounce, Text: "Break", Seconds: 60}, {Op: OpFloorCall, Floor: 1, Seconds: 60}} {
		a, b := busyMeeting(t), busyMeeting(t)
		if c.Op == OpFloorCall {
			for _, s := range []*script{a, b} {
				s.do(alice, Command{Op: OpFloorRequest})
			}
		}
		without := c
		without.Seconds = 0
		a.do(mod, without)
		b.do(mod, c)
		if a.r.Digest() == b.r.Digest() {
			t.Errorf("%s with and without seconds give the same digest", c.Op)
		}
	}
}
