// The moderator dashboard, /m/CODE#key=KEY: the queue, the questions, polls,
// agenda, announcements, settings, the ledger and the links to share.

import { mountVoters } from './voters.js';
import { Client } from './tribune.js';
import { sortQuestions, pendingQuestions, pollResults, parseOptions, formatOptions } from './protocol.js';
import { createDuplicates } from './duplicates.js';
import { h, replace, byId, pathCode, load, store, keyedList, isTyping, webLink, setText } from './dom.js';
import { t, initI18n, onLangChange, charterRules } from './i18n.js';
import { watchServerClock, announcementLive, speechLeft, formatSeconds } from './clock.js';
import { watchSetup, renderSetup } from './setup.js';
import { mountTeam } from './team.js';
import { broadcastPanel } from './broadcast.js';
import { connectionBanner, languageSwitch, pauseControl, resultsView, announce, errorText, clockTime, perFrame, inlineForm, floorItems, floorName, tabList, matchesSearch, whoAsked } from './ui.js';
import { provenance } from './consultation-data.js';
import { moderatorIdeas } from './ideas.js';
import { waitingIdeas, currentBoard } from './ideas-data.js';

const code = pathCode();
const keyStore = `tribune:key:${code}`;
const shortcutsKey = 'tribune:shortcuts';
const reasons = ['duplicate', 'off-topic', 'abusive', 'already-answered', 'other'];
const visibilities = ['live', 'voted', 'closed', 'hidden'];

initI18n();
languageSwitch(byId('lang'));

// The key comes in the fragment (never sent to a server), is kept for this
// tab only, and leaves the address bar at once.
const key = (() => {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (m) {
    const k = decodeURIComponent(m[1]);
    try { sessionStorage.setItem(keyStore, k); } catch { /* not kept */ }
    history.replaceState(null, '', location.pathname + location.search);
    return k;
  }
  try { return sessionStorage.getItem(keyStore) || ''; } catch { return ''; }
})();

const client = new Client({ code, role: 'moderator', key });
/** The published questions each waiting one likely repeats (duplicates.js). */
const dups = createDuplicates({ code, key, onChange: () => { renderQueue(); renderIdeas(); } });
/** The ideas panel (ideas.js), with the server's likely duplicates. */
const renderIdeas = moderatorIdeas(client, byId('panel-ideas'), dups);
connectionBanner(byId('conn'), client);
// For the browser console and the end-to-end tests: the client's state.
Object.defineProperty(globalThis, 'tribune', { value: client, configurable: true });

/** Which question's action form is open: {id, kind} or null. */
let openForm = null;
let settingsDirty = false;
let agendaDirty = false;
let meetingDirty = false;
/** The step outcome being written: {step, title, text}, or null. */
let outcomeForm = null;
/** Pending questions ticked for a bulk approval or refusal. */
const selected = new Set();
/** Polls whose definition is being edited: id -> the form. */
const pollForms = new Map();

const queuePause = pauseControl(byId('queue-pause'), renderQueue, () => t('mod.queue'));
const livePause = pauseControl(byId('live-pause'), renderLive, () => t('mod.live'));

// The tools beside the two lists, one panel at a time: one key (1 to 9)
// or one click away. The panel shown is kept for this tab.
const panelKey = `tribune:panel:${code}`;
/** The requests to speak seen when the speakers' panel was last shown. */
let seenFloor = '';
const panels = tabList(byId('panel-tabs'), (id) => {
  try { sessionStorage.setItem(panelKey, id); } catch { /* not kept */ }
  if (id === 'tab-floor') seenFloor = floorWaiting();
});
// The Team panel (team.js): notes for every moderator; links and rules
// for the organiser. shareBase is declared further down, and read later.
const team = mountTeam({ client, code, key, base: () => shareBase, mark: (n) => panels.mark('tab-team', n) });
// Who votes (voters.js): the poll form's choice, the organiser's cards.
const voters = mountVoters({ client, code, key, base: () => shareBase });
try {
  const kept = sessionStorage.getItem(panelKey);
  if (kept && document.getElementById(kept)) panels.select(kept);
} catch { /* none kept */ }
function floorWaiting() {
  const view = client.state.view;
  return JSON.stringify(view ? (view.meeting.floor || []).map((f) => f.id) : []);
}

// --- search and filters -------------------------------------------------

/** Whether question q passes the search and the channel filter. */
function matches(q) {
  return matchesSearch(q, byId('q-search').value, byId('q-channel').value);
}

function filtering() {
  return !!(byId('q-search').value.trim() || byId('q-channel').value);
}

/** The moderator changed a filter: the lists follow at once, paused or not. */
function refilter() {
  byId('filter-clear').hidden = !filtering();
  if (!client.state.view) return;
  renderQueue();
  renderLive();
  renderDone();
}
byId('q-search').addEventListener('input', refilter);
byId('q-channel').addEventListener('change', refilter);
byId('live-status').addEventListener('change', refilter);
byId('q-search').addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && byId('q-search').value) {
    ev.preventDefault();
    byId('q-search').value = '';
    refilter();
  }
});
byId('filter-clear').addEventListener('click', () => {
  byId('q-search').value = '';
  byId('q-channel').value = '';
  refilter();
  byId('q-search').focus();
});

/** "3 of 12" when filtered, the number otherwise. */
function listCount(el, shown, total) {
  setText(el, shown === total ? String(total) : t('filter.count', { shown, total }));
}

function fatal(message) {
  const el = byId('fatal');
  el.hidden = false;
  el.textContent = message;
  byId('dash').hidden = true;
}

if (!code || !key) {
  fatal(!code ? t('fatal.no_room') : t('fatal.no_key'));
} else {
  const later = perFrame(() => render());
  client.on('state', () => later(''));
  client.on('joins', renderJoins);
  client.on('error', (err) => {
    if (err.code === 'bad_key') fatal(t('fatal.bad_key'));
    else if (err.code === 'no_room') fatal(t('fatal.no_room'));
  });
  client.start();
}

// --- rendering ------------------------------------------------------------

function render() {
  const view = client.state.view;
  if (!view) return;
  const m = view.meeting;
  byId('title').textContent = m.title;
  document.title = `${t('mod.pageTitle')} · ${m.title}`;
  byId('code-line').textContent = t('code.line', { code: m.code });
  byId('meeting-status').textContent = t(`status.badge.${m.status}`);
  byId('meeting-status').dataset.status = m.status;
  byId('start').hidden = m.status !== 'scheduled';
  byId('end').hidden = m.status === 'ended';
  const c = view.counts;
  setText(byId('counts'), c ? t('counts.mod', c) : '');
  const reactions = Object.entries(view.reactions || {}).filter(([, n]) => n > 0);
  replace(byId('reactions'), reactions.length ? [t('mod.reactions'), ' ', reactions.map(([r, n], i) => [i ? ' · ' : '', t(`reaction.${r}`), ' ', String(n)])] : null);
  queuePause.update();
  livePause.update();
  renderDone();
  renderPolls();
  renderIdeas();
  const board = currentBoard(view);
  panels.mark('tab-ideas', board ? waitingIdeas(view, board.id).length : 0); // ideas waiting for a decision
  renderAgenda();
  renderFloor();
  renderSettings();
  renderMeetingForm();
  renderLedger();
  renderShare();
  team.render();
  voters.render();
  renderAnnouncementsMade();
}

