package room

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCreate(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name  string
		actor Actor
		cmd   Command
		err   error
		check func(t *testing.T, r *Room)
	}{
		{name: "defaults", actor: sys, cmd: Command{Op: OpCreate, Title: "  Town hall ", Code: "ABCD"},
			check: func(t *testing.T, r *Room) {
				v := r.View(Moderator)
				if v.Meeting.Title != "Town hall" || v.Meeting.Status != Scheduled || v.Meeting.Step != -1 {
					t.Errorf("meeting %+v", v.Meeting)
				}
				if v.Meeting.Settings != defaultSettings {
					t.Errorf("settings %+v, want the defaults", v.Meeting.Settings)
				}
				if r.Code() != "ABCD" || r.Title() != "Town hall" || r.Status() != Scheduled {
					t.Errorf("accessors %q %q %q", r.Code(), r.Title(), r.Status())
				}
			}},
		{name: "agenda starts at step 0", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Steps: []string{"a", "b"}},
			check: func(t *testing.T, r *Room) {
				if s := r.View(Screen).Meeting.Step; s != 0 {
					t.Errorf("step %d", s)
				}
			}},
		{name: "settings kept", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{PreModeration: true, MaxLength: 500, StreamURL: " https://example.org/live "}},
			check: func(t *testing.T, r *Room) {
				want := Settings{PreModeration: true, MaxLength: 500, StreamURL: "https://example.org/live"}
				if got := r.View(Moderator).Meeting.Settings; got != want {
					t.Errorf("settings %+v", got)
				}
			}},
		{name: "moderator may not create", actor: mod, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD"}, err: ErrForbidden},
		{name: "participant may not create", actor: alice, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD"}, err: ErrForbidden},
		{name: "no title", actor: sys, cmd: Command{Op: OpCreate, Title: "  ", Code: "ABCD"}, err: ErrEmpty},
		{name: "title too long", actor: sys, cmd: Command{Op: OpCreate, Title: long(121), Code: "ABCD"}, err: ErrTooLong},
		{name: "title with a line break", actor: sys, cmd: Command{Op: OpCreate, Title: "a\nb", Code: "ABCD"}, err: ErrControlChar},
		{name: "description too long", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Text: long(2001), Code: "ABCD"}, err: ErrTooLong},
		{name: "code too short", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABC"}, err: ErrInvalid},
		{name: "code lower case", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "abcd"}, err: ErrInvalid},
		{name: "code too long", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCDEFGHJKLMN"}, err: ErrInvalid},
		{name: "empty step", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Steps: []string{"a", " "}}, err: ErrEmpty},
		{name: "too many steps", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Steps: make([]string, 51)}, err: ErrInvalid},
		{name: "bad max length", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{MaxLength: 19}}, err: ErrInvalid},
		{name: "stream not http", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{StreamURL: "javascript:alert(1)"}}, err: ErrInvalid},
		{name: "sign-language and captions links kept", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{SignURL: " https://example.org/lsf ", CaptionsURL: "https://captions.example.org/t"}},
			check: func(t *testing.T, r *Room) {
				got := r.View(Participant).Meeting.Settings
				if got.SignURL != "https://example.org/lsf" || got.CaptionsURL != "https://captions.example.org/t" {
					t.Errorf("settings %+v", got)
				}
			}},
		{name: "sign-language link not http", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{SignURL: "javascript:alert(1)"}}, err: ErrInvalid},
		{name: "captions link with a line break", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{CaptionsURL: "https://a.org/\nb"}}, err: ErrControlChar},
		{name: "stream too long", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD", Settings: &Settings{StreamURL: "https://x.org/" + long(500)}}, err: ErrTooLong},
		{name: "unknown op", actor: sys, cmd: Command{Op: "room.explode"}, err: ErrUnknownOp},
		{name: "nothing before create", actor: mod, cmd: Command{Op: OpStart}, err: ErrState},
		{name: "no join before create", actor: sys.as("p"), cmd: Command{Op: OpJoin, Channel: InRoom}, err: ErrState},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := New()
			_, err := r.Handle(tc.actor, t0, tc.cmd)
			if !errors.Is(err, tc.err) || (err != nil && tc.err == nil) {
				t.Fatalf("got %v, want %v", err, tc.err)
			}
			if err != nil {
				if r.Seq() != 0 || r.Digest() != New().Digest() {
					t.Fatal("a refused create changed the room")
				}
				return
			}
			tc.check(t, r)
		})
	}
}

