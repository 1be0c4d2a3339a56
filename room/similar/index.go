package similar

import (
	"math"
	"sort"
)

// Index holds texts by id and finds, for a new text, the ones that likely
// ask the same thing. A text is a set of features: the stems of its words
// and, so that "publication" and "publier" meet, the first prefixLen
// letters of each stem. Two texts are as similar as the cosine of their
// feature sets weighted by rarity (inverse document frequency over the
// index): sharing "open data" counts for more than sharing "plan" when
// every question mentions the plan.
//
// An Index is not safe for concurrent use. Adding or removing a text makes
// the next Suggest recompute the weights, once (a few hundred microseconds
// for 2,000 texts); Suggest itself reads only the texts that share a
// feature with the new one.
type Index struct {
	docs     map[int]*doc
	postings map[string][]int // feature -> ids of the texts that have it
	dirty    bool             // weights and norms are stale
	idf      map[string]float64
}

type doc struct {
	features []string // distinct
	norm     float64  // of its weight vector, as of the last reweigh
}

// prefixLen is the length of the prefix feature of a stem.
const prefixLen = 5

// New returns an empty index.
func New() *Index {
	return &Index{docs: make(map[int]*doc), postings: make(map[string][]int), idf: make(map[string]float64)}
}

// Len is the number of texts held.
func (x *Index) Len() int { return len(x.docs) }

// features returns the distinct features of text.
func features(text string) []string {
	seen := make(map[string]bool)
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, t := range Terms(text) {
		add(t)
		if len(t) > prefixLen {
			add("~" + t[:prefixLen])
		} else {
			add("~" + t)
		}
	}
	return out
}

// Add holds text under id, replacing the text id held before.
func (x *Index) Add(id int, text string) {
	x.Remove(id)
	d := &doc{features: features(text)}
	x.docs[id] = d
	for _, f := range d.features {
		x.postings[f] = append(x.postings[f], id)
	}
	x.dirty = true
}

// Remove forgets id; it does nothing when id is not held.
func (x *Index) Remove(id int) {
	d, ok := x.docs[id]
	if !ok {
		return
	}
	delete(x.docs, id)
	for _, f := range d.features {
		ids := x.postings[f]
		for i, v := range ids {
			if v == id {
				ids = append(ids[:i], ids[i+1:]...)
				break
			}
		}
		if len(ids) == 0 {
			delete(x.postings, f)
		} else {
			x.postings[f] = ids
		}
	}
	x.dirty = true
}

// reweigh recomputes every feature's weight and every text's norm.
func (x *Index) reweigh() {
	n := float64(len(x.docs))
	clear(x.idf)
	for f, ids := range x.postings {
		x.idf[f] = math.Log(1 + n/float64(len(ids)))
	}
	for _, d := range x.docs {
		var s float64
		for _, f := range d.features {
			w := x.idf[f]
			s += w * w
		}
		d.norm = math.Sqrt(s)
	}
	x.dirty = false
}

// weight is a feature's weight; one no text holds weighs as if one did.
func (x *Index) weight(f string) float64 {
	if w, ok := x.idf[f]; ok {
		return w
	}
	return math.Log(1 + float64(len(x.docs)+1))
}

// Match is a text of the index like the one asked about.
type Match struct {
	ID    int     `json:"question"`
	Score float64 `json:"score"` // cosine similarity, 0 to 1
}

// Suggest returns up to k texts whose similarity to text is at least min,
// most similar first (by id among equals), leaving out skip (the text's
// own id when it is in the index, or 0).
func (x *Index) Suggest(text string, k int, min float64, skip int) []Match {
	if x.dirty {
		x.reweigh()
	}
	fs := features(text)
	var qnorm float64
	for _, f := range fs {
		w := x.weight(f)
		qnorm += w * w
	}
	if qnorm == 0 || k <= 0 {
		return nil
	}
	qnorm = math.Sqrt(qnorm)
	dot := make(map[int]float64)
	for _, f := range fs {
		w := x.idf[f]
		for _, id := range x.postings[f] {
			if id != skip {
				dot[id] += w * w
			}
		}
	}
	var out []Match
	for id, s := range dot {
		if d := x.docs[id]; d.norm > 0 {
			if c := s / (qnorm * d.norm); c >= min {
				out = append(out, Match{ID: id, Score: c})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}
