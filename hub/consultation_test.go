package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// This file tests the consultation API over real HTTP, against a hub on a
// real SQLite file, with real WebSocket sessions in its step meetings.

// api calls the consultation API of one hub.
type api struct {
	t    testing.TB
	base string
}

// call sends body (a string, or a value encoded as JSON; nil for none)
// with the organiser key when key is not empty, and returns the status
// and the body.
func (a api) call(method, path, key string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// must is call that must answer want, decoded into out (when not nil).
func (a api) must(want int, method, path, key string, body, out any) []byte {
	a.t.Helper()
	status, b := a.call(method, path, key, body)
	if status != want {
		a.t.Fatalf("%s %s: %d %s, want %d", method, path, status, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return b
}

// refused is call that must fail with status and code, naming op.
func (a api) refused(status int, code, op, method, path, key string, body any) string {
	a.t.Helper()
	got, b := a.call(method, path, key, body)
	var e opError
	if err := json.Unmarshal(b, &e); err != nil || got != status || e.Error.Code != code || e.Error.Op != op || e.Error.Message == "" {
		a.t.Fatalf("%s %s %v: %d %s, want %d with code %s naming %s", method, path, body, got, b, status, code, op)
	}
	return e.Error.Message
}

func (a api) create(body string) createConsultationResponse {
	a.t.Helper()
	var cr createConsultationResponse
	a.must(http.StatusCreated, "POST", "/api/consultations", "", body, &cr)
	return cr
}

// view returns the consultation as key sees it ("" for the public), and
// the response's raw bytes.
func (a api) view(id, key string) (consultationResponse, []byte) {
	a.t.Helper()
	var v consultationResponse
	b := a.must(http.StatusOK, "GET", "/api/consultations/"+id, key, nil, &v)
	return v, b
}

// consultationHead is the consultation's last seq, as the store has it.
func consultationHead(t testing.TB, st *store.Store, id string) uint64 {
	t.Helper()
	seq, _, err := st.ConsultationHead(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func questionOf(v room.View, id room.QuestionID) *room.QuestionView {
	i := slices.IndexFunc(v.Questions, func(q room.QuestionView) bool { return q.ID == id })
	if i < 0 {
		return nil
	}
	return &v.Questions[i]
}

// TestConsultation runs a consultation end to end: two step meetings (one
// attached, one created from it), a question asked and upvoted at step 1
// over a WebSocket, carried to step 2, where it shows where it comes from
// and is answered; a proposal cites it and is published, a commitment
// includes it and its status changes twice. The trace and the
// participant's /mine show the whole path; the logs verify and cross-check;
// a carry retried duplicates nothing; a restarted hub serves the same
// consultation.
func TestConsultation(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	th := startHubOn(t, path, testTick)
	a := api{t, th.url}

	cr := a.create(`{"title":"Open government action plan 2026","description":"Four step meetings, then commitments.","opens":"2026-01-01","closes":"2026-06-30"}`)
	id, key := cr.ID, cr.Key
	if cr.Links.Public != th.url+"/c/"+id || cr.Links.Organiser != th.url+"/c/"+id+"/organise#key="+key {
		t.Errorf("links: %+v", cr.Links)
	}
	pub, _ := a.view(id, "")
	if pub.Seq != 1 || pub.Organiser || pub.View.Title != "Open government action plan 2026" || pub.View.Opens != "2026-01-01" || len(pub.Steps) != 0 {
		t.Fatalf("public view: %+v", pub)
	}
	org, _ := a.view(id, key)
	if !org.Organiser || org.View.Role != consultation.Organiser {
		t.Fatalf("organiser view: %+v", org)
	}

	// Step 1: a meeting created on its own, attached with its key.
	m1 := createRoom(t, th.url, `{"title":"Budget: priorities","steps":["Welcome","Priorities"],"settings":{"qaOpen":true,"preModeration":true}}`)
	a.refused(http.StatusForbidden, "bad_key", "step.add", "POST", "/api/consultations/"+id+"/steps", key,
		stepRequest{Attach: m1.Code, ModeratorKey: "not-the-key", Title: "Step 1: priorities"})
	var s1 stepResponse
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/steps", key,
		stepRequest{Attach: m1.Code, ModeratorKey: m1.ModeratorKey, Title: "Step 1: priorities", Date: "2026-01-20"}, &s1)
	a.refused(http.StatusConflict, "already", "step.add", "POST", "/api/consultations/"+id+"/steps", key,
		stepRequest{Attach: m1.Code, ModeratorKey: m1.ModeratorKey, Title: "again"})

	mod1 := dial(t, th.url, m1.Code, helloArgs{Role: "moderator", Key: m1.ModeratorKey})
	mod1.name = "mod1"
	alice := dial(t, th.url, m1.Code, helloArgs{Role: "participant", Channel: "room"})
	alice.name = "alice"
	bob := dial(t, th.url, m1.Code, helloArgs{Role: "participant", Channel: "remote"})
	bob.name = "bob"

	mod1.must(room.Command{Op: room.OpStart})
	if v, _ := a.view(id, ""); v.Steps[0].Status != consultation.Live || v.View.Steps[0].Status != consultation.Live {
		t.Errorf("step 1 started: %+v", v.Steps)
	}
	mod1.must(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Publish monthly?", Options: []string{"Yes", "No"}, Visibility: room.AfterClose})
	alice.must(room.Command{Op: room.OpAsk, Text: "Will the budget be published every month?"})
	alice.must(room.Command{Op: room.OpAsk, Text: "Who drafts the plan?"})
	alice.must(room.Command{Op: room.OpAsk, Text: "Still pending, never approved"})
	mod1.must(room.Command{Op: room.OpApprove, Question: 1})
	mod1.must(room.Command{Op: room.OpApprove, Question: 2})
	bob.must(room.Command{Op: room.OpUpvote, Question: 1})
	mod1.must(room.Command{Op: room.OpAnswer, Question: 2, Text: "The ministry, with civil society."})
	mod1.must(room.Command{Op: room.OpMerge, Question: 3, Into: 1}) // never public: merged while pending
	mod1.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	bob.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	mod1.must(room.Command{Op: room.OpPollClose, Poll: 1})

	// Step 2: created from step 1 (agenda, settings, polls as drafts).
	var s2 stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+id+"/steps", key,
		stepRequest{Title: "Step 2: proposals", Date: "2026-02-17", From: m1.Code}, &s2)
	if s2.Code == "" || s2.ModeratorKey == "" || s2.Links.Participant != th.url+"/j/"+s2.Code {
		t.Fatalf("new step meeting: %+v", s2)
	}
	mod2 := dial(t, th.url, s2.Code, helloArgs{Role: "moderator", Key: s2.ModeratorKey})
	mod2.name = "mod2"
	v2 := mod2.snapshotView()
	if v2.Meeting.Title != "Step 2: proposals" || !slices.Equal(v2.Meeting.Agenda, []string{"Welcome", "Priorities"}) ||
		!v2.Meeting.Settings.QAOpen || len(v2.Polls) != 1 || v2.Polls[0].Status != room.Draft || len(v2.Questions) != 0 {
		t.Fatalf("step 2 from step 1: %+v", v2)
	}

	// A question cannot go to an earlier step, nor be named twice wrong.
	a.refused(http.StatusBadRequest, "invalid", "question.carry", "POST", "/api/consultations/"+id+"/carry", key,
		carryRequest{From: s2.Code, To: m1.Code, All: true})
	a.refused(http.StatusConflict, "state", "question.carry", "POST", "/api/consultations/"+id+"/carry", key,
		carryRequest{From: m1.Code, To: s2.Code, Questions: []room.QuestionID{1, 3}})
	a.refused(http.StatusBadRequest, "no_question", "question.carry", "POST", "/api/consultations/"+id+"/carry", key,
		carryRequest{From: m1.Code, To: s2.Code, Questions: []room.QuestionID{99}})
	a.refused(http.StatusUnauthorized, "bad_key", "question.carry", "POST", "/api/consultations/"+id+"/carry", "",
		carryRequest{From: m1.Code, To: s2.Code, All: true})

	mod1.must(room.Command{Op: room.OpEnd})
	// Carry every live question not answered: question 1 only.
	var carry carryResponse
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/carry", key, carryRequest{From: m1.Code, To: s2.Code, All: true}, &carry)
	want := []carried{{From: consultation.Ref{Code: m1.Code, Question: 1}, To: consultation.Ref{Code: s2.Code, Question: 1}, Thread: "Q-1"}}
	if !slices.Equal(carry.Carried, want) || len(carry.Already) != 0 {
		t.Fatalf("carried %+v (already %v), want %+v", carry.Carried, carry.Already, want)
	}
	// Retried, all or by name: nothing more in any log.
	heads := func() [3]uint64 {
		s1, _, _ := th.store.Head(context.Background(), m1.Code)
		s2, _, _ := th.store.Head(context.Background(), s2.Code)
		return [3]uint64{consultationHead(t, th.store, id), s1, s2}
	}
	before := heads()
	for _, req := range []carryRequest{{From: m1.Code, To: s2.Code, All: true}, {From: m1.Code, To: s2.Code, Questions: []room.QuestionID{1, 1}}} {
		var again carryResponse
		a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/carry", key, req, &again)
		if len(again.Carried) != 0 || !slices.Equal(again.Already, []consultation.Ref{{Code: m1.Code, Question: 1}}) {
			t.Errorf("carry retried: %+v", again)
		}
	}
	if after := heads(); after != before {
		t.Errorf("a carry retried wrote: heads %v, then %v", before, after)
	}

	// In step 2 the question shows where it comes from, to everyone.
	carol := dial(t, th.url, s2.Code, helloArgs{Role: "participant"})
	carol.name = "carol"
	wantFrom := room.Link{Consultation: id, Code: m1.Code, Question: 1, Votes: 1, Step: "Step 1: priorities"}
	for _, cl := range []*client{mod2, carol} {
		cl.waitFor(func() bool { return len(cl.view.Questions) == 1 })
		q := cl.snapshotView().Questions[0]
		if q.From == nil || *q.From != wantFrom || q.Text != "Will the budget be published every month?" || q.Status != room.Approved || q.Author != "" {
			t.Errorf("%s sees the carried question as %+v (from %+v)", cl.name, q, q.From)
		}
	}
	mod1.waitFor(func() bool { return mod1.view.Questions[0].CarriedTo != nil })
	if q := questionOf(mod1.snapshotView(), 1); *q.CarriedTo != (room.Link{Consultation: id, Code: s2.Code, Question: 1, Votes: 1, Step: "Step 2: proposals"}) {
		t.Errorf("step 1 records it went to %+v", q.CarriedTo)
	}
	mod2.must(room.Command{Op: room.OpStart})
	mod2.must(room.Command{Op: room.OpAnswer, Question: 1, Text: "Yes, from July."})
	carol.waitFor(func() bool { return carol.view.Questions[0].Status == room.Answered })

	// A proposal cites it; a commitment includes the proposal.
	cmds := "/api/consultations/" + id + "/commands"
	a.refused(http.StatusBadRequest, "invalid", "proposal.create", "POST", cmds, key,
		consultation.Command{Op: consultation.OpProposalCreate, Title: "Cites a pending question",
			Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: m1.Code, Question: 3}}})
	var p commandResponse
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalCreate, Title: "Publish the budget monthly",
		Text: "Monthly tables, as open data.", Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: s2.Code, Question: 1}, {Kind: consultation.PollSource, Code: m1.Code, Poll: 1}}}, &p)
	if p.Proposal != "P-1" {
		t.Fatalf("proposal: %+v", p)
	}
	if v, _ := a.view(id, ""); len(v.View.Proposals) != 0 {
		t.Errorf("a draft is public: %+v", v.View.Proposals)
	}
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalPublish, Proposal: "P-1"}, nil)
	var c commandResponse
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpCommitmentCreate, Title: "Open budget", Text: "Nobody can follow the budget.",
		Proposals: []string{"P-1"}, Milestones: []consultation.Milestone{{Text: "Monthly tables online", Due: "2026-09-30"}}}, &c)
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: c.Commitment, Status: string(consultation.Limited), Note: "January's tables"}, nil)
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpCommitmentStatus, Commitment: c.Commitment, Status: string(consultation.Substantial),
		Note: "Six months online", Evidence: "https://example.org/budget"}, nil)

	pub, _ = a.view(id, "")
	if len(pub.View.Proposals) != 1 || pub.View.Proposals[0].Status != consultation.Published || !slices.Equal(pub.View.Proposals[0].IncludedIn, []string{"C-1"}) {
		t.Errorf("public proposals: %+v", pub.View.Proposals)
	}
	if cm := pub.View.Commitments; len(cm) != 1 || cm[0].Status != consultation.Substantial || len(cm[0].History) != 2 || cm[0].History[1].Evidence != "https://example.org/budget" {
		t.Errorf("public commitments: %+v", cm)
	}
	if len(pub.Steps) != 2 || pub.Steps[0].Status != consultation.Ended || pub.Steps[1].Status != consultation.Live ||
		pub.Steps[1].Links != (StepLinks{Participant: "/j/" + s2.Code, Report: "/r/" + s2.Code}) {
		t.Errorf("public steps: %+v", pub.Steps)
	}

	// The trace, from either end.
	for _, from := range []consultation.Ref{{Code: m1.Code, Question: 1}, {Code: s2.Code, Question: 1}} {
		var tr traceResponse
		a.must(http.StatusOK, "GET", fmt.Sprintf("/api/consultations/%s/trace?code=%s&question=%d", id, from.Code, from.Question), "", nil, &tr)
		if tr.Thread != "Q-1" || len(tr.Hops) != 2 || tr.Hops[1].Votes != 1 || tr.Hops[1].Code != s2.Code ||
			len(tr.Proposals) != 1 || tr.Proposals[0].ID != "P-1" || len(tr.Commitments) != 1 || tr.Commitments[0].Status != consultation.Substantial {
			t.Errorf("trace from %v: %+v", from, tr.Trace)
		}
		if len(tr.Questions) != 2 || tr.Questions[0].Status != room.Approved || tr.Questions[1].Answer != "Yes, from July." || tr.Questions[1].Code != s2.Code {
			t.Errorf("trace from %v, the questions: %+v", from, tr.Questions)
		}
	}
	a.refused(http.StatusNotFound, "no_question", opTrace, "GET", "/api/consultations/"+id+"/trace?code="+m1.Code+"&question=3", "", nil) // merged while pending: never public
	a.refused(http.StatusNotFound, "no_room", opTrace, "GET", "/api/consultations/"+id+"/trace?code=NOSTEP&question=1", "", nil)
	a.refused(http.StatusBadRequest, "bad_message", opTrace, "GET", "/api/consultations/"+id+"/trace?code="+m1.Code+"&question=x", "", nil)

	// Alice follows her input with her token; forged ones are counted.
	alice.waitFor(func() bool { return alice.welcome.Token != "" })
	var mine mineResponse
	forged := alice.welcome.Token[:len(alice.welcome.Token)-2] + "xx"
	other := createRoom(t, th.url, `{"title":"Elsewhere"}`)
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/mine", "", mineRequest{Tokens: map[string]string{
		m1.Code: alice.welcome.Token, s2.Code: forged, other.Code: alice.welcome.Token,
	}}, &mine)
	if mine.Refused != 2 || len(mine.Questions) != 3 {
		t.Fatalf("mine: %+v", mine)
	}
	q1 := mine.Questions[0]
	if q1.Code != m1.Code || q1.Question != 1 || q1.Text != "Will the budget be published every month?" || q1.Votes != 1 ||
		len(q1.Trace.Hops) != 2 || len(q1.Trace.Commitments) != 1 || q1.Trace.Questions[1].Answer != "Yes, from July." {
		t.Errorf("mine, question 1: %+v", q1)
	}
	if q := mine.Questions[1]; q.Status != room.Answered || q.Answer != "The ministry, with civil society." || len(q.Trace.Hops) != 1 {
		t.Errorf("mine, question 2: %+v", q)
	}
	if q := mine.Questions[2]; q.Status != room.Merged || len(q.Trace.Questions) != 2 || q.Trace.Questions[0].ID != 1 ||
		!slices.Equal(q.Trace.Merged, []consultation.Ref{{Code: m1.Code, Question: 1}}) || len(q.Trace.Commitments) != 1 {
		t.Errorf("mine, question 3 (merged while pending, hers only, followed to where it went): %+v", q)
	}
	var none mineResponse
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/mine", "", mineRequest{Tokens: map[string]string{m1.Code: "v1.forged.token"}}, &none)
	if none.Refused != 1 || len(none.Questions) != 0 {
		t.Errorf("mine with a forged token: %+v", none)
	}

	// Each log verifies, and the three cross-check.
	rows, err := th.store.LoadConsultation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyConsultationChain(rows); err != nil {
		t.Fatal(err)
	}
	var statuses []string
	evs := make([]consultation.Event, len(rows))
	for i, r := range rows {
		evs[i] = r.Event
		if r.Event.Op == consultation.OpStepStatus {
			statuses = append(statuses, r.Event.Code+" "+r.Event.Status)
		}
	}
	if want := []string{m1.Code + " live", m1.Code + " ended", s2.Code + " live"}; !slices.Equal(statuses, want) {
		t.Errorf("step statuses logged: %v, want %v", statuses, want)
	}
	replayed, err := consultation.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	meetings := map[string]room.View{}
	for _, code := range []string{m1.Code, s2.Code} {
		m, err := meetingState(context.Background(), th.store, code)
		if err != nil {
			t.Fatal(err)
		}
		meetings[code] = m.View(room.Moderator)
	}
	if mm := replayed.CrossCheck(meetings); len(mm) != 0 {
		t.Errorf("cross-check: %v", mm)
	}

	// A restarted hub on the same file serves the same consultation.
	_, pubBefore := a.view(id, "")
	_, orgBefore := a.view(id, key)
	th.stop()
	th2 := startHubOn(t, path, testTick)
	a2 := api{t, th2.url}
	if _, pubAfter := a2.view(id, ""); !bytes.Equal(pubAfter, pubBefore) {
		t.Errorf("public view after a restart:\n got %s\nwant %s", pubAfter, pubBefore)
	}
	if _, orgAfter := a2.view(id, key); !bytes.Equal(orgAfter, orgBefore) {
		t.Errorf("organiser view after a restart:\n got %s\nwant %s", orgAfter, orgBefore)
	}
	var again carryResponse
	a2.must(http.StatusOK, "POST", "/api/consultations/"+id+"/carry", key, carryRequest{From: m1.Code, To: s2.Code, All: true}, &again)
	if len(again.Carried) != 0 || len(again.Already) != 1 {
		t.Errorf("carry after a restart: %+v", again)
	}
}

