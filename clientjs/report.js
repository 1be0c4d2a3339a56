// The report page, /r/{code}: the public account of a meeting, built from
// GET /api/rooms/{code}/report (hub/archive.Report), printable on A4.
//
// The charts are SVG drawn here, readable in black and white: series are
// told apart by dashes and markers, bars by a hatch and an outline, and
// every figure has a table beside it. Text people typed goes in with
// textContent (dom.js h() and the svg() helper below), never as markup.
// Moderators (the key kept by the dashboard in sessionStorage under
// tribune:key:CODE) also get the full log and data package, fetched with
// the key in the X-Tribune-Key header.

import { h, replace, byId, pathCode } from './dom.js';
import { extend, t, lang, initI18n, onLangChange, charterRules } from './i18n.js';
import { languageSwitch } from './ui.js';
import { rightAnswer } from './protocol.js';

const strings = {
  en: {
    'report.title': 'Report: {title}',
    'report.print': 'Print or save as PDF',
    'report.loading': 'Loading the report…',
    'report.kicker': 'Meeting report',
    'report.notEnded': 'This meeting has not ended: the report will change.',
    'report.meta': 'Meeting {code} · {date} · {status}',
    'report.times': 'Started {start}, ended {end}',
    'report.summary': 'In figures',
    'report.attendance': 'Attendance',
    'report.questions': 'Questions',
    'report.polls': 'Polls',
    'report.agenda': 'Agenda',
    'report.ledger': 'Moderation ledger',
    'report.record': 'Verifiable record',
    'report.downloads': 'Downloads',
    'report.failed': 'The report could not be loaded.',
    'r.status.scheduled': 'not started',
    'r.status.live': 'live',
    'r.status.ended': 'ended',

    'r.fig.joined': 'Participants',
    'r.fig.peak': 'Peak attendance',
    'r.fig.interacted': 'Took part (asked, upvoted or voted)',
    'r.fig.asked': 'Questions asked',
    'r.fig.answered': 'Questions answered',
    'r.fig.refused': 'Questions refused',
    'r.fig.polls': 'Polls',
    'r.fig.ballots': 'Ballots cast',

    'r.att.summary': '{joined} participants joined: {room} in the room, {remote} remotely. Peak: {peak} present at {time} ({proom} in the room, {premote} remote).',
    'r.att.none': 'Nobody joined.',
    'r.att.hidden': 'The moderators hide attendance until the meeting ends.',
    'r.att.chart': 'People present over time, by channel',
    'r.att.total': 'Total',
    'r.att.room': 'In the room',
    'r.att.remote': 'Remote',
    'r.att.peak': 'Peak {n}',
    'r.att.time': 'Time',
    'r.att.table': 'Attendance figures',

    'r.q.summary': '{asked} asked · {answered} answered ({late} in writing after the meeting) · {unanswered} not answered · {pending} never moderated · {rejected} refused · {withdrawn} withdrawn · {merged} merged',
    'r.q.answered': 'Answered',
    'r.q.unanswered': 'Approved, not answered',
    'r.q.merged': 'Merged into another question',
    'r.q.unpublished': 'Not published',
    'r.q.unpublishedNote': 'Questions that moderation did not let through are counted, never quoted.',
    'r.q.refusedBy': 'Refused, by reason',
    'r.q.none': 'None.',
    'r.q.num': 'No.',
    'r.q.text': 'Question',
    'r.q.votes': 'Votes',
    'r.q.step': 'Step',
    'r.q.channel': 'From',
    'r.q.answer': 'Answer',
    'r.q.late': 'Written answer after the meeting',
    'r.q.status': 'Status',
    'r.q.count': 'Count',
    'r.q.reason': 'Reason',
    'r.q.into': 'Merged into',
    'r.q.noAnswer': 'Answered live, no written answer.',
    'r.qs.pending': 'Never moderated',
    'r.qs.rejected': 'Refused',
    'r.qs.withdrawn': 'Withdrawn by the author',
    'r.qs.merged': 'Merged, not published',
    'r.reason.duplicate': 'Duplicate',
    'r.reason.off-topic': 'Off topic',
    'r.reason.abusive': 'Abusive',
    'r.reason.already-answered': 'Already answered',
    'r.reason.other': 'Other',

    'r.poll.none': 'No poll was run.',
    'r.poll.kind.single': 'Single choice',
    'r.poll.kind.multiple': 'Multiple choice',
    'r.poll.kind.rating': 'Rating',
    'r.poll.kind.open': 'Open answers (word counts)',
    'r.poll.kind.ranking': 'Ranking (Borda count)',
    'r.poll.kind.points': 'Points to spread',
    'r.poll.borda': 'Borda points',
    'r.poll.firsts': 'Ranked first',
    'r.poll.points': 'Points',
    'r.poll.voters': 'People giving points',
    'r.poll.bordaNote': 'With {n} options, a first place is worth {top} points, each place below one fewer; an option left out of a partial ranking gets 0.',
    'r.poll.budgetNote': 'Each person spread up to {budget} points, at most {max} per option.',
    'r.poll.meta': '{kind} · {ballots} · {status}',
    'r.poll.ballots': { one: '{n} ballot', other: '{n} ballots' },
    'r.poll.hidden': 'The moderators kept the results of this poll hidden.',
    'r.poll.option': 'Option',
    'r.poll.word': 'Word',
    'r.poll.value': 'Rating',
    'r.poll.count': 'Votes',
    'r.poll.uses': 'Answers using it',
    'r.poll.percent': 'Share',
    'r.poll.avg': 'Average {avg} out of {scale}',
    'r.poll.chart': 'Results of “{title}”',
    'r.poll.status.open': 'still open',
    'r.poll.status.closed': 'closed',
    'r.poll.status.draft': 'draft',

    'r.agenda.none': 'The meeting had no agenda.',
    'r.agenda.when': 'Current: {spans}',
    'r.agenda.never': 'Never the current step while the meeting was live.',
    'r.agenda.questions': { one: '{n} question asked', other: '{n} questions asked' },
    'r.agenda.polls': 'Polls: {list}',
    'r.agenda.open': 'until the end',
    'r.agenda.outcome': 'Outcome:',
    'report.floor': 'Speakers',
    'r.floor.none': 'Nobody asked to speak.',
    'r.floor.n': 'Request',
    'r.floor.who': 'From where',
    'r.floor.topic': 'Topic',
    'r.floor.status': 'Outcome',
    'r.floor.when': 'Spoke',
    'r.floor.waiting': 'still waiting',
    'r.floor.speaking': 'speaking',
    'r.floor.done': 'spoke',
    'r.floor.withdrawn': 'withdrew',
    'r.floor.dropped': 'taken off the line',
    'r.poll.right': 'Quiz: the right answer was {answer}.',

    'r.ledger.none': 'No moderator action.',
    'r.ledger.event': 'Event',
    'r.ledger.time': 'Time',
    'r.ledger.action': 'Action',
    'r.ledger.object': 'On',
    'r.ledger.reason': 'Reason',
    'r.ledger.note': 'Note',
    'r.ledger.question': 'question {n}',
    'r.ledger.poll': 'poll {n}',
    'r.ledger.idea': 'idea {n}',
    'r.ledger.board': 'ideas board {n}',
    'r.i.summary': '{submitted} ideas submitted: {live} published, {merged} merged, {rejected} refused, {pending} never moderated.',
    'r.i.board': 'Board {n}: {prompt}',
    'r.i.idea': 'Idea',
    'r.i.poll': 'Became poll option',
    'r.i.merged': 'Merged into',
    'r.i.unpublishedNote': 'Ideas that moderation did not let through are counted, never quoted.',
    'r.ledger.floor': 'request to speak {n}',
    'r.ledger.by': 'By',
    'r.ledger.seat': 'link {n}',
    'r.team': 'The moderation team: {list}.',
    'r.team.revoked': '{name} (revoked)',
    'r.charter': 'The moderation rules',
    'r.ledger.rule': 'rule {n}',

    'r.record.text': 'This report is computed from the meeting’s log of {n} events. Each event carries the hash of the one before, so the log can be checked end to end with “tribune verify”.',
    'r.record.head': 'Hash of the last event',
    'r.record.digest': 'Digest of the final state',

    'r.dl.open': 'Open data (CSV tables, Table Schemas, datapackage.json)',
    'r.dl.openExcel': 'Open data with Excel-ready copies (UTF-8 with BOM)',
    'r.dl.json': 'This report as JSON',
    'r.dl.mod': 'For moderators',
    'r.dl.log': 'Full log with its hash chain (JSON)',
    'r.dl.full': 'Full data package (participant ids, every text)',
    'r.dl.privacy': 'Open data carries no participant id and no text that moderation did not let through.',
    'r.dl.busy': 'Preparing the download…',
    'r.dl.done': 'Download ready.',
    'r.dl.denied': 'The moderator key was refused.',
    'r.dl.failed': 'The download failed.',
  },
  fr: {
    'report.title': 'Compte rendu : {title}',
    'report.print': 'Imprimer ou enregistrer en PDF',
    'report.loading': 'Chargement du compte rendu…',
    'report.kicker': 'Compte rendu de réunion',
    'report.notEnded': 'Cette réunion n’est pas terminée : le compte rendu peut encore changer.',
    'report.meta': 'Réunion {code} · {date} · {status}',
    'report.times': 'Début {start}, fin {end}',
    'report.summary': 'En chiffres',
    'report.attendance': 'Participation',
    'report.questions': 'Questions',
    'report.polls': 'Sondages',
    'report.agenda': 'Ordre du jour',
    'report.ledger': 'Journal de modération',
    'report.record': 'Registre vérifiable',
    'report.downloads': 'Téléchargements',
    'report.failed': 'Le compte rendu n’a pas pu être chargé.',
    'r.status.scheduled': 'pas commencée',
    'r.status.live': 'en cours',
    'r.status.ended': 'terminée',

    'r.fig.joined': 'Participants',
    'r.fig.peak': 'Affluence maximale',
    'r.fig.interacted': 'Ont contribué (question, vote)',
    'r.fig.asked': 'Questions posées',
    'r.fig.answered': 'Questions traitées',
    'r.fig.refused': 'Questions refusées',
    'r.fig.polls': 'Sondages',
    'r.fig.ballots': 'Votes exprimés',

    'r.att.summary': '{joined} participants : {room} dans la salle, {remote} à distance. Maximum : {peak} présents à {time} ({proom} dans la salle, {premote} à distance).',
    'r.att.none': 'Personne ne s’est connecté.',
    'r.att.hidden': 'Les modérateurs masquent la participation jusqu’à la fin de la réunion.',
    'r.att.chart': 'Personnes présentes au fil du temps, par canal',
    'r.att.total': 'Total',
    'r.att.room': 'Dans la salle',
    'r.att.remote': 'À distance',
    'r.att.peak': 'Maximum {n}',
    'r.att.time': 'Heure',
    'r.att.table': 'Chiffres de participation',

    'r.q.summary': '{asked} posées · {answered} traitées ({late} par écrit après la réunion) · {unanswered} sans réponse · {pending} jamais modérées · {rejected} refusées · {withdrawn} retirées · {merged} fusionnées',
    'r.q.answered': 'Questions traitées',
    'r.q.unanswered': 'Approuvées, sans réponse',
    'r.q.merged': 'Fusionnées avec une autre question',
    'r.q.unpublished': 'Non publiées',
    'r.q.unpublishedNote': 'Les questions que la modération n’a pas retenues sont comptées, jamais citées.',
    'r.q.refusedBy': 'Refus, par motif',
    'r.q.none': 'Aucune.',
    'r.q.num': 'N°',
    'r.q.text': 'Question',
    'r.q.votes': 'Votes',
    'r.q.step': 'Étape',
    'r.q.channel': 'Origine',
    'r.q.answer': 'Réponse',
    'r.q.late': 'Réponse écrite après la réunion',
    'r.q.status': 'Statut',
    'r.q.count': 'Nombre',
    'r.q.reason': 'Motif',
    'r.q.into': 'Fusionnée avec',
    'r.q.noAnswer': 'Traitée en séance, sans réponse écrite.',
    'r.qs.pending': 'Jamais modérées',
    'r.qs.rejected': 'Refusées',
    'r.qs.withdrawn': 'Retirées par leur auteur',
    'r.qs.merged': 'Fusionnées, non publiées',
    'r.reason.duplicate': 'Doublon',
    'r.reason.off-topic': 'Hors sujet',
    'r.reason.abusive': 'Propos abusifs',
    'r.reason.already-answered': 'Déjà traitée',
    'r.reason.other': 'Autre',

    'r.poll.none': 'Aucun sondage.',
    'r.poll.kind.single': 'Choix unique',
    'r.poll.kind.multiple': 'Choix multiple',
    'r.poll.kind.rating': 'Note',
    'r.poll.kind.open': 'Réponses libres (nombre de mots)',
    'r.poll.kind.ranking': 'Classement (méthode Borda)',
    'r.poll.kind.points': 'Points à répartir',
    'r.poll.borda': 'Points Borda',
    'r.poll.firsts': 'Classé premier',
    'r.poll.points': 'Points',
    'r.poll.voters': 'Personnes ayant donné des points',
    'r.poll.bordaNote': 'Avec {n} options, une première place vaut {top} points, chaque place suivante un de moins ; une option absente d’un classement partiel obtient 0.',
    'r.poll.budgetNote': 'Chaque personne a réparti au plus {budget} points, au plus {max} par option.',
    'r.poll.meta': '{kind} · {ballots} · {status}',
    'r.poll.ballots': { one: '{n} vote', other: '{n} votes' },
    'r.poll.hidden': 'Les modérateurs ont gardé les résultats de ce sondage confidentiels.',
    'r.poll.option': 'Option',
    'r.poll.word': 'Mot',
    'r.poll.value': 'Note',
    'r.poll.count': 'Votes',
    'r.poll.uses': 'Réponses qui l’emploient',
    'r.poll.percent': 'Part',
    'r.poll.avg': 'Moyenne {avg} sur {scale}',
    'r.poll.chart': 'Résultats de « {title} »',
    'r.poll.status.open': 'encore ouvert',
    'r.poll.status.closed': 'clos',
    'r.poll.status.draft': 'brouillon',

    'r.agenda.none': 'La réunion n’avait pas d’ordre du jour.',
    'r.agenda.when': 'En cours : {spans}',
    'r.agenda.never': 'Jamais en cours pendant la réunion.',
    'r.agenda.questions': { one: '{n} question posée', other: '{n} questions posées' },
    'r.agenda.polls': 'Sondages : {list}',
    'r.agenda.open': 'jusqu’à la fin',
    'r.agenda.outcome': 'Résultat :',
    'report.floor': 'Prises de parole',
    'r.floor.none': 'Personne n’a demandé la parole.',
    'r.floor.n': 'Demande',
    'r.floor.who': 'D’où',
    'r.floor.topic': 'Sujet',
    'r.floor.status': 'Suite donnée',
    'r.floor.when': 'Intervention',
    'r.floor.waiting': 'toujours en attente',
    'r.floor.speaking': 'à la parole',
    'r.floor.done': 'est intervenu',
    'r.floor.withdrawn': 'a retiré sa demande',
    'r.floor.dropped': 'retiré de la file',
    'r.poll.right': 'Quiz : la bonne réponse était {answer}.',

    'r.ledger.none': 'Aucune action de modération.',
    'r.ledger.event': 'Événement',
    'r.ledger.time': 'Heure',
    'r.ledger.action': 'Action',
    'r.ledger.object': 'Objet',
    'r.ledger.reason': 'Motif',
    'r.ledger.note': 'Note',
    'r.ledger.question': 'question {n}',
    'r.ledger.poll': 'sondage {n}',
    'r.ledger.idea': 'idée {n}',
    'r.ledger.board': 'boîte à idées {n}',
    'r.i.summary': '{submitted} idées proposées : {live} publiées, {merged} fusionnées, {rejected} refusées, {pending} jamais modérées.',
    'r.i.board': 'Boîte {n} : {prompt}',
    'r.i.idea': 'Idée',
    'r.i.poll': 'Devenue option de sondage',
    'r.i.merged': 'Fusionnée avec',
    'r.i.unpublishedNote': 'Les idées que la modération n’a pas retenues sont comptées, jamais citées.',
    'r.ledger.floor': 'demande de parole {n}',
    'r.ledger.by': 'Par',
    'r.ledger.seat': 'lien {n}',
    'r.team': 'L’équipe de modération : {list}.',
    'r.team.revoked': '{name} (révoqué)',
    'r.charter': 'Les règles de modération',
    'r.ledger.rule': 'règle {n}',

    'r.record.text': 'Ce compte rendu est calculé à partir du journal de la réunion ({n} événements). Chaque événement porte l’empreinte du précédent : le journal se vérifie de bout en bout avec « tribune verify ».',
    'r.record.head': 'Empreinte du dernier événement',
    'r.record.digest': 'Empreinte de l’état final',

    'r.dl.open': 'Données ouvertes (tables CSV, Table Schema, datapackage.json)',
    'r.dl.openExcel': 'Données ouvertes avec copies pour Excel (UTF-8 avec BOM)',
    'r.dl.json': 'Ce compte rendu en JSON',
    'r.dl.mod': 'Pour les modérateurs',
    'r.dl.log': 'Journal complet et sa chaîne d’empreintes (JSON)',
    'r.dl.full': 'Données complètes (identifiants de participants, tous les textes)',
    'r.dl.privacy': 'Les données ouvertes ne contiennent aucun identifiant de participant ni aucun texte non retenu par la modération.',
    'r.dl.busy': 'Préparation du téléchargement…',
    'r.dl.done': 'Téléchargement prêt.',
    'r.dl.denied': 'La clé de modération a été refusée.',
    'r.dl.failed': 'Le téléchargement a échoué.',
  },
};

