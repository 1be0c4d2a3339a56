package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestOrigin: a browser's upgrade is accepted from the server's own origin
// or an allowed one and refused with 403 from any other; an upgrade with
// no Origin at all (a tool, not a browser) is accepted (PROTOCOL.md,
// "WebSocket").
func TestOrigin(t *testing.T) {
	t.Parallel()
	allowed := "https://meeting.example"
	th := startHubWith(t, t.TempDir()+"/tribune.db", testTick, func(h *Hub) { h.cfg.Origins = []string{"meeting.example"} }, nil)
	cr := createRoom(t, th.url, `{"title":"Origins"}`)
	for _, c := range []struct {
		name   string
		origin []string // nil: no Origin header
		status int      // of the refused upgrade; 0 if accepted
	}{
		{"same origin", []string{th.url}, 0},
		{"allowed origin", []string{allowed}, 0},
		{"no origin", nil, 0},
		{"foreign origin", []string{"https://evil.example"}, http.StatusForbidden},
		{"same host, another port", []string{"http://127.0.0.1:1"}, http.StatusForbidden},
		{"opaque origin", []string{"null"}, http.StatusForbidden},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		header := http.Header{}
		if c.origin != nil {
			header["Origin"] = c.origin
		}
		conn, resp, err := websocket.Dial(ctx, wsURL(th.url, cr.Code), &websocket.DialOptions{HTTPHeader: header})
		switch {
		case c.status != 0 && err == nil:
			t.Errorf("%s: upgrade accepted, want %d", c.name, c.status)
			conn.CloseNow()
		case c.status != 0 && (resp == nil || resp.StatusCode != c.status):
			t.Errorf("%s: %v, want %d", c.name, err, c.status)
		case c.status == 0 && err != nil:
			t.Errorf("%s: upgrade refused: %v", c.name, err)
		case c.status == 0:
			// Accepted: the connection serves.
			hello := fmt.Sprintf(`{"t":"hello","v":%d,"role":"screen"}`, ProtocolVersion)
			if err := conn.Write(ctx, websocket.MessageText, []byte(hello)); err != nil {
				t.Errorf("%s: hello: %v", c.name, err)
			} else if _, b, err := conn.Read(ctx); err != nil || !isType(b, "welcome") {
				t.Errorf("%s: after hello: %s %v, want a welcome", c.name, b, err)
			}
			conn.CloseNow()
		}
		cancel()
	}
}

func isType(b []byte, typ string) bool {
	var m struct{ T string }
	return json.Unmarshal(b, &m) == nil && m.T == typ
}
