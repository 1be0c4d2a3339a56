package hub

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/hub/internal/redistest"
	"github.com/tribune-hub/tribune/room"
)

// This file is the conformance suite of the seam (package seam): each scenario
// is written once, and runs against one node and against a primary with
// two edges around a real redis-server. The clients of a scenario are
// spread over the topology's nodes, so that in the cluster the people of
// one meeting are on different edges.

// topology is a deployment under test.
type topology struct {
	nodes  []string // base URLs clients connect to, taken in turn
	front  []*Hub   // the hubs behind nodes
	truth  *testHub // the node, or the primary: fresh snapshots, the log
	hubs   []*Hub   // every hub
	redis  *redistest.Server
	settle time.Duration // how long a state must hold still to be compared
}

func (tp *topology) node(i int) string { return tp.nodes[i%len(tp.nodes)] }

// testIdle is the idle period of the topologies under test: a few
// heartbeats, so that an edge has told the primary which rooms it holds
// well before the primary may let go of them.
const testIdle = 4 * clusterHB

var topologies = []struct {
	name  string
	start func(t *testing.T) *topology
}{
	{"OneNode", func(t *testing.T) *topology {
		th := startHubConfig(t, filepath.Join(t.TempDir(), "tribune.db"), Config{Tick: testTick, Idle: testIdle}, nil, nil)
		return &topology{nodes: []string{th.url}, front: []*Hub{th.hub}, truth: th, hubs: []*Hub{th.hub}}
	}},
	{"PrimaryAndEdges", func(t *testing.T) *topology {
		c := startCluster(t, func(cfg *Config) { cfg.Idle = testIdle })
		return &topology{
			nodes: []string{c.a.url, c.b.url}, front: []*Hub{c.a.hub, c.b.hub}, truth: c.primary,
			hubs: []*Hub{c.primary.hub, c.a.hub, c.b.hub}, redis: c.redis, settle: clusterHB / 2,
		}
	}},
}

// TestConformance runs every scenario against every topology.
func TestConformance(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(*testing.T, *topology)
	}{
		{"Meeting", conformMeeting},
		{"Resume", conformResume},
		{"Retry", conformRetry},
		{"Idle", conformIdle},
	}
	for _, tp := range topologies {
		for _, sc := range scenarios {
			t.Run(tp.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				sc.run(t, tp.start(t))
			})
		}
	}
}

// same fails unless every client agrees with fresh snapshots taken on the
// truth and, through a fresh moderator, on every node. The fresh sessions
// are closed after.
func (tp *topology) same(t *testing.T, code, key string, clients ...*client) {
	t.Helper()
	var fresh []*client
	for _, base := range tp.nodes {
		f := dial(t, base, code, helloArgs{Role: "moderator", Key: key})
		f.name = "fresh-mod-" + base
		fresh = append(fresh, f)
	}
	fresh = append(fresh, compareFresh(t, tp.truth, code, key, tp.settle, append(clients, fresh...)...)...)
	for _, f := range fresh {
		f.c.CloseNow()
	}
}

// loaded reports whether h holds room code.
func (h *Hub) loaded(code string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.rooms[code]
	return ok
}

// roomChannel prefixes the pub/sub channel of each room's events.
const roomChannel = "tribune:room:"

// subscribed returns the channels of tribune:room:* that have subscribers.
func (tp *topology) subscribed(t *testing.T) []string {
	t.Helper()
	if tp.redis == nil {
		return nil
	}
	return roomChannels(t, tp.redis)
}

