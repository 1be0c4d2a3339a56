package archive

import (
	"context"
	"crypto/sha256"
	"path/filepath"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// This file builds a consultation with its two step meetings the way the
// hub does, on a real SQLite store: each meeting command is decided by a
// room.Room and its event appended (fixture), each consultation command
// decided by consultation.Handle and its event appended to the
// consultation's log. A question is carried as the hub carries it:
// imported into the later meeting, recorded in the earlier one, then in
// the consultation.

// Texts of the consultation. The draft texts and the organiser session
// ids must appear in no file of the open data.
const (
	consID        = "CONS42"
	carriedText   = "Will the budget be published every month?"
	pendingStep1  = "Pending at step one zqv"
	draftTitle    = "Unpublished idea zqv"
	draftText     = "Sell the old tram depot to a developer zqv"
	droppedTitle  = "Dropped draft zqv"
	droppedText   = "Close the night bus line zqv"
	droppedReason = "Not ours to decide zqv"
	publicTitle   = "Publish the budget monthly"
	publicText    = "Monthly tables, in open formats."
	pulledTitle   = "A tram to the harbour"
	pulledReason  = "Out of the city's remit: the region decides."
	promiseTitle  = "Open budget"
	promiseNote   = "January's tables are online."
	evidenceLink  = "https://example.org/budget/2026-01"
)

// organisers are the organiser sessions that act on the consultation.
var organisers = []consultation.Actor{
	{ID: "org-5f3a9c2e-77b1-4d0e-a6c3-9e8d7c6b5a41", Role: consultation.Organiser},
	{ID: "org-0b1c2d3e-4f5a-4b6c-8d7e-f0a1b2c3d4e5", Role: consultation.Organiser},
}

var consSystem = consultation.Actor{Role: consultation.System}

// consFixture is a consultation's log being built.
type consFixture struct {
	t    testing.TB
	st   *store.Store
	c    *consultation.Consultation
	rows []store.ConsultationRow // as the store holds them, once loaded
	at   int64
	seqs map[string]uint64 // label -> seq of an event
}

// do decides and applies cmd, appends the event to the store, and returns
// it.
func (f *consFixture) do(a consultation.Actor, cmd consultation.Command) consultation.Event {
	f.t.Helper()
	f.at += 60_000
	ev, err := f.c.Handle(a, f.at, cmd)
	if err != nil {
		f.t.Fatalf("%s: %v", cmd.Op, err)
	}
	ctx := context.Background()
	if ev.Seq == 1 {
		key := sha256.Sum256([]byte("organiser key"))
		err = f.st.CreateConsultation(ctx, store.ConsultationRecord{ID: ev.ID, KeyHash: key[:], CreatedAt: time.UnixMilli(f.at)}, ev)
	} else {
		err = f.st.AppendConsultation(ctx, f.c.ID(), []consultation.Event{ev})
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return ev
}

// load reads the consultation's log back from the store.
func (f *consFixture) load() {
	f.t.Helper()
	rows, err := f.st.LoadConsultation(context.Background(), f.c.ID())
	if err != nil {
		f.t.Fatal(err)
	}
	if err := store.VerifyConsultationChain(rows); err != nil {
		f.t.Fatal(err)
	}
	f.rows = rows
}

// consultationCase is a consultation with its step meetings' stored logs.
type consultationCase struct {
	cons     *consFixture
	step1    *fixture
	step2    *fixture
	meetings map[string][]store.Stored // by join code
}

// tweaks bends the story for a cross-check test: carryTo is the question
// the consultation says the carried question became in step 2 (the real
// one is 1); cite adds a proposal source; ideas opens an ideas board at
// CSTEP1 with idea 1 approved and idea 2 left waiting.
type tweaks struct {
	carryTo room.QuestionID
	cite    *consultation.Source
	ideas   bool
}

// newConsultation runs, on one new SQLite file, two step meetings and the
// consultation that joins them:
//   - CSTEP1 (ended): two participants, a question approved and upvoted
//     (carried on), one left pending, a poll that ran, an agenda outcome;
//   - CSTEP2 (not started): the carried question, imported;
//   - the consultation CONS42: both steps, the carry, a published proposal
//     citing the carried question, the poll and the outcome; a draft; a
//     draft withdrawn; a proposal published then withdrawn; a commitment
//     with milestones and three status changes, from two organiser
//     sessions.
func newConsultation(t testing.TB, tw tweaks) *consultationCase {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 1, 20, 18, 0, 0, 0, time.UTC).UnixMilli()
	ids := map[string]string{
		"alice": "p-3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a91",
		"bob":   "p-7e6d5c4b-3a29-4180-8f7e-6d5c4b3a2992",
	}
	m1 := &fixture{t: t, st: st, r: room.New(), code: "CSTEP1", at: at, ids: ids, seqs: map[string]uint64{}}
	m2 := &fixture{t: t, st: st, r: room.New(), code: "CSTEP2", at: at + 30*24*3600_000, ids: ids, seqs: map[string]uint64{}}
	f := &consFixture{t: t, st: st, c: consultation.New(), at: at - 7*24*3600_000, seqs: map[string]uint64{}}
	org, org2 := organisers[0], organisers[1]

	f.do(consSystem, consultation.Command{Op: consultation.OpCreate, ID: consID, Title: "Open government action plan 2026",
		Text: "Two step meetings, then commitments.", Opens: "2026-01-10", Closes: "2026-06-30"})
	f.do(org, consultation.Command{Op: consultation.OpStepAdd, Code: "CSTEP1", Title: "Step 1: priorities", Date: "2026-01-20"})
	f.do(org, consultation.Command{Op: consultation.OpStepAdd, Code: "CSTEP2", Title: "Step 2: proposals", Date: "2026-02-19"})

	m1.do(system, room.Command{Op: room.OpCreate, Title: "Step 1: priorities", Code: "CSTEP1", Steps: []string{"Welcome", "Budget"},
		Settings: &room.Settings{QAOpen: true, PreModeration: true}})
	m1.do(mod, room.Command{Op: room.OpStart})
	f.do(consSystem, consultation.Command{Op: consultation.OpStepStatus, Code: "CSTEP1", Status: string(consultation.Live)})
	m1.join("alice", room.InRoom)
	m1.join("bob", room.Remote)
	m1.do(m1.p("alice"), room.Command{Op: room.OpAsk, Text: carriedText}) // q1
	m1.do(mod, room.Command{Op: room.OpApprove, Question: 1})
	m1.do(m1.p("bob"), room.Command{Op: room.OpUpvote, Question: 1})
	m1.do(m1.p("bob"), room.Command{Op: room.OpAsk, Text: pendingStep1}) // q2, never moderated
	if tw.ideas {
		m1.do(mod, room.Command{Op: room.OpBoardOpen, Text: "What should the plan commit to?", Step: -1})
		m1.do(m1.p("alice"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Open the budget"}) // idea 1
		m1.do(mod, room.Command{Op: room.OpIdeaApprove, Idea: 1})
		m1.do(m1.p("bob"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Still waiting zqv"}) // idea 2, never moderated
	}
	m1.do(mod, room.Command{Op: room.OpGoto, Step: 1})
	m1.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Monthly or quarterly?", Options: []string{"Monthly", "Quarterly"}})
	m1.do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	m1.do(m1.p("alice"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	m1.do(mod, room.Command{Op: room.OpPollClose, Poll: 1})
	m1.do(mod, room.Command{Op: room.OpEnd})
	m1.do(mod, room.Command{Op: room.OpOutcome, Step: 1, Text: "The budget is published as open data."})
	f.do(consSystem, consultation.Command{Op: consultation.OpStepStatus, Code: "CSTEP1", Status: string(consultation.Ended)})

	// The carry: imported into step 2, recorded in step 1, then in the
	// consultation, with the votes step 1 counted.
	m2.do(system, room.Command{Op: room.OpCreate, Title: "Step 2: proposals", Code: "CSTEP2", Settings: &room.Settings{QAOpen: true}})
	votes := m1.r.View(room.Moderator).Questions[0].Votes
	m2.do(system, room.Command{Op: room.OpImport, Text: carriedText,
		Link: &room.Link{Consultation: consID, Code: "CSTEP1", Question: 1, Votes: votes, Step: "Step 1"}})
	m1.do(system, room.Command{Op: room.OpCarry, Question: 1, Link: &room.Link{Consultation: consID, Code: "CSTEP2", Question: 1, Step: "Step 2"}})
	carryTo := room.QuestionID(1)
	if tw.carryTo != 0 {
		carryTo = tw.carryTo
	}
	f.seqs["carry"] = f.do(org, consultation.Command{Op: consultation.OpCarry, From: &consultation.Ref{Code: "CSTEP1", Question: 1},
		To: &consultation.Ref{Code: "CSTEP2", Question: carryTo}, Text: carriedText, Votes: votes}).Seq

	sources := []consultation.Source{
		{Kind: consultation.QuestionSource, Code: "CSTEP2", Question: 1},
		{Kind: consultation.PollSource, Code: "CSTEP1", Poll: 1},
		{Kind: consultation.OutcomeSource, Code: "CSTEP1", Step: 1},
	}
	if tw.cite != nil {
		sources = append(sources, *tw.cite)
	}
	ev := f.do(org, consultation.Command{Op: consultation.OpProposalCreate, Title: publicTitle, Text: publicText, Sources: sources})
	f.seqs["propose"] = ev.Seq
	p1 := ev.Proposal
	f.do(org, consultation.Command{Op: consultation.OpProposalPublish, Proposal: p1})
	f.do(org2, consultation.Command{Op: consultation.OpProposalCreate, Title: draftTitle, Text: draftText,
		Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: "CSTEP1", Question: 1}}}) // P-2 stays a draft
	p3 := f.do(org2, consultation.Command{Op: consultation.OpProposalCreate, Title: droppedTitle, Text: droppedText}).Proposal
	f.do(org2, consultation.Command{Op: consultation.OpProposalWithdraw, Proposal: p3, Reason: droppedReason})
	p4 := f.do(org, consultation.Command{Op: consultation.OpProposalCreate, Title: pulledTitle, Text: "Light rail along the quay."}).Proposal
	f.do(org, consultation.Command{Op: consultation.OpProposalPublish, Proposal: p4})
	f.do(org, consultation.Command{Op: consultation.OpProposalWithdraw, Proposal: p4, Reason: pulledReason})

	c1 := f.do(org, consultation.Command{Op: consultation.OpCommitmentCreate, Title: promiseTitle, Text: "Nobody can follow the budget.",
		Proposals: []string{p1}, Milestones: []consultation.Milestone{
			{Text: "Monthly tables online", Due: "2026-09-30"},
			{Text: "A page that explains them", Evidence: "https://example.org/budget"},
		}}).Commitment
	f.do(org, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: c1, Status: string(consultation.Limited), Note: promiseNote, Evidence: evidenceLink})
	f.do(org2, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: c1, Status: string(consultation.Substantial), Note: "Five months online."})
	f.seqs["last"] = f.do(org, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: c1, Status: string(consultation.Complete), Note: "Every month since January."}).Seq

	f.load()
	cc := &consultationCase{cons: f, step1: m1, step2: m2, meetings: map[string][]store.Stored{}}
	for _, m := range []*fixture{m1, m2} {
		rows, err := st.Load(ctx, m.code)
		if err != nil {
			t.Fatal(err)
		}
		cc.meetings[m.code] = rows
	}
	return cc
}
