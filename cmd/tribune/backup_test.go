package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// backupServerEnv makes this test binary `tribune serve` on the file it
// names: the server under backup is another process, as in production.
const backupServerEnv = "TRIBUNE_TEST_BACKUP_SERVE"

// startServeProcess runs `tribune serve -db path` in a child process and
// returns its base URL; it is stopped with SIGTERM when the test ends.
func startServeProcess(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBackupWhileVoting$")
	cmd.Env = append(os.Environ(), backupServerEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "Tribune is listening on ")
	if err != nil || !ok {
		t.Fatalf("server: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	return "http://" + addr
}

// voteAck is a vote the server acknowledged.
type voteAck struct {
	participant, id string
	seq             uint64
	choice          int
	at              time.Time
}

// TestBackupWhileVoting: 200 participants keep changing their vote, over
// real WebSockets, against a server running in another process; tribune
// backup copies its database meanwhile. Every vote acknowledged before the
// backup was called is in the copy, at the seq it was acknowledged with;
// the meeting went on during and after the backup; and a server started on
// the copy serves exactly the replay of its log.
func TestBackupWhileVoting(t *testing.T) {
	if path := os.Getenv(backupServerEnv); path != "" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		err := run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-db", path, "-log-level", "warn", "-tick", "50ms"}, noenv, os.Stdout, os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("200 voters: not in -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	live := filepath.Join(dir, "tribune.db")
	base := startServeProcess(t, live)
	lr := testLoadRun(base)

	code, key := createLoadRoom(t, base)
	mod, err := lr.dial(ctx, code, map[string]any{"role": "moderator", "key": key}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []room.Command{
		{Op: room.OpStart},
		{Op: room.OpPollCreate, Kind: room.Single, Text: "Which priority first?", Options: []string{"Schools", "Transport", "Parks", "Housing"}},
		{Op: room.OpPollOpen, Poll: 1},
	} {
		if r, err := lr.do(ctx, mod, c, false); err != nil || r.code != "" {
			t.Fatalf("%s: %v %s", c.Op, err, r.code)
		}
	}

	const voters = 200
	clients := make([]*loadClient, voters)
	var dialWG sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range clients {
		dialWG.Add(1)
		sem <- struct{}{}
		go func() {
			defer dialWG.Done()
			defer func() { <-sem }()
			cl, err := lr.dial(ctx, code, map[string]any{"role": "participant", "channel": "room"}, true)
			if err != nil {
				t.Error(err)
				return
			}
			clients[i] = cl
		}()
	}
	dialWG.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Every voter changes their mind, a few times a second, until stop.
	var (
		mu     sync.Mutex
		acks   []voteAck
		count  atomic.Int64
		stop   = make(chan struct{})
		voteWG sync.WaitGroup
	)
	// reached returns a channel closed once n votes in all are acknowledged.
	var waitMu sync.Mutex
	waiters := map[int64]chan struct{}{}
	reached := func(n int64) <-chan struct{} {
		waitMu.Lock()
		defer waitMu.Unlock()
		ch := make(chan struct{})
		if count.Load() >= n {
			close(ch)
		} else {
			waiters[n] = ch
		}
		return ch
	}
	acked := func(a voteAck) {
		mu.Lock()
		acks = append(acks, a)
		mu.Unlock()
		n := count.Add(1)
		waitMu.Lock()
		for k, ch := range waiters {
			if n >= k {
				close(ch)
				delete(waiters, k)
			}
		}
		waitMu.Unlock()
	}
	for _, cl := range clients {
		voteWG.Add(1)
		go func() {
			defer voteWG.Done()
			for n := 0; ; n++ {
				choice := (n + rand.IntN(3)) % 4
				r, err := lr.do(ctx, cl, room.Command{Op: room.OpVote, Poll: 1, Choices: []int{choice}}, false)
				if err != nil {
					t.Errorf("vote: %v", err)
					return
				}
				if r.code == "" {
					cl.mu.Lock()
					id := fmt.Sprintf("l%d", cl.n) // what lr.do sent: only this goroutine sends for cl
					cl.mu.Unlock()
					acked(voteAck{cl.id, id, r.seq, choice, time.Now()})
				}
				select {
				case <-stop:
					return
				case <-time.After(150*time.Millisecond + rand.N(300*time.Millisecond)):
				}
			}
		}()
	}
	stopVoting := sync.OnceFunc(func() { close(stop); voteWG.Wait() })
	defer stopVoting()

	waitFor := func(n int64, what string) {
		t.Helper()
		select {
		case <-reached(n):
		case <-ctx.Done():
			t.Fatalf("%s: only %d votes acknowledged", what, count.Load())
		}
	}
	waitFor(600, "before the backup")

	// The barrier: every ack received so far must be in the copy.
	mu.Lock()
	before := slices.Clone(acks)
	mu.Unlock()
	started := time.Now()
	copyPath := filepath.Join(dir, "backup.db")
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"backup", "-db", live, "-o", copyPath}, noenv, &out, &errOut); err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out.String(), errOut.String())
	}
	ended := time.Now()
	t.Logf("tribune backup:\n%s", out.String())
	if !strings.Contains(out.String(), copyPath+": OK") || !strings.Contains(out.String(), "integrity  ok") {
		t.Errorf("backup output:\n%s", out.String())
	}
	// The meeting goes on after the backup, without a pause.
	waitFor(count.Load()+200, "after the backup")
	stopVoting()

	mu.Lock()
	during := 0
	for _, a := range acks {
		if a.at.After(started) && a.at.Before(ended) {
			during++
		}
	}
	total := len(acks)
	mu.Unlock()
	t.Logf("%d votes acknowledged before the backup, %d during it (%s), %d in all", len(before), during, ended.Sub(started).Round(time.Millisecond), total)

	cp, err := store.Open(ctx, store.Config{Path: copyPath, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := cp.Load(ctx, code)
	cp.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := store.VerifyChain(rows); err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, a := range before {
		if a.seq > uint64(len(rows)) {
			missing++
			continue
		}
		r := rows[a.seq-1]
		if r.Event.Op != room.OpVote || r.Event.Actor.ID != a.participant || r.CmdID != a.id || !slices.Equal(r.Event.Choices, []int{a.choice}) {
			t.Errorf("the vote acknowledged at seq %d (%s of %s, option %d) is not there: %+v", a.seq, a.id, a.participant, a.choice, r.Event)
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d votes acknowledged before the backup are not in the copy (%d events)", missing, len(before), len(rows))
	}
	livest, err := store.Open(ctx, store.Config{Path: live, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	liveRows, err := livest.Load(ctx, code)
	livest.Close()
	if err != nil || len(liveRows) <= len(rows) {
		t.Errorf("the live log has %d events (%v), the copy %d: the meeting did not go on after the backup", len(liveRows), err, len(rows))
	}

	// Restored: a server on the copy serves the replay of the copy's log.
	base2 := startServeOn(t, copyPath)
	lr2 := testLoadRun(base2)
	mod2, err := lr2.dial(ctx, code, map[string]any{"role": "moderator", "key": key}, false)
	if err != nil {
		t.Fatal(err)
	}
	mod2.mu.Lock()
	view, seq := mod2.view, mod2.seq
	mod2.mu.Unlock()
	st2, err := store.Open(ctx, store.Config{Path: copyPath, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	restored, err := st2.Load(ctx, code)
	st2.Close()
	if err != nil || uint64(len(restored)) < seq || seq < uint64(len(rows)) {
		t.Fatalf("restored server at seq %d, its log %d events (%v), the copy %d", seq, len(restored), err, len(rows))
	}
	var evs []room.Event
	for _, r := range restored[:seq] {
		evs = append(evs, r.Event)
	}
	replayed, err := room.Replay(evs)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(view)
	want, _ := json.Marshal(replayed.View(room.Moderator))
	if !bytes.Equal(got, want) {
		t.Errorf("the restored server's state differs from the replay of the copy:\n got %s\nwant %s", got, want)
	}
}

// testLoadRun is the load generator's client side, aimed at base.
func testLoadRun(base string) *loadRun {
	return &loadRun{
		cfg:     loadConfig{url: base, urls: []string{base}},
		res:     &loadResult{},
		acks:    newAckTimes(),
		patches: &patchCache{m: make(map[[2]uint64]*room.Patch)},
		log:     io.Discard,
	}
}

// createLoadRoom creates a meeting on base and returns its code and
// moderator key.
func createLoadRoom(t *testing.T, base string) (code, key string) {
	t.Helper()
	resp, err := http.Post(base+"/api/rooms", "application/json", strings.NewReader(`{"title":"Backup while voting"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cr struct {
		Code         string `json:"code"`
		ModeratorKey string `json:"moderatorKey"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&cr); err != nil || cr.Code == "" {
		t.Fatalf("create room: %d %v", resp.StatusCode, err)
	}
	return cr.Code, cr.ModeratorKey
}

// startServeOn runs `tribune serve` in-process on the database at path,
// until the test ends.
func startServeOn(t *testing.T, path string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-db", path, "-log-level", "error"}, noenv, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve on %s: %v", path, err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "Tribune is listening on ")
	if err != nil || !ok {
		t.Fatalf("serve on %s: %q %v", path, line, err)
	}
	go io.Copy(io.Discard, pr)
	return "http://" + addr
}

// TestBackupCommand: tribune help backup shows the flags and their
// environment; a copy of a meeting checks and opens; a missing -o, an
// existing output and a missing database are refused, creating nothing.
func TestBackupCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var help bytes.Buffer
	if err := run(ctx, []string{"help", "backup"}, noenv, &help, io.Discard); err != nil || !strings.Contains(help.String(), "-o string") || !strings.Contains(help.String(), "$TRIBUNE_DB") {
		t.Errorf("tribune help backup: %v\n%s", err, help.String())
	}
	var usage bytes.Buffer
	run(ctx, []string{"-h"}, noenv, &usage, io.Discard)
	if !strings.Contains(usage.String(), "tribune backup -o FILE") {
		t.Errorf("tribune -h does not list backup:\n%s", usage.String())
	}

	db := meetingDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.db")
	var stdout bytes.Buffer
	if err := run(ctx, []string{"backup", "-o", out}, func(k string) string {
		if k == "TRIBUNE_DB" {
			return db
		}
		return ""
	}, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "meetings   1, 8 events") {
		t.Errorf("backup output:\n%s", stdout.String())
	}
	if err := exportCmd(ctx, []string{"-db", out, "-room", "CLI234", "-o", filepath.Join(dir, "log.json")}, noenv, io.Discard, io.Discard); err != nil {
		t.Errorf("export from the copy: %v", err)
	}

	missing := filepath.Join(dir, "missing.db")
	for _, args := range [][]string{
		{"-db", db},
		{"-db", db, "-o", out},
		{"-db", missing, "-o", filepath.Join(dir, "other.db")},
	} {
		if err := run(ctx, append([]string{"backup"}, args...), noenv, io.Discard, io.Discard); err == nil {
			t.Errorf("backup %v: no error", args)
		}
	}
	// A database whose log was tampered with gives no backup.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`UPDATE events SET json = CAST(replace(CAST(json AS TEXT), 'minutes', 'Minutes') AS BLOB) WHERE seq = 4`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = run(ctx, []string{"backup", "-db", db, "-o", filepath.Join(dir, "bad.db")}, noenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "nothing kept") || !strings.Contains(err.Error(), "event 4") {
		t.Errorf("backup of a tampered database: %v", err)
	}

	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"copy.db", "log.json"}) {
		t.Errorf("files left: %v, want copy.db and log.json", names)
	}
}
