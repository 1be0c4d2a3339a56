package room

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// fuzzOps are the ops FuzzRoom draws from, with an unknown one.
var fuzzOps = []Op{
	OpCreate, OpEdit, OpSettings, OpStart, OpEnd, OpAgenda, OpGoto, OpOutcome, OpAnnounce,
	OpJoin, OpLeave, OpRename, OpPresenceReset,
	OpAsk, OpQuestionEdit, OpWithdraw, OpUpvote, OpUnvote, OpApprove, OpReject,
	OpAnswer, OpReopen, OpHighlight, OpPin, OpArchive, OpRestore, OpMerge,
	OpPollCreate, OpPollEdit, OpPollDelete, OpPollOpen, OpPollClose,
	OpPollVisibility, OpPollLock, OpPollShow, OpVote,
	OpFloorRequest, OpFloorWithdraw, OpFloorCall, OpFloorDone, OpFloorDrop,
	OpReact, OpReactions, OpImport, OpCarry, "bogus",
	OpTeamAdd, OpTeamAdd, OpTeamRevoke, OpNote, OpNote, OpCharter,
	OpRecording,
	OpCheckin, OpCheckin, OpCardsIssue,
	// The ops of a busy room, again, so that random input reaches them often.
	OpAsk, OpAsk, OpAsk, OpUpvote, OpUpvote, OpUpvote, OpUnvote, OpApprove, OpReject,
	OpMerge, OpAnswer, OpHighlight, OpJoin, OpLeave,
	OpPollCreate, OpPollCreate, OpPollOpen, OpPollOpen, OpPollClose, OpPollVisibility,
	OpVote, OpVote, OpVote, OpVote, OpVote, OpVote,
	// The ideas board (idea.go), its busy ops again.
	OpBoardOpen, OpBoardClose, OpIdeaSubmit, OpIdeaVote, OpIdeaUnvote, OpIdeaApprove, OpIdeaReject,
	OpIdeaMerge, OpIdeaPoll, OpBoardOpen, OpIdeaSubmit, OpIdeaSubmit, OpIdeaVote, OpIdeaVote, OpIdeaVote,
	OpIdeaApprove, OpIdeaMerge,
}

// fuzzText never contains "pid-": the leak check looks for participant ids.
var fuzzText = []string{
	"Why is the park closing?", "  padded  ", "", "a\nb", "bad \xff utf8",
	"bidi \u202e", strings.Repeat("long ", 70), "Trees and benches, les arbres",
	"Été 2026", "\t", "x", strings.Repeat("é", 81), "same", "same ", "Merci",
	"Trees again", "Parks", "Budget?", "Bus lines", "Les arbres du parc",
}

var (
	fuzzPIDs = []string{"pid-a", "pid-b", "pid-c", "pid-d", "pid-e", "card-1", "card-2", "card-9"}
	// fuzzCards are card hashes, the last not one; "cafe" marks them for
	// the leak check: no view holds one.
	fuzzCards     = []string{strings.Repeat("cafe", 16), strings.Repeat("cafe", 15) + "0001", strings.Repeat("cafe", 15) + "0002", strings.Repeat("CAFE", 16)}
	fuzzCountings = []Counting{"", "", CountOpen, CountRoom, CountCards, CountRoom, CountCards, "bogus"}
	// The organiser (any id but a seat's), seats the room may have
	// assigned, and one written another way.
	fuzzMods   = []string{"mod-1", "moderator", "seat-1", "seat-2", "seat-3", "seat-01"}
	fuzzScopes = []Scope{ScopeAll, ScopeQuestions, ScopeBackstage, "", "bogus"}
	// fuzzNotes hold "backstage-": the leak check looks for it in the
	// participants' and the screen's views.
	fuzzNotes = []string{"backstage-dup", " backstage-time is up ", "", "backstage-\x00"}
	// fuzzHashes are key hashes, the last not one; "beef" marks them for
	// the leak check.
	fuzzHashes = []string{strings.Repeat("beef", 16), strings.Repeat("beef", 15) + "0000", strings.Repeat("BEEF", 16)}
	fuzzOpts   = []string{"a", "b", "c", "d", "e", " ", "a"}
	fuzzScales = []int{0, 2, 5, 11, 1}
	fuzzVis    = []Visibility{Live, AfterVoting, AfterClose, Hidden, AfterVoting, "", "bad"}
	fuzzKinds  = []PollKind{Single, Multiple, Rating, Open, "", Ranking, Points, Ranking, Points}
	// Budgets of a points poll, in and out of range.
	fuzzBudgets = []int{0, 1, 3, 10, 100, 101, -1}
	// Durations, in and out of range: no limit, a speaker's, a day and more.
	fuzzSeconds = []int{0, 0, 120, -1, 3600, 3601, 86400, 86401}
	fuzzReason  = []Reason{Duplicate, OffTopic, Abusive, AlreadyAnswered, OtherReason, "", "bogus"}
)

