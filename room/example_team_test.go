package room_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/tribune-hub/tribune/room"
)

// The organiser hands a backstage link to a helper: the room keeps the
// hash of its key, the helper's notes reach the moderators only, and once
// revoked the link acts no more.
func Example_team() {
	r := meeting(nil)
	at := int64(1_750_000_100_000)
	sum := sha256.Sum256([]byte("the link's key, made by the hub"))
	ev, _ := r.Handle(moderator, at, room.Command{Op: room.OpTeamAdd, Name: "Backstage", Scope: room.ScopeBackstage, KeyHash: hex.EncodeToString(sum[:])})
	helper := room.Actor{ID: room.SeatActor(ev.Seat), Role: room.Moderator}

	_, err := r.Handle(helper, at, room.Command{Op: room.OpNote, Text: "The speaker is over time"})
	fmt.Println("note:", err)
	_, err = r.Handle(helper, at, room.Command{Op: room.OpStart})
	fmt.Println("start:", errors.Is(err, room.ErrForbidden))
	fmt.Println("moderators see:", r.View(room.Moderator).Notes[0].Text)
	fmt.Println("participants see notes:", len(r.View(room.Participant).Notes))

	r.Handle(moderator, at, room.Command{Op: room.OpTeamRevoke, Seat: ev.Seat})
	_, err = r.Handle(helper, at, room.Command{Op: room.OpNote, Text: "still here?"})
	fmt.Println("after revoking:", errors.Is(err, room.ErrForbidden), r.Acts(helper))
	// Output:
	// note: <nil>
	// start: true
	// moderators see: The speaker is over time
	// participants see notes: 0
	// after revoking: true false
}
