// Page pieces shared by the participant, moderator and screen pages: the
// connection banner, the language switch, the "pause live updates" control,
// poll result bars and a polite announcer for screen readers.

import { h, replace, byId } from './dom.js';
import { t, lang, setLang, onLangChange, otherLang, langName } from './i18n.js';
import { resultBars } from './protocol.js';
import { provenance } from './consultation-data.js';

/**
 * Keeps el (role="status", aria-live="polite") saying the connection state.
 * Fatal errors (wrong key, unknown room) replace it for good.
 * @param {HTMLElement} el
 * @param {import('./tribune.js').Client} client
 */
export function connectionBanner(el, client) {
  let fatal = '';
  const render = () => {
    const conn = client.conn === 'live' && client.upstream === 'down' ? 'degraded' : client.conn;
    el.dataset.conn = fatal ? 'failed' : conn;
    el.textContent = fatal ? t(`fatal.${fatal}`) : t(`conn.${conn}`);
  };
  client.on('conn', render);
  client.on('upstream', render);
  client.on('error', (err) => {
    if (!err.retry && ['bad_key', 'no_room', 'bad_hello', 'bad_version', 'forbidden'].includes(err.code)) {
      fatal = ['no_room', 'bad_key', 'bad_version'].includes(err.code) ? err.code : 'other';
      render();
    }
  });
  onLangChange(render);
  render();
}

/**
 * Fills el with a button that switches to the other language.
 * @param {HTMLElement} el
 */
export function languageSwitch(el) {
  const render = () => {
    const other = otherLang();
    replace(el, h('button', {
      type: 'button', class: 'link-button', lang: other, 'aria-label': t('lang.switchTo'),
      on: { click: () => setLang(other) },
    }, langName(other)));
  };
  onLangChange(render);
  render();
}

/**
 * A pause control for a live list (WCAG 2.2.2): while paused, render is not
 * called; the number of updates held back is shown; resuming renders the
 * latest state. Returns {update(), paused()} — call update() on every change.
 * @param {HTMLElement} container where the control goes
 * @param {() => void} render
 * @param {() => string} [scope] names the list in the button, for pages with several
 */
export function pauseControl(container, render, scope) {
  let paused = false;
  let waiting = 0;
  const button = h('button', { type: 'button', class: 'toggle', 'aria-pressed': 'false' });
  const count = h('span', { class: 'pause-count', role: 'status' });
  const draw = () => {
    button.setAttribute('aria-pressed', String(paused));
    button.textContent = paused ? t('pause.resume') : t('pause.pause');
    if (scope) button.setAttribute('aria-label', `${button.textContent}: ${scope()}`);
    count.textContent = paused && waiting ? t('pause.waiting', { n: waiting }) : '';
  };
  button.addEventListener('click', () => {
    paused = !paused;
    if (!paused) {
      waiting = 0;
      render();
    }
    draw();
  });
  container.append(button, count);
  onLangChange(draw);
  draw();
  return {
    update() {
      if (paused) {
        waiting++;
        draw();
      } else {
        render();
      }
    },
    paused: () => paused,
  };
}

/**
 * Result bars for a poll: a list whose bars are sized with the CSSOM
 * (allowed under style-src 'self', unlike style attributes in markup).
 * @param {import('./protocol.js').Poll} poll
 * @param {import('./protocol.js').Results} results
 * @returns {HTMLElement}
 */
export function resultsView(poll, results) {
  const bars = resultBars(poll, results);
  const list = h('ul', { class: ['results', poll.kind === 'open' ? 'words' : ''] });
  const correct = poll.kind === 'single' || poll.kind === 'multiple' ? poll.correct || [] : [];
  for (const [i, b] of bars.entries()) {
    const fill = h('span', { class: 'bar-fill' });
    fill.style.width = `${b.percent}%`;
    const right = correct.includes(i);
    list.append(h('li', { class: ['result', right ? 'correct' : ''] },
      // data-full: the big screen may cut a long label to fit (screen.js fit).
      h('span', { class: 'result-label', dataset: right ? undefined : { full: b.label } }, b.label, right ? [' ', h('span', { class: 'right-mark' }, t('poll.rightMark'))] : null),
      h('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
      h('span', { class: 'result-figure' }, resultFigure(poll, b))));
  }
  const wrap = h('div', { class: 'results-wrap' }, list);
  if (poll.kind === 'ranking') {
    wrap.append(h('p', { class: 'average results-note' }, t('poll.bordaNote', { top: Math.max((poll.options || []).length - 1, 0) })));
  }
  if (poll.kind === 'points') {
    wrap.append(h('p', { class: 'average results-note' }, t('poll.budgetNote', { budget: poll.budget || 0, max: poll.max || poll.budget || 0 })));
  }
  if (poll.kind === 'rating' && results.average) {
    wrap.append(h('p', { class: 'average' }, t('poll.average', { avg: results.average.toFixed(1), scale: poll.scale })));
  }
  return wrap;
}

/**
 * The figure beside a result bar: the count and share; a ranking's Borda
 * score and share of first places; a points poll's points and voters.
 * @param {import('./protocol.js').Poll} poll
 * @param {{count: number, percent: number, first?: number, voters?: number}} b
 */
function resultFigure(poll, b) {
  switch (poll.kind) {
    case 'open': return String(b.count);
    case 'ranking': return t('poll.rankFigure', { n: b.count, p: b.first || 0 });
    case 'points': return t('poll.pointsFigure', { pts: b.count, n: b.voters || 0 });
  }
  return t('poll.share', { n: b.count, p: b.percent });
}

/**
 * Says something to screen-reader users through the page's polite live
 * region (#announcer), and shows it briefly to everyone.
 * @param {string} message
 */
export function announce(message) {
  const el = byId('announcer');
  el.textContent = '';
  // A new text node in an emptied region is announced even when the
  // message repeats.
  setTimeout(() => { el.textContent = message; }, 30);
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => { el.textContent = ''; }, 6000);
}
/** @type {any} */
announce.timer = 0;

