package hub

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// Config configures a Hub. Zero values mean the documented defaults.
type Config struct {
	// Store is the SQLite log. Required. The hub does not close it.
	Store *store.Store
	// Logger receives structured logs; never question text or addresses.
	// Defaults to slog.Default().
	Logger *slog.Logger
	// Tick is how often each room sends what changed. Defaults to DefaultTick.
	Tick time.Duration
	// Origins are extra allowed WebSocket origins (host patterns, see
	// websocket.AcceptOptions.OriginPatterns). The request's own host is
	// always allowed.
	Origins []string
	// Assets holds the web pages and their assets (clientjs). Nil serves no
	// pages. They are read and compressed once, at start (assets.go),
	// unless LiveAssets is set: then on every request, for editing them.
	Assets     fs.FS
	LiveAssets bool
	// PublicURL is the base of the links handed out ("https://tribune.example").
	// Empty derives it from each request.
	PublicURL string
	// Retention deletes each meeting, log and all, once it has ended and
	// had no moderator's event for this long (retention.go). Zero keeps
	// every meeting. Embedded mode only.
	Retention time.Duration
	// Contact is who people write to about accessibility and personal data
	// (an e-mail address or a URL), shown on /about. Empty says to ask the
	// meeting's organiser.
	Contact string
	// FrameAncestors are the origins ("https://city.example") allowed to
	// frame the participant page, for organisers who embed it in their
	// own site (csp.go, ParseFrameAncestors). Empty: no site may.
	FrameAncestors []string
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Registry receives the metrics. Defaults to a new registry, served at
	// /metrics.
	Registry *prometheus.Registry
	// Build names the build serving, for /healthz and the
	// tribune_build_info metric (metrics.go). The zero value reports
	// "unknown".
	Build BuildInfo
	// Idle is how long a room nobody on this node is connected to stays
	// loaded (retention.go). Defaults to 10 minutes.
	Idle time.Duration
	// JoinsPerMinute is how many new participants a room may gain in a
	// minute (joins.go), half of them at once. Defaults to
	// DefaultJoinsPerMinute; negative is no limit (load tests).
	JoinsPerMinute int

	// Cluster modes (backend.go, package cluster). Mode defaults to
	// Embedded; Primary and Edge need Redis, a URL
	// ("redis://127.0.0.1:6379/0"). An edge has no Store.
	Mode    Mode
	Redis   string
	Cluster ClusterConfig
}

// Hub serves meetings live: it holds the sessions, one sequencer and one
// fan-out per loaded room, and the HTTP endpoints.
type Hub struct {
	cfg     Config
	backend seam.Backend // how rooms are reached: local.go, or package cluster
	// consultMux serves the consultation API where the backend has the
	// book, for requests other nodes pass on (consultation_forward.go).
	consultMux *http.ServeMux
	store      seam.Log // backend.Log(): the SQLite store, or the primary's through Redis
	logger     *slog.Logger
	now        func() time.Time
	signer     signer
	metrics    *metrics
	registry   *prometheus.Registry

	ctx    context.Context // ends the rooms' goroutines
	cancel context.CancelFunc
	wg     sync.WaitGroup // the rooms' goroutines

	draining atomic.Bool // set under mu, read anywhere

	// conns counts the WebSocket connections being served, each from its
	// upgrade until its goroutines return (ws.go). enter adds under mu
	// while not draining, so that no Add follows Close's Wait.
	conns sync.WaitGroup
	// cutCtx bounds every read of those connections. Close cancels it
	// (cut) for the ones still open after closeTimeout: a read that ends
	// closes its connection, handshake or not.
	cutCtx context.Context
	cut    context.CancelFunc
	// closeTimeout, but for tests.
	closeTimeout time.Duration

	// Every heartbeat the rooms tell their sessions they are alive, and
	// every second one pings them; a peer has pingTimeout to answer.
	// heartbeatPeriod and pingTimeout, but for tests.
	heartbeat, pingTimeout time.Duration
	// joinsEvery is how often moderators hear of joins: joinsPeriod but
	// for tests.
	joinsEvery time.Duration

	// creations bounds how fast meetings may be created, server-wide: the
	// endpoint needs no account, so this is what stops a script from
	// filling the database.
	creations *rate.Limiter
	// replays bounds the requests that replay step meetings' logs from the
	// store (a question's trace, a participant's input across a
	// consultation), server-wide: each may read thousands of events, under
	// its consultation's lock, which organiser acts wait for.
	replays *rate.Limiter

	cons     consultations // the consultations loaded: consultation.go
	archives *archiveCache // the public archive outputs, by log head
	assets   *assets       // Config.Assets in memory, unless LiveAssets

	// idle is Config.Idle, or its default.
	idle time.Duration

	mu       sync.Mutex // guards rooms, sessions and deleting
	rooms    map[string]*hubRoom
	sessions map[*session]*hubRoom
	holders  atomic.Uint64 // numbers the sessions' holder names
	// deleting holds the codes whose meeting is being deleted (retention.go),
	// from before they are unloaded until their log is gone: room refuses
	// them, so that no session loads again what is being deleted.
	deleting map[string]struct{}
	// stopping holds, for each code unloaded whose goroutines have not
	// ended yet, a channel closed when they have: a new copy of the room
	// loads only after the old one stopped, so that a commit the old
	// sequencer finishes is in the log the new one reads (TestReloadWaits).
	stopping map[string]chan struct{}
	// Test hooks, nil but in tests: beforeStop runs in unload once the
	// room is out of the map, before its goroutines are stopped;
	// waitStopped runs in room when a load waits for the old copy.
	beforeStop, waitStopped func(code string)
	// beforeDelete, when set, runs in purge between the unload and the
	// deletion: a test opens that window with it.
	beforeDelete func(code string)
}

