package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// Config tunes a primary or an edge. Zero values mean the defaults.
type Config struct {
	// Heartbeat is how often the primary publishes the rooms' heads and
	// each edge says it is alive and which rooms it holds. Silence for 3
	// Heartbeats means down.
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

func (c *Config) defaults() {
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
		c.NodeID = uuid.NewString()
	}
}

// silence is how many heartbeats of silence mean a peer is gone.
const silence = 3

// ErrUpstream means an edge cannot reach the primary (or Redis) now; the
// command may be retried.
var ErrUpstream = errors.New("cluster: primary unreachable, try again")

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
	ID    uint64 `json:"id"`
	Seq   uint64 `json:"seq,omitempty"`
	Code  string `json:"code,omitempty"`
	Retry bool   `json:"retry,omitempty"`
	Msg   string `json:"msg,omitempty"`
}

// RPC operations of edges.
const (
	rpcEvents = "events" // up to Limit events after After
	rpcRoom   = "room"   // the room's record
	rpcCreate = "create" // create a room with Rec and First
	rpcHead   = "head"   // the seq and hash of the room's last event
	rpcCall   = "call"   // a request of the consultation API, answered by the primary's hub
)

type rpcReq struct {
	ID    uint64            `json:"id"`
	Op    string            `json:"op"`
	Code  string            `json:"code"`
	After uint64            `json:"after,omitempty"`
	Limit int               `json:"limit,omitempty"`
	Rec   *store.RoomRecord `json:"rec,omitempty"`
	First *room.Event       `json:"first,omitempty"`
	Call  *seam.Call        `json:"call,omitempty"`
}

type rpcResp struct {
	ID   uint64            `json:"id"`
	Err  string            `json:"err,omitempty"` // "not_found", "exists", or another failure
	Msg  string            `json:"msg,omitempty"`
	Rows []wireRow         `json:"rows,omitempty"`
	Rec  *store.RoomRecord `json:"rec,omitempty"`
	Seq  uint64            `json:"seq,omitempty"`  // head
	Hash []byte            `json:"hash,omitempty"` // head
	Ans  *seam.Answer      `json:"ans,omitempty"`  // call
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

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own wire types are encoded
	}
	return b
}

func eventsOf(rows []store.Stored) []room.Event {
	evs := make([]room.Event, len(rows))
	for i, r := range rows {
		evs[i] = r.Event
	}
	return evs
}

// status messages to clients.
var (
	msgUpstreamDown = []byte(`{"t":"status","upstream":"down"}`)
	msgUpstreamUp   = []byte(`{"t":"status","upstream":"up"}`)
)
