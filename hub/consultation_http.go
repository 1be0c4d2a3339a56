package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// consultationRoutes registers the consultation API (PROTOCOL.md,
// "Consultations"). Bodies are bounded and decoded strictly, as POST
// /api/rooms's; every error is {"error":{"code","message","op"}}, op
// naming the command or endpoint it answers. The organiser key comes as
// "Authorization: Bearer <key>".
//
//	POST /api/consultations                  create (rate limited with meetings)
//	GET  /api/consultations/{id}             the public view, or the organiser's with the key
//	POST /api/consultations/{id}/commands    one consultation.Command (organiser)
//	POST /api/consultations/{id}/steps       create a step meeting, or attach one (organiser)
//	POST /api/consultations/{id}/carry       carry questions on (organiser)
//	GET  /api/consultations/{id}/trace       what became of a question
//	POST /api/consultations/{id}/mine        a participant's questions, from their tokens
func (h *Hub) consultationRoutes(mux *http.ServeMux) {
	for _, rt := range h.consultationAPI() {
		mux.HandleFunc(rt.pattern, h.onPrimary(rt.op, rt.serve))
	}
}

type route struct {
	pattern, op string
	serve       http.HandlerFunc
}

func (h *Hub) consultationAPI() []route {
	return []route{
		{"POST /api/consultations", "consultation.create", h.createConsultation},
		{"GET /api/consultations/{id}", "consultation.view", h.consultationView},
		{"POST /api/consultations/{id}/commands", "consultation.command", h.consultationCommand},
		{"POST /api/consultations/{id}/steps", "step.add", h.consultationStep},
		{"POST /api/consultations/{id}/carry", "question.carry", h.consultationCarry},
		{"GET /api/consultations/{id}/trace", opTrace, h.replaying(opTrace, h.consultationTrace)},
		{"POST /api/consultations/{id}/mine", "consultation.mine", h.replaying("consultation.mine", h.consultationMine)},
	}
}

// onPrimary is next where the backend has the book; elsewhere (an edge)
// the backend passes the request on to the node that has it
// (consultation_forward.go).
func (h *Hub) onPrimary(op string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := h.consultationStore(); err != nil {
			h.forward(w, r, op)
			return
		}
		next(w, r)
	}
}

// Replays of step meetings' logs (trace, mine): a burst, then a rate,
// server-wide (Hub.replays).
const (
	replayRate  = 20
	replayBurst = 60
)

// replaying is next within the server's rate of requests that replay
// meetings' logs; past it, op is refused rate_limited with Retry-After.
func (h *Hub) replaying(op string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.replays.Allow() {
			w.Header().Set("Retry-After", "2")
			h.consultationError(w, op, errReplays)
			return
		}
		next(w, r)
	}
}

// Errors of the consultation API besides the domain's.
var (
	errNoKey    = errors.New("hub: the organiser key is missing (Authorization: Bearer <key>)")
	errWrongKey = errors.New("hub: invalid organiser key")
	errTooLarge = fmt.Errorf("%w: the request is larger than %d bytes", ErrBadMessage, maxCreateBody)
	errLimited  = errors.New("hub: too many created just now, try again in a few seconds")
	errReplays  = errors.New("hub: too many traces asked for just now, try again in a few seconds")
)

// consultationErrors maps errors to a status and code, the first that
// matches; what none matches goes through errorCode (the protocol's codes).
var consultationErrors = []struct {
	err    error
	status int
	code   string
}{
	{errPrimaryOnly, http.StatusServiceUnavailable, "unavailable"},
	{errNoConsultation, http.StatusNotFound, "no_consultation"},
	{ErrNoRoom, http.StatusNotFound, "no_room"},
	{errNoKey, http.StatusUnauthorized, "bad_key"},
	{errWrongKey, http.StatusForbidden, "bad_key"},
	{ErrBadKey, http.StatusForbidden, "bad_key"},
	{errTooLarge, http.StatusRequestEntityTooLarge, "too_long"},
	{errLimited, http.StatusTooManyRequests, "rate_limited"},
	{errReplays, http.StatusTooManyRequests, "rate_limited"},
	{consultation.ErrNoStep, http.StatusBadRequest, "no_step"},
	{consultation.ErrNoProposal, http.StatusBadRequest, "no_proposal"},
	{consultation.ErrNoCommitment, http.StatusBadRequest, "no_commitment"},
}

