package archive

import (
	"bytes"
	"slices"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// TestVerifyAnyByte: changing any byte of an export, outside the client
// command ids that the chain does not cover, makes Verify fail.
func TestVerifyAnyByte(t *testing.T) {
	t.Parallel()
	_, rows := newMeeting(t)
	log := exportLog(t, rows)
	// The spans of the cmdID values, which the chain does not cover.
	var skip [][2]int
	for off := 0; ; {
		i := bytes.Index(log[off:], []byte(`"cmdID":`))
		if i < 0 {
			break
		}
		start := off + i
		end := start + bytes.Index(log[start:], []byte(`,"event"`))
		skip = append(skip, [2]int{start, end})
		off = end
	}
	// Every byte would take seconds: every 17th, plus the whole header and
	// end (the final state, the closing brackets, the last newline).
	for i := 0; i < len(log); i++ {
		if i%17 != 0 && i > 200 && i < len(log)-300 {
			continue
		}
		if slices.ContainsFunc(skip, func(s [2]int) bool { return i >= s[0] && i < s[1] }) {
			continue
		}
		b := slices.Clone(log)
		b[i] ^= 0x01
		if _, err := Verify(bytes.NewReader(b)); err == nil {
			t.Fatalf("byte %d (%q in %q) flipped: verified", i, log[i], log[max(0, i-30):min(len(log), i+30)])
		}
	}
}

// TestRecount: the independent recount catches a reducer whose counts are
// wrong, naming the last event on what it counted.
func TestRecount(t *testing.T) {
	t.Parallel()
	f, rows := newMeeting(t)
	for _, tc := range []struct {
		name  string
		spoil func(v *room.View)
		seq   uint64
	}{
		{"upvotes", func(v *room.View) { v.Questions[4].Votes++ }, f.seqs["answer5"]},
		{"tally", func(v *room.View) { v.Polls[0].Results.Tally[2]++ }, f.seqs["close1"]},
		{"ballots", func(v *room.View) { v.Polls[1].Ballots-- }, f.seqs["close2"]},
		{"average", func(v *room.View) { v.Polls[1].Results.Average = 3.5 }, f.seqs["close2"]},
		{"attendance", func(v *room.View) { v.Counts.Remote++ }, f.seqs["leave"]},
	} {
		m, err := replay(rows)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.recount(); err != nil {
			t.Fatalf("%s: before spoiling: %v", tc.name, err)
		}
		if err := m.recountVotes(); err != nil {
			t.Fatalf("%s: before spoiling: %v", tc.name, err)
		}
		tc.spoil(&m.mod)
		err = m.recount()
		if err == nil {
			err = m.recountVotes()
		}
		wantBad(t, tc.name, err, tc.seq)
	}
}