/** Renders the question lists now, paused or not: the moderator acted. */
function refreshLists() {
  renderQueue();
  renderLive();
  renderDone();
}

function questionText(id) {
  const q = client.state.view && client.state.view.questions.find((x) => x.id === id);
  return q ? q.text : `#${id}`;
}

/**
 * New participants in the last minute, and those the room's limit turned
 * away: a surge of scripted joins shows here (PROTOCOL.md, "joins").
 */
function renderJoins(m) {
  const el = byId('joins');
  el.hidden = !m.minute && !m.refused;
  el.classList.toggle('warn', m.refused > 0);
  setText(el, [t('joins.minute', { n: m.minute }), m.refused ? t('joins.refused', { n: m.refused, limit: m.limit }) : ''].filter(Boolean).join(' · '));
}
onLangChange(() => { if (client.joins) renderJoins(client.joins); });

function renderQueue() {
  const all = pendingQuestions(client.state.view);
  const list = all.filter(matches);
  byId('queue-empty').hidden = list.length > 0;
  setText(byId('queue-empty'), all.length ? t('filter.none') : t('mod.queueEmpty'));
  listCount(byId('queue-count'), list.length, all.length);
  byId('approve-all').hidden = all.length < 2 || list.length < all.length;
  // A question that left the queue (handled, withdrawn) leaves the selection.
  for (const id of selected) if (!list.some((q) => q.id === id)) selected.delete(id);
  keyedList(byId('queue'), list, (q) => q.id, questionItem, updateQuestion);
  renderBulk();
  dups.refresh(client.state.view);
}

// --- several waiting questions at once --------------------------------------

function renderBulk() {
  byId('bulk').hidden = selected.size === 0;
  byId('bulk-count').textContent = selected.size ? t('mod.selected', { n: selected.size }) : '';
  for (const box of byId('queue').querySelectorAll('input.select')) box.checked = selected.has(Number(box.dataset.id));
  if (selected.size === 0 && byId('bulk-form').firstChild) closeBulkForm();
}

function closeBulkForm() {
  replace(byId('bulk-form'));
  byId('bulk-reject').setAttribute('aria-expanded', 'false');
}

/** Sends cmd(id) for every selected question; announces how many went. */
function bulk(cmd, done) {
  const ids = [...selected];
  return Promise.allSettled(ids.map((id) => client.send(cmd(id)))).then((rs) => {
    rs.forEach((r, i) => { if (r.status === 'fulfilled') selected.delete(ids[i]); });
    const ok = rs.filter((r) => r.status === 'fulfilled').length;
    announce(t(done, { n: ok }));
    renderBulk();
    return ok === ids.length ? null : rs.find((r) => r.status === 'rejected').reason;
  });
}

byId('bulk-approve').addEventListener('click', () => bulk((id) => ({ op: 'question.approve', question: id }), 'done.approvedN'));
byId('bulk-clear').addEventListener('click', () => { selected.clear(); renderBulk(); });
byId('bulk-reject').addEventListener('click', () => {
  if (byId('bulk-form').firstChild) {
    closeBulkForm();
    return;
  }
  const select = h('select', { id: 'bulk-reason' }, reasons.map((r) => h('option', { value: r }, t(`reason.${r}`))));
  const [noteBox, note] = noteField('bulk-note');
  const rule = ruleSelect('bulk-rule');
  const fields = [
    h('div', { class: 'field' }, h('label', { for: select.id }, t('mod.reason')), select),
    h('div', { class: 'field' }, h('label', { for: rule.id }, t('mod.rule')), rule),
    noteBox,
  ];
  replace(byId('bulk-form'), inlineForm(fields, t('mod.rejectSelected'), () => { closeBulkForm(); byId('bulk-reject').focus(); }, (status) => {
    status.textContent = t('sending');
    const cmd = (id) => ({
      op: 'question.reject', question: id, reason: select.value,
      ...(note.value.trim() ? { note: note.value.trim() } : {}),
      ...(Number(rule.value) > 0 ? { rule: Number(rule.value) } : {}),
    });
    bulk(cmd, 'done.rejectedN').then((err) => {
      if (err) status.textContent = errorText(err);
      else byId('bulk-reject').focus();
    });
  }));
  byId('bulk-reject').setAttribute('aria-expanded', 'true');
  select.focus();
});

function renderLive() {
  const view = client.state.view;
  if (!view) return;
  const sort = byId('live-sort').value;
  const status = byId('live-status').value;
  const shown = {
    live: (q) => q.status === 'live' && !q.archived,
    pinned: (q) => q.status === 'live' && !q.archived && !!q.pinned,
    answered: (q) => q.status === 'answered' && !q.archived,
    archived: (q) => !!q.archived,
    all: (q) => q.status === 'live' || q.status === 'answered' || !!q.archived,
  }[status] || ((q) => q.status === 'live' && !q.archived);
  const all = view.questions.filter(shown);
  const live = all.filter(matches);
  const list = sort === 'oldest' ? live.slice().sort((a, b) => a.at - b.at || a.id - b.id) : sortQuestions(live, sort);
  byId('live-empty').hidden = list.length > 0;
  setText(byId('live-empty'), all.length ? t('filter.none') : t('questions.empty'));
  listCount(byId('live-count'), list.length, all.length);
  keyedList(byId('live'), list, (q) => q.id, questionItem, updateQuestion);
}

function renderDone() {
  const view = client.state.view;
  const list = view.questions
    .filter((q) => q.status === 'answered' || q.status === 'rejected' || q.status === 'merged' || q.status === 'withdrawn' || (q.archived && q.status === 'live'))
    .sort((a, b) => b.id - a.id);
  const shown = list.filter(matches);
  byId('done-empty').hidden = shown.length > 0;
  setText(byId('done-empty'), list.length ? t('filter.none') : t('mod.doneEmpty'));
  keyedList(byId('done'), shown, (q) => q.id, questionItem, updateQuestion);
}

function questionItem(q) {
  return h('li', { class: 'question mod-question', tabindex: '-1' },
    h('div', { class: 'q-body' },
      h('p', { class: 'q-text', id: `mq-${q.id}-text` }),
      h('p', { class: 'q-meta' }),
      h('p', { class: 'q-answer' }),
      h('p', { class: 'q-dup', hidden: true })),
    h('div', { class: 'actions' }),
    h('div', { class: 'action-form' }));
}

