package room

import "errors"

// Errors returned by Room.Decide and Room.CheckReact. A command that fails
// changes nothing. Callers match them with errors.Is; the error text may add
// detail after the sentinel ("room: text too long: at most 280 characters").
var (
	ErrUnknownOp     = errors.New("room: unknown command")
	ErrForbidden     = errors.New("room: not allowed for this role")
	ErrInvalid       = errors.New("room: invalid argument")
	ErrEmpty         = errors.New("room: text is empty")
	ErrTooLong       = errors.New("room: text too long")
	ErrInvalidUTF8   = errors.New("room: text is not valid UTF-8")
	ErrControlChar   = errors.New("room: text contains control or bidirectional characters")
	ErrNotJoined     = errors.New("room: participant has not joined")
	ErrNotAuthor     = errors.New("room: not the author of this question")
	ErrNoQuestion    = errors.New("room: unknown question")
	ErrNoPoll        = errors.New("room: unknown poll")
	ErrNoFloor       = errors.New("room: unknown request to speak")
	ErrState         = errors.New("room: not possible in the current state")
	ErrAlready       = errors.New("room: already done")
	ErrQAClosed      = errors.New("room: questions are closed")
	ErrNamesDisabled = errors.New("room: names are disabled in this room")
	ErrReactionsOff  = errors.New("room: reactions are disabled in this room")
	ErrPollClosed    = errors.New("room: poll is not open")
	ErrBallotLocked  = errors.New("room: ballots are locked for this poll")
	ErrEnded         = errors.New("room: the meeting has ended")
	ErrNotVoter      = errors.New("room: this poll does not count this participant's ballot")
	ErrSequence      = errors.New("room: event out of sequence")
	ErrNoIdea        = errors.New("room: unknown idea")
	ErrIdeasClosed   = errors.New("room: the ideas board is closed")
)
