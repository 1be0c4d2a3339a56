package archive

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// ConsultationSummary is what VerifyConsultation recomputed from a
// consultation's log, and from its step meetings' logs when given.
type ConsultationSummary struct {
	Consultation string `json:"consultation"`
	Title        string `json:"title"`
	Events       uint64 `json:"events"`
	Steps        int    `json:"steps"`
	Carried      int    `json:"carried"`     // questions carried from a step meeting to a later one
	Proposals    int    `json:"proposals"`   // every proposal, drafts included
	Published    int    `json:"published"`   // those the public sees
	Commitments  int    `json:"commitments"` // every commitment
	Head         string `json:"head"`        // hex hash of the last event
	Digest       string `json:"digest"`      // hex consultation.Digest of the final state
	// Final reports whether the export recorded a final state, which then
	// matched the one recomputed.
	Final bool `json:"final"`
	// Meetings are the step meetings' logs given beside it, each verified
	// alone, in the order given; when there are any, the consultation was
	// cross-checked against them, and agreed.
	Meetings []Summary `json:"meetings,omitempty"`
}

// MeetingError is a meeting's log export, given beside a consultation's,
// that fails its own verification (Verify). Index counts the exports
// given from 0.
type MeetingError struct {
	Index int
	Err   error
}

func (e *MeetingError) Error() string {
	return fmt.Sprintf("archive: meeting log %d: %v", e.Index+1, e.Err)
}

func (e *MeetingError) Unwrap() error { return e.Err }

// CrossCheckError is a consultation whose links to its step meetings the
// meetings' logs do not bear out: every mismatch, in the order of
// consultation.CrossCheck, then the meeting logs given that are not of a
// step meeting.
type CrossCheckError struct {
	Consultation string
	Mismatches   []consultation.Mismatch
}

func (e *CrossCheckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "archive: consultation %s disagrees with its step meetings: ", e.Consultation)
	for i, m := range e.Mismatches {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(strings.TrimPrefix(m.Error(), "consultation: "))
	}
	return b.String()
}

// VerifyConsultation reads a consultation's log export (see
// WriteConsultationLog) and checks it end to end:
//   - the hash chain, by the rule of a meeting's
//     (store.VerifyConsultationChain):
//     events numbered 1..n without gaps, each prev the hash of the event
//     before (32 zero bytes for the first), each hash SHA-256(prev ||
//     event), recomputed from the bytes carried;
//   - every event decodes, strictly, and applies in order to the state the
//     ones before left, checked as the reducer decides
//     (consultation.Consultation.Apply, as consultation.Replay does): every
//     id, status and link is recomputed;
//   - the export's consultation id is the log's;
//   - when the export records a final state, its digest and organiser view
//     equal the recomputed ones.
//
// It returns a *VerifyError naming the first bad event on any of these
// (other errors for a file that is not a consultation's log export).
//
// meetings are log exports of its step meetings (WriteLog). Each is
// verified alone (Verify; a failure is a *MeetingError) and then, given
// together, they are cross-checked with the consultation
// (consultation.Consultation.CrossCheck against their recomputed final
// views): every step meeting must be given, every carried question must be
// in both meetings with the same link, votes and text, every proposal's
// source must exist where it points and have been public there. A
// disagreement is a *CrossCheckError listing every mismatch, each naming
// the consultation's event and the meeting. With no meetings, the
// consultation verifies alone.
//
// TestConsultationVerifyTamper and TestConsultationCrossCheck guard it.
func VerifyConsultation(r io.Reader, meetings ...io.Reader) (ConsultationSummary, error) {
	l, err := ReadConsultationLog(r)
	if err != nil {
		return ConsultationSummary{}, err
	}
	rows, err := l.rows()
	if err != nil {
		return ConsultationSummary{}, err
	}
	if len(rows) == 0 {
		return ConsultationSummary{}, ErrEmpty
	}
	if err := verifyConsultationChain(rows); err != nil {
		return ConsultationSummary{}, err
	}
	if err := decodeConsultation(l, rows); err != nil {
		return ConsultationSummary{}, err
	}
	c, err := replayConsultation(rows)
	if err != nil {
		return ConsultationSummary{}, err
	}
	if c.ID() != l.Consultation {
		return ConsultationSummary{}, &VerifyError{Seq: 1, Reason: fmt.Sprintf("the log is of consultation %q, the export says %q", c.ID(), l.Consultation)}
	}
	s := consultationSummary(rows, c)
	if l.Final != nil {
		if err := checkConsultationFinal(rows, c, l.Final); err != nil {
			return ConsultationSummary{}, err
		}
		s.Final = true
	}
	if len(meetings) == 0 {
		return s, nil
	}
	views := map[string]room.View{}
	for i, mr := range meetings {
		m, ms, err := verifyMeeting(mr)
		if err != nil {
			return ConsultationSummary{}, &MeetingError{Index: i, Err: err}
		}
		if _, dup := views[m.code]; dup {
			return ConsultationSummary{}, &MeetingError{Index: i, Err: fmt.Errorf("meeting %s is given twice", m.code)}
		}
		views[m.code] = m.mod
		s.Meetings = append(s.Meetings, ms)
	}
	if err := crossCheck(rows, c, views, s.Meetings); err != nil {
		return ConsultationSummary{}, err
	}
	return s, nil
}