function updateQuestion(li, q) {
  const view = client.state.view;
  const want = openForm && openForm.id === q.id ? openForm.kind : '';
  // Long lists stay fast: an unchanged question costs no DOM work.
  const likely = q.status === 'pending' ? dups.likelyFor(q.id) : [];
  const sig = JSON.stringify([q, view.meeting.highlight === q.id, want, document.documentElement.lang, likely]);
  if (li.dataset.sig === sig) return;
  li.dataset.sig = sig;
  li.dataset.id = String(q.id);
  li.dataset.status = q.status;
  li.querySelector('.q-text').textContent = q.text;
  const meta = [`#${q.id}`, ...whoAsked(q), clockTime(q.at), t('votes', { n: q.votes })];
  if (q.carriedTo) meta.push(provenance({ carriedTo: q.carriedTo }));
  if (q.status !== 'live' && q.status !== 'pending' && !q.mergedInto) meta.push(t(`qstatus.${q.status}`));
  if (q.archived) meta.push(t('qstatus.archived'));
  if (q.pinned) meta.push(t('q.pinned'));
  if (view.meeting.highlight === q.id) meta.push(t('q.highlighted'));
  if (q.reason) meta.push(t('mod.reasonIs', { reason: t(`reason.${q.reason}`) }));
  if (q.mergedInto) meta.push(t('mod.mergedInto', { id: q.mergedInto }));
  if (q.mergedFrom && q.mergedFrom.length) meta.push(t('mod.mergedFrom', { ids: q.mergedFrom.map((i) => `#${i}`).join(', ') }));
  li.querySelector('.q-meta').textContent = meta.join(' · ');
  const answer = li.querySelector('.q-answer');
  answer.hidden = !q.answer && !q.note;
  answer.textContent = [q.answer ? t('q.answer', { text: q.answer }) : '', q.note ? t('mod.note', { note: q.note }) : ''].filter(Boolean).join(' ');
  li.classList.toggle('highlighted', view.meeting.highlight === q.id);
  li.classList.toggle('pinned', !!q.pinned);
  renderLikely(li.querySelector('.q-dup'), q, likely);

  // Buttons are rebuilt only when the question's state or the language
  // changes, so focus stays put while votes come in.
  const actionSig = JSON.stringify([q.status, q.archived, q.pinned, view.meeting.highlight === q.id, document.documentElement.lang]);
  const actions = li.querySelector('.actions');
  if (actions.dataset.sig !== actionSig) {
    actions.dataset.sig = actionSig;
    const hadFocus = actions.contains(document.activeElement) ? document.activeElement.dataset.action : '';
    replace(actions, actionButtons(q));
    if (hadFocus) {
      const again = actions.querySelector(`[data-action="${hadFocus}"]`) || actions.querySelector('button');
      if (again) again.focus();
      else li.focus();
    }
  }
  const form = li.querySelector('.action-form');
  if (form.dataset.kind !== want) {
    form.dataset.kind = want;
    replace(form, want ? actionForm(q, want) : null);
    const first = form.querySelector('select, textarea, input');
    if (first) first.focus();
  }
}

/** Shows the published question q likely repeats, with a merge into it. */
function renderLikely(el, q, likely) {
  const target = likely.map((id) => client.state.view.questions.find((x) => x.id === id)).find(Boolean);
  el.hidden = !target;
  if (!target) {
    replace(el);
    return;
  }
  replace(el,
    h('span', {}, t('dup.likely', { id: target.id, text: truncate(target.text, 80) })), ' ',
    button('merge-dup', t('dup.merge', { id: target.id }),
      () => act({ op: 'question.merge', question: q.id, into: target.id }, t('done.merged')),
      { 'aria-describedby': `mq-${q.id}-text` }));
}

function button(action, label, onClick, extra = {}) {
  return h('button', { type: 'button', class: 'small', dataset: { action }, on: { click: onClick }, ...extra }, label);
}

function actionButtons(q) {
  const view = client.state.view;
  const id = q.id;
  const describedBy = { 'aria-describedby': `mq-${id}-text` };
  const b = (action, label, fn) => button(action, label, fn, describedBy);
  const cmd = (c, ok) => () => act({ ...c, question: id }, ok);
  const form = (kind) => () => { openForm = openForm && openForm.id === id && openForm.kind === kind ? null : { id, kind }; refreshLists(); };
  const out = [];
  if (q.archived) {
    out.push(b('restore', t('mod.restore'), cmd({ op: 'question.restore' }, t('done.restored'))));
    return out;
  }
  switch (q.status) {
    case 'pending': {
      const box = h('input', { type: 'checkbox', class: 'select', dataset: { action: 'select', id: String(id) }, checked: selected.has(id), 'aria-label': t('mod.select', { id }) });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(id);
        else selected.delete(id);
        renderBulk();
      });
      out.push(box);
      out.push(b('approve', t('mod.approve'), cmd({ op: 'question.approve' }, t('done.approved'))));
      out.push(b('reject', t('mod.reject'), form('reject')));
      out.push(b('merge', t('mod.merge'), form('merge')));
      break;
    }
    case 'rejected':
      out.push(b('approve', t('mod.approve'), cmd({ op: 'question.approve' }, t('done.approved'))));
      break;
    case 'live': {
      const lit = view.meeting.highlight === id;
      out.push(b('highlight', lit ? t('mod.unhighlight') : t('mod.highlight'),
        () => act({ op: 'question.highlight', question: lit ? 0 : id }, lit ? t('done.unhighlighted') : t('done.highlighted'))));
      out.push(b('answer', t('mod.answer'), form('answer')));
      out.push(b('pin', q.pinned ? t('mod.unpin') : t('mod.pin'), cmd({ op: 'question.pin', on: !q.pinned }, q.pinned ? t('done.unpinned') : t('done.pinned'))));
      out.push(b('merge', t('mod.merge'), form('merge')));
      out.push(b('reject', t('mod.reject'), form('reject')));
      out.push(b('archive', t('mod.archive'), cmd({ op: 'question.archive' }, t('done.archived'))));
      break;
    }
    case 'answered':
      out.push(b('answer', t('mod.editAnswer'), form('answer')));
      out.push(b('reopen', t('mod.reopen'), cmd({ op: 'question.reopen' }, t('done.reopened'))));
      out.push(b('archive', t('mod.archive'), cmd({ op: 'question.archive' }, t('done.archived'))));
      break;
    default:
      break;
  }
  return out;
}

/**
 * The note typed with a refusal, and what becomes of it: it is published
 * with the refusal (report, open data), so the field says so where it is
 * typed, as its accessible description.
 * @param {string} id
 * @returns {[HTMLElement, HTMLInputElement]} the field and its input
 */
function noteField(id) {
  const hint = h('p', { id: `${id}-hint`, class: 'hint' }, t('mod.noteHint'));
  const note = /** @type {HTMLInputElement} */ (h('input', { id, type: 'text', maxlength: '280', 'aria-describedby': hint.id }));
  return [h('div', { class: 'field' }, h('label', { for: id }, t('mod.noteLabel')), note, hint), note];
}

/**
 * The charter's rule a refusal applies, by number: "0" for none.
 * @param {string} id
 * @returns {HTMLSelectElement}
 */
function ruleSelect(id) {
  return /** @type {HTMLSelectElement} */ (h('select', { id }, h('option', { value: '0' }, t('mod.noRule')),
    charterRules(client.state.view.meeting.charter).map((r, i) => h('option', { value: String(i + 1) }, `${i + 1}. ${truncate(r, 60)}`))));
}

