package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// This file holds the test harness: a real hub on a real SQLite file behind
// a real HTTP server, and a real WebSocket client that keeps its state the
// way any client must, from snapshots and patches.

// testLogger writes the hub's logs to t.Log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type testHub struct {
	hub   *Hub
	store *store.Store
	srv   *httptest.Server
	url   string
}

// startHub runs a hub on a new SQLite file.
func startHub(t testing.TB, tick time.Duration) *testHub {
	t.Helper()
	return startHubOn(t, filepath.Join(t.TempDir(), "tribune.db"), tick)
}

func startHubOn(t testing.TB, path string, tick time.Duration) *testHub {
	t.Helper()
	return startHubWith(t, path, tick, nil, nil)
}

// startHubWith is startHubOn with tweak, when not nil, run on the hub
// before it serves (timings a test shortens), and the listener wrapped by
// wrap when not nil.
func startHubWith(t testing.TB, path string, tick time.Duration, tweak func(*Hub), wrap func(net.Listener) net.Listener) *testHub {
	t.Helper()
	return startHubConfig(t, path, Config{Tick: tick}, tweak, wrap)
}

// startHubConfig is startHubWith with the hub's configuration given; its
// Store and Logger are set here.
func startHubConfig(t testing.TB, path string, cfg Config, tweak func(*Hub), wrap func(net.Listener) net.Listener) *testHub {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: path, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Logger = st, testLogger(t)
	h, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if tweak != nil {
		tweak(h)
	}
	srv := httptest.NewUnstartedServer(h.Handler())
	if wrap != nil {
		srv.Listener = wrap(srv.Listener)
	}
	srv.Start()
	th := &testHub{hub: h, store: st, srv: srv, url: srv.URL}
	t.Cleanup(th.stop)
	return th
}

// stop shuts the hub down the way cmd/tribune does. Calling it twice is fine.
func (th *testHub) stop() {
	th.hub.Drain()
	th.srv.Close()
	th.hub.Close()
	th.store.Close()
}

func createRoom(t testing.TB, base string, body string) createResponse {
	t.Helper()
	resp, err := http.Post(base+"/api/rooms", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create room: %d %s", resp.StatusCode, b)
	}
	var cr createResponse
	if err := json.Unmarshal(b, &cr); err != nil {
		t.Fatal(err)
	}
	return cr
}

// reply is an ack or an error for one command.
type reply struct {
	Seq     uint64
	Key     string // a team.add's seat key
	Code    string
	Message string
	Retry   bool
}

// client is a WebSocket client that applies what it receives.
type client struct {
	t    testing.TB
	c    *websocket.Conn
	name string

	mu       sync.Mutex
	cond     *sync.Cond
	welcome  welcomeMsg
	view     room.View
	hasView  bool
	mine     room.Mine
	results  map[room.PollID]room.Results
	seq      uint64
	replies  map[string]reply
	errs     []errorMsg  // errors without a command id
	types    []string    // every message type, in order
	heard    map[int]int // how many times each announcement id came in a patch
	joins    joinsMsg    // the last "joins" (moderators)
	roomCode roomCodeMsg // the last "roomcode" (screens)
	closed   bool
	closeErr error
	n        int
}

type helloArgs struct {
	Role    string `json:"role"`
	Token   string `json:"token,omitempty"`
	Key     string `json:"key,omitempty"`
	Since   uint64 `json:"since,omitempty"`
	Channel string `json:"channel,omitempty"`
	Name    string `json:"name,omitempty"`
}

func wsURL(base, code string) string {
	return "ws" + strings.TrimPrefix(base, "http") + "/ws/" + code
}

// dial connects and says hello; it waits for the welcome and the first
// state.
func dial(t testing.TB, base, code string, h helloArgs) *client {
	t.Helper()
	return dialWith(t, base, code, h, nil)
}

// dialWith is dial with the WebSocket options given (nil for none).
func dialWith(t testing.TB, base, code string, h helloArgs, opts *websocket.DialOptions) *client {
	t.Helper()
	cl := dialRawWith(t, base, code, opts)
	hello := map[string]any{"t": "hello", "v": ProtocolVersion}
	b, _ := json.Marshal(h)
	json.Unmarshal(b, &hello)
	cl.send(hello)
	cl.waitFor(func() bool { return cl.hasView || cl.closed })
	cl.mu.Lock()
	closed, closeErr, errs := cl.closed, cl.closeErr, cl.errs
	cl.mu.Unlock()
	if closed {
		t.Fatalf("dial %s: closed: %v (errors %v)", code, closeErr, errs)
	}
	return cl
}

func dialRaw(t testing.TB, base, code string) *client {
	t.Helper()
	return dialRawWith(t, base, code, nil)
}

