package room

import (
	"encoding/json"
	"strings"
	"testing"
)

// Key hashes of three seats, as the hub would make them.
var (
	hashChair = strings.Repeat("a1", 32)
	hashQ     = strings.Repeat("b2", 32)
	hashBack  = strings.Repeat("c3", 32)
)

// seats of teamMeeting: 1 Chair (all), 2 Moderator 2 (questions), 3
// Backstage.
var (
	chair     = Actor{ID: SeatActor(1), Role: Moderator}
	questions = Actor{ID: SeatActor(2), Role: Moderator}
	backstage = Actor{ID: SeatActor(3), Role: Moderator}
)

// withTeam adds the three seats to a meeting.
func withTeam(s *script) {
	s.t.Helper()
	s.do(mod, Command{Op: OpTeamAdd, Name: "Chair", Scope: ScopeAll, KeyHash: hashChair})
	s.do(mod, Command{Op: OpTeamAdd, Name: "Moderator 2", Scope: ScopeQuestions, KeyHash: hashQ})
	s.do(mod, Command{Op: OpTeamAdd, Name: "Backstage", Scope: ScopeBackstage, KeyHash: hashBack})
}

func TestTeamOps(t *testing.T) {
	asked := func(s *script) {
		withTeam(s)
		s.ask(alice, "Why is the park closing?")
	}
	revoked := func(s *script) {
		asked(s)
		s.do(mod, Command{Op: OpTeamRevoke, Seat: 1})
	}
	runOps(t, []opCase{
		{name: "organiser adds a seat", actor: mod, cmd: Command{Op: OpTeamAdd, Name: "  Chair ", Scope: ScopeAll, KeyHash: hashChair, Text: "stray"},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Seat != 1 || ev.Name != "Chair" || ev.Text != "" {
					t.Fatalf("event %+v", ev)
				}
				if team := s.r.View(Moderator).Team; len(team) != 1 || team[0].Name != "Chair" || team[0].Scope != ScopeAll {
					t.Fatalf("team %+v", team)
				}
			}},
		{name: "no name", actor: mod, cmd: Command{Op: OpTeamAdd, Scope: ScopeAll, KeyHash: hashChair}, err: ErrEmpty},
		{name: "bad scope", actor: mod, cmd: Command{Op: OpTeamAdd, Name: "x", Scope: "root", KeyHash: hashChair}, err: ErrInvalid},
		{name: "bad hash", actor: mod, cmd: Command{Op: OpTeamAdd, Name: "x", Scope: ScopeAll, KeyHash: strings.ToUpper(hashChair)}, err: ErrInvalid},
		{name: "short hash", actor: mod, cmd: Command{Op: OpTeamAdd, Name: "x", Scope: ScopeAll, KeyHash: "abcd"}, err: ErrInvalid},
		{name: "same key twice", setup: withTeam, actor: mod, cmd: Command{Op: OpTeamAdd, Name: "x", Scope: ScopeAll, KeyHash: hashQ}, err: ErrAlready},
		{name: "a seat may not add a seat", setup: withTeam, actor: chair, cmd: Command{Op: OpTeamAdd, Name: "x", Scope: ScopeAll, KeyHash: strings.Repeat("d4", 32)}, err: ErrForbidden},
		{name: "a participant may not add a seat", actor: alice, cmd: Command{Op: OpTeamAdd, Name: "x", Scope: ScopeAll, KeyHash: hashChair}, err: ErrForbidden},
		{name: "revoke", setup: withTeam, actor: mod, cmd: Command{Op: OpTeamRevoke, Seat: 2},
			check: func(t *testing.T, s *script, ev Event) {
				team := s.r.View(Moderator).Team
				if team[1].RevokedAt != ev.At || team[0].RevokedAt != 0 {
					t.Fatalf("team %+v", team)
				}
				if s.r.Acts(questions) || !s.r.Acts(chair) || !s.r.Acts(mod) {
					t.Fatal("Acts disagrees with the revocation")
				}
				keys := s.r.SeatKeys()
				if !keys[1].Revoked || keys[0].Revoked || len(keys[1].KeyHash) != 32 {
					t.Fatalf("seat keys %+v", keys)
				}
			}},
		{name: "revoke twice", setup: revoked, actor: mod, cmd: Command{Op: OpTeamRevoke, Seat: 1}, err: ErrAlready},
		{name: "revoke no seat", setup: withTeam, actor: mod, cmd: Command{Op: OpTeamRevoke, Seat: 4}, err: ErrInvalid},
		{name: "a seat may not revoke", setup: withTeam, actor: chair, cmd: Command{Op: OpTeamRevoke, Seat: 3}, err: ErrForbidden},
		{name: "revoke after the end", setup: func(s *script) { withTeam(s); s.do(mod, Command{Op: OpEnd}) },
			actor: mod, cmd: Command{Op: OpTeamRevoke, Seat: 1}},

		// A revoked seat acts no more, whatever the op.
		{name: "revoked approves", setup: revoked, actor: chair, cmd: Command{Op: OpApprove, Question: 1}, err: ErrForbidden},
		{name: "revoked notes", setup: revoked, actor: chair, cmd: Command{Op: OpNote, Text: "hello"}, err: ErrForbidden},
		{name: "revoked announces", setup: revoked, actor: chair, cmd: Command{Op: OpAnnounce, Text: "hello"}, err: ErrForbidden},
		{name: "unknown seat", setup: withTeam, actor: Actor{ID: SeatActor(9), Role: Moderator}, cmd: Command{Op: OpAnnounce, Text: "hi"}, err: ErrForbidden},
		{name: "seat written another way", setup: withTeam, actor: Actor{ID: "seat-01", Role: Moderator}, cmd: Command{Op: OpAnnounce, Text: "hi"}, err: ErrForbidden},
		{name: "seat prefix alone", setup: withTeam, actor: Actor{ID: "seat-", Role: Moderator}, cmd: Command{Op: OpNote, Text: "hi"}, err: ErrForbidden},

		// Scopes.
		{name: "all scope announces", setup: asked, actor: chair, cmd: Command{Op: OpAnnounce, Text: "Break"},
			check: func(t *testing.T, s *script, ev Event) {
				l := s.r.View(Moderator).Ledger
				if e := l[len(l)-1]; e.By != 1 || e.Op != OpAnnounce {
					t.Fatalf("ledger entry %+v", e)
				}
			}},
		{name: "all scope may not set the charter", setup: asked, actor: chair, cmd: Command{Op: OpCharter, Rules: []string{"Be kind"}}, err: ErrForbidden},
		{name: "questions scope rejects", setup: asked, actor: questions, cmd: Command{Op: OpReject, Question: 1, Reason: OffTopic, Rule: 2},
			check: func(t *testing.T, s *script, ev Event) {
				l := s.r.View(Moderator).Ledger
				if e := l[len(l)-1]; e.By != 2 || e.Rule != 2 || e.Reason != OffTopic {
					t.Fatalf("ledger entry %+v", e)
				}
				if q := s.question(1); q.Rule != 2 {
					t.Fatalf("question %+v", q)
				}
				if m := s.r.Mine(alice.ID); m.Questions[0].Rule != 2 {
					t.Fatalf("the author does not see the rule: %+v", m.Questions[0])
				}
			}},
		{name: "questions scope may not open a poll", setup: func(s *script) {
			asked(s)
			s.do(mod, Command{Op: OpPollCreate, Kind: Single, Text: "Which?", Options: []string{"a", "b"}})
		}, actor: questions, cmd: Command{Op: OpPollOpen, Poll: 1}, err: ErrForbidden},
		{name: "questions scope may not end", setup: asked, actor: questions, cmd: Command{Op: OpEnd}, err: ErrForbidden},
		{name: "backstage may not approve", setup: asked, actor: backstage, cmd: Command{Op: OpApprove, Question: 1}, err: ErrForbidden},
		{name: "backstage may not highlight", setup: asked, actor: backstage, cmd: Command{Op: OpHighlight, Question: 1}, err: ErrForbidden},

		// Notes.
		{name: "backstage notes", setup: asked, actor: backstage, cmd: Command{Op: OpNote, Text: " this question is a duplicate ", Question: 1},
			check: func(t *testing.T, s *script, ev Event) {
				n := s.r.View(Moderator).Notes
				if len(n) != 1 || n[0].By != 3 || n[0].Text != "this question is a duplicate" || n[0].Question != 1 {
					t.Fatalf("notes %+v", n)
				}
				for _, e := range s.r.View(Moderator).Ledger {
					if e.Op == OpNote {
						t.Fatal("a note is in the ledger, which the report shows")
					}
				}
			}},
		{name: "organiser notes", setup: asked, actor: mod, cmd: Command{Op: OpNote, Text: "time is up"}},
		{name: "empty note", setup: asked, actor: backstage, cmd: Command{Op: OpNote, Text: "  "}, err: ErrEmpty},
		{name: "long note", setup: asked, actor: backstage, cmd: Command{Op: OpNote, Text: strings.Repeat("x", 281)}, err: ErrTooLong},
		{name: "note on no question", setup: asked, actor: backstage, cmd: Command{Op: OpNote, Text: "dup", Question: 7}, err: ErrNoQuestion},
		{name: "participant notes", setup: asked, actor: alice, cmd: Command{Op: OpNote, Text: "x"}, err: ErrForbidden},
		{name: "note after the end", setup: func(s *script) { asked(s); s.do(mod, Command{Op: OpEnd}) }, actor: backstage, cmd: Command{Op: OpNote, Text: "x"}, err: ErrEnded},

		// Charter.
		{name: "charter", actor: mod, cmd: Command{Op: OpCharter, Rules: []string{" Be kind ", "Stay on topic"}},
			check: func(t *testing.T, s *script, ev Event) {
				for _, role := range []Role{Participant, Screen, Moderator} {
					if c := s.r.View(role).Meeting.Charter; len(c) != 2 || c[0] != "Be kind" {
						t.Fatalf("%s charter %q", role, c)
					}
				}
			}},
		{name: "charter back to default", setup: func(s *script) { s.do(mod, Command{Op: OpCharter, Rules: []string{"a"}}) },
			actor: mod, cmd: Command{Op: OpCharter},
			check: func(t *testing.T, s *script, ev Event) {
				if c := s.r.View(Participant).Meeting.Charter; c != nil {
					t.Fatalf("charter %q", c)
				}
			}},
		{name: "default charter already", actor: mod, cmd: Command{Op: OpCharter}, err: ErrAlready},
		{name: "empty rule", actor: mod, cmd: Command{Op: OpCharter, Rules: []string{"a", " "}}, err: ErrEmpty},
		{name: "too many rules", actor: mod, cmd: Command{Op: OpCharter, Rules: make([]string, 21)}, err: ErrInvalid},
		{name: "rule past the default charter", setup: asked, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OffTopic, Rule: DefaultRules + 1}, err: ErrInvalid},
		{name: "rule past the charter", setup: func(s *script) {
			asked(s)
			s.do(mod, Command{Op: OpCharter, Rules: []string{"a"}})
		}, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OffTopic, Rule: 2}, err: ErrInvalid},
		{name: "negative rule", setup: asked, actor: mod, cmd: Command{Op: OpReject, Question: 1, Reason: OffTopic, Rule: -1}, err: ErrInvalid},
	})
}

