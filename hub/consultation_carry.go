package hub

import (
	"context"
	"fmt"
	"slices"

	"github.com/tribune-hub/tribune/hub/seam"
	"github.com/tribune-hub/tribune/room"
	"github.com/tribune-hub/tribune/room/consultation"
)

// A carry takes questions of step meeting A to a later step meeting B. It
// is an event in three logs (room/consultation's doc, "Links between
// logs"), written in this order for each question:
//
//  1. the consultation decides the carry, with the id B will give (one
//     past its last question), without writing it: a carry it would
//     refuse touches no meeting;
//  2. B imports the question (room.OpImport, System), which gives its id
//     there and records where it comes from (QuestionView.From);
//  3. A records where it went (room.OpCarry, System; the room fills in
//     the votes it had);
//  4. the consultation records the carry (OpCarry) with the id B gave.
//
// Each step is skipped when its log already holds it, so that a carry
// retried after a failure, or after a crash in between, completes what
// was started and duplicates nothing: B's question whose From names A's
// is the one imported, A's CarriedTo says whether A recorded it, and the
// consultation's carries whether it did.
//
// The votes are the question's in A when the carry is decided. A carry
// from a meeting still live can race an upvote between steps 2 and 3;
// then A's count is kept in the consultation, and CrossCheck reports B's
// as a mismatch. Carry once A has ended (upvotes are closed then) to rule
// that out.

// carried is one question carried.
type carried struct {
	From   consultation.Ref `json:"from"`
	To     consultation.Ref `json:"to"`
	Thread string           `json:"thread"`
}

// carryRequest is what the organiser asks: questions of from, or all of
// its live questions not answered and not carried yet.
type carryRequest struct {
	From      string            `json:"from"`
	To        string            `json:"to"`
	Questions []room.QuestionID `json:"questions"`
	All       bool              `json:"all"`
}

// maxCarry bounds the questions of one carry request.
const maxCarry = 1000

// carry carries the questions req names. Called with hc.mu held. It
// returns the questions carried now, and those the consultation had
// carried already (skipped). Every question is checked before anything is
// written: a request that names one that cannot be carried changes
// nothing.
func (h *Hub) carry(ctx context.Context, st seam.Book, hc *hubConsultation, req carryRequest) (done []carried, already []consultation.Ref, err error) {
	done, already = []carried{}, []consultation.Ref{}
	switch {
	case req.All == (len(req.Questions) > 0):
		return nil, nil, fmt.Errorf("%w: name the questions, or say all", room.ErrInvalid)
	case len(req.Questions) > maxCarry:
		return nil, nil, fmt.Errorf("%w: at most %d questions at once", room.ErrInvalid, maxCarry)
	}
	if err := h.syncSteps(ctx, st, hc); err != nil {
		return nil, nil, err
	}
	v := hc.c.View(consultation.Organiser)
	from, to := stepOf(v, req.From), stepOf(v, req.To)
	switch {
	case from == nil:
		return nil, nil, fmt.Errorf("from: %w: %q", consultation.ErrNoStep, req.From)
	case to == nil:
		return nil, nil, fmt.Errorf("to: %w: %q", consultation.ErrNoStep, req.To)
	case to.Index <= from.Index:
		return nil, nil, fmt.Errorf("%w: a question is carried to a later step meeting", room.ErrInvalid)
	case to.Status == consultation.Ended:
		return nil, nil, fmt.Errorf("%w: step meeting %s has ended", room.ErrState, to.Code)
	}
	a, err := meetingState(ctx, st, from.Code)
	if err != nil {
		return nil, nil, err
	}
	qs, err := chooseCarried(a.View(room.Moderator).Questions, hc.id, to.Code, req)
	if err != nil {
		return nil, nil, err
	}
	for _, q := range qs {
		ref := consultation.Ref{Code: from.Code, Question: q.ID}
		if slices.ContainsFunc(v.Carried, func(x consultation.CarryView) bool { return x.From == ref }) {
			already = append(already, ref)
			continue
		}
		c, err := h.carryOne(ctx, st, hc, q, from, to)
		if err != nil {
			return done, already, fmt.Errorf("question %d: %w", q.ID, err)
		}
		done = append(done, c)
	}
	return done, already, nil
}

