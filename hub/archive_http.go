package hub

import (
	"bytes"
	"errors"
	"net/http"

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
func (h *Hub) archiveRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/rooms/{code}/report", h.withLog(false, func(w http.ResponseWriter, r *http.Request, code string, rows []store.Stored) error {
		rep, err := archive.Build(rows)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, rep)
		return nil
	}))
	mux.HandleFunc("GET /api/rooms/{code}/opendata.zip", h.withLog(false, h.dataZip(archive.OpenData)))
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
		files, err := archive.Package(rows, v, archive.Options{Excel: r.URL.Query().Get("excel") == "1", Now: h.now})
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := archive.WriteZip(&b, files); err != nil {
			return err
		}
		sendFile(w, "application/zip", "tribune-"+code+"-"+v.String()+".zip", b.Bytes())
		return nil
	}
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
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}
