package hub

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// Fan-out defaults.
const (
	// DefaultTick is how often a room sends what changed. Votes arriving
	// faster than this are coalesced: a connection receives at most one
	// patch per tick, whatever the vote rate.
	DefaultTick = 50 * time.Millisecond
	// sendBudget is the time one tick may spend per session: in a room with
	// many sessions the tick stretches to sessions×sendBudget, so that the
	// writes per second stay bounded (about 1/sendBudget) however large the
	// room. 10,000 sessions get a patch every 150 ms, 5,000 every 75 ms,
	// 3,333 and fewer every tick. A frame costs about 8 µs of CPU
	// (BENCHMARKS.md), so a room at its budget keeps half a core writing
	// and leaves the rest to commands and to other rooms; when writes take
	// longer than that (a busy machine), the last round's length sets the
	// interval instead (fanout.interval). A shorter budget sends sooner
	// but coalesces less: 10 µs gave 10,000 voters a lower p99, and
	// halved what a 10,000-strong audience could be sent within 250 ms.
	sendBudget = 15 * time.Microsecond
	// ringSize is how many recent patches per role a room keeps, so that a
	// client that reconnects after a short loss gets the missing changes
	// rather than a whole snapshot.
	ringSize = 256
)

// roles that receive views; index with roleIndex.
var viewRoles = [...]room.Role{room.Participant, room.Moderator, room.Screen}

func roleIndex(r room.Role) int {
	switch r {
	case room.Participant:
		return 0
	case room.Moderator:
		return 1
	default:
		return 2
	}
}

// sentPatch is an encoded patch message and the range it covers.
type sentPatch struct {
	from, to uint64
	msg      []byte
}

// roleState is what a room's fan-out keeps per role. Owned by fanout.run.
type roleState struct {
	sessions map[*session]struct{}
	lastSent uint64      // the "to" of the last patch sent
	ring     []sentPatch // the last patches sent, oldest first
}

// join is a session that wants to start receiving, from since.
type join struct {
	s     *session
	since uint64
}

// fanout keeps a replica of one room by applying its committed events with
// the same reducer, and once per tick sends each role what changed: one
// patch per role, encoded once and written to every session of that role,
// plus the few messages that belong to one participant. It never blocks on
// a session: a session whose queue is full is closed as too slow.
type fanout struct {
	code     string
	tick     time.Duration
	hbPeriod time.Duration // heartbeatPeriod but in tests (Hub.newFanout); set before run
	logger   *slog.Logger
	metrics  *metrics

	seq        atomic.Uint64                  // the replica's sequence number, for welcome and heartbeats
	writers    writerPool                     // the room's session writers (writers.go)
	gate       *joinGate                      // the room's new participants, told to moderators (joins.go); nil in tests
	joinLimit  int                            // per minute, 0 for none
	joinsEvery time.Duration                  // joinsPeriod but in tests (Hub.newFanout); set before run
	summary    atomic.Pointer[roomSummary]    // title and status, for the HTTP API
	seats      atomic.Pointer[[]room.SeatKey] // the team's keys, for hellos (team.go); never nil
	// roomCode is the room code of a window, clock the hub's clock
	// (roomcode.go); nil in tests that build a fan-out alone. Set before run.
	roomCode func(window int64) string
	clock    func() time.Time

	mu       sync.Mutex // guards the fields below
	queue    []room.Event
	joins    []join
	leaves   []*session
	inspects []func(*room.Room) // inspect

	// Owned by run.
	replica   *room.Room
	changes   room.Changes
	roles     [len(viewRoles)]roleState
	byID      map[string][]*session // participant id -> sessions here
	dups      dupIndex              // the published questions, for GET .../duplicates
	sessions  int                   // sessions of every role
	nextFlush time.Time             // the earliest tick that may send patches again
	sentAt    time.Time             // the tick of the last flush
	urgent    bool                  // an event other than presence is waiting to be sent
	flushedAt int64                 // UnixNano, real clock: when the last flush began
	round     time.Duration         // how long the last flush's writes took, flush to last writer done
	// The room code last sent to screens (roomcode.go).
	codeWindow int64
	codeNeeded bool
	codeMsg    []byte
}

