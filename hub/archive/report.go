package archive

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// Report is the public account of a meeting: what the report page shows.
// It carries no participant id, no name and no unmoderated text (see the
// package comment). Times are Unix milliseconds, 0 for "never".
type Report struct {
	Code        string        `json:"code"`
	Title       string        `json:"title"`
	Description string        `json:"description,omitempty"`
	Status      room.Status   `json:"status"`
	CreatedAt   int64         `json:"createdAt"`
	StartedAt   int64         `json:"startedAt,omitempty"`
	EndedAt     int64         `json:"endedAt,omitempty"`
	Events      uint64        `json:"events"` // events in the log
	Head        string        `json:"head"`   // hex hash of the last event: what tribune verify prints
	Digest      string        `json:"digest"` // hex room.Digest of the final state
	Attendance  Attendance    `json:"attendance"`
	Questions   Questions     `json:"questions"`
	Polls       []Poll        `json:"polls"`
	Agenda      []Step        `json:"agenda"`
	Ledger      []LedgerEntry `json:"ledger"`
	// Team is the moderation team, by role name: every link the
	// organiser handed out, revoked ones too. Absent when there was none.
	Team []Seat `json:"team,omitempty"`
	// Charter is the moderation rules the organiser wrote; absent while
	// the default charter (the report page's text) was in use.
	Charter       []string              `json:"charter,omitempty"`
	Reactions     map[room.Reaction]int `json:"reactions"`
	Announcements []room.Announcement   `json:"announcements"`
	Floor         []FloorRequest        `json:"floor"` // every request to speak, in order, and what became of it
	// Recording is where the meeting's recording is, when the moderator
	// gave it (room.OpRecording); each answered question and speech then
	// links to its moment in it (recording.go).
	Recording *room.Recording `json:"recording,omitempty"`
	// Voters is who the polls could count (voters.go): absent when every
	// poll was open to anyone with the link.
	Voters *Voters `json:"voters,omitempty"`
	// Ideas are the ideas boards (ideas.go), absent when there was none.
	Ideas *Ideas `json:"ideas,omitempty"`
}

// LedgerEntry is one moderation act, with the role name of the seat that
// did it (Role; empty for the organiser): never an address or a key.
type LedgerEntry struct {
	room.LedgerEntry
	Role string `json:"role,omitempty"`
}

// Seat is one link of the moderation team as the record shows it: its role
// name and scope, when it was handed out and revoked. Never its key.
type Seat struct {
	ID        room.SeatID `json:"id"`
	Name      string      `json:"name"`
	Scope     room.Scope  `json:"scope"`
	At        int64       `json:"at"`
	RevokedAt int64       `json:"revokedAt,omitempty"`
}

// Attendance is who was there, over time.
type Attendance struct {
	// Hidden is set while a meeting whose moderators hide attendance
	// (Settings.HideCount) is not over: the figures are then all zero.
	Hidden bool `json:"hidden,omitempty"`

	Joined       int   `json:"joined"`       // distinct participants who joined
	JoinedInRoom int   `json:"joinedInRoom"` // of which first joined in the room
	JoinedRemote int   `json:"joinedRemote"` // of which first joined remotely
	Interacted   int   `json:"interacted"`   // distinct participants who asked, upvoted or voted
	Peak         int   `json:"peak"`         // most present at once
	PeakAt       int64 `json:"peakAt,omitempty"`
	PeakInRoom   int   `json:"peakInRoom"`
	PeakRemote   int   `json:"peakRemote"`
	// Series has one point per change of presence (join, leave, reset), in
	// log order: who was present just after that event.
	Series []Presence `json:"series"`
}

// Presence is attendance just after event Seq.
type Presence struct {
	Seq    uint64 `json:"seq"`
	At     int64  `json:"at"`
	InRoom int    `json:"room"`
	Remote int    `json:"remote"`
}

// Questions sums up the Q&A.
type Questions struct {
	Asked      int `json:"asked"`
	Answered   int `json:"answered"`   // answered, live or in writing afterwards
	Late       int `json:"late"`       // of which answered after the meeting ended
	Unanswered int `json:"unanswered"` // approved, never answered
	Pending    int `json:"pending"`    // never moderated
	Rejected   int `json:"rejected"`
	Withdrawn  int `json:"withdrawn"`
	Merged     int `json:"merged"`
	// Refused counts rejected questions by reason, every reason present.
	Refused map[room.Reason]int `json:"refused"`
	// List is every question, in id order. Text is empty unless the
	// question was let through by moderation (Public).
	List []Question `json:"list"`
}

