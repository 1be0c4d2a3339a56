package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// makeFixture regenerates testdata/schema1.db. It was run once, by the
// binary of the first released schema (go test -run TestMakeSchema1Fixture
// ./hub/store/ -make-fixture), and its output committed: run again, it
// would write the schema of today's binary, which is not what the upgrade
// test is about. Never regenerate it; add a fixture for a new schema
// instead.
var makeFixture = flag.Bool("make-fixture", false, "write testdata/schema1.db (once, with the first schema's binary)")

// The fixture's meetings, and the moderator key of each (the store keeps
// only its hash).
const (
	fixtureEnded     = "V1DONE"
	fixtureLive      = "V1LIVE"
	fixtureScheduled = "V1SOON"
	fixtureKey       = "fixture-moderator-key"
)

// fixtureStep is one command of a fixture meeting.
type fixtureStep struct {
	a room.Actor
	c room.Command
}

// fixtureMeetings are the commands of each meeting of the fixture: an
// ended one with questions (approved, refused, answered, upvoted), polls
// (single, rating, open) and their ballots, the floor, outcomes and a late
// answer; a live one in the middle of a poll; a scheduled one.
func fixtureMeetings() map[string][]fixtureStep {
	sys := room.Actor{Role: room.System}
	mod := room.Actor{ID: "moderator", Role: room.Moderator}
	p := func(i int) room.Actor {
		return room.Actor{ID: fmt.Sprintf("p-%08d-2222-4333-8444-555555555555", i), Role: room.Participant}
	}
	join := func(i int, ch room.Channel) fixtureStep {
		return fixtureStep{room.Actor{ID: p(i).ID, Role: room.System}, room.Command{Op: room.OpJoin, Channel: ch}}
	}
	ended := []fixtureStep{
		{sys, room.Command{Op: room.OpCreate, Code: fixtureEnded, Title: "Budget 2027: second step meeting", Text: "Questions, polls and the floor.",
			Steps: []string{"Welcome", "The budget", "Questions"}, Settings: &room.Settings{QAOpen: true, PreModeration: true, Reactions: true}}},
		{mod, room.Command{Op: room.OpStart}},
		join(1, room.InRoom), join(2, room.InRoom), join(3, room.Remote), join(4, room.Remote),
		{mod, room.Command{Op: room.OpGoto, Step: 1}},
		{p(1), room.Command{Op: room.OpAsk, Text: "Will the library open on Sundays?"}},
		{p(2), room.Command{Op: room.OpAsk, Text: "How much goes to the cycle lanes?", Name: "Léa"}},
		{p(3), room.Command{Op: room.OpAsk, Text: "Buy my products!"}},
		{p(4), room.Command{Op: room.OpAsk, Text: "When are the minutes published?"}},
		{mod, room.Command{Op: room.OpApprove, Question: 1}},
		{mod, room.Command{Op: room.OpApprove, Question: 2}},
		{mod, room.Command{Op: room.OpReject, Question: 3, Reason: room.OffTopic}},
		{mod, room.Command{Op: room.OpApprove, Question: 4}},
		{p(2), room.Command{Op: room.OpUpvote, Question: 1}},
		{p(3), room.Command{Op: room.OpUpvote, Question: 1}},
		{p(4), room.Command{Op: room.OpUpvote, Question: 2}},
		{p(4), room.Command{Op: room.OpUnvote, Question: 2}},
		{mod, room.Command{Op: room.OpHighlight, Question: 1}},
		{mod, room.Command{Op: room.OpAnswer, Question: 1, Text: "From March, on a trial basis."}},
		{mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which priority first?", Options: []string{"Schools", "Transport", "Parks"}, Visibility: room.Live}},
		{mod, room.Command{Op: room.OpPollOpen, Poll: 1}},
		{p(1), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}}},
		{p(2), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}}},
		{p(3), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}}},
		{p(3), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{2}}},
		{mod, room.Command{Op: room.OpPollClose, Poll: 1}},
		{mod, room.Command{Op: room.OpPollCreate, Kind: room.Rating, Text: "How clear was the presentation?", Scale: 5, Visibility: room.AfterClose}},
		{mod, room.Command{Op: room.OpPollOpen, Poll: 2}},
		{p(1), room.Command{Op: room.OpVote, Poll: 2, Rating: 4}},
		{p(4), room.Command{Op: room.OpVote, Poll: 2, Rating: 2}},
		{mod, room.Command{Op: room.OpPollClose, Poll: 2}},
		{mod, room.Command{Op: room.OpPollCreate, Kind: room.Open, Text: "One word for the city centre?"}},
		{mod, room.Command{Op: room.OpPollOpen, Poll: 3}},
		{p(2), room.Command{Op: room.OpVote, Poll: 3, Text: "green"}},
		{p(3), room.Command{Op: room.OpVote, Poll: 3, Text: "quiet"}},
		{mod, room.Command{Op: room.OpPollClose, Poll: 3}},
		{mod, room.Command{Op: room.OpGoto, Step: 2}},
		{p(2), room.Command{Op: room.OpFloorRequest, Text: "The cycle lanes"}},
		{p(1), room.Command{Op: room.OpFloorRequest}},
		{mod, room.Command{Op: room.OpFloorCall, Floor: 1, Seconds: 120}},
		{mod, room.Command{Op: room.OpFloorDone, Floor: 1}},
		{mod, room.Command{Op: room.OpFloorDrop, Floor: 2}},
		{room.Actor{ID: p(4).ID, Role: room.System}, room.Command{Op: room.OpLeave}},
		{mod, room.Command{Op: room.OpOutcome, Step: 1, Text: "Transport comes first; the detail in the minutes."}},
		{mod, room.Command{Op: room.OpEnd}},
		{mod, room.Command{Op: room.OpAnswer, Question: 4, Text: "Within two weeks, on the city's site."}},
	}
	live := []fixtureStep{
		{sys, room.Command{Op: room.OpCreate, Code: fixtureLive, Title: "Neighbourhood council", Settings: &room.Settings{QAOpen: true}}},
		{mod, room.Command{Op: room.OpStart}},
		join(5, room.InRoom), join(6, room.Remote),
		{p(5), room.Command{Op: room.OpAsk, Text: "Can the market stay on Saturdays?"}},
		{p(6), room.Command{Op: room.OpUpvote, Question: 1}},
		{mod, room.Command{Op: room.OpPollCreate, Kind: room.Multiple, Text: "Which evenings suit you?", Options: []string{"Monday", "Tuesday", "Thursday"}, Max: 2}},
		{mod, room.Command{Op: room.OpPollOpen, Poll: 1}},
		{p(5), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0, 2}}},
		{p(6), room.Command{Op: room.OpFloorRequest}},
	}
	scheduled := []fixtureStep{
		{sys, room.Command{Op: room.OpCreate, Code: fixtureScheduled, Title: "Annual general meeting", Steps: []string{"Accounts", "Elections"}}},
	}
	return map[string][]fixtureStep{fixtureEnded: ended, fixtureLive: live, fixtureScheduled: scheduled}
}

