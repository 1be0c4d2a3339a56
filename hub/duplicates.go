package hub

import (
	"context"
	"net/http"

	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/similar"
)

// duplicates serves GET /api/rooms/{code}/duplicates, for moderators (key
// in the X-Tribune-Key header): for each question waiting for moderation,
// the published questions it likely asks again, most likely first; and
// for each idea waiting, the live ideas of its board it likely repeats
// (title and text compared), so that the dashboard offers to merge it in
// one action (PROTOCOL.md). The room's published questions and ideas are
// indexed on its fan-out's goroutine, kept up to date from one request to
// the next (dupIndex).
func (h *Hub) duplicates(w http.ResponseWriter, r *http.Request) {
	hr, err := h.room(r.Context(), normalizeCode(r.PathValue("code")))
	if err != nil {
		h.httpError(w, err)
		return
	}
	// Any moderator: the organiser, or a link of the team that acts
	// (team.go); a backstage link sees everything, suggestions too.
	if _, err := h.moderatorActor(r.Context(), r.Header.Get(keyHeader), hr); err != nil {
		writeError(w, http.StatusForbidden, "bad_key", "duplicates: the moderator key is required (X-Tribune-Key)")
		return
	}
	var out duplicatesResponse
	if err := hr.fan.inspect(r.Context(), func(rm *room.Room) { out = hr.fan.dups.suggest(rm) }); err != nil {
		h.httpError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// duplicatesResponse is GET /api/rooms/{code}/duplicates's answer.
type duplicatesResponse struct {
	Seq         uint64            `json:"seq"` // the room's state it was computed from
	Suggestions []duplicateGroups `json:"suggestions"`
	Ideas       []ideaDuplicates  `json:"ideas"`
}

// ideaDuplicates is a waiting idea and the live ideas of its board it
// likely repeats.
type ideaDuplicates struct {
	Idea   room.IdeaID `json:"idea"`   // waiting for moderation
	Likely []ideaMatch `json:"likely"` // live, on the same board, most likely first
}

type ideaMatch struct {
	Idea  room.IdeaID `json:"idea"`
	Score float64     `json:"score"` // cosine similarity, 0 to 1
}

type duplicateGroups struct {
	Question room.QuestionID `json:"question"` // waiting for moderation
	Likely   []similar.Match `json:"likely"`   // published, most likely first
}

// maxLikely is how many published questions are suggested for one.
const maxLikely = 3

// dupIndex is a room's published questions, indexed for similar: which
// text each id was indexed with, so that a request only adds, replaces
// and removes what changed since the last one. Owned by the fan-out's
// goroutine (fanout.inspect).
type dupIndex struct {
	index *similar.Index
	texts map[room.QuestionID]string

	// The live ideas, one index per board: an idea is a duplicate only
	// of one on its own board.
	boards map[room.BoardID]*similar.Index
	ideas  map[room.IdeaID]indexedIdea
}

// indexedIdea is what an idea was indexed with.
type indexedIdea struct {
	board room.BoardID
	text  string
}

// ideaText is what an idea is compared by: its title and its text.
func ideaText(x room.IdeaView) string {
	if x.Text == "" {
		return x.Title
	}
	return x.Title + "\n" + x.Text
}

// suggest brings the index up to date with rm and suggests, for each
// pending question, the published ones it likely repeats.
func (d *dupIndex) suggest(rm *room.Room) duplicatesResponse {
	if d.index == nil {
		d.index, d.texts = similar.New(), make(map[room.QuestionID]string)
	}
	v := rm.View(room.Moderator)
	qs := v.Questions
	published := make(map[room.QuestionID]bool, len(qs))
	for _, q := range qs {
		if (q.Status == room.Approved || q.Status == room.Answered) && q.MergedInto == 0 && !q.Archived {
			published[q.ID] = true
			if d.texts[q.ID] != q.Text {
				d.index.Add(int(q.ID), q.Text)
				d.texts[q.ID] = q.Text
			}
		}
	}
	for id := range d.texts {
		if !published[id] {
			d.index.Remove(int(id))
			delete(d.texts, id)
		}
	}
	out := duplicatesResponse{Seq: rm.Seq(), Suggestions: []duplicateGroups{}}
	for _, q := range qs {
		if q.Status != room.Pending || q.MergedInto != 0 {
			continue
		}
		if m := d.index.Suggest(q.Text, maxLikely, similar.Threshold, int(q.ID)); len(m) > 0 {
			out.Suggestions = append(out.Suggestions, duplicateGroups{Question: q.ID, Likely: m})
		}
	}
	out.Ideas = d.suggestIdeas(v.Ideas)
	return out
}

// suggestIdeas brings the ideas' indexes up to date with ideas (the
// moderator's view) and suggests, for each waiting idea, the live ideas of
// its board it likely repeats.
func (d *dupIndex) suggestIdeas(ideas []room.IdeaView) []ideaDuplicates {
	if d.boards == nil {
		d.boards, d.ideas = make(map[room.BoardID]*similar.Index), make(map[room.IdeaID]indexedIdea)
	}
	live := make(map[room.IdeaID]bool, len(ideas))
	for _, x := range ideas {
		if x.Status != room.Approved {
			continue
		}
		live[x.ID] = true
		was, text := d.ideas[x.ID], ideaText(x)
		if was.board == x.Board && was.text == text {
			continue
		}
		ix := d.boards[x.Board]
		if ix == nil {
			ix = similar.New()
			d.boards[x.Board] = ix
		}
		ix.Add(int(x.ID), text)
		d.ideas[x.ID] = indexedIdea{board: x.Board, text: text}
	}
	for id, was := range d.ideas {
		if !live[id] {
			d.boards[was.board].Remove(int(id))
			delete(d.ideas, id)
		}
	}
	out := []ideaDuplicates{}
	for _, x := range ideas {
		ix := d.boards[x.Board]
		if x.Status != room.Pending || ix == nil {
			continue
		}
		ms := ix.Suggest(ideaText(x), maxLikely, similar.Threshold, int(x.ID))
		if len(ms) == 0 {
			continue
		}
		g := ideaDuplicates{Idea: x.ID, Likely: make([]ideaMatch, len(ms))}
		for i, m := range ms {
			g.Likely[i] = ideaMatch{Idea: room.IdeaID(m.ID), Score: m.Score}
		}
		out = append(out, g)
	}
	return out
}

// inspect runs fn on the room's replica, on the fan-out's goroutine at its
// next tick, and returns once it has run; or with ctx's error, in which
// case fn may still run later and its result must not be read.
func (f *fanout) inspect(ctx context.Context, fn func(*room.Room)) error {
	done := make(chan struct{})
	f.mu.Lock()
	f.inspects = append(f.inspects, func(r *room.Room) {
		fn(r)
		close(done)
	})
	f.mu.Unlock()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
