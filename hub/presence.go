package hub

import (
	"strings"
	"sync"

	"github.com/tribune-hub/tribune/room"
)

// presence is who is in a room, counted once, next to its sequencer: per
// participant, the sessions holding them, on this node or on edges. A
// participant joins when a first session holds them and leaves when the
// last lets go, whichever nodes their tabs are on (TestClusterMeeting).
//
// A holder is request.holder, made unique across nodes by the primary: an
// edge's holders are prefixed with "{edge}/", so that forget can let go of
// all of them when the edge is gone. This node's own holders have no "/".
type presence struct {
	seq commandSink

	mu      sync.Mutex
	holders map[string]map[string]struct{} // guarded by mu; participant -> holders
}

func newPresence(seq commandSink) *presence {
	return &presence{seq: seq, holders: make(map[string]map[string]struct{})}
}

// submit hands req to the sequencer, counting joins and leaves: a join
// for a participant held already, and a leave for one still held
// elsewhere, change nothing and are acknowledged at once.
func (p *presence) submit(req request) {
	if req.react != "" || req.actor.Role != room.System || (req.cmd.Op != room.OpJoin && req.cmd.Op != room.OpLeave) {
		p.seq.submit(req)
		return
	}
	id, holder := req.actor.ID, req.holder
	p.mu.Lock()
	hs := p.holders[id]
	if req.cmd.Op == room.OpJoin {
		first := len(hs) == 0
		if hs == nil {
			hs = make(map[string]struct{})
			p.holders[id] = hs
		}
		hs[holder] = struct{}{}
		p.mu.Unlock()
		if !first {
			req.reply(0, nil)
			return
		}
		reply := req.reply
		req.reply = func(seq uint64, err error) {
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
		req.reply(0, nil)
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

// forget lets go of every holder whose name starts with prefix (an edge's
// "{edge}/"): the participants held nowhere else leave. It returns how
// many left.
func (p *presence) forget(prefix string, reply func(uint64, error)) int {
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
		p.seq.submit(request{actor: room.Actor{ID: id, Role: room.System}, cmd: room.Command{Op: room.OpLeave}, reply: reply})
	}
	return len(gone)
}
