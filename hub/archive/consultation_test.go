package archive

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

func exportConsultation(t *testing.T, rows []store.ConsultationRow) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteConsultationLog(&b, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// meetingLogs exports the step meetings' logs, in step order.
func (cc *consultationCase) meetingLogs(t *testing.T) [][]byte {
	t.Helper()
	return [][]byte{exportLog(t, cc.meetings["CSTEP1"]), exportLog(t, cc.meetings["CSTEP2"])}
}

func readers(bs ...[]byte) []io.Reader {
	out := make([]io.Reader, len(bs))
	for i, b := range bs {
		out[i] = bytes.NewReader(b)
	}
	return out
}

func TestConsultationExportVerify(t *testing.T) {
	t.Parallel()
	cc := newConsultation(t, tweaks{})
	rows := cc.cons.rows
	log := exportConsultation(t, rows)

	s, err := VerifyConsultation(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	digest := cc.cons.c.Digest()
	want := ConsultationSummary{
		Consultation: consID, Title: "Open government action plan 2026", Events: uint64(len(rows)),
		Steps: 2, Carried: 1, Proposals: 4, Published: 2, Commitments: 1,
		Head: hex.EncodeToString(rows[len(rows)-1].Hash), Digest: hex.EncodeToString(digest[:]), Final: true,
	}
	if !sameJSON(s, want) {
		t.Errorf("summary:\n got %+v\nwant %+v", s, want)
	}

	// The events are carried byte for byte, and the kind says whose log it
	// is.
	l, err := ReadConsultationLog(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range l.Events {
		if !bytes.Equal(e.Event, rows[i].JSON) {
			t.Fatalf("event %d: carried %s, stored %s", e.Seq, e.Event, rows[i].JSON)
		}
	}
	if k, err := ExportKind(log); k != ConsultationKind || err != nil {
		t.Errorf("kind of a consultation's export: %q, %v", k, err)
	}
	meetingLog := exportLog(t, cc.meetings["CSTEP1"])
	if k, err := ExportKind(meetingLog); k != MeetingKind || err != nil {
		t.Errorf("kind of a meeting's export: %q, %v", k, err)
	}
	if _, err := ExportKind([]byte(`{"format":"tribune-log","kind":"parliament"}`)); err == nil {
		t.Error("an unknown kind is accepted")
	}
	// Neither reader takes the other's export.
	if _, err := Verify(bytes.NewReader(log)); err == nil {
		t.Error("Verify accepts a consultation's export as a meeting's")
	}
	if _, err := VerifyConsultation(bytes.NewReader(meetingLog)); err == nil || !strings.Contains(err.Error(), "not a consultation") {
		t.Errorf("VerifyConsultation of a meeting's export: %v", err)
	}

	// Without a recorded final state, the log alone still verifies.
	l.Final = nil
	b, _ := json.Marshal(l)
	if s, err := VerifyConsultation(bytes.NewReader(b)); err != nil || s.Final {
		t.Fatalf("without final: %+v, %v", s, err)
	}

	// With its step meetings' logs, it is cross-checked and agrees.
	s, err = VerifyConsultation(bytes.NewReader(log), readers(cc.meetingLogs(t)...)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Meetings) != 2 || s.Meetings[0].Room != "CSTEP1" || s.Meetings[1].Room != "CSTEP2" || !s.Meetings[0].Final {
		t.Errorf("meetings verified: %+v", s.Meetings)
	}
}

// rechainConsultation recomputes every hash of an export after an edit, as
// a forger would.
func rechainConsultation(l *ConsultationLog) {
	prev := make([]byte, 32)
	for i := range l.Events {
		h := sha256Sum(prev, l.Events[i].Event)
		l.Events[i].Prev, l.Events[i].Hash = hex.EncodeToString(prev), hex.EncodeToString(h[:])
		prev = h[:]
	}
}

// editEvent returns the export with event seq's JSON edited by edit and the
// chain recomputed: a forgery the chain alone cannot see.
func editEvent(t *testing.T, log []byte, seq uint64, edit func(ev map[string]any)) []byte {
	t.Helper()
	l, err := ReadConsultationLog(bytes.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(l.Events[seq-1].Event, &ev); err != nil {
		t.Fatal(err)
	}
	edit(ev)
	l.Events[seq-1].Event, _ = json.Marshal(ev)
	rechainConsultation(l)
	b, _ := json.Marshal(l)
	return b
}

func TestConsultationVerifyTamper(t *testing.T) {
	t.Parallel()
	cc := newConsultation(t, tweaks{})
	log := exportConsultation(t, cc.cons.rows)
	propose := cc.cons.seqs["propose"]

	t.Run("one byte of an event", func(t *testing.T) {
		b := slices.Clone(log)
		i := bytes.Index(b, []byte(publicText))
		b[i] ^= 0x20 // "Monthly" -> "monthly"
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "flipped byte", err, propose)
	})

	t.Run("every byte of one event", func(t *testing.T) {
		// Any single-byte change inside an event's line is caught and
		// blamed on that event (or the document no longer parses, which
		// names the same event).
		start, end := eventLine(t, log, propose)
		for i := start; i < end; i++ {
			b := slices.Clone(log)
			b[i] ^= 0x01
			_, err := VerifyConsultation(bytes.NewReader(b))
			var ve *VerifyError
			if !errors.As(err, &ve) || ve.Seq != propose {
				t.Fatalf("byte %d (%q) changed: %v, want an error at event %d", i-start, log[i], err, propose)
			}
		}
	})

	t.Run("an event removed", func(t *testing.T) {
		start, end := eventLine(t, log, 5)
		b := slices.Concat(log[:start], log[end+1:])
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "missing event", err, 5)
	})

	t.Run("a forged event, rechained, that the reducer refuses", func(t *testing.T) {
		// Publishing a proposal that does not exist.
		publish := propose + 1
		b := editEvent(t, log, publish, func(ev map[string]any) { ev["proposal"] = "P-9" })
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "forged publish", err, publish)
		if !strings.Contains(err.Error(), "does not apply") {
			t.Errorf("reason: %v", err)
		}
	})

	t.Run("a forged id, rechained", func(t *testing.T) {
		// The carry claims another thread than the reducer assigns.
		carry := cc.cons.seqs["carry"]
		b := editEvent(t, log, carry, func(ev map[string]any) { ev["thread"] = "Q-7" })
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "forged thread", err, carry)
	})

	t.Run("a forged status note, rechained", func(t *testing.T) {
		// It applies: the recorded final state no longer matches, and the
		// last event that touched the commitment is named.
		last := cc.cons.seqs["last"]
		b := editEvent(t, log, last, func(ev map[string]any) { ev["note"] = "Done, trust us." })
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "forged note", err, last)
		if !strings.Contains(err.Error(), "commitment C-1") {
			t.Errorf("reason: %v", err)
		}
	})

	t.Run("the recorded final state", func(t *testing.T) {
		l, _ := ReadConsultationLog(bytes.NewReader(log))
		l.Final.View = bytes.Replace(l.Final.View, []byte(pulledReason), []byte("Cancelled."), 1)
		b, _ := json.Marshal(l)
		_, err := VerifyConsultation(bytes.NewReader(b))
		// P-4 was last touched by its withdrawal, the event before the commitment.
		wantBad(t, "forged final view", err, cc.cons.seqs["last"]-4)
		if !strings.Contains(err.Error(), "proposal P-4") {
			t.Errorf("reason: %v", err)
		}
	})

	t.Run("another consultation's id", func(t *testing.T) {
		b := bytes.Replace(slices.Clone(log), []byte(`"consultation":"CONS42"`), []byte(`"consultation":"CONS43"`), 1)
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "id", err, 1)
	})

	t.Run("not an export", func(t *testing.T) {
		for _, in := range []string{"", "{}", `{"format":"tribune-log","version":2,"kind":"consultation"}`,
			`{"format":"tribune-log","version":1,"kind":"consultation","consultation":"CONS42","events":[]}`, "PK\x03\x04"} {
			if _, err := VerifyConsultation(strings.NewReader(in)); err == nil {
				t.Errorf("%q verified", in)
			}
		}
	})

	t.Run("broken JSON", func(t *testing.T) {
		start, _ := eventLine(t, log, 7)
		b := slices.Clone(log)
		b[start+len(`{"seq":7,`)] = '!'
		_, err := VerifyConsultation(bytes.NewReader(b))
		wantBad(t, "syntax", err, 7)
	})
}

