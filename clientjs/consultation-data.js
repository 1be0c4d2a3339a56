// The consultation pages' pure parts: what the public page, the trace page,
// "follow my input" and the organiser's page say, computed from the JSON
// the server sends (PROTOCOL.md, consultations; room/consultation's View
// and Trace). No DOM and no network: node --test runs all of it
// (test/consultation.test.js). Strings come from i18n.js, in the language
// given, so the tests check both.

import { t } from './i18n.js';
import { tokenKey } from './tribune.js';

/** @typedef {import('./i18n.js').Lang} Lang */

/**
 * @typedef {object} Ref
 * @property {string} code a step meeting's join code
 * @property {number} question the question's id there
 *
 * @typedef {object} Hop the question in one step meeting
 * @property {string} code
 * @property {number} question
 * @property {number} step index from 1
 * @property {string} stepTitle
 * @property {number} [votes] votes in the step before (0 where first asked)
 * @property {number} [carriedAt] Unix ms
 *
 * @typedef {object} Trace
 * @property {Ref} asked
 * @property {string} [thread]
 * @property {Hop[]} hops
 * @property {{id: string, title: string, status: string, mergedInto?: string, cites?: Ref, via?: string}[]} proposals
 * @property {{id: string, title: string, status: string, via: string[]}[]} commitments
 * @property {any[]} [questions] each hop's question as the public sees it in its meeting (room QuestionView, with code)
 *
 * @typedef {object} Outcome what became of a question inside one meeting
 * @property {string} status live, answered, merged, rejected, withdrawn, pending
 * @property {number} votes
 * @property {string} [answer]
 * @property {boolean} [late] answered in writing after the meeting ended
 * @property {string} [recording] the meeting's recording at the moment it was answered
 * @property {number} [mergedInto]
 * @property {string} [reason]
 * @property {boolean} [archived]
 * @property {string} [text] its public text ('' when moderation kept it back)
 *
 * @typedef {object} Line one line of a trace, oldest first
 * @property {string} kind asked, outcome, carried, proposal, commitment
 * @property {string} text what it says, in the language asked
 * @property {string} [detail] a second line (an answer, a title), user text
 * @property {string} [href] where to read more
 */

/** The consultation's id in /c/ID, /c/ID/trace, /c/ID/organise. */
export function consultationID(pathname) {
  const m = /^\/c\/([A-Za-z0-9]+)/.exec(pathname);
  return m ? m[1].toUpperCase() : '';
}

/** The trace page of idea n of step meeting code. */
export function ideaTraceHref(id, code, n) {
  return `/c/${encodeURIComponent(id)}/trace?code=${encodeURIComponent(code)}&idea=${Number(n)}`;
}

/** The trace page of question n of step meeting code. */
export function traceHref(id, code, n) {
  return `/c/${encodeURIComponent(id)}/trace?code=${encodeURIComponent(code)}&question=${Number(n)}`;
}

/**
 * The participant tokens this browser holds for the given step meetings
 * (clientjs/tribune.js keeps one per meeting, tokenKey(code)), as /mine
 * takes them: {CODE: token}. Storage that refuses (private mode) gives {}.
 * @param {string[]} codes
 * @param {{getItem(k: string): string|null}|null|undefined} storage
 * @returns {Record<string, string>}
 */
export function heldTokens(codes, storage) {
  /** @type {Record<string, string>} */
  const out = {};
  if (!storage) return out;
  for (const code of codes) {
    let tok = null;
    try { tok = storage.getItem(tokenKey(code)); } catch { /* refused */ }
    if (tok) out[code] = tok;
  }
  return out;
}

/**
 * The steps as the page lists them: the view's (index, title, date, status)
 * with the links the response gives for each (or the usual ones).
 * @param {any} res the body of GET /api/consultations/{id}
 * @returns {{index: number, code: string, title: string, date: string, status: string, join: string, report: string}[]}
 */
export function stepList(res) {
  const view = (res && res.view) || {};
  const extra = new Map(((res && res.steps) || []).map((s) => [s.code, s]));
  return (view.steps || []).map((s) => {
    const x = extra.get(s.code) || {};
    const links = x.links || {};
    return {
      index: s.index, code: s.code, title: s.title || x.title || s.code, date: s.date || '',
      status: x.status || s.status || 'upcoming',
      join: links.participant || `/j/${s.code}`, report: links.report || `/r/${s.code}`,
    };
  });
}

/**
 * A calendar day, YYYY-MM-DD, as people read it in language l.
 * @param {string} day
 * @param {Lang} l
 */
