package hub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tribune-hub/tribune/room"
)

// tickRoom is the log of a live room with n participants and an open poll:
// the fan-out replays it, and the test goes on deciding votes from it.
func tickRoom(t *testing.T, n int) (*room.Room, []room.Event) {
	t.Helper()
	r := room.New()
	var evs []room.Event
	at := int64(1)
	do := func(a room.Actor, c room.Command) {
		ev, err := r.Handle(a, at, c)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		at++
	}
	do(room.Actor{Role: room.System}, room.Command{Op: room.OpCreate, Title: "Tick", Code: "TICK23"})
	mod := room.Actor{ID: moderatorID, Role: room.Moderator}
	do(mod, room.Command{Op: room.OpStart})
	for i := range n {
		do(room.Actor{ID: fmt.Sprintf("p-%d", i), Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	}
	do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which?", Options: []string{"A", "B", "C"}})
	do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	return r, evs
}

// tickFanout is a fan-out of tickRoom(t, n)'s replica at tick, with
// sessions p-0 ... p-(k-1) welcomed and their welcome taken; primary goes
// on deciding the room's events.
func tickFanout(t *testing.T, n, k int, tick time.Duration) (primary *room.Room, f *fanout, ss []*session) {
	t.Helper()
	primary, log := tickRoom(t, n)
	replica, err := room.Replay(log)
	if err != nil {
		t.Fatal(err)
	}
	f = newFanout("TICK23", replica, tick, slog.New(slog.NewTextHandler(io.Discard, nil)), newMetrics(prometheus.NewRegistry()))
	joins := make([]join, k)
	for i := range joins {
		joins[i] = join{s: newSession(room.Participant, room.Actor{ID: fmt.Sprintf("p-%d", i), Role: room.Participant}), since: replica.Seq()}
	}
	f.welcome(joins)
	for _, j := range joins {
		j.s.take()
		ss = append(ss, j.s)
	}
	return primary, f, ss
}

// TestTickKept drives a fan-out with a clock of its own: every tick brings
// a vote, and the ticker fires up to a quarter of a tick late, as it does
// on a busy machine. Every client must get one patch per interval (the tick,
// stretched by the send budget in a large room), within 5 %: patches must
// not go out at half the rate because a flush is stamped after the fact.
func TestTickKept(t *testing.T) {
	const tick = 50 * time.Millisecond
	for _, n := range []int{10, 1000, 10000} {
		t.Run(fmt.Sprintf("sessions=%d", n), func(t *testing.T) {
			primary, f, ss := tickFanout(t, n, n, tick)
			watched := ss[n/2]

			rng := rand.New(rand.NewPCG(1, 2))
			start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
			const ticks = 400
			patches := 0
			for k := 1; k <= ticks; k++ {
				voter := room.Actor{ID: fmt.Sprintf("p-%d", k%n), Role: room.Participant}
				ev, err := primary.Handle(voter, int64(k), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{k % 3}})
				if err != nil {
					ev, err = primary.Handle(voter, int64(k), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{(k + 1) % 3}})
				}
				if err != nil {
					t.Fatal(err)
				}
				f.publish([]room.Event{ev})
				late := time.Duration(rng.Int64N(int64(tick / 4)))
				f.step(start.Add(time.Duration(k)*tick + late))
				for _, m := range watched.take() {
					if bytes.HasPrefix(m, []byte(`{"t":"patch"`)) {
						patches++
					}
				}
			}
			interval := max(tick, time.Duration(n)*sendBudget)
			want := float64(ticks) * float64(tick) / float64(interval)
			if got := float64(patches); got < want*0.95 || got > want*1.05 {
				t.Errorf("%d patches over %d ticks of %s with %d sessions (interval %s), want %.0f within 5%%", patches, ticks, tick, n, interval, want)
			}
		})
	}
}

// TestStuckWriteCut: a write under way for longer than writeTimeout closes
// its session as too slow (the fan-out's watchdog calls checkWrite every
// writeWatch); one under way for less, or no write at all, does not.
func TestStuckWriteCut(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	s := newSession(room.Participant, room.Actor{ID: "p-1", Role: room.Participant})
	s.metrics = newMetrics(prometheus.NewRegistry())
	if s.checkWrite(now) {
		t.Fatal("a session with no write under way was closed")
	}
	s.writeStart.Store(now.Add(-writeTimeout + time.Second).UnixNano())
	if s.checkWrite(now) {
		t.Fatal("a write under way for less than writeTimeout was cut")
	}
	s.writeStart.Store(now.Add(-writeTimeout - time.Second).UnixNano())
	if !s.checkWrite(now) {
		t.Fatal("a write stuck past writeTimeout was not cut")
	}
	<-s.finished
	if s.enqueue([]byte(`{"t":"hb","seq":1}`)) {
		t.Fatal("a session cut as too slow still takes messages")
	}
}

