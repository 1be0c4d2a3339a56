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
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub"
	"github.com/tribune-hub/tribune/room"
)

// The broadcast scenario: N subscribers in one room, one publisher sending
// timestamped texts at a fixed rate, every delivery timed. It is the one
// workload Tribune shares with a general-purpose broadcaster, so the same
// run can target either: Tribune (the moderator's announcements) or
// Centrifugo (client-side publish into one channel, see centrifugo.go).
// scripts/bench-broadcast.sh compares the two.

// broadcastConfig is what the broadcast scenario adds to loadConfig.
type broadcastConfig struct {
	target     string // "tribune", "tribune-sse" or "centrifugo"
	secret     string // centrifugo: the HMAC key its connection tokens are signed with
	channel    string // centrifugo: the channel
	rate       float64
	publishers int
}

func (b *broadcastConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&b.target, "target", "tribune", "broadcast: the server under -url, tribune, tribune-sse (subscribers read the Server-Sent Events feed) or centrifugo (-url ws://127.0.0.1:8000/connection/websocket)")
	fs.StringVar(&b.secret, "secret", "", "broadcast, centrifugo: the client.token.hmac_secret_key of the server")
	fs.StringVar(&b.channel, "channel", "meeting", "broadcast, centrifugo: the channel subscribed and published to")
	fs.Float64Var(&b.rate, "rate", 10, "broadcast: messages published per second, for -duration")
	fs.IntVar(&b.publishers, "publishers", 0, "broadcast: connections the publisher spreads its messages over (0: one per 40 msgs/s, under Tribune's 50 frames/s per connection)")
}

// check validates the broadcast flags against the rest of c.
func (b *broadcastConfig) check(c loadConfig) error {
	switch {
	case b.target != "tribune" && b.target != "tribune-sse" && b.target != "centrifugo":
		return fmt.Errorf("-target %q: tribune, tribune-sse or centrifugo", b.target)
	case b.target == "tribune-sse" && c.scenario != "broadcast":
		return errors.New("-target tribune-sse: only with -scenario broadcast")
	case b.target == "centrifugo" && c.scenario != "broadcast":
		return errors.New("-target centrifugo: only with -scenario broadcast")
	case b.target == "centrifugo" && (c.url == "" || b.secret == ""):
		return errors.New("-target centrifugo: needs -url and -secret")
	case c.scenario == "broadcast" && (b.rate <= 0 || c.duration <= 0):
		return errors.New("-scenario broadcast: needs -rate and -duration above 0")
	}
	return nil
}

// messages is how many messages a run publishes.
func (b *broadcastConfig) messages(d time.Duration) int {
	return max(1, int(math.Round(b.rate*d.Seconds())))
}

// publisherConns is how many connections the publisher uses. Both targets
// get the same number, so that neither is compared with more writers.
func (b *broadcastConfig) publisherConns() int {
	if b.publishers > 0 {
		return b.publishers
	}
	return max(1, int(math.Ceil(b.rate/40)))
}

// broadcastTarget opens connections to one server under test.
type broadcastTarget interface {
	// subscriber connects subscriber i and returns once it receives, with
	// what closes it. Its reader hands every message published to
	// br.deliver until the connection ends.
	subscriber(ctx context.Context, i int) (func(), error)
	// publisher connects publisher connection i.
	publisher(ctx context.Context, i int) (broadcastPublisher, error)
}

// broadcastPublisher sends one message; its reader counts the server's
// answer in br.res.accepted or br.res.refused.
type broadcastPublisher interface {
	publish(ctx context.Context, seq uint64, text string) error
	conn() *websocket.Conn
}

// broadcastRun is one run of the scenario.
type broadcastRun struct {
	cfg     loadConfig
	res     *broadcastResult
	log     io.Writer
	base    time.Time   // stamps are offsets from it: the one monotonic clock of sender and receivers
	closing atomic.Bool // set before the generator closes its own connections
}

