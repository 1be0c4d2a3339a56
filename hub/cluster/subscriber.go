package cluster

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// subscriber owns one pub/sub connection and its receive loop.
//
// Pub/sub is at-most-once: Redis drops what a subscriber does not read fast
// enough, and whatever is published while the connection is being re-made
// is gone. So the receive loop never blocks on anything but the socket: it
// hands each message to handle, which must only queue it (bounded, dropping
// when full: what is dropped is repaired like any other loss, by seqs,
// heartbeats and command timeouts).
//
// A connection can also die silently (a frozen Redis, a proxy that drops
// traffic). The loop pings whenever it has heard nothing for a period; when
// nothing at all, not even a pong, has come for silence periods, it throws
// the connection away and subscribes anew.
type subscriber struct {
	rdb    *redis.Client
	period time.Duration
	logger *slog.Logger
	handle func(channel, payload string) // must not block

	// order serializes subscribe and unsubscribe, network calls included,
	// so that Redis hears them in the order the counts changed. It is
	// never taken by the receive loop.
	order    sync.Mutex
	mu       sync.Mutex
	channels map[string]int // guarded by mu; how many subscribed each
	ps       *redis.PubSub  // guarded by mu; replaced by reset

	lastMsg atomic.Int64 // unix nanos of the last message of any kind
	healthy atomic.Int64 // unix nanos since which messages have flowed without a silence
}

func newSubscriber(rdb *redis.Client, period time.Duration, logger *slog.Logger, handle func(channel, payload string), channels ...string) *subscriber {
	s := &subscriber{rdb: rdb, period: period, logger: logger, handle: handle, channels: make(map[string]int)}
	for _, c := range channels {
		s.channels[c]++
	}
	return s
}

// subscribe adds a channel, or counts one more subscriber of it. A
// failure is not fatal: the channel is subscribed again whenever the
// connection is re-made.
func (s *subscriber) subscribe(ctx context.Context, channel string) {
	s.order.Lock()
	defer s.order.Unlock()
	s.mu.Lock()
	s.channels[channel]++
	first := s.channels[channel] == 1
	ps := s.ps
	s.mu.Unlock()
	if ps != nil && first {
		if err := ps.Subscribe(ctx, channel); err != nil {
			s.logger.Debug("subscribe", "channel", channel, "err", err)
		}
	}
}

// unsubscribe undoes one subscribe: the last one drops the channel. A
// failure is not fatal either: the channel is left out when the connection
// is re-made, and meanwhile its messages are dropped by handle.
func (s *subscriber) unsubscribe(ctx context.Context, channel string) {
	s.order.Lock()
	defer s.order.Unlock()
	s.mu.Lock()
	s.channels[channel]--
	last := s.channels[channel] <= 0
	if last {
		delete(s.channels, channel)
	}
	ps := s.ps
	s.mu.Unlock()
	if ps != nil && last {
		if err := ps.Unsubscribe(ctx, channel); err != nil {
			s.logger.Debug("unsubscribe", "channel", channel, "err", err)
		}
	}
}

// reset throws the current connection away; the loop makes a new one.
func (s *subscriber) reset() {
	s.mu.Lock()
	ps := s.ps
	s.ps = nil
	s.mu.Unlock()
	if ps != nil {
		ps.Close() // the loop's ReceiveTimeout fails and it re-makes it
	}
}

// connect replaces the connection with a new one subscribed to every
// channel.
func (s *subscriber) connect(ctx context.Context) *redis.PubSub {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ps != nil {
		s.ps.Close()
	}
	chans := make([]string, 0, len(s.channels))
	for c := range s.channels {
		chans = append(chans, c)
	}
	// Subscribe writes the command and returns; a failure here shows as a
	// failed receive, and the loop tries again.
	s.ps = s.rdb.Subscribe(ctx, chans...)
	return s.ps
}

// alive reports how long the connection has been receiving without a
// silence, zero when it is silent now.
func (s *subscriber) alive(now time.Time) time.Duration {
	if now.Sub(time.Unix(0, s.lastMsg.Load())) > 2*s.period {
		return 0
	}
	return now.Sub(time.Unix(0, s.healthy.Load()))
}

// run receives until ctx is done.
func (s *subscriber) run(ctx context.Context) {
	now := time.Now()
	s.lastMsg.Store(now.UnixNano())
	s.healthy.Store(now.UnixNano())
	s.connect(ctx)
	defer func() {
		s.mu.Lock()
		if s.ps != nil {
			s.ps.Close()
		}
		s.mu.Unlock()
	}()
	for ctx.Err() == nil {
		s.mu.Lock()
		cur := s.ps
		s.mu.Unlock()
		if cur == nil { // reset
			cur = s.connect(ctx)
		}
		ps := cur
		msg, err := ps.ReceiveTimeout(ctx, s.period)
		now := time.Now()
		if err != nil {
			last := time.Unix(0, s.lastMsg.Load())
			if now.Sub(last) > silence*s.period {
				s.logger.Warn("redis subscription silent, subscribing again", "err", err)
				s.lastMsg.Store(now.UnixNano()) // give the new one its time
				s.connect(ctx)
				continue
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Nothing for a period: ask for a pong, bounded by the
				// write timeout, so that a live connection says so.
				pctx, cancel := context.WithTimeout(ctx, s.period)
				ps.Ping(pctx)
				cancel()
				continue
			}
			// A broken connection: go-redis re-makes it at the next
			// receive. Do not spin meanwhile.
			select {
			case <-ctx.Done():
			case <-time.After(s.period / 10):
			}
			continue
		}
		if now.Sub(time.Unix(0, s.lastMsg.Load())) > 2*s.period {
			s.healthy.Store(now.UnixNano())
		}
		s.lastMsg.Store(now.UnixNano())
		if m, ok := msg.(*redis.Message); ok {
			s.handle(m.Channel, m.Payload)
		}
	}
}
