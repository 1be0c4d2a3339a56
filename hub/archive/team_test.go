package archive

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// The report lists the team by role name and says which role did each
// act; the open data names the role, never a key hash or a note; the
// charter is in the report.
func TestTeamRecord(t *testing.T) {
	t.Parallel()
	st, err := store.Open(t.Context(), store.Config{Path: filepath.Join(t.TempDir(), "tribune.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, st: st, r: room.New(), code: "TEAM42", at: time.Date(2026, 3, 12, 18, 0, 0, 0, time.UTC).UnixMilli(),
		ids: map[string]string{}, seqs: map[string]uint64{}}
	f.do(system, room.Command{Op: room.OpCreate, Title: "Team", Code: f.code, Steps: []string{"Welcome"}})
	f.do(mod, room.Command{Op: room.OpStart})
	hash := strings.Repeat("5e", 32)
	f.do(mod, room.Command{Op: room.OpTeamAdd, Name: "Chair", Scope: room.ScopeAll, KeyHash: hash})
	f.do(mod, room.Command{Op: room.OpTeamAdd, Name: "Backstage", Scope: room.ScopeBackstage, KeyHash: strings.Repeat("6f", 32)})
	chair := room.Actor{ID: room.SeatActor(1), Role: room.Moderator}
	back := room.Actor{ID: room.SeatActor(2), Role: room.Moderator}
	f.do(back, room.Command{Op: room.OpNote, Text: "backstage-secret: speaker over time"})
	outcome := f.do(chair, room.Command{Op: room.OpOutcome, Step: 0, Text: "Welcomed by the chair."})
	f.do(mod, room.Command{Op: room.OpTeamRevoke, Seat: 2})
	f.do(mod, room.Command{Op: room.OpCharter, Rules: []string{"Be kind", "Stay on topic"}})
	f.ids["ann"] = "p-0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
	f.join("ann", room.InRoom)
	f.do(f.p("ann"), room.Command{Op: room.OpAsk, Text: "An advert for cheap watches zqx"})
	f.do(chair, room.Command{Op: room.OpReject, Question: 1, Reason: room.OffTopic, Rule: 2})
	f.do(mod, room.Command{Op: room.OpEnd})
	rows, err := f.st.Load(t.Context(), f.code)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Build(rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Team) != 2 || r.Team[0].Name != "Chair" || r.Team[1].Name != "Backstage" || r.Team[1].RevokedAt == 0 {
		t.Fatalf("team %+v", r.Team)
	}
	var byChair *LedgerEntry
	for i, e := range r.Ledger {
		if e.Seq == outcome {
			byChair = &r.Ledger[i]
		}
		if e.Op == room.OpNote {
			t.Fatal("a backstage note is in the report's ledger")
		}
	}
	if byChair == nil || byChair.Role != "Chair" || byChair.By != 1 {
		t.Fatalf("the chair's act: %+v", byChair)
	}
	if q := r.Questions.List[0]; q.Rule != 2 || q.Reason != room.OffTopic {
		t.Errorf("the refused question %+v does not cite rule 2", q)
	}
	if len(r.Charter) != 2 || r.Charter[1] != "Stay on topic" {
		t.Errorf("charter %q", r.Charter)
	}
	js, _ := json.Marshal(r)
	files, err := Package(rows, OpenData, Options{})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	z["report.json"] = js
	for name, data := range z {
		for _, s := range []string{hash, "backstage-secret", "seat-1", "seat-2"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s contains %q", name, s)
			}
		}
	}
	if q := string(z["questions.csv"]); !strings.Contains(q, "off-topic,2") {
		t.Errorf("questions.csv does not cite the rule:\n%s", q)
	}
	if m := string(z["moderation.csv"]); !strings.Contains(m, ",Chair") || !strings.Contains(m, ",organiser") {
		t.Errorf("moderation.csv does not name the roles:\n%s", m)
	}
}
