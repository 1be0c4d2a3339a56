package room

import (
	"fmt"
	"reflect"
	"strings"
)

// Text may break lines only with '\n', and only where lines are allowed.
// U+2028 and U+2029 would break lines unseen, in one-line fields too, so a
// new command holding one is refused (ErrControlChar) like every other
// invisible character. The rule is younger than some logs, and a log is a
// record for good: Apply accepts an event that holds them, so that a room
// logged before it still replays and its export still verifies. That is
// why they are looked for here, in Decide and Handle, and not in clean.

// separators returns ErrControlChar, naming the character, when any text
// of c holds a line or paragraph separator.
func separators(c *Command) error {
	if r, ok := findSeparator(reflect.ValueOf(c).Elem()); ok {
		return fmt.Errorf("%w: U+%04X", ErrControlChar, r)
	}
	return nil
}

// findSeparator looks through every string that v holds, however nested.
func findSeparator(v reflect.Value) (rune, bool) {
	switch v.Kind() {
	case reflect.String:
		if i := strings.IndexAny(v.String(), "\u2028\u2029"); i >= 0 {
			r := []rune(v.String()[i:])[0]
			return r, true
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if r, ok := findSeparator(v.Field(i)); ok {
				return r, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if r, ok := findSeparator(v.Index(i)); ok {
				return r, true
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return findSeparator(v.Elem())
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if r, ok := findSeparator(k); ok {
				return r, true
			}
			if r, ok := findSeparator(v.MapIndex(k)); ok {
				return r, true
			}
		}
	}
	return 0, false
}
