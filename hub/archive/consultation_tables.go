package archive

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
	"github.com/tribune-hub/tribune/room/consultation"
)

// A consultation's open data is built from its public view
// (consultation.View(Public)) and nothing else, so that it holds exactly
// what the public consultation page shows: no organiser session id (there
// is no other id in a consultation's log), no draft proposal nor one
// withdrawn while a draft. TestConsultationOpenData and
// TestConsultationRecordNamesNobody guard it. There is no full variant:
// the organisers' record is the log export itself.

// ConsultationTables builds the open-data tables of a consultation's log:
// steps, carried, proposals, proposal_sources, commitments,
// commitment_proposals, milestones and status_history.
func ConsultationTables(rows []store.ConsultationRow) ([]Table, error) {
	c, err := replayConsultation(rows)
	if err != nil {
		return nil, err
	}
	return consultationTables(c.View(consultation.Public)), nil
}

var (
	stepStatuses     = enumOf(consultation.Upcoming, consultation.Live, consultation.Ended)
	proposalStatuses = enumOf(consultation.Published, consultation.Merged, consultation.ProposalWithdrawn) // never a draft: the public sees none
	progresses       = enumOf(consultation.NotStarted, consultation.Limited, consultation.Substantial, consultation.Complete, consultation.Withdrawn)
	sourceKinds      = enumOf(consultation.QuestionSource, consultation.PollSource, consultation.OutcomeSource, consultation.IdeaSource)
)

// dateField is a calendar day, YYYY-MM-DD.
func dateField(name, title string, required bool) Field {
	f := field(name, "date", title, required)
	f.Format = "default"
	return f
}

// foreign is a foreign key from fields to the fields of resource.
func foreign(fields []string, resource string, to ...string) ForeignKey {
	return ForeignKey{Fields: fields, Reference: Reference{Resource: resource, Fields: to}}
}

