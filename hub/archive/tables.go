package archive

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// Variant says who a set of tables is for.
type Variant uint8

const (
	// OpenData is for publication: no participant id, no name, no text a
	// moderator did not let through, open answers as word counts only.
	OpenData Variant = iota + 1
	// Full is for the moderators: participant ids (pseudonymous), every
	// question's text and every ballot.
	Full
)

func (v Variant) String() string {
	if v == Full {
		return "full"
	}
	return "opendata"
}

// Table is one CSV table and its Table Schema
// (https://specs.frictionlessdata.io/table-schema/). Rows hold the cells as
// written: integers in decimal, numbers with a dot, booleans as true/false,
// datetimes in UTC as 2006-01-02T15:04:05Z, and "" for a missing value.
type Table struct {
	Name   string // file name without .csv: questions, polls...
	Schema Schema
	Rows   [][]string
}

// Schema is a Table Schema.
type Schema struct {
	Fields        []Field      `json:"fields"`
	PrimaryKey    []string     `json:"primaryKey,omitempty"`
	ForeignKeys   []ForeignKey `json:"foreignKeys,omitempty"`
	MissingValues []string     `json:"missingValues"`
}

// ForeignKey says that the values of Fields are values of the referenced
// table's fields (a resource of the same data package).
type ForeignKey struct {
	Fields    []string  `json:"fields"`
	Reference Reference `json:"reference"`
}

// Reference is the target of a ForeignKey.
type Reference struct {
	Resource string   `json:"resource"`
	Fields   []string `json:"fields"`
}

// Field is a Table Schema field. Type is one of string, integer, number,
// boolean, datetime, date (a consultation's calendar days, YYYY-MM-DD).
type Field struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"`
	Format      string       `json:"format,omitempty"`
	Title       string       `json:"title,omitempty"`
	Description string       `json:"description,omitempty"`
	Constraints *Constraints `json:"constraints,omitempty"`
}

// Constraints are the Table Schema constraints Tribune uses.
type Constraints struct {
	Required bool     `json:"required,omitempty"`
	Unique   bool     `json:"unique,omitempty"`
	Enum     []string `json:"enum,omitempty"`
}

// WriteCSV writes t as RFC 4180 CSV, comma-separated, with a header row, in
// UTF-8. With bom, the file starts with a byte order mark, which spreadsheet
// programs (Excel) need to read UTF-8; tools that follow the Table Schema
// spec expect none.
func (t *Table) WriteCSV(w io.Writer, bom bool) error {
	if bom {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Schema.Fields))
	for i, f := range t.Schema.Fields {
		head[i] = f.Name
	}
	cw.Write(head)
	cw.WriteAll(t.Rows)
	return cw.Error()
}

// column describes one field and how to fill it from a row value of type T.
type column[T any] struct {
	field Field
	value func(T) string
	only  Variant // 0: in every variant
}

