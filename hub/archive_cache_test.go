package hub

import (
	"errors"
	"testing"
)

// TestArchiveCacheBounds: the cache keeps the most recently used outputs
// within its byte budget, builds again for a new head, and keeps no error.
func TestArchiveCacheBounds(t *testing.T) {
	c := newArchiveCache(25)
	builds := 0
	get := func(code, head string) {
		t.Helper()
		_, _, err := c.get(archiveKey{code, "report"}, head, func() (archiveFile, error) {
			builds++
			return archiveFile{body: make([]byte, 10)}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	get("A", "1")
	get("B", "1")
	get("A", "1") // A is now the most recent
	get("C", "1") // 30 bytes: B, the least recently used, goes
	if builds != 3 || c.bytes != 20 || c.entries[archiveKey{"B", "report"}] != nil {
		t.Fatalf("builds %d, bytes %d, entries %v", builds, c.bytes, c.entries)
	}
	get("A", "2") // a new head replaces A's entry
	if builds != 4 || c.bytes != 20 || len(c.entries) != 2 {
		t.Fatalf("after a new head: builds %d, bytes %d, entries %d", builds, c.bytes, len(c.entries))
	}

	boom := errors.New("log does not verify")
	for range 2 {
		if _, built, err := c.get(archiveKey{"D", "report"}, "1", func() (archiveFile, error) { return archiveFile{}, boom }); !built || err != boom {
			t.Fatalf("a failed build: built %v, err %v", built, err)
		}
	}
	if c.entries[archiveKey{"D", "report"}] != nil || c.bytes != 20 {
		t.Fatalf("a failed build is kept: %v, %d bytes", c.entries, c.bytes)
	}
}