// broadcastResult is what a run measured.
type broadcastResult struct {
	connect, latency    latencies
	published           atomic.Int64 // written to the server
	accepted, refused   atomic.Int64 // the server's answers to them
	received            atomic.Int64 // distinct (subscriber, message) deliveries
	repeats             atomic.Int64 // deliveries of a message the subscriber already had
	msgs, bytes         atomic.Int64 // what the subscribers read
	errs, disconnects   atomic.Int64
	last                atomic.Int64 // the latest new delivery, ns after base
	subscribers         int
	published0          time.Duration // publishing started, after base
	cpu, wall           time.Duration
	rssStart, rssPeak   int64
	genCPU, genWall     time.Duration // the generator's own, while publishing and settling
	publisherConnsCount int
}

// now is the time since the run's base, in nanoseconds.
func (br *broadcastRun) now() int64 { return int64(time.Since(br.base)) }

// stampPrefix starts every text published: "bcast SEQ SENT ", SENT in
// nanoseconds after the run's base. A receiver finds it by scanning, so that
// it costs no JSON decoding per delivery.
const stampPrefix = "bcast "

// broadcastTextLen is the length of a text published, about that of a short
// announcement.
const broadcastTextLen = 100

// stampText is the text of message seq sent at sent.
func stampText(seq uint64, sent int64) string {
	const filler = "The chair: we resume in ten minutes in room B; coffee is served in the hall meanwhile. Thank you all."
	s := stampPrefix + strconv.FormatUint(seq, 10) + " " + strconv.FormatInt(sent, 10) + " " + filler
	return s[:broadcastTextLen]
}

// parseStamp reads the stamp at the start of b, which follows stampPrefix.
func parseStamp(b []byte) (seq uint64, sent int64, ok bool) {
	num := func() (uint64, bool) {
		i := 0
		var n uint64
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			n = n*10 + uint64(b[i]-'0')
			i++
		}
		if i == 0 || i == len(b) || b[i] != ' ' {
			return 0, false
		}
		b = b[i+1:]
		return n, true
	}
	seq, ok1 := num()
	s, ok2 := num()
	return seq, int64(s), ok1 && ok2 && seq > 0
}

// stamp is a message's sequence number and send time.
type stamp struct {
	seq  uint64
	sent int64
}

// seenSet is the set of sequence numbers one subscriber received, a bitmap:
// owned by that subscriber's reader.
type seenSet []uint64

// add reports whether seq is new to s.
func (s *seenSet) add(seq uint64) bool {
	i := seq / 64
	for uint64(len(*s)) <= i {
		*s = append(*s, 0)
	}
	bit := uint64(1) << (seq % 64)
	if (*s)[i]&bit != 0 {
		return false
	}
	(*s)[i] |= bit
	return true
}

// deliver counts one message received at now by the subscriber whose set
// is seen, once: a repeat is counted apart and timed no more.
func (br *broadcastRun) deliver(seen *seenSet, st stamp, now int64) {
	if !seen.add(st.seq) {
		br.res.repeats.Add(1)
		return
	}
	br.res.received.Add(1)
	br.res.latency.add(time.Duration(now - st.sent))
	for {
		l := br.res.last.Load()
		if now <= l || br.res.last.CompareAndSwap(l, now) {
			return
		}
	}
}

// disconnected counts a connection that ended other than by the generator.
func (br *broadcastRun) disconnected(ctx context.Context, err error) {
	if ctx.Err() != nil || br.closing.Load() || websocket.CloseStatus(err) == websocket.StatusNormalClosure {
		return
	}
	if br.res.disconnects.Add(1) <= 3 {
		fmt.Fprintf(br.log, "load: disconnected: %v\n", err)
	}
}

