package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// userVersion reads the file's PRAGMA user_version behind the store's back.
func userVersion(t *testing.T, path string) int {
	t.Helper()
	var v int
	if err := openRaw(t, path).QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// dump is everything a file holds, for comparing it before and after: its
// version, its schema and every row of the store's tables.
func dump(t *testing.T, path string) string {
	t.Helper()
	db := openRaw(t, path)
	var b strings.Builder
	fmt.Fprintf(&b, "user_version %d\n", userVersion(t, path))
	for _, q := range []string{
		`SELECT type, name, sql FROM sqlite_schema ORDER BY name`,
		`SELECT key, hex(value) FROM meta ORDER BY key`,
		`SELECT code, hex(key_hash), created_at, status FROM rooms ORDER BY code`,
		`SELECT room, seq, at, op, role, cmd_id, hex(json), hex(prev), hex(hash) FROM events ORDER BY room, seq`,
	} {
		rows, err := db.Query(q)
		if err != nil && strings.Contains(err.Error(), "no such table") {
			fmt.Fprintln(&b, err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals)
		}
		rows.Close()
	}
	return b.String()
}

// schema1File writes a store at schema 1 with two rooms and a secret, and
// returns its path.
func schema1File(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tribune.db")
	s := openStore(t, path, Config{migrations: migrations[:1]})
	mustCreate(t, s, "ROOM1")
	mustCreate(t, s, "ROOM2")
	if err := s.Append(context.Background(), "ROOM1", records(2, 30)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Secret(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// backups lists the copies made next to path before an upgrade.
func backups(t *testing.T, path string) []string {
	t.Helper()
	m, err := filepath.Glob(path + ".v*-backup-*")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestUpgrade: a binary with a second schema step upgrades a schema 1 file
// in place, after copying it next to itself; the copy is the file as it
// was; the data are intact. The upgraded file is refused by the binary
// that knows schema 1 only, with a message naming both versions, and left
// as it is.
func TestUpgrade(t *testing.T) {
	t.Parallel()
	path := schema1File(t)
	before := dump(t, path)
	v2 := append(migrations[:1:1], migration{"a table for tests", execSQL(`CREATE TABLE notes (room TEXT NOT NULL, text TEXT NOT NULL); INSERT INTO notes VALUES ('ROOM1', 'kept')`)})

	s := openStore(t, path, Config{migrations: v2})
	rows := mustLoad(t, s, "ROOM1")
	if len(rows) != 30 {
		t.Fatalf("after the upgrade ROOM1 has %d events, want 30", len(rows))
	}
	mustCreate(t, s, "ROOM3") // writes go on
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if v := userVersion(t, path); v != 2 {
		t.Errorf("upgraded file: user_version %d, want 2", v)
	}
	var note string
	if err := openRaw(t, path).QueryRow(`SELECT text FROM notes`).Scan(&note); err != nil || note != "kept" {
		t.Errorf("the step's table: %q, %v", note, err)
	}
	b := backups(t, path)
	if len(b) != 1 || !strings.HasPrefix(filepath.Base(b[0]), "tribune.db.v1-backup-") {
		t.Fatalf("backups next to the file: %v, want one tribune.db.v1-backup-*", b)
	}
	if got := dump(t, b[0]); got != before {
		t.Errorf("the backup is not the file as it was:\n got %s\nwant %s", got, before)
	}
	if fi, err := os.Stat(b[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}

	// Opened again by the same binary: nothing to do, no new backup.
	openStore(t, path, Config{migrations: v2}).Close()
	if b := backups(t, path); len(b) != 1 {
		t.Errorf("reopening an upgraded file made another backup: %v", b)
	}

	// The older binary refuses it, writing or reading, and changes nothing.
	upgraded := dump(t, path)
	for _, ro := range []bool{false, true} {
		_, err := Open(context.Background(), Config{Path: path, ReadOnly: ro, migrations: migrations[:1]})
		var se *SchemaError
		want := "this database was written by a newer Tribune (schema 2); this binary knows schema 1: upgrade Tribune"
		if !errors.As(err, &se) || se.File != 2 || se.Known != 1 || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadOnly %t: Open of a newer file: %v, want %q", ro, err, want)
		}
	}
	if got := dump(t, path); got != upgraded {
		t.Errorf("a refused open changed the file:\n got %s\nwant %s", got, upgraded)
	}
}

// TestUpgradeFails: a step that fails rolls back every step before it in
// the same upgrade, and the version: the file is as it was, and the binary
// that knows only its schema still serves it.
func TestUpgradeFails(t *testing.T) {
	t.Parallel()
	path := schema1File(t)
	before := dump(t, path)
	broken := append(migrations[:1:1],
		migration{"a table", execSQL(`CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('half-way')`)},
		migration{"a step that fails", func(ctx context.Context, tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE half (x); DELETE FROM events WHERE seq > 1`); err != nil {
				return err
			}
			return errors.New("the disk is on fire")
		}},
	)
	_, err := Open(context.Background(), Config{Path: path, migrations: broken})
	if err == nil || !strings.Contains(err.Error(), "upgrade to schema 3 (a step that fails): the disk is on fire") {
		t.Fatalf("Open with a failing step: %v", err)
	}
	if got := dump(t, path); got != before {
		t.Errorf("a failed upgrade changed the file:\n got %s\nwant %s", got, before)
	}
	s := openStore(t, path, Config{migrations: migrations[:1]})
	if rows := mustLoad(t, s, "ROOM1"); len(rows) != 30 {
		t.Errorf("after a failed upgrade ROOM1 has %d events, want 30", len(rows))
	}
}

// TestSchemaOnOpen: a new file is created at the latest version; a file of
// version 1's tables that was never stamped is stamped, without a backup;
// a file of this version is left alone; a database of something else, or
// of a newer Tribune, is refused untouched.
func TestSchemaOnOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	fresh := filepath.Join(dir, "fresh.db")
	openStore(t, fresh, Config{}).Close()
	if v := userVersion(t, fresh); v != schemaVersion {
		t.Errorf("new file: user_version %d, want %d", v, schemaVersion)
	}

	unstamped := schema1File(t)
	if _, err := openRaw(t, unstamped).Exec(`PRAGMA user_version = 0`); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, unstamped, Config{migrations: migrations[:1]})
	mustLoad(t, s, "ROOM1")
	s.Close()
	if v := userVersion(t, unstamped); v != 1 {
		t.Errorf("unstamped schema 1 file: user_version %d after open, want 1", v)
	}
	if b := backups(t, unstamped); len(b) != 0 {
		t.Errorf("stamping made a backup: %v", b)
	}

	other := filepath.Join(dir, "other.db")
	if _, err := openRaw(t, other).Exec(`CREATE TABLE recipes (name TEXT)`); err != nil {
		t.Fatal(err)
	}
	otherBefore := dump(t, other)
	for _, ro := range []bool{false, true} {
		if _, err := Open(context.Background(), Config{Path: other, ReadOnly: ro}); !errors.Is(err, ErrNotTribune) {
			t.Errorf("ReadOnly %t: Open of another program's database: %v, want ErrNotTribune", ro, err)
		}
	}
	if got := dump(t, other); got != otherBefore {
		t.Errorf("Open changed another program's database:\n got %s\nwant %s", got, otherBefore)
	}
	rollbackJournal(t, other)

	newer := schema1File(t)
	// A newer Tribune's file, in the rollback journal mode (as a copy of
	// one, or a file another tool rewrote, may be).
	raw := openRaw(t, newer)
	if _, err := raw.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion+2)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA journal_mode = DELETE`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err := Open(context.Background(), Config{Path: newer})
	var se *SchemaError
	if !errors.As(err, &se) || !reflect.DeepEqual(*se, SchemaError{File: schemaVersion + 2, Known: schemaVersion}) {
		t.Errorf("Open of a newer file: %v", err)
	}
	if v := userVersion(t, newer); v != schemaVersion+2 {
		t.Errorf("refused file: user_version %d", v)
	}
	rollbackJournal(t, newer)
}

// rollbackJournal fails unless the file at path is still in the rollback
// journal mode it was made in (header bytes 18 and 19 are 1; WAL makes
// them 2), with no -wal file beside it: a refused Open must not have
// switched it to WAL.
func rollbackJournal(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	head := make([]byte, 20)
	if _, err := io.ReadFull(f, head); err != nil {
		t.Fatal(err)
	}
	if head[18] != 1 || head[19] != 1 {
		t.Errorf("%s: a refused open switched it to WAL (header bytes %d, %d)", filepath.Base(path), head[18], head[19])
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Errorf("%s: a refused open left a -wal file", filepath.Base(path))
	}
}
