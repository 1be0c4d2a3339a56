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
	"github.com/tribune-hub/tribune/room/consultation"
)

const (
	cliOrganiser = "org-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	cliDraft     = "An unpublished draft nobody may read"
	cliCarried   = "Who maintains the new park?"
)

// consultationDB writes to a new SQLite file, as the hub does, a
// consultation CLICONS with step meetings STEPA (ended) and STEPB, a
// question carried from the first to the second, a published proposal
// citing it, a draft, and a commitment; and returns the file's path.
func consultationDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tribune.db")
	st, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 4, 2, 18, 0, 0, 0, time.UTC).UnixMilli()
	key := sha256.Sum256([]byte("k"))

	rooms := map[string]*room.Room{"STEPA": room.New(), "STEPB": room.New()}
	meet := func(code string, a room.Actor, c room.Command) {
		t.Helper()
		at += 1000
		ev, err := rooms[code].Handle(a, at, c)
		if err != nil {
			t.Fatalf("%s %s: %v", code, c.Op, err)
		}
		if ev.Seq == 1 {
			err = st.CreateRoom(ctx, store.RoomRecord{Code: code, KeyHash: key[:], CreatedAt: time.UnixMilli(at), Status: "scheduled"}, ev)
		} else {
			err = st.Append(ctx, code, []store.Record{{Event: ev}})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	c := consultation.New()
	consult := func(a consultation.Actor, cmd consultation.Command) consultation.Event {
		t.Helper()
		at += 1000
		ev, err := c.Handle(a, at, cmd)
		if err != nil {
			t.Fatalf("%s: %v", cmd.Op, err)
		}
		if ev.Seq == 1 {
			err = st.CreateConsultation(ctx, store.ConsultationRecord{ID: ev.ID, KeyHash: key[:], CreatedAt: time.UnixMilli(at)}, ev)
		} else {
			err = st.AppendConsultation(ctx, c.ID(), []consultation.Event{ev})
		}
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	sys := room.Actor{Role: room.System}
	mod := room.Actor{ID: "moderator", Role: room.Moderator}
	csys := consultation.Actor{Role: consultation.System}
	org := consultation.Actor{ID: cliOrganiser, Role: consultation.Organiser}

	consult(csys, consultation.Command{Op: consultation.OpCreate, ID: "CLICONS", Title: "The new park"})
	consult(org, consultation.Command{Op: consultation.OpStepAdd, Code: "STEPA", Title: "Step A"})
	consult(org, consultation.Command{Op: consultation.OpStepAdd, Code: "STEPB", Title: "Step B"})
	meet("STEPA", sys, room.Command{Op: room.OpCreate, Title: "Step A", Code: "STEPA", Settings: &room.Settings{QAOpen: true}})
	meet("STEPA", mod, room.Command{Op: room.OpStart})
	meet("STEPA", room.Actor{ID: cliAuthor, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	meet("STEPA", room.Actor{ID: cliAuthor, Role: room.Participant}, room.Command{Op: room.OpAsk, Text: cliCarried})
	meet("STEPA", mod, room.Command{Op: room.OpEnd})
	consult(csys, consultation.Command{Op: consultation.OpStepStatus, Code: "STEPA", Status: string(consultation.Ended)})
	meet("STEPB", sys, room.Command{Op: room.OpCreate, Title: "Step B", Code: "STEPB"})
	meet("STEPB", sys, room.Command{Op: room.OpImport, Text: cliCarried, Link: &room.Link{Consultation: "CLICONS", Code: "STEPA", Question: 1}})
	meet("STEPA", sys, room.Command{Op: room.OpCarry, Question: 1, Link: &room.Link{Consultation: "CLICONS", Code: "STEPB", Question: 1}})
	consult(org, consultation.Command{Op: consultation.OpCarry, From: &consultation.Ref{Code: "STEPA", Question: 1},
		To: &consultation.Ref{Code: "STEPB", Question: 1}, Text: cliCarried})
	p := consult(org, consultation.Command{Op: consultation.OpProposalCreate, Title: "A park keeper",
		Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: "STEPB", Question: 1}}}).Proposal
	consult(org, consultation.Command{Op: consultation.OpProposalPublish, Proposal: p})
	consult(org, consultation.Command{Op: consultation.OpProposalCreate, Title: "Draft", Text: cliDraft})
	consult(org, consultation.Command{Op: consultation.OpCommitmentCreate, Title: "Hire a park keeper", Proposals: []string{p}})
	return path
}

// TestConsultationExportVerifyCommands: tribune export -consultation
// reads the store, tribune verify checks the export alone and with its
// step meetings' exports, and fails naming the event or the link.
func TestConsultationExportVerifyCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := consultationDB(t)
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }

	var stderr bytes.Buffer
	if err := run(ctx, []string{"export", "-db", db, "-consultation", "cliCons", "-o", file("cons.json")}, noenv, io.Discard, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "9 events") {
		t.Errorf("export says: %s", stderr.String())
	}
	if fi, err := os.Stat(file("cons.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the log export (drafts, organiser ids) is not private: %v %v", fi.Mode(), err)
	}
	if err := run(ctx, []string{"export", "-db", db, "-room", "STEPA", "-o", file("a.json")}, noenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"export", "-db", db, "-room", "STEPB", "-format", "zip", "-o", file("b.zip")}, noenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}

	verify := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"verify"}, args...), noenv, &out, io.Discard)
		return out.String(), err
	}
	out, err := verify(file("cons.json"))
	if err != nil {
		t.Fatalf("verify alone: %v\n%s", err, out)
	}
	for _, want := range []string{"OK", "consultation CLICONS", "events       9,", "proposals    2 (1 public)", "not cross-checked"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify output lacks %q:\n%s", want, out)
		}
	}
	out, err = verify(file("cons.json"), file("a.json"), file("b.zip"))
	if err != nil {
		t.Fatalf("verify with the meetings: %v\n%s", err, out)
	}
	for _, want := range []string{"meeting      STEPA", "meeting      STEPB", "cross-check  every carried question"} {
		if !strings.Contains(out, want) {
			t.Errorf("verify output lacks %q:\n%s", want, out)
		}
	}

	// A step meeting's export missing: the carried question is named.
	out, err = verify(file("cons.json"), file("a.json"))
	if err == nil || !strings.Contains(err.Error(), "event 5: meeting STEPB: question 1 (thread Q-1) was carried to this meeting") ||
		!strings.Contains(out, "FAILED the cross-check") {
		t.Errorf("STEPB missing: %v\n%s", err, out)
	}

	// One byte changed in event 6 (the proposal citing the question).
	b, _ := os.ReadFile(file("cons.json"))
	i := bytes.Index(b, []byte("A park keeper"))
	b[i+2] ^= 0x20
	os.WriteFile(file("bad.json"), b, 0o600)
	out, err = verify(file("bad.json"), file("a.json"), file("b.zip"))
	if err == nil || !strings.Contains(err.Error(), "event 6:") || !strings.Contains(out, "FAILED") {
		t.Errorf("tampered consultation: %v\n%s", err, out)
	}

	// A damaged meeting export is named by its file.
	b, _ = os.ReadFile(file("a.json"))
	i = bytes.Index(b, []byte(cliCarried))
	b[i] ^= 0x20
	os.WriteFile(file("bad-a.json"), b, 0o600)
	if _, err = verify(file("cons.json"), file("bad-a.json"), file("b.zip")); err == nil || !strings.Contains(err.Error(), "bad-a.json") {
		t.Errorf("tampered meeting: %v", err)
	}

	// A meeting's export alone verifies as before; meeting exports after
	// it are a mistake.
	if out, err := verify(file("a.json")); err != nil || !strings.Contains(out, "room       STEPA") {
		t.Errorf("a meeting alone: %v\n%s", err, out)
	}
	if _, err := verify(file("a.json"), file("b.zip")); err == nil || !strings.Contains(err.Error(), "not a consultation's log export") {
		t.Errorf("two meetings: %v", err)
	}

	// The open data: the carried question and the published proposal,
	// no draft, no organiser, no participant.
	var open bytes.Buffer
	if err := exportCmd(ctx, []string{"-db", db, "-consultation", "CLICONS", "-open", "-excel"}, noenv, &open, io.Discard); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(open.Bytes()), int64(open.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	names := map[string]bool{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		names[f.Name] = true
		all = append(all, data...)
	}
	for _, bad := range []string{cliDraft, cliOrganiser, cliAuthor} {
		if bytes.Contains(all, []byte(bad)) {
			t.Errorf("the open data carries %q", bad)
		}
	}
	for _, want := range []string{cliCarried, "A park keeper", "Hire a park keeper"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("the open data lacks %q", want)
		}
	}
	for _, want := range []string{"datapackage.json", "carried.csv", "excel/status_history.csv"} {
		if !names[want] {
			t.Errorf("the open data has no %s", want)
		}
	}
}

func TestConsultationExportBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := consultationDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-db", db, "-room", "STEPA", "-consultation", "CLICONS"}, "not both"},
		{[]string{"-db", db, "-consultation", "CLICONS", "-format", "zip"}, "no full package"},
		{[]string{"-db", db, "-consultation", "CLICONS", "-open", "-format", "json"}, "not open data"},
		{[]string{"-db", db, "-consultation", "NOPE99"}, "consultation NOPE99"},
		{[]string{"-db", db, "-consultation", "STEPA"}, "consultation STEPA"}, // a meeting, not a consultation
	} {
		var out bytes.Buffer
		err := exportCmd(ctx, c.args, noenv, &out, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "export: ") || out.Len() > 0 {
			t.Errorf("export %v: %v, want an error saying %q and no output", c.args, err, c.want)
		}
	}
	// A consultation export with a meeting export that does not exist.
	dir := t.TempDir()
	cons := filepath.Join(dir, "cons.json")
	if err := exportCmd(ctx, []string{"-db", db, "-consultation", "CLICONS", "-o", cons}, noenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := verifyCmd(ctx, []string{cons, filepath.Join(dir, "none.json")}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "none.json") {
		t.Errorf("verify with a missing meeting export: %v", err)
	}
}
