package archive

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// VerifyError is where an export fails verification: the first event that
// is wrong, missing, or after which the recomputed state differs from the
// one recorded.
type VerifyError struct {
	Seq    uint64
	Reason string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("archive: event %d: %s", e.Seq, e.Reason)
}

// Summary is what Verify recomputed from a log.
type Summary struct {
	Room      string      `json:"room"`
	Title     string      `json:"title"`
	Status    room.Status `json:"status"`
	Events    uint64      `json:"events"`
	Questions int         `json:"questions"`
	Answered  int         `json:"answered"`
	Refused   int         `json:"refused"`
	Polls     int         `json:"polls"`   // polls that ran
	Ballots   int         `json:"ballots"` // in those polls
	Joined    int         `json:"joined"`
	Peak      int         `json:"peak"`
	Head      string      `json:"head"`   // hex hash of the last event
	Digest    string      `json:"digest"` // hex room.Digest of the final state
	// Final reports whether the export recorded a final state, which then
	// matched the one recomputed.
	Final bool `json:"final"`
	// Voters is who the polls could count (voters.go), absent when every
	// poll was open to anyone.
	Voters *Voters `json:"voters,omitempty"`
}

// Verify reads a log export (see WriteLog) and checks it end to end:
//   - the events are numbered 1..n without gaps, each one's prev is the hash
//     of the one before and each hash is SHA-256(prev || event), recomputed
//     from the bytes carried (store.VerifyChain);
//   - every event decodes, belongs to this room and applies, in order, to the
//     state the ones before it left (room.Room.Apply: every count, tally and
//     status is recomputed by the reducer);
//   - attendance, upvotes, ballots, poll tallies and idea votes (ideas.go),
//     recounted from the events independently of the reducer, agree with it;
//   - each counted ballot came from a voter its poll's counting allows
//     (checked in for the room, an issued card for cards: voters.go);
//   - when the export records a final state, its digest and its view equal
//     the recomputed ones.
//
// It returns a *VerifyError naming the first bad event on any mismatch
// (other errors for a file that is not a log export at all).
// TestVerifyTamper guards it.
func Verify(r io.Reader) (Summary, error) {
	_, s, err := verifyMeeting(r)
	return s, err
}

// verifyMeeting is Verify, returning also the replayed meeting (whose
// moderator view VerifyConsultation cross-checks).
func verifyMeeting(r io.Reader) (*meeting, Summary, error) {
	l, err := ReadLog(r)
	if err != nil {
		return nil, Summary{}, err
	}
	rows, err := l.rows()
	if err != nil {
		return nil, Summary{}, err
	}
	if len(rows) == 0 {
		return nil, Summary{}, ErrEmpty
	}
	if err := store.VerifyChain(rows); err != nil {
		var ce *store.ChainError
		if errors.As(err, &ce) {
			return nil, Summary{}, &VerifyError{Seq: ce.Seq, Reason: ce.Reason}
		}
		return nil, Summary{}, err
	}
	if err := decodeEvents(l, rows); err != nil {
		return nil, Summary{}, err
	}
	m, err := replay(rows)
	if err != nil {
		return nil, Summary{}, err
	}
	if m.code != l.Room {
		return nil, Summary{}, &VerifyError{Seq: 1, Reason: fmt.Sprintf("the log is of room %q, the export says %q", m.code, l.Room)}
	}
	if err := m.recount(); err != nil {
		return nil, Summary{}, err
	}
	if err := m.recountVotes(); err != nil {
		return nil, Summary{}, err
	}
	s := m.summary()
	if l.Final != nil {
		if err := m.checkFinal(l.Final); err != nil {
			return nil, Summary{}, err
		}
		s.Final = true
	}
	return m, s, nil
}

// recount compares attendance as counted by the reducer with the count
// kept by observe, independently.
func (m *meeting) recount() error {
	c := m.mod.Counts
	if c == nil || c.InRoom != m.inRoom || c.Remote != m.remote || c.Peak != m.peak.InRoom+m.peak.Remote || c.Joined != len(m.order) {
		return &VerifyError{Seq: m.lastTouched["counts"], Reason: "attendance recounted from the joins and leaves differs from the room's"}
	}
	return nil
}