// Notes and the team are the moderators' only; no key hash is in any view;
// and a room with a team replays to the same digest, through JSON too.
func TestTeamVisibility(t *testing.T) {
	s := newMeeting(t, nil)
	withTeam(s)
	q := s.ask(alice, "Why is the park closing?")
	s.do(backstage, Command{Op: OpNote, Text: "secret-note: a duplicate", Question: q})
	s.do(questions, Command{Op: OpReject, Question: q, Reason: Duplicate, Rule: 1})
	s.do(mod, Command{Op: OpTeamRevoke, Seat: 3})
	s.do(mod, Command{Op: OpCharter, Rules: []string{"Be kind"}})
	views := map[string]any{"participant": s.r.View(Participant), "screen": s.r.View(Screen), "mine": s.r.Mine(alice.ID)}
	for name, v := range views {
		js := mustJSON(t, v)
		for _, secret := range []string{"secret-note", "Backstage", hashChair[:16], `"team"`, `"notes"`} {
			if strings.Contains(js, secret) {
				t.Errorf("%s view holds %q: %s", name, secret, js)
			}
		}
	}
	mv := mustJSON(t, s.r.View(Moderator))
	if !strings.Contains(mv, "secret-note") || !strings.Contains(mv, "Backstage") {
		t.Fatalf("the moderators miss the note or the team: %s", mv)
	}
	for _, h := range []string{hashChair, hashQ, hashBack} {
		if strings.Contains(mv, h) {
			t.Fatal("a key hash is in the moderators' view")
		}
	}
	s.checkReplay()
	r := New()
	for _, ev := range s.events {
		var back Event
		if err := json.Unmarshal([]byte(mustJSON(t, ev)), &back); err != nil {
			t.Fatal(err)
		}
		if err := r.Apply(back); err != nil {
			t.Fatalf("apply %d: %v", ev.Seq, err)
		}
	}
	if r.Digest() != s.r.Digest() {
		t.Fatal("the log through JSON replays to another digest")
	}
	// A forged seat id is refused.
	forged := s.events[len(s.events)-1]
	forged.Seq = s.r.Seq() + 1
	forged.Command = Command{Op: OpTeamAdd, Name: "x", Scope: ScopeAll, KeyHash: strings.Repeat("e5", 32), Seat: 9}
	if err := s.r.Apply(forged); err == nil {
		t.Fatal("a team.add with a seat id out of sequence applied")
	}
}