type opError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Op      string `json:"op"`
	} `json:"error"`
}

// consultationError answers err for op: the status and code of the
// error, its message (but for failures of the server, which are logged).
func (h *Hub) consultationError(w http.ResponseWriter, op string, err error) {
	status, code := 0, ""
	for _, e := range consultationErrors {
		if errors.Is(err, e.err) {
			status, code = e.status, e.code
			break
		}
	}
	if status == 0 {
		var retry bool
		code, retry = errorCode(err)
		switch {
		case code == codeInternal:
			status = http.StatusInternalServerError
		case retry:
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "2")
		case code == "forbidden":
			status = http.StatusForbidden
		case code == "state" || code == "already" || code == "ended":
			status = http.StatusConflict
		case (code == "no_question" || code == "no_idea") && op == opTrace:
			status = http.StatusNotFound
		default:
			status = http.StatusBadRequest
		}
	}
	msg := err.Error()
	if status == http.StatusInternalServerError {
		h.logger.Error("consultation request failed", "op", op, "err", err)
		msg = "internal error"
	}
	if code == "rate_limited" {
		w.Header().Set("Retry-After", "5")
	}
	var e opError
	e.Error.Code, e.Error.Message, e.Error.Op = code, msg, op
	writeJSON(w, status, e)
}

// readStrict reads a bounded body into v, strictly: unknown fields and
// trailing data are refused.
func readStrict(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCreateBody+1))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadMessage, err)
	}
	if len(body) > maxCreateBody {
		return errTooLarge
	}
	return decodeStrict(body, v)
}

// bearer returns the key of an "Authorization: Bearer <key>" header, or "".
func bearer(r *http.Request) string {
	a := r.Header.Get("Authorization")
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

// organiserOf checks the request's organiser key against hc's.
func organiserOf(r *http.Request, hc *hubConsultation) error {
	key := bearer(r)
	switch {
	case key == "":
		return errNoKey
	case !checkKey(key, hc.keyHash):
		return errWrongKey
	}
	return nil
}

// consultationID is the {id} of the request, normalised; "" for
// something that cannot be an id.
func consultationID(r *http.Request) string { return normalizeCode(r.PathValue("id")) }

// createConsultationRequest is the body of POST /api/consultations.
type createConsultationRequest struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Opens       string `json:"opens"`
	Closes      string `json:"closes"`
}

// ConsultationLinks are the addresses of a consultation's pages.
type ConsultationLinks struct {
	Public    string `json:"public"`
	Organiser string `json:"organiser"`
}

type createConsultationResponse struct {
	ID    string            `json:"id"`
	Key   string            `json:"key"`
	Links ConsultationLinks `json:"links"`
}

func (h *Hub) createConsultation(w http.ResponseWriter, r *http.Request) {
	const op = "consultation.create"
	st, err := h.consultationStore()
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	if h.draining.Load() {
		h.consultationError(w, op, ErrClosing)
		return
	}
	if !h.creations.Allow() {
		h.consultationError(w, op, errLimited)
		return
	}
	var req createConsultationRequest
	if err := readStrict(r, &req); err != nil {
		h.consultationError(w, op, err)
		return
	}
	key := newKey()
	now := h.now()
	for attempt := 0; ; attempt++ {
		id := newCode()
		ev, err := consultation.New().Decide(systemActs, now.UnixMilli(), consultation.Command{
			Op: consultation.OpCreate, ID: id, Title: req.Title, Text: req.Description, Opens: req.Opens, Closes: req.Closes,
		})
		if err != nil {
			h.consultationError(w, op, err)
			return
		}
		err = st.CreateConsultation(r.Context(), store.ConsultationRecord{ID: id, KeyHash: hashKey(key), CreatedAt: now}, ev)
		if errors.Is(err, store.ErrExists) && attempt < 5 {
			continue
		}
		if err != nil {
			h.consultationError(w, op, err)
			return
		}
		h.logger.Info("consultation created", "consultation", id)
		b := h.base(r)
		writeJSON(w, http.StatusCreated, createConsultationResponse{ID: id, Key: key, Links: ConsultationLinks{
			Public:    b + "/c/" + id,
			Organiser: b + "/c/" + id + "/organise#key=" + key,
		}})
		return
	}
}

