package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tribune-hub/tribune/room/consultation"
)

// A consultation (package room/consultation) has its own log, beside the
// meetings': the consultations table says who may act on it (the hash of
// the organiser key), consultation_events holds its events, chained
// exactly as a meeting's are (chain.go). Its writes go through the same
// committer as the meetings', so that they are serialised with them, one
// transaction at a time.

// ConsultationRow is an event of a consultation's log as the store holds
// it: the same hash chain as a meeting's (Stored), over the consultation
// event's canonical JSON.
type ConsultationRow struct {
	Seq   uint64
	JSON  []byte // the event's encoding, what Hash covers
	Prev  []byte // Hash of event Seq-1; 32 zero bytes for Seq 1
	Hash  []byte // SHA-256(Prev || JSON)
	Event consultation.Event
}

// ConsultationRecord is what the store keeps about a consultation besides
// its log.
type ConsultationRecord struct {
	ID string
	// KeyHash is the SHA-256 of the organiser key; the key itself is never
	// stored.
	KeyHash []byte
	// CreatedAt is kept to the millisecond.
	CreatedAt time.Time
}

// VerifyConsultationChain checks a consultation's whole log, as
// LoadConsultation returns it, exactly as VerifyChain checks a meeting's:
// rows numbered 1..n without gaps, each JSON carrying its own seq, each
// Prev the Hash of the row before (32 zero bytes for the first), each Hash
// SHA-256(Prev || JSON) recomputed from the stored JSON. It returns nil for
// an intact log (or an empty one), or a *ChainError naming the first bad
// seq. It reads only JSON, Seq, Prev and Hash, not the decoded Event.
//
// TestVerifyConsultationChain guards it.
func VerifyConsultationChain(rows []ConsultationRow) error {
	return verifyLinks(len(rows), func(i int) link {
		r := &rows[i]
		return link{r.Seq, r.JSON, r.Prev, r.Hash}
	})
}

// consultationKey is a consultation's key in the committer's tips: room
// codes never hold a '/', so the two never meet.
func consultationKey(id string) string { return "consultation/" + id }

// consultationTip is consultation id's last event as the batch's
// transaction sees it, cached like a room's tip. ErrNotFound if there is
// no such consultation.
func (b *batch) consultationTip(id string) (tip, error) {
	key := consultationKey(id)
	if t, ok := b.staged[key]; ok {
		return t, nil
	}
	if t, ok := b.s.tips[key]; ok {
		return t, nil
	}
	var exists bool
	if err := b.tx.QueryRowContext(b.ctx, `SELECT EXISTS (SELECT 1 FROM consultations WHERE id = ?)`, id).Scan(&exists); err != nil {
		return tip{}, fmt.Errorf("store: consultation %s: %w", id, err)
	}
	if !exists {
		return tip{}, fmt.Errorf("%w: consultation %s", ErrNotFound, id)
	}
	var (
		t    tip
		hash []byte
	)
	err := b.tx.QueryRowContext(b.ctx, `SELECT seq, hash FROM consultation_events WHERE consultation = ? ORDER BY seq DESC LIMIT 1`, id).Scan(&t.seq, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return tip{}, fmt.Errorf("store: consultation %s: last event: %w", id, err)
	case len(hash) != len(t.hash):
		return tip{}, fmt.Errorf("store: consultation %s event %d: stored hash is %d bytes", id, t.seq, len(hash))
	default:
		t.hash = [32]byte(hash)
	}
	b.s.tips[key] = t
	return t, nil
}

// encodedConsultation is a consultation event ready to be written.
type encodedConsultation struct {
	seq  uint64
	at   int64
	op   string
	json []byte
}