// fuzzInput hands out the bytes of a fuzz input, then zeros.
type fuzzInput struct {
	b []byte
}

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

// next returns the next command and who sends it: mostly a role that may,
// sometimes any.
func (in *fuzzInput) next(r *Room) (Actor, Command) {
	op := pick(in, fuzzOps)
	if (op == OpEnd || op == OpCreate) && in.n(16) != 0 {
		op = OpUpvote // an ended room refuses nearly everything: end rarely
	}
	who := in.byte()
	pid := pick(in, fuzzPIDs)
	var a Actor
	switch rule := opRules[op]; {
	case who >= 240:
		a = Actor{ID: pid, Role: Role(who % 6)} // any role, invalid ones too
	case rule.roles.has(System):
		a = Actor{ID: pid, Role: System}
	case rule.roles.has(Moderator):
		a = Actor{ID: fuzzMods[int(who)%len(fuzzMods)], Role: Moderator}
	default:
		a = Actor{ID: pid, Role: Participant}
	}
	// Mostly ids that exist, sometimes 0 or the next one.
	id := func(n int) int {
		if x := int(in.byte()); x < 16 {
			return x % (n + 2)
		} else {
			return 1 + x%max(1, n)
		}
	}
	qid := func() QuestionID { return QuestionID(id(len(r.questions))) }
	pollID := func() PollID { return PollID(id(len(r.polls))) }
	text := func() string { return pick(in, fuzzText) }
	c := Command{Op: op}
	switch op {
	case OpCreate, OpEdit:
		c.Title, c.Text, c.Code = text(), text(), pick(in, []string{"ABCD", "abc", "ABC234"})
	case OpSettings:
		bits := in.byte()
		c.Settings = &Settings{
			QAOpen: bits&1 != 0 || bits&64 != 0, PreModeration: bits&2 != 0, Anonymous: bits&4 != 0,
			Reactions: bits&8 != 0, HideCount: bits&16 != 0,
			MaxLength: pick(in, []int{0, 0, 20, 19, 2000}),
			Counting:  pick(in, fuzzCountings),
			StreamURL: pick(in, []string{"", "https://example.org/live", "ftp://x"}),
			SignURL:   pick(in, []string{"", "", "https://example.org/lsf", "data:x"}),
		}
	case OpAgenda:
		for range in.n(4) {
			c.Steps = append(c.Steps, text())
		}
	case OpGoto:
		c.Step = in.n(5) - 1
	case OpOutcome:
		c.Step, c.Text = in.n(5)-1, text()
	case OpFloorRequest:
		c.Text = text()
	case OpFloorWithdraw, OpFloorCall, OpFloorDone, OpFloorDrop:
		c.Floor = FloorID(in.n(5))
		if op == OpFloorCall || in.n(8) == 0 {
			c.Seconds = pick(in, fuzzSeconds)
		}
	case OpAnnounce:
		c.Text = text()
		c.Seconds = pick(in, fuzzSeconds)
	case OpRecording:
		if in.n(8) != 0 {
			c.Recording = &Recording{URL: pick(in, fuzzRecordings), Start: pick(in, []int64{0, 0, t0, -1}), Offset: pick(in, fuzzSeconds)}
		}
	case OpJoin:
		c.Channel = pick(in, []Channel{InRoom, Remote, InRoom, ""})
		c.Name = pick(in, []string{"", "", "Ann", "a\nb"})
	case OpRename:
		c.Name = pick(in, []string{"", "Ann", "Bea", "\u200f"})
	case OpAsk:
		c.Text, c.Name = text(), pick(in, []string{"", "", "Ann"})
	case OpQuestionEdit, OpAnswer:
		c.Question, c.Text = qid(), text()
	case OpWithdraw, OpUpvote, OpUnvote, OpApprove, OpReopen, OpHighlight, OpArchive, OpRestore:
		c.Question = qid()
	case OpReject:
		c.Question, c.Reason, c.Note = qid(), pick(in, fuzzReason), pick(in, []string{"", "off topic", "\x00"})
		c.Rule = in.n(7) - 1
	case OpTeamAdd:
		c.Name, c.Scope, c.KeyHash = pick(in, []string{"Chair", "Backstage", "", "a\nb"}), pick(in, fuzzScopes), pick(in, fuzzHashes)
	case OpTeamRevoke:
		c.Seat = SeatID(id(len(r.team)))
	case OpCardsIssue:
		from := in.n(len(fuzzCards))
		for i := range 1 + in.n(3) {
			c.Cards = append(c.Cards, fuzzCards[(from+i)%len(fuzzCards)])
		}
	case OpNote:
		c.Text = pick(in, fuzzNotes)
		if in.n(2) == 0 {
			c.Question = qid()
		}
	case OpCharter:
		for range in.n(4) {
			c.Rules = append(c.Rules, text())
		}
	case OpPin:
		c.Question, c.On = qid(), in.n(2) == 1
	case OpMerge:
		c.Question, c.Into = qid(), qid()
	case OpPollCreate, OpPollEdit:
		c.Poll, c.Kind, c.Text = pollID(), pick(in, fuzzKinds), text()
		if c.Kind == Single || c.Kind == Multiple || c.Kind == Ranking || c.Kind == Points || in.n(8) == 0 {
			from, n := in.n(len(fuzzOpts)), 1+in.n(4)
			for i := range n {
				c.Options = append(c.Options, fuzzOpts[(from+i)%len(fuzzOpts)])
			}
		}
		c.Visibility = pick(in, fuzzVis)
		c.Counting = pick(in, fuzzCountings)
		if in.n(4) == 0 {
			c.Max, c.Scale = in.n(4), pick(in, fuzzScales)
		}
		if c.Kind == Points || in.n(8) == 0 {
			c.Budget = pick(in, fuzzBudgets)
		}
		if in.n(3) == 0 { // a quiz, its right options sometimes out of range
			for range 1 + in.n(2) {
				c.Correct = append(c.Correct, in.n(5))
			}
		}
	case OpPollDelete, OpPollOpen, OpPollClose, OpPollShow:
		c.Poll = pollID()
	case OpPollVisibility:
		c.Poll, c.Visibility = pollID(), pick(in, fuzzVis)
	case OpPollLock:
		c.Poll, c.On = pollID(), in.n(2) == 1
	case OpVote:
		c.Poll = pollID()
		shape := in.n(5)
		if shape < 3 && c.Poll >= 1 && int(c.Poll) <= len(r.polls) {
			// Mostly a ballot of the poll's kind.
			shape = map[PollKind]int{Rating: 0, Open: 1}[r.polls[c.Poll-1].kind]
			if k := r.polls[c.Poll-1].kind; k == Single || k == Multiple {
				shape = 2
			}
			if k := r.polls[c.Poll-1].kind; k == Ranking || k == Points {
				shape = map[PollKind]int{Ranking: 5, Points: 6}[k]
			}
		}
		switch shape {
		case 5: // a ranking, mostly a permutation of the right length
			p := r.polls[c.Poll-1]
			n := len(p.options)
			c.Choices = make([]int, n)
			for i := range c.Choices {
				c.Choices[i] = i
			}
			for i := n - 1; i > 0; i-- { // shuffled by the input
				j := in.n(i + 1)
				c.Choices[i], c.Choices[j] = c.Choices[j], c.Choices[i]
			}
			c.Choices = c.Choices[:p.max]
			switch in.n(6) {
			case 0: // a repeated option
				c.Choices = append(c.Choices[:len(c.Choices)-1], c.Choices[0])
			case 1: // out of range
				c.Choices[0] = n
			case 2: // a place too many or too few
				c.Choices = append(c.Choices, in.n(n+1))[in.n(2):]
			}
		case 6: // points, mostly within the budget and per-option maximum
			p := r.polls[c.Poll-1]
			c.Points = make([]int, len(p.options))
			left := p.budget
			for range 1 + in.n(3) {
				i := in.n(len(c.Points))
				x := min(1+in.n(p.max), p.max-c.Points[i], left)
				c.Points[i] += x
				left -= x
			}
			switch in.n(8) {
			case 0: // over the per-option maximum
				c.Points[in.n(len(c.Points))] = p.max + 1
			case 1: // negative
				c.Points[in.n(len(c.Points))] = -1
			case 2: // an option too many
				c.Points = append(c.Points, 1)
			case 3: // every option at its maximum: mostly over the budget
				for i := range c.Points {
					c.Points[i] = p.max
				}
			case 4: // no point at all
				clear(c.Points)
			}
		case 0:
			c.Rating = in.n(7)
		case 1:
			c.Text = text()
		default:
			for range 1 + in.n(3) {
				c.Choices = append(c.Choices, in.n(6)-1)
			}
		}
	case OpBoardOpen, OpBoardClose, OpIdeaSubmit, OpIdeaVote, OpIdeaUnvote, OpIdeaApprove, OpIdeaReject, OpIdeaMerge, OpIdeaPoll:
		in.idea(r, &c, id, text)
	case OpReact:
		c.Reaction = pick(in, append(slices.Clone(Reactions), "boo"))
	case OpReactions:
		c.Counts = map[Reaction]int{pick(in, Reactions): in.n(4)}
	case OpImport, OpCarry:
		c.Question, c.Text = qid(), text()
		if in.n(8) != 0 {
			c.Link = &Link{
				Consultation: pick(in, []string{"CONS1", "CONS1", "c1"}),
				Code:         pick(in, []string{"STEP1", "STEP3", "FUZZ", ""}),
				Question:     QuestionID(in.n(4)),
				Votes:        in.n(20) - 1,
				Step:         pick(in, []string{"", "Step 1", "a\nb"}),
			}
		}
	}
	return a, c
}

