package archive

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room"
)

// counter counts upvotes and poll ballots from the events, independently of
// the reducer, so that Verify checks the reducer's counts and tallies
// against a second computation rather than trusting the code that made
// them.
type counter struct {
	voters map[room.QuestionID]map[string]bool
	polls  map[room.PollID]*ballotBox
	elig   eligibility // who each poll could count: voters.go
}

type ballotBox struct {
	kind    room.PollKind
	size    int // options (choice polls) or scale (rating)
	ballots map[string]room.Ballot
}

func (c *counter) observe(ev room.Event) {
	if c.voters == nil {
		c.voters = map[room.QuestionID]map[string]bool{}
		c.polls = map[room.PollID]*ballotBox{}
	}
	c.elig.observe(ev)
	voters := func(id room.QuestionID) map[string]bool {
		if c.voters[id] == nil {
			c.voters[id] = map[string]bool{}
		}
		return c.voters[id]
	}
	switch ev.Op {
	case room.OpUpvote:
		voters(ev.Question)[ev.Actor.ID] = true
	case room.OpUnvote:
		delete(voters(ev.Question), ev.Actor.ID)
	case room.OpMerge:
		into := voters(ev.Into)
		for v := range c.voters[ev.Question] {
			into[v] = true
		}
		delete(c.voters, ev.Question)
	case room.OpPollCreate, room.OpPollEdit, room.OpIdeaPoll: // a poll made of ideas has the ideas' titles as Options
		size := len(ev.Options)
		if ev.Kind == room.Rating {
			size = ev.Scale
		}
		c.polls[ev.Poll] = &ballotBox{kind: ev.Kind, size: size, ballots: map[string]room.Ballot{}}
	case room.OpVote:
		if b := c.polls[ev.Poll]; b != nil {
			b.ballots[ev.Actor.ID] = room.Ballot{Choices: ev.Choices, Rating: ev.Rating, Text: ev.Text, Points: ev.Points}
		}
	}
}

// recountVotes compares the reducer's upvotes, ballot counts and tallies
// (in the moderator's view) with the counter's.
func (m *meeting) recountVotes() error {
	c := &m.counter
	if err := c.elig.check(); err != nil {
		return err
	}
	if err := m.checkVoters(); err != nil {
		return err
	}
	for _, q := range m.mod.Questions {
		if n := len(c.voters[q.ID]); n != q.Votes {
			return &VerifyError{Seq: m.lastTouched[fmt.Sprint("q", q.ID)],
				Reason: fmt.Sprintf("question %d: %d upvotes recounted, the room says %d", q.ID, n, q.Votes)}
		}
	}
	for _, p := range m.mod.Polls {
		seq := m.lastTouched[fmt.Sprint("p", p.ID)]
		box := c.polls[p.ID]
		if box == nil || len(box.ballots) != p.Ballots {
			return &VerifyError{Seq: seq, Reason: fmt.Sprintf("poll %d: the ballots recounted differ from the room's %d", p.ID, p.Ballots)}
		}
		if p.Kind == room.Open || p.Results == nil {
			continue
		}
		if p.Kind == room.Ranking || p.Kind == room.Points {
			if err := recountRanked(p, box, seq); err != nil {
				return err
			}
			continue
		}
		tally := make([]int, box.size)
		sum := 0
		for _, b := range box.ballots {
			for _, x := range b.Choices {
				tally[x]++
			}
			if b.Rating > 0 {
				tally[b.Rating-1]++
				sum += b.Rating
			}
		}
		if !slices.Equal(tally, p.Results.Tally) {
			return &VerifyError{Seq: seq, Reason: fmt.Sprintf("poll %d: tally recounted %v, the room says %v", p.ID, tally, p.Results.Tally)}
		}
		if p.Kind == room.Rating && p.Ballots > 0 && float64(sum)/float64(p.Ballots) != p.Results.Average {
			return &VerifyError{Seq: seq, Reason: fmt.Sprintf("poll %d: average recounted %g, the room says %g", p.ID, float64(sum)/float64(p.Ballots), p.Results.Average)}
		}
	}
	return m.recountIdeas()
}

// recountRanked recounts a Ranking poll (Borda: with n options, place i of
// a ballot scores n-1-i, an option left out 0; and first places) or a
// Points poll (points per option, and the ballots giving each any).
func recountRanked(p room.PollView, box *ballotBox, seq uint64) error {
	n := box.size
	tally, other := make([]int, n), make([]int, n)
	for _, b := range box.ballots {
		if p.Kind == room.Ranking {
			for place, x := range b.Choices {
				tally[x] += n - 1 - place
				if place == 0 {
					other[x]++
				}
			}
			continue
		}
		for x, pts := range b.Points {
			tally[x] += pts
			if pts > 0 {
				other[x]++
			}
		}
	}
	what, said := "first places", p.Results.First
	if p.Kind == room.Points {
		what, said = "voters per option", p.Results.Voters
	}
	if !slices.Equal(tally, p.Results.Tally) {
		return &VerifyError{Seq: seq, Reason: fmt.Sprintf("poll %d: %s tally recounted %v, the room says %v", p.ID, p.Kind, tally, p.Results.Tally)}
	}
	if !slices.Equal(other, said) {
		return &VerifyError{Seq: seq, Reason: fmt.Sprintf("poll %d: %s recounted %v, the room says %v", p.ID, what, other, said)}
	}
	return nil
}
