package consultation

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

func TestCreate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		actor Actor
		cmd   Command
		err   error
	}{
		{"create", sys, Command{Op: OpCreate, ID: "CONS1", Title: " Plan ", Text: "a\nb", Opens: "2026-01-01", Closes: "2026-01-01"}, nil},
		{"no dates", sys, Command{Op: OpCreate, ID: "CONS1", Title: "Plan"}, nil},
		{"by the organiser", org, Command{Op: OpCreate, ID: "CONS1", Title: "Plan"}, room.ErrForbidden},
		{"by the public", pub, Command{Op: OpCreate, ID: "CONS1", Title: "Plan"}, room.ErrForbidden},
		{"bad id", sys, Command{Op: OpCreate, ID: "cons-1", Title: "Plan"}, room.ErrInvalid},
		{"no title", sys, Command{Op: OpCreate, ID: "CONS1", Title: " "}, room.ErrEmpty},
		{"title too long", sys, Command{Op: OpCreate, ID: "CONS1", Title: strings.Repeat("é", 201)}, room.ErrTooLong},
		{"bidi title", sys, Command{Op: OpCreate, ID: "CONS1", Title: "a\u202eb"}, room.ErrControlChar},
		{"separator in the description", sys, Command{Op: OpCreate, ID: "CONS1", Title: "Plan", Text: "a\u2028b"}, room.ErrControlChar},
		{"bad UTF-8", sys, Command{Op: OpCreate, ID: "CONS1", Title: "Plan\xff"}, room.ErrInvalidUTF8},
		{"bad date", sys, Command{Op: OpCreate, ID: "CONS1", Title: "Plan", Opens: "2026-02-30"}, room.ErrInvalid},
		{"closes before it opens", sys, Command{Op: OpCreate, ID: "CONS1", Title: "Plan", Opens: "2026-02-01", Closes: "2026-01-31"}, room.ErrInvalid},
		{"unknown op", sys, Command{Op: "bogus"}, room.ErrUnknownOp},
		{"another op first", org, Command{Op: OpStepAdd, Code: "STEP1", Title: "x"}, room.ErrState},
	} {
		c := New()
		ev, err := c.Handle(tc.actor, t0, tc.cmd)
		if !errors.Is(err, tc.err) || (err != nil) != (tc.err != nil) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.err)
			continue
		}
		if err != nil {
			if c.Seq() != 0 || c.Digest() != New().Digest() {
				t.Errorf("%s: a refused command changed the consultation", tc.name)
			}
			continue
		}
		if c.ID() != "CONS1" || ev.Seq != 1 || strings.TrimSpace(tc.cmd.Title) != c.Title() {
			t.Errorf("%s: %+v", tc.name, ev)
		}
		if _, err := c.Handle(sys, t0, tc.cmd); !errors.Is(err, room.ErrState) {
			t.Errorf("%s: a second create: %v", tc.name, err)
		}
	}
}

