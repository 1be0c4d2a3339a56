package hub

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// BenchmarkConsultationPage measures GET /api/consultations/{id}, what the
// public consultation page loads, for issue 11's size: 20 step meetings
// (ended) with 2,000 questions between them, 100 published proposals and
// 100 commitments with two status changes each. Over loopback HTTP, the
// consultation loaded already (the first request replays its log once);
// B/page is the body's size.
func BenchmarkConsultationPage(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: filepath.Join(b.TempDir(), "tribune.db"), Logger: testLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const steps, perStep, commitments = 20, 100, 100
	at := int64(1_750_000_000_000)
	sys, mod := room.Actor{Role: room.System}, room.Actor{ID: moderatorID, Role: room.Moderator}
	codes := make([]string, steps)
	for i := range codes {
		codes[i] = fmt.Sprintf("STEP%02d", i+1)
		r := room.New()
		var recs []store.Record
		do := func(a room.Actor, c room.Command) {
			ev, err := r.Handle(a, at, c)
			if err != nil {
				b.Fatal(err)
			}
			recs = append(recs, store.Record{Event: ev})
			at++
		}
		do(sys, room.Command{Op: room.OpCreate, Code: codes[i], Title: "Step meeting " + codes[i], Settings: &room.Settings{QAOpen: true}})
		do(mod, room.Command{Op: room.OpStart})
		for q := range perStep {
			p := room.Actor{ID: fmt.Sprintf("p-%d", q), Role: room.Participant}
			do(room.Actor{ID: p.ID, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.Remote})
			do(p, room.Command{Op: room.OpAsk, Text: fmt.Sprintf("Question %d of step %d, long enough to be a real question?", q, i+1)})
		}
		do(mod, room.Command{Op: room.OpEnd})
		if err := st.CreateRoom(ctx, store.RoomRecord{Code: codes[i], KeyHash: hashKey("k"), CreatedAt: time.UnixMilli(at), Status: string(room.Scheduled)}, recs[0].Event); err != nil {
			b.Fatal(err)
		}
		if err := st.Append(ctx, codes[i], recs[1:]); err != nil {
			b.Fatal(err)
		}
	}

	c := consultation.New()
	var evs []consultation.Event
	do := func(a consultation.Actor, k consultation.Command) consultation.Event {
		ev, err := c.Handle(a, at, k)
		if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, ev)
		at++
		return ev
	}
	do(systemActs, consultation.Command{Op: consultation.OpCreate, ID: "BENCH", Title: "Open government action plan", Text: "Twenty step meetings."})
	for i, code := range codes {
		do(organiser, consultation.Command{Op: consultation.OpStepAdd, Code: code, Title: fmt.Sprintf("Step %d", i+1), Date: "2026-01-20"})
		do(systemActs, consultation.Command{Op: consultation.OpStepStatus, Code: code, Status: string(consultation.Ended)})
	}
	for i := range commitments {
		p := do(organiser, consultation.Command{Op: consultation.OpProposalCreate, Title: fmt.Sprintf("Proposal %d", i+1), Text: "What the step meetings asked for, in a few sentences of plain text.",
			Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: codes[i%steps], Question: room.QuestionID(i/steps + 1)}}}).Proposal
		do(organiser, consultation.Command{Op: consultation.OpProposalPublish, Proposal: p})
		cm := do(organiser, consultation.Command{Op: consultation.OpCommitmentCreate, Title: fmt.Sprintf("Commitment %d", i+1), Text: "The problem it answers.",
			Proposals: []string{p}, Milestones: []consultation.Milestone{{Text: "First milestone", Due: "2026-09-30"}, {Text: "Second milestone", Due: "2027-03-31"}}}).Commitment
		do(organiser, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: cm, Status: string(consultation.Limited), Note: "Started"})
		do(organiser, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: cm, Status: string(consultation.Substantial), Note: "Mostly done", Evidence: "https://example.org/evidence"})
	}
	if err := st.CreateConsultation(ctx, store.ConsultationRecord{ID: "BENCH", KeyHash: hashKey("k"), CreatedAt: time.UnixMilli(at)}, evs[0]); err != nil {
		b.Fatal(err)
	}
	if err := st.AppendConsultation(ctx, "BENCH", evs[1:]); err != nil {
		b.Fatal(err)
	}

	h, err := New(ctx, Config{Store: st, Logger: testLogger(b)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer func() { srv.Close(); h.Close() }()
	get := func() int {
		resp, err := http.Get(srv.URL + "/api/consultations/BENCH")
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("%d %v", resp.StatusCode, err)
		}
		return int(n)
	}
	start := time.Now()
	size := get()
	b.Logf("first request (the consultation's log replayed): %v", time.Since(start))
	b.ResetTimer()
	for b.Loop() {
		get()
	}
	b.ReportMetric(float64(size), "B/page")
}