func dialRawWith(t testing.TB, base, code string, opts *websocket.DialOptions) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if opts == nil {
		opts = &websocket.DialOptions{}
	}
	opts.HTTPHeader = http.Header{"Origin": {base}}
	c, _, err := websocket.Dial(ctx, wsURL(base, code), opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c.SetReadLimit(1 << 24)
	cl := &client{t: t, c: c, replies: make(map[string]reply), results: make(map[room.PollID]room.Results)}
	cl.cond = sync.NewCond(&cl.mu)
	go cl.readLoop()
	t.Cleanup(func() { c.CloseNow() })
	return cl
}

func (cl *client) send(v any) {
	cl.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		cl.t.Fatal(err)
	}
	cl.sendRaw(b)
}

func (cl *client) sendRaw(b []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cl.c.Write(ctx, websocket.MessageText, b); err != nil {
		cl.t.Logf("%s: write: %v", cl.name, err)
	}
}

type inMsg struct {
	T string `json:"t"`
	welcomeMsg
	ID      string          `json:"id"`
	Seq     uint64          `json:"seq"`
	From    uint64          `json:"from"`
	To      uint64          `json:"to"`
	View    *room.View      `json:"view"`
	Patch   *room.Patch     `json:"patch"`
	Mine    *room.Mine      `json:"mine"`
	Poll    room.PollID     `json:"poll"`
	Results *room.Results   `json:"results"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Retry   bool            `json:"retry"`
	Key     string          `json:"key"`
	Raw     json.RawMessage `json:"-"`
}

func (cl *client) readLoop() {
	for {
		_, b, err := cl.c.Read(context.Background())
		cl.mu.Lock()
		if err != nil {
			cl.closed, cl.closeErr = true, err
			cl.cond.Broadcast()
			cl.mu.Unlock()
			return
		}
		var m inMsg
		if err := json.Unmarshal(b, &m); err != nil {
			cl.mu.Unlock()
			cl.t.Errorf("%s: undecodable message %s: %v", cl.name, b, err)
			return
		}
		cl.types = append(cl.types, m.T)
		switch m.T {
		case "welcome":
			json.Unmarshal(b, &cl.welcome)
		case "snapshot":
			cl.view, cl.hasView, cl.seq = *m.View, true, m.Seq
		case "patch":
			switch {
			case !cl.hasView:
				cl.t.Errorf("%s: patch before snapshot", cl.name)
			case m.From > cl.seq:
				cl.t.Errorf("%s: gap: at %d, patch from %d", cl.name, cl.seq, m.From)
			case m.To >= cl.seq:
				cl.view.ApplyPatch(m.To, m.Patch)
				cl.seq = m.To
			}
			if cl.heard == nil {
				cl.heard = make(map[int]int)
			}
			for _, a := range m.Patch.Announcements {
				cl.heard[a.ID]++
			}
			if m.Patch.Meeting != nil {
				for _, a := range m.Patch.Meeting.Announcements {
					cl.heard[a.ID]++
				}
			}
		case "joins":
			json.Unmarshal(b, &cl.joins)
		case "roomcode":
			json.Unmarshal(b, &cl.roomCode)
		case "mine":
			cl.mine = *m.Mine
		case "results":
			cl.results[m.Poll] = *m.Results
		case "ack":
			cl.replies[m.ID] = reply{Seq: m.Seq, Key: m.Key}
		case "error":
			if m.ID == "" {
				cl.errs = append(cl.errs, errorMsg{Code: m.Code, Message: m.Message, Retry: m.Retry})
			} else {
				cl.replies[m.ID] = reply{Code: m.Code, Message: m.Message, Retry: m.Retry}
			}
		}
		cl.cond.Broadcast()
		cl.mu.Unlock()
	}
}

// waitFor waits until cond holds (called with cl.mu held) or fails the test
// after a while.
func (cl *client) waitFor(cond func() bool) {
	cl.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	timer := time.AfterFunc(15*time.Second, func() { cl.mu.Lock(); cl.cond.Broadcast(); cl.mu.Unlock() })
	defer timer.Stop()
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			cl.t.Fatalf("%s: timed out waiting (seq %d, last messages %v)", cl.name, cl.seq, tail(cl.types, 8))
		}
		cl.cond.Wait()
	}
}

func tail(s []string, n int) []string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// do sends a command and waits for its answer.
func (cl *client) do(cmd room.Command) reply {
	cl.t.Helper()
	id := cl.sendCmd(cmd)
	return cl.await(id)
}

func (cl *client) sendCmd(cmd room.Command) string {
	cl.mu.Lock()
	cl.n++
	id := fmt.Sprintf("%s-%d", cl.name, cl.n)
	cl.mu.Unlock()
	cl.send(map[string]any{"t": "cmd", "id": id, "cmd": cmd})
	return id
}

func (cl *client) await(id string) reply {
	cl.t.Helper()
	var r reply
	cl.waitFor(func() bool {
		var ok bool
		r, ok = cl.replies[id]
		return ok || cl.closed
	})
	return r
}

// must sends a command that must be acknowledged.
func (cl *client) must(cmd room.Command) uint64 {
	cl.t.Helper()
	r := cl.do(cmd)
	if r.Code != "" || r.Seq == 0 && cmd.Op != room.OpReact {
		cl.t.Fatalf("%s: %s refused: %s %s", cl.name, cmd.Op, r.Code, r.Message)
	}
	return r.Seq
}

// refused sends a command that must be refused with code.
func (cl *client) refused(cmd room.Command, code string) {
	cl.t.Helper()
	r := cl.do(cmd)
	if r.Code != code {
		cl.t.Fatalf("%s: %s: got %+v, want error %s", cl.name, cmd.Op, r, code)
	}
}

// waitSeq waits until the client has applied everything up to seq.
func (cl *client) waitSeq(seq uint64) {
	cl.t.Helper()
	cl.waitFor(func() bool { return cl.seq >= seq })
}

// state returns the client's view, encoded, for comparison.
func (cl *client) state() []byte {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return canonical(cl.t, cl.view)
}

func canonical(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	// Normalise empty and absent lists, which JSON tells apart but a view
	// does not.
	var x any
	json.Unmarshal(b, &x)
	b, _ = json.Marshal(normalize(x))
	return b
}

func normalize(x any) any {
	switch v := x.(type) {
	case map[string]any:
		for k, e := range v {
			n := normalize(e)
			if s, ok := n.([]any); (ok && len(s) == 0) || n == nil {
				delete(v, k)
				continue
			}
			if m, ok := n.(map[string]any); ok && len(m) == 0 {
				delete(v, k)
				continue
			}
			v[k] = n
		}
		return v
	case []any:
		for i := range v {
			v[i] = normalize(v[i])
		}
		return v
	}
	return x
}

// sameState fails unless every client agrees with a fresh snapshot of its
// role, once everything sent has arrived.
func sameState(t testing.TB, th *testHub, code, key string, clients ...*client) {
	t.Helper()
	sameStateSettled(t, th, code, key, 0, clients...)
}

// sameStateSettled is sameState where the state must also hold still for
// settle before the comparison (events may still be on their way to other
// nodes).
func sameStateSettled(t testing.TB, th *testHub, code, key string, settle time.Duration, clients ...*client) {
	t.Helper()
	compareFresh(t, th, code, key, settle, clients...)
}

// compareFresh is sameStateSettled, and returns the fresh sessions it
// compared with, still open.
func compareFresh(t testing.TB, th *testHub, code, key string, settle time.Duration, clients ...*client) []*client {
	t.Helper()
	if len(clients) == 0 {
		return nil
	}
	fresh := map[string]*client{}
	for _, cl := range clients {
		role := cl.welcome.Role.String()
		if _, ok := fresh[role]; ok {
			continue
		}
		h := helloArgs{Role: role}
		if role == "moderator" {
			h.Key = key
		}
		f := dial(t, th.url, code, h)
		f.name = "fresh-" + role
		fresh[role] = f
	}
	hr, err := th.hub.room(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	// Compare only states taken at one sequence number: the fresh
	// sessions' own joins may still be on their way when the room looks
	// quiet, and a client that applied one more patch than another is not a
	// divergence.
	for attempt := 0; ; attempt++ {
		seq := hr.fan.seq.Load()
		for _, cl := range clients {
			cl.waitSeq(seq)
		}
		for _, f := range fresh {
			f.waitSeq(seq)
		}
		time.Sleep(settle)
		if hr.fan.seq.Load() != seq {
			continue
		}
		var diffs []string
		for _, cl := range clients {
			f := fresh[cl.welcome.Role.String()]
			got, gotSeq := cl.stateAt()
			want, wantSeq := f.stateAt()
			if gotSeq != seq || wantSeq != seq {
				diffs = nil
				break // moved on meanwhile: look again
			}
			if !bytes.Equal(got, want) {
				diffs = append(diffs, fmt.Sprintf("%s (%s) diverged from a fresh snapshot at seq %d:\n got %s\nwant %s", cl.name, cl.welcome.Role, seq, got, want))
			}
			if cl == clients[len(clients)-1] {
				for _, d := range diffs {
					t.Error(d)
				}
				out := make([]*client, 0, len(fresh))
				for _, f := range fresh {
					out = append(out, f)
				}
				return out
			}
		}
		if attempt > 50 {
			t.Fatal("the room never held still long enough to compare")
		}
	}
}

// stateAt returns the client's view, encoded, and the seq it is at.
func (cl *client) stateAt() ([]byte, uint64) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return canonical(cl.t, cl.view), cl.seq
}
