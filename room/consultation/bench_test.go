package consultation

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// large is a consultation the size issue 11 asks a page to load fast: 20
// step meetings, 1,995 carries (105 questions carried from each step to
// the next, so 105 threads through every step), 300 published proposals
// citing 5 questions each, and 100 commitments with 5 milestones and 4
// status changes each.
func large(b *testing.B) *Consultation {
	b.Helper()
	c := New()
	at := t0
	do := func(a Actor, k Command) Event {
		at++
		ev, err := c.Handle(a, at, k)
		if err != nil {
			b.Fatalf("%s: %v", k.Op, err)
		}
		return ev
	}
	do(sys, Command{Op: OpCreate, ID: "PLAN2026", Title: "Open government action plan", Text: "Twenty step meetings."})
	code := func(i int) string { return fmt.Sprintf("STEP%02d", i) }
	for i := 1; i <= 20; i++ {
		do(org, Command{Op: OpStepAdd, Code: code(i), Title: fmt.Sprintf("Step %d", i), Date: "2026-03-01"})
	}
	for i := 1; i < 20; i++ {
		for q := 1; q <= 105; q++ {
			do(org, Command{Op: OpCarry, From: &Ref{code(i), room.QuestionID(q)}, To: &Ref{code(i + 1), room.QuestionID(q)},
				Text: "Will the city publish its budget tables every month, in open formats?", Votes: q % 40})
		}
	}
	for p := 1; p <= 300; p++ {
		var sources []Source
		for k := range 5 {
			sources = append(sources, question(code(1+(p+k)%20), room.QuestionID(1+(p*7+k)%105)))
		}
		id := do(org, Command{Op: OpProposalCreate, Title: fmt.Sprintf("Proposal %d", p), Text: "Publish the budget monthly, in CSV, with a schema.", Sources: sources}).Proposal
		do(org, Command{Op: OpProposalPublish, Proposal: id})
	}
	for m := 1; m <= 100; m++ {
		var ms []Milestone
		for k := range 5 {
			ms = append(ms, Milestone{Text: fmt.Sprintf("Milestone %d", k+1), Due: "2026-12-31", Evidence: "https://example.org/evidence"})
		}
		id := do(org, Command{Op: OpCommitmentCreate, Title: fmt.Sprintf("Commitment %d", m), Text: "The problem it answers.",
			Proposals: []string{proposalID(m), proposalID(100 + m), proposalID(200 + m)}, Milestones: ms}).Commitment
		for _, s := range []Progress{Limited, Substantial, Limited, Complete} {
			do(org, Command{Op: OpCommitmentStatus, Commitment: id, Status: string(s), Note: "Reported by the ministry", Evidence: "https://example.org/report"})
		}
	}
	return c
}

// BenchmarkPublicView is the server's part of loading the consultation
// page: the view, encoded.
func BenchmarkPublicView(b *testing.B) {
	c := large(b)
	var n int
	for b.Loop() {
		js, err := json.Marshal(c.View(Public))
		if err != nil {
			b.Fatal(err)
		}
		n = len(js)
	}
	b.ReportMetric(float64(n), "bytes")
}

// BenchmarkTrace is a trace page's part: a question carried through every
// step, cited by proposals in commitments.
func BenchmarkTrace(b *testing.B) {
	c := large(b)
	for b.Loop() {
		if _, err := c.Trace(Ref{"STEP10", 7}); err != nil {
			b.Fatal(err)
		}
	}
}
