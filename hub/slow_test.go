package hub

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tribune-hub/tribune/room"
)

// smallBuffers shrinks the kernel send buffer of every accepted connection,
// so that a client that stops reading blocks the server's writes after a few
// kilobytes rather than megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096)
	}
	return c, err
}

// TestSlowClientIsDropped is our TestSendFreeze: one participant stops
// reading. Everyone else keeps receiving every change, and the frozen one is
// disconnected as too slow instead of being buffered without bound.
func TestSlowClientIsDropped(t *testing.T) {
	t.Parallel()
	th := startHubWith(t, filepath.Join(t.TempDir(), "t.db"), time.Millisecond, nil, func(l net.Listener) net.Listener { return smallBuffers{l} })
	h := th.hub

	cr := createRoom(t, th.url, `{"title":"Freeze"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	reader := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	reader.name = "reader"

	dialFrozen(t, th, cr.Code)

	// Big announcements make big patches: the frozen socket fills quickly.
	// Several moderator tabs send them, each within its own frame rate.
	mods := []*client{mod}
	for i := 0; i < 3; i++ {
		m := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
		m.name = fmt.Sprintf("mod%d", i)
		mods = append(mods, m)
	}
	text := strings.Repeat("x", 480)
	slow := h.metrics.slow
	var (
		mu   sync.Mutex
		last uint64
		wg   sync.WaitGroup
		stop atomic.Bool
	)
	for _, m := range mods {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load() && i < 3000; i++ {
				r := m.do(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("%d %s", i, text)})
				if r.Code == "rate_limited" {
					time.Sleep(50 * time.Millisecond)
					continue
				}
				if r.Code != "" || r.Seq == 0 {
					t.Errorf("announce: %+v", r)
					return
				}
				mu.Lock()
				last = max(last, r.Seq)
				mu.Unlock()
			}
		}()
	}
	// Meanwhile the reading participant is never held back by the frozen
	// one.
	for testutil.ToFloat64(slow) == 0 {
		mu.Lock()
		seq := last
		mu.Unlock()
		reader.waitSeq(seq)
		if !wgRunning(&stop, &wg) {
			t.Fatal("the frozen client was never disconnected")
		}
	}
	stop.Store(true)
	wg.Wait()
	reader.waitSeq(last)
	sameState(t, th, cr.Code, cr.ModeratorKey, reader, mod)
}

// dialFrozen connects a participant that says hello and never reads
// again, with a small receive buffer set before connecting, so that the
// window the server sees is small from the first byte.
func dialFrozen(t *testing.T, th *testHub, code string) {
	t.Helper()
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	httpc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dialer.DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetReadBuffer(4096)
		}
		return c, err
	}}}
	dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	frozen, _, err := websocket.Dial(dctx, wsURL(th.url, code), &websocket.DialOptions{HTTPClient: httpc, HTTPHeader: http.Header{"Origin": {th.url}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { frozen.CloseNow() })
	if err := frozen.Write(dctx, websocket.MessageText, []byte(fmt.Sprintf(`{"t":"hello","v":%d,"role":"participant"}`, ProtocolVersion))); err != nil {
		t.Fatal(err)
	}
}

// wgRunning reports whether the senders are still going, without waiting.
func wgRunning(stop *atomic.Bool, wg *sync.WaitGroup) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return false
	case <-time.After(20 * time.Millisecond):
		return !stop.Load()
	}
}

// TestSilentPeer: a connection that stops answering pings (a phone that
// left the venue Wi-Fi without a goodbye) is closed once its ping times
// out, and while the server waits for that pong, the messages queued behind
// the ping still go out. A client that answers stays.
func TestSilentPeer(t *testing.T) {
	t.Parallel()
	// A ping every 200 ms, 1.5 s to answer it.
	th := startHubWith(t, filepath.Join(t.TempDir(), "t.db"), time.Millisecond, func(h *Hub) {
		h.heartbeat, h.pingTimeout = 100*time.Millisecond, 1500*time.Millisecond
	}, nil)

	cr := createRoom(t, th.url, `{"title":"Silent"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	if r := mod.do(room.Command{Op: room.OpStart}); r.Code != "" {
		t.Fatalf("start: %+v", r)
	}
	pinged := make(chan struct{}, 1)
	silent := dialWith(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"}, &websocket.DialOptions{
		OnPingReceived: func(context.Context, []byte) bool {
			select {
			case pinged <- struct{}{}:
			default:
			}
			return false // no pong
		},
	})
	silent.name = "silent"
	steady := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	steady.name = "steady"

	select {
	case <-pinged:
	case <-time.After(10 * time.Second):
		t.Fatal("no ping within 10 s")
	}
	// The server now waits for a pong that will not come; a change made
	// meanwhile still reaches the silent client before it is given up on.
	r := mod.do(room.Command{Op: room.OpAnnounce, Text: "Coffee in the hall"})
	if r.Code != "" {
		t.Fatalf("announce: %+v", r)
	}
	silent.waitFor(func() bool { return silent.seq >= r.Seq || silent.closed })
	silent.mu.Lock()
	closed := silent.closed
	silent.mu.Unlock()
	if closed {
		t.Fatalf("the silent client was closed before it got seq %d: the ping held the queue back", r.Seq)
	}

	// Then it is closed, and leaves the room's counts.
	silent.waitFor(func() bool { return silent.closed })
	mod.waitFor(func() bool {
		return mod.view.Counts != nil && mod.view.Counts.InRoom == 0 && mod.view.Counts.Remote == 1
	})
	steady.mu.Lock()
	defer steady.mu.Unlock()
	if steady.closed {
		t.Errorf("a client that answers pings was closed: %v", steady.closeErr)
	}
}
