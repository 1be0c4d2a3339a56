// Package hub serves Tribune meetings live: the HTTP and WebSocket
// endpoints, sessions and roles, the per-room sequencer that commits every
// event to the log before acknowledging it, and the per-room fan-out that
// coalesces changes and sends them to each role.
//
// The domain lives in package room; the hub only moves bytes, orders
// commands and keeps them.
//
// # One room, two goroutines
//
// A loaded room has a sequencer (sequencer.go) and a fan-out (fanout.go).
// The sequencer owns the authoritative room.Room: it reads commands from a
// bounded inbox, decides them with the room's reducer, appends the events to
// the SQLite log (hub/store, which groups the appends of every room into one
// transaction), and only then acknowledges the clients and publishes the
// events. The fan-out owns a replica of the room, built by applying the
// committed events with the same reducer, exactly as an edge node would.
// Once per tick it builds one patch per role (room.Room.Patch), encodes it
// once and queues the same bytes to every session of that role, then sends
// the few messages that belong to one participant (room.Mine).
//
// The hub reaches its rooms through one seam (package seam), whatever the
// topology: its own rooms (local.go), or a primary's or an edge's around
// Redis (package cluster).
//
// # Sessions
//
// Each WebSocket is a session (session.go) with a reader goroutine of its
// own (the upgrade handler returns, so net/http's goroutine and its grown
// stack are not kept for the meeting) and a writer that exists only while
// messages wait, paired so that neither outlives the other, and a bounded
// queue: a client
// that does not keep up is closed with 4000 and resumes later from the last
// sequence number it saw, by the patches it missed (kept in a ring per role)
// or a snapshot. No lock is held across network or disk I/O.
//
// A moderator session is the organiser's (the key made with the meeting,
// kept hashed beside it) or a seat's of the moderation team (team.go): its
// key's hash is in the room's log, checked against the fan-out's replica
// (once more after it caught up with the log's head, for a link just
// made), and the fan-out closes a seat's sessions when it applies the
// seat's revocation.
//
// # Invariants and the tests that guard them
//
//   - An acknowledged command is in the log: TestKillDuringVoteBurst kills
//     a server with SIGKILL during a vote burst and finds every ack.
//   - Every client converges to the server's state: TestMeeting, TestResume;
//     on one node and on a primary with edges alike: TestConformance.
//   - Every node lets go of a room nobody is in: TestConformance,
//     TestEdgeLetsGo.
//   - A slow client never slows its room: TestSlowClientIsDropped.
//   - Bad input changes nothing: TestBadFrames, TestBadCommands,
//     TestHelloRefused, TestOversizedFrameCloses, TestFloodCloses.
//   - A revoked moderator link acts no more: its sessions are closed and
//     its key refused, after a restart and on every edge too:
//     TestTeamRevoke, TestClusterTeamRevoke.
//   - A moderator link works as soon as the organiser has it, on any node:
//     TestTeamLinkAtOnce, TestClusterTeamRevoke.
//
// The wire protocol is documented in PROTOCOL.md at the repository root.
package hub
