package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/room"
)

// Bounds of an edge's queues.
const (
	// downQueue bounds the primary's messages waiting to be decoded.
	downQueue = 4096
	// rawQueue bounds one room's undecoded event batches; past it they are
	// dropped and fetched again as a gap.
	rawQueue = 4096
	// maxAhead bounds the events an edge room holds past a gap.
	maxAhead = 100000
)

// Edge is the backend of an edge hub: it forwards its rooms' commands to
// the primary and feeds their fan-outs with the primary's events, in order
// and without gaps.
type Edge struct {
	cfg    Config
	logger *slog.Logger
	rdb    *redis.Client
	sub    *subscriber
	id     string
	n      seam.Node // set by Start

	downs chan string // payloads of tribune:down:{id}, for downLoop
	hbs   chan string // payloads of tribune:hb, for monitor
	out   chan struct{}

	nextID atomic.Uint64
	up     atomic.Bool // the primary's heartbeats arrive

	// Events that filled a gap, by where they came from (for tests and
	// metrics).
	fromHistory, fromPrimary atomic.Uint64

	mu      sync.Mutex
	pending map[uint64]*pendingReq // guarded by mu; sent, not yet answered
	outCmds []wireCmd              // guarded by mu; to send
	outRPCs []rpcReq               // guarded by mu; to send
	rooms   map[string]*edgeRoom   // guarded by mu
}

// pendingReq is a forwarded command (reply) or RPC (rpc) awaiting its
// answer. Whoever removes it from pending answers it, exactly once.
type pendingReq struct {
	reply    func(uint64, error)
	rpc      chan rpcResp
	deadline time.Time
}

var (
	_ seam.Backend = (*Edge)(nil)
	_ seam.Room    = (*edgeRoom)(nil)
)

// NewEdge returns the backend of an edge on the Redis at url.
func NewEdge(url string, cfg Config, logger *slog.Logger) (*Edge, error) {
	cfg.defaults()
	rdb, err := newRedis(url, "tribune-edge-"+cfg.NodeID, cfg.RedisTimeout)
	if err != nil {
		return nil, err
	}
	e := &Edge{
		cfg: cfg, logger: logger, rdb: rdb, id: cfg.NodeID,
		downs:   make(chan string, downQueue),
		hbs:     make(chan string, 64),
		out:     make(chan struct{}, 1),
		pending: make(map[uint64]*pendingReq),
		rooms:   make(map[string]*edgeRoom),
	}
	e.sub = newSubscriber(rdb, cfg.Heartbeat, logger, e.receive, chanHB, downPrefix+e.id)
	return e, nil
}

// Filled says how many events filled gaps in the edge's rooms, from the
// rooms' history in Redis and from the primary's log.
func (e *Edge) Filled() (fromHistory, fromPrimary uint64) {
	return e.fromHistory.Load(), e.fromPrimary.Load()
}

// Log is the primary's, through Redis.
func (e *Edge) Log() seam.Log { return remoteStore{e} }

// Book: an edge has none; its primary answers consultations (Forward).
func (e *Edge) Book() seam.Book { return nil }

// Forward passes a request of the consultation API to the primary, whose
// hub answers it as if it had come there: one writer for every
// consultation, and no address of the primary to configure.
func (e *Edge) Forward(ctx context.Context, c seam.Call) (seam.Answer, error) {
	resp, err := e.call(ctx, rpcReq{Op: rpcCall, Call: &c})
	if err != nil {
		return seam.Answer{}, err
	}
	if resp.Ans == nil {
		return seam.Answer{}, fmt.Errorf("%w: primary: %s", ErrUpstream, resp.Msg)
	}
	return *resp.Ans, nil
}

// Greeting tells a new session when the primary is out of reach.
func (e *Edge) Greeting() []byte {
	if !e.up.Load() {
		return msgUpstreamDown
	}
	return nil
}

// Secret waits for the primary to publish the token secret.
func (e *Edge) Secret(ctx context.Context) ([]byte, error) {
	b, err := e.fetchSecret(ctx)
	if err != nil {
		e.rdb.Close()
	}
	return b, err
}

func (e *Edge) fetchSecret(ctx context.Context) ([]byte, error) {
	for warned := false; ; {
		cctx, cancel := context.WithTimeout(ctx, e.cfg.RedisTimeout)
		b, err := e.rdb.Get(cctx, keySecret).Bytes()
		cancel()
		if err == nil && len(b) > 0 {
			return b, nil
		}
		if !warned {
			e.logger.Warn("edge: waiting for the primary to publish its secret", "err", err)
			warned = true
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("edge: no secret from the primary: %w", ctx.Err())
		case <-time.After(e.cfg.Heartbeat / 4):
		}
	}
}

