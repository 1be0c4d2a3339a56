package consultation

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

const t0 = int64(1_750_000_000_000)

var (
	sys = Actor{Role: System}
	org = Actor{ID: "org-1", Role: Organiser}
	pub = Actor{Role: Public}
)

// script is a consultation with the log that built it.
type script struct {
	t      testing.TB
	c      *Consultation
	events []Event
	at     int64
}

// newScript returns the consultation CONS1 with step meetings STEP1,
// STEP2 and STEP3, STEP1 ended and STEP2 live.
func newScript(t testing.TB) *script {
	t.Helper()
	s := &script{t: t, c: New(), at: t0}
	s.do(sys, Command{Op: OpCreate, ID: "CONS1", Title: "Open government action plan", Text: "Five step meetings.", Opens: "2026-01-10", Closes: "2026-06-30"})
	s.do(org, Command{Op: OpStepAdd, Code: "STEP1", Title: "Step 1: priorities", Date: "2026-01-20"})
	s.do(org, Command{Op: OpStepAdd, Code: "STEP2", Title: "Step 2: proposals"})
	s.do(org, Command{Op: OpStepAdd, Code: "STEP3", Title: "Step 3: commitments"})
	s.do(sys, Command{Op: OpStepStatus, Code: "STEP1", Status: "ended"})
	s.do(sys, Command{Op: OpStepStatus, Code: "STEP2", Status: "live"})
	return s
}

func (s *script) try(a Actor, c Command) (Event, error) {
	s.t.Helper()
	s.at += 1000
	ev, err := s.c.Handle(a, s.at, c)
	if err == nil {
		s.events = append(s.events, ev)
	}
	return ev, err
}

func (s *script) do(a Actor, c Command) Event {
	s.t.Helper()
	ev, err := s.try(a, c)
	if err != nil {
		s.t.Fatalf("%s by %s: %v", c.Op, a.Role, err)
	}
	return ev
}

// carry carries question q of from to question to of to.
func (s *script) carry(from string, q room.QuestionID, to string, toQ room.QuestionID) Event {
	s.t.Helper()
	return s.do(org, Command{Op: OpCarry, From: &Ref{from, q}, To: &Ref{to, toQ}, Text: "Will the budget be published?", Votes: 14})
}

// proposal creates a proposal citing sources, published unless draft.
func (s *script) proposal(title string, published bool, sources ...Source) string {
	s.t.Helper()
	id := s.do(org, Command{Op: OpProposalCreate, Title: title, Text: "Publish it monthly.", Sources: sources}).Proposal
	if published {
		s.do(org, Command{Op: OpProposalPublish, Proposal: id})
	}
	return id
}

func (s *script) checkReplay() {
	s.t.Helper()
	re, err := Replay(s.events)
	if err != nil {
		s.t.Fatalf("replay: %v", err)
	}
	if re.Digest() != s.c.Digest() {
		s.t.Fatal("replay digest differs from the live consultation's")
	}
}

func question(code string, q room.QuestionID) Source {
	return Source{Kind: QuestionSource, Code: code, Question: q}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// opCase is one row of TestOps: setup on newScript, then cmd from actor,
// expecting err (nil for success) and, on success, what check says.
type opCase struct {
	name  string
	setup func(s *script)
	actor Actor
	cmd   Command
	err   error
	check func(t *testing.T, s *script, ev Event)
}

func runOps(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newScript(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			before, seq := s.c.Digest(), s.c.Seq()
			dec, decErr := s.c.Decide(tc.actor, s.at+1000, tc.cmd)
			if s.c.Digest() != before {
				t.Fatal("Decide changed the consultation")
			}
			ev, err := s.try(tc.actor, tc.cmd)
			if tc.err != nil {
				if !errors.Is(decErr, tc.err) || !errors.Is(err, tc.err) {
					t.Fatalf("got %v (Decide %v), want %v", err, decErr, tc.err)
				}
				if s.c.Digest() != before || s.c.Seq() != seq {
					t.Fatal("a refused command changed the consultation")
				}
				return
			}
			if err != nil || decErr != nil {
				t.Fatalf("unexpected error: %v (Decide %v)", err, decErr)
			}
			if ev.Seq != seq+1 || mustJSON(t, ev) != mustJSON(t, dec) {
				t.Fatalf("Handle's event %s differs from Decide's %s", mustJSON(t, ev), mustJSON(t, dec))
			}
			if tc.check != nil {
				tc.check(t, s, ev)
			}
			s.checkReplay()
		})
	}
}

func hexString(b []byte) string { return hex.EncodeToString(b) }
