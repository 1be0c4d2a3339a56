package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tribune-hub/tribune/hub/cluster"
	"github.com/tribune-hub/tribune/hub/seam"
)

// A hub reaches its rooms through a seam.Backend: its own (local.go) on
// one node, or package cluster's around Redis.

// Mode is a hub's part in a deployment.
type Mode int

const (
	// Embedded is one process with everything: the default.
	Embedded Mode = iota
	// Primary holds the store and sequences every room, for edges around
	// Redis (and for its own sessions).
	Primary
	// Edge holds sessions and forwards commands to the primary through
	// Redis. It has no store.
	Edge
)

// ParseMode parses "embedded", "primary" or "edge".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "embedded":
		return Embedded, nil
	case "primary":
		return Primary, nil
	case "edge":
		return Edge, nil
	}
	return 0, fmt.Errorf("unknown role %q (embedded, primary or edge)", s)
}

func (m Mode) String() string {
	switch m {
	case Primary:
		return "primary"
	case Edge:
		return "edge"
	}
	return "embedded"
}

// ClusterConfig tunes a primary or an edge (package cluster).
type ClusterConfig = cluster.Config

// ErrUpstream means an edge cannot reach the primary (or Redis) now; the
// command may be retried.
var ErrUpstream = cluster.ErrUpstream

// newBackend is the backend of cfg.Mode.
func newBackend(cfg Config, logger *slog.Logger, now func() time.Time, m *metrics) (seam.Backend, error) {
	if cfg.Retention < 0 || cfg.Retention > 0 && cfg.Mode != Embedded {
		return nil, errors.New("hub: a retention period is for a single node (embedded mode), and not negative")
	}
	if cfg.Store == nil && cfg.Mode != Edge {
		return nil, errors.New("hub: Config.Store is required")
	}
	l := &local{st: cfg.Store, logger: logger, now: now, metrics: m}
	if cfg.Mode == Embedded {
		return l, nil
	}
	if cfg.Redis == "" {
		return nil, fmt.Errorf("hub: %s mode needs a Redis URL", cfg.Mode)
	}
	cc := cfg.Cluster
	logger.Info("cluster node starting", "mode", cfg.Mode)
	switch cfg.Mode {
	case Primary:
		return cluster.NewPrimary(l, cfg.Redis, cc, logger, errorCode)
	case Edge:
		return cluster.NewEdge(cfg.Redis, cc, logger)
	}
	return nil, fmt.Errorf("hub: unknown mode %d", cfg.Mode)
}

// hubNode is what the hub's backend may ask of it (seam.Node).
type hubNode struct{ h *Hub }

var _ seam.Node = hubNode{}

func (n hubNode) Broadcast(msg []byte)                            { n.h.broadcast(msg) }
func (n hubNode) Rejoin()                                         { n.h.rejoin() }
func (n hubNode) LoadRoom(ctx context.Context, code string) error { return n.h.loadRoom(ctx, code) }
func (n hubNode) Serve(ctx context.Context, c seam.Call) seam.Answer {
	return n.h.serveForwarded(ctx, c)
}

// broadcast queues msg to every session.
func (h *Hub) broadcast(msg []byte) {
	h.mu.Lock()
	ss := make([]*session, 0, len(h.sessions))
	for s := range h.sessions {
		ss = append(ss, s)
	}
	h.mu.Unlock()
	for _, s := range ss {
		s.enqueue(msg)
	}
}

// loadRoom loads room code.
func (h *Hub) loadRoom(ctx context.Context, code string) error {
	_, err := h.room(ctx, code)
	return err
}
