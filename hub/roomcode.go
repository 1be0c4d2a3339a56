package hub

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/room"
)

// The room code: how a participant shows they are in the room, for polls
// counted in the room (room/voters.go). The big screen shows a short code
// that changes every roomCodePeriod; a participant who types it is
// checked in (presence.checkin, logged by the hub as System for them).
//
// The code of a window is HMAC-SHA256 under a per-meeting secret, itself
// derived from the hub's secret and the meeting's code, of the window's
// number (Unix seconds / 30), truncated to roomCodeDigits digits as TOTP
// does (RFC 6238). Every node holds the hub's secret, so the code is the
// same whichever node a screen or a phone is connected to, and nothing is
// stored. The secret never leaves the hub: the hub computes the current
// code and pushes it to the screen sessions of the meeting only (a
// "roomcode" message), and only while the meeting needs it (a poll
// counted in the room is open, or the meeting counts in the room by
// default: room.Room.NeedsRoomCode). The screen's link may be known to
// more than the room in some setups; it then gives the current code, and
// nothing that computes the next one.
//
// The current window's code and the one before are accepted, so that
// whoever types slowly across a change is not refused. Guessing is bounded
// per participant (roomCodeTries), on top of the newcomer limit (joins.go):
// 10^6 codes, two valid at a time.
const (
	roomCodePeriod = 30 * time.Second
	roomCodeDigits = 6
	// roomCodeTries, roomCodeBurst: tries per participant, a minute.
	roomCodeTries = rate.Limit(5.0 / 60)
	roomCodeBurst = 5
)

// ErrRoomCode refuses a check-in whose code is not the screen's.
var ErrRoomCode = errors.New("hub: presence.checkin: this is not the code shown on the screen, or it has expired")

// roomCode is the code of meeting code for window w.
func (s signer) roomCode(code string, w int64) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("tribune room code\x00" + code))
	meeting := m.Sum(nil)
	m = hmac.New(sha256.New, meeting)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(w))
	m.Write(b[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", roomCodeDigits, n%1_000_000)
}

// roomWindow is the window of time t.
func roomWindow(t time.Time) int64 { return t.Unix() / int64(roomCodePeriod/time.Second) }

// checkRoomCode reports whether typed is the code of now's window or the
// one before. Spaces and dashes people type between digits are ignored.
func (s signer) checkRoomCode(code, typed string, now time.Time) bool {
	typed = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(typed)
	if len(typed) != roomCodeDigits {
		return false
	}
	w := roomWindow(now)
	ok := false
	for _, x := range []int64{w, w - 1} {
		ok = hmac.Equal([]byte(s.roomCode(code, x)), []byte(typed)) || ok
	}
	return ok
}

// checkin checks the code a participant typed (presence.checkin, its code
// in Command.Code) and logs their check-in. A wrong code, or one past the
// participant's tries, is refused naming the command; the code never
// reaches the log.
func (h *Hub) checkin(s *session, hr *hubRoom, id string, cmd room.Command) {
	if !hr.codeTries(s.participant).Allow() {
		s.enqueue(encodeError(id, fmt.Errorf("%w: %s: too many codes tried, wait a minute", ErrRateLimited, room.OpCheckin)))
		return
	}
	if !h.signer.checkRoomCode(hr.code, cmd.Code, h.now()) {
		s.enqueue(encodeError(id, ErrRoomCode))
		return
	}
	actor := room.Actor{ID: s.participant, Role: room.System}
	hr.link.Submit(request{Actor: actor, Cmd: room.Command{Op: room.OpCheckin}, CmdID: id, Reply: func(seq uint64, err error) {
		if err != nil {
			s.enqueue(encodeError(id, err))
			return
		}
		s.enqueue(encode(ackMsg{T: "ack", ID: id, Seq: seq}))
	}})
}

// codeTries returns the room-code limiter of one participant.
func (hr *hubRoom) codeTries(participant string) *rate.Limiter {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	if hr.tries == nil {
		hr.tries = make(map[string]*rate.Limiter)
	}
	l, ok := hr.tries[participant]
	if !ok {
		l = rate.NewLimiter(roomCodeTries, roomCodeBurst)
		hr.tries[participant] = l
	}
	return l
}

// roomCodeMsg tells screen sessions the code to show: empty when none is
// needed. Until is when it changes (Unix milliseconds, server clock).
type roomCodeMsg struct {
	T     string `json:"t"`
	Code  string `json:"code"`
	Until int64  `json:"until,omitempty"`
}

// tellRoomCode sends the screens the current code when it changed: a new
// window, or the meeting began or stopped needing one. Owned by run.
func (f *fanout) tellRoomCode(joins []join) {
	if f.roomCode == nil {
		return
	}
	now := f.clock()
	w := roomWindow(now)
	need := f.replica.NeedsRoomCode()
	if w != f.codeWindow || need != f.codeNeeded || f.codeMsg == nil {
		f.codeWindow, f.codeNeeded = w, need
		msg := roomCodeMsg{T: "roomcode"}
		if need {
			msg.Code = f.roomCode(w)
			msg.Until = (w + 1) * roomCodePeriod.Milliseconds()
		}
		b := encode(msg)
		if f.codeMsg == nil || string(b) != string(f.codeMsg) {
			f.codeMsg = b
			for s := range f.roles[roleIndex(room.Screen)].sessions {
				s.enqueue(b)
			}
			return // the newcomers were just told
		}
	}
	if !f.codeNeeded {
		return
	}
	for _, j := range joins {
		if j.s.role == room.Screen {
			j.s.enqueue(f.codeMsg)
		}
	}
}