// The page's strings join the shared dictionaries, under their own prefixes
// (report., r.): extend keeps every shared key, so they change nothing the
// shared modules show (clientjs/test/i18n.test.js checks none is lost).
extend(strings);

const opNames = {
  en: {
    'room.edit': 'Meeting details edited', 'room.settings': 'Settings changed', 'room.start': 'Meeting started',
    'room.end': 'Meeting ended', 'agenda.set': 'Agenda changed', 'agenda.goto': 'Agenda step changed', 'agenda.outcome': 'Step outcome written',
    'floor.call': 'Floor given', 'floor.done': 'Speech ended', 'floor.drop': 'Request to speak taken off the line',
    'announce': 'Announcement', 'question.approve': 'Question approved', 'question.reject': 'Question refused',
    'ideas.open': 'Ideas board opened', 'ideas.close': 'Ideas board closed', 'idea.approve': 'Idea approved',
    'idea.reject': 'Idea refused', 'idea.merge': 'Ideas merged', 'idea.poll': 'Poll made of ideas',
    'question.answer': 'Question answered', 'question.reopen': 'Question reopened', 'question.highlight': 'Question highlighted',
    'question.pin': 'Question pinned or unpinned', 'question.archive': 'Question archived', 'question.restore': 'Question restored',
    'question.merge': 'Questions merged', 'poll.create': 'Poll created', 'poll.edit': 'Poll edited', 'poll.delete': 'Poll deleted',
    'poll.open': 'Poll opened', 'poll.close': 'Poll closed', 'poll.visibility': 'Poll visibility changed',
    'poll.lock': 'Poll ballots locked or unlocked', 'poll.show': 'Poll shown on the screen',
    'team.add': 'Moderator link handed out', 'team.revoke': 'Moderator link revoked', 'room.charter': 'Moderation rules changed',
    'room.recording': 'Recording given',
  },
  fr: {
    'room.edit': 'Réunion modifiée', 'room.settings': 'Réglages modifiés', 'room.start': 'Début de la réunion',
    'room.end': 'Fin de la réunion', 'agenda.set': 'Ordre du jour modifié', 'agenda.goto': 'Changement d’étape', 'agenda.outcome': 'Résultat d’étape rédigé',
    'floor.call': 'Parole donnée', 'floor.done': 'Fin d’intervention', 'floor.drop': 'Demande de parole retirée de la file',
    'announce': 'Annonce', 'question.approve': 'Question approuvée', 'question.reject': 'Question refusée',
    'ideas.open': 'Boîte à idées ouverte', 'ideas.close': 'Boîte à idées fermée', 'idea.approve': 'Idée approuvée',
    'idea.reject': 'Idée refusée', 'idea.merge': 'Idées fusionnées', 'idea.poll': 'Sondage créé à partir d’idées',
    'question.answer': 'Question traitée', 'question.reopen': 'Question rouverte', 'question.highlight': 'Question mise en avant',
    'question.pin': 'Question épinglée ou désépinglée', 'question.archive': 'Question archivée', 'question.restore': 'Question restaurée',
    'question.merge': 'Questions fusionnées', 'poll.create': 'Sondage créé', 'poll.edit': 'Sondage modifié', 'poll.delete': 'Sondage supprimé',
    'poll.open': 'Sondage ouvert', 'poll.close': 'Sondage clos', 'poll.visibility': 'Visibilité du sondage modifiée',
    'poll.lock': 'Votes verrouillés ou déverrouillés', 'poll.show': 'Sondage affiché à l’écran',
    'team.add': 'Lien de modération remis', 'team.revoke': 'Lien de modération révoqué', 'room.charter': 'Règles de modération modifiées',
    'room.recording': 'Enregistrement indiqué',
  },
};