// TestConsultationRefusals: a wrong, missing or other consultation's key,
// and malformed, oversized or unknown commands, are refused with an error
// naming the command, and change nothing.
func TestConsultationRefusals(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Refusals"}`)
	other := a.create(`{"title":"Another"}`)
	id, key := cr.ID, cr.Key
	cmds := "/api/consultations/" + id + "/commands"
	publish := consultation.Command{Op: consultation.OpProposalCreate, Title: "A proposal"}

	a.refused(http.StatusBadRequest, "invalid", "consultation.create", "POST", "/api/consultations", "", `{"title":"Dates","opens":"2026-13-01"}`)
	a.refused(http.StatusBadRequest, "empty", "consultation.create", "POST", "/api/consultations", "", `{"title":"  "}`)
	a.refused(http.StatusBadRequest, "bad_message", "consultation.create", "POST", "/api/consultations", "", `{"title":"x","owner":"me"}`)
	a.refused(http.StatusNotFound, "no_consultation", "consultation.view", "GET", "/api/consultations/NOSUCH", "", nil)
	a.refused(http.StatusNotFound, "no_consultation", "proposal.create", "POST", "/api/consultations/NOSUCH/commands", key, publish)

	seq := consultationHead(t, th.store, id)
	for _, tc := range []struct {
		name, key  string
		body       any
		status     int
		code, op   string
		wantInText string
	}{
		{"no key", "", publish, http.StatusUnauthorized, "bad_key", "proposal.create", "Bearer"},
		{"wrong key", "forged-key", publish, http.StatusForbidden, "bad_key", "proposal.create", "organiser key"},
		{"another consultation's key", other.Key, publish, http.StatusForbidden, "bad_key", "proposal.create", "organiser key"},
		{"not JSON", key, `{"op":`, http.StatusBadRequest, "bad_message", "consultation.command", "malformed"},
		{"unknown field", key, `{"op":"proposal.create","title":"x","author":"me"}`, http.StatusBadRequest, "bad_message", "consultation.command", "author"},
		{"trailing data", key, `{"op":"proposal.create","title":"x"} {}`, http.StatusBadRequest, "bad_message", "consultation.command", "trailing"},
		{"oversized", key, `{"op":"proposal.create","title":"` + strings.Repeat("x", maxCreateBody) + `"}`, http.StatusRequestEntityTooLarge, "too_long", "consultation.command", "larger"},
		{"unknown op", key, `{"op":"proposal.explode"}`, http.StatusBadRequest, "unknown_op", "proposal.explode", "proposal.explode"},
		{"system op", key, `{"op":"step.status","code":"ABCD","status":"live"}`, http.StatusForbidden, "forbidden", "step.status", "organiser may not"},
		{"step added by command", key, `{"op":"step.add","code":"ABCD","title":"x"}`, http.StatusBadRequest, "invalid", "step.add", "/steps"},
		{"carry by command", key, `{"op":"question.carry"}`, http.StatusBadRequest, "invalid", "question.carry", "/carry"},
		{"no such proposal", key, `{"op":"proposal.publish","proposal":"P-9"}`, http.StatusBadRequest, "no_proposal", "proposal.publish", "P-9"},
		{"empty title", key, `{"op":"proposal.create","title":""}`, http.StatusBadRequest, "empty", "proposal.create", "title"},
		{"source outside", key, `{"op":"proposal.create","title":"x","sources":[{"kind":"question","code":"ABCD","question":1}]}`, http.StatusBadRequest, "no_step", "proposal.create", "ABCD"},
		{"create again", key, `{"op":"consultation.create","id":"ABCD","title":"x"}`, http.StatusForbidden, "forbidden", "consultation.create", "organiser may not"},
	} {
		msg := a.refused(tc.status, tc.code, tc.op, "POST", cmds, tc.key, tc.body)
		if !strings.Contains(msg, tc.wantInText) {
			t.Errorf("%s: message %q does not say %q", tc.name, msg, tc.wantInText)
		}
	}
	for _, tc := range []struct {
		name   string
		path   string
		body   any
		status int
		code   string
		op     string
	}{
		{"step without a title", "/steps", stepRequest{}, http.StatusBadRequest, "empty", "step.add"},
		{"step from nowhere", "/steps", stepRequest{Title: "x", From: "NOSTEP"}, http.StatusBadRequest, "no_step", "step.add"},
		{"attach nothing", "/steps", stepRequest{Attach: "NOROOM", ModeratorKey: "k"}, http.StatusNotFound, "no_room", "step.add"},
		{"step, unknown field", "/steps", `{"title":"x","room":"y"}`, http.StatusBadRequest, "bad_message", "step.add"},
		{"carry, neither", "/carry", carryRequest{From: "ABCD", To: "EFGH"}, http.StatusBadRequest, "invalid", "question.carry"},
		{"carry, no steps", "/carry", carryRequest{From: "ABCD", To: "EFGH", All: true}, http.StatusBadRequest, "no_step", "question.carry"},
		{"mine, not JSON", "/mine", `tokens`, http.StatusBadRequest, "bad_message", "consultation.mine"},
	} {
		k := key
		if tc.path == "/mine" {
			k = ""
		}
		a.refused(tc.status, tc.code, tc.op, "POST", "/api/consultations/"+id+tc.path, k, tc.body)
	}
	if now := consultationHead(t, th.store, id); now != seq {
		t.Errorf("refused commands wrote: seq %d, then %d", seq, now)
	}
	if v, _ := a.view(id, key); len(v.View.Proposals) != 0 || len(v.View.Steps) != 0 {
		t.Errorf("refused commands changed the consultation: %+v", v.View)
	}
	rooms, err := th.store.Rooms(context.Background())
	if err != nil || len(rooms) != 0 {
		t.Errorf("refused steps created meetings: %v %v", rooms, err)
	}
	// A reader with a wrong key is refused too, rather than shown the
	// public view as if nothing was wrong.
	a.refused(http.StatusForbidden, "bad_key", "consultation.view", "GET", "/api/consultations/"+id, "forged-key", nil)
}

