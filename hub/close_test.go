package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestCloseWaitsForSessions: Close returns once every session has ended,
// its close handshake included, so that every client hears 1012 (reconnect)
// even when the process exits right after; a client that never answers the
// close is cut once closeTimeout has passed, and holds Close no longer.
//
// Not parallel: it looks for the sessions' goroutines among all of the
// test binary's, which parallel tests would add to.
func TestCloseWaitsForSessions(t *testing.T) {
	var kept keptConns
	th := startHubWith(t, filepath.Join(t.TempDir(), "t.db"), testTick, func(h *Hub) { h.closeTimeout = time.Second }, kept.wrap)
	a := createRoom(t, th.url, `{"title":"Morning","settings":{"qaOpen":true}}`)
	b := createRoom(t, th.url, `{"title":"Afternoon"}`)
	var clients []*client
	for _, x := range []struct {
		code string
		h    helloArgs
	}{
		{a.Code, helloArgs{Role: "moderator", Key: a.ModeratorKey}},
		{a.Code, helloArgs{Role: "participant", Channel: "room"}},
		{a.Code, helloArgs{Role: "screen"}},
		{b.Code, helloArgs{Role: "participant"}},
		{b.Code, helloArgs{Role: "moderator", Key: b.ModeratorKey}},
	} {
		cl := dial(t, th.url, x.code, x.h)
		cl.name = x.h.Role + "@" + x.code
		clients = append(clients, cl)
	}
	mute := dialMute(t, th.url, b.Code)

	start := time.Now()
	th.hub.Close()
	took := time.Since(start)
	if left := sessionGoroutines(); len(left) > 0 {
		t.Errorf("%d goroutines still serving sessions after Close:\n%s", len(left), strings.Join(left, "\n\n"))
	}
	// The process exits: whatever is still open is dropped.
	kept.closeAll()

	for _, cl := range clients {
		if code := cl.waitClosed(); code != websocket.StatusServiceRestart {
			t.Errorf("%s: closed with %v (%v), want 1012 from the close handshake", cl.name, code, cl.closeErr)
		}
	}
	// The mute client was sent 1012 too, before it was cut.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, _, err := mute.Read(ctx)
		if err != nil {
			if code := websocket.CloseStatus(err); code != websocket.StatusServiceRestart {
				t.Errorf("the client that did not answer: %v, want 1012 then the cut", err)
			}
			break
		}
	}
	// Cut at closeTimeout, not when the library gives up on the handshake
	// (5 s).
	if took > 4*time.Second {
		t.Errorf("Close took %s with closeTimeout 1s", took)
	}
}

// dialMute opens a session that says hello, reads up to its first
// snapshot, then reads nothing more: it never answers a close.
func dialMute(t *testing.T, base, code string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(base, code), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	hello, _ := json.Marshal(map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant"})
	if err := c.Write(ctx, websocket.MessageText, hello); err != nil {
		t.Fatal(err)
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("mute client: %v", err)
		}
		if bytes.Contains(b, []byte(`"t":"snapshot"`)) {
			return c
		}
	}
}

// sessionGoroutines returns the stacks of the goroutines still serving a
// WebSocket connection of a hub: one saying hello, a session, or a close
// handshake under way.
func sessionGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		switch {
		case strings.Contains(g, "tribune/hub.(*Hub).hello("),
			strings.Contains(g, "tribune/hub.(*Hub).serveSession("),
			strings.Contains(g, "tribune/hub.(*session).close.func") && strings.Contains(g, "websocket.(*Conn).Close("):
			out = append(out, g)
		}
	}
	return out
}

// keptConns keeps every connection its listener accepts, to drop them all
// at once as a process that exits does.
type keptConns struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (k *keptConns) wrap(ln net.Listener) net.Listener { return keptListener{ln, k} }

func (k *keptConns) closeAll() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range k.conns {
		c.Close()
	}
}

type keptListener struct {
	net.Listener
	k *keptConns
}

func (l keptListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.k.mu.Lock()
		l.k.conns = append(l.k.conns, c)
		l.k.mu.Unlock()
	}
	return c, err
}
