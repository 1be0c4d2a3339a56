package archive

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// The log export: one JSON document holding a room's whole log, so that
// anyone can recompute its hash chain and its final state.
//
//	{"format": "tribune-log", "version": 1, "room": "CODE",
//	 "events": [
//	  {"seq": 1, "at": 1767225600000, "prev": "00…", "hash": "9f…", "cmdID": "", "event": {…}},
//	  …],
//	 "final": {"seq": 42, "digest": "…", "view": View}}
//
// "event" is the event's stored JSON, byte for byte: "hash" is the hex
// SHA-256 of the 32 bytes of "prev" followed by exactly those bytes (the
// first "prev" is 32 zero bytes). Re-encoding the file (pretty-printing it)
// breaks the chain. "seq" and "at" repeat the event's own; "cmdID", the
// client's command id, is not covered by the chain: it only served to apply
// a retried command once. "final" is the state the log folds to, as the exporter
// computed it: Verify recomputes both and compares.
const (
	LogFormat  = "tribune-log"
	LogVersion = 1
)

// Log is a decoded log export.
type Log struct {
	Format  string     `json:"format"`
	Version int        `json:"version"`
	Room    string     `json:"room"`
	Events  []LogEvent `json:"events"`
	Final   *Final     `json:"final,omitempty"`
}

// LogEvent is one stored event. Prev and Hash are hex.
type LogEvent struct {
	Seq   uint64          `json:"seq"`
	At    int64           `json:"at"`
	Prev  string          `json:"prev"`
	Hash  string          `json:"hash"`
	CmdID string          `json:"cmdID,omitempty"`
	Event json.RawMessage `json:"event"`
}

// Final is the state a log folds to: the hex room.Digest and the
// moderator's view (every count, tally and status).
type Final struct {
	Seq    uint64          `json:"seq"`
	Digest string          `json:"digest"`
	View   json.RawMessage `json:"view"`
}

// WriteLog writes the log export of a room's stored rows to w. The rows'
// JSON is written verbatim; the final state is computed by replaying them,
// so WriteLog fails (writing nothing) on a log that does not apply.
func WriteLog(w io.Writer, rows []store.Stored) error {
	m, err := replay(rows)
	if err != nil {
		return err
	}
	return m.writeLog(w)
}

func (m *meeting) writeLog(w io.Writer) error {
	digest := m.room.Digest()
	view, err := json.Marshal(m.mod)
	if err != nil {
		return fmt.Errorf("archive: encode final view: %w", err)
	}
	code, _ := json.Marshal(m.code)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "{\"format\":%q,\"version\":%d,\"room\":%s,\"events\":[\n", LogFormat, LogVersion, code)
	for i, r := range m.rows {
		cmd, _ := json.Marshal(r.CmdID)
		writeItem(bw, r.Seq, r.Event.At, r.Prev, r.Hash, `"cmdID":`+string(cmd)+`,`, r.JSON, i == len(m.rows)-1)
	}
	fmt.Fprintf(bw, "],\n\"final\":{\"seq\":%d,\"digest\":\"%x\",\"view\":%s}}\n", m.room.Seq(), digest, view)
	return bw.Flush()
}

// maxLog bounds what ReadLog reads: a very large meeting's log is tens of
// megabytes.
const maxLog = 1 << 30

// ReadLog decodes a log export. It checks the format, not the chain: see
// Verify. A document that is not valid JSON is reported as a *VerifyError
// naming the event around the bad byte, when there is one.
func ReadLog(r io.Reader) (*Log, error) {
	b, err := readExport(r)
	if err != nil {
		return nil, err
	}
	var l Log
	if err := decodeExport(b, &l); err != nil {
		return nil, err
	}
	if err := checkFormat(l.Format, l.Version); err != nil {
		return nil, err
	}
	return &l, nil
}

// writeItem writes one event of a log export, on a line of its own:
// extra, when not empty, is more fields ending in a comma, before the
// event's JSON as it was hashed.
func writeItem(bw *bufio.Writer, seq uint64, at int64, prev, hash []byte, extra string, event []byte, last bool) {
	fmt.Fprintf(bw, "{\"seq\":%d,\"at\":%d,\"prev\":\"%x\",\"hash\":\"%x\",%s\"event\":", seq, at, prev, hash, extra)
	bw.Write(event)
	bw.WriteString("}")
	if !last {
		bw.WriteString(",")
	}
	bw.WriteString("\n")
}