// StepLinks are the pages of a step meeting, as paths.
type StepLinks struct {
	Participant string `json:"participant"`
	Report      string `json:"report"`
}

// StepInfo is a step meeting as the consultation pages link to it.
type StepInfo struct {
	Code   string                  `json:"code"`
	Title  string                  `json:"title"`
	Status consultation.StepStatus `json:"status"`
	Links  StepLinks               `json:"links"`
}

// consultationResponse is GET /api/consultations/{id}.
type consultationResponse struct {
	Seq       uint64            `json:"seq"`
	View      consultation.View `json:"view"`
	Organiser bool              `json:"organiser,omitempty"`
	Steps     []StepInfo        `json:"steps"`
}

func (h *Hub) consultationView(w http.ResponseWriter, r *http.Request) {
	const op = "consultation.view"
	var resp consultationResponse
	err := h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		role := consultation.Public
		if bearer(r) != "" {
			if err := organiserOf(r, hc); err != nil {
				return err
			}
			role = consultation.Organiser
		}
		if err := h.syncSteps(r.Context(), st, hc); err != nil {
			return err
		}
		v := hc.c.View(role)
		resp = consultationResponse{Seq: v.Seq, View: v, Organiser: role == consultation.Organiser, Steps: make([]StepInfo, 0, len(v.Steps))}
		for _, s := range v.Steps {
			resp.Steps = append(resp.Steps, StepInfo{Code: s.Code, Title: s.Title, Status: s.Status,
				Links: StepLinks{Participant: "/j/" + s.Code, Report: "/r/" + s.Code}})
		}
		return nil
	})
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// maxOpName bounds the op an error names: a longer one is no op, and is
// not echoed whole.
const maxOpName = 64

// commandResponse is what an accepted command gives: its seq, and the id
// it assigned, if any.
type commandResponse struct {
	Seq        uint64 `json:"seq"`
	Proposal   string `json:"proposal,omitempty"`
	Commitment string `json:"commitment,omitempty"`
	Thread     string `json:"thread,omitempty"`
}