// chooseCarried returns the questions of a meeting (its moderator's view)
// that req carries to meeting to of consultation id. Named questions must
// be live and not archived, or carried to to already (by a carry that did
// not complete); all takes the live questions not archived and not carried
// anywhere.
func chooseCarried(qs []room.QuestionView, id, to string, req carryRequest) ([]room.QuestionView, error) {
	var out []room.QuestionView
	if req.All {
		for _, q := range qs {
			if q.Status == room.Approved && !q.Archived && (q.CarriedTo == nil || sameTarget(q.CarriedTo, id, to)) {
				out = append(out, q)
			}
		}
		return out, nil
	}
	seen := map[room.QuestionID]bool{}
	for _, n := range req.Questions {
		if seen[n] {
			continue
		}
		seen[n] = true
		i, ok := slices.BinarySearchFunc(qs, n, func(q room.QuestionView, n room.QuestionID) int { return int(q.ID - n) })
		if !ok {
			return nil, fmt.Errorf("%w: question %d", room.ErrNoQuestion, n)
		}
		q := qs[i]
		switch {
		case q.CarriedTo != nil && sameTarget(q.CarriedTo, id, to):
		case q.CarriedTo != nil:
			return nil, fmt.Errorf("%w: question %d was carried to %s", room.ErrAlready, n, q.CarriedTo.Code)
		case q.Status != room.Approved || q.Archived:
			return nil, fmt.Errorf("%w: question %d is %s: only a live question that is not archived is carried", room.ErrState, n, q.Status)
		}
		out = append(out, q)
	}
	return out, nil
}

func sameTarget(l *room.Link, id, code string) bool { return l.Consultation == id && l.Code == code }

func stepOf(v consultation.View, code string) *consultation.StepView {
	i := slices.IndexFunc(v.Steps, func(s consultation.StepView) bool { return s.Code == code })
	if i < 0 {
		return nil
	}
	return &v.Steps[i]
}

// carryOne carries question q of step from to step to: the four steps
// above, each skipped when done already.
func (h *Hub) carryOne(ctx context.Context, st seam.Book, hc *hubConsultation, q room.QuestionView, from, to *consultation.StepView) (carried, error) {
	b, err := meetingState(ctx, st, to.Code)
	if err != nil {
		return carried{}, err
	}
	bqs := b.View(room.Moderator).Questions
	var target room.QuestionID // q in B, once imported
	votes := q.Votes
	if i := slices.IndexFunc(bqs, func(x room.QuestionView) bool {
		return x.From != nil && x.From.Consultation == hc.id && x.From.Code == from.Code && x.From.Question == q.ID
	}); i >= 0 {
		target, votes = bqs[i].ID, bqs[i].From.Votes
	}
	if q.CarriedTo != nil {
		votes = q.CarriedTo.Votes
	}
	cmd := consultation.Command{Op: consultation.OpCarry, From: &consultation.Ref{Code: from.Code, Question: q.ID}, Text: q.Text, Votes: votes}

	if target == 0 {
		// 1. Would the consultation take it, with the id B will give?
		cmd.To = &consultation.Ref{Code: to.Code, Question: room.QuestionID(len(bqs) + 1)}
		if _, err := hc.c.Decide(organiser, h.now().UnixMilli(), cmd); err != nil {
			return carried{}, err
		}
		// 2. B imports it.
		seq, err := h.submitRoom(ctx, to.Code, room.Actor{Role: room.System}, room.Command{
			Op: room.OpImport, Text: q.Text,
			Link: &room.Link{Consultation: hc.id, Code: from.Code, Question: q.ID, Votes: votes, Step: from.Title},
		})
		if err != nil {
			return carried{}, fmt.Errorf("import into %s: %w", to.Code, err)
		}
		ev, err := committed(ctx, st, to.Code, seq)
		if err != nil {
			return carried{}, err
		}
		target = ev.Question
	}
	if q.CarriedTo == nil {
		// 3. A records where it went, with the votes it has.
		seq, err := h.submitRoom(ctx, from.Code, room.Actor{Role: room.System}, room.Command{
			Op: room.OpCarry, Question: q.ID,
			Link: &room.Link{Consultation: hc.id, Code: to.Code, Question: target, Step: to.Title},
		})
		if err != nil {
			return carried{}, fmt.Errorf("record in %s: %w", from.Code, err)
		}
		ev, err := committed(ctx, st, from.Code, seq)
		if err != nil {
			return carried{}, err
		}
		if ev.Link != nil && ev.Link.Votes != votes {
			h.logger.Warn("carried question's votes changed while it was carried", "consultation", hc.id,
				"from", from.Code, "question", q.ID, "imported", votes, "recorded", ev.Link.Votes)
			votes = ev.Link.Votes
		}
	}
	// 4. The consultation records it, with the id B gave.
	cmd.To, cmd.Votes = &consultation.Ref{Code: to.Code, Question: target}, votes
	ev, err := h.act(ctx, st, hc, organiser, cmd)
	if err != nil {
		return carried{}, err
	}
	return carried{From: *ev.From, To: *ev.To, Thread: ev.Thread}, nil
}
