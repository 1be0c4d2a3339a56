// The organiser's page, /c/ID/organise#key=KEY: the consultation's title,
// description and dates (edited), step meetings (new, from a previous one,
// or attached; their title and date edited), questions carried forward, proposals
// (written, published, merged, withdrawn, with their sources) and
// commitments (created, given milestones, their status recorded with a
// note and evidence).
//
// The key comes in the fragment, which no browser sends; it is kept for
// this tab only and leaves the address bar at once. It goes to the server
// in the Authorization header, never in a URL.

import { h, replace, byId, webLink } from './dom.js';
import { t, lang, initI18n, onLangChange } from './i18n.js';
import { languageSwitch, announce, errorText } from './ui.js';
import {
  consultationID, stepList, datesLine, formatDay, formatDate, progressName, stepStatusName,
  proposalStatusName, sourceLine, parseSources, parseMilestones, traceHref,
} from './consultation-data.js';

const id = consultationID(location.pathname);
const api = `/api/consultations/${encodeURIComponent(id)}`;
const keyStore = `tribune:ckey:${id}`;
const progress = ['not_started', 'limited', 'substantial', 'complete', 'withdrawn'];

initI18n();
languageSwitch(byId('lang'));
byId('public-link').setAttribute('href', `/c/${encodeURIComponent(id)}`);

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

/** The body of GET /api/consultations/ID with the key, once loaded. */
let data = null;

/**
 * Sends an organiser request; resolves to the answer's body, or rejects
 * with the server's error ({code, message}) or a network error.
 * @param {string} path after /api/consultations/ID
 * @param {any} body
 */
