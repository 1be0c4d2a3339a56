package hub

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// The hub's side of presence: each participant's session joins when it
// opens and leaves when it closes, and the room counts them (presence).

// retryPresence is how long a join or leave refused as retryable (the
// primary out of reach, a full inbox) waits before it is sent again.
const retryPresence = time.Second

// arrive joins a participant's new session to the room: the room counts
// the sessions holding each participant (presence, below). It must be called
// before the session's commands are submitted, so that the join is
// sequenced first.
func (h *Hub) arrive(hr *hubRoom, s *session, channel room.Channel, name string) {
	s.setJoin(room.Command{Op: room.OpJoin, Channel: channel, Name: name})
	h.join(hr, s)
}

// newHolder names a participant's session in its room's presence.
func (h *Hub) newHolder() string { return fmt.Sprintf("s%d", h.holders.Add(1)) }

func (s *session) setJoin(c room.Command) {
	s.mu.Lock()
	s.join = c
	s.mu.Unlock()
}

// joinCmd returns the join s sent, and false before it sent one.
func (s *session) joinCmd() (room.Command, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.join, s.join.Op == room.OpJoin
}

func (s *session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// join sends s's join, again after a while if it is refused as retryable,
// as long as the session is open.
func (h *Hub) join(hr *hubRoom, s *session) {
	join, _ := s.joinCmd()
	actor := room.Actor{ID: s.participant, Role: room.System}
	hr.link.Submit(request{Actor: actor, Cmd: join, Holder: s.holder, Reply: func(_ uint64, err error) {
		if err == nil {
			return
		}
		if _, retry := errorCode(err); retry {
			h.later(func() {
				if !s.isClosed() {
					h.join(hr, s)
				}
			})
			return
		}
		if join.Name == "" {
			h.logger.Warn("join refused", "room", hr.code, "err", err)
			return
		}
		// The name was refused (too long, control characters): tell the
		// participant, and join them without it.
		s.enqueue(encodeError("hello", err))
		join.Name = ""
		s.setJoin(join)
		h.join(hr, s)
	}})
}

// depart lets go of a participant's session; the room's last one leaves
// it. A leave refused as retryable is sent again until it is answered: a
// lost leave would keep the participant present for good.
func (h *Hub) depart(hr *hubRoom, s *session) {
	hr.link.Submit(request{Actor: room.Actor{ID: s.participant, Role: room.System}, Cmd: room.Command{Op: room.OpLeave}, Holder: s.holder, Reply: func(_ uint64, err error) {
		if err == nil {
			return
		}
		if _, retry := errorCode(err); retry {
			h.later(func() { h.depart(hr, s) })
			return
		}
		h.logger.Warn("leave refused", "room", hr.code, "err", err)
	}})
}

// later runs f after retryPresence, unless the hub has stopped by then.
func (h *Hub) later(f func()) {
	time.AfterFunc(retryPresence, func() {
		if h.ctx.Err() == nil {
			f()
		}
	})
}

// rejoin joins again every participant with a session here: the primary
// may have forgotten them.
func (h *Hub) rejoin() {
	type held struct {
		s  *session
		hr *hubRoom
	}
	h.mu.Lock()
	var all []held
	for s, hr := range h.sessions {
		if s.holder != "" {
			all = append(all, held{s, hr})
		}
	}
	h.mu.Unlock()
	for _, x := range all {
		if _, sent := x.s.joinCmd(); sent && !x.s.isClosed() {
			h.join(x.hr, x.s)
		}
	}
}

// presence is who is in a room, counted once, next to its sequencer: per
// participant, the sessions holding them, on this node or on edges. A
// participant joins when a first session holds them and leaves when the
// last lets go, whichever nodes their tabs are on (TestClusterMeeting).
//
// A holder is request.Holder, made unique across nodes by the primary: an
// edge's holders are prefixed with "{edge}/", so that Forget can let go of
// all of them when the edge is gone. This node's own holders have no "/".
type presence struct {
	seq *sequencer

	mu      sync.Mutex
	holders map[string]map[string]struct{} // guarded by mu; participant -> holders
}

func newPresence(seq *sequencer) *presence {
	return &presence{seq: seq, holders: make(map[string]map[string]struct{})}
}

// Submit hands req to the sequencer, counting joins and leaves: a join
// for a participant held already, and a leave for one still held
// elsewhere, change nothing and are acknowledged at once.
func (p *presence) Submit(req request) {
	if req.React != "" || req.Actor.Role != room.System || (req.Cmd.Op != room.OpJoin && req.Cmd.Op != room.OpLeave) {
		p.seq.submit(req)
		return
	}
	id, holder := req.Actor.ID, req.Holder
	p.mu.Lock()
	hs := p.holders[id]
	if req.Cmd.Op == room.OpJoin {
		first := len(hs) == 0
		if hs == nil {
			hs = make(map[string]struct{})
			p.holders[id] = hs
		}
		hs[holder] = struct{}{}
		p.mu.Unlock()
		if !first {
			req.Reply(0, nil)
			return
		}
		reply := req.Reply
		req.Reply = func(seq uint64, err error) {
			if err != nil {
				p.release(id, holder)
			}
			reply(seq, err)
		}
		p.seq.submit(req)
		return
	}
	_, had := hs[holder]
	delete(hs, holder)
	last := had && len(hs) == 0
	if last {
		delete(p.holders, id)
	}
	p.mu.Unlock()
	if !last {
		req.Reply(0, nil)
		return
	}
	p.seq.submit(req)
}

// release forgets one holder without a leave: its join was refused.
func (p *presence) release(id, holder string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.holders[id], holder)
	if len(p.holders[id]) == 0 {
		delete(p.holders, id)
	}
}

// Forget lets go of every holder whose name starts with prefix (an edge's
// "{edge}/"): the participants held nowhere else leave. It returns how
// many left.
func (p *presence) Forget(prefix string, reply func(uint64, error)) int {
	p.mu.Lock()
	var gone []string
	for id, hs := range p.holders {
		for h := range hs {
			if strings.HasPrefix(h, prefix) {
				delete(hs, h)
			}
		}
		if len(hs) == 0 {
			delete(p.holders, id)
			gone = append(gone, id)
		}
	}
	p.mu.Unlock()
	for _, id := range gone {
		p.seq.submit(request{Actor: room.Actor{ID: id, Role: room.System}, Cmd: room.Command{Op: room.OpLeave}, Reply: reply})
	}
	return len(gone)
}