// Question is one question as the public record shows it.
type Question struct {
	ID         room.QuestionID     `json:"id"`
	Status     room.QuestionStatus `json:"status"`
	Public     bool                `json:"public"` // Text is shown
	Text       string              `json:"text,omitempty"`
	Channel    room.Channel        `json:"channel"`
	Votes      int                 `json:"votes"`
	Step       int                 `json:"step"` // agenda step when asked, -1 for none
	At         int64               `json:"at"`
	Answer     string              `json:"answer,omitempty"`
	AnsweredAt int64               `json:"answeredAt,omitempty"`
	Late       bool                `json:"late,omitempty"` // answered after the meeting ended
	Archived   bool                `json:"archived,omitempty"`
	MergedInto room.QuestionID     `json:"mergedInto,omitempty"`
	Reason     room.Reason         `json:"reason,omitempty"`    // why it was refused
	Rule       int                 `json:"rule,omitempty"`      // the charter's rule the refusal applied
	Recording  string              `json:"recording,omitempty"` // the recording at the moment it was answered (recording.go)
}

// Poll is a poll that ran (drafts and deleted polls are left out).
// Results is nil when the moderator kept them hidden.
type Poll struct {
	ID         room.PollID     `json:"id"`
	Kind       room.PollKind   `json:"kind"`
	Title      string          `json:"title"`
	Options    []string        `json:"options,omitempty"`
	Max        int             `json:"max,omitempty"`
	Scale      int             `json:"scale,omitempty"`
	Budget     int             `json:"budget,omitempty"` // points polls: points per participant
	Visibility room.Visibility `json:"visibility"`
	Status     room.PollStatus `json:"status"`
	Step       int             `json:"step"`
	OpenedAt   int64           `json:"openedAt,omitempty"` // first opened
	ClosedAt   int64           `json:"closedAt,omitempty"` // last closed
	Ballots    int             `json:"ballots"`
	Results    *room.Results   `json:"results,omitempty"`
	Correct    []int           `json:"correct,omitempty"` // a closed quiz's right options
	// Counting is whose ballots counted: room.CountRoom, room.CountCards,
	// or absent for anyone with the link.
	Counting room.Counting `json:"counting,omitempty"`
}

// FloorRequest is a request to speak as the public record shows it: from
// where, on what, and what became of it; never who asked, by name or id.
// Topic is empty when the request was taken back or taken off the line
// (topicPublic), as the text of a withdrawn or refused question is.
type FloorRequest struct {
	ID        room.FloorID     `json:"id"`
	Channel   room.Channel     `json:"channel"`
	Topic     string           `json:"topic,omitempty"`
	Status    room.FloorStatus `json:"status"`
	At        int64            `json:"at"`
	CalledAt  int64            `json:"calledAt,omitempty"`  // given the floor
	DoneAt    int64            `json:"doneAt,omitempty"`    // speech ended
	Recording string           `json:"recording,omitempty"` // the recording at the moment the floor was given (recording.go)
}

// Step is one agenda step and what happened while it was current.
type Step struct {
	Index     int               `json:"index"`
	Title     string            `json:"title"`
	Outcome   string            `json:"outcome,omitempty"` // what came of it, as the moderators wrote it
	Spans     []Span            `json:"spans"`             // when it was the current step, while the meeting was live
	Questions []room.QuestionID `json:"questions"`         // asked during it
	Polls     []room.PollID     `json:"polls"`             // created during it
}

// Span is a time interval; To is 0 while still open.
type Span struct {
	From int64 `json:"from"`
	To   int64 `json:"to,omitempty"`
}

// ErrEmpty is a log without events: there is no meeting to report on.
var ErrEmpty = errors.New("archive: empty log")

// meeting is a replayed log: the final state and the timelines a state
// does not keep. Reports and tables are built from it.
type meeting struct {
	rows  []store.Stored
	room  *room.Room
	mod   room.View // the moderator's view of the final state
	code  string
	ended int64 // when room.end was applied, 0 if never

	created, started int64

	// Presence, tracked independently of the room (Verify compares).
	members     map[string]*attendee
	order       []string // participant ids in order of first join
	inRoom      int
	remote      int
	series      []Presence
	peak        Presence
	interacted  map[string]bool
	premod      bool                     // Settings.PreModeration now
	everPublic  map[room.QuestionID]bool // was visible to everyone at some point
	opened      map[room.PollID]int64
	closed      map[room.PollID]int64
	step        int
	spans       map[int][]Span
	announces   []room.Announcement
	lastTouched map[string]uint64 // "q3", "p2", "counts", "meeting": the last event that touched it
	counter     counter           // upvotes and ballots, counted apart from the reducer
	ideaLog     ideaLog           // the ideas boards (ideas.go)
}

