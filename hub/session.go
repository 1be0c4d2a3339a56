package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/room"
)

// Connection limits and timing. The heartbeat period is well below the
// client's 40 s silence watchdog (PROTOCOL.md), and the ping period leaves
// pingTimeout for the pong before the next ping.
const (
	// maxFrame is the largest client frame; a larger one closes with 1009.
	maxFrame = 16 << 10
	// queueSize bounds a session's outgoing messages. Patches come at most
	// once per tick, so a full queue means the client stopped reading for
	// seconds: it is closed as too slow and will resume with `since`.
	queueSize = 256
	// writeTimeout bounds one frame write to a client.
	writeTimeout = 10 * time.Second
	// helloTimeout is how long a new connection may take to say hello.
	helloTimeout = 10 * time.Second
	// heartbeatPeriod is how often every session is sent {"t":"hb"}, by its
	// room's fan-out, encoded once.
	heartbeatPeriod = 15 * time.Second
	// Every second heartbeat also pings (every 30 s); a peer that does not
	// answer within pingTimeout is dropped as dead.
	pingTimeout = 15 * time.Second
	// maxCmdID bounds client command ids.
	maxCmdID = 64
)

// Rate limits. A venue may put hundreds of phones behind one public IP, so
// limits are per participant and per connection, never per address.
var (
	// participantRate bounds commands per participant, across their tabs.
	participantRate, participantBurst = rate.Limit(5), 20
	// frameRate bounds every frame on one connection; a client that keeps
	// exceeding it is flooding and is closed with 1008.
	frameRate, frameBurst = rate.Limit(50), 200
	// floodStrikes is how many frames past frameRate within one second
	// close a connection.
	floodStrikes = 40
)

// conn is what a session writes to: a WebSocket (*websocket.Conn), or a
// read-only Server-Sent Events stream (sseConn, sse.go).
type conn interface {
	Write(ctx context.Context, typ websocket.MessageType, msg []byte) error
	Ping(ctx context.Context) error
	Close(code websocket.StatusCode, reason string) error
	CloseNow() error
}

var _ conn = (*websocket.Conn)(nil)

// session is one WebSocket connection in one room (or one Server-Sent
// Events stream: sse.go). Its reader is the
// goroutine that serves the upgrade (serveWS); its writer exists only while
// messages wait (flush), so that an idle connection, most of a large room,
// costs no second goroutine. The two are paired: a failed write cancels the
// reader, and the reader's end closes the session.
type session struct {
	role        room.Role
	actor       room.Actor
	participant string // participant id; empty for other roles
	// holder names this session in its room's presence (presence.go); set
	// before the session is tracked, for participants only.
	holder string
	join   room.Command // guarded by mu: the join it sent, for rejoin

	c           conn   // nil only in benchmarks, where nothing is written
	cancel      func() // ends the reader
	metrics     *metrics
	pingTimeout time.Duration

	mu      sync.Mutex
	queue   [][]byte // guarded by mu; at most queueSize messages
	spare   [][]byte // owned by the running flush: the slice it drained last
	writing bool     // guarded by mu: a turn to write is under way (flush)
	// writers, guarded by mu, are the writers of the room this session is
	// in (fanout.writers, writers.go): they write its queue, and count the
	// turns under way so that the fan-out can hold a patch while the last
	// one is still being written (fanout.step). Nil until the session
	// joins a fan-out.
	writers *writerPool
	closed  bool // guarded by mu
	pinging atomic.Bool
	// writeStart is when the write under way began (UnixNano), 0 when none
	// is. The fan-out's watchdog closes a session whose write has taken
	// longer than writeTimeout (checkWrite): a deadline per write, set up
	// and torn down for every frame, cost a fifth of the frame.
	writeStart atomic.Int64

	done      chan struct{} // closed once, by close
	finished  chan struct{} // closed once the connection is closed
	closeOnce sync.Once
}

func newSession(role room.Role, actor room.Actor) *session {
	s := &session{role: role, actor: actor, cancel: func() {}, done: make(chan struct{}), finished: make(chan struct{})}
	if role == room.Participant {
		s.participant = actor.ID
	}
	return s
}

// pingMessage, queued like a message, makes the writer ping the peer.
var pingMessage = []byte{}

