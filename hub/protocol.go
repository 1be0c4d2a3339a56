package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/room"
)

// ProtocolVersion is the version of PROTOCOL.md this hub speaks.
const ProtocolVersion = 3

// Close codes beyond the standard ones (PROTOCOL.md, "Close codes").
const (
	// StatusTooSlow closes a connection that did not keep up with its queue.
	StatusTooSlow websocket.StatusCode = 4000
)

// inbound is any client message. Which fields matter depends on T.
type inbound struct {
	T       string          `json:"t"`
	V       int             `json:"v,omitempty"`
	Role    string          `json:"role,omitempty"`
	Token   string          `json:"token,omitempty"`
	Key     string          `json:"key,omitempty"`
	Since   uint64          `json:"since,omitempty"`
	Card    string          `json:"card,omitempty"` // a voting card's secret (cards.go)
	Channel room.Channel    `json:"channel,omitempty"`
	Name    string          `json:"name,omitempty"`
	ID      string          `json:"id,omitempty"`
	Cmd     json.RawMessage `json:"cmd,omitempty"`
}

type welcomeMsg struct {
	T           string    `json:"t"`
	V           int       `json:"v"`
	Role        room.Role `json:"role"`
	Participant string    `json:"participant,omitempty"`
	Token       string    `json:"token,omitempty"`
	// Seat is the seat of the moderation team a moderator session acts
	// as, absent for the organiser (team.go).
	Seat room.SeatID `json:"seat,omitempty"`
	Seq  uint64      `json:"seq"`
}

type snapshotMsg struct {
	T    string     `json:"t"`
	Seq  uint64     `json:"seq"`
	View *room.View `json:"view"`
}

type patchMsg struct {
	T     string      `json:"t"`
	From  uint64      `json:"from"`
	To    uint64      `json:"to"`
	Patch *room.Patch `json:"patch"`
}

type mineMsg struct {
	T    string     `json:"t"`
	Seq  uint64     `json:"seq"`
	Mine *room.Mine `json:"mine"`
}

type resultsMsg struct {
	T       string        `json:"t"`
	Seq     uint64        `json:"seq"`
	Poll    room.PollID   `json:"poll"`
	Results *room.Results `json:"results"`
}

type ackMsg struct {
	T   string `json:"t"`
	ID  string `json:"id"`
	Seq uint64 `json:"seq"`
	// Key is the key of the seat a team.add made, sent to the organiser's
	// session that asked, in its ack only (team.go).
	Key string `json:"key,omitempty"`
}

