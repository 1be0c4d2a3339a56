package room

import (
	"fmt"
	"slices"
	"strings"
)

// leak returns what a participant's view and Mine (or, with mine nil, the
// screen's view) hold that they may not see, or nil. It compares against
// the room's state, which the test may read.
func leak(r *Room, v View, mine *Mine, pid string) error {
	if err := viewLeak(r, v); err != nil {
		return err
	}
	if mine == nil {
		return nil
	}
	return mineLeak(r, mine, pid)
}

// viewLeak checks a view shared by every participant, or the screen's.
func viewLeak(r *Room, v View) error {
	if v.Ledger != nil {
		return fmt.Errorf("ledger in a %s view", v.Role)
	}
	if r.settings.HideCount && v.Counts != nil {
		return fmt.Errorf("hidden counts in a %s view", v.Role)
	}
	seen := map[QuestionID]bool{}
	for _, q := range v.Questions {
		seen[q.ID] = true
		if q.Status != Approved && q.Status != Answered || q.Archived {
			return fmt.Errorf("question %d (%s, archived %v) shown", q.ID, q.Status, q.Archived)
		}
		if q.Author != "" || q.Reason != "" || q.Note != "" {
			return fmt.Errorf("question %d shows author, reason or note", q.ID)
		}
		if sq := r.questions[q.ID-1]; sq.text != q.Text || len(sq.voters) != q.Votes {
			return fmt.Errorf("question %d differs from the state", q.ID)
		}
	}
	for _, q := range r.questions {
		if q.visible() && !seen[q.id] {
			return fmt.Errorf("visible question %d missing", q.id)
		}
	}
	for _, p := range v.Polls {
		sp := r.polls[p.ID-1]
		if p.Status == Draft || sp.deleted {
			return fmt.Errorf("draft or deleted poll %d shown", p.ID)
		}
		public := p.Visibility == Live || (p.Visibility == AfterVoting || p.Visibility == AfterClose) && p.Status == PollEnded
		if p.Results != nil && !public {
			return fmt.Errorf("hidden results of poll %d (%s, %s) shown", p.ID, p.Visibility, p.Status)
		}
		if p.Results == nil && public {
			return fmt.Errorf("public results of poll %d missing", p.ID)
		}
		if p.Correct != nil && p.Status != PollEnded {
			return fmt.Errorf("the right answers of poll %d shown while %s", p.ID, p.Status)
		}
		if p.Status == PollEnded && !slices.Equal(p.Correct, sp.correct) {
			return fmt.Errorf("the right answers of closed poll %d: %v, want %v", p.ID, p.Correct, sp.correct)
		}
	}
	if err := ideaViewLeak(r, v); err != nil {
		return err
	}
	// No participant id appears in the shared view: test ids start "pid-".
	if strings.Contains(mustJSONString(v), "pid-") {
		return fmt.Errorf("a participant id in the %s view", v.Role)
	}
	return nil
}

// mineLeak checks what only participant pid is sent.
func mineLeak(r *Room, mine *Mine, pid string) error {
	m := r.members[pid]
	for _, q := range mine.Questions {
		if q.Author != pid || r.questions[q.ID-1].author != pid {
			return fmt.Errorf("question %d of %s in the Mine of %s", q.ID, q.Author, pid)
		}
	}
	if m != nil && len(mine.Questions) != len(m.questions) {
		return fmt.Errorf("Mine of %s has %d questions, want %d", pid, len(mine.Questions), len(m.questions))
	}
	for _, id := range mine.Upvoted {
		if _, ok := r.questions[id-1].voters[pid]; !ok {
			return fmt.Errorf("Mine of %s lists an upvote on %d it does not hold", pid, id)
		}
	}
	for id, b := range mine.Ballots {
		if sb, ok := r.polls[id-1].ballots[pid]; !ok || sb.Text != b.Text || sb.Rating != b.Rating || !slices.Equal(sb.Choices, b.Choices) || !slices.Equal(sb.Points, b.Points) {
			return fmt.Errorf("Mine of %s shows a ballot in poll %d that is not theirs", pid, id)
		}
	}
	for id := range mine.Results {
		p := r.polls[id-1]
		if _, ok := p.ballots[pid]; !ok || p.visibility != AfterVoting || p.status != PollOpen {
			return fmt.Errorf("Mine of %s shows results of poll %d", pid, id)
		}
	}
	if err := ideaMineLeak(r, mine, pid); err != nil {
		return err
	}
	js := mustJSONString(mine)
	for id := range r.members {
		if id != pid && strings.Contains(js, id) {
			return fmt.Errorf("Mine of %s names %s", pid, id)
		}
	}
	return nil
}
