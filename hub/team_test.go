package hub

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/room"
)

// addSeat has the organiser add a seat and returns its key.
func addSeat(t *testing.T, org *client, name string, scope room.Scope) (room.SeatID, string) {
	t.Helper()
	r := org.do(room.Command{Op: room.OpTeamAdd, Name: name, Scope: scope})
	if r.Code != "" || r.Key == "" {
		t.Fatalf("team.add %s: %+v", name, r)
	}
	org.waitSeq(r.Seq)
	org.mu.Lock()
	defer org.mu.Unlock()
	return org.view.Team[len(org.view.Team)-1].ID, r.Key
}

// refusedKey checks that a moderator hello with key is refused with
// bad_key and closed with 1008, and returns the error's message.
func refusedKey(t *testing.T, base, code, key string) string {
	t.Helper()
	cl := dialRaw(t, base, code)
	cl.send(map[string]any{"t": "hello", "v": ProtocolVersion, "role": "moderator", "key": key})
	e := cl.lastError()
	if e.Code != "bad_key" {
		t.Fatalf("hello with a refused key: error %q, want bad_key", e.Code)
	}
	if c := cl.waitClosed(); c != websocket.StatusPolicyViolation {
		t.Fatalf("hello with a refused key: close %d, want 1008", c)
	}
	return e.Message
}

// A seat's link works, is bounded by its scope, and is named in the
// ledger; revoked while connected, its session is closed at once and its
// key refused, also after the hub restarts on the same SQLite file; the
// organiser's key and the other seats keep working.
func TestTeamRevoke(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	th := startHubOn(t, path, testTick)
	cr := createRoom(t, th.url, `{"title":"Team"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"

	backID, backKey := addSeat(t, org, "Backstage", room.ScopeBackstage)
	chairID, chairKey := addSeat(t, org, "Chair", room.ScopeAll)
	if backKey == chairKey || backKey == cr.ModeratorKey {
		t.Fatal("two links share a key")
	}
	// The organiser's key is not a seat's: the hash a client sends is not kept.
	if r := org.do(room.Command{Op: room.OpTeamAdd, Name: "x", Scope: room.ScopeAll, KeyHash: strings.Repeat("ab", 32)}); r.Code != "" || r.Key == "" {
		t.Fatalf("team.add with a hash of the client's: %+v", r)
	}

	org.must(room.Command{Op: room.OpStart})
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	p.name = "p"
	q := p.do(room.Command{Op: room.OpAsk, Text: "Why is the park closing?"})
	if q.Code != "" {
		t.Fatalf("ask: %+v", q)
	}

	back := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: backKey})
	back.name = "back"
	chair := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: chairKey})
	chair.name = "chair"

	// Backstage suggests, and acts on nothing.
	back.refused(room.Command{Op: room.OpHighlight, Question: 1}, "forbidden")
	seq := back.must(room.Command{Op: room.OpNote, Text: "note-secret: asked before", Question: 1})
	org.waitSeq(seq)
	org.mu.Lock()
	notes := org.view.Notes
	org.mu.Unlock()
	if len(notes) != 1 || notes[0].By != backID || notes[0].Text != "note-secret: asked before" {
		t.Fatalf("the organiser's notes: %+v", notes)
	}
	p.waitSeq(seq)
	if s := string(p.state()); strings.Contains(s, "note-secret") || strings.Contains(s, "Backstage") {
		t.Fatalf("a participant sees the note or the team: %s", s)
	}
	// The chair acts, and the ledger says so.
	seq = chair.must(room.Command{Op: room.OpHighlight, Question: 1})
	org.waitSeq(seq)
	org.mu.Lock()
	last := org.view.Ledger[len(org.view.Ledger)-1]
	org.mu.Unlock()
	if last.Op != room.OpHighlight || last.By != chairID {
		t.Fatalf("ledger entry %+v, want a highlight by seat %d", last, chairID)
	}
	// A seat may not hand out links.
	chair.refused(room.Command{Op: room.OpTeamAdd, Name: "y", Scope: room.ScopeAll}, "forbidden")

	// Revoked while connected: cut at once, and its key refused.
	org.must(room.Command{Op: room.OpTeamRevoke, Seat: backID})
	if c := back.waitClosed(); c != statusRevoked {
		t.Fatalf("revoked session closed with %d, want %d", c, statusRevoked)
	}
	if msg := refusedKey(t, th.url, cr.Code, backKey); !strings.Contains(msg, "revoked") {
		t.Errorf("refusal %q does not say the link was revoked", msg)
	}
	refusedKey(t, th.url, cr.Code, backKey+"x")
	chair.must(room.Command{Op: room.OpPin, Question: 1, On: true}) // the others go on

	// After a restart on the same file: still refused; the rest still works.
	org.c.CloseNow()
	chair.c.CloseNow()
	p.c.CloseNow()
	th.stop()
	th = startHubOn(t, path, testTick)
	defer th.stop()
	refusedKey(t, th.url, cr.Code, backKey)
	chair = dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: chairKey})
	chair.name = "chair2"
	chair.must(room.Command{Op: room.OpPin, Question: 1, On: false})
	org = dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org2"
	org.must(room.Command{Op: room.OpTeamRevoke, Seat: chairID})
	if c := chair.waitClosed(); c != statusRevoked {
		t.Fatalf("revoked after restart: closed with %d", c)
	}
	refusedKey(t, th.url, cr.Code, chairKey)
}

// A team.add retried with the same command id is acknowledged once more
// with the same seq and the same key: the one whose hash the log kept.
func TestTeamAddRetried(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	defer th.stop()
	cr := createRoom(t, th.url, `{"title":"Retry"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	cmd := map[string]any{"op": "team.add", "name": "Chair", "scope": "all"}
	org.send(map[string]any{"t": "cmd", "id": "same", "cmd": cmd})
	first := org.await("same")
	org.mu.Lock()
	delete(org.replies, "same")
	org.mu.Unlock()
	org.send(map[string]any{"t": "cmd", "id": "same", "cmd": cmd})
	again := org.await("same")
	if first.Code != "" || first.Seq != again.Seq || first.Key != again.Key {
		t.Fatalf("first %+v, retried %+v", first, again)
	}
	dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: again.Key})
}

