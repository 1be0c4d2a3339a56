package room

import (
	"slices"
	"testing"
)

// TestFloor: participants in the room and remote ask to speak on the same
// footing; the moderators give the floor in turn; everyone sees the line,
// and each participant where they stand.
func TestFloor(t *testing.T) {
	s := newMeeting(t, nil)
	line := func() []FloorID {
		var ids []FloorID
		for _, f := range s.r.View(Screen).Meeting.Floor {
			ids = append(ids, f.ID)
		}
		return ids
	}
	a := s.do(alice, Command{Op: OpFloorRequest, Text: " On the library budget "}).Floor
	b := s.do(bob, Command{Op: OpFloorRequest}).Floor
	c := s.do(carol, Command{Op: OpFloorRequest, Text: "Parking"}).Floor
	if !slices.Equal(line(), []FloorID{a, b, c}) {
		t.Fatalf("line %v", line())
	}
	if f := s.r.View(Participant).Meeting.Floor[1]; f.Name != "Bob" || f.Channel != Remote || f.Status != FloorWaiting {
		t.Errorf("bob's request as everyone sees it: %+v", f)
	}
	if got := s.r.View(Participant).Meeting.Floor[0].Topic; got != "On the library budget" {
		t.Errorf("topic %q", got)
	}
	if s.r.Mine(bob.ID).Floor != b || s.r.Mine(dave.ID).Floor != 0 {
		t.Error("Mine.Floor")
	}
	s.refuse(bob, Command{Op: OpFloorRequest}, ErrAlready)
	s.refuse(alice, Command{Op: OpFloorWithdraw, Floor: b}, ErrForbidden)
	s.refuse(alice, Command{Op: OpFloorCall, Floor: a}, ErrForbidden)
	s.refuse(mod, Command{Op: OpFloorDone, Floor: a}, ErrState)
	s.refuse(mod, Command{Op: OpFloorCall, Floor: 9}, ErrNoFloor)

	s.do(mod, Command{Op: OpFloorCall, Floor: b}) // out of order: the moderator decides
	if !slices.Equal(line(), []FloorID{b, a, c}) || s.r.View(Participant).Meeting.Floor[0].Status != FloorSpeaking {
		t.Fatalf("after calling bob: %v", line())
	}
	s.do(mod, Command{Op: OpFloorCall, Floor: a}) // bob is done
	if !slices.Equal(line(), []FloorID{a, c}) || s.r.Mine(bob.ID).Floor != 0 {
		t.Fatalf("after calling alice: %v", line())
	}
	s.do(carol, Command{Op: OpFloorWithdraw, Floor: c})
	s.refuse(mod, Command{Op: OpFloorCall, Floor: c}, ErrState)
	s.do(mod, Command{Op: OpFloorDone, Floor: a})
	if line() != nil {
		t.Fatalf("after alice is done: %v", line())
	}
	// Done, bob may ask again; a dropped request leaves the line.
	b2 := s.do(bob, Command{Op: OpFloorRequest}).Floor
	s.do(mod, Command{Op: OpFloorDrop, Floor: b2})
	got := []FloorStatus{}
	for _, f := range s.r.Floor() {
		got = append(got, f.Status)
	}
	if want := []FloorStatus{FloorDone, FloorDone, FloorWithdrawn, FloorDropped}; !slices.Equal(got, want) {
		t.Errorf("the record %v, want %v", got, want)
	}
	if f := s.r.Floor()[1]; f.CalledAt == 0 || f.DoneAt == 0 || f.DoneAt < f.CalledAt {
		t.Errorf("bob's times %+v", f)
	}

	// Not before the meeting starts, nor after it ends; its end ends the
	// speech under way.
	early := newScript(t, nil)
	early.do(sys.as(alice.ID), Command{Op: OpJoin, Channel: InRoom})
	early.refuse(alice, Command{Op: OpFloorRequest}, ErrState)
	last := s.do(carol, Command{Op: OpFloorRequest}).Floor
	s.do(mod, Command{Op: OpFloorCall, Floor: last})
	still := s.do(alice, Command{Op: OpFloorRequest}).Floor
	var changes Changes
	end := s.do(mod, Command{Op: OpEnd})
	s.r.Track(&changes, end)
	if f := s.r.Floor()[last-1]; f.Status != FloorDone || f.DoneAt != end.At || s.r.View(Screen).Meeting.Floor != nil || s.r.Mine(carol.ID).Floor != 0 {
		t.Errorf("after the end: %+v, line %v", f, s.r.View(Screen).Meeting.Floor)
	}
	if !slices.Contains(changes.Participants(), carol.ID) || !slices.Contains(changes.Participants(), alice.ID) {
		t.Errorf("the speaker's and the waiting one's Mine not refreshed at the end: %v", changes.Participants())
	}
	// Who was still waiting stays so in the record, out of any line.
	if f := s.r.Floor()[still-1]; f.Status != FloorWaiting || s.r.Mine(alice.ID).Floor != 0 {
		t.Errorf("still waiting at the end: %+v, Mine %d", f, s.r.Mine(alice.ID).Floor)
	}
	s.refuse(alice, Command{Op: OpFloorRequest}, ErrEnded)
}

// TestFloorTime: the moderator may give a speaker a time; everyone's view
// carries it with the time the floor was given, so that pages count down.
func TestFloorTime(t *testing.T) {
	s := newMeeting(t, nil)
	a := s.do(alice, Command{Op: OpFloorRequest}).Floor
	b := s.do(bob, Command{Op: OpFloorRequest}).Floor
	for _, tc := range []struct {
		name    string
		cmd     Command
		err     error
		seconds int
	}{
		{"more than an hour", Command{Op: OpFloorCall, Floor: a, Seconds: MaxSpeakingSeconds + 1}, ErrInvalid, 0},
		{"negative", Command{Op: OpFloorCall, Floor: a, Seconds: -5}, ErrInvalid, 0},
		{"by a participant", Command{Op: OpFloorCall, Floor: a, Seconds: 60}, ErrForbidden, 0},
		{"two minutes", Command{Op: OpFloorCall, Floor: a, Seconds: 120}, nil, 120},
		{"no limit", Command{Op: OpFloorCall, Floor: b}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor := mod
			if tc.err == ErrForbidden {
				actor = alice
			}
			if tc.err != nil {
				s.refuse(actor, tc.cmd, tc.err)
				return
			}
			ev := s.do(actor, tc.cmd)
			if ev.Seconds != tc.seconds {
				t.Errorf("event seconds %d, want %d", ev.Seconds, tc.seconds)
			}
			for _, role := range []Role{Participant, Screen, Moderator} {
				f := s.r.View(role).Meeting.Floor[0]
				if f.ID != tc.cmd.Floor || f.Status != FloorSpeaking || f.CalledAt != ev.At || f.Seconds != tc.seconds {
					t.Errorf("%s sees %+v", role, f)
				}
			}
		})
	}
	// The time given stays in the record; done and drop take no time.
	if f := s.r.Floor()[a-1]; f.Status != FloorDone || f.Seconds != 120 {
		t.Errorf("alice's record %+v", f)
	}
	if ev := s.do(mod, Command{Op: OpFloorDone, Floor: b, Seconds: 30}); ev.Seconds != 0 {
		t.Errorf("floor.done kept seconds %d", ev.Seconds)
	}
	s.checkReplay()
}