// TestCarryResumes: a carry cut off after the import into the later
// meeting, or after the record in the earlier one too (a crash between
// logs), is completed by the next carry, with nothing imported twice; the
// three logs then cross-check. A trace follows a question merged into
// another.
func TestCarryResumes(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Resumed"}`)
	id, key := cr.ID, cr.Key
	var s1, s2 stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+id+"/steps", key, stepRequest{Title: "Step 1"}, &s1)
	a.must(http.StatusCreated, "POST", "/api/consultations/"+id+"/steps", key, stepRequest{Title: "Step 2"}, &s2)
	mod := dial(t, th.url, s1.Code, helloArgs{Role: "moderator", Key: s1.ModeratorKey})
	mod.name = "mod"
	mod.must(room.Command{Op: room.OpSettings, Settings: &room.Settings{QAOpen: true}})
	p := dial(t, th.url, s1.Code, helloArgs{Role: "participant"})
	p.name = "p"
	for _, text := range []string{"First, imported only", "Second, imported and recorded", "Third, not started"} {
		p.must(room.Command{Op: room.OpAsk, Text: text})
	}
	mod.waitFor(func() bool { return len(mod.view.Questions) == 3 })

	// The crash: question 1 got to step 2 only; question 2 to step 2 and
	// step 1's record, not the consultation's.
	ctx := context.Background()
	sys := room.Actor{Role: room.System}
	for _, n := range []room.QuestionID{1, 2} {
		text := questionOf(mod.snapshotView(), n).Text
		if _, err := th.hub.submitRoom(ctx, s2.Code, sys, room.Command{Op: room.OpImport, Text: text,
			Link: &room.Link{Consultation: id, Code: s1.Code, Question: n, Step: "Step 1"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := th.hub.submitRoom(ctx, s1.Code, sys, room.Command{Op: room.OpCarry, Question: 2,
		Link: &room.Link{Consultation: id, Code: s2.Code, Question: 2, Step: "Step 2"}}); err != nil {
		t.Fatal(err)
	}

	var carry carryResponse
	a.must(http.StatusOK, "POST", "/api/consultations/"+id+"/carry", key, carryRequest{From: s1.Code, To: s2.Code, All: true}, &carry)
	want := []carried{
		{From: consultation.Ref{Code: s1.Code, Question: 1}, To: consultation.Ref{Code: s2.Code, Question: 1}, Thread: "Q-1"},
		{From: consultation.Ref{Code: s1.Code, Question: 2}, To: consultation.Ref{Code: s2.Code, Question: 2}, Thread: "Q-2"},
		{From: consultation.Ref{Code: s1.Code, Question: 3}, To: consultation.Ref{Code: s2.Code, Question: 3}, Thread: "Q-3"},
	}
	if !slices.Equal(carry.Carried, want) {
		t.Fatalf("carried %+v, want %+v", carry.Carried, want)
	}

	meetings := map[string]room.View{}
	for _, code := range []string{s1.Code, s2.Code} {
		m, err := meetingState(ctx, th.store, code)
		if err != nil {
			t.Fatal(err)
		}
		meetings[code] = m.View(room.Moderator)
	}
	if n := len(meetings[s2.Code].Questions); n != 3 {
		t.Errorf("step 2 has %d questions, want 3: nothing imported twice", n)
	}
	rows, err := th.store.LoadConsultation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	evs := make([]consultation.Event, len(rows))
	for i, r := range rows {
		evs[i] = r.Event
	}
	c, err := consultation.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	if mm := c.CrossCheck(meetings); len(mm) != 0 {
		t.Errorf("cross-check: %v", mm)
	}

	// Step 2 merges question 1 into 2, which a proposal cites: the trace
	// of step 1's question 1 follows the merge to the proposal.
	mod2 := dial(t, th.url, s2.Code, helloArgs{Role: "moderator", Key: s2.ModeratorKey})
	mod2.name = "mod2"
	mod2.must(room.Command{Op: room.OpMerge, Question: 1, Into: 2})
	cmds := "/api/consultations/" + id + "/commands"
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalCreate, Title: "Merged on",
		Sources: []consultation.Source{{Kind: consultation.QuestionSource, Code: s2.Code, Question: 2}}}, nil)
	a.must(http.StatusOK, "POST", cmds, key, consultation.Command{Op: consultation.OpProposalPublish, Proposal: "P-1"}, nil)
	var tr traceResponse
	a.must(http.StatusOK, "GET", fmt.Sprintf("/api/consultations/%s/trace?code=%s&question=1", id, s1.Code), "", nil, &tr)
	into := consultation.Ref{Code: s2.Code, Question: 2}
	if len(tr.Hops) != 2 || !slices.Equal(tr.Merged, []consultation.Ref{into}) || len(tr.Proposals) != 1 || *tr.Proposals[0].Cites != into {
		t.Errorf("trace through a merge: %+v", tr)
	}
	// Its own hops, then the hops of the question it was merged into.
	var got []string
	for _, q := range tr.Questions {
		got = append(got, fmt.Sprintf("%s %d %s", q.Code, q.ID, q.Status))
	}
	if want := []string{s1.Code + " 1 live", s2.Code + " 1 merged", s1.Code + " 2 live", s2.Code + " 2 live"}; !slices.Equal(got, want) {
		t.Errorf("trace through a merge, the questions: %v, want %v", got, want)
	}
}

// TestConsultationEdge: an edge, which has no store, passes the
// consultation API on to its primary through Redis: an organiser works
// through any node as through the primary, with links written for the
// address they used; with no primary to answer, an edge says so, and the
// request may be retried.
func TestConsultationEdge(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server")
	}
	t.Parallel()
	c := startCluster(t)
	p, viaA, viaB := api{t, c.primary.url}, api{t, c.a.url}, api{t, c.b.url}

	cr := viaA.create(`{"title":"Through an edge"}`)
	if !strings.HasPrefix(cr.Links.Public, c.a.url) {
		t.Errorf("links made through edge A name %q, want its address %s", cr.Links.Public, c.a.url)
	}
	var s stepResponse
	viaB.must(http.StatusCreated, "POST", "/api/consultations/"+cr.ID+"/steps", cr.Key, stepRequest{Title: "Step 1"}, &s)
	if v, _ := p.view(cr.ID, ""); len(v.Steps) != 1 || v.Steps[0].Code != s.Code || v.View.Title != "Through an edge" {
		t.Errorf("the primary's view of a consultation made through edges: %+v", v)
	}
	if v, _ := viaB.view(cr.ID, cr.Key); !v.Organiser {
		t.Error("the organiser key did not reach the primary through edge B")
	}
	viaA.refused(http.StatusForbidden, "bad_key", "consultation.view", "GET", "/api/consultations/"+cr.ID, "not-the-key", nil)
	viaA.refused(http.StatusBadRequest, "bad_message", "consultation.command", "POST", "/api/consultations/"+cr.ID+"/commands", cr.Key, `{"op":`)
	viaA.refused(http.StatusNotFound, "no_consultation", "consultation.view", "GET", "/api/consultations/NOSUCH", "", nil)

	// The step meeting, joined through an edge: its start reaches the
	// consultation, which the primary sequences.
	mod := dial(t, c.a.url, s.Code, helloArgs{Role: "moderator", Key: s.ModeratorKey})
	mod.name = "mod-on-edge"
	mod.must(room.Command{Op: room.OpStart})
	if v, _ := viaB.view(cr.ID, ""); len(v.Steps) != 1 || v.Steps[0].Status != consultation.Live {
		t.Errorf("the view through edge B of a step started through edge A: %+v", v.Steps)
	}

	// An edge whose primary does not answer.
	c.primary.stop()
	msg := viaA.refused(http.StatusServiceUnavailable, "unavailable", "consultation.create", "POST", "/api/consultations", "", `{"title":"x"}`)
	if !strings.Contains(msg, "primary") {
		t.Errorf("an edge without its primary: %q", msg)
	}
}