// fuzzModel is what the accepted events say about votes and ballots,
// computed apart from the room.
type fuzzModel struct {
	voters  map[QuestionID]map[string]bool
	ballots map[PollID]map[string]Ballot
	ideas   map[IdeaID]map[string]bool // idea.go: who voted for each idea
}

func (m *fuzzModel) apply(ev Event) {
	m.applyIdea(ev)
	switch ev.Op {
	case OpUpvote:
		if m.voters[ev.Question] == nil {
			m.voters[ev.Question] = map[string]bool{}
		}
		m.voters[ev.Question][ev.Actor.ID] = true
	case OpUnvote:
		delete(m.voters[ev.Question], ev.Actor.ID)
	case OpMerge:
		if m.voters[ev.Into] == nil {
			m.voters[ev.Into] = map[string]bool{}
		}
		maps.Copy(m.voters[ev.Into], m.voters[ev.Question])
		delete(m.voters, ev.Question)
	case OpVote:
		if m.ballots[ev.Poll] == nil {
			m.ballots[ev.Poll] = map[string]Ballot{}
		}
		m.ballots[ev.Poll][ev.Actor.ID] = Ballot{Choices: ev.Choices, Rating: ev.Rating, Text: ev.Text, Points: ev.Points}
	}
}

// check compares the moderator's view with the model.
func (m *fuzzModel) check(v View) error {
	if err := m.checkIdeas(v); err != nil {
		return err
	}
	for _, q := range v.Questions {
		if q.Votes != len(m.voters[q.ID]) {
			return fmt.Errorf("question %d has %d votes, %d voters", q.ID, q.Votes, len(m.voters[q.ID]))
		}
	}
	for _, p := range v.Polls {
		bs := m.ballots[p.ID]
		if p.Ballots != len(bs) {
			return fmt.Errorf("poll %d counts %d ballots, model %d", p.ID, p.Ballots, len(bs))
		}
		want := Results{}
		switch p.Kind {
		case Single, Multiple:
			want.Tally = make([]int, len(p.Options))
			for _, b := range bs {
				for _, x := range b.Choices {
					want.Tally[x]++
				}
			}
		case Rating:
			want.Tally = make([]int, p.Scale)
			sum := 0
			for _, b := range bs {
				want.Tally[b.Rating-1]++
				sum += b.Rating
			}
			if len(bs) > 0 {
				want.Average = float64(sum) / float64(len(bs))
			}
		case Ranking: // Borda: n-1 for first place ... and 0 for unranked
			want.Tally, want.First = make([]int, len(p.Options)), make([]int, len(p.Options))
			for _, b := range bs {
				if len(b.Choices) != p.Max {
					return fmt.Errorf("poll %d holds a ranking of %d places, want %d", p.ID, len(b.Choices), p.Max)
				}
				for i, x := range b.Choices {
					want.Tally[x] += len(p.Options) - 1 - i
				}
				want.First[b.Choices[0]]++
			}
		case Points:
			want.Tally, want.Voters = make([]int, len(p.Options)), make([]int, len(p.Options))
			for _, b := range bs {
				sum := 0
				for i, x := range b.Points {
					if x < 0 || x > p.Max {
						return fmt.Errorf("poll %d holds %d points for one option, max %d", p.ID, x, p.Max)
					}
					sum += x
					want.Tally[i] += x
					if x > 0 {
						want.Voters[i]++
					}
				}
				if sum < 1 || sum > p.Budget {
					return fmt.Errorf("poll %d holds a ballot of %d points, budget %d", p.ID, sum, p.Budget)
				}
			}
		case Open:
			words := map[string]int{}
			for _, b := range bs {
				for _, w := range ballotWords(b.Text) {
					words[w]++
				}
			}
			want.Words = cloud(words)
		}
		if mustJSONString(want) != mustJSONString(p.Results) {
			return fmt.Errorf("poll %d results %s, model %s", p.ID, mustJSONString(p.Results), mustJSONString(want))
		}
	}
	return nil
}

