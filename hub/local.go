package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// local is the backend of one node alone: the SQLite store in this process
// and, per room, the sequencer that is its single writer. A primary
// (package cluster) is local plus Redis.
type local struct {
	st      *store.Store
	logger  *slog.Logger
	now     func() time.Time
	metrics *metrics
}

var (
	_ seam.Backend = (*local)(nil)
	_ seam.Room    = (*localRoom)(nil)
	_ seam.Holders = (*localRoom)(nil)
)

func (l *local) Secret(ctx context.Context) ([]byte, error)        { return l.st.Secret(ctx) }
func (l *local) Start(context.Context, *sync.WaitGroup, seam.Node) {}
func (l *local) Log() seam.Log                                     { return l.st }
func (l *local) Greeting() []byte                                  { return nil }
func (l *local) Book() seam.Book                                   { return l.st }

// Forward is never asked: a node alone holds its consultations.
func (l *local) Forward(context.Context, seam.Call) (seam.Answer, error) {
	return seam.Answer{}, errors.New("hub: a single node serves consultations itself")
}

// Open replays a room's log into a new sequencer and a replica.
func (l *local) Open(ctx context.Context, code string) (seam.Opened, error) {
	rec, err := l.st.Room(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return seam.Opened{}, ErrNoRoom
	}
	if err != nil {
		return seam.Opened{}, fmt.Errorf("load room: %w", err)
	}
	rows, err := l.st.Load(ctx, code)
	if err != nil {
		return seam.Opened{}, fmt.Errorf("load room: %w", err)
	}
	seq, err := newSequencer(code, rows, l.st, l.logger, l.now, l.metrics)
	if err != nil {
		return seam.Opened{}, err
	}
	replica, err := room.Replay(eventsOf(rows))
	if err != nil {
		return seam.Opened{}, fmt.Errorf("load room: %w", err)
	}
	lr := &localRoom{code: code, seq: seq, presence: newPresence(seq), logger: l.logger}
	// Nobody holds a room that was just loaded: whoever the log says is
	// present left when the previous process stopped (or, on a primary,
	// when the last edge let go of the room).
	if v := replica.View(room.Moderator); v.Counts != nil && v.Counts.InRoom+v.Counts.Remote > 0 {
		seq.submit(request{Actor: room.Actor{Role: room.System}, Cmd: room.Command{Op: room.OpPresenceReset}, Reply: lr.logRefusal(room.OpPresenceReset)})
	}
	return seam.Opened{KeyHash: rec.KeyHash, Replica: replica, Room: lr}, nil
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

func (lr *localRoom) Run(ctx context.Context, feed func([]room.Event)) { lr.seq.run(ctx, feed) }

// Held: nobody else holds a room of one node; a primary's rooms are held
// by its edges (package cluster).
func (lr *localRoom) Held() bool { return false }

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