// TestStepStatusFollows: when a step meeting starts and ends, the
// consultation's log records it then, as the server, without anyone
// reading the consultation.
func TestStepStatusFollows(t *testing.T) {
	t.Parallel()
	moved := make(chan string, 4)
	th := startHubWith(t, filepath.Join(t.TempDir(), "tribune.db"), testTick, func(h *Hub) {
		h.cons.moved = func(code string) { moved <- code }
	}, nil)
	a := api{t, th.url}
	cr := a.create(`{"title":"Follows"}`)
	var s stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+cr.ID+"/steps", cr.Key, stepRequest{Title: "Step 1"}, &s)
	mod := dial(t, th.url, s.Code, helloArgs{Role: "moderator", Key: s.ModeratorKey})
	mod.name = "mod"
	last := func() consultation.Event {
		t.Helper()
		rows, err := th.store.LoadConsultation(context.Background(), cr.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rows[len(rows)-1].Event
	}
	for _, x := range []struct {
		op   room.Op
		want consultation.StepStatus
	}{{room.OpStart, consultation.Live}, {room.OpEnd, consultation.Ended}} {
		mod.must(room.Command{Op: x.op})
		select {
		case code := <-moved:
			if code != s.Code {
				t.Fatalf("moved: %s, want %s", code, s.Code)
			}
		case <-time.After(15 * time.Second):
			t.Fatalf("after %s, the consultations were never told", x.op)
		}
		if ev := last(); ev.Op != consultation.OpStepStatus || ev.Code != s.Code || ev.Status != string(x.want) || ev.Actor.Role != consultation.System {
			t.Errorf("after %s the consultation's last event is %+v", x.op, ev)
		}
	}
}

