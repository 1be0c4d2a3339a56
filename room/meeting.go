package room

import (
	"fmt"
	"net/url"
	"strings"
)

// keptAnnouncements is how many of the latest announcements views carry.
const keptAnnouncements = 20

// maxReactionCount bounds one kind in one OpReactions event.
const maxReactionCount = 1_000_000

// defaultSettings are a new room's rules when OpCreate has no Settings.
var defaultSettings = Settings{QAOpen: true, Reactions: true}

// reasonIndex and reactionIndex map the public enumerations to array
// indexes, in the order of Reasons and Reactions.
var (
	reasonIndex   = [...]Reason{Duplicate, OffTopic, Abusive, AlreadyAnswered, OtherReason}
	reactionIndex = [...]Reaction{Applause, Agree, Disagree, Louder, SlowDown, BreakPlea}
)

func reasonIdx(x Reason) int {
	for i, r := range reasonIndex {
		if r == x {
			return i
		}
	}
	return -1
}

func reactionIdx(x Reaction) int {
	for i, r := range reactionIndex {
		if r == x {
			return i
		}
	}
	return -1
}

func (r *Room) checkCreate(c *Command) error {
	var err error
	if c.Title, err = required(c.Title, maxTitle, oneLine); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if c.Text, err = clean(c.Text, maxDescription, manyLines); err != nil {
		return fmt.Errorf("description: %w", err)
	}
	if !validCode(c.Code) {
		return fmt.Errorf("%w: a join code is 4 to 12 of A-Z and 0-9", ErrInvalid)
	}
	if c.Steps, err = cleanSteps(c.Steps); err != nil {
		return err
	}
	if c.Settings == nil {
		s := defaultSettings
		c.Settings = &s
		return nil
	}
	return checkSettingsValue(c)
}

func (r *Room) applyCreate(c *Command) {
	r.created = true
	r.title, r.description, r.code = c.Title, c.Text, c.Code
	r.status = Scheduled
	r.settings = *c.Settings
	r.agenda = c.Steps
	r.step = -1
	if len(r.agenda) > 0 {
		r.step = 0
	}
}

func (r *Room) checkEdit(c *Command) error {
	var err error
	if c.Title, err = required(c.Title, maxTitle, oneLine); err != nil {
		return fmt.Errorf("title: %w", err)
	}
	if c.Text, err = clean(c.Text, maxDescription, manyLines); err != nil {
		return fmt.Errorf("description: %w", err)
	}
	return nil
}

func (r *Room) checkSettings(c *Command) error {
	if c.Settings == nil {
		return fmt.Errorf("%w: settings missing", ErrInvalid)
	}
	return checkSettingsValue(c)
}

// checkSettingsValue validates c.Settings and replaces it with a normalised
// copy (the caller's value is never written).
func checkSettingsValue(c *Command) error {
	s := *c.Settings
	if s.MaxLength != 0 && (s.MaxLength < minQuestionLength || s.MaxLength > maxQuestionLength) {
		return fmt.Errorf("%w: question length limit must be 0 or %d to %d", ErrInvalid, minQuestionLength, maxQuestionLength)
	}
	if !validCounting(s.Counting) {
		return fmt.Errorf("%w: counting must be one of %v", ErrInvalid, Countings)
	}
	if s.Counting == CountOpen {
		s.Counting = "" // one way to write the default
	}
	for _, l := range []struct {
		name string
		url  *string
	}{{"stream", &s.StreamURL}, {"sign-language", &s.SignURL}, {"captions", &s.CaptionsURL}} {
		u, err := clean(*l.url, maxStreamURL, oneLine)
		if err != nil {
			return fmt.Errorf("%s link: %w", l.name, err)
		}
		if u != "" && !httpURL(u) {
			return fmt.Errorf("%w: the %s link must be an http:// or https:// address", ErrInvalid, l.name)
		}
		*l.url = u
	}
	c.Settings = &s
	return nil
}