func TestMeetingOps(t *testing.T) {
	ended := func(s *script) { s.do(mod, Command{Op: OpEnd}) }
	runOps(t, []opCase{
		{name: "create twice", actor: sys, cmd: Command{Op: OpCreate, Title: "T", Code: "ABCD"}, err: ErrState},
		{name: "unknown op", actor: mod, cmd: Command{Op: "nope"}, err: ErrUnknownOp},
		{name: "screen may do nothing", actor: screen, cmd: Command{Op: OpAnnounce, Text: "hi"}, err: ErrForbidden},
		{name: "no role", actor: Actor{ID: "x"}, cmd: Command{Op: OpAnnounce, Text: "hi"}, err: ErrForbidden},
		{name: "participant may not moderate", actor: alice, cmd: Command{Op: OpAnnounce, Text: "hi"}, err: ErrForbidden},
		{name: "system may not moderate", actor: sys, cmd: Command{Op: OpEnd}, err: ErrForbidden},
		{name: "react is never decided", actor: alice, cmd: Command{Op: OpReact, Reaction: Applause}, err: ErrInvalid},
		{name: "react is never decided, moderator", actor: mod, cmd: Command{Op: OpReact, Reaction: Applause}, err: ErrInvalid},

		{name: "edit", actor: mod, cmd: Command{Op: OpEdit, Title: "New title", Text: "line 1\nline 2 "},
			check: func(t *testing.T, s *script, ev Event) {
				m := s.r.View(Participant).Meeting
				if m.Title != "New title" || m.Description != "line 1\nline 2" {
					t.Errorf("meeting %q %q", m.Title, m.Description)
				}
			}},
		{name: "edit without title", actor: mod, cmd: Command{Op: OpEdit, Text: "d"}, err: ErrEmpty},
		{name: "edit with bidi", actor: mod, cmd: Command{Op: OpEdit, Title: "a\u202eb"}, err: ErrControlChar},
		{name: "edit with invalid UTF-8", actor: mod, cmd: Command{Op: OpEdit, Title: "a\xffb"}, err: ErrInvalidUTF8},

		{name: "settings", actor: mod, cmd: Command{Op: OpSettings, Settings: &Settings{QAOpen: false, HideCount: true, MaxLength: 2000}},
			check: func(t *testing.T, s *script, ev Event) {
				if got := s.r.View(Moderator).Meeting.Settings; got != (Settings{HideCount: true, MaxLength: 2000}) {
					t.Errorf("settings %+v", got)
				}
				if s.r.View(Participant).Counts != nil || s.r.View(Screen).Counts != nil {
					t.Error("hidden counts shown")
				}
				if s.r.View(Moderator).Counts == nil {
					t.Error("counts hidden from the moderator")
				}
			}},
		{name: "settings missing", actor: mod, cmd: Command{Op: OpSettings}, err: ErrInvalid},
		{name: "settings max length too big", actor: mod, cmd: Command{Op: OpSettings, Settings: &Settings{MaxLength: 2001}}, err: ErrInvalid},
		{name: "settings stream without host", actor: mod, cmd: Command{Op: OpSettings, Settings: &Settings{StreamURL: "https://"}}, err: ErrInvalid},
		{name: "settings stream with control", actor: mod, cmd: Command{Op: OpSettings, Settings: &Settings{StreamURL: "https://a.org/\x01"}}, err: ErrControlChar},

		{name: "start twice", actor: mod, cmd: Command{Op: OpStart}, err: ErrState},
		{name: "end", actor: mod, cmd: Command{Op: OpEnd},
			check: func(t *testing.T, s *script, ev Event) {
				if s.r.Status() != Ended {
					t.Errorf("status %s", s.r.Status())
				}
			}},
		{name: "end twice", setup: ended, actor: mod, cmd: Command{Op: OpEnd}, err: ErrEnded},
		{name: "nothing after end", setup: ended, actor: mod, cmd: Command{Op: OpAnnounce, Text: "x"}, err: ErrEnded},
		{name: "no question after end", setup: ended, actor: alice, cmd: Command{Op: OpAsk, Text: "x"}, err: ErrEnded},
		{name: "no join after end", setup: ended, actor: sys.as("late"), cmd: Command{Op: OpJoin, Channel: Remote}, err: ErrEnded},
		{name: "leave after end", setup: ended, actor: sys.as(alice.ID), cmd: Command{Op: OpLeave}},
		{name: "presence reset after end", setup: ended, actor: sys, cmd: Command{Op: OpPresenceReset}},

		{name: "agenda", actor: mod, cmd: Command{Op: OpAgenda, Steps: []string{" One ", "Two"}},
			check: func(t *testing.T, s *script, ev Event) {
				m := s.r.View(Screen).Meeting
				if len(m.Agenda) != 2 || m.Agenda[0] != "One" || m.Step != 0 {
					t.Errorf("agenda %q step %d", m.Agenda, m.Step)
				}
			}},
		{name: "agenda shrinks under the step", setup: func(s *script) { s.do(mod, Command{Op: OpGoto, Step: 2}) },
			actor: mod, cmd: Command{Op: OpAgenda, Steps: []string{"One"}},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.View(Screen).Meeting; m.Step != -1 {
					t.Errorf("step %d, want -1", m.Step)
				}
			}},
		{name: "agenda cleared", actor: mod, cmd: Command{Op: OpAgenda},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.View(Screen).Meeting; m.Step != -1 || m.Agenda == nil || len(m.Agenda) != 0 {
					t.Errorf("agenda %v step %d", m.Agenda, m.Step)
				}
			}},
		{name: "agenda step too long", actor: mod, cmd: Command{Op: OpAgenda, Steps: []string{strings.Repeat("é", 121)}}, err: ErrTooLong},
		{name: "goto", actor: mod, cmd: Command{Op: OpGoto, Step: 2},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.View(Participant).Meeting; m.Step != 2 {
					t.Errorf("step %d", m.Step)
				}
			}},
		{name: "goto none", actor: mod, cmd: Command{Op: OpGoto, Step: -1}},
		{name: "goto past the end", actor: mod, cmd: Command{Op: OpGoto, Step: 3}, err: ErrInvalid},
		{name: "goto below -1", actor: mod, cmd: Command{Op: OpGoto, Step: -2}, err: ErrInvalid},
		{name: "goto current", actor: mod, cmd: Command{Op: OpGoto, Step: 0}, err: ErrAlready},

		{name: "outcome", actor: mod, cmd: Command{Op: OpOutcome, Step: 1, Text: " The tables go online in March. "},
			check: func(t *testing.T, s *script, ev Event) {
				m := s.r.View(Participant).Meeting
				if !slices.Equal(m.Outcomes, []string{"", "The tables go online in March.", ""}) {
					t.Errorf("outcomes %q", m.Outcomes)
				}
			}},
		{name: "outcome after the end", setup: ended, actor: mod, cmd: Command{Op: OpOutcome, Step: 0, Text: "Written after"}},
		{name: "outcome cleared", setup: func(s *script) { s.do(mod, Command{Op: OpOutcome, Step: 2, Text: "x"}) },
			actor: mod, cmd: Command{Op: OpOutcome, Step: 2, Text: "  "},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.View(Screen).Meeting; m.Outcomes != nil {
					t.Errorf("outcomes %q, want none", m.Outcomes)
				}
			}},
		{name: "outcome follows its step's title", setup: func(s *script) { s.do(mod, Command{Op: OpOutcome, Step: 1, Text: "Budget passed"}) },
			actor: mod, cmd: Command{Op: OpAgenda, Steps: []string{"Budget", "Opening", "Vote"}},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.View(Participant).Meeting; !slices.Equal(m.Outcomes, []string{"Budget passed", "", ""}) {
					t.Errorf("outcomes %q", m.Outcomes)
				}
			}},
		{name: "outcome goes with its step", setup: func(s *script) { s.do(mod, Command{Op: OpOutcome, Step: 1, Text: "Budget passed"}) },
			actor: mod, cmd: Command{Op: OpAgenda, Steps: []string{"Opening", "Vote"}},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.View(Participant).Meeting; m.Outcomes != nil {
					t.Errorf("outcomes %q, want none", m.Outcomes)
				}
			}},
		{name: "outcome by a participant", actor: alice, cmd: Command{Op: OpOutcome, Step: 0, Text: "x"}, err: ErrForbidden},
		{name: "outcome of no step", actor: mod, cmd: Command{Op: OpOutcome, Step: 3, Text: "x"}, err: ErrInvalid},
		{name: "outcome of step -1", actor: mod, cmd: Command{Op: OpOutcome, Step: -1, Text: "x"}, err: ErrInvalid},
		{name: "outcome unchanged", setup: func(s *script) { s.do(mod, Command{Op: OpOutcome, Step: 0, Text: "x"}) },
			actor: mod, cmd: Command{Op: OpOutcome, Step: 0, Text: "x"}, err: ErrAlready},
		{name: "outcome too long", actor: mod, cmd: Command{Op: OpOutcome, Step: 0, Text: strings.Repeat("x", 2001)}, err: ErrTooLong},
		{name: "outcome with a control character", actor: mod, cmd: Command{Op: OpOutcome, Step: 0, Text: "a\a"}, err: ErrControlChar},

		{name: "announce", actor: mod, cmd: Command{Op: OpAnnounce, Text: " Break in 5 minutes\n "},
			check: func(t *testing.T, s *script, ev Event) {
				a := s.r.View(Participant).Meeting.Announcements
				if len(a) != 1 || a[0] != (Announcement{ID: 1, Text: "Break in 5 minutes", At: ev.At}) {
					t.Errorf("announcements %+v", a)
				}
			}},
		{name: "announce keeps the last 20", setup: func(s *script) {
			for range 25 {
				s.do(mod, Command{Op: OpAnnounce, Text: "a"})
			}
		}, actor: mod, cmd: Command{Op: OpAnnounce, Text: "last"},
			check: func(t *testing.T, s *script, ev Event) {
				a := s.r.View(Screen).Meeting.Announcements
				if len(a) != 20 || a[0].ID != 7 || a[19].ID != 26 || a[19].Text != "last" {
					t.Errorf("announcements %d, first %d", len(a), a[0].ID)
				}
			}},
		{name: "announce for two minutes", actor: mod, cmd: Command{Op: OpAnnounce, Text: "Vote now", Seconds: 120},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Seconds != 120 {
					t.Errorf("event seconds %d", ev.Seconds)
				}
				a := s.r.View(Screen).Meeting.Announcements
				if len(a) != 1 || a[0] != (Announcement{ID: 1, Text: "Vote now", At: ev.At, Until: ev.At + 120_000}) {
					t.Errorf("announcements %+v", a)
				}
			}},
		{name: "announce for a day", actor: mod, cmd: Command{Op: OpAnnounce, Text: "x", Seconds: MaxAnnounceSeconds}},
		{name: "announce for longer than a day", actor: mod, cmd: Command{Op: OpAnnounce, Text: "x", Seconds: MaxAnnounceSeconds + 1}, err: ErrInvalid},
		{name: "announce for negative time", actor: mod, cmd: Command{Op: OpAnnounce, Text: "x", Seconds: -1}, err: ErrInvalid},
		{name: "announce seconds not kept by another op", actor: mod, cmd: Command{Op: OpGoto, Step: 1, Seconds: 30},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Seconds != 0 {
					t.Errorf("agenda.goto kept seconds %d", ev.Seconds)
				}
			}},
		{name: "announce empty", actor: mod, cmd: Command{Op: OpAnnounce, Text: " \n "}, err: ErrEmpty},
		{name: "announce too long", actor: mod, cmd: Command{Op: OpAnnounce, Text: strings.Repeat("a", 501)}, err: ErrTooLong},
		{name: "announce with a tab", actor: mod, cmd: Command{Op: OpAnnounce, Text: "a\tb"}, err: ErrControlChar},
	})
}

