package consultation

import "errors"

// Errors of this package. Decide also returns room's where they fit:
// room.ErrUnknownOp, ErrForbidden, ErrInvalid, ErrEmpty, ErrTooLong,
// ErrInvalidUTF8, ErrControlChar, ErrState, ErrAlready and ErrSequence. A
// command that fails changes nothing.
var (
	ErrNoStep       = errors.New("consultation: not a step meeting of this consultation")
	ErrNoProposal   = errors.New("consultation: unknown proposal")
	ErrNoCommitment = errors.New("consultation: unknown commitment")
)
