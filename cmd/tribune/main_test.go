package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/hub"
)

// startServe runs `tribune serve` in-process on a free port and returns its
// base URL; the server stops, gracefully, when the test ends.
func startServe(t *testing.T, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "t.db"), "-log-level", "error"}, extra...)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, pw, io.Discard); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop within 20s of SIGTERM")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve: %v", err)
	}
	go io.Copy(io.Discard, pr)
	addr := strings.TrimSpace(strings.TrimPrefix(line, "Tribune is listening on "))
	return "http://" + addr
}

func TestServeAnswersHealthAndPages(t *testing.T) {
	base := startServe(t)
	for _, path := range []string{"/healthz", "/readyz", "/", "/about", "/metrics"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
		if path == "/" && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET /: no strict CSP: %q", resp.Header.Get("Content-Security-Policy"))
		}
	}
}

// TestServeReportsBuild: /healthz answers 200 with the build the binary
// records, and /metrics has it as tribune_build_info.
func TestServeReportsBuild(t *testing.T) {
	base := startServe(t)
	want := buildInfo()
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Status    string `json:"status"`
		Version   string `json:"version"`
		GoVersion string `json:"goVersion"`
	}
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /healthz: %d %q %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if got.Status != "ok" || got.Version != want.Version || got.GoVersion != runtime.Version() {
		t.Errorf("GET /healthz: %+v, want ok, %s, %s", got, want.Version, runtime.Version())
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if series := `tribune_build_info{goversion="` + runtime.Version() + `",revision="` + want.Revision + `",version="` + want.Version + `"} 1`; !strings.Contains(string(metrics), series) {
		t.Errorf("GET /metrics: no %s", series)
	}
}

// TestHelp: -h, --help and tribune help print the usage, of tribune or of
// a command, on stdout, and are not errors; a command that does not exist
// is one.
func TestHelp(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "tribune export -room CODE [flags]"},
		{[]string{"--help"}, "tribune export -room CODE [flags]"},
		{[]string{"help"}, "tribune version"},
		{[]string{"help", "help"}, "tribune version"},
		{[]string{"help", "export"}, "-room string"},
		{[]string{"export", "-h"}, "-room string"},
		{[]string{"export", "-room", "AB12", "--help"}, "-room string"},
		{[]string{"serve", "-help"}, "$TRIBUNE_ADDR"},
		{[]string{"-addr", ":0", "-h"}, "$TRIBUNE_ADDR"}, // serve, the default command
		{[]string{"verify", "-h"}, "usage: tribune verify FILE"},
		{[]string{"verify", "log.json", "-h"}, "usage: tribune verify FILE"},
		{[]string{"load", "--help"}, "-participants"},
		{[]string{"help", "load"}, "-participants"},
		{[]string{"version", "-h"}, "usage: tribune version"},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), c.args, func(string) string { return "" }, &out, &errOut)
		if err != nil || !strings.Contains(out.String(), c.want) || errOut.Len() > 0 {
			t.Errorf("tribune %s: %v, stdout %q, stderr %q; want %q on stdout", strings.Join(c.args, " "), err, out.String(), errOut.String(), c.want)
		}
	}
	for _, args := range [][]string{{"nope"}, {"help", "nope"}, {"help", "export", "verify"}, {"version", "extra"}} {
		var out bytes.Buffer
		if err := run(context.Background(), args, func(string) string { return "" }, &out, io.Discard); err == nil || out.Len() > 0 {
			t.Errorf("tribune %s: %v, stdout %q; want an error and nothing on stdout", strings.Join(args, " "), err, out.String())
		}
	}
}

// TestExitCodes runs main in a child process, this test binary told by
// $TRIBUNE_TEST_MAIN what arguments to give it: asking for help or the
// version succeeds, with the text on stdout; a mistake exits 1 and says
// why on stderr.
func TestExitCodes(t *testing.T) {
	if args, ok := os.LookupEnv("TRIBUNE_TEST_MAIN"); ok {
		os.Args = append([]string{"tribune"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	t.Parallel()
	for _, c := range []struct {
		args           string
		code           int
		stdout, stderr string
	}{
		{"-h", 0, "Usage:", ""},
		{"--help", 0, "Usage:", ""},
		{"help export", 0, "-room string", ""},
		{"export -h", 0, "-room string", ""},
		{"version", 0, "\ngo       " + runtime.Version() + " ", ""},
		{"nope", 1, "", `tribune: unknown command "nope"`},
		{"export", 1, "", "tribune: export: -room is required"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExitCodes$")
		cmd.Env = append(os.Environ(), "TRIBUNE_TEST_MAIN="+c.args)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) ||
			(c.stdout == "") != (stdout.Len() == 0) || (c.stderr == "") != (stderr.Len() == 0) {
			t.Errorf("tribune %s: exit %d, stdout %q, stderr %q; want exit %d, %q on stdout, %q on stderr",
				c.args, code, stdout.String(), stderr.String(), c.code, c.stdout, c.stderr)
		}
	}
}

// TestVersion: tribune version prints the build, one fact a line, as
// buildInfo reads it.
func TestVersion(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	b := buildInfo()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 5 || lines[0] != "tribune "+b.Version || !strings.HasPrefix(lines[1], "revision ") ||
		!strings.HasPrefix(lines[2], "time ") || !strings.HasPrefix(lines[3], "modified ") ||
		lines[4] != "go       "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("tribune version:\n%s", out.String())
	}
	if b.Version == "" || b.GoVersion != runtime.Version() {
		t.Errorf("buildInfo() = %+v", b)
	}
}

// TestServeContact: the contact given with -contact, and the retention
// period, are what the accessibility and personal data page shows; without
// them, none.
func TestServeContact(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		days int
	}{
		{[]string{"-contact", "dpo@ville.example", "-retention", "400d"}, "dpo@ville.example", 400},
		{nil, "", 0},
	} {
		base := startServe(t, c.args...)
		resp, err := http.Get(base + "/api/about")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Contact       *string `json:"contact"`
			RetentionDays *int    `json:"retentionDays"`
		}
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || got.Contact == nil || *got.Contact != c.want || got.RetentionDays == nil || *got.RetentionDays != c.days {
			t.Errorf("%v: GET /api/about: %d %v, contact %v, retention %v; want %q, %d", c.args, resp.StatusCode, err, got.Contact, got.RetentionDays, c.want, c.days)
		}
	}
}