// FuzzRoom applies random command sequences from several participants and
// moderators and checks, after every step: a refused command changed
// nothing; the event, through JSON, applies to a replica with the same
// digest; tallies and upvote counts equal the ballots and upvotes of the
// log; at most one question is highlighted, and a visible one; no
// participant's view and Mine, nor the screen's view, holds what they may
// not see; patches bring every role's view to the current one. At the end,
// replaying the whole log gives the same digest.
func FuzzRoom(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x0c\x00\x00\x00\x0f\x00\x01\x00\x0f\x00\x02\x00\x12\x00\x00\x01\x04\x02"))
	f.Add([]byte("\x1a\x01\x00\x00\x00\x00\x00\x00\x00\x1d\x01\x00\x01\x22\x00\x01\x01\x02\x22\x00\x02\x01\x03\x1e\x01\x00\x01"))
	f.Add([]byte(strings.Repeat("\x26\x00\x00\x00\x00\x27\x00\x01\x01\x28\x00\x02\x01\x1f\x01\x00\x01", 4)))
	f.Add([]byte("\x02\x00\x00\x02\x00\x00\x0c\x00\x00\x00\x0c\x00\x01\x01\x11\x00\x00\x01\x12\x00\x00\x02\x00\x00\x19\x00\x00\x02\x01\x04\x02\x03"))
	for _, seed := range ideaSeeds() {
		f.Add(seed)
	}
	f.Fuzz(fuzzRoom)
}

