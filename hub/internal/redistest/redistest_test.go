package redistest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/hub/internal/redistest"
)

// conn is a raw RESP connection: the tests check the server itself, not a
// client library's retries.
type conn struct {
	net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{Conn: c, r: bufio.NewReader(c)}
}

// send writes one command in RESP's inline form.
func (c *conn) send(t *testing.T, args ...string) {
	t.Helper()
	if _, err := fmt.Fprintf(c, "%s\r\n", strings.Join(args, " ")); err != nil {
		t.Fatalf("send %v: %v", args, err)
	}
}

// reply reads one reply line within d.
func (c *conn) reply(d time.Duration) (string, error) {
	c.SetReadDeadline(time.Now().Add(d))
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if strings.HasPrefix(line, "$") && line != "$-1" { // a bulk string
		line, err = c.r.ReadString('\n')
		line = strings.TrimSuffix(line, "\r\n")
	}
	return line, err
}

func (c *conn) do(t *testing.T, args ...string) string {
	t.Helper()
	c.send(t, args...)
	line, err := c.reply(5 * time.Second)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return line
}

func TestStart(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr() = %q, want 127.0.0.1:port", s.Addr())
	}
	if want := "redis://" + s.Addr(); s.URL() != want {
		t.Errorf("URL() = %q, want %q", s.URL(), want)
	}
	c := dial(t, s.Addr())
	if got := c.do(t, "PING"); got != "+PONG" {
		t.Errorf("PING = %q, want +PONG", got)
	}
	if got := c.do(t, "SET", "k", "v"); got != "+OK" {
		t.Errorf("SET = %q, want +OK", got)
	}
	if got := c.do(t, "GET", "k"); got != "v" {
		t.Errorf("GET = %q, want v", got)
	}
	// Nothing is kept on disk.
	if got := c.do(t, "CONFIG", "GET", "appendonly"); got != "*2" {
		t.Fatalf("CONFIG GET appendonly = %q", got)
	}
	if name, _ := c.reply(time.Second); name != "appendonly" {
		t.Fatalf("CONFIG GET appendonly: name %q", name)
	}
	if value, _ := c.reply(time.Second); value != "no" {
		t.Errorf("appendonly = %q, want no", value)
	}
}

func TestURLWorksWithGoRedis(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	opt, err := redis.ParseURL(s.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", s.URL(), err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := rdb.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Errorf("GET = %q, %v; want v", got, err)
	}
}

func TestServersAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := redistest.Start(t), redistest.Start(t)
	if a.Addr() == b.Addr() {
		t.Fatalf("both servers on %s", a.Addr())
	}
	dial(t, a.Addr()).do(t, "SET", "k", "a")
	if got := dial(t, b.Addr()).do(t, "GET", "k"); got != "$-1" {
		t.Errorf("GET on the other server = %q, want nil ($-1)", got)
	}
}

func TestKillRestartEmpty(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	addr := s.Addr()
	c := dial(t, addr)
	c.do(t, "SET", "k", "v")

	s.Kill()
	if _, err := c.reply(5 * time.Second); err == nil {
		t.Error("connection still open after Kill")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("dial succeeded after Kill")
	}
	s.Kill() // a second Kill is harmless

	s.Restart()
	if s.Addr() != addr {
		t.Errorf("restarted on %s, want %s", s.Addr(), addr)
	}
	c = dial(t, addr)
	if got := c.do(t, "GET", "k"); got != "$-1" {
		t.Errorf("GET after restart = %q, want nil ($-1): the restarted server must be empty", got)
	}
	if got := c.do(t, "DBSIZE"); got != ":0" {
		t.Errorf("DBSIZE after restart = %q, want :0", got)
	}

	// Restart of a running server replaces it.
	c.do(t, "SET", "k", "v")
	s.Restart()
	if got := dial(t, addr).do(t, "DBSIZE"); got != ":0" {
		t.Errorf("DBSIZE after restarting a running server = %q, want :0", got)
	}
}

func TestStopCont(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	c := dial(t, s.Addr())
	c.do(t, "PING")

	s.Stop()
	// A frozen server keeps the connection but cannot answer: the read
	// must time out, however long it waits.
	c.send(t, "PING")
	_, err := c.reply(200 * time.Millisecond)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("reply from a stopped server: err %v, want a timeout", err)
	}
	// New connections are still accepted by the kernel.
	c2 := dial(t, s.Addr())
	c2.send(t, "PING")

	s.Cont()
	for i, cc := range []*conn{c, c2} {
		got, err := cc.reply(5 * time.Second)
		if err != nil || got != "+PONG" {
			t.Errorf("connection %d after Cont: %q, %v; want +PONG", i, got, err)
		}
	}
}

func TestStoppedServerIsKilledAtCleanup(t *testing.T) {
	t.Parallel()
	var addr string
	t.Run("inner", func(t *testing.T) {
		s := redistest.Start(t)
		addr = s.Addr()
		s.Stop() // cleanup must still end it
	})
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Errorf("redis-server on %s still accepts connections after its test ended", addr)
	}
}

func TestMissingRedisServerFails(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	ft := &fatalT{TB: t}
	done := make(chan struct{})
	go func() { // Fatal ends the goroutine with runtime.Goexit
		defer close(done)
		redistest.Start(ft)
	}()
	<-done
	if !strings.Contains(ft.msg, "apt-get install -y redis-server") {
		t.Errorf("Start without redis-server: message %q, want the install command", ft.msg)
	}
}

// fatalT records Fatalf instead of failing the real test.
type fatalT struct {
	testing.TB
	msg string
}

func (f *fatalT) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalT) Helper() {}