func (h *Hub) consultationCommand(w http.ResponseWriter, r *http.Request) {
	op := "consultation.command"
	var cmd consultation.Command
	if err := readStrict(r, &cmd); err != nil {
		h.consultationError(w, op, err)
		return
	}
	if cmd.Op != "" && len(cmd.Op) <= maxOpName {
		op = string(cmd.Op)
	}
	var resp commandResponse
	err := h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		if err := organiserOf(r, hc); err != nil {
			return err
		}
		switch cmd.Op {
		case consultation.OpStepAdd:
			return fmt.Errorf("%w: a step meeting is added with POST /api/consultations/%s/steps, which creates or attaches the meeting", room.ErrInvalid, hc.id)
		case consultation.OpCarry:
			return fmt.Errorf("%w: questions are carried with POST /api/consultations/%s/carry, which writes the meetings' logs too", room.ErrInvalid, hc.id)
		case consultation.OpProposalCreate, consultation.OpProposalEdit:
			ms := newMeetings(r.Context(), st, &h.cons.replayed)
			err := checkSources(ms, cmd.Sources)
			ms.close()
			if err != nil {
				return err
			}
		}
		if err := h.syncSteps(r.Context(), st, hc); err != nil {
			return err
		}
		ev, err := h.act(r.Context(), st, hc, organiser, cmd)
		if err != nil {
			return err
		}
		resp = commandResponse{Seq: ev.Seq, Proposal: ev.Proposal, Commitment: ev.Commitment, Thread: ev.Thread}
		return nil
	})
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// checkSources checks that what a proposal cites exists in its meeting and
// was public there: a question the public sees or saw before it was
// merged or archived, a poll that ran, an agenda step of its agenda, a
// live idea (what CrossCheck checks again; it also accepts an idea merged
// since it was cited, as the public saw it). A question refused or withdrawn since it was
// public is not cited: the public no longer sees it. That the meeting is a
// step of the consultation is the consultation's to check.
func checkSources(ms *meetings, sources []consultation.Source) error {
	for i, s := range sources {
		m, err := ms.get(s.Code)
		if errors.Is(err, ErrNoRoom) {
			continue // not a step, or gone: the consultation says which
		}
		if err != nil {
			return err
		}
		switch s.Kind {
		case consultation.QuestionSource:
			if s.Question < 1 || int(s.Question) > len(m.questions(true)) {
				return fmt.Errorf("source %d: %w: %s has no question %d", i+1, room.ErrNoQuestion, s.Code, s.Question)
			}
			if _, ok := publicQuestion(m, s.Question); !ok {
				return fmt.Errorf("%w: source %d: question %d of %s is not public", room.ErrInvalid, i+1, s.Question, s.Code)
			}
		case consultation.PollSource:
			if !slices.ContainsFunc(m.View(room.Moderator).Polls, func(p room.PollView) bool { return p.ID == s.Poll && p.Status != room.Draft }) {
				return fmt.Errorf("%w: source %d: poll %d of %s did not run", room.ErrInvalid, i+1, s.Poll, s.Code)
			}
		case consultation.OutcomeSource:
			if s.Step >= len(m.View(room.Moderator).Meeting.Agenda) {
				return fmt.Errorf("%w: source %d: %s has %d agenda steps", room.ErrInvalid, i+1, s.Code, len(m.View(room.Moderator).Meeting.Agenda))
			}
		case consultation.IdeaSource:
			x, ok := ideaOf(m, s.Idea)
			if !ok {
				return fmt.Errorf("source %d: %w: %s has no idea %d", i+1, room.ErrNoIdea, s.Code, s.Idea)
			}
			if x.Status != room.Approved {
				return fmt.Errorf("%w: source %d: idea %d of %s is not public (%s)", room.ErrInvalid, i+1, s.Idea, s.Code, x.Status)
			}
		}
	}
	return nil
}

// ideaOf returns idea id of meeting m as its moderators see it.
func ideaOf(m *meeting, id room.IdeaID) (room.IdeaView, bool) {
	for _, x := range m.View(room.Moderator).Ideas {
		if x.ID == id {
			return x, true
		}
	}
	return room.IdeaView{}, false
}

// stepRequest is the body of POST /api/consultations/{id}/steps: a new
// step meeting (Title, Date, and From, a step whose agenda, settings and
// polls it starts from), or an existing meeting to attach (Attach, with
// its ModeratorKey; Title defaults to the meeting's).
type stepRequest struct {
	Title        string `json:"title"`
	Date         string `json:"date"`
	From         string `json:"from"`
	Attach       string `json:"attach"`
	ModeratorKey string `json:"moderatorKey"`
}

type stepResponse struct {
	createResponse
	Seq uint64 `json:"seq"`
}

func (h *Hub) consultationStep(w http.ResponseWriter, r *http.Request) {
	const op = "step.add"
	var req stepRequest
	if err := readStrict(r, &req); err != nil {
		h.consultationError(w, op, err)
		return
	}
	status := http.StatusCreated
	var resp stepResponse
	err := h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		if err := organiserOf(r, hc); err != nil {
			return err
		}
		if req.Attach != "" {
			status = http.StatusOK
			return h.attachStep(r, st, hc, req, &resp)
		}
		if req.ModeratorKey != "" {
			return fmt.Errorf("%w: a moderator key goes with attach", room.ErrInvalid)
		}
		if !h.creations.Allow() {
			return errLimited
		}
		return h.newStep(r, st, hc, req, &resp)
	})
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, status, resp)
}

