package hub

import (
	"encoding/json"
	"errors"

	"github.com/coder/websocket"

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
	Seq         uint64    `json:"seq"`
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
	ErrNoRoom = errors.New("hub: unknown meeting")
	// ErrClosing means the hub is shutting down.
	ErrClosing = errors.New("hub: shutting down")
)

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
	{ErrUnavailable, "unavailable", true},
	{ErrBusy, "unavailable", true},
	{ErrClosing, "unavailable", true},
	{ErrUpstream, "unavailable", true}, // cluster.go: an edge cut off from the primary
	{ErrRateLimited, "rate_limited", true},
	{room.ErrNoFloor, "no_floor", false},
	{ErrBadMessage, "bad_message", false},
	{ErrNoRoom, "no_room", false},
}

// errorCode maps an error to its protocol code and whether a retry may
// succeed. Unknown errors are internal and retryable.
func errorCode(err error) (code string, retry bool) {
	for _, e := range errorCodes {
		if errors.Is(err, e.err) {
			return e.code, e.retry
		}
	}
	return "internal", true
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