// readInto reads one message into buf, reused from message to message: at
// thousands of messages a second per process, a new slice each would make
// the generator's collector the thing measured.
func readInto(ctx context.Context, c *websocket.Conn, buf *bytes.Buffer) ([]byte, error) {
	_, r, err := c.Reader(ctx)
	if err != nil {
		return nil, err
	}
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// runBroadcast connects the subscribers and the publisher, publishes for
// the configured duration, waits for the deliveries to stop, and closes.
func runBroadcast(ctx context.Context, c loadConfig, log io.Writer) (*broadcastResult, error) {
	br := &broadcastRun{cfg: c, res: &broadcastResult{subscribers: c.participants}, log: log, base: time.Now()}
	res := br.res
	var t broadcastTarget
	switch c.bcast.target {
	case "centrifugo":
		t = &centrifugoTarget{br: br, url: c.url, secret: []byte(c.bcast.secret), channel: c.bcast.channel}
	default:
		tt, err := newTribuneTarget(ctx, br, c.url)
		if err != nil {
			return nil, err
		}
		tt.sse = c.bcast.target == "tribune-sse"
		t = tt
	}

	var sampler *procSampler
	if c.pid > 0 {
		sampler = newProcSampler(c.pid)
		res.rssStart = sampler.rss()
		go sampler.run(ctx)
	}

	fmt.Fprintf(log, "load: connecting %d subscribers to %s...\n", c.participants, c.bcast.target)
	conns := make([]func(), 0, c.participants)
	defer func() {
		br.closing.Store(true)
		for _, close := range conns {
			close()
		}
	}()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.dialers)
	var dialErr atomic.Pointer[error] // the errors differ in type: atomic.Value would panic
	for i := range c.participants {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			conn, err := t.subscriber(ctx, i)
			if err != nil {
				dialErr.Store(&err)
				res.errs.Add(1)
				return
			}
			res.connect.add(time.Since(start))
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := dialErr.Load(); err != nil {
		return res, fmt.Errorf("load: connect: %w", *err)
	}
	n := c.bcast.publisherConns()
	res.publisherConnsCount = n
	pubs := make([]broadcastPublisher, n)
	for i := range pubs {
		p, err := t.publisher(ctx, i)
		if err != nil {
			return res, fmt.Errorf("load: publisher: %w", err)
		}
		pubs[i] = p
		conns = append(conns, func() { p.conn().Close(websocket.StatusNormalClosure, "") })
	}
	fmt.Fprintf(log, "load: connected (p99 %s); publishing %g msgs/s for %s over %d connections\n",
		res.connect.quantile(.99), c.bcast.rate, c.duration, n)

	// The generator shares the machine: its own CPU says whether it, not
	// the server, was the limit.
	gen := newProcSampler(os.Getpid())
	stopProfile, err := startProfile(c.cpuprofile)
	if err != nil {
		return res, err
	}
	msgs := c.bcast.messages(c.duration)
	br.publish(ctx, pubs, msgs)
	br.settle(ctx, int64(msgs)*int64(c.participants))
	stopProfile()
	res.genCPU, res.genWall, _ = gen.stop()
	if sampler != nil {
		res.cpu, res.wall, res.rssPeak = sampler.stop()
	}
	return res, nil
}

// publish sends msgs messages at the configured rate, message seq (from 1)
// due at (seq-1)/rate after the start. Each publisher connection sends its
// share on its own goroutine, so one slow write does not hold the others;
// one behind its schedule sends at once what is due, so the rate holds.
func (br *broadcastRun) publish(ctx context.Context, pubs []broadcastPublisher, msgs int) {
	interval := float64(time.Second) / br.cfg.bcast.rate
	start := time.Now()
	br.res.published0 = start.Sub(br.base)
	var wg sync.WaitGroup
	for k, p := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := uint64(k + 1); seq <= uint64(msgs); seq += uint64(len(pubs)) {
				time.Sleep(time.Until(start.Add(time.Duration(float64(seq-1) * interval))))
				if ctx.Err() != nil {
					return
				}
				// A write whose context ends midway closes the connection
				// (coder/websocket): its own bound, not the run's.
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := p.publish(wctx, seq, stampText(seq, br.now()))
				cancel()
				if err != nil {
					br.res.errs.Add(1)
					fmt.Fprintf(br.log, "load: publish: %v\n", err)
					return
				}
				br.res.published.Add(1)
			}
		}()
	}
	wg.Wait()
}