// TestHeldWhileWriting: a patch due while many of the room's sessions are
// still writing the last one waits until they are done (the machine is
// behind, and another round would only queue behind it); a few slow
// writers never hold the room, and no patch waits longer than maxHeld.
func TestHeldWhileWriting(t *testing.T) {
	const tick, n = 50 * time.Millisecond, 64
	primary, f, ss := tickFanout(t, n, n, tick)
	watched := ss[0]
	start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	k := 0
	// step publishes one vote and ticks; it reports whether a patch went out.
	step := func(at time.Duration) bool {
		k++
		voter := room.Actor{ID: fmt.Sprintf("p-%d", k), Role: room.Participant}
		ev, err := primary.Handle(voter, int64(k), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{k % 3}})
		if err != nil {
			t.Fatal(err)
		}
		f.publish([]room.Event{ev})
		f.step(start.Add(at))
		sent := false
		for _, m := range watched.take() {
			sent = sent || bytes.HasPrefix(m, []byte(`{"t":"patch"`))
		}
		return sent
	}

	if !step(tick) {
		t.Fatal("no patch with no writer running")
	}
	f.writers.n.Store(n / heldShare) // a few slow clients
	if !step(2 * tick) {
		t.Fatal("a few slow writers held the room's patch")
	}
	f.writers.n.Store(n/heldShare + 1)
	if step(3 * tick) {
		t.Fatal("a patch went out while the last one was still being written")
	}
	if step(4 * tick) {
		t.Fatal("a patch went out while the last one was still being written, a tick later")
	}
	f.writers.n.Store(0)
	if !step(5 * tick) {
		t.Fatal("the held patch did not go out once the writers were done")
	}
	f.writers.n.Store(n)
	if step(6 * tick) {
		t.Fatal("a patch went out while every session was still writing")
	}
	if !step(6*tick + maxHeld) {
		t.Fatalf("a patch was held for longer than %s", maxHeld)
	}
}

// TestIntervalFollowsWrites: when the last round of writes took longer than
// the interval, the next patch waits for as long as it took: a room on a
// busy machine sends less often rather than starting a round of writes
// before the last one is done.
func TestIntervalFollowsWrites(t *testing.T) {
	const tick, n = 50 * time.Millisecond, 10
	primary, f, ss := tickFanout(t, n, 1, tick)
	s := ss[0]
	start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	var sentAt []time.Duration
	const round = 300 * time.Millisecond
	for k := 1; k <= 40; k++ {
		ev, err := primary.Handle(room.Actor{ID: fmt.Sprintf("p-%d", k%n), Role: room.Participant}, int64(k), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{k % 3}})
		if err != nil {
			ev, err = primary.Handle(room.Actor{ID: fmt.Sprintf("p-%d", k%n), Role: room.Participant}, int64(k), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{(k + 1) % 3}})
		}
		if err != nil {
			t.Fatal(err)
		}
		f.publish([]room.Event{ev})
		at := time.Duration(k) * tick
		f.step(start.Add(at))
		for _, m := range s.take() {
			if bytes.HasPrefix(m, []byte(`{"t":"patch"`)) {
				sentAt = append(sentAt, at)
				// The writes of this round end round after it began.
				f.writers.idle.Store(f.flushedAt + int64(round))
			}
		}
	}
	if len(sentAt) < 3 {
		t.Fatalf("%d patches in 40 ticks", len(sentAt))
	}
	for i := 2; i < len(sentAt); i++ {
		// The first gap follows a round not yet measured.
		if gap := sentAt[i] - sentAt[i-1]; gap < round-tick/2 || gap > round+tick {
			t.Fatalf("patches %s apart after rounds of writes of %s (all at %v)", gap, round, sentAt)
		}
	}
}

// TestPresencePatchesSlower: while people only come and go (a room
// filling up), every client gets a patch once per presenceEvery, not once
// a tick; the patch still carries every join (its range starts where the
// last ended), and the first other event goes out at the next tick.
func TestPresencePatchesSlower(t *testing.T) {
	const tick, n = 50 * time.Millisecond, 10
	primary, f, ss := tickFanout(t, n, 1, tick)
	s := ss[0]

	start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	patches := func() []patchMsg {
		var out []patchMsg
		for _, m := range s.take() {
			var p patchMsg
			if bytes.HasPrefix(m, []byte(`{"t":"patch"`)) {
				if err := json.Unmarshal(m, &p); err != nil {
					t.Fatal(err)
				}
				out = append(out, p)
			}
		}
		return out
	}
	// 100 ticks (5 s), a newcomer at each.
	const ticks = 100
	var got []patchMsg
	last := primary.Seq()
	for k := 1; k <= ticks; k++ {
		ev, err := primary.Handle(room.Actor{ID: fmt.Sprintf("new-%d", k), Role: room.System}, int64(k), room.Command{Op: room.OpJoin, Channel: room.Remote})
		if err != nil {
			t.Fatal(err)
		}
		f.publish([]room.Event{ev})
		f.step(start.Add(time.Duration(k) * tick))
		got = append(got, patches()...)
	}
	want := int(ticks * tick / presenceEvery)
	if len(got) < want-1 || len(got) > want+1 {
		t.Errorf("%d patches over %d ticks of joins alone, want about %d (one per %s)", len(got), ticks, want, presenceEvery)
	}
	for _, p := range got {
		if p.From != last {
			t.Fatalf("a patch from %d after one to %d: joins skipped", p.From, last)
		}
		last = p.To
	}

	// A vote: at the very next tick, with the joins not yet sent.
	ev, err := primary.Handle(room.Actor{ID: "p-1", Role: room.Participant}, ticks+1, room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	f.publish([]room.Event{ev})
	f.step(start.Add((ticks + 1) * tick))
	ps := patches()
	if len(ps) != 1 || ps[0].From != last || ps[0].To != ev.Seq {
		t.Fatalf("after a vote, the next tick sent %+v, want one patch from %d to %d", ps, last, ev.Seq)
	}
}
