// Package seam is how the hub reaches rooms and consultations, whatever
// the topology: the hub holds the sessions and the fan-outs, and goes
// through a Backend for everything else. There are three: the hub's own (its store and one
// sequencer per room), and package cluster's Primary (the hub's, plus the
// Redis side that publishes its commits and serves edges) and Edge (rooms
// whose sequencer is on the primary, through Redis).
//
// The hub hands a Backend a Node (what it may ask of the hub) when it
// starts it, and a feed (where committed events go) when it runs a room:
// a backend never sees the hub. The hub's TestConformance runs every
// scenario against one node and against a primary with edges.
package seam

import (
	"context"
	"errors"
	"sync"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// Backend opens rooms.
type Backend interface {
	// Secret returns the participant-token secret.
	Secret(ctx context.Context) ([]byte, error)
	// Start runs the backend's own goroutines until ctx is done, each
	// counted in wg.
	Start(ctx context.Context, wg *sync.WaitGroup, n Node)
	// Open loads room code: ErrNoRoom when there is no such room.
	Open(ctx context.Context, code string) (Opened, error)
	// Log is what the HTTP API reads and creates of the log.
	Log() Log
	// Greeting is what a new session is told at once (an edge cut off from
	// the primary says so); nil for nothing.
	Greeting() []byte
	// Book is where consultations are sequenced, on the node that holds
	// the store; nil on one that passes the consultation API on to that
	// node with Forward (an edge, to its primary).
	Book() Book
	// Forward has the node that holds the Book answer c, and returns its
	// answer; an error when it cannot be reached. A backend whose Book is
	// not nil is never asked.
	Forward(ctx context.Context, c Call) (Answer, error)
}

// Opened is a room as its backend loaded it.
type Opened struct {
	KeyHash []byte     // of the moderator key
	Replica *room.Room // the fold of the log as loaded, for the fan-out
	Room    Room
}

// Room is one open room of a backend.
//
// Joins and leaves are commands like any other, from role System, with
// Request.Holder naming the session they are for: the room's sequencer
// counts its participants' holders, on every node, in that one place.
type Room interface {
	// Submit takes a command and calls its Reply once, after the event is
	// committed or with the error that refused it. It must not block.
	Submit(req Request)
	// Run hands feed the events committed after the replica opened, in
	// order and without gaps, until ctx is done; feed must not block. Then
	// the backend lets go of the room, and Run returns. Run is called
	// once.
	Run(ctx context.Context, feed func([]room.Event))
	// Held reports whether another node still holds the room (an edge, for
	// its primary): the hub unloads an idle room only when not.
	Held() bool
}

// Holders is a Room that counts its participants' holders (the
// sequencer's side): Forget lets go of every holder whose name starts
// with prefix, and the participants held nowhere else leave. It returns
// how many left.
type Holders interface {
	Forget(prefix string, reply func(seq uint64, err error)) int
}

// Node is what a backend may ask of the hub.
type Node interface {
	// Broadcast queues msg to every session.
	Broadcast(msg []byte)
	// Rejoin joins again every participant with a session here: the
	// primary may have forgotten them.
	Rejoin()
	// LoadRoom loads room code here unless it is (a primary does, for an
	// edge). Once it returns nil, the backend has opened the room and
	// keeps it open until the hub unloads it, which it does not before
	// its idle period has passed.
	LoadRoom(ctx context.Context, code string) error
	// Serve answers a request another node passed on with its Forward.
	Serve(ctx context.Context, c Call) Answer
}

// Request is one command for a room. Reply is called exactly once, after
// the event is committed (seq > 0) or with the error that refused it; it
// must not block.
type Request struct {
	Actor room.Actor
	Cmd   room.Command
	CmdID string
	React room.Reaction // a reaction tap: checked, gathered, logged per tick
	// Holder names the session a join or leave is for.
	Holder string
	Reply  func(seq uint64, err error)
}

// Log is what the hub's HTTP side reads and creates of the log: the SQLite
// store, or on an edge the primary's, through Redis. Only sequencers
// append, and they hold the store itself.
type Log interface {
	Load(ctx context.Context, code string) ([]store.Stored, error)
	Head(ctx context.Context, code string) (uint64, []byte, error)
	Events(ctx context.Context, code string, after uint64, limit int) ([]store.Stored, error)
	Room(ctx context.Context, code string) (store.RoomRecord, error)
	CreateRoom(ctx context.Context, rec store.RoomRecord, first room.Event) error
}

var _ Log = (*store.Store)(nil)

// Book is the consultations' side of the store (DESIGN.md,
// "Consultations"): their logs, and the meetings' they read and create.
// The hub sequences a consultation's acts itself, one at a time, on the
// node that holds it; other nodes pass them on (Backend.Forward), so
// that every consultation has one writer as every room has.
type Book interface {
	Log
	CreateConsultation(ctx context.Context, rec store.ConsultationRecord, first consultation.Event) error
	Consultation(ctx context.Context, id string) (store.ConsultationRecord, error)
	ConsultationHead(ctx context.Context, id string) (uint64, []byte, error)
	LoadConsultation(ctx context.Context, id string) ([]store.ConsultationRow, error)
	AppendConsultation(ctx context.Context, id string, evs []consultation.Event) error
	StepOf(ctx context.Context, code string) ([]string, error)
}

var _ Book = (*store.Store)(nil)

// Call is an HTTP request of the consultation API, as one node passes it
// to another: what the handlers read of it, and nothing of the client (no
// address: Tribune keeps none).
type Call struct {
	Method string            `json:"method"`
	Target string            `json:"target"` // path and query
	Base   string            `json:"base"`   // scheme and host of the links to write, as the client reached the first node
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

// Answer is the response to a Call.
type Answer struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body,omitempty"`
}

// ErrNoRoom means no meeting has this code.
var ErrNoRoom = errors.New("hub: unknown meeting")

// Error is an error that crossed nodes: it keeps the protocol code and
// retry flag it was refused with, which the hub answers its client with.
type Error struct {
	Code  string
	Retry bool
	Msg   string
}

func (e *Error) Error() string { return e.Msg }
