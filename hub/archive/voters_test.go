package archive

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// votersMeeting runs a meeting with a poll counted in the room, one
// counted by voting card and one open to all: ann checks in and votes in
// the room, bob does not; card 1 votes from two sessions, card 2 joins and
// does not vote; bob checks in once the room's poll closed, and votes in
// the open poll, which the meeting's end leaves open.
func votersMeeting(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(t.Context(), store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, r: room.New(), code: "VOTE42", at: time.Date(2026, 3, 12, 18, 0, 0, 0, time.UTC).UnixMilli(),
		ids: map[string]string{"ann": "p-0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "bob": "p-1c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"}, seqs: map[string]uint64{}}
	f.do(system, room.Command{Op: room.OpCreate, Title: "Budget vote", Code: f.code, Steps: []string{"Vote"}})
	f.do(mod, room.Command{Op: room.OpStart})
	f.join("ann", room.InRoom)
	f.join("bob", room.Remote)
	f.do(mod, room.Command{Op: room.OpCardsIssue, Cards: []string{strings.Repeat("a7", 32), strings.Repeat("b8", 32), strings.Repeat("c9", 32)}})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Adopt the budget?", Options: []string{"Yes", "No"}, Counting: room.CountRoom})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	f.do(room.Actor{ID: f.ids["ann"], Role: room.System}, room.Command{Op: room.OpCheckin})
	f.seqs["vote1"] = f.do(f.p("ann"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 1})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which park first?", Options: []string{"North", "South"}, Counting: room.CountCards})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 2})
	card1 := room.CardActor(1)
	f.do(room.Actor{ID: card1, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	f.do(room.Actor{ID: room.CardActor(2), Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	f.do(room.Actor{ID: card1, Role: room.Participant}, room.Command{Op: room.OpVote, Poll: 2, Choices: []int{0}})
	f.do(room.Actor{ID: card1, Role: room.Participant}, room.Command{Op: room.OpVote, Poll: 2, Choices: []int{1}})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 2})
	// Bob checks in after the poll counted in the room closed: it did not
	// allow him.
	f.do(room.Actor{ID: f.ids["bob"], Role: room.System}, room.Command{Op: room.OpCheckin})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Coffee at the break?", Options: []string{"Yes", "No"}})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 3})
	f.do(f.p("bob"), room.Command{Op: room.OpVote, Poll: 3, Choices: []int{0}})
	f.do(mod, room.Command{Op: room.OpEnd})
	return f
}

// TestVotersRecord: the report and verify say whose ballots each poll
// counted, and how many cards were issued and voted; the public record
// holds no card's id or hash.
func TestVotersRecord(t *testing.T) {
	t.Parallel()
	f := votersMeeting(t)
	rows, err := f.st.Load(t.Context(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Verify(bytes.NewReader(exportLog(t, rows)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Voters == nil || *s.Voters != (Voters{CheckedIn: 2, Cards: 3, CardsVoted: 1}) {
		t.Fatalf("verify says voters %+v", s.Voters)
	}
	r, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	if r.Polls[0].Counting != room.CountRoom || r.Polls[1].Counting != room.CountCards || r.Polls[1].Ballots != 1 {
		t.Fatalf("polls %+v", r.Polls)
	}
	b, _ := json.Marshal(r)
	for _, secret := range []string{"card-", "a7a7", f.ids["ann"]} {
		if bytes.Contains(b, []byte(secret)) {
			t.Fatalf("the report holds %q: %s", secret, b)
		}
	}
}

// TestVerifyUncountedBallot: a log in which a poll counted a ballot its
// counting did not allow fails verification at that ballot, both through
// the reducer (the event does not apply) and through the independent
// check, which does not trust the reducer.
func TestVerifyUncountedBallot(t *testing.T) {
	t.Parallel()
	f := votersMeeting(t)
	rows, err := f.st.Load(t.Context(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	vote := f.seqs["vote1"]
	// Forge: the ballot of the in-room poll comes from bob, who never
	// checked in.
	forged := make([]store.Stored, len(rows))
	copy(forged, rows)
	forged[vote-1].Event.Actor.ID = f.ids["bob"]
	var e eligibility
	for _, row := range forged {
		e.observe(row.Event)
	}
	wantBad(t, "independent check", e.check(), vote)

	l := exportLog(t, rows)
	var log Log
	if err := json.Unmarshal(l, &log); err != nil {
		t.Fatal(err)
	}
	var ev map[string]any
	if err := json.Unmarshal(log.Events[vote-1].Event, &ev); err != nil {
		t.Fatal(err)
	}
	ev["actor"].(map[string]any)["id"] = f.ids["bob"]
	log.Events[vote-1].Event, _ = json.Marshal(ev)
	rechain(&log)
	b, err := json.Marshal(&log)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Verify(bytes.NewReader(b))
	wantBad(t, "forged ballot", err, vote)
}

// TestVotersPollsTable: the open data's polls table says whose ballots
// each poll counted and, for a poll counted in the room or by card, how
// many voters it allowed when it closed (or at the end); its Table Schema
// describes both; and no file of the open data holds a card's id or hash
// or a participant's id.
func TestVotersPollsTable(t *testing.T) {
	t.Parallel()
	f := votersMeeting(t)
	rows, err := f.st.Load(t.Context(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Package(rows, OpenData, Options{Excel: true})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	recs, err := csv.NewReader(bytes.NewReader(z["polls.csv"])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	for _, name := range []string{"counting", "allowed_voters"} {
		if _, ok := col[name]; !ok {
			t.Fatalf("polls.csv has no %s column: %v", name, recs[0])
		}
	}
	got := map[string][2]string{}
	for _, r := range recs[1:] {
		got[r[col["id"]]] = [2]string{r[col["counting"]], r[col["allowed_voters"]]}
	}
	want := map[string][2]string{
		"1": {"room", "1"},  // ann checked in; bob came after the close
		"2": {"cards", "3"}, // three cards issued, one voted
		"3": {"open", ""},
	}
	if !maps.Equal(got, want) {
		t.Fatalf("polls.csv counting and allowed voters %v, want %v", got, want)
	}
	var schema struct {
		Fields []struct {
			Name        string `json:"name"`
			Type        string `json:"type"`
			Constraints struct {
				Required bool     `json:"required"`
				Enum     []string `json:"enum"`
			} `json:"constraints"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(z["polls.schema.json"], &schema); err != nil {
		t.Fatalf("polls.schema.json: %v", err)
	}
	var seen int
	for _, fl := range schema.Fields {
		switch fl.Name {
		case "counting":
			seen++
			if fl.Type != "string" || !fl.Constraints.Required || !slices.Equal(fl.Constraints.Enum, []string{"open", "room", "cards"}) {
				t.Errorf("the schema's counting field: %+v", fl)
			}
		case "allowed_voters":
			seen++
			if fl.Type != "integer" || fl.Constraints.Required {
				t.Errorf("the schema's allowed_voters field: %+v", fl)
			}
		}
	}
	if seen != 2 {
		t.Errorf("polls.schema.json describes %d of counting and allowed_voters", seen)
	}
	for name, data := range z {
		for _, secret := range []string{"card-", "a7a7", "b8b8", f.ids["ann"], f.ids["bob"]} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("opendata.zip/%s holds %q", name, secret)
			}
		}
	}
}
