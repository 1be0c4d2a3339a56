package room

import "fmt"

// The floor: participants ask to speak, from the room or remotely on the
// same footing, and the moderators give the floor in turn. Everyone sees
// who is speaking and who is waiting, in order; each participant has at
// most one request waiting or speaking.

// FloorID identifies a request to speak: 1, 2, 3... in order of asking.
type FloorID int

// FloorStatus is where a request to speak stands.
type FloorStatus string

// Request statuses.
const (
	FloorWaiting   FloorStatus = "waiting"
	FloorSpeaking  FloorStatus = "speaking"
	FloorDone      FloorStatus = "done"
	FloorWithdrawn FloorStatus = "withdrawn" // by its participant
	FloorDropped   FloorStatus = "dropped"   // by a moderator
)

// floorRequest is one request to speak.
type floorRequest struct {
	id          FloorID
	participant string
	name        string // as the participant was named when asking
	channel     Channel
	topic       string
	status      FloorStatus
	at          int64 // asked
	calledAt    int64 // given the floor
	seconds     int   // time given to speak, 0 for no limit
	doneAt      int64 // speaking ended
}

// active reports whether f is in the queue: waiting or speaking.
func (f *floorRequest) active() bool { return f.status == FloorWaiting || f.status == FloorSpeaking }

func (f *floorRequest) view() FloorView {
	return FloorView{ID: f.id, Name: f.name, Channel: f.channel, Topic: f.topic, Status: f.status, At: f.at, CalledAt: f.calledAt, DoneAt: f.doneAt, Seconds: f.seconds}
}

// floorReq returns request id, or ErrNoFloor.
func (r *Room) floorReq(id FloorID) (*floorRequest, error) {
	if id < 1 || int(id) > len(r.floor) {
		return nil, fmt.Errorf("%w: %d", ErrNoFloor, id)
	}
	return r.floor[id-1], nil
}

// activeFloor returns participant's request waiting or speaking, or nil
// (always nil once the meeting has ended).
func (r *Room) activeFloor(participant string) *floorRequest {
	m := r.members[participant]
	if r.status == Ended || m == nil || m.floor == 0 {
		return nil
	}
	if f := r.floor[m.floor-1]; f.active() {
		return f
	}
	return nil
}

func (r *Room) checkFloorRequest(a Actor, c *Command) error {
	if r.status != Running {
		return fmt.Errorf("%w: the meeting is not live", ErrState)
	}
	if r.activeFloor(a.ID) != nil {
		return fmt.Errorf("%w: already in line to speak", ErrAlready)
	}
	var err error
	if c.Text, err = clean(c.Text, maxFloorTopic, oneLine); err != nil {
		return fmt.Errorf("topic: %w", err)
	}
	c.Floor = FloorID(len(r.floor) + 1)
	return nil
}

func (r *Room) applyFloorRequest(a Actor, c *Command, m *member, at int64) {
	r.floor = append(r.floor, &floorRequest{
		id: c.Floor, participant: a.ID, name: m.name, channel: m.channel, topic: c.Text, status: FloorWaiting, at: at,
	})
	m.floor = c.Floor
}

// checkFloorWithdraw: a participant takes back their own waiting request.
func (r *Room) checkFloorWithdraw(a Actor, c *Command) error {
	f, err := r.floorReq(c.Floor)
	if err != nil {
		return err
	}
	if f.participant != a.ID {
		return fmt.Errorf("%w: not your request", ErrForbidden)
	}
	if f.status != FloorWaiting {
		return fmt.Errorf("%w: the request is %s", ErrState, f.status)
	}
	return nil
}

// MaxSpeakingSeconds bounds the time given to a speaker: an hour.
const MaxSpeakingSeconds = 3600

// checkFloorMove checks a moderator's call (from waiting), done (from
// speaking) or drop (from waiting).
func (r *Room) checkFloorMove(c *Command, from FloorStatus) error {
	if c.Seconds < 0 || c.Seconds > MaxSpeakingSeconds {
		return fmt.Errorf("%w: the time to speak must be 0 (no limit) to %d seconds", ErrInvalid, MaxSpeakingSeconds)
	}
	f, err := r.floorReq(c.Floor)
	if err != nil {
		return err
	}
	if f.status != from {
		return fmt.Errorf("%w: the request is %s", ErrState, f.status)
	}
	return nil
}

// endSpeech ends the speech under way, if any, at at.
func (r *Room) endSpeech(at int64) {
	if r.speaking != 0 {
		f := r.floor[r.speaking-1]
		f.status, f.doneAt = FloorDone, at
		r.speaking = 0
	}
}

func (r *Room) applyFloorCall(c *Command, at int64) {
	r.endSpeech(at)
	f := r.floor[c.Floor-1]
	f.status, f.calledAt, f.seconds = FloorSpeaking, at, c.Seconds
	r.speaking = f.id
}

func (r *Room) applyFloorEnd(c *Command, status FloorStatus, at int64) {
	if c.Floor == r.speaking {
		r.endSpeech(at)
	}
	r.floor[c.Floor-1].status = status
}

// floorQueue is the queue as everyone sees it: the speaker, then who is
// waiting, in order of asking. Once the meeting has ended there is no line:
// the record keeps who was still waiting.
func (r *Room) floorQueue() []FloorView {
	if r.status == Ended {
		return nil
	}
	var out []FloorView
	if r.speaking != 0 {
		out = append(out, r.floor[r.speaking-1].view())
	}
	for _, f := range r.floor {
		if f.status == FloorWaiting {
			out = append(out, f.view())
		}
	}
	return out
}

// Floor returns every request to speak made in the meeting, in order,
// whatever became of it: the record of who spoke, for the archive.
func (r *Room) Floor() []FloorView {
	out := make([]FloorView, len(r.floor))
	for i, f := range r.floor {
		out[i] = f.view()
	}
	return out
}
