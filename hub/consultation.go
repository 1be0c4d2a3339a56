package hub

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// Consultations (issue 11; package room/consultation). A consultation is
// sequenced without a goroutine of its own: its acts are rare (an
// organiser's clicks, the hub noting how a step meeting stands), so each
// consultation has a mutex that serialises them. Under it, an act is
// decided against the cached state, appended to the store through its
// committer (the one the meetings' sequencers write through), and only
// then applied. The mutex is held across that append, and across the
// meeting commands of a carry: one consultation waits for its own writes,
// nothing else does.
//
// Consultations need the store, which the backend gives as its Book. A
// node without one (an edge) passes every consultation request on to the
// node that has it (its primary, through Redis: Backend.Forward), which
// answers it as a single node does; the meetings it writes to during a
// carry go through its sequencers as any command does.

// errPrimaryOnly answers the consultation routes where there is no book.
var errPrimaryOnly = errors.New("hub: consultations are served by the primary")

// errNoConsultation is an id no consultation has.
var errNoConsultation = errors.New("hub: no consultation has this id")

// organiserID is the actor id of every organiser act: the key, not a
// person, organises, as a moderator key moderates.
const organiserID = "organiser"

var (
	organiser  = consultation.Actor{ID: organiserID, Role: consultation.Organiser}
	systemActs = consultation.Actor{Role: consultation.System}
)

// consultations is the hub's registry of loaded consultations: at most
// max (maxConsultations) stay cached, the least recently used that nobody
// is using let go first, to be read from the store again when asked for.
type consultations struct {
	mu   sync.Mutex // guards byID, clock and the entries' users and used
	byID map[string]*hubConsultation
	// clock counts uses, to find the least recently used.
	clock uint64
	max   int // 0: maxConsultations; set before the hub serves (tests)

	replayed replayed // step meetings as last read from the store

	// moved, when set (tests, before the hub serves), runs once the
	// consultations of a meeting that started or ended were told.
	moved func(code string)
}

// hubConsultation is one consultation as the hub serves it.
type hubConsultation struct {
	id string

	// users is how many callers hold it, used when it was last taken:
	// guarded by consultations.mu.
	users int
	used  uint64

	// mu serialises everything below and every act on the consultation,
	// store append included.
	mu      sync.Mutex
	loaded  bool
	keyHash []byte
	c       *consultation.Consultation
}

// consultationStore is the store consultations live in: the backend's
// book, on a single node or a primary; errPrimaryOnly on an edge.
func (h *Hub) consultationStore() (seam.Book, error) {
	if b := h.backend.Book(); b != nil {
		return b, nil
	}
	return nil, errPrimaryOnly
}

// withConsultation runs f with consultation id loaded and locked. It
// loads the consultation from the store on first use (and again after an
// append whose outcome was unknown). errNoConsultation for an unknown id.
func (h *Hub) withConsultation(ctx context.Context, id string, f func(seam.Book, *hubConsultation) error) error {
	st, err := h.consultationStore()
	if err != nil {
		return err
	}
	if id == "" {
		return errNoConsultation
	}
	hc := h.cons.take(id)
	defer h.cons.release(hc)
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if !hc.loaded {
		if err := hc.load(ctx, st); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				// Forget it, so that unknown ids do not pile up.
				h.cons.mu.Lock()
				if h.cons.byID[id] == hc {
					delete(h.cons.byID, id)
				}
				h.cons.mu.Unlock()
				return errNoConsultation
			}
			return err
		}
	}
	return f(st, hc)
}

// maxConsultations is how many consultations a hub keeps loaded at most.
const maxConsultations = 256

// take returns consultation id's entry, made if need be, counted as used
// until release. Making one past the limit lets go of the least recently
// used that nobody holds.
func (cs *consultations) take(id string) *hubConsultation {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.byID == nil {
		cs.byID = make(map[string]*hubConsultation)
	}
	hc, ok := cs.byID[id]
	if !ok {
		hc = &hubConsultation{id: id}
		cs.byID[id] = hc
	}
	cs.clock++
	hc.users, hc.used = hc.users+1, cs.clock
	limit := cs.max
	if limit <= 0 {
		limit = maxConsultations
	}
	for len(cs.byID) > limit && cs.evictLocked() {
	}
	return hc
}

// release ends a use begun by take.
func (cs *consultations) release(hc *hubConsultation) {
	cs.mu.Lock()
	hc.users--
	cs.mu.Unlock()
}