// hubRoom is one loaded room.
type hubRoom struct {
	code    string
	keyHash []byte
	ready   chan struct{} // closed when loaded; then err, link and fan are set
	err     error
	link    seam.Room // the room as its backend serves it: commands go there
	fan     *fanout

	mu       sync.Mutex // guards limiters
	limiters map[string]*rate.Limiter
	joins    *joinGate                // new participants (joins.go)
	tries    map[string]*rate.Limiter // room-code tries per participant (roomcode.go)

	sessions  int                // guarded by Hub.mu: sessions tracked in this room
	idleSince time.Time          // guarded by Hub.mu: when the last session left (zero while any is here)
	stop      context.CancelFunc // ends the room's goroutines
	running   sync.WaitGroup     // the room's goroutines
}

// New returns a hub on cfg.Store.
func New(ctx context.Context, cfg Config) (*Hub, error) {
	h := &Hub{
		cfg:      cfg,
		logger:   cfg.Logger,
		now:      cfg.Now,
		registry: cfg.Registry,
		rooms:    make(map[string]*hubRoom),
		sessions: make(map[*session]*hubRoom),
		deleting: make(map[string]struct{}),
		stopping: make(map[string]chan struct{}),

		heartbeat:    heartbeatPeriod,
		joinsEvery:   joinsPeriod,
		pingTimeout:  pingTimeout,
		closeTimeout: closeTimeout,
		idle:         cfg.Idle,
	}
	if h.logger == nil {
		h.logger = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.registry == nil {
		h.registry = prometheus.NewRegistry()
	}
	h.metrics = newMetrics(h.registry)
	registerBuildInfo(h.registry, cfg.Build)
	h.creations = rate.NewLimiter(creationRate, creationBurst)
	h.replays = rate.NewLimiter(replayRate, replayBurst)
	h.archives = newArchiveCache(archiveCacheBytes)
	if cfg.Assets != nil && !cfg.LiveAssets {
		a, err := loadAssets(cfg.Assets)
		if err != nil {
			return nil, fmt.Errorf("hub: assets: %w", err)
		}
		h.assets = a
	}
	if h.idle <= 0 {
		h.idle = idleRoom
	}
	h.consultMux = http.NewServeMux()
	for _, rt := range h.consultationAPI() {
		h.consultMux.HandleFunc(rt.pattern, rt.serve)
	}
	// The backend reads h.now at every call: tests set it after New.
	clock := func() time.Time { return h.now() }
	b, err := newBackend(cfg, h.logger, clock, h.metrics) // backend.go
	if err != nil {
		return nil, err
	}
	secret, err := b.Secret(ctx)
	if err != nil {
		return nil, fmt.Errorf("hub: token secret: %w", err)
	}
	h.backend, h.store, h.signer = b, b.Log(), signer{secret: secret}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.cutCtx, h.cut = context.WithCancel(context.Background())
	b.Start(h.ctx, &h.wg, hubNode{h})
	if cfg.Retention > 0 {
		h.wg.Add(1)
		go h.purgeLoop(h.ctx)
	}
	h.wg.Add(1)
	go h.idleLoop(h.ctx, h.idle)
	return h, nil
}

// room returns the loaded room with code, loading it from the log on first
// use. It returns ErrNoRoom for an unknown code, and for a meeting being
// deleted: it is gone from then on, and is not loaded again meanwhile.
func (h *Hub) room(ctx context.Context, code string) (*hubRoom, error) {
	if code == "" {
		return nil, ErrNoRoom
	}
	h.mu.Lock()
	if _, gone := h.deleting[code]; gone {
		h.mu.Unlock()
		return nil, ErrNoRoom
	}
	hr, ok := h.rooms[code]
	var stopped chan struct{} // the old copy's, still stopping
	if !ok {
		if h.draining.Load() {
			h.mu.Unlock()
			return nil, ErrClosing
		}
		hr = &hubRoom{code: code, ready: make(chan struct{}), limiters: make(map[string]*rate.Limiter), joins: newJoinGate(h.joinsPerMinute())}
		h.rooms[code] = hr
		stopped = h.stopping[code]
	}
	if hr.sessions == 0 {
		// Asked for: not idle, so that the unloader does not pull it from
		// under a session still saying hello.
		hr.idleSince = time.Now()
	}
	h.mu.Unlock()
	if stopped != nil {
		if h.waitStopped != nil {
			h.waitStopped(code)
		}
		<-stopped
	}
	if !ok {
		hr.err = h.load(hr)
		if hr.err != nil {
			h.mu.Lock()
			delete(h.rooms, code)
			h.mu.Unlock()
		}
		close(hr.ready)
	}
	select {
	case <-hr.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if hr.err != nil {
		return nil, hr.err
	}
	return hr, nil
}

// load opens a room through the backend and starts feeding its fan-out.
func (h *Hub) load(hr *hubRoom) error {
	o, err := h.backend.Open(h.ctx, hr.code)
	if err != nil {
		return err
	}
	fan := h.newFanout(hr.code, o.Replica)
	fan.gate, fan.joinLimit = hr.joins, max(0, h.joinsPerMinute())
	loaded := o.Replica.Seq() // the replica belongs to fan.run from here on
	hr.keyHash, hr.link, hr.fan = o.KeyHash, o.Room, fan
	rctx, stop := context.WithCancel(h.ctx)
	hr.stop = stop
	h.wg.Add(2)
	hr.running.Add(2)
	go func() { defer h.wg.Done(); defer hr.running.Done(); o.Room.Run(rctx, h.stepFeed(hr.code, fan.publish)) }()
	go func() { defer h.wg.Done(); defer hr.running.Done(); fan.run(rctx) }()
	h.metrics.rooms.Inc()
	h.logger.Info("room loaded", "room", hr.code, "seq", loaded)
	return nil
}

// joinsPerMinute is Config.JoinsPerMinute with its default.
func (h *Hub) joinsPerMinute() int {
	if h.cfg.JoinsPerMinute == 0 {
		return DefaultJoinsPerMinute
	}
	return h.cfg.JoinsPerMinute
}

// newFanout is a fan-out for a room just loaded, with the hub's timings.
func (h *Hub) newFanout(code string, replica *room.Room) *fanout {
	fan := newFanout(code, replica, h.cfg.Tick, h.logger, h.metrics)
	fan.hbPeriod, fan.joinsEvery = h.heartbeat, h.joinsEvery
	fan.roomCode = func(w int64) string { return h.signer.roomCode(code, w) }
	fan.clock = func() time.Time { return h.now() }
	return fan
}

// limiter returns the command rate limiter of one participant, shared by all
// their sessions.
func (hr *hubRoom) limiter(participant string) *rate.Limiter {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	l, ok := hr.limiters[participant]
	if !ok {
		l = rate.NewLimiter(participantRate, participantBurst)
		hr.limiters[participant] = l
	}
	return l
}

// Drain starts a graceful shutdown: readiness fails, and every WebSocket
// session is closed with 1012 so that clients reconnect, to another node or
// to this one once it is back. Commands already queued are still committed.
func (h *Hub) Drain() {
	h.mu.Lock()
	h.draining.Store(true) // under mu: see enter
	ss := make([]*session, 0, len(h.sessions))
	for s := range h.sessions {
		ss = append(ss, s)
	}
	h.mu.Unlock()
	for _, s := range ss {
		s.close(1012, "service restart")
	}
}

// closeTimeout is how long Close lets the sessions finish their close
// handshakes. A client that answers at all does so within a few round
// trips; one that has not by then is cut.
const closeTimeout = 3 * time.Second

// Close drains the hub (Drain), waits for every WebSocket connection to
// end, then stops every room. Each session has closeTimeout to finish its
// close handshake, so that its client hears 1012 and not a dropped
// connection; the connections still open then are cut, without a
// handshake. When Close returns, the goroutines serving the connections
// (ws.go) and the rooms' goroutines have returned, and the store may be
// closed: Close does not close it. Commands still queued when the rooms
// stop are refused as retryable; a commit in progress completes. Close may
// be called more than once.
func (h *Hub) Close() {
	h.Drain()
	done := make(chan struct{})
	go func() {
		h.conns.Wait()
		close(done)
	}()
	t := time.NewTimer(h.closeTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		h.mu.Lock()
		n := len(h.sessions)
		h.mu.Unlock()
		h.logger.Warn("connections cut at shutdown: no close handshake in time", "sessions", n, "timeout", h.closeTimeout.String())
		h.cut()
		<-done
	}
	h.cut()
	h.cancel()
	h.wg.Wait()
}

// enter counts a WebSocket connection about to be served (conns), unless
// the hub is draining. The connection is counted from then on until the
// goroutines serving it return; each enter is matched by one conns.Done.
// draining is set under mu, so that no enter succeeds after Drain: Close's
// Wait then follows every Add.
func (h *Hub) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.draining.Load() {
		return false
	}
	h.conns.Add(1)
	return true
}

// track registers s in hr. It refuses while draining, and when hr is no
// longer the loaded room of its code (unloaded meanwhile).
func (h *Hub) track(s *session, hr *hubRoom) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.draining.Load() || h.rooms[hr.code] != hr {
		return false
	}
	h.sessions[s] = hr
	hr.sessions++
	hr.idleSince = time.Time{}
	h.metrics.connections.WithLabelValues(s.role.String()).Inc()
	return true
}

