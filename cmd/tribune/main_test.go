package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	base := startServe(t, "-tick", "20ms")
	var out, log bytes.Buffer
	err := run(context.Background(), []string{"load", "-url", base, "-participants", "300", "-window", "2s", "-settle", "20s"},
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