func table[T any](name string, v Variant, key []string, cols []column[T], items []T) Table {
	t := Table{Name: name, Schema: Schema{MissingValues: []string{""}, PrimaryKey: key}}
	var keep []column[T]
	for _, c := range cols {
		if c.only == 0 || c.only == v {
			keep = append(keep, c)
			t.Schema.Fields = append(t.Schema.Fields, c.field)
		}
	}
	t.Rows = make([][]string, 0, len(items))
	for _, it := range items {
		row := make([]string, len(keep))
		for i, c := range keep {
			row[i] = c.value(it)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func field(name, typ, title string, required bool, enum ...string) Field {
	f := Field{Name: name, Type: typ, Title: title}
	if typ == "datetime" {
		f.Format = "default"
	}
	if required || len(enum) > 0 {
		f.Constraints = &Constraints{Required: required, Enum: enum}
	}
	return f
}

func describe(f Field, d string) Field { f.Description = d; return f }

// Cell encodings.
func itoa(n int) string    { return strconv.Itoa(n) }
func utoa(n uint64) string { return strconv.FormatUint(n, 10) }

// timeFormat is the Table Schema default datetime format, in UTC.
const timeFormat = "2006-01-02T15:04:05Z"

func isoTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(timeFormat)
}

func optInt(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// stepNumber is an agenda step index shown from 1, "" for none.
func stepNumber(i int) string {
	if i < 0 {
		return ""
	}
	return strconv.Itoa(i + 1)
}

func enumOf[T ~string](xs ...T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

var (
	questionStatuses = enumOf(room.Pending, room.Approved, room.Answered, room.Rejected, room.Withdrawn, room.Merged)
	channels         = enumOf(room.InRoom, room.Remote)
	reasons          = enumOf(room.Reasons...)
	pollKinds        = enumOf(room.Single, room.Multiple, room.Rating, room.Open, room.Ranking, room.Points)
	pollStatuses     = enumOf(room.Draft, room.PollOpen, room.PollEnded)
	countings        = enumOf(room.Countings...)
	visibilities     = enumOf(room.Live, room.AfterVoting, room.AfterClose, room.Hidden)
)

// Tables builds the CSV tables of a room's log for variant v: questions,
// polls, poll_results, attendance, moderation, ideas (when the meeting had
// an ideas board: ideas.go), and (Full only) ballots.
func Tables(rows []store.Stored, v Variant) ([]Table, error) {
	m, err := replay(rows)
	if err != nil {
		return nil, err
	}
	return m.tables(v), nil
}

func (m *meeting) tables(v Variant) []Table {
	agenda := m.mod.Meeting.Agenda
	stepTitle := func(i int) string {
		if i < 0 || i >= len(agenda) {
			return ""
		}
		return agenda[i]
	}
	ts := []Table{
		m.stepsTable(v),
		m.questionsTable(v, stepTitle),
		m.pollsTable(v, stepTitle),
		m.resultsTable(v),
		m.floorTable(v),
		m.attendanceTable(v),
		m.moderationTable(v),
	}
	if t := m.ideasTable(v, stepTitle); t != nil {
		ts = append(ts, *t)
	}
	if v == Full {
		ts = append(ts, m.ballotsTable())
	}
	return ts
}

// agendaStep is one row of the steps table.
type agendaStep struct {
	index          int
	title, outcome string
}

// stepsTable is the agenda with what came of each step: where a
// participant traces their input to a decision.
func (m *meeting) stepsTable(v Variant) Table {
	mv := m.mod.Meeting
	steps := make([]agendaStep, len(mv.Agenda))
	for i, title := range mv.Agenda {
		steps[i] = agendaStep{index: i, title: title}
		if i < len(mv.Outcomes) {
			steps[i].outcome = mv.Outcomes[i]
		}
	}
	cols := []column[agendaStep]{
		{field: field("step", "integer", "Agenda step (from 1)", true), value: func(s agendaStep) string { return stepNumber(s.index) }},
		{field: field("title", "string", "Step title", true), value: func(s agendaStep) string { return s.title }},
		{field: field("outcome", "string", "What came of the step, as the moderators wrote it", false), value: func(s agendaStep) string { return s.outcome }},
	}
	return table("steps", v, []string{"step"}, cols, steps)
}

// floorTable is every request to speak: from where, on what, and whether
// and when the floor was given. Only the full variant says who asked (the
// name they gave, if any); the open data leaves out the topic of a request
// taken back or taken off the line (topicPublic), as the report does.
func (m *meeting) floorTable(v Variant) Table {
	optTime := func(ms int64) string {
		if ms == 0 {
			return ""
		}
		return isoTime(ms)
	}
	statuses := []string{string(room.FloorWaiting), string(room.FloorSpeaking), string(room.FloorDone), string(room.FloorWithdrawn), string(room.FloorDropped)}
	cols := []column[room.FloorView]{
		{field: field("id", "integer", "Request number", true), value: func(f room.FloorView) string { return itoa(int(f.ID)) }},
		{field: describe(field("name", "string", "Name given (empty: anonymous)", false), "moderators only"),
			value: func(f room.FloorView) string { return f.Name }, only: Full},
		{field: field("channel", "string", "From where", true, channels...), value: func(f room.FloorView) string { return string(f.Channel) }},
		{field: describe(field("topic", "string", "Topic given", false),
			"the open-data topic is empty when the request was withdrawn or taken off the line"),
			value: func(f room.FloorView) string {
				if v == Full || topicPublic(f) {
					return f.Topic
				}
				return ""
			}},
		{field: field("status", "string", "What became of it", true, statuses...), value: func(f room.FloorView) string { return string(f.Status) }},
		{field: field("asked_at", "datetime", "Asked (UTC)", true), value: func(f room.FloorView) string { return isoTime(f.At) }},
		{field: field("called_at", "datetime", "Given the floor (UTC)", false), value: func(f room.FloorView) string { return optTime(f.CalledAt) }},
		{field: field("done_at", "datetime", "Speech ended (UTC)", false), value: func(f room.FloorView) string { return optTime(f.DoneAt) }},
		{field: describe(field("recording", "string", "The speech in the recording", false), "the recording's address at the moment the floor was given, once the moderators gave it"),
			value: m.speechLink},
	}
	return table("floor", v, []string{"id"}, cols, m.room.Floor())
}

func (m *meeting) questionsTable(v Variant, stepTitle func(int) string) Table {
	full := v == Full
	cols := []column[room.QuestionView]{
		{field: field("id", "integer", "Question number", true), value: func(q room.QuestionView) string { return itoa(int(q.ID)) }},
		{field: field("asked_at", "datetime", "Asked at (UTC)", true), value: func(q room.QuestionView) string { return isoTime(q.At) }},
		{field: field("step", "integer", "Agenda step when asked (from 1)", false), value: func(q room.QuestionView) string { return stepNumber(q.Step) }},
		{field: field("step_title", "string", "Agenda step title", false), value: func(q room.QuestionView) string { return stepTitle(q.Step) }},
		{field: field("channel", "string", "Asked from the room or remotely", true, channels...), value: func(q room.QuestionView) string { return string(q.Channel) }},
		{field: field("status", "string", "Final status", true, questionStatuses...), value: func(q room.QuestionView) string { return string(q.Status) }},
		{field: field("votes", "integer", "Upvotes", true), value: func(q room.QuestionView) string { return itoa(q.Votes) }},
		{field: describe(field("published", "boolean", "Text published", true),
			"true when moderation let the question through; the open-data text is empty otherwise"),
			value: func(q room.QuestionView) string { return strconv.FormatBool(m.public(q)) }},
		{field: field("text", "string", "Question", false), value: func(q room.QuestionView) string {
			if full || m.public(q) {
				return q.Text
			}
			return ""
		}},
		{field: field("answer", "string", "Written answer", false), value: func(q room.QuestionView) string {
			if full || m.public(q) {
				return q.Answer
			}
			return ""
		}},
		{field: field("answered_at", "datetime", "Answered at (UTC)", false), value: func(q room.QuestionView) string { return isoTime(q.AnsweredAt) }},
		{field: field("late_answer", "boolean", "Answered in writing after the meeting", true), value: func(q room.QuestionView) string {
			return strconv.FormatBool(q.Status == room.Answered && m.ended != 0 && q.AnsweredAt >= m.ended)
		}},
		{field: field("archived", "boolean", "Archived by a moderator", true), value: func(q room.QuestionView) string { return strconv.FormatBool(q.Archived) }},
		{field: describe(field("recording", "string", "The answer in the recording", false), "the recording's address at the moment the question was answered, once the moderators gave it"),
			value: m.answerLink},
		{field: field("merged_into", "integer", "Merged into question", false), value: func(q room.QuestionView) string { return optInt(int(q.MergedInto)) }},
		{field: field("reason", "string", "Why it was refused", false, reasons...), value: func(q room.QuestionView) string { return string(q.Reason) }},
		{field: field("rule", "integer", "Rule of the moderation charter the refusal applied (from 1)", false), value: func(q room.QuestionView) string { return optInt(q.Rule) }},
		{field: describe(field("participant", "string", "Author (pseudonymous participant id)", true), "moderators only"),
			value: func(q room.QuestionView) string { return q.Author }, only: Full},
		{field: field("name", "string", "Name given by the author", false), value: func(q room.QuestionView) string { return q.Name }, only: Full},
	}
	return table("questions", v, []string{"id"}, cols, m.mod.Questions)
}

func (m *meeting) pollsRun(v Variant) []room.PollView {
	if v == Full {
		return m.mod.Polls
	}
	return slices.DeleteFunc(slices.Clone(m.mod.Polls), func(p room.PollView) bool { return p.Status == room.Draft })
}

func (m *meeting) pollsTable(v Variant, stepTitle func(int) string) Table {
	cols := []column[room.PollView]{
		{field: field("id", "integer", "Poll number", true), value: func(p room.PollView) string { return itoa(int(p.ID)) }},
		{field: field("title", "string", "Question asked", true), value: func(p room.PollView) string { return p.Title }},
		{field: field("kind", "string", "Kind", true, pollKinds...), value: func(p room.PollView) string { return string(p.Kind) }},
		{field: field("status", "string", "Final status", true, pollStatuses...), value: func(p room.PollView) string { return string(p.Status) }},
		{field: field("visibility", "string", "Who saw the results, when", true, visibilities...), value: func(p room.PollView) string { return string(p.Visibility) }},
		{field: field("step", "integer", "Agenda step (from 1)", false), value: func(p room.PollView) string { return stepNumber(p.Step) }},
		{field: field("step_title", "string", "Agenda step title", false), value: func(p room.PollView) string { return stepTitle(p.Step) }},
		{field: field("options", "integer", "Number of options (choice polls)", false), value: func(p room.PollView) string { return optInt(len(p.Options)) }},
		{field: describe(field("max_choices", "integer", "Most options per ballot (multiple choice)", false),
			"multiple choice: most options per ballot; ranking: places each ballot ranks; points: most points one option may get"),
			value: func(p room.PollView) string { return optInt(p.Max) }},
		{field: field("budget", "integer", "Points each participant spreads (points polls)", false), value: func(p room.PollView) string { return optInt(p.Budget) }},
		{field: field("scale", "integer", "Rating scale 1..scale", false), value: func(p room.PollView) string { return optInt(p.Scale) }},
		{field: field("opened_at", "datetime", "First opened (UTC)", false), value: func(p room.PollView) string { return isoTime(m.opened[p.ID]) }},
		{field: field("closed_at", "datetime", "Last closed (UTC)", false), value: func(p room.PollView) string { return isoTime(m.closed[p.ID]) }},
		{field: describe(field("counting", "string", "Whose ballots counted", true, countings...),
			"open: anyone with the link; room: participants who typed the code shown in the room; cards: holders of a voting card"),
			value: func(p room.PollView) string { return string(countingOf(p.Counting)) }},
		{field: describe(field("allowed_voters", "integer", "Voters the poll allowed", false),
			"room: participants checked in, cards: voting cards issued, when the poll was last closed (or at the end of the record); empty for open polls"),
			value: func(p room.PollView) string {
				if n, ok := m.counter.elig.allowed(p.ID, p.Counting); ok {
					return itoa(n)
				}
				return ""
			}},
		{field: field("ballots", "integer", "Ballots cast", true), value: func(p room.PollView) string { return itoa(p.Ballots) }},
		{field: field("results_published", "boolean", "Results published", true), value: func(p room.PollView) string {
			return strconv.FormatBool(v == Full || m.resultsPublic(p))
		}},
		{field: field("average", "number", "Average rating", false), value: func(p room.PollView) string {
			if p.Kind != room.Rating || p.Results == nil || p.Ballots == 0 || (v != Full && !m.resultsPublic(p)) {
				return ""
			}
			return strconv.FormatFloat(p.Results.Average, 'f', -1, 64)
		}},
	}
	return table("polls", v, []string{"id"}, cols, m.pollsRun(v))
}

// result is one row of poll_results.
type result struct {
	poll     room.PollID
	position int
	label    string
	count    int
	first    string // Ranking: ballots putting the option first; else ""
	voters   string // Points: ballots giving the option points; else ""
	correct  string // a closed quiz's option: "true" or "false"; else ""
}

func (m *meeting) resultsTable(v Variant) Table {
	var rs []result
	for _, p := range m.pollsRun(v) {
		if p.Results == nil || (v != Full && !m.resultsPublic(p)) {
			continue
		}
		switch p.Kind {
		case room.Single, room.Multiple:
			for i, n := range p.Results.Tally {
				r := result{poll: p.ID, position: i + 1, label: p.Options[i], count: n}
				if len(p.Correct) > 0 && p.Status == room.PollEnded {
					r.correct = strconv.FormatBool(slices.Contains(p.Correct, i))
				}
				rs = append(rs, r)
			}
		case room.Rating:
			for i, n := range p.Results.Tally {
				rs = append(rs, result{poll: p.ID, position: i + 1, label: itoa(i + 1), count: n})
			}
		case room.Ranking, room.Points:
			for i, n := range p.Results.Tally {
				r := result{poll: p.ID, position: i + 1, label: p.Options[i], count: n}
				if p.Kind == room.Ranking {
					r.first = itoa(p.Results.First[i])
				} else {
					r.voters = itoa(p.Results.Voters[i])
				}
				rs = append(rs, r)
			}
		case room.Open:
			for i, w := range p.Results.Words {
				rs = append(rs, result{poll: p.ID, position: i + 1, label: w.Word, count: w.Count})
			}
		}
	}
	cols := []column[result]{
		{field: field("poll", "integer", "Poll number", true), value: func(r result) string { return itoa(int(r.poll)) }},
		{field: describe(field("position", "integer", "Option number, rating value, or word rank", true),
			"choice polls: the option's position from 1; rating: the value; open: the word's rank in the word cloud"),
			value: func(r result) string { return itoa(r.position) }},
		{field: field("label", "string", "Option, rating value or word", true), value: func(r result) string { return r.label }},
		{field: describe(field("count", "integer", "Count", true),
			"ballots for the option or value; for an open poll, ballots using the word; "+
				"ranking: the Borda score (with n options, n-1 points for each first place down to 0, and 0 where a partial ranking leaves the option out); "+
				"points: the points the option got"),
			value: func(r result) string { return itoa(r.count) }},
		{field: describe(field("first_places", "integer", "Ballots ranking the option first", false), "ranking polls only; empty otherwise"),
			value: func(r result) string { return r.first }},
		{field: describe(field("voters", "integer", "Ballots giving the option points", false), "points polls only; empty otherwise"),
			value: func(r result) string { return r.voters }},
		{field: describe(field("correct", "boolean", "A right answer of the quiz", false), "closed quiz polls only; empty otherwise"),
			value: func(r result) string { return r.correct }},
	}
	t := table("poll_results", v, []string{"poll", "position"}, cols, rs)
	t.Schema.ForeignKeys = []ForeignKey{{Fields: []string{"poll"}, Reference: Reference{Resource: "polls", Fields: []string{"id"}}}}
	return t
}

// ballotsTable is every ballot, by participant: Full only.
func (m *meeting) ballotsTable() Table {
	type ballot struct {
		poll        room.PollID
		participant string
		b           room.Ballot
	}
	var bs []ballot
	ids := slices.Clone(m.order)
	slices.Sort(ids)
	for _, p := range m.mod.Polls {
		for _, id := range ids {
			if !m.room.HasBallot(id, p.ID) {
				continue
			}
			bs = append(bs, ballot{p.ID, id, m.room.Mine(id).Ballots[p.ID]})
		}
	}
	cols := []column[ballot]{
		{field: field("poll", "integer", "Poll number", true), value: func(b ballot) string { return itoa(int(b.poll)) }},
		{field: field("participant", "string", "Pseudonymous participant id", true), value: func(b ballot) string { return b.participant }},
		{field: describe(field("choices", "string", "Options chosen", false), "positions from 1, separated by spaces; a ranking's in order of preference"),
			value: func(b ballot) string {
				s := make([]string, len(b.b.Choices))
				for i, c := range b.b.Choices {
					s[i] = itoa(c + 1)
				}
				return strings.Join(s, " ")
			}},
		{field: field("rating", "integer", "Rating", false), value: func(b ballot) string { return optInt(b.b.Rating) }},
		{field: field("text", "string", "Open answer", false), value: func(b ballot) string { return b.b.Text }},
		{field: describe(field("points", "string", "Points given", false), "points polls: the points of each option in option order, separated by spaces"),
			value: func(b ballot) string {
				s := make([]string, len(b.b.Points))
				for i, x := range b.b.Points {
					s[i] = itoa(x)
				}
				return strings.Join(s, " ")
			}},
	}
	t := table("ballots", Full, []string{"poll", "participant"}, cols, bs)
	t.Schema.ForeignKeys = []ForeignKey{{Fields: []string{"poll"}, Reference: Reference{Resource: "polls", Fields: []string{"id"}}}}
	return t
}

// presence is one row of attendance.
type presence struct {
	Presence
	event       string
	channel     room.Channel
	participant string
}

func (m *meeting) attendanceTable(v Variant) Table {
	series := m.series
	if v != Full && m.attendanceHidden() {
		series = nil
	}
	ps := make([]presence, 0, len(series))
	for _, p := range series {
		ev := m.rows[p.Seq-1].Event
		row := presence{Presence: p, participant: ev.Actor.ID}
		switch ev.Op {
		case room.OpJoin:
			row.event, row.channel = "join", ev.Channel
		case room.OpLeave:
			row.event = "leave"
		default:
			row.event = "reset"
		}
		ps = append(ps, row)
	}
	cols := []column[presence]{
		{field: field("seq", "integer", "Event number in the log", true), value: func(p presence) string { return utoa(p.Seq) }},
		{field: field("at", "datetime", "Time (UTC)", true), value: func(p presence) string { return isoTime(p.At) }},
		{field: describe(field("event", "string", "What changed", true, "join", "leave", "reset"),
			"reset: everyone marked absent after a server restart"),
			value: func(p presence) string { return p.event }},
		{field: field("channel", "string", "Channel joined", false, channels...), value: func(p presence) string { return string(p.channel) }},
		{field: field("in_room", "integer", "Present in the room", true), value: func(p presence) string { return itoa(p.InRoom) }},
		{field: field("remote", "integer", "Present remotely", true), value: func(p presence) string { return itoa(p.Remote) }},
		{field: field("total", "integer", "Present", true), value: func(p presence) string { return itoa(p.InRoom + p.Remote) }},
		{field: field("participant", "string", "Pseudonymous participant id", false), value: func(p presence) string { return p.participant }, only: Full},
	}
	return table("attendance", v, []string{"seq"}, cols, ps)
}

func (m *meeting) moderationTable(v Variant) Table {
	cols := []column[room.LedgerEntry]{
		{field: field("seq", "integer", "Event number in the log", true), value: func(e room.LedgerEntry) string { return utoa(e.Seq) }},
		{field: field("at", "datetime", "Time (UTC)", true), value: func(e room.LedgerEntry) string { return isoTime(e.At) }},
		{field: field("op", "string", "Action", true), value: func(e room.LedgerEntry) string { return string(e.Op) }},
		{field: field("question", "integer", "Question number", false), value: func(e room.LedgerEntry) string { return optInt(int(e.Question)) }},
		{field: field("poll", "integer", "Poll number", false), value: func(e room.LedgerEntry) string { return optInt(int(e.Poll)) }},
		{field: field("step", "integer", "Agenda step gone to (from 1)", false), value: func(e room.LedgerEntry) string {
			if ev := m.rows[e.Seq-1].Event; ev.Op == room.OpGoto {
				return stepNumber(ev.Step)
			}
			return ""
		}},
		{field: field("reason", "string", "Reason given for a refusal", false, reasons...), value: func(e room.LedgerEntry) string { return string(e.Reason) }},
		{field: field("note", "string", "Moderator's note on a refusal", false), value: func(e room.LedgerEntry) string { return e.Note }},
		{field: field("rule", "integer", "Rule of the moderation charter a refusal applies (from 1)", false), value: func(e room.LedgerEntry) string { return optInt(e.Rule) }},
		{field: field("by", "string", "Who acted: the role name of a moderation team link, or organiser", true), value: func(e room.LedgerEntry) string {
			if n := roleName(m.mod.Team, e.By); n != "" {
				return n
			}
			return "organiser"
		}},
	}
	return table("moderation", v, []string{"seq"}, cols, m.mod.Ledger)
}
