// Package store keeps Tribune's rooms and their event logs in one SQLite
// file. It is the single source of truth: a room's state is the fold of its
// log, and the log is what a published archive is checked against.
//
// Each room's log is numbered 1, 2, 3... without gaps and hash-chained: every
// row stores the hash of the row before it and its own hash,
// SHA-256(prev || json), where json is the event's canonical encoding
// (json.Marshal of room.Event) and the first prev is 32 zero bytes. Anyone
// holding the rows can recompute the chain with VerifyChain.
//
// Writes go through one committer goroutine that owns the only write
// connection. It gathers every request that arrived while the previous
// transaction was committing and writes them all in one transaction (group
// commit), so that the fsync each commit costs is shared by every room with
// something to write. Reads use a separate pool of read-only connections;
// WAL mode lets them run while the committer writes. Since nothing else ever
// writes, no caller sees SQLITE_BUSY.
//
// An acknowledged write (Append, CreateRoom or DeleteRoom returning nil)
// survives kill -9 and power loss: see the comment on the DSN in store.go.
package store
