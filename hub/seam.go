package hub

import (
	"context"
	"sync"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// backend is how the hub reaches rooms, whatever the topology: the hub
// holds the sessions and the fan-outs, and goes through this seam for
// everything else. There are three:
//
//   - local (local.go): this process's store and one sequencer per room;
//   - primary (primary.go): local, plus the Redis side that publishes its
//     commits and serves the edges;
//   - edge (edge.go): rooms whose sequencer is on the primary, through
//     Redis.
//
// The hub hands a backend a node (what it may ask of the hub) when it
// starts it, and a feed (where committed events go) when it runs a room: a
// backend never sees the hub itself. TestConformance runs every scenario
// against one node and against a primary with edges.
type backend interface {
	// secret returns the participant-token secret.
	secret(ctx context.Context) ([]byte, error)
	// start runs the backend's own goroutines until ctx is done, each
	// counted in wg.
	start(ctx context.Context, wg *sync.WaitGroup, n node)
	// open loads room code: ErrNoRoom when there is no such room.
	open(ctx context.Context, code string) (opened, error)
	// log is what the HTTP API reads and writes of the log.
	log() logStore
	// greeting is what a new session is told at once, before its welcome
	// is read (an edge cut off from the primary says so); nil for nothing.
	greeting() []byte
}

// opened is a room as its backend loaded it.
type opened struct {
	keyHash []byte     // of the moderator key
	replica *room.Room // the fold of the log as loaded, for the fan-out
	room    backendRoom
}

// backendRoom is one open room of a backend.
//
// Joins and leaves are commands like any other, from role System, with
// request.holder naming the session they are for: the room counts its
// participants' holders (presence.go), on every node, in that one place.
type backendRoom interface {
	commandSink
	// run hands feed the events committed after the replica opened, in
	// order and without gaps, until ctx is done; feed must not block. Then
	// the backend lets go of the room, and run returns. run is called once.
	run(ctx context.Context, feed func([]room.Event))
	// held reports whether another node still holds the room (an edge, for
	// its primary): the hub unloads an idle room only when not.
	held() bool
}

// node is what a backend may ask of the hub.
type node interface {
	// broadcast queues msg to every session.
	broadcast(msg []byte)
	// rejoin joins again every participant with a session here: the
	// primary may have forgotten them.
	rejoin()
	// loadRoom loads room code here unless it is (a primary does, for an
	// edge). Once it returns nil, the backend has opened the room, and
	// keeps it open until the hub unloads it, which it does not before
	// the idle period has passed.
	loadRoom(ctx context.Context, code string) error
}

// commandSink takes a room's commands and calls each request's reply once,
// after the event is committed or with the error that refused it. submit
// must not block.
type commandSink interface {
	submit(req request)
}

// logStore is what the hub reads and writes of the log: the SQLite store,
// or on an edge the primary's, through Redis (remoteStore).
// TestLogStoreContract runs against both.
// Only sequencers append, and they hold the store itself: the seam does
// not.
type logStore interface {
	Load(ctx context.Context, code string) ([]store.Stored, error)
	Head(ctx context.Context, code string) (uint64, []byte, error)
	Events(ctx context.Context, code string, after uint64, limit int) ([]store.Stored, error)
	Room(ctx context.Context, code string) (store.RoomRecord, error)
	CreateRoom(ctx context.Context, rec store.RoomRecord, first room.Event) error
}

var (
	_ backend = (*local)(nil)
	_ backend = (*primary)(nil)
	_ backend = (*edge)(nil)

	_ backendRoom = (*localRoom)(nil)
	_ backendRoom = (*primaryRoom)(nil)
	_ backendRoom = (*edgeRoom)(nil)

	_ logStore = (*store.Store)(nil)
	_ logStore = remoteStore{}

	_ node = (*Hub)(nil)
)
