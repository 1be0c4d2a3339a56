// Command tribune runs a Tribune hub: live questions, polls and reactions for
// public meetings, with a verifiable archive.
//
// Usage:
//
//	tribune [flags]            serve (the default)
//	tribune serve [flags]      the same
//	tribune export -room CODE  a meeting's log (JSON) or data package (zip)
//	tribune verify FILE        recompute a log export, check its hash chain
//	tribune load [flags]       a load generator, on loopback only
//	tribune version            the version, and the commit built from
//	tribune help [COMMAND]     the commands, or a command's flags
//
// -h or --help after a command prints its flags. Most flags have an
// environment equivalent, shown with them: -addr is TRIBUNE_ADDR, and so
// on.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/tribune-hub/tribune/clientjs"
	"github.com/tribune-hub/tribune/hub"
	"github.com/tribune-hub/tribune/hub/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tribune:", err)
		os.Exit(1)
	}
}

// A command is one of tribune's subcommands. Its run parses its flags
// before doing anything else, so that run with -h only prints them.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error
}

// commands are tribune's subcommands, in the order usage lists them.
var commands = []command{
	{"serve", "[flags]", "serve meetings (the default command)", serve},
	{"export", "-room CODE [flags]", "a meeting's (or -consultation's) log (JSON) or data package (zip)", exportCmd},
	{"verify", "FILE [MEETING...]", "recompute a log export, check its hash chain; cross-check a consultation",
		func(ctx context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
			return verifyCmd(ctx, args, stdout, stderr)
		}},
	{"backup", "-o FILE [flags]", "a checked copy of the database, while it serves", backupCmd},
	{"load", "[flags]", "a load generator, on loopback only", loadCmd},
	{"version", "", "the version, and the commit built from", versionCmd},
	{"help", "[COMMAND]", "these lines, or a command's flags", nil}, // run's own
}

// run is the whole program, with its inputs passed in so tests can call it.
// Help asked for is not an error: it goes to stdout and run returns nil.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	switch {
	case len(args) > 0 && isHelpFlag(args[0]):
		usage(stdout)
		return nil
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		name, args = args[0], args[1:]
	}
	if name == "help" {
		return help(ctx, args, getenv, stdout)
	}
	c, ok := lookup(name)
	if !ok || c.run == nil {
		return fmt.Errorf("unknown command %q (see: tribune help)", name)
	}
	if asksHelp(args) {
		return c.usage(ctx, getenv, stdout)
	}
	err := c.run(ctx, args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // a spelling asksHelp missed (-help=true): the flag package printed the usage, on stderr
	}
	return err
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage writes what tribune -h and tribune help print.
func usage(w io.Writer) {
	fmt.Fprint(w, "Tribune serves live questions, polls and reactions for public meetings.\n\nUsage:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-34s %s\n", "tribune "+c.name+" "+c.args, c.summary)
	}
	fmt.Fprint(w, "\ntribune COMMAND -h prints the command's flags, as tribune help COMMAND does.\n")
}

// usage prints c's flags to w: c run with -h, its flag set writing to w.
func (c command) usage(ctx context.Context, getenv func(string) string, w io.Writer) error {
	if err := c.run(ctx, []string{"-h"}, getenv, w, w); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

// help is `tribune help [COMMAND]`.
func help(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	switch len(args) {
	case 0:
		usage(stdout)
		return nil
	case 1:
		c, ok := lookup(args[0])
		if !ok {
			return fmt.Errorf("help: unknown command %q (see: tribune help)", args[0])
		}
		if c.run == nil { // help help
			usage(stdout)
			return nil
		}
		return c.usage(ctx, getenv, stdout)
	default:
		return errors.New("help: one command at most")
	}
}

func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--h", "--help":
		return true
	}
	return false
}

// asksHelp reports whether args ask for help: -h or --help anywhere before
// "--", even after other flags or arguments (tribune verify FILE -h).
func asksHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelpFlag(a) {
			return true
		}
	}
	return false
}