async function send(path, body) {
  let res;
  try {
    res = await fetch(api + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
  } catch {
    throw { code: 'network', message: t('err.network') };
  }
  const out = await res.json().catch(() => ({}));
  if (!res.ok) throw (out && out.error) || { code: 'internal', message: String(res.status) };
  return out;
}

/** A readable error, the network's included. */
// A refused source says which: the server's message names the source
// and what is wrong with it.
const problem = (err) => {
  if (err && err.code === 'network') return t('err.network');
  const said = errorText(err);
  return err && err.message && ['invalid', 'no_question', 'no_idea'].includes(err.code) ? `${said} ${err.message}` : said;
};

async function reload() {
  const res = await fetch(api, { headers: { authorization: `Bearer ${key}` } });
  if (res.status === 404) throw { code: 'no_consultation' };
  const body = await res.json().catch(() => ({}));
  if (res.status === 401 || res.status === 403 || (res.ok && !body.organiser)) throw { code: 'bad_key' };
  if (!res.ok) throw body.error || { code: 'internal' };
  data = body;
  render();
}

/**
 * An edit's refusal: what it means, then the server's own words, which
 * say which field and why ("title: empty").
 */
const refusal = (err) => {
  if (!err || err.code === 'network' || !err.message) return problem(err);
  const said = problem(err);
  return said.includes(err.message) ? said : `${said} (${err.message})`;
};

/** Whether a refusal's message (the server's words) is about the title field. */
const aboutTitle = (message) => /^title\b/.test(message || '');

/**
 * Runs act (a request) from a form: status says what happened; reloads
 * after. told, when given, words a refusal (else problem).
 */
async function act(status, act, done, told = problem) {
  status.textContent = t('sending');
  try {
    const out = await act();
    await reload();
    status.textContent = t('o.done');
    announce(t('o.done'));
    if (done) done(out);
  } catch (err) {
    status.textContent = told(err);
  }
}

/**
 * The step meeting whose title and date are being edited, with what the
 * organiser typed so far (kept across re-renders), or null.
 * said is the server's message of its last refusal, saidText how it was shown.
 * @type {{code: string, title: string, date: string, said: string, saidText?: string}|null}
 */
let stepEdit = null;

function render() {
  if (!data) return;
  const v = data.view;
  const l = lang();
  document.title = `${t('o.title')} · ${v.title} · Tribune`;
  byId('title').textContent = v.title;
  byId('dates').textContent = datesLine(v, l);
  byId('dates').hidden = !byId('dates').textContent;
  const steps = stepList(data);
  const byCode = new Map(steps.map((s) => [s.code, s]));

  replace(byId('steps'), steps.map((s) => h('li', { class: 'c-item' },
    h('div', { class: 'c-item-head' },
      h('h3', {}, t('c.stepHead', { n: s.index }), ' · ', h('span', { class: 'c-title' }, s.title)),
      h('span', { class: 'badge', dataset: { status: s.status } }, stepStatusName(s.status, l))),
    h('p', { class: 'c-meta' }, [s.code, s.date ? formatDay(s.date, l) : ''].filter(Boolean).join(' · ')),
    h('p', { class: 'button-row' },
      h('a', { href: s.join }, t('c.joinStep', { n: s.index })),
      h('a', { href: s.report }, t('c.reportStep', { n: s.index })),
      h('button', {
        type: 'button', class: 'small', dataset: { edit: s.code },
        'aria-expanded': String(!!stepEdit && stepEdit.code === s.code),
        'aria-controls': stepEdit && stepEdit.code === s.code ? `step-edit-${s.code}` : null,
        on: { click: () => (stepEdit && stepEdit.code === s.code ? closeStepEdit(s.code) : openStepEdit(s)) },
      }, t('o.editStep', { n: s.index }))),
    stepEdit && stepEdit.code === s.code ? stepEditor(s, stepEdit) : null)));

  const stepOptions = (sel, first) => {
    const was = sel.value;
    replace(sel, first ? h('option', { value: '' }, first) : null,
      steps.map((s) => h('option', { value: s.code }, `${t('c.stepHead', { n: s.index })} · ${s.title} (${s.code})`)));
    if ([...sel.options].some((o) => o.value === was)) sel.value = was;
  };
  stepOptions(byId('step-from'), t('o.stepFromNone'));
  const hadFrom = byId('carry-from').value;
  stepOptions(byId('carry-from'));
  stepOptions(byId('carry-to'));
  stepOptions(byId('ideas-from'));
  if (!hadFrom && steps.length >= 2) {
    // The usual carry: from the last step that ended.
    const ended = steps.filter((s) => s.status === 'ended').pop() || steps[steps.length - 2];
    byId('carry-from').value = ended.code;
  }
  // ...to the step after it, unless another later one was chosen.
  const from = byId('carry-from').selectedIndex;
  if (from >= 0 && byId('carry-to').selectedIndex <= from && from + 1 < steps.length) byId('carry-to').selectedIndex = from + 1;

  const carried = v.carried || [];
  byId('carried-title').hidden = carried.length === 0;
  replace(byId('carried'), carried.map((x) => h('li', { class: 'c-item' },
    h('p', { class: 'c-meta' }, t('o.carriedLine', {
      thread: x.thread, from: x.from.question, fromCode: x.from.code, to: x.to.question, toCode: x.to.code, n: x.votes,
    })),
    h('p', { class: 'c-text' }, h('a', { href: traceHref(id, x.from.code, x.from.question) }, x.text)))));

  const proposals = v.proposals || [];
  const published = proposals.filter((p) => p.status === 'published');
  replace(byId('proposals'), proposals.map((p) => h('li', { class: 'c-item', id: p.id, tabindex: '-1' },
    h('div', { class: 'c-item-head' },
      h('h3', {}, `${p.id} · `, h('span', { class: 'c-title' }, p.title)),
      h('span', { class: 'badge', dataset: { status: p.status } }, proposalStatusName(p.status, l))),
    p.text ? h('p', { class: 'c-text' }, p.text) : null,
    p.sources.length ? h('ul', { class: 'c-sources' }, p.sources.map((s) => {
      const line = sourceLine(id, s, byCode, l);
      return h('li', {}, h('a', { href: line.href }, line.text));
    })) : null,
    p.mergedInto ? h('p', { class: 'c-meta' }, t('c.mergedInto', { id: p.mergedInto })) : null,
    p.reason ? h('p', { class: 'c-meta' }, t('c.withdrawnReason', { reason: p.reason })) : null,
    p.includedIn && p.includedIn.length ? h('p', { class: 'c-meta' }, t('c.includedIn', { ids: p.includedIn.join(', ') })) : null,
    proposalActions(p, published))));

  replace(byId('cm-proposals'), published.length
    ? published.map((p) => h('div', { class: 'choice' },
      h('input', { type: 'checkbox', id: `cm-p-${p.id}`, value: p.id }),
      h('label', { for: `cm-p-${p.id}` }, `${p.id} · ${p.title}`)))
    : h('p', { class: 'empty' }, t('o.cProposalsNone')));

  replace(byId('commitments'), (v.commitments || []).map((c) => h('li', { class: 'c-item commitment', id: c.id, tabindex: '-1' },
    h('div', { class: 'c-item-head' },
      h('h3', {}, `${c.id} · `, h('span', { class: 'c-title' }, c.title)),
      h('span', { class: 'badge progress', dataset: { status: c.status } }, t('c.statusNow', { status: progressName(c.status, l) }))),
    c.problem ? h('p', { class: 'c-text' }, t('c.problem', { text: c.problem })) : null,
    c.proposals.length ? h('p', { class: 'c-meta' }, t('c.takesUp', { ids: c.proposals.join(', ') })) : null,
    c.milestones.length ? h('h4', {}, t('c.milestones')) : null,
    c.milestones.length ? h('ul', {}, c.milestones.map((m) => h('li', {}, m.text, m.due ? ` · ${t('c.due', { date: formatDay(m.due, l) })}` : '',
      webLink(m.evidence) ? [' · ', h('a', { href: webLink(m.evidence), rel: 'noopener' }, t('c.evidence'))] : null))) : null,
    c.history.length ? h('h4', {}, t('c.history')) : null,
    c.history.length ? h('ol', { class: 'history' }, c.history.map((x) => h('li', {},
      `${formatDate(x.at, l)} · ${progressName(x.status, l)}`, x.note ? ` · ${x.note}` : '',
      webLink(x.evidence) ? [' · ', h('a', { href: webLink(x.evidence), rel: 'noopener' }, t('c.evidence'))] : null))) : null,
    c.status !== 'withdrawn' ? [statusForm(c), milestoneForm(c)] : null)));
}

/** Fills the consultation's form with what the consultation says now. */
function fillAbout() {
  if (!data) return;
  const v = data.view;
  byId('e-title').value = v.title || '';
  byId('e-description').value = v.description || '';
  byId('e-opens').value = v.opens || '';
  byId('e-closes').value = v.closes || '';
  byId('e-title').removeAttribute('aria-invalid');
}

byId('edit-box').addEventListener('toggle', () => {
  if (byId('edit-box').open) {
    fillAbout();
    byId('e-status').textContent = '';
  }
});

byId('e-reset').addEventListener('click', () => {
  fillAbout();
  byId('e-status').textContent = '';
  byId('e-title').focus();
});

// The whole of it is sent (the command replaces title, description and
// dates together); the server checks it and says what is wrong.
byId('edit-consultation').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const status = byId('e-status');
  const cmd = {
    op: 'consultation.edit', title: byId('e-title').value.trim(), text: byId('e-description').value.trim(),
    opens: byId('e-opens').value, closes: byId('e-closes').value,
  };
  byId('e-title').removeAttribute('aria-invalid');
  act(status, () => send('/commands', cmd), () => {
    fillAbout();
    status.textContent = t('o.editSaved');
    announce(t('o.editSaved'));
  }, (err) => {
    if (aboutTitle(err && err.message)) {
      byId('e-title').setAttribute('aria-invalid', 'true');
      byId('e-title').focus();
    }
    return refusal(err);
  });
});