func TestParticipantOps(t *testing.T) {
	counts := func(t *testing.T, s *script, want CountsView) {
		t.Helper()
		if got := s.r.View(Moderator).Counts; *got != want {
			t.Errorf("counts %+v, want %+v", *got, want)
		}
	}
	runOps(t, []opCase{
		{name: "join", actor: sys.as(dave.ID), cmd: Command{Op: OpJoin, Channel: Remote, Name: " Dave "},
			check: func(t *testing.T, s *script, ev Event) {
				counts(t, s, CountsView{InRoom: 2, Remote: 2, Peak: 4, Joined: 4})
				if m := s.r.Mine(dave.ID); m.Name != "Dave" || m.Channel != Remote {
					t.Errorf("mine %+v", m)
				}
			}},
		{name: "rejoin moves channel and keeps the name", actor: sys.as(bob.ID), cmd: Command{Op: OpJoin, Channel: InRoom},
			check: func(t *testing.T, s *script, ev Event) {
				counts(t, s, CountsView{InRoom: 3, Remote: 0, Peak: 3, Joined: 3})
				if m := s.r.Mine(bob.ID); m.Name != "Bob" || m.Channel != InRoom {
					t.Errorf("mine %+v", m)
				}
			}},
		{name: "join drops the name in an anonymous room", settings: &Settings{QAOpen: true, Anonymous: true},
			actor: sys.as(dave.ID), cmd: Command{Op: OpJoin, Channel: InRoom, Name: "Dave"},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Name != "" || s.r.Mine(dave.ID).Name != "" {
					t.Errorf("name kept: %q", ev.Name)
				}
			}},
		{name: "join without id", actor: sys, cmd: Command{Op: OpJoin, Channel: InRoom}, err: ErrInvalid},
		{name: "join with a padded id", actor: sys.as(" x"), cmd: Command{Op: OpJoin, Channel: InRoom}, err: ErrInvalid},
		{name: "join without channel", actor: sys.as(dave.ID), cmd: Command{Op: OpJoin}, err: ErrInvalid},
		{name: "join with a long name", actor: sys.as(dave.ID), cmd: Command{Op: OpJoin, Channel: InRoom, Name: strings.Repeat("n", 41)}, err: ErrTooLong},
		{name: "participant may not join", actor: dave, cmd: Command{Op: OpJoin, Channel: InRoom}, err: ErrForbidden},
		{name: "leave", actor: sys.as(bob.ID), cmd: Command{Op: OpLeave},
			check: func(t *testing.T, s *script, ev Event) {
				counts(t, s, CountsView{InRoom: 2, Remote: 0, Peak: 3, Joined: 3})
			}},
		{name: "leave twice", setup: func(s *script) { s.do(sys.as(bob.ID), Command{Op: OpLeave}) },
			actor: sys.as(bob.ID), cmd: Command{Op: OpLeave}, err: ErrState},
		{name: "leave unknown", actor: sys.as(dave.ID), cmd: Command{Op: OpLeave}, err: ErrNotJoined},
		{name: "presence reset", actor: sys, cmd: Command{Op: OpPresenceReset},
			check: func(t *testing.T, s *script, ev Event) {
				counts(t, s, CountsView{Peak: 3, Joined: 3})
			}},
		{name: "rename", actor: alice, cmd: Command{Op: OpRename, Name: "Alice"},
			check: func(t *testing.T, s *script, ev Event) {
				if m := s.r.Mine(alice.ID); m.Name != "Alice" {
					t.Errorf("name %q", m.Name)
				}
			}},
		{name: "rename to nothing", actor: bob, cmd: Command{Op: OpRename}},
		{name: "rename to the same", actor: bob, cmd: Command{Op: OpRename, Name: "Bob"}, err: ErrAlready},
		{name: "rename in an anonymous room", settings: &Settings{Anonymous: true}, actor: alice, cmd: Command{Op: OpRename, Name: "A"}, err: ErrNamesDisabled},
		{name: "rename before joining", actor: dave, cmd: Command{Op: OpRename, Name: "D"}, err: ErrNotJoined},
		{name: "rename with control", actor: alice, cmd: Command{Op: OpRename, Name: "A\x00"}, err: ErrControlChar},
		{name: "rename by system", actor: sys.as(alice.ID), cmd: Command{Op: OpRename, Name: "A"}, err: ErrForbidden},
		{name: "left participants still act", setup: func(s *script) { s.do(sys.as(alice.ID), Command{Op: OpLeave}) },
			actor: alice, cmd: Command{Op: OpAsk, Text: "still here?"}},
	})
}