export function formatDay(day, l) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return day || '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toLocaleDateString(l, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * A moment, Unix milliseconds, as a date in language l.
 * @param {number} ms
 * @param {Lang} l
 */
export function formatDate(ms, l) {
  return new Date(ms).toLocaleDateString(l, { day: 'numeric', month: 'long', year: 'numeric' });
}

/** The consultation's dates, '' when it has none. */
export function datesLine(view, l) {
  const o = view.opens ? formatDay(view.opens, l) : '';
  const c = view.closes ? formatDay(view.closes, l) : '';
  if (o && c) return t('c.dates', { opens: o, closes: c }, l);
  if (o) return t('c.opensOn', { opens: o }, l);
  if (c) return t('c.closesOn', { closes: c }, l);
  return '';
}

/** A commitment's status, on the IRM scale, by name. */
export function progressName(status, l) {
  return t(`c.progress.${status}`, {}, l);
}

/** A step meeting's status by name. */
export function stepStatusName(status, l) {
  return t(`c.stepStatus.${status}`, {}, l);
}

/** A proposal's status by name. */
export function proposalStatusName(status, l) {
  return t(`c.pstatus.${status}`, {}, l);
}

/**
 * A proposal's source as a line, and a link to follow: a question's trace,
 * or an idea's, or the meeting's report for a poll or an agenda step's
 * outcome.
 * @param {string} id the consultation's
 * @param {{kind: string, code: string, question?: number, poll?: number, step?: number, idea?: number}} s
 * @param {Map<string, {index: number, title: string}>} steps by code
 * @param {Lang} l
 * @returns {{text: string, href: string}}
 */
export function sourceLine(id, s, steps, l) {
  const st = steps.get(s.code);
  const where = st ? t('c.stepN', { n: st.index, title: st.title }, l) : s.code;
  switch (s.kind) {
    case 'question':
      return { text: t('c.source.question', { n: s.question, where }, l), href: traceHref(id, s.code, s.question || 0) };
    case 'poll':
      return { text: t('c.source.poll', { n: s.poll, where }, l), href: `/r/${encodeURIComponent(s.code)}` };
    case 'idea':
      return { text: t('c.source.idea', { n: s.idea, where }, l), href: ideaTraceHref(id, s.code, s.idea || 0) };
    default:
      return { text: t('c.source.outcome', { n: (s.step || 0) + 1, where }, l), href: `/r/${encodeURIComponent(s.code)}` };
  }
}

/**
 * What became of the question in each meeting it went through, keyed
 * "CODE#N": from the trace's questions (the server joins each hop with
 * the question as the public sees it in its meeting). A hop whose
 * meeting is gone, or kept its question back, is absent.
 * @param {Trace[]} traces
 * @returns {Map<string, Outcome>}
 */
export function outcomesOf(traces) {
  /** @type {Map<string, Outcome>} */
  const out = new Map();
  for (const tr of traces) {
    for (const q of tr.questions || []) {
      out.set(`${q.code}#${q.id}`, {
        status: q.status, votes: q.votes || 0, answer: q.answer || '', late: !!q.late, recording: q.recording || '',
        mergedInto: q.mergedInto || 0, reason: q.reason || '', archived: !!q.archived, text: q.text || '',
      });
    }
  }
  return out;
}

/** What an outcome says, '' for a question still open. */
function outcomeText(o, hop, l) {
  const at = t('c.stepN', { n: hop.step, title: hop.stepTitle }, l);
  switch (o.status) {
    case 'answered':
      return t(o.late ? 'c.trace.answeredWritten' : 'c.trace.answered', { at }, l);
    case 'merged':
      return t('c.trace.merged', { at, id: o.mergedInto }, l);
    case 'rejected':
      return t('c.trace.rejected', { at, reason: t(`reason.${o.reason || 'other'}`, {}, l) }, l);
    case 'withdrawn':
      return t('c.trace.withdrawn', { at }, l);
    default:
      return '';
  }
}

/**
 * The trace of a question as lines, oldest first: where it was asked (and
 * its votes there), what happened to it in each meeting, each carry to a
 * later step, the question it was merged into and what became of that one
 * (steps names the step meetings by code, for those), the proposals that
 * took it up and the commitments that include them, with their status now.
 * outcomes maps "CODE#N" to what became of the question in that meeting
 * (absent when not known).
 * @param {string} id the consultation's
 * @param {Trace} trace
 * @param {Map<string, Outcome|null>} outcomes
 * @param {Lang} l
 * @param {Map<string, {index: number, title: string}>} [steps]
 * @returns {Line[]}
 */
