package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub"
	"github.com/tribune-hub/tribune/room"
)

// The load generator: N participants over real WebSockets, on loopback only,
// bounded in time. It measures what PROTOCOL.md promises under load and
// checks at the end that every client holds the server's state.

type loadConfig struct {
	url          string   // the first of urls: rooms are created there
	urls         []string // clients are spread over these, round-robin
	participants int
	scenario     string
	poll         room.PollKind // vote: the poll's kind
	window       time.Duration
	protocol     int // the protocol version said in hello: an older server's, for before/after runs
	duration     time.Duration
	upvotes      float64
	questions    float64
	dialers      int
	pid          int
	tick         time.Duration
	settle       time.Duration
	cpuprofile   string          // the generator's own CPU profile, over the scenario
	bcast        broadcastConfig // -scenario broadcast (load_broadcast.go)
}

func loadCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c loadConfig
	fs := flag.NewFlagSet("tribune load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "", "server to load (loopback only), or several comma-separated (edges of one cluster: clients are spread round-robin, the room is created on the first); empty starts one on a temporary database")
	fs.IntVar(&c.participants, "participants", 500, "simulated participants")
	fs.StringVar(&c.scenario, "scenario", "vote", "vote: everyone votes once within -window; steady: -upvotes and -questions per second for -duration; idle: connect and measure memory; broadcast: -rate messages per second from one publisher to every participant for -duration, against -target")
	fs.DurationVar(&c.window, "window", 10*time.Second, "vote: the window in which everyone votes")
	fs.Func("poll", "vote: the poll's kind: single (one of 4 options; the default), ranking (a full ranking of 6 options) or points (10 points over 6 options)", func(s string) error {
		switch k := room.PollKind(s); k {
		case room.Single, room.Ranking, room.Points:
			c.poll = k
			return nil
		}
		return fmt.Errorf("single, ranking or points, not %q", s)
	})
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "steady, idle and broadcast: how long to run")
	fs.IntVar(&c.protocol, "protocol", hub.ProtocolVersion, "the protocol version to speak: an earlier server's, to measure it with this generator (the vote, steady and idle scenarios read versions 2 and 3 alike)")
	fs.Float64Var(&c.upvotes, "upvotes", 200, "steady: upvotes (and take-backs) per second")
	fs.Float64Var(&c.questions, "questions", 1, "steady: questions asked per second")
	fs.IntVar(&c.dialers, "dialers", 64, "connections opened concurrently")
	fs.IntVar(&c.pid, "pid", 0, "server process to report CPU and memory of, when -url is given")
	fs.DurationVar(&c.tick, "tick", 0, "the started server's tick (0: its default)")
	fs.DurationVar(&c.settle, "settle", 30*time.Second, "how long to wait for every client to converge at the end")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write the generator's own CPU profile over the scenario (not the ramp) to this file: what the generator costs the machine it shares with the server")
	c.bcast.flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.participants < 1 {
		return errors.New("-participants must be at least 1")
	}
	if c.poll == "" {
		c.poll = room.Single
	}
	if err := c.bcast.check(c); err != nil {
		return err
	}
	if c.url == "" {
		stop, base, pid, err := startServer(ctx, c.tick, stderr)
		if err != nil {
			return err
		}
		defer stop()
		c.url, c.pid = base, pid
	}
	for _, u := range strings.Split(c.url, ",") {
		if u = strings.TrimSpace(u); u != "" {
			if err := loopbackOnly(u); err != nil {
				return err
			}
			c.urls = append(c.urls, u)
		}
	}
	if len(c.urls) == 0 {
		return errors.New("-url: no server")
	}
	c.url = c.urls[0]
	ctx, cancel := context.WithTimeout(ctx, c.window+c.duration+c.settle+10*time.Minute)
	defer cancel()
	if c.scenario == "broadcast" {
		res, err := runBroadcast(ctx, c, stderr)
		if res != nil {
			res.print(stdout, c)
		}
		return err
	}
	res, err := runLoad(ctx, c, stderr)
	if res != nil {
		res.print(stdout, c)
	}
	return err
}

// loopbackOnly refuses any target that is not this machine: a load test
// must never send traffic elsewhere.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("load: %s is not a loopback address; load is only sent to this machine", host)
}

