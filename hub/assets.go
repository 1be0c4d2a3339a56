package hub

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// assets serves the pages' files from memory, each with an ETag (its
// content's hash) and, for a browser that accepts it, gzipped: on a venue's
// Wi-Fi a phone joining downloads about a third of the bytes, and a reload
// or a second visit only revalidates (304). The files are read and
// compressed once, at start. With Config.LiveAssets they are read from
// Config.Assets on every request instead (editing clientjs/).
type assets struct {
	files map[string]*asset // by path in Config.Assets
}

type asset struct {
	contentType string
	etag        string
	body, gz    []byte // gz nil when compressing does not pay
}

func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{files: make(map[string]*asset)}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		a.files[name] = newAsset(name, b)
		return nil
	})
	return a, err
}

func newAsset(name string, b []byte) *asset {
	sum := sha256.Sum256(b)
	x := &asset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	x.contentType = mime.TypeByExtension(path.Ext(name))
	if x.contentType == "" {
		x.contentType = http.DetectContentType(b)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() < len(b)*9/10 {
		x.gz = buf.Bytes()
	}
	return x
}

// serve writes x for r: 304 when the browser has it, gzipped when it
// accepts gzip.
func (x *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", x.contentType)
	h.Set("Cache-Control", "no-cache") // revalidate: a new binary is a new version
	h.Set("Vary", "Accept-Encoding")
	if notModified(w, r, x.etag) {
		return
	}
	if x.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		w.Write(x.gz)
		return
	}
	w.Write(x.body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// asset returns the file name, from memory, or read now with LiveAssets.
func (h *Hub) asset(name string) (*asset, bool) {
	if h.cfg.LiveAssets {
		b, err := fs.ReadFile(h.cfg.Assets, name)
		if err != nil {
			return nil, false
		}
		return newAsset(name, b), true
	}
	x, ok := h.assets.files[name]
	return x, ok
}

// serveAsset serves /assets/{name}.
func (h *Hub) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/assets/")
	if !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	x, ok := h.asset(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	x.serve(w, r)
}