// settle waits until every delivery expected has arrived, or none has for
// two seconds, or the settle time is over.
func (br *broadcastRun) settle(ctx context.Context, expected int64) {
	deadline := time.Now().Add(br.cfg.settle)
	last, still := br.res.received.Load(), time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		got := br.res.received.Load()
		answered := br.res.accepted.Load() + br.res.refused.Load()
		if got >= expected && answered >= br.res.published.Load() {
			return
		}
		if got != last {
			last, still = got, time.Now()
		} else if time.Since(still) > 2*time.Second {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *broadcastResult) print(w io.Writer, c loadConfig) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
	msgs := int64(c.bcast.messages(c.duration))
	expected := msgs * int64(r.subscribers)
	received := r.received.Load()
	var perSec float64
	if span := time.Duration(r.last.Load()) - r.published0; span > 0 {
		perSec = float64(received) / span.Seconds()
	}
	fmt.Fprintf(w, "scenario broadcast, target %s, %d subscribers, %g msgs/s for %s over %d publisher connections, server %s\n",
		c.bcast.target, r.subscribers, c.bcast.rate, c.duration, r.publisherConnsCount, c.url)
	fmt.Fprintf(w, "connect:      p50 %s  p99 %s  max %s\n", ms(r.connect.quantile(.5)), ms(r.connect.quantile(.99)), ms(time.Duration(r.connect.max.Load())))
	fmt.Fprintf(w, "published:    %d of %d (%d accepted, %d refused)\n", r.published.Load(), msgs, r.accepted.Load(), r.refused.Load())
	fmt.Fprintf(w, "deliveries:   %d expected, %d received, %d lost (%d repeats dropped); %.0f/s\n",
		expected, received, expected-received, r.repeats.Load(), perSec)
	fmt.Fprintf(w, "latency:      p50 %s  p99 %s  max %s\n", ms(r.latency.quantile(.5)), ms(r.latency.quantile(.99)), ms(time.Duration(r.latency.max.Load())))
	if secs := c.duration.Seconds(); secs > 0 && r.subscribers > 0 {
		fmt.Fprintf(w, "received:     %.1f msgs/s and %.0f B/s per subscriber\n",
			float64(r.msgs.Load())/float64(r.subscribers)/secs, float64(r.bytes.Load())/float64(r.subscribers)/secs)
	}
	fmt.Fprintf(w, "errors:       %d  disconnects: %d\n", r.errs.Load(), r.disconnects.Load())
	if r.wall > 0 {
		fmt.Fprintf(w, "server:       CPU %.0f%% of one core, RSS start %d MiB, peak %d MiB\n",
			100*r.cpu.Seconds()/r.wall.Seconds(), r.rssStart>>20, r.rssPeak>>20)
	}
	if r.genWall > 0 {
		fmt.Fprintf(w, "generator:    CPU %.0f%% of one core\n", 100*r.genCPU.Seconds()/r.genWall.Seconds())
	}
	// One line for scripts (scripts/bench-broadcast.sh).
	fmt.Fprintf(w, "broadcast: target=%s subscribers=%d rate=%g published=%d refused=%d expected=%d received=%d lost=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f deliveries_per_s=%.0f disconnects=%d generator_cpu_pct=%.0f\n",
		c.bcast.target, r.subscribers, c.bcast.rate, r.published.Load(), r.refused.Load(), expected, received, expected-received,
		float64(r.latency.quantile(.5))/1e6, float64(r.latency.quantile(.99))/1e6, float64(r.latency.max.Load())/1e6, perSec, r.disconnects.Load(), 100*r.genCPU.Seconds()/max(r.genWall.Seconds(), 1e-9))
}

// tribuneTarget is a Tribune server: one room, its participants subscribe,
// the moderator publishes announcements.
type tribuneTarget struct {
	sse     bool // subscribers read GET /api/rooms/{code}/events
	br      *broadcastRun
	base    string // http://host:port
	code    string
	key     string // the moderator's
	patches announcementCache
}

