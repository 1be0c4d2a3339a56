package hub

import (
	"bytes"
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

// TestTickKept drives a fan-out with a clock of its own: every tick brings
// a vote, and the ticker fires up to a quarter of a tick late, as it does
// on a busy machine. Every client must get one patch per interval (the tick,
// stretched by the send budget in a large room), within 5 %: patches must
// not go out at half the rate because a flush is stamped after the fact.
func TestTickKept(t *testing.T) {
	const tick = 50 * time.Millisecond
	for _, n := range []int{10, 1000, 5000} {
		t.Run(fmt.Sprintf("sessions=%d", n), func(t *testing.T) {
			primary, log := tickRoom(t, n)
			replica, err := room.Replay(log)
			if err != nil {
				t.Fatal(err)
			}
			f := newFanout("TICK23", replica, tick, slog.New(slog.NewTextHandler(io.Discard, nil)), newMetrics(prometheus.NewRegistry()))
			var joins []join
			for i := range n {
				s := newSession(room.Participant, room.Actor{ID: fmt.Sprintf("p-%d", i), Role: room.Participant})
				joins = append(joins, join{s: s, since: replica.Seq()})
			}
			f.welcome(joins)
			watched := joins[n/2].s
			watched.take()

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
