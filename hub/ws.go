package hub

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/room"
)

// moderatorID is the actor id of every session of the organiser's key:
// the key, not a person, is what moderates, and those who share it act
// as one. A seat of the moderation team acts as room.SeatActor (team.go).
const moderatorID = "moderator"

// serveWS upgrades GET /ws/{code} and runs the session until it ends.
func (h *Hub) serveWS(w http.ResponseWriter, r *http.Request) {
	if !h.enter() {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "shutting down")
		return
	}
	// Counted from here until the goroutines serving the connection return
	// (Close waits for them): this handler, or the session's goroutine once
	// it is handed over.
	handed := false
	defer func() {
		if !handed {
			h.conns.Done()
		}
	}()
	// A hello still awaited when Close runs out of time is cut like a
	// session.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(h.cutCtx, cancel)
	defer stop()

	code := normalizeCode(r.PathValue("code"))
	hr, err := h.room(ctx, code)
	if err != nil {
		h.httpError(w, err)
		return
	}
	// A browser's upgrade must come from this host or an allowed origin, so
	// that a page elsewhere cannot make its visitors' browsers take part in
	// a meeting (from where they are, as who they seem to be). Browsers
	// always send Origin on an upgrade; tools (the load generator) send
	// none and are let in, as Accept does: a tool can send any Origin, so
	// checking it would stop none of them (PROTOCOL.md, TestOrigin).
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.cfg.Origins})
	if err != nil {
		return // Accept has answered (403 for a foreign origin)
	}
	c.SetReadLimit(maxFrame)

	s, hello, err := h.hello(ctx, c, hr)
	if err != nil {
		h.refuseHello(c, err)
		c.CloseNow()
		return
	}
	// The session runs on a goroutine of its own and this handler returns:
	// net/http's goroutine has grown its stack serving the request, and it
	// would keep it, and the request, for the whole meeting. In a room of
	// ten thousand that is most of the memory a connection costs.
	handed = true
	go func() {
		defer h.conns.Done()
		h.serveSession(c, hr, s, hello)
	}()
}

// serveSession runs one session until its connection ends, and returns
// once its close handshake has ended too (s.finished).
func (h *Hub) serveSession(c *websocket.Conn, hr *hubRoom, s *session, hello inbound) {
	defer c.CloseNow()
	// A failed write cancels ctx, which ends the reader: neither outlives
	// the other. Close cancels cutCtx for the sessions it cannot wait for
	// any longer: the read ends, which closes the connection and ends a
	// close handshake still waiting for the client's answer.
	ctx, cancel := context.WithCancel(h.cutCtx)
	defer cancel()
	s.c, s.cancel, s.metrics, s.pingTimeout = c, cancel, h.metrics, h.pingTimeout
	if s.role == room.Participant {
		s.holder = h.newHolder()
	}
	if !h.track(s, hr) {
		// Drained since the hello (or the room unloaded). Nothing reads
		// this connection: CloseRead does, under ctx, so that the client's
		// answer is read and Close can cut it.
		c.CloseRead(ctx)
		c.Close(1012, "service restart")
		return
	}
	defer h.untrack(s, hr)

	welcome := welcomeMsg{T: "welcome", V: ProtocolVersion, Role: s.role, Seat: s.actor.Seat(), Seq: hr.fan.seq.Load()}
	if s.role == room.Participant {
		welcome.Participant = s.participant
		welcome.Token = h.signer.issue(hr.code, s.participant, h.now())
	}
	s.enqueue(encode(welcome))
	if msg := h.backend.Greeting(); msg != nil {
		// Status changes are broadcast; a session opened while the primary
		// is unreachable must hear it too.
		s.enqueue(msg)
	}
	var plim *rate.Limiter // moderators are bounded by the frame rate only
	if s.role == room.Participant {
		plim = hr.limiter(s.participant)
		h.arrive(hr, s, hello.Channel, hello.Name)
		defer h.depart(hr, s)
	}
	hr.fan.add(s, hello.Since)
	defer hr.fan.remove(s)

	err := h.readLoop(ctx, c, s, hr, plim)
	switch {
	case errors.Is(err, errFlood):
		s.close(websocket.StatusPolicyViolation, "flood")
	case websocket.CloseStatus(err) == websocket.StatusMessageTooBig:
		s.close(websocket.StatusMessageTooBig, "frame too large")
	default:
		s.close(websocket.StatusNormalClosure, "")
	}
	<-s.finished
}

// hello reads and checks the first message and returns the session it
// opens.
func (h *Hub) hello(ctx context.Context, c *websocket.Conn, hr *hubRoom) (*session, inbound, error) {
	ctx, cancel := context.WithTimeout(ctx, helloTimeout)
	defer cancel()
	b, err := readFrame(ctx, c)
	if err != nil {
		return nil, inbound{}, err
	}
	var in inbound
	if err := decodeStrict(b, &in); err != nil || in.T != "hello" {
		return nil, in, errBadHello
	}
	if in.V != ProtocolVersion {
		return nil, in, fmt.Errorf("%w: protocol version %d, this server speaks %d", errBadVersion, in.V, ProtocolVersion)
	}
	role, ok := room.ParseRole(in.Role)
	switch {
	case !ok || role == room.System:
		return nil, in, fmt.Errorf("%w: unknown role", errBadHello)
	case role == room.Moderator:
		a, err := h.moderatorActor(ctx, in.Key, hr)
		if err != nil {
			return nil, in, err
		}
		return newSession(role, a), in, nil
	case role == room.Screen:
		return newSession(role, room.Actor{Role: role}), in, nil
	}
	switch in.Channel {
	case "":
		in.Channel = room.Remote
	case room.InRoom, room.Remote:
	default:
		return nil, in, fmt.Errorf("%w: channel must be room or remote", errBadHello)
	}
	var id string
	if in.Card != "" {
		// A voting card: the card is who votes (cards.go).
		if id, err = h.cardActor(ctx, hr, in.Card); err != nil {
			return nil, in, err
		}
	} else if in.Token != "" {
		if id, err = h.signer.check(in.Token, hr.code, h.now()); err != nil {
			return nil, in, err
		}
	} else {
		// Someone new: counted against the room's limit (joins.go).
		if !hr.joins.admit(h.now()) {
			return nil, in, ErrJoinsLimited
		}
		id = newParticipantID()
	}
	return newSession(role, room.Actor{ID: id, Role: role}), in, nil
}

var (
	errBadHello   = errors.New("hub: invalid hello")
	errBadVersion = errors.New("hub: another protocol version")
)

// refuseHello tells the client why (bad_hello, bad_version, bad_token or
// bad_key), then closes with 1008 (policy).
func (h *Hub) refuseHello(c *websocket.Conn, err error) {
	switch {
	case websocket.CloseStatus(err) == websocket.StatusMessageTooBig:
		return
	case errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("%w: no hello within %s", errBadHello, helloTimeout)
	case !errors.Is(err, errBadHello) && !errors.Is(err, errBadVersion) && !errors.Is(err, ErrBadToken) && !errors.Is(err, ErrBadKey) && !errors.Is(err, ErrJoinsLimited) && !errors.Is(err, ErrBadCard):
		err = fmt.Errorf("%w: %v", errBadHello, err) // a frame no hello could be
	}
	code, retry := errorCode(err)
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	c.Write(ctx, websocket.MessageText, encode(errorMsg{T: "error", Code: code, Message: err.Error(), Retry: retry}))
	if retry {
		c.Close(websocket.StatusTryAgainLater, code)
		return
	}
	c.Close(websocket.StatusPolicyViolation, code)
}
