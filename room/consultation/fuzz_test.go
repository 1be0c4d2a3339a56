package consultation

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// fuzzOps are the ops FuzzConsultation draws from, with an unknown one and
// the busiest ones again.
var fuzzOps = []Op{
	OpCreate, OpEdit, OpStepAdd, OpStepEdit, OpStepStatus, OpCarry,
	OpProposalCreate, OpProposalEdit, OpProposalPublish, OpProposalMerge, OpProposalWithdraw,
	OpCommitmentCreate, OpCommitmentEdit, OpCommitmentStatus, "bogus",
	OpCarry, OpCarry, OpProposalCreate, OpProposalPublish, OpProposalPublish, OpProposalMerge,
	OpCommitmentCreate, OpCommitmentStatus, OpCommitmentStatus, OpStepAdd,
}

// fuzzText never holds "org-" nor "hub-": the leak check looks for actor ids.
var fuzzText = []string{
	"Publish the budget", "  padded  ", "", "a\nb", "bad \xff utf8", "bidi \u202e",
	"line\u2028sep", strings.Repeat("long ", 50), "Été 2026", "x", "same", "Budget?",
}

var (
	fuzzCodes    = []string{"STEP1", "STEP2", "STEP3", "STEP4", "CONS1", "bad"}
	fuzzDates    = []string{"", "", "2026-01-10", "2026-13-01", "2025-12-31"}
	fuzzLinks    = []string{"", "", "https://example.org/e", "javascript:x"}
	fuzzStatuses = []string{"upcoming", "live", "ended", "not_started", "limited", "substantial", "complete", "withdrawn", "", "bogus"}
	fuzzActors   = []Actor{{ID: "org-1", Role: Organiser}, {ID: "org-2", Role: Organiser}, {ID: "hub-1", Role: System}, {Role: Public}, {Role: 0}}
)

type fuzzInput struct{ b []byte }

func (in *fuzzInput) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	x := in.b[0]
	in.b = in.b[1:]
	return x
}

func (in *fuzzInput) n(k int) int { return int(in.byte()) % k }

func pick[T any](in *fuzzInput, s []T) T { return s[in.n(len(s))] }

// next returns the next command and who sends it: mostly the role that
// may, sometimes any.
func (in *fuzzInput) next(c *Consultation) (Actor, Command) {
	op := pick(in, fuzzOps)
	a := Actor{ID: "org-1", Role: Organiser}
	if opRoles[op] == System {
		a = Actor{ID: "hub-1", Role: System}
	}
	if in.n(16) == 0 {
		a = pick(in, fuzzActors)
	}
	text := func() string { return pick(in, fuzzText) }
	pid := func() string { return fmt.Sprintf("P-%d", in.n(len(c.proposals)+2)) }
	cid := func() string { return fmt.Sprintf("C-%d", in.n(len(c.commitments)+2)) }
	ref := func() *Ref {
		if in.n(10) == 0 {
			return nil
		}
		return &Ref{Code: pick(in, fuzzCodes), Question: room.QuestionID(in.n(4))}
	}
	k := Command{Op: op}
	switch op {
	case OpCreate, OpEdit:
		k.ID, k.Title, k.Text = pick(in, []string{"CONS1", "c1"}), text(), text()
		k.Opens, k.Closes = pick(in, fuzzDates), pick(in, fuzzDates)
	case OpStepAdd, OpStepEdit:
		k.Code, k.Title, k.Date = pick(in, fuzzCodes), text(), pick(in, fuzzDates)
	case OpStepStatus:
		k.Code, k.Status = pick(in, fuzzCodes), pick(in, fuzzStatuses)
	case OpCarry:
		k.From, k.To, k.Text, k.Votes = ref(), ref(), text(), in.n(30)-1
	case OpProposalCreate, OpProposalEdit:
		k.Proposal, k.Title, k.Text = pid(), text(), text()
		for range in.n(3) {
			k.Sources = append(k.Sources, Source{
				Kind: pick(in, []SourceKind{QuestionSource, PollSource, OutcomeSource, IdeaSource, "bogus"}), Code: pick(in, fuzzCodes),
				Question: room.QuestionID(in.n(3)), Poll: room.PollID(in.n(3)), Step: in.n(3) - 1, Idea: room.IdeaID(in.n(3)),
			})
		}
	case OpProposalPublish:
		k.Proposal = pid()
	case OpProposalMerge:
		k.Proposal, k.Into = pid(), pid()
	case OpProposalWithdraw:
		k.Proposal, k.Reason = pid(), text()
	case OpCommitmentCreate, OpCommitmentEdit:
		k.Commitment, k.Title, k.Text = cid(), text(), text()
		for range in.n(3) {
			k.Proposals = append(k.Proposals, pid())
		}
		for range in.n(3) {
			k.Milestones = append(k.Milestones, Milestone{Text: text(), Due: pick(in, fuzzDates), Evidence: pick(in, fuzzLinks)})
		}
	case OpCommitmentStatus:
		k.Commitment, k.Status, k.Note, k.Evidence = cid(), pick(in, fuzzStatuses), text(), pick(in, fuzzLinks)
	}
	return a, k
}

