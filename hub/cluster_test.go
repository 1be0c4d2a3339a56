package hub

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/cluster"
	"github.com/tribune-hub/tribune/hub/internal/redistest"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// This file tests a primary and edges around a real redis-server: the
// primary on a real SQLite file, each node behind its own HTTP server,
// participants on different edges, and the faults of issue 7.

// clusterHB is the heartbeat of test clusters: silence is noticed within
// 3 of them.
const clusterHB = 300 * time.Millisecond

func clusterCfg(id string) ClusterConfig {
	return ClusterConfig{Heartbeat: clusterHB, CommandTimeout: 2 * time.Second, RedisTimeout: 300 * time.Millisecond, NodeID: id}
}

// edgeEnv makes the test binary an edge on the Redis it names: the kill -9
// test runs an edge as a child process it can really kill. An init, not
// TestMain, so that recovery_test.go's TestMain stays as it is.
const (
	edgeEnv   = "TRIBUNE_TEST_EDGE_REDIS"
	edgeIDEnv = "TRIBUNE_TEST_EDGE_ID"
)

func init() {
	if url := os.Getenv(edgeEnv); url != "" {
		os.Exit(childEdge(url, os.Getenv(edgeIDEnv)))
	}
}

func childEdge(url, id string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h, err := New(ctx, Config{Tick: testTick, Mode: Edge, Redis: url, Cluster: clusterCfg(id)})
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

// startPrimary runs a primary hub on the SQLite file at path, its
// configuration changed by tweaks.
func startPrimary(t *testing.T, path, url string, tweaks ...func(*Config)) *testHub {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: path, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, Logger: testLogger(t), Tick: testTick, Mode: Primary, Redis: url, Cluster: clusterCfg("primary")}
	for _, f := range tweaks {
		f(&cfg)
	}
	h, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	th := &testHub{hub: h, store: st, srv: srv, url: srv.URL}
	t.Cleanup(th.stop)
	return th
}

// startEdge runs an edge hub in this process, its configuration changed
// by tweaks.
func startEdge(t *testing.T, url, id string, tweaks ...func(*Config)) *testHub {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cfg := Config{Logger: testLogger(t), Tick: testTick, Mode: Edge, Redis: url, Cluster: clusterCfg(id)}
	for _, f := range tweaks {
		f(&cfg)
	}
	h, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	th := &testHub{hub: h, srv: srv, url: srv.URL}
	var once sync.Once
	t.Cleanup(func() {
		once.Do(func() { h.Drain(); srv.Close(); h.Close() })
	})
	return th
}

// testCluster is a redis-server, a primary and two edges.
type testCluster struct {
	redis   *redistest.Server
	path    string
	primary *testHub
	a, b    *testHub
}

func startCluster(t *testing.T, tweaks ...func(*Config)) *testCluster {
	t.Helper()
	c := &testCluster{redis: redistest.Start(t), path: filepath.Join(t.TempDir(), "tribune.db")}
	c.primary = startPrimary(t, c.path, c.redis.URL(), tweaks...)
	c.a = startEdge(t, c.redis.URL(), "A", tweaks...)
	c.b = startEdge(t, c.redis.URL(), "B", tweaks...)
	return c
}

// sameStateCluster checks that every client, and a fresh moderator on each
// given edge, agree with fresh snapshots taken on the primary. It waits
// until the primary's state has held still for a while, since the fresh
// sessions' own joins are still on their way when they are dialled.
func sameStateCluster(t *testing.T, primary *testHub, code, key string, edges []string, clients ...*client) {
	t.Helper()
	for i, base := range edges {
		f := dial(t, base, code, helloArgs{Role: "moderator", Key: key})
		f.name = fmt.Sprintf("fresh-mod-edge%d", i)
		clients = append(clients, f)
	}
	sameStateSettled(t, primary, code, key, clusterHB/2, clients...)
}

// awaitReply waits for the answer to id without failing the test: it
// reports false when the connection closed or nothing came in time.
func (cl *client) awaitReply(id string, timeout time.Duration) (reply, bool) {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() { cl.mu.Lock(); cl.cond.Broadcast(); cl.mu.Unlock() })
	defer timer.Stop()
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for {
		if r, ok := cl.replies[id]; ok {
			return r, true
		}
		if cl.closed || time.Now().After(deadline) {
			return reply{}, false
		}
		cl.cond.Wait()
	}
}

