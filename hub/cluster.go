package hub

// # Beyond one machine: a primary and edge nodes around Redis
//
// Config.Mode picks the hub's backend (seam.go). Embedded, the default, is
// local: one process. Primary is local plus Redis: it holds the SQLite file
// and sequences every room, for its own sessions and the edges'. An edge
// has no store: its rooms' replicas fold the primary's events with the same
// reducer, its commands and its reads of the log (edge_store.go) go to the
// primary.
//
//	tribune:up            edges -> primary: commands, RPCs (events, room,
//	                      create, head), heartbeats with the rooms held
//	tribune:down:{edge}   primary -> one edge: replies, RPC answers
//	tribune:room:{code}   primary -> edges: each committed batch of events
//	tribune:hb            primary -> edges: every loaded room's head
//	tribune:hist:{code}   a list: the last HistorySize events of a room
//	tribune:secret        the participant-token secret
//
// All of it is pub/sub but the last two, because all of it may be lost and
// the loss is cheap to repair: a command unanswered within CommandTimeout
// is refused as retryable (command ids make the retry apply once); a lost
// batch shows as a gap in the seqs or behind a heartbeat's head, and the
// edge fills it from the history list or, when that no longer reaches back,
// from the primary's SQLite. An edge's replica is always a prefix of the
// log, so the missing events bring it to exactly the primary's state.
// Redis holds nothing SQLite cannot rebuild.
//
// Every Redis call has a deadline: a frozen Redis fails calls, it never
// hangs a goroutine. An edge that hears no heartbeat for 3 Heartbeats tells
// its clients ({"t":"status","upstream":"down"}), refuses commands with
// ErrUpstream and subscribes again; when heartbeats resume it says "up",
// joins its sessions' participants again (the primary may have restarted)
// and fills what it missed. Sessions stay open throughout.
//
// Presence is counted once, by the primary (presence.go): a join or leave
// names its session, prefixed with the edge's id, so that a participant
// with tabs on two edges leaves with the last. An edge silent for 3
// Heartbeats is forgotten: whoever was only there leaves.
//
// Rooms unload everywhere: an edge lets go of a room none of its sessions
// has been in for Config.Idle, unsubscribing from it; the primary, of one
// that neither its sessions nor any edge's last heartbeat holds.

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// Mode is a hub's part in a deployment.
type Mode int

const (
	// Embedded is one process with everything: the default.
	Embedded Mode = iota
	// Primary holds the store and sequences every room, for edges around
	// Redis (and for its own sessions).
	Primary
	// Edge holds sessions and forwards commands to the primary through
	// Redis. It has no store.
	Edge
)

// ParseMode parses "embedded", "primary" or "edge".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "embedded":
		return Embedded, nil
	case "primary":
		return Primary, nil
	case "edge":
		return Edge, nil
	}
	return 0, fmt.Errorf("unknown role %q (embedded, primary or edge)", s)
}

func (m Mode) String() string {
	switch m {
	case Primary:
		return "primary"
	case Edge:
		return "edge"
	}
	return "embedded"
}

// ClusterConfig tunes a primary or an edge. Zero values mean the defaults.
type ClusterConfig struct {
	// Heartbeat is how often the primary publishes the rooms' heads and
	// each edge says it is alive. Silence for 3 Heartbeats means down.
	// Defaults to 1s.
	Heartbeat time.Duration
	// CommandTimeout is how long an edge waits for the primary's reply to a
	// command before refusing it as retryable. Defaults to 5s.
	CommandTimeout time.Duration
	// RedisTimeout bounds every Redis call. Defaults to 1s.
	RedisTimeout time.Duration
	// HistorySize is how many recent events per room Redis keeps for edges
	// filling a gap. Defaults to 10000.
	HistorySize int
	// NodeID names this node in Redis (client names, reply channel).
	// Defaults to a random id.
	NodeID string
}

func (c *ClusterConfig) defaults() {
	if c.Heartbeat <= 0 {
		c.Heartbeat = time.Second
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = 5 * time.Second
	}
	if c.RedisTimeout <= 0 {
		c.RedisTimeout = time.Second
	}
	if c.HistorySize <= 0 {
		c.HistorySize = 10000
	}
	if c.NodeID == "" {
		c.NodeID = newParticipantID()
	}
}

// silence is how many heartbeats of silence mean a peer is gone.
const silence = 3

// ErrUpstream means an edge cannot reach the primary (or Redis) now; the
// command may be retried.
var ErrUpstream = errors.New("hub: primary unreachable, try again")

// Redis names.
const (
	chanUp     = "tribune:up"
	chanHB     = "tribune:hb"
	keySecret  = "tribune:secret"
	downPrefix = "tribune:down:"
	roomPrefix = "tribune:room:"
	histPrefix = "tribune:hist:"
)

// historyTTL lets the history of a room nobody touches expire.
const historyTTL = 24 * time.Hour

// newRedis opens a client whose every call ends within its deadline:
// go-redis ignores context deadlines unless ContextTimeoutEnabled is set, and
// the socket timeouts bound calls made without one.
func newRedis(url, name string, timeout time.Duration) (*redis.Client, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	opt.ClientName = name
	opt.ContextTimeoutEnabled = true
	opt.DialTimeout = timeout
	opt.ReadTimeout = timeout
	opt.WriteTimeout = timeout
	opt.PoolTimeout = timeout
	opt.MaxRetries = 0 // a retry would double the deadline; callers retry
	return redis.NewClient(opt), nil
}

