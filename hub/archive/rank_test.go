package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// newRankMeeting runs, on a new SQLite file, a meeting with a ranking poll
// (a top-two ranking of three options, live results) and a points poll (5
// points, at most 3 per option), and returns the fixture and the rows.
func newRankMeeting(t *testing.T) (*fixture, []store.Stored) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{
		t: t, st: st, r: room.New(), code: "RANK42", at: time.Date(2026, 3, 12, 18, 0, 0, 0, time.UTC).UnixMilli(),
		ids:  map[string]string{"alice": "p-a11ce", "bob": "p-b0b", "carol": "p-ca201"},
		seqs: map[string]uint64{},
	}
	f.do(system, room.Command{Op: room.OpCreate, Title: "Priorities", Code: f.code})
	f.do(mod, room.Command{Op: room.OpStart})
	f.join("alice", room.InRoom)
	f.join("bob", room.Remote)
	f.join("carol", room.InRoom)
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Ranking, Text: "Your top two", Options: []string{"Parks", "Buses", "Schools"}, Max: 2})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{2, 0}})
	f.do(f.p("bob"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0, 1}})
	f.seqs["rank-carol"] = f.do(f.p("carol"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{2, 1}})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Points, Text: "Spread 5 points", Options: []string{"Parks", "Buses", "Schools"}, Budget: 5, Max: 3})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 2})
	f.seqs["points-alice"] = f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 2, Points: []int{3, 0, 2}})
	f.do(f.p("bob"), room.Command{Op: room.OpVote, Poll: 2, Points: []int{0, 1, 0}})
	f.seqs["close2"] = f.do(mod, room.Command{Op: room.OpPollClose, Poll: 2})
	rows, err := st.Load(context.Background(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	return f, rows
}

// TestRankingRecord: verify recounts ranking and points polls, the report
// carries their results and the open data tables their scores, first places
// and voters.
func TestRankingRecord(t *testing.T) {
	t.Parallel()
	_, rows := newRankMeeting(t)
	s, err := Verify(bytes.NewReader(exportLog(t, rows)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Polls != 2 || s.Ballots != 5 {
		t.Errorf("summary %+v", s)
	}
	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	// Borda with 3 options: first 2, second 1, left out 0.
	if r := rep.Polls[0].Results; r == nil || !slices.Equal(r.Tally, []int{1 + 2, 1 + 1, 2 + 2}) || !slices.Equal(r.First, []int{1, 0, 2}) {
		t.Errorf("ranking results %+v", r)
	}
	if p := rep.Polls[1]; p.Budget != 5 || p.Max != 3 || p.Results == nil || !slices.Equal(p.Results.Tally, []int{3, 1, 2}) || !slices.Equal(p.Results.Voters, []int{1, 1, 1}) {
		t.Errorf("points poll %+v", p)
	}

	tables, err := Tables(rows, OpenData)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tables, func(t Table) bool { return t.Name == "poll_results" })
	cols := tables[i].Schema.Fields
	col := func(name string) int {
		return slices.IndexFunc(cols, func(f Field) bool { return f.Name == name })
	}
	var got []string
	for _, row := range tables[i].Rows {
		got = append(got, strings.Join([]string{row[col("poll")], row[col("label")], row[col("count")], row[col("first_places")], row[col("voters")]}, ","))
	}
	want := []string{
		"1,Parks,3,1,", "1,Buses,2,0,", "1,Schools,4,2,",
		"2,Parks,3,,1", "2,Buses,1,,1", "2,Schools,2,,1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("poll_results\n got %q\nwant %q", got, want)
	}
	full, err := Tables(rows, Full)
	if err != nil {
		t.Fatal(err)
	}
	i = slices.IndexFunc(full, func(t Table) bool { return t.Name == "ballots" })
	var points []string
	for _, row := range full[i].Rows {
		points = append(points, row[len(row)-1])
	}
	if !slices.Contains(points, "3 0 2") || !slices.Contains(points, "0 1 0") {
		t.Errorf("ballots points column %q", points)
	}
}

// TestRankingTamper: a ballot changed in an export fails verify, naming
// the event: a malformed one is refused by the replay, a well-formed one
// makes the recorded final state differ from the recount.
func TestRankingTamper(t *testing.T) {
	t.Parallel()
	f, rows := newRankMeeting(t)
	log := exportLog(t, rows)
	tamper := func(seq uint64, from, to string) []byte {
		t.Helper()
		l, err := ReadLog(bytes.NewReader(log))
		if err != nil {
			t.Fatal(err)
		}
		e := &l.Events[seq-1]
		changed := bytes.Replace(e.Event, []byte(from), []byte(to), 1)
		if bytes.Equal(changed, e.Event) {
			t.Fatalf("%s not in event %d: %s", from, seq, e.Event)
		}
		e.Event = changed
		rechain(l)
		b, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name     string
		seq      uint64
		from, to string
		reason   string
	}{
		{"ranking reordered", f.seqs["rank-carol"], `"choices":[2,1]`, `"choices":[1,2]`, "poll 1"},
		{"ranking repeats an option", f.seqs["rank-carol"], `"choices":[2,1]`, `"choices":[2,2]`, "ranked twice"},
		{"points over the budget", f.seqs["points-alice"], `"points":[3,0,2]`, `"points":[3,3,2]`, "8 points given"},
		{"points over the per-option maximum", f.seqs["points-alice"], `"points":[3,0,2]`, `"points":[4,0,0]`, "0 to 3 allowed"},
	} {
		_, err := Verify(bytes.NewReader(tamper(tc.seq, tc.from, tc.to)))
		wantBad(t, tc.name, err, tc.seq)
		if !strings.Contains(err.Error(), tc.reason) {
			t.Errorf("%s: %v, want it to say %q", tc.name, err, tc.reason)
		}
	}
}

// TestRankingRecount: the independent recount catches a reducer whose
// Borda scores, first places, points or voters are wrong.
func TestRankingRecount(t *testing.T) {
	t.Parallel()
	f, rows := newRankMeeting(t)
	for _, tc := range []struct {
		name  string
		spoil func(v *room.View)
		seq   uint64
	}{
		{"borda", func(v *room.View) { v.Polls[0].Results.Tally[1]++ }, f.seqs["rank-carol"]},
		{"first places", func(v *room.View) { v.Polls[0].Results.First[0]++ }, f.seqs["rank-carol"]},
		{"points", func(v *room.View) { v.Polls[1].Results.Tally[2]-- }, f.seqs["close2"]},
		{"voters", func(v *room.View) { v.Polls[1].Results.Voters[1] = 2 }, f.seqs["close2"]},
	} {
		m, err := replay(rows)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.recountVotes(); err != nil {
			t.Fatalf("%s: before spoiling: %v", tc.name, err)
		}
		tc.spoil(&m.mod)
		wantBad(t, tc.name, m.recountVotes(), tc.seq)
	}
}