const code = pathCode();
const keyStore = `tribune:key:${code}`;
const api = `/api/rooms/${encodeURIComponent(code)}`;

/** @type {any} the Report, once loaded */
let report = null;

// ---------------------------------------------------------------------------
// Formatting.

function dateOf(ms) {
  return new Date(ms).toLocaleDateString(lang(), { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

function timeOf(ms, seconds = false) {
  return new Date(ms).toLocaleTimeString(lang(), { hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined });
}

function num(n) {
  return new Intl.NumberFormat(lang()).format(n);
}

function percent(n, total) {
  return total > 0 ? Math.round((100 * n) / total) : 0;
}

// ---------------------------------------------------------------------------
// SVG.

const svgNS = 'http://www.w3.org/2000/svg';

/**
 * Builds an SVG element: attributes set with setAttribute, `text` as
 * textContent, children appended.
 */
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) el.appendChild(c);
  return el;
}

let chartSeq = 0; // unique ids for patterns and titles

/** A hatch pattern, readable in black and white; returns its id. */
function hatch(defs) {
  const id = `hatch-${++chartSeq}`;
  defs.append(svg('pattern', { id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    svg('rect', { width: 6, height: 6, class: 'hatch-bg' }),
    svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' })));
  return id;
}

/** A table from a header row and body rows of cells (strings or nodes). */
function table(caption, head, rows, cls) {
  return h('table', { class: ['data', cls] },
    caption ? h('caption', { text: caption }) : null,
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))));
}

// ---------------------------------------------------------------------------
// Attendance.

/**
 * The attendance chart: presence is a step function of time, one line per
 * channel (total solid, in the room dashed, remote dotted, each with its
 * own marker in the legend), the peak marked and labelled.
 */
function attendanceChart(a, from, to) {
  const W = 720, H = 260, left = 44, right = 16, top = 24, bottom = 40;
  const pts = a.series;
  const t0 = Math.min(from || pts[0].at, pts[0].at);
  const t1 = Math.max(to || pts[pts.length - 1].at, pts[pts.length - 1].at, t0 + 60_000);
  const yTicks = niceTicks(Math.max(1, a.peak));
  const ymax = yTicks[yTicks.length - 1];
  const x = (tm) => left + ((tm - t0) / (t1 - t0)) * (W - left - right);
  const y = (n) => top + (1 - n / ymax) * (H - top - bottom);
  const titleId = `chart-title-${++chartSeq}`;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart attendance-chart', role: 'img', 'aria-labelledby': titleId },
    svg('title', { id: titleId, text: `${t('r.att.chart')}. ${t('r.att.peak', { n: a.peak })}` }));

  // Axes, grid and ticks.
  for (const v of yTicks) {
    root.append(svg('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: 'grid' }),
      svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick', text: num(v) }));
  }
  // Time ticks: seconds shown when the span is short, the end labels kept
  // inside the frame.
  const short = t1 - t0 < 10 * 60_000;
  const n = short ? 4 : 6;
  for (let i = 0; i <= n; i++) {
    const tm = t0 + ((t1 - t0) * i) / n;
    const anchor = i === 0 ? 'start' : i === n ? 'end' : 'middle';
    root.append(svg('line', { x1: x(tm), x2: x(tm), y1: H - bottom, y2: H - bottom + 4, class: 'axis' }),
      svg('text', { x: x(tm), y: H - bottom + 18, 'text-anchor': anchor, class: 'tick', text: timeOf(tm, short) }));
  }
  root.append(svg('line', { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, class: 'axis' }),
    svg('line', { x1: left, x2: left, y1: top, y2: H - bottom, class: 'axis' }));

  // Step lines: the value holds until the next change, and to the end.
  const line = (value, cls) => {
    let d = `M${x(t0)},${y(0)}`;
    for (const p of pts) d += ` H${x(p.at)} V${y(value(p))}`;
    d += ` H${x(t1)}`;
    return svg('path', { d, class: `series ${cls}` });
  };
  root.append(line((p) => p.room + p.remote, 'total'), line((p) => p.room, 'room'), line((p) => p.remote, 'remote'));

  // The peak.
  if (a.peak > 0 && a.peakAt) {
    const px = x(a.peakAt), py = y(a.peak);
    const anchor = px > W - 140 ? 'end' : 'start';
    root.append(svg('circle', { cx: px, cy: py, r: 5, class: 'peak-mark' }),
      svg('text', { x: px + (anchor === 'end' ? -9 : 9), y: py - 8, 'text-anchor': anchor, class: 'peak-label',
        text: `${t('r.att.peak', { n: a.peak })} · ${timeOf(a.peakAt)}` }));
  }

  // The legend: a sample of each line, with its name.
  const legend = svg('g', { class: 'legend', transform: `translate(${left + 8},${H - 8})` });
  [['total', 'r.att.total'], ['room', 'r.att.room'], ['remote', 'r.att.remote']].forEach(([cls, key], i) => {
    const gx = i * 170;
    legend.append(svg('line', { x1: gx, x2: gx + 34, y1: -4, y2: -4, class: `series ${cls}` }),
      svg('text', { x: gx + 40, y: 0, class: 'tick', text: t(key) }));
  });
  root.append(legend);
  return root;
}

/** About five round values from 0 to at least max. */
function niceTicks(max) {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || mag);
  const out = [];
  for (let v = 0; v <= max; v += step) out.push(v);
  if (out[out.length - 1] < max) out.push(out[out.length - 1] + step);
  return out;
}

function renderAttendance(r) {
  const a = r.attendance;
  const body = byId('attendance-body');
  if (a.hidden) {
    replace(body, h('p', { text: t('r.att.hidden') }));
    return;
  }
  if (a.joined === 0 || a.series.length === 0) {
    replace(body, h('p', { text: t('r.att.none') }));
    return;
  }
  // The table keeps a row per change when there are few, else samples.
  const step = Math.max(1, Math.ceil(a.series.length / 40));
  const rows = a.series.filter((_, i) => i % step === 0 || i === a.series.length - 1)
    .map((p) => [timeOf(p.at), num(p.room), num(p.remote), num(p.room + p.remote)]);
  replace(body,
    h('p', { text: t('r.att.summary', {
      joined: num(a.joined), room: num(a.joinedInRoom), remote: num(a.joinedRemote), peak: num(a.peak),
      time: a.peakAt ? timeOf(a.peakAt) : '-', proom: num(a.peakInRoom), premote: num(a.peakRemote),
    }) }),
    h('figure', { class: 'chart-figure' },
      attendanceChart(a, r.startedAt || r.createdAt, r.endedAt),
      h('figcaption', { text: t('r.att.chart') })),
    h('details', { class: 'chart-data' },
      h('summary', { text: t('r.att.table') }),
      table('', [t('r.att.time'), t('r.att.room'), t('r.att.remote'), t('r.att.total')], rows)));
}

// ---------------------------------------------------------------------------
// Questions.

function stepLabel(r, i) {
  return i >= 0 && i < r.agenda.length ? `${i + 1}. ${r.agenda[i].title}` : '';
}

function renderQuestions(r) {
  const q = r.questions;
  const body = byId('questions-body');
  const byStatus = (s) => q.list.filter((x) => x.status === s && x.public);
  const answered = byStatus('answered');
  const live = byStatus('live');
  const merged = byStatus('merged');

  const answerCell = (x) => h('div', {},
    x.answer ? h('p', { class: 'answer-text', text: x.answer }) : h('p', { class: 'hint', text: t('r.q.noAnswer') }),
    x.late ? h('p', { class: 'badge late', text: `${t('r.q.late')} (${dateOf(x.answeredAt)})` }) : null,
    recordingLink(x.recording));

  const section = (title, list, head, row) => [
    h('h3', { text: `${title} (${num(list.length)})` }),
    list.length === 0 ? h('p', { class: 'hint', text: t('r.q.none') }) : table('', head, list.map(row), 'questions-table'),
  ];

  const unpublished = [
    ['r.qs.pending', q.pending], ['r.qs.rejected', q.rejected], ['r.qs.withdrawn', q.withdrawn],
    ['r.qs.merged', q.list.filter((x) => x.status === 'merged' && !x.public).length],
  ];
  const reasons = Object.keys(q.refused);
  const order = ['duplicate', 'off-topic', 'abusive', 'already-answered', 'other'];
  reasons.sort((a, b) => order.indexOf(a) - order.indexOf(b));

  replace(body,
    h('p', { text: t('r.q.summary', {
      asked: num(q.asked), answered: num(q.answered), late: num(q.late), unanswered: num(q.unanswered),
      pending: num(q.pending), rejected: num(q.rejected), withdrawn: num(q.withdrawn), merged: num(q.merged),
    }) }),
    section(t('r.q.answered'), answered, [t('r.q.num'), t('r.q.text'), t('r.q.votes'), t('r.q.step'), t('r.q.answer')],
      (x) => [String(x.id), h('span', { class: 'question-text', text: x.text }), num(x.votes), stepLabel(r, x.step), answerCell(x)]),
    section(t('r.q.unanswered'), live, [t('r.q.num'), t('r.q.text'), t('r.q.votes'), t('r.q.step')],
      (x) => [String(x.id), h('span', { class: 'question-text', text: x.text }), num(x.votes), stepLabel(r, x.step)]),
    merged.length ? section(t('r.q.merged'), merged, [t('r.q.num'), t('r.q.text'), t('r.q.into')],
      (x) => [String(x.id), h('span', { class: 'question-text', text: x.text }), String(x.mergedInto)]) : null,
    h('h3', { text: t('r.q.unpublished') }),
    h('p', { class: 'hint', text: t('r.q.unpublishedNote') }),
    table('', [t('r.q.status'), t('r.q.count')], unpublished.map(([k, n]) => [t(k), num(n)]), 'compact'),
    h('h3', { text: t('r.q.refusedBy') }),
    table('', [t('r.q.reason'), t('r.q.count')], reasons.map((k) => [t(`r.reason.${k}`), num(q.refused[k])]), 'compact'));
}

// ---------------------------------------------------------------------------
// Ideas (hub/archive/ideas.go): like questions, quoted only once published.

function renderIdeas(r) {
  const x = r.ideas;
  byId('ideas').hidden = !x;
  if (!x) return;
  const order = ['duplicate', 'off-topic', 'abusive', 'already-answered', 'other'];
  const refused = order.filter((k) => x.refused[k] > 0);
  replace(byId('ideas-body'),
    h('p', { text: t('r.i.summary', { submitted: num(x.submitted), live: num(x.live), merged: num(x.merged), rejected: num(x.rejected), pending: num(x.pending) }) }),
    x.boards.map((b) => {
      const list = x.list.filter((i) => i.board === b.id && i.public).sort((a, c) => c.votes - a.votes || a.id - c.id);
      return [
        h('h3', { text: t('r.i.board', { n: b.id, prompt: b.prompt }) }),
        h('p', { class: 'hint', text: `${stepLabel(r, b.step) || t('ideas.wholeMeeting')} · ${timeOf(b.at)}${b.closedAt ? `–${timeOf(b.closedAt)}` : ''}` }),
        list.length === 0 ? h('p', { class: 'hint', text: t('r.q.none') })
          : table('', [t('r.q.num'), t('r.i.idea'), t('r.q.votes'), t('r.i.poll'), t('r.i.merged')], list.map((i) => [
            String(i.id),
            h('div', {}, h('strong', { class: 'question-text', text: i.title }), i.text ? h('p', { class: 'question-text', text: i.text }) : null),
            num(i.votes), i.poll ? t('r.ledger.poll', { n: i.poll }) : '', i.mergedInto ? `#${i.mergedInto}` : '',
          ]), 'questions-table ideas-table'),
      ];
    }),
    h('p', { class: 'hint', text: t('r.i.unpublishedNote') }),
    refused.length ? table('', [t('r.q.reason'), t('r.q.count')], refused.map((k) => [t(`r.reason.${k}`), num(x.refused[k])]), 'compact') : null);
}

// ---------------------------------------------------------------------------
// Polls.

/** Rows {label, count} of a poll's results, in display order. */
function pollRows(p) {
  const res = p.results;
  if (p.kind === 'open') return (res.words || []).slice(0, 20).map((w) => ({ label: w.word, count: w.count }));
  const tally = res.tally || [];
  if (p.kind === 'rating') return tally.map((n, i) => ({ label: String(i + 1), count: n }));
  const other = (p.kind === 'ranking' ? res.first : p.kind === 'points' ? res.voters : null) || [];
  return (p.options || []).map((o, i) => ({ label: o, count: tally[i] || 0, other: other[i] || 0 }));
}

/**
 * A horizontal bar chart: hatched bars with an outline, the count and share
 * written at the end of each, so that nothing depends on colour.
 */
function barChart(p, rows) {
  const total = p.kind === 'multiple' || p.kind === 'open' ? p.ballots : rows.reduce((s, r) => s + r.count, 0);
  const max = Math.max(1, ...rows.map((r) => r.count));
  const W = 720, rowH = 28, labelW = 220, valueW = 110, top = 6;
  const H = top * 2 + rows.length * rowH;
  const titleId = `chart-title-${++chartSeq}`;
  const defs = svg('defs');
  const pattern = hatch(defs);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart bar-chart', role: 'img', 'aria-labelledby': titleId },
    svg('title', { id: titleId, text: t('r.poll.chart', { title: p.title }) }), defs);
  const barMax = W - labelW - valueW;
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = (r.count / max) * barMax;
    const label = r.label.length > 34 ? `${r.label.slice(0, 33)}…` : r.label;
    root.append(
      svg('text', { x: labelW - 8, y: y + rowH / 2 + 5, 'text-anchor': 'end', class: 'bar-label', text: label }),
      svg('rect', { x: labelW, y: y + 4, width: barMax, height: rowH - 8, class: 'bar-track' }),
      svg('rect', { x: labelW, y: y + 4, width: Math.max(w, r.count > 0 ? 1 : 0), height: rowH - 8, class: 'bar', fill: `url(#${pattern})` }),
      svg('text', { x: labelW + barMax + 8, y: y + rowH / 2 + 5, class: 'bar-value',
        text: p.kind === 'open' ? num(r.count) : `${num(r.count)} (${percent(r.count, total)} %)` }));
  });
  return root;
}

