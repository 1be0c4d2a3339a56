package room

import (
	"errors"
	"fmt"
	"testing"
)

const (
	benchParticipants = 10_000
	benchQuestions    = 2_000
)

// bigRoom is a live room with 10,000 participants, 2,000 live questions
// with a few votes each, and an open single-choice poll (id 1) with some
// ballots.
func bigRoom(b *testing.B) (*Room, []Actor) {
	b.Helper()
	r := New()
	must := func(a Actor, c Command) Event {
		ev, err := r.Handle(a, t0, c)
		if err != nil {
			b.Fatal(err)
		}
		return ev
	}
	must(sys, Command{Op: OpCreate, Title: "Assembly", Code: "BIG123", Steps: []string{"One", "Two"}})
	ps := make([]Actor, benchParticipants)
	for i := range ps {
		ps[i] = Actor{ID: fmt.Sprintf("p-%05d", i), Role: Participant}
		ch := InRoom
		if i%3 == 0 {
			ch = Remote
		}
		must(sys.as(ps[i].ID), Command{Op: OpJoin, Channel: ch})
	}
	must(mod, Command{Op: OpStart})
	for i := range benchQuestions {
		must(ps[i%len(ps)], Command{Op: OpAsk, Text: fmt.Sprintf("Question number %d about the budget and the parks?", i)})
	}
	for i := range 20_000 {
		must(ps[i%len(ps)], Command{Op: OpUpvote, Question: QuestionID(1 + (i/len(ps)+i*7)%benchQuestions)})
	}
	must(mod, Command{Op: OpPollCreate, Kind: Single, Text: "Which first?", Options: []string{"a", "b", "c", "d"}})
	must(mod, Command{Op: OpPollOpen, Poll: 1})
	must(mod, Command{Op: OpPollCreate, Kind: Open, Text: "One word?", Visibility: AfterVoting})
	must(mod, Command{Op: OpPollOpen, Poll: 2})
	for i := range 2_000 {
		must(ps[i], Command{Op: OpVote, Poll: 1, Choices: []int{i % 4}})
		must(ps[i], Command{Op: OpVote, Poll: 2, Text: fmt.Sprintf("word%d trees parks", i%300)})
	}
	return r, ps
}

// BenchmarkUpvote is the sequencer's cost of one upvote (or, past the first
// 20 million, unvote): Decide and Apply.
func BenchmarkUpvote(b *testing.B) {
	r, ps := bigRoom(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := i + 3 // off the pattern bigRoom voted in
		op := OpUpvote
		if (j/(benchParticipants*benchQuestions))%2 == 1 {
			op = OpUnvote
		}
		q := QuestionID(1 + (j/benchParticipants)%benchQuestions)
		if _, err := r.Handle(ps[j%benchParticipants], t0, Command{Op: op, Question: q}); !isAlready(err) {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyUpvote is a replica's cost of one upvote event: Apply
// checks it again.
func BenchmarkApplyUpvote(b *testing.B) {
	r, ps := bigRoom(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := i + 3
		ev := Event{Seq: r.Seq() + 1, At: t0, Actor: ps[j%benchParticipants],
			Command: Command{Op: OpUpvote, Question: QuestionID(1 + (j/benchParticipants)%benchQuestions)}}
		if err := r.Apply(ev); !isAlready(err) {
			b.Fatal(err)
		}
	}
}

// BenchmarkBallot is the cost of one ballot on a single-choice poll: new
// ballots first, then changed ones.
func BenchmarkBallot(b *testing.B) {
	r, ps := bigRoom(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := i + 2_000
		choice := (j/benchParticipants + j%benchParticipants) % 4 // never the previous one
		if _, err := r.Handle(ps[j%benchParticipants], t0, Command{Op: OpVote, Poll: 1, Choices: []int{choice}}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkView(b *testing.B) {
	r, _ := bigRoom(b)
	for _, role := range []Role{Participant, Moderator, Screen} {
		b.Run(role.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = r.View(role)
			}
		})
	}
}

// BenchmarkPatch is one tick of a busy room: 500 upvotes over 100
// questions and 200 ballots, tracked, then the patch of each role.
func BenchmarkPatch(b *testing.B) {
	r, ps := bigRoom(b)
	var evs []Event
	for i := range 500 {
		ev, err := r.Handle(ps[5000+i], t0, Command{Op: OpUpvote, Question: QuestionID(1 + i%100)})
		if !isAlready(err) {
			b.Fatal(err)
		}
		if err == nil {
			evs = append(evs, ev)
		}
	}
	for i := range 200 {
		ev, err := r.Handle(ps[5000+i], t0, Command{Op: OpVote, Poll: 1, Choices: []int{i % 4}})
		if err != nil {
			b.Fatal(err)
		}
		evs = append(evs, ev)
	}
	var c Changes
	for _, role := range []Role{Participant, Moderator, Screen} {
		b.Run(role.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Reset()
				for _, ev := range evs {
					r.Track(&c, ev)
				}
				_ = r.Patch(role, &c)
			}
		})
	}
}

func BenchmarkMine(b *testing.B) {
	r, ps := bigRoom(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Mine(ps[7].ID)
	}
}

// isAlready reports whether err is nil or ErrAlready: a benchmark that
// wraps around meets votes it already cast.
func isAlready(err error) bool { return err == nil || errors.Is(err, ErrAlready) }
