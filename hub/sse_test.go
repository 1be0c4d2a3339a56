package hub

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// sseEvent is one Server-Sent Event as a client parses it.
type sseEvent struct {
	Type, ID string
	Data     []byte
}

// sseClient follows GET /api/rooms/{code}/events and applies what it
// receives, like the screen's WebSocket client does.
type sseClient struct {
	t      testing.TB
	cancel context.CancelFunc
	header http.Header

	mu      sync.Mutex
	cond    *sync.Cond
	events  []sseEvent
	raw     bytes.Buffer // every data line, to search for what must not be there
	view    room.View
	hasView bool
	seq     uint64
	lastID  string
	done    bool
}

// openEvents connects with Last-Event-ID set to the last id prev saw, when
// prev is not nil, and goes on from prev's view.
func openEvents(t testing.TB, base, code string, prev *sseClient) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/rooms/"+code+"/events", nil)
	if prev != nil {
		req.Header.Set("Last-Event-ID", prev.lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("events: %d %s", resp.StatusCode, b)
	}
	sc := &sseClient{t: t, cancel: cancel, header: resp.Header}
	if prev != nil {
		prev.mu.Lock()
		sc.view, sc.hasView, sc.seq = prev.view, prev.hasView, prev.seq
		prev.mu.Unlock()
	}
	sc.cond = sync.NewCond(&sc.mu)
	go sc.read(resp.Body)
	t.Cleanup(cancel)
	return sc
}

