// The big screen, /s/CODE: what the room should see, readable from the back.
// Read-only: no admin controls. F toggles full screen, Esc leaves it.
//
// It always fits the viewport, whatever the state (body[data-state]):
// waiting (not started, nothing put on the screen: code and QR code large),
// answering (a question highlighted), poll (a poll's results), top (the
// top questions), ended (thanks, and the report's address and QR code).
// The page never scrolls: the grid gives each region (title, stage, side,
// announcement) its box, and fit() sets each region's type as large as its
// content fits, down to a floor; past it, the longest texts are cut, with
// an ellipsis that keeps their start (the whole text stays for screen
// readers).

import { screenCode } from './voters.js';
import { Client } from './tribune.js';
import { topQuestions, question, poll, pollResults, floorLine } from './protocol.js';
import { screenIdeas } from './ideas.js';
import { currentBoard } from './ideas-data.js';
import { h, replace, byId, pathCode, load, store, keyedList, isTyping, setText } from './dom.js';
import { t, initI18n, onLangChange } from './i18n.js';
import { connectionBanner, languageSwitch, resultsView, perFrame, floorName, whoAsked } from './ui.js';
import { watchServerClock, currentAnnouncement, speechLeft, formatSeconds } from './clock.js';
import { fitCloud } from './wordcloud.js';
import { watchSetup, renderSetup } from './setup.js';

const code = pathCode();
const themeKey = 'tribune:theme';
const themes = ['dark', 'light', 'contrast'];

initI18n();
languageSwitch(byId('lang'));

const client = new Client({ code, role: 'screen' });
connectionBanner(byId('conn'), client);
const clock = watchServerClock(client);
// For the browser console and the end-to-end tests: the client's state.
Object.defineProperty(globalThis, 'tribune', { value: client, configurable: true });
const later = perFrame(() => render());
const showRoomCode = screenCode(client, byId('roomcode'));
onLangChange(() => showRoomCode());
client.on('state', () => later(''));
client.on('error', (err) => {
  if (err.code === 'no_room') {
    byId('status-line').hidden = false;
    byId('status-line').textContent = t('fatal.no_room');
  }
});
if (code) client.start();

byId('code').textContent = code;

// The address phones are shown: the page's, or one of the machine's when
// it was opened at localhost (setup.js).
const setup = watchSetup(() => later(''));

/** @type {Record<string, number>} the reaction totals last shown */
let seenReactions = {};
/** The id of the announcement shown, 0 for none. */
let shownAnnouncement = 0;

const reactionIcons = { applause: '👏', agree: '👍', disagree: '👎', louder: '🔊', slower: '🐢', break: '☕' };

/**
 * The screen's state, which decides what the stage shows.
 * @param {import('./protocol.js').View} view
 */
function screenState(view) {
  const m = view.meeting;
  if (m.status === 'ended') return 'ended';
  // What the moderator put on the screen shows, even before the start.
  if (poll(view, m.screenPoll)) return 'poll';
  if (question(view, m.highlight)) return 'answering';
  if (m.status === 'scheduled') return 'waiting';
  // An open ideas board takes the place of the top questions.
  const b = currentBoard(view);
  if (b && b.open) return 'ideas';
  return 'top';
}

function render() {
  const view = client.state.view;
  if (!view) {
    renderJoin('waiting');
    fitAll();
    return;
  }
  const m = view.meeting;
  const state = screenState(view);
  document.body.dataset.state = state;
  setText(byId('title'), m.title);
  document.title = `${m.title} · Tribune`;
  setText(byId('step'), m.step >= 0 && m.step < m.agenda.length && state !== 'ended'
    ? t('step.current', { n: m.step + 1, total: m.agenda.length, title: m.agenda[m.step] })
    : '');
  byId('step').hidden = !byId('step').textContent;
  const status = byId('status-line');
  status.hidden = m.status === 'live';
  setText(status, m.status === 'ended' ? t('status.ended') : m.status === 'scheduled' ? t('status.scheduled') : '');

  const welcome = state === 'waiting' || state === 'ended';
  byId('welcome-box').hidden = !welcome;
  setText(byId('welcome'), state === 'ended' ? t('screen.thanks') : t('screen.soon'));
  setText(byId('welcome-more'), state === 'ended' ? t('screen.thanksMore') : t('screen.soonMore'));

  renderFloor(view, state);
  renderHighlight(view, state);
  renderPoll(view, state);
  renderTop(view, state);
  screenIdeas(byId('ideas-box'), view, state === 'ideas', setFull);
  renderJoin(state);

  const c = view.counts;
  setText(byId('counts'), c ? t('counts.line', { room: c.room, remote: c.remote }) : '');
  // Totals since the start; a kind that just grew bumps (not under
  // reduced motion).
  const reactions = Object.entries(view.reactions || {}).filter(([r, n]) => n > 0 && reactionIcons[r]);
  replace(byId('reactions'), reactions.map(([r, n]) => h('span', { class: ['screen-reaction', n > (seenReactions[r] || 0) && seenReactions[r] !== undefined ? 'bump' : ''] },
    h('span', { 'aria-hidden': 'true' }, reactionIcons[r]), ' ', h('span', { class: 'reaction-name' }, t(`reaction.${r}`)), ' ', h('strong', {}, String(n)))));
  byId('reactions').hidden = reactions.length === 0;
  seenReactions = { ...view.reactions };
  renderAnnouncement(view);
  renderTimer();
  fitAll();
}

