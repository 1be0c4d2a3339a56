package hub

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// TestTraceRecording: a question's trace says where in the step meeting's
// recording it was answered, once the moderators gave the recording, and
// that an answer written after the meeting was written (no moment in the
// recording).
func TestTraceRecording(t *testing.T) {
	t.Parallel()
	th := startHubOn(t, filepath.Join(t.TempDir(), "tribune.db"), testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Recorded"}`)
	var s stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+cr.ID+"/steps", cr.Key, stepRequest{Title: "Step 1"}, &s)
	mod := dial(t, th.url, s.Code, helloArgs{Role: "moderator", Key: s.ModeratorKey})
	alice := dial(t, th.url, s.Code, helloArgs{Role: "participant", Channel: "remote"})
	mod.must(room.Command{Op: room.OpStart})
	alice.must(room.Command{Op: room.OpAsk, Text: "Will the plan be published as open data?"})
	alice.must(room.Command{Op: room.OpAsk, Text: "Who drafts the plan?"})
	traceOf := func(q int) tracedQuestion {
		var tr traceResponse
		a.must(http.StatusOK, "GET", fmt.Sprintf("/api/consultations/%s/trace?code=%s&question=%d", cr.ID, s.Code, q), "", nil, &tr)
		for _, x := range tr.Questions {
			if x.Code == s.Code && int(x.ID) == q {
				return x
			}
		}
		t.Fatalf("the trace of question %d does not give it: %+v", q, tr.Questions)
		return tracedQuestion{}
	}
	// Traced while open: the hub keeps the meeting as replayed, and must
	// replay it again once its log has moved on.
	if open := traceOf(1); open.Status != room.Approved {
		t.Fatalf("question 1 before its answer: %s", open.Status)
	}
	mod.must(room.Command{Op: room.OpAnswer, Question: 1})
	mod.must(room.Command{Op: room.OpEnd})
	mod.must(room.Command{Op: room.OpAnswer, Question: 2, Text: "The ministry, with civil society."})
	mod.must(room.Command{Op: room.OpRecording, Recording: &room.Recording{URL: "https://www.youtube.com/watch?v=abcdefghijk", Offset: 90}})

	said := traceOf(1)
	if said.Late || !strings.HasPrefix(said.Recording, "https://www.youtube.com/watch?v=abcdefghijk") || !strings.Contains(said.Recording, "t=") {
		t.Errorf("answered during the meeting: late %v, recording %q, want a moment in the recording", said.Late, said.Recording)
	}
	written := traceOf(2)
	if !written.Late || written.Recording != "" {
		t.Errorf("answered in writing afterwards: late %v, recording %q, want late and no moment", written.Late, written.Recording)
	}
}
