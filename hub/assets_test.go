package hub

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tribune-hub/tribune/clientjs"
	"github.com/tribune-hub/tribune/hub/store"
)

func assetServer(t *testing.T, cfg Config) string {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{Path: filepath.Join(t.TempDir(), "t.db")})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Logger = st, testLogger(t)
	h, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() { srv.Close(); h.Close(); st.Close() })
	return srv.URL
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no automatic gunzip
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestAssets: the pages' files come gzipped to a browser that accepts it,
// as they are to one that does not, and a browser that has them gets 304.
func TestAssets(t *testing.T) {
	t.Parallel()
	base := assetServer(t, Config{Assets: clientjs.FS})
	want, err := fs.ReadFile(clientjs.FS, "i18n.js")
	if err != nil {
		t.Fatal(err)
	}

	resp, gz := get(t, base+"/assets/i18n.js", "Accept-Encoding", "gzip, deflate, br")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("gzip: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, want) || len(gz) > len(want)/2 {
		t.Errorf("gzipped: %d bytes for %d, equal %v", len(gz), len(want), bytes.Equal(plain, want))
	}
	etag := resp.Header.Get("ETag")

	resp, body := get(t, base+"/assets/i18n.js", "Accept-Encoding", "gzip;q=0")
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) || resp.Header.Get("ETag") != etag || etag == "" {
		t.Errorf("identity: %v, %d bytes", resp.Header, len(body))
	}
	resp, body = get(t, base+"/assets/i18n.js", "If-None-Match", etag, "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("revalidation: %d, %d bytes", resp.StatusCode, len(body))
	}

	// The pages too, under the same security headers.
	resp, _ = get(t, base+"/j/ABC234", "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("page: %d %v", resp.StatusCode, resp.Header)
	}
	for _, p := range []string{"/assets/nope.js", "/assets/..%2fhub.go", "/assets/"} {
		if resp, _ := get(t, base+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
}

// TestLiveAssets: with LiveAssets a file changed on disk is what the next
// request gets (editing clientjs/ with -assets).
func TestLiveAssets(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{"app.js": {Data: []byte("console.log(1)")}}
	base := assetServer(t, Config{Assets: files, LiveAssets: true})
	_, first := get(t, base+"/assets/app.js")
	files["app.js"] = &fstest.MapFile{Data: []byte("console.log(2)")}
	_, second := get(t, base+"/assets/app.js")
	if string(first) != "console.log(1)" || string(second) != "console.log(2)" {
		t.Errorf("served %q then %q", first, second)
	}
}