// newStep creates a step meeting and adds it: the step is checked first,
// so that a refused one creates no meeting.
func (h *Hub) newStep(r *http.Request, st seam.Book, hc *hubConsultation, req stepRequest, resp *stepResponse) error {
	ctx := r.Context()
	var prev *room.View
	if req.From != "" {
		from := normalizeCode(req.From)
		if stepOf(hc.c.View(consultation.Organiser), from) == nil {
			return fmt.Errorf("from: %w: %q", consultation.ErrNoStep, req.From)
		}
		m, err := meetingState(ctx, st, from)
		if err != nil {
			return err
		}
		v := m.View(room.Moderator)
		prev = &v
		if req.Title == "" {
			req.Title = v.Meeting.Title
		}
	}
	key := newKey()
	now := h.now()
	for attempt := 0; ; attempt++ {
		code := newCode()
		add := consultation.Command{Op: consultation.OpStepAdd, Code: code, Title: req.Title, Date: req.Date}
		if _, err := hc.c.Decide(organiser, now.UnixMilli(), add); err != nil {
			return err
		}
		create := room.Command{Op: room.OpCreate, Title: req.Title, Code: code}
		var polls []room.Command
		if prev != nil {
			create, polls = room.NextMeeting(*prev, req.Title, code)
		}
		ev, err := room.New().Decide(room.Actor{Role: room.System}, now.UnixMilli(), create)
		if err != nil {
			return err
		}
		err = st.CreateRoom(ctx, store.RoomRecord{Code: code, KeyHash: hashKey(key), CreatedAt: now, Status: string(room.Scheduled)}, ev)
		if errors.Is(err, store.ErrExists) && attempt < 5 {
			continue
		}
		if err != nil {
			return err
		}
		for _, p := range polls {
			if _, err := h.submitRoom(ctx, code, room.Actor{ID: moderatorID, Role: room.Moderator}, p); err != nil {
				return fmt.Errorf("meeting %s: copy poll: %w", code, err)
			}
		}
		added, err := h.act(ctx, st, hc, organiser, add)
		if err != nil {
			return err
		}
		h.logger.Info("step meeting created", "consultation", hc.id, "room", code)
		*resp = stepResponse{createResponse{Code: code, ModeratorKey: key, Links: h.links(r, code, key)}, added.Seq}
		return nil
	}
}

// attachStep adds an existing meeting as a step: its moderator key proves
// it is the organiser's to add.
func (h *Hub) attachStep(r *http.Request, st seam.Book, hc *hubConsultation, req stepRequest, resp *stepResponse) error {
	ctx := r.Context()
	if req.From != "" {
		return fmt.Errorf("%w: from goes with a new step meeting, not with attach", room.ErrInvalid)
	}
	code := normalizeCode(req.Attach)
	if code == "" {
		return fmt.Errorf("%w: attach: a join code is 4 to 12 of A-Z and 0-9", room.ErrInvalid)
	}
	rec, err := st.Room(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNoRoom, code)
	}
	if err != nil {
		return err
	}
	if !checkKey(req.ModeratorKey, rec.KeyHash) {
		return fmt.Errorf("%w: of meeting %s", ErrBadKey, code)
	}
	title := req.Title
	if title == "" {
		m, err := meetingState(ctx, st, code)
		if err != nil {
			return err
		}
		title = m.Title()
	}
	ev, err := h.act(ctx, st, hc, organiser, consultation.Command{Op: consultation.OpStepAdd, Code: code, Title: title, Date: req.Date})
	if err != nil {
		return err
	}
	// The step may have started or ended already.
	if err := h.syncSteps(ctx, st, hc); err != nil {
		return err
	}
	*resp = stepResponse{createResponse{Code: code, ModeratorKey: req.ModeratorKey, Links: h.links(r, code, req.ModeratorKey)}, ev.Seq}
	return nil
}

// carryResponse is what POST .../carry answers: the questions carried
// now, and those named (or all) that were carried already and skipped.
type carryResponse struct {
	Carried []carried          `json:"carried"`
	Already []consultation.Ref `json:"already"`
}

