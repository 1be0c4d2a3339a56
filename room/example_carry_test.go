package room_test

import (
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

// A question not answered at step 1 is carried to step 2: imported there
// first, with where it comes from and its votes there, then recorded in
// step 1 as gone there.
func Example_carry() {
	step1 := meeting(nil)
	ev, _ := step1.Handle(ana, 0, room.Command{Op: room.OpAsk, Text: "Will the budget be published?"})
	step1.Handle(ben, 0, room.Command{Op: room.OpUpvote, Question: ev.Question})
	step1.Handle(moderator, 0, room.Command{Op: room.OpEnd})
	asked := step1.View(room.Participant).Questions[0]

	step2 := room.New()
	step2.Handle(system, 0, room.Command{Op: room.OpCreate, Title: "Step 2", Code: "STEP2X"})
	imp, _ := step2.Handle(system, 0, room.Command{Op: room.OpImport, Text: asked.Text, Link: &room.Link{
		Consultation: "CONS1", Code: step1.Code(), Question: asked.ID, Votes: asked.Votes, Step: step1.Title()}})
	step1.Handle(system, 0, room.Command{Op: room.OpCarry, Question: asked.ID, Link: &room.Link{
		Consultation: "CONS1", Code: step2.Code(), Question: imp.Question, Step: step2.Title()}})

	there := step2.View(room.Participant).Questions[0]
	fmt.Printf("%q %s, from %s question %d, %d votes there\n", there.Text, there.Status, there.From.Code, there.From.Question, there.From.Votes)
	went := step1.View(room.Participant).Questions[0].CarriedTo
	fmt.Printf("carried to %s question %d\n", went.Code, went.Question)
	// Output:
	// "Will the budget be published?" live, from K7QW3M question 1, 1 votes there
	// carried to STEP2X question 1
}

// The next step meeting starts from the one before: its agenda, settings
// and polls, as drafts, and nothing of its participants.
func ExampleNextMeeting() {
	prev := meeting(&room.Settings{QAOpen: true, PreModeration: true})
	ev, _ := prev.Handle(moderator, 0, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which first?", Options: []string{"Park", "Library"}})
	prev.Handle(moderator, 0, room.Command{Op: room.OpPollOpen, Poll: ev.Poll})
	prev.Handle(ana, 0, room.Command{Op: room.OpVote, Poll: ev.Poll, Choices: []int{1}})
	prev.Handle(moderator, 0, room.Command{Op: room.OpEnd})

	create, polls := room.NextMeeting(prev.View(room.Moderator), "Step 2", "STEP2X")
	next := room.New()
	next.Handle(system, 0, create)
	for _, c := range polls {
		next.Handle(moderator, 0, c)
	}
	v := next.View(room.Moderator)
	fmt.Println(v.Meeting.Title, v.Meeting.Agenda, v.Meeting.Settings.PreModeration)
	fmt.Println(v.Polls[0].Title, v.Polls[0].Status, v.Polls[0].Ballots, v.Counts.Joined)
	// Output:
	// Step 2 [Welcome Budget] true
	// Which first? draft 0 0
}
