package room_test

import (
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

// A ranking poll counted by Borda, and a points poll: malformed ballots are
// refused with the reason, and changed nothing.
func Example_rankingAndPoints() {
	r := meeting(nil)
	at := int64(1_750_000_200_000)
	ev, _ := r.Handle(moderator, at, room.Command{Op: room.OpPollCreate, Kind: room.Ranking, Text: "Order the priorities", Options: []string{"Parks", "Buses", "Schools"}})
	rank := ev.Poll
	r.Handle(moderator, at, room.Command{Op: room.OpPollOpen, Poll: rank})
	r.Handle(ana, at, room.Command{Op: room.OpVote, Poll: rank, Choices: []int{2, 0, 1}})
	r.Handle(ben, at, room.Command{Op: room.OpVote, Poll: rank, Choices: []int{0, 2, 1}})
	_, err := r.Handle(ben, at, room.Command{Op: room.OpVote, Poll: rank, Choices: []int{1, 1, 0}})
	fmt.Println(err)
	res := r.View(room.Screen).Polls[0].Results
	fmt.Println("borda:", res.Tally, "first places:", res.First)

	ev, _ = r.Handle(moderator, at, room.Command{Op: room.OpPollCreate, Kind: room.Points, Text: "Spread 5 points", Options: []string{"Parks", "Buses", "Schools"}, Budget: 5, Max: 3})
	pts := ev.Poll
	r.Handle(moderator, at, room.Command{Op: room.OpPollOpen, Poll: pts})
	r.Handle(ana, at, room.Command{Op: room.OpVote, Poll: pts, Points: []int{3, 0, 2}})
	_, err = r.Handle(ben, at, room.Command{Op: room.OpVote, Poll: pts, Points: []int{3, 3, 0}})
	fmt.Println(err)
	res = r.View(room.Screen).Polls[1].Results
	fmt.Println("points:", res.Tally, "voters:", res.Voters)
	// Output:
	// room: invalid argument: place 2: option 1 is ranked twice
	// borda: [3 0 3] first places: [1 0 1]
	// room: invalid argument: 6 points given, 1 to 5 allowed
	// points: [3 0 2] voters: [1 0 1]
}