// versionCmd is `tribune version`: the build, one fact a line.
func versionCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tribune version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tribune version   (the module version, the commit built from, the Go version)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("version: unexpected argument %q", fs.Arg(0))
	}
	b := buildInfo()
	orUnknown := func(s string) string {
		if s == "" {
			return "unknown"
		}
		return s
	}
	fmt.Fprintf(stdout, "tribune %s\nrevision %s\ntime     %s\nmodified %t\ngo       %s %s/%s\n",
		b.Version, orUnknown(b.Revision), orUnknown(b.Time), b.Modified, b.GoVersion, runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildInfo is what the binary records of its own build. The module
// version is "(devel)" unless it was built by go install module@version or
// from a tagged checkout; the VCS facts are there when it was built in a
// Git checkout without -buildvcs=false.
func buildInfo() hub.BuildInfo {
	b := hub.BuildInfo{Version: "(devel)", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// serveConfig is what the serve flags set.
type serveConfig struct {
	addr           string
	db             string
	publicURL      string
	contact        string
	retention      string
	origins        string
	frameAncestors string // -frame-ancestors
	tick           time.Duration
	joins          int
	assets         string
	logLevel       string
	role           string // embedded, primary or edge (hub.ParseMode)
	redis          string
	nodeID         string
	debugAddr      string
	proxies        string // -trusted-proxies
	tls            tlsFlags
}

// parseRetention reads a retention period: a number of days ("180d") or a
// Go duration ("4380h"); "" is none.
func parseRetention(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, err
		}
	}
	if d < 24*time.Hour {
		return 0, fmt.Errorf("%s is less than a day", s)
	}
	return d, nil
}

// flagSet declares a flag with an environment equivalent: TRIBUNE_ and the
// flag's name in capitals, dashes as underscores.
type flagSet struct {
	*flag.FlagSet
	getenv func(string) string
}

func envName(name string) string {
	return "TRIBUNE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func (f flagSet) str(p *string, name, def, usage string) {
	if v := f.getenv(envName(name)); v != "" {
		def = v
	}
	f.StringVar(p, name, def, usage+" ($"+envName(name)+")")
}

func (f flagSet) dur(p *time.Duration, name string, def time.Duration, usage string) error {
	if v := f.getenv(envName(name)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("$%s: %w", envName(name), err)
		}
		def = d
	}
	f.DurationVar(p, name, def, usage+" ($"+envName(name)+")")
	return nil
}

