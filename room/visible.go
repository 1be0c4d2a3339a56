package room

import (
	"slices"
)

// This file builds what each role sees. The rules (doc.go):
//   - the moderator sees everything;
//   - participants and the screen see live and answered questions that are
//     not archived, without their author, reason or note; polls that are not
//     drafts, with results only once resultsPublic; attendance counts unless
//     Settings.HideCount;
//   - a participant also sees, in Mine, their own questions in every status
//     (with the reason when refused), their upvotes and ballots, and the
//     results of AfterVoting polls they voted in while those are not public.

// View returns what role sees now. Participant and Screen see the same
// view; any other role sees what the screen sees.
func (r *Room) View(role Role) View {
	v := View{
		Seq:       r.seq,
		Role:      role,
		Meeting:   r.meetingView(),
		Questions: make([]QuestionView, 0, len(r.questions)),
		Polls:     make([]PollView, 0, len(r.polls)),
		Counts:    r.countsView(role),
		Reactions: r.reactionsView(),
	}
	mod := role == Moderator
	for _, q := range r.questions {
		if mod || q.visible() {
			v.Questions = append(v.Questions, q.view(mod))
		}
	}
	for _, p := range r.polls {
		if p.deleted || (!mod && !p.public()) {
			continue
		}
		v.Polls = append(v.Polls, p.view(mod))
	}
	v.Boards, v.Ideas = r.boardsView(), r.ideasView(mod)
	if mod {
		v.Ledger = slices.Clone(r.ledger)
		if len(r.team) > 0 {
			v.Team = r.Team()
		}
		v.Notes = slices.Clone(r.notes)
	}
	return v
}

func (r *Room) meetingView() MeetingView {
	n := len(r.announcements)
	ann := make([]Announcement, 0, min(n, keptAnnouncements))
	ann = append(ann, r.announcements[max(0, n-keptAnnouncements):]...)
	refused := make(map[Reason]int, len(reasonIndex))
	for i, x := range reasonIndex {
		refused[x] = r.refused[i]
	}
	agenda := r.agenda
	if agenda == nil {
		agenda = []string{}
	}
	var rec *Recording
	if r.recording != (Recording{}) {
		x := r.recording
		rec = &x
	}
	return MeetingView{
		Recording:     rec,
		Title:         r.title,
		Description:   r.description,
		Code:          r.code,
		Status:        r.status,
		Settings:      r.settings,
		Agenda:        slices.Clip(agenda),     // replaced whole, never written: shared
		Outcomes:      slices.Clip(r.outcomes), // likewise
		Step:          r.step,
		Highlight:     r.highlight,
		ScreenPoll:    r.screenPoll,
		Announcements: ann,
		Floor:         r.floorQueue(),
		Refused:       refused,
		Charter:       slices.Clip(r.charter), // replaced whole, never written: shared
	}
}

// countsView is attendance as role sees it: nil when hidden from it.
func (r *Room) countsView(role Role) *CountsView {
	if role != Moderator && r.settings.HideCount {
		return nil
	}
	v := &CountsView{InRoom: r.inRoom, Remote: r.remote, Peak: r.peak, Joined: len(r.members)}
	r.votersCounts(v)
	return v
}

// reactionsView has every kind, zero included, so that its JSON is stable.
func (r *Room) reactionsView() map[Reaction]int {
	m := make(map[Reaction]int, len(reactionIndex))
	for i, x := range reactionIndex {
		m[x] = r.reactions[i]
	}
	return m
}

// view is q as seen by a moderator or its author (full), or by everyone
// else.
func (q *question) view(full bool) QuestionView {
	v := QuestionView{
		ID:         q.id,
		Text:       q.text,
		Name:       q.name,
		Channel:    q.channel,
		Status:     q.status,
		Votes:      len(q.voters),
		Pinned:     q.pinned,
		Archived:   q.archived,
		Answer:     q.answer,
		Step:       q.step,
		At:         q.at,
		AnsweredAt: q.answeredAt,
		MergedInto: q.mergedInto,
		From:       q.from,      // never written in place: shared
		CarriedTo:  q.carriedTo, // likewise
	}
	if len(q.mergedFrom) > 0 {
		v.MergedFrom = slices.Clone(q.mergedFrom)
	}
	if full {
		v.Author, v.Reason, v.Note, v.Rule = q.author, q.reason, q.note, q.rule
	}
	return v
}

// view is p as seen by a moderator (full) or by participants and the
// screen.
func (p *poll) view(full bool) PollView {
	v := PollView{
		ID:         p.id,
		Kind:       p.kind,
		Title:      p.title,
		Options:    slices.Clip(p.options), // replaced whole, never written: shared
		Max:        p.max,
		Scale:      p.scale,
		Budget:     p.budget,
		Visibility: p.visibility,
		Counting:   p.counting,
		Status:     p.status,
		Locked:     p.locked,
		Step:       p.step,
		Ballots:    len(p.ballots),
	}
	if full || p.resultsPublic() {
		v.Results = p.results()
	}
	if full || p.status == PollEnded {
		v.Correct = slices.Clip(p.correct) // replaced whole, never written: shared
	}
	return v
}

// Mine returns what only participant sees now. For an id that never joined
// it is empty.
func (r *Room) Mine(participant string) Mine {
	mine := Mine{
		Participant: participant,
		Questions:   []QuestionView{},
		Upvoted:     []QuestionID{},
		Ballots:     map[PollID]Ballot{},
	}
	m := r.members[participant]
	if m == nil {
		return mine
	}
	mine.Name, mine.Channel, mine.CheckedIn = m.name, m.channel, m.checkedIn
	if f := r.activeFloor(participant); f != nil {
		mine.Floor = f.id
	}
	for _, id := range m.questions {
		mine.Questions = append(mine.Questions, r.questions[id-1].view(true))
	}
	r.mineIdeas(&mine)
	mine.Upvoted = append(mine.Upvoted, m.upvoted...)
	slices.Sort(mine.Upvoted)
	for _, p := range r.polls {
		b, ok := p.ballots[participant]
		if !ok || p.deleted {
			continue
		}
		b.Choices = slices.Clone(b.Choices)
		mine.Ballots[p.id] = b
		if p.voterOnly() {
			if mine.Results == nil {
				mine.Results = make(map[PollID]Results)
			}
			mine.Results[p.id] = *p.results()
		}
	}
	return mine
}

// HasBallot reports whether participant has a ballot in poll.
func (r *Room) HasBallot(participant string, poll PollID) bool {
	p, err := r.poll(poll)
	if err != nil {
		return false
	}
	_, ok := p.ballots[participant]
	return ok
}