// fuzzModel is what the accepted events say, computed apart from the
// reducer: each proposal's text as last defined, which were published,
// and when each public id was first made.
type fuzzModel struct {
	proposals   []Command // by number - 1: the last create or edit
	published   map[string]bool
	commitments int
	threads     int
	made        map[string]int64 // public id -> At of the event that made it
}

func (m *fuzzModel) apply(t *testing.T, ev Event) {
	switch ev.Op {
	case OpProposalCreate:
		if want := fmt.Sprintf("P-%d", len(m.proposals)+1); ev.Proposal != want {
			t.Fatalf("proposal id %s, want %s", ev.Proposal, want)
		}
		m.proposals = append(m.proposals, ev.Command)
	case OpProposalEdit:
		m.proposals[num("P-", ev.Proposal)-1] = ev.Command
	case OpProposalPublish:
		m.published[ev.Proposal] = true
	case OpCommitmentCreate:
		m.commitments++
		if want := fmt.Sprintf("C-%d", m.commitments); ev.Commitment != want {
			t.Fatalf("commitment id %s, want %s", ev.Commitment, want)
		}
	case OpCarry:
		if want := fmt.Sprintf("Q-%d", m.threads+1); ev.Thread == want {
			m.threads++
		} else if num("Q-", ev.Thread) < 1 || num("Q-", ev.Thread) > m.threads {
			t.Fatalf("thread %s, with %d threads before", ev.Thread, m.threads)
		}
	}
}

// check compares the public and organiser views with the model.
func (m *fuzzModel) check(c *Consultation) error {
	pv, ov := c.View(Public), c.View(Organiser)
	if len(ov.Proposals) != len(m.proposals) {
		return fmt.Errorf("the organiser sees %d proposals of %d", len(ov.Proposals), len(m.proposals))
	}
	n := 0
	for _, p := range pv.Proposals {
		if !m.published[p.ID] {
			return fmt.Errorf("unpublished %s in the public view", p.ID)
		}
		def := m.proposals[num("P-", p.ID)-1]
		if p.Title != def.Title || p.Text != def.Text || p.Status == Draft {
			return fmt.Errorf("public %s is not as published", p.ID)
		}
		n++
	}
	if n != len(m.published) {
		return fmt.Errorf("%d published proposals, %d public", len(m.published), n)
	}
	js, err := json.Marshal(pv)
	if err != nil {
		return err
	}
	if s := string(js); strings.Contains(s, "org-") || strings.Contains(s, "hub-") {
		return fmt.Errorf("an actor id in the public view")
	}
	// Public ids stay, naming what they named.
	seen := map[string]int64{}
	for _, p := range pv.Proposals {
		seen[p.ID] = p.At
	}
	for _, x := range pv.Commitments {
		seen[x.ID] = x.At
	}
	for _, x := range pv.Carried {
		if _, ok := seen[x.Thread]; !ok {
			seen[x.Thread] = x.At
		}
	}
	for id, at := range m.made {
		if got, ok := seen[id]; !ok || got != at {
			return fmt.Errorf("public id %s made at %d is gone or changed (%d, %v)", id, at, got, ok)
		}
	}
	for id, at := range seen {
		if _, ok := m.made[id]; !ok {
			m.made[id] = at
		}
	}
	return nil
}

