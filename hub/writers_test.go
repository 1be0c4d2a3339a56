package hub

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tribune-hub/tribune/room"
)

// TestStuckWritersReplaced: more phones stop reading than the room has
// writers, so that every one of its writers is stuck in a write to a full
// socket. The room starts others in their place: a participant who reads
// gets the next change at once, not when the frozen ones are cut as too
// slow (writeTimeout, 10 s, later).
func TestStuckWritersReplaced(t *testing.T) {
	t.Parallel()
	th := startHubWith(t, filepath.Join(t.TempDir(), "t.db"), time.Millisecond, nil, func(l net.Listener) net.Listener { return smallBuffers{l} })
	cr := createRoom(t, th.url, `{"title":"Frozen phones"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	reader := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	reader.name = "reader"
	frozen := poolSize() + 2
	for range frozen {
		dialFrozen(t, th, cr.Code)
	}
	hr, err := th.hub.room(context.Background(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	stuck := func() int {
		w := &hr.fan.writers
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.workers) - w.freeLocked(time.Now().UnixNano())
	}

	// Big announcements fill the frozen sockets until a writer is stuck
	// on each of them.
	text := strings.Repeat("x", 480)
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; stuck() < frozen; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("%d writers stuck after %d announcements, want %d", stuck(), i, frozen)
		}
		r := mod.do(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("%d %s", i, text)})
		if r.Code == "rate_limited" {
			time.Sleep(50 * time.Millisecond)
		} else if r.Code != "" {
			t.Fatalf("announce: %+v", r)
		}
	}
	r := mod.do(room.Command{Op: room.OpAnnounce, Text: "the reader gets this one"})
	if r.Code != "" {
		t.Fatalf("announce: %+v", r)
	}
	reader.waitSeq(r.Seq)
	if n := testutil.ToFloat64(th.hub.metrics.slow); n != 0 {
		t.Fatalf("the reader waited for %v frozen clients to be cut", n)
	}
	if n := stuck(); n < frozen {
		t.Fatalf("only %d writers still stuck when the reader got its change: the test proved nothing", n)
	}
}

// TestSubmitPassesStuckWriters: when every writer of the pool is already
// known to be stuck (as of the last check), a session whose turn comes is
// written at once by a new writer, not a tick later: a room with a few
// frozen phones would otherwise send every round a tick late.
func TestSubmitPassesStuckWriters(t *testing.T) {
	conns := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(rw, r, nil)
		if err != nil {
			return
		}
		conns <- c
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseNow()
	serverSide := <-conns

	now := time.Now()
	w := &writerPool{}
	for range poolSize() {
		pw := &poolWriter{} // blocked in the kernel, as far as the pool knows
		pw.since.Store(now.Add(-time.Second).UnixNano())
		w.workers = append(w.workers, pw)
	}
	w.checked = now.UnixNano()
	s := newSession(room.Participant, room.Actor{ID: "p-1", Role: room.Participant})
	s.c, s.writers = serverSide, w
	if !s.enqueue([]byte(`{"t":"hb","seq":7}`)) {
		t.Fatal("enqueue refused")
	}
	rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
	defer rcancel()
	_, b, err := client.Read(rctx)
	if err != nil {
		t.Fatalf("nothing written while the pool's writers were stuck: %v", err)
	}
	if string(b) != `{"t":"hb","seq":7}` {
		t.Fatalf("got %s", b)
	}
}

// TestWritersQueueCompacted: a queue that never empties (writers behind
// a busy machine) keeps its order and drops what was taken instead of
// growing with it.
func TestWritersQueueCompacted(t *testing.T) {
	var w writerPool
	pw := &poolWriter{}
	w.workers = []*poolWriter{pw}
	var in []*session
	push := func(n int) {
		for range n {
			s := newSession(room.Participant, room.Actor{ID: fmt.Sprintf("p-%d", len(in)), Role: room.Participant})
			in = append(in, s)
			w.ready = append(w.ready, s) // what submit queues, without starting a writer
		}
	}
	taken := 0
	for range 20 {
		push(1000)
		for range 900 {
			if s := w.next(pw); s != in[taken] {
				t.Fatalf("session %d taken out of order", taken)
			}
			taken++
		}
	}
	if waiting := len(w.ready) - w.head; waiting != len(in)-taken {
		t.Fatalf("%d waiting, want %d", waiting, len(in)-taken)
	}
	if len(w.ready) > 2*compactAfter+(len(in)-taken) {
		t.Fatalf("the queue holds %d slots for %d waiting: what was taken stays", len(w.ready), len(in)-taken)
	}
}
