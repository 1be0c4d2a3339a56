package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashEnv names the file the helper process appends to.
const crashEnv = "TRIBUNE_STORE_CRASH_DB"

// TestCrashHelper is not a test: run by TestCrash as a child process, it
// appends to every room and every consultation of the file in crashEnv,
// one goroutine each, and prints "ack ROOM SEQ" (or "ack consultation/ID
// SEQ") once each append has returned. It runs until it
// is killed (or for a minute, should its parent be gone).
func TestCrashHelper(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("helper process for TestCrash")
	}
	ctx := context.Background()
	s, err := Open(ctx, Config{Path: path})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rooms, err := s.Rooms(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	cons, err := s.Consultations(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var out sync.Mutex // one write per line, so lines never interleave
	deadline := time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	for _, rec := range cons {
		wg.Go(func() {
			for seq := uint64(2); time.Now().Before(deadline); seq++ {
				if err := s.AppendConsultation(ctx, rec.ID, consultationEvents(seq, seq)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %d\n", consultationKey(rec.ID), seq)
				out.Unlock()
			}
		})
	}
	for _, rec := range rooms {
		wg.Go(func() {
			for seq := uint64(2); time.Now().Before(deadline); seq++ {
				if err := s.Append(ctx, rec.Code, records(seq, seq)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(2)
				}
				out.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %d\n", rec.Code, seq)
				out.Unlock()
			}
		})
	}
	wg.Wait()
	os.Exit(3)
}

// TestCrash kills a process that is appending (SIGKILL, so nothing is
// flushed or closed) and checks that every event it acknowledged is in the
// file and that the chains verify.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "crash.db")
	codes := []string{"CRASH1", "CRASH2", "CRASH3", "CRASH4"}
	s, err := Open(context.Background(), Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range codes {
		mustCreate(t, s, code)
	}
	// A consultation, appended to beside the rooms by the same committer;
	// its id is a room's code, and their logs stay apart.
	mustCreateConsultation(t, s, codes[0])
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 300 // acknowledgements
	acked := make(map[string]uint64)
	lines := 0
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var code string
		var seq uint64
		if _, err := fmt.Sscanf(sc.Text(), "ack %s %d", &code, &seq); err != nil {
			continue
		}
		if seq != acked[code]+1 && acked[code] != 0 {
			t.Errorf("room %s: ack %d after %d", code, seq, acked[code])
		}
		acked[code] = seq
		lines++
		if lines == killAfter {
			// SIGKILL: the child gets no chance to flush or close anything.
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
		// Keep reading: the acks written before the kill are still in the pipe.
	}
	err = cmd.Wait()
	if lines < killAfter {
		t.Fatalf("child ended after %d acks: %v\n%s", lines, err, stderr.String())
	}
	t.Logf("child killed after %d acks (%v)", lines, err)

	s = openStore(t, path, Config{})
	for _, code := range codes {
		rows := mustLoad(t, s, code) // verifies the chain
		if uint64(len(rows)) < acked[code] {
			t.Errorf("room %s: %d events after the crash, but %d were acknowledged", code, len(rows), acked[code])
		}
		// The log goes on where it stopped.
		next := uint64(len(rows)) + 1
		if err := s.Append(context.Background(), code, records(next, next)); err != nil {
			t.Fatalf("room %s: append after the crash: %v", code, err)
		}
		mustLoad(t, s, code)
	}
	id := codes[0]
	rows := mustLoadConsultation(t, s, id)
	if acked := acked[consultationKey(id)]; acked == 0 || uint64(len(rows)) < acked {
		t.Errorf("consultation %s: %d events after the crash, but %d were acknowledged", id, len(rows), acked)
	}
	next := uint64(len(rows)) + 1
	if err := s.AppendConsultation(context.Background(), id, consultationEvents(next, next)); err != nil {
		t.Fatalf("consultation %s: append after the crash: %v", id, err)
	}
	mustLoadConsultation(t, s, id)
}
