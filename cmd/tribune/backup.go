package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/hub/store"
)

// backupCmd is `tribune backup`: a consistent copy of the database, made
// while the server goes on serving, and checked before it is kept.
//
//	tribune backup -db tribune.db -o FILE
//
// The copy is what was committed when the backup began (store.Backup):
// every vote, question and answer acknowledged before then is in it. It is
// written beside FILE, checked (SQLite's integrity check, then every
// meeting's hash chain and a replay of its log, as tribune verify does),
// and only then renamed to FILE, so that FILE is never a copy that failed
// its check. To restore, stop the server and start it with -db FILE.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var db, out string
	fs := flagSet{flag.NewFlagSet("tribune backup", flag.ContinueOnError), getenv}
	fs.SetOutput(stderr)
	fs.str(&db, "db", "tribune.db", "SQLite file holding every meeting (a server may be running on it)")
	fs.StringVar(&out, "o", "", "the copy to write; must not exist")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup: unexpected argument %q", fs.Arg(0))
	}
	if out == "" {
		return errors.New("backup: -o is required")
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("backup: %s exists; not replacing it", out)
	}
	quiet := slog.New(slog.DiscardHandler)
	src, err := store.Open(ctx, store.Config{Path: db, ReadOnly: true, Logger: quiet})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".partial")
	os.Remove(tmp) // a previous run's, interrupted
	start := time.Now()
	err = src.Backup(ctx, tmp)
	src.Close()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	took := time.Since(start)

	checked, err := checkCopy(ctx, tmp, quiet)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: the copy does not check, nothing kept: %w", err)
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	if d, err := os.Open(filepath.Dir(out)); err == nil {
		d.Sync() // the rename, durable
		d.Close()
	}
	fi, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "%s: OK, as of %s (copied in %s)\n", out, start.UTC().Format(time.RFC3339), took.Round(time.Millisecond))
	fmt.Fprintf(stdout, "size       %d bytes\n", fi.Size())
	fmt.Fprintf(stdout, "integrity  ok\n")
	fmt.Fprintf(stdout, "meetings   %d, %d events, every hash chain intact and every log replayed\n", checked.Rooms, checked.Events)
	return nil
}

// checkCopy opens a backup and checks it: store.Check (integrity, chains),
// then each meeting's log recomputed by archive.Verify.
func checkCopy(ctx context.Context, path string, logger *slog.Logger) (store.Checked, error) {
	st, err := store.Open(ctx, store.Config{Path: path, ReadOnly: true, Logger: logger})
	if err != nil {
		return store.Checked{}, err
	}
	defer st.Close()
	checked, err := st.Check(ctx)
	if err != nil {
		return checked, err
	}
	rooms, err := st.Rooms(ctx)
	if err != nil {
		return checked, err
	}
	for _, r := range rooms {
		rows, err := st.Load(ctx, r.Code)
		if err != nil {
			return checked, err
		}
		var b bytes.Buffer
		if err := archive.WriteLog(&b, rows); err != nil {
			return checked, fmt.Errorf("room %s: %w", r.Code, err)
		}
		if _, err := archive.Verify(&b); err != nil {
			return checked, fmt.Errorf("room %s: %w", r.Code, err)
		}
	}
	return checked, nil
}