func fuzzRoom(t *testing.T, data []byte) {
	if len(data) > 512 {
		t.Skip("100 commands take at most 512 bytes") // keeps minimising fast
	}
	in := &fuzzInput{b: data}
	r, replica := New(), New()
	model := &fuzzModel{voters: map[QuestionID]map[string]bool{}, ballots: map[PollID]map[string]Ballot{}, ideas: map[IdeaID]map[string]bool{}}
	var events []Event
	at := t0
	accept := func(ev Event) {
		t.Helper()
		events = append(events, ev)
		model.apply(ev)
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var back Event
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if err := replica.Apply(back); err != nil {
			t.Fatalf("replica refused event %s: %v", b, err)
		}
		if replica.Digest() != r.Digest() {
			t.Fatalf("replica differs after %s", b)
		}
	}
	prime := []step{
		{sys, Command{Op: OpCreate, Title: "Fuzz", Code: "FUZZ", Steps: []string{"one", "two"}}},
		{sys.as("pid-a"), Command{Op: OpJoin, Channel: InRoom}},
		{sys.as("pid-b"), Command{Op: OpJoin, Channel: Remote}},
		{sys.as("pid-c"), Command{Op: OpJoin, Channel: InRoom}},
		{sys.as("pid-d"), Command{Op: OpJoin, Channel: InRoom}},
	}
	for _, st := range prime {
		ev, err := r.Handle(st.a, at, st.c)
		if err != nil {
			t.Fatal(err)
		}
		accept(ev)
	}
	var fs []*follower
	for _, role := range []Role{Participant, Moderator, Screen} {
		fs = append(fs, newFollower(r, role, 1), newFollower(r, role, 5))
	}
	for step := 0; len(in.b) > 0 && step < 100; step++ {
		a, c := in.next(r)
		at += int64(in.n(3)) * 1000
		if c.Op == OpReact {
			_ = r.CheckReact(a, c.Reaction)
			continue
		}
		before, seq := r.Digest(), r.Seq()
		acts, scope := r.Acts(a), Scope("")
		if id, ok := parseSeat(a.ID); ok && a.Role == Moderator && r.seat(id) != nil {
			scope = r.seat(id).scope
		}
		ev, err := r.Handle(a, at, c)
		if err == nil && !acts {
			t.Fatalf("%s from %s, a revoked or unknown seat, was accepted", c.Op, a.ID)
		}
		if err == nil && (scope == ScopeBackstage && c.Op != OpNote || scope == ScopeQuestions && !questionOps[c.Op]) {
			t.Fatalf("%s from %s (scope %s) was accepted", c.Op, a.ID, scope)
		}
		if err != nil {
			if r.Digest() != before || r.Seq() != seq {
				t.Fatalf("refused %s (%v) changed the room", c.Op, err)
			}
			continue
		}
		accept(ev)
		for _, f := range fs {
			if err := f.event(r, ev); err != nil {
				t.Fatalf("after %s: %v", mustJSONString(ev), err)
			}
		}
		mv := r.View(Moderator)
		if err := model.check(mv); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
		if h := mv.Meeting.Highlight; h != 0 && !r.questions[h-1].visible() {
			t.Fatalf("highlighted question %d is not visible", h)
		}
		if err := viewLeak(r, r.View(Participant)); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
		for _, pid := range fuzzPIDs {
			mine := r.Mine(pid)
			if err := mineLeak(r, &mine, pid); err != nil {
				t.Fatalf("after %s: %v", mustJSONString(ev), err)
			}
		}
		if err := viewLeak(r, r.View(Screen)); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
		if err := backstageLeak(r); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
		if err := countedVoters(r, events); err != nil {
			t.Fatalf("after %s: %v", mustJSONString(ev), err)
		}
	}
	for _, f := range fs {
		if err := f.flush(r); err != nil {
			t.Fatal(err)
		}
	}
	re, err := Replay(events)
	if err != nil {
		t.Fatal(err)
	}
	if re.Digest() != r.Digest() {
		t.Fatal("replay differs from the live room")
	}
}

