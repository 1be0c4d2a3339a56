package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// The public record (the report and the open-data package) names nobody:
// whatever people called themselves, it carries no name and no participant
// id, in any file. The meeting below gives names every way a participant
// can: on joining, by renaming, with a question, when asking to speak.

// Names the participants give. Each word of four letters or more is
// distinctive: it appears nowhere else in the meeting.
const (
	nameZenobie  = "Zénobie Quartz"
	nameAlice    = "Alice (EN)"
	nameAliceNew = "Ottoline Brackwater" // Alice renamed
	nameBertrand = "Bertrand Ozymandias"
	nameBertie   = "Bertie Ozy"          // the name Bertrand signs a question with
	nameQuincy   = "Quincy Marblehead"   // Quincy joined without a name, then renamed
	nameQuincy2  = "Quincy Fenwick-Loam" // and rejoined under another
)

// people are the participants' ids, as the hub makes them.
var people = map[string]string{
	"zenobie":  "p-7a3e51c0-2b9d-4f6e-8a17-c5d4e3f2a1b0",
	"alice":    "p-1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
	"bertrand": "p-c0ffee00-1234-4abc-9def-0123456789ab",
	"quincy":   "p-90817263-5443-4a2b-bc1d-e0f1a2b3c4d5",
	"silent":   "p-00000000-aaaa-4bbb-8ccc-dddddddddddd", // never gives a name
}

// Topics of requests to speak: given the floor, still waiting at the end,
// taken back, taken off the line. "zqw" marks text the public record must
// not quote.
const (
	topicSpoken    = "Cycle lanes on the quay"
	topicWaiting   = "Opening hours of the pool"
	topicWithdrawn = "Never mind, answered already zqw"
	topicDropped   = "Shouting at the panel zqw"
)

