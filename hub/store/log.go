package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

// Record is an event to append, with the id of the client command that
// produced it ("" for system events), kept so that a retried command can be
// recognised after a restart.
type Record struct {
	Event room.Event
	CmdID string
}

// Stored is an event as the log holds it.
type Stored struct {
	Seq   uint64
	JSON  []byte // the event's canonical encoding, what Hash covers
	CmdID string
	Prev  []byte // Hash of event Seq-1; 32 zero bytes for Seq 1
	Hash  []byte // SHA-256(Prev || JSON)
	Event room.Event
}

// encoded is a Record ready to be written, encoded by the caller's goroutine
// so that the committer only hashes and inserts.
type encoded struct {
	seq      uint64
	at       int64
	op, role string
	cmdID    string
	json     []byte
}

func encode(recs []Record) ([]encoded, error) {
	evs := make([]encoded, len(recs))
	for i, r := range recs {
		if i > 0 && r.Event.Seq != recs[0].Event.Seq+uint64(i) {
			return nil, fmt.Errorf("%w: event %d follows %d", ErrGap, r.Event.Seq, recs[i-1].Event.Seq)
		}
		b, err := json.Marshal(r.Event)
		if err != nil {
			return nil, fmt.Errorf("store: encode event %d: %w", r.Event.Seq, err)
		}
		evs[i] = encoded{
			seq:   r.Event.Seq,
			at:    r.Event.At,
			op:    string(r.Event.Op),
			role:  r.Event.Actor.Role.String(),
			cmdID: r.CmdID,
			json:  b,
		}
	}
	return evs, nil
}

// Append writes events to the log of room code and returns once they are
// durably committed, together with whatever else the committer gathered in
// the same transaction (group commit). Appending no event is a no-op.
//
// The events must be numbered contiguously, the first one following the
// room's last event: otherwise Append fails with ErrGap and writes nothing,
// without affecting other requests. ErrNotFound if the room does not exist.
//
// Append may be called concurrently, for the same room or for different
// ones; requests are written in the order they reach the committer, so each
// room needs a single writer (its sequencer) for its seqs to line up.
//
// If ctx is done or the store is closed, Append returns an error that says
// so and the events must be treated as not acknowledged. They may still
// commit, though, if the committer had already taken them: Head, which is
// ordered after every call that returned, tells whether they did.
func (s *Store) Append(ctx context.Context, code string, events []Record) error {
	if len(events) == 0 {
		return nil
	}
	evs, err := encode(events)
	if err != nil {
		return fmt.Errorf("store: room %s: %w", code, err)
	}
	// The rooms table says where each meeting stands, for whoever reads
	// the file: kept with the events that change it, in their transaction.
	var status room.Status
	for _, r := range events {
		switch r.Event.Op {
		case room.OpStart:
			status = room.Running
		case room.OpEnd:
			status = room.Ended
		}
	}
	return s.submit(ctx, len(evs), func(b *batch) error {
		if err := b.insert(code, evs); err != nil {
			return err
		}
		if status != "" {
			if _, err := b.tx.ExecContext(b.ctx, `UPDATE rooms SET status = ? WHERE code = ?`, string(status), code); err != nil {
				return fmt.Errorf("store: room %s: status: %w", code, err)
			}
		}
		return nil
	})
}

// Head returns the seq and hash of room code's last committed event (0 and
// 32 zero bytes for a room without events). It is answered by the committer
// after every request submitted before it, so after an Append that returned
// an error, Head says whether the events committed all the same; after Head
// returns, Events and Load see at least that much. ErrNotFound if there is
// no such room.
func (s *Store) Head(ctx context.Context, code string) (seq uint64, hash []byte, err error) {
	var t tip
	err = s.submit(ctx, 0, func(b *batch) error {
		var err error
		t, err = b.tip(code)
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	return t.seq, t.hash[:], nil
}

// Events returns up to limit events of room code with seq > after, in
// order; limit <= 0 means all of them. It reads what is committed (from the
// read pool, without waiting for the committer). ErrNotFound if there is no
// such room. A row whose JSON does not decode is reported as a *ChainError
// naming its seq.
func (s *Store) Events(ctx context.Context, code string, after uint64, limit int) ([]Stored, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.r.QueryContext(ctx,
		`SELECT seq, json, cmd_id, prev, hash FROM events WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?`,
		code, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: room %s: events: %w", code, err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var e Stored
		if err := rows.Scan(&e.Seq, &e.JSON, &e.CmdID, &e.Prev, &e.Hash); err != nil {
			return nil, fmt.Errorf("store: room %s: events: %w", code, err)
		}
		if err := json.Unmarshal(e.JSON, &e.Event); err != nil {
			return nil, fmt.Errorf("store: room %s: %w", code, &ChainError{Seq: e.Seq, Reason: "json does not decode: " + err.Error()})
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: room %s: events: %w", code, err)
	}
	if len(out) == 0 {
		if _, err := s.Room(ctx, code); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Load returns every event of room code, in order: what a sequencer replays
// at start-up. Check it with VerifyChain. ErrNotFound if there is no such
// room.
func (s *Store) Load(ctx context.Context, code string) ([]Stored, error) {
	return s.Events(ctx, code, 0, 0)
}
