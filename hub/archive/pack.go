package archive

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tribune-hub/tribune/hub/store"
)

// A data package is the tables of one variant as a Frictionless Tabular
// Data Package (https://specs.frictionlessdata.io/tabular-data-package/):
//
//	datapackage.json         the descriptor: one resource per table
//	questions.csv            a table, UTF-8, comma, header row
//	questions.schema.json    its Table Schema
//	...
//	README.txt               what the files are, in English and French
//	log.json                 Full only: the whole log (see WriteLog)
//
// With Options.Excel, every CSV also comes as excel/NAME.csv with a UTF-8
// byte order mark, so that spreadsheet programs detect the encoding; the
// plain files stay BOM-less, as the Table Schema tools expect.

// Options tune a data package.
type Options struct {
	// Excel adds excel/*.csv copies that start with a UTF-8 BOM.
	Excel bool
	// Now stamps the descriptor's "created". Defaults to time.Now.
	Now func() time.Time
}

// File is one file of a data package.
type File struct {
	Name string
	Data []byte
}

// Package returns the files of the data package of variant v.
func Package(rows []store.Stored, v Variant, opt Options) ([]File, error) {
	m, err := replay(rows)
	if err != nil {
		return nil, err
	}
	return m.pack(v, opt)
}

// descriptor is datapackage.json.
type descriptor struct {
	Profile     string     `json:"profile"`
	Name        string     `json:"name"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Created     string     `json:"created"`
	Resources   []resource `json:"resources"`
	// Tribune ties the tables to the log they were computed from.
	Tribune provenance `json:"tribune"`
}

type provenance struct {
	Room         string `json:"room,omitempty"`
	Consultation string `json:"consultation,omitempty"`
	Variant      string `json:"variant"`
	Events       uint64 `json:"events"`
	Head         string `json:"head"`   // hex hash of the last event of the log
	Digest       string `json:"digest"` // hex digest of the final state
}

type resource struct {
	Profile   string  `json:"profile"`
	Name      string  `json:"name"`
	Path      string  `json:"path"`
	Title     string  `json:"title"`
	Format    string  `json:"format"`
	Mediatype string  `json:"mediatype"`
	Encoding  string  `json:"encoding"`
	Dialect   dialect `json:"dialect"`
	Schema    string  `json:"schema"`
}

type dialect struct {
	Delimiter   string `json:"delimiter"`
	Header      bool   `json:"header"`
	DoubleQuote bool   `json:"doubleQuote"`
}

var tableTitles = map[string]string{
	"questions":    "Questions",
	"polls":        "Polls",
	"poll_results": "Poll results",
	"attendance":   "Attendance over time",
	"moderation":   "Moderation ledger",
	"ballots":      "Ballots (moderators only)",
	"ideas":        "Ideas",
}

// packTables writes each table as CSV with its Table Schema (and, with
// excel, a copy for spreadsheet programs), lists it in d, and returns the
// package's files in order: datapackage.json, the tables and schemas, the
// excel copies. The caller adds its README and anything else.
func packTables(d *descriptor, tables []Table, titles map[string]string, excel bool) ([]File, error) {
	var files, copies []File
	for _, t := range tables {
		var b bytes.Buffer
		if err := t.WriteCSV(&b, false); err != nil {
			return nil, fmt.Errorf("archive: %s.csv: %w", t.Name, err)
		}
		files = append(files, File{Name: t.Name + ".csv", Data: b.Bytes()})
		if excel {
			var x bytes.Buffer
			t.WriteCSV(&x, true)
			copies = append(copies, File{Name: "excel/" + t.Name + ".csv", Data: x.Bytes()})
		}
		schema, err := json.MarshalIndent(t.Schema, "", "  ")
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: t.Name + ".schema.json", Data: append(schema, '\n')})
		d.Resources = append(d.Resources, resource{
			Profile: "tabular-data-resource", Name: t.Name, Path: t.Name + ".csv",
			Title: titles[t.Name], Format: "csv", Mediatype: "text/csv", Encoding: "utf-8",
			Dialect: dialect{Delimiter: ",", Header: true, DoubleQuote: true},
			Schema:  t.Name + ".schema.json",
		})
	}
	desc, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	files = append([]File{{Name: "datapackage.json", Data: append(desc, '\n')}}, files...)
	return append(files, copies...), nil
}

func (m *meeting) pack(v Variant, opt Options) ([]File, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	r := m.report()
	d := descriptor{
		Profile: "tabular-data-package",
		Name:    "tribune-" + strings.ToLower(m.code) + "-" + v.String(),
		Title:   r.Title,
		Description: "Record of the meeting " + m.code + " (Tribune), computed from its log of " +
			fmt.Sprint(r.Events) + " events.",
		Created: now().UTC().Format(time.RFC3339),
		Tribune: provenance{Room: m.code, Variant: v.String(), Events: r.Events, Head: r.Head, Digest: r.Digest},
	}
	files, err := packTables(&d, m.tables(v), tableTitles, opt.Excel)
	if err != nil {
		return nil, err
	}
	files = append(files, File{Name: "README.txt", Data: []byte(readme(v, m.code, r.Head))})
	if v == Full {
		var b bytes.Buffer
		if err := m.writeLog(&b); err != nil {
			return nil, err
		}
		files = append(files, File{Name: "log.json", Data: b.Bytes()})
	}
	return files, nil
}

// WriteZip writes files as a zip archive.
func WriteZip(w io.Writer, files []File) error {
	zw := zip.NewWriter(w)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()})
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.Data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// readme is README.txt. What it promises of the open data is what
// TestPublicRecordNamesNobody and TestOpenData check.
func readme(v Variant, code, head string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tribune meeting %s: data package (%s)\n\n", code, v)
	b.WriteString(`Each table is a CSV file (UTF-8, comma-separated, header row) described
by a Table Schema (NAME.schema.json); datapackage.json lists them
(Frictionless Data Package, https://specs.frictionlessdata.io).
Times are UTC. Participant ids (full export only) are pseudonymous, not
anonymous.

Excel: open the files through Data > From Text/CSV and choose UTF-8, or
download the package with the Excel option: excel/*.csv then start with a
byte order mark that Excel recognises.
`)
	if v == OpenData {
		b.WriteString(`
Open data: no participant id and no name, in any file. No text that
moderation did not let through: pending, refused and withdrawn questions
are counted, not quoted, and a request to speak that was taken back or
taken off the line is listed without its topic. Open answers appear as
word counts only; the results of polls whose results the moderators kept
hidden are left out.
`)
	} else {
		b.WriteString(`
Full export, for the moderators: it contains pseudonymous participant ids,
the names participants gave, every question's text and every ballot. Do
not publish it; publish the open-data package instead. log.json is the
whole log with its hash chain: check it with  tribune verify log.json
`)
	}
	fmt.Fprintf(&b, "\nLog head (hash of the last event): %s\n", head)
	b.WriteString("\n---\n\n")
	if v == OpenData {
		b.WriteString(`Données ouvertes de la réunion : aucun identifiant de participant ni
aucun nom, dans aucun fichier ; aucun texte que la modération n'a pas
laissé passer (les questions en attente, refusées ou retirées sont
comptées, pas citées ; une demande de parole retirée ou enlevée de la file
figure sans son sujet). Les réponses libres ne figurent que comme décompte
de mots ; les résultats des sondages que les modérateurs ont gardés cachés
sont omis.
`)
	} else {
		b.WriteString(`Export complet de la réunion, réservé aux modérateurs : il contient les
identifiants pseudonymes des participants, les noms qu'ils ont donnés, le
texte de chaque question et chaque bulletin. Ne pas le publier : publier
les données ouvertes. log.json est le journal entier avec sa chaîne de
hachage : le vérifier avec  tribune verify log.json
`)
	}
	b.WriteString(`
Chaque table est un fichier CSV (UTF-8, séparateur virgule, ligne
d'en-tête) décrit par un Table Schema ; les heures sont en UTC. Pour Excel,
importer via Données > À partir d'un fichier texte/CSV en UTF-8, ou utiliser
les copies excel/*.csv (avec BOM) quand elles sont présentes.
`)
	return b.String()
}
