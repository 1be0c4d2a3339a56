package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/seam"
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

// Primary is the backend of a primary hub: the hub's own (local), plus its
// Redis side, which takes the edges' commands to the rooms' sequencers,
// publishes every committed batch of events, and answers the edges' reads
// of the log.
type Primary struct {
	local    seam.Backend
	codes    func(error) (code string, retry bool)
	cfg      Config
	logger   *slog.Logger
	rdb      *redis.Client
	sub      *subscriber
	instance string    // this process, so that edges notice a restart
	n        seam.Node // set by Start
	tokens   []byte    // the token secret, set by Secret

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
	seam.Room
	p    *Primary
	code string
	head atomic.Uint64 // the last seq committed
}

var (
	_ seam.Backend = (*Primary)(nil)
	_ seam.Room    = (*primaryRoom)(nil)
)

// NewPrimary returns the backend of a primary: local's rooms, whose
// commands and commits go through Redis too, on the Redis at url. codes
// gives the protocol code of a refusal, which an edge's client is answered
// with.
func NewPrimary(local seam.Backend, url string, cfg Config, logger *slog.Logger, codes func(error) (string, bool)) (*Primary, error) {
	cfg.defaults()
	rdb, err := newRedis(url, "tribune-primary-"+cfg.NodeID, cfg.RedisTimeout)
	if err != nil {
		return nil, err
	}
	p := &Primary{
		local: local, codes: codes, cfg: cfg, logger: logger, rdb: rdb, instance: uuid.NewString(),
		up:      make(chan string, upQueue),
		rooms:   make(map[string]*primaryRoom),
		edges:   make(map[string]*edgeSeen),
		pubWake: make(chan struct{}, 1),
		replies: make(map[string]*downMsg),
		repWake: make(chan struct{}, 1),
		rpcSem:  make(chan struct{}, rpcParallel),
	}
	p.sub = newSubscriber(rdb, cfg.Heartbeat, logger, p.receive, chanUp)
	return p, nil
}

// Secret is local's, which the primary also publishes for the edges.
func (p *Primary) Secret(ctx context.Context) ([]byte, error) {
	b, err := p.local.Secret(ctx)
	if err != nil {
		p.rdb.Close()
		return nil, err
	}
	p.tokens = b
	return b, nil
}

// Log is local's.
func (p *Primary) Log() seam.Log { return p.local.Log() }

// Greeting: a primary is never cut off from itself.
func (p *Primary) Greeting() []byte { return nil }

// Book is the hub's own: the primary sequences consultations for its
// edges as it does rooms.
func (p *Primary) Book() seam.Book { return p.local.Book() }

// Forward is never asked of a backend with a book.
func (p *Primary) Forward(context.Context, seam.Call) (seam.Answer, error) {
	return seam.Answer{}, errors.New("cluster: a primary serves consultations itself")
}

// Open opens a local room, whose commits the primary publishes, and whose
// head is in its heartbeats from now on.
func (p *Primary) Open(ctx context.Context, code string) (seam.Opened, error) {
	o, err := p.local.Open(ctx, code)
	if err != nil {
		return o, err
	}
	pr := &primaryRoom{Room: o.Room, p: p, code: code}
	pr.head.Store(o.Replica.Seq())
	p.mu.Lock()
	p.rooms[code] = pr
	p.mu.Unlock()
	o.Room = pr
	return o, nil
}

