package hub

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A room's sessions are written by a few long-lived writers rather than a
// goroutine each: at 10,000 sessions a round of patches started and ended
// 10,000 goroutines, a seventh of the CPU a frame cost, and held a stack
// each (8 KB, a fifth of a connection's memory) while the round lasted.
//
// A session whose write blocks (its phone stopped reading and the socket's
// buffer is full) must not hold up the others: a writer that has been on
// one session for longer than stuckAfter no longer counts, and others are
// started in its place, by the room's next tick (fanout.step calls check)
// or at once when a session's turn comes and every writer is known to be
// stuck (submit). The stuck writer ends once its write does (or the
// watchdog cuts it, session.checkWrite).

// stuckAfter is how long a writer may spend on one session before it is
// taken as stuck and replaced: a frame takes about 10 µs to write, a
// session's whole queue well under a millisecond.
const stuckAfter = 20 * time.Millisecond

// writerPool is a room's session writers: the count of sessions whose
// turn to write is under way (queued or being written), the time the last
// turn ended (the end of a round of writes, fanout.step), and the writers
// that serve the turns.
type writerPool struct {
	n    atomic.Int64
	idle atomic.Int64 // UnixNano when n last fell to zero

	mu      sync.Mutex
	ready   []*session // sessions whose turn has come, oldest first, from head
	head    int
	workers []*poolWriter // the writers running
	checked int64         // UnixNano of the last check: the clock submit judges stuck writers by
}

// poolWriter is one running writer.
type poolWriter struct {
	since atomic.Int64 // UnixNano when it took its session, 0 between sessions
}

// poolSize is how many writers a room runs when none is stuck: enough to
// keep every core writing while some wait in the kernel.
func poolSize() int { return 2 * runtime.GOMAXPROCS(0) }

func (w *writerPool) start() { w.n.Add(1) }

func (w *writerPool) end() {
	if w.n.Add(-1) == 0 {
		w.idle.Store(time.Now().UnixNano())
	}
}

// submit queues s, whose turn to write has come (session.enqueue), and
// starts a writer if fewer than the pool's size are free. Writers are
// judged stuck by the time of the last check (a tick ago at most), so that
// a round of patches does not wait a tick behind writers already known
// to be stuck, and submit reads no clock.
func (w *writerPool) submit(s *session) {
	w.mu.Lock()
	w.ready = append(w.ready, s)
	start := w.freeLocked(w.checked) < poolSize()
	var pw *poolWriter
	if start {
		pw = &poolWriter{}
		w.workers = append(w.workers, pw)
	}
	w.mu.Unlock()
	if start {
		go w.run(pw)
	}
}

// freeLocked counts the writers not stuck at now (UnixNano; 0: none is
// taken as stuck).
func (w *writerPool) freeLocked(now int64) int {
	if now == 0 {
		return len(w.workers)
	}
	free := 0
	for _, pw := range w.workers {
		if t := pw.since.Load(); t == 0 || now-t < int64(stuckAfter) {
			free++
		}
	}
	return free
}

// check starts writers in place of the stuck ones while sessions wait.
func (w *writerPool) check(now time.Time) {
	w.mu.Lock()
	w.checked = now.UnixNano()
	var start []*poolWriter
	if w.head < len(w.ready) {
		for n := w.freeLocked(now.UnixNano()); n < poolSize() && n < len(w.ready)-w.head; n++ {
			pw := &poolWriter{}
			w.workers = append(w.workers, pw)
			start = append(start, pw)
		}
	}
	w.mu.Unlock()
	for _, pw := range start {
		go w.run(pw)
	}
}

// next returns the oldest waiting session, or nil when none waits, in
// which case pw has left the pool and must end.
func (w *writerPool) next(pw *poolWriter) *session {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.head == len(w.ready) {
		clear(w.ready)
		w.ready, w.head = w.ready[:0], 0
		for i, x := range w.workers {
			if x == pw {
				w.workers = append(w.workers[:i], w.workers[i+1:]...)
				break
			}
		}
		return nil
	}
	s := w.ready[w.head]
	w.ready[w.head] = nil
	w.head++
	if w.head >= compactAfter && 2*w.head >= len(w.ready) {
		// The queue has not emptied for a while (the writers behind a
		// busy machine): drop the part already taken rather than let
		// append carry it along.
		n := copy(w.ready, w.ready[w.head:])
		clear(w.ready[n:])
		w.ready, w.head = w.ready[:n], 0
	}
	return s
}

// compactAfter is how many sessions taken from the front of the queue
// make next move the rest to its start.
const compactAfter = 1024

// run writes the waiting sessions' queues, one session at a time, until
// none waits.
func (w *writerPool) run(pw *poolWriter) {
	for {
		s := w.next(pw)
		if s == nil {
			return
		}
		pw.since.Store(time.Now().UnixNano())
		s.flush(w)
		pw.since.Store(0)
	}
}
