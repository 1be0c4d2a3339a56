package hub

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tribune-hub/tribune/hub/archive"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
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
	mux.HandleFunc("GET /api/rooms/{code}/report", h.publicArchive("report", func(r *http.Request, code string, rows []store.Stored) (archiveFile, error) {
		rep, err := archive.Build(rows)
		if err != nil {
			return archiveFile{}, err
		}
		b, err := json.Marshal(rep)
		return archiveFile{contentType: "application/json", body: b}, err
	}))
	mux.HandleFunc("GET /api/rooms/{code}/opendata.zip", h.publicArchive("opendata", h.dataZip(archive.OpenData)))
	mux.HandleFunc("GET /api/rooms/{code}/data.zip", h.withLog(true, h.dataZip(archive.Full)))
	mux.HandleFunc("GET /api/rooms/{code}/log.json", h.withLog(true, func(r *http.Request, code string, rows []store.Stored) (archiveFile, error) {
		var b bytes.Buffer
		err := archive.WriteLog(&b, rows)
		return archiveFile{contentType: "application/json", name: "tribune-" + code + "-log.json", body: b.Bytes()}, err
	}))
}

// archiveBuild makes one output from a room's verified log.
type archiveBuild func(r *http.Request, code string, rows []store.Stored) (archiveFile, error)

// excel reports whether r asks for the spreadsheet copies (?excel=1).
func excel(r *http.Request) bool { return r.URL.Query().Get("excel") == "1" }

func (h *Hub) dataZip(v archive.Variant) archiveBuild {
	return func(r *http.Request, code string, rows []store.Stored) (archiveFile, error) {
		files, err := archive.Package(rows, v, archive.Options{Excel: excel(r), Now: h.now})
		if err != nil {
			return archiveFile{}, err
		}
		var b bytes.Buffer
		err = archive.WriteZip(&b, files)
		return archiveFile{contentType: "application/zip", name: "tribune-" + code + "-" + v.String() + ".zip", body: b.Bytes()}, err
	}
}

// verifiedLog reads room code's log and checks its hash chain. A log that
// does not verify is errDamaged.
func (h *Hub) verifiedLog(ctx context.Context, code string) ([]store.Stored, error) {
	rows, err := h.store.Load(ctx, code)
	if err != nil {
		return nil, err
	}
	if err := store.VerifyChain(rows); err != nil {
		return nil, fmt.Errorf("%w: %w", errDamaged, err)
	}
	return rows, nil
}

// buildVerified is build on room code's verified log; a log that does not
// replay is errDamaged too.
func (h *Hub) buildVerified(ctx context.Context, r *http.Request, code string, build archiveBuild) (archiveFile, error) {
	rows, err := h.verifiedLog(ctx, code)
	if err != nil {
		return archiveFile{}, err
	}
	f, err := build(r, code, rows)
	if err != nil {
		return archiveFile{}, fmt.Errorf("%w: %w", errDamaged, err)
	}
	return f, nil
}

// archiveFailed answers a failed archive read: a damaged log says so
// rather than publish a wrong record; any other failure (the store
// closing, a primary away) answers as any read does.
func (h *Hub) archiveFailed(w http.ResponseWriter, code string, err error) {
	w.Header().Del("ETag")
	if errors.Is(err, errDamaged) {
		h.logger.Error("archive", "room", code, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "the meeting's log does not verify")
		return
	}
	h.httpError(w, err)
}

