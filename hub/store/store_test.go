package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// openStore opens a store on path with a logger writing to t, closed when
// the test ends.
func openStore(t testing.TB, path string, cfg Config) *Store {
	t.Helper()
	cfg.Path = path
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func tempStore(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tribune.db")
	return openStore(t, path, Config{}), path
}

func keyHash(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

func createEvent(code string) room.Event {
	return room.Event{
		Seq:     1,
		At:      1_700_000_000_000,
		Actor:   room.Actor{Role: room.System},
		Command: room.Command{Op: room.OpCreate, Code: code, Title: "Town hall " + code},
	}
}

// question is event seq of a room: a participant asking something.
func question(seq uint64) room.Event {
	return room.Event{
		Seq:     seq,
		At:      1_700_000_000_000 + int64(seq),
		Actor:   room.Actor{ID: "p-1", Role: room.Participant},
		Command: room.Command{Op: room.OpAsk, Text: fmt.Sprintf("question number %d", seq), Question: room.QuestionID(seq)},
	}
}

func records(from, to uint64) []Record {
	var recs []Record
	for seq := from; seq <= to; seq++ {
		recs = append(recs, Record{Event: question(seq), CmdID: fmt.Sprintf("c-%d", seq)})
	}
	return recs
}

func mustCreate(t testing.TB, s *Store, code string) {
	t.Helper()
	rec := RoomRecord{Code: code, KeyHash: keyHash(code), CreatedAt: time.UnixMilli(1_700_000_000_000), Status: "scheduled"}
	if err := s.CreateRoom(context.Background(), rec, createEvent(code)); err != nil {
		t.Fatal(err)
	}
}

func mustLoad(t testing.TB, s *Store, code string) []Stored {
	t.Helper()
	rows, err := s.Load(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyChain(rows); err != nil {
		t.Fatalf("room %s: %v", code, err)
	}
	return rows
}

// openRaw opens the file behind the store's back, to tamper with it.
func openRaw(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustJSON(t testing.TB, ev room.Event) []byte {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRooms(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	ctx := context.Background()

	if _, err := s.Room(ctx, "ABCDEF"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Room before create: %v, want ErrNotFound", err)
	}
	created := time.Date(2025, 3, 1, 18, 30, 0, 123_000_000, time.UTC)
	rec := RoomRecord{Code: "ABCDEF", KeyHash: keyHash("k1"), CreatedAt: created, Status: "scheduled"}
	if err := s.CreateRoom(ctx, rec, createEvent("ABCDEF")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Room(ctx, "ABCDEF")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rec) {
		t.Fatalf("Room = %+v, want %+v", got, rec)
	}
	rows := mustLoad(t, s, "ABCDEF")
	if len(rows) != 1 || rows[0].Event.Op != room.OpCreate || rows[0].CmdID != "" {
		t.Fatalf("log after create = %+v, want the create event", rows)
	}

	// A taken code: ErrExists, and the first room is untouched.
	dup := RoomRecord{Code: "ABCDEF", KeyHash: keyHash("k2"), CreatedAt: created.Add(time.Hour), Status: "live"}
	if err := s.CreateRoom(ctx, dup, createEvent("ABCDEF")); !errors.Is(err, ErrExists) {
		t.Fatalf("CreateRoom on a taken code: %v, want ErrExists", err)
	}
	if got, _ := s.Room(ctx, "ABCDEF"); !reflect.DeepEqual(got, rec) {
		t.Fatalf("after a refused create, Room = %+v, want %+v", got, rec)
	}
	if rows := mustLoad(t, s, "ABCDEF"); len(rows) != 1 {
		t.Fatalf("after a refused create, the log has %d events, want 1", len(rows))
	}

	// Bad input is refused and changes nothing.
	bad := []struct {
		name  string
		rec   RoomRecord
		first room.Event
	}{
		{"empty code", RoomRecord{KeyHash: keyHash("k")}, createEvent("")},
		{"short key hash", RoomRecord{Code: "BADKEY", KeyHash: []byte("short")}, createEvent("BADKEY")},
		{"first event not 1", RoomRecord{Code: "BADSEQ", KeyHash: keyHash("k")}, question(2)},
	}
	for _, b := range bad {
		if err := s.CreateRoom(ctx, b.rec, b.first); err == nil {
			t.Errorf("CreateRoom with %s: no error", b.name)
		}
	}

	rec2 := RoomRecord{Code: "GHJKMN", KeyHash: keyHash("k3"), CreatedAt: created.Add(-time.Hour), Status: "scheduled"}
	if err := s.CreateRoom(ctx, rec2, createEvent("GHJKMN")); err != nil {
		t.Fatal(err)
	}
	start := Record{Event: room.Event{Seq: 2, At: 1, Actor: room.Actor{ID: "moderator", Role: room.Moderator}, Command: room.Command{Op: room.OpStart}}}
	if err := s.Append(ctx, "ABCDEF", []Record{start}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Rooms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rec.Status = "live"
	if want := []RoomRecord{rec2, rec}; !reflect.DeepEqual(all, want) {
		t.Fatalf("Rooms = %+v, want %+v (oldest first)", all, want)
	}
}

func TestAppendLoad(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	ctx := context.Background()
	mustCreate(t, s, "ROOM01")

	if err := s.Append(ctx, "ROOM01", nil); err != nil {
		t.Fatalf("empty Append: %v", err)
	}
	for seq := uint64(2); seq <= 4; seq++ {
		if err := s.Append(ctx, "ROOM01", records(seq, seq)); err != nil {
			t.Fatal(err)
		}
	}
	system := Record{Event: room.Event{Seq: 8, At: 5, Actor: room.Actor{Role: room.System},
		Command: room.Command{Op: room.OpReactions, Counts: map[room.Reaction]int{room.Applause: 3, room.Agree: 1}}}}
	if err := s.Append(ctx, "ROOM01", append(records(5, 7), system)); err != nil {
		t.Fatal(err)
	}

	rows := mustLoad(t, s, "ROOM01")
	if len(rows) != 8 {
		t.Fatalf("Load: %d events, want 8", len(rows))
	}
	want := append([]Record{{Event: createEvent("ROOM01")}}, records(2, 7)...)
	want = append(want, system)
	for i, r := range rows {
		if r.Seq != uint64(i+1) {
			t.Fatalf("row %d has seq %d", i, r.Seq)
		}
		if !reflect.DeepEqual(r.Event, want[i].Event) || r.CmdID != want[i].CmdID {
			t.Errorf("event %d = %+v %q, want %+v %q", r.Seq, r.Event, r.CmdID, want[i].Event, want[i].CmdID)
		}
		if !bytes.Equal(r.JSON, mustJSON(t, want[i].Event)) {
			t.Errorf("event %d: stored JSON %s is not json.Marshal of the event", r.Seq, r.JSON)
		}
	}

	page, err := s.Events(ctx, "ROOM01", 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 3 || page[0].Seq != 3 || page[2].Seq != 5 {
		t.Fatalf("Events(after 2, limit 3) = %d rows starting at %d, want 3..5", len(page), page[0].Seq)
	}
	if page, err := s.Events(ctx, "ROOM01", 8, 0); err != nil || len(page) != 0 {
		t.Fatalf("Events after the last = %d rows, %v; want none", len(page), err)
	}

	seq, hash, err := s.Head(ctx, "ROOM01")
	if err != nil {
		t.Fatal(err)
	}
	if seq != 8 || !bytes.Equal(hash, rows[7].Hash) {
		t.Fatalf("Head = %d %x, want 8 %x", seq, hash, rows[7].Hash)
	}

	if err := s.Append(ctx, "NOROOM", records(1, 1)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Append to an unknown room: %v, want ErrNotFound", err)
	}
	if _, err := s.Load(ctx, "NOROOM"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load of an unknown room: %v, want ErrNotFound", err)
	}
	if _, _, err := s.Head(ctx, "NOROOM"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Head of an unknown room: %v, want ErrNotFound", err)
	}
}

func TestAppendGap(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	ctx := context.Background()
	mustCreate(t, s, "GAP001")
	if err := s.Append(ctx, "GAP001", records(2, 3)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		recs []Record
	}{
		{"ahead", records(5, 5)},
		{"replayed", records(3, 3)},
		{"from zero", []Record{{Event: room.Event{Seq: 0}}}},
		{"not contiguous", append(records(4, 4), records(6, 6)...)},
	} {
		if err := s.Append(ctx, "GAP001", tc.recs); !errors.Is(err, ErrGap) {
			t.Errorf("Append %s: %v, want ErrGap", tc.name, err)
		}
	}
	if rows := mustLoad(t, s, "GAP001"); len(rows) != 3 {
		t.Fatalf("after refused appends the log has %d events, want 3", len(rows))
	}
	if err := s.Append(ctx, "GAP001", records(4, 4)); err != nil {
		t.Fatalf("Append after refused ones: %v", err)
	}
}

// TestGapInBatch puts a bad request in the same transaction as good ones:
// only the bad one fails.
func TestGapInBatch(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "t.db")
	s := openStore(t, path, Config{})
	mustCreate(t, s, "AAAAAA")
	mustCreate(t, s, "BBBBBB")
	s.Close()
	// A batch is written when it holds 3 events (or after a minute): the
	// three appends below are one transaction.
	s = openStore(t, path, Config{MaxBatch: 3, MaxDelay: time.Minute})
	ctx := context.Background()
	before := s.Stats()

	reqs := []struct {
		code string
		recs []Record
	}{
		{"AAAAAA", records(2, 2)},
		{"BBBBBB", records(2, 2)},
		{"BBBBBB", records(9, 9)},
	}
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() { errs[i] = s.Append(ctx, r.code, r.recs) })
	}
	wg.Wait()

	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("good appends in a batch with a bad one: %v, %v", errs[0], errs[1])
	}
	if !errors.Is(errs[2], ErrGap) {
		t.Fatalf("bad append: %v, want ErrGap", errs[2])
	}
	after := s.Stats()
	if got := after.Commits - before.Commits; got != 1 {
		t.Fatalf("%d commits for one batch", got)
	}
	if got := after.Events - before.Events; got != 2 {
		t.Fatalf("%d events committed, want 2", got)
	}
	for _, code := range []string{"AAAAAA", "BBBBBB"} {
		if rows := mustLoad(t, s, code); len(rows) != 2 {
			t.Fatalf("room %s has %d events, want 2", code, len(rows))
		}
	}
}

// TestConcurrentAppend runs 50 writers over 10 rooms. Each room's writers
// take turns, as its sequencer would; the rooms run concurrently and share
// commits.
func TestConcurrentAppend(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	ctx := context.Background()
	const (
		rooms   = 10
		writers = 50
		each    = 20 // appends per writer
	)
	type seqr struct {
		mu   sync.Mutex
		next uint64
	}
	seqrs := make([]*seqr, rooms)
	for i := range seqrs {
		mustCreate(t, s, fmt.Sprintf("ROOM%02d", i))
		seqrs[i] = &seqr{next: 2}
	}
	before := s.Stats()

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			i := w % rooms
			code, q := fmt.Sprintf("ROOM%02d", i), seqrs[i]
			for range each {
				q.mu.Lock()
				seq := q.next
				ev := question(seq)
				ev.Actor.ID = fmt.Sprintf("p-%d", w)
				err := s.Append(ctx, code, []Record{{Event: ev, CmdID: fmt.Sprintf("w%d-%d", w, seq)}})
				if err == nil {
					q.next++
				}
				q.mu.Unlock()
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	st := s.Stats()
	events, commits := st.Events-before.Events, st.Commits-before.Commits
	if events != writers*each {
		t.Fatalf("%d events committed, want %d", events, writers*each)
	}
	if commits >= events {
		t.Fatalf("%d commits for %d events: no group commit", commits, events)
	}
	t.Logf("%d events in %d commits (%.1f per commit)", events, commits, float64(events)/float64(commits))

	for i := range rooms {
		code := fmt.Sprintf("ROOM%02d", i)
		rows := mustLoad(t, s, code)
		if len(rows) != 1+writers/rooms*each {
			t.Fatalf("room %s: %d events, want %d", code, len(rows), 1+writers/rooms*each)
		}
		for _, r := range rows[1:] {
			if want := fmt.Sprintf("w%s-%d", r.Event.Actor.ID[2:], r.Seq); r.CmdID != want {
				t.Fatalf("room %s event %d: cmd id %q, want %q", code, r.Seq, r.CmdID, want)
			}
		}
	}
}

func TestVerifyChain(t *testing.T) {
	t.Parallel()
	s, path := tempStore(t)
	ctx := context.Background()
	mustCreate(t, s, "CHAIN1")
	if err := s.Append(ctx, "CHAIN1", records(2, 6)); err != nil {
		t.Fatal(err)
	}
	good := mustLoad(t, s, "CHAIN1")

	// Tamper with the file itself, through a connection of its own.
	raw := openRaw(t, path)
	flip := func(seq uint64, from, to string) {
		t.Helper()
		res, err := raw.Exec(`UPDATE events SET json = CAST(replace(CAST(json AS TEXT), ?, ?) AS BLOB) WHERE room = 'CHAIN1' AND seq = ?`, from, to, seq)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("tampering changed %d rows", n)
		}
	}
	wantBroken := func(what string, seq uint64) {
		t.Helper()
		rows, err := s.Load(ctx, "CHAIN1")
		if err == nil {
			err = VerifyChain(rows)
		}
		ce, ok := errors.AsType[*ChainError](err)
		if !ok {
			t.Fatalf("%s: %v, want a *ChainError", what, err)
		}
		if ce.Seq != seq {
			t.Fatalf("%s: %v, want it at event %d", what, ce, seq)
		}
		t.Logf("%s: %v", what, ce)
	}

	// One byte of event 3's text: 'q' (0x71) becomes 'Q' (0x51). Still valid JSON.
	flip(3, "question number 3", "Question number 3")
	wantBroken("a flipped byte", 3)
	flip(3, "Question number 3", "question number 3")
	mustLoad(t, s, "CHAIN1")

	// A byte that breaks the JSON is reported at its seq by Load.
	flip(5, `"seq":5`, `"seq";5`)
	wantBroken("undecodable JSON", 5)
	flip(5, `"seq";5`, `"seq":5`)

	// A missing row.
	if _, err := raw.Exec(`DELETE FROM events WHERE room = 'CHAIN1' AND seq = 4`); err != nil {
		t.Fatal(err)
	}
	wantBroken("a deleted row", 4)

	// In memory: the other ways a log can be wrong.
	clone := func() []Stored {
		out := make([]Stored, len(good))
		for i, r := range good {
			r.JSON, r.Prev, r.Hash = bytes.Clone(r.JSON), bytes.Clone(r.Prev), bytes.Clone(r.Hash)
			out[i] = r
		}
		return out
	}
	cases := []struct {
		name   string
		tamper func([]Stored) []Stored
		seq    uint64
	}{
		{"a flipped hash byte", func(r []Stored) []Stored { r[1].Hash[7] ^= 1; return r }, 2},
		{"a flipped prev byte", func(r []Stored) []Stored { r[2].Prev[0] ^= 0x80; return r }, 3},
		{"the last row gone", func(r []Stored) []Stored { return r[:5] }, 0},
		{"the first row gone", func(r []Stored) []Stored { return r[1:] }, 1},
		{"rows swapped", func(r []Stored) []Stored { r[3], r[4] = r[4], r[3]; return r }, 4},
		{"renumbered", func(r []Stored) []Stored {
			// The row claims seq 2 but its JSON says 3: re-hashing does not
			// hide that.
			r = append(r[:1:1], r[2:]...)
			for i := 1; i < len(r); i++ {
				r[i].Seq = uint64(i + 1)
				r[i].Prev = r[i-1].Hash
				h := chainHash([32]byte(r[i].Prev), r[i].JSON)
				r[i].Hash = h[:]
			}
			return r
		}, 2},
	}
	for _, tc := range cases {
		err := VerifyChain(tc.tamper(clone()))
		if tc.seq == 0 {
			// Truncation at the end cannot be seen from the rows alone:
			// that is what Head (or a published last hash) is for.
			if err != nil {
				t.Errorf("%s: %v, want nil", tc.name, err)
			}
			continue
		}
		ce, ok := errors.AsType[*ChainError](err)
		if !ok || ce.Seq != tc.seq {
			t.Errorf("%s: %v, want a *ChainError at %d", tc.name, err, tc.seq)
		}
	}
	if err := VerifyChain(nil); err != nil {
		t.Errorf("VerifyChain(nil) = %v", err)
	}
}

func TestReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	ctx := context.Background()

	s, err := Open(ctx, Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "KEEP01")
	mustCreate(t, s, "KEEP02")
	if err := s.Append(ctx, "KEEP01", records(2, 10)); err != nil {
		t.Fatal(err)
	}
	end := Record{Event: room.Event{Seq: 2, At: 1, Actor: room.Actor{ID: "moderator", Role: room.Moderator}, Command: room.Command{Op: room.OpEnd}}}
	if err := s.Append(ctx, "KEEP02", []Record{end}); err != nil {
		t.Fatal(err)
	}
	secret, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before := mustLoad(t, s, "KEEP01")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := s.Append(ctx, "KEEP01", records(11, 11)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close: %v, want ErrClosed", err)
	}

	s = openStore(t, path, Config{})
	after := mustLoad(t, s, "KEEP01")
	if !reflect.DeepEqual(after, before) {
		t.Fatal("log changed across reopen")
	}
	if rec, err := s.Room(ctx, "KEEP02"); err != nil || rec.Status != "ended" {
		t.Fatalf("room after reopen: %+v, %v", rec, err)
	}
	if got, err := s.Secret(ctx); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("secret after reopen: %x, %v; want %x", got, err, secret)
	}

	// The chain goes on from the stored last hash.
	if err := s.Append(ctx, "KEEP01", records(10, 10)); !errors.Is(err, ErrGap) {
		t.Fatalf("replaying event 10 after reopen: %v, want ErrGap", err)
	}
	if err := s.Append(ctx, "KEEP01", records(11, 12)); err != nil {
		t.Fatal(err)
	}
	rows := mustLoad(t, s, "KEEP01")
	if len(rows) != 12 || !bytes.Equal(rows[10].Prev, before[9].Hash) {
		t.Fatalf("after reopen, event 11 does not chain to event 10")
	}
}

func TestSecret(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	ctx := context.Background()
	got := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			var err error
			if got[i], err = s.Secret(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(got[0]) != 32 || bytes.Equal(got[0], make([]byte, 32)) {
		t.Fatalf("secret %x: want 32 random bytes", got[0])
	}
	for _, g := range got[1:] {
		if !bytes.Equal(g, got[0]) {
			t.Fatalf("two secrets: %x and %x", g, got[0])
		}
	}
	// Another store on another file has another secret.
	other, _ := tempStore(t)
	if o, err := other.Secret(ctx); err != nil || bytes.Equal(o, got[0]) {
		t.Fatalf("second file's secret %x, %v: want a different one", o, err)
	}
}

// TestCloseDrains closes the store while writers append: every Append
// either committed (and is there after reopening) or failed with ErrClosed.
func TestCloseDrains(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	ctx := context.Background()
	s, err := Open(ctx, Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	const rooms = 8
	acked := make([]uint64, rooms)
	for i := range rooms {
		mustCreate(t, s, fmt.Sprintf("DRAIN%d", i))
	}
	var wg, started sync.WaitGroup
	started.Add(rooms)
	for i := range rooms {
		wg.Go(func() {
			var once sync.Once
			defer once.Do(started.Done)
			code := fmt.Sprintf("DRAIN%d", i)
			for seq := uint64(2); ; seq++ {
				err := s.Append(ctx, code, records(seq, seq))
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("room %s: %v", code, err)
					return
				}
				acked[i] = seq
				if seq == 5 {
					once.Do(started.Done)
				}
			}
		})
	}
	started.Wait() // every room is appending
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()

	s = openStore(t, path, Config{})
	for i := range rooms {
		rows := mustLoad(t, s, fmt.Sprintf("DRAIN%d", i))
		if uint64(len(rows)) != acked[i] {
			t.Errorf("room %d: %d events after reopen, %d acknowledged", i, len(rows), acked[i])
		}
	}
}

func TestAppendContext(t *testing.T) {
	t.Parallel()
	s, _ := tempStore(t)
	mustCreate(t, s, "CTX001")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Append(ctx, "CTX001", records(2, 2)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Append with a done context: %v, want context.Canceled", err)
	}
	seq, _, err := s.Head(context.Background(), "CTX001")
	if err != nil || seq != 1 {
		t.Fatalf("Head = %d, %v; want 1: a refused append must write nothing", seq, err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), Config{}); err == nil {
		t.Error("Open without a path: no error")
	}
	dir := t.TempDir()
	if _, err := Open(context.Background(), Config{Path: filepath.Join(dir, "missing", "dir", "t.db")}); err == nil {
		t.Error("Open in a missing directory: no error")
	}
	// A file written by a newer schema is refused.
	path := filepath.Join(dir, "new.db")
	openStore(t, path, Config{}).Close()
	raw := openRaw(t, path)
	if _, err := raw.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := Open(context.Background(), Config{Path: path}); err == nil {
		t.Error("Open of a newer schema: no error")
	}
}

// A path with URI metacharacters is a file name like any other.
func TestOddPath(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "a?b#c%20d.db")
	s := openStore(t, path, Config{})
	mustCreate(t, s, "ODD001")
	s.Close()
	s = openStore(t, path, Config{})
	mustLoad(t, s, "ODD001")
}

// TestReadOnly: a store opened ReadOnly beside the one a server writes
// reads every committed event while the writer goes on committing, and
// writes nothing: not an event, not a schema, not a missing file.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, path := tempStore(t)
	mustCreate(t, w, "ROOM1")
	if err := w.Append(ctx, "ROOM1", records(2, 50)); err != nil {
		t.Fatal(err)
	}
	r := openStore(t, path, Config{ReadOnly: true})

	// The writer keeps committing while the reader reads.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for seq := uint64(51); seq <= 150; seq += 10 {
			if err := w.Append(ctx, "ROOM1", records(seq, seq+9)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 20 {
		rows := mustLoad(t, r, "ROOM1")
		if len(rows) < 50 || VerifyChain(rows) != nil {
			t.Fatalf("read %d rows, chain %v", len(rows), VerifyChain(rows))
		}
	}
	wg.Wait()
	if rows := mustLoad(t, r, "ROOM1"); len(rows) != 150 {
		t.Errorf("after the writes: %d rows, want 150", len(rows))
	}
	if err := r.Append(ctx, "ROOM1", records(151, 151)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Append on a read-only store: %v", err)
	}
	if err := r.CreateRoom(ctx, RoomRecord{Code: "ROOM2", KeyHash: keyHash("k")}, createEvent("ROOM2")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("CreateRoom on a read-only store: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if rows := mustLoad(t, w, "ROOM1"); len(rows) != 150 {
		t.Errorf("the writer holds %d rows", len(rows))
	}

	// Nothing to read: refused, and nothing created.
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := Open(ctx, Config{Path: missing, ReadOnly: true}); err == nil {
		t.Error("ReadOnly open of a missing file: no error")
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadOnly open created %s: %v", missing, err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, Config{Path: empty, ReadOnly: true}); err == nil {
		t.Error("ReadOnly open of an empty file: no error")
	}
}

// TestExpiredAndDelete: a meeting that ended and has been quiet since the
// cut-off expires; one still going, or touched since, does not. Deleting
// takes the room and its whole log, and the code can serve again.
func TestExpiredAndDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := tempStore(t)
	at := func(seq uint64, ms int64, op room.Op) Record {
		return Record{Event: room.Event{Seq: seq, At: ms, Actor: room.Actor{ID: "moderator", Role: room.Moderator}, Command: room.Command{Op: op}}}
	}
	for _, code := range []string{"OLD1", "OLD2", "LIVE", "LATE"} {
		mustCreate(t, s, code)
	}
	const day = 24 * 60 * 60 * 1000
	t0 := int64(1_700_000_000_000)
	must := func(code string, recs ...Record) {
		if err := s.Append(ctx, code, recs); err != nil {
			t.Fatal(err)
		}
	}
	leave := Record{Event: room.Event{Seq: 4, At: t0 + 30*day, Actor: room.Actor{ID: "p-1", Role: room.System}, Command: room.Command{Op: room.OpLeave}}}
	must("OLD1", at(2, t0+day, room.OpStart), at(3, t0+2*day, room.OpEnd), leave) // a connection closing later does not count
	must("OLD2", at(2, t0+day, room.OpEnd), at(3, t0+3*day, room.OpAnswer))       // a late answer
	must("LIVE", at(2, t0+day, room.OpStart))                                     // never ended
	must("LATE", at(2, t0+day, room.OpEnd), at(3, t0+30*day, room.OpAnswer))      // answered since the cut-off
	got, err := s.Expired(ctx, time.UnixMilli(t0+10*day))
	if err != nil || !slices.Equal(got, []string{"OLD1", "OLD2"}) {
		t.Fatalf("expired %v %v, want OLD1 OLD2", got, err)
	}

	if err := s.DeleteRoom(ctx, "OLD1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Room(ctx, "OLD1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted room: %v", err)
	}
	if _, err := s.Load(ctx, "OLD1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted room's log: %v", err)
	}
	if err := s.DeleteRoom(ctx, "OLD1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted twice: %v", err)
	}
	var n int
	if err := openRaw(t, path).QueryRow(`SELECT COUNT(*) FROM events WHERE room = 'OLD1'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d events left (%v)", n, err)
	}
	// The others are untouched, and the code is free again.
	if rows := mustLoad(t, s, "OLD2"); len(rows) != 3 {
		t.Errorf("OLD2 has %d events", len(rows))
	}
	mustCreate(t, s, "OLD1")
	must("OLD1", at(2, t0, room.OpStart))
	if rows := mustLoad(t, s, "OLD1"); len(rows) != 2 || VerifyChain(rows) != nil {
		t.Errorf("a new room with the freed code: %d events, chain %v", len(rows), VerifyChain(rows))
	}
}

// TestStatusFollowsTheLog: the rooms table says whether a meeting is
// scheduled, live or ended, as its events do.
func TestStatusFollowsTheLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := tempStore(t)
	mustCreate(t, s, "ROOM7")
	status := func() string {
		t.Helper()
		rec, err := s.Room(ctx, "ROOM7")
		if err != nil {
			t.Fatal(err)
		}
		return rec.Status
	}
	ev := func(seq uint64, op room.Op) Record {
		return Record{Event: room.Event{Seq: seq, At: 1, Actor: room.Actor{ID: "moderator", Role: room.Moderator}, Command: room.Command{Op: op}}}
	}
	if got := status(); got != "scheduled" {
		t.Errorf("created: %q", got)
	}
	if err := s.Append(ctx, "ROOM7", []Record{ev(2, room.OpStart), ev(3, room.OpAnnounce)}); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "live" {
		t.Errorf("started: %q", got)
	}
	if err := s.Append(ctx, "ROOM7", []Record{ev(4, room.OpEnd)}); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "ended" {
		t.Errorf("ended: %q", got)
	}
	// A refused append changes no status.
	if err := s.Append(ctx, "ROOM7", []Record{ev(9, room.OpStart)}); !errors.Is(err, ErrGap) {
		t.Fatalf("append out of sequence: %v", err)
	}
	if got := status(); got != "ended" {
		t.Errorf("after a refused append: %q", got)
	}
}