func newFanout(code string, replica *room.Room, tick time.Duration, logger *slog.Logger, m *metrics) *fanout {
	if tick <= 0 {
		tick = DefaultTick
	}
	f := &fanout{code: code, tick: tick, hbPeriod: heartbeatPeriod, joinsEvery: joinsPeriod, logger: logger, metrics: m, replica: replica, byID: make(map[string][]*session)}
	for i := range f.roles {
		f.roles[i] = roleState{sessions: make(map[*session]struct{}), lastSent: replica.Seq()}
	}
	f.seq.Store(replica.Seq())
	f.summarize()
	f.seatKeys()
	return f
}

// roomSummary is what the HTTP API says of a room without a session.
type roomSummary struct {
	Title    string
	Status   room.Status
	Settings room.Settings // for the participant page's policy: csp.go
}

// info returns the room's title and status as of the last tick. It is safe
// for concurrent use.
func (f *fanout) info() roomSummary { return *f.summary.Load() }

func (f *fanout) summarize() {
	f.summary.Store(&roomSummary{Title: f.replica.Title(), Status: f.replica.Status(), Settings: f.replica.Settings()})
}

// publish queues committed events, in order. It never blocks for long.
func (f *fanout) publish(evs []room.Event) {
	f.mu.Lock()
	f.queue = append(f.queue, evs...)
	f.mu.Unlock()
}

// add registers s at the next tick; it then receives the changes after since
// or a snapshot.
func (f *fanout) add(s *session, since uint64) {
	s.mu.Lock()
	s.writers = &f.writers
	s.mu.Unlock()
	f.mu.Lock()
	f.joins = append(f.joins, join{s, since})
	f.mu.Unlock()
}

// remove unregisters s at the next tick.
func (f *fanout) remove(s *session) {
	f.mu.Lock()
	f.leaves = append(f.leaves, s)
	f.mu.Unlock()
}

// run ticks until ctx is done.
func (f *fanout) run(ctx context.Context) {
	t := time.NewTicker(f.tick)
	defer t.Stop()
	hb := time.NewTicker(f.hbPeriod)
	defer hb.Stop()
	watch := time.NewTicker(writeWatch)
	defer watch.Stop()
	joinsTick := time.NewTicker(f.joinsEvery)
	defer joinsTick.Stop()
	beats := 0
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			f.step(now)
		case <-hb.C:
			beats++
			f.heartbeat(beats%2 == 0)
		case now := <-watch.C:
			f.checkWrites(now)
		case now := <-joinsTick.C:
			f.tellJoins(now)
		}
	}
}

// writeWatch is how often a room looks for writes stuck past
// writeTimeout: a stuck write is cut within writeTimeout+writeWatch.
const writeWatch = time.Second

// checkWrites closes the sessions whose write has been stuck for longer
// than writeTimeout (session.checkWrite).
func (f *fanout) checkWrites(now time.Time) {
	for i := range f.roles {
		for s := range f.roles[i].sessions {
			s.checkWrite(now)
		}
	}
}

// heartbeat tells every session the room is alive and where it stands, so
// that a client can tell a quiet room from a dead connection.
// With ping, each session's writer also pings its peer, so that a dead
// peer is found even in a quiet room.
func (f *fanout) heartbeat(ping bool) {
	msg := encode(hbMsg{T: "hb", Seq: f.replica.Seq()})
	for i := range f.roles {
		for s := range f.roles[i].sessions {
			s.enqueue(msg)
			if ping {
				s.enqueue(pingMessage)
			}
		}
	}
}