func TestOps(t *testing.T) {
	cmd := func(a Actor, c Command) func(*script) { return func(s *script) { s.do(a, c) } }
	seq := func(fs ...func(*script)) func(*script) {
		return func(s *script) {
			for _, f := range fs {
				f(s)
			}
		}
	}
	carried := func(s *script) { s.carry("STEP1", 3, "STEP2", 1) }
	draft := func(s *script) { s.proposal("Publish the budget", false, question("STEP1", 3)) } // P-1
	published := func(s *script) { s.proposal("Publish the budget", true, question("STEP1", 3)) }
	two := func(s *script) { published(s); s.proposal("Open the data", true) } // P-1, P-2
	committed := func(s *script) {
		published(s)
		s.do(org, Command{Op: OpCommitmentCreate, Title: "Open budget", Proposals: []string{"P-1"}})
	}
	status := func(want Progress) func(*testing.T, *script, Event) {
		return func(t *testing.T, s *script, ev Event) {
			if got := s.c.View(Public).Commitments[0]; got.Status != want {
				t.Errorf("status %s, want %s", got.Status, want)
			}
		}
	}
	ref := func(code string, q room.QuestionID) *Ref { return &Ref{code, q} }
	carry := func(from, to *Ref) Command { return Command{Op: OpCarry, From: from, To: to, Text: "Why?", Votes: 2} }

	runOps(t, []opCase{
		// edit
		{name: "edit", actor: org, cmd: Command{Op: OpEdit, Title: "New title", Text: "More", Opens: "2026-01-01"},
			check: func(t *testing.T, s *script, ev Event) {
				if v := s.c.View(Public); v.Title != "New title" || v.Description != "More" || v.Closes != "" {
					t.Errorf("%+v", v)
				}
			}},
		{name: "edit by the public", actor: pub, cmd: Command{Op: OpEdit, Title: "x"}, err: room.ErrForbidden},
		{name: "edit by the hub", actor: sys, cmd: Command{Op: OpEdit, Title: "x"}, err: room.ErrForbidden},
		{name: "edit without a title", actor: org, cmd: Command{Op: OpEdit}, err: room.ErrEmpty},

		// steps
		{name: "add a step", actor: org, cmd: Command{Op: OpStepAdd, Code: "STEP4", Title: " Step 4 ", Date: "2026-03-01", Text: "junk"},
			check: func(t *testing.T, s *script, ev Event) {
				want := StepView{Index: 4, Code: "STEP4", Title: "Step 4", Date: "2026-03-01", Status: Upcoming}
				if got := s.c.View(Public).Steps[3]; got != want || ev.Text != "" {
					t.Errorf("got %+v", got)
				}
			}},
		{name: "add a step twice", actor: org, cmd: Command{Op: OpStepAdd, Code: "STEP1", Title: "again"}, err: room.ErrAlready},
		{name: "add a step with a bad code", actor: org, cmd: Command{Op: OpStepAdd, Code: "step4", Title: "x"}, err: room.ErrInvalid},
		{name: "add the consultation as a step", actor: org, cmd: Command{Op: OpStepAdd, Code: "CONS1", Title: "x"}, err: room.ErrInvalid},
		{name: "add a step without a title", actor: org, cmd: Command{Op: OpStepAdd, Code: "STEP4"}, err: room.ErrEmpty},
		{name: "add a step with a bad date", actor: org, cmd: Command{Op: OpStepAdd, Code: "STEP4", Title: "x", Date: "1 March"}, err: room.ErrInvalid},
		{name: "add a step by the hub", actor: sys, cmd: Command{Op: OpStepAdd, Code: "STEP4", Title: "x"}, err: room.ErrForbidden},
		{name: "edit a step", actor: org, cmd: Command{Op: OpStepEdit, Code: "STEP2", Title: " Step 2: drafts ", Date: "2026-02-17"},
			check: func(t *testing.T, s *script, ev Event) {
				want := StepView{Index: 2, Code: "STEP2", Title: "Step 2: drafts", Date: "2026-02-17", Status: Live}
				if got := s.c.View(Public).Steps[1]; got != want {
					t.Errorf("got %+v", got)
				}
			}},
		{name: "edit a step to the same", actor: org, cmd: Command{Op: OpStepEdit, Code: "STEP1", Title: "Step 1: priorities", Date: "2026-01-20"}, err: room.ErrAlready},
		{name: "edit no step", actor: org, cmd: Command{Op: OpStepEdit, Code: "STEP9", Title: "x"}, err: ErrNoStep},
		{name: "edit a step without a title", actor: org, cmd: Command{Op: OpStepEdit, Code: "STEP1"}, err: room.ErrEmpty},
		{name: "edit a step with a bad date", actor: org, cmd: Command{Op: OpStepEdit, Code: "STEP1", Title: "x", Date: "2026-1-2"}, err: room.ErrInvalid},
		{name: "step status", actor: sys, cmd: Command{Op: OpStepStatus, Code: "STEP3", Status: "live"},
			check: func(t *testing.T, s *script, ev Event) {
				if got := s.c.View(Public).Steps[2].Status; got != Live {
					t.Errorf("status %s", got)
				}
			}},
		{name: "step status unchanged", actor: sys, cmd: Command{Op: OpStepStatus, Code: "STEP1", Status: "ended"}, err: room.ErrAlready},
		{name: "step status unknown", actor: sys, cmd: Command{Op: OpStepStatus, Code: "STEP1", Status: "over"}, err: room.ErrInvalid},
		{name: "step status of no step", actor: sys, cmd: Command{Op: OpStepStatus, Code: "STEP9", Status: "live"}, err: ErrNoStep},
		{name: "step status by the organiser", actor: org, cmd: Command{Op: OpStepStatus, Code: "STEP3", Status: "live"}, err: room.ErrForbidden},

		// carry
		{name: "carry", actor: org, cmd: Command{Op: OpCarry, From: ref("STEP1", 3), To: ref("STEP2", 1), Text: " Why?\nReally. ", Votes: 14, Thread: "Q-9", Title: "junk"},
			check: func(t *testing.T, s *script, ev Event) {
				want := CarryView{Thread: "Q-1", From: Ref{"STEP1", 3}, To: Ref{"STEP2", 1}, Text: "Why?\nReally.", Votes: 14, At: ev.At}
				if got := s.c.View(Public).Carried; len(got) != 1 || got[0] != want || ev.Title != "" {
					t.Errorf("carried %+v", got)
				}
			}},
		{name: "carry on keeps the thread", setup: carried, actor: org, cmd: carry(ref("STEP2", 1), ref("STEP3", 4)),
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Thread != "Q-1" {
					t.Errorf("thread %s", ev.Thread)
				}
			}},
		{name: "another question, another thread", setup: carried, actor: org, cmd: carry(ref("STEP1", 4), ref("STEP2", 2)),
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Thread != "Q-2" {
					t.Errorf("thread %s", ev.Thread)
				}
			}},
		{name: "skip a step", actor: org, cmd: carry(ref("STEP1", 3), ref("STEP3", 1))},
		{name: "carry twice", setup: carried, actor: org, cmd: carry(ref("STEP1", 3), ref("STEP3", 1)), err: room.ErrAlready},
		{name: "carry onto a carried one", setup: carried, actor: org, cmd: carry(ref("STEP1", 5), ref("STEP2", 1)), err: room.ErrInvalid},
		{name: "carry backwards", actor: org, cmd: carry(ref("STEP2", 3), ref("STEP1", 1)), err: room.ErrInvalid},
		{name: "carry within a step", actor: org, cmd: carry(ref("STEP2", 3), ref("STEP2", 4)), err: room.ErrInvalid},
		{name: "carry to an ended step", setup: cmd(sys, Command{Op: OpStepStatus, Code: "STEP3", Status: "ended"}), actor: org, cmd: carry(ref("STEP1", 3), ref("STEP3", 1)), err: room.ErrState},
		{name: "carry from no step", actor: org, cmd: carry(ref("OTHER", 3), ref("STEP2", 1)), err: ErrNoStep},
		{name: "carry to no step", actor: org, cmd: carry(ref("STEP1", 3), ref("OTHER", 1)), err: ErrNoStep},
		{name: "carry question 0", actor: org, cmd: carry(ref("STEP1", 0), ref("STEP2", 1)), err: room.ErrInvalid},
		{name: "carry without to", actor: org, cmd: carry(ref("STEP1", 3), nil), err: room.ErrInvalid},
		{name: "carry negative votes", actor: org, cmd: Command{Op: OpCarry, From: ref("STEP1", 3), To: ref("STEP2", 1), Text: "x", Votes: -1}, err: room.ErrInvalid},
		{name: "carry without text", actor: org, cmd: Command{Op: OpCarry, From: ref("STEP1", 3), To: ref("STEP2", 1)}, err: room.ErrEmpty},
		{name: "carry too long", actor: org, cmd: Command{Op: OpCarry, From: ref("STEP1", 3), To: ref("STEP2", 1), Text: strings.Repeat("a", 2001)}, err: room.ErrTooLong},
		{name: "carry by the hub", actor: sys, cmd: carry(ref("STEP1", 3), ref("STEP2", 1)), err: room.ErrForbidden},

		// proposals
		{name: "propose", actor: org, cmd: Command{Op: OpProposalCreate, Proposal: "P-7", Title: " Publish ", Text: "Monthly.",
			Sources: []Source{question("STEP1", 3), {Kind: PollSource, Code: "STEP2", Poll: 1, Question: 9}, {Kind: OutcomeSource, Code: "STEP1", Step: 0}}},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Proposal != "P-1" || ev.Sources[1].Question != 0 {
					t.Errorf("event %s", mustJSON(t, ev))
				}
				if len(s.c.View(Public).Proposals) != 0 || s.c.View(Organiser).Proposals[0].Status != Draft {
					t.Error("a draft is the organiser's only")
				}
			}},
		{name: "propose ids follow", setup: draft, actor: org, cmd: Command{Op: OpProposalCreate, Title: "Another"},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Proposal != "P-2" {
					t.Errorf("id %s", ev.Proposal)
				}
			}},
		{name: "propose without title", actor: org, cmd: Command{Op: OpProposalCreate}, err: room.ErrEmpty},
		{name: "propose with control characters", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Text: "\x00"}, err: room.ErrControlChar},
		{name: "source outside the consultation", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{question("OTHER", 1)}}, err: ErrNoStep},
		{name: "source of no kind", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{{Code: "STEP1", Question: 1}}}, err: room.ErrInvalid},
		{name: "source question 0", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{question("STEP1", 0)}}, err: room.ErrInvalid},
		{name: "source poll 0", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{{Kind: PollSource, Code: "STEP1"}}}, err: room.ErrInvalid},
		{name: "source step -1", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{{Kind: OutcomeSource, Code: "STEP1", Step: -1}}}, err: room.ErrInvalid},
		{name: "propose from an idea", actor: org, cmd: Command{Op: OpProposalCreate, Title: "Open budget",
			Sources: []Source{{Kind: IdeaSource, Code: "STEP1", Idea: 2, Question: 4, Poll: 1}}},
			check: func(t *testing.T, s *script, ev Event) {
				want := []Source{{Kind: IdeaSource, Code: "STEP1", Idea: 2}}
				if !slices.Equal(ev.Sources, want) || !slices.Equal(s.c.View(Organiser).Proposals[0].Sources, want) {
					t.Errorf("sources %s", mustJSON(t, ev.Sources))
				}
			}},
		{name: "source idea 0", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{{Kind: IdeaSource, Code: "STEP1"}}}, err: room.ErrInvalid},
		{name: "source idea outside the consultation", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{{Kind: IdeaSource, Code: "OTHER", Idea: 1}}}, err: ErrNoStep},
		{name: "source idea twice", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{{Kind: IdeaSource, Code: "STEP1", Idea: 1}, {Kind: IdeaSource, Code: "STEP1", Idea: 1}}}, err: room.ErrInvalid},
		{name: "source twice", actor: org, cmd: Command{Op: OpProposalCreate, Title: "a", Sources: []Source{question("STEP1", 1), question("STEP1", 1)}}, err: room.ErrInvalid},
		{name: "edit a draft", setup: draft, actor: org, cmd: Command{Op: OpProposalEdit, Proposal: "P-1", Title: "Better", Text: "x"}},
		{name: "edit a draft to the same", setup: draft, actor: org, cmd: Command{Op: OpProposalEdit, Proposal: "P-1", Title: "Publish the budget", Text: "Publish it monthly.", Sources: []Source{question("STEP1", 3)}}, err: room.ErrAlready},
		{name: "edit a published proposal", setup: published, actor: org, cmd: Command{Op: OpProposalEdit, Proposal: "P-1", Title: "Better"}, err: room.ErrState},
		{name: "edit no proposal", actor: org, cmd: Command{Op: OpProposalEdit, Proposal: "P-1", Title: "Better"}, err: ErrNoProposal},
		{name: "edit a malformed id", setup: draft, actor: org, cmd: Command{Op: OpProposalEdit, Proposal: "P-01", Title: "Better"}, err: ErrNoProposal},
		{name: "publish", setup: draft, actor: org, cmd: Command{Op: OpProposalPublish, Proposal: "P-1"},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.c.View(Public).Proposals; len(p) != 1 || p[0].Status != Published || p[0].PublishedAt != ev.At {
					t.Errorf("public %+v", p)
				}
			}},
		{name: "publish twice", setup: published, actor: org, cmd: Command{Op: OpProposalPublish, Proposal: "P-1"}, err: room.ErrState},
		{name: "publish a commitment's id", setup: committed, actor: org, cmd: Command{Op: OpProposalPublish, Proposal: "C-1"}, err: ErrNoProposal},
		{name: "merge", setup: two, actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-2"},
			check: func(t *testing.T, s *script, ev Event) {
				p := s.c.View(Public).Proposals
				if p[0].Status != Merged || p[0].MergedInto != "P-2" || !slices.Equal(p[1].MergedFrom, []string{"P-1"}) {
					t.Errorf("public %+v", p)
				}
			}},
		{name: "merge into itself", setup: two, actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-1"}, err: room.ErrInvalid},
		{name: "merge a draft", setup: seq(published, draft), actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-2", Into: "P-1"}, err: room.ErrState},
		{name: "merge into a draft", setup: seq(published, draft), actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-2"}, err: room.ErrState},
		{name: "merge into nothing", setup: published, actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-2"}, err: ErrNoProposal},
		{name: "merge a committed proposal", setup: seq(committed, func(s *script) { s.proposal("x", true) }), actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-2"}, err: room.ErrState},
		{name: "merge a merged proposal", setup: seq(two, func(s *script) { s.proposal("x", true) }, cmd(org, Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-2"})),
			actor: org, cmd: Command{Op: OpProposalMerge, Proposal: "P-1", Into: "P-3"}, err: room.ErrState},
		{name: "withdraw", setup: published, actor: org, cmd: Command{Op: OpProposalWithdraw, Proposal: "P-1", Reason: " Out of scope "},
			check: func(t *testing.T, s *script, ev Event) {
				if p := s.c.View(Public).Proposals[0]; p.Status != ProposalWithdrawn || p.Reason != "Out of scope" {
					t.Errorf("public %+v", p)
				}
			}},
		{name: "withdraw a draft", setup: draft, actor: org, cmd: Command{Op: OpProposalWithdraw, Proposal: "P-1", Reason: "no"},
			check: func(t *testing.T, s *script, ev Event) {
				if len(s.c.View(Public).Proposals) != 0 {
					t.Error("a draft withdrawn went public")
				}
			}},
		{name: "withdraw without a reason", setup: published, actor: org, cmd: Command{Op: OpProposalWithdraw, Proposal: "P-1"}, err: room.ErrEmpty},
		{name: "withdraw twice", setup: seq(published, cmd(org, Command{Op: OpProposalWithdraw, Proposal: "P-1", Reason: "no"})), actor: org, cmd: Command{Op: OpProposalWithdraw, Proposal: "P-1", Reason: "no"}, err: room.ErrState},
		{name: "withdraw a committed proposal", setup: committed, actor: org, cmd: Command{Op: OpProposalWithdraw, Proposal: "P-1", Reason: "no"}, err: room.ErrState},
		{name: "publish a withdrawn draft", setup: seq(draft, cmd(org, Command{Op: OpProposalWithdraw, Proposal: "P-1", Reason: "no"})), actor: org, cmd: Command{Op: OpProposalPublish, Proposal: "P-1"}, err: room.ErrState},

		// commitments
		{name: "commit", setup: published, actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "Open budget", Text: "Nobody can read the budget.", Proposals: []string{"P-1"},
			Milestones: []Milestone{{Text: " Monthly tables ", Due: "2026-09-30", Evidence: "https://example.org/budget"}, {Text: "A law"}}},
			check: func(t *testing.T, s *script, ev Event) {
				v := s.c.View(Public)
				m := v.Commitments[0]
				if ev.Commitment != "C-1" || m.Status != NotStarted || len(m.History) != 0 || m.Milestones[0].Text != "Monthly tables" || m.Problem == "" {
					t.Errorf("commitment %+v", m)
				}
				if !slices.Equal(v.Proposals[0].IncludedIn, []string{"C-1"}) {
					t.Errorf("proposal %+v", v.Proposals[0])
				}
			}},
		{name: "commit to nothing proposed", actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "Open budget"}},
		{name: "commit to a draft", setup: draft, actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Proposals: []string{"P-1"}}, err: room.ErrState},
		{name: "commit to no proposal", actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Proposals: []string{"P-1"}}, err: ErrNoProposal},
		{name: "commit to one twice", setup: published, actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Proposals: []string{"P-1", "P-1"}}, err: room.ErrInvalid},
		{name: "milestone without text", actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Milestones: []Milestone{{Due: "2026-01-01"}}}, err: room.ErrEmpty},
		{name: "milestone bad date", actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Milestones: []Milestone{{Text: "a", Due: "soon"}}}, err: room.ErrInvalid},
		{name: "milestone bad link", actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Milestones: []Milestone{{Text: "a", Evidence: "javascript:alert(1)"}}}, err: room.ErrInvalid},
		{name: "two commitments, one proposal", setup: committed, actor: org, cmd: Command{Op: OpCommitmentCreate, Title: "x", Proposals: []string{"P-1"}},
			check: func(t *testing.T, s *script, ev Event) {
				if got := s.c.View(Public).Proposals[0].IncludedIn; !slices.Equal(got, []string{"C-1", "C-2"}) {
					t.Errorf("included in %v", got)
				}
			}},
		{name: "edit a commitment", setup: committed, actor: org, cmd: Command{Op: OpCommitmentEdit, Commitment: "C-1", Title: "Open budget", Text: "Now with a problem"}},
		{name: "edit a commitment to the same", setup: committed, actor: org, cmd: Command{Op: OpCommitmentEdit, Commitment: "C-1", Title: "Open budget", Proposals: []string{"P-1"}}, err: room.ErrAlready},
		{name: "edit no commitment", actor: org, cmd: Command{Op: OpCommitmentEdit, Commitment: "C-1", Title: "x"}, err: ErrNoCommitment},
		{name: "status", setup: committed, actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "Tables for January", Evidence: "https://example.org/jan"},
			check: func(t *testing.T, s *script, ev Event) {
				want := []Change{{At: ev.At, Status: Limited, Note: "Tables for January", Evidence: "https://example.org/jan"}}
				if got := s.c.View(Public).Commitments[0]; got.Status != Limited || mustJSON(t, got.History) != mustJSON(t, want) {
					t.Errorf("commitment %+v", got)
				}
			}},
		{name: "status again with news", setup: seq(committed, cmd(org, Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "a"})),
			actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "b"}, check: status(Limited)},
		{name: "status again the same", setup: seq(committed, cmd(org, Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "a"})),
			actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "a"}, err: room.ErrAlready},
		{name: "status complete", setup: committed, actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "complete", Note: "done"}, check: status(Complete)},
		{name: "status withdrawn", setup: committed, actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "withdrawn", Note: "no budget"}, check: status(Withdrawn)},
		{name: "status after withdrawn", setup: seq(committed, cmd(org, Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "withdrawn", Note: "x"})),
			actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "y"}, err: room.ErrState},
		{name: "edit after withdrawn", setup: seq(committed, cmd(org, Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "withdrawn", Note: "x"})),
			actor: org, cmd: Command{Op: OpCommitmentEdit, Commitment: "C-1", Title: "y"}, err: room.ErrState},
		{name: "status unknown", setup: committed, actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "started", Note: "x"}, err: room.ErrInvalid},
		{name: "status without note", setup: committed, actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited"}, err: room.ErrEmpty},
		{name: "status with a bad link", setup: committed, actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "x", Evidence: "ftp://x"}, err: room.ErrInvalid},
		{name: "status of no commitment", actor: org, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "x"}, err: ErrNoCommitment},
		{name: "status by the public", setup: committed, actor: pub, cmd: Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "x"}, err: room.ErrForbidden},
	})
}