function actionForm(q, kind) {
  const id = q.id;
  const status = h('p', { class: 'form-status', role: 'status' });
  const close = () => { openForm = null; refreshLists(); const li = document.querySelector(`li[data-id="${id}"]`); if (li) li.focus(); };
  const cancel = h('button', { type: 'button', class: 'small', on: { click: close } }, t('cancel'));
  const submit = (cmd, ok) => {
    status.textContent = t('sending');
    client.send(cmd).then(() => { announce(ok); openForm = null; refreshLists(); }, (err) => { status.textContent = errorText(err); });
  };
  const f = `f-${id}-${kind}`;
  if (kind === 'reject') {
    const select = h('select', { id: `${f}-reason` }, reasons.map((r) => h('option', { value: r }, t(`reason.${r}`))));
    const [noteBox, note] = noteField(`${f}-note`);
    const rule = ruleSelect(`${f}-rule`);
    const form = h('form', { class: 'inline-action', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: select.id }, t('mod.reason')), select),
      h('div', { class: 'field' }, h('label', { for: rule.id }, t('mod.rule')), rule),
      noteBox,
      h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'danger small' }, t('mod.confirmReject')), cancel), status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const cmd = { op: 'question.reject', question: id, reason: select.value };
      if (note.value.trim()) cmd.note = note.value.trim();
      if (Number(rule.value) > 0) cmd.rule = Number(rule.value);
      submit(cmd, t('done.rejected'));
    });
    return form;
  }
  if (kind === 'answer') {
    const text = h('textarea', { id: `${f}-text`, rows: '3', maxlength: '2000', value: q.answer || '' });
    const form = h('form', { class: 'inline-action', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: text.id }, t('mod.answerLabel')), text),
      h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'primary small' }, t('mod.markAnswered')), cancel), status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const cmd = { op: 'question.answer', question: id };
      if (text.value.trim()) cmd.text = text.value.trim();
      submit(cmd, t('done.answered'));
    });
    return form;
  }
  // merge
  const targets = client.state.view.questions.filter((x) => x.id !== id && (x.status === 'live' || x.status === 'pending' || x.status === 'answered'));
  const select = h('select', { id: `${f}-into` }, targets.map((x) => h('option', { value: String(x.id) }, `#${x.id} ${truncate(x.text, 60)}`)));
  const form = h('form', { class: 'inline-action', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: select.id }, t('mod.mergeInto')), select),
    h('div', { class: 'button-row' }, h('button', { type: 'submit', class: 'primary small', disabled: targets.length === 0 }, t('mod.confirmMerge')), cancel), status);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submit({ op: 'question.merge', question: id, into: Number(select.value) }, t('done.merged'));
  });
  return form;
}

function truncate(s, n) {
  const chars = Array.from(s);
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : s;
}

// --- polls ----------------------------------------------------------------

function renderPolls() {
  const view = client.state.view;
  const polls = view.polls.slice().sort((a, b) => b.id - a.id);
  keyedList(byId('polls'), polls, (p) => p.id, (p) => h('section', { class: 'poll', 'aria-labelledby': `mp-${p.id}-title` },
    h('h3', { id: `mp-${p.id}-title` }),
    h('p', { class: 'poll-status' }),
    h('div', { class: 'poll-controls' }),
    h('div', { class: 'poll-edit' }),
    h('div', { class: 'poll-results' })), updatePoll);
}

/** Whether the poll's definition may still change: nobody voted yet. */
const editable = (p) => p.ballots === 0 && p.status !== 'closed';

function updatePoll(el, p) {
  const view = client.state.view;
  const shown = view.meeting.screenPoll === p.id;
  el.querySelector('h3').textContent = p.title;
  el.querySelector('.poll-status').textContent = [
    t(`poll.kind.${p.kind}`), t(`poll.status.${p.status}`), t('poll.ballots', { n: p.ballots }),
    t(`poll.vis.${p.visibility}`), p.counting ? t(`voters.badge.${p.counting}`) : '', p.locked ? t('poll.locked') : '', shown ? t('poll.onScreen') : '',
  ].filter(Boolean).join(' · ');
  const sig = JSON.stringify([p.status, p.visibility, p.locked, shown, editable(p), pollForms.has(p.id), document.documentElement.lang]);
  const controls = el.querySelector('.poll-controls');
  if (controls.dataset.sig !== sig) {
    controls.dataset.sig = sig;
    const focused = controls.contains(document.activeElement) ? document.activeElement.dataset.action : '';
    replace(controls, pollControls(p, shown));
    if (focused) {
      const again = controls.querySelector(`[data-action="${focused}"]`);
      if (again) again.focus();
    }
  }
  const edit = el.querySelector('.poll-edit');
  if (pollForms.has(p.id) && !editable(p)) {
    // Someone voted first: the definition is settled.
    pollForms.delete(p.id);
    announce(t('poll.editTooLate'));
  }
  const form = pollForms.get(p.id);
  if (form && !edit.contains(form)) replace(edit, form);
  if (!form && edit.firstChild) replace(edit);
  const results = pollResults(client.state, p.id);
  replace(el.querySelector('.poll-results'), results && p.status !== 'draft' ? resultsView(p, results) : null);
}

function pollControls(p, shown) {
  const id = p.id;
  const describedBy = { 'aria-describedby': `mp-${id}-title` };
  const b = (action, label, cmd, ok, cls) => button(action, label, () => act({ ...cmd, poll: id }, ok), { ...describedBy, class: cls || 'small' });
  const out = [];
  if (p.status === 'draft' || p.status === 'closed') out.push(b('open', p.status === 'draft' ? t('poll.open') : t('poll.reopen'), { op: 'poll.open' }, t('done.pollOpened'), 'small primary'));
  if (p.status === 'open') out.push(b('close', t('poll.close'), { op: 'poll.close' }, t('done.pollClosed'), 'small primary'));
  out.push(button('show', shown ? t('poll.hideScreen') : t('poll.showScreen'),
    () => act({ op: 'poll.show', poll: shown ? 0 : id }, shown ? t('done.pollHidden') : t('done.pollShown')), describedBy));
  if (p.status !== 'draft') out.push(b('lock', p.locked ? t('poll.unlock') : t('poll.lock'), { op: 'poll.lock', on: !p.locked }, t('done.saved')));
  if (editable(p) && !pollForms.has(id)) {
    out.push(button('edit', t('poll.edit'), () => {
      pollForms.set(id, pollEditForm(p));
      renderPolls();
      pollForms.get(id).querySelector('input').focus();
    }, describedBy));
  }
  if (p.status === 'draft') out.push(b('delete', t('poll.delete'), { op: 'poll.delete' }, t('done.pollDeleted'), 'small danger'));
  const selID = `mp-${id}-vis`;
  const sel = h('select', { id: selID, dataset: { action: 'visibility' } },
    visibilities.map((v) => h('option', { value: v, selected: v === p.visibility }, t(`poll.vis.${v}`))));
  sel.addEventListener('change', () => act({ op: 'poll.visibility', poll: id, visibility: sel.value }, t('done.saved')));
  out.push(h('div', { class: 'field inline' }, h('label', { for: selID }, t('poll.visibility')), sel));
  return h('div', { class: 'button-row' }, out);
}

/**
 * The form that corrects a poll nobody has voted in yet: its question and,
 * as its kind needs, options, most choices or scale. Kind and visibility
 * stay as they are.
 */
