package hub

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/room"
)

const testTick = 10 * time.Millisecond

// TestMeeting runs a whole meeting: a moderator and participants in the room
// and remote, pre-moderation, approve, reject with a reason, upvotes, merge,
// highlight, a poll opened, voted and closed. At the end every client's
// state equals a fresh snapshot of the server's.
func TestMeeting(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Open government step meeting","description":"Step 2","steps":["Welcome","Transparency","Wrap-up"],
		"settings":{"qaOpen":true,"preModeration":true,"reactions":true}}`)

	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	screen := dial(t, th.url, cr.Code, helloArgs{Role: "screen"})
	screen.name = "screen"
	alice := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room", Name: "Alice"})
	alice.name = "alice"
	bob := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	bob.name = "bob"
	carol := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	carol.name = "carol"

	mod.must(room.Command{Op: room.OpStart})
	q1 := alice.must(room.Command{Op: room.OpAsk, Text: "Will the action plan be published as open data?"})
	bob.must(room.Command{Op: room.OpAsk, Text: "<b>Who</b> decides? <script>alert(1)</script>"})
	carol.must(room.Command{Op: room.OpAsk, Text: "Is the plan published as open data?"})
	carol.must(room.Command{Op: room.OpAsk, Text: "Buy cheap watches"})
	_ = q1

	// Under pre-moderation, nobody but the author and moderators sees a
	// pending question.
	sameState(t, th, cr.Code, cr.ModeratorKey, mod, alice, bob, carol, screen)
	if n := len(bob.snapshotView().Questions); n != 0 {
		t.Fatalf("bob sees %d questions before moderation", n)
	}
	bob.waitFor(func() bool { return len(bob.mine.Questions) == 1 }) // his own, pending
	if n := len(mod.snapshotView().Questions); n != 4 {
		t.Fatalf("moderator sees %d questions, want 4", n)
	}

	mod.must(room.Command{Op: room.OpApprove, Question: 1})
	mod.must(room.Command{Op: room.OpApprove, Question: 2})
	mod.must(room.Command{Op: room.OpApprove, Question: 3})
	mod.must(room.Command{Op: room.OpReject, Question: 4, Reason: room.OffTopic, Note: "advertising"})
	bob.must(room.Command{Op: room.OpUpvote, Question: 1})
	carol.must(room.Command{Op: room.OpUpvote, Question: 1})
	alice.must(room.Command{Op: room.OpUpvote, Question: 3})
	bob.refused(room.Command{Op: room.OpUpvote, Question: 1}, "already")
	bob.refused(room.Command{Op: room.OpApprove, Question: 1}, "forbidden")
	mod.must(room.Command{Op: room.OpMerge, Question: 3, Into: 1})
	mod.must(room.Command{Op: room.OpHighlight, Question: 1})

	p := mod.must(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Publish monthly?", Options: []string{"Yes", "No"}, Visibility: room.AfterClose})
	_ = p
	mod.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	mod.must(room.Command{Op: room.OpPollShow, Poll: 1})
	alice.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	bob.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})
	carol.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	// Results hidden until the poll closes: nobody but the moderator has them.
	sameState(t, th, cr.Code, cr.ModeratorKey, mod, alice, bob, carol, screen)
	if r := alice.snapshotView().Polls[0].Results; r != nil {
		t.Fatalf("alice sees results of an open after-close poll: %+v", r)
	}
	if r := mod.snapshotView().Polls[0].Results; r == nil || !slices.Equal(r.Tally, []int{2, 1}) {
		t.Fatalf("moderator tally = %+v, want [2 1]", r)
	}
	mod.must(room.Command{Op: room.OpPollClose, Poll: 1})
	alice.refused(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}}, "poll_closed")
	alice.must(room.Command{Op: room.OpReact, Reaction: room.Applause})

	sameState(t, th, cr.Code, cr.ModeratorKey, mod, alice, bob, carol, screen)

	v := screen.snapshotView()
	if v.Meeting.Highlight != 1 {
		t.Errorf("screen highlight = %d, want 1", v.Meeting.Highlight)
	}
	if r := v.Polls[0].Results; r == nil || !slices.Equal(r.Tally, []int{2, 1}) {
		t.Errorf("screen tally after close = %+v, want [2 1]", r)
	}
	q := v.Questions[slices.IndexFunc(v.Questions, func(q room.QuestionView) bool { return q.ID == 1 })]
	// Bob and Carol voted for 1, Alice for 3: merged, each counted once.
	if q.Votes != 3 || !slices.Equal(q.MergedFrom, []room.QuestionID{3}) {
		t.Errorf("merged question = %+v, want 3 votes and provenance [3]", q)
	}
	if v.Meeting.Refused[room.OffTopic] != 1 {
		t.Errorf("refused = %v, want one off-topic", v.Meeting.Refused)
	}
	// The author is told why; nobody else sees the refused text.
	carol.waitFor(func() bool {
		i := slices.IndexFunc(carol.mine.Questions, func(q room.QuestionView) bool { return q.ID == 4 })
		return i >= 0 && carol.mine.Questions[i].Status == room.Rejected
	})
	mine := carol.mineView()
	i := slices.IndexFunc(mine.Questions, func(q room.QuestionView) bool { return q.ID == 4 })
	if i < 0 || mine.Questions[i].Reason != room.OffTopic || mine.Questions[i].Note != "advertising" {
		t.Errorf("carol's refused question = %+v", mine.Questions)
	}
	for _, cl := range []*client{alice, bob, screen} {
		if bytes.Contains(cl.state(), []byte("cheap watches")) {
			t.Errorf("%s sees a refused question", cl.name)
		}
	}
	// Text is carried as text, byte for byte.
	if !bytes.Contains(alice.state(), []byte(`\u003cscript\u003e`)) {
		t.Errorf("question text with markup was not carried as is: %s", alice.state())
	}
}

func (cl *client) snapshotView() room.View {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	var v room.View
	b, _ := json.Marshal(cl.view)
	json.Unmarshal(b, &v)
	return v
}

func (cl *client) mineView() room.Mine {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	var v room.Mine
	b, _ := json.Marshal(cl.mine)
	json.Unmarshal(b, &v)
	return v
}