func encodeConsultation(evs []consultation.Event) ([]encodedConsultation, error) {
	out := make([]encodedConsultation, len(evs))
	for i, ev := range evs {
		if i > 0 && ev.Seq != evs[0].Seq+uint64(i) {
			return nil, fmt.Errorf("%w: event %d follows %d", ErrGap, ev.Seq, evs[i-1].Seq)
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return nil, fmt.Errorf("store: encode event %d: %w", ev.Seq, err)
		}
		out[i] = encodedConsultation{seq: ev.Seq, at: ev.At, op: string(ev.Op), json: b}
	}
	return out, nil
}

// insertConsultation writes evs, which must follow the consultation's
// tip, and stages the new tip.
func (b *batch) insertConsultation(id string, evs []encodedConsultation) error {
	t, err := b.consultationTip(id)
	if err != nil {
		return err
	}
	if first := evs[0].seq; first != t.seq+1 {
		return fmt.Errorf("%w: consultation %s: got seq %d, want %d", ErrGap, id, first, t.seq+1)
	}
	prev := t.hash
	for _, e := range evs {
		h := chainHash(prev, e.json)
		if _, err := b.tx.ExecContext(b.ctx,
			`INSERT INTO consultation_events (consultation, seq, at, op, json, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, e.seq, e.at, e.op, e.json, prev[:], h[:]); err != nil {
			return fmt.Errorf("store: consultation %s: insert event %d: %w", id, e.seq, err)
		}
		prev = h
	}
	b.staged[consultationKey(id)] = tip{seq: evs[len(evs)-1].seq, hash: prev}
	b.events += uint64(len(evs))
	b.wrote = true
	return nil
}

// CreateConsultation durably inserts the consultation and its event 1
// (first, which must have Seq 1), in one transaction: a consultation never
// exists without its first event. ErrExists if the id is taken. Ids are
// compared exactly: the caller normalises them. A consultation's id may
// equal a meeting's code: they are apart.
func (s *Store) CreateConsultation(ctx context.Context, rec ConsultationRecord, first consultation.Event) error {
	if rec.ID == "" {
		return errors.New("store: create consultation: empty id")
	}
	if len(rec.KeyHash) != sha256.Size {
		return fmt.Errorf("store: create consultation %s: key hash is %d bytes, want %d", rec.ID, len(rec.KeyHash), sha256.Size)
	}
	if first.Seq != 1 {
		return fmt.Errorf("%w: create consultation %s: first event is %d, want 1", ErrGap, rec.ID, first.Seq)
	}
	evs, err := encodeConsultation([]consultation.Event{first})
	if err != nil {
		return fmt.Errorf("store: create consultation %s: %w", rec.ID, err)
	}
	return s.submit(ctx, 1, func(b *batch) error {
		var exists bool
		if err := b.tx.QueryRowContext(b.ctx, `SELECT EXISTS (SELECT 1 FROM consultations WHERE id = ?)`, rec.ID).Scan(&exists); err != nil {
			return fmt.Errorf("store: create consultation %s: %w", rec.ID, err)
		}
		if exists {
			return fmt.Errorf("%w: consultation %s", ErrExists, rec.ID)
		}
		if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO consultations (id, key_hash, created_at) VALUES (?, ?, ?)`,
			rec.ID, rec.KeyHash, rec.CreatedAt.UnixMilli()); err != nil {
			return fmt.Errorf("store: create consultation %s: %w", rec.ID, err)
		}
		b.wrote = true
		return b.insertConsultation(rec.ID, evs)
	})
}

// AppendConsultation writes events to consultation id's log and returns
// once they are durably committed, through the committer that writes the
// meetings' events (group commit, one transaction at a time). Appending no
// event is a no-op.
//
// The events must be numbered contiguously, the first following the
// consultation's last event: otherwise it fails with ErrGap and writes
// nothing. ErrNotFound if there is no such consultation. As with Append,
// an error after the request was handed over may hide a commit:
// ConsultationHead says.
func (s *Store) AppendConsultation(ctx context.Context, id string, events []consultation.Event) error {
	if len(events) == 0 {
		return nil
	}
	evs, err := encodeConsultation(events)
	if err != nil {
		return fmt.Errorf("store: consultation %s: %w", id, err)
	}
	return s.submit(ctx, len(evs), func(b *batch) error {
		return b.insertConsultation(id, evs)
	})
}