// TestMakeSchema1Fixture writes testdata/schema1.db when asked to with
// -make-fixture, through the store's own API: the file is what that
// binary wrote.
func TestMakeSchema1Fixture(t *testing.T) {
	if !*makeFixture {
		t.Skip("writes testdata/schema1.db only with -make-fixture")
	}
	ctx := context.Background()
	path := filepath.Join("testdata", "schema1.db")
	os.MkdirAll("testdata", 0o755)
	os.Remove(path)
	tmp := filepath.Join(t.TempDir(), "schema1.db")
	st, err := store.Open(ctx, store.Config{Path: tmp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Secret(ctx); err != nil {
		t.Fatal(err)
	}
	kh := sha256.Sum256([]byte(fixtureKey))
	at := time.Date(2026, 11, 3, 18, 0, 0, 0, time.UTC)
	for _, code := range []string{fixtureEnded, fixtureLive, fixtureScheduled} {
		r := room.New()
		for i, s := range fixtureMeetings()[code] {
			ms := at.Add(time.Duration(i) * 7 * time.Second).UnixMilli()
			ev, err := r.Handle(s.a, ms, s.c)
			if err != nil {
				t.Fatalf("%s %d %s: %v", code, i+1, s.c.Op, err)
			}
			if ev.Seq == 1 {
				err = st.CreateRoom(ctx, store.RoomRecord{Code: code, KeyHash: kh[:], CreatedAt: time.UnixMilli(ms), Status: string(room.Scheduled)}, ev)
			} else {
				err = st.Append(ctx, code, []store.Record{{Event: ev, CmdID: fmt.Sprintf("fixture-%s-%d", code, i+1)}})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		at = at.Add(time.Hour)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// One file, compacted, with no WAL beside it.
	db, err := sql.Open("sqlite", tmp)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`VACUUM INTO ?`, path); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}