type attendee struct {
	channel, first room.Channel
	present        bool
}

// replay applies rows in order to a new room and records the timelines. It
// fails on the first event that does not apply, naming it. It does not
// check the hash chain: see store.VerifyChain.
func replay(rows []store.Stored) (*meeting, error) {
	if len(rows) == 0 {
		return nil, ErrEmpty
	}
	m := &meeting{
		rows: rows, room: room.New(), step: -1,
		members: map[string]*attendee{}, interacted: map[string]bool{},
		everPublic: map[room.QuestionID]bool{}, opened: map[room.PollID]int64{},
		closed: map[room.PollID]int64{}, spans: map[int][]Span{}, lastTouched: map[string]uint64{},
	}
	for _, row := range rows {
		ev := row.Event
		if ev.Seq != row.Seq {
			return nil, &VerifyError{Seq: row.Seq, Reason: fmt.Sprintf("the event says it is event %d", ev.Seq)}
		}
		if err := m.room.Apply(ev); err != nil {
			return nil, &VerifyError{Seq: row.Seq, Reason: "does not apply: " + err.Error()}
		}
		m.observe(ev)
		m.observeIdea(ev)
		m.counter.observe(ev)
	}
	m.mod = m.room.View(room.Moderator)
	return m, nil
}

// observe records what ev, just applied, did to the timelines.
func (m *meeting) observe(ev room.Event) {
	c := ev.Command
	touch := func(k string) { m.lastTouched[k] = ev.Seq }
	// Ids assigned by the room (question.ask, poll.create) are in the event.
	if c.Question != 0 {
		touch(fmt.Sprint("q", c.Question))
	}
	if c.Into != 0 {
		touch(fmt.Sprint("q", c.Into))
	}
	if c.Poll != 0 {
		touch(fmt.Sprint("p", c.Poll))
	}
	switch c.Op {
	case room.OpCreate:
		m.code, m.created = c.Code, ev.At
		m.premod = c.Settings != nil && c.Settings.PreModeration
		if len(c.Steps) > 0 {
			m.setStep(0, ev.At)
		}
		touch("meeting")
	case room.OpSettings:
		m.premod = c.Settings.PreModeration
		touch("meeting")
	case room.OpStart:
		m.started = ev.At
		if m.step >= 0 { // the step current at the start begins now
			m.spans[m.step] = append(m.spans[m.step], Span{From: ev.At})
		}
		touch("meeting")
	case room.OpEnd:
		m.closeSpan(ev.At)
		m.ended = ev.At
		touch("meeting")
	case room.OpAgenda:
		if m.step >= len(c.Steps) {
			m.setStep(-1, ev.At)
		}
		touch("meeting")
	case room.OpGoto:
		m.setStep(c.Step, ev.At)
		touch("meeting")
	case room.OpAnnounce:
		m.announces = append(m.announces, room.Announcement{ID: len(m.announces) + 1, Text: c.Text, At: ev.At})
		touch("meeting")
	case room.OpJoin:
		a := m.members[ev.Actor.ID]
		if a == nil {
			a = &attendee{first: c.Channel}
			m.members[ev.Actor.ID] = a
			m.order = append(m.order, ev.Actor.ID)
		}
		if a.present {
			m.count(a.channel, -1)
		}
		a.present, a.channel = true, c.Channel
		m.count(a.channel, +1)
		m.presence(ev)
	case room.OpLeave:
		a := m.members[ev.Actor.ID]
		a.present = false
		m.count(a.channel, -1)
		m.presence(ev)
	case room.OpPresenceReset:
		for _, a := range m.members {
			a.present = false
		}
		m.inRoom, m.remote = 0, 0
		m.presence(ev)
	case room.OpAsk:
		m.interacted[ev.Actor.ID] = true
		m.everPublic[c.Question] = !m.premod
	case room.OpUpvote, room.OpVote:
		m.interacted[ev.Actor.ID] = true
	case room.OpApprove:
		m.everPublic[c.Question] = true
	case room.OpPollOpen:
		if m.opened[c.Poll] == 0 {
			m.opened[c.Poll] = ev.At
		}
	case room.OpPollClose:
		m.closed[c.Poll] = ev.At
	}
}

