package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// local is the backend of one node alone: the SQLite store in this process
// and, per room, the sequencer that is its single writer.
type local struct {
	st      *store.Store
	logger  *slog.Logger
	now     func() time.Time
	metrics *metrics
}

func (l *local) secret(ctx context.Context) ([]byte, error)   { return l.st.Secret(ctx) }
func (l *local) start(context.Context, *sync.WaitGroup, node) {}
func (l *local) log() logStore                                { return l.st }
func (l *local) greeting() []byte                             { return nil }

func (l *local) open(ctx context.Context, code string) (opened, error) {
	lr, o, err := l.openRoom(ctx, code)
	o.room = lr
	return o, err
}

// openRoom replays a room's log into a new sequencer and a replica.
func (l *local) openRoom(ctx context.Context, code string) (*localRoom, opened, error) {
	rec, err := l.st.Room(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return nil, opened{}, ErrNoRoom
	}
	if err != nil {
		return nil, opened{}, fmt.Errorf("load room: %w", err)
	}
	rows, err := l.st.Load(ctx, code)
	if err != nil {
		return nil, opened{}, fmt.Errorf("load room: %w", err)
	}
	seq, err := newSequencer(code, rows, l.st, l.logger, l.now, l.metrics)
	if err != nil {
		return nil, opened{}, err
	}
	replica, err := room.Replay(eventsOf(rows))
	if err != nil {
		return nil, opened{}, fmt.Errorf("load room: %w", err)
	}
	lr := &localRoom{code: code, seq: seq, presence: newPresence(seq), logger: l.logger}
	// Nobody holds a room that was just loaded: whoever the log says is
	// present left when the previous process stopped (or, on a primary,
	// when the last edge let go of the room).
	if v := replica.View(room.Moderator); v.Counts != nil && v.Counts.InRoom+v.Counts.Remote > 0 {
		seq.submit(request{actor: room.Actor{Role: room.System}, cmd: room.Command{Op: room.OpPresenceReset}, reply: lr.logRefusal(room.OpPresenceReset)})
	}
	return lr, opened{keyHash: rec.KeyHash, replica: replica}, nil
}

func eventsOf(rows []store.Stored) []room.Event {
	evs := make([]room.Event, len(rows))
	for i, r := range rows {
		evs[i] = r.Event
	}
	return evs
}

// localRoom is a room sequenced in this process. Its commands go through
// its presence count to its sequencer.
type localRoom struct {
	code string
	seq  *sequencer
	*presence
	logger *slog.Logger
}

func (lr *localRoom) run(ctx context.Context, feed func([]room.Event)) { lr.seq.run(ctx, feed) }
func (lr *localRoom) held() bool                                       { return false }

// logRefusal is a reply for the backend's own commands.
func (lr *localRoom) logRefusal(op room.Op) func(uint64, error) {
	return logRefusal(lr.logger, lr.code, op)
}

func logRefusal(logger *slog.Logger, code string, op room.Op) func(uint64, error) {
	return func(_ uint64, err error) {
		if err != nil && !errors.Is(err, ErrClosing) {
			logger.Warn("system command refused", "room", code, "op", op, "err", err)
		}
	}
}