// step is the tick of time now: apply, send patches when due, then welcome
// newcomers.
func (f *fanout) step(now time.Time) {
	f.mu.Lock()
	queue, joins, leaves, inspects := f.queue, f.joins, f.leaves, f.inspects
	f.queue, f.joins, f.leaves, f.inspects = nil, nil, nil, nil
	f.mu.Unlock()

	team, revoked := false, []room.SeatID(nil)
	for _, ev := range queue {
		if ev.Seq <= f.replica.Seq() {
			continue // already applied (a republish after a failed append)
		}
		if err := f.replica.Apply(ev); err != nil {
			f.logger.Error("replica apply", "room", f.code, "seq", ev.Seq, "err", err)
			break
		}
		f.replica.Track(&f.changes, ev)
		if !presenceOnly(ev.Op) {
			f.urgent = true
		}
		switch ev.Op {
		case room.OpTeamAdd:
			team = true
		case room.OpTeamRevoke:
			team, revoked = true, append(revoked, ev.Seat)
		}
	}
	if team {
		// The keys first: a session cut here may reconnect at once.
		f.seatKeys()
	}
	for _, seat := range revoked {
		f.revoke(seat)
	}
	f.seq.Store(f.replica.Seq())
	if len(queue) > 0 {
		f.summarize()
	}
	for _, fn := range inspects {
		fn(f.replica)
	}
	f.writers.check(time.Now()) // the writers stamp the real clock, not the tick's
	if idle := f.writers.idle.Load(); f.flushedAt != 0 && idle > f.flushedAt {
		f.round = time.Duration(idle - f.flushedAt)
		f.flushedAt = 0
	}
	if f.lastSent() < f.replica.Seq() && !now.Before(f.nextFlush) && !f.held(now) &&
		(f.urgent || now.Sub(f.sentAt) >= presenceEvery) {
		f.flushedAt = time.Now().UnixNano()
		f.flush()
		f.sentAt, f.urgent = now, false
		// The next flush is due interval after this tick's time, less half
		// a tick: ticks come every f.tick, a little late at times, and a
		// patch due "now" must not wait for the tick after (which would
		// halve the rate when interval is one tick: TestTickKept). The
		// time taken by the flush itself does not delay the next one.
		f.nextFlush = now.Add(f.interval() - f.tick/2)
	}
	if len(joins) > 0 {
		f.welcome(joins)
	}
	f.tellRoomCode(joins)
	// Leaves go last: a session that joined and left within one tick is
	// added by welcome, then dropped here.
	for _, s := range leaves {
		f.drop(s)
	}
}

// flush sends each role its patch, and each touched participant their own
// changes.
func (f *fanout) flush() {
	to := f.replica.Seq()
	for i, role := range viewRoles {
		rs := &f.roles[i]
		// A patch goes out even when empty for this role, so that every
		// client always knows the sequence number it is at.
		p := f.replica.Patch(role, &f.changes)
		msg := encode(patchMsg{T: "patch", From: rs.lastSent, To: to, Patch: &p})
		if len(rs.ring) == ringSize {
			copy(rs.ring, rs.ring[1:])
			rs.ring = rs.ring[:ringSize-1]
		}
		rs.ring = append(rs.ring, sentPatch{rs.lastSent, to, msg})
		rs.lastSent = to
		for s := range rs.sessions {
			s.enqueue(msg)
		}
		f.metrics.patches.WithLabelValues(role.String()).Inc()
		f.metrics.patchWrites.WithLabelValues(role.String()).Add(float64(len(rs.sessions)))
	}
	for _, id := range f.changes.Participants() {
		ss := f.byID[id]
		if len(ss) == 0 {
			continue
		}
		mine := f.replica.Mine(id)
		msg := encode(mineMsg{T: "mine", Seq: to, Mine: &mine})
		for _, s := range ss {
			s.enqueue(msg)
		}
	}
	if res := f.replica.VoterResults(&f.changes); len(res) > 0 {
		for poll, r := range res {
			msg := encode(resultsMsg{T: "results", Seq: to, Poll: poll, Results: &r})
			for id, ss := range f.byID {
				if f.replica.HasBallot(id, poll) {
					for _, s := range ss {
						s.enqueue(msg)
					}
				}
			}
		}
	}
	f.changes.Reset()
}

// held reports whether a due patch waits, at now, for the last one to be
// written: while more than one session in heldShare still has a writer
// running, the machine is behind (its CPU shared with other rooms, other
// processes, or the room larger than sendBudget assumed), and another
// round of writes would only queue behind this one and add to every
// client's delay. A few slow clients never hold the room, and no patch
// waits longer than maxHeld past its time.
func (f *fanout) held(now time.Time) bool {
	if f.writers.n.Load() <= int64(f.sessions/heldShare) {
		return false
	}
	return now.Before(f.nextFlush.Add(maxHeld))
}