// crossCheck runs consultation.CrossCheck, and adds a mismatch for each
// carried question whose meeting's log is not given (CrossCheck names the
// meeting only), and for each meeting given that is not one of the
// consultation's steps (a log given by mistake, checked against nothing).
func crossCheck(rows []store.ConsultationRow, c *consultation.Consultation, views map[string]room.View, given []Summary) error {
	ms := c.CrossCheck(views)
	v := c.View(consultation.Organiser)
	var carries []uint64 // the event of each carry, in order
	for _, r := range rows {
		if r.Event.Op == consultation.OpCarry {
			carries = append(carries, r.Seq)
		}
	}
	for i, x := range v.Carried {
		for _, end := range []struct {
			ref  consultation.Ref
			what string
		}{{x.From, "carried from"}, {x.To, "carried to"}} {
			if _, ok := views[end.ref.Code]; !ok {
				ms = append(ms, consultation.Mismatch{Seq: carries[i], Code: end.ref.Code,
					Reason: fmt.Sprintf("question %d (thread %s) was %s this meeting, and no log of it is given", end.ref.Question, x.Thread, end.what)})
			}
		}
	}
	for _, g := range given {
		if !slices.ContainsFunc(v.Steps, func(s consultation.StepView) bool { return s.Code == g.Room }) {
			ms = append(ms, consultation.Mismatch{Code: g.Room, Reason: "not a step meeting of the consultation"})
		}
	}
	if len(ms) > 0 {
		return &CrossCheckError{Consultation: c.ID(), Mismatches: ms}
	}
	return nil
}

func consultationSummary(rows []store.ConsultationRow, c *consultation.Consultation) ConsultationSummary {
	org, pub := c.View(consultation.Organiser), c.View(consultation.Public)
	digest := c.Digest()
	return ConsultationSummary{
		Consultation: c.ID(), Title: c.Title(), Events: c.Seq(),
		Steps: len(org.Steps), Carried: len(org.Carried), Proposals: len(org.Proposals),
		Published: len(pub.Proposals), Commitments: len(org.Commitments),
		Head:   hex.EncodeToString(rows[len(rows)-1].Hash),
		Digest: hex.EncodeToString(digest[:]),
	}
}

