package hub

import (
	"context"
	"testing"
	"time"
)

// TestReloadWaits: a room asked for while its unloaded copy is still
// stopping loads only once that copy has stopped, so that a commit the old
// sequencer was finishing is in the log the new copy replays. The hooks
// open the window: the old copy is out of the map and not yet stopped.
func TestReloadWaits(t *testing.T) {
	t.Parallel()
	th := startHub(t, 10*time.Millisecond)
	cr := createRoom(t, th.url, `{"title":"Reload"}`)
	ctx := context.Background()
	if _, err := th.hub.room(ctx, cr.Code); err != nil {
		t.Fatal(err)
	}
	events := make(chan string, 4)
	var inWindow string // what the new copy did while the old one ran
	th.hub.waitStopped = func(string) { events <- "waited" }
	th.hub.beforeStop = func(code string) {
		go func() {
			if _, err := th.hub.room(ctx, code); err != nil {
				t.Errorf("reload: %v", err)
			}
			events <- "loaded"
		}()
		// The new copy either waits for this one to stop, or loads
		// beside it (the flaw), or is stuck behind it.
		select {
		case inWindow = <-events:
		case <-time.After(10 * time.Second):
			inWindow = "neither waited nor loaded"
		}
	}
	if !th.hub.unload(cr.Code, false) {
		t.Fatal("the room was not unloaded")
	}
	if inWindow != "waited" {
		t.Fatalf("while the old copy still ran, the new one %s; want it to wait", inWindow)
	}
	if e := <-events; e != "loaded" {
		t.Fatalf("after the old copy stopped: %s, want the new one loaded", e)
	}
	th.hub.mu.Lock()
	_, loaded := th.hub.rooms[cr.Code]
	th.hub.mu.Unlock()
	if !loaded {
		t.Error("the room is not loaded after the reload")
	}
}
