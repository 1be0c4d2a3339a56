package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeFrameAncestors: -frame-ancestors (or its environment variable)
// reaches the server, which lets those sites frame the participant page
// and says so on /api/about; a value that is not a list of origins stops
// serve before it listens, naming the flag.
func TestServeFrameAncestors(t *testing.T) {
	if err := run(context.Background(), []string{"serve", "-frame-ancestors", "https://city.example *", "-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "t.db")},
		func(string) string { return "" }, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "-frame-ancestors") {
		t.Errorf("serve -frame-ancestors with a wildcard: %v", err)
	}
	base := startServe(t, "-frame-ancestors", "https://city.example, https://other.example")
	resp, err := http.Get(base + "/api/about")
	if err != nil {
		t.Fatal(err)
	}
	var about struct {
		FrameAncestors []string `json:"frameAncestors"`
	}
	err = json.NewDecoder(resp.Body).Decode(&about)
	resp.Body.Close()
	if err != nil || strings.Join(about.FrameAncestors, " ") != "https://city.example https://other.example" {
		t.Fatalf("/api/about: %+v %v", about, err)
	}
	created, err := http.Post(base+"/api/rooms", "application/json", strings.NewReader(`{"title":"Embedded"}`))
	if err != nil {
		t.Fatal(err)
	}
	var room struct{ Code string }
	json.NewDecoder(created.Body).Decode(&room)
	created.Body.Close()
	page, err := http.Get(base + "/j/" + room.Code)
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://city.example https://other.example;") {
		t.Errorf("participant page policy %q", csp)
	}
}
