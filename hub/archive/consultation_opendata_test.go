package archive

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tribune-hub/tribune/room"
)

// consultationSecrets is what a consultation's open data must never carry:
// every organiser session id, and the text of the proposals that were
// never published (a draft, a draft withdrawn, with its reason).
func consultationSecrets() []string {
	out := []string{draftTitle, draftText, droppedTitle, droppedText, droppedReason, "zqv"}
	for _, o := range organisers {
		out = append(out, o.ID)
	}
	return out
}

// anyOrganiserID matches an organiser session id as the fixture makes
// them, whoever it belongs to.
var anyOrganiserID = regexp.MustCompile(`org-[0-9a-f]{8}-`)

// TestConsultationRecordNamesNobody scans every file of a consultation's
// open-data package (with the spreadsheet copies) for the organisers'
// session ids and the text of unpublished proposals. The log export, for
// the organisers, carries them: that is what shows the scan looks where
// they would be.
func TestConsultationRecordNamesNobody(t *testing.T) {
	t.Parallel()
	cc := newConsultation(t, tweaks{})
	files, err := ConsultationPackage(cc.cons.rows, Options{Excel: true})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	for name, data := range z {
		low := bytes.ToLower(data)
		for _, s := range consultationSecrets() {
			if i := bytes.Index(low, bytes.ToLower([]byte(s))); i >= 0 {
				t.Errorf("%s carries %q: …%s…", name, s, around(data, i))
			}
		}
		if loc := anyOrganiserID.FindIndex(data); loc != nil {
			t.Errorf("%s carries an organiser id: …%s…", name, around(data, loc[0]))
		}
		if loc := anyParticipantID.FindIndex(data); loc != nil {
			t.Errorf("%s carries a participant id: …%s…", name, around(data, loc[0]))
		}
	}
	log := exportConsultation(t, cc.cons.rows)
	for _, s := range consultationSecrets() {
		if !bytes.Contains(log, []byte(s)) {
			t.Errorf("the log export lacks %q: the scan above proves nothing", s)
		}
	}
}

// TestConsultationOpenData checks the tables of a consultation's open data
// against the public view: what it holds, row by row, and that each table
// matches its Table Schema, with its keys, in the data package.
func TestConsultationOpenData(t *testing.T) {
	t.Parallel()
	cc := newConsultation(t, tweaks{})
	files, err := ConsultationPackage(cc.cons.rows, Options{Excel: true, Now: func() time.Time { return time.Unix(0, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	z := readZip(t, files)
	var d descriptor
	if err := json.Unmarshal(z["datapackage.json"], &d); err != nil {
		t.Fatal(err)
	}
	if d.Profile != "tabular-data-package" || d.Name != "tribune-consultation-cons42-opendata" ||
		d.Tribune.Consultation != consID || d.Tribune.Room != "" || d.Tribune.Events != uint64(len(cc.cons.rows)) ||
		!strings.Contains(d.Description, "open from 2026-01-10 to 2026-06-30") || !strings.Contains(d.Description, "Two step meetings, then commitments.") {
		t.Errorf("descriptor: %+v", d)
	}
	if _, ok := z["README.txt"]; !ok {
		t.Error("no README.txt")
	}
	want := []string{"steps", "carried", "proposals", "proposal_sources", "commitments", "commitment_proposals", "milestones", "status_history"}
	var got []string
	for _, res := range d.Resources {
		got = append(got, res.Name)
		var s Schema
		if err := json.Unmarshal(z[res.Schema], &s); err != nil {
			t.Fatalf("%s: %v", res.Schema, err)
		}
		n, err := validate(z[res.Path], s)
		if err != nil {
			t.Errorf("%s: %v", res.Path, err)
		}
		if n == 0 {
			t.Errorf("%s has no rows", res.Path)
		}
		if !bytes.Equal(z["excel/"+res.Path], append([]byte("\uFEFF"), z[res.Path]...)) {
			t.Errorf("excel/%s is not the same table with a BOM", res.Path)
		}
		if res.Title == "" {
			t.Errorf("%s has no title", res.Name)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("resources %v, want %v", got, want)
	}
	checkKeys(t, z, d)

	tables, err := ConsultationTables(cc.cons.rows)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][][]string{}
	for _, tb := range tables {
		rows[tb.Name] = tb.Rows
	}
	at := func(seq uint64) string { return isoTime(cc.cons.rows[seq-1].Event.At) }
	votes := itoa(cc.step1.r.View(room.Moderator).Questions[0].Votes)
	if votes == "0" {
		t.Fatal("the carried question has no votes: the fixture proves less than it says")
	}
	last := cc.cons.seqs["last"]
	for name, w := range map[string][][]string{
		"steps": {
			{"1", "CSTEP1", "Step 1: priorities", "2026-01-20", "ended"},
			{"2", "CSTEP2", "Step 2: proposals", "2026-02-19", "upcoming"},
		},
		"carried": {
			{"Q-1", "1", "CSTEP1", "1", votes, "2", "CSTEP2", "1", carriedText, at(cc.cons.seqs["carry"])},
		},
		// The draft P-2 and the draft withdrawn P-3 are not there.
		"proposals": {
			{"P-1", publicTitle, publicText, "published", "", "", at(cc.cons.seqs["propose"] + 1)},
			{"P-4", pulledTitle, "Light rail along the quay.", "withdrawn", "", pulledReason, at(last - 5)},
		},
		"proposal_sources": {
			{"P-1", "1", "question", "2", "CSTEP2", "1", "", "", ""},
			{"P-1", "2", "poll", "1", "CSTEP1", "", "1", "", ""},
			{"P-1", "3", "outcome", "1", "CSTEP1", "", "", "2", ""},
		},
		"commitments":          {{"C-1", promiseTitle, "Nobody can follow the budget.", "complete", at(last - 3)}},
		"commitment_proposals": {{"C-1", "P-1"}},
		"milestones": {
			{"C-1", "1", "Monthly tables online", "2026-09-30", ""},
			{"C-1", "2", "A page that explains them", "", "https://example.org/budget"},
		},
		"status_history": {
			{"C-1", "1", at(last - 2), "limited", promiseNote, evidenceLink},
			{"C-1", "2", at(last - 1), "substantial", "Five months online.", ""},
			{"C-1", "3", at(last), "complete", "Every month since January.", ""},
		},
	} {
		if !reflect.DeepEqual(rows[name], w) {
			t.Errorf("%s:\n got %q\nwant %q", name, rows[name], w)
		}
	}
	if !strings.Contains(string(z["README.txt"]), "No one's id") {
		t.Errorf("README.txt does not say what the open data leaves out:\n%s", z["README.txt"])
	}
}
