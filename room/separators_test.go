package room

import (
	"errors"
	"reflect"
	"slices"
	"strings"
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

// TestSeparatorsSeeEveryText finds, by reflection, every string a Command
// can hold (its fields, slices, map keys, the structs it points to), puts
// U+2028 in each in turn, and checks that separators refuses it: a text
// field added to Command and forgotten in separators fails here.
func TestSeparatorsSeeEveryText(t *testing.T) {
	var paths [][]int
	var walk func(typ reflect.Type, path []int)
	walk = func(typ reflect.Type, path []int) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			p := append(slices.Clone(path), i)
			switch ft := f.Type; {
			case ft.Kind() == reflect.String,
				ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String,
				ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String:
				paths = append(paths, p)
			case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
				walk(ft.Elem(), p)
			case ft.Kind() == reflect.Struct:
				walk(ft, p)
			}
		}
	}
	walk(reflect.TypeOf(Command{}), nil)
	if len(paths) < 15 {
		t.Fatalf("found only %d text fields: the walk is broken", len(paths))
	}
	for _, p := range paths {
		var c Command
		v := reflect.ValueOf(&c).Elem()
		for _, i := range p {
			if v.Kind() == reflect.Pointer {
				if v.IsNil() {
					v.Set(reflect.New(v.Type().Elem()))
				}
				v = v.Elem()
			}
			v = v.Field(i)
		}
		if v.Kind() == reflect.Pointer {
			v.Set(reflect.New(v.Type().Elem()))
			v = v.Elem()
		}
		bad := reflect.ValueOf("x\u2028y").Convert(stringType(v.Type()))
		switch v.Kind() {
		case reflect.String:
			v.Set(bad)
		case reflect.Slice:
			v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), bad.Convert(v.Type().Elem())))
		case reflect.Map:
			m := reflect.MakeMap(v.Type())
			m.SetMapIndex(bad.Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
			v.Set(m)
		}
		if err := separators(&c); !errors.Is(err, ErrControlChar) {
			t.Errorf("Command field %v holds U+2028 and separators says %v", fieldName(p), err)
		}
	}
}

// stringType is the string type a field of type t holds.
func stringType(t reflect.Type) reflect.Type {
	switch t.Kind() {
	case reflect.Slice:
		return t.Elem()
	case reflect.Map:
		return t.Key()
	}
	return t
}

func fieldName(p []int) string {
	t := reflect.TypeOf(Command{})
	var names []string
	for _, i := range p {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		f := t.Field(i)
		names = append(names, f.Name)
		t = f.Type
	}
	return strings.Join(names, ".")
}
