package hub

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// benchRoom is a live room with n participants and an open poll.
func benchRoom(b *testing.B, n int) *room.Room {
	b.Helper()
	r := room.New()
	at := int64(1)
	must := func(a room.Actor, c room.Command) {
		if _, err := r.Handle(a, at, c); err != nil {
			b.Fatal(err)
		}
		at++
	}
	must(room.Actor{Role: room.System}, room.Command{Op: room.OpCreate, Title: "Bench", Code: "BENCH1"})
	mod := room.Actor{ID: "moderator", Role: room.Moderator}
	must(mod, room.Command{Op: room.OpStart})
	for i := 0; i < n; i++ {
		must(room.Actor{ID: fmt.Sprintf("p-%d", i), Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	}
	must(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which first?", Options: []string{"A", "B", "C", "D"}})
	must(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	return r
}

// BenchmarkFlush measures one tick of a room with many participant sessions
// after a burst of ballots: coalesce, build and encode one patch per role,
// queue it to every session. Its cost grows with sessions, not ballots.
func BenchmarkFlush(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, burst := range []int{10, 1000} {
			b.Run(fmt.Sprintf("sessions=%d/ballots=%d", n, burst), func(b *testing.B) {
				r := benchRoom(b, n)
				f := newFanout("BENCH1", r, time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), newMetrics(prometheus.NewRegistry()))
				var joins []join
				for i := 0; i < n; i++ {
					s := newSession(room.Participant, room.Actor{ID: fmt.Sprintf("p-%d", i), Role: room.Participant})
					joins = append(joins, join{s: s, since: r.Seq()})
				}
				f.welcome(joins)
				sessions := joins
				drain := func() {
					for _, j := range sessions {
						j.s.take()
					}
				}
				drain()
				ev := room.Event{}
				voter := 0
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for k := 0; k < burst; k++ {
						a := room.Actor{ID: fmt.Sprintf("p-%d", voter%n), Role: room.Participant}
						voter++
						var err error
						ev, err = r.Decide(a, 1, room.Command{Op: room.OpVote, Poll: 1, Choices: []int{voter % 4}})
						if err != nil {
							continue // a repeated identical ballot
						}
						r.Apply(ev)
						r.Track(&f.changes, ev)
					}
					f.flush()
					b.StopTimer()
					drain()
					b.StartTimer()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/session")
			})
		}
	}
}

// BenchmarkBroadcast measures delivering one encoded patch to many real
// WebSocket clients over loopback: the writers' work per tick.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			th := startHub(b, time.Hour) // no ticks of its own: we flush by hand
			cr := createRoom(b, th.url, `{"title":"Broadcast"}`)
			hr, err := th.hub.room(context.Background(), cr.Code)
			if err != nil {
				b.Fatal(err)
			}
			var wg sync.WaitGroup
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			received := make(chan struct{}, n)
			for i := 0; i < n; i++ {
				c, _, err := websocket.Dial(ctx, wsURL(th.url, cr.Code), nil)
				if err != nil {
					b.Fatal(err)
				}
				c.Write(ctx, websocket.MessageText, []byte(fmt.Sprintf(`{"t":"hello","v":%d,"role":"screen"}`, ProtocolVersion)))
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						_, m, err := c.Read(ctx)
						if err != nil {
							return
						}
						if len(m) > 5 && string(m[:11]) == `{"t":"bcast` {
							received <- struct{}{}
						}
					}
				}()
			}
			// Wait for every session to be registered.
			hr.fan.step(time.Now())
			for {
				hr.fan.step(time.Now())
				if len(hr.fan.roles[roleIndex(room.Screen)].sessions) == n {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			msg := []byte(`{"t":"bcast","patch":{"counts":{"room":120,"remote":80,"peak":200,"joined":230}}}`)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for s := range hr.fan.roles[roleIndex(room.Screen)].sessions {
					s.enqueue(msg)
				}
				for k := 0; k < n; k++ {
					<-received
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/delivery")
			cancel()
		})
	}
}

// BenchmarkReport measures one GET of a meeting's public report: 2,000
// participants, 200 questions, 10,000 upvotes (about 12,000 events).
// "cached" is the whole room opening the report after the meeting; "built"
// is a report asked for after every new event (reading, verifying and
// replaying the log each time).
func BenchmarkReport(b *testing.B) {
	th := startHub(b, time.Millisecond)
	ctx := context.Background()
	r := room.New()
	at := int64(1)
	var recs []store.Record
	must := func(a room.Actor, c room.Command) {
		ev, err := r.Handle(a, at, c)
		if err != nil {
			b.Fatal(err)
		}
		at++
		recs = append(recs, store.Record{Event: ev})
	}
	const code = "BENCH2"
	must(room.Actor{Role: room.System}, room.Command{Op: room.OpCreate, Title: "Report", Code: code})
	if err := th.store.CreateRoom(ctx, store.RoomRecord{Code: code, KeyHash: hashKey("k"), CreatedAt: time.Now(), Status: string(room.Scheduled)}, recs[0].Event); err != nil {
		b.Fatal(err)
	}
	recs = recs[:0]
	mod := room.Actor{ID: moderatorID, Role: room.Moderator}
	must(mod, room.Command{Op: room.OpStart})
	for i := range 2000 {
		must(room.Actor{ID: fmt.Sprintf("p-%d", i), Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom})
	}
	for q := range 200 {
		must(room.Actor{ID: fmt.Sprintf("p-%d", q), Role: room.Participant}, room.Command{Op: room.OpAsk, Text: fmt.Sprintf("Question %d about the budget", q)})
	}
	for v := range 10000 {
		must(room.Actor{ID: fmt.Sprintf("p-%d", v%2000), Role: room.Participant}, room.Command{Op: room.OpUpvote, Question: room.QuestionID(1 + v/2000*40 + v%40)})
	}
	for len(recs) > 0 {
		n := min(len(recs), 1000)
		if err := th.store.Append(ctx, code, recs[:n]); err != nil {
			b.Fatal(err)
		}
		recs = recs[n:]
	}
	url := th.url + "/api/rooms/" + code + "/report"
	get := func(b *testing.B) {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("report: %d", resp.StatusCode)
		}
	}
	b.Run("cached", func(b *testing.B) {
		get(b)
		for b.Loop() {
			get(b)
		}
	})
	b.Run("built", func(b *testing.B) {
		for b.Loop() {
			th.hub.archives = newArchiveCache(archiveCacheBytes) // as if an event came in
			get(b)
		}
	})
}