/** Opens the editor of step meeting s, in its place in the list. */
function openStepEdit(s) {
  stepEdit = { code: s.code, title: s.title, date: s.date, said: '', saidText: '' };
  byId('steps-status').textContent = '';
  render();
  const input = document.getElementById(`step-edit-${s.code}-title`);
  if (input) input.focus();
}

/** Closes the editor of step meeting code; the focus goes back to its Edit button. */
function closeStepEdit(code) {
  stepEdit = null;
  render();
  const button = byId('steps').querySelector(`button[data-edit="${code}"]`);
  if (button) button.focus();
}

/**
 * The inline editor of step meeting s: its title and date, what step.edit
 * replaces. Escape or Cancel closes it unchanged.
 * @param {{code: string, index: number}} s
 * @param {{code: string, title: string, date: string, said: string, saidText?: string}} draft
 */
function stepEditor(s, draft) {
  const fid = `step-edit-${s.code}`;
  const title = h('input', {
    type: 'text', id: `${fid}-title`, maxlength: '200', value: draft.title, required: true, 'aria-required': 'true',
    'aria-invalid': aboutTitle(draft.said) ? 'true' : null,
    on: { input: () => { draft.title = title.value; } },
  });
  const date = h('input', { type: 'date', id: `${fid}-date`, value: draft.date, on: { input: () => { draft.date = date.value; } } });
  const status = h('p', { class: 'form-status', role: 'status' }, draft.saidText || '');
  const form = h('form', { class: 'c-subform step-edit', id: fid, novalidate: true, 'aria-label': t('o.editStepLabel', { n: s.index }) },
    h('div', { class: 'field-pair' },
      h('div', { class: 'field' }, h('label', { for: `${fid}-title` }, t('o.editStepTitle', { n: s.index })), title),
      h('div', { class: 'field' }, h('label', { for: `${fid}-date` }, t('o.editStepDate', { n: s.index })), date)),
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'primary small' }, t('o.saveStep', { n: s.index })),
      h('button', { type: 'button', class: 'small', on: { click: () => closeStepEdit(s.code) } }, t('o.cancelEdit'))),
    status);
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closeStepEdit(s.code);
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const cmd = { op: 'step.edit', code: s.code, title: title.value.trim(), date: date.value };
    act(status, () => send('/commands', cmd), () => {
      closeStepEdit(s.code);
      byId('steps-status').textContent = t('o.stepSaved', { n: s.index });
      announce(t('o.stepSaved', { n: s.index }));
    }, (err) => {
      draft.said = (err && err.message) || '';
      draft.saidText = refusal(err);
      if (aboutTitle(draft.said)) {
        title.setAttribute('aria-invalid', 'true');
        title.focus();
      } else {
        title.removeAttribute('aria-invalid');
      }
      return draft.saidText;
    });
  });
  return form;
}

