package archive

import (
	"fmt"
	"strconv"

	"github.com/tribune-hub/tribune/room"
)

// The ideas boards (room/idea.go) in the record: the report and the tables
// show them as they show questions. An idea's title and text are public
// only once moderation let it through (ideaPublic); a waiting or refused
// one is counted, with the reason of its refusal, never quoted. Names and
// participant ids are in the full package only.

// Ideas sums up the ideas boards of a meeting.
type Ideas struct {
	Boards    []Board `json:"boards"`
	Submitted int     `json:"submitted"`
	Live      int     `json:"live"`
	Pending   int     `json:"pending"` // never moderated
	Rejected  int     `json:"rejected"`
	Merged    int     `json:"merged"`
	// Refused counts refused ideas by reason, every reason present.
	Refused map[room.Reason]int `json:"refused"`
	// List is every idea, in id order. Title and Text are empty unless
	// moderation let the idea through (Public).
	List []Idea `json:"list"`
}

// Board is one ideas board as the record shows it.
type Board struct {
	ID       room.BoardID `json:"id"`
	Prompt   string       `json:"prompt"`
	Step     int          `json:"step"` // agenda step, -1 for the whole meeting
	At       int64        `json:"at"`
	ClosedAt int64        `json:"closedAt,omitempty"`
}

// Idea is one idea as the public record shows it.
type Idea struct {
	ID         room.IdeaID         `json:"id"`
	Board      room.BoardID        `json:"board"`
	Status     room.QuestionStatus `json:"status"`
	Public     bool                `json:"public"` // Title and Text are shown
	Title      string              `json:"title,omitempty"`
	Text       string              `json:"text,omitempty"`
	Votes      int                 `json:"votes"`
	At         int64               `json:"at"`
	MergedInto room.IdeaID         `json:"mergedInto,omitempty"`
	MergedFrom []room.IdeaID       `json:"mergedFrom,omitempty"`
	Poll       room.PollID         `json:"poll,omitempty"`   // the poll it became an option of
	Reason     room.Reason         `json:"reason,omitempty"` // why it was refused
	Rule       int                 `json:"rule,omitempty"`
}

// ideaLog is what the events say of the ideas that a final state does not
// keep: which ideas were ever public, and each idea's voters, counted
// apart from the reducer for Verify.
type ideaLog struct {
	everPublic map[room.IdeaID]bool
	voters     map[room.IdeaID]map[string]bool
}

// observeIdea records what ev, just applied, did to the ideas.
func (m *meeting) observeIdea(ev room.Event) {
	l := &m.ideaLog
	if l.everPublic == nil {
		l.everPublic, l.voters = map[room.IdeaID]bool{}, map[room.IdeaID]map[string]bool{}
	}
	voters := func(id room.IdeaID) map[string]bool {
		if l.voters[id] == nil {
			l.voters[id] = map[string]bool{}
		}
		return l.voters[id]
	}
	touch := func(id room.IdeaID) { m.lastTouched[fmt.Sprint("i", id)] = ev.Seq }
	switch ev.Op {
	case room.OpIdeaSubmit:
		touch(ev.Idea)
		m.interacted[ev.Actor.ID] = true
		l.everPublic[ev.Idea] = !m.premod
	case room.OpIdeaApprove:
		touch(ev.Idea)
		l.everPublic[ev.Idea] = true
	case room.OpIdeaReject:
		touch(ev.Idea)
	case room.OpIdeaVote:
		touch(ev.Idea)
		m.interacted[ev.Actor.ID] = true
		voters(ev.Idea)[ev.Actor.ID] = true
	case room.OpIdeaUnvote:
		touch(ev.Idea)
		delete(voters(ev.Idea), ev.Actor.ID)
	case room.OpIdeaMerge:
		touch(ev.Idea)
		touch(ev.IdeaInto)
		into := voters(ev.IdeaInto)
		for v := range l.voters[ev.Idea] {
			into[v] = true
		}
		delete(l.voters, ev.Idea)
	case room.OpIdeaPoll:
		for _, id := range ev.Ideas {
			touch(id)
		}
	}
}

// ideaPublic reports whether x's title and text belong in the public
// record: moderation let it through and did not refuse it since.
func (m *meeting) ideaPublic(x room.IdeaView) bool {
	switch x.Status {
	case room.Approved:
		return true
	case room.Merged:
		return m.ideaLog.everPublic[x.ID]
	}
	return false
}

