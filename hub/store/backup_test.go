package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestBackup: a read-only store beside a writing one copies the database
// while the writer commits; the copy holds at least every event committed
// before the backup began, its chains verify, and it opens as a store. A
// copy whose log was tampered with fails Check, naming the room; an
// existing file is never replaced.
func TestBackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, path := tempStore(t)
	mustCreate(t, w, "ROOM1")
	mustCreate(t, w, "ROOM2")
	if err := w.Append(ctx, "ROOM1", records(2, 100)); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for seq := uint64(101); ; seq += 5 {
			select {
			case <-stop:
				return
			default:
			}
			if err := w.Append(ctx, "ROOM1", records(seq, seq+4)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	committed, _, err := w.Head(ctx, "ROOM1")
	if err != nil {
		t.Fatal(err)
	}
	r := openStore(t, path, Config{ReadOnly: true})
	out := filepath.Join(t.TempDir(), "copy.db")
	err = r.Backup(ctx, out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Backup(ctx, out); !errors.Is(err, os.ErrExist) {
		t.Errorf("Backup onto an existing file: %v, want os.ErrExist", err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the copy: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}

	c := openStore(t, out, Config{ReadOnly: true})
	got, err := c.Check(ctx)
	if err != nil || got.Rooms != 2 {
		t.Fatalf("Check of the copy: %+v, %v", got, err)
	}
	if rows := mustLoad(t, c, "ROOM1"); uint64(len(rows)) < committed {
		t.Errorf("the copy holds %d events of ROOM1; %d were committed before the backup", len(rows), committed)
	}
	c.Close()

	if _, err := openRaw(t, out).Exec(`UPDATE events SET json = CAST(replace(CAST(json AS TEXT), 'number 7', 'number 8') AS BLOB) WHERE room = 'ROOM1' AND seq = 7`); err != nil {
		t.Fatal(err)
	}
	c = openStore(t, out, Config{ReadOnly: true})
	if _, err := c.Check(ctx); err == nil || !strings.Contains(err.Error(), "room ROOM1") || !strings.Contains(err.Error(), "event 7") {
		t.Errorf("Check of a tampered copy: %v, want the chain broken at ROOM1's event 7", err)
	}
}
