package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Backup writes a copy of the whole database to path, which must not
// exist, as it stood at one instant: VACUUM INTO reads it in one read
// transaction, which in WAL mode sees every transaction committed before
// it began and none after, while the server goes on committing. So every
// write acknowledged before Backup was called is in the copy.
//
// The copy is compact, in rollback-journal mode (a store opened on it
// switches it to WAL), readable only by its owner, and synced to disk
// before Backup returns. Backup works on a store opened ReadOnly beside a
// running server: that is what tribune backup does. Check the copy with
// Check.
func (s *Store) Backup(ctx context.Context, path string) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer conn.Close()
	// The read pool is query_only, which refuses VACUUM INTO although it
	// writes only the new file: this connection drops it, and is then
	// discarded rather than returned to the pool.
	defer conn.Raw(func(any) error { return driver.ErrBadConn })
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := vacuumInto(ctx, conn, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// execer is a *sql.DB or a *sql.Conn.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// vacuumInto writes db's database to path with VACUUM INTO, and syncs it.
func vacuumInto(ctx context.Context, db execer, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	// Created first, empty (VACUUM INTO writes into an empty file), so
	// that it is never readable by others and never replaces a file.
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		os.Remove(abs)
		return err
	}
	if err := syncFile(abs); err != nil {
		return err
	}
	return syncFile(filepath.Dir(abs))
}

// syncFile fsyncs a file or a directory.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Checked is what Check verified.
type Checked struct {
	Rooms              int
	Events             int // the meetings'
	Consultations      int
	ConsultationEvents int
}

// Check verifies the whole database: SQLite's integrity check (every page,
// index and constraint), then every room's log with VerifyChain and every
// consultation's with VerifyConsultationChain. It returns the first
// problem found, naming the room or the consultation.
func (s *Store) Check(ctx context.Context) (Checked, error) {
	rows, err := s.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return Checked{}, fmt.Errorf("store: integrity check: %w", err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return Checked{}, fmt.Errorf("store: integrity check: %w", err)
		}
		problems = append(problems, line)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Checked{}, fmt.Errorf("store: integrity check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return Checked{}, fmt.Errorf("store: integrity check failed: %s", strings.Join(problems, "; "))
	}

	rooms, err := s.Rooms(ctx)
	if err != nil {
		return Checked{}, err
	}
	var c Checked
	for _, r := range rooms {
		log, err := s.Load(ctx, r.Code)
		if err != nil {
			return c, err
		}
		if len(log) == 0 {
			return c, fmt.Errorf("store: room %s: %w", r.Code, &ChainError{Seq: 1, Reason: "no event"})
		}
		if err := VerifyChain(log); err != nil {
			return c, fmt.Errorf("store: room %s: %w", r.Code, err)
		}
		c.Rooms++
		c.Events += len(log)
	}
	cons, err := s.Consultations(ctx)
	if err != nil {
		return c, err
	}
	for _, r := range cons {
		log, err := s.LoadConsultation(ctx, r.ID)
		if err != nil {
			return c, err
		}
		if len(log) == 0 {
			return c, fmt.Errorf("store: consultation %s: %w", r.ID, &ChainError{Seq: 1, Reason: "no event"})
		}
		if err := VerifyConsultationChain(log); err != nil {
			return c, fmt.Errorf("store: consultation %s: %w", r.ID, err)
		}
		c.Consultations++
		c.ConsultationEvents += len(log)
	}
	return c, nil
}