// evictLocked lets go of the least recently used entry nobody holds, and
// reports whether there was one.
func (cs *consultations) evictLocked() bool {
	var lru *hubConsultation
	for _, hc := range cs.byID {
		if hc.users == 0 && (lru == nil || hc.used < lru.used) {
			lru = hc
		}
	}
	if lru == nil {
		return false
	}
	delete(cs.byID, lru.id)
	return true
}

// load replays the consultation's log, after checking its chain. Head
// first: it is ordered after every write submitted before, so the log read
// holds whatever an append that reported an error did commit.
func (hc *hubConsultation) load(ctx context.Context, st seam.Book) error {
	if _, _, err := st.ConsultationHead(ctx, hc.id); err != nil {
		return err
	}
	rec, err := st.Consultation(ctx, hc.id)
	if err != nil {
		return err
	}
	rows, err := st.LoadConsultation(ctx, hc.id)
	if err != nil {
		return err
	}
	if err := store.VerifyConsultationChain(rows); err != nil {
		return fmt.Errorf("load consultation %s: %w", hc.id, err)
	}
	evs := make([]consultation.Event, len(rows))
	for i, r := range rows {
		evs[i] = r.Event
	}
	c, err := consultation.Replay(evs)
	if err != nil {
		return fmt.Errorf("load consultation %s: %w", hc.id, err)
	}
	hc.c, hc.keyHash, hc.loaded = c, rec.KeyHash, true
	return nil
}

// act decides cmd from actor, appends the event and applies it: the
// consultation's single path to its log. Called with hc.mu held. A refusal
// changes nothing. When the append fails the consultation is reloaded on
// its next use, from what the log really holds.
func (h *Hub) act(ctx context.Context, st seam.Book, hc *hubConsultation, actor consultation.Actor, cmd consultation.Command) (consultation.Event, error) {
	ev, err := hc.c.Decide(actor, h.now().UnixMilli(), cmd)
	if err != nil {
		return consultation.Event{}, err
	}
	if err := st.AppendConsultation(ctx, hc.id, []consultation.Event{ev}); err != nil {
		hc.loaded = false
		h.logger.Error("consultation append failed", "consultation", hc.id, "seq", ev.Seq, "err", err)
		return consultation.Event{}, errors.Join(ErrUnavailable, err)
	}
	if err := hc.c.Apply(ev); err != nil {
		// Decide accepted it on this very state: Apply cannot refuse it.
		hc.loaded = false
		return consultation.Event{}, fmt.Errorf("consultation %s: apply event %d: %w", hc.id, ev.Seq, err)
	}
	return ev, nil
}

// stepFeed wraps the feed of room code (the events it commits): once the
// fan-out has them, a start or an end of the meeting is told to the
// consultations it is a step of, off the feed's goroutine, since a feed
// must not block. Where there are no consultations (an edge) it is feed.
// syncSteps, which every read runs, catches up on what this missed (the
// process stopped in between).
func (h *Hub) stepFeed(code string, feed func([]room.Event)) func([]room.Event) {
	if _, err := h.consultationStore(); err != nil {
		return feed
	}
	return func(evs []room.Event) {
		feed(evs)
		for _, ev := range evs {
			if ev.Op == room.OpStart || ev.Op == room.OpEnd {
				// The feed runs on a room goroutine counted in h.wg: the
				// count is above zero, so Add cannot race Close's Wait.
				h.wg.Add(1)
				go h.stepMoved(code)
				return
			}
		}
	}
}

// stepMoved records how meeting code stands in every consultation it is a
// step of.
func (h *Hub) stepMoved(code string) {
	defer h.wg.Done()
	ctx, cancel := context.WithTimeout(h.ctx, commitTimeout)
	defer cancel()
	st, err := h.consultationStore()
	var ids []string
	if err == nil {
		ids, err = st.StepOf(ctx, code)
	}
	if err != nil {
		h.logger.Warn("step meeting moved: consultations unknown", "room", code, "err", err)
	}
	for _, id := range ids {
		err := h.withConsultation(ctx, id, func(st seam.Book, hc *hubConsultation) error { return h.syncSteps(ctx, st, hc) })
		if err != nil && ctx.Err() == nil {
			h.logger.Warn("step meeting moved: not recorded", "room", code, "consultation", id, "err", err)
		}
	}
	if h.cons.moved != nil {
		h.cons.moved(code)
	}
}

// stepStatus is how a step meeting stands, from its meeting's status.
func stepStatus(s room.Status) consultation.StepStatus {
	switch s {
	case room.Running:
		return consultation.Live
	case room.Ended:
		return consultation.Ended
	}
	return consultation.Upcoming
}

