package room

import (
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/room/internal/canon"
)

// Ranking and points polls: the two kinds where a ballot weighs every
// option rather than picking some.
//
// A Ranking poll has 2 to 12 options and Max, the places a ballot fills
// (1 to the number of options; 0 when created means all of them). A ballot
// is Choices: exactly Max distinct options, most preferred first. Max equal
// to the number of options asks for a full ranking; a smaller Max a partial
// one, "your top 3". Results are the Borda count: with n options, the option
// in place i of a ballot (0 for the first) gets n-1-i points and an option
// a partial ballot leaves out gets 0, so a partial ballot scores the options
// it ranks as a full ranking would and shares nothing among the rest.
// Results.Tally holds each option's points, Results.First how many ballots
// put it first (its share of first places is First over the poll's
// Ballots).
//
// A Points poll has 2 to 12 options, Budget, the points each participant
// spreads (1 to MaxBudget), and Max, the most points one option may get (1
// to Budget; 0 when created means Budget). A ballot is Points: one whole
// number per option, each 0 to Max, together 1 to Budget (a participant
// need not spend every point). Results.Tally holds each option's total,
// Results.Voters how many ballots gave it at least one point.
//
// Like every poll, the tallies change with each ballot and reach views and
// patches as counts (Results in a Tally), never as ballots; a changed
// ballot replaces the old one, which is first taken out of the counts.

// MaxBudget is the most points a Points poll may hand each participant.
const MaxBudget = 100

// checkRankDefinition validates and normalises the definition of a Ranking
// or Points poll.
func checkRankDefinition(c *Command) error {
	if err := checkOptions(c); err != nil {
		return err
	}
	if c.Scale != 0 {
		return fmt.Errorf("%w: scale is for rating polls", ErrInvalid)
	}
	if len(c.Correct) != 0 {
		return fmt.Errorf("%w: right answers are for choice polls", ErrInvalid)
	}
	n := len(c.Options)
	if c.Kind == Ranking {
		if c.Max == 0 {
			c.Max = n
		}
		if c.Max < 1 || c.Max > n {
			return fmt.Errorf("%w: a ranking fills 1 to %d places", ErrInvalid, n)
		}
		return nil
	}
	if c.Budget < 1 || c.Budget > MaxBudget {
		return fmt.Errorf("%w: each participant spreads 1 to %d points", ErrInvalid, MaxBudget)
	}
	if c.Max == 0 {
		c.Max = c.Budget
	}
	if c.Max < 1 || c.Max > c.Budget {
		return fmt.Errorf("%w: an option gets at most 1 to %d points", ErrInvalid, c.Budget)
	}
	return nil
}

// checkRankBallot validates a ballot of a Ranking or Points poll, and
// copies its slice so that the event owns it.
func (p *poll) checkRankBallot(c *Command) error {
	if c.Rating != 0 || c.Text != "" {
		return fmt.Errorf("%w: a %s ballot has no rating or text", ErrInvalid, p.kind)
	}
	n := len(p.options)
	if p.kind == Ranking {
		if len(c.Points) != 0 {
			return fmt.Errorf("%w: points are for points polls", ErrInvalid)
		}
		if len(c.Choices) != p.max {
			return fmt.Errorf("%w: rank %d of the %d options, most preferred first", ErrInvalid, p.max, n)
		}
		for i, x := range c.Choices {
			if x < 0 || x >= n {
				return fmt.Errorf("%w: place %d: %d is not an option (0 to %d)", ErrInvalid, i+1, x, n-1)
			}
			if slices.Contains(c.Choices[:i], x) {
				return fmt.Errorf("%w: place %d: option %d is ranked twice", ErrInvalid, i+1, x)
			}
		}
		c.Choices = slices.Clone(c.Choices)
		return nil
	}
	if len(c.Choices) != 0 {
		return fmt.Errorf("%w: a points ballot gives points, not choices", ErrInvalid)
	}
	if len(c.Points) != n {
		return fmt.Errorf("%w: give points to each of the %d options, 0 for none", ErrInvalid, n)
	}
	sum := 0
	for i, x := range c.Points {
		if x < 0 || x > p.max {
			return fmt.Errorf("%w: option %d gets %d points, 0 to %d allowed", ErrInvalid, i, x, p.max)
		}
		sum += x
	}
	if sum < 1 || sum > p.budget {
		return fmt.Errorf("%w: %d points given, 1 to %d allowed", ErrInvalid, sum, p.budget)
	}
	c.Points = slices.Clone(c.Points)
	return nil
}

// countRank adds (d = 1) or removes (d = -1) a Ranking or Points ballot
// from the tallies.
func (p *poll) countRank(b Ballot, d int) {
	n := len(p.options)
	if p.kind == Ranking {
		for i, x := range b.Choices {
			p.tally[x] += d * (n - 1 - i)
		}
		if len(b.Choices) > 0 {
			p.first[b.Choices[0]] += d
		}
		return
	}
	for i, x := range b.Points {
		p.tally[i] += d * x
		if x > 0 {
			p.givers[i] += d
		}
	}
}

// digestRanked adds to the digest what only Ranking and Points polls hold:
// budgets, points ballots and the per-option counts beside the tallies.
// Rooms without such polls keep the digest they had before these kinds.
func (r *Room) digestRanked(e *canon.Encoder) {
	if !slices.ContainsFunc(r.polls, func(p *poll) bool { return p.kind == Ranking || p.kind == Points }) {
		return
	}
	e.Str("ranking and points polls")
	for _, p := range r.polls {
		e.Int(int64(p.budget))
		canon.Ints(e, p.first)
		canon.Ints(e, p.givers)
		voters := make([]string, 0, len(p.ballots))
		for v, b := range p.ballots {
			if len(b.Points) > 0 {
				voters = append(voters, v)
			}
		}
		slices.Sort(voters)
		e.Int(int64(len(voters)))
		for _, v := range voters {
			e.Str(v)
			canon.Ints(e, p.ballots[v].Points)
		}
	}
}
