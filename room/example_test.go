package room_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

var (
	system    = room.Actor{Role: room.System}
	moderator = room.Actor{ID: "mod-1", Role: room.Moderator}
	ana       = room.Actor{ID: "p-ana", Role: room.Participant}
	ben       = room.Actor{ID: "p-ben", Role: room.Participant}
)

// meeting returns a live room that ana (in the room) and ben (remote) joined.
func meeting(settings *room.Settings) *room.Room {
	r := room.New()
	at := int64(1_750_000_000_000)
	for _, c := range []struct {
		a   room.Actor
		cmd room.Command
	}{
		{system, room.Command{Op: room.OpCreate, Title: "Town hall", Code: "K7QW3M", Steps: []string{"Welcome", "Budget"}, Settings: settings}},
		{room.Actor{ID: ana.ID, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom}},
		{room.Actor{ID: ben.ID, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.Remote}},
		{moderator, room.Command{Op: room.OpStart}},
	} {
		if _, err := r.Handle(c.a, at, c.cmd); err != nil {
			panic(err)
		}
	}
	return r
}

// A participant asks, others upvote, the moderator highlights the question
// and answers it.
func Example_questions() {
	r := meeting(nil)
	ev, _ := r.Handle(ana, 1_750_000_100_000, room.Command{Op: room.OpAsk, Text: "  Will the library open on Sundays? "})
	q := ev.Question
	r.Handle(ben, 1_750_000_101_000, room.Command{Op: room.OpUpvote, Question: q})
	_, err := r.Handle(ben, 1_750_000_102_000, room.Command{Op: room.OpUpvote, Question: q})
	fmt.Println("second upvote:", errors.Is(err, room.ErrAlready))

	r.Handle(moderator, 1_750_000_103_000, room.Command{Op: room.OpHighlight, Question: q})
	fmt.Println("on screen:", r.View(room.Screen).Meeting.Highlight)
	r.Handle(moderator, 1_750_000_104_000, room.Command{Op: room.OpAnswer, Question: q, Text: "From March."})

	v := r.View(room.Participant).Questions[0]
	fmt.Printf("%q %s, %d vote, answer %q\n", v.Text, v.Status, v.Votes, v.Answer)
	// Output:
	// second upvote: true
	// on screen: 1
	// "Will the library open on Sundays?" answered, 1 vote, answer "From March."
}

// With pre-moderation, a question is seen only by its author and the
// moderators until approved; a rejection is counted publicly by reason, and
// its author sees why.
func Example_moderation() {
	r := meeting(&room.Settings{QAOpen: true, PreModeration: true})
	ev, _ := r.Handle(ana, 0, room.Command{Op: room.OpAsk, Text: "Why is the pool closed?"})
	fmt.Println("public questions:", len(r.View(room.Participant).Questions))
	fmt.Println("ana's:", r.Mine(ana.ID).Questions[0].Status)

	r.Handle(moderator, 0, room.Command{Op: room.OpReject, Question: ev.Question, Reason: room.AlreadyAnswered, Note: "See the answer to question 3"})
	fmt.Println("refused:", r.View(room.Participant).Meeting.Refused[room.AlreadyAnswered])
	mine := r.Mine(ana.ID).Questions[0]
	fmt.Println("ana sees:", mine.Status, mine.Reason, mine.Note)
	fmt.Println("ledger:", r.View(room.Moderator).Ledger[1].Op, r.View(room.Moderator).Ledger[1].Reason)
	// Output:
	// public questions: 0
	// ana's: pending
	// refused: 1
	// ana sees: rejected already-answered See the answer to question 3
	// ledger: question.reject already-answered
}

