package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/room/consultation"
)

// consultationCreate is event 1 of consultation id.
func consultationCreate(id string) consultation.Event {
	return consultation.Event{
		Seq: 1, At: 1_700_000_000_000, Actor: consultation.Actor{Role: consultation.System},
		Command: consultation.Command{Op: consultation.OpCreate, ID: id, Title: "Action plan " + id},
	}
}

// consultationEvents are events from..to of a consultation: the organiser
// drafting proposals. The store does not mind what they say.
func consultationEvents(from, to uint64) []consultation.Event {
	var evs []consultation.Event
	for seq := from; seq <= to; seq++ {
		evs = append(evs, consultation.Event{
			Seq: seq, At: 1_700_000_000_000 + int64(seq), Actor: consultation.Actor{ID: "organiser", Role: consultation.Organiser},
			Command: consultation.Command{Op: consultation.OpProposalCreate, Title: fmt.Sprintf("proposal %d", seq), Proposal: fmt.Sprintf("P-%d", seq-1)},
		})
	}
	return evs
}

func mustCreateConsultation(t testing.TB, s *Store, id string) {
	t.Helper()
	rec := ConsultationRecord{ID: id, KeyHash: keyHash(id), CreatedAt: time.UnixMilli(1_700_000_000_000)}
	if err := s.CreateConsultation(context.Background(), rec, consultationCreate(id)); err != nil {
		t.Fatal(err)
	}
}

func mustLoadConsultation(t testing.TB, s *Store, id string) []ConsultationRow {
	t.Helper()
	rows, err := s.LoadConsultation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyConsultationChain(rows); err != nil {
		t.Fatalf("consultation %s: %v", id, err)
	}
	return rows
}

