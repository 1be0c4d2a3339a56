package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub"
	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// TestUpgradeFromSchema1 opens testdata/schema1.db, written by the binary
// of the first released schema, with today's: every meeting in it still
// verifies end to end (hash chain, replay, recounts), and a hub serves
// them: the report of the ended one, a moderator's snapshot of the live
// one, and a new command committed to it.
func TestUpgradeFromSchema1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fixture, err := os.ReadFile(filepath.Join("testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tribune.db")
	if err := os.WriteFile(path, fixture, 0o600); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	st, err := store.Open(ctx, store.Config{Path: path, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	checked, err := st.Check(ctx)
	if err != nil || checked.Rooms != 3 {
		t.Fatalf("Check: %+v, %v; want 3 rooms", checked, err)
	}
	want := map[string]archive.Summary{
		fixtureEnded:     {Status: room.Ended, Events: 48, Questions: 4, Answered: 2, Refused: 1, Polls: 3, Ballots: 7},
		fixtureLive:      {Status: room.Running, Events: 10, Questions: 1, Polls: 1, Ballots: 1},
		fixtureScheduled: {Status: room.Scheduled, Events: 1},
	}
	for code, w := range want {
		rows, err := st.Load(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := archive.WriteLog(&b, rows); err != nil {
			t.Fatal(err)
		}
		s, err := archive.Verify(&b)
		if err != nil {
			t.Fatalf("%s does not verify: %v", code, err)
		}
		if s.Room != code || s.Status != w.Status || s.Events != w.Events || s.Questions != w.Questions ||
			s.Answered != w.Answered || s.Refused != w.Refused || s.Polls != w.Polls || s.Ballots != w.Ballots {
			t.Errorf("%s: %+v, want %+v", code, s, w)
		}
	}

	h, err := hub.New(ctx, hub.Config{Store: st, Logger: logger, Tick: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	defer func() { srv.Close(); h.Close() }()

	resp, err := http.Get(srv.URL + "/api/rooms/" + fixtureEnded + "/report")
	if err != nil {
		t.Fatal(err)
	}
	var rep archive.Report
	err = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || rep.Code != fixtureEnded || rep.Events != 48 || rep.Questions.Rejected != 1 {
		t.Fatalf("report of %s: %d %v %+v", fixtureEnded, resp.StatusCode, err, rep)
	}

	// The live meeting: the moderator's key still opens it, its snapshot
	// is the replay of its log, and a command commits.
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(wctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/"+fixtureLive,
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {srv.URL}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 22)
	send := func(m map[string]any) {
		b, _ := json.Marshal(m)
		if err := c.Write(wctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	send(map[string]any{"t": "hello", "v": hub.ProtocolVersion, "role": "moderator", "key": fixtureKey})
	var snap struct {
		T    string    `json:"t"`
		Seq  uint64    `json:"seq"`
		View room.View `json:"view"`
		ID   string    `json:"id"`
		Code string    `json:"code"`
	}
	for snap.T != "snapshot" {
		if err := readJSON(wctx, c, &snap); err != nil {
			t.Fatal(err)
		}
		if snap.T == "error" {
			t.Fatalf("hello as moderator: %s", snap.Code)
		}
	}
	rows, err := st.Load(ctx, fixtureLive)
	if err != nil {
		t.Fatal(err)
	}
	var evs []room.Event
	for _, r := range rows[:snap.Seq] {
		evs = append(evs, r.Event)
	}
	replayed, err := room.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(snap.View)
	wantView, _ := json.Marshal(replayed.View(room.Moderator))
	if !bytes.Equal(got, wantView) {
		t.Errorf("the live meeting's snapshot differs from its replay:\n got %s\nwant %s", got, wantView)
	}
	if len(snap.View.Questions) != 1 || len(snap.View.Polls) != 1 {
		t.Errorf("the live meeting shows %d questions, %d polls; want 1, 1", len(snap.View.Questions), len(snap.View.Polls))
	}
	send(map[string]any{"t": "cmd", "id": "after-upgrade", "cmd": room.Command{Op: room.OpPollClose, Poll: 1}})
	var ack struct {
		T    string `json:"t"`
		ID   string `json:"id"`
		Seq  uint64 `json:"seq"`
		Code string `json:"code"`
	}
	for ack.ID != "after-upgrade" {
		if err := readJSON(wctx, c, &ack); err != nil {
			t.Fatal(err)
		}
	}
	if ack.T != "ack" {
		t.Fatalf("closing the poll after the upgrade: %+v", ack)
	}
	rows, err = st.Load(ctx, fixtureLive)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyChain(rows); err != nil || uint64(len(rows)) < ack.Seq || rows[ack.Seq-1].Event.Op != room.OpPollClose {
		t.Errorf("the command acknowledged at %d is not in the log (%d events, chain %v)", ack.Seq, len(rows), err)
	}
}

// readJSON reads the next message into *v, which it zeroes first.
func readJSON[T any](ctx context.Context, c *websocket.Conn, v *T) error {
	_, b, err := c.Read(ctx)
	if err != nil {
		return err
	}
	*v = *new(T)
	return json.Unmarshal(b, v)
}