// A poll whose results are shown to each participant once they voted, and
// to everyone once it is closed.
func Example_poll() {
	r := meeting(nil)
	ev, _ := r.Handle(moderator, 0, room.Command{Op: room.OpPollCreate, Kind: room.Single,
		Text: "Which project first?", Options: []string{"Park", "Library", "Bus line"}, Visibility: room.AfterVoting})
	p := ev.Poll
	r.Handle(moderator, 0, room.Command{Op: room.OpPollOpen, Poll: p})
	r.Handle(ana, 0, room.Command{Op: room.OpVote, Poll: p, Choices: []int{1}})

	fmt.Println("public results:", r.View(room.Participant).Polls[0].Results)
	fmt.Println("ana's results:", r.Mine(ana.ID).Results[p].Tally)
	fmt.Println("ben's results:", len(r.Mine(ben.ID).Results))

	r.Handle(ana, 0, room.Command{Op: room.OpVote, Poll: p, Choices: []int{0}}) // changed her mind
	r.Handle(moderator, 0, room.Command{Op: room.OpPollClose, Poll: p})
	_, err := r.Handle(ben, 0, room.Command{Op: room.OpVote, Poll: p, Choices: []int{2}})
	fmt.Println("late ballot:", errors.Is(err, room.ErrPollClosed))
	fmt.Println("public results:", r.View(room.Participant).Polls[0].Results.Tally)
	// Output:
	// public results: <nil>
	// ana's results: [0 1 0]
	// ben's results: 0
	// late ballot: true
	// public results: [1 0 0]
}

// The hub logs events; any replica that applies them holds the same state.
func ExampleReplay() {
	live := room.New()
	var log []room.Event
	handle := func(a room.Actor, c room.Command) {
		ev, err := live.Handle(a, 1_750_000_000_000, c)
		if err != nil {
			fmt.Println(err)
			return
		}
		log = append(log, ev)
	}
	handle(system, room.Command{Op: room.OpCreate, Title: "Town hall", Code: "K7QW3M"})
	handle(room.Actor{ID: ana.ID, Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	handle(ana, room.Command{Op: room.OpAsk, Text: " Parking? "})
	handle(ana, room.Command{Op: room.OpAsk, Text: ""}) // refused: not logged

	b, _ := json.Marshal(log[2])
	fmt.Println(string(b))
	replica, err := room.Replay(log)
	fmt.Println(err, replica.Digest() == live.Digest())
	// Output:
	// room: text is empty
	// {"seq":3,"at":1750000000000,"actor":{"id":"p-ana","role":"participant"},"op":"question.ask","question":1,"text":"Parking?"}
	// <nil> true
}

// A fan-out tracks what each tick's events touched and sends each role one
// patch; applying it to the view a client holds gives the current view. Two
// upvotes between two ticks become one vote count.
func ExampleRoom_Patch() {
	r := meeting(nil)
	ev, _ := r.Handle(ana, 0, room.Command{Op: room.OpAsk, Text: "Parking?"})
	client := r.View(room.Participant) // what a participant holds

	var changes room.Changes
	for _, voter := range []room.Actor{ana, ben} {
		ev, _ := r.Handle(voter, 0, room.Command{Op: room.OpUpvote, Question: ev.Question})
		r.Track(&changes, ev)
	}
	p := r.Patch(room.Participant, &changes)
	b, _ := json.Marshal(p)
	fmt.Println(string(b))
	fmt.Println("Mine changed for:", changes.Participants())
	changes.Reset()

	client.ApplyPatch(r.Seq(), &p)
	now, _ := json.Marshal(r.View(room.Participant))
	then, _ := json.Marshal(client)
	fmt.Println("up to date:", string(now) == string(then))
	// Output:
	// {"votes":{"1":2}}
	// Mine changed for: [p-ana p-ben]
	// up to date: true
}

// Reactions are checked one tap at a time and logged as counts.
func ExampleRoom_CheckReact() {
	r := meeting(nil)
	fmt.Println(r.CheckReact(ana, room.Applause))
	fmt.Println(r.CheckReact(moderator, room.Applause))
	r.Handle(system, 0, room.Command{Op: room.OpReactions, Counts: map[room.Reaction]int{room.Applause: 12}})
	fmt.Println(r.View(room.Screen).Reactions[room.Applause])
	// Output:
	// <nil>
	// room: not allowed for this role
	// 12
}
