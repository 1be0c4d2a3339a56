// Package redistest runs real redis-server processes for tests.
//
// Each Server is its own redis-server on a free loopback port, keeping
// nothing on disk, stopped when the test ends. Besides its address it offers
// the faults a Redis transport must survive: a crash (Kill), a restart that
// comes back empty (Restart), and a freeze in which connections stay open
// but nothing answers (Stop, then Cont).
//
// redis-server must be installed (apt-get install -y redis-server;
// ./scripts/test.sh does it). A missing binary fails the test rather than
// skipping it, so that a machine without Redis cannot pass by testing less.
package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a redis-server may take to answer PING.
const startTimeout = 15 * time.Second

// logLimit is how much of redis-server's output is kept for failure reports.
const logLimit = 64 << 10

// Server is a redis-server process owned by one test. Its methods may be
// called from any goroutine, but not concurrently with each other.
type Server struct {
	t     testing.TB
	bin   string
	port  int
	dir   string
	extra []string

	mu   sync.Mutex
	cmd  *exec.Cmd     // guarded by mu; the current process, nil once killed
	done chan struct{} // guarded by mu; closed when cmd has exited
	log  *tailBuffer   // output of every process this Server started
}

// Start starts redis-server on a free port of 127.0.0.1, waits until it
// answers PING and registers a cleanup that kills it. Extra arguments are
// passed to redis-server after the defaults, e.g. "--maxmemory", "1mb";
// Restart keeps them.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server not found in PATH; install it with `apt-get install -y redis-server` (./scripts/test.sh does this): %v", err)
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), extra: extra, log: &tailBuffer{limit: logLimit}}
	t.Cleanup(func() {
		s.Kill()
		if t.Failed() {
			t.Logf("redistest: redis-server %s output:\n%s", s.Addr(), s.log.String())
		}
	})

	// The port is free when chosen but may be taken before redis-server
	// binds it; another port is tried then.
	var lastErr error
	for range 5 {
		s.port, err = freePort()
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		if lastErr = s.start(); lastErr == nil {
			return s
		}
	}
	t.Fatalf("redistest: %v\n%s", lastErr, s.log.String())
	return nil
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// URL is the server's "redis://127.0.0.1:port", as redis.ParseURL takes it.
func (s *Server) URL() string {
	return "redis://" + s.Addr()
}

// Kill ends the server with SIGKILL, as a crash would, and waits until it
// has exited. Killing a stopped or already killed server is fine.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.killLocked()
}

// Restart kills the server if it still runs and starts a new, empty one on
// the same port, returning once it answers PING.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v\n%s", err, s.log.String())
	}
}

// Stop freezes the server with SIGSTOP: the kernel still accepts
// connections on its port, but nothing is read or answered until Cont.
func (s *Server) Stop() {
	s.t.Helper()
	s.signal(syscall.SIGSTOP)
}

// Cont resumes a server frozen by Stop; what clients sent meanwhile is then
// answered.
func (s *Server) Cont() {
	s.t.Helper()
	s.signal(syscall.SIGCONT)
}

func (s *Server) signal(sig syscall.Signal) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.t.Fatalf("redistest: %v: redis-server %s is not running", sig, s.Addr())
	}
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("redistest: %v: %v", sig, err)
	}
}

// start runs redis-server on s.port and waits until it answers PING. On
// failure the process is gone and the error says why.
func (s *Server) start() error {
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--daemonize", "no",
		"--logfile", "",
	}
	cmd := exec.Command(s.bin, append(args, s.extra...)...)
	cmd.Stdout = s.log
	cmd.Stderr = s.log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	done := make(chan struct{})
	go func() {
		cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()

	if err := waitPong(s.Addr(), done); err != nil {
		s.Kill()
		return fmt.Errorf("redis-server on %s: %w", s.Addr(), err)
	}
	return nil
}

func (s *Server) killLocked() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill() // an error means it has exited already
	<-s.done
	s.cmd, s.done = nil, nil
}

// waitPong sends PING until the server answers +PONG, the process exits
// (done is closed) or startTimeout passes.
func waitPong(addr string, done <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	lastErr := errors.New("no answer")
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("exited before answering PING")
		default:
		}
		if lastErr = ping(addr); lastErr == nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("no PONG after %v: %w", startTimeout, lastErr)
}

func ping(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last limit bytes written to it. It is written by the
// exec package's copying goroutines and read by the test.
type tailBuffer struct {
	limit int

	mu  sync.Mutex
	buf bytes.Buffer // guarded by mu
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.limit; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
