package hub

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// Bounds of the primary's queues. Past them, work is dropped and repaired
// like any other loss on pub/sub (command timeouts, seq gaps).
const (
	// upQueue bounds the edge messages waiting for the dispatcher.
	upQueue = 4096
	// publishBacklog bounds the committed events waiting to be published;
	// past it, the oldest are dropped (edges fetch them from the primary).
	publishBacklog = 100000
	// rpcParallel bounds the RPCs reading SQLite at once.
	rpcParallel = 4
	// maxRPCRows bounds the events of one RPC answer.
	maxRPCRows = 2000
	// maxCmdsPerMsg bounds the commands or replies of one message.
	maxCmdsPerMsg = 1000
)

// primary is the backend of a primary hub: local, plus its Redis side,
// which takes the edges' commands to the rooms' sequencers, publishes every
// committed batch of events, and answers the edges' reads of the log.
type primary struct {
	*local
	cfg      ClusterConfig
	logger   *slog.Logger
	rdb      *redis.Client
	sub      *subscriber
	instance string // this process, so that edges notice a restart
	n        node   // set by start
	tokens   []byte // the token secret, set by secret

	up chan string // payloads of tribune:up, for the dispatcher

	mu    sync.Mutex
	rooms map[string]*primaryRoom // guarded by mu
	edges map[string]*edgeSeen    // guarded by mu

	pubMu   sync.Mutex
	pubQ    []pubItem // guarded by pubMu
	pubN    int       // events in pubQ
	pubWake chan struct{}

	repMu   sync.Mutex
	replies map[string]*downMsg // guarded by repMu; per edge
	repWake chan struct{}

	rpcSem chan struct{}
}

type pubItem struct {
	code string
	evs  []room.Event
}

// edgeSeen is what the primary knows of an edge.
type edgeSeen struct {
	last  time.Time           // when it was last heard
	rooms map[string]struct{} // the rooms it held at its last heartbeat
}

// primaryRoom is a local room whose commits are also published to the
// edges.
type primaryRoom struct {
	*localRoom
	p    *primary
	head atomic.Uint64 // the last seq committed
}

func newPrimary(l *local, url string, cfg ClusterConfig) (*primary, error) {
	rdb, err := newRedis(url, "tribune-primary-"+cfg.NodeID, cfg.RedisTimeout)
	if err != nil {
		return nil, err
	}
	p := &primary{
		local: l, cfg: cfg, logger: l.logger, rdb: rdb, instance: newParticipantID(),
		up:      make(chan string, upQueue),
		rooms:   make(map[string]*primaryRoom),
		edges:   make(map[string]*edgeSeen),
		pubWake: make(chan struct{}, 1),
		replies: make(map[string]*downMsg),
		repWake: make(chan struct{}, 1),
		rpcSem:  make(chan struct{}, rpcParallel),
	}
	p.sub = newSubscriber(rdb, cfg.Heartbeat, l.logger, p.receive, chanUp)
	return p, nil
}

func (p *primary) secret(ctx context.Context) ([]byte, error) {
	b, err := p.local.secret(ctx)
	if err != nil {
		p.rdb.Close()
		return nil, err
	}
	p.tokens = b
	return b, nil
}

// open opens a local room, whose commits the primary publishes, and whose
// head is in its heartbeats from now on.
func (p *primary) open(ctx context.Context, code string) (opened, error) {
	lr, o, err := p.openRoom(ctx, code)
	if err != nil {
		return o, err
	}
	pr := &primaryRoom{localRoom: lr, p: p}
	pr.head.Store(o.replica.Seq())
	p.mu.Lock()
	p.rooms[code] = pr
	p.mu.Unlock()
	o.room = pr
	return o, nil
}

func (pr *primaryRoom) run(ctx context.Context, feed func([]room.Event)) {
	pr.localRoom.run(ctx, func(evs []room.Event) {
		feed(evs)
		pr.head.Store(evs[len(evs)-1].Seq)
		pr.p.enqueue(pr.code, evs)
	})
	pr.p.mu.Lock()
	if pr.p.rooms[pr.code] == pr { // not loaded again meanwhile
		delete(pr.p.rooms, pr.code)
	}
	pr.p.mu.Unlock()
}