/** The controls of a proposal: publish a draft; merge or withdraw a published one. */
function proposalActions(p, published) {
  const status = h('p', { class: 'form-status', role: 'status' });
  const out = [];
  if (p.status === 'draft') {
    out.push(h('p', { class: 'button-row' }, h('button', {
      type: 'button', class: 'primary small',
      on: { click: () => act(status, () => send('/commands', { op: 'proposal.publish', proposal: p.id }), () => focusItem(p.id)) },
    }, t('o.publish', { id: p.id }))));
  }
  const free = !(p.includedIn && p.includedIn.length);
  if (p.status === 'published' && free && published.length > 1) {
    const sel = h('select', { id: `merge-${p.id}` }, published.filter((x) => x.id !== p.id).map((x) => h('option', { value: x.id }, `${x.id} · ${x.title}`)));
    const form = h('form', { class: 'inline-form', novalidate: true },
      h('label', { for: `merge-${p.id}` }, t('o.mergeInto', { id: p.id })), sel,
      h('button', { type: 'submit', class: 'small' }, t('o.mergeButton')));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(status, () => send('/commands', { op: 'proposal.merge', proposal: p.id, into: sel.value }), () => focusItem(p.id));
    });
    out.push(form);
  }
  if ((p.status === 'draft' || p.status === 'published') && free) {
    const reason = h('input', { type: 'text', id: `withdraw-${p.id}`, maxlength: '1000' });
    const form = h('form', { class: 'inline-form', novalidate: true },
      h('label', { for: `withdraw-${p.id}` }, `${t('o.withdraw', { id: p.id })} · ${t('o.reason')}`), reason,
      h('button', { type: 'submit', class: 'small danger' }, t('o.withdraw', { id: p.id })));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!needText(reason, status)) return;
      act(status, () => send('/commands', { op: 'proposal.withdraw', proposal: p.id, reason: reason.value.trim() }), () => focusItem(p.id));
    });
    out.push(form);
  }
  // Merging and withdrawing are rarer, and final: folded away.
  const rare = out.filter((el) => el.tagName === 'FORM');
  const kept = out.filter((el) => el.tagName !== 'FORM');
  if (rare.length) kept.push(h('details', { class: 'c-form' }, h('summary', {}, t('o.moreActions', { id: p.id })), rare));
  if (kept.length) kept.push(status);
  return kept;
}