// sendID sends cmd under a given id, forgetting any earlier answer to it.
func (cl *client) sendID(id string, cmd room.Command) {
	cl.mu.Lock()
	delete(cl.replies, id)
	cl.mu.Unlock()
	cl.send(map[string]any{"t": "cmd", "id": id, "cmd": cmd})
}

// mustRetry sends cmd under one id until it is acknowledged, retrying
// while the answer says retry; it fails the test on any other refusal.
func (cl *client) mustRetry(cmd room.Command) uint64 {
	cl.t.Helper()
	cl.mu.Lock()
	cl.n++
	id := fmt.Sprintf("%s-%d", cl.name, cl.n)
	cl.mu.Unlock()
	deadline := time.Now().Add(15 * time.Second)
	for {
		cl.sendID(id, cmd)
		r, ok := cl.awaitReply(id, 5*time.Second)
		cl.mu.Lock()
		closed, why := cl.closed, cl.closeErr
		cl.mu.Unlock()
		switch {
		case ok && r.Code == "":
			return r.Seq
		case ok && !r.Retry:
			cl.t.Fatalf("%s: %s refused: %s %s", cl.name, cmd.Op, r.Code, r.Message)
		case !ok && closed:
			cl.t.Fatalf("%s: disconnected, %s unanswered: %v", cl.name, cmd.Op, why)
		case time.Now().After(deadline):
			cl.t.Fatalf("%s: %s not acknowledged in time (last %+v)", cl.name, cmd.Op, r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitReleased waits until h holds no session of the participant id. Its
// last session's leave has been handed to the room by then: serveSession
// departs before it untracks.
func waitReleased(t *testing.T, h *Hub, id string) {
	t.Helper()
	held := func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for s := range h.sessions {
			if s.participant == id {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(10 * time.Second)
	for held() {
		if time.Now().After(deadline) {
			t.Fatalf("the hub still holds a session of %s", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// present is the attendance a moderator client sees.
func (cl *client) present() int {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.view.Counts == nil {
		return 0
	}
	return cl.view.Counts.InRoom + cl.view.Counts.Remote
}

// voteBurst has each voter change its rating again and again, retrying
// each command under its id until acknowledged, until stop is closed.
type voteBurst struct {
	mu   sync.Mutex
	acks []ack
	wg   sync.WaitGroup
	stop chan struct{}
}

func startBurst(voters []*client) *voteBurst {
	b := &voteBurst{stop: make(chan struct{})}
	for _, p := range voters {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			for n := 0; ; n++ {
				id := fmt.Sprintf("%s-v%d", p.name, n)
				cmd := room.Command{Op: room.OpVote, Poll: 1, Rating: 1 + n%5}
				for {
					select {
					case <-b.stop:
						return
					default:
					}
					p.sendID(id, cmd)
					r, ok := p.awaitReply(id, 5*time.Second)
					if ok && r.Code == "" {
						b.mu.Lock()
						b.acks = append(b.acks, ack{p.welcome.Participant, id, r.Seq})
						b.mu.Unlock()
						break
					}
					if ok && !r.Retry {
						p.t.Errorf("%s: vote refused: %s %s", p.name, r.Code, r.Message)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	return b
}

func (b *voteBurst) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.acks)
}

// waitAcks waits until n more commands are acknowledged.
func (b *voteBurst) waitAcks(t *testing.T, n int) {
	t.Helper()
	want := b.count() + n
	deadline := time.Now().Add(15 * time.Second)
	for b.count() < want {
		if time.Now().After(deadline) {
			t.Fatalf("burst: %d acks, want %d", b.count(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b *voteBurst) end() []ack {
	close(b.stop)
	b.wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.acks
}

// ratingRoom creates a room on base with an open rating poll and returns it
// with its moderator.
func ratingRoom(t *testing.T, base string) (createResponse, *client) {
	t.Helper()
	cr := createRoom(t, base, `{"title":"Cluster","settings":{"qaOpen":true}}`)
	mod := dial(t, base, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	mod.must(room.Command{Op: room.OpPollCreate, Kind: room.Rating, Text: "How clear was it?", Scale: 5})
	mod.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	return cr, mod
}

func voters(t *testing.T, code string, bases ...string) []*client {
	var out []*client
	for i := 0; i < 8; i++ {
		base := bases[i%len(bases)]
		p := dial(t, base, code, helloArgs{Role: "participant", Channel: "room"})
		p.name = fmt.Sprintf("v%d", i)
		out = append(out, p)
	}
	return out
}

// TestClusterMeeting: a participant on edge A and one on edge B are in the
// same meeting, with the same role filtering as on one node; a room created
// through an edge exists on the primary.
func TestClusterMeeting(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	cr := createRoom(t, c.a.url, `{"title":"Two edges","settings":{"qaOpen":true,"preModeration":true}}`)
	mod := dial(t, c.b.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	alice := dial(t, c.a.url, cr.Code, helloArgs{Role: "participant", Channel: "room", Name: "Alice"})
	alice.name = "alice"
	bob := dial(t, c.b.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	bob.name = "bob"
	screen := dial(t, c.a.url, cr.Code, helloArgs{Role: "screen"})
	screen.name = "screen"

	mod.must(room.Command{Op: room.OpStart})
	q := alice.must(room.Command{Op: room.OpAsk, Text: "Will the plan be published?"})
	bob.waitSeq(q)
	if n := len(bob.snapshotView().Questions); n != 0 {
		t.Fatalf("bob sees %d pending questions of others", n)
	}
	mod.waitSeq(q)
	if n := len(mod.snapshotView().Questions); n != 1 {
		t.Fatalf("moderator sees %d questions, want 1", n)
	}
	mod.must(room.Command{Op: room.OpApprove, Question: 1})
	up := bob.must(room.Command{Op: room.OpUpvote, Question: 1})
	alice.waitSeq(up)
	if v := alice.snapshotView(); len(v.Questions) != 1 || v.Questions[0].Votes != 1 {
		t.Fatalf("alice sees %+v, want her question with bob's vote", v.Questions)
	}
	// A retried command id is applied once, across edges too.
	id := bob.sendCmd(room.Command{Op: room.OpAsk, Text: "Once only"})
	first := bob.await(id)
	bob.sendID(id, room.Command{Op: room.OpAsk, Text: "Once only"})
	if again := bob.await(id); again.Seq != first.Seq || again.Code != "" {
		t.Fatalf("retry of %s: %+v, first %+v", id, again, first)
	}
	// The floor across edges: asked on B, given on B, seen on A.
	ask := bob.must(room.Command{Op: room.OpFloorRequest, Text: "From home"})
	mod.waitSeq(ask)
	call := mod.must(room.Command{Op: room.OpFloorCall, Floor: 1})
	alice.waitSeq(call)
	if f := alice.snapshotView().Meeting.Floor; len(f) != 1 || f[0].Status != room.FloorSpeaking || f[0].Channel != room.Remote || f[0].Topic != "From home" {
		t.Fatalf("alice sees the floor %+v", f)
	}
	waitPresent(t, mod, 2)
	sameStateCluster(t, c.primary, cr.Code, cr.ModeratorKey, []string{c.a.url, c.b.url}, mod, alice, bob, screen)

	// A participant with tabs on both edges stays present until the last
	// closes.
	// (sameState's fresh participants are present too.)
	n := mod.present()
	bob2 := dial(t, c.a.url, cr.Code, helloArgs{Role: "participant", Token: bob.welcome.Token, Channel: "remote"})
	bob2.name = "bob2"
	bob.c.CloseNow()
	// Once edge B has let go of bob's tab, whatever leave it sent is ahead
	// of the moderator's next command, which goes through edge B too: the
	// moderator's view at that command's seq says whether bob left.
	waitReleased(t, c.b.hub, bob.welcome.Participant)
	mod.waitSeq(mod.must(room.Command{Op: room.OpAnnounce, Text: "Still here?"}))
	if got := mod.present(); got != n {
		t.Fatalf("present: %d, want %d (bob still has a tab on edge A)", got, n)
	}
	bob2.c.CloseNow()
	waitPresent(t, mod, n-1)

	// The public report through an edge: built once per head of the
	// primary's log, and what is committed since is in the next answer.
	report := c.a.url + "/api/rooms/" + cr.Code + "/report"
	builds := func() float64 { return testutil.ToFloat64(c.a.hub.metrics.archiveBuilds.WithLabelValues("report")) }
	for range 3 {
		if status, _, b := fetchArchive(t, report, ""); status != http.StatusOK || !bytes.Contains(b, []byte("Will the plan be published?")) {
			t.Fatalf("report through edge A: %d %s", status, b)
		}
	}
	if builds() != 1 {
		t.Errorf("three reports through edge A built %v times, want 1", builds())
	}
	mod.must(room.Command{Op: room.OpApprove, Question: 2})
	if status, _, b := fetchArchive(t, report, ""); status != http.StatusOK || !bytes.Contains(b, []byte("Once only")) || builds() != 2 {
		t.Errorf("report after an approval: %d, %v builds, %s", status, builds(), b)
	}
}

func waitPresent(t *testing.T, mod *client, n int) {
	t.Helper()
	mod.waitFor(func() bool { return mod.view.Counts != nil && mod.view.Counts.InRoom+mod.view.Counts.Remote == n })
}

// TestClusterRedisRestart kills Redis in the middle of a vote burst from
// both edges and restarts it empty: nothing acknowledged is lost, and every
// client converges to the primary's state once Redis is back.
func TestClusterRedisRestart(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	cr, mod := ratingRoom(t, c.primary.url)
	vs := voters(t, cr.Code, c.a.url, c.b.url)
	b := startBurst(vs)
	b.waitAcks(t, 60)
	c.redis.Kill()
	// Committed while Redis is away: the edges can only get these from the
	// primary's log.
	for i := 0; i < 3; i++ {
		mod.must(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("During the outage %d", i)})
	}
	time.Sleep(time.Second)
	c.redis.Restart()
	b.waitAcks(t, 60)
	acks := b.end()
	checkAcks(t, c.primary.store, cr.Code, acks)
	sameStateCluster(t, c.primary, cr.Code, cr.ModeratorKey, []string{c.a.url, c.b.url}, append(vs, mod)...)
	aHist, aPrim := c.a.hub.backend.(*cluster.Edge).Filled()
	bHist, bPrim := c.b.hub.backend.(*cluster.Edge).Filled()
	fromHistory, fromPrimary := aHist+bHist, aPrim+bPrim
	t.Logf("filled from history %d, from the primary %d", fromHistory, fromPrimary)
	if fromPrimary == 0 {
		t.Error("the edges never read the events committed during the outage from the primary")
	}
}

// TestClusterRedisFrozen freezes Redis with SIGSTOP: commands fail within
// their deadline with a retryable error, connections stay open, clients are
// told the upstream is down, and everything converges after SIGCONT.
func TestClusterRedisFrozen(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	cr, mod := ratingRoom(t, c.primary.url)
	pa := dial(t, c.a.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	pa.name = "pa"
	pb := dial(t, c.b.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	pb.name = "pb"
	pc := dial(t, c.b.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	pc.name = "pc"
	pa.must(room.Command{Op: room.OpVote, Poll: 1, Rating: 2})
	waitPresent(t, mod, 3)

	c.redis.Stop()
	frozen := time.Now()
	mod.must(room.Command{Op: room.OpAnnounce, Text: "While Redis is frozen"})
	pc.c.CloseNow() // its leave cannot get through now: it is retried
	id := pb.sendCmd(room.Command{Op: room.OpVote, Poll: 1, Rating: 4})
	r, ok := pb.awaitReply(id, 3*clusterCfg("").CommandTimeout)
	if !ok {
		t.Fatalf("no answer within %s while Redis is frozen", 3*clusterCfg("").CommandTimeout)
	}
	if r.Code != "unavailable" || !r.Retry {
		t.Fatalf("command while Redis is frozen: %+v, want a retryable unavailable", r)
	}
	t.Logf("refused after %s: %s", time.Since(frozen).Round(time.Millisecond), r.Message)
	pa.waitFor(func() bool { return slicesContains(pa.types, "status") || pa.closed })
	// Redis stays frozen for 3 s in all, well past the edges' silence of 3
	// heartbeats: how long the fault lasts, not a wait for what it does.
	time.Sleep(time.Until(frozen.Add(3 * time.Second)))
	c.redis.Cont()

	// Neither connection was closed meanwhile: each one's next command is
	// answered on it, after anything the edge sent before (mustRetry fails
	// at once on a closed connection).
	pb.mustRetry(room.Command{Op: room.OpVote, Poll: 1, Rating: 4})
	pa.mustRetry(room.Command{Op: room.OpAsk, Text: "Back?"})
	waitPresent(t, mod, 2)
	sameStateCluster(t, c.primary, cr.Code, cr.ModeratorKey, []string{c.a.url, c.b.url}, mod, pa, pb)
}

func slicesContains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// TestClusterSubscriptionKilled kills edge A's pub/sub connection again and
// again (CLIENT KILL) while commands flow on edge B: the events A's
// subscription lost are found by the heartbeat's heads and filled.
func TestClusterSubscriptionKilled(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	cr, mod := ratingRoom(t, c.primary.url)
	pa := dial(t, c.a.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	pa.name = "pa"
	pb := dial(t, c.b.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	pb.name = "pb"

	admin := redis.NewClient(&redis.Options{Addr: c.redis.Addr(), ContextTimeoutEnabled: true, ReadTimeout: time.Second, WriteTimeout: time.Second, DialTimeout: time.Second, PoolTimeout: time.Second})
	defer admin.Close()
	killA := func() int {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		list, err := admin.ClientList(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range strings.Split(list, "\n") {
			if strings.Contains(line, "name=tribune-edge-A ") && strings.Contains(line, "flags=P") {
				for _, f := range strings.Fields(line) {
					if id, ok := strings.CutPrefix(f, "id="); ok {
						admin.Do(ctx, "CLIENT", "KILL", "ID", id)
						n++
					}
				}
			}
		}
		return n
	}
	killed := 0
	for i := 0; i < 10; i++ {
		killed += killA()
		pb.must(room.Command{Op: room.OpAsk, Text: fmt.Sprintf("Question %d", i)})
		mod.must(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("Note %d", i)})
	}
	if killed == 0 {
		t.Fatal("found no pub/sub connection of edge A to kill")
	}
	sameStateCluster(t, c.primary, cr.Code, cr.ModeratorKey, []string{c.a.url}, mod, pa, pb)
	fromHistory, fromPrimary := c.a.hub.backend.(*cluster.Edge).Filled()
	t.Logf("killed %d connections; A filled %d events from history, %d from the primary", killed, fromHistory, fromPrimary)
}

// TestClusterSilentPartition puts edge A behind a proxy that silently drops
// all traffic: A notices within its heartbeat silence, tells its clients,
// and resynchronises once traffic flows again.
func TestClusterSilentPartition(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	px := startProxy(t, rs.Addr())
	path := filepath.Join(t.TempDir(), "tribune.db")
	primary := startPrimary(t, path, rs.URL())
	a := startEdge(t, "redis://"+px.addr(), "A")
	cr, mod := ratingRoom(t, primary.url)
	pa := dial(t, a.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	pa.name = "pa"
	pa.must(room.Command{Op: room.OpVote, Poll: 1, Rating: 3})

	px.blackhole(true)
	dropped := time.Now()
	for i := 0; i < 5; i++ {
		mod.must(room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("While A is cut off %d", i)})
	}
	pa.waitFor(func() bool { return slicesContains(pa.types, "status") })
	t.Logf("edge A said down after %s", time.Since(dropped).Round(time.Millisecond))
	id := pa.sendCmd(room.Command{Op: room.OpVote, Poll: 1, Rating: 5})
	if r, ok := pa.awaitReply(id, 5*time.Second); !ok || !r.Retry {
		t.Fatalf("command while cut off: %+v %v, want a retryable error", r, ok)
	}
	px.blackhole(false)
	pa.mustRetry(room.Command{Op: room.OpVote, Poll: 1, Rating: 5})
	sameStateCluster(t, primary, cr.Code, cr.ModeratorKey, []string{a.url}, mod, pa)
}

// TestClusterEdgeKilled kills an edge with SIGKILL during a vote burst: its
// participants reconnect to the other edge with their token and last seq,
// retry what was unanswered under the same ids, and nothing is lost or
// applied twice. Whoever does not come back is marked absent once the
// edge's heartbeats stop.
func TestClusterEdgeKilled(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	path := filepath.Join(t.TempDir(), "tribune.db")
	primary := startPrimary(t, path, rs.URL())
	child, aURL := startChild(t, edgeEnv+"="+rs.URL(), edgeIDEnv+"=A")
	b := startEdge(t, rs.URL(), "B")
	cr, mod := ratingRoom(t, primary.url)

	vs := voters(t, cr.Code, aURL)
	ghost := dial(t, aURL, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	ghost.name = "ghost"
	waitPresent(t, mod, len(vs)+1)

	var (
		mu   sync.Mutex
		acks []ack
		wg   sync.WaitGroup
	)
	killed := make(chan struct{})
	moved := make([]*client, len(vs))
	for i, p := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur := p
			after := 0 // acks on edge B
			for n := 0; after < 5; n++ {
				id := fmt.Sprintf("%s-v%d", p.name, n)
				cmd := room.Command{Op: room.OpVote, Poll: 1, Rating: 1 + n%5}
				for {
					cur.sendID(id, cmd)
					r, ok := cur.awaitReply(id, 5*time.Second)
					if ok && r.Code == "" {
						mu.Lock()
						acks = append(acks, ack{p.welcome.Participant, id, r.Seq})
						mu.Unlock()
						if cur != p {
							after++
						}
						break
					}
					if ok && !r.Retry {
						t.Errorf("%s: vote refused: %s", p.name, r.Code)
						return
					}
					cur.mu.Lock()
					closed := cur.closed
					cur.mu.Unlock()
					if closed && cur == p {
						<-killed
						// Resume on the other edge, from what we have.
						cur.mu.Lock()
						view, since := cur.view, cur.seq
						cur.mu.Unlock()
						cur = resume(t, b.url, cr.Code, helloArgs{Role: "participant", Token: p.welcome.Token, Since: since, Channel: "room"}, view)
						cur.name = p.name + "-b"
						cur.welcome = p.welcome
						moved[i] = cur
						continue // the same id again
					}
					time.Sleep(50 * time.Millisecond)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	killAfter(t, child, func() int { mu.Lock(); defer mu.Unlock(); return len(acks) }, 60)
	close(killed)
	wg.Wait()
	checkAcks(t, primary.store, cr.Code, acks)
	// The ghost did not come back: it leaves once A's heartbeats stop.
	waitPresent(t, mod, len(vs))
	sameStateCluster(t, primary, cr.Code, cr.ModeratorKey, []string{b.url}, append(moved, mod)...)
}

// TestClusterPrimaryRestart restarts the primary: edges keep their clients
// connected and refuse commands as retryable meanwhile, then everything
// converges, presence included, when it is back.
func TestClusterPrimaryRestart(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	cr := createRoom(t, c.primary.url, `{"title":"Restart","settings":{"qaOpen":true}}`)
	mod := dial(t, c.a.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	pa := dial(t, c.a.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	pa.name = "pa"
	pb := dial(t, c.b.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	pb.name = "pb"
	q := pa.must(room.Command{Op: room.OpAsk, Text: "Before the restart"})
	_ = q
	pb.must(room.Command{Op: room.OpUpvote, Question: 1})
	waitPresent(t, mod, 2)

	c.primary.stop()
	pa.waitFor(func() bool { return slicesContains(pa.types, "status") })
	r := pb.do(room.Command{Op: room.OpAsk, Text: "Anyone there?"})
	if r.Code != "unavailable" || !r.Retry {
		t.Fatalf("command without a primary: %+v, want a retryable unavailable", r)
	}
	c.primary = startPrimary(t, c.path, c.redis.URL())
	pb.mustRetry(room.Command{Op: room.OpAsk, Text: "Anyone there?"})
	pa.mustRetry(room.Command{Op: room.OpUpvote, Question: 2})
	for _, cl := range []*client{mod, pa, pb} {
		cl.mu.Lock()
		closed := cl.closed
		cl.mu.Unlock()
		if closed {
			t.Fatalf("%s was disconnected by the primary's restart", cl.name)
		}
	}
	waitPresent(t, mod, 2)
	sameStateCluster(t, c.primary, cr.Code, cr.ModeratorKey, []string{c.a.url, c.b.url}, mod, pa, pb)
}

// proxy forwards TCP to Redis and can silently drop everything, as a
// broken network path does: connections stay open, nothing arrives.
type proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	black bool              // guarded by mu
	conns map[net.Conn]bool // guarded by mu; value: saw a drop
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: make(map[net.Conn]bool)}
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	go p.accept()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[up] = false, false
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

// pipe copies from src to dst, reading and discarding while black.
func (p *proxy) pipe(src, dst net.Conn) {
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			black := p.black
			if black {
				p.conns[src], p.conns[dst] = true, true
			}
			p.mu.Unlock()
			if !black {
				if _, err := dst.Write(buf[:n]); err != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// blackhole starts or stops dropping. When it stops, the connections that
// lost bytes are closed (their streams are torn), as a peer that finally
// notices would.
func (p *proxy) blackhole(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.black = on
	if on {
		return
	}
	for c, torn := range p.conns {
		if torn {
			c.Close()
			delete(p.conns, c)
		}
	}
}