func (m *meeting) count(ch room.Channel, d int) {
	if ch == room.InRoom {
		m.inRoom += d
	} else {
		m.remote += d
	}
}

func (m *meeting) presence(ev room.Event) {
	p := Presence{Seq: ev.Seq, At: ev.At, InRoom: m.inRoom, Remote: m.remote}
	m.series = append(m.series, p)
	if p.InRoom+p.Remote > m.peak.InRoom+m.peak.Remote {
		m.peak = p
	}
	m.lastTouched["counts"] = ev.Seq
}

// setStep makes step current at time at. Spans are recorded only while the
// meeting is live.
func (m *meeting) setStep(step int, at int64) {
	m.closeSpan(at)
	m.step = step
	if step >= 0 && m.started != 0 && m.ended == 0 {
		m.spans[step] = append(m.spans[step], Span{From: at})
	}
}

// closeSpan ends the open span of the current step, if any, at time at.
func (m *meeting) closeSpan(at int64) {
	if m.step < 0 {
		return
	}
	s := m.spans[m.step]
	if n := len(s); n > 0 && s[n-1].To == 0 {
		s[n-1].To = at
	}
}

// public reports whether q's text belongs in the public record: it was let
// through by moderation and not refused since.
func (m *meeting) public(q room.QuestionView) bool {
	switch q.Status {
	case room.Approved, room.Answered:
		return true
	case room.Merged:
		return m.everPublic[q.ID]
	}
	return false
}

// topicPublic reports whether the topic of request f belongs in the public
// record: everyone saw it in the line, and neither its participant took it
// back nor a moderator took it off the line.
func topicPublic(f room.FloorView) bool {
	return f.Status != room.FloorWithdrawn && f.Status != room.FloorDropped
}

// resultsPublic reports whether a poll's results belong in the public
// record: not hidden by the moderator, and shown live, or the poll or the
// meeting is over.
func (m *meeting) resultsPublic(p room.PollView) bool {
	switch p.Visibility {
	case room.Hidden:
		return false
	case room.Live:
		return true
	}
	return p.Status == room.PollEnded || m.mod.Meeting.Status == room.Ended
}

// Build replays a room's stored rows and returns its public report. It
// fails, naming the event, if an event does not apply. It does not check
// the hash chain (Verify does).
func Build(rows []store.Stored) (*Report, error) {
	m, err := replay(rows)
	if err != nil {
		return nil, err
	}
	return m.report(), nil
}

