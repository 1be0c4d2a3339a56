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