func (h *Hub) consultationCarry(w http.ResponseWriter, r *http.Request) {
	const op = "question.carry"
	var req carryRequest
	if err := readStrict(r, &req); err != nil {
		h.consultationError(w, op, err)
		return
	}
	req.From, req.To = normalizeCode(req.From), normalizeCode(req.To)
	var resp carryResponse
	err := h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		if err := organiserOf(r, hc); err != nil {
			return err
		}
		var err error
		resp.Carried, resp.Already, err = h.carry(r.Context(), st, hc, req)
		return err
	})
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// traceResponse is consultation.Trace, with each hop's question as the
// public sees it in its meeting (absent where the public does not), and
// what the question became where it was merged into another.
type traceResponse struct {
	consultation.Trace
	Questions []tracedQuestion `json:"questions"`
	// Merged names the questions it was merged into, in the meetings it
	// went through (and those they were merged into...): each is traced on
	// too, its proposals and commitments added to the trace's, and it is
	// in Questions.
	Merged []consultation.Ref `json:"merged,omitempty"`
}

// tracedQuestion is a hop's question in its meeting.
type tracedQuestion struct {
	Code string `json:"code"`
	room.QuestionView
	// Late: answered in writing after the meeting ended. Recording: the
	// meeting's recording at the moment it was answered, when the
	// moderators gave one.
	Late      bool   `json:"late,omitempty"`
	Recording string `json:"recording,omitempty"`
}

// opTrace names the trace endpoint in its errors: an unknown question is
// a 404 there, as the page asked for is.
const opTrace = "consultation.trace"

func (h *Hub) consultationTrace(w http.ResponseWriter, r *http.Request) {
	const op = opTrace
	q := r.URL.Query()
	if q.Has("idea") {
		h.ideaTrace(w, r)
		return
	}
	n, err := strconv.ParseUint(q.Get("question"), 10, 31)
	if err != nil || n == 0 {
		h.consultationError(w, op, fmt.Errorf("%w: question must be a question id", ErrBadMessage))
		return
	}
	ref := consultation.Ref{Code: normalizeCode(q.Get("code")), Question: room.QuestionID(n)}
	var resp traceResponse
	err = h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		var err error
		ms := newMeetings(r.Context(), st, &h.cons.replayed)
		defer ms.close()
		resp, err = trace(hc, ms, ref, true)
		return err
	})
	if errors.Is(err, consultation.ErrNoStep) {
		err = fmt.Errorf("%w: %w", ErrNoRoom, err)
	}
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// ideaTraceResponse is consultation.IdeaTrace, with the idea as the
// public saw it in its meeting.
type ideaTraceResponse struct {
	consultation.IdeaTrace
	Title string `json:"title"`
	Text  string `json:"text,omitempty"`
	Votes int    `json:"votes"`
	// Status is live, or merged (MergedInto, an idea of the same board).
	Status     room.QuestionStatus `json:"status"`
	MergedInto room.IdeaID         `json:"mergedInto,omitempty"`
}

// ideaTrace is GET .../trace?code=CODE&idea=N: what became of an idea of a
// step meeting's ideas board. An idea the public does not see, or never
// saw, is room.ErrNoIdea, as one that does not exist: a live one, or one
// merged into another since a proposal cited it (the hub lets a proposal
// cite live ideas only, checkSources).
func (h *Hub) ideaTrace(w http.ResponseWriter, r *http.Request) {
	const op = opTrace
	q := r.URL.Query()
	n, err := strconv.ParseUint(q.Get("idea"), 10, 31)
	if err != nil || n == 0 {
		h.consultationError(w, op, fmt.Errorf("%w: idea must be an idea id", ErrBadMessage))
		return
	}
	code, id := normalizeCode(q.Get("code")), room.IdeaID(n)
	var resp ideaTraceResponse
	err = h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		t, err := hc.c.TraceIdea(code, id)
		if err != nil {
			return err
		}
		ms := newMeetings(r.Context(), st, &h.cons.replayed)
		defer ms.close()
		m, err := ms.get(code)
		if err != nil {
			return err
		}
		x, ok := ideaOf(m, id)
		if !ok || !(x.Status == room.Approved || x.Status == room.Merged && len(t.Proposals) > 0) {
			return fmt.Errorf("%w: %s has no public idea %d", room.ErrNoIdea, code, id)
		}
		resp = ideaTraceResponse{IdeaTrace: t, Title: x.Title, Text: x.Text, Votes: x.Votes, Status: x.Status, MergedInto: x.MergedInto}
		return nil
	})
	if errors.Is(err, consultation.ErrNoStep) {
		err = fmt.Errorf("%w: %w", ErrNoRoom, err)
	}
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// replayed keeps the step meetings that consultations read, as last
// replayed from the store, by their log's head: a trace, a participant's
// input or a proposal's sources read a meeting's log again only once it
// has changed (an ended meeting's, never). A room.Room is not safe for
// concurrent reads, so a request holds mu while it reads them
// (newMeetings, meetings.close); requests hold their consultation's lock
// first, so the order of locks is always the same.
type replayed struct {
	mu sync.Mutex
	m  map[string]*meeting
}

