package room

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text may break lines only with '\n', and only where lines are allowed.
// U+2028 and U+2029 would break lines unseen, in one-line fields too, so a
// new command holding one is refused (ErrControlChar) like every other
// invisible character. The rule is younger than some logs, and a log is a
// record for good: Apply accepts an event that holds them, so that a room
// logged before it still replays and its export still verifies. That is
// why they are looked for here, in Decide and Handle, and not in clean.

// separators returns ErrControlChar, naming the character, when any text
// of c holds a line or paragraph separator. It is on every command's path
// (an upvote's too), so it reads the text fields by name rather than by
// reflection; TestSeparatorsSeeEveryText finds every string a Command can
// hold, by reflection, and fails if one is missed here.
func separators(c *Command) error {
	bad := func(ts ...string) error {
		for _, t := range ts {
			if i := strings.IndexAny(t, "\u2028\u2029"); i >= 0 {
				r, _ := utf8.DecodeRuneInString(t[i:])
				return fmt.Errorf("%w: U+%04X", ErrControlChar, r)
			}
		}
		return nil
	}
	if err := bad(string(c.Op), c.Title, c.Text, c.Name, c.Code, string(c.Channel), string(c.Reason), c.Note,
		string(c.Kind), string(c.Visibility), string(c.Reaction), string(c.Scope), c.KeyHash, string(c.Counting)); err != nil {
		return err
	}
	if err := bad(c.Steps...); err != nil {
		return err
	}
	if err := bad(c.Options...); err != nil {
		return err
	}
	if err := bad(c.Rules...); err != nil {
		return err
	}
	if err := bad(c.Cards...); err != nil {
		return err
	}
	for k := range c.Counts {
		if err := bad(string(k)); err != nil {
			return err
		}
	}
	if s := c.Settings; s != nil {
		if err := bad(s.StreamURL, s.SignURL, s.CaptionsURL, string(s.Counting)); err != nil {
			return err
		}
	}
	if rec := c.Recording; rec != nil {
		if err := bad(rec.URL); err != nil {
			return err
		}
	}
	if l := c.Link; l != nil {
		return bad(l.Consultation, l.Code, l.Step)
	}
	return nil
}