// A link works as soon as the organiser got it: opened the moment the ack
// arrives, long before the fan-out's next tick has applied the seat, it is
// welcomed as its seat (and a wrong key is still refused).
func TestTeamLinkAtOnce(t *testing.T) {
	t.Parallel()
	th := startHub(t, time.Second) // a slow tick: the seat is applied long after the ack
	defer th.stop()
	cr := createRoom(t, th.url, `{"title":"At once"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	for i, scope := range []room.Scope{room.ScopeAll, room.ScopeBackstage} {
		r := org.do(room.Command{Op: room.OpTeamAdd, Name: "Seat " + string(scope), Scope: scope})
		if r.Code != "" || r.Key == "" {
			t.Fatalf("team.add: %+v", r)
		}
		m := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: r.Key})
		if want := room.SeatID(i + 1); m.welcome.Seat != want {
			t.Fatalf("link opened at once: welcome names seat %d, want %d", m.welcome.Seat, want)
		}
		// It acts as its seat from its first command.
		if s := m.must(room.Command{Op: room.OpNote, Text: "here"}); s <= r.Seq {
			t.Fatalf("note at seq %d, after the seat's %d", s, r.Seq)
		}
	}
	refusedKey(t, th.url, cr.Code, "not-a-key-of-this-room")
}

// The QR code of a seat's link is drawn for the organiser only, and only
// for a key of a seat of this room that acts; a seat's welcome names it.
func TestLinkQR(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	defer th.stop()
	cr := createRoom(t, th.url, `{"title":"QR"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	seat, key := addSeat(t, org, "Chair", room.ScopeAll)
	post := func(orgKey, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", th.url+"/api/rooms/"+cr.Code+"/link-qr", strings.NewReader(body))
		req.Header.Set(keyHeader, orgKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, b := post(cr.ModeratorKey, `{"key":"`+key+`"}`); code != http.StatusOK || !strings.HasPrefix(b, "<svg") {
		t.Fatalf("link-qr: %d %.80s", code, b)
	}
	for _, c := range []struct {
		name, orgKey, body string
		status             int
	}{
		{"a seat's key as the organiser's", key, `{"key":"` + key + `"}`, http.StatusForbidden},
		{"no organiser key", "", `{"key":"` + key + `"}`, http.StatusForbidden},
		{"the organiser's own key", cr.ModeratorKey, `{"key":"` + cr.ModeratorKey + `"}`, http.StatusBadRequest},
		{"any text", cr.ModeratorKey, `{"key":"https://evil.example"}`, http.StatusBadRequest},
		{"not JSON", cr.ModeratorKey, `key`, http.StatusBadRequest},
	} {
		if code, b := post(c.orgKey, c.body); code != c.status {
			t.Errorf("%s: %d %.80s, want %d", c.name, code, b, c.status)
		}
	}
	cl := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: key})
	if cl.welcome.Seat != seat {
		t.Errorf("welcome names seat %d, want %d", cl.welcome.Seat, seat)
	}
	if org.welcome.Seat != 0 {
		t.Errorf("the organiser's welcome names seat %d", org.welcome.Seat)
	}
	dups := func(key string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", th.url+"/api/rooms/"+cr.Code+"/duplicates", nil)
		req.Header.Set(keyHeader, key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := dups(key); code != http.StatusOK {
		t.Errorf("a link's duplicates: %d", code)
	}
	org.waitSeq(org.must(room.Command{Op: room.OpTeamRevoke, Seat: seat}))
	cl.waitClosed()
	if code := dups(key); code != http.StatusForbidden {
		t.Errorf("a revoked link's duplicates: %d", code)
	}
	if code, _ := post(cr.ModeratorKey, `{"key":"`+key+`"}`); code != http.StatusBadRequest {
		t.Errorf("link-qr of a revoked link: %d", code)
	}
}

// On a cluster, a link the organiser makes through one edge works on the
// other, and its revocation, ordered by the primary, cuts its session on
// that other edge and refuses its key there.
func TestClusterTeamRevoke(t *testing.T) {
	t.Parallel()
	c := startCluster(t)
	cr := createRoom(t, c.a.url, `{"title":"Team on edges"}`)
	org := dial(t, c.a.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	r := org.do(room.Command{Op: room.OpTeamAdd, Name: "Moderator 2", Scope: room.ScopeQuestions})
	if r.Code != "" || r.Key == "" {
		t.Fatalf("team.add: %+v", r)
	}
	seat, key := room.SeatID(1), r.Key
	// The link works on the other edge as soon as the organiser has it,
	// whether or not the primary's event has reached that edge yet.
	m2 := dial(t, c.b.url, cr.Code, helloArgs{Role: "moderator", Key: key})
	m2.name = "m2"
	if m2.welcome.Seat != seat {
		t.Fatalf("welcome names seat %d, want %d", m2.welcome.Seat, seat)
	}
	m2.refused(room.Command{Op: room.OpStart}, "forbidden")
	m2.must(room.Command{Op: room.OpNote, Text: "from the other edge"})
	revoked := org.must(room.Command{Op: room.OpTeamRevoke, Seat: seat})
	if code := m2.waitClosed(); code != statusRevoked {
		t.Fatalf("revoked on the other edge: closed with %d", code)
	}
	refusedKey(t, c.b.url, cr.Code, key)
	org.waitSeq(revoked) // this edge has applied it too
	refusedKey(t, c.a.url, cr.Code, key)
}

// The moderators' downloads take the organiser's key or a link's whose
// scope sees everything (all, backstage); a questions-only link, a
// revoked one and any other key are refused, and the same after the end.
func TestTeamArchiveDownload(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	defer th.stop()
	cr := createRoom(t, th.url, `{"title":"Minutes"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	_, allKey := addSeat(t, org, "Chair", room.ScopeAll)
	_, qKey := addSeat(t, org, "Moderator 2", room.ScopeQuestions)
	_, backKey := addSeat(t, org, "Clerk", room.ScopeBackstage)
	goneSeat, goneKey := addSeat(t, org, "Gone", room.ScopeAll)
	org.must(room.Command{Op: room.OpTeamRevoke, Seat: goneSeat})
	org.must(room.Command{Op: room.OpStart})
	get := func(path, key string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", th.url+"/api/rooms/"+cr.Code+path, nil)
		req.Header.Set(keyHeader, key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	check := func(when string) {
		t.Helper()
		for _, c := range []struct {
			who, key string
			status   int
			says     string
		}{
			{"the organiser", cr.ModeratorKey, http.StatusOK, ""},
			{"a link of scope all", allKey, http.StatusOK, ""},
			{"a backstage link", backKey, http.StatusOK, ""},
			{"a questions-only link", qKey, http.StatusForbidden, "limited to questions"},
			{"a revoked link", goneKey, http.StatusForbidden, "revoked"},
			{"no key", "", http.StatusForbidden, "organiser's key"},
			{"another key", "not-a-key", http.StatusForbidden, "organiser's key"},
		} {
			for _, path := range []string{"/log.json", "/data.zip"} {
				code, b := get(path, c.key)
				if code != c.status || !strings.Contains(b, c.says) {
					t.Errorf("%s: %s %s: %d %.120s, want %d saying %q", when, c.who, path, code, b, c.status, c.says)
				}
				if code == http.StatusOK && path == "/log.json" && !strings.Contains(b, `"team.add"`) {
					t.Errorf("%s: %s: log.json without the team: %.120s", when, c.who, b)
				}
			}
		}
	}
	check("during the meeting")
	org.must(room.Command{Op: room.OpEnd})
	check("after the end")
}
