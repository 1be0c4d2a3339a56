package similar

import "strings"

// stop holds the words that say nothing of what a question is about, in
// French and English, folded (no accents): articles, pronouns,
// prepositions, auxiliaries, the words every question is asked with
// ("how", "pourquoi", "est-ce"), and politeness.
var stop = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(stopWords) {
		m[w] = true
	}
	return m
}()

const stopWords = `
a about above after again against all also am an and any are as at be
because been before being below between both but by can could did do does
doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom
why will with would you your yours yourself yourselves
get got make made many much may might must shall us let lets going
please thank thanks hello hi dear yes really think know want
ask asked question questions

au aux avec ce ces cet cette dans de des du elle elles en et eux il ils
je la le les leur leurs lui ma mais me meme mes moi mon ne nos notre nous
on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous c d j l m n s t y
ete etee etes etant suis es est sommes etes sont serai seras sera serons
serez seront serais serait serions seriez seraient etais etait etions
etiez etaient fus fut fumes futes furent sois soit soyons soyez soient
ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait
aurions auriez auraient avais avait avions aviez avaient eu eue eues eus
ayant avoir etre faire fait faut peut peuvent pouvez pourrait pourriez
pourquoi comment quand quel quelle quels quelles quoi ou combien
est-ce ceci cela ca celui celle ceux celles dont donc alors ainsi aussi
bien tres plus moins tout tous toute toutes autre autres chaque si sans
sous entre vers chez depuis pendant avant apres encore deja
merci bonjour svp question questions
`