func (m *meeting) report() *Report {
	v := m.mod
	digest := m.room.Digest()
	r := &Report{
		Code:          v.Meeting.Code,
		Title:         v.Meeting.Title,
		Description:   v.Meeting.Description,
		Status:        v.Meeting.Status,
		CreatedAt:     m.created,
		StartedAt:     m.started,
		EndedAt:       m.ended,
		Events:        v.Seq,
		Head:          hex.EncodeToString(m.rows[len(m.rows)-1].Hash),
		Digest:        hex.EncodeToString(digest[:]),
		Reactions:     v.Reactions,
		Announcements: slices.Clone(m.announces),
		Ledger:        m.ledger(),
		Charter:       slices.Clone(v.Meeting.Charter),
		Polls:         []Poll{},
		Agenda:        []Step{},
		Floor:         []FloorRequest{},
	}
	if rec := m.room.Recording(); rec.URL != "" {
		r.Recording = &rec
	}
	r.Voters = m.voters()
	if r.Announcements == nil {
		r.Announcements = []room.Announcement{}
	}
	r.Ideas = m.ideasReport()
	for _, s := range v.Team {
		r.Team = append(r.Team, Seat{ID: s.ID, Name: s.Name, Scope: s.Scope, At: s.At, RevokedAt: s.RevokedAt})
	}

	for _, f := range m.room.Floor() {
		out := FloorRequest{ID: f.ID, Channel: f.Channel, Status: f.Status, At: f.At, CalledAt: f.CalledAt, DoneAt: f.DoneAt,
			Recording: m.speechLink(f)}
		if topicPublic(f) {
			out.Topic = f.Topic
		}
		r.Floor = append(r.Floor, out)
	}

	if m.attendanceHidden() {
		r.Attendance = Attendance{Hidden: true, Series: []Presence{}}
	} else {
		r.Attendance = m.attendance()
	}

	qs := &r.Questions
	qs.Refused = v.Meeting.Refused
	qs.List = make([]Question, 0, len(v.Questions))
	for _, q := range v.Questions {
		qs.Asked++
		out := Question{
			ID: q.ID, Status: q.Status, Channel: q.Channel, Votes: q.Votes, Step: q.Step, At: q.At,
			Archived: q.Archived, MergedInto: q.MergedInto,
		}
		switch q.Status {
		case room.Answered:
			qs.Answered++
			out.Late = m.ended != 0 && q.AnsweredAt >= m.ended
			if out.Late {
				qs.Late++
			}
		case room.Approved:
			qs.Unanswered++
		case room.Pending:
			qs.Pending++
		case room.Rejected:
			qs.Rejected++
			out.Reason, out.Rule = q.Reason, q.Rule
		case room.Withdrawn:
			qs.Withdrawn++
		case room.Merged:
			qs.Merged++
		}
		if out.Public = m.public(q); out.Public {
			out.Text, out.Answer, out.AnsweredAt = q.Text, q.Answer, q.AnsweredAt
			out.Recording = m.answerLink(q)
		}
		qs.List = append(qs.List, out)
	}

	for _, p := range v.Polls {
		if p.Status == room.Draft {
			continue
		}
		out := Poll{
			ID: p.ID, Kind: p.Kind, Title: p.Title, Options: p.Options, Max: p.Max, Scale: p.Scale, Budget: p.Budget,
			Visibility: p.Visibility, Status: p.Status, Step: p.Step, Ballots: p.Ballots,
			OpenedAt: m.opened[p.ID], ClosedAt: m.closed[p.ID], Counting: p.Counting,
		}
		if m.resultsPublic(p) {
			out.Results = p.Results
		}
		if p.Status == room.PollEnded {
			out.Correct = p.Correct
		}
		r.Polls = append(r.Polls, out)
	}

	for i, title := range v.Meeting.Agenda {
		s := Step{Index: i, Title: title, Spans: slices.Clone(m.spans[i]), Questions: []room.QuestionID{}, Polls: []room.PollID{}}
		if i < len(v.Meeting.Outcomes) {
			s.Outcome = v.Meeting.Outcomes[i]
		}
		if s.Spans == nil {
			s.Spans = []Span{}
		}
		for _, q := range v.Questions {
			if q.Step == i {
				s.Questions = append(s.Questions, q.ID)
			}
		}
		for _, p := range r.Polls {
			if p.Step == i {
				s.Polls = append(s.Polls, p.ID)
			}
		}
		r.Agenda = append(r.Agenda, s)
	}
	return r
}

func (m *meeting) attendance() Attendance {
	a := Attendance{Joined: len(m.order), Interacted: len(m.interacted), Series: slices.Clone(m.series)}
	for _, id := range m.order {
		if m.members[id].first == room.InRoom {
			a.JoinedInRoom++
		} else {
			a.JoinedRemote++
		}
	}
	a.Peak, a.PeakAt, a.PeakInRoom, a.PeakRemote = m.peak.InRoom+m.peak.Remote, m.peak.At, m.peak.InRoom, m.peak.Remote
	if a.Series == nil {
		a.Series = []Presence{}
	}
	return a
}

// attendanceHidden reports whether the public record leaves attendance out
// for now: the moderators hide it and the meeting is not over.
func (m *meeting) attendanceHidden() bool {
	return m.mod.Meeting.Settings.HideCount && m.mod.Meeting.Status != room.Ended
}

// ledger is the moderation ledger with each act's role name.
func (m *meeting) ledger() []LedgerEntry {
	out := make([]LedgerEntry, len(m.mod.Ledger))
	for i, e := range m.mod.Ledger {
		out[i] = LedgerEntry{LedgerEntry: e, Role: roleName(m.mod.Team, e.By)}
	}
	return out
}

// roleName is the name of seat id, "" for the organiser (0).
func roleName(team []room.SeatView, id room.SeatID) string {
	if id < 1 || int(id) > len(team) {
		return ""
	}
	return team[id-1].Name
}

// answerLink is the recording at the moment q was answered: "" unless it
// was answered during the meeting (a written answer afterwards has no
// moment in it) and a recording was given.
func (m *meeting) answerLink(q room.QuestionView) string {
	if q.Status != room.Answered || (m.ended != 0 && q.AnsweredAt >= m.ended) {
		return ""
	}
	return m.room.Recording().Link(m.started, q.AnsweredAt)
}

// speechLink is the recording at the moment f was given the floor: "" if
// it never was, or no recording was given.
func (m *meeting) speechLink(f room.FloorView) string {
	if f.CalledAt == 0 {
		return ""
	}
	return m.room.Recording().Link(m.started, f.CalledAt)
}