// upMsg is one message on tribune:up.
type upMsg struct {
	Edge  string    `json:"edge"`
	HB    bool      `json:"hb,omitempty"`
	Rooms []string  `json:"rooms,omitempty"` // with HB: the rooms the edge holds
	Bye   bool      `json:"bye,omitempty"`   // the edge is shutting down
	Cmds  []wireCmd `json:"cmds,omitempty"`
	RPCs  []rpcReq  `json:"rpcs,omitempty"`
}

// wireCmd is a request forwarded by an edge. ID is the edge's own request
// number, for the reply.
type wireCmd struct {
	ID     uint64        `json:"id"`
	Code   string        `json:"code"`
	Actor  room.Actor    `json:"actor"`
	Cmd    room.Command  `json:"cmd"`
	CmdID  string        `json:"cmdId,omitempty"`
	React  room.Reaction `json:"react,omitempty"`
	Holder string        `json:"holder,omitempty"` // the session a join or leave is for
}

// downMsg is one message on tribune:down:{edge}.
type downMsg struct {
	Replies []wireReply `json:"replies,omitempty"`
	RPCs    []rpcResp   `json:"rpcs,omitempty"`
}

// wireReply answers a wireCmd: Seq on success, else the protocol error
// code and message.
type wireReply struct {
	ID   uint64 `json:"id"`
	Seq  uint64 `json:"seq,omitempty"`
	Code string `json:"code,omitempty"`
	Msg  string `json:"msg,omitempty"`
}

// RPC operations of edges.
const (
	rpcEvents = "events" // up to Limit events after After
	rpcRoom   = "room"   // the room's record
	rpcCreate = "create" // create a room with Rec and First
	rpcHead   = "head"   // the seq and hash of the room's last event
)

type rpcReq struct {
	ID    uint64            `json:"id"`
	Op    string            `json:"op"`
	Code  string            `json:"code"`
	After uint64            `json:"after,omitempty"`
	Limit int               `json:"limit,omitempty"`
	Rec   *store.RoomRecord `json:"rec,omitempty"`
	First *room.Event       `json:"first,omitempty"`
}

type rpcResp struct {
	ID   uint64            `json:"id"`
	Err  string            `json:"err,omitempty"` // "not_found", "exists", or another failure
	Msg  string            `json:"msg,omitempty"`
	Rows []wireRow         `json:"rows,omitempty"`
	Rec  *store.RoomRecord `json:"rec,omitempty"`
	Seq  uint64            `json:"seq,omitempty"`  // head
	Hash []byte            `json:"hash,omitempty"` // head
}

// wireRow is a store.Stored without its decoded event, which the edge
// decodes from JSON.
type wireRow struct {
	Seq   uint64          `json:"seq"`
	JSON  json.RawMessage `json:"json"`
	CmdID string          `json:"cmdId,omitempty"`
	Prev  []byte          `json:"prev"`
	Hash  []byte          `json:"hash"`
}

// hbMsgR is the primary's heartbeat on tribune:hb.
type hbMsgR struct {
	Primary string            `json:"primary"` // changes when the primary restarts
	Heads   map[string]uint64 `json:"heads"`
}

// roomBatch is one message on tribune:room:{code}.
type roomBatch struct {
	Events []room.Event `json:"e"`
}

// remoteErr is an error that crossed Redis: it matches the sentinel of its
// protocol code, so that the client sees the same code and retry flag.
type remoteErr struct {
	sentinel error
	msg      string
}

func (e *remoteErr) Error() string { return e.msg }
func (e *remoteErr) Unwrap() error { return e.sentinel }

// errorFromCode rebuilds an error from its protocol code.
func errorFromCode(code, msg string) error {
	for _, e := range errorCodes {
		if e.code == code {
			return &remoteErr{sentinel: e.err, msg: msg}
		}
	}
	return &remoteErr{sentinel: ErrUnavailable, msg: msg}
}

// status messages to clients.
var (
	msgUpstreamDown = []byte(`{"t":"status","upstream":"down"}`)
	msgUpstreamUp   = []byte(`{"t":"status","upstream":"up"}`)
)

// newBackend is the backend of cfg.Mode (seam.go).
func newBackend(cfg Config, logger *slog.Logger, now func() time.Time, m *metrics) (backend, error) {
	if cfg.Retention < 0 || cfg.Retention > 0 && cfg.Mode != Embedded {
		return nil, errors.New("hub: a retention period is for a single node (embedded mode), and not negative")
	}
	if cfg.Store == nil && cfg.Mode != Edge {
		return nil, errors.New("hub: Config.Store is required")
	}
	l := &local{st: cfg.Store, logger: logger, now: now, metrics: m}
	if cfg.Mode == Embedded {
		return l, nil
	}
	if cfg.Redis == "" {
		return nil, fmt.Errorf("hub: %s mode needs a Redis URL", cfg.Mode)
	}
	cc := cfg.Cluster
	cc.defaults()
	logger.Info("cluster node starting", "mode", cfg.Mode, "node", cc.NodeID)
	switch cfg.Mode {
	case Primary:
		return newPrimary(l, cfg.Redis, cc)
	case Edge:
		return newEdge(cfg.Redis, cc, logger)
	}
	return nil, fmt.Errorf("hub: unknown mode %d", cfg.Mode)
}
