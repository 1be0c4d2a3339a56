package hub

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tribune-hub/tribune/room"
)

// Per-page Content Security Policy. Every page gets contentSecurityPolicy
// (http.go): its own origin only, no frame around it. Two pages differ:
//
//   - the participant page (/j/{code}) of a meeting whose moderators gave a
//     stream, a sign-language video or captions (room.Settings) may load
//     exactly those: media-src names the origin of each plain video
//     (room.Video), frame-src the origin of each player shown in a frame
//     (YouTube's privacy-enhanced embed host, a PeerTube instance) and of
//     the captions page. A stream or sign-language link to any other page
//     is only a link: nothing is loaded from it. Nothing else: the policy is computed for that
//     meeting from its settings as the page is served, and a page whose
//     settings change reloads itself (clientjs/watch.js);
//   - the participant page may be framed by the origins given at start-up
//     (Config.FrameAncestors, `tribune serve -frame-ancestors`), so that
//     an organiser can put it in their own site. Every other page keeps
//     frame-ancestors 'none' and X-Frame-Options DENY.
//
// TestMeetingCSP and TestFrameAncestors (csp_test.go) guard both, and
// e2e/remote.test.mjs checks that a browser obeys.

// youTubeEmbed is where the pages embed a YouTube video: the
// privacy-enhanced host, which sets no cookie until the video plays.
const youTubeEmbed = "https://www.youtube-nocookie.com"

// mediaSources returns the origins a page needs for the links in s: the
// plain videos' (media-src) and the framed pages' (frame-src), sorted,
// without duplicates.
func mediaSources(s room.Settings) (media, frames []string) {
	for i, link := range []string{s.StreamURL, s.SignURL, s.CaptionsURL} {
		p := room.PlayerOf(link)
		if p == "" || (p == room.Page && i < 2) { // only the captions may be any page
			continue
		}
		u, err := url.Parse(link)
		if err != nil {
			continue
		}
		origin := strings.ToLower(u.Scheme + "://" + u.Host)
		switch p {
		case room.Video:
			media = append(media, origin)
		case room.YouTube:
			frames = append(frames, youTubeEmbed)
		default: // PeerTube, the captions' page
			frames = append(frames, origin)
		}
	}
	slices.Sort(media)
	slices.Sort(frames)
	return slices.Compact(media), slices.Compact(frames)
}

// meetingPolicy is the participant page's policy for a meeting with settings
// s, framed by ancestors (none when empty).
func meetingPolicy(s room.Settings, ancestors []string) string {
	media, frames := mediaSources(s)
	p := contentSecurityPolicy
	if len(ancestors) > 0 {
		p = strings.Replace(p, "frame-ancestors 'none'", "frame-ancestors "+strings.Join(ancestors, " "), 1)
	}
	if len(media) > 0 {
		p += "; media-src 'self' " + strings.Join(media, " ")
	}
	if len(frames) > 0 {
		p += "; frame-src " + strings.Join(frames, " ")
	}
	return p
}

// participantPage serves the participant page under the meeting's own
// policy. A code that names no meeting gets the default policy: the page
// says so by itself.
func (h *Hub) participantPage(w http.ResponseWriter, r *http.Request) {
	var s room.Settings
	if hr, err := h.room(r.Context(), normalizeCode(r.PathValue("code"))); err == nil {
		s = hr.fan.info().Settings
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", meetingPolicy(s, h.cfg.FrameAncestors))
	if len(h.cfg.FrameAncestors) > 0 {
		hd.Del("X-Frame-Options") // frame-ancestors says who may
	}
	x, ok := h.asset("participant.html")
	if !ok {
		http.NotFound(w, r)
		return
	}
	// The policy depends on the meeting's settings, which change: always
	// the whole page with the policy of now, never a 304 that would keep
	// the headers of an earlier answer.
	r.Header.Del("If-None-Match")
	r.Header.Del("If-Modified-Since")
	x.serve(w, r)
}

// ParseFrameAncestors reads the -frame-ancestors list: origins
// ("https://city.example", "http://localhost:8000") separated by spaces or
// commas. Empty gives none: no site may frame a page.
func ParseFrameAncestors(s string) ([]string, error) {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		u, err := url.Parse(f)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%q: %w", f, err)
		case u.Scheme != "https" && u.Scheme != "http", u.Host == "", u.User != nil,
			u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", strings.ContainsAny(u.Host, "*;'\""):
			return nil, fmt.Errorf("%q is not an origin (https://host or https://host:port)", f)
		}
		o := strings.ToLower(u.Scheme + "://" + u.Host)
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, nil
}
