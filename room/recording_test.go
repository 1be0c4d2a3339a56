package room

import (
	"strings"
	"testing"
)

func TestRecordingOp(t *testing.T) {
	yt := &Recording{URL: "https://www.youtube.com/watch?v=abc", Offset: 90}
	ended := func(s *script) { s.do(mod, Command{Op: OpEnd}) }
	runOps(t, []opCase{
		{name: "given during the meeting", actor: mod, cmd: Command{Op: OpRecording, Recording: yt},
			check: func(t *testing.T, s *script, ev Event) {
				if got := s.r.Recording(); got != *yt {
					t.Fatalf("recording %+v, want %+v", got, *yt)
				}
				for _, role := range []Role{Participant, Screen, Moderator} {
					if got := s.r.View(role).Meeting.Recording; got == nil || *got != *yt {
						t.Errorf("%s sees recording %+v", role, got)
					}
				}
			}},
		{name: "given after the meeting ended", setup: ended, actor: mod,
			cmd: Command{Op: OpRecording, Recording: &Recording{URL: " https://peertube.example/w/xyz ", Start: t0}},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Recording.URL != "https://peertube.example/w/xyz" || s.r.Recording().URL != ev.Recording.URL {
					t.Fatalf("the link is not trimmed: event %+v, room %+v", ev.Recording, s.r.Recording())
				}
			}},
		{name: "removed", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{}},
			setup: func(s *script) { s.do(mod, Command{Op: OpRecording, Recording: yt}) },
			check: func(t *testing.T, s *script, ev Event) {
				if s.r.View(Participant).Meeting.Recording != nil {
					t.Fatal("a removed recording is still in the view")
				}
			}},
		{name: "only the fields it reads reach the log", actor: mod,
			cmd: Command{Op: OpRecording, Recording: yt, Text: "stray", Question: 3},
			check: func(t *testing.T, s *script, ev Event) {
				if ev.Text != "" || ev.Question != 0 {
					t.Fatalf("stray fields in %+v", ev)
				}
			}},
		{name: "participant", actor: alice, cmd: Command{Op: OpRecording, Recording: yt}, err: ErrForbidden},
		{name: "screen", actor: screen, cmd: Command{Op: OpRecording, Recording: yt}, err: ErrForbidden},
		{name: "missing", actor: mod, cmd: Command{Op: OpRecording}, err: ErrInvalid},
		{name: "not http", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: "javascript:alert(1)"}}, err: ErrInvalid},
		{name: "separator", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: "https://a.example/\u2028"}}, err: ErrControlChar},
		{name: "too long", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: "https://a.example/" + strings.Repeat("a", 500)}}, err: ErrTooLong},
		{name: "negative offset", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: yt.URL, Offset: -1}}, err: ErrInvalid},
		{name: "offset past a day", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: yt.URL, Offset: MaxRecordingOffset + 1}}, err: ErrInvalid},
		{name: "negative start", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: yt.URL, Start: -5}}, err: ErrInvalid},
		{name: "start and offset", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{URL: yt.URL, Start: t0, Offset: 3}}, err: ErrInvalid},
		{name: "a start without a link", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{Offset: 3}}, err: ErrInvalid},
		{name: "nothing to remove", actor: mod, cmd: Command{Op: OpRecording, Recording: &Recording{}}, err: ErrAlready},
		{name: "the same again", actor: mod, cmd: Command{Op: OpRecording, Recording: yt}, err: ErrAlready,
			setup: func(s *script) { s.do(mod, Command{Op: OpRecording, Recording: yt}) }},
	})
}

// TestRecordingDecideCopies: the event never shares the caller's value.
func TestRecordingDecideCopies(t *testing.T) {
	s := newMeeting(t, nil)
	rec := &Recording{URL: "https://cdn.example/m.webm"}
	ev := s.do(mod, Command{Op: OpRecording, Recording: rec})
	rec.URL = "https://evil.example/"
	if ev.Recording.URL != "https://cdn.example/m.webm" || s.r.Recording().URL != ev.Recording.URL {
		t.Fatalf("the caller's value leaked into the event or the room: %+v", ev.Recording)
	}
}