// presenceEvery is how often patches go out when only people came and
// went: counts of who is here are not urgent, and a room filling up (a
// thousand phones scanning the QR code at once) would otherwise send
// everyone a patch every tick for the counters alone. Any other event
// sends at the next tick as usual, the counts with it.
const presenceEvery = time.Second

// presenceOnly reports whether op changes nothing but who is here.
func presenceOnly(op room.Op) bool {
	return op == room.OpJoin || op == room.OpLeave || op == room.OpPresenceReset
}

// Backpressure (fanout.held).
const (
	heldShare = 16
	maxHeld   = time.Second
)

// interval is how long the room waits between two patches: a tick, longer
// in a large room (sendBudget per session), and never less than the last
// round of writes took, flush to last writer done. On a machine shared
// with other work (other rooms, an edge beside another, a load generator)
// writes take longer, and the room sends less often rather than starting
// a round of writes before the last one is done.
func (f *fanout) interval() time.Duration {
	return max(f.tick, time.Duration(f.sessions)*sendBudget, f.round)
}

// lastSent is the sequence number the last patches covered.
func (f *fanout) lastSent() uint64 { return f.roles[0].lastSent }

// welcome brings newcomers up to date: the patches they missed when the ring
// still has them, else one snapshot per role, built and encoded once.
func (f *fanout) welcome(joins []join) {
	var snaps [len(viewRoles)][]byte
	seq := f.replica.Seq()
	for _, j := range joins {
		if !f.replica.Acts(j.s.actor) {
			// Its seat was revoked between its hello and now.
			j.s.close(statusRevoked, "moderator link revoked")
			continue
		}
		i := roleIndex(j.s.role)
		rs := &f.roles[i]
		if missed, ok := rs.since(j.since, seq); ok {
			for _, m := range missed {
				j.s.enqueue(m)
			}
		} else {
			if snaps[i] == nil {
				v := f.replica.View(j.s.role)
				snaps[i] = encode(snapshotMsg{T: "snapshot", Seq: seq, View: &v})
			}
			j.s.enqueue(snaps[i])
			f.metrics.snapshots.Inc()
		}
		rs.sessions[j.s] = struct{}{}
		f.sessions++
		if j.s.role == room.Moderator && f.gate != nil && f.gate.told.T != "" {
			j.s.enqueue(encode(f.gate.told))
		}
		if j.s.role == room.Participant {
			f.byID[j.s.participant] = append(f.byID[j.s.participant], j.s)
			mine := f.replica.Mine(j.s.participant)
			j.s.enqueue(encode(mineMsg{T: "mine", Seq: seq, Mine: &mine}))
		}
	}
}

// since returns the patches a client at seq s needs to reach the current
// state, or false when only a snapshot will do.
func (rs *roleState) since(s, current uint64) ([][]byte, bool) {
	switch {
	case s == 0 || s > current:
		return nil, false
	case s >= rs.lastSent:
		return nil, true // the client is up to date
	}
	for i, p := range rs.ring {
		if p.to > s {
			if p.from > s {
				return nil, false // the ring starts after s
			}
			out := make([][]byte, 0, len(rs.ring)-i)
			for _, q := range rs.ring[i:] {
				out = append(out, q.msg)
			}
			return out, true
		}
	}
	return nil, false
}

// drop forgets s.
func (f *fanout) drop(s *session) {
	if _, ok := f.roles[roleIndex(s.role)].sessions[s]; ok {
		f.sessions--
	}
	delete(f.roles[roleIndex(s.role)].sessions, s)
	if s.role != room.Participant {
		return
	}
	ss := f.byID[s.participant]
	for i, x := range ss {
		if x == s {
			ss = append(ss[:i], ss[i+1:]...)
			break
		}
	}
	if len(ss) == 0 {
		delete(f.byID, s.participant)
	} else {
		f.byID[s.participant] = ss
	}
}
