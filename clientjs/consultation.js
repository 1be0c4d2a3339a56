// The public consultation page, /c/ID: its step meetings, the proposals
// published and the commitments with their status and history; and
// "follow my input": the questions this browser asked in the step
// meetings (the participant tokens it holds, sent to /mine and nowhere
// else), with where each went.

import { h, replace, byId, webLink } from './dom.js';
import { t, lang, initI18n, onLangChange } from './i18n.js';
import { languageSwitch } from './ui.js';
import {
  consultationID, stepList, datesLine, formatDay, formatDate, progressName, stepStatusName,
  proposalStatusName, sourceLine, heldTokens, outcomesOf, whereLine, traceHref,
} from './consultation-data.js';

const id = consultationID(location.pathname);

initI18n();
languageSwitch(byId('lang'));

/** The body of GET /api/consultations/ID, once loaded. */
let data = null;
/** What /mine answered, with the outcomes of its questions, once loaded. */
let mine = null;

function render() {
  if (!data) return;
  const v = data.view;
  const l = lang();
  document.title = `${v.title} · Tribune`;
  byId('title').textContent = v.title;
  byId('dates').textContent = datesLine(v, l);
  byId('dates').hidden = !byId('dates').textContent;
  byId('description').textContent = v.description || '';
  byId('description').hidden = !v.description;

  const steps = stepList(data);
  byId('steps-empty').hidden = steps.length > 0;
  replace(byId('steps'), steps.map((s) => h('li', { class: 'c-item step-item', dataset: { status: s.status } },
    h('div', { class: 'c-item-head' },
      h('h3', {}, t('c.stepHead', { n: s.index }), ' · ', h('span', { class: 'c-title' }, s.title)),
      h('span', { class: 'badge', dataset: { status: s.status } }, stepStatusName(s.status, l))),
    s.date ? h('p', { class: 'c-meta' }, formatDay(s.date, l)) : null,
    h('p', { class: 'button-row' },
      s.status !== 'ended' ? h('a', { href: s.join, class: ['button-link', s.status === 'live' ? 'primary' : ''] }, t('c.joinStep', { n: s.index })) : null,
      s.status !== 'upcoming' ? h('a', { href: s.report, class: 'button-link' }, t('c.reportStep', { n: s.index })) : null))));

  // On a phone, the step happening now comes first: whoever opens the
  // page during a meeting is one tap from joining it.
  const live = steps.find((s) => s.status === 'live');
  byId('live-now').hidden = !live;
  replace(byId('live-now'), live ? [
    h('p', {}, t('c.liveNow', { n: live.index, title: live.title })),
    h('a', { href: live.join, class: 'button-link primary' }, t('c.joinStep', { n: live.index })),
  ] : null);

  const byCode = new Map(steps.map((s) => [s.code, s]));
  const proposals = v.proposals || [];
  byId('proposals-empty').hidden = proposals.length > 0;
  replace(byId('proposals'), proposals.map((p) => h('li', { class: 'c-item', id: p.id, tabindex: '-1' },
    h('div', { class: 'c-item-head' },
      h('h3', {}, `${p.id} · `, h('span', { class: 'c-title' }, p.title)),
      h('span', { class: 'badge', dataset: { status: p.status } }, proposalStatusName(p.status, l))),
    p.text ? h('p', { class: 'c-text' }, p.text) : null,
    p.sources.length ? h('div', { class: 'c-sources' },
      h('p', { class: 'c-label' }, t('c.sources')),
      h('ul', {}, p.sources.map((s) => {
        const line = sourceLine(id, s, byCode, l);
        return h('li', {}, h('a', { href: line.href }, line.text));
      }))) : null,
    p.mergedInto ? h('p', { class: 'c-meta' }, t('c.mergedInto', { id: '' }), h('a', { href: `#${p.mergedInto}` }, p.mergedInto)) : null,
    p.mergedFrom && p.mergedFrom.length ? h('p', { class: 'c-meta' }, t('c.mergedFrom', { ids: p.mergedFrom.join(', ') })) : null,
    p.status === 'withdrawn' && p.reason ? h('p', { class: 'c-meta' }, t('c.withdrawnReason', { reason: p.reason })) : null,
    p.includedIn && p.includedIn.length ? h('p', { class: 'c-meta' }, t('c.includedIn', { ids: '' }), idLinks(p.includedIn)) : null)));

  const commitments = v.commitments || [];
  byId('commitments-empty').hidden = commitments.length > 0;
  replace(byId('commitments'), commitments.map((c) => h('li', { class: 'c-item commitment', id: c.id, tabindex: '-1' },
    h('div', { class: 'c-item-head' },
      h('h3', {}, `${c.id} · `, h('span', { class: 'c-title' }, c.title)),
      h('span', { class: 'badge progress', dataset: { status: c.status } }, t('c.statusNow', { status: progressName(c.status, l) }))),
    c.problem ? h('p', { class: 'c-text' }, t('c.problem', { text: c.problem })) : null,
    c.proposals.length ? h('p', { class: 'c-meta' }, t('c.takesUp', { ids: '' }), idLinks(c.proposals)) : null,
    c.milestones.length ? h('div', { class: 'c-sub' },
      h('h4', {}, t('c.milestones')),
      h('ul', {}, c.milestones.map((m) => h('li', {}, m.text,
        m.due ? [' · ', t('c.due', { date: formatDay(m.due, l) })] : null,
        webLink(m.evidence) ? [' · ', h('a', { href: webLink(m.evidence), rel: 'noopener' }, t('c.evidence'))] : null)))) : null,
    c.history.length ? h('div', { class: 'c-sub' },
      h('h4', {}, t('c.history')),
      h('ol', { class: 'history' }, c.history.map((x) => h('li', {},
        h('span', { class: 'c-date' }, formatDate(x.at, l)), ' · ',
        h('strong', {}, progressName(x.status, l)), x.note ? [' · ', x.note] : null,
        webLink(x.evidence) ? [' · ', h('a', { href: webLink(x.evidence), rel: 'noopener' }, t('c.evidence'))] : null)))) : null)));

  renderMine();
}

