package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// RoomRecord is what the store keeps about a room besides its log.
type RoomRecord struct {
	Code string
	// KeyHash is the SHA-256 of the moderator key; the key itself is never
	// stored.
	KeyHash []byte
	// CreatedAt is kept to the millisecond.
	CreatedAt time.Time
	// Status is the room's status (scheduled, live, ended), kept by the
	// appends that start and end it, for listings that should not replay
	// every log. The log is the truth.
	Status string
}

// CreateRoom durably inserts the room and its event 1 (first, which must
// have Seq 1), in one transaction: a room never exists without its first
// event. ErrExists if the code is taken. Codes are compared exactly: the
// caller normalises them.
func (s *Store) CreateRoom(ctx context.Context, rec RoomRecord, first room.Event) error {
	if rec.Code == "" {
		return errors.New("store: create room: empty code")
	}
	if len(rec.KeyHash) != sha256.Size {
		return fmt.Errorf("store: create room %s: key hash is %d bytes, want %d", rec.Code, len(rec.KeyHash), sha256.Size)
	}
	if first.Seq != 1 {
		return fmt.Errorf("%w: create room %s: first event is %d, want 1", ErrGap, rec.Code, first.Seq)
	}
	evs, err := encode([]Record{{Event: first}})
	if err != nil {
		return fmt.Errorf("store: create room %s: %w", rec.Code, err)
	}
	return s.submit(ctx, 1, func(b *batch) error {
		var exists bool
		if err := b.tx.QueryRowContext(b.ctx, `SELECT EXISTS (SELECT 1 FROM rooms WHERE code = ?)`, rec.Code).Scan(&exists); err != nil {
			return fmt.Errorf("store: create room %s: %w", rec.Code, err)
		}
		if exists {
			return fmt.Errorf("%w: room %s", ErrExists, rec.Code)
		}
		if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO rooms (code, key_hash, created_at, status) VALUES (?, ?, ?, ?)`,
			rec.Code, rec.KeyHash, rec.CreatedAt.UnixMilli(), rec.Status); err != nil {
			return fmt.Errorf("store: create room %s: %w", rec.Code, err)
		}
		b.wrote = true
		return b.insert(rec.Code, evs)
	})
}

// Room returns the record of room code, or ErrNotFound.
func (s *Store) Room(ctx context.Context, code string) (RoomRecord, error) {
	row := s.r.QueryRowContext(ctx, `SELECT code, key_hash, created_at, status FROM rooms WHERE code = ?`, code)
	rec, err := scanRoom(row)
	if errors.Is(err, sql.ErrNoRows) {
		return RoomRecord{}, fmt.Errorf("%w: room %s", ErrNotFound, code)
	}
	if err != nil {
		return RoomRecord{}, fmt.Errorf("store: room %s: %w", code, err)
	}
	return rec, nil
}

// Rooms returns every room, oldest first.
func (s *Store) Rooms(ctx context.Context) ([]RoomRecord, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, key_hash, created_at, status FROM rooms ORDER BY created_at, code`)
	if err != nil {
		return nil, fmt.Errorf("store: rooms: %w", err)
	}
	defer rows.Close()
	var out []RoomRecord
	for rows.Next() {
		rec, err := scanRoom(rows)
		if err != nil {
			return nil, fmt.Errorf("store: rooms: %w", err)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: rooms: %w", err)
	}
	return out, nil
}

func scanRoom(row interface{ Scan(...any) error }) (RoomRecord, error) {
	var (
		rec RoomRecord
		ms  int64
	)
	if err := row.Scan(&rec.Code, &rec.KeyHash, &ms, &rec.Status); err != nil {
		return RoomRecord{}, err
	}
	rec.CreatedAt = time.UnixMilli(ms).UTC()
	return rec, nil
}

// Expired returns the codes of the meetings that have ended and whose last
// event by a person (a late answer, an outcome) is older than before: what a
// retention period lets go. System events (people's connections coming and
// going) do not count: reading an old meeting does not keep it.
func (s *Store) Expired(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT r.code FROM rooms r
		WHERE (SELECT MAX(e.at) FROM events e WHERE e.room = r.code AND e.role <> ?) < ?
		  AND EXISTS (SELECT 1 FROM events e WHERE e.room = r.code AND e.op = ?)
		ORDER BY r.code`, room.System.String(), before.UnixMilli(), string(room.OpEnd))
	if err != nil {
		return nil, fmt.Errorf("store: expired rooms: %w", err)
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, fmt.Errorf("store: expired rooms: %w", err)
		}
		codes = append(codes, code)
	}
	return codes, rows.Err()
}

// DeleteRoom deletes room code and its whole log, for good. ErrNotFound if
// there is no such room.
func (s *Store) DeleteRoom(ctx context.Context, code string) error {
	return s.submit(ctx, 1, func(b *batch) error {
		if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM events WHERE room = ?`, code); err != nil {
			return fmt.Errorf("store: room %s: delete events: %w", code, err)
		}
		res, err := b.tx.ExecContext(b.ctx, `DELETE FROM rooms WHERE code = ?`, code)
		if err != nil {
			return fmt.Errorf("store: room %s: delete: %w", code, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("store: room %s: delete: %w", code, err)
		} else if n == 0 {
			return fmt.Errorf("%w: room %s", ErrNotFound, code)
		}
		// The committer owns the tips: the room's is gone with it.
		delete(b.staged, code)
		delete(b.s.tips, code)
		b.wrote = true
		return nil
	})
}