// ConsultationHead returns the seq and hash of consultation id's last
// committed event. Like Head, it is answered by the committer after every
// request submitted before it. ErrNotFound if there is no such
// consultation.
func (s *Store) ConsultationHead(ctx context.Context, id string) (seq uint64, hash []byte, err error) {
	var t tip
	err = s.submit(ctx, 0, func(b *batch) error {
		var err error
		t, err = b.consultationTip(id)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return t.seq, t.hash[:], nil
}

// LoadConsultation returns every event of consultation id, in order, as
// committed (from the read pool). Check it with VerifyConsultationChain.
// ErrNotFound if there is no such consultation. A row whose JSON does not
// decode is reported as a *ChainError naming its seq.
func (s *Store) LoadConsultation(ctx context.Context, id string) ([]ConsultationRow, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT seq, json, prev, hash FROM consultation_events WHERE consultation = ? ORDER BY seq`, id)
	if err != nil {
		return nil, fmt.Errorf("store: consultation %s: events: %w", id, err)
	}
	defer rows.Close()
	var out []ConsultationRow
	for rows.Next() {
		var e ConsultationRow
		if err := rows.Scan(&e.Seq, &e.JSON, &e.Prev, &e.Hash); err != nil {
			return nil, fmt.Errorf("store: consultation %s: events: %w", id, err)
		}
		if err := json.Unmarshal(e.JSON, &e.Event); err != nil {
			return nil, fmt.Errorf("store: consultation %s: %w", id, &ChainError{Seq: e.Seq, Reason: "json does not decode: " + err.Error()})
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: consultation %s: events: %w", id, err)
	}
	if len(out) == 0 {
		if _, err := s.Consultation(ctx, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Consultation returns the record of consultation id, or ErrNotFound.
func (s *Store) Consultation(ctx context.Context, id string) (ConsultationRecord, error) {
	row := s.r.QueryRowContext(ctx, `SELECT id, key_hash, created_at FROM consultations WHERE id = ?`, id)
	rec, err := scanConsultation(row)
	if errors.Is(err, sql.ErrNoRows) {
		return ConsultationRecord{}, fmt.Errorf("%w: consultation %s", ErrNotFound, id)
	}
	if err != nil {
		return ConsultationRecord{}, fmt.Errorf("store: consultation %s: %w", id, err)
	}
	return rec, nil
}

// Consultations returns every consultation, oldest first.
func (s *Store) Consultations(ctx context.Context) ([]ConsultationRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, key_hash, created_at FROM consultations ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: consultations: %w", err)
	}
	defer rows.Close()
	var out []ConsultationRecord
	for rows.Next() {
		rec, err := scanConsultation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: consultations: %w", err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: consultations: %w", err)
	}
	return out, nil
}

func scanConsultation(row interface{ Scan(...any) error }) (ConsultationRecord, error) {
	var (
		rec ConsultationRecord
		ms  int64
	)
	if err := row.Scan(&rec.ID, &rec.KeyHash, &ms); err != nil {
		return ConsultationRecord{}, err
	}
	rec.CreatedAt = time.UnixMilli(ms).UTC()
	return rec, nil
}

// StepOf returns the ids of the consultations that have meeting code as a
// step meeting (an OpStepAdd naming it in their log), in id order: whom
// to tell when the meeting starts or ends.
func (s *Store) StepOf(ctx context.Context, code string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT consultation FROM consultation_events
		WHERE op = ? AND json_extract(json, '$.code') = ? ORDER BY consultation`, string(consultation.OpStepAdd), code)
	if err != nil {
		return nil, fmt.Errorf("store: consultations of meeting %s: %w", code, err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: consultations of meeting %s: %w", code, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: consultations of meeting %s: %w", code, err)
	}
	return ids, nil
}
