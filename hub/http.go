package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/time/rate"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
)

// contentSecurityPolicy forbids inline script and any third-party origin:
// pages work in a venue with no internet, and text typed by people can
// never run as code.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

// pages maps page routes to the embedded files that serve them.
var pages = map[string]string{
	"GET /{$}":      "home.html",
	"GET /j/{code}": "participant.html",
	"GET /m/{code}": "moderator.html",
	"GET /s/{code}": "screen.html",
	"GET /o/{code}": "overlay.html",
	"GET /r/{code}": "report.html",
	"GET /about":    "about.html",
	// A consultation: its public page, a question's trace, the organiser's
	// page (the key in the fragment, never sent).
	"GET /c/{id}":          "consultation.html",
	"GET /c/{id}/trace":    "trace.html",
	"GET /c/{id}/organise": "organise.html",
}

// Handler returns the hub's HTTP handler: pages, API, WebSocket and
// operations endpoints, on its own mux.
func (h *Hub) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/rooms", h.createRoom)
	mux.HandleFunc("GET /api/rooms/{code}", h.roomInfo)
	mux.HandleFunc("GET /api/about", h.about)
	mux.HandleFunc("GET /api/addresses", h.addresses)
	mux.HandleFunc("GET /qr/{file}", h.qr)
	mux.HandleFunc("POST /api/rooms/{code}/link-qr", h.linkQR)
	mux.HandleFunc("POST /api/rooms/{code}/cards", h.issueCards) // cards.go
	mux.HandleFunc("POST /api/rooms/{code}/cards.pdf", h.cardsPDF)
	mux.HandleFunc("GET /ws/{code}", h.serveWS)
	mux.HandleFunc("GET /api/rooms/{code}/duplicates", h.duplicates)
	mux.HandleFunc("GET /api/rooms/{code}/events", h.serveEvents)
	h.archiveRoutes(mux)
	h.consultationRoutes(mux) // consultation_http.go
	health := h.cfg.Build.health()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(health)
	})
	mux.HandleFunc("GET /readyz", h.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(h.registry, promhttp.HandlerOpts{}))
	if h.cfg.Assets != nil {
		mux.HandleFunc("GET /assets/", h.serveAsset)
		for pattern, file := range pages {
			mux.HandleFunc(pattern, h.page(file))
		}
	}
	return securityHeaders(mux)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (h *Hub) page(file string) http.HandlerFunc {
	if file == "participant.html" {
		return h.participantPage // its policy depends on the meeting: csp.go
	}
	return func(w http.ResponseWriter, r *http.Request) {
		x, ok := h.asset(file)
		if !ok {
			http.NotFound(w, r)
			return
		}
		x.serve(w, r)
	}
}