// busy is a consultation with a thing in every state: a question carried
// twice, proposals draft, published, merged, withdrawn (as a draft and
// published), committed, and commitments whose status changed.
func busy(t testing.TB) *script {
	s := newScript(t)
	s.carry("STEP1", 3, "STEP2", 1)
	s.carry("STEP2", 1, "STEP3", 2)
	s.carry("STEP1", 4, "STEP2", 2)
	s.proposal("Secret draft title", false, question("STEP1", 3)) // P-1 draft
	s.proposal("Publish the budget", true, question("STEP2", 1))  // P-2
	s.proposal("Budget in open data", true, question("STEP3", 2)) // P-3, merged into P-2
	s.do(org, Command{Op: OpProposalMerge, Proposal: "P-3", Into: "P-2"})
	s.proposal("Abandoned draft words", false) // P-4, withdrawn as a draft
	s.do(org, Command{Op: OpProposalWithdraw, Proposal: "P-4", Reason: "Hidden reason"})
	s.proposal("Out of scope", true) // P-5, withdrawn
	s.do(org, Command{Op: OpProposalWithdraw, Proposal: "P-5", Reason: "Not the government's to decide"})
	s.do(org, Command{Op: OpCommitmentCreate, Title: "Open budget", Text: "Nobody can read it.", Proposals: []string{"P-2"},
		Milestones: []Milestone{{Text: "Monthly tables", Due: "2026-09-30"}}})
	s.do(org, Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "limited", Note: "January", Evidence: "https://example.org/jan"})
	s.do(org, Command{Op: OpCommitmentStatus, Commitment: "C-1", Status: "substantial", Note: "Half the year"})
	s.do(org, Command{Op: OpCommitmentCreate, Title: "Dropped"})
	s.do(org, Command{Op: OpCommitmentStatus, Commitment: "C-2", Status: "withdrawn", Note: "No money"})
	return s
}