// checkConsultationFinal compares the recorded final state with the
// recomputed one. On a difference it names the last event that touched
// the first thing that differs (a step, a carried question, a proposal, a
// commitment, what the consultation says of itself), or the last event.
func checkConsultationFinal(rows []store.ConsultationRow, c *consultation.Consultation, f *Final) error {
	last := c.Seq()
	if f.Seq != last {
		return &VerifyError{Seq: min(f.Seq, last) + 1, Reason: fmt.Sprintf("the final state is recorded at event %d, the log ends at %d", f.Seq, last)}
	}
	got := c.View(consultation.Organiser)
	var rec, mine any
	b, err := json.Marshal(got)
	if err != nil {
		return err
	}
	json.Unmarshal(b, &mine)
	if err := json.Unmarshal(f.View, &rec); err != nil {
		return &VerifyError{Seq: last, Reason: "the recorded final view does not decode: " + err.Error()}
	}
	if !reflect.DeepEqual(rec, mine) {
		where, what := last, "the view"
		var recorded consultation.View
		if json.Unmarshal(f.View, &recorded) == nil {
			if w, x := diffConsultation(touchedBy(rows), got, recorded); x != "" {
				where, what = w, x
			}
		}
		if where == 0 {
			where = last
		}
		return &VerifyError{Seq: where, Reason: "the recorded final state differs from the recomputed one: " + what}
	}
	digest := c.Digest()
	if f.Digest != hex.EncodeToString(digest[:]) {
		return &VerifyError{Seq: last, Reason: fmt.Sprintf("final digest %s, recomputed %x", f.Digest, digest)}
	}
	return nil
}

// touchedBy maps what a view shows ("step CODE", "carry N", "P-n", "C-n",
// "about") to the last event that changed it.
func touchedBy(rows []store.ConsultationRow) map[string]uint64 {
	at := map[string]uint64{}
	carries := 0
	for _, r := range rows {
		ev := r.Event
		touch := func(k string) {
			if k != "" {
				at[k] = ev.Seq
			}
		}
		switch ev.Op {
		case consultation.OpCreate, consultation.OpEdit:
			touch("about")
		case consultation.OpStepAdd, consultation.OpStepEdit, consultation.OpStepStatus:
			touch("step " + ev.Code)
		case consultation.OpCarry:
			carries++
			touch(fmt.Sprint("carry ", carries))
		}
		touch(ev.Proposal)
		touch(ev.Into)
		touch(ev.Commitment)
		for _, p := range ev.Proposals { // a commitment includes them
			touch(p)
		}
	}
	return at
}

// diffConsultation finds the first thing where a recorded view differs
// from the recomputed one, and the last event that touched it.
func diffConsultation(at map[string]uint64, got, rec consultation.View) (uint64, string) {
	for i, s := range got.Steps {
		if i >= len(rec.Steps) || !sameJSON(s, rec.Steps[i]) {
			return at["step "+s.Code], fmt.Sprintf("step meeting %s", s.Code)
		}
	}
	for i, x := range got.Carried {
		if i >= len(rec.Carried) || !sameJSON(x, rec.Carried[i]) {
			return at[fmt.Sprint("carry ", i+1)], fmt.Sprintf("carried question %s (%s question %d)", x.Thread, x.From.Code, x.From.Question)
		}
	}
	for _, p := range got.Proposals {
		i := slices.IndexFunc(rec.Proposals, func(x consultation.ProposalView) bool { return x.ID == p.ID })
		if i < 0 || !sameJSON(p, rec.Proposals[i]) {
			return at[p.ID], "proposal " + p.ID
		}
	}
	for _, m := range got.Commitments {
		i := slices.IndexFunc(rec.Commitments, func(x consultation.CommitmentView) bool { return x.ID == m.ID })
		if i < 0 || !sameJSON(m, rec.Commitments[i]) {
			return at[m.ID], "commitment " + m.ID
		}
	}
	switch {
	case len(rec.Steps) != len(got.Steps), len(rec.Carried) != len(got.Carried),
		len(rec.Proposals) != len(got.Proposals), len(rec.Commitments) != len(got.Commitments):
		return 0, "more recorded than recomputed"
	case rec.Title != got.Title || rec.Description != got.Description || rec.Opens != got.Opens || rec.Closes != got.Closes:
		return at["about"], "the consultation's title, description or dates"
	}
	return 0, ""
}
