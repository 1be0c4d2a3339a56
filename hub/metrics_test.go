package hub

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// TestBuildReported: /healthz answers 200 with the build given in
// Config.Build, and /metrics has it as tribune_build_info; given none, both
// say "unknown" and the Go version running.
func TestBuildReported(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		build  BuildInfo
		health string
		series string
	}{
		{
			BuildInfo{Version: "v1.4.0", Revision: "0123abcd", Time: "2026-11-27T09:30:00Z", Modified: true, GoVersion: "go1.99.1"},
			`{"status":"ok","version":"v1.4.0","revision":"0123abcd","time":"2026-11-27T09:30:00Z","modified":true,"goVersion":"go1.99.1"}`,
			`tribune_build_info{goversion="go1.99.1",revision="0123abcd",version="v1.4.0"} 1`,
		},
		{
			BuildInfo{},
			`{"status":"ok","version":"unknown","goVersion":"` + runtime.Version() + `"}`,
			`tribune_build_info{goversion="` + runtime.Version() + `",revision="",version="unknown"} 1`,
		},
	} {
		base := assetServer(t, Config{Build: c.build})
		resp, body := get(t, base+"/healthz")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" ||
			strings.TrimSpace(string(body)) != c.health || !json.Valid(body) {
			t.Errorf("%+v: GET /healthz: %d %q %s; want 200 %s", c.build, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.health)
		}
		if _, body := get(t, base+"/metrics"); !strings.Contains(string(body), "\n"+c.series+"\n") {
			t.Errorf("%+v: GET /metrics: no %s in\n%s", c.build, c.series, body)
		}
	}
}
