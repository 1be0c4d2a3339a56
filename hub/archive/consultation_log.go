package archive

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room/consultation"
)

// The consultation log export: a consultation's whole log, in the same
// document as a meeting's (see WriteLog) with a kind to tell them apart:
//
//	{"format": "tribune-log", "version": 1, "kind": "consultation", "consultation": "ID",
//	 "events": [
//	  {"seq": 1, "at": 1767225600000, "prev": "00…", "hash": "9f…", "event": {…}},
//	  …],
//	 "final": {"seq": 42, "digest": "…", "view": View}}
//
// The chain is a meeting's: "hash" is the hex SHA-256 of the 32 bytes of
// "prev" followed by the bytes of "event", verbatim (the first "prev" is 32
// zero bytes), event n is on line n+1. "final" holds the
// consultation.Digest and the organiser's consultation.View of the state
// the log folds to. Like a meeting's log, the export is for the
// organisers: it holds drafts and the organiser's session ids. The public
// record is the open-data package (ConsultationPackage).
const (
	ConsultationKind = "consultation"
	MeetingKind      = "meeting" // what ExportKind says of a meeting's export, which names no kind
)

// ConsultationLog is a decoded consultation log export.
type ConsultationLog struct {
	Format       string             `json:"format"`
	Version      int                `json:"version"`
	Kind         string             `json:"kind"`
	Consultation string             `json:"consultation"`
	Events       []ConsultationItem `json:"events"`
	Final        *Final             `json:"final,omitempty"`
}

// ConsultationItem is one stored event of a consultation. Prev and Hash
// are hex.
type ConsultationItem struct {
	Seq   uint64          `json:"seq"`
	At    int64           `json:"at"`
	Prev  string          `json:"prev"`
	Hash  string          `json:"hash"`
	Event json.RawMessage `json:"event"`
}

