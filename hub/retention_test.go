package hub

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// TestRetention: past the retention period a meeting that ended is
// deleted, log and all, once nobody is connected to it; a meeting still
// going is kept whatever its age.
func TestRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixMilli())
	th := startHubWith(t, filepath.Join(t.TempDir(), "t.db"), testTick, func(h *Hub) {
		h.now = func() time.Time { return time.UnixMilli(now.Load()) }
		h.cfg.Retention = 180 * 24 * time.Hour
	}, nil)

	old := createRoom(t, th.url, `{"title":"Spring consultation"}`)
	mod := dial(t, th.url, old.Code, helloArgs{Role: "moderator", Key: old.ModeratorKey})
	p := dial(t, th.url, old.Code, helloArgs{Role: "participant"})
	mod.must(room.Command{Op: room.OpStart})
	p.must(room.Command{Op: room.OpAsk, Text: "Will the minutes be public?"})
	mod.must(room.Command{Op: room.OpEnd})
	if status, _, b := fetchArchive(t, th.url+"/api/rooms/"+old.Code+"/report", ""); status != http.StatusOK {
		t.Fatalf("report: %d %s", status, b)
	}
	going := createRoom(t, th.url, `{"title":"Standing committee"}`)
	other := dial(t, th.url, going.Code, helloArgs{Role: "moderator", Key: going.ModeratorKey})
	other.must(room.Command{Op: room.OpStart})
	other.c.CloseNow()

	// Too early: nothing goes.
	now.Add((179 * 24 * time.Hour).Milliseconds())
	if deleted, err := th.hub.purge(ctx); err != nil || len(deleted) != 0 {
		t.Fatalf("purge within the period: %v %v", deleted, err)
	}
	// Past it, but people are still connected: kept.
	now.Add((2 * 24 * time.Hour).Milliseconds())
	if deleted, err := th.hub.purge(ctx); err != nil || len(deleted) != 0 {
		t.Fatalf("purge with people connected: %v %v", deleted, err)
	}
	mod.c.CloseNow()
	p.c.CloseNow()
	deadline := time.Now().Add(10 * time.Second)
	for {
		deleted, err := th.hub.purge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(deleted, []string{old.Code}) {
			break
		}
		if len(deleted) > 0 || time.Now().After(deadline) {
			t.Fatalf("purge once everyone left: %v", deleted)
		}
		time.Sleep(20 * time.Millisecond)
	}

	if _, err := th.store.Room(ctx, old.Code); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deleted meeting's record: %v", err)
	}
	for _, path := range []string{"/api/rooms/" + old.Code, "/api/rooms/" + old.Code + "/report", "/qr/" + old.Code + ".svg", "/ws/" + old.Code} {
		if status, _, _ := fetchArchive(t, th.url+path, ""); status != http.StatusNotFound {
			t.Errorf("GET %s after deletion: %d, want 404", path, status)
		}
	}
	if status, _, _ := fetchArchive(t, th.url+"/api/rooms/"+going.Code, ""); status != http.StatusOK {
		t.Errorf("the meeting still going: %d", status)
	}
	if deleted, err := th.hub.purge(ctx); err != nil || len(deleted) != 0 {
		t.Errorf("a second sweep: %v %v", deleted, err)
	}
}