// syncSteps records, as System, how each step meeting stands where the
// consultation's log says otherwise: the meeting started, or ended, since
// the hub last looked. It reads the rooms table, which the appends that
// start and end a meeting keep. Called with hc.mu held, whenever the
// consultation is read or acted on, so that what is served is how the
// meetings stand. A meeting that is gone (deleted after its retention
// period) keeps its last status.
func (h *Hub) syncSteps(ctx context.Context, st seam.Book, hc *hubConsultation) error {
	for _, s := range hc.c.View(consultation.Organiser).Steps {
		rec, err := st.Room(ctx, s.Code)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		now := stepStatus(room.Status(rec.Status))
		if now == s.Status {
			continue
		}
		if _, err := h.act(ctx, st, hc, systemActs, consultation.Command{Op: consultation.OpStepStatus, Code: s.Code, Status: string(now)}); err != nil {
			return fmt.Errorf("step %s is %s: %w", s.Code, now, err)
		}
	}
	return nil
}

// meeting is a step meeting's state, replayed from the store, and which
// of its questions were ever public: a question merged into another was,
// if everyone saw it before (the archive's report tells them apart the
// same way).
type meeting struct {
	*room.Room
	everPublic map[room.QuestionID]bool
	// started and ended are when the meeting started and ended (Unix ms,
	// 0 if not yet): an answer's moment in the recording counts from the
	// start, and one given after the end was written, not said.
	started, ended int64

	public, all []room.QuestionView // the questions as the screen and as moderators see them
}

// answered says how question q was answered: after the meeting ended
// (late, in writing), and where it was answered in the meeting's
// recording, if the moderators gave one ("" otherwise, and for a late
// answer, which has no moment in it).
func (m *meeting) answered(q room.QuestionView) (late bool, recording string) {
	if q.Status != room.Answered {
		return false, ""
	}
	if m.ended != 0 && q.AnsweredAt >= m.ended {
		return true, ""
	}
	return false, m.Recording().Link(m.started, q.AnsweredAt)
}

// questions returns the questions as the screen sees them, or with all as
// moderators do, computed when the meeting was replayed.
func (m *meeting) questions(all bool) []room.QuestionView {
	if all {
		return m.all
	}
	return m.public
}

// meetingState replays step meeting code from the store: what is
// committed, which holds every command a room acknowledged. ErrNoRoom when
// there is no such meeting.
func meetingState(ctx context.Context, st seam.Book, code string) (*meeting, error) {
	rows, err := st.Load(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNoRoom, code)
	}
	if err != nil {
		return nil, err
	}
	m := &meeting{Room: room.New(), everPublic: map[room.QuestionID]bool{}}
	premod := false
	for _, row := range rows {
		ev := row.Event
		if err := m.Apply(ev); err != nil {
			return nil, fmt.Errorf("meeting %s: event %d: %w", code, row.Seq, err)
		}
		switch ev.Op {
		case room.OpStart:
			if m.started == 0 {
				m.started = ev.At
			}
		case room.OpEnd:
			m.ended = ev.At
		case room.OpCreate, room.OpSettings:
			premod = ev.Settings != nil && ev.Settings.PreModeration
		case room.OpAsk:
			m.everPublic[ev.Question] = !premod
		case room.OpApprove, room.OpImport:
			m.everPublic[ev.Question] = true
		}
	}
	m.public, m.all = m.View(room.Screen).Questions, m.View(room.Moderator).Questions
	return m, nil
}

// submitRoom sends cmd from actor to meeting code through the hub's
// normal path (its sequencer, here or on the primary), loading the room
// if needed, and waits for its commit. It returns the event's seq.
func (h *Hub) submitRoom(ctx context.Context, code string, actor room.Actor, cmd room.Command) (uint64, error) {
	hr, err := h.room(ctx, code)
	if err != nil {
		return 0, err
	}
	type result struct {
		seq uint64
		err error
	}
	done := make(chan result, 1)
	hr.link.Submit(request{Actor: actor, Cmd: cmd, Reply: func(seq uint64, err error) { done <- result{seq, err} }})
	select {
	case r := <-done:
		return r.seq, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// committed returns event seq of meeting code, as the log holds it.
func committed(ctx context.Context, st seam.Book, code string, seq uint64) (room.Event, error) {
	rows, err := st.Events(ctx, code, seq-1, 1)
	if err != nil {
		return room.Event{}, err
	}
	if len(rows) != 1 || rows[0].Seq != seq {
		return room.Event{}, fmt.Errorf("meeting %s: event %d is not in the log", code, seq)
	}
	return rows[0].Event, nil
}