// Start runs the edge's loops until ctx is done, then closes Redis. It
// waits a few heartbeats for the primary, so that the first sessions find
// it up.
func (e *Edge) Start(ctx context.Context, wg *sync.WaitGroup, n seam.Node) {
	e.n = n
	var loops sync.WaitGroup
	for _, f := range []func(context.Context){e.sub.run, e.downLoop, e.sendLoop, e.monitor} {
		loops.Add(1)
		go func() { defer loops.Done(); f(ctx) }()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		loops.Wait()
		e.rdb.Close()
	}()
	deadline := time.Now().Add(silence * e.cfg.Heartbeat)
	for !e.up.Load() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(e.cfg.Heartbeat / 20)
	}
}

// receive is the subscriber's handler: it only queues (see subscriber).
func (e *Edge) receive(channel, payload string) {
	switch {
	case channel == chanHB:
		select {
		case e.hbs <- payload:
		default:
		}
	case len(channel) > len(roomPrefix) && channel[:len(roomPrefix)] == roomPrefix:
		e.mu.Lock()
		er := e.rooms[channel[len(roomPrefix):]]
		e.mu.Unlock()
		if er != nil {
			er.offer(payload)
		}
	default:
		select {
		case e.downs <- payload:
		default:
			e.logger.Warn("edge: replies dropped, decoder behind")
		}
	}
}

// forward sends a room's command to the primary. While the primary is
// unreachable it is refused at once as retryable.
func (e *Edge) forward(code string, req seam.Request) {
	if !e.up.Load() {
		req.Reply(0, ErrUpstream)
		return
	}
	id := e.nextID.Add(1)
	e.mu.Lock()
	e.pending[id] = &pendingReq{reply: req.Reply, deadline: time.Now().Add(e.cfg.CommandTimeout)}
	e.outCmds = append(e.outCmds, wireCmd{ID: id, Code: code, Actor: req.Actor, Cmd: req.Cmd, CmdID: req.CmdID, React: req.React, Holder: req.Holder})
	e.mu.Unlock()
	wake(e.out)
}

// call makes one RPC to the primary.
//
// Unlike a command, an RPC waits (within ctx and CommandTimeout) for a
// primary that is down: a room being loaded by a new session is worth a
// short wait.
func (e *Edge) call(ctx context.Context, r rpcReq) (rpcResp, error) {
	wait := time.Now().Add(e.cfg.CommandTimeout)
	for !e.up.Load() {
		if time.Now().After(wait) || ctx.Err() != nil {
			return rpcResp{}, ErrUpstream
		}
		time.Sleep(e.cfg.Heartbeat / 10)
	}
	r.ID = e.nextID.Add(1)
	ch := make(chan rpcResp, 1)
	e.mu.Lock()
	e.pending[r.ID] = &pendingReq{rpc: ch, deadline: time.Now().Add(e.cfg.CommandTimeout)}
	e.outRPCs = append(e.outRPCs, r)
	e.mu.Unlock()
	wake(e.out)
	select {
	case resp := <-ch:
		if resp.Err == "unavailable" {
			return resp, fmt.Errorf("%w: %s", ErrUpstream, resp.Msg)
		}
		return resp, nil
	case <-ctx.Done():
		if e.take(r.ID) == nil {
			<-ch // answered meanwhile
		}
		return rpcResp{}, fmt.Errorf("%w: %v", ErrUpstream, ctx.Err())
	}
}

// take removes a pending request; nil if it was answered already.
func (e *Edge) take(id uint64) *pendingReq {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.pending[id]
	delete(e.pending, id)
	return p
}

// fail answers a pending request with a retryable error.
func (p *pendingReq) fail(err error) {
	if p.reply != nil {
		p.reply(0, err)
		return
	}
	p.rpc <- rpcResp{Err: "unavailable", Msg: err.Error()}
}