type errorMsg struct {
	T       string `json:"t"`
	ID      string `json:"id,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Retry   bool   `json:"retry"`
}

type hbMsg struct {
	T   string `json:"t"`
	Seq uint64 `json:"seq"`
}

// Errors of the hub itself, mapped to protocol codes by errorCode.
var (
	// ErrUnavailable means the log cannot be written now; the command may be
	// retried.
	ErrUnavailable = errors.New("hub: log unavailable, try again")
	// ErrBusy means the room's inbox is full; the command may be retried.
	ErrBusy = errors.New("hub: room is busy, try again")
	// ErrRateLimited means the sender sent too many commands.
	ErrRateLimited = errors.New("hub: too many commands, slow down")
	// ErrBadMessage is a frame that is not a valid protocol message.
	ErrBadMessage = errors.New("hub: malformed message")
	// ErrNoRoom means no meeting has this code.
	ErrNoRoom = seam.ErrNoRoom
	// ErrClosing means the hub is shutting down.
	ErrClosing = errors.New("hub: shutting down")
)

// errorCodes maps errors to protocol codes, the first that matches. With
// codeInternal, its codes are every code the hub sends (protocolCodes):
// PROTOCOL.md documents each, clientjs/i18n.js has a text for each in
// both languages, and TestErrorCodesListed fails if either misses one or
// lists one the hub never sends.
var errorCodes = []struct {
	err   error
	code  string
	retry bool
}{
	{room.ErrUnknownOp, "unknown_op", false},
	{room.ErrForbidden, "forbidden", false},
	{room.ErrInvalid, "invalid", false},
	{room.ErrEmpty, "empty", false},
	{room.ErrTooLong, "too_long", false},
	{room.ErrInvalidUTF8, "invalid_utf8", false},
	{room.ErrControlChar, "control_char", false},
	{room.ErrNotJoined, "not_joined", false},
	{room.ErrNotAuthor, "not_author", false},
	{room.ErrNoQuestion, "no_question", false},
	{room.ErrNoPoll, "no_poll", false},
	{room.ErrState, "state", false},
	{room.ErrAlready, "already", false},
	{room.ErrQAClosed, "qa_closed", false},
	{room.ErrNamesDisabled, "names_disabled", false},
	{room.ErrReactionsOff, "reactions_off", false},
	{room.ErrPollClosed, "poll_closed", false},
	{room.ErrBallotLocked, "ballot_locked", false},
	{room.ErrEnded, "ended", false},
	{room.ErrNoIdea, "no_idea", false},
	{room.ErrIdeasClosed, "ideas_closed", false},
	{ErrUnavailable, "unavailable", true},
	{ErrBusy, "unavailable", true},
	{ErrClosing, "unavailable", true},
	{ErrUpstream, "unavailable", true}, // package cluster: an edge cut off from the primary
	{ErrRateLimited, "rate_limited", true},
	{room.ErrNoFloor, "no_floor", false},
	{ErrBadMessage, "bad_message", false},
	{ErrNoRoom, "no_room", false},
	// Refusals of a hello (refuseHello), which close the connection.
	{errBadHello, "bad_hello", false},
	{errBadVersion, "bad_version", false},
	{ErrBadToken, "bad_token", false},
	{ErrBadKey, "bad_key", false},
	{ErrJoinsLimited, "joins_limited", true},
	{ErrBadCard, "bad_card", false},
	{room.ErrNotVoter, "not_voter", false},
	{ErrRoomCode, "bad_room_code", false},
}

// codeInternal is the code of an error errorCodes does not know: a failure
// of the server itself, which may pass.
const codeInternal = "internal"

// errorCode maps an error to its protocol code and whether a retry may
// succeed. Unknown errors are internal and retryable.
func errorCode(err error) (code string, retry bool) {
	if e := (*seam.Error)(nil); errors.As(err, &e) {
		return e.Code, e.Retry // refused on another node (package cluster)
	}
	for _, e := range errorCodes {
		if errors.Is(err, e.err) {
			return e.code, e.retry
		}
	}
	return codeInternal, true
}

// protocolCodes returns every error code the hub sends, once each, in the
// order of errorCodes, codeInternal last.
func protocolCodes() []string {
	var codes []string
	for _, e := range errorCodes {
		if !slices.Contains(codes, e.code) {
			codes = append(codes, e.code)
		}
	}
	return append(codes, codeInternal)
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every message type is a plain struct of encodable fields.
		panic("hub: encode: " + err.Error())
	}
	return b
}

func encodeError(id string, err error) []byte {
	code, retry := errorCode(err)
	return encode(errorMsg{T: "error", ID: id, Code: code, Message: err.Error(), Retry: retry})
}

// frameID returns the id of a command frame whenever it can be read,
// however wrong the rest of the frame is (cut short, unknown fields,
// trailing data, invalid text elsewhere), so that an error about the
// command names it. It returns "" for a frame that is no command ("t" is
// not "cmd") and for an id that could not be the client's: not a string,
// not valid UTF-8 as sent, or not 1 to maxCmdID bytes.
func frameID(b []byte) string {
	d := json.NewDecoder(bytes.NewReader(b))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return ""
	}
	// The values are kept raw: decoded, invalid UTF-8 would already be
	// U+FFFD. A repeated name counts last, as for encoding/json.
	var typ, id json.RawMessage
	for d.More() {
		name, err := d.Token()
		if err != nil {
			break
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			break
		}
		switch name {
		case "t":
			typ = v
		case "id":
			id = v
		}
	}
	var t, s string
	if json.Unmarshal(typ, &t) != nil || t != "cmd" ||
		!utf8.Valid(id) || loneSurrogate(id) >= 0 || json.Unmarshal(id, &s) != nil ||
		len(s) == 0 || len(s) > maxCmdID {
		return ""
	}
	return s
}

// loneSurrogate returns the offset in the JSON text b of the first \u
// escape of a UTF-16 surrogate that is not a high one followed by a low
// one, or -1 if there is none. encoding/json decodes such an escape to
// U+FFFD without a word, so that the text stored would not be the text
// sent. An escaped backslash is skipped whole: "\\ud800" is text.
func loneSurrogate(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := escape(b, i)
		if !ok {
			i++ // another escape: the loop steps over the escaped byte
			continue
		}
		if utf16.IsSurrogate(r) {
			low, ok := escape(b, i+6)
			if !ok || utf16.DecodeRune(r, low) == unicode.ReplacementChar {
				return i
			}
			i += 6
		}
		i += 5
	}
	return -1
}

// escape decodes the \uXXXX escape at b[i:], if there is one.
func escape(b []byte, i int) (rune, bool) {
	if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range b[i+2 : i+6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
