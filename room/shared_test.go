package room

import (
	"errors"
	"testing"
)

func TestSharedText(t *testing.T) {
	for _, tc := range []struct {
		in       string
		lines    bool
		required bool
		want     string
		err      error
	}{
		{in: "  ok  ", want: "ok"},
		{in: "", want: ""},
		{in: " ", required: true, err: ErrEmpty},
		{in: "a\nb", lines: true, want: "a\nb"},
		{in: "a\nb", err: ErrControlChar},
		{in: "a\u2028b", lines: true, err: ErrControlChar}, // refused here, unlike in clean
		{in: "a\u2029b", err: ErrControlChar},
		{in: "a\u202eb", err: ErrControlChar},
		{in: "\xff", err: ErrInvalidUTF8},
		{in: "abcdef", err: ErrTooLong},
	} {
		f := CleanText
		if tc.required {
			f = RequiredText
		}
		got, err := f(tc.in, 5, tc.lines)
		if !errors.Is(err, tc.err) || (err != nil) != (tc.err != nil) || got != tc.want {
			t.Errorf("%q (lines %v, required %v) = %q, %v; want %q, %v", tc.in, tc.lines, tc.required, got, err, tc.want, tc.err)
		}
	}
	if !ValidCode("STEP1") || ValidCode("step1") {
		t.Error("ValidCode")
	}
	if !ValidLink("https://example.org/report.pdf") || ValidLink("javascript:alert(1)") || ValidLink("https://u@example.org") {
		t.Error("ValidLink")
	}
}