// httpURL reports whether s is an absolute http or https URL with a host and
// no white space.
func httpURL(s string) bool {
	if strings.ContainsAny(s, " \t\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// cleanSteps returns a trimmed copy of an agenda.
func cleanSteps(steps []string) ([]string, error) {
	if len(steps) > maxSteps {
		return nil, fmt.Errorf("%w: at most %d agenda steps", ErrInvalid, maxSteps)
	}
	if len(steps) == 0 {
		return nil, nil
	}
	out := make([]string, len(steps))
	for i, s := range steps {
		t, err := required(s, maxStepTitle, oneLine)
		if err != nil {
			return nil, fmt.Errorf("agenda step %d: %w", i+1, err)
		}
		out[i] = t
	}
	return out, nil
}

func (r *Room) checkAgenda(c *Command) error {
	var err error
	c.Steps, err = cleanSteps(c.Steps)
	return err
}

func (r *Room) applyAgenda(c *Command) {
	// Each new step keeps the outcome of an old step of the same title.
	var outcomes []string
	if r.outcomes != nil {
		used := make([]bool, len(r.agenda))
		for _, title := range c.Steps {
			o := ""
			for i, old := range r.agenda {
				if !used[i] && old == title && i < len(r.outcomes) {
					used[i], o = true, r.outcomes[i]
					break
				}
			}
			outcomes = append(outcomes, o)
		}
	}
	r.agenda = c.Steps
	r.setOutcomes(outcomes)
	if r.step >= len(r.agenda) {
		r.step = -1
		r.fx.meeting = true
	}
}

func (r *Room) checkGoto(c *Command) error {
	if c.Step < -1 || c.Step >= len(r.agenda) {
		return fmt.Errorf("%w: step %d is not in the agenda", ErrInvalid, c.Step)
	}
	if c.Step == r.step {
		return fmt.Errorf("%w: already the current step", ErrAlready)
	}
	return nil
}

func (r *Room) checkOutcome(c *Command) error {
	if c.Step < 0 || c.Step >= len(r.agenda) {
		return fmt.Errorf("%w: step %d is not in the agenda", ErrInvalid, c.Step)
	}
	var err error
	if c.Text, err = clean(c.Text, maxOutcome, manyLines); err != nil {
		return fmt.Errorf("outcome: %w", err)
	}
	if c.Text == r.outcome(c.Step) {
		return fmt.Errorf("%w: same outcome", ErrAlready)
	}
	return nil
}

func (r *Room) applyOutcome(c *Command) {
	out := make([]string, len(r.agenda))
	copy(out, r.outcomes)
	out[c.Step] = c.Text
	r.setOutcomes(out)
}

// outcome is step i's outcome, "" for none.
func (r *Room) outcome(i int) string {
	if i < len(r.outcomes) {
		return r.outcomes[i]
	}
	return ""
}

// setOutcomes keeps out, or nil when every outcome is empty.
func (r *Room) setOutcomes(out []string) {
	for _, o := range out {
		if o != "" {
			r.outcomes = out
			return
		}
	}
	r.outcomes = nil
}

// MaxAnnounceSeconds bounds how long an announcement may be set to stay
// up: a day.
const MaxAnnounceSeconds = 86400

func (r *Room) checkAnnounce(c *Command) error {
	if c.Seconds < 0 || c.Seconds > MaxAnnounceSeconds {
		return fmt.Errorf("%w: an announcement lasts 0 (until replaced) to %d seconds", ErrInvalid, MaxAnnounceSeconds)
	}
	var err error
	c.Text, err = required(c.Text, maxAnnouncement, manyLines)
	return err
}

// announcement is the one c makes at at.
func (r *Room) announcement(c *Command, at int64) Announcement {
	a := Announcement{ID: len(r.announcements) + 1, Text: c.Text, At: at}
	if c.Seconds > 0 {
		a.Until = at + int64(c.Seconds)*1000
	}
	return a
}

func (r *Room) checkJoin(a Actor, c *Command) error {
	if _, err := required(a.ID, maxParticipant, oneLine); err != nil || strings.TrimSpace(a.ID) != a.ID {
		return fmt.Errorf("%w: participant id", ErrInvalid)
	}
	if err := r.checkCardJoin(a); err != nil {
		return err
	}
	if c.Channel != InRoom && c.Channel != Remote {
		return fmt.Errorf("%w: channel must be %q or %q", ErrInvalid, InRoom, Remote)
	}
	var err error
	if c.Name, err = clean(c.Name, maxName, oneLine); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if r.settings.Anonymous {
		// The hub passes the name from the hello message: a room without
		// names drops it rather than refusing the participant.
		c.Name = ""
	}
	return nil
}

func (r *Room) applyJoin(a Actor, c *Command) {
	m := r.members[a.ID]
	if m == nil {
		m = &member{id: a.ID}
		r.members[a.ID] = m
	}
	if m.present {
		r.count(m.channel, -1)
	}
	m.present, m.channel = true, c.Channel
	if c.Name != "" {
		m.name = c.Name
	}
	r.count(m.channel, +1)
	r.peak = max(r.peak, r.inRoom+r.remote)
}

func (r *Room) count(ch Channel, d int) {
	if ch == InRoom {
		r.inRoom += d
	} else {
		r.remote += d
	}
}

func (r *Room) checkLeave(a Actor) error {
	m := r.members[a.ID]
	if m == nil {
		return ErrNotJoined
	}
	if !m.present {
		return fmt.Errorf("%w: not present", ErrState)
	}
	return nil
}

func (r *Room) applyLeave(a Actor) {
	m := r.members[a.ID]
	m.present = false
	r.count(m.channel, -1)
}

func (r *Room) applyPresenceReset() {
	for _, m := range r.members {
		m.present = false
	}
	r.inRoom, r.remote = 0, 0
}

func (r *Room) checkRename(m *member, c *Command) error {
	var err error
	if c.Name, err = clean(c.Name, maxName, oneLine); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if c.Name != "" && r.settings.Anonymous {
		return ErrNamesDisabled
	}
	if c.Name == m.name {
		return fmt.Errorf("%w: same name", ErrAlready)
	}
	return nil
}

// checkReactions validates a batch of taps and copies it, so the event never
// shares the caller's map.
func checkReactions(c *Command) error {
	if len(c.Counts) == 0 {
		return fmt.Errorf("%w: no reactions", ErrInvalid)
	}
	counts := make(map[Reaction]int, len(c.Counts))
	for k, n := range c.Counts {
		if reactionIdx(k) < 0 {
			return fmt.Errorf("%w: unknown reaction %q", ErrInvalid, k)
		}
		if n < 1 || n > maxReactionCount {
			return fmt.Errorf("%w: reaction count must be 1 to %d", ErrInvalid, maxReactionCount)
		}
		counts[k] = n
	}
	c.Counts = counts
	return nil
}
