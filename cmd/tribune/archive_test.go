package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

const (
	cliPending  = "A pending question nobody saw"
	cliApproved = "When will the minutes be published?"
	cliAuthor   = "p-11111111-2222-4333-8444-555555555555"
)

// meetingDB writes a small ended meeting, with a late written answer, to a
// new SQLite file and returns its path.
func meetingDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	st, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := room.New()
	at := time.Date(2026, 3, 12, 18, 0, 0, 0, time.UTC).UnixMilli()
	sys := room.Actor{Role: room.System}
	mod := room.Actor{ID: "moderator", Role: room.Moderator}
	alice := room.Actor{ID: cliAuthor, Role: room.Participant}
	steps := []struct {
		a room.Actor
		c room.Command
	}{
		{sys, room.Command{Op: room.OpCreate, Title: "Minutes", Code: "CLI234", Settings: &room.Settings{QAOpen: true, PreModeration: true}}},
		{mod, room.Command{Op: room.OpStart}},
		{room.Actor{ID: cliAuthor, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom}},
		{alice, room.Command{Op: room.OpAsk, Text: cliApproved}},
		{alice, room.Command{Op: room.OpAsk, Text: cliPending}},
		{mod, room.Command{Op: room.OpApprove, Question: 1}},
		{mod, room.Command{Op: room.OpEnd}},
		{mod, room.Command{Op: room.OpAnswer, Question: 1, Text: "Next Monday."}},
	}
	for _, s := range steps {
		at += 1000
		ev, err := r.Handle(s.a, at, s.c)
		if err != nil {
			t.Fatalf("%s: %v", s.c.Op, err)
		}
		if ev.Seq == 1 {
			kh := sha256.Sum256([]byte("k"))
			err = st.CreateRoom(ctx, store.RoomRecord{Code: "CLI234", KeyHash: kh[:], CreatedAt: time.UnixMilli(at), Status: "scheduled"}, ev)
		} else {
			err = st.Append(ctx, "CLI234", []store.Record{{Event: ev}})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func noenv(string) string { return "" }

func TestExportVerifyCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := meetingDB(t)
	dir := t.TempDir()
	logFile := filepath.Join(dir, "log.json")

	var stderr bytes.Buffer
	if err := run(ctx, []string{"export", "-db", db, "-room", "cli234", "-o", logFile}, noenv, io.Discard, &stderr); err != nil {
		// Not wired into run yet: call the command itself.
		if !strings.Contains(err.Error(), "unknown command") {
			t.Fatal(err)
		}
		if err := exportCmd(ctx, []string{"-db", db, "-room", "cli234", "-o", logFile}, noenv, io.Discard, &stderr); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := verifyCmd(ctx, []string{logFile}, &out, io.Discard); err != nil {
		t.Fatalf("verify: %v\n%s", err, out.String())
	}
	for _, want := range []string{"OK", "CLI234", "events     8", "questions  2 (1 answered, 0 refused)", "digest"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verify output lacks %q:\n%s", want, out.String())
		}
	}

	// One byte changed in event 4 (the approved question's text).
	b, _ := os.ReadFile(logFile)
	i := bytes.Index(b, []byte("minutes be published"))
	b[i] = 'M'
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, b, 0o644)
	out.Reset()
	err := verifyCmd(ctx, []string{bad}, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "event 4:") || !strings.Contains(out.String(), "FAILED") {
		t.Fatalf("tampered log: %v\n%s", err, out.String())
	}

	// The full data package holds the log, which verify finds.
	zipFile := filepath.Join(dir, "data.zip")
	if err := exportCmd(ctx, []string{"-db", db, "-room", "CLI234", "-format", "zip", "-o", zipFile}, noenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := verifyCmd(ctx, []string{zipFile}, io.Discard, io.Discard); err != nil {
		t.Fatalf("verify data.zip: %v", err)
	}

	// The open-data package: no author, no pending text, and no log.
	var open bytes.Buffer
	if err := exportCmd(ctx, []string{"-db", db, "-room", "CLI234", "-open"}, noenv, &open, io.Discard); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(open.Bytes()), int64(open.Len()))
	if err != nil {
		t.Fatal(err)
	}
	sawApproved := false
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(data, []byte(cliAuthor)) || bytes.Contains(data, []byte(cliPending)) {
			t.Errorf("open data %s carries a participant id or unmoderated text", f.Name)
		}
		sawApproved = sawApproved || bytes.Contains(data, []byte(cliApproved))
	}
	if !sawApproved {
		t.Error("open data lacks the approved question")
	}
	openFile := filepath.Join(dir, "open.zip")
	os.WriteFile(openFile, open.Bytes(), 0o644)
	if err := verifyCmd(ctx, []string{openFile}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "no log.json") {
		t.Errorf("verify open.zip: %v, want an error saying it holds no log", err)
	}
}

func TestExportBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := meetingDB(t)
	missing := filepath.Join(t.TempDir(), "missing.db")
	for _, args := range [][]string{
		{"-db", db},                                                // no room
		{"-db", db, "-room", "NOPE99"},                             // unknown room
		{"-db", missing, "-room", "CLI234"},                        // no such file
		{"-db", db, "-room", "CLI234", "-format", "xml"},           // bad format
		{"-db", db, "-room", "CLI234", "-open", "-format", "json"}, // the log is not open data
	} {
		if err := exportCmd(ctx, args, noenv, io.Discard, io.Discard); err == nil {
			t.Errorf("export %v: no error", args)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("export created the missing database")
	}
	for _, args := range [][]string{{}, {"a", "b"}, {filepath.Join(t.TempDir(), "none.json")}} {
		if err := verifyCmd(ctx, args, io.Discard, io.Discard); err == nil {
			t.Errorf("verify %v: no error", args)
		}
	}
}
