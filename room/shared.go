package room

import (
	"fmt"
	"strings"
)

// The text rules of a room, for the packages that keep other logs by the
// same rules (package consultation). A new log has no old events to
// replay, so CleanText refuses the line and paragraph separators too.

// CleanText checks text typed by a person and returns it trimmed, as a
// room checks its own fields (doc.go, "Text"): valid UTF-8
// (ErrInvalidUTF8); no control character but '\n' when lines is set, no
// line or paragraph separator, no bidirectional control and no U+FEFF
// (ErrControlChar); at most limit characters once trimmed (ErrTooLong).
// The empty string is accepted.
func CleanText(s string, limit int, lines bool) (string, error) {
	if i := strings.IndexAny(s, "\u2028\u2029"); i >= 0 {
		return "", fmt.Errorf("%w: U+%04X", ErrControlChar, []rune(s[i:])[0])
	}
	return clean(s, limit, multiLine(lines))
}

// RequiredText is CleanText for text that may not be empty (ErrEmpty).
func RequiredText(s string, limit int, lines bool) (string, error) {
	t, err := CleanText(s, limit, lines)
	if err == nil && t == "" {
		return "", ErrEmpty
	}
	return t, err
}

// ValidCode reports whether s is a join code: 4 to 12 of A-Z and 0-9.
func ValidCode(s string) bool { return validCode(s) }

// ValidLink reports whether s is an absolute http or https address with a
// host, no user and no white space, like a room's stream link.
func ValidLink(s string) bool { return httpURL(s) }