// startServer runs `tribune serve` from this binary on a free loopback port
// and a temporary database.
func startServer(ctx context.Context, tick time.Duration, stderr io.Writer) (stop func(), base string, pid int, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, "", 0, err
	}
	dir, err := os.MkdirTemp("", "tribune-load-")
	if err != nil {
		return nil, "", 0, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	// A load test is thousands of newcomers at once: no per-meeting limit.
	args := []string{"serve", "-addr", addr, "-db", filepath.Join(dir, "load.db"), "-log-level", "warn", "-joins-per-minute", "-1"}
	if tick > 0 {
		args = append(args, "-tick", tick.String())
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return nil, "", 0, err
	}
	stop = func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		os.RemoveAll(dir)
	}
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		stop()
		return nil, "", 0, fmt.Errorf("load: server did not start: %w", err)
	}
	go io.Copy(io.Discard, out)
	return stop, "http://" + addr, cmd.Process.Pid, nil
}

// latencies is a histogram with 100 µs buckets up to 60 s, safe for
// concurrent use.
type latencies struct {
	buckets [600001]atomic.Uint32
	n       atomic.Int64
	max     atomic.Int64
}

func (l *latencies) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	i := int(d / (100 * time.Microsecond))
	if i >= len(l.buckets) {
		i = len(l.buckets) - 1
	}
	l.buckets[i].Add(1)
	l.n.Add(1)
	for {
		m := l.max.Load()
		if int64(d) <= m || l.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

func (l *latencies) quantile(q float64) time.Duration {
	n := l.n.Load()
	if n == 0 {
		return 0
	}
	want := int64(math.Ceil(q * float64(n)))
	var seen int64
	for i := range l.buckets {
		seen += int64(l.buckets[i].Load())
		if seen >= want {
			return time.Duration(i+1) * 100 * time.Microsecond
		}
	}
	return time.Duration(l.max.Load())
}

// loadResult is what a run measured.
type loadResult struct {
	connect, ack, prop latencies
	acked, refused     atomic.Int64
	errs               atomic.Int64
	disconnects        atomic.Int64
	msgs, bytes        atomic.Int64
	elapsed            time.Duration
	converged          int
	diverged           int
	lost               int // disconnected clients, not compared
	cpu                time.Duration
	runMsgs, runBytes  int64         // received during the scenario, not the ramp
	runCPU             time.Duration // the server's, during the scenario
	wall               time.Duration
	rssPeak, rssStart  int64
	rssEnd             int64
	idlePerConn        int64
	finalSeq           uint64
}

func (r *loadResult) print(w io.Writer, c loadConfig) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
	scenario := c.scenario
	if scenario == "vote" && c.poll != "" {
		scenario += " (" + string(c.poll) + " poll)"
	}
	fmt.Fprintf(w, "scenario %s, %d participants, server %s\n", scenario, c.participants, strings.Join(c.urls, ","))
	fmt.Fprintf(w, "connect:      p50 %s  p99 %s  max %s\n", ms(r.connect.quantile(.5)), ms(r.connect.quantile(.99)), ms(time.Duration(r.connect.max.Load())))
	fmt.Fprintf(w, "ack:          p50 %s  p99 %s  max %s  (%d acked, %d refused)\n", ms(r.ack.quantile(.5)), ms(r.ack.quantile(.99)), ms(time.Duration(r.ack.max.Load())), r.acked.Load(), r.refused.Load())
	fmt.Fprintf(w, "propagation:  p50 %s  p99 %s  max %s  (%d deliveries)\n", ms(r.prop.quantile(.5)), ms(r.prop.quantile(.99)), ms(time.Duration(r.prop.max.Load())), r.prop.n.Load())
	if r.elapsed > 0 {
		secs := r.elapsed.Seconds()
		fmt.Fprintf(w, "received:     %.1f msgs/s and %.0f B/s per client over %.1f s\n",
			float64(r.runMsgs)/float64(c.participants)/secs, float64(r.runBytes)/float64(c.participants)/secs, secs)
		fmt.Fprintf(w, "commands:     %.0f acked/s\n", float64(r.acked.Load())/secs)
	}
	fmt.Fprintf(w, "errors:       %d  disconnects: %d\n", r.errs.Load(), r.disconnects.Load())
	if r.wall > 0 {
		fmt.Fprintf(w, "server:       CPU %.0f%% of one core, RSS start %d MiB, peak %d MiB, end %d MiB\n",
			100*r.cpu.Seconds()/r.wall.Seconds(), r.rssStart>>20, r.rssPeak>>20, r.rssEnd>>20)
		if n := r.runMsgs; n > 0 && r.runCPU > 0 {
			// Everything the server did during the scenario (reading
			// commands, committing, coalescing, writing) per message a
			// client received: the cost of a frame, all included
			// (BENCHMARKS.md, issue 18).
			fmt.Fprintf(w, "server:       %.1f µs of CPU per message delivered during the run (%d messages, %.0f%% of a core)\n",
				float64(r.runCPU.Microseconds())/float64(n), n, 100*r.runCPU.Seconds()/r.elapsed.Seconds())
		}
	}
	if r.idlePerConn > 0 {
		fmt.Fprintf(w, "memory:       %.1f KB per idle connection\n", float64(r.idlePerConn)/1024)
	}
	fmt.Fprintf(w, "converged:    %d of %d clients hold the server's state at seq %d", r.converged, c.participants, r.finalSeq)
	if r.lost > 0 {
		fmt.Fprintf(w, " (%d disconnected, not resumed by the generator)", r.lost)
	}
	if r.diverged > 0 {
		fmt.Fprintf(w, " (%d DIVERGED)", r.diverged)
	}
	fmt.Fprintln(w)
}

