package room

import (
	"errors"
	"testing"
)

// TestSeparators: a new command holding U+2028 or U+2029, in any of its
// texts, is refused as ErrControlChar by Decide and Handle, and changes
// nothing; a logged event holding one (written before the rule) still
// applies, so that its room replays.
func TestSeparators(t *testing.T) {
	for _, c := range []Command{
		{Op: OpAsk, Text: "Line one\u2028line two"},
		{Op: OpAsk, Text: "Paragraph\u2029break"},
		{Op: OpRename, Name: "Ann\u2028"},
	} {
		s := newMeeting(t, nil)
		before := s.r.Digest()
		if _, err := s.r.Decide(alice, s.at, c); !errors.Is(err, ErrControlChar) {
			t.Errorf("Decide %s %q: %v, want ErrControlChar", c.Op, c.Text+c.Name, err)
		}
		if _, err := s.r.Handle(alice, s.at, c); !errors.Is(err, ErrControlChar) {
			t.Errorf("Handle %s %q: %v, want ErrControlChar", c.Op, c.Text+c.Name, err)
		}
		if s.r.Digest() != before {
			t.Errorf("a refused %s changed the room", c.Op)
		}
	}
	mod := Actor{ID: "mod-1", Role: Moderator}
	for _, c := range []Command{
		{Op: OpPollCreate, Kind: Single, Text: "Which\u2028one?", Options: []string{"A", "B"}},
		{Op: OpPollCreate, Kind: Single, Text: "Which one?", Options: []string{"A\u2029", "B"}},
		{Op: OpAgenda, Steps: []string{"One", "Two\u2028"}},
	} {
		s := newMeeting(t, nil)
		if _, err := s.r.Decide(mod, s.at, c); !errors.Is(err, ErrControlChar) {
			t.Errorf("Decide %s: %v, want ErrControlChar", c.Op, err)
		}
	}

	// An older log: the question was asked before the rule.
	s := newMeeting(t, nil)
	ev, err := s.r.Decide(alice, s.at, Command{Op: OpAsk, Text: "Line one, line two"})
	if err != nil {
		t.Fatal(err)
	}
	ev.Text = "Line one\u2028line two"
	if err := s.r.Apply(ev); err != nil {
		t.Fatalf("a logged question with U+2028 no longer applies: %v", err)
	}
	r, err := Replay(append(s.events, ev))
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if r.Digest() != s.r.Digest() {
		t.Error("replay differs")
	}
}