func (h *Hub) untrack(s *session, hr *hubRoom) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sessions, s)
	if hr.sessions--; hr.sessions == 0 {
		hr.idleSince = time.Now()
	}
	h.metrics.connections.WithLabelValues(s.role.String()).Dec()
}

// unload stops room code and forgets it, if it is loaded on this node with
// no session. It reports whether the room is now not loaded. A session
// that got the room before cannot join it after (track).
//
// With tomb, a true result also marks code as being deleted, in the same
// step, so that room refuses it from then on instead of loading it again;
// doneDeleting ends the mark.
func (h *Hub) unload(code string, tomb bool) bool {
	h.mu.Lock()
	hr, ok := h.rooms[code]
	if !ok {
		if tomb {
			h.deleting[code] = struct{}{}
		}
		h.mu.Unlock()
		return true
	}
	select {
	case <-hr.ready:
	default:
		h.mu.Unlock()
		return false // still loading
	}
	if hr.sessions > 0 || hr.link.Held() {
		h.mu.Unlock()
		return false
	}
	delete(h.rooms, code)
	if tomb {
		h.deleting[code] = struct{}{}
	}
	stopped := make(chan struct{})
	h.stopping[code] = stopped
	h.mu.Unlock()
	if h.beforeStop != nil {
		h.beforeStop(code)
	}
	hr.stop()
	hr.running.Wait()
	h.mu.Lock()
	delete(h.stopping, code)
	h.mu.Unlock()
	close(stopped)
	h.metrics.rooms.Dec()
	return true
}

// doneDeleting ends the mark unload(code, true) set: the meeting is deleted,
// and code unknown, or its deletion failed and it may load again.
func (h *Hub) doneDeleting(code string) {
	h.mu.Lock()
	delete(h.deleting, code)
	h.mu.Unlock()
}