// sendLoop publishes the queued commands and RPCs, as few messages as the
// queue allows, and a heartbeat every Heartbeat. On shutdown it says bye, so
// that the primary lets go of this edge's participants at once.
func (e *Edge) sendLoop(ctx context.Context) {
	t := time.NewTicker(e.cfg.Heartbeat)
	defer t.Stop()
	for {
		hb := false
		select {
		case <-ctx.Done():
			cctx, cancel := context.WithTimeout(context.Background(), e.cfg.RedisTimeout)
			e.rdb.Publish(cctx, chanUp, encode(upMsg{Edge: e.id, Bye: true}))
			cancel()
			return
		case <-e.out:
		case <-t.C:
			hb = true
		}
		e.mu.Lock()
		cmds, rpcs := e.outCmds, e.outRPCs
		e.outCmds, e.outRPCs = nil, nil
		var held []string
		if hb {
			// The primary keeps a room loaded while an edge holds it.
			held = make([]string, 0, len(e.rooms))
			for code := range e.rooms {
				held = append(held, code)
			}
		}
		e.mu.Unlock()
		var msgs []upMsg
		for len(cmds) > maxCmdsPerMsg {
			msgs = append(msgs, upMsg{Edge: e.id, Cmds: cmds[:maxCmdsPerMsg]})
			cmds = cmds[maxCmdsPerMsg:]
		}
		msgs = append(msgs, upMsg{Edge: e.id, HB: hb, Rooms: held, Cmds: cmds, RPCs: rpcs})
		cctx, cancel := context.WithTimeout(ctx, e.cfg.RedisTimeout)
		pipe := e.rdb.Pipeline()
		for _, m := range msgs {
			pipe.Publish(cctx, chanUp, encode(m))
		}
		_, err := pipe.Exec(cctx)
		cancel()
		if err == nil {
			continue
		}
		e.logger.Debug("edge: publish commands", "err", err)
		for _, m := range msgs {
			for _, c := range m.Cmds {
				if p := e.take(c.ID); p != nil {
					p.fail(fmt.Errorf("%w: %v", ErrUpstream, err))
				}
			}
			for _, r := range m.RPCs {
				if p := e.take(r.ID); p != nil {
					p.fail(fmt.Errorf("%w: %v", ErrUpstream, err))
				}
			}
		}
	}
}

// downLoop decodes the primary's answers and delivers them.
func (e *Edge) downLoop(ctx context.Context) {
	for {
		var payload string
		select {
		case <-ctx.Done():
			return
		case payload = <-e.downs:
		}
		var m downMsg
		if err := json.Unmarshal([]byte(payload), &m); err != nil {
			e.logger.Warn("edge: undecodable reply", "err", err)
			continue
		}
		for _, r := range m.Replies {
			p := e.take(r.ID)
			if p == nil || p.reply == nil {
				continue // timed out already: the client was told to retry
			}
			if r.Code != "" {
				p.reply(0, &seam.Error{Code: r.Code, Retry: r.Retry, Msg: r.Msg})
			} else {
				p.reply(r.Seq, nil)
			}
		}
		for _, r := range m.RPCs {
			if p := e.take(r.ID); p != nil && p.rpc != nil {
				p.rpc <- r
			}
		}
	}
}

// monitor follows the primary's heartbeats: it tells the rooms the heads,
// says up or down to the clients, re-joins participants when the primary
// may have forgotten them, and times out requests without an answer.
func (e *Edge) monitor(ctx context.Context) {
	t := time.NewTicker(e.cfg.Heartbeat / 5)
	defer t.Stop()
	var (
		primaryID string
		lastHB    = time.Now()
		lastReset time.Time
	)
	for {
		select {
		case <-ctx.Done():
			e.expire(time.Time{}) // everything
			return
		case payload := <-e.hbs:
			var hb hbMsgR
			if err := json.Unmarshal([]byte(payload), &hb); err != nil {
				continue
			}
			lastHB = time.Now()
			rejoin := primaryID != "" && hb.Primary != primaryID
			primaryID = hb.Primary
			if !e.up.Load() {
				e.up.Store(true)
				e.logger.Info("edge: primary reachable", "edge", e.id)
				e.n.Broadcast(msgUpstreamUp)
				rejoin = true
			}
			e.mu.Lock()
			for code, head := range hb.Heads {
				if er := e.rooms[code]; er != nil {
					er.noteHead(head)
				}
			}
			e.mu.Unlock()
			if rejoin {
				// The primary may have restarted (presence reset) or
				// forgotten this edge. A join for a session it counts
				// already changes nothing.
				e.n.Rejoin()
			}
		case <-t.C:
			now := time.Now()
			if now.Sub(lastHB) > silence*e.cfg.Heartbeat && now.Sub(lastReset) > silence*e.cfg.Heartbeat {
				if e.up.Load() {
					e.up.Store(false)
					e.logger.Warn("edge: no heartbeat from the primary", "edge", e.id, "silent", now.Sub(lastHB).Round(time.Millisecond))
					e.n.Broadcast(msgUpstreamDown)
				}
				// The subscription itself may be what is dead.
				e.sub.reset()
				lastReset = now
			}
			e.expire(now)
		}
	}
}

