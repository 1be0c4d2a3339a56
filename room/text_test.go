package room

import (
	"errors"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct {
		in    string
		limit int
		lines multiLine
		want  string
		err   error
	}{
		{in: "  hello  ", limit: 10, want: "hello"},
		{in: "", limit: 10, want: ""},
		{in: "\u00a0nbsp\u3000", limit: 10, want: "nbsp"},
		{in: "a\nb", limit: 10, lines: manyLines, want: "a\nb"},
		{in: "\n\na\n", limit: 10, lines: manyLines, want: "a"},
		{in: "a\nb", limit: 10, err: ErrControlChar},
		{in: "a\tb", limit: 10, lines: manyLines, err: ErrControlChar},
		{in: "a\rb", limit: 10, lines: manyLines, err: ErrControlChar},
		{in: "a\x7fb", limit: 10, err: ErrControlChar},
		{in: "a\u009bb", limit: 10, err: ErrControlChar},
		{in: "a\u200eb", limit: 10, err: ErrControlChar},
		{in: "a\u200fb", limit: 10, err: ErrControlChar},
		{in: "a\u202ab", limit: 10, err: ErrControlChar},
		{in: "a\u202eb", limit: 10, err: ErrControlChar},
		{in: "a\u2066b", limit: 10, err: ErrControlChar},
		{in: "a\u2069b", limit: 10, err: ErrControlChar},
		{in: "\ufeff", limit: 10, err: ErrControlChar},
		// Line and paragraph separators: '\n' is the line break.
		{in: "a\u202fb", limit: 10, want: "a\u202fb"}, // narrow no-break space is text
		{in: "\xff", limit: 10, err: ErrInvalidUTF8},
		{in: "\xed\xa0\x80", limit: 10, err: ErrInvalidUTF8}, // a UTF-16 surrogate
		{in: "\xc0\xaf", limit: 10, err: ErrInvalidUTF8},     // overlong
		{in: "éééé", limit: 4, want: "éééé"},
		{in: "ééééé", limit: 4, err: ErrTooLong},
		{in: " 1234 ", limit: 4, want: "1234"}, // the limit counts trimmed text
		{in: "👍🏽", limit: 2, want: "👍🏽"},
	} {
		got, err := clean(tc.in, tc.limit, tc.lines)
		if !errors.Is(err, tc.err) || (err != nil) != (tc.err != nil) || got != tc.want {
			t.Errorf("clean(%q, %d, %v) = %q, %v; want %q, %v", tc.in, tc.limit, tc.lines, got, err, tc.want, tc.err)
		}
	}
	if _, err := required(" \n ", 10, manyLines); !errors.Is(err, ErrEmpty) {
		t.Errorf("required: %v", err)
	}
	_, err := clean(strings.Repeat("a", 11), 10, oneLine)
	if err == nil || err.Error() != "room: text too long: at most 10 characters" {
		t.Errorf("too long: %v", err)
	}
}

func TestValidCode(t *testing.T) {
	for code, want := range map[string]bool{
		"ABCD": true, "AB12CD34EF56": true, "ABC": false, "ABCDEFGHJKLMN": false,
		"abcd": false, "AB-D": false, "ABÇD": false, "": false,
	} {
		if validCode(code) != want {
			t.Errorf("validCode(%q) = %v", code, !want)
		}
	}
}
