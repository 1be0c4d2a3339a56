// The ballots of ranking and points polls, for the participant page.
//
// A ranking is a list the participant puts in order, three ways that give
// the same result: drag an option by its handle (a pointer, so a finger on
// a phone or a mouse), focus an option and press the up or down arrow key,
// or press its up and down buttons. Each move is said through the page's
// live region. For a partial ranking (poll.max below the number of
// options) the first poll.max places are ranked, the rest marked so.
//
// A points ballot is one stepper per option (minus, the points, plus) under
// a line that says the points left; plus stops at the per-option maximum
// and when no point is left, so a ballot over the limits cannot be made.
//
// Each builder returns {el, read}: read() gives the command fields of the
// ballot ({choices} or {points}), or {error} with what to tell the person.

import { h } from './dom.js';
import { t } from './i18n.js';

/**
 * @param {import('./protocol.js').Poll} p
 * @param {{choices?: number[]}|undefined} ballot the participant's ballot, to start from
 * @param {(message: string) => void} say announces to screen readers
 */
export function rankingBallot(p, ballot, say) {
  const options = p.options || [];
  const n = options.length;
  const places = p.max > 0 && p.max < n ? p.max : n;
  // Start from the ballot's order, then the options it left out.
  const start = (ballot && ballot.choices ? ballot.choices.filter((x) => x >= 0 && x < n) : []);
  const order = start.concat(options.map((_, i) => i).filter((i) => !start.includes(i)));
  const hintID = `poll-${p.id}-rank-hint`;
  const hint = h('p', { class: 'hint', id: hintID }, places < n ? t('rank.hint', { n: places }) : t('rank.hintAll'));
  const list = h('ol', { class: 'rank-list', 'aria-describedby': hintID });

  const items = () => /** @type {HTMLElement[]} */ (Array.from(list.querySelectorAll('.rank-item')));
  const label = (li) => options[Number(li.dataset.option)];

  /** Numbers the places and refreshes every label after a change. */
  const renumber = () => {
    const all = items();
    all.forEach((li, i) => {
      const o = label(li);
      const out = i >= places;
      li.classList.toggle('unranked', out);
      li.classList.toggle('cut', i === places && places < n);
      /** @type {HTMLElement} */ (li.querySelector('.rank-place')).textContent = out ? '–' : String(i + 1);
      li.setAttribute('aria-label', out ? t('rank.itemOut', { option: o }) : t('rank.item', { option: o, n: i + 1, total: places }));
      const up = /** @type {HTMLButtonElement} */ (li.querySelector('.rank-up'));
      const down = /** @type {HTMLButtonElement} */ (li.querySelector('.rank-down'));
      up.disabled = i === 0;
      down.disabled = i === all.length - 1;
    });
  };
  const tell = (li) => {
    const i = items().indexOf(li);
    say(i >= places ? t('rank.movedOut', { option: label(li) }) : t('rank.moved', { option: label(li), n: i + 1, total: places }));
  };
  /** Moves li by d places (-1 up, +1 down); returns whether it moved. */
  const move = (li, d) => {
    const all = items();
    const j = all.indexOf(li) + d;
    if (j < 0 || j >= all.length) return false;
    swap(list, li, all[j]);
    renumber();
    tell(li);
    return true;
  };

  for (const i of order) {
    const o = options[i];
    const up = h('button', { type: 'button', class: 'rank-up small', tabindex: '-1', 'aria-label': t('rank.up', { option: o }) }, '↑');
    const down = h('button', { type: 'button', class: 'rank-down small', tabindex: '-1', 'aria-label': t('rank.down', { option: o }) }, '↓');
    const handle = h('span', { class: 'rank-handle', 'aria-hidden': 'true' }, '⠿');
    const li = h('li', { class: 'rank-item', tabindex: '0', dataset: { option: String(i) } },
      handle, h('span', { class: 'rank-place', 'aria-hidden': 'true' }), h('span', { class: 'rank-label', 'aria-hidden': 'true' }, o), up, down);
    up.addEventListener('click', () => { move(li, -1); (up.disabled ? down : up).focus(); });
    down.addEventListener('click', () => { move(li, +1); (down.disabled ? up : down).focus(); });
    li.addEventListener('keydown', (ev) => {
      if (ev.target !== li || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const d = ev.key === 'ArrowUp' ? -1 : ev.key === 'ArrowDown' ? +1 : 0;
      if (!d) return;
      ev.preventDefault(); // the arrows move the option, not the page
      if (move(li, d)) li.focus();
    });
    dragByHandle(list, li, handle, () => { renumber(); tell(li); }, renumber);
    list.append(li);
  }
  renumber();
  return {
    el: h('div', { class: 'ranking' }, hint, list),
    read: () => ({ choices: items().slice(0, places).map((li) => Number(li.dataset.option)) }),
  };
}

/**
 * Lets li be dragged within list by its handle with any pointer. While it
 * moves, li swaps with a neighbour once the pointer passes that
 * neighbour's middle; done() runs when it is dropped, moved() on each swap.
 * The handle takes the touch (touch-action: none in rank.css) so the page
 * scrolls everywhere else.
 */
function dragByHandle(list, li, handle, done, moved) {
  let pointer = -1;
  handle.addEventListener('pointerdown', (ev) => {
    if (ev.button > 0 || pointer !== -1) return;
    ev.preventDefault();
    pointer = ev.pointerId;
    handle.setPointerCapture(pointer);
    li.classList.add('dragging');
  });
  handle.addEventListener('pointermove', (ev) => {
    if (ev.pointerId !== pointer) return;
    for (;;) {
      const prev = /** @type {HTMLElement|null} */ (li.previousElementSibling);
      const next = /** @type {HTMLElement|null} */ (li.nextElementSibling);
      if (prev && ev.clientY < middle(prev)) swap(list, li, prev);
      else if (next && ev.clientY > middle(next)) swap(list, li, next);
      else break;
      moved();
    }
  });
  const drop = (ev) => {
    if (ev.pointerId !== pointer) return;
    pointer = -1;
    li.classList.remove('dragging');
    done();
  };
  handle.addEventListener('pointerup', drop);
  handle.addEventListener('pointercancel', drop);
}

/**
 * Swaps li with its neighbour other by moving other, never li: li keeps
 * the keyboard focus and the pointer capture that a removal would lose.
 */
function swap(list, li, other) {
  if (other === li.previousElementSibling) list.insertBefore(other, li.nextSibling);
  else list.insertBefore(other, li);
}

function middle(/** @type {HTMLElement} */ el) {
  const r = el.getBoundingClientRect();
  return r.top + r.height / 2;
}

/**
 * @param {import('./protocol.js').Poll} p
 * @param {{points?: number[]}|undefined} ballot the participant's ballot, to start from
 * @param {(message: string) => void} say announces to screen readers
 */
export function pointsBallot(p, ballot, say) {
  const options = p.options || [];
  const budget = p.budget || 0;
  const max = p.max || budget;
  const pts = options.map((_, i) => (ballot && ballot.points ? ballot.points[i] || 0 : 0));
  const leftLine = h('p', { class: 'points-left', role: 'status' });
  const rows = [];
  const left = () => budget - pts.reduce((s, x) => s + x, 0);
  const leftText = () => t('points.left', { n: left(), budget });
  const refresh = () => {
    leftLine.textContent = leftText();
    leftLine.classList.toggle('at-max', left() === 0);
    rows.forEach(({ value, minus, plus }, i) => {
      value.textContent = String(pts[i]);
      minus.disabled = pts[i] === 0;
      plus.disabled = pts[i] >= max || left() <= 0;
    });
  };
  const step = (i, d, btn, other) => {
    pts[i] += d;
    refresh();
    say(t('points.now', { option: options[i], n: pts[i], left: leftText() }));
    if (btn.disabled) other.focus();
  };
  const list = h('ul', { class: 'points-list' });
  options.forEach((o, i) => {
    const labelID = `poll-${p.id}-pt-${i}`;
    const value = h('output', { class: 'points-value', 'aria-labelledby': labelID });
    const minus = h('button', { type: 'button', class: 'points-step', 'aria-label': t('points.remove', { option: o }) }, '−');
    const plus = h('button', { type: 'button', class: 'points-step', 'aria-label': t('points.add', { option: o }) }, '+');
    minus.addEventListener('click', () => step(i, -1, minus, plus));
    plus.addEventListener('click', () => step(i, +1, plus, minus));
    rows.push({ value, minus, plus });
    list.append(h('li', { class: 'points-row' }, h('span', { class: 'points-label', id: labelID }, o), minus, value, plus));
  });
  const el = h('div', { class: 'points' }, leftLine);
  if (max < budget) el.append(h('p', { class: 'hint' }, t('points.max', { n: max })));
  el.append(list);
  refresh();
  return {
    el,
    read: () => (left() === budget ? { error: t('points.none') } : { points: pts.slice() }),
  };
}