// maxReplayed bounds the meetings kept replayed.
const maxReplayed = 64

// meetings is the step meetings one request reads, through the hub's
// replayed ones. close must be called once the request is done with them.
type meetings struct {
	ctx   context.Context
	st    seam.Book
	cache *replayed
}

func newMeetings(ctx context.Context, st seam.Book, cache *replayed) *meetings {
	cache.mu.Lock()
	if cache.m == nil {
		cache.m = make(map[string]*meeting)
	}
	return &meetings{ctx: ctx, st: st, cache: cache}
}

func (m *meetings) close() { m.cache.mu.Unlock() }

// get returns meeting code's state (ErrNoRoom when there is none): the one
// kept, while its log's head is the one it was replayed to.
func (m *meetings) get(code string) (*meeting, error) {
	head, _, err := m.st.Head(m.ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNoRoom, code)
	}
	if err != nil {
		return nil, err
	}
	if r, ok := m.cache.m[code]; ok && r.Seq() == head {
		return r, nil
	}
	r, err := meetingState(m.ctx, m.st, code)
	if err != nil {
		return nil, err
	}
	if _, ok := m.cache.m[code]; !ok && len(m.cache.m) >= maxReplayed {
		for other := range m.cache.m {
			delete(m.cache.m, other) // any one: a bound, not a policy
			break
		}
	}
	m.cache.m[code] = r
	return r, nil
}

// maxMerged bounds the merges a trace follows: a question merged into one
// merged into another... stops there.
const maxMerged = 16

// trace is what became of question ref, with each hop's question as the
// public sees it, following merges. With public, a question the public
// never saw where it was asked is room.ErrNoQuestion, as one that does
// not exist.
func trace(hc *hubConsultation, ms *meetings, ref consultation.Ref, public bool) (traceResponse, error) {
	t, err := hc.c.Trace(ref)
	if err != nil {
		return traceResponse{}, err
	}
	resp := traceResponse{Trace: t, Questions: []tracedQuestion{}}
	proposals, commitments := map[string]bool{}, map[string]bool{}
	for _, p := range t.Proposals {
		proposals[p.ID] = true
	}
	for _, c := range t.Commitments {
		commitments[c.ID] = true
	}
	seen := map[consultation.Ref]bool{}
	for i := 0; ; i++ {
		for _, hop := range t.Hops {
			if seen[hop.Ref] {
				continue
			}
			seen[hop.Ref] = true
			m, err := ms.get(hop.Code)
			if errors.Is(err, ErrNoRoom) && hop.Ref != ref {
				continue // deleted after its retention period
			}
			if err != nil {
				return traceResponse{}, err
			}
			q, ok := publicQuestion(m, hop.Question)
			switch {
			case ok:
				late, rec := m.answered(q)
				resp.Questions = append(resp.Questions, tracedQuestion{Code: hop.Code, QuestionView: q, Late: late, Recording: rec})
			case hop.Ref != ref:
				continue
			case public || int(ref.Question) > len(m.questions(true)):
				return traceResponse{}, fmt.Errorf("%w: %s has no public question %d", room.ErrNoQuestion, ref.Code, ref.Question)
			default:
				// Its author's own, never public: not shown, but where it
				// was merged into is theirs to follow.
				q = m.questions(true)[ref.Question-1]
			}
			if into := (consultation.Ref{Code: hop.Code, Question: q.MergedInto}); q.MergedInto != 0 && !seen[into] && !slices.Contains(resp.Merged, into) {
				resp.Merged = append(resp.Merged, into)
			}
		}
		if i >= len(resp.Merged) || i >= maxMerged {
			return resp, nil
		}
		// Trace on from the next question it was merged into.
		if t, err = hc.c.Trace(resp.Merged[i]); err != nil {
			return traceResponse{}, err
		}
		for _, p := range t.Proposals {
			if !proposals[p.ID] {
				proposals[p.ID] = true
				resp.Proposals = append(resp.Proposals, p)
			}
		}
		for _, c := range t.Commitments {
			if !commitments[c.ID] {
				commitments[c.ID] = true
				resp.Commitments = append(resp.Commitments, c)
			}
		}
	}
}

