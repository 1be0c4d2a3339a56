package hub

import (
	"fmt"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// TestAnnouncementsOnce sends more announcements than a snapshot keeps, all
// at once, so that many fall between two patches: every connected client
// of every role must hear each of them exactly once, and end with the same
// view as a newcomer's snapshot (which keeps the latest ones only).
func TestAnnouncementsOnce(t *testing.T) {
	t.Parallel()
	th := startHub(t, 200*time.Millisecond)
	cr := createRoom(t, th.url, `{"title":"Announcements"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.must(room.Command{Op: room.OpStart})
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	screen := dial(t, th.url, cr.Code, helloArgs{Role: "screen"})

	const n = 45
	ids := make([]string, n)
	for i := range ids {
		ids[i] = mod.sendCmd(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("Announcement number %d", i+1)})
	}
	var last uint64
	for _, id := range ids {
		r := mod.await(id)
		if r.Code != "" {
			t.Fatalf("announce %s: %s %s", id, r.Code, r.Message)
		}
		last = max(last, r.Seq)
	}
	for _, cl := range []*client{mod, p, screen} {
		cl.waitSeq(last)
		cl.mu.Lock()
		for id := 1; id <= n; id++ {
			if got := cl.heard[id]; got != 1 {
				t.Errorf("%s heard announcement %d %d times, want once", cl.view.Role, id, got)
			}
		}
		if got := len(cl.view.Meeting.Announcements); got != keptAnnouncementsInView {
			t.Errorf("%s holds %d announcements, want the last %d", cl.view.Role, got, keptAnnouncementsInView)
		}
		cl.mu.Unlock()
	}
	sameState(t, th, cr.Code, cr.ModeratorKey, mod, p, screen)
}

// keptAnnouncementsInView is room's keptAnnouncements, as a snapshot shows.
const keptAnnouncementsInView = 20