function renderHighlight(view, state) {
  // Beside a poll's results too: the moderator may answer a question while
  // the results stay up.
  const hl = state === 'answering' || state === 'poll' ? question(view, view.meeting.highlight) : undefined;
  byId('highlight-box').hidden = !hl;
  if (hl) {
    setFull(byId('highlight'), hl.text);
    setText(byId('highlight-meta'), [...whoAsked(hl, false), t('votes', { n: hl.votes })].join(' · '));
  }
}

/** Fewer top questions for this state and highlight (fitAll): at most limit. */
let crowded = { key: '', limit: 5 };
const crowdKey = () => `${document.body.dataset.state} ${client.state.view?.meeting.highlight} ${innerWidth}x${innerHeight}`;

function renderTop(view, state) {
  const m = view.meeting;
  const n = Math.min(state === 'answering' ? 3 : 5, crowded.key === crowdKey() ? crowded.limit : 5);
  const top = state === 'top' || state === 'answering' || state === 'waiting'
    ? topQuestions(view, n + 1).filter((q) => q.id !== m.highlight).slice(0, n)
    : [];
  byId('top-box').hidden = state === 'poll' || state === 'ended' || (state !== 'top' && top.length === 0) || n === 0;
  byId('top-empty').hidden = top.length > 0;
  keyedList(byId('top'), top, (q) => q.id, () => h('li', {}, h('span', { class: 'top-text' }), h('span', { class: 'top-votes' })), (li, q) => {
    setFull(/** @type {HTMLElement} */ (li.querySelector('.top-text')), q.text);
    setText(/** @type {HTMLElement} */ (li.querySelector('.top-votes')), t('votes', { n: q.votes }));
    li.classList.toggle('pinned', !!q.pinned);
  });
}

function renderFloor(view, state) {
  // Who has the floor, and who is next: the room sees the line it is in.
  const { speaking, waiting } = floorLine(view);
  const next = waiting.slice(0, 3);
  const shown = state !== 'ended' && (!!speaking || next.length > 0);
  byId('floor-box').hidden = !shown;
  byId('floor').hidden = !shown;
  setText(byId('floor'), [
    speaking ? t('floor.speaking', { name: floorName(speaking) }) : '',
    next.length ? t('floor.next', { names: next.map(floorName).join(', ') }) : '',
  ].filter(Boolean).join(' '));
}