// backstageLeak finds a note or a key hash where only the moderators may
// see it, or anywhere for a hash: the participants' and the screen's
// views, every Mine, and the moderators' ledger (public in the report).
func backstageLeak(r *Room) error {
	pub := []any{r.View(Participant), r.View(Screen)}
	for _, pid := range fuzzPIDs {
		pub = append(pub, r.Mine(pid))
	}
	mv := r.View(Moderator)
	pub = append(pub, mv.Ledger)
	for _, v := range pub {
		s := mustJSONString(v)
		if strings.Contains(s, "backstage-") || strings.Contains(s, "beef") {
			return fmt.Errorf("a note or a key hash leaks: %s", s)
		}
	}
	if s := mustJSONString(mv); strings.Contains(s, "beef") {
		return fmt.Errorf("a key hash is in the moderators' view: %s", s)
	}
	return nil
}

// fuzzRecordings are recording links, valid or not.
var fuzzRecordings = []string{"", "https://www.youtube.com/watch?v=abc", "https://peertube.example/w/xyz", "https://cdn.example/m.webm", "ftp://x", "bad \xff"}

// countedVoters checks, against the log, that every ballot a poll holds
// comes from a voter its counting allows: checked in before the ballot
// for CountRoom, a card issued before it for CountCards; and that no view
// holds a card's hash.
func countedVoters(r *Room, events []Event) error {
	checkedIn, cards := map[string]bool{}, 0
	counting := map[PollID]Counting{}
	for _, ev := range events {
		switch ev.Op {
		case OpCheckin:
			checkedIn[ev.Actor.ID] = true
		case OpCardsIssue:
			cards += len(ev.Cards)
		case OpPollCreate, OpPollEdit:
			counting[ev.Poll] = ev.Counting
		case OpVote:
			switch counting[ev.Poll] {
			case CountRoom:
				if !checkedIn[ev.Actor.ID] {
					return fmt.Errorf("poll %d (room) counted %s, not checked in", ev.Poll, ev.Actor.ID)
				}
			case CountCards:
				if n, ok := parseCard(ev.Actor.ID); !ok || n < 1 || n > cards {
					return fmt.Errorf("poll %d (cards) counted %s, no card", ev.Poll, ev.Actor.ID)
				}
			}
		}
	}
	pub := []any{r.View(Participant), r.View(Screen), r.View(Moderator)}
	for _, pid := range fuzzPIDs {
		pub = append(pub, r.Mine(pid))
	}
	for _, v := range pub {
		if s := mustJSONString(v); strings.Contains(s, "cafe") {
			return fmt.Errorf("a card's hash leaks: %s", s)
		}
	}
	return nil
}
