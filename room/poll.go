package room

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Poll shapes.
const (
	defaultScale = 5
	minScale     = 2
	maxScale     = 10
)

// poll is one poll, its ballots and its running tallies.
type poll struct {
	id         PollID
	kind       PollKind
	title      string
	options    []string // replaced whole, never written in place
	max        int      // Multiple; Ranking: places ranked; Points: most points per option
	scale      int      // Rating
	budget     int      // Points: points per participant
	visibility Visibility
	status     PollStatus
	locked     bool
	step       int
	deleted    bool     // a deleted draft: its id is not reused
	correct    []int    // a quiz's right options; replaced whole, never written in place
	counting   Counting // whose ballots count, "" for CountOpen (voters.go)

	ballots map[string]Ballot // by participant
	tally   []int             // per option (Single, Multiple, Ranking, Points) or per value 1..scale (Rating)
	sum     int               // Rating: the sum of ratings
	words   map[string]int    // Open: in how many ballots each word appears
	first   []int             // Ranking: per option, the ballots that rank it first
	givers  []int             // Points: per option, the ballots that give it points

	// cache holds results() until the next ballot or definition: a word
	// cloud is sorted once per change, not once per Mine.
	cache *Results
}

// public reports whether participants and the screen see p.
func (p *poll) public() bool { return !p.deleted && p.status != Draft }

// resultsPublic reports whether participants and the screen see p's
// results. The moderator always does.
func (p *poll) resultsPublic() bool {
	switch p.visibility {
	case Live:
		return true
	case AfterVoting, AfterClose:
		return p.status == PollEnded
	}
	return false
}

// voterOnly reports whether p's results are, for now, sent only to those who
// voted.
func (p *poll) voterOnly() bool {
	return p.visibility == AfterVoting && p.status == PollOpen && !p.deleted
}

// oneChoice holds the ballot of a Single poll for each option, so that
// recording one allocates nothing. These slices are shared: events and
// ballots never write into their Choices.
var oneChoice = func() (t [maxOptions][]int) {
	for i := range t {
		t[i] = []int{i}
	}
	return t
}()

// poll returns poll id, or ErrNoPoll.
func (r *Room) poll(id PollID) (*poll, error) {
	if id < 1 || int(id) > len(r.polls) || r.polls[id-1].deleted {
		return nil, fmt.Errorf("%w: %d", ErrNoPoll, id)
	}
	return r.polls[id-1], nil
}

func validVisibility(v Visibility) bool {
	return v == Live || v == AfterVoting || v == AfterClose || v == Hidden
}

// checkDefinition validates and normalises what OpPollCreate and OpPollEdit
// define.
func checkDefinition(c *Command) error {
	var err error
	if c.Text, err = required(c.Text, maxPollTitle, oneLine); err != nil {
		return fmt.Errorf("poll title: %w", err)
	}
	if c.Visibility == "" {
		c.Visibility = Live
	} else if !validVisibility(c.Visibility) {
		return fmt.Errorf("%w: unknown visibility %q", ErrInvalid, c.Visibility)
	}
	if c.Budget != 0 && c.Kind != Points {
		return fmt.Errorf("%w: budget is for points polls", ErrInvalid)
	}
	switch c.Kind {
	case Ranking, Points:
		return checkRankDefinition(c)
	case Single, Multiple:
		if err := checkOptions(c); err != nil {
			return err
		}
		opts := c.Options
		if c.Scale != 0 {
			return fmt.Errorf("%w: scale is for rating polls", ErrInvalid)
		}
		if err := checkCorrect(c, len(opts)); err != nil {
			return err
		}
		if c.Kind == Single {
			if c.Max != 0 {
				return fmt.Errorf("%w: max is for multiple-choice polls", ErrInvalid)
			}
			return nil
		}
		if c.Max == 0 {
			c.Max = len(opts)
		}
		if c.Max < 1 || c.Max > len(opts) {
			return fmt.Errorf("%w: max must be 1 to %d", ErrInvalid, len(opts))
		}
	case Rating, Open:
		if len(c.Options) != 0 || c.Max != 0 || len(c.Correct) != 0 {
			return fmt.Errorf("%w: options and right answers are for choice polls", ErrInvalid)
		}
		if c.Kind == Open {
			if c.Scale != 0 {
				return fmt.Errorf("%w: scale is for rating polls", ErrInvalid)
			}
			return nil
		}
		if c.Scale == 0 {
			c.Scale = defaultScale
		}
		if c.Scale < minScale || c.Scale > maxScale {
			return fmt.Errorf("%w: scale must be %d to %d", ErrInvalid, minScale, maxScale)
		}
	default:
		return fmt.Errorf("%w: unknown poll kind %q", ErrInvalid, c.Kind)
	}
	return nil
}