function pollEditForm(p) {
  const f = `mp-${p.id}-edit`;
  const title = h('input', { id: `${f}-title`, type: 'text', maxlength: '200', value: p.title });
  const fields = [h('div', { class: 'field' }, h('label', { for: title.id }, t('poll.question')), title)];
  const choice = hasOptions(p.kind);
  const options = h('textarea', { id: `${f}-options`, rows: '4', value: formatOptions(p), 'aria-describedby': 'poll-options-hint' });
  const max = h('input', { id: `${f}-max`, type: 'number', min: '1', max: '20', value: String(p.max || 2) });
  const scale = h('input', { id: `${f}-scale`, type: 'number', min: '2', max: '10', value: String(p.scale || 5) });
  if (choice) fields.push(h('div', { class: 'field' }, h('label', { for: options.id }, t('poll.options')), options));
  if (p.kind === 'multiple') fields.push(h('div', { class: 'field' }, h('label', { for: max.id }, t('poll.maxLabel')), max));
  if (p.kind === 'rating') fields.push(h('div', { class: 'field' }, h('label', { for: scale.id }, t('poll.scaleLabel')), scale));
  const weights = weightFields(f, p);
  fields.push(...weights.fields);
  const close = () => {
    pollForms.delete(p.id);
    renderPolls();
    const again = document.querySelector(`[aria-labelledby="mp-${p.id}-title"] [data-action="edit"]`);
    if (again) again.focus();
  };
  return inlineForm(fields, t('poll.saveEdit'), close, (status) => {
    const cur = client.state.view.polls.find((x) => x.id === p.id) || p;
    const cmd = { op: 'poll.edit', poll: p.id, kind: cur.kind, text: title.value.trim(), visibility: cur.visibility };
    if (!cmd.text) { status.textContent = t('poll.needTitle'); title.focus(); return; }
    if (choice) {
      const parsed = parseOptions(options.value);
      cmd.options = parsed.options;
      if (cmd.options.length < 2) { status.textContent = t('poll.needOptions'); options.focus(); return; }
      if (cur.kind === 'single' && parsed.correct.length > 1) { status.textContent = t('poll.oneRight'); options.focus(); return; }
      if (parsed.correct.length && !weighed(cur.kind)) cmd.correct = parsed.correct;
    }
    if (cur.kind === 'multiple') cmd.max = Number(max.value) || 0;
    if (cur.kind === 'rating') cmd.scale = Number(scale.value) || 5;
    if (!weights.read(cur.kind, cmd, status)) return;
    status.textContent = t('sending');
    client.send(cmd).then(() => { announce(t('done.pollEdited')); close(); }, (err) => { status.textContent = errorText(err); });
  });
}

function fillVisibility() {
  const sel = byId('poll-visibility');
  const cur = sel.value || 'closed';
  replace(sel, visibilities.map((v) => h('option', { value: v, selected: v === cur }, t(`poll.vis.${v}`))));
}

/** Whether polls of kind have options the moderator writes. */
const hasOptions = (kind) => kind === 'single' || kind === 'multiple' || weighed(kind);
/** Whether kind weighs every option: ranking and points polls. */
const weighed = (kind) => kind === 'ranking' || kind === 'points';

/**
 * Reads the places of a ranking, or the budget and per-option maximum of a
 * points poll, from the inputs given, into cmd; says what is wrong in status
 * and returns false when the budget is missing or out of range.
 */
function readWeights(kind, cmd, status, places, budget, perOption) {
  if (kind === 'ranking') cmd.max = Number(places.value) || 0;
  if (kind !== 'points') return true;
  cmd.budget = Number(budget.value) || 0;
  cmd.max = Number(perOption.value) || 0;
  if (cmd.budget < 1 || cmd.budget > 100 || !Number.isInteger(cmd.budget)) {
    status.textContent = t('poll.needBudget');
    budget.focus();
    return false;
  }
  return true;
}

/** The edit form's inputs for a ranking's places or a points poll's budget. */
function weightFields(f, p) {
  const field = (input, key) => h('div', { class: 'field' }, h('label', { for: input.id }, t(key)), input);
  const places = h('input', { id: `${f}-places`, type: 'number', min: '1', max: '12', value: p.kind === 'ranking' && p.max < (p.options || []).length ? String(p.max) : '' });
  const budget = h('input', { id: `${f}-budget`, type: 'number', min: '1', max: '100', value: String(p.budget || 10) });
  const perOption = h('input', { id: `${f}-permax`, type: 'number', min: '1', max: '100', value: p.kind === 'points' && p.max < p.budget ? String(p.max) : '' });
  const fields = p.kind === 'ranking' ? [field(places, 'poll.placesLabel')]
    : p.kind === 'points' ? [field(budget, 'poll.budgetLabel'), field(perOption, 'poll.perOptionLabel')] : [];
  return { fields, read: (kind, cmd, status) => readWeights(kind, cmd, status, places, budget, perOption) };
}

function pollKindChanged() {
  const kind = byId('poll-kind').value;
  byId('poll-options-field').hidden = !hasOptions(kind);
  byId('poll-options-hint').hidden = weighed(kind); // no quiz for these
  byId('poll-max-field').hidden = kind !== 'multiple';
  byId('poll-places-field').hidden = kind !== 'ranking';
  byId('poll-budget-field').hidden = kind !== 'points';
  byId('poll-permax-field').hidden = kind !== 'points';
  byId('poll-scale-field').hidden = kind !== 'rating';
}
byId('poll-kind').addEventListener('change', pollKindChanged);

byId('poll-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const status = byId('poll-form-status');
  const kind = byId('poll-kind').value;
  const cmd = { op: 'poll.create', kind, text: byId('poll-title').value.trim(), visibility: byId('poll-visibility').value };
  if (byId('poll-counting').value) cmd.counting = byId('poll-counting').value;
  if (!cmd.text) { status.textContent = t('poll.needTitle'); byId('poll-title').focus(); return; }
  if (hasOptions(kind)) {
    const { options, correct } = parseOptions(byId('poll-options').value);
    cmd.options = options;
    if (cmd.options.length < 2) { status.textContent = t('poll.needOptions'); byId('poll-options').focus(); return; }
    if (kind === 'single' && correct.length > 1) { status.textContent = t('poll.oneRight'); byId('poll-options').focus(); return; }
    if (correct.length && !weighed(kind)) cmd.correct = correct;
  }
  if (kind === 'multiple') cmd.max = Number(byId('poll-max').value) || 0;
  if (kind === 'rating') cmd.scale = Number(byId('poll-scale').value) || 5;
  if (!readWeights(kind, cmd, status, byId('poll-places'), byId('poll-budget'), byId('poll-permax'))) return;
  const step = client.state.view ? client.state.view.meeting.step : -1;
  if (step >= 0) cmd.step = step;
  status.textContent = t('sending');
  client.send(cmd).then(() => {
    status.textContent = t('done.pollCreated');
    byId('poll-title').value = '';
    byId('poll-options').value = '';
  }, (err) => { status.textContent = errorText(err); });
});

// --- agenda, announcements, settings --------------------------------------

