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

// exportCmd is `tribune export`: a meeting's or a consultation's record,
// from the SQLite file.
//
//	tribune export -db tribune.db -room CODE [-format json|zip] [-open] [-excel] [-o FILE]
//	tribune export -db tribune.db -consultation ID [-open] [-excel] [-o FILE]
//
// -format json (the default) writes the whole log with its hash chain
// (check it with tribune verify); -format zip the full data package
// (moderators only: participant ids, every text, the log); -open the
// open-data package, fit for publication. A consultation has no full
// package: its record is its log, or its open data. Output goes to -o, or
// stdout.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var db, code, cons, format, out string
	var open, excel bool
	fs := flagSet{flag.NewFlagSet("tribune export", flag.ContinueOnError), getenv}
	fs.SetOutput(stderr)
	fs.str(&db, "db", "tribune.db", "SQLite file holding every meeting")
	fs.StringVar(&code, "room", "", "the meeting's code")
	fs.StringVar(&cons, "consultation", "", "a consultation's id, instead of -room: its log (json), or with -open its open data (zip)")
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
	cons = strings.ToUpper(strings.TrimSpace(cons))
	switch {
	case code == "" && cons == "":
		return errors.New("export: -room is required, or -consultation")
	case code != "" && cons != "":
		return errors.New("export: -room or -consultation, not both")
	}
	if format != "json" && format != "zip" {
		return fmt.Errorf("export: -format must be json or zip, not %q", format)
	}
	if cons != "" && format == "zip" {
		return errors.New("export: a consultation's record is its log (json) or its open data (-open): there is no full package")
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
	var b bytes.Buffer
	var events int
	if cons != "" {
		events, err = exportConsultation(ctx, st, cons, open, excel, &b)
	} else {
		events, err = exportMeeting(ctx, st, code, format, open, excel, &b)
	}
	if err != nil {
		return err
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
	fmt.Fprintf(stderr, "wrote %s (%d bytes, %d events)\n", out, b.Len(), events)
	return nil
}

// exportMeeting writes meeting code's record to b: its log (format json),
// its full data package (zip), or with open its open data. It returns the
// number of events.
func exportMeeting(ctx context.Context, st *store.Store, code, format string, open, excel bool, b *bytes.Buffer) (int, error) {
	rows, err := st.Load(ctx, code)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := store.VerifyChain(rows); err != nil {
		return 0, fmt.Errorf("export: the stored log of %s does not verify: %w", code, err)
	}
	switch {
	case format == "json":
		err = archive.WriteLog(b, rows)
	default:
		v := archive.Full
		if open {
			v = archive.OpenData
		}
		var files []archive.File
		if files, err = archive.Package(rows, v, archive.Options{Excel: excel}); err == nil {
			err = archive.WriteZip(b, files)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return len(rows), nil
}

// exportConsultation writes consultation id's record to b: its log, or
// with open its open data. It returns the number of events.
func exportConsultation(ctx context.Context, st *store.Store, id string, open, excel bool, b *bytes.Buffer) (int, error) {
	rows, err := st.LoadConsultation(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("export: consultation %s: %w", id, err)
	}
	if err := store.VerifyConsultationChain(rows); err != nil {
		return 0, fmt.Errorf("export: the stored log of consultation %s does not verify: %w", id, err)
	}
	if open {
		var files []archive.File
		if files, err = archive.ConsultationPackage(rows, archive.Options{Excel: excel}); err == nil {
			err = archive.WriteZip(b, files)
		}
	} else {
		err = archive.WriteConsultationLog(b, rows)
	}
	if err != nil {
		return 0, fmt.Errorf("export: consultation %s: %w", id, err)
	}
	return len(rows), nil
}

// set reports whether the flag name was given on the command line.
func (f flagSet) set(name string) bool {
	found := false
	f.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}

// verifyCmd is `tribune verify FILE [MEETING_EXPORT...]`: it checks a log
// export (log.json, or a full data package's zip holding one) end to end,
// prints what it recomputed, and fails naming the first bad event. FILE
// "-" is standard input.
//
// When FILE is a consultation's log export, the meeting exports that
// follow it (its step meetings' logs, json or full zip) are each verified
// and cross-checked with it: every carried question, proposal source and
// step meeting must be borne out by the meetings' logs. A meeting's export
// alone verifies as it always has.
func verifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tribune verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tribune verify FILE   (a log.json export, or a full data.zip; - for stdin)")
		fmt.Fprintln(stderr, "       tribune verify CONSULTATION.json MEETING_EXPORT...   (cross-checks a consultation with its step meetings)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return errors.New("verify: a file expected")
	}
	name := fs.Arg(0)
	b, err := readExport(name)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if isConsultation(b) {
		return verifyConsultation(name, b, fs.Args()[1:], stdout)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return fmt.Errorf("verify: %s is not a consultation's log export: meeting exports follow a consultation's, to cross-check it", name)
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
	fmt.Fprintf(stdout, "digest     %s %s\n", s.Digest, finalNote(s.Final))
	return nil
}

// verifyConsultation verifies the consultation export b (file name), with
// the meeting exports in files.
func verifyConsultation(name string, b []byte, files []string, stdout io.Writer) error {
	meetings := make([]io.Reader, len(files))
	for i, f := range files {
		m, err := readExport(f)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		meetings[i] = bytes.NewReader(m)
	}
	s, err := archive.VerifyConsultation(bytes.NewReader(b), meetings...)
	if err != nil {
		var me *archive.MeetingError
		var ce *archive.CrossCheckError
		switch {
		case errors.As(err, &me):
			fmt.Fprintf(stdout, "%s: FAILED\n", files[me.Index])
			return fmt.Errorf("verify: %s: %w", files[me.Index], me.Err)
		case errors.As(err, &ce):
			fmt.Fprintf(stdout, "%s: FAILED the cross-check with its step meetings\n", name)
			for _, m := range ce.Mismatches {
				fmt.Fprintf(stdout, "  %s\n", strings.TrimPrefix(m.Error(), "consultation: "))
			}
		default:
			fmt.Fprintf(stdout, "%s: FAILED\n", name)
		}
		return fmt.Errorf("verify: %s: %w", name, err)
	}
	fmt.Fprintf(stdout, "%s: OK\n", name)
	fmt.Fprintf(stdout, "consultation %s  %q\n", s.Consultation, s.Title)
	fmt.Fprintf(stdout, "events       %d, hash chain intact\n", s.Events)
	fmt.Fprintf(stdout, "steps        %d step meetings; questions carried: %d\n", s.Steps, s.Carried)
	fmt.Fprintf(stdout, "proposals    %d (%d public)\n", s.Proposals, s.Published)
	fmt.Fprintf(stdout, "commitments  %d\n", s.Commitments)
	fmt.Fprintf(stdout, "head         %s\n", s.Head)
	fmt.Fprintf(stdout, "digest       %s %s\n", s.Digest, finalNote(s.Final))
	if len(s.Meetings) == 0 {
		fmt.Fprintln(stdout, "meetings     none given: not cross-checked")
		return nil
	}
	for i, m := range s.Meetings {
		fmt.Fprintf(stdout, "meeting      %s  %s: OK, %d events, head %s\n", m.Room, files[i], m.Events, m.Head)
	}
	fmt.Fprintf(stdout, "cross-check  every carried question, proposal source and step meeting agrees with the %d meeting logs\n", len(s.Meetings))
	return nil
}

func finalNote(final bool) string {
	if final {
		return "(matches the recorded final state)"
	}
	return "(no final state recorded)"
}

// readExport reads a log export from file name ("-": standard input); from
// a data package's zip, the log.json inside.
func readExport(name string) ([]byte, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		if b, err = logFromZip(b); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return b, nil
}

// isConsultation says whether b is a consultation's log export: by its
// head, or, when the document is damaged, by its first line, where
// archive.WriteConsultationLog writes the kind (so that the damage is
// reported by the consultation's check, naming its event).
func isConsultation(b []byte) bool {
	if kind, err := archive.ExportKind(b); err == nil {
		return kind == archive.ConsultationKind
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	return bytes.Contains(first, []byte(`"kind":"consultation"`))
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