/**
 * A readable message for a command error.
 * @param {any} err
 */
export function errorText(err) {
  const code = err && err.code;
  const key = `err.${code}`;
  const s = t(key);
  return s === key ? t('err.other', { message: (err && err.message) || String(err) }) : s;
}

/**
 * The floor as everyone sees it: who speaks, then who waits, in order. A
 * list item per request; extra(f) adds controls (the moderator's).
 * @param {import('./protocol.js').FloorRequest[]} floor
 * @param {(f: import('./protocol.js').FloorRequest) => any} [extra]
 * @returns {HTMLElement[]}
 */
export function floorItems(floor, extra) {
  return floor.map((f) => h('li', { class: ['floor-item', f.status], dataset: { id: String(f.id) } },
    h('span', { class: 'floor-name' }, floorName(f)),
    f.topic ? [' · ', h('span', { class: 'floor-topic' }, f.topic)] : null,
    f.status === 'speaking' ? [' ', h('span', { class: 'badge' }, t('floor.speakingBadge'))] : null,
    extra ? extra(f) : null));
}

/** A requester as shown: their name, or who they are without one. */
export function floorName(f) {
  return `${f.name || t('anonymous')} (${t(`channel.${f.channel}`)})`;
}

/**
 * A small form inside a list item: fields, a submit button, Cancel, and a
 * status line (role="status") that onSubmit fills with what happened.
 * @param {any[]} fields
 * @param {string} submitLabel
 * @param {() => void} onCancel
 * @param {(status: HTMLElement) => void} onSubmit
 * @returns {HTMLFormElement}
 */
export function inlineForm(fields, submitLabel, onCancel, onSubmit) {
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = /** @type {HTMLFormElement} */ (h('form', { class: 'inline-action', novalidate: true }, fields,
    h('div', { class: 'button-row' },
      h('button', { type: 'submit', class: 'primary small' }, submitLabel),
      h('button', { type: 'button', class: 'small', on: { click: onCancel } }, t('cancel'))),
    status));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    onSubmit(status);
  });
  return form;
}

/**
 * Formats a Unix-millisecond time as hours and minutes in the page language.
 * @param {number} ms
 */
export function clockTime(ms) {
  return new Date(ms).toLocaleTimeString(lang(), { hour: '2-digit', minute: '2-digit' });
}

/**
 * Returns a function that runs render at most once per animation frame,
 * however many changes arrive: a burst of patches costs one render. It
 * passes along whether any of the calls since the last render carried
 * outcome 'applied' (a change while live, as opposed to a snapshot).
 * @param {(outcome: string) => void} render
 */
export function perFrame(render) {
  let queued = false;
  let outcome = '';
  return (/** @type {string} */ o) => {
    if (o === 'applied' || !outcome) outcome = o;
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      const out = outcome;
      outcome = '';
      render(out);
    });
  };
}

/**
 * The WAI-ARIA tabs pattern over el (role="tablist") and its role="tab"
 * buttons, each naming its panel with aria-controls: one tab in the Tab
 * order (roving tabindex), arrow keys, Home and End move and select
 * (automatic activation: a panel costs nothing to show), the panels not
 * selected are hidden. A tab may carry a badge saying something new came
 * while its panel was hidden: a .tab-badge (seen) and a .tab-new
 * (visually hidden, read with the tab's name).
 * @param {HTMLElement} el
 * @param {(id: string) => void} [onSelect] called with the tab's id after a change
 */