func TestPublicView(t *testing.T) {
	s := busy(t)
	pv, ov := s.c.View(Public), s.c.View(Organiser)
	ids := func(ps []ProposalView) (out []string) {
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if got := ids(pv.Proposals); !slices.Equal(got, []string{"P-2", "P-3", "P-5"}) {
		t.Errorf("public proposals %v", got)
	}
	if got := ids(ov.Proposals); !slices.Equal(got, []string{"P-1", "P-2", "P-3", "P-4", "P-5"}) {
		t.Errorf("organiser's proposals %v", got)
	}
	js := mustJSON(t, pv)
	for _, secret := range []string{"Secret draft title", "Abandoned draft words", "Hidden reason", "org-1"} {
		if strings.Contains(js, secret) {
			t.Errorf("the public view holds %q", secret)
		}
	}
	if !strings.Contains(js, "Not the government's to decide") {
		t.Error("the reason a published proposal was withdrawn is public")
	}
	if pv.Role != Public || s.c.View(System).Role != Public || ov.Role != Organiser {
		t.Error("roles")
	}
	if len(pv.Carried) != 3 || len(pv.Commitments) != 2 || len(pv.Commitments[0].History) != 2 || pv.Commitments[1].Status != Withdrawn {
		t.Errorf("public view %s", js)
	}
	// Empty lists encode as lists.
	empty := newScript(t).c.View(Public)
	if b := mustJSON(t, empty); !strings.Contains(b, `"proposals":[]`) || !strings.Contains(b, `"commitments":[]`) || !strings.Contains(b, `"carried":[]`) {
		t.Errorf("empty view %s", b)
	}
}

func TestReplayDigest(t *testing.T) {
	s := busy(t)
	digests := [][32]byte{New().Digest()}
	c := New()
	for _, ev := range s.events {
		if err := c.Apply(ev); err != nil {
			t.Fatalf("apply %d: %v", ev.Seq, err)
		}
		digests = append(digests, c.Digest())
	}
	for k := range len(s.events) + 1 {
		re, err := Replay(s.events[:k])
		if err != nil {
			t.Fatal(err)
		}
		if re.Digest() != digests[k] {
			t.Fatalf("replay of %d events differs", k)
		}
		if k > 0 && digests[k] == digests[k-1] {
			t.Fatalf("event %d did not change the digest", k)
		}
	}
	// Through JSON, as the log is stored.
	b, err := json.Marshal(s.events)
	if err != nil {
		t.Fatal(err)
	}
	var evs []Event
	if err := json.Unmarshal(b, &evs); err != nil {
		t.Fatal(err)
	}
	re, err := Replay(evs)
	if err != nil || re.Digest() != s.c.Digest() || mustJSON(t, re.View(Organiser)) != mustJSON(t, s.c.View(Organiser)) {
		t.Fatalf("the JSON log replays to another state (%v)", err)
	}
}

func TestApplyRefusesForgedEvents(t *testing.T) {
	s := busy(t)
	next := s.c.Seq() + 1
	for _, tc := range []struct {
		name string
		ev   Event
		err  error
	}{
		{"gap", Event{Seq: next + 1, Actor: org, Command: Command{Op: OpProposalCreate, Title: "x", Proposal: "P-6"}}, room.ErrSequence},
		{"reused proposal id", Event{Seq: next, Actor: org, Command: Command{Op: OpProposalCreate, Title: "x", Proposal: "P-1"}}, room.ErrInvalid},
		{"skipped proposal id", Event{Seq: next, Actor: org, Command: Command{Op: OpProposalCreate, Title: "x", Proposal: "P-7"}}, room.ErrInvalid},
		{"reused commitment id", Event{Seq: next, Actor: org, Command: Command{Op: OpCommitmentCreate, Title: "x", Commitment: "C-1"}}, room.ErrInvalid},
		{"wrong thread", Event{Seq: next, Actor: org, Command: Command{Op: OpCarry, From: &Ref{"STEP1", 9}, To: &Ref{"STEP2", 9}, Text: "x", Thread: "Q-1"}}, room.ErrInvalid},
		{"publish by the public", Event{Seq: next, Actor: pub, Command: Command{Op: OpProposalPublish, Proposal: "P-1"}}, room.ErrForbidden},
		{"bad text", Event{Seq: next, Actor: org, Command: Command{Op: OpProposalCreate, Title: "\u202e", Proposal: "P-6"}}, room.ErrInvalid},
	} {
		before := s.c.Digest()
		if err := s.c.Apply(tc.ev); !errors.Is(err, tc.err) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.err)
		}
		if s.c.Digest() != before {
			t.Errorf("%s: a refused event changed the consultation", tc.name)
		}
	}
	good := Event{Seq: next, Actor: org, Command: Command{Op: OpProposalCreate, Title: "x", Proposal: "P-6"}}
	if err := s.c.Apply(good); err != nil {
		t.Fatal(err)
	}
}