function renderPoll(view, state) {
  const m = view.meeting;
  const p = state === 'poll' ? poll(view, m.screenPoll) : undefined;
  byId('poll-box').hidden = !p;
  byId('poll-box').classList.toggle('has-cloud', !!p && p.kind === 'open');
  if (!p) return;
  setFull(byId('poll-title'), p.title);
  setText(byId('poll-meta'), [t(`poll.status.${p.status}`), t('poll.ballots', { n: p.ballots })].join(' · '));
  const results = pollResults(client.state, p.id);
  const box = byId('poll-results');
  if (!results) {
    box.dataset.sig = '';
    replace(box, h('p', { class: 'screen-meta' }, t(`poll.screenHidden.${p.visibility}`)));
    return;
  }
  if (p.kind === 'open') {
    renderCloudList(box, p, results);
    return;
  }
  // Bars are updated in place, so their width animates (CSS transition).
  const sig = JSON.stringify([p.id, p.kind, p.options, p.scale, document.documentElement.lang]);
  const fresh = resultsView(p, results);
  if (box.dataset.sig === sig && box.firstChild) {
    const old = box.querySelectorAll('.result');
    const now = fresh.querySelectorAll('.result');
    if (old.length === now.length) {
      now.forEach((li, i) => {
        /** @type {HTMLElement} */ (old[i].querySelector('.bar-fill')).style.width = /** @type {HTMLElement} */ (li.querySelector('.bar-fill')).style.width;
        setText(/** @type {HTMLElement} */ (old[i].querySelector('.result-figure')), li.querySelector('.result-figure')?.textContent || '');
      });
      const avg = fresh.querySelector('.average');
      const oldAvg = box.querySelector('.average');
      if (avg && oldAvg) oldAvg.textContent = avg.textContent;
      else if (avg || oldAvg) replace(box, fresh);
    } else {
      replace(box, fresh);
    }
  } else {
    box.dataset.sig = sig;
    // Start from zero so the bars grow into place.
    const fills = /** @type {HTMLElement[]} */ (Array.from(fresh.querySelectorAll('.bar-fill')));
    const widths = fills.map((f) => f.style.width);
    fills.forEach((f) => { f.style.width = '0%'; });
    replace(box, fresh);
    requestAnimationFrame(() => requestAnimationFrame(() => fills.forEach((f, i) => { f.style.width = widths[i]; })));
  }
}

// --- the word cloud ---------------------------------------------------------

/**
 * An open poll's words: the cloud drawn (hidden from screen readers) and,
 * for them, the words and counts as a list.
 */
function renderCloudList(box, p, results) {
  const words = results.words || [];
  const sig = JSON.stringify(['cloud', p.id, words, document.documentElement.lang]);
  if (box.dataset.sig === sig && box.querySelector('.cloud')) return;
  box.dataset.sig = sig;
  const list = h('ul', { class: 'visually-hidden', 'aria-label': t('screen.cloudList') },
    words.map((w) => h('li', {}, t('screen.cloudWord', { word: w.word, n: w.count }))));
  const cloud = h('div', { class: 'cloud', 'aria-hidden': 'true' });
  replace(box, words.length ? [cloud, list] : h('p', { class: 'screen-meta' }, t('screen.cloudEmpty')));
}

let measureCtx = /** @type {CanvasRenderingContext2D|null} */ (null);

/** Draws the cloud into its box, as large as it fits; after fitAll. */
function layoutCloud() {
  const cloud = /** @type {HTMLElement|null} */ (document.querySelector('#poll-box:not([hidden]) .cloud'));
  if (!cloud) return;
  const p = poll(client.state.view, client.state.view?.meeting.screenPoll || 0);
  const results = p && pollResults(client.state, p.id);
  const words = (results && results.words) || [];
  const width = cloud.clientWidth;
  const height = cloud.clientHeight;
  const sig = JSON.stringify([words, width, height]);
  if (cloud.dataset.sig === sig) return;
  cloud.dataset.sig = sig;
  const style = getComputedStyle(cloud);
  measureCtx ||= document.createElement('canvas').getContext('2d');
  const ref = 100;
  if (measureCtx) measureCtx.font = `700 ${ref}px ${style.fontFamily}`;
  const lineHeight = 1.2;
  const measure = (/** @type {string} */ word, /** @type {number} */ size) => ({
    // A little more than the text, so the boxes keep a gap when drawn.
    width: ((measureCtx ? measureCtx.measureText(word).width : word.length * ref * 0.6) / ref) * size * 1.04 + size * 0.2,
    height: size * lineHeight,
  });
  // Readable from the back of the room: never under 3.2% of the screen's
  // height; the most frequent word at most a third of the cloud.
  const floorSize = Math.max(14, innerHeight * 0.032);
  const { placed } = fitCloud(words, measure, { width: width - 2, height: height - 2, maxSize: Math.max(floorSize, height / 3), floorSize, ratio: 0.32, gap: 0 });
  replace(cloud, placed.map((w, i) => {
    const span = h('span', { class: ['cloud-word', `tone${i % 3}`] }, w.word);
    span.style.left = `${w.x + 1 + w.size * 0.1}px`;
    span.style.top = `${w.y + 1}px`;
    span.style.fontSize = `${w.size}px`;
    span.style.lineHeight = String(lineHeight);
    return span;
  }));
}