func consultationTables(v consultation.View) []Table {
	steps := map[string]int{}
	for _, s := range v.Steps {
		steps[s.Code] = s.Index
	}
	stepOf := func(code string) string { return optInt(steps[code]) }

	stepCols := []column[consultation.StepView]{
		{field: field("step", "integer", "Step (from 1)", true), value: func(s consultation.StepView) string { return itoa(s.Index) }},
		{field: describe(field("code", "string", "The step meeting's join code", true), "its own open data is published under this code"),
			value: func(s consultation.StepView) string { return s.Code }},
		{field: field("title", "string", "Title", true), value: func(s consultation.StepView) string { return s.Title }},
		{field: dateField("date", "Date", false), value: func(s consultation.StepView) string { return s.Date }},
		{field: field("status", "string", "Status", true, stepStatuses...), value: func(s consultation.StepView) string { return string(s.Status) }},
	}
	stepsT := table("steps", OpenData, []string{"step"}, stepCols, v.Steps)

	carryCols := []column[consultation.CarryView]{
		{field: describe(field("thread", "string", "Thread", true), "the same for every carry of one question onwards: Q-1, Q-2..."),
			value: func(x consultation.CarryView) string { return x.Thread }},
		{field: field("from_step", "integer", "Carried from step", false), value: func(x consultation.CarryView) string { return stepOf(x.From.Code) }},
		{field: field("from_code", "string", "Carried from meeting", true), value: func(x consultation.CarryView) string { return x.From.Code }},
		{field: field("from_question", "integer", "Question number there", true), value: func(x consultation.CarryView) string { return itoa(int(x.From.Question)) }},
		{field: field("votes", "integer", "Upvotes there when carried", true), value: func(x consultation.CarryView) string { return itoa(x.Votes) }},
		{field: field("to_step", "integer", "Carried to step", false), value: func(x consultation.CarryView) string { return stepOf(x.To.Code) }},
		{field: field("to_code", "string", "Carried to meeting", true), value: func(x consultation.CarryView) string { return x.To.Code }},
		{field: field("to_question", "integer", "Question number there", true), value: func(x consultation.CarryView) string { return itoa(int(x.To.Question)) }},
		{field: field("text", "string", "Question", true), value: func(x consultation.CarryView) string { return x.Text }},
		{field: field("carried_at", "datetime", "Carried at (UTC)", true), value: func(x consultation.CarryView) string { return isoTime(x.At) }},
	}
	carriedT := table("carried", OpenData, []string{"from_code", "from_question"}, carryCols, v.Carried)
	carriedT.Schema.ForeignKeys = []ForeignKey{
		foreign([]string{"from_code"}, "steps", "code"),
		foreign([]string{"to_code"}, "steps", "code"),
	}

	propCols := []column[consultation.ProposalView]{
		{field: field("id", "string", "Proposal", true), value: func(p consultation.ProposalView) string { return p.ID }},
		{field: field("title", "string", "Title", true), value: func(p consultation.ProposalView) string { return p.Title }},
		{field: field("text", "string", "Text", false), value: func(p consultation.ProposalView) string { return p.Text }},
		{field: field("status", "string", "Status", true, proposalStatuses...), value: func(p consultation.ProposalView) string { return string(p.Status) }},
		{field: field("merged_into", "string", "Merged into proposal", false), value: func(p consultation.ProposalView) string { return p.MergedInto }},
		{field: field("reason", "string", "Why it was withdrawn", false), value: func(p consultation.ProposalView) string { return p.Reason }},
		{field: field("published_at", "datetime", "Published at (UTC)", true), value: func(p consultation.ProposalView) string { return isoTime(p.PublishedAt) }},
	}
	propsT := table("proposals", OpenData, []string{"id"}, propCols, v.Proposals)

	type source struct {
		proposal string
		n        int
		consultation.Source
	}
	var sources []source
	for _, p := range v.Proposals {
		for i, s := range p.Sources {
			sources = append(sources, source{p.ID, i + 1, s})
		}
	}
	srcCols := []column[source]{
		{field: field("proposal", "string", "Proposal", true), value: func(s source) string { return s.proposal }},
		{field: field("source", "integer", "Source (from 1)", true), value: func(s source) string { return itoa(s.n) }},
		{field: field("kind", "string", "What it draws on", true, sourceKinds...), value: func(s source) string { return string(s.Kind) }},
		{field: field("step", "integer", "Step", false), value: func(s source) string { return stepOf(s.Code) }},
		{field: field("code", "string", "Step meeting", true), value: func(s source) string { return s.Code }},
		{field: field("question", "integer", "Question number there", false), value: func(s source) string { return optInt(int(s.Question)) }},
		{field: field("poll", "integer", "Poll number there", false), value: func(s source) string { return optInt(int(s.Poll)) }},
		{field: field("agenda_step", "integer", "Agenda step there (from 1)", false), value: func(s source) string {
			if s.Kind != consultation.OutcomeSource {
				return ""
			}
			return stepNumber(s.Step)
		}},
		{field: field("idea", "integer", "Idea number there", false), value: func(s source) string { return optInt(int(s.Idea)) }},
	}
	srcT := table("proposal_sources", OpenData, []string{"proposal", "source"}, srcCols, sources)
	srcT.Schema.ForeignKeys = []ForeignKey{
		foreign([]string{"proposal"}, "proposals", "id"),
		foreign([]string{"code"}, "steps", "code"),
	}

	comCols := []column[consultation.CommitmentView]{
		{field: field("id", "string", "Commitment", true), value: func(m consultation.CommitmentView) string { return m.ID }},
		{field: field("title", "string", "Title", true), value: func(m consultation.CommitmentView) string { return m.Title }},
		{field: field("problem", "string", "The problem it answers", false), value: func(m consultation.CommitmentView) string { return m.Problem }},
		{field: describe(field("status", "string", "Completion now", true, progresses...),
			"on the scale of the OGP Independent Reporting Mechanism, or withdrawn"),
			value: func(m consultation.CommitmentView) string { return string(m.Status) }},
		{field: field("created_at", "datetime", "Made at (UTC)", true), value: func(m consultation.CommitmentView) string { return isoTime(m.At) }},
	}
	comT := table("commitments", OpenData, []string{"id"}, comCols, v.Commitments)

	type pair struct{ commitment, proposal string }
	type milestone struct {
		commitment string
		n          int
		consultation.Milestone
	}
	type change struct {
		commitment string
		n          int
		consultation.Change
	}
	var pairs []pair
	var milestones []milestone
	var changes []change
	for _, m := range v.Commitments {
		for _, p := range m.Proposals {
			pairs = append(pairs, pair{m.ID, p})
		}
		for i, x := range m.Milestones {
			milestones = append(milestones, milestone{m.ID, i + 1, x})
		}
		for i, x := range m.History {
			changes = append(changes, change{m.ID, i + 1, x})
		}
	}
	pairCols := []column[pair]{
		{field: field("commitment", "string", "Commitment", true), value: func(p pair) string { return p.commitment }},
		{field: field("proposal", "string", "Proposal it takes up", true), value: func(p pair) string { return p.proposal }},
	}
	pairT := table("commitment_proposals", OpenData, []string{"commitment", "proposal"}, pairCols, pairs)
	pairT.Schema.ForeignKeys = []ForeignKey{
		foreign([]string{"commitment"}, "commitments", "id"),
		foreign([]string{"proposal"}, "proposals", "id"),
	}

	msCols := []column[milestone]{
		{field: field("commitment", "string", "Commitment", true), value: func(m milestone) string { return m.commitment }},
		{field: field("milestone", "integer", "Milestone (from 1)", true), value: func(m milestone) string { return itoa(m.n) }},
		{field: field("text", "string", "Milestone", true), value: func(m milestone) string { return m.Text }},
		{field: dateField("due", "Due", false), value: func(m milestone) string { return m.Due }},
		{field: field("evidence", "string", "Evidence (link)", false), value: func(m milestone) string { return m.Evidence }},
	}
	msT := table("milestones", OpenData, []string{"commitment", "milestone"}, msCols, milestones)
	msT.Schema.ForeignKeys = []ForeignKey{foreign([]string{"commitment"}, "commitments", "id")}

	chCols := []column[change]{
		{field: field("commitment", "string", "Commitment", true), value: func(c change) string { return c.commitment }},
		{field: field("change", "integer", "Change (from 1)", true), value: func(c change) string { return itoa(c.n) }},
		{field: field("at", "datetime", "Date (UTC)", true), value: func(c change) string { return isoTime(c.At) }},
		{field: field("status", "string", "Status set", true, progresses...), value: func(c change) string { return string(c.Status) }},
		{field: field("note", "string", "Note", true), value: func(c change) string { return c.Note }},
		{field: field("evidence", "string", "Evidence (link)", false), value: func(c change) string { return c.Evidence }},
	}
	chT := table("status_history", OpenData, []string{"commitment", "change"}, chCols, changes)
	chT.Schema.ForeignKeys = []ForeignKey{foreign([]string{"commitment"}, "commitments", "id")}

	return []Table{stepsT, carriedT, propsT, srcT, comT, pairT, msT, chT}
}