func (h *Hub) readyz(w http.ResponseWriter, r *http.Request) {
	if h.draining.Load() {
		http.Error(w, "draining", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// createRequest is the body of POST /api/rooms.
type createRequest struct {
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Steps       []string       `json:"steps"`
	Settings    *room.Settings `json:"settings"`
}

// Links are the addresses of a meeting's pages.
type Links struct {
	Participant string `json:"participant"`
	Moderator   string `json:"moderator"`
	Screen      string `json:"screen"`
	Report      string `json:"report"`
}

type createResponse struct {
	Code         string `json:"code"`
	ModeratorKey string `json:"moderatorKey"`
	Links        Links  `json:"links"`
}

// maxCreateBody bounds POST /api/rooms.
const maxCreateBody = 64 << 10

// Meetings created per second, server-wide, and the burst allowed: a
// conference creating its sessions in a row fits; a script filling the
// database does not.
var creationRate, creationBurst = rate.Limit(1), 30

func (h *Hub) createRoom(w http.ResponseWriter, r *http.Request) {
	if h.draining.Load() {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "shutting down")
		return
	}
	if !h.creations.Allow() {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many meetings created just now, try again in a few seconds")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCreateBody+1))
	if err == nil && len(body) > maxCreateBody {
		writeError(w, http.StatusRequestEntityTooLarge, "too_long", fmt.Sprintf("the request is larger than %d bytes", maxCreateBody))
		return
	}
	var req createRequest
	if err := decodeStrict(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "bad_message", err.Error())
		return
	}
	key := newKey()
	now := h.now()
	for attempt := 0; ; attempt++ {
		code := newCode()
		ev, err := room.New().Decide(room.Actor{Role: room.System}, now.UnixMilli(), room.Command{
			Op: room.OpCreate, Title: req.Title, Text: req.Description, Code: code, Steps: req.Steps, Settings: req.Settings,
		})
		if err != nil {
			c, _ := errorCode(err)
			writeError(w, http.StatusBadRequest, c, err.Error())
			return
		}
		err = h.store.CreateRoom(r.Context(), store.RoomRecord{Code: code, KeyHash: hashKey(key), CreatedAt: now, Status: string(room.Scheduled)}, ev)
		if errors.Is(err, store.ErrExists) && attempt < 5 {
			continue
		}
		if err != nil {
			h.logger.Error("create room", "err", err)
			writeError(w, http.StatusInternalServerError, "internal", "could not create the meeting")
			return
		}
		h.logger.Info("room created", "room", code)
		writeJSON(w, http.StatusCreated, createResponse{Code: code, ModeratorKey: key, Links: h.links(r, code, key)})
		return
	}
}

// base is the public address of this server, from Config.PublicURL or the
// request (as a trusted proxy forwarded it: proxy.go).
func (h *Hub) base(r *http.Request) string {
	if b, ok := r.Context().Value(baseKey{}).(string); ok && b != "" {
		return b // forwarded by another node (consultation_forward.go)
	}
	if h.cfg.PublicURL != "" {
		return strings.TrimRight(h.cfg.PublicURL, "/")
	}
	return requestScheme(r) + "://" + r.Host
}

func (h *Hub) links(r *http.Request, code, key string) Links {
	b := h.base(r)
	return Links{
		Participant: b + "/j/" + code,
		Moderator:   b + "/m/" + code + "#key=" + key,
		Screen:      b + "/s/" + code,
		Report:      b + "/r/" + code,
	}
}

type roomInfo struct {
	Code   string      `json:"code"`
	Title  string      `json:"title"`
	Status room.Status `json:"status"`
}

func (h *Hub) roomInfo(w http.ResponseWriter, r *http.Request) {
	hr, err := h.room(r.Context(), normalizeCode(r.PathValue("code")))
	if err != nil {
		h.httpError(w, err)
		return
	}
	v := hr.fan.info()
	writeJSON(w, http.StatusOK, roomInfo{Code: hr.code, Title: v.Title, Status: v.Status})
}

// aboutInfo is what /about shows that depends on the server: the contact,
// and how many days meetings are kept after they end (0: no limit set).
type aboutInfo struct {
	Contact       string `json:"contact"`
	RetentionDays int    `json:"retentionDays"`
	// FrameAncestors are the sites that may embed the participant page
	// (csp.go): the moderator's dashboard offers a snippet when there are.
	FrameAncestors []string `json:"frameAncestors,omitempty"`
}

func (h *Hub) about(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, aboutInfo{Contact: h.cfg.Contact, RetentionDays: int(h.cfg.Retention / (24 * time.Hour)), FrameAncestors: h.cfg.FrameAncestors})
}

// qr serves /qr/{code}.svg and /qr/{code}.png: the participant link, or
// with ?for=report the report's (the big screen shows it once the meeting
// has ended).
func (h *Hub) qr(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	name, ext, _ := strings.Cut(file, ".")
	hr, err := h.room(r.Context(), normalizeCode(name))
	if err != nil {
		h.httpError(w, err)
		return
	}
	page := "/j/"
	if r.URL.Query().Get("for") == "report" {
		page = "/r/"
	}
	q, err := qrcode.New(h.qrBase(r)+page+hr.code, qrcode.Medium)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal", "qr code")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	switch ext {
	case "svg":
		w.Header().Set("Content-Type", "image/svg+xml")
		io.WriteString(w, qrSVG(q.Bitmap()))
	case "png":
		b, err := q.PNG(512)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal", "qr code")
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(b)
	default:
		writeError(w, http.StatusNotFound, "not_found", "use .svg or .png")
	}
}

// qrSVG draws a QR bitmap (quiet zone included) as one SVG path, black on
// white so that it scans on any theme.
func qrSVG(bits [][]bool) string {
	n := len(bits)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x := 0; x < len(row); x++ {
			if !row[x] {
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

// httpError maps hub errors to statuses.
func (h *Hub) httpError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrNoRoom), errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "no_room", "no meeting has this code")
	case errors.Is(err, ErrClosing), errors.Is(err, context.Canceled), errors.Is(err, store.ErrClosed):
		writeError(w, http.StatusServiceUnavailable, "unavailable", "shutting down")
	case errors.Is(err, ErrUpstream), errors.Is(err, ErrUnavailable):
		// An edge that cannot reach the primary: retry, here or elsewhere.
		w.Header().Set("Retry-After", "2")
		writeError(w, http.StatusServiceUnavailable, "unavailable", err.Error())
	default:
		h.logger.Error("request failed", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	var e apiError
	e.Error.Code, e.Error.Message = code, msg
	writeJSON(w, status, e)
}

// ReadHeaderTimeout is the value cmd/tribune gives http.Server: slow-header
// clients cannot hold connections open.
const ReadHeaderTimeout = 10 * time.Second