export function traceLines(id, trace, outcomes, l, steps = new Map()) {
  /** @type {Line[]} */
  const lines = [];
  trace.hops.forEach((hop, i) => {
    const at = t('c.stepN', { n: hop.step, title: hop.stepTitle }, l);
    const o = outcomes.get(`${hop.code}#${hop.question}`) || null;
    if (i === 0) {
      lines.push({ kind: 'asked', text: o ? t('c.trace.askedVotes', { at, n: o.votes }, l) : t('c.trace.asked', { at }, l), href: `/r/${encodeURIComponent(hop.code)}` });
    } else {
      lines.push({
        kind: 'carried', text: t('c.trace.carried', { at, n: hop.votes || 0 }, l),
        detail: hop.carriedAt ? formatDate(hop.carriedAt, l) : '', href: `/r/${encodeURIComponent(hop.code)}`,
      });
      if (o && o.votes) lines.push({ kind: 'votes', text: t('c.trace.votesThere', { at, n: o.votes }, l) });
    }
    const said = o ? outcomeText(o, hop, l) : '';
    if (said) lines.push({ kind: 'outcome', text: said, detail: o && o.answer ? o.answer : '' });
    if (said && o.recording) lines.push({ kind: 'recording', text: t('c.trace.watch', {}, l), href: o.recording });
  });
  // Merged into another question: the server traces that one on too, and
  // joins its questions; those that are none of the hops are its path.
  const hops = new Set(trace.hops.map((x) => `${x.code}#${x.question}`));
  for (const q of trace.questions || []) {
    const st = steps.get(q.code);
    if (hops.has(`${q.code}#${q.id}`) || !st) continue;
    const at = t('c.stepN', { n: st.index, title: st.title }, l);
    lines.push({ kind: 'followed', text: t('c.trace.followed', { id: q.id, at, n: q.votes || 0 }, l), detail: q.text || '', href: traceHref(id, q.code, q.id) });
    const o = outcomes.get(`${q.code}#${q.id}`);
    const said = o ? outcomeText(o, { step: st.index, stepTitle: st.title }, l) : '';
    if (said) lines.push({ kind: 'outcome', text: said, detail: o && o.answer ? o.answer : '' });
    if (said && o.recording) lines.push({ kind: 'recording', text: t('c.trace.watch', {}, l), href: o.recording });
  }
  lines.push(...takenUpLines(id, trace, l));
  return lines;
}

/**
 * The trace of an idea as lines: where it was proposed (and its votes),
 * the idea it was merged into, the proposals that took it up and the
 * commitments that include them (GET .../trace?code=CODE&idea=N).
 * @param {string} id the consultation's
 * @param {{code: string, idea: number, step: number, stepTitle: string, votes?: number, status?: string, mergedInto?: number,
 *   proposals: Trace['proposals'], commitments: Trace['commitments']}} trace
 * @param {Lang} l
 * @returns {Line[]}
 */
export function ideaTraceLines(id, trace, l) {
  const at = t('c.stepN', { n: trace.step, title: trace.stepTitle }, l);
  /** @type {Line[]} */
  const lines = [{ kind: 'asked', text: t('c.trace.idea', { at, n: trace.votes || 0 }, l), href: `/r/${encodeURIComponent(trace.code)}` }];
  if (trace.status === 'merged' && trace.mergedInto) {
    lines.push({ kind: 'outcome', text: t('c.trace.ideaMerged', { at, id: trace.mergedInto }, l), href: ideaTraceHref(id, trace.code, trace.mergedInto) });
  }
  const taken = takenUpLines(id, trace, l);
  if (!taken.length) lines.push({ kind: 'none', text: t('c.trace.ideaNone', {}, l) });
  lines.push(...taken);
  return lines;
}

/**
 * The proposals of a trace and the commitments that include them, as
 * lines.
 * @param {string} id
 * @param {{proposals: Trace['proposals'], commitments: Trace['commitments']}} trace
 * @param {Lang} l
 * @returns {Line[]}
 */
function takenUpLines(id, trace, l) {
  /** @type {Line[]} */
  const lines = [];
  for (const p of trace.proposals) {
    const text = p.via ? t('c.trace.proposalVia', { id: p.id, via: p.via }, l) : t('c.trace.proposal', { id: p.id }, l);
    lines.push({ kind: 'proposal', text: `${text} (${proposalStatusName(p.status, l)})`, detail: p.title, href: `/c/${encodeURIComponent(id)}#${p.id}` });
  }
  for (const c of trace.commitments) {
    lines.push({
      kind: 'commitment', text: t('c.trace.commitment', { id: c.id, status: progressName(c.status, l) }, l),
      detail: c.title, href: `/c/${encodeURIComponent(id)}#${c.id}`,
    });
  }
  return lines;
}

