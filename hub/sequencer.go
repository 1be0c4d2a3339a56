package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// request is one command for a room's sequencer (seam.Request).
type request = seam.Request

// Timing of the sequencer.
const (
	// inboxSize bounds the commands waiting for one room; past it, commands
	// are refused with ErrBusy rather than queued without bound.
	inboxSize = 8192
	// maxBatch is how many commands one commit may carry for one room.
	maxBatch = 1024
	// reactionPeriod is how often gathered reactions become one event.
	reactionPeriod = time.Second
	// dedupeSize is how many recent command ids a room remembers, so that a
	// retried command is applied once.
	dedupeSize = 1 << 16
)

// appender is what a sequencer needs of the log: durable, ordered appends.
type appender interface {
	Append(ctx context.Context, code string, recs []store.Record) error
	Load(ctx context.Context, code string) ([]store.Stored, error)
	Head(ctx context.Context, code string) (uint64, []byte, error)
}

// sequencer is the single writer of one room: it decides every command
// against the room's state, commits the resulting events to the log, and only
// then acknowledges and publishes them.
type sequencer struct {
	code    string
	log     appender
	logger  *slog.Logger
	now     func() time.Time
	publish func([]room.Event) // set by run; called after each commit; must not block
	metrics *metrics

	inbox chan request

	// Owned by run.
	room      *room.Room
	seen      map[string]uint64 // actor id + "\x00" + command id -> seq
	seenOrder []string          // ring of keys in seen, oldest first
	seenNext  int
	reactions map[room.Reaction]int
}

func dedupeKey(actor room.Actor, cmdID string) string {
	return actor.ID + "\x00" + cmdID
}

// newSequencer builds a room's sequencer from its stored log.
func newSequencer(code string, rows []store.Stored, log appender, logger *slog.Logger, now func() time.Time, m *metrics) (*sequencer, error) {
	s := &sequencer{
		code:    code,
		log:     log,
		logger:  logger,
		now:     now,
		metrics: m,
		inbox:   make(chan request, inboxSize),
	}
	if err := s.restore(rows); err != nil {
		return nil, err
	}
	return s, nil
}

// restore rebuilds the room and the recent command ids from the log.
func (s *sequencer) restore(rows []store.Stored) error {
	r := room.New()
	s.seen = make(map[string]uint64, min(len(rows), dedupeSize))
	s.seenOrder = nil // grows to dedupeSize, then wraps
	s.seenNext = 0
	s.reactions = make(map[room.Reaction]int)
	for _, row := range rows {
		if err := r.Apply(row.Event); err != nil {
			return fmt.Errorf("replay %s event %d: %w", s.code, row.Seq, err)
		}
		if row.CmdID != "" {
			s.remember(dedupeKey(row.Event.Actor, row.CmdID), row.Seq)
		}
	}
	s.room = r
	return nil
}

func (s *sequencer) remember(key string, seq uint64) {
	if len(s.seenOrder) < dedupeSize {
		// A small room never pays for a full ring.
		s.seenOrder = append(s.seenOrder, key)
		s.seen[key] = seq
		return
	}
	delete(s.seen, s.seenOrder[s.seenNext])
	s.seenOrder[s.seenNext] = key
	s.seenNext = (s.seenNext + 1) % dedupeSize
	s.seen[key] = seq
}

// submit hands a request to the sequencer without blocking. A full inbox
// refuses it with ErrBusy.
func (s *sequencer) submit(req request) {
	select {
	case s.inbox <- req:
	default:
		req.Reply(0, ErrBusy)
	}
}

// run owns the room until ctx is done, handing publish the events of each
// commit; then it answers what is still queued with ErrClosing. It returns
// after the last reply.
func (s *sequencer) run(ctx context.Context, publish func([]room.Event)) {
	s.publish = publish
	tick := time.NewTicker(reactionPeriod)
	defer tick.Stop()
	batch := make([]request, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case <-ctx.Done():
			s.drain()
			return
		case <-tick.C:
			s.flushReactions()
			continue
		case req := <-s.inbox:
			batch = append(batch, req)
		}
	gather:
		for len(batch) < maxBatch {
			select {
			case req := <-s.inbox:
				batch = append(batch, req)
			default:
				break gather
			}
		}
		s.process(batch)
	}
}

// drain refuses every queued request once the sequencer stops.
func (s *sequencer) drain() {
	for {
		select {
		case req := <-s.inbox:
			req.Reply(0, ErrClosing)
		default:
			return
		}
	}
}