func (f flagSet) integer(p *int, name string, def int, usage string) error {
	if v := f.getenv(envName(name)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("$%s: %w", envName(name), err)
		}
		def = n
	}
	f.IntVar(p, name, def, usage+" ($"+envName(name)+")")
	return nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := flagSet{flag.NewFlagSet("tribune serve", flag.ContinueOnError), getenv}
	fs.SetOutput(stderr)
	fs.str(&c.addr, "addr", ":8080", "address to listen on")
	fs.str(&c.db, "db", "tribune.db", "SQLite file holding every meeting")
	fs.str(&c.publicURL, "public-url", "", "public base URL for links and QR codes (default: from each request)")
	fs.str(&c.retention, "retention", "", "delete each meeting, log and all, this long after it ended and its moderators last wrote to it: 180d, 4380h (default: keep every meeting)")
	fs.str(&c.contact, "contact", "", "who people write to about accessibility and personal data, an e-mail address or a URL (shown on /about)")
	fs.str(&c.origins, "origins", "", "extra allowed WebSocket origins, comma-separated host patterns")
	fs.str(&c.frameAncestors, "frame-ancestors", "", "sites allowed to embed the participant page in a frame, origins separated by spaces or commas: \"https://city.example https://other.example\" (default: none)")
	fs.str(&c.assets, "assets", "", "serve web pages from this directory instead of the embedded ones (for editing clientjs/)")
	fs.str(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.str(&c.role, "role", "embedded", "embedded (everything in this process), primary (holds -db and sequences every room for edges, through -redis) or edge (holds connections, forwards to the primary through -redis; no -db)")
	fs.str(&c.redis, "redis", "", "Redis URL joining a primary and its edges (redis://127.0.0.1:6379/0)")
	fs.str(&c.nodeID, "node-id", "", "this node's name in Redis (default: random)")
	fs.str(&c.proxies, "trusted-proxies", "", "comma-separated CIDRs of the reverse proxies (127.0.0.1/32, ::1/128) whose Forwarded or X-Forwarded-Proto/-Host headers give the scheme and host of links, QR codes and the WebSocket origin check (default: none believed)")
	c.tls.declare(fs)
	fs.str(&c.debugAddr, "debug-addr", "", "serve Go's profiler (/debug/pprof/) on this loopback address, e.g. 127.0.0.1:6060 (default: off)")
	if err := fs.dur(&c.tick, "tick", hub.DefaultTick, "how often each room sends what changed"); err != nil {
		return err
	}
	if err := fs.integer(&c.joins, "joins-per-minute", hub.DefaultJoinsPerMinute, "new participants a meeting may gain in a minute, half of them at once; the rest are told to come back in a few seconds, and moderators see them; -1: no limit (load tests)"); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}

	if c.joins == 0 || c.joins < -1 {
		return fmt.Errorf("-joins-per-minute: %d lets nobody in; give a number of newcomers a minute, or -1 for no limit", c.joins)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	retention, err := parseRetention(c.retention)
	if err != nil {
		return fmt.Errorf("-retention: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	// go-redis logs through a package-level logger (to stdout by default):
	// route it into ours, as structured warnings.
	redis.SetLogger(redisLogger{logger})

	if c.debugAddr != "" {
		if _, err := serveDebug(ctx, c.debugAddr, logger); err != nil {
			return err
		}
	}

	mode, err := hub.ParseMode(c.role)
	if err != nil {
		return fmt.Errorf("-role: %w", err)
	}
	if mode != hub.Embedded && c.redis == "" {
		return fmt.Errorf("-role %s needs -redis", mode)
	}
	var st *store.Store // an edge has none: the primary holds the log
	if mode != hub.Edge {
		st, err = store.Open(ctx, store.Config{Path: c.db, Logger: logger})
		if err != nil {
			return err
		}
		defer st.Close()
	}

	var assets = clientjs.FS
	if c.assets != "" {
		assets = os.DirFS(c.assets)
	}
	var origins []string
	for _, o := range strings.Split(c.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	frameAncestors, err := hub.ParseFrameAncestors(c.frameAncestors)
	if err != nil {
		return fmt.Errorf("-frame-ancestors: %w", err)
	}
	var proxies []netip.Prefix
	for _, p := range strings.Split(c.proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			return fmt.Errorf("-trusted-proxies: %w", err)
		}
		proxies = append(proxies, pfx.Masked())
	}
	h, err := hub.New(ctx, hub.Config{
		Store: st, Logger: logger, Tick: c.tick, Origins: origins, JoinsPerMinute: c.joins,
		Assets: assets, LiveAssets: c.assets != "", PublicURL: c.publicURL, Contact: c.contact, Retention: retention,
		Mode: mode, Redis: c.redis, Cluster: hub.ClusterConfig{NodeID: c.nodeID},
		Build: buildInfo(), FrameAncestors: frameAncestors,
	})
	if err != nil {
		return err
	}
	defer h.Close()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	defer ln.Close() // when setup fails
	tlsConfig, redirect, err := c.tls.setup(c.db, ln.Addr())
	if err != nil {
		return err
	}
	handler, scheme := hub.TrustProxies(proxies, h.Handler()), "http"
	if tlsConfig != nil {
		ln, handler, scheme = tls.NewListener(ln, tlsConfig), hsts(handler), "https"
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: hub.ReadHeaderTimeout,
		ErrorLog:          errorLog(logger),
	}
	errc := make(chan error, 2)
	var redirectSrv *http.Server // plain HTTP, with HTTPS
	if c.tls.httpAddr != "" {
		hl, err := net.Listen("tcp", c.tls.httpAddr)
		if err != nil {
			return err
		}
		redirectSrv = &http.Server{Handler: redirect, ReadHeaderTimeout: hub.ReadHeaderTimeout, ErrorLog: errorLog(logger)}
		defer redirectSrv.Close()
		go func() { errc <- redirectSrv.Serve(hl) }()
		fmt.Fprintf(stdout, "Tribune is listening on %s\nRedirecting HTTP on %s to HTTPS.\n", ln.Addr(), hl.Addr())
	} else {
		fmt.Fprintf(stdout, "Tribune is listening on %s\n", ln.Addr())
	}
	fmt.Fprintf(stdout, "Open %s in a browser to create a meeting.\n", openURL(c.publicURL, scheme, c.tls.domains, ln.Addr()))

	go func() { errc <- srv.Serve(ln) }()
	if err := notify(getenv("NOTIFY_SOCKET"), "READY=1"); err != nil {
		logger.Warn("sd_notify", "err", err)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	notify(getenv("NOTIFY_SOCKET"), "STOPPING=1")
	// Readiness fails and WebSocket clients are told to reconnect first:
	// Shutdown does not close hijacked connections.
	h.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("shutdown", "err", err)
	}
	if redirectSrv != nil {
		redirectSrv.Shutdown(sctx)
	}
	h.Close()
	if st == nil {
		return nil
	}
	return st.Close()
}

// openURL is the address a person should open: -public-url, the first
// -acme-domain, or the listener's.
func openURL(public, scheme, domains string, addr net.Addr) string {
	if public != "" {
		return public
	}
	if d, _, _ := strings.Cut(domains, ","); strings.TrimSpace(d) != "" {
		return "https://" + strings.TrimSpace(d) + "/"
	}
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}

// redisLogger gives go-redis's log lines to slog.
type redisLogger struct{ l *slog.Logger }

func (r redisLogger) Printf(ctx context.Context, format string, v ...any) {
	r.l.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