// TestIdleRoom: a room nobody is connected to is unloaded after a while,
// and comes back whole for the next visitor: the same state, and a
// command retried with the same id still applied once.
func TestIdleRoom(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	const after = 50 * time.Millisecond
	cr := createRoom(t, th.url, `{"title":"Quiet afternoon","settings":{"qaOpen":true,"preModeration":false}}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	mod.must(room.Command{Op: room.OpStart})
	id := p.sendCmd(room.Command{Op: room.OpAsk, Text: "Is the hall accessible?"})
	first := p.await(id)
	if first.Code != "" {
		t.Fatalf("ask: %+v", first)
	}
	if got := th.hub.unloadIdle(after); len(got) != 0 {
		t.Fatalf("unloaded with people connected: %v", got)
	}
	token := p.welcome.Token
	mod.c.CloseNow()
	p.c.CloseNow()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if got := th.hub.unloadIdle(after); slices.Equal(got, []string{cr.Code}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle room was not unloaded")
		}
		time.Sleep(20 * time.Millisecond)
	}
	th.hub.mu.Lock()
	_, loaded := th.hub.rooms[cr.Code]
	th.hub.mu.Unlock()
	if loaded {
		t.Fatal("still loaded")
	}

	// Back: the same participant retries the same command id.
	again := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Token: token})
	again.name = "again"
	again.sendID(id, room.Command{Op: room.OpAsk, Text: "Is the hall accessible?"})
	if r := again.await(id); r.Seq != first.Seq || r.Code != "" {
		t.Fatalf("retry after the reload: %+v, first %+v", r, first)
	}
	if v := again.snapshotView(); len(v.Questions) != 1 || v.Questions[0].Text != "Is the hall accessible?" {
		t.Fatalf("state after the reload: %+v", v.Questions)
	}
	mod2 := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod2.name = "mod2"
	sameState(t, th, cr.Code, cr.ModeratorKey, again, mod2)
}

// TestRetentionNoReload: a session that arrives while its meeting is being
// deleted, after the unload and before the log is gone, is told no_room
// and does not load the meeting again; after the deletion the code is
// unknown, and nothing of it is loaded. beforeDelete opens that window.
func TestRetentionNoReload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixMilli())
	th := startHubWith(t, filepath.Join(t.TempDir(), "t.db"), testTick, func(h *Hub) {
		h.now = func() time.Time { return time.UnixMilli(now.Load()) }
		h.cfg.Retention = 24 * time.Hour
	}, nil)
	cr := createRoom(t, th.url, `{"title":"Short-lived"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.must(room.Command{Op: room.OpStart})
	mod.must(room.Command{Op: room.OpEnd})
	mod.c.CloseNow()
	now.Add((48 * time.Hour).Milliseconds())

	loaded := func() bool {
		th.hub.mu.Lock()
		defer th.hub.mu.Unlock()
		_, ok := th.hub.rooms[cr.Code]
		return ok
	}
	// dialStatus is the HTTP status a WebSocket dial to the meeting gets
	// (101 when it opens).
	dialStatus := func() int {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		c, resp, err := websocket.Dial(dctx, wsURL(th.url, cr.Code), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {th.url}}})
		if err == nil {
			defer c.CloseNow()
			// Say hello, as a real client would, so that the session holds
			// the room.
			hello, _ := json.Marshal(map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant"})
			c.Write(dctx, websocket.MessageText, hello)
			c.Read(dctx)
		}
		if resp == nil {
			t.Fatalf("dial: %v", err)
		}
		return resp.StatusCode
	}

	inWindow := 0
	th.hub.beforeDelete = func(code string) {
		inWindow++
		if code != cr.Code {
			t.Errorf("deleting %s, want %s", code, cr.Code)
		}
		if loaded() {
			t.Error("still loaded after the unload")
		}
		if _, err := th.hub.room(ctx, code); !errors.Is(err, ErrNoRoom) {
			t.Errorf("room while deleting: %v, want ErrNoRoom", err)
		}
		if status := dialStatus(); status != http.StatusNotFound {
			t.Errorf("a session arriving while the meeting is deleted: %d, want 404", status)
		}
		if loaded() {
			t.Error("loaded again while being deleted")
		}
	}
	// The moderator's session ends on its own time: until then the
	// meeting is kept.
	deadline := time.Now().Add(10 * time.Second)
	for {
		deleted, err := th.hub.purge(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(deleted, []string{cr.Code}) {
			break
		}
		if len(deleted) > 0 || time.Now().After(deadline) {
			t.Fatalf("purge once everyone left: %v", deleted)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if inWindow != 1 {
		t.Fatalf("beforeDelete ran %d times, want 1", inWindow)
	}
	if loaded() {
		t.Error("loaded after the deletion")
	}
	if status := dialStatus(); status != http.StatusNotFound {
		t.Errorf("a session after the deletion: %d, want 404", status)
	}
	if _, err := th.store.Room(ctx, cr.Code); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the deleted meeting's record: %v", err)
	}
}