// expire refuses the requests whose deadline passed before now (all of
// them for a zero now) as retryable.
func (e *Edge) expire(now time.Time) {
	var late []*pendingReq
	e.mu.Lock()
	for id, p := range e.pending {
		if now.IsZero() || p.deadline.Before(now) {
			late = append(late, p)
			delete(e.pending, id)
		}
	}
	e.mu.Unlock()
	for _, p := range late {
		p.fail(fmt.Errorf("%w: no answer within %s", ErrUpstream, e.cfg.CommandTimeout))
	}
}

// Open loads a room from the primary: its record and its events, replayed
// with the same reducer. It subscribes to the room's events first, so that
// nothing committed after the read is missed; what arrives twice is
// skipped by seq.
func (e *Edge) Open(ctx context.Context, code string) (seam.Opened, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*e.cfg.CommandTimeout)
	defer cancel()
	er := &edgeRoom{e: e, code: code, wake: make(chan struct{}, 1)}
	e.mu.Lock()
	e.rooms[code] = er
	e.mu.Unlock()
	e.sub.subscribe(ctx, roomPrefix+code)
	o, err := er.load(ctx)
	if err != nil {
		er.release()
		return seam.Opened{}, err
	}
	return o, nil
}

func (er *edgeRoom) load(ctx context.Context) (seam.Opened, error) {
	rs := remoteStore{er.e}
	rec, err := rs.Room(ctx, er.code)
	if err != nil {
		return seam.Opened{}, storeErr(err)
	}
	rows, err := rs.Load(ctx, er.code)
	if err != nil {
		return seam.Opened{}, storeErr(err)
	}
	replica, err := room.Replay(eventsOf(rows))
	if err != nil {
		return seam.Opened{}, fmt.Errorf("load room: %w", err)
	}
	er.applied = replica.Seq()
	return seam.Opened{KeyHash: rec.KeyHash, Replica: replica, Room: er}, nil
}

// release forgets the room, unless it was opened again meanwhile, and
// unsubscribes from its events.
func (er *edgeRoom) release() {
	e := er.e
	e.mu.Lock()
	if e.rooms[er.code] == er {
		delete(e.rooms, er.code)
	}
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.RedisTimeout)
	defer cancel()
	e.sub.unsubscribe(ctx, roomPrefix+er.code)
}

// edgeRoom feeds one room's fan-out on an edge with the primary's events,
// contiguously: live batches from pub/sub when they follow on, else the
// missing ones from the room's history in Redis, else from the primary's
// log. Its commands are forwarded to the primary.
type edgeRoom struct {
	e    *Edge
	code string
	wake chan struct{}

	mu   sync.Mutex
	raw  []string // guarded by mu; undecoded batches
	head uint64   // guarded by mu; highest seq the primary said it committed

	// Set by load before run starts; then owned by run.
	feed     func([]room.Event)
	applied  uint64       // the last seq handed to feed
	ahead    []room.Event // events past a gap
	gapSince time.Time    // when the current gap was seen
}

func (er *edgeRoom) Submit(req seam.Request) { er.e.forward(er.code, req) }

// Held: the primary's rooms are held by edges, an edge's by nobody else.
func (er *edgeRoom) Held() bool { return false }

// offer queues a batch from pub/sub. It never blocks: a full queue drops
// it, and the gap is filled later.
func (er *edgeRoom) offer(payload string) {
	er.mu.Lock()
	if len(er.raw) < rawQueue {
		er.raw = append(er.raw, payload)
	}
	er.mu.Unlock()
	wake(er.wake)
}

// noteHead records a head from the primary's heartbeat.
func (er *edgeRoom) noteHead(head uint64) {
	er.mu.Lock()
	if head > er.head {
		er.head = head
	}
	er.mu.Unlock()
	wake(er.wake)
}

// run feeds the fan-out until ctx is done, then lets go of the room.
func (er *edgeRoom) Run(ctx context.Context, feed func([]room.Event)) {
	er.feed = feed
	defer er.release()
	t := time.NewTicker(er.grace())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-er.wake:
		case <-t.C:
		}
		er.step(ctx)
	}
}