// enqueue queues msg without blocking and starts a writer if none runs. A
// full queue closes the session as too slow: a slow client never slows its
// room.
func (s *session) enqueue(msg []byte) bool {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	if len(s.queue) >= queueSize {
		s.mu.Unlock()
		s.close(StatusTooSlow, "too slow")
		return false
	}
	s.queue = append(s.queue, msg)
	start := !s.writing && s.c != nil
	w := s.writers
	if start {
		s.writing = true
		if w != nil {
			w.start()
		}
	}
	s.mu.Unlock()
	switch {
	case !start:
	case w != nil:
		w.submit(s) // the room's writers (writers.go)
	default:
		go s.flush(nil) // not in a room yet: its hello's answer
	}
	return true
}

// take returns what is queued, leaving the queue empty; with nothing
// queued it ends the writing turn.
func (s *session) take() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	batch := s.queue
	if len(batch) == 0 || s.closed {
		s.writing = false
		return nil
	}
	s.queue = s.spare[:0]
	s.spare = batch
	return batch
}

// flush writes what is queued, then what was queued meanwhile, and ends
// the session's turn when the queue is empty. At most one runs per
// session; w is the room's writers the turn was counted in, if any.
func (s *session) flush(w *writerPool) {
	if w != nil {
		defer w.end()
	}
	for {
		batch := s.take()
		if batch == nil {
			return
		}
		for _, msg := range batch {
			if len(msg) == 0 {
				// The pong is a round trip away: wait for it on the side,
				// so that the messages queued behind the ping go now.
				if s.pinging.CompareAndSwap(false, true) {
					go s.ping()
				}
				continue
			}
			s.writeStart.Store(time.Now().UnixNano())
			err := s.c.Write(context.Background(), websocket.MessageText, msg)
			s.writeStart.Store(0)
			if err != nil {
				s.close(websocket.StatusGoingAway, "write failed")
				s.mu.Lock()
				s.writing = false
				s.mu.Unlock()
				return
			}
		}
		// Drop the references so an idle session keeps no message alive.
		clear(batch)
	}
}

// checkWrite closes s as too slow when a write has been under way for
// longer than writeTimeout at now: its peer stopped reading and the
// socket's buffer is full. The close makes the stuck write fail. It is
// safe to call from any goroutine.
func (s *session) checkWrite(now time.Time) bool {
	start := s.writeStart.Load()
	if start == 0 || now.UnixNano()-start <= int64(writeTimeout) {
		return false
	}
	s.close(StatusTooSlow, "write timed out")
	return true
}

// ping pings the peer and closes the session when no pong comes back
// within pingTimeout: the connection is dead or the client hung.
func (s *session) ping() {
	defer s.pinging.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), s.pingTimeout)
	defer cancel()
	if err := s.c.Ping(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			s.metrics.slow.Inc()
		}
		s.close(websocket.StatusGoingAway, "no pong")
	}
}

// close closes the connection with code, without blocking the caller (the
// fan-out, a drain, the writer). Only the first call counts. A client too
// slow, or whose write failed, is cut without a close handshake: its socket
// is likely full.
func (s *session) close(code websocket.StatusCode, reason string) {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.queue = nil
		s.mu.Unlock()
		close(s.done)
		go func() {
			defer close(s.finished)
			defer s.cancel()
			if s.c == nil {
				return
			}
			switch code {
			case StatusTooSlow:
				s.metrics.slow.Inc()
				s.c.CloseNow()
			case websocket.StatusGoingAway:
				s.c.CloseNow()
			default:
				s.c.Close(code, reason)
			}
		}()
	})
}

// readFrame reads one text frame and checks that encoding/json will decode
// its text as sent. A frame it refuses comes back with the error (badFrame),
// so that the error can name the command (frameID).
func readFrame(ctx context.Context, c *websocket.Conn) ([]byte, error) {
	typ, b, err := c.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		return b, fmt.Errorf("%w: binary frames are not used", ErrBadMessage)
	}
	// encoding/json would quietly replace invalid UTF-8, and an escaped
	// half of a surrogate pair, with U+FFFD: refuse them instead, so that
	// what is stored is what was sent.
	if !utf8.Valid(b) {
		return b, fmt.Errorf("%w: invalid bytes", room.ErrInvalidUTF8)
	}
	if i := loneSurrogate(b); i >= 0 {
		return b, fmt.Errorf("%w: lone surrogate %s", room.ErrInvalidUTF8, b[i:i+6])
	}
	return b, nil
}

// badFrame reports whether err, from readFrame, refuses the frame read
// rather than ends the connection.
func badFrame(err error) bool {
	return errors.Is(err, ErrBadMessage) || errors.Is(err, room.ErrInvalidUTF8)
}