// checkTraces checks the trace of every question carried and of one
// never carried: only published proposals, and the same way from every
// step of it.
func (m *fuzzModel) checkTraces(c *Consultation) error {
	refs := []Ref{{"STEP1", 1}}
	for _, x := range c.View(Public).Carried {
		refs = append(refs, x.From)
	}
	for _, r := range refs {
		t, err := c.Trace(r)
		if err != nil {
			return fmt.Errorf("trace of %v: %w", r, err)
		}
		for _, p := range t.Proposals {
			if !m.published[p.ID] {
				return fmt.Errorf("trace of %v shows unpublished %s", r, p.ID)
			}
		}
		for _, h := range t.Hops {
			u, err := c.Trace(h.Ref)
			if err != nil {
				return err
			}
			u.Asked = t.Asked
			if mustJSONString(u) != mustJSONString(t) {
				return fmt.Errorf("the trace of %v differs from that of %v, on its way", h.Ref, r)
			}
		}
	}
	return nil
}

// FuzzConsultation applies random command sequences and checks, after
// every step: a refused command changed nothing; Decide and Handle agree;
// the event, through JSON, applies to a replica with the same digest; the
// public view holds only published proposals as published, and no actor
// id, and so do traces, the same from every step of a question's way;
// every public id once seen stays, naming the same thing, and ids are
// assigned in order. At the end, replaying the log gives the same digest.
func FuzzConsultation(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x02\x00\x00\x00\x00\x04\x00\x01\x01\x03\x04\x00\x00\x01\x05\x00\x00\x01\x01\x00\x02\x00\x05"))
	f.Add([]byte(strings.Repeat("\x05\x00\x00\x00\x00\x00\x07\x00\x01\x0a\x00\x00\x00\x02\x0c\x00\x01\x04\x00\x00", 4)))
	f.Fuzz(fuzzConsultation)
}

func fuzzConsultation(t *testing.T, data []byte) {
	if len(data) > 600 {
		t.Skip("100 commands take at most 600 bytes")
	}
	in := &fuzzInput{b: data}
	c, replica := New(), New()
	model := &fuzzModel{published: map[string]bool{}, made: map[string]int64{}}
	var events []Event
	at := t0
	accept := func(ev Event) {
		t.Helper()
		events = append(events, ev)
		model.apply(t, ev)
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if err := replica.Apply(back); err != nil {
			t.Fatalf("replica refused %s: %v", b, err)
		}
		if replica.Digest() != c.Digest() {
			t.Fatalf("replica differs after %s", b)
		}
	}
	prime := []struct {
		a Actor
		k Command
	}{
		{Actor{ID: "hub-1", Role: System}, Command{Op: OpCreate, ID: "CONS1", Title: "Fuzz"}},
		{Actor{ID: "org-1", Role: Organiser}, Command{Op: OpStepAdd, Code: "STEP1", Title: "One"}},
		{Actor{ID: "org-1", Role: Organiser}, Command{Op: OpStepAdd, Code: "STEP2", Title: "Two"}},
	}
	for _, p := range prime {
		ev, err := c.Handle(p.a, at, p.k)
		if err != nil {
			t.Fatal(err)
		}
		accept(ev)
	}
	for step := 0; len(in.b) > 0 && step < 100; step++ {
		a, k := in.next(c)
		at += int64(in.n(3)) * 1000
		before, seq := c.Digest(), c.Seq()
		dec, decErr := c.Decide(a, at, k)
		ev, err := c.Handle(a, at, k)
		if (err == nil) != (decErr == nil) {
			t.Fatalf("%s: Decide says %v, Handle %v", k.Op, decErr, err)
		}
		if err != nil {
			if c.Digest() != before || c.Seq() != seq {
				t.Fatalf("refused %s (%v) changed the consultation", k.Op, err)
			}
			continue
		}
		if a, b := mustJSONString(dec), mustJSONString(ev); a != b {
			t.Fatalf("Decide %s, Handle %s", a, b)
		}
		accept(ev)
		if err := model.check(c); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
		if err := model.checkTraces(c); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
	}
	re, err := Replay(events)
	if err != nil {
		t.Fatal(err)
	}
	if re.Digest() != c.Digest() {
		t.Fatal("replay differs from the live consultation")
	}
}

func mustJSONString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