function renderPolls(r) {
  const body = byId('polls-body');
  if (r.polls.length === 0) {
    replace(body, h('p', { text: t('r.poll.none') }));
    return;
  }
  replace(body, r.polls.map((p) => {
    const meta = t('r.poll.meta', {
      kind: t(`r.poll.kind.${p.kind}`), ballots: t('r.poll.ballots', { n: p.ballots }), status: t(`r.poll.status.${p.status}`),
    });
    const parts = [h('h3', { text: `${p.id}. ${p.title}` }), h('p', { class: 'poll-meta' }, meta,
      p.step >= 0 ? ` · ${stepLabel(r, p.step)}` : '')];
    if (p.correct && p.correct.length) {
      parts.push(h('p', { class: 'quiz', text: t('r.poll.right', { answer: rightAnswer(p) }) }));
    }
    if (!p.results) {
      parts.push(h('p', { class: 'notice', text: t('r.poll.hidden') }));
    } else {
      const rows = pollRows(p);
      const total = p.kind === 'multiple' || p.kind === 'open' ? p.ballots : rows.reduce((s, x) => s + x.count, 0);
      if (p.kind === 'rating' && p.ballots > 0) {
        parts.push(h('p', { class: 'average', text: t('r.poll.avg', { avg: (p.results.average || 0).toFixed(1), scale: p.scale }) }));
      }
      if (p.kind === 'ranking') {
        const n = (p.options || []).length;
        parts.push(h('p', { class: 'average', text: t('r.poll.bordaNote', { n, top: n - 1 }) }));
      }
      if (p.kind === 'points') {
        parts.push(h('p', { class: 'average', text: t('r.poll.budgetNote', { budget: p.budget || 0, max: p.max || p.budget || 0 }) }));
      }
      if (rows.length > 0 && (p.kind === 'ranking' || p.kind === 'points')) {
        // The score, then first places (ranking) or people (points).
        const head = p.kind === 'ranking'
          ? [t('r.poll.option'), t('r.poll.borda'), t('r.poll.firsts')]
          : [t('r.poll.option'), t('r.poll.points'), t('r.poll.voters')];
        parts.push(h('figure', { class: 'chart-figure' }, barChart(p, rows), h('figcaption', { text: t('r.poll.chart', { title: p.title }) })));
        parts.push(table('', head, rows.map((x) => [x.label, num(x.count), num(x.other)]), 'compact poll-table'));
      } else if (rows.length > 0) {
        parts.push(h('figure', { class: 'chart-figure' }, barChart(p, rows), h('figcaption', { text: t('r.poll.chart', { title: p.title }) })));
        const first = p.kind === 'open' ? t('r.poll.word') : p.kind === 'rating' ? t('r.poll.value') : t('r.poll.option');
        const head = p.kind === 'open' ? [first, t('r.poll.uses')] : [first, t('r.poll.count'), t('r.poll.percent')];
        parts.push(table('', head, rows.map((x) => (p.kind === 'open' ? [x.label, num(x.count)]
          : [x.label, num(x.count), `${percent(x.count, total)} %`])), 'compact poll-table'));
      }
    }
    return h('div', { class: 'poll-block' }, parts);
  }));
}

