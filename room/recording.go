package room

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/tribune-hub/tribune/room/internal/canon"
)

// The recording of a meeting. After the meeting (or before, for a stream
// whose replay address is known), the moderator gives the recording's
// address and where the meeting sits in it (OpRecording). Every answered
// question and every speech then has its moment in the recording:
// [Recording.Link] turns a time of the log (Unix milliseconds) into an
// address that starts the player there, which the report and the open
// data show. The room keeps the recording as given; it never reads a
// clock (doc.go): the position of a moment is computed from times already
// in the log.
//
// TestRecordingOp covers the op's rules, TestRecordingLink the addresses,
// TestRecordingPatch the views, FuzzRoom all of it.

// Recording is where a meeting's recording is, and how the log's times map
// to positions in it. Everyone sees it.
//
// A moment at Unix milliseconds t is at (t-Start)/1000 seconds into the
// recording when Start is set; otherwise at Offset + (t-started)/1000,
// started being when the meeting started (OpStart): Offset is how far into
// the recording the meeting started, 0 when the recording begins with it.
type Recording struct {
	URL    string `json:"url"`
	Start  int64  `json:"start,omitempty"`  // Unix milliseconds of the recording's first second, 0 for none
	Offset int    `json:"offset,omitempty"` // seconds into the recording at which the meeting started
}

// MaxRecordingOffset bounds Recording.Offset: a day, in seconds.
const MaxRecordingOffset = 86400

// Player is the kind of player an address names, which decides how a page
// shows it and how a moment in it is addressed.
type Player string

const (
	// YouTube: www.youtube.com, youtube.com, m.youtube.com, youtu.be,
	// www.youtube-nocookie.com. A moment is "t=" (or "start=" in an
	// embed address).
	YouTube Player = "youtube"
	// PeerTube: any host, a path under /w/, /videos/watch/ or
	// /videos/embed/. A moment is "start=".
	PeerTube Player = "peertube"
	// Video: an address whose path ends in a video file or an HLS playlist
	// (.mp4, .webm, .ogv, .ogg, .mov, .m4v, .m3u8), played by the browser
	// itself. A moment is the media fragment "#t=".
	Video Player = "video"
	// Page: anything else, a page that may be shown in a frame. It has no
	// addressable moment.
	Page Player = "page"
)

// videoExtensions are the paths PlayerOf takes for a plain video.
var videoExtensions = []string{".mp4", ".webm", ".ogv", ".ogg", ".mov", ".m4v", ".m3u8"}

// PlayerOf says what kind of player the http(s) address s names; "" when
// s is not an http(s) address with a host.
func PlayerOf(s string) Player {
	if !httpURL(s) {
		return ""
	}
	u, _ := url.Parse(s)
	host := strings.ToLower(u.Hostname())
	switch host {
	case "youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com", "youtube-nocookie.com":
		return YouTube
	}
	p := u.Path
	if strings.HasPrefix(p, "/w/") || strings.HasPrefix(p, "/videos/watch/") || strings.HasPrefix(p, "/videos/embed/") {
		return PeerTube
	}
	lp := strings.ToLower(p)
	for _, ext := range videoExtensions {
		if strings.HasSuffix(lp, ext) {
			return Video
		}
	}
	return Page
}

// Position is how many seconds into the recording the moment at (Unix
// milliseconds) is, given when the meeting started (0 if it never did);
// false when the recording cannot say (no address, no time to count from,
// or a moment before the recording began).
func (rec Recording) Position(started, at int64) (int, bool) {
	if rec.URL == "" || at == 0 {
		return 0, false
	}
	var ms int64
	switch {
	case rec.Start != 0:
		ms = at - rec.Start
	case started != 0:
		ms = int64(rec.Offset)*1000 + at - started
	default:
		return 0, false
	}
	if ms < 0 {
		return 0, false
	}
	return int(ms / 1000), true
}

// Link is the recording's address started at the moment at (Unix
// milliseconds), given when the meeting started: "t=" (YouTube), "start="
// (a YouTube embed, PeerTube), "#t=" (a plain video or any other page).
// Empty when Position has none.
func (rec Recording) Link(started, at int64) string {
	sec, ok := rec.Position(started, at)
	if !ok {
		return ""
	}
	u, err := url.Parse(rec.URL)
	if err != nil {
		return ""
	}
	n := strconv.Itoa(sec)
	switch PlayerOf(rec.URL) {
	case YouTube:
		if strings.HasPrefix(u.Path, "/embed/") {
			u.RawQuery = withParam(u.RawQuery, "start", n)
		} else {
			u.RawQuery = withParam(u.RawQuery, "t", n)
		}
	case PeerTube:
		u.RawQuery = withParam(u.RawQuery, "start", n)
	default:
		u.Fragment, u.RawFragment = "t="+n, ""
	}
	return u.String()
}

// withParam returns the query q with key set to value: any earlier "t" or
// "start" is dropped, the other parameters kept in their order.
func withParam(q, key, value string) string {
	var kept []string
	for _, p := range strings.Split(q, "&") {
		k, _, _ := strings.Cut(p, "=")
		if p == "" || k == "t" || k == "start" {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(append(kept, key+"="+value), "&")
}

// Recording returns the meeting's recording; its URL is empty when none
// was given.
func (r *Room) Recording() Recording { return r.recording }

// Settings returns the room's rules.
func (r *Room) Settings() Settings { return r.settings }

func (r *Room) checkRecording(c *Command) error {
	if c.Recording == nil {
		return fmt.Errorf("%w: recording missing", ErrInvalid)
	}
	rec := *c.Recording
	u, err := clean(rec.URL, maxStreamURL, oneLine)
	if err != nil {
		return fmt.Errorf("recording link: %w", err)
	}
	if u != "" && !httpURL(u) {
		return fmt.Errorf("%w: the recording link must be an http:// or https:// address", ErrInvalid)
	}
	rec.URL = u
	switch {
	case rec.Offset < 0 || rec.Offset > MaxRecordingOffset:
		return fmt.Errorf("%w: the meeting starts 0 to %d seconds into the recording", ErrInvalid, MaxRecordingOffset)
	case rec.Start < 0:
		return fmt.Errorf("%w: the recording's start is a time", ErrInvalid)
	case rec.Start != 0 && rec.Offset != 0:
		return fmt.Errorf("%w: give the recording's start or the meeting's offset in it, not both", ErrInvalid)
	case u == "" && (rec.Start != 0 || rec.Offset != 0):
		return fmt.Errorf("%w: a recording without a link has no start", ErrInvalid)
	case rec == r.recording:
		return fmt.Errorf("%w: same recording", ErrAlready)
	}
	c.Recording = &rec
	return nil
}

// digestRecording writes the recording. Added after logs were exported:
// written only when one was given (TestDigestStable).
func (r *Room) digestRecording(e *canon.Encoder) {
	if r.recording == (Recording{}) {
		return
	}
	e.Str("recording")
	e.Str(r.recording.URL)
	e.Int(r.recording.Start)
	e.Int(int64(r.recording.Offset))
}