// checkOptions validates and normalises the options of a poll that has
// them: minOptions to maxOptions, each required, none repeated.
func checkOptions(c *Command) error {
	if len(c.Options) < minOptions || len(c.Options) > maxOptions {
		return fmt.Errorf("%w: a poll has %d to %d options", ErrInvalid, minOptions, maxOptions)
	}
	opts := make([]string, len(c.Options))
	for i, o := range c.Options {
		var err error
		if opts[i], err = required(o, maxOption, oneLine); err != nil {
			return fmt.Errorf("option %d: %w", i+1, err)
		}
		if slices.Contains(opts[:i], opts[i]) {
			return fmt.Errorf("%w: option %d repeats an earlier one", ErrInvalid, i+1)
		}
	}
	c.Options = opts
	return nil
}

// checkCorrect validates a quiz's right options: distinct indexes into the
// n options, at most one for a single choice, sorted in place of a copy.
func checkCorrect(c *Command, n int) error {
	if len(c.Correct) == 0 {
		c.Correct = nil
		return nil
	}
	if c.Kind == Single && len(c.Correct) > 1 {
		return fmt.Errorf("%w: a single-choice quiz has one right option", ErrInvalid)
	}
	correct := slices.Clone(c.Correct)
	slices.Sort(correct)
	for i, x := range correct {
		if x < 0 || x >= n || i > 0 && correct[i-1] == x {
			return fmt.Errorf("%w: right options must be distinct options of the poll", ErrInvalid)
		}
	}
	c.Correct = correct
	return nil
}

func (r *Room) checkPollCreate(c *Command) error {
	if err := checkDefinition(c); err != nil {
		return err
	}
	if err := r.checkCounting(c, nil); err != nil {
		return err
	}
	c.Poll = PollID(len(r.polls) + 1)
	c.Step = r.step
	return nil
}

func (r *Room) applyPollCreate(c *Command) {
	p := &poll{id: c.Poll, status: Draft, step: c.Step}
	p.define(c)
	r.polls = append(r.polls, p)
}

// define sets what c defines, and empty tallies to match.
func (p *poll) define(c *Command) {
	p.kind, p.title, p.options, p.max, p.scale, p.visibility = c.Kind, c.Text, c.Options, c.Max, c.Scale, c.Visibility
	p.correct, p.budget, p.counting = c.Correct, c.Budget, c.Counting
	p.tally, p.sum, p.words, p.cache, p.first, p.givers = nil, 0, nil, nil, nil, nil
	switch p.kind {
	case Ranking:
		p.tally, p.first = make([]int, len(p.options)), make([]int, len(p.options))
	case Points:
		p.tally, p.givers = make([]int, len(p.options)), make([]int, len(p.options))
	case Single, Multiple:
		p.tally = make([]int, len(p.options))
	case Rating:
		p.tally = make([]int, p.scale)
	case Open:
		p.words = make(map[string]int)
	}
}

func (r *Room) checkPollEdit(c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.status == PollEnded {
		return fmt.Errorf("%w: a closed poll cannot be edited", ErrState)
	}
	if len(p.ballots) > 0 {
		return fmt.Errorf("%w: a poll cannot be edited once someone voted", ErrState)
	}
	if err := checkDefinition(c); err != nil {
		return err
	}
	return r.checkCounting(c, p)
}

