package archive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

func exportLog(t *testing.T, rows []store.Stored) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteLog(&b, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestExportVerify(t *testing.T) {
	t.Parallel()
	f, rows := newMeeting(t)
	log := exportLog(t, rows)
	s, err := Verify(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	digest := f.r.Digest()
	want := Summary{
		Room: "MEET42", Title: "Step meeting: the city budget", Status: room.Ended,
		Events: uint64(len(rows)), Questions: 5, Answered: 2, Refused: 1, Polls: 3, Ballots: 7,
		Joined: 4, Peak: 4, Head: hex.EncodeToString(rows[len(rows)-1].Hash), Digest: hex.EncodeToString(digest[:]),
		Final: true,
	}
	if s != want {
		t.Errorf("summary:\n got %+v\nwant %+v", s, want)
	}

	// The events are carried byte for byte.
	l, err := ReadLog(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range l.Events {
		if !bytes.Equal(e.Event, rows[i].JSON) {
			t.Fatalf("event %d: carried %s, stored %s", e.Seq, e.Event, rows[i].JSON)
		}
	}

	// Without a recorded final state, the log alone still verifies.
	l.Final = nil
	b, _ := json.Marshal(l)
	if s, err := Verify(bytes.NewReader(b)); err != nil || s.Final {
		t.Fatalf("without final: %+v, %v", s, err)
	}
}

// wantBad fails unless err is a *VerifyError naming seq.
func wantBad(t *testing.T, what string, err error, seq uint64) {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: got %v, want a VerifyError at event %d", what, err, seq)
	}
	if ve.Seq != seq {
		t.Fatalf("%s: error names event %d, want %d: %v", what, ve.Seq, seq, err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("event %d:", seq)) {
		t.Fatalf("%s: message does not name event %d: %v", what, seq, err)
	}
}

// eventSpan returns the offsets of the envelope line of event seq.
func eventLine(t *testing.T, log []byte, seq uint64) (int, int) {
	t.Helper()
	start := bytes.Index(log, []byte(fmt.Sprintf("{\"seq\":%d,", seq)))
	if start < 0 {
		t.Fatalf("event %d not in the export", seq)
	}
	end := start + bytes.IndexByte(log[start:], '\n')
	return start, end
}

func TestVerifyTamper(t *testing.T) {
	t.Parallel()
	f, rows := newMeeting(t)
	log := exportLog(t, rows)
	ask5 := f.seqs["ask5"]

	t.Run("one byte of an event", func(t *testing.T) {
		b := slices.Clone(log)
		i := bytes.Index(b, []byte(answeredText))
		b[i] ^= 0x20 // "How" -> "hOW"... one letter changes case
		_, err := Verify(bytes.NewReader(b))
		wantBad(t, "flipped byte", err, ask5)
	})

	t.Run("every byte of one event", func(t *testing.T) {
		// Any single-byte change inside an event's line is caught and
		// blamed on that event (or the document no longer parses, which
		// names the same event).
		// Only the client's command id is outside the chain: the store
		// does not hash it (it serves to recognise a retried command).
		start, end := eventLine(t, log, ask5)
		cmd := bytes.Index(log[start:end], []byte(`"cmdID":`)) + start
		cmdEnd := bytes.Index(log[cmd:end], []byte(`,"event"`)) + cmd
		for i := start; i < end; i++ {
			if i >= cmd && i < cmdEnd {
				continue
			}
			b := slices.Clone(log)
			b[i] ^= 0x01
			_, err := Verify(bytes.NewReader(b))
			if err == nil {
				t.Fatalf("byte %d (%q) flipped: verified", i-start, log[i])
			}
			var ve *VerifyError
			if errors.As(err, &ve) && ve.Seq != ask5 && ve.Seq != ask5+1 {
				// A flipped prev or hash may show as the next event's
				// prev; anything else must name this one.
				t.Fatalf("byte %d (%q) flipped: names event %d: %v", i-start, log[i], ve.Seq, err)
			}
		}
	})

	t.Run("dropped event", func(t *testing.T) {
		start, end := eventLine(t, log, 7)
		b := slices.Concat(log[:start], log[end+1:])
		_, err := Verify(bytes.NewReader(b))
		wantBad(t, "dropped event 7", err, 7)
	})

	t.Run("final digest", func(t *testing.T) {
		digest := f.r.Digest()
		h := hex.EncodeToString(digest[:])
		b := bytes.Replace(log, []byte(`"digest":"`+h), []byte(`"digest":"`+strings.Repeat("0", 64)), 1)
		if bytes.Equal(b, log) {
			t.Fatal("digest not found in the export")
		}
		_, err := Verify(bytes.NewReader(b))
		wantBad(t, "final digest", err, uint64(len(rows)))
	})

	t.Run("final view", func(t *testing.T) {
		// Claim one more vote on question 5 than the log holds.
		l, err := ReadLog(bytes.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		var v room.View
		json.Unmarshal(l.Final.View, &v)
		v.Questions[4].Votes++
		l.Final.View, _ = json.Marshal(v)
		b, _ := json.Marshal(l)
		_, err = Verify(bytes.NewReader(b))
		wantBad(t, "final view", err, f.seqs["answer5"]) // the last event on question 5
	})

	t.Run("rewritten history with a recomputed chain", func(t *testing.T) {
		// Someone edits the late answer and recomputes every hash: the
		// chain holds, the recorded final state does not.
		l, err := ReadLog(bytes.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		late := f.seqs["late"]
		e := &l.Events[late-1]
		e.Event = bytes.Replace(e.Event, []byte("March"), []byte("April"), 1)
		rechain(l)
		b, _ := json.Marshal(l)
		_, err = Verify(bytes.NewReader(b))
		wantBad(t, "rewritten answer", err, late)
	})

	t.Run("forged event", func(t *testing.T) {
		// An event the reducer would not have produced: a participant
		// approving a question. The chain is recomputed; replay refuses it.
		l, err := ReadLog(bytes.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		i := f.seqs["ask5"] // event ask5+1 is the approval of question 5
		e := &l.Events[i]
		e.Event = bytes.Replace(e.Event, []byte(`"role":"moderator"`), []byte(`"role":"participant"`), 1)
		rechain(l)
		b, _ := json.Marshal(l)
		_, err = Verify(bytes.NewReader(b))
		wantBad(t, "forged approval", err, ask5+1)
	})

	t.Run("not an export", func(t *testing.T) {
		for _, in := range []string{"", "{}", `{"format":"tribune-log","version":2}`, "PK\x03\x04"} {
			if _, err := Verify(strings.NewReader(in)); err == nil {
				t.Errorf("%q verified", in)
			}
		}
	})
}

// rechain recomputes every prev and hash of l, as a forger would.
func rechain(l *Log) {
	var prev [32]byte
	for i := range l.Events {
		e := &l.Events[i]
		h := sha256Sum(prev[:], e.Event)
		e.Prev, e.Hash = hex.EncodeToString(prev[:]), hex.EncodeToString(h[:])
		prev = h
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	f, rows := newMeeting(t)
	r, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	q := r.Questions
	if q.Asked != 5 || q.Answered != 2 || q.Late != 1 || q.Unanswered != 0 || q.Pending != 1 || q.Rejected != 1 || q.Withdrawn != 1 {
		t.Errorf("questions: %+v", q)
	}
	if q.Refused[room.OffTopic] != 1 || len(q.Refused) != len(room.Reasons) {
		t.Errorf("refused: %v", q.Refused)
	}
	byID := map[room.QuestionID]Question{}
	for _, x := range q.List {
		byID[x.ID] = x
	}
	if x := byID[1]; x.Text != approvedText || x.Answer != lateAnswer || !x.Late || x.Votes != 2 || !x.Public {
		t.Errorf("question 1: %+v", x)
	}
	if x := byID[5]; x.Text != answeredText || x.Answer != liveAnswer || x.Late || x.Step != 1 {
		t.Errorf("question 5: %+v", x)
	}
	for _, id := range []room.QuestionID{2, 3, 4} {
		if x := byID[id]; x.Text != "" || x.Public {
			t.Errorf("question %d is unmoderated but its text is public: %+v", id, x)
		}
	}
	if byID[3].Reason != room.OffTopic {
		t.Errorf("question 3 reason %q", byID[3].Reason)
	}

	a := r.Attendance
	if a.Joined != 4 || a.JoinedInRoom != 2 || a.JoinedRemote != 2 || a.Peak != 4 || a.PeakInRoom != 2 || a.Interacted != 4 {
		t.Errorf("attendance: %+v", a)
	}
	if n := len(a.Series); n != 5 {
		t.Errorf("attendance series has %d points, want 5 (4 joins, 1 leave)", n)
	}
	if last := a.Series[len(a.Series)-1]; last.InRoom != 1 || last.Remote != 2 {
		t.Errorf("attendance at the end: %+v", last)
	}

	if len(r.Polls) != 3 {
		t.Fatalf("%d polls", len(r.Polls))
	}
	if p := r.Polls[0]; p.Results == nil || !slices.Equal(p.Results.Tally, []int{2, 1, 0}) || p.Ballots != 3 || p.OpenedAt == 0 || p.ClosedAt == 0 {
		t.Errorf("poll 1: %+v", p)
	}
	if p := r.Polls[1]; p.Results != nil || p.Ballots != 2 {
		t.Errorf("poll 2 has hidden results, yet: %+v", p)
	}
	if p := r.Polls[2]; p.Results == nil || len(p.Results.Words) == 0 || p.Results.Words[0].Word != "parks" || p.Results.Words[0].Count != 2 {
		t.Errorf("poll 3: %+v", p.Results)
	}

	if len(r.Agenda) != 3 {
		t.Fatalf("agenda: %+v", r.Agenda)
	}
	if s := r.Agenda[0]; !slices.Equal(s.Questions, []room.QuestionID{1, 2, 3, 4}) || len(s.Polls) != 0 || len(s.Spans) != 1 || s.Spans[0].To == 0 {
		t.Errorf("step 1: %+v", s)
	}
	if s := r.Agenda[1]; !slices.Equal(s.Questions, []room.QuestionID{5}) || !slices.Equal(s.Polls, []room.PollID{1, 2}) {
		t.Errorf("step 2: %+v", s)
	}
	if s := r.Agenda[2]; !slices.Equal(s.Polls, []room.PollID{3}) || len(s.Spans) != 1 || s.Spans[0].To != r.EndedAt {
		t.Errorf("step 3: %+v (ended %d)", s, r.EndedAt)
	}
	if r.EndedAt == 0 || r.StartedAt == 0 || r.Status != room.Ended {
		t.Errorf("meeting: started %d ended %d status %s", r.StartedAt, r.EndedAt, r.Status)
	}
	if n := len(r.Ledger); n < 2 || r.Ledger[n-2].Seq != f.seqs["late"] || r.Ledger[n-1].Seq != f.seqs["outcome"] || r.Ledger[n-1].Op != room.OpOutcome {
		t.Errorf("ledger does not end with the late answer and the outcome: %+v", r.Ledger)
	}
	if r.Agenda[1].Outcome != budgetOutcome || r.Agenda[0].Outcome != "" || r.Agenda[2].Outcome != "" {
		t.Errorf("outcomes: %q %q %q", r.Agenda[0].Outcome, r.Agenda[1].Outcome, r.Agenda[2].Outcome)
	}
	if len(r.Floor) != 2 || r.Floor[0].Status != room.FloorDone || r.Floor[0].Topic != "Opening hours" || r.Floor[0].CalledAt == 0 || r.Floor[0].DoneAt < r.Floor[0].CalledAt ||
		r.Floor[1].Status != room.FloorWithdrawn || r.Floor[1].CalledAt != 0 {
		t.Errorf("floor: %+v", r.Floor)
	}
	if r.Reactions[room.Applause] != 12 || len(r.Announcements) != 1 {
		t.Errorf("reactions %v, announcements %v", r.Reactions, r.Announcements)
	}

	// Nothing private in the report's JSON.
	b, _ := json.Marshal(r)
	for _, s := range private(f) {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the report contains %q", s)
		}
	}
}

// private lists what the public record must never carry: participant ids
// and unmoderated text.
func private(f *fixture) []string {
	out := []string{pendingText, rejectedText, withdrawnText, openAnswer, "zqx"}
	for _, id := range f.ids {
		out = append(out, id)
	}
	return out
}

func readZip(t *testing.T, files []File) map[string][]byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteZip(&b, files); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

func TestOpenData(t *testing.T) {
	t.Parallel()
	f, rows := newMeeting(t)
	files, err := Package(rows, OpenData, Options{Excel: true})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	if _, ok := z["log.json"]; ok {
		t.Error("the open-data package carries the log")
	}
	if _, ok := z["ballots.csv"]; ok {
		t.Error("the open-data package carries the ballots")
	}
	for name, data := range z {
		for _, s := range private(f) {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q", name, s)
			}
		}
	}
	// It does carry what moderation let through, and the refusal's reason.
	for _, s := range []string{approvedText, answeredText, lateAnswer, "off-topic"} {
		if !bytes.Contains(z["questions.csv"], []byte(s)) {
			t.Errorf("questions.csv lacks %q", s)
		}
	}
	// The results of the hidden poll are not published.
	if bytes.Contains(z["poll_results.csv"], []byte("\n2,")) {
		t.Errorf("poll_results.csv has rows for the hidden poll 2:\n%s", z["poll_results.csv"])
	}

	full, err := Package(rows, Full, Options{})
	if err != nil {
		t.Fatal(err)
	}
	zf := readZip(t, full)
	for _, s := range []string{pendingText, rejectedText, f.ids["bob"], openAnswer} {
		found := false
		for _, data := range zf {
			found = found || bytes.Contains(data, []byte(s))
		}
		if !found {
			t.Errorf("the full package lacks %q", s)
		}
	}
	if _, err := Verify(bytes.NewReader(zf["log.json"])); err != nil {
		t.Errorf("the full package's log.json: %v", err)
	}
}

func TestTablesMatchSchemas(t *testing.T) {
	t.Parallel()
	_, rows := newMeeting(t)
	for _, v := range []Variant{OpenData, Full} {
		files, err := Package(rows, v, Options{Excel: true, Now: func() time.Time { return time.Unix(0, 0) }})
		if err != nil {
			t.Fatal(err)
		}
		z := readZip(t, files)
		var d descriptor
		if err := json.Unmarshal(z["datapackage.json"], &d); err != nil {
			t.Fatal(err)
		}
		if d.Profile != "tabular-data-package" || !regexp.MustCompile(`^[-a-z0-9._/]+$`).MatchString(d.Name) {
			t.Errorf("%s: descriptor %q %q", v, d.Profile, d.Name)
		}
		want := []string{"steps", "questions", "polls", "poll_results", "floor", "attendance", "moderation"}
		if v == Full {
			want = append(want, "ballots")
		}
		var got []string
		for _, res := range d.Resources {
			got = append(got, res.Name)
			var s Schema
			if err := json.Unmarshal(z[res.Schema], &s); err != nil {
				t.Fatalf("%s: %s: %v", v, res.Schema, err)
			}
			data, ok := z[res.Path]
			if !ok {
				t.Fatalf("%s: %s missing", v, res.Path)
			}
			n, err := validate(data, s)
			if err != nil {
				t.Errorf("%s: %s: %v", v, res.Path, err)
			}
			if n == 0 {
				t.Errorf("%s: %s has no rows", v, res.Path)
			}
			x := z["excel/"+res.Path]
			if !bytes.Equal(x, append([]byte("\uFEFF"), data...)) {
				t.Errorf("%s: excel/%s is not the same table with a BOM", v, res.Path)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: resources %v, want %v", v, got, want)
		}
		checkKeys(t, z, d)
	}
}

// TestValidator checks that the validator used above can fail.
func TestValidator(t *testing.T) {
	s := Schema{Fields: []Field{
		field("n", "integer", "", true), field("x", "number", "", false), field("b", "boolean", "", false),
		field("at", "datetime", "", false), field("c", "string", "", false, "room", "remote"),
	}}
	good := "n,x,b,at,c\n1,2.5,true,2026-03-12T18:00:00Z,room\n2,,,,\n"
	if _, err := validate([]byte(good), s); err != nil {
		t.Fatalf("good table: %v", err)
	}
	for _, bad := range []string{
		"n,x,b,at\n1,2,true,2026-03-12T18:00:00Z\n",       // missing column
		"n,x,b,at,c\n,2,true,2026-03-12T18:00:00Z,room\n", // required
		"n,x,b,at,c\n1.5,2,true,,room\n",                  // integer
		"n,x,b,at,c\n1,two,true,,room\n",                  // number
		"n,x,b,at,c\n1,2,yes,,room\n",                     // boolean
		"n,x,b,at,c\n1,2,true,12/03/2026,room\n",          // datetime
		"n,x,b,at,c\n1,2,true,,kitchen\n",                 // enum
		"\uFEFFn,x,b,at,c\n1,2,true,,room\n",              // BOM
		"n,x,b,at,c\n1,2,true,,room\n\xff\n",              // not UTF-8
	} {
		if _, err := validate([]byte(bad), s); err == nil {
			t.Errorf("validated: %q", bad)
		}
	}
	days := Schema{Fields: []Field{dateField("due", "", false)}}
	if _, err := validate([]byte("due\n2026-09-30\n\n"), days); err != nil {
		t.Errorf("good dates: %v", err)
	}
	for _, bad := range []string{"due\n30/09/2026\n", "due\n2026-09-30T00:00:00Z\n", "due\n2026-02-30\n"} {
		if _, err := validate([]byte(bad), days); err == nil {
			t.Errorf("validated: %q", bad)
		}
	}
}

// validate checks a CSV table against its Table Schema, for the types and
// constraints Tribune uses, and returns the number of rows.
func validate(data []byte, s Schema) (int, error) {
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		return 0, errors.New("starts with a byte order mark")
	}
	if !utf8Valid(data) {
		return 0, errors.New("not UTF-8")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	recs, err := cr.ReadAll()
	if err != nil {
		return 0, err
	}
	if len(recs) == 0 {
		return 0, errors.New("no header")
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name)
	}
	if !slices.Equal(recs[0], names) {
		return 0, fmt.Errorf("header %v, schema %v", recs[0], names)
	}
	for i, rec := range recs[1:] {
		for j, cell := range rec {
			f := s.Fields[j]
			if err := checkCell(f, cell, slices.Contains(s.MissingValues, cell) || s.MissingValues == nil && cell == ""); err != nil {
				return 0, fmt.Errorf("row %d, %s: %v", i+2, f.Name, err)
			}
		}
	}
	return len(recs) - 1, nil
}

func checkCell(f Field, cell string, missing bool) error {
	c := f.Constraints
	if c == nil {
		c = &Constraints{}
	}
	if missing {
		if c.Required {
			return errors.New("required value missing")
		}
		return nil
	}
	switch f.Type {
	case "string":
	case "integer":
		if _, err := strconv.ParseInt(cell, 10, 64); err != nil {
			return fmt.Errorf("%q is not an integer", cell)
		}
	case "number":
		if _, err := strconv.ParseFloat(cell, 64); err != nil || strings.ContainsAny(cell, "_xXpP") {
			return fmt.Errorf("%q is not a number", cell)
		}
	case "boolean":
		if cell != "true" && cell != "false" && cell != "True" && cell != "False" &&
			cell != "TRUE" && cell != "FALSE" && cell != "1" && cell != "0" {
			return fmt.Errorf("%q is not a boolean", cell)
		}
	case "datetime":
		if f.Format != "" && f.Format != "default" {
			return fmt.Errorf("format %q not supported", f.Format)
		}
		if _, err := time.Parse(timeFormat, cell); err != nil {
			return fmt.Errorf("%q is not an ISO 8601 UTC datetime", cell)
		}
	case "date":
		if f.Format != "" && f.Format != "default" {
			return fmt.Errorf("format %q not supported", f.Format)
		}
		if _, err := time.Parse(time.DateOnly, cell); err != nil {
			return fmt.Errorf("%q is not an ISO 8601 date", cell)
		}
	default:
		return fmt.Errorf("type %q not supported by this validator", f.Type)
	}
	if len(c.Enum) > 0 && !slices.Contains(c.Enum, cell) {
		return fmt.Errorf("%q is not one of %v", cell, c.Enum)
	}
	return nil
}

func sha256Sum(prev, data []byte) [32]byte {
	return sha256.Sum256(append(slices.Clone(prev), data...))
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// TestHiddenAttendance: while a meeting that hides its attendance runs, the
// public record does not show it; once it ends, it does.
func TestHiddenAttendance(t *testing.T) {
	t.Parallel()
	r := room.New()
	var rows []store.Stored
	add := func(a room.Actor, c room.Command) {
		ev, err := r.Handle(a, int64(len(rows)+1)*1000, c)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, store.Stored{Seq: ev.Seq, Event: ev})
	}
	add(system, room.Command{Op: room.OpCreate, Title: "Quiet", Code: "QUIET2", Settings: &room.Settings{QAOpen: true, HideCount: true}})
	add(mod, room.Command{Op: room.OpStart})
	add(room.Actor{ID: "p-1", Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})

	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Attendance.Hidden || rep.Attendance.Peak != 0 || len(rep.Attendance.Series) != 0 {
		t.Errorf("live, hidden: %+v", rep.Attendance)
	}
	attendance := func(v Variant) Table {
		tables, _ := Tables(rows, v)
		i := slices.IndexFunc(tables, func(t Table) bool { return t.Name == "attendance" })
		if i < 0 {
			t.Fatalf("%s: no attendance table", v)
		}
		return tables[i]
	}
	if n := len(attendance(OpenData).Rows); n != 0 {
		t.Errorf("open-data attendance has %d rows while hidden", n)
	}
	if n := len(attendance(Full).Rows); n != 1 {
		t.Errorf("full attendance has %d rows, want 1", n)
	}

	add(mod, room.Command{Op: room.OpEnd})
	rep, _ = Build(rows)
	if rep.Attendance.Hidden || rep.Attendance.Peak != 1 {
		t.Errorf("ended: %+v", rep.Attendance)
	}
}

// checkKeys checks every table's primary key (unique) and foreign keys (the
// referenced values exist) across the data package.
func checkKeys(t *testing.T, z map[string][]byte, d descriptor) {
	t.Helper()
	tables := map[string][][]string{}
	schemas := map[string]Schema{}
	for _, res := range d.Resources {
		recs, _ := csv.NewReader(bytes.NewReader(z[res.Path])).ReadAll()
		tables[res.Name] = recs
		var s Schema
		json.Unmarshal(z[res.Schema], &s)
		schemas[res.Name] = s
	}
	// values returns the tuples of fields in table, by row.
	values := func(table string, fields []string) []string {
		recs := tables[table]
		var idx []int
		for _, f := range fields {
			idx = append(idx, slices.Index(recs[0], f))
		}
		var out []string
		for _, rec := range recs[1:] {
			var parts []string
			for _, i := range idx {
				parts = append(parts, rec[i])
			}
			out = append(out, strings.Join(parts, "\x00"))
		}
		return out
	}
	for name, s := range schemas {
		if len(s.PrimaryKey) > 0 {
			seen := map[string]bool{}
			for _, k := range values(name, s.PrimaryKey) {
				if seen[k] {
					t.Errorf("%s: primary key %v repeats %q", name, s.PrimaryKey, k)
				}
				seen[k] = true
			}
		}
		for _, fk := range s.ForeignKeys {
			target := values(fk.Reference.Resource, fk.Reference.Fields)
			for _, k := range values(name, fk.Fields) {
				if !slices.Contains(target, k) {
					t.Errorf("%s: %v = %q is not in %s %v", name, fk.Fields, k, fk.Reference.Resource, fk.Reference.Fields)
				}
			}
		}
	}
}

// TestStepsTable: the open data has the agenda with what came of each
// step, so that a participant can trace their input to a decision.
func TestStepsTable(t *testing.T) {
	t.Parallel()
	_, rows := newMeeting(t)
	tables, err := Tables(rows, OpenData)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tables, func(t Table) bool { return t.Name == "steps" })
	if i < 0 {
		t.Fatal("no steps table")
	}
	want := [][]string{{"1", "Welcome", ""}, {"2", "Budget", budgetOutcome}, {"3", "Wrap-up", ""}}
	if !reflect.DeepEqual(tables[i].Rows, want) {
		t.Errorf("steps %q, want %q", tables[i].Rows, want)
	}
}

// TestQuizRecord: a quiz's right answers reach the report and the open
// data once the poll is closed, not before.
func TestQuizRecord(t *testing.T) {
	t.Parallel()
	r := room.New()
	var rows []store.Stored
	add := func(a room.Actor, c room.Command) {
		t.Helper()
		ev, err := r.Handle(a, int64(len(rows)+1)*1000, c)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, store.Stored{Seq: ev.Seq, Event: ev})
	}
	add(system, room.Command{Op: room.OpCreate, Title: "Quiz night", Code: "QUIZ22"})
	add(mod, room.Command{Op: room.OpStart})
	add(room.Actor{ID: "p-1", Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.Remote})
	add(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Year of the first open data law?", Options: []string{"2010", "2016"}, Correct: []int{1}})
	add(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	add(room.Actor{ID: "p-1", Role: room.Participant}, room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})

	correctColumn := func() []string {
		t.Helper()
		tables, err := Tables(rows, OpenData)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(tables, func(t Table) bool { return t.Name == "poll_results" })
		var out []string
		for _, row := range tables[i].Rows {
			out = append(out, row[len(row)-1])
		}
		return out
	}
	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Polls[0].Correct != nil || !slices.Equal(correctColumn(), []string{"", ""}) {
		t.Errorf("open quiz: report %v, open data %q", rep.Polls[0].Correct, correctColumn())
	}
	add(mod, room.Command{Op: room.OpPollClose, Poll: 1})
	rep, _ = Build(rows)
	if !slices.Equal(rep.Polls[0].Correct, []int{1}) || !slices.Equal(correctColumn(), []string{"false", "true"}) {
		t.Errorf("closed quiz: report %v, open data %q", rep.Polls[0].Correct, correctColumn())
	}
}

// TestVerifyEarlierExport: a log exported by the Tribune of 2026-11-27
// (commit e444ae9: protocol 1, before vote counts, outcomes, quizzes, the
// floor, accessibility links) still verifies, its recorded final view and
// digest recomputed by today's code. Whatever the state grows, an export
// is a record for good.
func TestVerifyEarlierExport(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "log-2026-11-27.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Verify(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("an earlier export no longer verifies: %v", err)
	}
	if s.Events != 66 || s.Room != "2CEQGM" {
		t.Errorf("summary %+v", s)
	}
}