function renderAgenda() {
  const m = client.state.view.meeting;
  byId('step').textContent = m.step >= 0 && m.step < m.agenda.length
    ? t('step.current', { n: m.step + 1, total: m.agenda.length, title: m.agenda[m.step] })
    : t('step.none');
  byId('step-prev').disabled = m.step <= 0;
  byId('step-next').disabled = m.step >= m.agenda.length - 1;
  const outcomes = m.outcomes || [];
  if (outcomeForm && m.agenda[outcomeForm.step] !== outcomeForm.title) outcomeForm = null; // the agenda changed under it
  const sig = JSON.stringify([m.agenda, outcomes, m.step, outcomeForm && outcomeForm.step, document.documentElement.lang]);
  const list = byId('agenda');
  if (list.dataset.sig !== sig) {
    list.dataset.sig = sig;
    const active = list.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement) : null;
    const focused = active && (active.dataset.step !== undefined ? `[data-step="${active.dataset.step}"]`
      : active.dataset.outcome !== undefined ? `[data-outcome="${active.dataset.outcome}"]`
        : active.id ? `#${active.id}` : null);
    replace(list, m.agenda.map((s, i) => {
      const li = h('li', { class: i === m.step ? 'current' : '', 'aria-current': i === m.step ? 'step' : null },
        h('span', {}, s), ' ',
        i === m.step
          ? h('span', { class: 'badge' }, t('agenda.currentBadge'))
          : h('button', { type: 'button', class: 'small', dataset: { step: String(i) }, 'aria-label': t('agenda.goto', { title: s }), on: { click: () => go(i) } }, t('agenda.go')),
        ' ',
        h('button', {
          type: 'button', class: 'small', dataset: { outcome: String(i) }, 'aria-label': t('agenda.outcomeFor', { title: s }),
          'aria-expanded': String(!!outcomeForm && outcomeForm.step === i), on: { click: () => toggleOutcome(i) },
        }, t('agenda.outcome')));
      if (outcomes[i]) li.append(h('p', { class: 'outcome' }, h('strong', {}, t('agenda.outcomeLabel')), ' ', outcomes[i]));
      if (outcomeForm && outcomeForm.step === i) li.append(outcomeEditor(i, s));
      return li;
    }));
    if (focused) {
      const again = list.querySelector(focused) || list.querySelector('button');
      if (again) again.focus();
    }
  }
  if (!agendaDirty && document.activeElement !== byId('agenda-steps')) byId('agenda-steps').value = m.agenda.join('\n');
}

function renderFloor() {
  const floor = client.state.view.meeting.floor || [];
  byId('floor-empty').hidden = floor.length > 0;
  // Someone asked to speak while the panel was hidden: a badge says so.
  if (panels.selected() === 'tab-floor' || !seenFloor) seenFloor = floorWaiting();
  const fresh = floor.filter((f) => f.status === 'waiting' && !JSON.parse(seenFloor).includes(f.id)).length;
  panels.mark('tab-floor', fresh);
  const list = byId('floor-queue');
  const sig = JSON.stringify([floor, document.documentElement.lang]);
  if (list.dataset.sig === sig) return;
  list.dataset.sig = sig;
  const active = list.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement) : null;
  const focused = active ? active.dataset.action : '';
  replace(list, floorItems(floor, (f) => {
    const name = floorName(f);
    return h('span', { class: 'button-row inline' }, f.status === 'speaking'
      ? button('floor-done', t('floor.done'), () => act({ op: 'floor.done', floor: f.id }, t('done.floorDone')))
      : [
        button('floor-call', t('floor.call'), () => act({ op: 'floor.call', floor: f.id, ...speakerTime() }, t('done.floorCalled')), { 'aria-label': t('floor.callTo', { name }) }),
        button('floor-drop', t('floor.drop'), () => act({ op: 'floor.drop', floor: f.id }, t('done.floorDropped')), { 'aria-label': t('floor.dropFor', { name }) }),
      ]);
  }));
  if (focused) {
    // The next request takes the place of the one just handled.
    const again = list.querySelector(`[data-action="${focused}"]`) || list.querySelector('button');
    if (again) again.focus();
  }
}

/** Presses the first floor button of that action, if any. */
function floorAction(action) {
  const b = byId('floor-queue').querySelector(`[data-action="${action}"]`);
  if (b) b.click();
}

function go(step) {
  act({ op: 'agenda.goto', step }, t('done.step'));
}

/** Opens or closes the outcome editor of step i. */
function toggleOutcome(i) {
  const m = client.state.view.meeting;
  outcomeForm = outcomeForm && outcomeForm.step === i ? null : { step: i, title: m.agenda[i], text: (m.outcomes || [])[i] || '' };
  renderAgenda();
  const target = outcomeForm ? byId('outcome-text') : byId('agenda').querySelector(`[data-outcome="${i}"]`);
  if (target) target.focus();
}

/**
 * The editor of what came of step i: kept open, with what is typed, across
 * changes that redraw the agenda.
 */
function outcomeEditor(i, title) {
  const text = h('textarea', { id: 'outcome-text', rows: '3', maxlength: '2000', value: outcomeForm.text });
  text.addEventListener('input', () => { outcomeForm.text = text.value; });
  const field = h('div', { class: 'field' }, h('label', { for: text.id }, t('agenda.outcomeText', { title })), text);
  return inlineForm(field, t('agenda.outcomeSave'), () => toggleOutcome(i), (status) => {
    status.textContent = t('sending');
    client.send({ op: 'agenda.outcome', step: i, text: text.value.trim() }).then(() => {
      announce(t('done.outcome'));
      toggleOutcome(i);
    }, (err) => { status.textContent = errorText(err); });
  });
}
byId('step-prev').addEventListener('click', () => go(client.state.view.meeting.step - 1));
byId('step-next').addEventListener('click', () => go(client.state.view.meeting.step + 1));
byId('agenda-steps').addEventListener('input', () => { agendaDirty = true; });
byId('agenda-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const steps = byId('agenda-steps').value.split('\n').map((s) => s.trim()).filter(Boolean);
  const status = byId('agenda-status');
  status.textContent = t('sending');
  client.send({ op: 'agenda.set', steps }).then(() => { agendaDirty = false; status.textContent = t('done.saved'); }, (err) => { status.textContent = errorText(err); });
});

byId('announce-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = byId('announce-text').value.trim();
  const status = byId('announce-status');
  if (!text) { status.textContent = t('err.empty'); return; }
  status.textContent = t('sending');
  client.send({ op: 'announce', text, ...announceTime() }).then(() => { byId('announce-text').value = ''; status.textContent = t('done.announced'); }, (err) => { status.textContent = errorText(err); });
});

function renderMeetingForm() {
  if (meetingDirty) return;
  const m = client.state.view.meeting;
  byId('meeting-title').value = m.title;
  byId('meeting-description').value = m.description || '';
}
byId('meeting-form').addEventListener('input', () => { meetingDirty = true; });
byId('meeting-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const title = byId('meeting-title').value.trim();
  const status = byId('meeting-form-status');
  if (!title) { status.textContent = t('meeting.needTitle'); byId('meeting-title').focus(); return; }
  status.textContent = t('sending');
  client.send({ op: 'room.edit', title, text: byId('meeting-description').value.trim() }).then(() => {
    meetingDirty = false;
    status.textContent = t('done.saved');
    renderMeetingForm();
  }, (err) => { status.textContent = errorText(err); });
});

const boolSettings = ['qaOpen', 'preModeration', 'anonymous', 'reactions', 'hideCount'];
const linkSettings = ['streamURL', 'signURL', 'captionsURL'];


/** The meeting's default counting (voters.js; room/voters.go): open, room or cards. */
const countings = ['open', 'room', 'cards'];
function fillCounting() {
  const sel = /** @type {HTMLSelectElement} */ (byId('set-counting'));
  const v = sel.value || (client.state.view && client.state.view.meeting.settings.counting) || 'open';
  replace(sel, countings.map((c) => h('option', { value: c, selected: c === v }, t(`voters.${c}`))));
}
fillCounting();

