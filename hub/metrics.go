package hub

import (
	"encoding/json"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// BuildInfo names the build a hub runs in, for /healthz and the
// tribune_build_info metric. The command reads it from its binary
// (runtime/debug.ReadBuildInfo) and passes it in Config.Build; the hub
// reads nothing itself.
type BuildInfo struct {
	Version   string `json:"version"`            // the module's: "v1.4.0", or "(devel)". Defaults to "unknown".
	Revision  string `json:"revision,omitempty"` // the commit built, when known
	Time      string `json:"time,omitempty"`     // that commit's time, RFC 3339
	Modified  bool   `json:"modified,omitempty"` // built with uncommitted changes
	GoVersion string `json:"goVersion"`          // defaults to runtime.Version()
}

func (b BuildInfo) withDefaults() BuildInfo {
	if b.Version == "" {
		b.Version = "unknown"
	}
	if b.GoVersion == "" {
		b.GoVersion = runtime.Version()
	}
	return b
}

// health is the body of /healthz: encoded once, so that the probe stays
// as cheap as a constant.
func (b BuildInfo) health() []byte {
	body, _ := json.Marshal(struct { // strings and a bool: it cannot fail
		Status string `json:"status"`
		BuildInfo
	}{"ok", b.withDefaults()})
	return append(body, '\n')
}

// metrics are the hub's Prometheus series, registered on the registry the
// caller gives (never the global one).
type metrics struct {
	connections   *prometheus.GaugeVec   // by role
	commands      *prometheus.CounterVec // by outcome at the hub's door
	acked         prometheus.Counter
	refused       prometheus.Counter
	patches       *prometheus.CounterVec // coalesced patches built, by role
	patchWrites   *prometheus.CounterVec // patch messages queued to sessions, by role
	snapshots     prometheus.Counter
	slow          prometheus.Counter
	commitSeconds prometheus.Histogram
	ackSeconds    prometheus.Histogram
	rooms         prometheus.Gauge
	archiveBuilds *prometheus.CounterVec // public archive outputs built (not served from the cache), by kind
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		connections: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "tribune_connections", Help: "Open WebSocket sessions, by role.",
		}, []string{"role"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tribune_commands_total", Help: "Client commands received, by outcome at the hub (submitted, forbidden, rate_limited).",
		}, []string{"outcome"}),
		acked: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tribune_acks_total", Help: "Commands acknowledged after their event was committed.",
		}),
		refused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tribune_refused_total", Help: "Commands refused by the room's rules.",
		}),
		patches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tribune_patches_total", Help: "Coalesced patches built and encoded, by role.",
		}, []string{"role"}),
		patchWrites: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tribune_patch_sends_total", Help: "Patch messages queued to sessions, by role.",
		}, []string{"role"}),
		snapshots: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tribune_snapshots_total", Help: "Snapshots sent to sessions that could not resume from patches.",
		}),
		slow: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tribune_slow_disconnects_total", Help: "Sessions closed because they did not keep up.",
		}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "tribune_commit_seconds", Help: "Time to append a batch of events durably.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1},
		}),
		ackSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "tribune_ack_seconds", Help: "Time from a command's arrival to its acknowledgement (or refusal) being queued to the client.",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}),
		rooms: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tribune_rooms_loaded", Help: "Rooms held in memory.",
		}),
		archiveBuilds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tribune_archive_builds_total", Help: "Public reports and open-data packages built from the log rather than served from the cache, by kind.",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.connections, m.commands, m.acked, m.refused, m.patches, m.patchWrites,
		m.snapshots, m.slow, m.commitSeconds, m.ackSeconds, m.rooms, m.archiveBuilds)
	return m
}

// registerBuildInfo adds tribune_build_info: a constant 1 whose labels say
// what is running, to join with other series or to tell the nodes of a
// cluster apart during an upgrade.
func registerBuildInfo(reg prometheus.Registerer, b BuildInfo) {
	b = b.withDefaults()
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "tribune_build_info", Help: "Always 1; the labels name the build: module version, VCS revision and Go version.",
		ConstLabels: prometheus.Labels{"version": b.Version, "revision": b.Revision, "goversion": b.GoVersion},
	})
	info.Set(1)
	reg.MustRegister(info)
}
