package room

import (
	"encoding/json"
	"errors"
	"testing"
)

const t0 = int64(1_750_000_000_000) // a fixed Unix millisecond clock

var (
	sys    = Actor{Role: System}
	mod    = Actor{ID: "mod-1", Role: Moderator}
	screen = Actor{Role: Screen}
	alice  = Actor{ID: "pid-alice", Role: Participant}
	bob    = Actor{ID: "pid-bob", Role: Participant}
	carol  = Actor{ID: "pid-carol", Role: Participant}
	dave   = Actor{ID: "pid-dave", Role: Participant} // never joins
)

// step is one command of a test script.
type step struct {
	a Actor
	c Command
}

// script is a room with the log that built it.
type script struct {
	t      testing.TB
	r      *Room
	events []Event
	at     int64
}

// newScript returns a created room, not started, with no participants.
func newScript(t testing.TB, settings *Settings) *script {
	t.Helper()
	s := &script{t: t, r: New(), at: t0}
	s.do(sys, Command{Op: OpCreate, Title: "Town hall", Text: "Budget 2026", Code: "ABC234",
		Steps: []string{"Opening", "Budget", "Vote"}, Settings: settings})
	return s
}

// newMeeting returns a live room with alice and carol in the room and bob
// remote.
func newMeeting(t testing.TB, settings *Settings) *script {
	t.Helper()
	s := newScript(t, settings)
	s.do(sys.as(alice.ID), Command{Op: OpJoin, Channel: InRoom})
	s.do(sys.as(bob.ID), Command{Op: OpJoin, Channel: Remote, Name: "Bob"})
	s.do(sys.as(carol.ID), Command{Op: OpJoin, Channel: InRoom})
	s.do(mod, Command{Op: OpStart})
	return s
}

// as is a System actor acting for participant id.
func (a Actor) as(id string) Actor { return Actor{ID: id, Role: a.Role} }

func (s *script) try(a Actor, c Command) (Event, error) {
	s.t.Helper()
	s.at += 1000
	ev, err := s.r.Handle(a, s.at, c)
	if err == nil {
		s.events = append(s.events, ev)
	}
	return ev, err
}

// refuse checks that c from a is refused with want, and changes nothing.
func (s *script) refuse(a Actor, c Command, want error) {
	s.t.Helper()
	before := s.r.Digest()
	if _, err := s.try(a, c); !errors.Is(err, want) {
		s.t.Errorf("%s by %s: %v, want %v", c.Op, a.Role, err, want)
	}
	if s.r.Digest() != before {
		s.t.Errorf("the refused %s changed the room", c.Op)
	}
}

func (s *script) do(a Actor, c Command) Event {
	s.t.Helper()
	ev, err := s.try(a, c)
	if err != nil {
		s.t.Fatalf("%s by %s: %v", c.Op, a.Role, err)
	}
	return ev
}

func (s *script) run(steps []step) {
	s.t.Helper()
	for _, st := range steps {
		s.do(st.a, st.c)
	}
}

// ask has a participant ask text and returns the question id.
func (s *script) ask(a Actor, text string) QuestionID {
	s.t.Helper()
	return s.do(a, Command{Op: OpAsk, Text: text}).Question
}

// question returns the moderator's view of question id.
func (s *script) question(id QuestionID) QuestionView {
	s.t.Helper()
	for _, q := range s.r.View(Moderator).Questions {
		if q.ID == id {
			return q
		}
	}
	s.t.Fatalf("no question %d", id)
	return QuestionView{}
}

// pollView returns the moderator's view of poll id.
func (s *script) pollView(id PollID) PollView {
	s.t.Helper()
	for _, p := range s.r.View(Moderator).Polls {
		if p.ID == id {
			return p
		}
	}
	s.t.Fatalf("no poll %d", id)
	return PollView{}
}

// checkReplay fails unless replaying the log gives the live digest.
func (s *script) checkReplay() {
	s.t.Helper()
	re, err := Replay(s.events)
	if err != nil {
		s.t.Fatalf("replay: %v", err)
	}
	if re.Digest() != s.r.Digest() {
		s.t.Fatalf("replay digest differs from the live room's")
	}
}

// mustJSON is the canonical JSON of v (encoding/json sorts map keys).
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// opCase is one row of the per-op tables: run setup on a fresh meeting,
// then cmd from actor, expecting err (nil for success) and, on success,
// what check says.
type opCase struct {
	name     string
	settings *Settings
	setup    func(s *script)
	actor    Actor
	cmd      Command
	err      error
	check    func(t *testing.T, s *script, ev Event)
}

func runOps(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newMeeting(t, tc.settings)
			if tc.setup != nil {
				tc.setup(s)
			}
			before, seq := s.r.Digest(), s.r.Seq()
			dec, decErr := s.r.Decide(tc.actor, s.at+1000, tc.cmd)
			if s.r.Digest() != before {
				t.Fatal("Decide changed the room")
			}
			ev, err := s.try(tc.actor, tc.cmd)
			if !errors.Is(decErr, tc.err) && !(decErr == nil && tc.err == nil) {
				t.Fatalf("Decide: got %v, want %v", decErr, tc.err)
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %v, want %v", err, tc.err)
				}
				if s.r.Digest() != before || s.r.Seq() != seq {
					t.Fatal("a refused command changed the room")
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if ev.Seq != seq+1 || mustJSON(t, ev) != mustJSON(t, dec) {
				t.Fatalf("Handle's event %+v differs from Decide's %+v", ev, dec)
			}
			if tc.check != nil {
				tc.check(t, s, ev)
			}
			s.checkReplay()
		})
	}
}

func mustJSONString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
