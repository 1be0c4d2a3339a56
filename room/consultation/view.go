package consultation

import (
	"slices"
)

// View is what a role sees of a consultation at sequence number Seq: the
// public consultation page, or the organiser's. Lists are in id order.
//
// The public view holds what has been made public only: no draft proposal
// (nor a draft withdrawn before it was published), and no one's id. The
// organiser's holds every proposal. Everything else is public as it is
// made: the steps, the questions carried (their text was public in the
// meeting they come from), the commitments and their history, and the
// reason a published proposal was withdrawn.
type View struct {
	Seq         uint64           `json:"seq"`
	Role        Role             `json:"role"`
	ID          string           `json:"id"`
	Title       string           `json:"title"`
	Description string           `json:"description"`
	Opens       string           `json:"opens,omitempty"`
	Closes      string           `json:"closes,omitempty"`
	Steps       []StepView       `json:"steps"`
	Carried     []CarryView      `json:"carried"`
	Proposals   []ProposalView   `json:"proposals"`
	Commitments []CommitmentView `json:"commitments"`
}

// StepView is a step meeting. Index counts from 1 ("step 1").
type StepView struct {
	Index  int        `json:"index"`
	Code   string     `json:"code"`
	Title  string     `json:"title"`
	Date   string     `json:"date,omitempty"`
	Status StepStatus `json:"status"`
}

// CarryView is a question carried from one step meeting to a later one.
// Thread is the same for every carry of one question onwards.
type CarryView struct {
	Thread string `json:"thread"`
	From   Ref    `json:"from"`
	To     Ref    `json:"to"`
	Text   string `json:"text"`
	Votes  int    `json:"votes"` // where it comes from
	At     int64  `json:"at"`
}

// ProposalView is a proposal. IncludedIn lists the commitments that take
// it up.
type ProposalView struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Text        string         `json:"text"`
	Sources     []Source       `json:"sources"`
	Status      ProposalStatus `json:"status"`
	MergedInto  string         `json:"mergedInto,omitempty"`
	MergedFrom  []string       `json:"mergedFrom,omitempty"`
	Reason      string         `json:"reason,omitempty"` // why it was withdrawn
	IncludedIn  []string       `json:"includedIn,omitempty"`
	At          int64          `json:"at"`
	PublishedAt int64          `json:"publishedAt,omitempty"`
}

// CommitmentView is a commitment: its current status, and every change
// that led there, oldest first.
type CommitmentView struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Problem    string      `json:"problem"`
	Proposals  []string    `json:"proposals"`
	Milestones []Milestone `json:"milestones"`
	Status     Progress    `json:"status"`
	History    []Change    `json:"history"`
	At         int64       `json:"at"`
}

// View returns what role sees now: Organiser sees everything, any other
// role the public view.
func (c *Consultation) View(role Role) View {
	if role != Organiser {
		role = Public
	}
	v := View{
		Seq: c.seq, Role: role, ID: c.id, Title: c.title, Description: c.description,
		Opens: c.opens, Closes: c.closes,
		Steps:       make([]StepView, 0, len(c.steps)),
		Carried:     make([]CarryView, 0, len(c.carries)),
		Proposals:   make([]ProposalView, 0, len(c.proposals)),
		Commitments: make([]CommitmentView, 0, len(c.commitments)),
	}
	for i, s := range c.steps {
		v.Steps = append(v.Steps, StepView{Index: i + 1, Code: s.code, Title: s.title, Date: s.date, Status: s.status})
	}
	for _, x := range c.carries {
		v.Carried = append(v.Carried, CarryView{Thread: x.thread, From: x.from, To: x.to, Text: x.text, Votes: x.votes, At: x.at})
	}
	included := c.included()
	for _, p := range c.proposals {
		if role == Organiser || p.public {
			v.Proposals = append(v.Proposals, p.view(included))
		}
	}
	for _, m := range c.commitments {
		v.Commitments = append(v.Commitments, m.view())
	}
	return v
}

// included maps each proposal to the commitments that take it up.
func (c *Consultation) included() map[string][]string {
	out := map[string][]string{}
	for _, m := range c.commitments {
		for _, p := range m.proposals {
			out[p] = append(out[p], commitmentID(m.n))
		}
	}
	return out
}

func (p *proposal) view(included map[string][]string) ProposalView {
	id := proposalID(p.n)
	v := ProposalView{
		ID: id, Title: p.title, Text: p.text, Sources: slices.Clip(p.sources), Status: p.status,
		MergedInto: p.mergedInto, MergedFrom: slices.Clone(p.mergedFrom), Reason: p.reason,
		IncludedIn: included[id], At: p.at, PublishedAt: p.publishedAt,
	}
	if v.Sources == nil {
		v.Sources = []Source{}
	}
	return v
}

func (m *commitment) view() CommitmentView {
	v := CommitmentView{
		ID: commitmentID(m.n), Title: m.title, Problem: m.problem,
		Proposals: slices.Clip(m.proposals), Milestones: slices.Clip(m.milestones), // replaced whole, never written: shared
		Status: m.status, History: slices.Clone(m.history), At: m.at,
	}
	if v.Proposals == nil {
		v.Proposals = []string{}
	}
	if v.Milestones == nil {
		v.Milestones = []Milestone{}
	}
	if v.History == nil {
		v.History = []Change{}
	}
	return v
}