// ideasReport is the report's account of the ideas boards, nil when the
// meeting had none.
func (m *meeting) ideasReport() *Ideas {
	v := m.mod
	if len(v.Boards) == 0 {
		return nil
	}
	out := &Ideas{Boards: []Board{}, List: make([]Idea, 0, len(v.Ideas)), Refused: map[room.Reason]int{}}
	for _, r := range room.Reasons {
		out.Refused[r] = 0
	}
	for _, b := range v.Boards {
		out.Boards = append(out.Boards, Board{ID: b.ID, Prompt: b.Prompt, Step: b.Step, At: b.At, ClosedAt: b.ClosedAt})
		for r, n := range b.Refused {
			out.Refused[r] += n
		}
	}
	for _, x := range v.Ideas {
		out.Submitted++
		i := Idea{ID: x.ID, Board: x.Board, Status: x.Status, Votes: x.Votes, At: x.At, MergedInto: x.MergedInto, MergedFrom: x.MergedFrom, Poll: x.Poll}
		switch x.Status {
		case room.Approved:
			out.Live++
		case room.Pending:
			out.Pending++
		case room.Rejected:
			out.Rejected++
			i.Reason, i.Rule = x.Reason, x.Rule
		case room.Merged:
			out.Merged++
		}
		if i.Public = m.ideaPublic(x); i.Public {
			i.Title, i.Text = x.Title, x.Text
		}
		out.List = append(out.List, i)
	}
	return out
}

// ideasTable is every idea with its board, nil when the meeting had no
// board. The open data quotes an idea only once moderation let it
// through, and never says who submitted it.
func (m *meeting) ideasTable(v Variant, stepTitle func(int) string) *Table {
	if len(m.mod.Boards) == 0 {
		return nil
	}
	full := v == Full
	boards := m.mod.Boards
	board := func(x room.IdeaView) room.BoardView {
		if i := int(x.Board) - 1; i >= 0 && i < len(boards) {
			return boards[i]
		}
		return room.BoardView{Step: -1}
	}
	text := func(s func(room.IdeaView) string) func(room.IdeaView) string {
		return func(x room.IdeaView) string {
			if full || m.ideaPublic(x) {
				return s(x)
			}
			return ""
		}
	}
	statuses := enumOf(room.Pending, room.Approved, room.Rejected, room.Merged)
	cols := []column[room.IdeaView]{
		{field: field("id", "integer", "Idea number", true), value: func(x room.IdeaView) string { return itoa(int(x.ID)) }},
		{field: field("board", "integer", "Ideas board number", true), value: func(x room.IdeaView) string { return itoa(int(x.Board)) }},
		{field: field("prompt", "string", "The board's prompt", true), value: func(x room.IdeaView) string { return board(x).Prompt }},
		{field: field("step", "integer", "Agenda step of the board (from 1; empty: the whole meeting)", false),
			value: func(x room.IdeaView) string { return stepNumber(board(x).Step) }},
		{field: field("step_title", "string", "Agenda step title", false), value: func(x room.IdeaView) string { return stepTitle(board(x).Step) }},
		{field: field("submitted_at", "datetime", "Submitted at (UTC)", true), value: func(x room.IdeaView) string { return isoTime(x.At) }},
		{field: field("status", "string", "Final status", true, statuses...), value: func(x room.IdeaView) string { return string(x.Status) }},
		{field: field("votes", "integer", "Votes", true), value: func(x room.IdeaView) string { return itoa(x.Votes) }},
		{field: describe(field("published", "boolean", "Text published", true),
			"true when moderation let the idea through; the open-data title and text are empty otherwise"),
			value: func(x room.IdeaView) string { return strconv.FormatBool(m.ideaPublic(x)) }},
		{field: field("title", "string", "Idea", false), value: text(func(x room.IdeaView) string { return x.Title })},
		{field: field("text", "string", "Details", false), value: text(func(x room.IdeaView) string { return x.Text })},
		{field: field("merged_into", "integer", "Merged into idea", false), value: func(x room.IdeaView) string { return optInt(int(x.MergedInto)) }},
		{field: field("poll", "integer", "Poll it became an option of", false), value: func(x room.IdeaView) string { return optInt(int(x.Poll)) }},
		{field: field("reason", "string", "Why it was refused", false, reasons...), value: func(x room.IdeaView) string { return string(x.Reason) }},
		{field: field("rule", "integer", "Rule of the moderation charter the refusal applied (from 1)", false), value: func(x room.IdeaView) string { return optInt(x.Rule) }},
		{field: describe(field("participant", "string", "Author (pseudonymous participant id)", true), "moderators only"),
			value: func(x room.IdeaView) string { return x.Author }, only: Full},
		{field: field("name", "string", "Name given by the author", false), value: func(x room.IdeaView) string { return x.Name }, only: Full},
	}
	t := table("ideas", v, []string{"id"}, cols, m.mod.Ideas)
	return &t
}

// recountIdeas compares each idea's votes in the final state with the
// voters counted from the events.
func (m *meeting) recountIdeas() error {
	for _, x := range m.mod.Ideas {
		if n := len(m.ideaLog.voters[x.ID]); n != x.Votes {
			return &VerifyError{Seq: m.lastTouched[fmt.Sprint("i", x.ID)],
				Reason: fmt.Sprintf("idea %d: %d votes recounted, the room says %d", x.ID, n, x.Votes)}
		}
	}
	return nil
}
