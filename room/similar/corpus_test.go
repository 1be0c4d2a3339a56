package similar

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The corpus made for the tests: questions a consultation's step meeting
// might get, in French and English, about topics made of a subject and an
// aspect ("the budget" and "open data"), each said in several ways. Two
// questions are duplicates when they ask about the same topic, in
// template and with a word or two changed; everything else is not, even
// when it shares the subject or the aspect ("open data on the budget" and
// "citizen participation in the budget" are different questions).

type phrasing struct{ en, fr []string }

var subjects = []phrasing{
	{[]string{"the budget", "public spending", "public expenditure"}, []string{"le budget", "les dépenses publiques", "la dépense publique"}},
	{[]string{"public procurement", "government contracts", "public tenders"}, []string{"les marchés publics", "les contrats publics", "les appels d'offres publics"}},
	{[]string{"lobbying", "lobbyists", "interest representatives"}, []string{"le lobbying", "les lobbyistes", "les représentants d'intérêts"}},
	{[]string{"the parliament", "members of parliament", "MPs"}, []string{"le parlement", "les parlementaires", "les députés"}},
	{[]string{"local councils", "municipalities", "city councils"}, []string{"les collectivités locales", "les communes", "les conseils municipaux"}},
	{[]string{"health data", "hospital data", "public health statistics"}, []string{"les données de santé", "les données hospitalières", "les statistiques de santé publique"}},
	{[]string{"environmental data", "air quality", "pollution measurements"}, []string{"les données environnementales", "la qualité de l'air", "les mesures de pollution"}},
	{[]string{"public transport", "buses and trains", "transit"}, []string{"les transports publics", "les bus et les trains", "les transports en commun"}},
	{[]string{"schools", "education", "public schools"}, []string{"les écoles", "l'éducation", "l'école publique"}},
	{[]string{"housing", "social housing", "public housing"}, []string{"le logement", "le logement social", "les logements sociaux"}},
	{[]string{"algorithms used by the administration", "public algorithms", "automated decisions"}, []string{"les algorithmes de l'administration", "les algorithmes publics", "les décisions automatisées"}},
	{[]string{"court decisions", "case law", "judgments"}, []string{"les décisions de justice", "la jurisprudence", "les jugements"}},
	{[]string{"company ownership", "beneficial owners", "who owns companies"}, []string{"les bénéficiaires effectifs", "la propriété des entreprises", "les propriétaires des sociétés"}},
	{[]string{"subsidies to associations", "grants to nonprofits", "association funding"}, []string{"les subventions aux associations", "le financement des associations", "les aides aux associations"}},
	{[]string{"ministers' agendas", "the ministers' meetings", "ministerial diaries"}, []string{"les agendas des ministres", "les rendez-vous des ministres", "l'agenda ministériel"}},
	{[]string{"the police", "law enforcement", "police forces"}, []string{"la police", "les forces de l'ordre", "les policiers"}},
	{[]string{"elections", "electoral results", "voting"}, []string{"les élections", "les résultats électoraux", "le vote"}},
	{[]string{"public archives", "historical records", "archives"}, []string{"les archives publiques", "les archives historiques", "les archives"}},
	{[]string{"the civil service", "public servants", "civil servants"}, []string{"la fonction publique", "les fonctionnaires", "les agents publics"}},
	{[]string{"agriculture", "farming", "farmers"}, []string{"l'agriculture", "les agriculteurs", "l'élevage"}},
	{[]string{"energy", "electricity prices", "energy policy"}, []string{"l'énergie", "le prix de l'électricité", "la politique énergétique"}},
	{[]string{"water", "drinking water", "water quality"}, []string{"l'eau", "l'eau potable", "la qualité de l'eau"}},
	{[]string{"taxes", "taxation", "tax revenue"}, []string{"les impôts", "la fiscalité", "les recettes fiscales"}},
	{[]string{"pensions", "retirement", "retirees"}, []string{"les retraites", "la retraite", "les retraités"}},
	{[]string{"the digital identity", "online identity", "digital ID"}, []string{"l'identité numérique", "l'identité en ligne", "la carte d'identité numérique"}},
}