export function tabList(el, onSelect) {
  // A hidden tab (a section the meeting does not have yet) is skipped.
  const tabs = () => /** @type {HTMLElement[]} */ (Array.from(el.querySelectorAll('[role="tab"]'))).filter((b) => !b.hidden);
  /** @type {Map<string, number|boolean>} */
  const marks = new Map();
  const current = () => tabs().find((b) => b.getAttribute('aria-selected') === 'true') || tabs()[0];
  function drawMark(tab) {
    const n = marks.get(tab.id) || 0;
    const badge = tab.querySelector('.tab-badge');
    const text = tab.querySelector('.tab-new');
    if (badge) badge.textContent = n === true ? '•' : n ? String(n) : '';
    if (text) text.textContent = n === true ? ` (${t('tab.newAny')})` : n ? ` (${t('tab.new', { n })})` : '';
  }
  function select(id, focus = false) {
    const prev = current();
    for (const b of tabs()) {
      const on = b.id === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      byId(b.getAttribute('aria-controls')).hidden = !on;
      if (on) {
        marks.delete(b.id);
        drawMark(b);
        if (focus) b.focus();
      }
    }
    if (onSelect && (!prev || prev.id !== id)) onSelect(id);
  }
  el.addEventListener('click', (ev) => {
    const b = /** @type {HTMLElement} */ (ev.target).closest('[role="tab"]');
    if (b) select(b.id, true);
  });
  el.addEventListener('keydown', (ev) => {
    const list = tabs();
    const i = list.indexOf(/** @type {HTMLElement} */ (document.activeElement));
    if (i < 0) return;
    const vertical = el.getAttribute('aria-orientation') === 'vertical';
    const next = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: vertical ? 1 : 0, ArrowUp: vertical ? -1 : 0 }[ev.key];
    let j = -1;
    if (next) j = (i + next + list.length) % list.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = list.length - 1;
    if (j < 0) return;
    ev.preventDefault();
    select(list[j].id, true);
  });
  onLangChange(() => tabs().forEach(drawMark));
  return {
    select,
    /** The id of the tab selected. */
    selected: () => current().id,
    /**
     * Marks tab id as holding something new (n items, or true), unless it
     * is the one shown; 0 or false clears the mark.
     * @param {string} id
     * @param {number|boolean} n
     */
    mark(id, n) {
      const tab = byId(id);
      if (n && tab.getAttribute('aria-selected') === 'true') return;
      if (n) marks.set(id, n);
      else marks.delete(id);
      drawMark(tab);
    },
  };
}

/**
 * Text folded for a search: lower case, accents dropped, so that "cafe"
 * finds "Café".
 * @param {string} s
 */
export function foldText(s) {
  return String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * Whether question q answers a search: every word typed is in its text,
 * its author's name or its answer (case and accents aside), and a word #N
 * names its number exactly; channel, when given, must be the question's.
 * @param {{id: number, text: string, name?: string, answer?: string, channel: string}} q
 * @param {string} search what was typed
 * @param {string} [channel] '' for any
 */
export function matchesSearch(q, search, channel = '') {
  if (channel && q.channel !== channel) return false;
  const words = foldText(search).split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = foldText(`${q.text} ${q.name || ''} ${q.answer || ''}`);
  return words.every((w) => (/^#\d+$/.test(w) ? Number(w.slice(1)) === q.id : hay.includes(w)));
}

/**
 * Who asked question q, as its meta line says it: its name (or anonymous)
 * and, with channel, its channel; for a question carried from an earlier
 * step meeting, which has no author here, where it comes from and the
 * votes it had there (room QuestionView.From).
 * @param {{name?: string, channel?: string, from?: {code: string, step?: string, votes: number}}} q
 * @param {boolean} [channel]
 * @returns {string[]}
 */
export function whoAsked(q, channel = true) {
  if (q.from) return [provenance({ from: q.from })];
  return channel ? [q.name || t('anonymous'), t(`channel.${q.channel}`)] : [q.name || t('anonymous')];
}

/**
 * The public line on refusals: how many, and how many for each reason,
 * the most frequent first (refused: reason -> count, as the view has it).
 * @param {Record<string, number>} refused
 * @param {import('./i18n.js').Lang} [l] the language, by default the page's
 * @returns {string} '' when none
 */
export function refusedLine(refused, l = undefined) {
  const byReason = Object.entries(refused || {}).filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const n = byReason.reduce((s, [, c]) => s + c, 0);
  if (!n) return '';
  const list = byReason.map(([r, c]) => t('refused.reason', { reason: t(`reason.${r}`, {}, l), n: c }, l)).join(', ');
  return `${t('refused.line', { n }, l)} ${t('refused.reasons', { list }, l)}`;
}