// ---------------------------------------------------------------------------
// Agenda and ledger.

function renderAgenda(r) {
  const body = byId('agenda-body');
  if (r.agenda.length === 0) {
    replace(body, h('p', { text: t('r.agenda.none') }));
    return;
  }
  const pollTitle = (id) => (r.polls.find((p) => p.id === id) || { title: `#${id}` }).title;
  replace(body, h('ol', { class: 'agenda-steps' }, r.agenda.map((s) => h('li', {},
    h('h3', { text: s.title }),
    h('p', { text: s.spans.length
      ? t('r.agenda.when', { spans: s.spans.map((sp) => `${timeOf(sp.from)}–${sp.to ? timeOf(sp.to) : t('r.agenda.open')}`).join(', ') })
      : t('r.agenda.never') }),
    h('p', { text: t('r.agenda.questions', { n: s.questions.length })
      + (s.questions.length ? ` (${s.questions.map((id) => `#${id}`).join(', ')})` : '') }),
    s.polls.length ? h('p', { text: t('r.agenda.polls', { list: s.polls.map(pollTitle).join(' · ') }) }) : null,
    s.outcome ? h('p', { class: 'outcome' }, h('strong', { text: t('r.agenda.outcome') }), ' ', s.outcome) : null))));
}

function renderFloor(r) {
  const body = byId('floor-body');
  const floor = r.floor || [];
  if (floor.length === 0) {
    replace(body, h('p', { text: t('r.floor.none') }));
    return;
  }
  const rows = floor.map((f) => [
    String(f.id), t(`channel.${f.channel}`), f.topic || '',
    t(`r.floor.${f.status}`), h('span', {}, f.calledAt ? `${timeOf(f.calledAt)}–${f.doneAt ? timeOf(f.doneAt) : t('r.agenda.open')}` : '',
      f.recording ? [' ', recordingLink(f.recording)] : null),
  ]);
  replace(body, table('', [t('r.floor.n'), t('r.floor.who'), t('r.floor.topic'), t('r.floor.status'), t('r.floor.when')], rows, 'floor-table'));
}

/**
 * A link to a moment of the meeting's recording (the server builds the
 * address: room/recording.go), named by its time in the recording; null
 * for none.
 * @param {string|undefined} url
 */
function recordingLink(url) {
  if (!url || !/^https?:\/\//i.test(url)) return null;
  const m = url.match(/[?&#](?:t|start)=(\d+)/);
  const s = m ? Number(m[1]) : 0;
  const two = (n) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const time = hours ? `${hours}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
  return h('a', { class: 'recording-link', href: url, target: '_blank', rel: 'noopener noreferrer', text: t('report.inRecording', { time }) });
}

/** The recording, under the report's title, once the moderators gave it. */
function renderRecording(r) {
  const el = byId('recording');
  const url = r.recording && r.recording.url;
  el.hidden = !url || !/^https?:\/\//i.test(url);
  replace(el, el.hidden ? null : [h('strong', { text: t('report.recording') }), ' ',
    h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: t('report.recordingLink') })]);
}

function renderLedger(r) {
  const body = byId('ledger-body');
  const names = opNames[lang()] || opNames.en;
  const team = r.team || [];
  const seatName = (id) => (team.find((x) => x.id === id) || { name: t('r.ledger.seat', { n: id }) }).name;
  const rows = r.ledger.map((e) => [
    String(e.seq), timeOf(e.at), names[e.op] || e.op,
    e.question ? t('r.ledger.question', { n: e.question }) : e.idea ? t('r.ledger.idea', { n: e.idea }) : e.poll ? t('r.ledger.poll', { n: e.poll })
      : e.board ? t('r.ledger.board', { n: e.board }) : e.floor ? t('r.ledger.floor', { n: e.floor }) : e.seat ? seatName(e.seat) : '',
    [e.reason ? t(`r.reason.${e.reason}`) : '', e.rule ? t('r.ledger.rule', { n: e.rule }) : ''].filter(Boolean).join(', '), e.note || '',
    e.role || t('team.organiser'),
  ]);
  // Who moderated, by role name, and by which rules: before the acts.
  const teamLine = team.length
    ? h('p', { text: t('r.team', { list: team.map((x) => (x.revokedAt ? t('r.team.revoked', { name: x.name }) : x.name)).join(', ') }) })
    : null;
  const rules = charterRules(r.charter);
  replace(body, teamLine,
    h('h3', { text: t('r.charter') }), h('ol', {}, rules.map((x) => h('li', { text: x }))),
    r.ledger.length === 0 ? h('p', { text: t('r.ledger.none') })
      : table('', [t('r.ledger.event'), t('r.ledger.time'), t('r.ledger.action'), t('r.ledger.object'), t('r.ledger.reason'), t('r.ledger.note'), t('r.ledger.by')], rows, 'ledger-table'));
}

function renderRecord(r) {
  replace(byId('record-body'),
    h('p', { text: t('r.record.text', { n: num(r.events) }) }),
    h('dl', { class: 'hashes' },
      h('dt', { text: t('r.record.head') }), h('dd', {}, h('code', { text: r.head })),
      h('dt', { text: t('r.record.digest') }), h('dd', {}, h('code', { text: r.digest }))));
}

// ---------------------------------------------------------------------------
// Downloads.

function moderatorKey() {
  try { return sessionStorage.getItem(keyStore) || ''; } catch { return ''; }
}

/** Fetches path with the moderator key and saves it as name. */
async function keyedDownload(path, name) {
  const status = byId('download-status');
  status.textContent = t('r.dl.busy');
  try {
    const res = await fetch(api + path, { headers: { 'X-Tribune-Key': moderatorKey() } });
    if (res.status === 403) {
      status.textContent = t('r.dl.denied');
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = t('r.dl.done');
  } catch {
    status.textContent = t('r.dl.failed');
  }
}

function renderDownloads() {
  const items = [
    h('li', {}, h('a', { href: `${api}/opendata.zip`, download: `tribune-${code}-opendata.zip`, text: t('r.dl.open') })),
    h('li', {}, h('a', { href: `${api}/opendata.zip?excel=1`, download: `tribune-${code}-opendata-excel.zip`, text: t('r.dl.openExcel') })),
    h('li', {}, h('a', { href: `${api}/report`, download: `tribune-${code}-report.json`, text: t('r.dl.json') })),
  ];
  const parts = [h('ul', { class: 'downloads' }, items), h('p', { class: 'hint', text: t('r.dl.privacy') })];
  if (moderatorKey()) {
    parts.push(h('h3', { text: t('r.dl.mod') }), h('ul', { class: 'downloads' },
      h('li', {}, h('button', { type: 'button', id: 'dl-log', class: 'link-button', text: t('r.dl.log'),
        on: { click: () => keyedDownload('/log.json', `tribune-${code}-log.json`) } })),
      h('li', {}, h('button', { type: 'button', id: 'dl-full', class: 'link-button', text: t('r.dl.full'),
        on: { click: () => keyedDownload('/data.zip?excel=1', `tribune-${code}-full.zip`) } }))));
  }
  replace(byId('downloads-body'), parts);
}

// ---------------------------------------------------------------------------
// The page.

function figure(label, value) {
  return h('div', { class: 'figure' }, h('dt', { text: label }), h('dd', { text: value }));
}

function render() {
  const r = report;
  if (!r) return;
  document.title = t('report.title', { title: r.title });
  byId('title').textContent = r.title;
  const when = r.startedAt || r.createdAt;
  byId('meta').textContent = t('report.meta', { code: r.code, date: dateOf(when), status: t(`r.status.${r.status}`) })
    + (r.startedAt && r.endedAt ? ` · ${t('report.times', { start: timeOf(r.startedAt), end: timeOf(r.endedAt) })}` : '');
  byId('description').textContent = r.description || '';
  byId('description').hidden = !r.description;
  byId('live-note').hidden = r.status === 'ended';
  replace(byId('figures'),
    r.attendance.hidden ? null : [
      figure(t('r.fig.joined'), num(r.attendance.joined)),
      figure(t('r.fig.peak'), num(r.attendance.peak)),
      figure(t('r.fig.interacted'), num(r.attendance.interacted))],
    figure(t('r.fig.asked'), num(r.questions.asked)),
    figure(t('r.fig.answered'), num(r.questions.answered)),
    figure(t('r.fig.refused'), num(r.questions.rejected)),
    figure(t('r.fig.polls'), num(r.polls.length)),
    figure(t('r.fig.ballots'), num(r.polls.reduce((s, p) => s + p.ballots, 0))));
  renderRecording(r);
  renderAttendance(r);
  renderQuestions(r);
  renderIdeas(r);
  renderPolls(r);
  renderAgenda(r);
  renderFloor(r);
  renderLedger(r);
  renderRecord(r);
  renderDownloads();
}

async function main() {
  initI18n();
  languageSwitch(byId('lang'));
  byId('print').addEventListener('click', () => window.print());
  const loading = byId('loading');
  try {
    const res = await fetch(`${api}/report`, { headers: { Accept: 'application/json' } });
    if (res.status === 404) throw new Error(t('fatal.no_room'));
    if (!res.ok) throw new Error(t('report.failed'));
    report = await res.json();
  } catch (err) {
    loading.textContent = err instanceof Error && err.message ? err.message : t('report.failed');
    loading.classList.add('error');
    return;
  }
  render();
  onLangChange(render);
  loading.hidden = true;
  byId('report').hidden = false;
  document.body.dataset.ready = 'true';
}

main();
