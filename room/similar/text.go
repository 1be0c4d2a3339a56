package similar

import (
	"strings"
	"unicode"
)

// Terms returns the terms of text that say what it is about: words folded
// to lower case without accents, stop words of French and English left
// out, each reduced to its stem. The same text always gives the same
// terms, in order, repeats kept.
func Terms(text string) []string {
	var out []string
	for _, w := range words(text) {
		if stop[w] || len([]rune(w)) < 2 && !isDigits(w) {
			continue
		}
		out = append(out, Stem(w))
	}
	return out
}

// words splits text into lower-case words without accents: letters and
// digits, with apostrophes and hyphens as separators ("l'accès" is "l" and
// "acces", "open-data" is "open" and "data").
func words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			fold(&b, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// fold writes r without its accent: é è ê ë as e, ç as c, œ as oe...
// Letters outside the Latin ones used in French and English are kept.
func fold(b *strings.Builder, r rune) {
	if r < 0x80 {
		b.WriteRune(r)
		return
	}
	if s, ok := folded[r]; ok {
		b.WriteString(s)
		return
	}
	b.WriteRune(r)
}

var folded = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// Stem reduces a folded word to a stem shared by its inflected and derived
// forms, in French and in English alike: a light stemmer (plurals,
// feminines, the common verb and noun endings), then a cut at stemLen
// letters. A question's language is not known, and the two languages
// share most of the endings that matter ("publication", "transparence",
// "participation"); a light stemmer confuses fewer words than a full one,
// and the cut joins what the endings miss ("publier", "publish",
// "public" share "publi").
func Stem(w string) string {
	if isDigits(w) {
		return w
	}
	for _, s := range suffixes {
		if len(w)-len(s) >= minStem && strings.HasSuffix(w, s) {
			w = w[:len(w)-len(s)]
			break
		}
	}
	// Plural and feminine marks left by the suffixes above, or alone.
	for _, s := range []string{"s", "x", "e", "y"} {
		if len(w)-1 >= minStem && strings.HasSuffix(w, s) {
			w = w[:len(w)-1]
		}
	}
	if len(w) > stemLen {
		w = w[:stemLen]
	}
	return w
}

// minStem is the shortest stem a suffix may leave; stemLen the longest
// stem kept.
const (
	minStem = 3
	stemLen = 6
)

// suffixes, longest first within each family, are stripped once: the
// first that fits.
var suffixes = []string{
	"ies", // English plurals, before the French "es"
	// French
	"issements", "issement", "ations", "ation", "itions", "ition", "ements", "ement",
	"ments", "ment", "euses", "euse", "ateurs", "ateur", "atrices", "atrice",
	"ences", "ence", "ances", "ance", "ites", "ite", "iques", "ique", "istes", "iste",
	"ables", "able", "ibles", "ible", "ives", "ive", "ifs", "if", "eux",
	"erons", "erions", "eriez", "eront", "erait", "eraient", "era", "erez", "ions", "iez",
	"aient", "ait", "ant", "ent", "ees", "ee", "es", "er", "ez",
	// English
	"ings", "ing", "edly", "ed", "ness", "ers", "ly",
}