// pending is a decided command waiting for its commit.
type pending struct {
	req request
	seq uint64
}

// process decides a batch, commits what was accepted in one append, then
// answers and publishes. Refused commands are answered at once.
func (s *sequencer) process(batch []request) {
	at := s.now().UnixMilli()
	var (
		recs    []store.Record
		events  []room.Event
		waiting []pending
	)
	inBatch := make(map[string]uint64)
	committed := s.room.Seq()
	for _, req := range batch {
		if req.React != "" {
			err := s.room.CheckReact(req.Actor, req.React)
			if err == nil {
				s.reactions[req.React]++
			}
			req.Reply(0, err)
			continue
		}
		if req.CmdID != "" {
			key := dedupeKey(req.Actor, req.CmdID)
			if seq, ok := s.seen[key]; ok && seq <= committed {
				req.Reply(seq, nil)
				continue
			}
			if seq, ok := inBatch[key]; ok {
				waiting = append(waiting, pending{req, seq})
				continue
			}
		}
		ev, err := s.room.Handle(req.Actor, at, req.Cmd)
		if err != nil {
			s.metrics.refused.Inc()
			req.Reply(0, err)
			continue
		}
		if req.CmdID != "" {
			inBatch[dedupeKey(req.Actor, req.CmdID)] = ev.Seq
		}
		recs = append(recs, store.Record{Event: ev, CmdID: req.CmdID})
		events = append(events, ev)
		waiting = append(waiting, pending{req, ev.Seq})
	}
	if len(recs) == 0 {
		for _, w := range waiting {
			w.req.Reply(w.seq, nil)
		}
		return
	}
	if err := s.commit(recs); err != nil {
		for _, w := range waiting {
			w.req.Reply(0, err)
		}
		return
	}
	for key, seq := range inBatch {
		s.remember(key, seq)
	}
	for _, w := range waiting {
		w.req.Reply(w.seq, nil)
	}
	s.metrics.acked.Add(float64(len(waiting)))
	s.publish(events)
}

// commitTimeout bounds one append: past it the commands are refused as
// retryable rather than left hanging.
const commitTimeout = 10 * time.Second

// commit appends recs durably. On failure the room's state, which already
// holds the events, is rebuilt from the log: whatever the log holds is the
// truth, including events that committed although the append reported an
// error (their command ids are restored too, so retries stay single).
func (s *sequencer) commit(recs []store.Record) error {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	start := time.Now()
	err := s.log.Append(ctx, s.code, recs)
	s.metrics.commitSeconds.Observe(time.Since(start).Seconds())
	if err == nil {
		return nil
	}
	s.logger.Error("append failed", "room", s.code, "events", len(recs), "err", err)
	// Head is answered after every write queued before it: once it returns,
	// the failed append has either committed or never will.
	_, _, lerr := s.log.Head(context.Background(), s.code)
	var rows []store.Stored
	if lerr == nil {
		rows, lerr = s.log.Load(context.Background(), s.code)
	}
	if lerr == nil {
		lerr = s.restore(rows)
	}
	if lerr != nil {
		// The in-memory state may now be ahead of the log. Refuse to go on
		// rather than acknowledge events that might not be there.
		panic(fmt.Sprintf("hub: room %s: log unreadable after a failed append: %v (append: %v)", s.code, lerr, err))
	}
	if published := s.room.Seq(); published >= recs[0].Event.Seq {
		// Part of the batch did commit after all: publish it so the fan-out
		// does not wait for it forever.
		var evs []room.Event
		for _, r := range rows {
			if r.Seq >= recs[0].Event.Seq {
				evs = append(evs, r.Event)
			}
		}
		s.publish(evs)
	}
	return errors.Join(ErrUnavailable, err)
}

// flushReactions logs the reactions gathered since the last tick as one
// event.
func (s *sequencer) flushReactions() {
	if len(s.reactions) == 0 {
		return
	}
	counts := s.reactions
	s.reactions = make(map[room.Reaction]int)
	ev, err := s.room.Handle(room.Actor{Role: room.System}, s.now().UnixMilli(), room.Command{Op: room.OpReactions, Counts: counts})
	if err != nil {
		s.logger.Warn("reactions refused", "room", s.code, "err", err)
		return
	}
	if s.commit([]store.Record{{Event: ev}}) == nil {
		s.publish([]room.Event{ev})
	}
}