// Decide must not write into the caller's command.
func TestDecideKeepsTheCommand(t *testing.T) {
	s := newScript(t)
	from, to := &Ref{"STEP1", 1}, &Ref{"STEP2", 1}
	sources := []Source{{Kind: PollSource, Code: "STEP1", Poll: 1, Question: 3}}
	ms := []Milestone{{Text: " a "}}
	s.do(org, Command{Op: OpCarry, From: from, To: to, Text: "x"})
	s.do(org, Command{Op: OpProposalCreate, Title: "p", Sources: sources})
	s.do(org, Command{Op: OpCommitmentCreate, Title: "c", Milestones: ms})
	if *from != (Ref{"STEP1", 1}) || sources[0].Question != 3 || ms[0].Text != " a " {
		t.Error("the caller's command was changed")
	}
}

// The canonical encoding is pinned: an exported consultation log carries
// its final digest, and a later Tribune must still recompute it. A field
// added to the state is written only when set.
func TestDigestStable(t *testing.T) {
	d := busy(t).c.Digest()
	const want = "ac263a432907d0d1524ac8cecd0e58f24a469ce5fb796154ae6b631c2a0f0260"
	if got := hexString(d[:]); got != want {
		t.Fatalf("the busy consultation's digest is %s: the canonical encoding changed", got)
	}
}