// held reports whether an edge said at its last heartbeat that it holds the
// room.
func (pr *primaryRoom) held() bool {
	pr.p.mu.Lock()
	defer pr.p.mu.Unlock()
	for _, e := range pr.p.edges {
		if _, ok := e.rooms[pr.code]; ok {
			return true
		}
	}
	return false
}

// room returns the open room code, nil if it is not.
func (p *primary) room(code string) *primaryRoom {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rooms[code]
}

// start runs the primary's loops until ctx is done, then closes Redis.
func (p *primary) start(ctx context.Context, wg *sync.WaitGroup, n node) {
	p.n = n
	var loops sync.WaitGroup
	for _, f := range []func(context.Context){p.sub.run, p.dispatch, p.publishLoop, p.replyLoop, p.heartbeatLoop} {
		loops.Add(1)
		go func() { defer loops.Done(); f(ctx) }()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		loops.Wait()
		p.rdb.Close()
	}()
}

// receive is the subscriber's handler: it only queues.
func (p *primary) receive(_, payload string) {
	select {
	case p.up <- payload:
	default:
		p.logger.Warn("primary: edge messages dropped, dispatcher behind")
	}
}

// dispatch decodes the edges' messages and hands their commands to the
// rooms. Loading a room may read SQLite: that is done here, never in the
// receive loop.
func (p *primary) dispatch(ctx context.Context) {
	for {
		var payload string
		select {
		case <-ctx.Done():
			return
		case payload = <-p.up:
		}
		var m upMsg
		if err := json.Unmarshal([]byte(payload), &m); err != nil || m.Edge == "" {
			p.logger.Warn("primary: undecodable edge message", "err", err)
			continue
		}
		if m.Bye {
			p.forgetEdge(m.Edge)
			continue
		}
		p.heard(m)
		for _, c := range m.Cmds {
			p.command(ctx, m.Edge, c)
		}
		for _, r := range m.RPCs {
			go p.rpc(ctx, m.Edge, r)
		}
	}
}

// heard notes that an edge is alive, and at its heartbeat which rooms it
// holds.
func (p *primary) heard(m upMsg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e := p.edges[m.Edge]
	if e == nil {
		e = &edgeSeen{}
		p.edges[m.Edge] = e
	}
	e.last = time.Now()
	if m.HB {
		e.rooms = make(map[string]struct{}, len(m.Rooms))
		for _, code := range m.Rooms {
			e.rooms[code] = struct{}{}
		}
	}
}

// command hands an edge's command to its room, loaded for it if need be.
// The edge's holders are named after it (presence.go).
func (p *primary) command(ctx context.Context, edge string, c wireCmd) {
	reply := p.replier(edge, c.ID)
	if err := p.n.loadRoom(ctx, c.Code); err != nil {
		reply(0, err)
		return
	}
	pr := p.room(c.Code)
	if pr == nil { // unloaded since: the edge's retry loads it again
		reply(0, ErrUnavailable)
		return
	}
	req := request{actor: c.Actor, cmd: c.Cmd, cmdID: c.CmdID, react: c.React, reply: reply}
	if c.Holder != "" {
		req.holder = edge + "/" + c.Holder
	}
	pr.submit(req)
}

// replier returns the reply function of one forwarded command: the answer
// joins the next message to its edge.
func (p *primary) replier(edge string, id uint64) func(uint64, error) {
	return func(seq uint64, err error) {
		r := wireReply{ID: id, Seq: seq}
		if err != nil {
			r.Code, _ = errorCode(err)
			r.Msg = err.Error()
		}
		p.repMu.Lock()
		d := p.replies[edge]
		if d == nil {
			d = &downMsg{}
			p.replies[edge] = d
		}
		d.Replies = append(d.Replies, r)
		p.repMu.Unlock()
		wake(p.repWake)
	}
}

