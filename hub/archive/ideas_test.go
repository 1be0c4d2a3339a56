package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// newIdeasMeeting runs, on a new SQLite file, a pre-moderated meeting with
// an ideas board in which ideas are submitted under names, approved,
// refused, merged (a voter of both), left waiting and made into a poll, and
// returns the fixture and the rows. "zqw" marks text the public record must
// not quote.
func newIdeasMeeting(t *testing.T) (*fixture, []store.Stored) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{
		t: t, st: st, r: room.New(), code: "IDEA42", at: time.Date(2026, 6, 2, 18, 0, 0, 0, time.UTC).UnixMilli(),
		ids: people, seqs: map[string]uint64{},
	}
	f.do(system, room.Command{Op: room.OpCreate, Title: "Open data action plan", Code: f.code, Steps: []string{"Welcome", "Commitments"},
		Settings: &room.Settings{QAOpen: true, PreModeration: true}})
	f.do(mod, room.Command{Op: room.OpStart})
	for who, name := range map[string]string{"zenobie": nameZenobie, "alice": nameAlice, "bertrand": nameBertrand, "quincy": "", "silent": ""} {
		f.do(room.Actor{ID: f.ids[who], Role: room.System}, room.Command{Op: room.OpJoin, Channel: room.InRoom, Name: name})
	}
	f.do(mod, room.Command{Op: room.OpBoardOpen, Text: "What should the plan commit to?", Step: 1})
	f.do(f.p("zenobie"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Publish every contract", Text: "Within a month.", Name: nameZenobie}) // 1
	f.do(f.p("alice"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Sell ads zqw", Text: "Buy my boat zqw", Name: nameAlice})               // 2
	f.do(f.p("bertrand"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Contracts online", Name: nameBertie})                                // 3
	f.do(f.p("quincy"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Still waiting zqw"})                                                   // 4
	f.do(f.p("silent"), room.Command{Op: room.OpIdeaSubmit, Board: 1, Title: "Open budgets"})                                                        // 5
	f.do(mod, room.Command{Op: room.OpIdeaApprove, Idea: 1})
	f.do(mod, room.Command{Op: room.OpIdeaApprove, Idea: 3})
	f.do(mod, room.Command{Op: room.OpIdeaApprove, Idea: 5})
	f.do(mod, room.Command{Op: room.OpIdeaReject, Idea: 2, Reason: room.OffTopic, Note: "not the plan", Rule: 1})
	f.do(f.p("alice"), room.Command{Op: room.OpIdeaVote, Idea: 1})
	f.do(f.p("silent"), room.Command{Op: room.OpIdeaVote, Idea: 1})
	f.do(f.p("silent"), room.Command{Op: room.OpIdeaVote, Idea: 3})
	f.do(f.p("bertrand"), room.Command{Op: room.OpIdeaVote, Idea: 3})
	f.do(f.p("quincy"), room.Command{Op: room.OpIdeaVote, Idea: 5})
	f.do(f.p("quincy"), room.Command{Op: room.OpIdeaUnvote, Idea: 5})
	f.seqs["merge"] = f.do(mod, room.Command{Op: room.OpIdeaMerge, Idea: 3, IdeaInto: 1}) // silent voted for both
	f.seqs["poll"] = f.do(mod, room.Command{Op: room.OpIdeaPoll, Ideas: []room.IdeaID{1, 5}, Kind: room.Single, Text: "Which first?"})
	f.do(mod, room.Command{Op: room.OpPollOpen, Poll: 1})
	f.do(f.p("alice"), room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})
	f.do(mod, room.Command{Op: room.OpBoardClose, Board: 1})
	f.do(mod, room.Command{Op: room.OpEnd})
	rows, err := st.Load(context.Background(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	return f, rows
}

// TestIdeasRecord: the report and the tables carry the ideas as they
// carry questions, votes carried once by the merge; verify recounts them.
func TestIdeasRecord(t *testing.T) {
	t.Parallel()
	_, rows := newIdeasMeeting(t)
	if _, err := Verify(bytes.NewReader(exportLog(t, rows))); err != nil {
		t.Fatal(err)
	}
	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	ideas := rep.Ideas
	if ideas == nil || len(ideas.Boards) != 1 || ideas.Boards[0].Prompt != "What should the plan commit to?" || ideas.Boards[0].ClosedAt == 0 {
		t.Fatalf("report ideas %+v", ideas)
	}
	if ideas.Submitted != 5 || ideas.Live != 2 || ideas.Pending != 1 || ideas.Rejected != 1 || ideas.Merged != 1 || ideas.Refused[room.OffTopic] != 1 {
		t.Errorf("report counts %+v", ideas)
	}
	type row struct {
		status room.QuestionStatus
		title  string
		votes  int
	}
	want := []row{
		{room.Approved, "Publish every contract", 3}, // alice, silent, and bertrand from the merge: silent once
		{room.Rejected, "", 0},
		{room.Merged, "Contracts online", 0},
		{room.Pending, "", 0},
		{room.Approved, "Open budgets", 0},
	}
	for i, w := range want {
		x := ideas.List[i]
		if x.Status != w.status || x.Title != w.title || x.Votes != w.votes || x.Public != (w.title != "") {
			t.Errorf("report idea %d: %+v, want %+v", i+1, x, w)
		}
	}
	if x := ideas.List[1]; x.Reason != room.OffTopic || x.Rule != 1 {
		t.Errorf("refused idea %+v", x)
	}
	if x := ideas.List[0]; x.Poll != 1 || !slices.Equal(x.MergedFrom, []room.IdeaID{3}) {
		t.Errorf("provenance %+v", x)
	}
	if rep.Polls[0].Options[0] != "Publish every contract" {
		t.Errorf("poll of ideas %+v", rep.Polls[0])
	}

	tables, err := Tables(rows, OpenData)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tables, func(t Table) bool { return t.Name == "ideas" })
	if i < 0 {
		t.Fatal("no ideas table")
	}
	cols := tables[i].Schema.Fields
	col := func(name string) int { return slices.IndexFunc(cols, func(f Field) bool { return f.Name == name }) }
	if col("participant") >= 0 || col("name") >= 0 {
		t.Errorf("open-data ideas table has author columns: %+v", cols)
	}
	var got []string
	for _, r := range tables[i].Rows {
		got = append(got, strings.Join([]string{r[col("id")], r[col("status")], r[col("votes")], r[col("title")], r[col("step")], r[col("poll")], r[col("reason")]}, ","))
	}
	wantRows := []string{
		"1,live,3,Publish every contract,2,1,", "2,rejected,0,,2,,off-topic", "3,merged,0,Contracts online,2,,",
		"4,pending,0,,2,,", "5,live,0,Open budgets,2,1,",
	}
	if !slices.Equal(got, wantRows) {
		t.Errorf("ideas table\n got %q\nwant %q", got, wantRows)
	}
}

// TestIdeasNameNobody: the open data and the report carry no name, no
// participant id and no text of a waiting or refused idea; the full
// package, for the moderators, has them.
func TestIdeasNameNobody(t *testing.T) {
	t.Parallel()
	_, rows := newIdeasMeeting(t)
	files, err := Package(rows, OpenData, Options{Excel: true})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	for _, want := range []string{"ideas.csv", "ideas.schema.json", "excel/ideas.csv"} {
		if _, ok := z[want]; !ok {
			t.Errorf("the open data has no %s", want)
		}
	}
	for name, data := range z {
		namesNobody(t, "opendata.zip/"+name, data)
		if bytes.Contains(data, []byte("zqw")) {
			t.Errorf("%s quotes an idea moderation did not let through", name)
		}
	}
	rep, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	namesNobody(t, "report", b)
	if bytes.Contains(b, []byte("zqw")) {
		t.Errorf("the report quotes an idea moderation did not let through")
	}

	full, err := Package(rows, Full, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ideas := readZip(t, full)["ideas.csv"]
	for _, s := range []string{nameZenobie, nameBertie, people["quincy"], "Sell ads zqw"} {
		if !bytes.Contains(ideas, []byte(s)) {
			t.Errorf("the full ideas.csv lacks %q", s)
		}
	}
}

// TestIdeasRecount: verify's recount catches a reducer whose idea votes
// are wrong, naming the last event that touched the idea.
func TestIdeasRecount(t *testing.T) {
	t.Parallel()
	f, rows := newIdeasMeeting(t)
	m, err := replay(rows)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.recountVotes(); err != nil {
		t.Fatalf("before spoiling: %v", err)
	}
	m.mod.Ideas[0].Votes = 4                                     // a voter of both ideas counted twice
	wantBad(t, "merged votes", m.recountVotes(), f.seqs["poll"]) // the poll of ideas touched it last
}
