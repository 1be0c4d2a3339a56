package archive

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tribune-hub/tribune/room"
)

// TestRecordingLinks: once the moderator gives the recording after the
// meeting, the report and the open data link each answer given during the
// meeting and each speech to its second in the recording; a written answer
// after the meeting and a request never called have none; the log with the
// recording still verifies.
func TestRecordingLinks(t *testing.T) {
	t.Parallel()
	f, rows := newMeeting(t)
	before, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	if before.Recording != nil || before.Questions.List[4].Recording != "" {
		t.Fatalf("a report links to a recording nobody gave: %+v", before.Recording)
	}
	const yt = "https://www.youtube.com/watch?v=abc"
	f.do(mod, room.Command{Op: room.OpRecording, Recording: &room.Recording{URL: yt, Offset: 60}})
	rows, err = f.st.Load(context.Background(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	if r.Recording == nil || r.Recording.URL != yt || r.Recording.Offset != 60 {
		t.Fatalf("report recording %+v", r.Recording)
	}
	// The meeting started 60 s into the recording: a moment t ms after
	// the start is at 60 + t/1000 s.
	second := func(at int64) int { return 60 + int((at-r.StartedAt)/1000) }
	q5 := r.Questions.List[4]
	if want := fmt.Sprintf("%s&t=%d", yt, second(q5.AnsweredAt)); q5.Recording != want {
		t.Errorf("question 5 links to %q, want %q", q5.Recording, want)
	}
	if q1 := r.Questions.List[0]; q1.Recording != "" {
		t.Errorf("question 1, answered in writing after the meeting, links to %q", q1.Recording)
	}
	spoke := r.Floor[0]
	if want := fmt.Sprintf("%s&t=%d", yt, second(spoke.CalledAt)); spoke.CalledAt == 0 || spoke.Recording != want {
		t.Errorf("the speech links to %q, want %q (%+v)", spoke.Recording, want, spoke)
	}
	if r.Floor[1].Recording != "" {
		t.Errorf("a request taken back links to %q", r.Floor[1].Recording)
	}

	files, err := Package(rows, OpenData, Options{})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	for name, want := range map[string]string{"questions.csv": q5.Recording, "floor.csv": spoke.Recording} {
		if c := string(z[name]); !strings.Contains(c, ","+want+",") && !strings.Contains(c, ","+want+"\n") && !strings.Contains(c, ","+want+"\r\n") {
			t.Errorf("%s has no recording column with %q:\n%s", name, want, z[name])
		}
		if !strings.Contains(strings.SplitN(string(z[name]), "\n", 2)[0], "recording") {
			t.Errorf("%s has no recording column", name)
		}
	}
	if _, err := Verify(bytes.NewReader(exportLog(t, rows))); err != nil {
		t.Fatalf("the log with a recording does not verify: %v", err)
	}
}
