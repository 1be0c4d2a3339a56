package hub

import (
	"sync"
)

// archiveFile is one built archive output: a body and how to send it.
type archiveFile struct {
	contentType string
	name        string // a download's file name; empty for a page's JSON
	body        []byte
}

// archiveCache keeps the public archive outputs (the report, the open data)
// of the meetings asked for most recently, each with the head of the log it
// was built from. When a meeting ends and the whole room opens the report,
// the log is read, verified and replayed once, not once per person: for a
// meeting of 30,000 events that is a third of a second of CPU per request
// saved. Requests that arrive while an output is being built wait for that
// build rather than starting their own.
//
// An output is served again only while the log's head (seq and hash) is the
// same, so nothing committed since is ever missing. What it does not see is
// the SQLite file altered behind the store's back, which leaves the head as
// it was: that is found at the next full read (the next event's rebuild,
// the moderators' downloads, a restart, tribune verify). Edges keep their
// own, keyed by the primary's head (one small RPC per request).
type archiveCache struct {
	maxBytes int

	mu      sync.Mutex
	entries map[archiveKey]*archiveEntry
	bytes   int    // bodies of finished entries
	clock   uint64 // last use, for eviction
}

type archiveKey struct{ code, kind string }

type archiveEntry struct {
	head string        // the log's head the output was built from
	done chan struct{} // closed once out and err are set
	out  archiveFile
	err  error
	used uint64
}

// archiveCacheBytes bounds the bodies the hub keeps: the report and open
// data of a few dozen large meetings.
const archiveCacheBytes = 64 << 20

func newArchiveCache(maxBytes int) *archiveCache {
	return &archiveCache{maxBytes: maxBytes, entries: make(map[archiveKey]*archiveEntry)}
}

// get returns the output for key built from the log at head, building it
// with build when no entry has that head. It reports whether it built.
func (c *archiveCache) get(key archiveKey, head string, build func() (archiveFile, error)) (archiveFile, bool, error) {
	c.mu.Lock()
	c.clock++
	e := c.entries[key]
	if e != nil && e.head == head {
		e.used = c.clock
		c.mu.Unlock()
		<-e.done
		return e.out, false, e.err
	}
	if e != nil {
		c.drop(key, e)
	}
	e = &archiveEntry{head: head, done: make(chan struct{}), used: c.clock}
	c.entries[key] = e
	c.mu.Unlock()

	e.out, e.err = build()
	close(e.done)

	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.entries[key] != e:
		// Replaced by a newer head meanwhile.
	case e.err != nil:
		delete(c.entries, key) // the next request tries again
	default:
		c.bytes += len(e.out.body)
		c.evict()
	}
	return e.out, true, e.err
}

// forget drops every output of room code (deleted).
func (c *archiveCache) forget(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if k.code == code {
			c.drop(k, e)
		}
	}
}

// drop removes key's entry e. c.mu is held.
func (c *archiveCache) drop(key archiveKey, e *archiveEntry) {
	delete(c.entries, key)
	select {
	case <-e.done:
		if e.err == nil {
			c.bytes -= len(e.out.body)
		}
	default: // still building: its builder will find it gone
	}
}

// evict drops the least recently used finished entries until the bodies fit
// in maxBytes. c.mu is held.
func (c *archiveCache) evict() {
	for c.bytes > c.maxBytes {
		var oldest archiveKey
		var victim *archiveEntry
		for k, e := range c.entries {
			select {
			case <-e.done:
			default:
				continue
			}
			if victim == nil || e.used < victim.used {
				oldest, victim = k, e
			}
		}
		if victim == nil {
			return
		}
		c.drop(oldest, victim)
	}
}