// --- join, report, setup ----------------------------------------------------

function renderJoin(state) {
  const s = setup.setup();
  const ended = state === 'ended';
  const host = s.base.replace(/^https?:\/\//, '');
  setText(byId('join-title'), ended ? t('screen.report') : t('screen.join'));
  setText(byId('join-url'), ended ? `${host}/r/${code}` : `${host}/j/${code}`);
  byId('code-label').hidden = ended;
  byId('code').hidden = ended;
  const query = new URLSearchParams(s.qrQuery.replace(/^\?/, ''));
  if (ended) query.set('for', 'report');
  const q = query.toString();
  const src = `/qr/${encodeURIComponent(code)}.svg${q ? `?${q}` : ''}`;
  const qr = byId('qr');
  if (qr.getAttribute('src') !== src) qr.src = src;
  qr.alt = ended ? t('screen.reportQrAlt', { url: `${s.base}/r/${code}` }) : t('share.qrAlt', { url: `${s.base}/j/${code}` });
  // In the room, the whole warning while people join (waiting, ended);
  // its first sentence during the meeting, when the QR code is small.
  renderSetup(byId('setup-warning'), state === 'waiting' || ended ? s : { ...s, addresses: [], short: true }, setup.choose, { part: 'warning' });
  renderSetup(byId('setup-choice'), s, setup.choose, { part: 'choice' });
}

// --- announcements and the speaking timer ------------------------------------

function renderAnnouncement(view) {
  // Once the meeting has ended, the screen says thanks, nothing else.
  const ann = view.meeting.status === 'ended' ? undefined : currentAnnouncement(view.meeting.announcements, clock.now(Date.now()));
  shownAnnouncement = ann ? ann.id : 0;
  byId('announcement').hidden = !ann;
  if (ann) setFull(byId('announcement'), ann.text);
}

/** Updates the countdown; returns whether it appeared, went or changed length. */
function renderTimer() {
  const view = client.state.view;
  const el = byId('floor-timer');
  const { speaking } = view ? floorLine(view) : { speaking: undefined };
  const left = view && view.meeting.status !== 'ended' ? speechLeft(speaking, clock.now(Date.now())) : null;
  const was = `${el.hidden} ${el.textContent?.length}`;
  el.hidden = left === null;
  el.classList.toggle('over', left !== null && left <= 0);
  el.classList.toggle('soon', left !== null && left > 0 && left <= 10);
  setText(el, left === null ? '' : left > 0 ? t('timer.left', { time: formatSeconds(left) }) : t('timer.over', { time: formatSeconds(-left) }));
  // "Time is up" is longer than a count: the line may wrap.
  return was !== `${el.hidden} ${el.textContent?.length}`;
}

// Four times a second: the countdown, and an announcement that ends.
setInterval(() => {
  const view = client.state.view;
  if (!view) return;
  const ann = view.meeting.status === 'ended' ? undefined : currentAnnouncement(view.meeting.announcements, clock.now(Date.now()));
  if ((ann ? ann.id : 0) !== shownAnnouncement) {
    later('');
    return;
  }
  if (renderTimer()) fitAll(true);
}, 250);

// --- fitting ------------------------------------------------------------------

/**
 * Sets el's text to s, whole. fit() may cut it later; a cut text keeps the
 * whole one for screen readers.
 * @param {HTMLElement} el
 * @param {string} s
 */
function setFull(el, s) {
  if (el.dataset.full === s && el.textContent === s) return;
  el.dataset.full = s;
  el.textContent = s;
}

/** Whether el's content fits its box. */
function fits(/** @type {HTMLElement} */ el) {
  return el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1;
}

/**
 * Sets region el's type as large as its content fits: from its size in the
 * stylesheet down to floor of it; below, cuts its longest texts. Returns
 * the scale kept (1: the stylesheet's size).
 * @param {HTMLElement} el
 * @param {number} floor
 */
function fit(el, floor, force = false) {
  if (el.hidden) return 1;
  const cuts = el.querySelectorAll('[data-cut]');
  for (const cut of cuts) uncut(/** @type {HTMLElement} */ (cut));
  // Fitting costs a dozen layouts: skipped when neither the box, nor what
  // is shown, nor the length of its text changed (a vote count that
  // gained a digit does).
  const sig = [el.clientWidth, el.clientHeight, el.querySelectorAll('[hidden]').length, el.textContent?.length, document.body.dataset.state].join(' ');
  if (!force && cuts.length === 0 && el.dataset.fit === sig) return Number(el.dataset.scale || 1);
  el.dataset.fit = sig;
  el.style.fontSize = '';
  el.dataset.scale = '1';
  if (fits(el)) return 1;
  const max = parseFloat(getComputedStyle(el).fontSize);
  let lo = max * floor;
  let hi = max;
  for (let i = 0; i < 9; i++) {
    const mid = (lo + hi) / 2;
    el.style.fontSize = `${mid}px`;
    if (fits(el)) lo = mid;
    else hi = mid;
  }
  el.style.fontSize = `${lo}px`;
  el.dataset.scale = String(lo / max);
  // Still too much at the smallest readable size: cut the longest texts,
  // keeping their start, until it fits (a few cuts each: twelve long poll
  // options may all need them).
  const limit = 40 + 5 * el.querySelectorAll('[data-full]').length;
  for (let guard = 0; !fits(el) && guard < limit; guard++) {
    const texts = /** @type {HTMLElement[]} */ (Array.from(el.querySelectorAll('[data-full]')));
    let longest = null;
    let len = 0;
    for (const x of texts) {
      const shown = x.dataset.cut !== undefined ? Number(x.dataset.cut) : (x.dataset.full || '').length;
      if (shown > len) { longest = x; len = shown; }
    }
    if (!longest || len < 12) break;
    cutText(longest, Math.floor(len * 0.8));
  }
  return lo / max;
}

/** Shows the first n characters of el's text and an ellipsis. */
function cutText(/** @type {HTMLElement} */ el, /** @type {number} */ n) {
  const full = el.dataset.full || '';
  const chars = [...full];
  el.dataset.cut = String(n);
  replace(el, h('span', { 'aria-hidden': 'true' }, `${chars.slice(0, n).join('').trimEnd()}…`), h('span', { class: 'visually-hidden' }, full));
}

function uncut(/** @type {HTMLElement} */ el) {
  delete el.dataset.cut;
  el.textContent = el.dataset.full || '';
}

/**
 * Fits every region, then draws the cloud into the room left for it.
 * force: refit even what seems unchanged (the viewport, an image, fonts).
 */
function fitAll(force = false) {
  fit(byId('head'), 0.5, force);
  fit(byId('announcement'), 0.45, force);
  fit(byId('side'), 0.4, force);
  const state = document.body.dataset.state || '';
  const scale = fit(byId('stage'), 0.5, force);
  // Type too small to read from the back of the room: fewer top
  // questions (none while a question is answered, which matters more).
  const shown = byId('top').children.length;
  if (scale < 0.7 && !byId('top-box').hidden && client.state.view && (state === 'answering' || shown > 3)) {
    crowded = { key: crowdKey(), limit: state === 'answering' ? 0 : 3 };
    renderTop(client.state.view, state);
    fit(byId('stage'), 0.5, true);
  }
  layoutCloud();
}

let resizeTimer = 0;
addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => fitAll(true), 100);
});
document.fonts?.ready.then(() => fitAll(true));
byId('qr').addEventListener('load', () => fitAll(true));

// --- full screen and themes -------------------------------------------------

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen().catch(() => {});
}
byId('fullscreen').addEventListener('click', toggleFullscreen);
document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev)) return;
  if (ev.key === 'f' || ev.key === 'F') {
    ev.preventDefault();
    toggleFullscreen();
  }
});
document.addEventListener('fullscreenchange', () => {
  document.documentElement.classList.toggle('is-fullscreen', !!document.fullscreenElement);
});

function setTheme(theme) {
  const root = document.documentElement;
  for (const th of themes) root.classList.toggle(`theme-${th}`, th === theme);
  byId('theme').value = theme;
}
const prefersContrast = window.matchMedia && window.matchMedia('(prefers-contrast: more)').matches;
let theme = load(themeKey, prefersContrast ? 'contrast' : 'dark');
if (!themes.includes(theme)) theme = 'dark';
setTheme(theme);
byId('theme').addEventListener('change', () => {
  setTheme(byId('theme').value);
  store(themeKey, byId('theme').value);
});

onLangChange(() => render());
render();