// namedMeeting runs, on a new SQLite file, a meeting in which every act
// that can carry a name or a participant id happened, and returns its
// stored rows.
func namedMeeting(t *testing.T) []store.Stored {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{
		t: t, st: st, r: room.New(), code: "PRIV07", at: time.Date(2026, 5, 20, 19, 0, 0, 0, time.UTC).UnixMilli(),
		ids: people, seqs: map[string]uint64{},
	}
	join := func(who string, ch room.Channel, name string) {
		f.do(room.Actor{ID: f.ids[who], Role: room.System}, room.Command{Op: room.OpJoin, Channel: ch, Name: name})
	}
	leave := func(who string) {
		f.do(room.Actor{ID: f.ids[who], Role: room.System}, room.Command{Op: room.OpLeave})
	}

	f.do(system, room.Command{Op: room.OpCreate, Title: "Riverside plan: second step meeting", Text: "Public meeting on the riverside plan.",
		Code: f.code, Steps: []string{"Welcome", "The quay", "Next steps"},
		Settings: &room.Settings{QAOpen: true, PreModeration: true, Reactions: true}})
	f.do(mod, room.Command{Op: room.OpStart})
	join("zenobie", room.InRoom, nameZenobie)
	join("alice", room.Remote, nameAlice)
	join("bertrand", room.InRoom, nameBertrand)
	join("quincy", room.Remote, "")
	join("silent", room.InRoom, "")
	f.do(f.p("quincy"), room.Command{Op: room.OpRename, Name: nameQuincy})

	// Questions asked under a name, in every status.
	f.do(f.p("zenobie"), room.Command{Op: room.OpAsk, Text: "Will the quay stay open to cyclists?", Name: nameZenobie}) // q1
	f.do(mod, room.Command{Op: room.OpApprove, Question: 1})
	f.do(f.p("alice"), room.Command{Op: room.OpAsk, Text: "Buy my boat, cheap!", Name: nameAlice}) // q2
	f.do(mod, room.Command{Op: room.OpReject, Question: 2, Reason: room.OffTopic, Note: "not about the plan"})
	f.do(f.p("bertrand"), room.Command{Op: room.OpAsk, Text: "Who pays for the new bridge?", Name: nameBertie}) // q3
	f.do(f.p("bertrand"), room.Command{Op: room.OpQuestionEdit, Question: 3, Text: "Who pays for the new footbridge?"})
	f.do(mod, room.Command{Op: room.OpApprove, Question: 3})
	f.do(f.p("quincy"), room.Command{Op: room.OpAsk, Text: "Is the quay open to bikes?", Name: nameQuincy}) // q4
	f.do(mod, room.Command{Op: room.OpMerge, Question: 4, Into: 1})
	f.do(f.p("alice"), room.Command{Op: room.OpRename, Name: nameAliceNew})
	f.do(f.p("alice"), room.Command{Op: room.OpAsk, Text: "Second thoughts zqw", Name: nameAliceNew}) // q5
	f.do(f.p("alice"), room.Command{Op: room.OpWithdraw, Question: 5})
	f.do(f.p("silent"), room.Command{Op: room.OpAsk, Text: "Still pending zqw"}) // q6
	f.do(f.p("bertrand"), room.Command{Op: room.OpUpvote, Question: 1})
	f.do(f.p("silent"), room.Command{Op: room.OpUpvote, Question: 1})
	f.do(f.p("silent"), room.Command{Op: room.OpUnvote, Question: 1})
	f.do(f.p("zenobie"), room.Command{Op: room.OpUpvote, Question: 3})
	f.do(mod, room.Command{Op: room.OpHighlight, Question: 1})
	f.do(mod, room.Command{Op: room.OpPin, Question: 3, On: true})
	f.do(mod, room.Command{Op: room.OpAnswer, Question: 1, Text: "Yes, with a separate lane."})
	f.do(mod, room.Command{Op: room.OpReopen, Question: 1})
	f.do(mod, room.Command{Op: room.OpAnswer, Question: 1, Text: "Yes, with a separate lane, lit at night."})
	f.do(mod, room.Command{Op: room.OpArchive, Question: 2})
	f.do(mod, room.Command{Op: room.OpRestore, Question: 2})

	// Polls of every kind, voted under those names.
	f.do(mod, room.Command{Op: room.OpGoto, Step: 1})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Keep the quay car-free?", Options: []string{"Yes", "No"}, Correct: []int{0}})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	f.do(mod, room.Command{Op: room.OpPollShow, Poll: 1})
	f.do(f.p("zenobie"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	f.do(mod, room.Command{Op: room.OpPollLock, Poll: 1, On: true})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 1})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Multiple, Text: "What should the quay have?", Options: []string{"Benches", "Trees", "Kiosks"}, Max: 2})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 2})
	f.do(f.p("bertrand"), room.Command{Op: room.OpVote, Poll: 2, Choices: []int{0, 1}})
	f.do(f.p("quincy"), room.Command{Op: room.OpVote, Poll: 2, Choices: []int{2}})
	f.do(mod, room.Command{Op: room.OpPollVisibility, Poll: 2, Visibility: room.AfterClose})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 2})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Rating, Text: "How clear was the plan?", Scale: 5})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 3})
	f.do(f.p("silent"), room.Command{Op: room.OpVote, Poll: 3, Rating: 4})
	f.do(f.p("zenobie"), room.Command{Op: room.OpVote, Poll: 3, Rating: 5})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 3})
	f.do(mod, room.Command{Op: room.OpPollCreate, Kind: room.Open, Text: "One word for the riverside?"})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 4})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 4, Text: "green"})
	f.do(f.p("bertrand"), room.Command{Op: room.OpVote, Poll: 4, Text: "green calm"})
	f.do(mod, room.Command{Op: room.OpPollClose, Poll: 4})

	// The floor: asked for with a topic, given, ended; taken back; taken
	// off the line; given and cut short by the end; still waiting at the
	// end. Alice asks under her new name.
	f.do(f.p("zenobie"), room.Command{Op: room.OpFloorRequest, Text: topicSpoken})     // 1
	f.do(f.p("alice"), room.Command{Op: room.OpFloorRequest, Text: topicDropped})      // 2
	f.do(f.p("bertrand"), room.Command{Op: room.OpFloorRequest, Text: topicWithdrawn}) // 3
	f.do(mod, room.Command{Op: room.OpFloorCall, Floor: 1})
	f.do(mod, room.Command{Op: room.OpFloorDone, Floor: 1})
	f.do(mod, room.Command{Op: room.OpFloorDrop, Floor: 2})
	f.do(f.p("bertrand"), room.Command{Op: room.OpFloorWithdraw, Floor: 3})
	f.do(system, room.Command{Op: room.OpReactions, Counts: map[room.Reaction]int{room.Applause: 4}})

	// Quincy leaves, everyone is marked absent by a restart, and Quincy
	// comes back under another name and asks to speak.
	leave("quincy")
	f.do(system, room.Command{Op: room.OpPresenceReset})
	join("quincy", room.Remote, nameQuincy2)
	join("bertrand", room.InRoom, "")
	f.do(f.p("quincy"), room.Command{Op: room.OpFloorRequest})                       // 4
	f.do(f.p("bertrand"), room.Command{Op: room.OpFloorRequest, Text: topicWaiting}) // 5
	f.do(mod, room.Command{Op: room.OpFloorCall, Floor: 4})
	f.do(mod, room.Command{Op: room.OpAnnounce, Text: "Thank you. The report follows next week."})
	f.do(mod, room.Command{Op: room.OpEnd})
	f.do(mod, room.Command{Op: room.OpAnswer, Question: 3, Text: "The city, from the river fund."})
	f.do(mod, room.Command{Op: room.OpOutcome, Step: 1, Text: "The quay stays car-free."})

	rows, err := st.Load(ctx, f.code)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// anyParticipantID matches a participant id as the hub makes them
// (p-UUID), whoever it belongs to.
var anyParticipantID = regexp.MustCompile(`p-[0-9a-f]{8}-[0-9a-f]{4}-`)

