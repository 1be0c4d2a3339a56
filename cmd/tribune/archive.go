package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/hub/store"
)

// exportCmd is `tribune export`: a meeting's record, from the SQLite file.
//
//	tribune export -db tribune.db -room CODE [-format json|zip] [-open] [-excel] [-o FILE]
//
// -format json (the default) writes the whole log with its hash chain
// (check it with tribune verify); -format zip the full data package
// (moderators only: participant ids, every text, the log); -open the
// open-data package, fit for publication. Output goes to -o, or stdout.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var db, code, format, out string
	var open, excel bool
	fs := flagSet{flag.NewFlagSet("tribune export", flag.ContinueOnError), getenv}
	fs.SetOutput(stderr)
	fs.str(&db, "db", "tribune.db", "SQLite file holding every meeting")
	fs.StringVar(&code, "room", "", "the meeting's code")
	fs.StringVar(&format, "format", "json", "json: the whole log; zip: the full data package (CSV tables, schemas, log)")
	fs.BoolVar(&open, "open", false, "the open-data package (zip): no participant id, no unmoderated text")
	fs.BoolVar(&excel, "excel", false, "in a zip, add excel/*.csv copies with a UTF-8 byte order mark")
	fs.StringVar(&out, "o", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected argument %q", fs.Arg(0))
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return errors.New("export: -room is required")
	}
	if format != "json" && format != "zip" {
		return fmt.Errorf("export: -format must be json or zip, not %q", format)
	}
	if open {
		if format == "json" && fs.set("format") {
			return errors.New("export: -open makes a zip; the log itself is not open data")
		}
		format = "zip"
	}
	// Read-only: the server may be running on the same file, and a missing
	// file is an error, not an empty database.
	st, err := store.Open(ctx, store.Config{Path: db, ReadOnly: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer st.Close()
	rows, err := st.Load(ctx, code)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := store.VerifyChain(rows); err != nil {
		return fmt.Errorf("export: the stored log of %s does not verify: %w", code, err)
	}

	var b bytes.Buffer
	switch {
	case format == "json":
		err = archive.WriteLog(&b, rows)
	default:
		v := archive.Full
		if open {
			v = archive.OpenData
		}
		var files []archive.File
		if files, err = archive.Package(rows, v, archive.Options{Excel: excel}); err == nil {
			err = archive.WriteZip(&b, files)
		}
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if out == "" {
		_, err = stdout.Write(b.Bytes())
		return err
	}
	// The log and the full package hold personal data: only the owner
	// reads them.
	perm := os.FileMode(0o600)
	if open {
		perm = 0o644
	}
	if err := os.WriteFile(out, b.Bytes(), perm); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stderr, "wrote %s (%d bytes, %d events)\n", out, b.Len(), len(rows))
	return nil
}

// set reports whether the flag name was given on the command line.
func (f flagSet) set(name string) bool {
	found := false
	f.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// verifyCmd is `tribune verify FILE`: it checks a log export (log.json, or
// a full data package's zip holding one) end to end, prints what it
// recomputed, and fails naming the first bad event. FILE "-" is standard
// input.
func verifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tribune verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tribune verify FILE   (a log.json export, or a full data.zip; - for stdin)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("verify: one file expected")
	}
	name := fs.Arg(0)
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		if b, err = logFromZip(b); err != nil {
			return fmt.Errorf("verify: %s: %w", name, err)
		}
	}
	s, err := archive.Verify(bytes.NewReader(b))
	if err != nil {
		fmt.Fprintf(stdout, "%s: FAILED\n", name)
		return fmt.Errorf("verify: %s: %w", name, err)
	}
	fmt.Fprintf(stdout, "%s: OK\n", name)
	fmt.Fprintf(stdout, "room       %s  %q  (%s)\n", s.Room, s.Title, s.Status)
	fmt.Fprintf(stdout, "events     %d, hash chain intact\n", s.Events)
	fmt.Fprintf(stdout, "questions  %d (%d answered, %d refused)\n", s.Questions, s.Answered, s.Refused)
	fmt.Fprintf(stdout, "polls      %d (%d ballots)\n", s.Polls, s.Ballots)
	fmt.Fprintf(stdout, "attendance %d joined, peak %d\n", s.Joined, s.Peak)
	fmt.Fprintf(stdout, "head       %s\n", s.Head)
	if s.Final {
		fmt.Fprintf(stdout, "digest     %s (matches the recorded final state)\n", s.Digest)
	} else {
		fmt.Fprintf(stdout, "digest     %s (no final state recorded)\n", s.Digest)
	}
	return nil
}

// logFromZip returns the log.json inside a data package.
func logFromZip(b []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	f, err := zr.Open("log.json")
	if err != nil {
		return nil, errors.New("no log.json in this zip (open-data packages carry no log: verify the full export)")
	}
	defer f.Close()
	return io.ReadAll(f)
}