func (pr *primaryRoom) Run(ctx context.Context, feed func([]room.Event)) {
	pr.Room.Run(ctx, func(evs []room.Event) {
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

// Held reports whether an edge said at its last heartbeat that it holds the
// room.
func (pr *primaryRoom) Held() bool {
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
func (p *Primary) room(code string) *primaryRoom {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rooms[code]
}

// Start runs the primary's loops until ctx is done, then closes Redis.
func (p *Primary) Start(ctx context.Context, wg *sync.WaitGroup, n seam.Node) {
	p.n = n
	p.local.Start(ctx, wg, n)
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
func (p *Primary) receive(_, payload string) {
	select {
	case p.up <- payload:
	default:
		p.logger.Warn("primary: edge messages dropped, dispatcher behind")
	}
}

// dispatch decodes the edges' messages and hands their commands to the
// rooms. Loading a room may read SQLite: that is done here, never in the
// receive loop.
func (p *Primary) dispatch(ctx context.Context) {
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
func (p *Primary) heard(m upMsg) {
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
// The edge's holders are named after it (seam.Holders).
func (p *Primary) command(ctx context.Context, edge string, c wireCmd) {
	reply := p.replier(edge, c.ID)
	if err := p.n.LoadRoom(ctx, c.Code); err != nil {
		reply(0, err)
		return
	}
	pr := p.room(c.Code)
	if pr == nil { // unloaded since: the edge's retry loads it again
		reply(0, &seam.Error{Code: "unavailable", Retry: true, Msg: "cluster: the room was unloaded meanwhile, try again"})
		return
	}
	req := seam.Request{Actor: c.Actor, Cmd: c.Cmd, CmdID: c.CmdID, React: c.React, Reply: reply}
	if c.Holder != "" {
		req.Holder = edge + "/" + c.Holder
	}
	pr.Submit(req)
}

// replier returns the reply function of one forwarded command: the answer
// joins the next message to its edge.
func (p *Primary) replier(edge string, id uint64) func(uint64, error) {
	return func(seq uint64, err error) {
		r := wireReply{ID: id, Seq: seq}
		if err != nil {
			r.Code, r.Retry = p.codes(err)
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

func (p *Primary) answer(edge string, r rpcResp) {
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
func (p *Primary) rpc(ctx context.Context, edge string, r rpcReq) {
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
		if err = p.n.LoadRoom(ctx, r.Code); errors.Is(err, seam.ErrNoRoom) {
			err = store.ErrNotFound
		}
		var rows []store.Stored
		if err == nil {
			limit := r.Limit
			if limit <= 0 || limit > maxRPCRows {
				limit = maxRPCRows
			}
			rows, err = p.local.Log().Events(ctx, r.Code, r.After, limit)
		}
		for _, s := range rows {
			resp.Rows = append(resp.Rows, wireRow{Seq: s.Seq, JSON: s.JSON, CmdID: s.CmdID, Prev: s.Prev, Hash: s.Hash})
		}
	case rpcHead:
		resp.Seq, resp.Hash, err = p.local.Log().Head(ctx, r.Code)
	case rpcRoom:
		var rec store.RoomRecord
		if rec, err = p.local.Log().Room(ctx, r.Code); err == nil {
			resp.Rec = &rec
		}
	case rpcCall:
		if r.Call == nil {
			err = errors.New("call without a request")
		} else {
			ans := p.n.Serve(ctx, *r.Call)
			resp.Ans = &ans
		}
	case rpcCreate:
		if r.Rec == nil || r.First == nil {
			err = errors.New("create without a record")
		} else {
			err = p.local.Log().CreateRoom(ctx, *r.Rec, *r.First)
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
func (p *Primary) replyLoop(ctx context.Context) {
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
func (p *Primary) enqueue(code string, evs []room.Event) {
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
func (p *Primary) publishLoop(ctx context.Context) {
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
func (p *Primary) heartbeatLoop(ctx context.Context) {
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
func (p *Primary) sweepEdges(now time.Time) {
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
func (p *Primary) forgetEdge(edge string) {
	p.mu.Lock()
	delete(p.edges, edge)
	rooms := make([]*primaryRoom, 0, len(p.rooms))
	for _, pr := range p.rooms {
		rooms = append(rooms, pr)
	}
	p.mu.Unlock()
	n := 0
	for _, pr := range rooms {
		if hs, ok := pr.Room.(seam.Holders); ok {
			n += hs.Forget(edge+"/", p.logRefusal(pr.code, room.OpLeave))
		}
	}
	p.logger.Info("edge gone", "edge", edge, "left", n)
}

// logRefusal is a reply for the primary's own commands: a refusal that a
// retry might overcome (the room stopping) is no news.
func (p *Primary) logRefusal(code string, op room.Op) func(uint64, error) {
	return func(_ uint64, err error) {
		if _, retry := p.codes(err); err != nil && !retry {
			p.logger.Warn("system command refused", "room", code, "op", op, "err", err)
		}
	}
}
