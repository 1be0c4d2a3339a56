package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The schema's version is kept in PRAGMA user_version (the database
// header), so that it commits with the tables it describes.
//
// Version 1 is the first released schema: the tables below. A file whose
// user_version is 0 but that holds them is version 1 too (it is stamped on
// open); a file holding nothing is new, and is created at the latest
// version.

// ErrNotTribune: the file is an SQLite database that holds something else.
var ErrNotTribune = errors.New("store: not a Tribune database")

// SchemaError: the file was written by a newer Tribune than this one (or,
// read-only, by an older one that no server has upgraded yet). Open
// refuses it and changes nothing.
type SchemaError struct {
	File  int // the file's schema version
	Known int // the latest this binary knows
}

func (e *SchemaError) Error() string {
	if e.File > e.Known {
		return fmt.Sprintf("this database was written by a newer Tribune (schema %d); this binary knows schema %d: upgrade Tribune", e.File, e.Known)
	}
	return fmt.Sprintf("this database has schema %d, older than this binary's (schema %d): start tribune serve on it once to upgrade it", e.File, e.Known)
}

// A migration takes the schema from one version to the next. Open runs
// every pending migration, in order, in one transaction that also stamps
// the new version: they all commit, or the file is left as it was. So a
// step may only do what a transaction can hold: no VACUUM, no PRAGMA
// journal_mode or foreign_keys (a table rebuild that needs foreign keys
// off must check them itself, with PRAGMA foreign_key_check).
type migration struct {
	name string
	up   func(ctx context.Context, tx *sql.Tx) error
}

// migrations is the schema's history: migrations[i] takes version i to
// i+1, so the latest version is len(migrations). A released step never
// changes: a change to the schema is a new step at the end, and a fixture
// written by the binary before it, in testdata, that TestUpgrade opens
// (testdata/schema1.db is version 1's).
var migrations = []migration{
	{"rooms, events and meta", execSQL(schema1)},
	{"consultations and their logs", execSQL(schema2)},
}

// schemaVersion is the latest schema: what Open creates and upgrades to.
var schemaVersion = len(migrations)

// execSQL is a step that runs fixed statements.
func execSQL(stmts string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, stmts)
		return err
	}
}

// schema1 is version 1, the first released schema. IF NOT EXISTS: a file
// from before user_version was stamped holds these tables already.
const schema1 = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rooms (
	code       TEXT PRIMARY KEY,
	key_hash   BLOB NOT NULL,
	created_at INTEGER NOT NULL, -- Unix milliseconds
	status     TEXT NOT NULL
) WITHOUT ROWID;
-- Clustered by (room, seq), so that a room's log is one contiguous range
-- for Load and Events. Rows are verified from the stored json bytes, never
-- re-encoded, so a later change to room.Event cannot break old chains.
CREATE TABLE IF NOT EXISTS events (
	room   TEXT NOT NULL REFERENCES rooms(code),
	seq    INTEGER NOT NULL CHECK (seq >= 1),
	at     INTEGER NOT NULL,   -- Unix milliseconds, the event's At
	op     TEXT NOT NULL,      -- the event's Op, for queries
	role   TEXT NOT NULL,      -- the actor's role, for queries
	cmd_id TEXT NOT NULL,      -- the client's command id, '' for system events
	json   BLOB NOT NULL,      -- json.Marshal(room.Event): what the hash covers
	prev   BLOB NOT NULL,      -- hash of event seq-1, 32 zero bytes for seq 1
	hash   BLOB NOT NULL,      -- SHA-256(prev || json)
	PRIMARY KEY (room, seq)
) WITHOUT ROWID;
`

// schema2 adds consultations (issue 11): a consultation and its own
// hash-chained log, beside the meetings', chained the same way
// (consultations.go).
const schema2 = `
CREATE TABLE consultations (
	id         TEXT PRIMARY KEY,
	key_hash   BLOB NOT NULL,    -- SHA-256 of the organiser key
	created_at INTEGER NOT NULL  -- Unix milliseconds
) WITHOUT ROWID;
CREATE TABLE consultation_events (
	consultation TEXT NOT NULL REFERENCES consultations(id),
	seq          INTEGER NOT NULL CHECK (seq >= 1),
	at           INTEGER NOT NULL, -- Unix milliseconds, the event's At
	op           TEXT NOT NULL,    -- the event's Op, for queries
	json         BLOB NOT NULL,    -- json.Marshal(consultation.Event): what the hash covers
	prev         BLOB NOT NULL,    -- hash of event seq-1, 32 zero bytes for seq 1
	hash         BLOB NOT NULL,    -- SHA-256(prev || json)
	PRIMARY KEY (consultation, seq)
) WITHOUT ROWID;
`

// querier is a *sql.DB, *sql.Conn or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// fileVersion is the schema version of the file q reads: user_version; or,
// when that is 0, 1 for a file holding version 1's tables (written before
// the version was stamped) and 0 for an empty one. ErrNotTribune for a
// database holding other tables.
func fileVersion(ctx context.Context, q querier) (int, error) {
	var v int
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, err
	}
	if v != 0 {
		return v, nil
	}
	var objects, ours int
	err := q.QueryRowContext(ctx,
		`SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name IN ('rooms', 'events')) FROM sqlite_schema`).Scan(&objects, &ours)
	switch {
	case err != nil:
		return 0, err
	case ours == 2:
		return 1, nil
	case objects > 0:
		return 0, ErrNotTribune
	}
	return 0, nil
}

// migrate brings the file behind w (the write connection, before the
// committer starts) to the latest of steps. A file with data in it is
// first copied next to itself, to path.v<N>-backup-<time>, so that an
// upgrade can be undone by putting the old binary and that copy back.
// Then every pending step runs, and the new version is stamped, in one
// transaction. A newer file is refused with a *SchemaError.
func (s *Store) migrate(ctx context.Context, w *sql.DB, path string, steps []migration) error {
	latest := len(steps)
	from, err := fileVersion(ctx, w)
	if err != nil {
		return err
	}
	if from > latest {
		return &SchemaError{File: from, Known: latest}
	}
	var stamped int
	if err := w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&stamped); err != nil {
		return err
	}
	if stamped == latest {
		return nil
	}
	var backup string
	if from > 0 && from < latest {
		backup = fmt.Sprintf("%s.v%d-backup-%s", path, from, time.Now().UTC().Format("20060102T150405Z"))
		if err := vacuumInto(ctx, w, backup); err != nil {
			return fmt.Errorf("back up before upgrading from schema %d: %w", from, err)
		}
	}

	tx, err := w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see dsn
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Another process may have upgraded the file since it was read.
	if from, err = fileVersion(ctx, tx); err != nil {
		return err
	}
	if from > latest {
		return &SchemaError{File: from, Known: latest}
	}
	for v := from; v < latest; v++ {
		if err := steps[v].up(ctx, tx); err != nil {
			return fmt.Errorf("upgrade to schema %d (%s): %w", v+1, steps[v].name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", latest)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if backup != "" {
		s.logger.Info("store upgraded", "from", from, "to", latest, "backup", backup)
	}
	return nil
}

// checkReadable refuses, for a read-only store, a file that is not at
// this binary's schema: it cannot upgrade it, and its queries are the
// latest schema's.
func checkReadable(ctx context.Context, q querier, latest int) error {
	v, err := fileVersion(ctx, q)
	switch {
	case err != nil:
		return err
	case v == 0:
		return ErrNotTribune
	case v != latest:
		return &SchemaError{File: v, Known: latest}
	}
	return nil
}