// The patches bring a moderator's view to the team and notes of now.
func TestTeamPatch(t *testing.T) {
	s := newMeeting(t, nil)
	v := s.r.View(Moderator)
	var c Changes
	from := s.r.Seq()
	for _, st := range []step{
		{mod, Command{Op: OpTeamAdd, Name: "Chair", Scope: ScopeAll, KeyHash: hashChair}},
		{mod, Command{Op: OpTeamAdd, Name: "Backstage", Scope: ScopeBackstage, KeyHash: hashBack}},
		{Actor{ID: SeatActor(2), Role: Moderator}, Command{Op: OpNote, Text: "time is up"}},
		{mod, Command{Op: OpTeamRevoke, Seat: 2}},
	} {
		ev := s.do(st.a, st.c)
		s.r.Track(&c, ev)
		if st.c.Op == OpNote {
			p := s.r.Patch(Participant, &c)
			if len(p.Notes) != 0 || len(p.Team) != 0 {
				t.Fatalf("a participant's patch holds %+v", p)
			}
		}
	}
	p := s.r.Patch(Moderator, &c)
	v.ApplyPatch(s.r.Seq(), &p)
	if got, want := mustJSON(t, v), mustJSON(t, s.r.View(Moderator)); got != want {
		t.Fatalf("patched from %d:\n%s\nwant\n%s", from, got, want)
	}
}