var aspects = []phrasing{
	{[]string{"open data on %s", "the publication of data about %s", "datasets on %s in open formats"}, []string{"les données ouvertes sur %s", "la publication des données sur %s", "les jeux de données ouverts sur %s"}},
	{[]string{"citizen participation in %s", "involving citizens in %s", "public consultation on %s"}, []string{"la participation citoyenne sur %s", "associer les citoyens sur %s", "la consultation du public sur %s"}},
	{[]string{"the accessibility of information on %s for disabled people", "accessible information about %s for people with disabilities"}, []string{"l'accessibilité des informations sur %s pour les personnes handicapées", "des informations accessibles sur %s aux personnes en situation de handicap"}},
	{[]string{"independent audits of %s", "external evaluation of %s", "an independent assessment of %s"}, []string{"des audits indépendants sur %s", "une évaluation externe de %s", "l'évaluation indépendante de %s"}},
	{[]string{"conflicts of interest in %s", "ethics rules for %s", "preventing conflicts of interest around %s"}, []string{"les conflits d'intérêts dans %s", "les règles déontologiques pour %s", "prévenir les conflits d'intérêts autour de %s"}},
	{[]string{"a public register of %s", "a searchable registry of %s", "a public list of %s"}, []string{"un registre public sur %s", "un répertoire consultable sur %s", "une liste publique sur %s"}},
	{[]string{"the deadlines for reforming %s", "the timetable of the reform of %s", "when the reform of %s happens"}, []string{"le calendrier de la réforme sur %s", "les échéances de la réforme de %s", "la date de la réforme de %s"}},
	{[]string{"whistleblower protection in %s", "protecting whistleblowers who report on %s", "safe reporting channels for %s"}, []string{"la protection des lanceurs d'alerte sur %s", "protéger les lanceurs d'alerte qui signalent %s", "des canaux de signalement sûrs pour %s"}},
	{[]string{"the cost of %s", "how much %s costs", "the price of %s for taxpayers"}, []string{"le coût de %s", "combien coûte %s", "le prix de %s pour les contribuables"}},
	{[]string{"corruption risks in %s", "fighting corruption in %s", "anti-corruption measures for %s"}, []string{"les risques de corruption dans %s", "la lutte contre la corruption dans %s", "les mesures anticorruption pour %s"}},
}

var templates = phrasing{
	[]string{
		"Will the government publish %s?", "When will we get %s?", "How will citizens be informed about %s?",
		"What is planned for %s?", "Can you commit to %s?", "Why is there nothing in the plan about %s?",
		"Is %s part of the action plan?", "Who is responsible for %s?", "%s: what are the next steps?",
		"What about %s?",
	},
	[]string{
		"Le gouvernement va-t-il publier %s ?", "Quand aurons-nous %s ?", "Comment les citoyens seront-ils informés sur %s ?",
		"Qu'est-ce qui est prévu pour %s ?", "Pouvez-vous vous engager sur %s ?", "Pourquoi rien dans le plan sur %s ?",
		"Est-ce que %s fait partie du plan d'action ?", "Qui est responsable de %s ?", "%s : quelles sont les prochaines étapes ?",
		"Et %s ?",
	},
}

// sample is a question of the corpus and its topic.
type sample struct {
	text  string
	topic int // subject*len(aspects) + aspect
}

// question writes a question about topic in language lang (0 English, 1
// French), with the template drawn from rng. A topic is mostly said the
// same way (its subject's and aspect's first wording after the topic's own
// shift: people in one room pick up each other's words), and one time in
// three one of the two in another way.
func question(rng *rand.Rand, topic, lang int) string {
	subj, asp := subjects[topic/len(aspects)], aspects[topic%len(aspects)]
	pick := func(p phrasing) []string {
		if lang == 0 {
			return p.en
		}
		return p.fr
	}
	ss, as, ts := pick(subj), pick(asp), pick(templates)
	si, ai := topic%len(ss), topic%len(as)
	switch rng.IntN(6) {
	case 0:
		si = rng.IntN(len(ss))
	case 1:
		ai = rng.IntN(len(as))
	}
	about := fmt.Sprintf(as[ai], ss[si])
	q := fmt.Sprintf(ts[rng.IntN(len(ts))], about)
	// The way people type on a phone: now and then no accents, no capital.
	if rng.IntN(4) == 0 {
		q = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "ç", "c").Replace(q)
	}
	if rng.IntN(3) == 0 {
		q = strings.ToLower(q)
	}
	return q
}

// corpus returns n published questions and the queries asked after them:
// dups whose topic was asked before (in the same language), fresh whose
// topic never was.
func corpus(seed uint64, n, dups, fresh int) (published, queries []sample) {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	topics := len(subjects) * len(aspects)
	// A third of the topics are never published: the fresh queries' own.
	order := rng.Perm(topics)
	asked, unasked := order[:topics*2/3], order[topics*2/3:]
	lang := make(map[int]int) // the language each published topic was asked in
	for range n {
		t := asked[rng.IntN(len(asked))]
		l, ok := lang[t]
		if !ok {
			l = rng.IntN(2)
			lang[t] = l
		}
		published = append(published, sample{question(rng, t, l), t})
	}
	for range dups {
		s := published[rng.IntN(len(published))]
		queries = append(queries, sample{question(rng, s.topic, lang[s.topic]), s.topic})
	}
	for range fresh {
		t := unasked[rng.IntN(len(unasked))]
		queries = append(queries, sample{question(rng, t, rng.IntN(2)), -1 - t})
	}
	return published, queries
}
