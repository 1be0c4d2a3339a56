package room

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Length limits, in characters (runes), of the text people type. The
// question limit is Settings.MaxLength (DefaultMaxLength when 0).
const (
	maxName         = 40
	maxTitle        = 120
	maxDescription  = 2000
	maxStepTitle    = 120
	maxSteps        = 50
	maxPollTitle    = 200
	maxOption       = 100
	minOptions      = 2
	maxOptions      = 12
	maxOpenAnswer   = 80
	maxAnnouncement = 500
	maxOutcome      = 2000
	maxFloorTopic   = 200
	maxNote         = 280
	maxAnswer       = 4000
	maxStreamURL    = 500
	maxParticipant  = 100 // participant ids, chosen by the hub

	minQuestionLength = 20 // bounds of Settings.MaxLength
	maxQuestionLength = 2000
)

// multiLine says whether a field may hold line breaks ('\n' only).
type multiLine bool

const (
	oneLine   multiLine = false
	manyLines multiLine = true
)

// clean checks text typed by a person and returns it trimmed of surrounding
// white space. It refuses invalid UTF-8 (ErrInvalidUTF8), C0 and C1 control
// characters but '\n' where lines are allowed, bidirectional controls and
// U+FEFF (ErrControlChar; the line and paragraph separators are refused in
// new commands only: separators.go), and more
// than limit runes once trimmed (ErrTooLong). The empty string is accepted:
// see required.
func clean(s string, limit int, lines multiLine) (string, error) {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if (b < 0x20 && (b != '\n' || !lines)) || b == 0x7f {
				return "", fmt.Errorf("%w: U+%04X", ErrControlChar, b)
			}
			i++
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			return "", ErrInvalidUTF8
		}
		if forbidden(c) {
			return "", fmt.Errorf("%w: U+%04X", ErrControlChar, c)
		}
		i += size
	}
	t := strings.TrimSpace(s)
	if utf8.RuneCountInString(t) > limit {
		return "", fmt.Errorf("%w: at most %d characters", ErrTooLong, limit)
	}
	return t, nil
}

// required is clean for a field that may not be empty (ErrEmpty).
func required(s string, limit int, lines multiLine) (string, error) {
	t, err := clean(s, limit, lines)
	if err == nil && t == "" {
		return "", ErrEmpty
	}
	return t, err
}

// forbidden reports whether c, beyond ASCII, may not appear in text: C1
// controls, bidirectional marks, embeddings, overrides and isolates, and the
// byte order mark.
func forbidden(c rune) bool {
	switch {
	case c >= 0x80 && c <= 0x9f:
		return true
	case c == 0x200e, c == 0x200f:
		return true
	case c >= 0x202a && c <= 0x202e:
		return true
	case c >= 0x2066 && c <= 0x2069:
		return true
	case c == 0xfeff:
		return true
	}
	return false
}

// validCode reports whether s is a join code: 4 to 12 of A-Z and 0-9.
func validCode(s string) bool {
	if len(s) < 4 || len(s) > 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