/** Records a commitment's status, with a note and an optional evidence link. */
function statusForm(c) {
  const sid = `status-${c.id}`;
  const sel = h('select', { id: sid }, progress.map((p) => h('option', { value: p, selected: p === c.status }, progressName(p, lang()))));
  const note = h('input', { type: 'text', id: `${sid}-note`, maxlength: '1000' });
  const evidence = h('input', { type: 'url', id: `${sid}-evidence`, placeholder: 'https://' });
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h('form', { class: 'c-subform', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: sid }, t('o.statusOf', { id: c.id })), sel),
    h('div', { class: 'field' }, h('label', { for: `${sid}-note` }, t('o.note')), note),
    h('div', { class: 'field' }, h('label', { for: `${sid}-evidence` }, t('o.evidence')), evidence),
    h('button', { type: 'submit', class: 'small' }, t('o.changeStatus')), status);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!needText(note, status)) return;
    const cmd = { op: 'commitment.status', commitment: c.id, status: sel.value, note: note.value.trim(), evidence: evidence.value.trim() };
    act(status, () => send('/commands', cmd), () => focusItem(c.id));
  });
  return form;
}

/** Adds a milestone: the commitment edited with one more. */
function milestoneForm(c) {
  const mid = `milestone-${c.id}`;
  const text = h('input', { type: 'text', id: mid, maxlength: '500' });
  const due = h('input', { type: 'date', id: `${mid}-due` });
  const evidence = h('input', { type: 'url', id: `${mid}-evidence`, placeholder: 'https://' });
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h('form', { novalidate: true },
    h('div', { class: 'field' }, h('label', { for: mid }, t('o.milestoneText')), text),
    h('div', { class: 'field' }, h('label', { for: `${mid}-due` }, t('o.milestoneDue')), due),
    h('div', { class: 'field' }, h('label', { for: `${mid}-evidence` }, t('o.milestoneEvidence')), evidence),
    h('button', { type: 'submit', class: 'small' }, t('o.milestoneButton')), status);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!needText(text, status)) return;
    const m = { text: text.value.trim() };
    if (due.value) m.due = due.value;
    if (evidence.value.trim()) m.evidence = evidence.value.trim();
    const cmd = { op: 'commitment.edit', commitment: c.id, title: c.title, text: c.problem, proposals: c.proposals, milestones: [...c.milestones, m] };
    act(status, () => send('/commands', cmd), () => focusItem(c.id));
  });
  return h('details', { class: 'c-form' }, h('summary', {}, t('o.addMilestone', { id: c.id })), form);
}

/** Whether input has text; if not, says so and focuses it. */
function needText(input, status) {
  if (input.value.trim()) {
    input.removeAttribute('aria-invalid');
    return true;
  }
  input.setAttribute('aria-invalid', 'true');
  status.textContent = t('o.needText');
  input.focus();
  return false;
}

/** Focuses a re-rendered item (a proposal, a commitment) by its id. */
function focusItem(itemID) {
  const el = document.getElementById(itemID);
  if (el) el.focus();
}

