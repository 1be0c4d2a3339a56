package consultation

import (
	"errors"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

func TestTrace(t *testing.T) {
	s := busy(t)
	// STEP1 question 3 went to STEP2 (question 1), then to STEP3 (question
	// 2); P-2 cites it at STEP2, P-3 at STEP3 and was merged into P-2;
	// C-1 takes up P-2. P-1, a draft, cites it too: not public.
	want := Trace{
		Asked:  Ref{"STEP2", 1},
		Thread: "Q-1",
		Hops: []Hop{
			{Ref: Ref{"STEP1", 3}, Step: 1, StepTitle: "Step 1: priorities"},
			{Ref: Ref{"STEP2", 1}, Step: 2, StepTitle: "Step 2: proposals", Votes: 14, CarriedAt: s.events[6].At},
			{Ref: Ref{"STEP3", 2}, Step: 3, StepTitle: "Step 3: commitments", Votes: 14, CarriedAt: s.events[7].At},
		},
		Proposals: []TracedProposal{
			{ID: "P-2", Title: "Publish the budget", Status: Published, Cites: &Ref{"STEP2", 1}},
			{ID: "P-3", Title: "Budget in open data", Status: Merged, MergedInto: "P-2", Cites: &Ref{"STEP3", 2}},
		},
		Commitments: []TracedCommitment{{ID: "C-1", Title: "Open budget", Status: Substantial, Via: []string{"P-2"}}},
	}
	for _, q := range []Ref{{"STEP1", 3}, {"STEP2", 1}, {"STEP3", 2}} {
		got, err := s.c.Trace(q)
		if err != nil {
			t.Fatal(err)
		}
		want.Asked = q
		if mustJSON(t, got) != mustJSON(t, want) {
			t.Errorf("trace of %v:\n got %s\nwant %s", q, mustJSON(t, got), mustJSON(t, want))
		}
	}

	// A question never carried nor cited.
	got, err := s.c.Trace(Ref{"STEP2", 7})
	if err != nil || got.Thread != "" || len(got.Hops) != 1 || got.Hops[0].Step != 2 || len(got.Proposals) != 0 || len(got.Commitments) != 0 {
		t.Errorf("a lone question: %s, %v", mustJSON(t, got), err)
	}
	if _, err := s.c.Trace(Ref{"OTHER", 1}); !errors.Is(err, ErrNoStep) {
		t.Errorf("outside the consultation: %v", err)
	}
	if _, err := s.c.Trace(Ref{"STEP1", 0}); !errors.Is(err, room.ErrNoQuestion) {
		t.Errorf("question 0: %v", err)
	}
}

// A proposal merged into one that does not cite the question brings that
// one into the trace, and its commitments.
func TestTraceThroughMerges(t *testing.T) {
	s := newScript(t)
	s.proposal("Cites it", true, question("STEP1", 5)) // P-1
	s.proposal("Takes it in", true)                    // P-2
	s.proposal("Takes that in", true)                  // P-3
	s.do(org, Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-2"})
	s.do(org, Command{Op: OpProposalMerge, Proposal: "P-2", Into: "P-3"})
	s.do(org, Command{Op: OpCommitmentCreate, Title: "Done", Proposals: []string{"P-3"}})
	got, err := s.c.Trace(Ref{"STEP1", 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []TracedProposal{
		{ID: "P-1", Title: "Cites it", Status: Merged, MergedInto: "P-2", Cites: &Ref{"STEP1", 5}},
		{ID: "P-2", Title: "Takes it in", Status: Merged, MergedInto: "P-3", Via: "P-1"},
		{ID: "P-3", Title: "Takes that in", Status: Published, Via: "P-2"},
	}
	if mustJSON(t, got.Proposals) != mustJSON(t, want) {
		t.Errorf("proposals %s", mustJSON(t, got.Proposals))
	}
	if len(got.Commitments) != 1 || got.Commitments[0].ID != "C-1" {
		t.Errorf("commitments %s", mustJSON(t, got.Commitments))
	}
}

// An idea cited by a proposal: the trace names the proposal, the one it
// was merged into and the commitment that takes that one up; a draft and
// another idea's proposal are not in it.
func TestTraceIdea(t *testing.T) {
	s := newScript(t)
	idea := Source{Kind: IdeaSource, Code: "STEP2", Idea: 4}
	s.proposal("From the idea", true, idea)                                            // P-1
	s.proposal("Draft from the idea", false, idea)                                     // P-2
	s.proposal("Another idea", true, Source{Kind: IdeaSource, Code: "STEP2", Idea: 5}) // P-3
	s.proposal("Same number, a question", true, question("STEP2", 4))                  // P-4
	s.proposal("Takes it in", true)                                                    // P-5
	s.do(org, Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-5"})
	s.do(org, Command{Op: OpCommitmentCreate, Title: "Done", Proposals: []string{"P-5"}})
	got, err := s.c.TraceIdea("STEP2", 4)
	if err != nil {
		t.Fatal(err)
	}
	want := IdeaTrace{Code: "STEP2", Idea: 4, Step: 2, StepTitle: s.c.steps[1].title,
		Proposals: []TracedProposal{
			{ID: "P-1", Title: "From the idea", Status: Merged, MergedInto: "P-5"},
			{ID: "P-5", Title: "Takes it in", Status: Published, Via: "P-1"},
		},
		Commitments: []TracedCommitment{{ID: "C-1", Title: "Done", Status: NotStarted, Via: []string{"P-5"}}},
	}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("trace:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	if got, err := s.c.TraceIdea("STEP1", 4); err != nil || len(got.Proposals) != 0 || len(got.Commitments) != 0 {
		t.Errorf("an idea of another step: %s, %v", mustJSON(t, got), err)
	}
	if _, err := s.c.TraceIdea("OTHER", 1); !errors.Is(err, ErrNoStep) {
		t.Errorf("outside the consultation: %v", err)
	}
	if _, err := s.c.TraceIdea("STEP1", 0); !errors.Is(err, room.ErrNoIdea) {
		t.Errorf("idea 0: %v", err)
	}
}