func TestPlayerOf(t *testing.T) {
	for in, want := range map[string]Player{
		"https://www.youtube.com/watch?v=abc":        YouTube,
		"https://youtu.be/abc":                       YouTube,
		"https://www.youtube-nocookie.com/embed/abc": YouTube,
		"https://peertube.example/w/xyz":             PeerTube,
		"https://peertube.example/videos/watch/xyz":  PeerTube,
		"https://peertube.example/videos/embed/xyz":  PeerTube,
		"http://127.0.0.1:8080/clip.WebM":            Video,
		"https://cdn.example/live/index.m3u8":        Video,
		"https://captions.example/session/42":        Page,
		"ftp://cdn.example/clip.webm":                "",
		"":                                           "",
		"not a link":                                 "",
	} {
		if got := PlayerOf(in); got != want {
			t.Errorf("PlayerOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecordingLink(t *testing.T) {
	started := t0 + 10_000
	at := started + 75_500 // 75.5 s into the meeting
	for _, tc := range []struct {
		rec  Recording
		want string
	}{
		{Recording{URL: "https://www.youtube.com/watch?v=abc", Offset: 30}, "https://www.youtube.com/watch?v=abc&t=105"},
		{Recording{URL: "https://www.youtube.com/watch?v=abc&t=12"}, "https://www.youtube.com/watch?v=abc&t=75"},
		{Recording{URL: "https://youtu.be/abc"}, "https://youtu.be/abc?t=75"},
		{Recording{URL: "https://www.youtube.com/embed/abc?rel=0"}, "https://www.youtube.com/embed/abc?rel=0&start=75"},
		{Recording{URL: "https://peertube.example/w/xyz", Start: started - 5_000}, "https://peertube.example/w/xyz?start=80"},
		{Recording{URL: "https://cdn.example/m.webm#t=3"}, "https://cdn.example/m.webm#t=75"},
		{Recording{URL: "https://cdn.example/m.mp4", Start: at}, "https://cdn.example/m.mp4#t=0"},
		{Recording{URL: "https://cdn.example/m.mp4", Start: at + 1}, ""}, // before the recording began
		{Recording{}, ""},
	} {
		if got := tc.rec.Link(started, at); got != tc.want {
			t.Errorf("%+v: Link = %q, want %q", tc.rec, got, tc.want)
		}
	}
	// With no start time anywhere, there is no moment to link to.
	if got := (Recording{URL: "https://cdn.example/m.mp4", Offset: 3}).Link(0, at); got != "" {
		t.Errorf("a meeting that never started links to %q", got)
	}
}

// TestRecordingPatch: every role's patched view follows the recording, and
// the log replays to the same state.
func TestRecordingPatch(t *testing.T) {
	s := newMeeting(t, nil)
	var fs []*follower
	for _, role := range []Role{Participant, Moderator, Screen} {
		fs = append(fs, newFollower(s.r, role, 1))
	}
	for _, rec := range []Recording{
		{URL: "https://www.youtube.com/watch?v=abc", Offset: 12},
		{URL: "https://cdn.example/m.webm", Start: t0},
		{},
	} {
		if rec == (Recording{}) {
			s.do(mod, Command{Op: OpEnd})
			for _, f := range fs {
				if err := f.event(s.r, s.events[len(s.events)-1]); err != nil {
					t.Fatal(err)
				}
			}
		}
		ev := s.do(mod, Command{Op: OpRecording, Recording: &rec})
		for _, f := range fs {
			if err := f.event(s.r, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.checkReplay()
}

// TestRecordingDigest: every field of the recording counts in the digest
// (the rooms compared differ in nothing else).
func TestRecordingDigest(t *testing.T) {
	recs := []Recording{
		{URL: "https://cdn.example/m.webm"},
		{URL: "https://cdn.example/n.webm"},
		{URL: "https://cdn.example/m.webm", Offset: 4},
		{URL: "https://cdn.example/m.webm", Start: t0},
	}
	seen := map[[32]byte]Recording{}
	for _, rec := range recs {
		s := newMeeting(t, nil)
		s.do(mod, Command{Op: OpRecording, Recording: &rec})
		d := s.r.Digest()
		if other, dup := seen[d]; dup {
			t.Errorf("recordings %+v and %+v give the same digest", rec, other)
		}
		seen[d] = rec
	}
}
