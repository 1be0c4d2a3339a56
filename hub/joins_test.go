package hub

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestJoinsLimited: 1,000 scripted newcomers in a few seconds meet the
// room's limit (half a minute's worth at once, then the rate): those past
// it are told joins_limited, may retry, and are closed with 1013; the
// moderator is told how many joined and how many were turned away; and
// someone coming back with their token is let in whatever the limit.
func TestJoinsLimited(t *testing.T) {
	t.Parallel()
	const perMinute, scripted = 600, 1000
	th := startHubWith(t, filepath.Join(t.TempDir(), "tribune.db"), testTick, func(h *Hub) { h.joinsEvery = 50 * time.Millisecond }, nil)
	// From before the room's limiter exists: what it refills over its
	// whole life bounds who got in.
	start := time.Now()
	cr := createRoom(t, th.url, `{"title":"Town hall"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	first := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	token := first.welcome.Token
	first.c.CloseNow()

	var admitted, refused, other atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for range scripted {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			switch code, retry, closed := tryJoin(t, th.url, cr.Code, ""); {
			case code == "":
				admitted.Add(1)
			case code == "joins_limited" && retry && closed == websocket.StatusTryAgainLater:
				refused.Add(1)
			default:
				t.Errorf("a newcomer got %q (retry %v, close %d)", code, retry, closed)
				other.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// At most the burst and what the rate refilled meanwhile, the first
	// participant's place included.
	most := int64(perMinute/2) + int64(elapsed.Seconds()*perMinute/60) + 1
	if a := admitted.Load(); a+1 > most || a < perMinute/2-1 {
		t.Fatalf("%d newcomers let in over %s, want %d to %d", a, elapsed, perMinute/2-1, most)
	}
	if refused.Load() == 0 {
		t.Fatal("no newcomer was turned away")
	}
	// Coming back with a token is not joining.
	if code, _, _ := tryJoin(t, th.url, cr.Code, token); code != "" {
		t.Fatalf("a participant back with their token was refused: %s", code)
	}
	// The moderator sees it.
	want := joinsMsg{T: "joins", Minute: int(admitted.Load()) + 1, Refused: int(refused.Load()), Limit: perMinute}
	mod.waitFor(func() bool { return mod.joins == want })
}

// tryJoin says hello as a participant (with token, when not empty) and
// returns the refusal's code ("" once welcomed and given a snapshot), its
// retry flag and the close code that followed it.
func tryJoin(t *testing.T, base, code, token string) (string, bool, websocket.StatusCode) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, wsURL(base, code), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		t.Error(err)
		return "dial", false, 0
	}
	defer c.CloseNow()
	hello := map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "channel": "remote"}
	if token != "" {
		hello["token"] = token
	}
	b, _ := json.Marshal(hello)
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		return "write", false, 0
	}
	for {
		_, m, err := c.Read(ctx)
		if err != nil {
			return "closed", false, websocket.CloseStatus(err)
		}
		var msg struct {
			T     string `json:"t"`
			Code  string `json:"code"`
			Retry bool   `json:"retry"`
		}
		json.Unmarshal(m, &msg)
		switch msg.T {
		case "snapshot":
			return "", false, 0
		case "error":
			_, _, err := c.Read(ctx)
			return msg.Code, msg.Retry, websocket.CloseStatus(err)
		}
	}
}