/**
 * Where a question went, in one line: the furthest it got (a commitment
 * and its status, a proposal, an answer, the last step it was carried to),
 * for "follow my input".
 * @param {Trace} trace
 * @param {Map<string, Outcome|null>} outcomes
 * @param {Lang} l
 */
export function whereLine(trace, outcomes, l) {
  const c = trace.commitments[trace.commitments.length - 1];
  if (c) return t('c.where.commitment', { id: c.id, status: progressName(c.status, l) }, l);
  const p = trace.proposals[trace.proposals.length - 1];
  if (p) return t('c.where.proposal', { id: p.id }, l);
  const last = trace.hops[trace.hops.length - 1];
  if (!last) return '';
  const at = t('c.stepN', { n: last.step, title: last.stepTitle }, l);
  const o = outcomes.get(`${last.code}#${last.question}`);
  if (o) {
    const said = outcomeText(o, last, l);
    if (said) return said;
  }
  return trace.hops.length > 1 ? t('c.where.carried', { at }, l) : t('c.where.open', { at }, l);
}

/**
 * The provenance of a question in a step meeting (room QuestionView.From
 * and CarriedTo), as the participant, moderator and screen pages show it:
 * '' when it has none.
 * @param {{from?: {code: string, step?: string, votes: number}, carriedTo?: {code: string, step?: string}}} q
 * @param {Lang} [l]
 */
export function provenance(q, l) {
  const parts = [];
  if (q.from) parts.push(t('q.from', { step: q.from.step || q.from.code, n: q.from.votes || 0 }, l));
  if (q.carriedTo) parts.push(t('q.carriedTo', { step: q.carriedTo.step || q.carriedTo.code }, l));
  return parts.join(' · ');
}

/**
 * Parses the organiser's list of sources, one a line: "CODE 3" or
 * "CODE #3" (a question), "CODE poll 2", "CODE agenda 1" (what came of
 * agenda step 1, the first), "CODE idea 4" (an idea of its ideas boards;
 * "idée" in French). Returns the sources, or the number of the first line
 * that is none of these.
 * @param {string} text
 * @returns {{sources: {kind: string, code: string, question?: number, poll?: number, step?: number, idea?: number}[], bad: number}}
 */
export function parseSources(text) {
  const sources = [];
  const lines = String(text || '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (!s) continue;
    const m = /^([A-Za-z0-9]{4,12})\s*(?:(#?)(\d+)|(poll|sondage)\s*#?(\d+)|(agenda|étape|etape)\s*#?(\d+)|(idea|idée|idee)\s*#?(\d+))$/i.exec(s);
    if (!m) return { sources: [], bad: i + 1 };
    const code = m[1].toUpperCase();
    if (m[3]) sources.push({ kind: 'question', code, question: Number(m[3]) });
    else if (m[5]) sources.push({ kind: 'poll', code, poll: Number(m[5]) });
    else if (m[9]) {
      if (Number(m[9]) < 1) return { sources: [], bad: i + 1 };
      sources.push({ kind: 'idea', code, idea: Number(m[9]) });
    }
    else if (Number(m[7]) >= 1) sources.push({ kind: 'outcome', code, step: Number(m[7]) - 1 });
    else return { sources: [], bad: i + 1 };
  }
  return { sources, bad: 0 };
}

/**
 * Parses milestones, one a line: "text | YYYY-MM-DD | https://evidence"
 * (the date and the link optional, in either order after the text).
 * @param {string} text
 * @returns {{text: string, due?: string, evidence?: string}[]}
 */
export function parseMilestones(text) {
  const out = [];
  for (const line of String(text || '').split('\n')) {
    const [head, ...rest] = line.split('|').map((s) => s.trim());
    if (!head) continue;
    /** @type {{text: string, due?: string, evidence?: string}} */
    const m = { text: head };
    for (const r of rest) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(r)) m.due = r;
      else if (r) m.evidence = r;
    }
    out.push(m);
  }
  return out;
}

/** Milestones back as the lines parseMilestones reads. */
export function formatMilestones(ms) {
  return (ms || []).map((m) => [m.text, m.due, m.evidence].filter(Boolean).join(' | ')).join('\n');
}