var consultationTitles = map[string]string{
	"steps":                "Step meetings",
	"carried":              "Questions carried from one step meeting to a later one",
	"proposals":            "Published proposals",
	"proposal_sources":     "What each proposal draws on",
	"commitments":          "Commitments",
	"commitment_proposals": "Proposals each commitment takes up",
	"milestones":           "Milestones of each commitment",
	"status_history":       "Every status change of each commitment",
}

// ConsultationPackage returns the files of a consultation's open-data
// package, laid out as a meeting's (see Package): datapackage.json, each
// table as NAME.csv with NAME.schema.json, README.txt, and with
// opt.Excel the excel/NAME.csv copies.
func ConsultationPackage(rows []store.ConsultationRow, opt Options) ([]File, error) {
	c, err := replayConsultation(rows)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	v := c.View(consultation.Public)
	digest := c.Digest()
	head := hex.EncodeToString(rows[len(rows)-1].Hash)
	d := descriptor{
		Profile:     "tabular-data-package",
		Name:        "tribune-consultation-" + strings.ToLower(v.ID) + "-" + OpenData.String(),
		Title:       v.Title,
		Description: consultationAbout(v, c.Seq()),
		Created:     now().UTC().Format(time.RFC3339),
		Tribune:     provenance{Consultation: v.ID, Variant: OpenData.String(), Events: c.Seq(), Head: head, Digest: hex.EncodeToString(digest[:])},
	}
	files, err := packTables(&d, consultationTables(v), consultationTitles, opt.Excel)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Name: "README.txt", Data: []byte(consultationReadme(v.ID, head))})
	return files, nil
}

// consultationAbout is the descriptor's description: what the
// consultation says of itself, on its public page, and where the record
// comes from.
func consultationAbout(v consultation.View, events uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Record of the consultation %s (Tribune)", v.ID)
	switch {
	case v.Opens != "" && v.Closes != "":
		fmt.Fprintf(&b, ", open from %s to %s", v.Opens, v.Closes)
	case v.Opens != "":
		fmt.Fprintf(&b, ", open from %s", v.Opens)
	case v.Closes != "":
		fmt.Fprintf(&b, ", open until %s", v.Closes)
	}
	fmt.Fprintf(&b, ", computed from its log of %d events.", events)
	if v.Description != "" {
		b.WriteString("\n\n" + v.Description)
	}
	return b.String()
}

// consultationReadme is README.txt. What it promises is what
// TestConsultationRecordNamesNobody checks.
func consultationReadme(id, head string) string {
	return fmt.Sprintf(`Tribune consultation %s: open data

Each table is a CSV file (UTF-8, comma-separated, header row) described
by a Table Schema (NAME.schema.json); datapackage.json lists them
(Frictionless Data Package, https://specs.frictionlessdata.io).
Times are UTC, dates YYYY-MM-DD.

What the public consultation page shows, and nothing else: the step
meetings, the questions carried from one to the next (with where they
came from and went, and their votes there), the published proposals and
what they draw on, the commitments with their milestones and every
status change. No one's id, and no proposal that was never published.
Each step meeting's own record is its open data, under its join code.

Excel: open the files through Data > From Text/CSV and choose UTF-8, or
use the excel/*.csv copies (with a byte order mark) when present.

Log head (hash of the last event): %s

---

Données ouvertes de la consultation %s : ce que montre la page publique
de la consultation, et rien d'autre (réunions d'étape, questions
reportées d'une réunion à la suivante, propositions publiées et leurs
sources, engagements, jalons et historique des statuts). Aucun
identifiant de personne, aucune proposition jamais publiée. Chaque table
est un fichier CSV (UTF-8, séparateur virgule, ligne d'en-tête) décrit
par un Table Schema ; les heures sont en UTC.
`, id, head, id)
}