func (p *primary) answer(edge string, r rpcResp) {
	p.repMu.Lock()
	d := p.replies[edge]
	if d == nil {
		d = &downMsg{}
		p.replies[edge] = d
	}
	d.RPCs = append(d.RPCs, r)
	p.repMu.Unlock()
	wake(p.repWake)
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// rpc answers one read or create of an edge.
func (p *primary) rpc(ctx context.Context, edge string, r rpcReq) {
	select {
	case p.rpcSem <- struct{}{}:
		defer func() { <-p.rpcSem }()
	case <-ctx.Done():
		return
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CommandTimeout)
	defer cancel()
	resp := rpcResp{ID: r.ID}
	var err error
	switch r.Op {
	case rpcEvents:
		// Load the room, so that its head is in the heartbeats from now on.
		if err = p.n.loadRoom(ctx, r.Code); errors.Is(err, ErrNoRoom) {
			err = store.ErrNotFound
		}
		var rows []store.Stored
		if err == nil {
			limit := r.Limit
			if limit <= 0 || limit > maxRPCRows {
				limit = maxRPCRows
			}
			rows, err = p.local.st.Events(ctx, r.Code, r.After, limit)
		}
		for _, s := range rows {
			resp.Rows = append(resp.Rows, wireRow{Seq: s.Seq, JSON: s.JSON, CmdID: s.CmdID, Prev: s.Prev, Hash: s.Hash})
		}
	case rpcHead:
		resp.Seq, resp.Hash, err = p.local.st.Head(ctx, r.Code)
	case rpcRoom:
		var rec store.RoomRecord
		if rec, err = p.local.st.Room(ctx, r.Code); err == nil {
			resp.Rec = &rec
		}
	case rpcCreate:
		if r.Rec == nil || r.First == nil {
			err = errors.New("create without a record")
		} else {
			err = p.local.st.CreateRoom(ctx, *r.Rec, *r.First)
		}
	default:
		err = errors.New("unknown rpc " + r.Op)
	}
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound):
		resp.Err, resp.Msg = "not_found", err.Error()
	case errors.Is(err, store.ErrExists):
		resp.Err, resp.Msg = "exists", err.Error()
	default:
		resp.Err, resp.Msg = "failed", err.Error()
	}
	p.answer(edge, resp)
}

// replyLoop sends the gathered replies, one message per edge each round:
// under load a round carries many.
func (p *primary) replyLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.repWake:
		}
		p.repMu.Lock()
		batch := p.replies
		p.replies = make(map[string]*downMsg)
		p.repMu.Unlock()
		cctx, cancel := context.WithTimeout(ctx, p.cfg.RedisTimeout)
		pipe := p.rdb.Pipeline()
		for edge, d := range batch {
			for _, m := range splitDown(d) {
				pipe.Publish(cctx, downPrefix+edge, encode(m))
			}
		}
		if _, err := pipe.Exec(cctx); err != nil {
			// The edges will time the commands out as retryable.
			p.logger.Debug("primary: publish replies", "err", err)
		}
		cancel()
	}
}

func splitDown(d *downMsg) []downMsg {
	var out []downMsg
	for len(d.Replies) > maxCmdsPerMsg {
		out = append(out, downMsg{Replies: d.Replies[:maxCmdsPerMsg]})
		d.Replies = d.Replies[maxCmdsPerMsg:]
	}
	return append(out, *d)
}

// enqueue queues committed events for publishing. It never blocks: past
// publishBacklog the oldest are dropped, and edges fetch them from the log.
func (p *primary) enqueue(code string, evs []room.Event) {
	p.pubMu.Lock()
	p.pubQ = append(p.pubQ, pubItem{code, evs})
	p.pubN += len(evs)
	for p.pubN > publishBacklog && len(p.pubQ) > 1 {
		p.pubN -= len(p.pubQ[0].evs)
		p.pubQ = p.pubQ[1:]
	}
	p.pubMu.Unlock()
	wake(p.pubWake)
}

