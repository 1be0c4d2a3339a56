package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/hub/store"
)

// keyHeader carries the moderator key on the moderators' archive
// downloads. A header, not the URL, so that the key never reaches a log.
const keyHeader = "X-Tribune-Key"

// archiveRoutes registers the archive endpoints. They read the log from the
// store (what is committed), not the live room, so they serve ended
// meetings without loading them.
//
//	GET /api/rooms/{code}/report        the public report (JSON), anyone
//	GET /api/rooms/{code}/opendata.zip  the open-data package, anyone
//	GET /api/rooms/{code}/log.json      the whole log, moderators
//	GET /api/rooms/{code}/data.zip      the full data package, moderators
//
// The zips take ?excel=1 to add copies of the CSVs with a UTF-8 byte order
// mark for spreadsheet programs.
//
// The public ones are cached (archiveCache) and carry an ETag, the log's
// head: a browser that has the current one gets 304.
func (h *Hub) archiveRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/rooms/{code}/report", h.publicArchive(func(r *http.Request) string { return "report" },
		func(r *http.Request, code string, rows []store.Stored) (archiveFile, error) {
			rep, err := archive.Build(rows)
			if err != nil {
				return archiveFile{}, err
			}
			b, err := json.Marshal(rep)
			return archiveFile{contentType: "application/json", body: b}, err
		}))
	mux.HandleFunc("GET /api/rooms/{code}/opendata.zip", h.publicArchive(func(r *http.Request) string { return "opendata-excel=" + r.URL.Query().Get("excel") },
		func(r *http.Request, code string, rows []store.Stored) (archiveFile, error) {
			return h.zipFile(r, code, rows, archive.OpenData)
		}))
	mux.HandleFunc("GET /api/rooms/{code}/data.zip", h.withLog(true, h.dataZip(archive.Full)))
	mux.HandleFunc("GET /api/rooms/{code}/log.json", h.withLog(true, func(w http.ResponseWriter, r *http.Request, code string, rows []store.Stored) error {
		var b bytes.Buffer
		if err := archive.WriteLog(&b, rows); err != nil {
			return err
		}
		sendFile(w, "application/json", "tribune-"+code+"-log.json", b.Bytes())
		return nil
	}))
}

func (h *Hub) dataZip(v archive.Variant) archiveHandler {
	return func(w http.ResponseWriter, r *http.Request, code string, rows []store.Stored) error {
		f, err := h.zipFile(r, code, rows, v)
		if err != nil {
			return err
		}
		sendFile(w, f.contentType, f.name, f.body)
		return nil
	}
}

func (h *Hub) zipFile(r *http.Request, code string, rows []store.Stored, v archive.Variant) (archiveFile, error) {
	files, err := archive.Package(rows, v, archive.Options{Excel: r.URL.Query().Get("excel") == "1", Now: h.now})
	if err != nil {
		return archiveFile{}, err
	}
	var b bytes.Buffer
	if err := archive.WriteZip(&b, files); err != nil {
		return archiveFile{}, err
	}
	return archiveFile{contentType: "application/zip", name: "tribune-" + code + "-" + v.String() + ".zip", body: b.Bytes()}, nil
}

// publicArchive serves an output anyone may read, built from the room's
// verified log, from the cache while the log's head is unchanged. kind
// names the output for a request (with its options). An edge asks the
// primary for the head and keeps its own cache.
func (h *Hub) publicArchive(kind func(*http.Request) string, build func(*http.Request, string, []store.Stored) (archiveFile, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code := normalizeCode(r.PathValue("code"))
		if code == "" {
			h.httpError(w, ErrNoRoom)
			return
		}
		seq, hash, err := h.store.Head(r.Context(), code)
		switch {
		case errors.Is(err, store.ErrNotFound):
			h.httpError(w, ErrNoRoom)
			return
		case err != nil:
			// No head to key on (an edge whose primary does not answer
			// this, or is away): build from the log, which says why if
			// it cannot be read either.
			h.withLog(false, func(w http.ResponseWriter, r *http.Request, code string, rows []store.Stored) error {
				f, err := build(r, code, rows)
				if err == nil {
					sendArchive(w, f)
				}
				return err
			})(w, r)
			return
		}
		k := kind(r)
		head := fmt.Sprintf("%d-%x", seq, hash[:8])
		etag := `"` + k + "-" + head + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		f, built, err := h.archives.get(archiveKey{code, k}, head, func() (archiveFile, error) {
			// Shared by every request waiting for it: not bound to the
			// first one's connection.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), archiveBuildTimeout)
			defer cancel()
			rows, err := h.store.Load(ctx, code)
			if err != nil {
				return archiveFile{}, err
			}
			if err := store.VerifyChain(rows); err != nil {
				return archiveFile{}, fmt.Errorf("%w: %w", errDamaged, err)
			}
			f, err := build(r, code, rows)
			if err != nil {
				return archiveFile{}, fmt.Errorf("%w: %w", errDamaged, err)
			}
			return f, nil
		})
		if built {
			h.metrics.archiveBuilds.WithLabelValues(strings.SplitN(k, "-", 2)[0]).Inc()
		}
		switch {
		case errors.Is(err, errDamaged):
			h.logger.Error("archive", "room", code, "err", err)
			w.Header().Del("ETag")
			writeError(w, http.StatusInternalServerError, "internal", "the meeting's log does not verify")
			return
		case err != nil:
			// The log could not be read now (the store closing, the
			// primary away): say so, as for any other read.
			w.Header().Del("ETag")
			h.httpError(w, err)
			return
		}
		sendArchive(w, f)
	}
}

// errDamaged: the stored log does not verify, or does not replay.
var errDamaged = errors.New("hub: the stored log does not verify")

// archiveBuildTimeout bounds reading and replaying one log for the archive.
const archiveBuildTimeout = time.Minute

// sendArchive writes f: a download when it has a name, else inline.
func sendArchive(w http.ResponseWriter, f archiveFile) {
	if f.name != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+f.name+`"`)
	}
	w.Header().Set("Content-Type", f.contentType)
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.Write(f.body)
}

type archiveHandler func(w http.ResponseWriter, r *http.Request, code string, rows []store.Stored) error

// withLog loads a room's log for next: 404 for an unknown room, 403 without
// the moderator key when moderator is set.
func (h *Hub) withLog(moderator bool, next archiveHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code := normalizeCode(r.PathValue("code"))
		if code == "" {
			h.httpError(w, ErrNoRoom)
			return
		}
		rec, err := h.store.Room(r.Context(), code)
		if errors.Is(err, store.ErrNotFound) {
			h.httpError(w, ErrNoRoom)
			return
		}
		if err != nil {
			h.httpError(w, err)
			return
		}
		if moderator && !checkKey(r.Header.Get(keyHeader), rec.KeyHash) {
			writeError(w, http.StatusForbidden, "bad_key", "this download needs the moderator key in the "+keyHeader+" header")
			return
		}
		rows, err := h.store.Load(r.Context(), code)
		if err != nil {
			h.httpError(w, err)
			return
		}
		err = store.VerifyChain(rows)
		if err == nil {
			err = next(w, r, code, rows)
		}
		if err != nil {
			// The log's chain is broken or it does not replay: the store
			// is damaged. Say so rather than publish a wrong record.
			h.logger.Error("archive", "room", code, "err", err)
			writeError(w, http.StatusInternalServerError, "internal", "the meeting's log does not verify")
		}
	}
}

func sendFile(w http.ResponseWriter, contentType, name string, b []byte) {
	sendArchive(w, archiveFile{contentType: contentType, name: name, body: b})
}
