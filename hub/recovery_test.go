package hub

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// serverEnv makes the test binary a hub server on the SQLite file it names:
// the kill -9 test runs it as a child process it can really kill.
const serverEnv = "TRIBUNE_TEST_SERVER_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(serverEnv); path != "" {
		os.Exit(childServer(path))
	}
	os.Exit(m.Run())
}

// childServer serves a hub until killed, printing its address first.
func childServer(path string) int {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: path})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	h, err := New(ctx, Config{Store: st, Tick: testTick})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("ADDR http://%s\n", ln.Addr())
	http.Serve(ln, h.Handler())
	return 0
}

// startChild runs the test binary again as a child process, with env
// added to its environment (serverEnv or edgeEnv says what it serves), and
// returns it once it has printed the address it serves on. The test kills
// it at the end.
func startChild(t *testing.T, env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		t.Fatalf("child %v: %q %v", env, line, err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
}

// TestKillDuringVoteBurst kills the server with SIGKILL in the middle of a
// vote burst. After a restart every acknowledged command is in the log with
// the sequence number it was acknowledged with, and the recovered state is
// exactly the replay of the log.
func TestKillDuringVoteBurst(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	child, base := startChild(t, serverEnv+"="+path)
	cr := createRoom(t, base, `{"title":"Crash test"}`)
	mod := dial(t, base, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	mod.must(room.Command{Op: room.OpPollCreate, Kind: room.Rating, Text: "How clear was the presentation?", Scale: 5})
	mod.must(room.Command{Op: room.OpPollOpen, Poll: 1})

	var (
		mu   sync.Mutex
		acks []ack
		wg   sync.WaitGroup
	)
	const voters = 20
	for i := 0; i < voters; i++ {
		p := dial(t, base, cr.Code, helloArgs{Role: "participant", Channel: "room"})
		p.name = fmt.Sprintf("p%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Change one's mind until the server dies.
			for n := 0; ; n++ {
				id := p.sendCmd(room.Command{Op: room.OpVote, Poll: 1, Rating: 1 + n%5})
				p.mu.Lock()
				for !p.closed {
					if _, ok := p.replies[id]; ok {
						break
					}
					p.cond.Wait()
				}
				r, ok := p.replies[id]
				closed := p.closed
				p.mu.Unlock()
				if ok && r.Code == "" {
					mu.Lock()
					acks = append(acks, ack{p.welcome.Participant, id, r.Seq})
					mu.Unlock()
				}
				if closed {
					return
				}
				if ok && r.Code == "rate_limited" {
					time.Sleep(200 * time.Millisecond)
				}
			}
		}()
	}
	// Let the burst run until enough votes are acknowledged, then kill.
	killAfter(t, child, func() int { mu.Lock(); defer mu.Unlock(); return len(acks) }, 150)
	wg.Wait()

	_, base = startChild(t, serverEnv+"="+path)
	mod2 := dial(t, base, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod2.name = "mod-after"

	st, err := store.Open(context.Background(), store.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkAcks(t, st, cr.Code, acks)
	rows, err := st.Load(context.Background(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}

	// The recovered server shows exactly the replay of the log.
	snap := mod2.snapshotView()
	var evs []room.Event
	for _, r := range rows {
		if r.Seq <= snap.Seq {
			evs = append(evs, r.Event)
		}
	}
	replayed, err := room.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := canonical(t, snap), canonical(t, replayed.View(room.Moderator)); !bytes.Equal(got, want) {
		t.Fatalf("recovered state differs from the replay:\n got %s\nwant %s", got, want)
	}
}

// ack is an acknowledged command.
type ack struct {
	participant, id string
	seq             uint64
}

// checkAcks fails unless every acknowledged command is in the primary's log
// at the seq it was acknowledged with, and no command id was applied twice.
func checkAcks(t *testing.T, st *store.Store, code string, acks []ack) {
	t.Helper()
	rows, err := st.Load(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyChain(rows); err != nil {
		t.Fatal(err)
	}
	bySeq := make(map[uint64]store.Stored, len(rows))
	seen := make(map[string]uint64)
	for _, r := range rows {
		bySeq[r.Seq] = r
		if r.CmdID == "" {
			continue
		}
		k := r.Event.Actor.ID + "/" + r.CmdID
		if s, dup := seen[k]; dup {
			t.Errorf("command %s applied twice: seq %d and %d", k, s, r.Seq)
		}
		seen[k] = r.Seq
	}
	for _, a := range acks {
		r, ok := bySeq[a.seq]
		if !ok || r.CmdID != a.id || r.Event.Actor.ID != a.participant {
			t.Errorf("acknowledged command %s of %s at seq %d is not in the log (found %+v)", a.id, a.participant, a.seq, r.Event)
		}
	}
	t.Logf("%d acknowledged commands, %d events in the log", len(acks), len(rows))
}

// killAfter waits until acked() reaches n, then kills child with SIGKILL:
// the middle of a burst, with acknowledged commands behind it and more in
// flight.
func killAfter(t *testing.T, child *exec.Cmd, acked func() int, n int) {
	t.Helper()
	for acked() < n {
		time.Sleep(5 * time.Millisecond)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
}

// TestResume: a client that reconnects with the last sequence number it saw
// gets the missing patches (not a snapshot) while the server still has them,
// a snapshot after a server restart, and ends in everyone's state.
func TestResume(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	th := startHubOn(t, path, testTick)
	cr := createRoom(t, th.url, `{"title":"Resume"}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	p.name = "p"
	q := p.must(room.Command{Op: room.OpAsk, Text: "Before the tunnel"})
	p.waitSeq(q)
	token, since, view := p.welcome.Token, p.seq, p.snapshotView()
	p.c.CloseNow()

	for i := 0; i < 5; i++ {
		mod.must(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("Announcement %d", i)})
	}
	last := mod.must(room.Command{Op: room.OpAnswer, Question: 1, Text: "Yes, next month."})

	// The patches come from the ring, or from the next tick when the last
	// events are not sent yet (then `mine` may come first): never a
	// snapshot.
	back := resume(t, th.url, cr.Code, helloArgs{Role: "participant", Token: token, Since: since, Channel: "remote"}, view)
	back.name = "back"
	back.waitSeq(last)
	back.mu.Lock()
	types := append([]string(nil), back.types...)
	back.mu.Unlock()
	if types[0] != "welcome" || slices.Contains(types, "snapshot") || !slices.Contains(types, "patch") {
		t.Errorf("resume within the ring: messages %v, want welcome then patches, no snapshot", types)
	}
	sameState(t, th, cr.Code, cr.ModeratorKey, back, mod)

	// After a restart the ring is gone: a client from before the restart
	// gets a snapshot, and the same state.
	th.stop()
	th2 := startHubOn(t, path, testTick)
	again := resume(t, th2.url, cr.Code, helloArgs{Role: "participant", Token: token, Since: since, Channel: "remote"}, view)
	again.name = "again"
	again.waitFor(func() bool { return len(again.types) >= 2 })
	again.mu.Lock()
	types = append([]string(nil), again.types...)
	again.mu.Unlock()
	if types[1] != "snapshot" {
		t.Errorf("resume after restart: messages %v, want a snapshot", types)
	}
	mod2 := dial(t, th2.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod2.name = "mod2"
	mod2.must(room.Command{Op: room.OpAnnounce, Text: "After the restart"})
	sameState(t, th2, cr.Code, cr.ModeratorKey, again, mod2)
}

// resume connects a client that already holds view, as a client that lost
// its connection does, and says hello with h.Since.
func resume(t *testing.T, base, code string, h helloArgs, view room.View) *client {
	t.Helper()
	cl := dialRaw(t, base, code)
	cl.mu.Lock()
	cl.view, cl.hasView, cl.seq = view, true, h.Since
	cl.mu.Unlock()
	hello := map[string]any{"t": "hello", "v": ProtocolVersion, "role": h.Role, "token": h.Token, "since": h.Since, "channel": h.Channel}
	cl.send(hello)
	return cl
}

// TestDrain: a graceful shutdown fails readiness first, tells every
// WebSocket client to reconnect (1012, which http.Server.Shutdown would not
// do for hijacked connections), and refuses new sessions.
func TestDrain(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Drain"}`)
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	p.must(room.Command{Op: room.OpAsk, Text: "Acknowledged before the shutdown"})

	th.hub.Drain()
	resp, err := http.Get(th.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d, want 503", resp.StatusCode)
	}
	if code := p.waitClosed(); code != 1012 {
		t.Errorf("close code %d, want 1012 (service restart)", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, wsURL(th.url, cr.Code), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {th.url}}}); err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("new session while draining: %v, want 503", err)
	}
	// What was acknowledged is in the log.
	rows, err := th.store.Load(context.Background(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || r.Event.Op == room.OpAsk
	}
	if !found {
		t.Error("the acknowledged question is not in the log")
	}
}