func newTribuneTarget(ctx context.Context, br *broadcastRun, base string) (*tribuneTarget, error) {
	body := `{"title":"Broadcast load test","steps":["Announcements"]}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/rooms", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var cr struct {
		Code         string `json:"code"`
		ModeratorKey string `json:"moderatorKey"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&cr); err != nil || cr.Code == "" {
		return nil, fmt.Errorf("load: create room: %v (status %d)", err, resp.StatusCode)
	}
	t := &tribuneTarget{br: br, base: base, code: cr.Code, key: cr.ModeratorKey, patches: announcementCache{m: make(map[[2]uint64][]stamp)}}
	// The meeting starts, as a real one would before announcements.
	p, err := t.publisher(ctx, -1)
	if err != nil {
		return nil, err
	}
	defer p.conn().Close(websocket.StatusNormalClosure, "")
	b, _ := json.Marshal(map[string]any{"t": "cmd", "id": "start", "cmd": room.Command{Op: room.OpStart}})
	if err := p.conn().Write(ctx, websocket.MessageText, b); err != nil {
		return nil, err
	}
	select {
	case code := <-p.(*tribunePublisher).started:
		if code != "" {
			return nil, fmt.Errorf("load: start the meeting: %s", code)
		}
	case <-time.After(10 * time.Second):
		return nil, errors.New("load: start the meeting: no answer within 10s")
	}
	return t, nil
}

// dial opens a WebSocket to the room and says hello.
func (t *tribuneTarget) dial(ctx context.Context, hello map[string]any) (*websocket.Conn, error) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(t.base, "http")+"/ws/"+t.code,
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {t.base}}})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 24)
	hello["t"], hello["v"] = "hello", hub.ProtocolVersion
	b, _ := json.Marshal(hello)
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		c.CloseNow()
		return nil, err
	}
	return c, nil
}

func (t *tribuneTarget) subscriber(ctx context.Context, i int) (func(), error) {
	if t.sse {
		return t.sseSubscriber(ctx)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := t.dial(dctx, map[string]any{"role": "participant", "channel": "room"})
	if err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	go t.read(ctx, c, ready)
	select {
	case <-ready:
		return func() { c.Close(websocket.StatusNormalClosure, "") }, nil
	case <-dctx.Done():
		c.CloseNow()
		return nil, errors.New("no snapshot")
	}
}

// sseSubscriber follows the meeting's Server-Sent Events feed, the screen's
// view, as a city's site or a captioning system would.
func (t *tribuneTarget) sseSubscriber(ctx context.Context) (func(), error) {
	sctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, t.base+"/api/rooms/"+t.code+"/events", nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := sseClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("events: status %d", resp.StatusCode)
	}
	ready := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		var seen seenSet
		snapshot := false
		r := bufio.NewReaderSize(resp.Body, 64<<10)
		for {
			line, err := r.ReadSlice('\n')
			if err != nil {
				t.br.disconnected(ctx, err)
				return
			}
			b, ok := bytes.CutPrefix(line, []byte("data: "))
			if !ok {
				continue
			}
			t.handle(bytes.TrimSuffix(b, []byte("\n")), t.br.now(), &seen, &snapshot, ready)
		}
	}()
	select {
	case <-ready:
		return cancel, nil
	case <-time.After(30 * time.Second):
		cancel()
		return nil, errors.New("events: no snapshot")
	}
}

// sseClient holds one connection per stream: as many idle connections as
// subscribers, where http.DefaultTransport would keep two.
var sseClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: -1, DisableCompression: true}}

// read is a participant's reader: it finds the announcements in what the
// server sends, wherever a patch carries them (see announcementCache.get).
func (t *tribuneTarget) read(ctx context.Context, c *websocket.Conn, ready chan struct{}) {
	br := t.br
	var seen seenSet
	var buf bytes.Buffer
	snapshot := false
	for {
		b, err := readInto(ctx, c, &buf)
		if err != nil {
			br.disconnected(ctx, err)
			return
		}
		t.handle(b, br.now(), &seen, &snapshot, ready)
	}
}