// publishLoop appends each room's new events to its history and publishes
// them, one message per room per round, in commit order. One pipeline per
// round: the history is appended before the message that announces it.
func (p *primary) publishLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.pubWake:
		}
		p.pubMu.Lock()
		q := p.pubQ
		p.pubQ, p.pubN = nil, 0
		p.pubMu.Unlock()
		if len(q) == 0 {
			continue
		}
		// Merge each room's batches, keeping order within the room.
		var order []string
		byRoom := make(map[string][]room.Event)
		for _, it := range q {
			if _, ok := byRoom[it.code]; !ok {
				order = append(order, it.code)
			}
			byRoom[it.code] = append(byRoom[it.code], it.evs...)
		}
		cctx, cancel := context.WithTimeout(ctx, p.cfg.RedisTimeout)
		pipe := p.rdb.Pipeline()
		for _, code := range order {
			evs := byRoom[code]
			items := make([]any, len(evs))
			msg := []byte(`{"e":[`)
			for i, ev := range evs {
				b := encode(ev)
				items[i] = b
				if i > 0 {
					msg = append(msg, ',')
				}
				msg = append(msg, b...)
			}
			msg = append(msg, "]}"...)
			hist := histPrefix + code
			pipe.RPush(cctx, hist, items...)
			pipe.LTrim(cctx, hist, int64(-p.cfg.HistorySize), -1)
			pipe.Expire(cctx, hist, historyTTL)
			pipe.Publish(cctx, roomPrefix+code, msg)
		}
		if _, err := pipe.Exec(cctx); err != nil {
			// Lost: the heartbeat's heads show the edges what they miss.
			p.logger.Warn("primary: publish events", "rooms", len(order), "err", err)
		}
		cancel()
	}
}

// heartbeatLoop publishes every room's head and the token secret each
// Heartbeat, and forgets edges that went silent.
func (p *primary) heartbeatLoop(ctx context.Context) {
	t := time.NewTicker(p.cfg.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		hb := hbMsgR{Primary: p.instance, Heads: make(map[string]uint64, len(p.rooms))}
		for code, pr := range p.rooms {
			hb.Heads[code] = pr.head.Load()
		}
		p.mu.Unlock()
		cctx, cancel := context.WithTimeout(ctx, p.cfg.RedisTimeout)
		pipe := p.rdb.Pipeline()
		pipe.Set(cctx, keySecret, p.tokens, 0)
		pipe.Publish(cctx, chanHB, encode(hb))
		if _, err := pipe.Exec(cctx); err != nil {
			p.logger.Debug("primary: heartbeat", "err", err)
		}
		cancel()
		p.sweepEdges(time.Now())
	}
}

// sweepEdges forgets the edges not heard for silence heartbeats. Only while
// the primary's own subscription has been healthy that long: when it is the
// one not hearing, the edges are not to blame.
func (p *primary) sweepEdges(now time.Time) {
	limit := silence * p.cfg.Heartbeat
	if p.sub.alive(now) < limit {
		return
	}
	var dead []string
	p.mu.Lock()
	for e, seen := range p.edges {
		if now.Sub(seen.last) > limit {
			dead = append(dead, e)
		}
	}
	p.mu.Unlock()
	for _, e := range dead {
		p.forgetEdge(e)
	}
}

// forgetEdge lets go of everyone an edge held, and of the rooms it held.
func (p *primary) forgetEdge(edge string) {
	p.mu.Lock()
	delete(p.edges, edge)
	rooms := make([]*primaryRoom, 0, len(p.rooms))
	for _, pr := range p.rooms {
		rooms = append(rooms, pr)
	}
	p.mu.Unlock()
	n := 0
	for _, pr := range rooms {
		n += pr.forget(edge+"/", pr.logRefusal(room.OpLeave))
	}
	p.logger.Info("edge gone", "edge", edge, "left", n)
}