func (r *Room) checkPollDelete(c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.status != Draft {
		return fmt.Errorf("%w: only a draft can be deleted", ErrState)
	}
	return nil
}

func (r *Room) checkPollOpen(c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.status == PollOpen {
		return fmt.Errorf("%w: open", ErrAlready)
	}
	return nil
}

func (r *Room) checkPollClose(c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.status != PollOpen {
		return fmt.Errorf("%w: only an open poll can be closed", ErrState)
	}
	return nil
}

func (r *Room) checkPollVisibility(c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if !validVisibility(c.Visibility) {
		return fmt.Errorf("%w: unknown visibility %q", ErrInvalid, c.Visibility)
	}
	if p.visibility == c.Visibility {
		return fmt.Errorf("%w: visibility is %s", ErrAlready, c.Visibility)
	}
	return nil
}

func (r *Room) checkPollLock(c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.locked == c.On {
		return fmt.Errorf("%w: locked is %v", ErrAlready, c.On)
	}
	return nil
}

func (r *Room) checkPollShow(c *Command) error {
	if c.Poll == r.screenPoll {
		return fmt.Errorf("%w: shown", ErrAlready)
	}
	if c.Poll == 0 {
		return nil
	}
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.status == Draft {
		return fmt.Errorf("%w: a draft cannot be shown", ErrState)
	}
	return nil
}

// checkVote validates a ballot for the poll's kind and normalises it: the
// choices of a Multiple ballot are sorted, the text of an Open one trimmed.
func (r *Room) checkVote(a Actor, c *Command) error {
	p, err := r.poll(c.Poll)
	if err != nil {
		return err
	}
	if p.status != PollOpen {
		return ErrPollClosed
	}
	if err := r.checkVoter(a, p); err != nil {
		return err
	}
	if len(c.Points) != 0 && p.kind != Points {
		return fmt.Errorf("%w: points are for points polls", ErrInvalid)
	}
	switch p.kind {
	case Ranking, Points:
		if err := p.checkRankBallot(c); err != nil {
			return err
		}
	case Single:
		if len(c.Choices) != 1 || c.Choices[0] < 0 || c.Choices[0] >= len(p.options) || c.Rating != 0 || c.Text != "" {
			return fmt.Errorf("%w: choose one option of %d", ErrInvalid, len(p.options))
		}
		c.Choices = oneChoice[c.Choices[0]]
	case Multiple:
		if len(c.Choices) < 1 || len(c.Choices) > p.max || c.Rating != 0 || c.Text != "" {
			return fmt.Errorf("%w: choose 1 to %d options", ErrInvalid, p.max)
		}
		ch := slices.Clone(c.Choices)
		slices.Sort(ch)
		for i, x := range ch {
			if x < 0 || x >= len(p.options) || (i > 0 && ch[i-1] == x) {
				return fmt.Errorf("%w: choose distinct options of %d", ErrInvalid, len(p.options))
			}
		}
		c.Choices = ch
	case Rating:
		if c.Rating < 1 || c.Rating > p.scale || len(c.Choices) != 0 || c.Text != "" {
			return fmt.Errorf("%w: rate 1 to %d", ErrInvalid, p.scale)
		}
	case Open:
		if len(c.Choices) != 0 || c.Rating != 0 {
			return fmt.Errorf("%w: answer with text", ErrInvalid)
		}
		if c.Text, err = required(c.Text, maxOpenAnswer, oneLine); err != nil {
			return err
		}
	}
	if old, ok := p.ballots[a.ID]; ok {
		if sameBallot(old, c) {
			return fmt.Errorf("%w: same ballot", ErrAlready)
		}
		if p.locked {
			return ErrBallotLocked
		}
	}
	return nil
}

func sameBallot(b Ballot, c *Command) bool {
	return b.Rating == c.Rating && b.Text == c.Text && slices.Equal(b.Choices, c.Choices) && slices.Equal(b.Points, c.Points)
}