// ExportKind reads the head of a log export and says whose log it is:
// MeetingKind for a meeting's (WriteLog, which names no kind) or
// ConsultationKind. It fails on a document that is not a log export.
func ExportKind(b []byte) (string, error) {
	var head struct {
		Format string `json:"format"`
		Kind   string `json:"kind"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", fmt.Errorf("archive: not a log export: %w", err)
	}
	if head.Format != LogFormat {
		return "", fmt.Errorf("archive: not a log export: format %q, want %q", head.Format, LogFormat)
	}
	switch head.Kind {
	case "":
		return MeetingKind, nil
	case ConsultationKind:
		return ConsultationKind, nil
	}
	return "", fmt.Errorf("archive: a log export of kind %q, this program reads meetings and consultations", head.Kind)
}

// WriteConsultationLog writes the log export of a consultation's stored
// rows to w. The rows' JSON is written verbatim; the final state is
// computed by replaying their decoded events, so it fails (writing
// nothing) on a log that does not apply. It does not check the chain: the
// caller checks what it read from the store (VerifyConsultation checks the
// export).
func WriteConsultationLog(w io.Writer, rows []store.ConsultationRow) error {
	c, err := replayConsultation(rows)
	if err != nil {
		return err
	}
	return writeConsultationLog(w, rows, c)
}

func writeConsultationLog(w io.Writer, rows []store.ConsultationRow, c *consultation.Consultation) error {
	view, err := json.Marshal(c.View(consultation.Organiser))
	if err != nil {
		return fmt.Errorf("archive: encode final view: %w", err)
	}
	id, _ := json.Marshal(c.ID())
	digest := c.Digest()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "{\"format\":%q,\"version\":%d,\"kind\":%q,\"consultation\":%s,\"events\":[\n", LogFormat, LogVersion, ConsultationKind, id)
	for i, r := range rows {
		writeItem(bw, r.Seq, r.Event.At, r.Prev, r.Hash, "", r.JSON, i == len(rows)-1)
	}
	fmt.Fprintf(bw, "],\n\"final\":{\"seq\":%d,\"digest\":\"%x\",\"view\":%s}}\n", c.Seq(), digest, view)
	return bw.Flush()
}

// ReadConsultationLog decodes a consultation log export. It checks the
// format, not the chain: see VerifyConsultation. A document that is not
// valid JSON is reported as a *VerifyError naming the event around the
// bad byte, when there is one.
func ReadConsultationLog(r io.Reader) (*ConsultationLog, error) {
	b, err := readExport(r)
	if err != nil {
		return nil, err
	}
	// The head first: a meeting's export is named as such, not as a
	// document with unknown fields.
	var head struct {
		Format string `json:"format"`
		Kind   string `json:"kind"`
	}
	if json.Unmarshal(b, &head) == nil && head.Format == LogFormat && head.Kind != ConsultationKind {
		return nil, fmt.Errorf("archive: not a consultation's log export (kind %q)", cmp.Or(head.Kind, MeetingKind))
	}
	// Then the document, strictly, each event apart, so that an envelope
	// with a field no envelope has names its event.
	var doc struct {
		Format       string            `json:"format"`
		Version      int               `json:"version"`
		Kind         string            `json:"kind"`
		Consultation string            `json:"consultation"`
		Events       []json.RawMessage `json:"events"`
		Final        *Final            `json:"final,omitempty"`
	}
	if err := decodeExport(b, &doc); err != nil {
		return nil, err
	}
	if err := checkFormat(doc.Format, doc.Version); err != nil {
		return nil, err
	}
	l := ConsultationLog{Format: doc.Format, Version: doc.Version, Kind: doc.Kind, Consultation: doc.Consultation, Final: doc.Final}
	l.Events = make([]ConsultationItem, len(doc.Events))
	for i, raw := range doc.Events {
		ed := json.NewDecoder(bytes.NewReader(raw))
		ed.DisallowUnknownFields()
		if err := ed.Decode(&l.Events[i]); err != nil {
			// Its place in the list, not the seq it claims: a damaged
			// envelope cannot be trusted to say which it is.
			return nil, &VerifyError{Seq: uint64(i) + 1, Reason: "envelope does not decode: " + err.Error()}
		}
	}
	return &l, nil
}

// rows turns the export back into stored rows: hashes decoded, events not
// yet (decodeConsultation does).
func (l *ConsultationLog) rows() ([]store.ConsultationRow, error) {
	rows := make([]store.ConsultationRow, len(l.Events))
	for i, e := range l.Events {
		r := store.ConsultationRow{Seq: e.Seq, JSON: e.Event}
		var err error
		if r.Prev, r.Hash, err = hashes(e.Seq, e.Prev, e.Hash); err != nil {
			return nil, err
		}
		rows[i] = r
	}
	return rows, nil
}

// verifyConsultationChain checks the hash chain of a consultation's rows
// (store.VerifyConsultationChain, the rule of a meeting's: numbered 1..n,
// each prev the hash before, each hash SHA-256(prev || json), each JSON
// carrying its own seq), as a *VerifyError.
func verifyConsultationChain(rows []store.ConsultationRow) error {
	if err := store.VerifyConsultationChain(rows); err != nil {
		var ce *store.ChainError
		if errors.As(err, &ce) {
			return &VerifyError{Seq: ce.Seq, Reason: ce.Reason}
		}
		return err
	}
	return nil
}

// decodeConsultation decodes every row's JSON into its Event, refusing
// fields no event has, and checks that the envelope's time is the event's.
func decodeConsultation(l *ConsultationLog, rows []store.ConsultationRow) error {
	for i := range rows {
		ev, err := decodeEvent[consultation.Event](rows[i].Seq, rows[i].JSON)
		if err != nil {
			return err
		}
		if err := checkAt(rows[i].Seq, l.Events[i].At, ev.At); err != nil {
			return err
		}
		rows[i].Event = ev
	}
	return nil
}

// replayConsultation folds the rows' events, in order, as
// consultation.Replay does, one at a time so that a failure names its
// event: Apply checks each event as Decide would have, so every status,
// id and link is recomputed, not trusted.
func replayConsultation(rows []store.ConsultationRow) (*consultation.Consultation, error) {
	if len(rows) == 0 {
		return nil, ErrEmpty
	}
	c := consultation.New()
	for _, r := range rows {
		if r.Event.Seq != r.Seq {
			return nil, &VerifyError{Seq: r.Seq, Reason: fmt.Sprintf("the event says it is event %d", r.Event.Seq)}
		}
		if err := c.Apply(r.Event); err != nil {
			return nil, &VerifyError{Seq: r.Seq, Reason: "does not apply: " + err.Error()}
		}
	}
	return c, nil
}