// handle counts message b, received at now, and delivers the announcements
// it carries; the first snapshot closes ready.
func (t *tribuneTarget) handle(b []byte, now int64, seen *seenSet, snapshot *bool, ready chan struct{}) {
	br := t.br
	br.res.msgs.Add(1)
	br.res.bytes.Add(int64(len(b)))
	h, ok := scanHeader(b)
	if !ok {
		br.res.errs.Add(1)
		return
	}
	switch h.T {
	case "snapshot":
		if !*snapshot {
			*snapshot = true
			close(ready)
		}
	case "patch":
		stamps, err := t.patches.get(h.From, h.To, b)
		if err != nil {
			br.res.errs.Add(1)
			return
		}
		for _, st := range stamps {
			br.deliver(seen, st, now)
		}
	}
}

// announcementCache holds the stamps of the announcements each patch
// carries, decoded once: every participant receives the same bytes for the
// same range of sequence numbers.
type announcementCache struct {
	mu sync.RWMutex
	m  map[[2]uint64][]stamp
}

// get returns the stamps of the announcements of patch message raw, from
// either place a patch may hold them: Patch.Announcements (those made since
// the last patch, each sent once) or, from servers before it,
// Patch.Meeting.Announcements (the last 20, sent again with every change to
// the meeting). The receiver's dedupe makes both forms count once.
func (ac *announcementCache) get(from, to uint64, raw []byte) ([]stamp, error) {
	key := [2]uint64{from, to}
	ac.mu.RLock()
	s, ok := ac.m[key]
	ac.mu.RUnlock()
	if ok {
		return s, nil
	}
	var m struct {
		Patch struct {
			Meeting *struct {
				Announcements []room.Announcement `json:"announcements"`
			} `json:"meeting"`
			Announcements []room.Announcement `json:"announcements"`
		} `json:"patch"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	all := m.Patch.Announcements
	if m.Patch.Meeting != nil {
		all = append(all, m.Patch.Meeting.Announcements...)
	}
	s = []stamp{}
	for _, a := range all {
		if rest, ok := strings.CutPrefix(a.Text, stampPrefix); ok {
			if seq, sent, ok := parseStamp([]byte(rest)); ok {
				s = append(s, stamp{seq, sent})
			}
		}
	}
	ac.mu.Lock()
	ac.m[key] = s
	ac.mu.Unlock()
	return s, nil
}

// tribunePublisher is one moderator connection.
type tribunePublisher struct {
	c       *websocket.Conn
	started chan string // the answer to "start"
}

func (t *tribuneTarget) publisher(ctx context.Context, i int) (broadcastPublisher, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := t.dial(dctx, map[string]any{"role": "moderator", "key": t.key})
	if err != nil {
		return nil, err
	}
	p := &tribunePublisher{c: c, started: make(chan string, 1)}
	go func() {
		br := t.br
		var buf bytes.Buffer
		for {
			b, err := readInto(ctx, c, &buf)
			if err != nil {
				if i >= 0 {
					br.disconnected(ctx, err)
				}
				return
			}
			h, ok := scanHeader(b)
			if !ok || (h.T != "ack" && h.T != "error") {
				continue
			}
			if h.T == "error" {
				json.Unmarshal(b, &h)
			}
			switch {
			case h.ID == "start":
				p.started <- h.Code
			case h.T == "ack":
				br.res.accepted.Add(1)
			default:
				if br.res.refused.Add(1) <= 3 {
					fmt.Fprintf(br.log, "load: announcement refused: %s\n", b)
				}
			}
		}
	}()
	return p, nil
}

func (p *tribunePublisher) publish(ctx context.Context, seq uint64, text string) error {
	b, err := json.Marshal(map[string]any{"t": "cmd", "id": "b" + strconv.FormatUint(seq, 10), "cmd": room.Command{Op: room.OpAnnounce, Text: text}})
	if err != nil {
		return err
	}
	return p.c.Write(ctx, websocket.MessageText, b)
}

func (p *tribunePublisher) conn() *websocket.Conn { return p.c }