// TestLoadSmoke is the short load run the test command includes: a few
// hundred participants vote within two seconds and every one of them ends
// with the server's state.
func TestLoadSmoke(t *testing.T) {
	base := startServe(t, "-tick", "20ms", "-joins-per-minute", "-1")
	var out, log bytes.Buffer
	profile := filepath.Join(t.TempDir(), "load.pprof")
	err := run(context.Background(), []string{"load", "-url", base, "-participants", "300", "-window", "2s", "-settle", "20s", "-cpuprofile", profile},
		func(string) string { return "" }, &out, &log)
	t.Logf("%s\n%s", log.String(), out.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "converged:    300 of 300") {
		t.Fatalf("not every client converged:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "(300 acked, 0 refused)") {
		t.Fatalf("not every vote was acknowledged:\n%s", out.String())
	}
	// Every vote reached every one of the 300 clients, and each arrival
	// is a delivery counted once the run is over; a patch that beat its
	// voter's acknowledgement is not counted, hence the margin below.
	var deliveries int
	if m := regexp.MustCompile(`\((\d+) deliveries\)`).FindStringSubmatch(out.String()); m != nil {
		deliveries, _ = strconv.Atoi(m[1])
	}
	if deliveries < 300*300*9/10 || deliveries > 300*(300+10) {
		t.Fatalf("%d deliveries counted, want about 300×300:\n%s", deliveries, out.String())
	}
	if st, err := os.Stat(profile); err != nil || st.Size() == 0 {
		t.Fatalf("-cpuprofile wrote nothing: %v", err)
	}
}

// TestLoadStartsItsOwnServer: `tribune load` without -url, as the README
// gives it, starts a server of its own that lets a load test's hundreds
// of newcomers in at once (more than a meeting's default per-minute
// limit lets in at once).
func TestLoadStartsItsOwnServer(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "tribune")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	n := hub.DefaultJoinsPerMinute/2 + 100
	out, err := exec.Command(bin, "load", "-participants", strconv.Itoa(n), "-window", "1s", "-settle", "20s").CombinedOutput()
	if err != nil {
		t.Fatalf("load: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("converged:    %d of %d", n, n); !strings.Contains(string(out), want) {
		t.Fatalf("no %q in:\n%s", want, out)
	}
}

func TestLoadRefusesOtherHosts(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.com", "http://192.168.1.2"} {
		if err := loopbackOnly(u); err == nil {
			t.Errorf("load would target %s", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:80"} {
		if err := loopbackOnly(u); err != nil {
			t.Errorf("loopback %s refused: %v", u, err)
		}
	}
}

func TestScanHeader(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want header
	}{
		{`{"t":"patch","from":42,"to":57,"patch":{"counts":{"room":1}}}`, header{T: "patch", From: 42, To: 57}},
		{`{"t":"ack","id":"l17","seq":43}`, header{T: "ack", ID: "l17", Seq: 43}},
		{`{"t":"error","id":"l3","code":"poll_closed","message":"room: poll is not open","retry":false}`, header{T: "error", ID: "l3", Code: "poll_closed"}},
		{`{"t":"snapshot","seq":9,"view":{"seq":9}}`, header{T: "snapshot", Seq: 9}},
	} {
		got, ok := scanHeader([]byte(c.msg))
		if !ok || got != c.want {
			t.Errorf("scanHeader(%s) = %+v %v, want %+v", c.msg, got, ok, c.want)
		}
	}
	if _, ok := scanHeader([]byte(`[1,2]`)); ok {
		t.Error("scanHeader accepted a non-object")
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "180d": 180 * 24 * time.Hour, "4380h": 4380 * time.Hour, "1d": 24 * time.Hour} {
		if got, err := parseRetention(in); err != nil || got != want {
			t.Errorf("parseRetention(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"soon", "12h", "-5d", "d", "1.5d", "0d"} {
		if got, err := parseRetention(in); err == nil {
			t.Errorf("parseRetention(%q) = %v, want an error", in, got)
		}
	}
	if err := run(context.Background(), []string{"serve", "-retention", "soon", "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "t.db")},
		func(string) string { return "" }, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "-retention") {
		t.Errorf("serve -retention soon: %v", err)
	}
	// The flag reaches the server: it starts and serves with a period.
	base := startServe(t, "-retention", "365d")
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatalf("serve -retention 365d: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("serve -retention 365d: %d", resp.StatusCode)
	}
}

// TestDebugAddr: the profiler answers on a loopback address, and a
// non-loopback address is refused before anything listens.
func TestDebugAddr(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if _, err := serveDebug(ctx, "0.0.0.0:0", logger); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("0.0.0.0: %v, want a refusal naming loopback", err)
	}
	addr, err := serveDebug(ctx, "127.0.0.1:0", logger)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr.String() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile") {
		t.Fatalf("profiler: %d %.200s", resp.StatusCode, b)
	}
}