// TestConsultationConcurrent: organisers acting at once on one
// consultation, while its step meeting starts, get one event each,
// numbered without gaps; the log verifies and replays to what is served.
func TestConsultationConcurrent(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	a := api{t, th.url}
	cr := a.create(`{"title":"Busy"}`)
	var s stepResponse
	a.must(http.StatusCreated, "POST", "/api/consultations/"+cr.ID+"/steps", cr.Key, stepRequest{Title: "Step 1"}, &s)
	mod := dial(t, th.url, s.Code, helloArgs{Role: "moderator", Key: s.ModeratorKey})
	mod.name = "mod"

	const n = 16
	seqs := make(chan uint64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, b := a.call("POST", "/api/consultations/"+cr.ID+"/commands", cr.Key,
				consultation.Command{Op: consultation.OpProposalCreate, Title: fmt.Sprintf("Proposal %d", i)})
			var resp commandResponse
			if err := json.Unmarshal(b, &resp); status != http.StatusOK || err != nil {
				t.Errorf("proposal %d: %d %s", i, status, b)
			}
			seqs <- resp.Seq
		})
	}
	mod.must(room.Command{Op: room.OpStart})
	wg.Wait()
	close(seqs)
	seen := map[uint64]bool{}
	for seq := range seqs {
		if seq < 3 || seen[seq] {
			t.Errorf("seq %d given twice, or before the steps", seq)
		}
		seen[seq] = true
	}
	rows, err := th.store.LoadConsultation(context.Background(), cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyConsultationChain(rows); err != nil {
		t.Fatal(err)
	}
	evs := make([]consultation.Event, len(rows))
	for i, r := range rows {
		evs[i] = r.Event
	}
	c, err := consultation.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := a.view(cr.ID, cr.Key)
	want, _ := json.Marshal(c.View(consultation.Organiser))
	if got, _ := json.Marshal(v.View); !bytes.Equal(got, want) || len(v.View.Proposals) != n || v.Steps[0].Status != consultation.Live {
		t.Errorf("served %s\nreplayed %s", got, want)
	}
}

