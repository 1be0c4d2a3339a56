package hub

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/clientjs"
	"github.com/tribune-hub/tribune/room"
)

// directives splits a policy into its directives, by name.
func directives(p string) map[string]string {
	out := map[string]string{}
	for _, d := range strings.Split(p, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		out[name] = value
	}
	return out
}

// TestMeetingCSP: the participant page of a meeting may load exactly the
// origins of that meeting's stream, sign-language video and captions, as
// its settings are when the page is served; every other page, and a
// meeting with none, keeps the default policy.
func TestMeetingCSP(t *testing.T) {
	t.Parallel()
	th := startHubConfig(t, filepath.Join(t.TempDir(), "tribune.db"), Config{Tick: testTick, Assets: clientjs.FS}, nil, nil)
	plain := createRoom(t, th.url, `{"title":"In the room only"}`)
	hybrid := createRoom(t, th.url, `{"title":"Hybrid","settings":{"qaOpen":true,
		"streamURL":"https://CDN.example:8443/live/m.webm",
		"signURL":"https://peertube.example/w/abc",
		"captionsURL":"https://captions.example/session/1"}}`)
	tube := createRoom(t, th.url, `{"title":"On YouTube","settings":{"streamURL":"https://www.youtube.com/watch?v=abc","signURL":"https://cdn.example/sign.mp4"}}`)
	// A stream or sign-language link to a page that is no known player is
	// a link only: the page loads nothing from it.
	pages := createRoom(t, th.url, `{"title":"Links","settings":{"streamURL":"https://stream.example/townhall","signURL":"https://sign.example/"}}`)

	policy := func(path string, header ...string) (string, *http.Response) {
		t.Helper()
		resp, _ := get(t, th.url+path, header...)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		return resp.Header.Get("Content-Security-Policy"), resp
	}

	for _, path := range []string{"/j/" + plain.Code, "/j/" + pages.Code, "/j/NOSUCH", "/s/" + hybrid.Code, "/m/" + hybrid.Code, "/o/" + hybrid.Code, "/r/" + hybrid.Code, "/"} {
		if got, _ := policy(path); got != contentSecurityPolicy {
			t.Errorf("%s: policy %q, want the default", path, got)
		}
	}

	got, _ := policy("/j/" + strings.ToLower(hybrid.Code))
	d := directives(got)
	if d["media-src"] != "'self' https://cdn.example:8443" {
		t.Errorf("hybrid media-src %q", d["media-src"])
	}
	if d["frame-src"] != "https://captions.example https://peertube.example" {
		t.Errorf("hybrid frame-src %q", d["frame-src"])
	}
	if d["default-src"] != "'self'" || d["script-src"] != "'self'" || d["connect-src"] != "'self'" || d["frame-ancestors"] != "'none'" {
		t.Errorf("the meeting's policy loosens something else: %q", got)
	}
	if !strings.HasPrefix(got, contentSecurityPolicy+"; ") {
		t.Errorf("the meeting's policy is not the default one extended: %q", got)
	}

	d = directives(must(policy("/j/" + tube.Code)))
	if d["frame-src"] != youTubeEmbed || d["media-src"] != "'self' https://cdn.example" {
		t.Errorf("YouTube meeting: frame-src %q media-src %q", d["frame-src"], d["media-src"])
	}

	// A cached copy never answers with an older policy: no 304.
	_, resp := policy("/j/"+hybrid.Code, "If-None-Match", "whatever")
	etag := resp.Header.Get("ETag")
	if _, resp := policy("/j/"+hybrid.Code, "If-None-Match", etag); resp.StatusCode != http.StatusOK {
		t.Errorf("revalidated participant page: %d", resp.StatusCode)
	}

	// The moderator changes the stream: the next page served follows.
	mod := dial(t, th.url, hybrid.Code, helloArgs{Role: "moderator", Key: hybrid.ModeratorKey})
	seq := mod.must(room.Command{Op: room.OpSettings, Settings: &room.Settings{QAOpen: true, StreamURL: "https://other.example/live.m3u8"}})
	mod.waitSeq(seq)
	d = directives(must(policy("/j/" + hybrid.Code)))
	if d["media-src"] != "'self' https://other.example" || d["frame-src"] != "" {
		t.Errorf("after the change: media-src %q frame-src %q", d["media-src"], d["frame-src"])
	}
}

func must[T, U any](x T, _ U) T { return x }

// TestFrameAncestors: with -frame-ancestors, the participant page may be
// framed by exactly those sites; every other page still may not.
func TestFrameAncestors(t *testing.T) {
	t.Parallel()
	ancestors := []string{"https://city.example", "http://127.0.0.1:9"}
	th := startHubConfig(t, filepath.Join(t.TempDir(), "tribune.db"), Config{Tick: testTick, Assets: clientjs.FS, FrameAncestors: ancestors}, nil, nil)
	cr := createRoom(t, th.url, `{"title":"Embedded"}`)

	resp, _ := get(t, th.url+"/j/"+cr.Code)
	if got := directives(resp.Header.Get("Content-Security-Policy"))["frame-ancestors"]; got != "https://city.example http://127.0.0.1:9" {
		t.Errorf("participant page frame-ancestors %q", got)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("participant page X-Frame-Options %q beside frame-ancestors", xfo)
	}
	for _, path := range []string{"/m/" + cr.Code, "/s/" + cr.Code, "/o/" + cr.Code, "/r/" + cr.Code, "/", "/api/about"} {
		resp, _ := get(t, th.url+path)
		if got := directives(resp.Header.Get("Content-Security-Policy"))["frame-ancestors"]; got != "'none'" || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: frame-ancestors %q, X-Frame-Options %q", path, got, resp.Header.Get("X-Frame-Options"))
		}
	}
	_, b := get(t, th.url+"/api/about")
	var about aboutInfo
	if err := json.Unmarshal(b, &about); err != nil || strings.Join(about.FrameAncestors, " ") != strings.Join(ancestors, " ") {
		t.Errorf("/api/about: %s %v", b, err)
	}

	// Without the flag, the participant page may not be framed.
	plain := startHubConfig(t, filepath.Join(t.TempDir(), "tribune.db"), Config{Tick: testTick, Assets: clientjs.FS}, nil, nil)
	cr = createRoom(t, plain.url, `{"title":"Not embedded"}`)
	resp, _ = get(t, plain.url+"/j/"+cr.Code)
	if got := directives(resp.Header.Get("Content-Security-Policy"))["frame-ancestors"]; got != "'none'" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("default participant page: frame-ancestors %q, X-Frame-Options %q", got, resp.Header.Get("X-Frame-Options"))
	}
}

func TestParseFrameAncestors(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "",
		"https://city.example": "https://city.example",
		" https://City.example/ , http://localhost:8000  https://city.example": "https://city.example http://localhost:8000",
	} {
		got, err := ParseFrameAncestors(in)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("ParseFrameAncestors(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"city.example", "*", "https://*.example", "ftp://city.example", "https://city.example/path",
		"https://city.example?x", "'self'", "https://user@city.example", "https://a.example;script-src"} {
		if got, err := ParseFrameAncestors(bad); err == nil {
			t.Errorf("ParseFrameAncestors(%q) = %q, want an error", bad, got)
		}
	}
}
