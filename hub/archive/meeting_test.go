package archive

import (
	"context"
	"crypto/sha256"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// This file builds a whole meeting the way the hub does: each command is
// decided by a room.Room and the event appended to a real SQLite store.

// Texts the public record must never carry (see TestOpenData).
const (
	pendingText   = "Pending question nobody moderated zqx"
	rejectedText  = "Rejected advertising: buy cheap watches zqx"
	withdrawnText = "Withdrawn second thoughts zqx"
	openAnswer    = "parks libraries and quieter streets"
)

// Texts it must carry.
const (
	approvedText  = "Will the budget be published as open data?"
	answeredText  = "How much goes to schools?"
	liveAnswer    = "About 40 percent, detailed in annex 2."
	lateAnswer    = "Yes: the tables go online in March."
	budgetOutcome = "Decided: the budget tables are published as open data every quarter."
)

type fixture struct {
	t    testing.TB
	st   *store.Store
	r    *room.Room
	code string
	at   int64
	ids  map[string]string // person -> pseudonymous participant id
	seqs map[string]uint64 // label -> seq of an event
}

var (
	system = room.Actor{Role: room.System}
	mod    = room.Actor{ID: "moderator", Role: room.Moderator}
)

func (f *fixture) p(name string) room.Actor {
	return room.Actor{ID: f.ids[name], Role: room.Participant}
}

// do decides and applies cmd, appends the event to the store, and returns
// its seq.
func (f *fixture) do(a room.Actor, cmd room.Command) uint64 {
	f.t.Helper()
	f.at += 30_000
	ev, err := f.r.Handle(a, f.at, cmd)
	if err != nil {
		f.t.Fatalf("%s: %v", cmd.Op, err)
	}
	ctx := context.Background()
	if ev.Seq == 1 {
		key := sha256.Sum256([]byte("key"))
		err = f.st.CreateRoom(ctx, store.RoomRecord{Code: f.code, KeyHash: key[:], CreatedAt: time.UnixMilli(f.at), Status: "scheduled"}, ev)
	} else {
		err = f.st.Append(ctx, f.code, []store.Record{{Event: ev, CmdID: "c-" + string(cmd.Op)}})
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return ev.Seq
}

func (f *fixture) join(name string, ch room.Channel) {
	f.do(room.Actor{ID: f.ids[name], Role: room.System}, room.Command{Op: room.OpJoin, Channel: ch})
}

// newMeeting runs a meeting on a new SQLite file in t.TempDir and returns
// the fixture and the stored rows:
//   - three agenda steps, pre-moderation;
//   - four participants (two in the room, two remote), one leaves;
//   - five questions: approved, answered live, pending, rejected
//     (off-topic), withdrawn; upvotes;
//   - a single-choice poll (live results), a rating poll with hidden
//     results, an open poll;
//   - the meeting ends, then a written answer is added.
func newMeeting(t testing.TB) (*fixture, []store.Stored) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{
		t: t, st: st, r: room.New(), code: "MEET42", at: time.Date(2026, 3, 12, 18, 0, 0, 0, time.UTC).UnixMilli(),
		ids: map[string]string{
			"alice": "p-6f1c2a9e-0b7d-4c1e-9a51-3d2f8e7b6a01",
			"bob":   "p-0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c02",
			"carol": "p-b1c2d3e4-f5a6-4b7c-9d8e-7f6a5b4c3d03",
			"dave":  "p-d4c3b2a1-0f9e-4d8c-ab6a-5f4e3d2c1b04",
		},
		seqs: map[string]uint64{},
	}
	f.do(system, room.Command{Op: room.OpCreate, Title: "Step meeting: the city budget", Text: "Second public step meeting.",
		Code: f.code, Steps: []string{"Welcome", "Budget", "Wrap-up"},
		Settings: &room.Settings{QAOpen: true, PreModeration: true, Reactions: true}})
	f.do(mod, room.Command{Op: room.OpStart})
	f.join("alice", room.InRoom)
	f.join("bob", room.Remote)
	f.join("carol", room.InRoom)
	f.join("dave", room.Remote)

	f.do(f.p("alice"), room.Command{Op: room.OpAsk, Text: approvedText}) // q1
	f.do(mod, room.Command{Op: room.OpApprove, Question: 1})
	f.do(f.p("bob"), room.Command{Op: room.OpAsk, Text: pendingText})    // q2
	f.do(f.p("carol"), room.Command{Op: room.OpAsk, Text: rejectedText}) // q3
	f.do(mod, room.Command{Op: room.OpReject, Question: 3, Reason: room.OffTopic, Note: "advertising"})
	f.do(f.p("dave"), room.Command{Op: room.OpAsk, Text: withdrawnText}) // q4
	f.do(f.p("dave"), room.Command{Op: room.OpWithdraw, Question: 4})
	f.do(f.p("bob"), room.Command{Op: room.OpUpvote, Question: 1})
	f.do(f.p("carol"), room.Command{Op: room.OpUpvote, Question: 1})

	f.do(mod, room.Command{Op: room.OpGoto, Step: 1})
	f.seqs["ask5"] = f.do(f.p("alice"), room.Command{Op: room.OpAsk, Text: answeredText}) // q5
	f.do(mod, room.Command{Op: room.OpApprove, Question: 5})
	f.do(f.p("dave"), room.Command{Op: room.OpUpvote, Question: 5})
	f.seqs["answer5"] = f.do(mod, room.Command{Op: room.OpAnswer, Question: 5, Text: liveAnswer})

	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Publish the budget tables?", Options: []string{"Yes", "No", "Abstain"}})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	f.do(f.p("bob"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})
	f.do(f.p("carol"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	f.seqs["close1"] = f.do(mod, room.Command{Op: room.OpPollClose, Poll: 1})

	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Rating, Text: "How clear was the presentation?", Visibility: room.Hidden})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 2})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 2, Rating: 4})
	f.do(f.p("dave"), room.Command{Op: room.OpVote, Poll: 2, Rating: 2})
	f.seqs["close2"] = f.do(mod, room.Command{Op: room.OpPollClose, Poll: 2})

	f.do(mod, room.Command{Op: room.OpGoto, Step: 2})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Open, Text: "One word for the city in 2030?"})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 3})
	f.do(f.p("bob"), room.Command{Op: room.OpVote, Poll: 3, Text: openAnswer})
	f.do(f.p("carol"), room.Command{Op: room.OpVote, Poll: 3, Text: "parks"})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 3})
	f.do(system, room.Command{Op: room.OpReactions, Counts: map[room.Reaction]int{room.Applause: 12, room.Agree: 3}})
	f.do(f.p("alice"), room.Command{Op: room.OpFloorRequest, Text: "Opening hours"})
	f.do(f.p("bob"), room.Command{Op: room.OpFloorRequest})
	f.do(mod, room.Command{Op: room.OpFloorCall, Floor: 1})
	f.do(mod, room.Command{Op: room.OpFloorDone, Floor: 1})
	f.do(f.p("bob"), room.Command{Op: room.OpFloorWithdraw, Floor: 2})
	f.seqs["leave"] = f.do(room.Actor{ID: f.ids["carol"], Role: room.System}, room.Command{Op: room.OpLeave})
	f.do(mod, room.Command{Op: room.OpAnnounce, Text: "Thank you all. The report will be online next week."})
	f.seqs["end"] = f.do(mod, room.Command{Op: room.OpEnd})

	// After the end: questions are frozen, written answers are not.
	if _, err := f.r.Decide(f.p("bob"), f.at, room.Command{Op: room.OpAsk, Text: "Too late?"}); !errors.Is(err, room.ErrEnded) {
		t.Fatalf("ask after the end: %v, want ErrEnded", err)
	}
	f.seqs["late"] = f.do(mod, room.Command{Op: room.OpAnswer, Question: 1, Text: lateAnswer})
	f.seqs["outcome"] = f.do(mod, room.Command{Op: room.OpOutcome, Step: 1, Text: budgetOutcome})

	rows, err := st.Load(ctx, f.code)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyChain(rows); err != nil {
		t.Fatal(err)
	}
	return f, rows
}
