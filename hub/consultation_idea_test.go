package hub

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// An idea of a step meeting's ideas board becomes a proposal's source:
// the hub takes a live idea and refuses, naming the command, one that
// waits, was refused or does not exist; the trace of the idea names the
// proposal, and a refused idea has no trace.
func TestConsultationIdeaSource(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Ideas into proposals"}`)
	id, key := cr.ID, cr.Key
	cmds := "/api/consultations/" + id + "/commands"

	m1 := createRoom(t, th.url, `{"title":"Step 1","settings":{"qaOpen":true,"preModeration":true}}`)
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/steps", key,
		stepRequest{Attach: m1.Code, ModeratorKey: m1.ModeratorKey, Title: "Step 1: ideas"}, nil)
	mod := dial(t, th.url, m1.Code, helloArgs{Role: "moderator", Key: m1.ModeratorKey})
	mod.name = "mod"
	alice := dial(t, th.url, m1.Code, helloArgs{Role: "participant", Channel: "room"})
	alice.name = "alice"
	mod.must(room.Command{Op: room.OpStart})
	mod.must(room.Command{Op: room.OpBoardOpen, Text: "What should the plan commit to?", Step: -1})
	alice.must(room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Open the budget", Text: "Every month, as open data."}) // 1
	alice.must(room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Still waiting"})                                       // 2
	alice.must(room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Refused one"})                                         // 3
	mod.must(room.Command{Op: room.OpIdeaApprove, Idea: 1})
	mod.must(room.Command{Op: room.OpIdeaReject, Idea: 3, Reason: room.OffTopic})

	idea := func(n room.IdeaID) consultation.Command {
		return consultation.Command{Op: consultation.OpProposalCreate, Title: "From an idea",
			Sources: []consultation.Source{{Kind: consultation.IdeaSource, Code: m1.Code, Idea: n}}}
	}
	seq := consultationHead(t, th.store, id)
	for _, tc := range []struct {
		n      room.IdeaID
		code   string
		status int
		want   string
	}{
		{2, "invalid", http.StatusBadRequest, "idea 2 of " + m1.Code + " is not public (pending)"},
		{3, "invalid", http.StatusBadRequest, "idea 3 of " + m1.Code + " is not public (rejected)"},
		{9, "no_idea", http.StatusBadRequest, m1.Code + " has no idea 9"},
	} {
		msg := a.refused(tc.status, tc.code, "proposal.create", "POST", cmds, key, idea(tc.n))
		if !strings.Contains(msg, tc.want) {
			t.Errorf("idea %d: %q, want %q in it", tc.n, msg, tc.want)
		}
	}
	if after := consultationHead(t, th.store, id); after != seq {
		t.Errorf("refused sources wrote: seq %d, then %d", seq, after)
	}

	var created commandResponse
	a.must(http.StatusOK, "POST", cmds, key, idea(1), &created)
	if created.Proposal != "P-1" {
		t.Fatalf("created %+v", created)
	}
	// A draft is not public: the idea's trace has no proposal yet.
	trace := fmt.Sprintf("/api/consultations/%s/trace?code=%s&idea=", id, m1.Code)
	var tr ideaTraceResponse
	a.must(http.StatusOK, "GET", trace+"1", "", nil, &tr)
	if len(tr.Proposals) != 0 || tr.Title != "Open the budget" || tr.Status != room.Approved || tr.Step != 1 {
		t.Errorf("trace before publishing: %+v", tr)
	}
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalPublish, Proposal: "P-1"}, nil)
	v, _ := a.view(id, "")
	if p := v.View.Proposals; len(p) != 1 || len(p[0].Sources) != 1 || p[0].Sources[0] != (consultation.Source{Kind: consultation.IdeaSource, Code: m1.Code, Idea: 1}) {
		t.Errorf("public proposals: %+v", p)
	}
	tr = ideaTraceResponse{}
	a.must(http.StatusOK, "GET", trace+"1", "", nil, &tr)
	if len(tr.Proposals) != 1 || tr.Proposals[0].ID != "P-1" || tr.Proposals[0].Status != consultation.Published || tr.Votes != 0 || tr.Text != "Every month, as open data." {
		t.Errorf("trace: %+v", tr)
	}
	a.refused(http.StatusNotFound, "no_idea", opTrace, "GET", trace+"2", "", nil)
	a.refused(http.StatusNotFound, "no_idea", opTrace, "GET", trace+"3", "", nil)
	a.refused(http.StatusNotFound, "no_idea", opTrace, "GET", trace+"9", "", nil)
	a.refused(http.StatusBadRequest, "bad_message", opTrace, "GET", trace+"x", "", nil)
	a.refused(http.StatusNotFound, "no_room", opTrace, "GET", "/api/consultations/"+id+"/trace?code=NOSTEP&idea=1", "", nil)
}
