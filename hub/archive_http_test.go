package hub

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/room"
)

func fetchArchive(t *testing.T, url, key string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set(keyHeader, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func unzipFiles(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		out[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return out
}

// TestArchiveEndpoints runs a meeting over WebSockets, ends it, adds a late
// written answer, and downloads its record through Handler.
func TestArchiveEndpoints(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	base := th.url
	cr := createRoom(t, th.url, `{"title":"Budget step meeting","steps":["Welcome","Budget"],
		"settings":{"qaOpen":true,"preModeration":true,"reactions":true}}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.name = "mod"
	alice := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "room"})
	alice.name = "alice"
	bob := dial(t, th.url, cr.Code, helloArgs{Role: "participant", Channel: "remote"})
	bob.name = "bob"

	const (
		approved = "Will the tables be published?"
		pending  = "Pending text that nobody moderated"
		rejected = "Rejected text: buy cheap watches"
		late     = "Yes, in March."
	)
	mod.must(room.Command{Op: room.OpStart})
	alice.must(room.Command{Op: room.OpAsk, Text: approved})
	bob.must(room.Command{Op: room.OpAsk, Text: pending})
	bob.must(room.Command{Op: room.OpAsk, Text: rejected})
	mod.must(room.Command{Op: room.OpApprove, Question: 1})
	mod.must(room.Command{Op: room.OpReject, Question: 3, Reason: room.Abusive})
	bob.must(room.Command{Op: room.OpUpvote, Question: 1})
	mod.must(room.Command{Op: room.OpGoto, Step: 1})
	mod.must(room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Agree?", Options: []string{"Yes", "No"}})
	mod.must(room.Command{Op: room.OpPollOpen, Poll: 1})
	alice.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{0}})
	bob.must(room.Command{Op: room.OpVote, Poll: 1, Choices: []int{1}})
	mod.must(room.Command{Op: room.OpPollClose, Poll: 1})
	mod.must(room.Command{Op: room.OpEnd})
	// Frozen, but for written answers.
	bob.refused(room.Command{Op: room.OpAsk, Text: "Too late?"}, "ended")
	mod.refused(room.Command{Op: room.OpPollOpen, Poll: 1}, "ended")
	last := mod.must(room.Command{Op: room.OpAnswer, Question: 1, Text: late})

	ids := []string{alice.welcome.Participant, bob.welcome.Participant}
	secrets := append([]string{pending, rejected}, ids...)
	prefix := base + "/api/rooms/" + strings.ToLower(cr.Code) // codes are case-insensitive

	status, hdr, b := fetchArchive(t, prefix+"/report", "")
	if status != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("report: %d %s", status, b)
	}
	var rep archive.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Status != room.Ended || rep.Events != last || rep.Questions.Asked != 3 || rep.Questions.Late != 1 ||
		rep.Questions.Refused[room.Abusive] != 1 || rep.Attendance.Peak != 2 || len(rep.Polls) != 1 {
		t.Errorf("report: %s", b)
	}
	if !bytes.Contains(b, []byte(approved)) || !bytes.Contains(b, []byte(late)) {
		t.Errorf("the report lacks the approved question or its late answer: %s", b)
	}
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the public report contains %q", s)
		}
	}

	status, hdr, b = fetchArchive(t, prefix+"/opendata.zip", "")
	if status != http.StatusOK || hdr.Get("Content-Type") != "application/zip" || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("opendata.zip: %d %v", status, hdr)
	}
	files := unzipFiles(t, b)
	if _, ok := files["datapackage.json"]; !ok {
		t.Errorf("opendata.zip has no datapackage.json: %v", fileNames(files))
	}
	for name, data := range files {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("opendata.zip: %s contains %q", name, s)
			}
		}
	}

	// Moderators only: no key, a wrong key, the screen's nothing.
	for _, path := range []string{"/log.json", "/data.zip"} {
		for _, key := range []string{"", "not-the-key", cr.ModeratorKey + "x"} {
			if status, _, _ := fetchArchive(t, prefix+path, key); status != http.StatusForbidden {
				t.Errorf("%s with key %q: %d, want 403", path, key, status)
			}
		}
	}
	status, _, b = fetchArchive(t, prefix+"/log.json", cr.ModeratorKey)
	if status != http.StatusOK {
		t.Fatalf("log.json: %d %s", status, b)
	}
	s, err := archive.Verify(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the downloaded log does not verify: %v", err)
	}
	if s.Events != last || s.Questions != 3 || s.Ballots != 2 || !s.Final {
		t.Errorf("summary %+v", s)
	}
	status, _, b = fetchArchive(t, prefix+"/data.zip?excel=1", cr.ModeratorKey)
	if status != http.StatusOK {
		t.Fatalf("data.zip: %d %s", status, b)
	}
	files = unzipFiles(t, b)
	for _, name := range []string{"log.json", "ballots.csv", "excel/questions.csv"} {
		if _, ok := files[name]; !ok {
			t.Errorf("data.zip lacks %s: %v", name, fileNames(files))
		}
	}
	if !bytes.Contains(files["questions.csv"], []byte(ids[1])) || !bytes.Contains(files["questions.csv"], []byte(pending)) {
		t.Errorf("the full questions.csv lacks the authors or the pending text")
	}

	for _, path := range []string{"/report", "/opendata.zip", "/log.json", "/data.zip"} {
		if status, _, _ := fetchArchive(t, base+"/api/rooms/ZZZZZZ"+path, cr.ModeratorKey); status != http.StatusNotFound {
			t.Errorf("unknown room %s: %d, want 404", path, status)
		}
		if status, _, _ := fetchArchive(t, base+"/api/rooms/no-such-code!"+path, ""); status != http.StatusNotFound {
			t.Errorf("invalid code %s: %d, want 404", path, status)
		}
	}
}

func fileNames(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestArchiveDamagedLog: a log altered in the SQLite file behind the
// store's back is not published; the report says it does not verify.
func TestArchiveDamagedLog(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tribune.db")
	th := startHubOn(t, path, testTick)
	cr := createRoom(t, th.url, `{"title":"Honest meeting"}`)
	if status, _, b := fetchArchive(t, th.url+"/api/rooms/"+cr.Code+"/report", ""); status != http.StatusOK {
		t.Fatalf("report: %d %s", status, b)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE events SET json = replace(json, 'Honest', 'Rigged') WHERE room = ? AND seq = 1`, cr.Code)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("tamper: %v (%d rows)", err, n)
	}
	// The report built from the verified log is still served while the
	// log's head is unchanged (archiveCache): never the altered text.
	status, _, b := fetchArchive(t, th.url+"/api/rooms/"+cr.Code+"/report", "")
	if bytes.Contains(b, []byte("Rigged")) {
		t.Fatalf("report of a tampered log: %d %s", status, b)
	}
	// Whatever reads the log again finds the damage: the moderators' log,
	// and the public report once anything is committed.
	if status, _, b := fetchArchive(t, th.url+"/api/rooms/"+cr.Code+"/log.json", cr.ModeratorKey); status != http.StatusInternalServerError || bytes.Contains(b, []byte("Rigged")) {
		t.Fatalf("log.json of a tampered log: %d %s", status, b)
	}
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	mod.must(room.Command{Op: room.OpAnnounce, Text: "One more event"})
	status, _, b = fetchArchive(t, th.url+"/api/rooms/"+cr.Code+"/report", "")
	if status != http.StatusInternalServerError || !bytes.Contains(b, []byte("does not verify")) || bytes.Contains(b, []byte("Rigged")) {
		t.Fatalf("report of a tampered log: %d %s", status, b)
	}
}

// TestArchiveCache: when the whole room opens the report at once, the log
// is read and replayed once; a browser holding the current version gets
// 304; anything committed since is in the next answer.
func TestArchiveCache(t *testing.T) {
	t.Parallel()
	th := startHub(t, testTick)
	cr := createRoom(t, th.url, `{"title":"Popular report","settings":{"qaOpen":true,"preModeration":false}}`)
	mod := dial(t, th.url, cr.Code, helloArgs{Role: "moderator", Key: cr.ModeratorKey})
	p := dial(t, th.url, cr.Code, helloArgs{Role: "participant"})
	mod.must(room.Command{Op: room.OpStart})
	p.must(room.Command{Op: room.OpAsk, Text: "First question"})
	url := th.url + "/api/rooms/" + cr.Code + "/report"
	builds := func(kind string) float64 {
		return testutil.ToFloat64(th.hub.metrics.archiveBuilds.WithLabelValues(kind))
	}

	const n = 20
	bodies := make([][]byte, n)
	etags := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, hdr, b := fetchArchive(t, url, "")
			if status != http.StatusOK {
				t.Errorf("report: %d %s", status, b)
			}
			bodies[i], etags[i] = b, hdr.Get("ETag")
		}()
	}
	wg.Wait()
	if got := builds("report"); got != 1 {
		t.Errorf("%d simultaneous requests built the report %v times, want once", n, got)
	}
	for i := range n {
		if !bytes.Equal(bodies[i], bodies[0]) || etags[i] != etags[0] || etags[0] == "" {
			t.Fatalf("answers differ: %q %q / %q %q", etags[i], bodies[i], etags[0], bodies[0])
		}
	}
	if !bytes.Contains(bodies[0], []byte("First question")) {
		t.Errorf("report: %s", bodies[0])
	}

	// The browser's copy is current: 304, nothing built.
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("If-None-Match", etags[0])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified || builds("report") != 1 {
		t.Errorf("revalidation: %d, %v builds", resp.StatusCode, builds("report"))
	}

	// A new question: the next answer has it, under a new ETag.
	p.must(room.Command{Op: room.OpAsk, Text: "Second question"})
	status, hdr, b := fetchArchive(t, url, "")
	if status != http.StatusOK || !bytes.Contains(b, []byte("Second question")) || hdr.Get("ETag") == etags[0] || builds("report") != 2 {
		t.Errorf("after a new event: %d %q %v builds %s", status, hdr.Get("ETag"), builds("report"), b)
	}

	// The open data, with and without the spreadsheet copies: two outputs.
	for range 2 {
		for _, q := range []string{"", "?excel=1"} {
			if status, _, b := fetchArchive(t, th.url+"/api/rooms/"+cr.Code+"/opendata.zip"+q, ""); status != http.StatusOK {
				t.Fatalf("opendata%s: %d %s", q, status, b)
			}
		}
	}
	if got := builds("opendata"); got != 2 {
		t.Errorf("open data built %v times, want 2", got)
	}
}