func (m *meeting) summary() Summary {
	r := m.report()
	s := Summary{
		Room: r.Code, Title: r.Title, Status: r.Status, Events: r.Events,
		Questions: r.Questions.Asked, Answered: r.Questions.Answered, Refused: r.Questions.Rejected,
		Polls: len(r.Polls), Joined: len(m.order), Peak: m.peak.InRoom + m.peak.Remote,
		Head: r.Head, Digest: r.Digest, Voters: r.Voters,
	}
	for _, p := range r.Polls {
		s.Ballots += p.Ballots
	}
	return s
}

// checkFinal compares the recorded final state with the recomputed one. On
// a difference it names the last event that touched the first entity that
// differs (a question, a poll, attendance, the meeting), or the last event.
func (m *meeting) checkFinal(f *Final) error {
	last := m.room.Seq()
	if f.Seq != last {
		return &VerifyError{Seq: min(f.Seq, last) + 1, Reason: fmt.Sprintf("the final state is recorded at event %d, the log ends at %d", f.Seq, last)}
	}
	// Compare the JSON values, so that nothing recorded escapes the check
	// (not even a field no view has); then look for where they differ.
	var rec, got any
	mine, err := json.Marshal(m.mod)
	if err != nil {
		return err
	}
	json.Unmarshal(mine, &got)
	if err := json.Unmarshal(f.View, &rec); err != nil {
		return &VerifyError{Seq: last, Reason: "the recorded final view does not decode: " + err.Error()}
	}
	if !reflect.DeepEqual(rec, got) {
		var recorded room.View
		where, what := last, "the view"
		if json.Unmarshal(f.View, &recorded) == nil {
			if w, x := m.diff(recorded); x != "" {
				where, what = w, x
			}
		}
		return &VerifyError{Seq: where, Reason: "the recorded final state differs from the recomputed one: " + what}
	}
	digest := m.room.Digest()
	if f.Digest != hex.EncodeToString(digest[:]) {
		return &VerifyError{Seq: last, Reason: fmt.Sprintf("final digest %s, recomputed %x", f.Digest, digest)}
	}
	return nil
}

// diff finds the first entity where a recorded view differs from the
// recomputed one, and the last event that touched it.
func (m *meeting) diff(rec room.View) (uint64, string) {
	got := m.mod
	last := m.room.Seq()
	at := func(key string) uint64 {
		if s, ok := m.lastTouched[key]; ok {
			return s
		}
		return last
	}
	for _, q := range got.Questions {
		i := slices.IndexFunc(rec.Questions, func(x room.QuestionView) bool { return x.ID == q.ID })
		if i < 0 || !sameJSON(q, rec.Questions[i]) {
			return at(fmt.Sprint("q", q.ID)), fmt.Sprintf("question %d", q.ID)
		}
	}
	if len(rec.Questions) != len(got.Questions) {
		return last, fmt.Sprintf("%d questions recorded, %d recomputed", len(rec.Questions), len(got.Questions))
	}
	for _, p := range got.Polls {
		i := slices.IndexFunc(rec.Polls, func(x room.PollView) bool { return x.ID == p.ID })
		if i < 0 || !sameJSON(p, rec.Polls[i]) {
			return at(fmt.Sprint("p", p.ID)), fmt.Sprintf("poll %d", p.ID)
		}
	}
	if len(rec.Polls) != len(got.Polls) {
		return last, fmt.Sprintf("%d polls recorded, %d recomputed", len(rec.Polls), len(got.Polls))
	}
	if !sameJSON(got.Counts, rec.Counts) {
		return at("counts"), "attendance"
	}
	if !sameJSON(got.Meeting, rec.Meeting) {
		return at("meeting"), "the meeting"
	}
	if !sameJSON(got, rec) {
		return last, "the view"
	}
	return 0, ""
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var x, y any
	json.Unmarshal(ja, &x)
	json.Unmarshal(jb, &y)
	return reflect.DeepEqual(x, y)
}
