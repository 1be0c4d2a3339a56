package hub

import (
	"errors"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/room"
)

// New participants per room. A script that opens fresh connections gets a
// fresh participant, and a ballot, with each: the hub lets a room gain at
// most so many new participants a minute (a burst of half of it at once),
// and shows the moderators how many joined and how many were turned away
// in the last minute. The limit is per room, never per address: a venue's
// Wi-Fi puts the whole room behind one. A participant coming back with
// their token is never counted, nor limited.
const (
	// DefaultJoinsPerMinute lets 300 people in at once (the room scanning
	// the QR code as the meeting opens), then 10 a second.
	DefaultJoinsPerMinute = 600
	// joinsPeriod is how often moderators are told of the last minute's
	// joins, when they changed.
	joinsPeriod = 5 * time.Second
)

// ErrJoinsLimited refuses a new participant past the room's limit. The
// client comes back after a while, as for any refusal it may retry.
var ErrJoinsLimited = errors.New("hub: too many people are joining this meeting at once; trying again in a few seconds")

// joinGate admits and counts one room's new participants. It is safe for
// concurrent use.
type joinGate struct {
	limit *rate.Limiter // nil: no limit

	mu       sync.Mutex
	at       [60]int64 // the second (Unix) each slot counts
	accepted [60]int
	refused  [60]int
	told     joinsMsg // what moderators were last told (fanout goroutine only)
}

// newJoinGate lets perMinute new participants in a minute; perMinute < 0
// is no limit.
func newJoinGate(perMinute int) *joinGate {
	g := &joinGate{}
	if perMinute >= 0 {
		g.limit = rate.NewLimiter(rate.Limit(float64(perMinute)/60), max(1, perMinute/2))
	}
	return g
}

// admit reports whether a new participant may join at now, and counts it.
func (g *joinGate) admit(now time.Time) bool {
	ok := g.limit == nil || g.limit.AllowN(now, 1)
	g.mu.Lock()
	defer g.mu.Unlock()
	sec := now.Unix()
	i := sec % 60
	if g.at[i] != sec {
		g.at[i], g.accepted[i], g.refused[i] = sec, 0, 0
	}
	if ok {
		g.accepted[i]++
	} else {
		g.refused[i]++
	}
	return ok
}

// lastMinute returns how many new participants were let in and turned
// away in the minute before now.
func (g *joinGate) lastMinute(now time.Time) (accepted, refused int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	sec := now.Unix()
	for i := range g.at {
		if sec-g.at[i] < 60 {
			accepted += g.accepted[i]
			refused += g.refused[i]
		}
	}
	return accepted, refused
}

// joinsMsg tells moderators of the last minute's new participants.
type joinsMsg struct {
	T       string `json:"t"` // "joins"
	Minute  int    `json:"minute"`
	Refused int    `json:"refused"`
	Limit   int    `json:"limit"` // per minute; 0: none
}

// tellJoins sends the room's moderators the last minute's joins, when they
// changed since they were last told. Run by the fan-out's goroutine.
func (f *fanout) tellJoins(now time.Time) {
	g := f.gate
	if g == nil {
		return
	}
	a, r := g.lastMinute(now)
	m := joinsMsg{T: "joins", Minute: a, Refused: r, Limit: f.joinLimit}
	if m == g.told {
		return
	}
	g.told = m
	msg := encode(m)
	for s := range f.roles[roleIndex(room.Moderator)].sessions {
		s.enqueue(msg)
	}
}