// grace is how long a head announced by a heartbeat may stay ahead before
// it is a gap: the heartbeat and the batch it counts travel on different
// connections, so the batch may still be on its way.
func (er *edgeRoom) grace() time.Duration {
	return min(er.e.cfg.Heartbeat/4, 250*time.Millisecond)
}

func (er *edgeRoom) step(ctx context.Context) {
	er.mu.Lock()
	raw, head := er.raw, er.head
	er.raw = nil
	er.mu.Unlock()
	for _, r := range raw {
		var b roomBatch
		if err := json.Unmarshal([]byte(r), &b); err != nil {
			er.e.logger.Warn("edge: undecodable events", "room", er.code, "err", err)
			continue
		}
		er.ahead = append(er.ahead, b.Events...)
	}
	er.advance()
	target := head
	if n := len(er.ahead); n > 0 && er.ahead[n-1].Seq > target {
		target = er.ahead[n-1].Seq
	}
	if target <= er.applied {
		er.gapSince = time.Time{}
		return
	}
	now := time.Now()
	if er.gapSince.IsZero() {
		er.gapSince = now
		if len(er.ahead) == 0 {
			return // only a heartbeat says so: give the batch its grace
		}
		// A batch past a gap: batches arrive in commit order, so the gap
		// is real.
	} else if now.Sub(er.gapSince) < er.grace() {
		return
	}
	er.fill(ctx, target)
	if er.applied >= target {
		er.gapSince = time.Time{}
	} else {
		er.gapSince = now // try again after a grace
	}
}

// advance hands the fan-out the events that follow on from applied, and
// keeps those past a gap.
func (er *edgeRoom) advance() {
	slices.SortStableFunc(er.ahead, func(a, b room.Event) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	next := er.applied + 1
	var run []room.Event
	rest := er.ahead[:0]
	for _, ev := range er.ahead {
		switch {
		case ev.Seq < next:
		case ev.Seq == next:
			run = append(run, ev)
			next++
		default:
			rest = append(rest, ev)
		}
	}
	if len(rest) > maxAhead {
		rest = rest[:0] // fetched again from history or the log
	}
	er.ahead = rest
	if len(run) > 0 {
		er.feed(run)
		er.applied = next - 1
	}
}

// fill fetches the events up to target: from the room's history in Redis
// while it reaches back far enough, else from the primary's log.
func (er *edgeRoom) fill(ctx context.Context, target uint64) {
	evs, err := er.e.history(ctx, er.code, er.applied+1, target)
	if err != nil {
		er.e.logger.Debug("edge: history", "room", er.code, "err", err)
	}
	er.ahead = append(er.ahead, evs...)
	before := er.applied
	er.advance()
	er.e.fromHistory.Add(er.applied - before)
	rs := remoteStore{er.e}
	for er.applied < target && ctx.Err() == nil {
		cctx, cancel := context.WithTimeout(ctx, er.e.cfg.CommandTimeout)
		rows, err := rs.Events(cctx, er.code, er.applied, maxRPCRows)
		cancel()
		if err != nil || len(rows) == 0 {
			if err != nil {
				er.e.logger.Debug("edge: resync from the primary", "room", er.code, "err", err)
			}
			return
		}
		er.ahead = append(er.ahead, eventsOf(rows)...)
		before := er.applied
		er.advance()
		if er.applied == before {
			return
		}
		er.e.fromPrimary.Add(er.applied - before)
	}
}

// history reads the events from..to of a room's history list, or nothing
// when the list does not reach back to from. The list holds consecutive
// events, oldest first; advance checks the seqs anyway, since a trim may
// run between the two reads.
func (e *Edge) history(ctx context.Context, code string, from, to uint64) ([]room.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, e.cfg.RedisTimeout)
	defer cancel()
	key := histPrefix + code
	first, err := e.rdb.LIndex(ctx, key, 0).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ev0 room.Event
	if err := json.Unmarshal(first, &ev0); err != nil {
		return nil, err
	}
	if ev0.Seq > from || to < from {
		return nil, nil
	}
	start := int64(from - ev0.Seq)
	n := min(int64(to-from), int64(e.cfg.HistorySize))
	vals, err := e.rdb.LRange(ctx, key, start, start+n).Result()
	if err != nil {
		return nil, err
	}
	evs := make([]room.Event, 0, len(vals))
	for _, v := range vals {
		var ev room.Event
		if err := json.Unmarshal([]byte(v), &ev); err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}
