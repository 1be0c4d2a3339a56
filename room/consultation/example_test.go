package consultation_test

import (
	"errors"
	"fmt"

	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

var (
	hub       = consultation.Actor{Role: consultation.System}
	organiser = consultation.Actor{ID: "session-1", Role: consultation.Organiser}
)

// plan is a consultation of two step meetings, the first ended.
func plan() *consultation.Consultation {
	c := consultation.New()
	for _, x := range []struct {
		a   consultation.Actor
		cmd consultation.Command
	}{
		{hub, consultation.Command{Op: consultation.OpCreate, ID: "OGP2026", Title: "Open government action plan 2026"}},
		{organiser, consultation.Command{Op: consultation.OpStepAdd, Code: "STEP1", Title: "Step 1: priorities", Date: "2026-01-20"}},
		{organiser, consultation.Command{Op: consultation.OpStepAdd, Code: "STEP2", Title: "Step 2: proposals", Date: "2026-02-17"}},
		{hub, consultation.Command{Op: consultation.OpStepStatus, Code: "STEP1", Status: string(consultation.Ended)}},
	} {
		if _, err := c.Handle(x.a, 1_750_000_000_000, x.cmd); err != nil {
			panic(err)
		}
	}
	return c
}

// A question asked at step 1 is carried to step 2, taken up by a proposal,
// and the proposal by a commitment whose status changes; the trace tells
// the whole way.
func Example() {
	c := plan()
	at := int64(1_750_000_100_000)
	do := func(cmd consultation.Command) consultation.Event {
		at += 1000
		ev, err := c.Handle(organiser, at, cmd)
		if err != nil {
			panic(err)
		}
		return ev
	}
	// The hub imported STEP1's question 3 into STEP2, where it is question
	// 1 (room.OpImport), and recorded it in STEP1 (room.OpCarry).
	do(consultation.Command{Op: consultation.OpCarry, From: &consultation.Ref{Code: "STEP1", Question: 3},
		To: &consultation.Ref{Code: "STEP2", Question: 1}, Text: "Will the budget be published?", Votes: 14})
	p := do(consultation.Command{Op: consultation.OpProposalCreate, Title: "Publish the budget monthly",
		Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: "STEP2", Question: 1}}}).Proposal
	fmt.Println("public proposals while a draft:", len(c.View(consultation.Public).Proposals))
	do(consultation.Command{Op: consultation.OpProposalPublish, Proposal: p})
	cm := do(consultation.Command{Op: consultation.OpCommitmentCreate, Title: "Open budget", Proposals: []string{p},
		Milestones: []consultation.Milestone{{Text: "Monthly tables online", Due: "2026-09-30"}}}).Commitment
	do(consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: cm, Status: string(consultation.Limited), Note: "January's tables"})
	do(consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: cm, Status: string(consultation.Substantial),
		Note: "Six months online", Evidence: "https://example.org/budget"})

	t, _ := c.Trace(consultation.Ref{Code: "STEP1", Question: 3})
	for _, h := range t.Hops {
		fmt.Printf("%s: %s question %d (%d votes before)\n", h.StepTitle, h.Code, h.Question, h.Votes)
	}
	fmt.Println("thread:", t.Thread)
	fmt.Println("proposal:", t.Proposals[0].ID, t.Proposals[0].Title)
	fmt.Println("commitment:", t.Commitments[0].ID, t.Commitments[0].Status)
	for _, h := range c.View(consultation.Public).Commitments[0].History {
		fmt.Printf("  %s: %s (%s)\n", h.Status, h.Note, h.Evidence)
	}
	// Output:
	// public proposals while a draft: 0
	// Step 1: priorities: STEP1 question 3 (0 votes before)
	// Step 2: proposals: STEP2 question 1 (14 votes before)
	// thread: Q-1
	// proposal: P-1 Publish the budget monthly
	// commitment: C-1 substantial
	//   limited: January's tables ()
	//   substantial: Six months online (https://example.org/budget)
}

// Ids are assigned in order and never reused: a published link keeps
// working. The log replays to the same state.
func ExampleReplay() {
	c := plan()
	var log []consultation.Event
	for _, title := range []string{"First", "Second"} {
		ev, _ := c.Handle(organiser, 0, consultation.Command{Op: consultation.OpProposalCreate, Title: title})
		log = append(log, ev)
	}
	ev, _ := c.Handle(organiser, 0, consultation.Command{Op: consultation.OpProposalWithdraw, Proposal: "P-1", Reason: "Repeats P-2"})
	log = append(log, ev)
	ev, _ = c.Handle(organiser, 0, consultation.Command{Op: consultation.OpProposalCreate, Title: "Third"})
	fmt.Println(ev.Proposal)
	log = append(log, ev)

	_, err := c.Handle(organiser, 0, consultation.Command{Op: consultation.OpProposalPublish, Proposal: "P-9"})
	fmt.Println(errors.Is(err, consultation.ErrNoProposal))
	_, err = c.Handle(consultation.Actor{Role: consultation.Public}, 0, consultation.Command{Op: consultation.OpProposalPublish, Proposal: "P-2"})
	fmt.Println(errors.Is(err, room.ErrForbidden))

	replica := plan() // the same four events, then the log's
	for _, ev := range log {
		if err := replica.Apply(ev); err != nil {
			fmt.Println(err)
		}
	}
	fmt.Println(replica.Digest() == c.Digest())
	// Output:
	// P-3
	// true
	// true
	// true
}