func roomChannels(t *testing.T, rs *redistest.Server) []string {
	t.Helper()
	admin := redis.NewClient(&redis.Options{Addr: rs.Addr(), ContextTimeoutEnabled: true, ReadTimeout: time.Second, WriteTimeout: time.Second, DialTimeout: time.Second})
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	chans, err := admin.PubSubChannels(ctx, roomChannel+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return chans
}

// waitUnloaded waits until no hub holds room code, nor listens to it.
func (tp *topology) waitUnloaded(t *testing.T, code string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var held []int
		for i, h := range tp.hubs {
			if h.loaded(code) {
				held = append(held, i)
			}
		}
		subs := tp.subscribed(t)
		if len(held) == 0 && !slices.Contains(subs, roomChannel+code) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("room %s still held by hubs %v (of %d), subscriptions %v", code, held, len(tp.hubs), subs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// conformMeeting: a whole meeting, its people on different nodes: join,
// ask, moderate, vote, take the floor, end, and a written answer after the
// end. Nobody sees what their role must not.
func conformMeeting(t *testing.T, tp *topology) {
	cr := createRoom(t, tp.node(0), `{"title":"Conformance","settings":{"qaOpen":true,"preModeration":true}}`)
	mod := dial(t, tp.node(1), cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	screen := dial(t, tp.node(0), cr.Code, helloArgs{Role: "screen"})
	screen.name = "screen"
	alice := dial(t, tp.node(0), cr.Code, helloArgs{Role: "participant", Channel: "room", Name: "Alice"})
	alice.name = "alice"
	bob := dial(t, tp.node(1), cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	bob.name = "bob"
	waitPresent(t, mod, 2)

	mod.must(room.Command{Op: room.OpStart})
	q := alice.must(room.Command{Op: room.OpAsk, Text: "Will the plan be published?"})
	bob.waitSeq(q)
	if n := len(bob.snapshotView().Questions); n != 0 {
		t.Fatalf("bob sees %d pending questions of others", n)
	}
	mod.waitSeq(q)
	if n := len(mod.snapshotView().Questions); n != 1 {
		t.Fatalf("the moderator sees %d questions, want 1", n)
	}
	mod.must(room.Command{Op: room.OpApprove, Question: 1})
	up := bob.must(room.Command{Op: room.OpUpvote, Question: 1})
	alice.waitSeq(up)
	if v := alice.snapshotView(); len(v.Questions) != 1 || v.Questions[0].Votes != 1 {
		t.Fatalf("alice sees %+v, want her question with bob's vote", v.Questions)
	}

	mod.must(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Publish monthly?", Options: []string{"Yes", "No"}})
	mod.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	alice.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	bob.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	closed := mod.must(room.Command{Op: room.OpPollClose, Poll: 1})
	mod.waitSeq(closed)
	if r := mod.snapshotView().Polls[0].Results; r == nil || !slices.Equal(r.Tally, []int{2, 0}) {
		t.Fatalf("the moderator's tally = %+v, want [2 0]", r)
	}

	ask := bob.must(room.Command{Op: room.OpFloorRequest, Text: "From home"})
	mod.waitSeq(ask)
	call := mod.must(room.Command{Op: room.OpFloorCall, Floor: 1})
	alice.waitSeq(call)
	if f := alice.snapshotView().Meeting.Floor; len(f) != 1 || f[0].Status != room.FloorSpeaking || f[0].Channel != room.Remote {
		t.Fatalf("alice sees the floor %+v", f)
	}

	mod.must(room.Command{Op: room.OpEnd})
	alice.refused(room.Command{Op: room.OpAsk, Text: "Too late?"}, "ended")
	late := mod.must(room.Command{Op: room.OpAnswer, Question: 1, Text: "Yes, next month."})
	screen.waitSeq(late)
	if v := screen.snapshotView(); v.Meeting.Status != room.Ended || len(v.Questions) != 1 || v.Questions[0].Answer != "Yes, next month." {
		t.Fatalf("the screen sees %s and %+v, want the meeting ended and the late answer", v.Meeting.Status, v.Questions)
	}
	tp.same(t, cr.Code, cr.ModeratorKey, mod, screen, alice, bob)
}

// conformResume: a client back after a short loss gets the patches it
// missed; one back after the room was unloaded (its patches gone with it)
// gets a snapshot. Both end in everyone's state.
func conformResume(t *testing.T, tp *topology) {
	cr := createRoom(t, tp.node(0), `{"title":"Resume","settings":{"qaOpen":true}}`)
	mod := dial(t, tp.node(0), cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	p := dial(t, tp.node(1), cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	p.name = "p"
	q := p.must(room.Command{Op: room.OpAsk, Text: "Before the tunnel"})
	p.waitSeq(q)
	token, since, view := p.welcome.Token, p.seq, p.snapshotView()
	p.c.CloseNow()
	for _, text := range []string{"One", "Two", "Three"} {
		mod.must(room.Command{Op: room.OpAnnounce, Text: text})
	}
	last := mod.must(room.Command{Op: room.OpAnswer, Question: 1, Text: "Yes."})

	hello := helloArgs{Role: "participant", Token: token, Since: since, Channel: "remote"}
	back := resume(t, tp.node(1), cr.Code, hello, view)
	back.name = "back"
	back.waitSeq(last)
	back.mu.Lock()
	types := slices.Clone(back.types)
	back.mu.Unlock()
	if types[0] != "welcome" || slices.Contains(types, "snapshot") || !slices.Contains(types, "patch") {
		t.Errorf("resume within the ring: messages %v, want welcome then patches, no snapshot", types)
	}
	tp.same(t, cr.Code, cr.ModeratorKey, back, mod)

	back.c.CloseNow()
	mod.c.CloseNow()
	tp.waitUnloaded(t, cr.Code)
	again := resume(t, tp.node(0), cr.Code, hello, view)
	again.name = "again"
	again.waitFor(func() bool { return len(again.types) >= 2 })
	again.mu.Lock()
	types = slices.Clone(again.types)
	again.mu.Unlock()
	if types[1] != "snapshot" {
		t.Errorf("resume after an unload: messages %v, want a snapshot", types)
	}
	tp.same(t, cr.Code, cr.ModeratorKey, again)
}

// conformRetry: a command retried under its id is applied once, on the
// node it was first sent to and on another.
func conformRetry(t *testing.T, tp *topology) {
	cr := createRoom(t, tp.node(0), `{"title":"Retry","settings":{"qaOpen":true}}`)
	p := dial(t, tp.node(0), cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	cmd := room.Command{Op: room.OpAsk, Text: "Once only"}
	id := p.sendCmd(cmd)
	first := p.await(id)
	if first.Code != "" {
		t.Fatalf("ask: %+v", first)
	}
	p.sendID(id, cmd)
	if again := p.await(id); again != first {
		t.Fatalf("retry on the same node: %+v, first %+v", again, first)
	}
	other := dial(t, tp.node(1), cr.Code, helloArgs{Role: "participant", Token: p.welcome.Token})
	other.name = "other"
	other.sendID(id, cmd)
	if again := other.await(id); again != first {
		t.Fatalf("retry on node %s: %+v, first %+v", tp.node(1), again, first)
	}
	rows, err := tp.truth.store.Load(context.Background(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.CmdID == id {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("command %s is %d times in the log", id, n)
	}
}

// conformIdle: a room nobody is connected to is let go by every node, and
// comes back whole: the same state, and a command retried under its id
// still applied once.
func conformIdle(t *testing.T, tp *topology) {
	cr := createRoom(t, tp.node(0), `{"title":"Quiet afternoon","settings":{"qaOpen":true}}`)
	mod := dial(t, tp.node(0), cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	p := dial(t, tp.node(1), cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	mod.must(room.Command{Op: room.OpStart})
	cmd := room.Command{Op: room.OpAsk, Text: "Is the hall accessible?"}
	id := p.sendCmd(cmd)
	first := p.await(id)
	if first.Code != "" {
		t.Fatalf("ask: %+v", first)
	}
	for _, h := range tp.front {
		if got := h.unloadIdle(0); slices.Contains(got, cr.Code) {
			t.Fatalf("a node let go of the room with people connected: %v", got)
		}
	}
	token := p.welcome.Token
	mod.c.CloseNow()
	p.c.CloseNow()
	tp.waitUnloaded(t, cr.Code)

	again := dial(t, tp.node(0), cr.Code, helloArgs{Role: "participant", Token: token})
	again.name = "again"
	again.sendID(id, cmd)
	if r := again.await(id); r != first {
		t.Fatalf("retry after the reload: %+v, first %+v", r, first)
	}
	if v := again.snapshotView(); len(v.Questions) != 1 || v.Questions[0].Text != cmd.Text {
		t.Fatalf("state after the reload: %+v", v.Questions)
	}
	mod2 := dial(t, tp.node(1), cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod2.name = "mod2"
	tp.same(t, cr.Code, cr.ModeratorKey, again, mod2)
}

// TestEdgeLetsGo: an edge serving 200 rooms one after the other, each left
// idle, ends holding none of them and subscribed to none, and the primary
// lets go of them too; but neither lets go of a room someone is in.
func TestEdgeLetsGo(t *testing.T) {
	t.Parallel()
	const rooms = 200
	rs := redistest.Start(t)
	// A slower heartbeat than the fault tests': this test is about letting
	// go, not about noticing silence, and 201 rooms in a row on a busy
	// machine must not be refused for a heartbeat that came late.
	idle := func(cfg *Config) {
		cfg.Cluster.Heartbeat = time.Second
		cfg.Idle = 4 * time.Second
	}
	primary := startPrimary(t, filepath.Join(t.TempDir(), "tribune.db"), rs.URL(), idle)
	e := startEdge(t, rs.URL(), "A", idle)
	e.hub.creations = rate.NewLimiter(rate.Inf, 0) // before it serves a request

	// Held: the edge by its session, the primary by the edge (once the
	// edge's heartbeat has said so).
	cr := createRoom(t, e.url, `{"title":"Held"}`)
	p := dial(t, e.url, cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	hr, err := primary.hub.room(context.Background(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !hr.link.Held() {
		if time.Now().After(deadline) {
			t.Fatal("the primary never heard that the edge holds the room")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, h := range []*Hub{primary.hub, e.hub} {
		if got := h.unloadIdle(0); slices.Contains(got, cr.Code) {
			t.Fatalf("a room in use was let go: %v", got)
		}
	}
	p.c.CloseNow()

	for i := range rooms {
		cr := createRoom(t, e.url, `{"title":"One of many"}`)
		// An edge whose primary answers late (a busy machine) says 503
		// with Retry-After, and clients come back: so does this one.
		awaitLoadable(t, e.url, cr.Code)
		cl := dial(t, e.url, cr.Code, helloArgs{Role: "participant"})
		cl.name = fmt.Sprintf("p%d", i)
		cl.c.CloseNow()
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		e.hub.mu.Lock()
		onEdge := len(e.hub.rooms)
		e.hub.mu.Unlock()
		primary.hub.mu.Lock()
		onPrimary := len(primary.hub.rooms)
		primary.hub.mu.Unlock()
		subs := roomChannels(t, rs)
		if onEdge == 0 && onPrimary == 0 && len(subs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d rooms left idle: the edge holds %d, the primary %d, subscriptions %d", rooms+1, onEdge, onPrimary, len(subs))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// awaitLoadable waits until base serves room code (GET /api/rooms/{code}
// answers 200), coming back after each 503 as a client told to retry does.
func awaitLoadable(t *testing.T, base, code string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/api/rooms/" + code)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			return
		case resp.StatusCode != http.StatusServiceUnavailable:
			t.Fatalf("room %s: %d", code, resp.StatusCode)
		case time.Now().After(deadline):
			t.Fatalf("room %s: still 503 after 20 s", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