byId('add-step').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const status = byId('add-step-status');
  if (!needText(byId('step-title'), status)) return;
  const body = { title: byId('step-title').value.trim() };
  if (byId('step-date').value) body.date = byId('step-date').value;
  if (byId('step-from').value) body.from = byId('step-from').value;
  byId('step-created').hidden = true; // the last one's links, shown once, go
  act(status, () => send('/steps', body), (out) => {
    byId('step-title').value = '';
    byId('step-date').value = '';
    showCreated(out);
  });
});

/** Shows a new step meeting's links, the moderator's once only. */
function showCreated(out) {
  const box = byId('step-created');
  const links = out.links || {};
  replace(box,
    h('p', {}, t('o.stepCreated', { code: out.code })),
    h('dl', { class: 'links' },
      links.moderator ? [h('dt', {}, t('o.moderatorLink', { code: out.code })), h('dd', {}, h('a', { href: links.moderator }, links.moderator))] : null,
      links.participant ? [h('dt', {}, t('share.participant')), h('dd', {}, h('a', { href: links.participant }, links.participant))] : null));
  box.hidden = false;
  box.focus();
}

byId('attach-step').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const status = byId('attach-status');
  if (!needText(byId('attach-code'), status) || !needText(byId('attach-key'), status)) return;
  act(status, () => send('/steps', { attach: byId('attach-code').value.trim().toUpperCase(), moderatorKey: byId('attach-key').value.trim() }), () => {
    byId('attach-code').value = '';
    byId('attach-key').value = '';
  });
});

/** The carry's two meetings, or null (and why, in status) when not two. */
function carryPair(status) {
  const from = byId('carry-from').value;
  const to = byId('carry-to').value;
  if (!from || !to) { status.textContent = t('o.needSteps'); return null; }
  if (from === to) { status.textContent = t('o.carrySame'); return null; }
  return { from, to };
}

function carry(body) {
  const status = byId('carry-status');
  act(status, () => send('/carry', body), (out) => {
    const n = (out.carried || []).length;
    const before = (out.already || []).length;
    status.textContent = [t('o.carried', { n }), before ? t('o.already', { n: before }) : ''].filter(Boolean).join(' ');
    announce(status.textContent);
    byId('carry-choose').hidden = true;
  });
}

byId('carry').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const pair = carryPair(byId('carry-status'));
  if (pair) carry({ ...pair, all: true });
});

byId('carry-list').addEventListener('click', async () => {
  const status = byId('carry-status');
  const pair = carryPair(status);
  if (!pair) return;
  status.textContent = t('sending');
  let report;
  try {
    const res = await fetch(`/api/rooms/${encodeURIComponent(pair.from)}/report`);
    if (!res.ok) throw new Error(String(res.status));
    report = await res.json();
  } catch {
    status.textContent = t('err.network');
    return;
  }
  const gone = new Set((data.view.carried || []).filter((x) => x.from.code === pair.from).map((x) => x.from.question));
  const open = (report.questions.list || []).filter((q) => q.status === 'live' && !q.archived && !gone.has(q.id));
  status.textContent = open.length ? '' : t('o.carryNone');
  byId('carry-choose').hidden = open.length === 0;
  byId('carry-choose-legend').textContent = t('o.carryChoose', { code: pair.from });
  replace(byId('carry-questions'), open.map((q) => h('div', { class: 'choice' },
    h('input', { type: 'checkbox', id: `carry-q-${q.id}`, value: String(q.id) }),
    h('label', { for: `carry-q-${q.id}` }, `#${q.id} ${q.text} (${t('votes', { n: q.votes })})`))));
  const first = byId('carry-questions').querySelector('input');
  if (first) first.focus();
});

byId('carry-chosen').addEventListener('click', () => {
  const pair = carryPair(byId('carry-status'));
  if (!pair) return;
  const questions = [...byId('carry-questions').querySelectorAll('input:checked')].map((i) => Number(i.value));
  if (!questions.length) { byId('carry-status').textContent = t('o.carryNone'); return; }
  carry({ ...pair, questions });
});