function renderSettings() {
  if (settingsDirty) return;
  const s = client.state.view.meeting.settings;
  byId('set-counting').value = s.counting || 'open';
  for (const k of boolSettings) byId(`set-${k}`).checked = !!s[k];
  byId('set-maxLength').value = String(s.maxLength || 280);
  for (const k of linkSettings) byId(`set-${k}`).value = s[k] || '';
}
byId('settings-form').addEventListener('input', () => { settingsDirty = true; });
byId('settings-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const settings = { ...client.state.view.meeting.settings };
  for (const k of boolSettings) settings[k] = byId(`set-${k}`).checked;
  settings.maxLength = Number(byId('set-maxLength').value) || 0;
  const counting = byId('set-counting').value;
  if (counting === 'open') delete settings.counting; // absent: open (PROTOCOL.md)
  else settings.counting = counting;
  const status = byId('settings-status');
  for (const k of linkSettings) {
    settings[k] = byId(`set-${k}`).value.trim();
    if (settings[k] && !webLink(settings[k])) {
      status.textContent = t('settings.badLink', { field: t(`settings.${k}`) });
      byId(`set-${k}`).focus();
      return;
    }
  }
  status.textContent = t('sending');
  client.send({ op: 'room.settings', settings }).then(() => {
    settingsDirty = false;
    status.textContent = t('done.saved');
    renderSettings();
  }, (err) => { status.textContent = errorText(err); });
});

byId('start').addEventListener('click', () => act({ op: 'room.start' }, t('done.started')));
byId('end').addEventListener('click', () => {
  if (confirm(t('mod.endConfirm'))) act({ op: 'room.end' }, t('done.ended'));
});
byId('approve-all').addEventListener('click', () => {
  const list = pendingQuestions(client.state.view);
  Promise.allSettled(list.map((q) => client.send({ op: 'question.approve', question: q.id }))).then((rs) => {
    const ok = rs.filter((r) => r.status === 'fulfilled').length;
    announce(t('done.approvedN', { n: ok }));
  });
});
byId('live-sort').addEventListener('change', renderLive);

// --- ledger and links -------------------------------------------------------

function renderLedger() {
  const entries = (client.state.view.ledger || []).slice().reverse().slice(0, 200);
  const sig = JSON.stringify([entries.length && entries[0].seq, entries.length, (client.state.view.team || []).length, document.documentElement.lang]);
  const body = byId('ledger-rows');
  if (body.dataset.sig === sig) return;
  body.dataset.sig = sig;
  replace(body, entries.map((e) => h('tr', {},
    h('td', {}, clockTime(e.at)),
    h('td', {}, t(`op.${e.op}`) === `op.${e.op}` ? e.op : t(`op.${e.op}`)),
    h('td', {}, e.question ? `#${e.question} ${truncate(questionText(e.question), 40)}` : e.poll ? pollName(e.poll) : e.floor ? t('ledger.floor', { id: e.floor }) : ''),
    h('td', {}, [e.reason ? t(`reason.${e.reason}`) : '', e.rule ? t('charter.ruleN', { n: e.rule }) : '', e.note || ''].filter(Boolean).join(' — ')),
    h('td', {}, team.roleName(e.by)))));
}

function pollName(id) {
  const p = client.state.view.polls.find((x) => x.id === id);
  return p ? `${t('ledger.poll', { id })}: ${truncate(p.title, 40)}` : t('ledger.poll', { id });
}

function renderShare() {
  const box = byId('share');
  const sig = JSON.stringify([document.documentElement.lang, shareBase]);
  if (box.dataset.sig === sig) return;
  box.dataset.sig = sig;
  const origin = shareBase.base;
  const links = [
    ['share.participant', `${origin}/j/${code}`],
    ['share.screen', `${origin}/s/${code}`],
    ['share.report', `${origin}/r/${code}`],
    ['share.moderator', `${origin}/m/${code}#key=${encodeURIComponent(key)}`],
  ];
  replace(box,
    h('img', { class: 'qr', src: `/qr/${encodeURIComponent(code)}.svg${shareBase.qrQuery}`, alt: t('share.qrAlt', { url: `${origin}/j/${code}` }), width: '160', height: '160' }),
    h('dl', { class: 'links' }, links.map(([label, url]) => [
      h('dt', {}, t(label)),
      h('dd', {}, h('a', { href: url, target: '_blank', rel: 'noopener' }, label === 'share.moderator' ? t('share.moderatorLink') : url), ' ',
        h('button', { type: 'button', class: 'small', 'aria-label': t('share.copyWhat', { what: t(label) }), on: { click: () => copy(url) } }, t('share.copy'))),
    ])),
    h('p', { class: 'hint' }, t('share.moderatorWarning')));
}

function copy(text) {
  const done = () => announce(t('share.copied'));
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => announce(t('share.copyFailed')));
  } else {
    announce(t('share.copyFailed'));
  }
}

// --- actions and shortcuts --------------------------------------------------

function act(cmd, ok) {
  if (client.conn !== 'live') announce(t('queued'));
  client.send(cmd).then(({ seq }) => {
    announce(ok);
    // The moderator's own action shows at once, even in a paused list.
    if ('question' in cmd) whenSeen(seq, refreshLists);
  }, (err) => announce(errorText(err)));
}

/** Calls fn once the state has reached seq (the ack may precede the patch). */
function whenSeen(seq, fn) {
  if (client.state.seq >= seq) {
    fn();
    return;
  }
  const off = client.on('state', (state) => {
    if (state.seq >= seq) {
      off();
      fn();
    }
  });
}

let shortcutsOn = load(shortcutsKey, 'on') !== 'off';
function drawShortcutsToggle() {
  const b = byId('shortcuts-toggle');
  b.setAttribute('aria-pressed', String(shortcutsOn));
  b.textContent = shortcutsOn ? t('keys.on') : t('keys.offState');
}
byId('shortcuts-toggle').addEventListener('click', () => {
  shortcutsOn = !shortcutsOn;
  store(shortcutsKey, shortcutsOn ? 'on' : 'off');
  drawShortcutsToggle();
  announce(shortcutsOn ? t('keys.on') : t('keys.offState'));
});

const shortcuts = [
  ['j', 'keys.next'], ['k', 'keys.prev'], ['a', 'keys.approve'], ['r', 'keys.reject'],
  ['h', 'keys.highlight'], ['p', 'keys.pin'], ['m', 'keys.answer'], ['x', 'keys.archive'],
  ['n', 'keys.nextStep'], ['g', 'keys.giveFloor'], ['e', 'keys.endSpeech'],
  ['/', 'keys.search'], ['1 – 9', 'keys.panels'], ['?', 'keys.helpKey'],
];
const panelOrder = ['tab-polls', 'tab-floor', 'tab-agenda', 'tab-announce', 'tab-done', 'tab-share', 'tab-settings', 'tab-ledger', 'tab-team'];
function fillHelp() {
  replace(byId('help-keys'), shortcuts.map(([k, label]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, t(label))]));
}
byId('shortcuts-help').addEventListener('click', () => byId('help').showModal());

