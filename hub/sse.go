package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/room"
)

// serveEvents serves GET /api/rooms/{code}/events: the meeting as the big
// screen sees it, as Server-Sent Events, for a city's own site, a
// captioning system or anything else that follows without WebSockets
// (PROTOCOL.md, "Server-Sent Events"). It is a screen session like any
// other, written to an event stream instead of a WebSocket: the same
// patches, encoded once for every screen, and the same resume: a client
// that sends Last-Event-ID (an EventSource does on its own when it
// reconnects) gets the patches it missed, or a snapshot when the room has
// moved on too far.
//
// The screen view is public, so any site may read it: the stream says
// Access-Control-Allow-Origin: *. It holds no participant id, as the
// screen's view holds none.
func (h *Hub) serveEvents(w http.ResponseWriter, r *http.Request) {
	if !h.enter() {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "shutting down")
		return
	}
	defer h.conns.Done()
	since, err := eventsSince(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_message", "events: "+err.Error())
		return
	}
	// Close cuts the streams it cannot wait for, as it cuts sessions.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(h.cutCtx, cancel)
	defer stop()
	hr, err := h.room(ctx, normalizeCode(r.PathValue("code")))
	if err != nil {
		h.httpError(w, err)
		return
	}

	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	w.WriteHeader(http.StatusOK)
	c := &sseConn{w: w, rc: http.NewResponseController(w), end: cancel}
	if err := c.rc.Flush(); err != nil {
		return
	}

	s := newSession(room.Screen, room.Actor{Role: room.Screen})
	s.c, s.cancel, s.metrics, s.pingTimeout = c, cancel, h.metrics, h.pingTimeout
	if !h.track(s, hr) {
		return // draining, or the room unloaded meanwhile
	}
	defer h.untrack(s, hr)
	s.enqueue(encode(welcomeMsg{T: "welcome", V: ProtocolVersion, Role: s.role, Seq: hr.fan.seq.Load()}))
	hr.fan.add(s, since)
	defer hr.fan.remove(s)

	select {
	case <-ctx.Done(): // the client went away, or Close cut it
		s.close(websocket.StatusGoingAway, "")
	case <-s.done: // too slow, or drained
	}
	// Once finished is closed, no write touches w again (sseConn.Close):
	// the handler may return.
	<-s.finished
}

// eventsSince is where a stream resumes: Last-Event-ID, else ?since=, else
// 0 (a snapshot first).
func eventsSince(r *http.Request) (uint64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("since")
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, errors.New("Last-Event-ID (or since) must be a sequence number")
	}
	return n, nil
}

// sseConn writes a session's messages as Server-Sent Events: each message
// is one event named by its "t", with the JSON as its data. A patch's id
// is the sequence number it brings the client to ("to"), a snapshot's its
// "seq": what the client may resume from. Other messages (welcome,
// heartbeats) carry no id, as their seq may be ahead of what the client
// has been sent.
//
// Writes come from the session's writer; Close and CloseNow from any
// goroutine. Once either has returned, nothing writes to w again: the
// handler may return.
type sseConn struct {
	rc  *http.ResponseController
	end func() // ends the handler's wait

	mu     sync.Mutex // guards w, closed and buf
	w      http.ResponseWriter
	closed bool
	buf    bytes.Buffer
}

var _ conn = (*sseConn)(nil)

var errStreamClosed = errors.New("hub: event stream closed")

func (c *sseConn) Write(_ context.Context, _ websocket.MessageType, msg []byte) error {
	t, id, err := eventHead(msg)
	if err != nil {
		return err // never: every message is encoded by the hub
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errStreamClosed
	}
	c.buf.Reset()
	c.buf.WriteString("event: ")
	c.buf.WriteString(t)
	c.buf.WriteByte('\n')
	if id > 0 {
		c.buf.WriteString("id: ")
		c.buf.WriteString(strconv.FormatUint(id, 10))
		c.buf.WriteByte('\n')
	}
	c.buf.WriteString("data: ")
	c.buf.Write(msg) // encoded JSON holds no newline
	c.buf.WriteString("\n\n")
	if _, err := c.w.Write(c.buf.Bytes()); err != nil {
		return err
	}
	return c.rc.Flush()
}

// eventHead returns a message's type and, for a snapshot or a patch, the
// sequence number it brings its reader to (its "seq", its "to"). The same
// patch goes to every reader of a room, so this runs once per reader and
// message: it reads the head the hub's encoder writes first
// ({"t":"patch","from":F,"to":T,... and {"t":"snapshot","seq":S,...)
// rather than decoding the whole message, and decodes only what does not
// start that way.
func eventHead(msg []byte) (string, uint64, error) {
	if rest, ok := bytes.CutPrefix(msg, []byte(`{"t":"patch","from":`)); ok {
		if i := bytes.IndexByte(rest, ','); i > 0 {
			if to, ok := bytes.CutPrefix(rest[i:], []byte(`,"to":`)); ok {
				if n, ok := leadingUint(to); ok {
					return "patch", n, nil
				}
			}
		}
	}
	if rest, ok := bytes.CutPrefix(msg, []byte(`{"t":"snapshot","seq":`)); ok {
		if n, ok := leadingUint(rest); ok {
			return "snapshot", n, nil
		}
	}
	var head struct {
		T   string `json:"t"`
		Seq uint64 `json:"seq"`
		To  uint64 `json:"to"`
	}
	if err := json.Unmarshal(msg, &head); err != nil {
		return "", 0, err
	}
	switch head.T {
	case "patch":
		return head.T, head.To, nil
	case "snapshot":
		return head.T, head.Seq, nil
	}
	return head.T, 0, nil
}

// leadingUint reads the decimal number b starts with, up to a comma.
func leadingUint(b []byte) (uint64, bool) {
	i := bytes.IndexByte(b, ',')
	if i <= 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b[:i]), 10, 64)
	return n, err == nil
}

// Ping writes a comment: on a dead connection the write fails, which is
// all a ping is for here.
func (c *sseConn) Ping(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errStreamClosed
	}
	if _, err := c.w.Write([]byte(": ping\n\n")); err != nil {
		return err
	}
	return c.rc.Flush()
}

// Close ends the stream. A write stuck on a client that stopped reading is
// cut first (a deadline in the past), so that Close never waits on it.
func (c *sseConn) Close(websocket.StatusCode, string) error {
	c.rc.SetWriteDeadline(time.Now())
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.end()
	return nil
}

func (c *sseConn) CloseNow() error { return c.Close(0, "") }