func (sc *sseClient) read(body io.ReadCloser) {
	defer body.Close()
	r := bufio.NewReader(body)
	var ev sseEvent
	for {
		line, err := r.ReadBytes('\n')
		sc.mu.Lock()
		if err != nil {
			sc.done = true
			sc.cond.Broadcast()
			sc.mu.Unlock()
			return
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		switch {
		case len(line) == 0:
			if ev.Type != "" {
				sc.apply(ev)
			}
			ev = sseEvent{}
		case bytes.HasPrefix(line, []byte(":")): // a comment: a ping
		case bytes.HasPrefix(line, []byte("event: ")):
			ev.Type = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("id: ")):
			ev.ID = string(line[len("id: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			ev.Data = append(ev.Data, line[len("data: "):]...)
			sc.raw.Write(line)
		default:
			sc.t.Errorf("events: unexpected line %q", line)
		}
		sc.cond.Broadcast()
		sc.mu.Unlock()
	}
}

// apply folds one event; called with mu held.
func (sc *sseClient) apply(ev sseEvent) {
	sc.events = append(sc.events, ev)
	if ev.ID != "" {
		sc.lastID = ev.ID
	}
	var m inMsg
	if err := json.Unmarshal(ev.Data, &m); err != nil {
		sc.t.Errorf("events: undecodable %s: %v", ev.Data, err)
		return
	}
	if m.T != ev.Type {
		sc.t.Errorf("events: event %q carries a %q message", ev.Type, m.T)
	}
	switch m.T {
	case "snapshot":
		sc.view, sc.hasView, sc.seq = *m.View, true, m.Seq
		if ev.ID != strconv.FormatUint(m.Seq, 10) {
			sc.t.Errorf("events: snapshot at %d has id %q", m.Seq, ev.ID)
		}
	case "patch":
		switch {
		case !sc.hasView:
			sc.t.Errorf("events: patch before snapshot")
		case m.From > sc.seq:
			sc.t.Errorf("events: gap: at %d, patch from %d", sc.seq, m.From)
		case m.To >= sc.seq:
			sc.view.ApplyPatch(m.To, m.Patch)
			sc.seq = m.To
		}
		if ev.ID != strconv.FormatUint(m.To, 10) {
			sc.t.Errorf("events: patch to %d has id %q", m.To, ev.ID)
		}
	case "welcome", "hb":
		if ev.ID != "" {
			sc.t.Errorf("events: %s has an id (%q): a client could resume past what it was sent", m.T, ev.ID)
		}
	}
}

func (sc *sseClient) waitSeq(seq uint64) {
	sc.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	timer := time.AfterFunc(15*time.Second, func() { sc.mu.Lock(); sc.cond.Broadcast(); sc.mu.Unlock() })
	defer timer.Stop()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for sc.seq < seq {
		if sc.done || time.Now().After(deadline) {
			sc.t.Fatalf("events: at %d, waiting for %d (ended: %v)", sc.seq, seq, sc.done)
		}
		sc.cond.Wait()
	}
}

func (sc *sseClient) close() {
	sc.cancel()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for !sc.done {
		sc.cond.Wait()
	}
}

// TestEvents follows a meeting through its Server-Sent Events feed: the
// same view as the big screen's WebSocket at every step, resumed with
// Last-Event-ID by the patches missed (not a snapshot), and nothing of who
// took part in it.
func TestEvents(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Step meeting","settings":{"qaOpen":true,"preModeration":true}}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	screen := dial(t, th.url, cr.Code, helloArgs{Role: "screen"})
	alice := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote", Name: "Alice Martin"})

	feed := openEvents(t, th.url, cr.Code, nil)
	if got := feed.header.Get("Content-Type"); !strings.HasPrefix(got, "text/event-stream") {
		t.Fatalf("Content-Type %q", got)
	}
	if got := feed.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Fatalf("Access-Control-Allow-Origin %q: another site's page could not follow", got)
	}
	mod.must(room.Command{Op: room.OpStart})
	alice.must(room.Command{Op: room.OpAsk, Text: "Will the plan be published as open data?"})
	seq := mod.must(room.Command{Op: room.OpApprove, Question: 1})
	feed.waitSeq(seq)
	screen.waitSeq(seq)
	sameEventsState(t, feed, screen, seq)
	if n := len(feed.view.Questions); n != 1 {
		t.Fatalf("the feed shows %d questions, want the approved one", n)
	}

	// Gone for a while: the meeting goes on without the feed.
	feed.close()
	last := feed.lastID
	if last == "" {
		t.Fatal("no event carried an id to resume from")
	}
	alice.must(room.Command{Op: room.OpAsk, Text: "Who decides what goes into the plan?"})
	mod.must(room.Command{Op: room.OpApprove, Question: 2})
	mod.must(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Publish monthly?", Options: []string{"Yes", "No"}})
	seq = mod.must(room.Command{Op: room.OpPollOpen, Poll: 1})

	// The patches missed, not a snapshot: a resumed client goes on from
	// the view it had.
	back := openEvents(t, th.url, cr.Code, feed)
	back.waitSeq(seq)
	screen.waitSeq(seq)
	sameEventsState(t, back, screen, seq)
	back.mu.Lock()
	for _, ev := range back.events {
		if ev.Type == "snapshot" {
			t.Errorf("resumed from %s with a snapshot, not the patches missed", last)
		}
	}
	if bytes.Contains(back.raw.Bytes(), []byte(alice.welcome.Participant)) || bytes.Contains(feed.raw.Bytes(), []byte("Alice Martin")) {
		t.Error("the public feed names a participant")
	}
	back.mu.Unlock()
}

// sameEventsState fails unless the feed and the screen's WebSocket hold the
// same view at seq.
func sameEventsState(t *testing.T, feed *sseClient, screen *client, seq uint64) {
	t.Helper()
	feed.mu.Lock()
	got, gotSeq := canonical(t, feed.view), feed.seq
	feed.mu.Unlock()
	want, wantSeq := screen.stateAt()
	if gotSeq != seq || wantSeq != seq {
		t.Fatalf("feed at %d, screen at %d, want both at %d", gotSeq, wantSeq, seq)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("the feed and the screen differ at %d:\n feed %s\nscreen %s", seq, got, want)
	}
}

// TestEventsBadRequests: a malformed Last-Event-ID is refused naming the
// feed, an unknown meeting is a 404, and neither opens a stream.
func TestEventsBadRequests(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Step meeting"}`)
	for _, tc := range []struct {
		code, lastID string
		status       int
		errCode      string
	}{
		{cr.Code, "twelve", http.StatusBadRequest, "bad_message"},
		{cr.Code, "-1", http.StatusBadRequest, "bad_message"},
		{"ZZZZZZ", "", http.StatusNotFound, "no_room"},
	} {
		req, _ := http.NewRequest(http.MethodGet, th.url+"/api/rooms/"+tc.code+"/events", nil)
		if tc.lastID != "" {
			req.Header.Set("Last-Event-ID", tc.lastID)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e apiError
		json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != tc.status || e.Error.Code != tc.errCode {
			t.Errorf("%s, Last-Event-ID %q: %d %q, want %d %q", tc.code, tc.lastID, resp.StatusCode, e.Error.Code, tc.status, tc.errCode)
		}
		if tc.status == http.StatusBadRequest && !strings.Contains(e.Error.Message, "events") {
			t.Errorf("the error %q does not name the feed", e.Error.Message)
		}
	}
}

// TestEventsDrain: shutting the hub down ends an open feed (its reader
// sees the end of the stream) instead of waiting on it.
func TestEventsDrain(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Step meeting"}`)
	feed := openEvents(t, th.url, cr.Code, nil)
	feed.waitSeq(1)
	th.stop()
	feed.mu.Lock()
	for !feed.done {
		feed.cond.Wait()
	}
	feed.mu.Unlock()
}

// TestEventHead: the head read off a message's first bytes is what
// decoding the whole message says, for every message a screen receives,
// and a message of another shape is decoded.
func TestEventHead(t *testing.T) {
	p := room.Patch{}
	v := room.View{}
	for _, tc := range []struct {
		msg  []byte
		t    string
		id   uint64
		fast bool
	}{
		{encode(patchMsg{T: "patch", From: 41, To: 44, Patch: &p}), "patch", 44, true},
		{encode(patchMsg{T: "patch", From: 0, To: 1234567, Patch: &p}), "patch", 1234567, true},
		{encode(snapshotMsg{T: "snapshot", Seq: 41, View: &v}), "snapshot", 41, true},
		{encode(hbMsg{T: "hb", Seq: 44}), "hb", 0, false},
		{encode(welcomeMsg{T: "welcome", V: ProtocolVersion, Role: room.Screen, Seq: 9}), "welcome", 0, false},
		{[]byte(`{"to":7,"t":"patch","from":3}`), "patch", 7, false},
	} {
		got, id, err := eventHead(tc.msg)
		if err != nil || got != tc.t || id != tc.id {
			t.Errorf("eventHead(%s) = %q, %d, %v; want %q, %d", tc.msg, got, id, err, tc.t, tc.id)
		}
		if tc.fast && !bytes.HasPrefix(tc.msg, []byte(`{"t":"`+tc.t+`",`)) {
			t.Errorf("%s: the encoder no longer writes t first: the fast path is never taken", tc.msg)
		}
	}
	if _, _, err := eventHead([]byte(`{"t":`)); err == nil {
		t.Error("a broken message gave no error")
	}
}
