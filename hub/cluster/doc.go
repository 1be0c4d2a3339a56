// Package cluster is a Tribune hub beyond one machine: a primary and edge
// nodes around one Redis, each node a seam.Backend of its hub.
//
// A hub's Config.Mode picks its backend. Embedded, the default, is the
// hub's own: one process. A Primary is that plus Redis: it holds the
// SQLite file and sequences every room, for its own sessions and the
// edges'. An Edge has no store: its rooms' replicas fold the primary's
// events with the same reducer, and its commands, its reads of the log
// (remote_store.go) and its consultation requests (Edge.Forward) go to the
// primary.
//
//	tribune:up            edges -> primary: commands, RPCs (events, room,
//	                      create, head, and calls of the consultation API,
//	                      which the primary's hub answers), heartbeats with
//	                      the rooms held
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
// has the hub join its sessions' participants again (the primary may have
// restarted) and fills what it missed. Sessions stay open throughout.
//
// Presence is counted once, next to the primary's sequencer
// (seam.Holders): a join or leave names its session, prefixed with the
// edge's id, so that a participant with tabs on two edges leaves with the
// last. An edge silent for 3 Heartbeats is forgotten: whoever was only
// there leaves.
//
// Rooms unload everywhere: an edge lets go of a room none of its sessions
// has been in for the hub's idle period, unsubscribing from it; the
// primary, of one that neither its sessions nor any edge's last heartbeat
// holds.
//
// The hub's tests run it: TestConformance (the same meetings as on one
// node), TestEdgeLetsGo, TestLogStoreContract, and the faults in
// cluster_test.go.
package cluster