// publicArchive serves an output anyone may read, named name (plus
// "-excel" for the spreadsheet copies), from the cache while the log's head
// is unchanged. An edge asks the primary for the head and keeps its own
// cache; without a head it builds every time.
func (h *Hub) publicArchive(name string, build archiveBuild) http.HandlerFunc {
	uncached := h.withLog(false, build)
	return func(w http.ResponseWriter, r *http.Request) {
		code := normalizeCode(r.PathValue("code"))
		if code == "" {
			h.httpError(w, ErrNoRoom)
			return
		}
		seq, hash, err := h.store.Head(r.Context(), code)
		if errors.Is(err, store.ErrNotFound) {
			h.httpError(w, ErrNoRoom)
			return
		}
		if err != nil {
			uncached(w, r) // says why if the log cannot be read either
			return
		}
		kind := name
		if excel(r) {
			kind += "-excel"
		}
		head := fmt.Sprintf("%d-%x", seq, hash[:8])
		w.Header().Set("Cache-Control", "no-cache")
		if notModified(w, r, `"`+kind+"-"+head+`"`) {
			return
		}
		f, built, err := h.archives.get(archiveKey{code, kind}, head, func() (archiveFile, error) {
			// Shared by every request waiting for it: not bound to the
			// first one's connection.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), archiveBuildTimeout)
			defer cancel()
			return h.buildVerified(ctx, r, code, build)
		})
		if built {
			h.metrics.archiveBuilds.WithLabelValues(name).Inc()
		}
		if err != nil {
			h.archiveFailed(w, code, err)
			return
		}
		sendArchive(w, f)
	}
}

// notModified sets etag on w and, when r holds it already, answers 304.
func notModified(w http.ResponseWriter, r *http.Request, etag string) bool {
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") != etag {
		return false
	}
	w.WriteHeader(http.StatusNotModified)
	return true
}

// errDamaged: the stored log does not verify, or does not replay.
var errDamaged = errors.New("hub: the stored log does not verify")

// archiveSeat says why key, which is not the organiser's, may not
// download the moderators' archive of room code, or "" if it may: the key
// of a seat of the team that is not revoked and whose scope sees
// everything, ScopeAll or ScopeBackstage (a download reads and acts on
// nothing). A questions-only seat may not: its scope is the questions,
// not the meeting's record. The seats come from the log, as the
// downloads do, so that a meeting that ended and is no longer loaded
// answers the same.
func (h *Hub) archiveSeat(ctx context.Context, code, key string) string {
	const need = "this download needs the organiser's key, or a moderator link whose scope is everything or backstage, in the " + keyHeader + " header"
	if key == "" {
		return need
	}
	rows, err := h.store.Load(ctx, code) // the download that follows verifies the chain
	if err != nil {
		return need
	}
	var seats []room.SeatKey // in id order: seat n is seats[n-1]
	for _, row := range rows {
		switch ev := row.Event; ev.Op {
		case room.OpTeamAdd:
			sum, _ := hex.DecodeString(ev.KeyHash)
			seats = append(seats, room.SeatKey{ID: ev.Seat, KeyHash: sum, Scope: ev.Scope})
		case room.OpTeamRevoke:
			if n := int(ev.Seat); n >= 1 && n <= len(seats) {
				seats[n-1].Revoked = true
			}
		}
	}
	found := matchSeat(hashKey(key), seats)
	switch {
	case found.ID == 0:
		return need
	case found.Revoked:
		return "this moderator link was revoked"
	case found.Scope == room.ScopeQuestions:
		return "a moderator link limited to questions may not download the moderators' log: ask the organiser"
	}
	return ""
}

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

// withLog serves build's output from room code's verified log: 404 for an
// unknown room, 403 without the moderator key when moderator is set.
func (h *Hub) withLog(moderator bool, build archiveBuild) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		code := normalizeCode(r.PathValue("code"))
		if code == "" {
			h.httpError(w, ErrNoRoom)
			return
		}
		rec, err := h.store.Room(r.Context(), code)
		if err != nil {
			h.httpError(w, err) // 404 for an unknown room
			return
		}
		if moderator && !checkKey(r.Header.Get(keyHeader), rec.KeyHash) {
			if msg := h.archiveSeat(r.Context(), code, r.Header.Get(keyHeader)); msg != "" {
				writeError(w, http.StatusForbidden, "bad_key", msg)
				return
			}
		}
		f, err := h.buildVerified(r.Context(), r, code, build)
		if err != nil {
			h.archiveFailed(w, code, err)
			return
		}
		sendArchive(w, f)
	}
}