// needles returns what must not appear in the public record: every name in
// full, in its JSON spelling, and each of its words of four letters or
// more (so that a name cut, quoted or escaped is still caught), lower case;
// and every participant id.
func needles() []string {
	var out []string
	for _, n := range []string{nameZenobie, nameAlice, nameAliceNew, nameBertrand, nameBertie, nameQuincy, nameQuincy2} {
		out = append(out, strings.ToLower(n))
		j, _ := json.Marshal(n)
		out = append(out, strings.ToLower(string(j[1:len(j)-1])))
		for _, w := range strings.FieldsFunc(n, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len([]rune(w)) >= 4 {
				out = append(out, strings.ToLower(w))
			}
		}
	}
	for _, id := range people {
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// namesNobody fails if data, file name of the public record, carries a
// name or a participant id.
func namesNobody(t *testing.T, name string, data []byte) {
	t.Helper()
	low := bytes.ToLower(data)
	for _, s := range needles() {
		if i := bytes.Index(low, []byte(s)); i >= 0 {
			t.Errorf("%s carries %q: …%s…", name, s, around(data, i))
		}
	}
	if loc := anyParticipantID.FindIndex(data); loc != nil {
		t.Errorf("%s carries a participant id: …%s…", name, around(data, loc[0]))
	}
}

// around returns the bytes of data near offset i, for an error message.
func around(data []byte, i int) []byte {
	return data[max(0, i-40):min(len(data), i+60)]
}

// TestPublicRecordNamesNobody scans every file of the open-data package
// (with the spreadsheet copies) and the report's JSON for every name and
// participant id of a meeting in which they were given every way there is.
// The full package, for the moderators, keeps them: that is what shows the
// scan looks where the names would be.
func TestPublicRecordNamesNobody(t *testing.T) {
	t.Parallel()
	rows := namedMeeting(t)

	files, err := Package(rows, OpenData, Options{Excel: true})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	for _, want := range []string{"datapackage.json", "README.txt", "questions.csv", "floor.csv", "excel/floor.csv", "floor.schema.json"} {
		if _, ok := z[want]; !ok {
			t.Errorf("the open data has no %s", want)
		}
	}
	for name, data := range z {
		namesNobody(t, "opendata.zip/"+name, data)
	}

	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep) // as GET /api/rooms/{code}/report serves it
	if err != nil {
		t.Fatal(err)
	}
	namesNobody(t, "report", b)
	if len(rep.Floor) != 5 {
		t.Errorf("the report has %d requests to speak, want 5", len(rep.Floor))
	}

	// The full package names the askers and the speakers.
	full, err := Package(rows, Full, Options{})
	if err != nil {
		t.Fatal(err)
	}
	zf := readZip(t, full)
	for file, names := range map[string][]string{
		"floor.csv":     {nameZenobie, nameAliceNew, nameBertrand, nameQuincy2},
		"questions.csv": {nameZenobie, nameAlice, nameBertie, nameQuincy, nameAliceNew, people["silent"]},
		"log.json":      {nameQuincy, people["quincy"]},
	} {
		for _, n := range names {
			if !bytes.Contains(zf[file], []byte(n)) {
				t.Errorf("the full package's %s lacks %q", file, n)
			}
		}
	}
}

// TestPublicFloorTopics: the public record quotes the topic of a request
// to speak as it quotes a question, unless it was taken back or taken off
// the line; it says from where each request came.
func TestPublicFloorTopics(t *testing.T) {
	t.Parallel()
	rows := namedMeeting(t)
	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		status  room.FloorStatus
		channel room.Channel
		topic   string
	}
	want := []row{
		{room.FloorDone, room.InRoom, topicSpoken},
		{room.FloorDropped, room.Remote, ""},
		{room.FloorWithdrawn, room.InRoom, ""},
		{room.FloorDone, room.Remote, ""}, // given the floor, ended by the end of the meeting
		{room.FloorWaiting, room.InRoom, topicWaiting},
	}
	if len(rep.Floor) != len(want) {
		t.Fatalf("report floor: %+v", rep.Floor)
	}
	for i, w := range want {
		if f := rep.Floor[i]; f.Status != w.status || f.Channel != w.channel || f.Topic != w.topic || int(f.ID) != i+1 {
			t.Errorf("report floor %d: %+v, want %+v", i+1, f, w)
		}
	}

	files, err := Package(rows, OpenData, Options{})
	if err != nil {
		t.Fatal(err)
	}
	floor := string(readZip(t, files)["floor.csv"])
	for _, s := range []string{topicSpoken, topicWaiting} {
		if !strings.Contains(floor, s) {
			t.Errorf("floor.csv lacks %q:\n%s", s, floor)
		}
	}
	for _, s := range []string{topicDropped, topicWithdrawn} {
		if strings.Contains(floor, s) {
			t.Errorf("floor.csv quotes %q:\n%s", s, floor)
		}
	}
	for name, data := range readZip(t, files) {
		if bytes.Contains(data, []byte("zqw")) {
			t.Errorf("%s quotes text moderation did not let through:\n%s", name, data)
		}
	}
}
