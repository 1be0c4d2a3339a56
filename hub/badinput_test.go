package hub

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/room"
)

// badInputRoom is a live room with one approved question, a moderator and a
// participant.
func badInputRoom(t *testing.T) (*testHub, createResponse, *client, *client) {
	t.Helper()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Bad input"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	p.must(room.Command{Op: room.OpAsk, Text: "A fair question"})
	return th, cr, mod, p
}

// unchanged fails if the room's log moved since seq. Only a participant's
// departure may follow, when the bad input cost them their connection.
func unchanged(t *testing.T, th *testHub, code string, seq uint64) {
	t.Helper()
	rows, err := th.store.Load(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[seq:] {
		if r.Event.Op != room.OpLeave {
			t.Fatalf("log moved from %d with %s at %d after bad input", seq, r.Event.Op, r.Seq)
		}
	}
}

func head(t *testing.T, th *testHub, code string) uint64 {
	t.Helper()
	rows, err := th.store.Load(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return rows[len(rows)-1].Seq
}

// lastError waits for an error message without a command id.
func (cl *client) lastError() errorMsg {
	cl.t.Helper()
	cl.waitFor(func() bool { return len(cl.errs) > 0 || cl.closed })
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if len(cl.errs) == 0 {
		cl.t.Fatalf("closed without an error: %v", cl.closeErr)
	}
	e := cl.errs[len(cl.errs)-1]
	cl.errs = nil
	return e
}

func (cl *client) waitClosed() websocket.StatusCode {
	cl.t.Helper()
	cl.waitFor(func() bool { return cl.closed })
	return websocket.CloseStatus(cl.closeErr)
}

func TestBadFrames(t *testing.T) {
	t.Parallel()
	th, cr, _, p := badInputRoom(t)
	seq := head(t, th, cr.Code)
	cases := []struct {
		name  string
		frame []byte
		id    string // of the error; TestCommandErrorsCarryID has more
		code  string
	}{
		{"malformed JSON", []byte(`{"t":"cmd","id":`), "", "bad_message"},
		{"not an object", []byte(`[1,2,3]`), "", "bad_message"},
		{"unknown message type", []byte(`{"t":"launch"}`), "", "bad_message"},
		{"unknown field", []byte(`{"t":"cmd","id":"x1","cmd":{"op":"question.ask","text":"hi"},"admin":true}`), "x1", "bad_message"},
		{"invalid UTF-8", []byte("{\"t\":\"cmd\",\"id\":\"x2\",\"cmd\":{\"op\":\"question.ask\",\"text\":\"\xff\xfe\"}}"), "x2", "invalid_utf8"},
		{"trailing data", []byte(`{"t":"ping"}{"t":"ping"}`), "", "bad_message"},
	}
	for _, c := range cases {
		p.sendRaw(c.frame)
		var e reply
		if c.id != "" {
			e = p.await(c.id)
		} else {
			m := p.lastError()
			e = reply{Code: m.Code, Message: m.Message}
		}
		if e.Code != c.code {
			t.Errorf("%s: error %q (%s), want %q", c.name, e.Code, e.Message, c.code)
		}
	}
	id := ""
	p.send(map[string]any{"t": "cmd", "id": id, "cmd": map[string]any{"op": "question.ask", "text": "no id"}})
	if e := p.lastError(); e.Code != "bad_message" {
		t.Errorf("empty id: %q", e.Code)
	}
	p.send(map[string]any{"t": "cmd", "id": "wrongtype", "cmd": map[string]any{"op": "poll.vote", "poll": "one"}})
	if r := p.await("wrongtype"); r.Code != "bad_message" {
		t.Errorf("field of the wrong type: %+v", r)
	}
	unchanged(t, th, cr.Code, seq)
	// The connection still serves.
	p.must(room.Command{Op: room.OpAsk, Text: "Still here?"})
}

func TestBadCommands(t *testing.T) {
	t.Parallel()
	th, cr, _, p := badInputRoom(t)
	seq := head(t, th, cr.Code)
	p.refused(room.Command{Op: "question.teleport"}, "unknown_op")
	p.refused(room.Command{Op: room.OpApprove, Question: 1}, "forbidden")
	p.refused(room.Command{Op: room.OpJoin, Channel: room.InRoom}, "forbidden")
	p.refused(room.Command{Op: room.OpReactions, Counts: map[room.Reaction]int{room.Applause: 1000}}, "forbidden")
	p.refused(room.Command{Op: room.OpAsk, Text: strings.Repeat("é", 281)}, "too_long")
	p.refused(room.Command{Op: room.OpAsk, Text: "   "}, "empty")
	p.refused(room.Command{Op: room.OpAsk, Text: "evil \u202e txt.exe"}, "control_char")
	p.refused(room.Command{Op: room.OpAsk, Text: "bell \a"}, "control_char")
	p.refused(room.Command{Op: room.OpUpvote, Question: 99}, "no_question")
	unchanged(t, th, cr.Code, seq)

	screen := dial(t, th.url, cr.Code, helloArgs{Role: "screen"})
	screen.name = "screen"
	screen.refused(room.Command{Op: room.OpAsk, Text: "from the screen"}, "forbidden")
	unchanged(t, th, cr.Code, seq)
}

func TestOversizedFrameCloses(t *testing.T) {
	t.Parallel()
	th, cr, mod, p := badInputRoom(t)
	seq := head(t, th, cr.Code)
	big := `{"t":"cmd","id":"big","cmd":{"op":"question.ask","text":"` + strings.Repeat("a", maxFrame) + `"}}`
	p.sendRaw([]byte(big))
	if code := p.waitClosed(); code != websocket.StatusMessageTooBig {
		t.Fatalf("close code %d, want 1009", code)
	}
	unchanged(t, th, cr.Code, seq)
	mod.must(room.Command{Op: room.OpAnnounce, Text: "Others are still served"})
}

func TestHelloRefused(t *testing.T) {
	t.Parallel()
	th, cr, _, p := badInputRoom(t)
	other := createRoom(t, th.url, `{"title":"Another room"}`)
	token := p.welcome.Token
	otherToken := dial(t, th.url, other.Code, helloArgs{Role: "participant"}).welcome.Token

	parts := strings.Split(token, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	forged := "v1." + base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte("p-"), []byte("p-0"), 1)) + "." + parts[2]
	expired := signer{th.hub.signer.secret}.issue(cr.Code, "p-old", time.Now().Add(-tokenTTL-time.Hour))

	cases := []struct {
		name  string
		hello map[string]any
		code  string
	}{
		{"forged token", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "token": forged}, "bad_token"},
		{"garbage token", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "token": "v1.abc"}, "bad_token"},
		{"expired token", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "token": expired}, "bad_token"},
		{"token of another room", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "token": otherToken}, "bad_token"},
		{"wrong moderator key", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "moderator", "key": other.ModeratorKey}, "bad_key"},
		{"no moderator key", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "moderator"}, "bad_key"},
		{"system role", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "system"}, "bad_hello"},
		{"command first", map[string]any{"t": "cmd", "id": "1", "cmd": map[string]any{"op": "question.ask", "text": "x"}}, "bad_hello"},
		{"wrong version", map[string]any{"t": "hello", "v": 99, "role": "screen"}, "bad_version"},
		{"a page from before votes in patches", map[string]any{"t": "hello", "v": 1, "role": "screen"}, "bad_version"},
		{"bad channel", map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "channel": "moon"}, "bad_hello"},
	}
	for _, c := range cases {
		cl := dialRaw(t, th.url, cr.Code)
		cl.name = c.name
		cl.send(c.hello)
		if e := cl.lastError(); e.Code != c.code {
			t.Errorf("%s: error %q, want %q", c.name, e.Code, c.code)
		}
		if code := cl.waitClosed(); code != websocket.StatusPolicyViolation {
			t.Errorf("%s: close %d, want 1008", c.name, code)
		}
	}
	// A genuine token keeps the participant's identity across connections.
	again := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Token: token})
	if again.welcome.Participant != p.welcome.Participant {
		t.Errorf("token did not keep the participant: %s vs %s", again.welcome.Participant, p.welcome.Participant)
	}
	again.waitFor(func() bool { return len(again.mine.Questions) == 1 })
}

