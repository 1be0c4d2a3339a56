package hub

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// TestConsultationRecord: what the hub writes for a consultation, driven
// over HTTP and WebSocket as the pages drive it, is what the archive
// exports and verifies: the consultation's log and its step meetings',
// from the store, verify alone and cross-check together, and the open
// data holds the published proposal but not the draft.
func TestConsultationRecord(t *testing.T) {
	t.Parallel()
	th := startHubOn(t, filepath.Join(t.TempDir(), "tribune.db"), testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Riverside consultation"}`)
	id, key := cr.ID, cr.Key

	m1 := createRoom(t, th.url, `{"title":"Riverside: ideas","settings":{"qaOpen":true}}`)
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/steps", key,
		stepRequest{Attach: m1.Code, ModeratorKey: m1.ModeratorKey, Title: "Step 1: ideas"}, nil)
	mod := dial(t, th.url, m1.Code, helloArgs{Role: "moderator", Key: m1.ModeratorKey})
	ann := dial(t, th.url, m1.Code, helloArgs{Role: "participant", Channel: "room"})
	ben := dial(t, th.url, m1.Code, helloArgs{Role: "participant", Channel: "remote"})
	mod.must(room.Command{Op: room.OpStart})
	ann.must(room.Command{Op: room.OpAsk, Text: "Can the quay have benches?"})
	ben.must(room.Command{Op: room.OpUpvote, Question: 1})
	mod.must(room.Command{Op: room.OpEnd})

	var s2 stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+id+"/steps", key, stepRequest{Title: "Step 2: choices", From: m1.Code}, &s2)
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/carry", key, carryRequest{From: m1.Code, To: s2.Code, All: true}, nil)
	cmds := "/api/consultations/" + id + "/commands"
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalCreate, Title: "Benches on the quay",
		Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: s2.Code, Question: 1}}}, nil)
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalPublish, Proposal: "P-1"}, nil)
	const draft = "A draft the public never sees"
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalCreate, Title: "Draft", Text: draft}, nil)

	ctx := context.Background()
	rows, err := th.store.LoadConsultation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var cons bytes.Buffer
	if err := archive.WriteConsultationLog(&cons, rows); err != nil {
		t.Fatal(err)
	}
	var meetings []io.Reader
	for _, code := range []string{m1.Code, s2.Code} {
		mr, err := th.store.Load(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := archive.WriteLog(&b, mr); err != nil {
			t.Fatal(err)
		}
		meetings = append(meetings, &b)
	}
	s, err := archive.VerifyConsultation(bytes.NewReader(cons.Bytes()), meetings...)
	if err != nil {
		t.Fatal(err)
	}
	if s.Consultation != id || s.Steps != 2 || s.Carried != 1 || s.Proposals != 2 || s.Published != 1 || len(s.Meetings) != 2 || !s.Final {
		t.Errorf("verified: %+v", s)
	}

	files, err := archive.ConsultationPackage(rows, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, f := range files {
		all = append(all, f.Data...)
	}
	if !bytes.Contains(all, []byte("Benches on the quay")) || !bytes.Contains(all, []byte("Can the quay have benches?")) {
		t.Error("the open data lacks the published proposal or the carried question")
	}
	if bytes.Contains(all, []byte(draft)) {
		t.Error("the open data carries the draft")
	}
}