// readExport reads a whole log export, of any kind, up to maxLog bytes.
func readExport(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxLog+1))
	if err != nil {
		return nil, fmt.Errorf("archive: read log: %w", err)
	}
	if len(b) > maxLog {
		return nil, fmt.Errorf("archive: log larger than %d bytes", maxLog)
	}
	return b, nil
}

// decodeExport decodes export b into doc, refusing unknown fields and
// anything after the end; a fault inside an event's line names the event
// (near).
func decodeExport(b []byte, doc any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(doc); err != nil {
		offset := dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			offset = se.Offset
		}
		return near(b, offset, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("archive: not a valid log export: data after the end at byte %d", dec.InputOffset())
	}
	return nil
}

// checkFormat refuses an export of another format or version.
func checkFormat(format string, version int) error {
	switch {
	case format != LogFormat:
		return fmt.Errorf("archive: not a log export: format %q, want %q", format, LogFormat)
	case version != LogVersion:
		return fmt.Errorf("archive: log export version %d, this program reads %d", version, LogVersion)
	}
	return nil
}

// hashes decodes an event's prev and hash, each 32 bytes in hex.
func hashes(seq uint64, prev, hash string) ([]byte, []byte, error) {
	p, err := hex.DecodeString(prev)
	if err != nil || len(p) != 32 {
		return nil, nil, &VerifyError{Seq: seq, Reason: "prev is not a 32-byte hex hash"}
	}
	h, err := hex.DecodeString(hash)
	if err != nil || len(h) != 32 {
		return nil, nil, &VerifyError{Seq: seq, Reason: "hash is not a 32-byte hex hash"}
	}
	return p, h, nil
}

// decodeEvent decodes the JSON of event seq strictly (no field the event
// type lacks).
func decodeEvent[E any](seq uint64, b []byte) (E, error) {
	var ev E
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, &VerifyError{Seq: seq, Reason: "event does not decode: " + err.Error()}
	}
	return ev, nil
}

// checkAt refuses an event whose envelope gives another time than its own.
func checkAt(seq uint64, envelope, event int64) error {
	if envelope != event {
		return &VerifyError{Seq: seq, Reason: fmt.Sprintf("envelope says at %d, the event %d", envelope, event)}
	}
	return nil
}

// near names the event at byte offset of a log export, for an error
// there: WriteLog puts event n on line n+1 (a damaged line cannot be
// trusted to say its own seq). Elsewhere (the header, the final state) the error names no
// event.
func near(b []byte, offset int64, err error) error {
	offset = min(max(offset, 0), int64(len(b)))
	// A syntax error's offset is just past the byte at fault, which may be
	// the newline that ends an event's line: look for the line before it.
	start := bytes.LastIndexByte(b[:max(offset-1, 0)], '\n') + 1
	line := bytes.Count(b[:start], []byte("\n"))
	if line == 0 || bytes.HasPrefix(b[start:], []byte("],")) || bytes.HasPrefix(b[start:], []byte(`"final"`)) {
		return fmt.Errorf("archive: not a valid log export: byte %d: %w", offset, err)
	}
	return &VerifyError{Seq: uint64(line), Reason: fmt.Sprintf("invalid at byte %d: %v", offset, err)}
}

// rows turns the export back into stored rows: hashes decoded, events
// decoded strictly. It fails on the first event it cannot decode.
func (l *Log) rows() ([]store.Stored, error) {
	rows := make([]store.Stored, len(l.Events))
	for i, e := range l.Events {
		r := store.Stored{Seq: e.Seq, JSON: e.Event, CmdID: e.CmdID}
		var err error
		if r.Prev, r.Hash, err = hashes(e.Seq, e.Prev, e.Hash); err != nil {
			return nil, err
		}
		rows[i] = r
	}
	return rows, nil
}

// decodeEvents decodes every row's JSON into its Event, refusing fields no
// event has.
func decodeEvents(l *Log, rows []store.Stored) error {
	for i := range rows {
		ev, err := decodeEvent[room.Event](rows[i].Seq, rows[i].JSON)
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