func TestConsultationCrossCheck(t *testing.T) {
	t.Parallel()
	t.Run("a step meeting's log missing", func(t *testing.T) {
		t.Parallel()
		cc := newConsultation(t, tweaks{})
		log := exportConsultation(t, cc.cons.rows)
		_, err := VerifyConsultation(bytes.NewReader(log), bytes.NewReader(cc.meetingLogs(t)[0]))
		ce := wantMismatch(t, err, cc.cons.seqs["carry"], "CSTEP2", "question 1 (thread Q-1) was carried to this meeting, and no log of it")
		if !slices.ContainsFunc(ce.Mismatches, func(m consultation.Mismatch) bool {
			return m.Seq == 0 && m.Code == "CSTEP2" && strings.Contains(m.Reason, "no log of it")
		}) {
			t.Errorf("the missing step meeting is not named: %v", err)
		}
	})

	t.Run("a carried question the meeting does not have", func(t *testing.T) {
		t.Parallel()
		cc := newConsultation(t, tweaks{carryTo: 9})
		log := exportConsultation(t, cc.cons.rows)
		// Each log verifies alone.
		if _, err := VerifyConsultation(bytes.NewReader(log)); err != nil {
			t.Fatal(err)
		}
		_, err := VerifyConsultation(bytes.NewReader(log), readers(cc.meetingLogs(t)...)...)
		wantMismatch(t, err, cc.cons.seqs["carry"], "CSTEP2", "no question 9 carried here")
		wantMismatch(t, err, cc.cons.seqs["carry"], "CSTEP1", "question 1 was not carried to CSTEP2 question 9")
		// And the question step 2 did import names a carry the
		// consultation does not have.
		wantMismatch(t, err, 0, "CSTEP2", "question 1 came from CSTEP1 question 1, which the consultation did not carry")
	})

	t.Run("a proposal citing what the public never saw", func(t *testing.T) {
		t.Parallel()
		cc := newConsultation(t, tweaks{cite: &consultation.Source{Kind: consultation.QuestionSource, Code: "CSTEP1", Question: 2}})
		log := exportConsultation(t, cc.cons.rows)
		_, err := VerifyConsultation(bytes.NewReader(log), readers(cc.meetingLogs(t)...)...)
		wantMismatch(t, err, cc.cons.seqs["propose"], "CSTEP1", "P-1 cites question 2, which the public never saw there")
	})

	t.Run("a proposal citing a live idea", func(t *testing.T) {
		t.Parallel()
		cc := newConsultation(t, tweaks{ideas: true, cite: &consultation.Source{Kind: consultation.IdeaSource, Code: "CSTEP1", Idea: 1}})
		log := exportConsultation(t, cc.cons.rows)
		if _, err := VerifyConsultation(bytes.NewReader(log), readers(cc.meetingLogs(t)...)...); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a proposal citing an idea the public never saw", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name  string
			tw    tweaks
			idea  room.IdeaID
			where string
		}{
			{"waiting", tweaks{ideas: true}, 2, "CSTEP1"},
			{"none on its board", tweaks{ideas: true}, 3, "CSTEP1"},
			{"no board at all", tweaks{}, 1, "CSTEP1"},
			{"another step's", tweaks{ideas: true}, 1, "CSTEP2"},
		} {
			tc.tw.cite = &consultation.Source{Kind: consultation.IdeaSource, Code: tc.where, Idea: tc.idea}
			cc := newConsultation(t, tc.tw)
			log := exportConsultation(t, cc.cons.rows)
			// The consultation's log verifies alone: only the meeting's
			// log can tell.
			if _, err := VerifyConsultation(bytes.NewReader(log)); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			_, err := VerifyConsultation(bytes.NewReader(log), readers(cc.meetingLogs(t)...)...)
			wantMismatch(t, err, cc.cons.seqs["propose"], tc.where, fmt.Sprintf("P-1 cites idea %d, which the public never saw there", tc.idea))
		}
	})

	t.Run("a meeting that is not a step", func(t *testing.T) {
		t.Parallel()
		cc := newConsultation(t, tweaks{})
		_, other := newMeeting(t)
		logs := append(cc.meetingLogs(t), exportLog(t, other))
		_, err := VerifyConsultation(bytes.NewReader(exportConsultation(t, cc.cons.rows)), readers(logs...)...)
		wantMismatch(t, err, 0, "MEET42", "not a step meeting")
	})

	t.Run("a meeting log that fails alone", func(t *testing.T) {
		t.Parallel()
		cc := newConsultation(t, tweaks{})
		logs := cc.meetingLogs(t)
		i := bytes.Index(logs[1], []byte(carriedText))
		logs[1][i] ^= 0x20
		_, err := VerifyConsultation(bytes.NewReader(exportConsultation(t, cc.cons.rows)), readers(logs...)...)
		var me *MeetingError
		var ve *VerifyError
		if !errors.As(err, &me) || me.Index != 1 || !errors.As(err, &ve) || ve.Seq != 2 {
			t.Fatalf("got %v, want meeting log 2 failing at its event 2 (the import)", err)
		}
	})
}

// wantMismatch fails unless err is a *CrossCheckError with a mismatch at
// event seq (0: only the meeting has it), of meeting code, whose reason
// contains reason, and its message says so.
func wantMismatch(t *testing.T, err error, seq uint64, code, reason string) *CrossCheckError {
	t.Helper()
	var ce *CrossCheckError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a cross-check error", err)
	}
	for _, m := range ce.Mismatches {
		if m.Seq == seq && m.Code == code && strings.Contains(m.Reason, reason) {
			if !strings.Contains(err.Error(), strings.TrimPrefix(m.Error(), "consultation: ")) {
				t.Errorf("the message lacks %q: %v", m.Error(), err)
			}
			if seq != 0 && !strings.Contains(err.Error(), fmt.Sprintf("event %d: meeting %s", seq, code)) {
				t.Errorf("the message does not name event %d: %v", seq, err)
			}
			return ce
		}
	}
	t.Fatalf("no mismatch at event %d, meeting %s, %q in: %v", seq, code, reason, err)
	return nil
}
