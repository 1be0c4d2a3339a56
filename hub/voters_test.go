package hub

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/room"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) now() time.Time       { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) add(d time.Duration)  { c.ns.Add(int64(d)) }
func (c *fakeClock) window() int64        { return roomWindow(c.now()) }
func (cl *client) shownCode() roomCodeMsg { cl.mu.Lock(); defer cl.mu.Unlock(); return cl.roomCode }
func (cl *client) checkedIn() bool        { cl.mu.Lock(); defer cl.mu.Unlock(); return cl.mine.CheckedIn }
func (cl *client) polls() []room.PollView { cl.mu.Lock(); defer cl.mu.Unlock(); return cl.view.Polls }
func (cl *client) counts() *room.CountsView {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.view.Counts
}
func (cl *client) participantID() string {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.welcome.Participant
}
func (cl *client) waitCode(not string) string {
	cl.t.Helper()
	cl.waitFor(func() bool { return cl.roomCode.Code != "" && cl.roomCode.Code != not })
	return cl.shownCode().Code
}

// A poll counted in the room: the screen is sent the code of the current
// 30-second window, and a new one when the window turns (the hub's clock
// is the test's); a participant who has not typed it may not vote; a
// wrong code and one two windows old are refused; the code of the window
// before is still accepted, and the current one; the code never reaches
// the log.
func TestRoomCode(t *testing.T) {
	t.Parallel()
	clock := newFakeClock(time.Date(2026, 3, 12, 18, 0, 5, 0, time.UTC))
	th := startHubConfig(t, filepath.Join(t.TempDir(), "tribune.db"), Config{Tick: testTick, Now: clock.now}, nil, nil)
	cr := createRoom(t, th.url, `{"title":"In the room"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	org.must(room.Command{Op: room.OpStart})
	screen := dial(t, th.url, cr.Code, helloArgs{Role: "screen"})
	screen.name = "screen"
	ann := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	ann.name = "ann"
	bea := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	bea.name = "bea"

	poll := org.do(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Adopt the budget?", Options: []string{"Yes", "No"}, Counting: room.CountRoom})
	seq := org.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	ann.waitSeq(seq)
	if poll.Code != "" || ann.polls()[0].Counting != room.CountRoom {
		t.Fatalf("the poll does not say it counts the room: %+v", ann.polls())
	}
	first := screen.waitCode("")
	if want := th.hub.signer.roomCode(cr.Code, clock.window()); first != want || len(first) != roomCodeDigits {
		t.Fatalf("screen shows %q, want %q", first, want)
	}
	if m := screen.shownCode(); m.Until != (clock.window()+1)*30_000 {
		t.Fatalf("until %d, want the end of the window", m.Until)
	}

	// Not checked in: the ballot is refused, naming the command.
	r := ann.do(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	if r.Code != "not_voter" || !strings.Contains(r.Message, "poll.vote") {
		t.Fatalf("vote before checking in: %+v", r)
	}
	wrong := "000000"
	if wrong == first {
		wrong = "111111"
	}
	r = ann.do(room.Command{Op: room.OpCheckin, Code: wrong})
	if r.Code != "bad_room_code" || !strings.Contains(r.Message, "presence.checkin") {
		t.Fatalf("a wrong code: %+v", r)
	}

	// The window turns: the screen is told; the code before still works.
	clock.add(30 * time.Second)
	second := screen.waitCode(first)
	if second != th.hub.signer.roomCode(cr.Code, clock.window()) {
		t.Fatalf("screen shows %q after the window turned", second)
	}
	ci := ann.must(room.Command{Op: room.OpCheckin, Code: first[:3] + " " + first[3:]})
	ann.waitFor(func() bool { return ann.mine.CheckedIn })
	ann.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})

	// Two windows later the second code is too old; the current one works.
	clock.add(60 * time.Second)
	third := screen.waitCode(second)
	bea.refused(room.Command{Op: room.OpCheckin, Code: second}, "bad_room_code")
	if bea.checkedIn() {
		t.Fatal("bea is checked in with an old code")
	}
	bea.must(room.Command{Op: room.OpCheckin, Code: third})
	last := bea.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})
	org.waitSeq(last)
	if p := org.polls()[0]; p.Ballots != 2 || p.Results.Tally[0] != 1 || p.Results.Tally[1] != 1 {
		t.Fatalf("poll %+v", p)
	}
	if c := org.counts(); c.CheckedIn != 2 {
		t.Fatalf("counts %+v", c)
	}
	// The log holds who checked in, by pseudonymous id, and no code.
	rows, err := th.store.Load(t.Context(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	ev := rows[ci-1].Event
	if ev.Op != room.OpCheckin || ev.Actor.Role != room.System || ev.Actor.ID != ann.participantID() || ev.Code != "" {
		t.Fatalf("check-in event %+v", ev)
	}
	for _, row := range rows {
		b, _ := json.Marshal(row.Event)
		for _, code := range []string{first, second, third} {
			if bytes.Contains(b, []byte(code)) && row.Event.Op != room.OpCreate {
				t.Fatalf("a room code is in the log: %s", b)
			}
		}
	}

	// Closed, the poll needs no code: the screen is told to hide it.
	org.must(room.Command{Op: room.OpPollClose, Poll: 1})
	screen.waitFor(func() bool { return screen.roomCode.Code == "" })
}

// postJSON posts body with the organiser's key.
func postJSON(t *testing.T, url, key, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(keyHeader, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// dialCard opens a participant session with a voting card.
func dialCard(t *testing.T, base, code, card string) *client {
	t.Helper()
	cl := dialRaw(t, base, code)
	cl.send(map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "channel": "room", "card": card})
	cl.waitFor(func() bool { return cl.hasView || cl.closed })
	return cl
}

// Voting cards: the organiser's key makes N cards and their PDF, the log
// keeps only their hashes; one card used from two devices is one voter:
// its second ballot replaces the first, and the poll counts one; a
// participant without a card may not vote in a card poll; a card this
// meeting did not issue is refused at hello.
func TestCardTwoDevices(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Cards"}`)
	org := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	org.name = "org"
	org.must(room.Command{Op: room.OpStart})

	base := th.url + "/api/rooms/" + cr.Code
	if resp, _ := postJSON(t, base+"/cards", "", `{"count":3}`); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cards without the key: %d", resp.StatusCode)
	}
	if resp, _ := postJSON(t, base+"/cards", cr.ModeratorKey, `{"count":0}`); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("no card: %d", resp.StatusCode)
	}
	resp, b := postJSON(t, base+"/cards", cr.ModeratorKey, `{"count":3}`)
	var issued cardsIssued
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &issued) != nil || len(issued.Cards) != 3 || len(issued.Links) != 3 {
		t.Fatalf("cards: %d %s", resp.StatusCode, b)
	}
	if !strings.HasSuffix(issued.Links[0], "/j/"+cr.Code+"#card="+issued.Cards[0]) {
		t.Fatalf("link %q", issued.Links[0])
	}
	resp, pdf := postJSON(t, base+"/cards.pdf", cr.ModeratorKey, `{"cards":["`+strings.Join(issued.Cards, `","`)+`"]}`)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("cards.pdf: %d %.100s", resp.StatusCode, pdf)
	}
	if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != 3 {
		t.Fatalf("the PDF has %d QR codes, want 3", n)
	}
	if resp, b := postJSON(t, base+"/cards.pdf", cr.ModeratorKey, `{"cards":["not-a-card"]}`); resp.StatusCode != http.StatusBadRequest || !bytes.Contains(b, []byte("bad_card")) {
		t.Fatalf("cards.pdf of another text: %d %s", resp.StatusCode, b)
	}
	rows, err := th.store.Load(t.Context(), cr.Code)
	if err != nil {
		t.Fatal(err)
	}
	ev := rows[issued.Seq-1].Event
	if ev.Op != room.OpCardsIssue || len(ev.Cards) != 3 || ev.Cards[0] != cardHash(issued.Cards[0]) {
		t.Fatalf("cards.issue event %+v", ev)
	}
	for _, row := range rows {
		if b, _ := json.Marshal(row.Event); bytes.Contains(b, []byte(issued.Cards[0])) {
			t.Fatalf("a card's secret is in the log: %s", b)
		}
	}

	org.must(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which park first?", Options: []string{"North", "South"}, Counting: room.CountCards})
	org.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	phone := dialCard(t, th.url, cr.Code, issued.Cards[0])
	phone.name = "phone"
	laptop := dialCard(t, th.url, cr.Code, issued.Cards[0])
	laptop.name = "laptop"
	if phone.participantID() != room.CardActor(1) || laptop.participantID() != room.CardActor(1) {
		t.Fatalf("the two devices are %q and %q, want %q", phone.participantID(), laptop.participantID(), room.CardActor(1))
	}
	phone.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	laptop.refused(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}}, "already")
	last := laptop.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})

	nobody := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	nobody.name = "nobody"
	nobody.refused(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}}, "not_voter")

	org.waitSeq(last)
	org.waitFor(func() bool { return org.view.Counts != nil && org.view.Counts.Joined == 2 })
	if p := org.polls()[0]; p.Ballots != 1 || p.Results.Tally[0] != 0 || p.Results.Tally[1] != 1 {
		t.Fatalf("poll %+v", p)
	}
	if c := org.counts(); c.Cards != 3 || c.CardsVoted != 1 || c.Joined != 2 {
		t.Fatalf("counts %+v", c)
	}
	// A reload with the welcome's token is the card again.
	phone.mu.Lock()
	token := phone.welcome.Token
	phone.mu.Unlock()
	again := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Token: token})
	if again.participantID() != room.CardActor(1) {
		t.Fatalf("reload with the token: %q", again.participantID())
	}

	// A card of no one's: refused at hello.
	bad := dialRaw(t, th.url, cr.Code)
	bad.send(map[string]any{"t": "hello", "v": ProtocolVersion, "role": "participant", "card": "forged-card"})
	if c := bad.waitClosed(); c != websocket.StatusPolicyViolation {
		t.Fatalf("a forged card: close %d", c)
	}
	bad.mu.Lock()
	errs := bad.errs
	bad.mu.Unlock()
	if len(errs) == 0 || errs[0].Code != "bad_card" {
		t.Fatalf("a forged card: errors %+v", errs)
	}
}