/** The question item the shortcuts act on: the focused one, else the first. */
function currentItem() {
  const active = document.activeElement;
  const li = active && active.closest && active.closest('li.mod-question');
  if (li) return li;
  return document.querySelector('#queue li.mod-question, #live li.mod-question');
}

function moveSelection(delta) {
  const items = Array.from(document.querySelectorAll('#queue li.mod-question, #live li.mod-question'));
  if (!items.length) return;
  const active = document.activeElement;
  const cur = active && active.closest ? active.closest('li.mod-question') : null;
  let i = cur ? items.indexOf(cur) : -1;
  // Nothing selected yet: the first question, whichever the direction.
  i = i < 0 ? 0 : Math.max(0, Math.min(items.length - 1, i + delta));
  items[i].focus();
}

function press(li, action) {
  const b = li && li.querySelector(`.actions [data-action="${action}"]`);
  if (b) b.click();
}

document.addEventListener('keydown', (ev) => {
  if (!shortcutsOn || ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev)) return;
  if (byId('help').open) return;
  const li = currentItem();
  // A link whose scope forbids the act says so rather than send it.
  const scope = team.scope();
  const acts = 'arhpmx'.includes(ev.key) ? scope === 'backstage' : 'nge'.includes(ev.key) && (scope === 'backstage' || scope === 'questions');
  if (acts) {
    ev.preventDefault();
    announce(t(`scope.${scope}`));
    return;
  }
  switch (ev.key) {
    case 'j': moveSelection(1); break;
    case 'k': moveSelection(-1); break;
    case 'a': press(li, 'approve'); break;
    case 'r': press(li, 'reject'); break;
    case 'h': press(li, 'highlight'); break;
    case 'p': press(li, 'pin'); break;
    case 'm': press(li, 'answer'); break;
    case 'x': press(li, 'archive'); break;
    case 'n': if (!byId('step-next').disabled) byId('step-next').click(); break;
    case 'g': floorAction('floor-call'); break; // the first in line
    case 'e': floorAction('floor-done'); break;
    case '?': byId('help').showModal(); break;
    case '/': byId('q-search').focus(); byId('q-search').select(); break;
    case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
      panels.select(panelOrder[Number(ev.key) - 1], true);
      break;
    default: return;
  }
  ev.preventDefault();
});

onLangChange(() => {
  fillVisibility();
  fillCounting();
  fillHelp();
  drawShortcutsToggle();
  if (client.state.view) {
    render();
    renderQueue();
    renderLive();
  }
});
fillVisibility();
fillHelp();
drawShortcutsToggle();
pollKindChanged();

// --- the speaking time, announcement durations, setting up for phones ------
// Self-contained additions: each finds its place in the page by id.

/** The base of the links shared (setup.js): the page's, or one chosen. */
let shareBase = { base: location.origin, qrQuery: '', unreachable: false, addresses: /** @type {string[]} */ ([]) };
const setupBox = h('div', { id: 'share-setup', class: 'share-setup', hidden: true });
byId('share').before(setupBox);
const shareSetup = watchSetup((s) => {
  shareBase = s;
  // Called once before shareSetup exists: the first render comes later.
  queueMicrotask(() => {
    renderSetup(setupBox, s, shareSetup.choose);
    if (client.state.view) renderShare();
  });
});
onLangChange(() => renderSetup(setupBox, shareBase, shareSetup.choose));

const speakerTimeKey = `tribune:speaker-time:${code}`;
/** Minutes per speaker, under the floor's line; kept for this meeting. */
const speakerMinutes = h('input', { id: 'speaker-minutes', type: 'number', min: '0', max: '60', step: '0.5', inputmode: 'decimal', value: load(speakerTimeKey, '0'), class: 'short' });
speakerMinutes.addEventListener('change', () => store(speakerTimeKey, speakerMinutes.value));
byId('floor-queue').after(h('div', { class: 'field speaker-time' },
  h('label', { for: 'speaker-minutes', 'data-i18n': 'floor.seconds' }, t('floor.seconds')), speakerMinutes));

/** The floor.call field for the time set: {seconds} or nothing. */
function speakerTime() {
  const min = Number(speakerMinutes.value);
  return Number.isFinite(min) && min > 0 ? { seconds: Math.min(3600, Math.round(min * 60)) } : {};
}

/** How long an announcement stays up, in the announce form. */
const announceSeconds = h('select', { id: 'announce-seconds' });
function fillAnnounceSeconds() {
  const v = announceSeconds.value || '0';
  replace(announceSeconds, [0, 1, 2, 5, 10, 15, 30, 60].map((m) => h('option', { value: String(m * 60), selected: String(m * 60) === v },
    m ? t('announce.minutes', { n: m }) : t('announce.forever'))));
}
fillAnnounceSeconds();
onLangChange(fillAnnounceSeconds);
byId('announce-form').querySelector('button[type="submit"]').before(h('div', { class: 'field inline announce-time' },
  h('label', { for: 'announce-seconds', 'data-i18n': 'announce.duration' }, t('announce.duration')), announceSeconds));

/** The announce field for the duration chosen: {seconds} or nothing. */
function announceTime() {
  const s = Number(announceSeconds.value);
  return s > 0 ? { seconds: s } : {};
}

/** The announcements made, newest first, each saying until when or that it ended. */
const modClock = watchServerClock(client);
const announceList = h('ul', { id: 'announce-list', class: 'announcements', 'aria-label': t('announce.sent') });
byId('announce-form').after(announceList);
function renderAnnouncementsMade() {
  const view = client.state.view;
  if (!view) return;
  const now = modClock.now(Date.now());
  const list = view.meeting.announcements.slice().sort((a, b) => b.id - a.id).slice(0, 5);
  const rows = list.map((a) => [a.id, a.text, a.at, a.until || 0, !announcementLive(a, now)]);
  const sig = JSON.stringify([rows, document.documentElement.lang]);
  if (announceList.dataset.sig === sig) return;
  announceList.dataset.sig = sig;
  announceList.setAttribute('aria-label', t('announce.sent'));
  replace(announceList, list.map((a) => h('li', { class: announcementLive(a, now) ? '' : 'ended' },
    h('time', { datetime: new Date(a.at).toISOString() }, clockTime(a.at)), ' ', h('span', {}, a.text),
    a.until ? [' ', h('span', { class: 'badge' }, announcementLive(a, now) ? t('announce.until', { time: clockTime(a.until) }) : t('announce.ended'))] : null)));
}
setInterval(renderAnnouncementsMade, 1000);

/** The speaker's time left, as the screen and their phone show it. */
const modFloorTimer = h('p', { id: 'mod-floor-timer', class: 'floor-timer', role: 'timer', hidden: true });
byId('speaker-minutes').parentElement.before(modFloorTimer);
setInterval(() => {
  const view = client.state.view;
  const speaking = view && (view.meeting.floor || []).find((f) => f.status === 'speaking');
  const left = speechLeft(speaking, modClock.now(Date.now()));
  modFloorTimer.hidden = left === null;
  modFloorTimer.classList.toggle('over', left !== null && left <= 0);
  setText(modFloorTimer, left === null ? '' : left > 0 ? t('timer.left', { time: formatSeconds(left) }) : t('timer.over', { time: formatSeconds(-left) }));
}, 500);

// The overlay, the embed snippet and the recording (broadcast.js).
broadcastPanel(byId('share'), client, { code, base: () => shareBase.base, copy });