/** Ids (P-1, C-2) as links to their place on this page, comma separated. */
function idLinks(ids) {
  return ids.map((x, i) => [i ? ', ' : '', h('a', { href: `#${x}` }, x)]);
}

function renderMine() {
  if (!mine) return;
  const l = lang();
  const qs = mine.questions || [];
  byId('mine-box').hidden = qs.length === 0 && !mine.refused;
  const said = [qs.length ? t('c.mineCount', { n: qs.length }) : '', mine.refused ? t('c.mineRefused', { n: mine.refused }) : ''];
  byId('mine-status').textContent = said.filter(Boolean).join(' ');
  replace(byId('mine'), qs.map((q) => {
    const hop = (q.trace.hops || []).find((x) => x.code === q.code && x.question === q.question);
    return h('li', { class: 'c-item mine-item' },
      h('p', { class: 'q-text' }, q.text),
      hop ? h('p', { class: 'c-meta' }, t('c.trace.asked', { at: t('c.stepN', { n: hop.step, title: hop.stepTitle }) })) : null,
      h('p', { class: 'where' }, whereLine(q.trace, mine.outcomes, l)),
      h('p', {}, h('a', { href: traceHref(id, q.code, q.question) }, t('c.traceLink'))));
  }));
}

async function loadMine() {
  const codes = stepList(data).map((s) => s.code);
  let storage = null;
  try { storage = localStorage; } catch { /* refused */ }
  const tokens = heldTokens(codes, storage);
  if (!Object.keys(tokens).length) return; // nothing asked from here: nothing shown
  byId('mine-box').hidden = false;
  byId('mine-status').textContent = t('c.mineLoading');
  try {
    const res = await fetch(`/api/consultations/${encodeURIComponent(id)}/mine`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tokens }),
    });
    if (!res.ok) throw new Error(String(res.status));
    const body = await res.json();
    const questions = body.questions || [];
    mine = { questions, refused: body.refused || 0, outcomes: outcomesOf(questions.map((q) => q.trace)) };
  } catch {
    byId('mine-status').textContent = t('err.network');
    return;
  }
  renderMine();
}

async function load() {
  try {
    const res = await fetch(`/api/consultations/${encodeURIComponent(id)}`);
    if (res.status === 404) {
      byId('loading').textContent = t('c.notFound');
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    data = await res.json();
  } catch {
    byId('loading').textContent = t('err.network');
    return;
  }
  byId('loading').hidden = true;
  byId('consultation').hidden = false;
  render();
  // A link to #P-1 or #C-1 from a trace lands on it once it exists.
  if (location.hash) {
    const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (el) el.focus();
  }
  loadMine();
}

onLangChange(render);
load();