func TestForeignOriginRefused(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Origins"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, wsURL(th.url, cr.Code), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"https://evil.example"}}})
	if err == nil {
		t.Fatal("upgrade from a foreign origin succeeded")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: %v, want 403", resp)
	}
	_, resp, err = websocket.Dial(ctx, wsURL(th.url, "NOSUCH"), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {th.url}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown room: %v %v, want 404", resp, err)
	}
}

func TestFloodCloses(t *testing.T) {
	t.Parallel()
	th, cr, mod, p := badInputRoom(t)
	seq := head(t, th, cr.Code)
	// A participant over their command rate is told to slow down...
	limited := 0
	for i := 0; i < participantBurst+10; i++ {
		if r := p.do(room.Command{Op: room.OpUpvote, Question: 99}); r.Code == "rate_limited" {
			limited++
			if !r.Retry {
				t.Error("rate_limited is not marked retryable")
			}
		}
	}
	if limited == 0 {
		t.Error("no command was rate limited")
	}
	// ...and a connection that floods frames is closed.
	for i := 0; i < frameBurst+floodStrikes+50; i++ {
		p.sendRaw([]byte(`{"t":"ping"}`))
	}
	if code := p.waitClosed(); code != websocket.StatusPolicyViolation {
		t.Fatalf("flood: close %d, want 1008", code)
	}
	unchanged(t, th, cr.Code, seq)
	mod.must(room.Command{Op: room.OpAnnounce, Text: "Others are still served"})
}

func TestCreateRoomRefusesBadInput(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	for _, c := range []struct {
		body   string
		status int
	}{
		{``, http.StatusBadRequest},
		{`{`, http.StatusBadRequest},
		{`{"title":""}`, http.StatusBadRequest},
		{`{"title":"x","extra":1}`, http.StatusBadRequest},
		{`{"title":"` + strings.Repeat("x", 500) + `"}`, http.StatusBadRequest},
		{`{"title":"ok","settings":{"streamURL":"javascript:alert(1)"}}`, http.StatusBadRequest},
		{`{"title":"` + strings.Repeat("x", maxCreateBody) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		resp, err := http.Post(th.url+"/api/rooms", "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("create %.40q: %d, want %d", c.body, resp.StatusCode, c.status)
		}
	}
	rooms, err := th.store.Rooms(context.Background())
	if err != nil || len(rooms) != 0 {
		t.Fatalf("rooms after bad creates: %v %v", rooms, err)
	}
}

func TestCreateRoomRateLimited(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	limited := 0
	for i := 0; i < creationBurst+10; i++ {
		resp, err := http.Post(th.url+"/api/rooms", "application/json", strings.NewReader(`{"title":"Spam"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("creating meetings in a loop was never limited")
	}
	rooms, err := th.store.Rooms(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rooms) > creationBurst+2 {
		t.Errorf("%d meetings created in a burst, the limit is about %d", len(rooms), creationBurst)
	}
}