// TestConsultationsLetGo: a hub keeps at most its limit of consultations
// loaded, letting go of the least recently used that nobody holds; one let
// go is read from the store again, whole, when next asked for.
func TestConsultationsLetGo(t *testing.T) {
	t.Parallel()
	th := startHubWith(t, filepath.Join(t.TempDir(), "tribune.db"), testTick, func(h *Hub) { h.cons.max = 2 }, nil)
	a := api{t, th.url}
	var made []createConsultationResponse
	for i := range 4 {
		cr := a.create(fmt.Sprintf(`{"title":"Consultation %d"}`, i))
		a.must(http.StatusOK, "POST", "/api/consultations/"+cr.ID+"/commands", cr.Key,
			consultation.Command{Op: consultation.OpProposalCreate, Title: fmt.Sprintf("Proposal %d", i), Text: "Why."}, nil)
		made = append(made, cr)
	}
	th.hub.cons.mu.Lock()
	n := len(th.hub.cons.byID)
	th.hub.cons.mu.Unlock()
	if n > 2 {
		t.Fatalf("%d consultations loaded, limit 2", n)
	}
	first := made[0]
	a.must(http.StatusOK, "POST", "/api/consultations/"+first.ID+"/commands", first.Key,
		consultation.Command{Op: consultation.OpProposalCreate, Title: "Another", Text: "Why."}, nil)
	v, _ := a.view(first.ID, first.Key)
	if v.View.Title != "Consultation 0" || len(v.View.Proposals) != 2 || !v.Organiser {
		t.Fatalf("a consultation read again: %+v", v.View)
	}

	// One held is never let go, whatever the others.
	var cs consultations
	cs.max = 1
	held := cs.take("held")
	for _, id := range []string{"a", "b", "c"} {
		cs.release(cs.take(id))
	}
	if cs.byID["held"] != held {
		t.Fatal("a consultation in use was let go")
	}
	cs.release(held)
	cs.release(cs.take("d"))
	if _, ok := cs.byID["held"]; ok || len(cs.byID) != 1 {
		t.Fatalf("after its use ended, the registry holds %d, held still there: %v", len(cs.byID), ok)
	}
}