// ackTimes records when each sequence number was acknowledged, in Unix
// nanoseconds, without a lock: every client's reader consults it for every
// patch, so a mutex here would be the load generator's bottleneck.
type ackTimes struct {
	at []atomic.Int64 // by seq modulo len
}

func newAckTimes() *ackTimes { return &ackTimes{at: make([]atomic.Int64, 1<<21)} }

func (a *ackTimes) set(seq uint64, t int64) { a.at[seq%uint64(len(a.at))].Store(t) }

func (a *ackTimes) get(seq uint64) int64 { return a.at[seq%uint64(len(a.at))].Load() }

// patchCache decodes each distinct patch message once: every client of a
// role receives the same bytes.
type patchCache struct {
	mu sync.RWMutex
	m  map[[2]uint64]*room.Patch
}

func (pc *patchCache) get(from, to uint64, raw []byte) (*room.Patch, error) {
	pc.mu.RLock()
	p, ok := pc.m[[2]uint64{from, to}]
	pc.mu.RUnlock()
	if ok {
		return p, nil
	}
	var m struct {
		Patch room.Patch `json:"patch"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	pc.mu.Lock()
	pc.m[[2]uint64{from, to}] = &m.Patch
	pc.mu.Unlock()
	return &m.Patch, nil
}

// loadClient is one simulated participant.
type loadClient struct {
	c     *websocket.Conn
	id    string
	mu    sync.Mutex
	view  room.View
	seq   uint64
	wait  map[string]chan loadReply
	n     int
	dead  bool
	voted map[room.QuestionID]bool // steady: the questions this client holds a vote on
	recv  []receipt                // the patches received, for propagation
}

// receipt is a patch a client received at (UnixNano), taking it from
// sequence number from to to. Propagation is worked out from receipts once
// the run is over (loadRun.propagation): one latency per event and client
// is 100 million at 10,000 voters, and counting them as they come would
// take the generator a fifth of a core, away from the server it shares
// the machine with.
type receipt struct {
	at       int64
	from, to uint64
}

type loadReply struct {
	seq  uint64
	code string
}

type loadRun struct {
	closing atomic.Bool // set before the generator closes its own clients
	cfg     loadConfig
	res     *loadResult
	acks    *ackTimes
	patches *patchCache
	log     io.Writer
	next    atomic.Uint64 // round-robin over cfg.urls
}

func runLoad(ctx context.Context, c loadConfig, log io.Writer) (*loadResult, error) {
	lr := &loadRun{cfg: c, res: &loadResult{}, acks: newAckTimes(), patches: &patchCache{m: make(map[[2]uint64]*room.Patch)}, log: log}
	res := lr.res
	settings := `{"qaOpen":true,"preModeration":false,"reactions":true}`
	if c.scenario == "steady" {
		settings = `{"qaOpen":true,"preModeration":true,"reactions":true}`
	}
	body := `{"title":"Load test","steps":["Vote","Questions"],"settings":` + settings + `}`
	resp, err := http.Post(c.url+"/api/rooms", "application/json", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	var cr struct {
		Code         string `json:"code"`
		ModeratorKey string `json:"moderatorKey"`
	}
	err = json.NewDecoder(resp.Body).Decode(&cr)
	resp.Body.Close()
	if err != nil || cr.Code == "" {
		return nil, fmt.Errorf("load: create room: %v (status %d)", err, resp.StatusCode)
	}

	mod, err := lr.dial(ctx, cr.Code, map[string]any{"role": "moderator", "key": cr.ModeratorKey}, false)
	if err != nil {
		return nil, fmt.Errorf("load: moderator: %w", err)
	}
	if _, err := lr.do(ctx, mod, room.Command{Op: room.OpStart}, false); err != nil {
		return nil, err
	}

	var sampler *procSampler
	if c.pid > 0 {
		sampler = newProcSampler(c.pid)
		res.rssStart = sampler.rss()
		go sampler.run(ctx)
	}

	fmt.Fprintf(log, "load: connecting %d participants to %s...\n", c.participants, cr.Code)
	clients := make([]*loadClient, c.participants)
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.dialers)
	var dialErr atomic.Pointer[error] // the errors differ in type: atomic.Value would panic
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ch := "room"
			if i%2 == 1 {
				ch = "remote"
			}
			start := time.Now()
			cl, err := lr.dial(ctx, cr.Code, map[string]any{"role": "participant", "channel": ch}, true)
			if err != nil {
				dialErr.Store(&err)
				res.errs.Add(1)
				return
			}
			res.connect.add(time.Since(start))
			clients[i] = cl
		}()
	}
	wg.Wait()
	if err := dialErr.Load(); err != nil {
		return res, fmt.Errorf("load: connect: %w", *err)
	}
	fmt.Fprintf(log, "load: connected (p99 %s); running %s\n", res.connect.quantile(.99), c.scenario)

	// What the clients receive, and the server's CPU, are counted over the
	// scenario alone: the connections' ramp (a snapshot each, and a patch
	// a tick while people join) is not what the run measures.
	msgs0, bytes0 := res.msgs.Load(), res.bytes.Load()
	var cpu0 time.Duration
	if sampler != nil {
		cpu0 = sampler.cpu()
	}
	stopProfile, err := startProfile(c.cpuprofile)
	if err != nil {
		return res, err
	}
	start := time.Now()
	switch c.scenario {
	case "vote":
		err = lr.vote(ctx, mod, clients)
	case "steady":
		err = lr.steady(ctx, mod, clients)
	case "idle":
		// Memory is read at the end, once the joins' garbage is collected
		// and the room is quiet.
		select {
		case <-time.After(c.duration):
		case <-ctx.Done():
		}
		if sampler != nil {
			res.idlePerConn = (sampler.rss() - res.rssStart) / int64(c.participants)
		}
	default:
		err = fmt.Errorf("load: unknown scenario %q", c.scenario)
	}
	res.elapsed = time.Since(start)
	stopProfile()
	res.runMsgs, res.runBytes = res.msgs.Load()-msgs0, res.bytes.Load()-bytes0
	if sampler != nil {
		res.runCPU = sampler.cpu() - cpu0
	}
	if err != nil {
		lr.propagation(clients)
		return res, err
	}
	lr.converge(ctx, cr.Code, clients)
	lr.propagation(clients)
	if sampler != nil {
		res.cpu, res.wall, res.rssPeak = sampler.stop()
		res.rssEnd = sampler.rss()
	}
	lr.closing.Store(true)
	for _, cl := range clients {
		cl.c.Close(websocket.StatusNormalClosure, "")
	}
	mod.c.Close(websocket.StatusNormalClosure, "")
	if res.diverged > 0 {
		return res, fmt.Errorf("load: %d clients diverged from the server", res.diverged)
	}
	return res, nil
}

// propagation counts, for every client and every acknowledged command,
// the time from its acknowledgement to the patch that brought it to the
// client. A patch that came before the command's sender had its
// acknowledgement is not counted, as when it was counted on arrival.
func (lr *loadRun) propagation(clients []*loadClient) {
	for _, cl := range clients {
		if cl == nil {
			continue
		}
		cl.mu.Lock()
		for _, r := range cl.recv {
			for s := r.from + 1; s <= r.to; s++ {
				if at := lr.acks.get(s); at != 0 && at <= r.at {
					lr.res.prop.add(time.Duration(r.at - at))
				}
			}
		}
		cl.recv = nil
		cl.mu.Unlock()
	}
}

// startProfile starts the generator's CPU profile into path, if any; the
// function returned stops it.
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("load: -cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("load: -cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// dial connects one client and waits for its snapshot.
func (lr *loadRun) dial(ctx context.Context, code string, hello map[string]any, measure bool) (*loadClient, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	base := lr.cfg.url
	if n := len(lr.cfg.urls); n > 1 {
		base = lr.cfg.urls[(lr.next.Add(1)-1)%uint64(n)]
	}
	u := "ws" + strings.TrimPrefix(base, "http") + "/ws/" + code
	c, _, err := websocket.Dial(dctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {base}}})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 24)
	v := lr.cfg.protocol
	if v == 0 {
		v = hub.ProtocolVersion // a loadConfig not made by the flags
	}
	hello["t"], hello["v"] = "hello", v
	b, _ := json.Marshal(hello)
	if err := c.Write(dctx, websocket.MessageText, b); err != nil {
		return nil, err
	}
	cl := &loadClient{c: c, wait: make(map[string]chan loadReply), voted: make(map[room.QuestionID]bool)}
	// Reads wait without a deadline (a context that is never done costs
	// coder/websocket nothing per read; one that can be costs a timer per
	// frame, a tenth of the generator): the run's end closes the
	// connection instead.
	context.AfterFunc(ctx, func() { c.CloseNow() })
	ready := make(chan struct{})
	go lr.read(ctx, cl, ready, measure)
	select {
	case <-ready:
		return cl, nil
	case <-dctx.Done():
		c.CloseNow()
		return nil, errors.New("no snapshot")
	}
}

// read applies what the server sends to the client's view and records
// latencies. Only participants' patches count toward propagation.
func (lr *loadRun) read(ctx context.Context, cl *loadClient, ready chan struct{}, measure bool) {
	res := lr.res
	var once sync.Once
	rctx := context.WithoutCancel(ctx)
	for {
		_, b, err := cl.c.Read(rctx)
		if err != nil {
			cl.mu.Lock()
			cl.dead = true
			for _, ch := range cl.wait {
				close(ch)
			}
			cl.wait = nil
			cl.mu.Unlock()
			if ctx.Err() == nil && !lr.closing.Load() && websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				res.disconnects.Add(1)
				if res.disconnects.Load() <= 3 {
					fmt.Fprintf(lr.log, "load: disconnected: %v\n", err)
					if websocket.CloseStatus(err) == websocket.StatusTryAgainLater {
						fmt.Fprintln(lr.log, "load: the server limits newcomers per meeting: start it with -joins-per-minute -1 for a load test")
					}
				}
			}
			return
		}
		now := time.Now().UnixNano()
		if measure {
			res.msgs.Add(1)
			res.bytes.Add(int64(len(b)))
		}
		h, ok := scanHeader(b)
		if !ok {
			res.errs.Add(1)
			continue
		}
		if h.T == "welcome" || h.T == "error" {
			// Rare: decode them properly.
			json.Unmarshal(b, &h)
		}
		switch h.T {
		case "welcome":
			cl.id = h.Part
		case "snapshot":
			var m struct {
				View room.View `json:"view"`
			}
			json.Unmarshal(b, &m)
			cl.mu.Lock()
			cl.view, cl.seq = m.View, h.Seq
			cl.mu.Unlock()
			once.Do(func() { close(ready) })
		case "patch":
			// The cache is keyed by range, not role: only the measured
			// clients (all participants) share it.
			var p *room.Patch
			var err error
			if measure {
				p, err = lr.patches.get(h.From, h.To, b)
			} else {
				var m struct {
					Patch room.Patch `json:"patch"`
				}
				err = json.Unmarshal(b, &m)
				p = &m.Patch
			}
			if err != nil {
				res.errs.Add(1)
				continue
			}
			cl.mu.Lock()
			if h.From > cl.seq {
				res.errs.Add(1) // a gap: the generator does not resume
			} else if h.To > cl.seq {
				if measure {
					cl.recv = append(cl.recv, receipt{now, cl.seq, h.To})
				}
				cl.view.ApplyPatch(h.To, p)
				cl.seq = h.To
			}
			cl.mu.Unlock()
		case "ack", "error":
			cl.mu.Lock()
			if ch, ok := cl.wait[h.ID]; ok {
				ch <- loadReply{h.Seq, h.Code}
				delete(cl.wait, h.ID)
			} else if h.T == "error" {
				res.errs.Add(1)
			}
			cl.mu.Unlock()
		}
	}
}

// do sends a command and waits for its answer.
func (lr *loadRun) do(ctx context.Context, cl *loadClient, cmd room.Command, measure bool) (loadReply, error) {
	ch := make(chan loadReply, 1)
	cl.mu.Lock()
	if cl.dead {
		cl.mu.Unlock()
		return loadReply{}, errors.New("disconnected")
	}
	cl.n++
	id := "l" + strconv.Itoa(cl.n)
	cl.wait[id] = ch
	cl.mu.Unlock()
	b, _ := json.Marshal(map[string]any{"t": "cmd", "id": id, "cmd": cmd})
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := cl.c.Write(wctx, websocket.MessageText, b); err != nil {
		return loadReply{}, err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return loadReply{}, errors.New("disconnected")
		}
		if r.code == "" {
			now := time.Now()
			lr.acks.set(r.seq, now.UnixNano())
			if measure {
				lr.res.ack.add(now.Sub(start))
				lr.res.acked.Add(1)
			}
		} else if measure {
			lr.res.refused.Add(1)
		}
		return r, nil
	case <-wctx.Done():
		return loadReply{}, errors.New("no answer within 10s")
	}
}

// vote: a poll opens (-poll: single choice, ranking or points), and every
// participant votes once at a random moment within the window.
func (lr *loadRun) vote(ctx context.Context, mod *loadClient, clients []*loadClient) error {
	poll, ballot := loadPoll(lr.cfg.poll)
	if _, err := lr.do(ctx, mod, poll, false); err != nil {
		return err
	}
	if _, err := lr.do(ctx, mod, room.Command{Op: room.OpPollOpen, Poll: 1}, false); err != nil {
		return err
	}
	start := time.Now()
	var wg sync.WaitGroup
	for _, cl := range clients {
		delay := time.Duration(rand.Int64N(int64(lr.cfg.window)))
		wg.Add(1)
		time.AfterFunc(time.Until(start.Add(delay)), func() {
			defer wg.Done()
			r, err := lr.do(ctx, cl, ballot(), true)
			if err != nil || r.code != "" {
				lr.res.errs.Add(1)
			}
		})
	}
	wg.Wait()
	return nil
}

// loadPoll returns the poll the vote scenario opens for kind (Single when
// empty), and a function drawing a random valid ballot for it.
func loadPoll(kind room.PollKind) (room.Command, func() room.Command) {
	opts := []string{"Open data", "Participation", "Integrity", "Accountability", "Transparency", "Inclusion"}
	switch kind {
	case room.Ranking:
		return room.Command{Op: room.OpPollCreate, Kind: room.Ranking, Text: "Order the priorities", Options: opts},
			func() room.Command {
				return room.Command{Op: room.OpVote, Poll: 1, Choices: rand.Perm(len(opts))}
			}
	case room.Points:
		return room.Command{Op: room.OpPollCreate, Kind: room.Points, Text: "Spread 10 points", Options: opts, Budget: 10, Max: 5},
			func() room.Command {
				pts := make([]int, len(opts))
				for left := 1 + rand.IntN(10); left > 0; {
					if i := rand.IntN(len(opts)); pts[i] < 5 {
						pts[i]++
						left--
					}
				}
				return room.Command{Op: room.OpVote, Poll: 1, Points: pts}
			}
	}
	return room.Command{Op: room.OpPollCreate, Kind: room.Single, Text: "Which priority first?", Options: opts[:4]},
		func() room.Command {
			return room.Command{Op: room.OpVote, Poll: 1, Choices: []int{rand.IntN(4)}}
		}
}

// steady: questions asked and approved, upvotes at a steady rate, the
// moderator highlighting now and then.
func (lr *loadRun) steady(ctx context.Context, mod *loadClient, clients []*loadClient) error {
	// stop ends the issuing, not the commands in flight: a write whose
	// context ends midway closes its connection (coder/websocket), which
	// the end of every run used to count as a disconnect or two.
	stop, cancel := context.WithTimeout(ctx, lr.cfg.duration)
	defer cancel()
	do := func(cl *loadClient, cmd room.Command) (loadReply, error) {
		r, err := lr.do(ctx, cl, cmd, true)
		if err != nil {
			lr.res.errs.Add(1)
		}
		return r, err
	}
	var wg sync.WaitGroup
	var asked atomic.Int64
	// Seed a few approved questions so upvotes have targets from the start.
	for i := 0; i < 10; i++ {
		cl := clients[i%len(clients)]
		r, err := lr.do(ctx, cl, room.Command{Op: room.OpAsk, Text: fmt.Sprintf("Seed question %d about the action plan", i)}, true)
		if err != nil || r.code != "" {
			return fmt.Errorf("load: seed question: %v %s", err, r.code)
		}
		lr.do(ctx, mod, room.Command{Op: room.OpApprove, Question: room.QuestionID(i + 1)}, false)
		asked.Add(1)
	}
	every := func(rate float64, f func()) {
		if rate <= 0 {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A ticker drops ticks when the machine is busy: issue what is
			// due since the start instead, so the rate holds.
			t := time.NewTicker(max(time.Millisecond, time.Duration(float64(time.Second)/rate)))
			defer t.Stop()
			start, issued := time.Now(), 0
			for {
				select {
				case <-stop.Done():
					return
				case <-t.C:
					due := int(rate*time.Since(start).Seconds()) - issued
					for ; due > 0; due-- {
						issued++
						wg.Add(1)
						go func() { defer wg.Done(); f() }()
					}
				}
			}
		}()
	}
	every(lr.cfg.questions, func() {
		cl := clients[rand.IntN(len(clients))]
		r, err := do(cl, room.Command{Op: room.OpAsk, Text: "How will citizens' input be traced to decisions?"})
		if err == nil && r.code == "" {
			// The question's id is the number of questions asked so far:
			// ask the room by approving the newest pending ones in order.
			id := room.QuestionID(asked.Add(1))
			do(mod, room.Command{Op: room.OpApprove, Question: id})
		}
	})
	every(lr.cfg.upvotes, func() {
		cl := clients[rand.IntN(len(clients))]
		q := room.QuestionID(1 + rand.Int64N(asked.Load()))
		cl.mu.Lock()
		op := room.OpUpvote
		if cl.voted[q] {
			op = room.OpUnvote
		}
		cl.mu.Unlock()
		r, err := do(cl, room.Command{Op: op, Question: q})
		if err == nil && r.code == "" {
			cl.mu.Lock()
			cl.voted[q] = op == room.OpUpvote
			cl.mu.Unlock()
		}
	})
	every(0.2, func() {
		q := room.QuestionID(1 + rand.Int64N(asked.Load()))
		do(mod, room.Command{Op: room.OpHighlight, Question: q})
	})
	<-stop.Done()
	wg.Wait()
	return nil
}

// converge waits until every client reached the server's last sequence
// number, then compares each client's view with a fresh snapshot.
func (lr *loadRun) converge(ctx context.Context, code string, clients []*loadClient) {
	fresh, err := lr.dial(ctx, code, map[string]any{"role": "participant"}, false)
	if err != nil {
		fmt.Fprintf(lr.log, "load: fresh client: %v\n", err)
		lr.res.diverged = len(clients)
		return
	}
	defer fresh.c.Close(websocket.StatusNormalClosure, "")
	// Wait for quiet: every live client, the fresh one included, at the
	// same sequence number, and that number unchanged over two looks.
	deadline := time.Now().Add(lr.cfg.settle)
	var last uint64
	for stable := 0; stable < 2 && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		fresh.mu.Lock()
		lo, hi := fresh.seq, fresh.seq
		fresh.mu.Unlock()
		for _, cl := range clients {
			cl.mu.Lock()
			if !cl.dead {
				lo, hi = min(lo, cl.seq), max(hi, cl.seq)
			}
			cl.mu.Unlock()
		}
		if lo == hi && hi == last {
			stable++
		} else {
			stable = 0
		}
		last = hi
	}
	fresh.mu.Lock()
	want, _ := json.Marshal(fresh.view)
	lr.res.finalSeq = fresh.seq
	fresh.mu.Unlock()
	for _, cl := range clients {
		cl.mu.Lock()
		got, _ := json.Marshal(cl.view)
		dead := cl.dead
		cl.mu.Unlock()
		if dead {
			// Disconnected (already counted) and, unlike a real client,
			// not resumed: its view stopped where the connection did.
			lr.res.lost++
			continue
		}
		if bytes.Equal(got, want) {
			lr.res.converged++
		} else {
			lr.res.diverged++
			if lr.res.diverged == 1 {
				fmt.Fprintf(lr.log, "load: first divergence:\n got %s\nwant %s\n", got, want)
			}
		}
	}
}

// procSampler reads a process's CPU time and resident memory from /proc.
type procSampler struct {
	pid     int
	start   time.Time
	cpu0    time.Duration
	peak    atomic.Int64
	stopped chan struct{}
}

func newProcSampler(pid int) *procSampler {
	p := &procSampler{pid: pid, start: time.Now(), stopped: make(chan struct{})}
	p.cpu0 = p.cpu()
	p.peak.Store(p.rss())
	return p
}

func (p *procSampler) run(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.stopped:
			return
		case <-t.C:
			if r := p.rss(); r > p.peak.Load() {
				p.peak.Store(r)
			}
		}
	}
}

func (p *procSampler) stop() (cpu, wall time.Duration, peak int64) {
	close(p.stopped)
	return p.cpu() - p.cpu0, time.Since(p.start), p.peak.Load()
}

// cpu is utime+stime from /proc/pid/stat, at the usual 100 ticks a second.
func (p *procSampler) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses.
	i := bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func (p *procSampler) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// header is the leading scalar fields of a server message.
type header struct {
	T    string `json:"t"`
	ID   string `json:"id"`
	Seq  uint64 `json:"seq"`
	From uint64 `json:"from"`
	To   uint64 `json:"to"`
	Code string `json:"code"`
	Part string `json:"participant"`
}

// scanHeader reads the scalar fields at the start of a message without
// decoding the rest: with thousands of clients in one process, decoding
// every patch once per client would make the generator, not the server,
// the thing measured. It relies on the server writing "t" first and the
// scalar fields before any object (hub/protocol.go's struct order), and
// stops at the first object or array.
func scanHeader(b []byte) (header, bool) {
	var h header
	i := 0
	next := func(c byte) bool {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n') {
			i++
		}
		if i < len(b) && b[i] == c {
			i++
			return true
		}
		return false
	}
	str := func() (string, bool) {
		if !next('"') {
			return "", false
		}
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return "", false
		}
		v := string(b[i : i+j])
		i += j + 1
		return v, true
	}
	if !next('{') {
		return h, false
	}
	for {
		key, ok := str()
		if !ok || !next(':') {
			return h, h.T != ""
		}
		if i < len(b) && (b[i] == '{' || b[i] == '[') {
			return h, h.T != ""
		}
		if i < len(b) && b[i] == '"' {
			v, ok := str()
			if !ok {
				return h, false
			}
			switch key {
			case "t":
				h.T = v
			case "id":
				h.ID = v
			case "code":
				h.Code = v
			case "participant":
				h.Part = v
			}
		} else {
			j := i
			for j < len(b) && b[j] != ',' && b[j] != '}' {
				j++
			}
			n, _ := strconv.ParseUint(string(b[i:j]), 10, 64)
			switch key {
			case "seq":
				h.Seq = n
			case "from":
				h.From = n
			case "to":
				h.To = n
			}
			i = j
		}
		if !next(',') {
			return h, h.T != ""
		}
	}
}
