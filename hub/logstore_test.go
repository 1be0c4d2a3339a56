package hub

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/hub/internal/redistest"
	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// TestLogStoreContract runs the contract of seam.Log against the SQLite
// store and against an edge's view of it through the primary:
// a room created through either is refused a second time, and reads page,
// head and refuse an unknown room alike.
func TestLogStoreContract(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	primary := startPrimary(t, filepath.Join(t.TempDir(), "tribune.db"), rs.URL())
	e := startEdge(t, rs.URL(), "A")
	for _, c := range []struct {
		name string
		log  seam.Log
	}{
		{"SQLite", primary.store},
		{"Remote", e.hub.store},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			logContract(t, c.log, primary.store, "CT"+strings.ToUpper(c.name))
		})
	}
}

// logContract checks log on room code. writer is the store behind it,
// the only one that appends.
func logContract(t *testing.T, log seam.Log, writer *store.Store, code string) {
	ctx := context.Background()
	const events = 25
	r := room.New()
	first, err := r.Handle(room.Actor{Role: room.System}, 1_700_000_000_000, room.Command{Op: room.OpCreate, Code: code, Title: "Contract"})
	if err != nil {
		t.Fatal(err)
	}
	rec := store.RoomRecord{Code: code, KeyHash: hashKey("key"), Status: string(room.Scheduled)}
	if err := log.CreateRoom(ctx, rec, first); err != nil {
		t.Fatalf("create: %v", err)
	}
	if err := log.CreateRoom(ctx, rec, first); !errors.Is(err, store.ErrExists) {
		t.Fatalf("create again: %v, want ErrExists", err)
	}
	got, err := log.Room(ctx, code)
	if err != nil || got.Code != code || !bytes.Equal(got.KeyHash, rec.KeyHash) {
		t.Fatalf("room: %+v %v", got, err)
	}

	var recs []store.Record
	mod := room.Actor{ID: moderatorID, Role: room.Moderator}
	for i := 2; i <= events; i++ {
		cmd := room.Command{Op: room.OpAnnounce, Text: fmt.Sprintf("Note %d", i)}
		if i == 2 {
			cmd = room.Command{Op: room.OpStart}
		}
		ev, err := r.Handle(mod, 1_700_000_000_000+int64(i), cmd)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, store.Record{Event: ev, CmdID: fmt.Sprintf("c-%d", i)})
	}
	if err := writer.Append(ctx, code, recs); err != nil {
		t.Fatal(err)
	}

	seq, hash, err := log.Head(ctx, code)
	wantSeq, wantHash, werr := writer.Head(ctx, code)
	if err != nil || werr != nil || seq != events || seq != wantSeq || !bytes.Equal(hash, wantHash) {
		t.Fatalf("head: %d %x %v, want %d %x", seq, hash, err, wantSeq, wantHash)
	}
	var paged []store.Stored
	for after := uint64(0); ; {
		page, err := log.Events(ctx, code, after, 10)
		if err != nil {
			t.Fatalf("events after %d: %v", after, err)
		}
		if len(page) > 10 {
			t.Fatalf("events after %d: %d rows, limit 10", after, len(page))
		}
		if len(page) == 0 {
			break
		}
		if page[0].Seq != after+1 {
			t.Fatalf("events after %d start at %d", after, page[0].Seq)
		}
		paged = append(paged, page...)
		after = page[len(page)-1].Seq
	}
	all, err := log.Load(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if len(paged) != events || len(all) != events {
		t.Fatalf("%d events by pages, %d loaded, want %d", len(paged), len(all), events)
	}
	if err := store.VerifyChain(all); err != nil {
		t.Fatal(err)
	}
	for i := range all {
		if a, p := all[i], paged[i]; a.Seq != p.Seq || !bytes.Equal(a.Hash, p.Hash) || a.CmdID != p.CmdID || a.Event.Command.Text != p.Event.Command.Text {
			t.Fatalf("event %d: loaded %+v, paged %+v", i+1, a, p)
		}
	}
	if all[events-1].CmdID != fmt.Sprintf("c-%d", events) || !bytes.Equal(all[events-1].Hash, wantHash) {
		t.Fatalf("the last event %+v does not end the log at %x", all[events-1], wantHash)
	}

	const unknown = "NOSUCHROOM"
	if _, err := log.Room(ctx, unknown); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("room of an unknown code: %v, want ErrNotFound", err)
	}
	if _, err := log.Events(ctx, unknown, 0, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("events of an unknown code: %v, want ErrNotFound", err)
	}
	if _, err := log.Load(ctx, unknown); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("load of an unknown code: %v, want ErrNotFound", err)
	}
	if _, _, err := log.Head(ctx, unknown); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("head of an unknown code: %v, want ErrNotFound", err)
	}
}