func TestReactions(t *testing.T) {
	runOps(t, []opCase{
		{name: "reactions", actor: sys, cmd: Command{Op: OpReactions, Counts: map[Reaction]int{Applause: 3, BreakPlea: 1}},
			check: func(t *testing.T, s *script, ev Event) {
				s.do(sys, Command{Op: OpReactions, Counts: map[Reaction]int{Applause: 2}})
				v := s.r.View(Participant).Reactions
				if len(v) != len(Reactions) || v[Applause] != 5 || v[BreakPlea] != 1 || v[Agree] != 0 {
					t.Errorf("reactions %v", v)
				}
			}},
		{name: "no counts", actor: sys, cmd: Command{Op: OpReactions}, err: ErrInvalid},
		{name: "unknown kind", actor: sys, cmd: Command{Op: OpReactions, Counts: map[Reaction]int{"boo": 1}}, err: ErrInvalid},
		{name: "zero count", actor: sys, cmd: Command{Op: OpReactions, Counts: map[Reaction]int{Agree: 0}}, err: ErrInvalid},
		{name: "huge count", actor: sys, cmd: Command{Op: OpReactions, Counts: map[Reaction]int{Agree: 1_000_001}}, err: ErrInvalid},
		{name: "participant may not log", actor: alice, cmd: Command{Op: OpReactions, Counts: map[Reaction]int{Agree: 1}}, err: ErrForbidden},
	})

	s := newMeeting(t, nil)
	for _, tc := range []struct {
		name  string
		actor Actor
		r     Reaction
		err   error
	}{
		{"ok", alice, Applause, nil},
		{"moderator", mod, Applause, ErrForbidden},
		{"screen", screen, Applause, ErrForbidden},
		{"not joined", dave, Applause, ErrNotJoined},
		{"unknown", alice, "boo", ErrInvalid},
	} {
		if err := s.r.CheckReact(tc.actor, tc.r); !errors.Is(err, tc.err) || (err != nil) != (tc.err != nil) {
			t.Errorf("CheckReact %s: got %v, want %v", tc.name, err, tc.err)
		}
	}
	s.do(mod, Command{Op: OpSettings, Settings: &Settings{QAOpen: true}})
	if err := s.r.CheckReact(alice, Agree); !errors.Is(err, ErrReactionsOff) {
		t.Errorf("reactions off: %v", err)
	}
	s.do(mod, Command{Op: OpEnd})
	if err := s.r.CheckReact(alice, Agree); !errors.Is(err, ErrEnded) {
		t.Errorf("ended: %v", err)
	}
	if err := New().CheckReact(alice, Agree); !errors.Is(err, ErrState) {
		t.Errorf("no room: %v", err)
	}
}