// decodeStrict decodes one JSON object, refusing unknown fields and
// trailing data.
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrBadMessage, err)
	}
	if d.More() {
		return fmt.Errorf("%w: trailing data", ErrBadMessage)
	}
	return nil
}

// clientOps are the ops a client may send, by role. Everything else is
// refused before it reaches the room.
func clientMayAttempt(role room.Role, op room.Op) bool {
	switch op {
	case room.OpCreate, room.OpJoin, room.OpLeave, room.OpPresenceReset, room.OpReactions:
		return false
	}
	return role == room.Participant || role == room.Moderator
}

// errFlood closes a connection that keeps sending past its frame rate.
var errFlood = errors.New("hub: flood")

// readLoop reads commands until the connection ends. It returns the error
// that ended it; errFlood and frame errors decide the close code.
func (h *Hub) readLoop(ctx context.Context, c *websocket.Conn, s *session, hr *hubRoom, plim *rate.Limiter) error {
	frames := rate.NewLimiter(frameRate, frameBurst)
	strikes, window := 0, time.Time{}
	for {
		b, err := readFrame(ctx, c)
		if err != nil && !badFrame(err) {
			return err
		}
		if !frames.Allow() {
			// Over the frame rate: a command is told to retry (its sender
			// needs an answer per id), anything else is dropped silently so
			// that a flood is not amplified. Many strikes within one second
			// mean a flood.
			if now := time.Now(); now.Sub(window) > time.Second {
				strikes, window = 0, now
			}
			strikes++
			if strikes > floodStrikes {
				return errFlood
			}
			if id := frameID(b); id != "" {
				s.enqueue(encodeError(id, ErrRateLimited))
			}
			continue
		}
		if err != nil {
			s.enqueue(encodeError(frameID(b), err))
			continue
		}
		var in inbound
		if err := decodeStrict(b, &in); err != nil {
			s.enqueue(encodeError(frameID(b), err))
			continue
		}
		switch in.T {
		case "ping":
			s.enqueue([]byte(`{"t":"pong"}`))
		case "cmd":
			h.command(s, hr, plim, in)
		default:
			s.enqueue(encodeError(in.ID, fmt.Errorf("%w: unknown message type %q", ErrBadMessage, in.T)))
		}
	}
}

// command checks one client command and hands it to the room's sequencer;
// the answer is queued to the session when the sequencer replies.
func (h *Hub) command(s *session, hr *hubRoom, plim *rate.Limiter, in inbound) {
	if len(in.ID) == 0 || len(in.ID) > maxCmdID {
		// Not an id the client could have chosen: echoing it would name no
		// command of theirs.
		s.enqueue(encodeError("", fmt.Errorf("%w: id must be 1 to %d characters", ErrBadMessage, maxCmdID)))
		return
	}
	var cmd room.Command
	if err := decodeStrict(in.Cmd, &cmd); err != nil {
		s.enqueue(encodeError(in.ID, err))
		return
	}
	if !clientMayAttempt(s.role, cmd.Op) {
		h.metrics.commands.WithLabelValues("forbidden").Inc()
		s.enqueue(encodeError(in.ID, room.ErrForbidden))
		return
	}
	if plim != nil && !plim.Allow() {
		h.metrics.commands.WithLabelValues("rate_limited").Inc()
		s.enqueue(encodeError(in.ID, ErrRateLimited))
		return
	}
	h.metrics.commands.WithLabelValues("submitted").Inc()
	id := in.ID
	var seatKey string // the key of the seat a team.add makes
	if cmd.Op == room.OpTeamAdd {
		seatKey = h.prepareTeamAdd(hr, &cmd, id)
	}
	if cmd.Op == room.OpCheckin && s.role == room.Participant {
		h.checkin(s, hr, id, cmd) // the hub checks the code: roomcode.go
		return
	}
	req := request{Actor: s.actor, Cmd: cmd, CmdID: id}
	if cmd.Op == room.OpReact {
		req = request{Actor: s.actor, React: cmd.Reaction}
		if cmd.Reaction == "" {
			req.React = "?" // let the room refuse it with its own error
		}
	}
	arrived := time.Now()
	req.Reply = func(seq uint64, err error) {
		h.metrics.ackSeconds.Observe(time.Since(arrived).Seconds())
		if err != nil {
			s.enqueue(encodeError(id, err))
			return
		}
		s.enqueue(encode(ackMsg{T: "ack", ID: id, Seq: seq, Key: seatKey}))
	}
	hr.link.Submit(req)
}
