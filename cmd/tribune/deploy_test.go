package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tribune-hub/tribune/hub"
)

// TestSystemdUnit: deploy/tribune.service passes systemd-analyze verify
// without a single warning, keeps its hardening, and sets only
// environment variables that serve reads.
func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	unit, err := os.ReadFile("../../deploy/tribune.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Type=notify", "DynamicUser=yes", "StateDirectory=tribune", "Environment=TRIBUNE_DB=/var/lib/tribune/tribune.db",
		"NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service",
		"CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "MemoryDenyWriteExecute=yes", "LockPersonality=yes",
	} {
		if !bytes.Contains(unit, []byte("\n"+want+"\n")) {
			t.Errorf("the unit has no %s", want)
		}
	}

	var help bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-h"}, func(string) string { return "" }, &help, &help); err != nil {
		t.Fatal(err)
	}
	for _, v := range regexp.MustCompile(`TRIBUNE_[A-Z_]+`).FindAllString(string(unit), -1) {
		if !strings.Contains(help.String(), "($"+v+")") {
			t.Errorf("the unit names %s, which serve does not read", v)
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze (Debian: apt-get install systemd)")
	}
	// verify checks that ExecStart's binary exists: any executable will do.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "tribune.service")
	if err := os.WriteFile(file, bytes.ReplaceAll(unit, []byte("/usr/local/bin/tribune"), []byte(self)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", file).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestGrafanaDashboard: every series deploy/grafana-dashboard.json queries
// is one a running server exports at /metrics, and the README names each
// of its panels.
func TestGrafanaDashboard(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../deploy/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("the dashboard is not JSON: %v", err)
	}
	if len(dash.Panels) == 0 {
		t.Fatal("no panels")
	}

	exported := scrapeBusy(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	seriesName := regexp.MustCompile(`\btribune_[a-z_]+`)
	for _, p := range dash.Panels {
		if !bytes.Contains(readme, []byte(p.Title)) {
			t.Errorf("README.md does not name the panel %q", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q queries nothing", p.Title)
		}
		for _, tg := range p.Targets {
			names := seriesName.FindAllString(tg.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: %q queries no tribune series", p.Title, tg.Expr)
			}
			for _, n := range names {
				if !slices.Contains(exported, n) {
					t.Errorf("panel %q queries %s, which /metrics does not export", p.Title, n)
				}
			}
		}
	}
}

// scrapeBusy starts serve, gives it a moderator who starts a meeting (so
// that the series with labels have one), and returns the names of the
// series /metrics then exports, histograms' _bucket, _sum and _count
// included.
func scrapeBusy(t *testing.T) []string {
	t.Helper()
	base := startServe(t)
	resp, err := http.Post(base+"/api/rooms", "application/json", strings.NewReader(`{"title":"Metrics"}`))
	if err != nil {
		t.Fatal(err)
	}
	var cr struct{ Code, ModeratorKey string }
	json.NewDecoder(resp.Body).Decode(&cr)
	resp.Body.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/"+cr.Code, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(s string) {
		if err := c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	send(fmt.Sprintf(`{"t":"hello","v":%d,"role":"moderator","key":%q}`, hub.ProtocolVersion, cr.ModeratorKey))
	send(`{"t":"cmd","id":"1","cmd":{"op":"room.start"}}`)
	// The ack and a patch: the command went through, and the fan-out has
	// built and sent what changed. A change before the first snapshot is
	// in it: a second command follows the snapshot.
	var seen []string
	for !slices.Contains(seen, "ack") || !slices.Contains(seen, "patch") {
		if len(seen) > 0 && seen[len(seen)-1] == "snapshot" {
			send(`{"t":"cmd","id":"2","cmd":{"op":"announce","text":"Welcome"}}`)
		}
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for the ack and a patch (had %v): %v", seen, err)
		}
		var m struct{ T string }
		json.Unmarshal(msg, &m)
		seen = append(seen, m.T)
	}

	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var names []string
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		names = append(names, name)
	}
	return names
}