// TestConsultations: create, append, head, load and list, and every
// refusal, each of which writes nothing. A consultation whose id is a
// meeting's code is apart from it.
func TestConsultations(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	ctx := context.Background()
	mustCreateConsultation(t, s, "OGP2026")
	mustCreate(t, s, "OGP2026") // a meeting with the same code: another log
	if err := s.Append(ctx, "OGP2026", records(2, 4)); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		do   func() error
		want error
	}{
		{"create again", func() error {
			return s.CreateConsultation(ctx, ConsultationRecord{ID: "OGP2026", KeyHash: keyHash("x"), CreatedAt: time.Now()}, consultationCreate("OGP2026"))
		}, ErrExists},
		{"create with event 2", func() error {
			ev := consultationCreate("OTHER1")
			ev.Seq = 2
			return s.CreateConsultation(ctx, ConsultationRecord{ID: "OTHER1", KeyHash: keyHash("x"), CreatedAt: time.Now()}, ev)
		}, ErrGap},
		{"append 2..4", func() error { return s.AppendConsultation(ctx, "OGP2026", consultationEvents(2, 4)) }, nil},
		{"append nothing", func() error { return s.AppendConsultation(ctx, "OGP2026", nil) }, nil},
		{"append 4 again", func() error { return s.AppendConsultation(ctx, "OGP2026", consultationEvents(4, 4)) }, ErrGap},
		{"append past a gap", func() error { return s.AppendConsultation(ctx, "OGP2026", consultationEvents(6, 7)) }, ErrGap},
		{"append out of order", func() error {
			evs := consultationEvents(5, 7)
			evs[1], evs[2] = evs[2], evs[1]
			return s.AppendConsultation(ctx, "OGP2026", evs)
		}, ErrGap},
		{"append to none", func() error { return s.AppendConsultation(ctx, "NOSUCH", consultationEvents(2, 2)) }, ErrNotFound},
		{"append 5", func() error { return s.AppendConsultation(ctx, "OGP2026", consultationEvents(5, 5)) }, nil},
	} {
		if err := tc.do(); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}

	rows := mustLoadConsultation(t, s, "OGP2026")
	if len(rows) != 5 {
		t.Fatalf("%d events, want 5", len(rows))
	}
	for i, r := range rows {
		if r.Seq != uint64(i+1) || r.Event.Seq != r.Seq {
			t.Errorf("row %d: seq %d, event %d", i, r.Seq, r.Event.Seq)
		}
	}
	if rows[0].Event.Op != consultation.OpCreate || rows[0].Event.ID != "OGP2026" || rows[4].Event.Title != "proposal 5" {
		t.Errorf("events read back: %+v ... %+v", rows[0].Event, rows[4].Event)
	}
	seq, hash, err := s.ConsultationHead(ctx, "OGP2026")
	if err != nil || seq != 5 || string(hash) != string(rows[4].Hash) {
		t.Errorf("head: %d %x %v; want 5 %x", seq, hash, err, rows[4].Hash)
	}
	if _, _, err := s.ConsultationHead(ctx, "NOSUCH"); !errors.Is(err, ErrNotFound) {
		t.Errorf("head of none: %v", err)
	}
	if _, err := s.LoadConsultation(ctx, "NOSUCH"); !errors.Is(err, ErrNotFound) {
		t.Errorf("load of none: %v", err)
	}
	if _, err := s.Consultation(ctx, "NOSUCH"); !errors.Is(err, ErrNotFound) {
		t.Errorf("record of none: %v", err)
	}
	// The meeting of the same code kept its own log.
	if mr := mustLoad(t, s, "OGP2026"); len(mr) != 4 {
		t.Errorf("the meeting OGP2026 has %d events, want 4", len(mr))
	}

	mustCreateConsultation(t, s, "ZETA1")
	for _, id := range []string{"ZETA1", "OGP2026"} {
		seq, _, err := s.ConsultationHead(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ev := consultation.Event{Seq: seq + 1, At: 1_700_000_000_000, Actor: consultation.Actor{ID: "organiser", Role: consultation.Organiser},
			Command: consultation.Command{Op: consultation.OpStepAdd, Code: "STEP1", Title: "Step 1"}}
		if err := s.AppendConsultation(ctx, id, []consultation.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	if ids, err := s.StepOf(ctx, "STEP1"); err != nil || !slices.Equal(ids, []string{"OGP2026", "ZETA1"}) {
		t.Errorf("consultations of STEP1: %v %v", ids, err)
	}
	if ids, err := s.StepOf(ctx, "OGP2026"); err != nil || len(ids) != 0 {
		t.Errorf("consultations of OGP2026, a step of none: %v %v", ids, err)
	}
	list, err := s.Consultations(ctx)
	if err != nil || len(list) != 2 || list[0].ID != "OGP2026" || list[1].ID != "ZETA1" {
		t.Fatalf("list: %+v %v", list, err)
	}
	rec, err := s.Consultation(ctx, "OGP2026")
	if err != nil || string(rec.KeyHash) != string(keyHash("OGP2026")) || rec.CreatedAt.UnixMilli() != 1_700_000_000_000 {
		t.Errorf("record: %+v %v", rec, err)
	}
	c, err := s.Check(ctx)
	if err != nil || c.Consultations != 2 || c.Rooms != 1 || c.Events != 4 || c.ConsultationEvents != 6+2 {
		t.Errorf("Check: %+v %v", c, err)
	}
}

// TestVerifyConsultationChain: a flipped byte, a missing row, a forged
// hash and a row that says another seq are each found, naming the event.
func TestVerifyConsultationChain(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	mustCreateConsultation(t, s, "CHAIN1")
	if err := s.AppendConsultation(context.Background(), "CHAIN1", consultationEvents(2, 6)); err != nil {
		t.Fatal(err)
	}
	good := mustLoadConsultation(t, s, "CHAIN1")
	clone := func() []ConsultationRow {
		out := make([]ConsultationRow, len(good))
		for i, r := range good {
			r.JSON = append([]byte(nil), r.JSON...)
			r.Hash = append([]byte(nil), r.Hash...)
			out[i] = r
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		tamper func([]ConsultationRow) []ConsultationRow
		seq    uint64
	}{
		{"flipped byte", func(r []ConsultationRow) []ConsultationRow { r[2].JSON[len(r[2].JSON)-3] ^= 1; return r }, 3},
		{"missing row", func(r []ConsultationRow) []ConsultationRow { return append(r[:3], r[4:]...) }, 4},
		{"forged hash", func(r []ConsultationRow) []ConsultationRow { r[4].Hash[0] ^= 0xff; return r }, 5},
		{"another seq", func(r []ConsultationRow) []ConsultationRow {
			r[1].JSON = mustJSONConsultation(t, consultationEvents(3, 3)[0])
			h := chainHash([32]byte(r[0].Hash), r[1].JSON)
			r[1].Hash = h[:]
			r[2].Prev = h[:]
			return r
		}, 2},
	} {
		var ce *ChainError
		err := VerifyConsultationChain(tc.tamper(clone()))
		if !errors.As(err, &ce) || ce.Seq != tc.seq {
			t.Errorf("%s: %v, want a break at event %d", tc.name, err, tc.seq)
		}
	}
	if err := VerifyConsultationChain(good); err != nil {
		t.Errorf("the untouched log: %v", err)
	}
}

func mustJSONConsultation(t testing.TB, ev consultation.Event) []byte {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestConsultationReopen: a consultation's log read back after a close,
// its tip loaded from the file: the next append follows it, a gap is
// still refused.
func TestConsultationReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	s := openStore(t, path, Config{})
	mustCreateConsultation(t, s, "REOPEN1")
	if err := s.AppendConsultation(context.Background(), "REOPEN1", consultationEvents(2, 3)); err != nil {
		t.Fatal(err)
	}
	before := mustLoadConsultation(t, s, "REOPEN1")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path, Config{})
	ctx := context.Background()
	if err := s.AppendConsultation(ctx, "REOPEN1", consultationEvents(3, 3)); !errors.Is(err, ErrGap) {
		t.Errorf("append 3 again after reopening: %v", err)
	}
	if err := s.AppendConsultation(ctx, "REOPEN1", consultationEvents(4, 4)); err != nil {
		t.Fatal(err)
	}
	after := mustLoadConsultation(t, s, "REOPEN1")
	if len(after) != 4 || string(after[2].Hash) != string(before[2].Hash) || string(after[3].Prev) != string(before[2].Hash) {
		t.Errorf("after reopening: %d events, chain continued from %x", len(after), after[len(after)-1].Prev)
	}
	ro := openStore(t, path, Config{ReadOnly: true})
	if rows, err := ro.LoadConsultation(ctx, "REOPEN1"); err != nil || len(rows) != 4 {
		t.Errorf("read-only: %d rows, %v", len(rows), err)
	}
	if err := ro.AppendConsultation(ctx, "REOPEN1", consultationEvents(5, 5)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only append: %v", err)
	}
}

// TestUpgradeToConsultations opens testdata/schema1.db, written by the
// binary of schema 1, with today's: it is backed up and upgraded, its
// meetings still verify, and consultations can be created in it.
func TestUpgradeToConsultations(t *testing.T) {
	t.Parallel()
	fixture, err := os.ReadFile(filepath.Join("testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tribune.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, path, Config{})
	if v := userVersion(t, path); v != schemaVersion || schemaVersion < 2 {
		t.Fatalf("upgraded fixture: user_version %d, want %d", v, schemaVersion)
	}
	if b := backups(t, path); len(b) != 1 {
		t.Errorf("backups: %v, want one of schema 1", b)
	}
	mustCreateConsultation(t, s, "V2CONS")
	if err := s.AppendConsultation(context.Background(), "V2CONS", consultationEvents(2, 3)); err != nil {
		t.Fatal(err)
	}
	c, err := s.Check(context.Background())
	if err != nil || c.Rooms != 3 || c.Consultations != 1 {
		t.Errorf("Check after the upgrade: %+v %v", c, err)
	}
}