// publicQuestion returns question id of meeting m as the public may see
// it: as participants do; or, archived, or merged into another after they
// saw it, as it was then (its text, where it went), without what only
// moderators see.
func publicQuestion(m *meeting, id room.QuestionID) (room.QuestionView, bool) {
	search := func(qs []room.QuestionView) (room.QuestionView, bool) {
		i, found := slices.BinarySearchFunc(qs, id, func(q room.QuestionView, id room.QuestionID) int { return int(q.ID - id) })
		if !found {
			return room.QuestionView{}, false
		}
		return qs[i], true
	}
	if q, ok := search(m.questions(false)); ok {
		return q, true
	}
	q, ok := search(m.questions(true))
	wasPublic := q.Archived && (q.Status == room.Approved || q.Status == room.Answered) || q.Status == room.Merged && m.everPublic[id]
	if !ok || !wasPublic {
		return room.QuestionView{}, false
	}
	q.Author, q.Reason, q.Note = "", "", ""
	return q, true
}

// mineRequest is the body of POST .../mine: the participant tokens a
// browser holds, by join code.
type mineRequest struct {
	Tokens map[string]string `json:"tokens"`
}

// mineQuestion is one question a participant asked, and where it went.
type mineQuestion struct {
	Code     string              `json:"code"`
	Question room.QuestionID     `json:"question"`
	Text     string              `json:"text"`
	Status   room.QuestionStatus `json:"status"`
	Votes    int                 `json:"votes"`
	Answer   string              `json:"answer,omitempty"`
	Trace    traceResponse       `json:"trace"`
}

type mineResponse struct {
	Questions []mineQuestion `json:"questions"`
	Refused   int            `json:"refused"`
}

// maxTokens bounds the tokens of one /mine request: one per step meeting.
const maxTokens = 100

func (h *Hub) consultationMine(w http.ResponseWriter, r *http.Request) {
	const op = "consultation.mine"
	var req mineRequest
	if err := readStrict(r, &req); err != nil {
		h.consultationError(w, op, err)
		return
	}
	if len(req.Tokens) > maxTokens {
		h.consultationError(w, op, fmt.Errorf("%w: at most %d tokens", ErrBadMessage, maxTokens))
		return
	}
	resp := mineResponse{Questions: []mineQuestion{}}
	err := h.withConsultation(r.Context(), consultationID(r), func(st seam.Book, hc *hubConsultation) error {
		now := h.now()
		ms := newMeetings(r.Context(), st, &h.cons.replayed)
		defer ms.close()
		for _, s := range hc.c.View(consultation.Public).Steps {
			token, ok := req.Tokens[s.Code]
			if !ok {
				continue
			}
			participant, err := h.signer.check(token, s.Code, now)
			if err != nil {
				resp.Refused++
				continue
			}
			m, err := ms.get(s.Code)
			if errors.Is(err, ErrNoRoom) {
				continue
			}
			if err != nil {
				return err
			}
			for _, q := range m.Mine(participant).Questions {
				t, err := trace(hc, ms, consultation.Ref{Code: s.Code, Question: q.ID}, false)
				if err != nil {
					return err
				}
				resp.Questions = append(resp.Questions, mineQuestion{Code: s.Code, Question: q.ID, Text: q.Text,
					Status: q.Status, Votes: q.Votes, Answer: q.Answer, Trace: t})
			}
		}
		// Tokens for meetings that are not steps of this consultation.
		for code := range req.Tokens {
			if stepOf(hc.c.View(consultation.Public), code) == nil {
				resp.Refused++
			}
		}
		return nil
	})
	if err != nil {
		h.consultationError(w, op, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