// The live ideas of a step meeting's ideas boards, from its public
// report; one of them fills the proposal form: its title, its text, and
// the idea as a source (the hub checks that it is live).
byId('ideas-list').addEventListener('click', async () => {
  const status = byId('ideas-status');
  const code = byId('ideas-from').value;
  if (!code) { status.textContent = t('o.needSteps'); return; }
  status.textContent = t('sending');
  let report;
  try {
    const res = await fetch(`/api/rooms/${encodeURIComponent(code)}/report`);
    if (!res.ok) throw new Error(String(res.status));
    report = await res.json();
  } catch {
    status.textContent = t('err.network');
    return;
  }
  const ideas = ((report.ideas && report.ideas.list) || []).filter((x) => x.status === 'live' && x.public)
    .sort((a, b) => b.votes - a.votes || a.id - b.id);
  status.textContent = ideas.length ? '' : t('o.ideasNone');
  byId('ideas-pick').hidden = ideas.length === 0;
  replace(byId('ideas-pick'), ideas.map((x) => h('li', { class: 'c-item' },
    h('p', { class: 'c-text' }, `#${x.id} ${x.title} (${t('votes', { n: x.votes })})`),
    x.text ? h('p', { class: 'c-meta' }, x.text) : null,
    h('button', { type: 'button', dataset: { idea: String(x.id) }, on: { click: () => useIdea(code, x) } }, t('o.ideaUse', { n: x.id })))));
  const first = byId('ideas-pick').querySelector('button');
  if (first) first.focus();
});

/** Fills the proposal form from idea x of step meeting code. */
function useIdea(code, x) {
  if (!byId('p-title').value.trim()) byId('p-title').value = x.title;
  if (!byId('p-text').value.trim() && x.text) byId('p-text').value = x.text;
  const line = `${code} idea ${x.id}`;
  const sources = byId('p-sources').value.split('\n').map((s) => s.trim()).filter(Boolean);
  if (!sources.includes(line)) sources.push(line);
  byId('p-sources').value = sources.join('\n');
  byId('ideas-status').textContent = t('o.ideaUsed', { n: x.id });
  byId('p-title').focus();
}

byId('new-proposal').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const status = byId('p-status');
  if (!needText(byId('p-title'), status)) return;
  const parsed = parseSources(byId('p-sources').value);
  if (parsed.bad) {
    byId('p-sources').setAttribute('aria-invalid', 'true');
    status.textContent = t('o.badSource', { n: parsed.bad });
    byId('p-sources').focus();
    return;
  }
  byId('p-sources').removeAttribute('aria-invalid');
  const cmd = { op: 'proposal.create', title: byId('p-title').value.trim(), text: byId('p-text').value.trim(), sources: parsed.sources };
  act(status, () => send('/commands', cmd), () => {
    for (const f of ['p-title', 'p-text', 'p-sources']) byId(f).value = '';
  });
});

byId('new-commitment').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const status = byId('cm-status');
  if (!needText(byId('cm-title'), status)) return;
  const proposals = [...byId('cm-proposals').querySelectorAll('input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value);
  const cmd = {
    op: 'commitment.create', title: byId('cm-title').value.trim(), text: byId('cm-problem').value.trim(),
    proposals, milestones: parseMilestones(byId('cm-milestones').value),
  };
  act(status, () => send('/commands', cmd), () => {
    for (const f of ['cm-title', 'cm-problem', 'cm-milestones']) byId(f).value = '';
  });
});

onLangChange(render);

(async () => {
  if (!key) {
    byId('loading').textContent = t('o.noKey');
    return;
  }
  try {
    await reload();
  } catch (err) {
    byId('loading').textContent = err && err.code === 'bad_key' ? t('o.badKey')
      : err && err.code === 'no_consultation' ? t('c.notFound') : problem(err);
    return;
  }
  byId('loading').hidden = true;
  byId('organise').hidden = false;
  fillAbout();
})();