func (r *Room) applyVote(a Actor, c *Command) {
	p := r.polls[c.Poll-1]
	if old, ok := p.ballots[a.ID]; ok {
		p.count(old, -1)
	}
	if p.ballots == nil {
		p.ballots = make(map[string]Ballot)
	}
	b := Ballot{Choices: c.Choices, Rating: c.Rating, Text: c.Text, Points: c.Points}
	p.ballots[a.ID] = b
	p.count(b, +1)
	r.noteBallot(a)
}

// count adds (d = 1) or removes (d = -1) a ballot from the tallies.
func (p *poll) count(b Ballot, d int) {
	p.cache = nil
	switch p.kind {
	case Single, Multiple:
		for _, x := range b.Choices {
			p.tally[x] += d
		}
	case Rating:
		p.tally[b.Rating-1] += d
		p.sum += d * b.Rating
	case Ranking, Points:
		p.countRank(b, d)
	case Open:
		for _, w := range ballotWords(b.Text) {
			if p.words[w] += d; p.words[w] == 0 {
				delete(p.words, w)
			}
		}
	}
}

// results are p's tallies now, sharing nothing with p.
func (p *poll) results() *Results {
	if p.cache == nil {
		p.cache = p.compute()
	}
	c := *p.cache
	c.Tally = slices.Clone(c.Tally)
	c.Words = slices.Clone(c.Words)
	c.First, c.Voters = slices.Clone(c.First), slices.Clone(c.Voters)
	return &c
}

func (p *poll) compute() *Results {
	res := &Results{}
	switch p.kind {
	case Single, Multiple:
		res.Tally = slices.Clone(p.tally)
	case Rating:
		res.Tally = slices.Clone(p.tally)
		if n := len(p.ballots); n > 0 {
			res.Average = float64(p.sum) / float64(n)
		}
	case Ranking:
		res.Tally, res.First = slices.Clone(p.tally), slices.Clone(p.first)
	case Points:
		res.Tally, res.Voters = slices.Clone(p.tally), slices.Clone(p.givers)
	case Open:
		res.Words = cloud(p.words)
	}
	return res
}

// cloud returns the MaxWords most frequent words, by count then word.
func cloud(words map[string]int) []WordCount {
	out := make([]WordCount, 0, len(words))
	for w, n := range words {
		out = append(out, WordCount{Word: w, Count: n})
	}
	slices.SortFunc(out, func(a, b WordCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Word, b.Word))
	})
	if len(out) > MaxWords {
		out = out[:MaxWords:MaxWords]
	}
	return out
}

// stopWords are the words too common to mean anything in a word cloud
// (English and French).
var stopWords = map[string]bool{
	"the": true, "and": true, "or": true, "of": true, "to": true, "in": true, "on": true,
	"for": true, "an": true, "is": true, "it": true, "we": true, "you": true, "he": true,
	"she": true, "they": true, "me": true, "my": true, "our": true, "your": true,
	"this": true, "that": true, "with": true, "be": true, "are": true, "was": true,
	"at": true, "by": true, "as": true,
	"le": true, "la": true, "les": true, "un": true, "une": true, "des": true, "du": true,
	"de": true, "et": true, "ou": true, "en": true, "au": true, "aux": true, "ce": true,
	"ces": true, "il": true, "elle": true, "ils": true, "elles": true, "nous": true,
	"vous": true, "je": true, "tu": true, "qui": true, "que": true, "est": true,
	"pour": true, "par": true, "sur": true, "dans": true, "pas": true,
}

// ballotWords returns the distinct words of an open answer, in order of
// first appearance: runs of letters, marks and digits, lowercased, at least
// two characters long, stop words left out.
func ballotWords(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c) && !unicode.IsMark(c)
	}) {
		w := strings.ToLower(f)
		if utf8.RuneCountInString(w) < 2 || stopWords[w] || slices.Contains(out, w) {
			continue
		}
		out = append(out, w)
	}
	return out
}
