// The big screen, /s/CODE: what the room should see, readable from the back.
// Read-only: no admin controls. F toggles full screen, Esc leaves it.

import { Client } from './tribune.js';
import { topQuestions, question, poll, pollResults, floorLine } from './protocol.js';
import { h, replace, byId, pathCode, load, store, keyedList, isTyping, setText } from './dom.js';
import { t, initI18n, onLangChange } from './i18n.js';
import { connectionBanner, languageSwitch, resultsView, perFrame, floorName } from './ui.js';

const code = pathCode();
const themeKey = 'tribune:theme';
const themes = ['dark', 'light', 'contrast'];

initI18n();
languageSwitch(byId('lang'));

const client = new Client({ code, role: 'screen' });
connectionBanner(byId('conn'), client);
// For the browser console and the end-to-end tests: the client's state.
Object.defineProperty(globalThis, 'tribune', { value: client, configurable: true });
client.on('state', perFrame(() => render()));
client.on('error', (err) => {
  if (err.code === 'no_room') {
    byId('status-line').hidden = false;
    byId('status-line').textContent = t('fatal.no_room');
  }
});
if (code) client.start();

const joinURL = `${location.host}/j/${code}`;
byId('join-url').textContent = joinURL;
byId('code').textContent = code;
const qr = byId('qr');
qr.src = `/qr/${encodeURIComponent(code)}.svg`;

function setAlt() {
  qr.alt = t('share.qrAlt', { url: `${location.origin}/j/${code}` });
}

/** @type {Record<string, number>} the reaction totals last shown */
let seenReactions = {};

const reactionIcons = { applause: '👏', agree: '👍', disagree: '👎', louder: '🔊', slower: '🐢', break: '☕' };

function render() {
  const view = client.state.view;
  if (!view) return;
  const m = view.meeting;
  byId('title').textContent = m.title;
  document.title = `${m.title} · Tribune`;
  byId('step').textContent = m.step >= 0 && m.step < m.agenda.length
    ? t('step.current', { n: m.step + 1, total: m.agenda.length, title: m.agenda[m.step] })
    : '';
  // Who has the floor, and who is next: the room sees the line it is in.
  const { speaking, waiting } = floorLine(view);
  const next = waiting.slice(0, 3);
  byId('floor').hidden = !speaking && next.length === 0;
  setText(byId('floor'), [
    speaking ? t('floor.speaking', { name: floorName(speaking) }) : '',
    next.length ? t('floor.next', { names: next.map(floorName).join(', ') }) : '',
  ].filter(Boolean).join(' '));
  const status = byId('status-line');
  status.hidden = m.status === 'live';
  status.textContent = m.status === 'ended' ? t('status.ended') : m.status === 'scheduled' ? t('status.scheduled') : '';

  const hl = question(view, m.highlight);
  byId('highlight-box').hidden = !hl;
  if (hl) {
    byId('highlight').textContent = hl.text;
    byId('highlight-meta').textContent = [hl.name || t('anonymous'), t('votes', { n: hl.votes })].join(' · ');
  }

  const p = poll(view, m.screenPoll);
  byId('poll-box').hidden = !p;
  if (p) {
    byId('poll-title').textContent = p.title;
    byId('poll-meta').textContent = [t(`poll.status.${p.status}`), t('poll.ballots', { n: p.ballots })].join(' · ');
    const results = pollResults(client.state, p.id);
    const box = byId('poll-results');
    if (results) {
      // Bars are updated in place, so their width animates (CSS transition).
      const sig = JSON.stringify([p.id, p.kind, p.options, p.scale, document.documentElement.lang]);
      const fresh = resultsView(p, results);
      if (box.dataset.sig === sig && box.firstChild) {
        const old = box.querySelectorAll('.result');
        const now = fresh.querySelectorAll('.result');
        if (old.length === now.length && p.kind !== 'open') {
          now.forEach((li, i) => {
            old[i].querySelector('.bar-fill').style.width = li.querySelector('.bar-fill').style.width;
            old[i].querySelector('.result-figure').textContent = li.querySelector('.result-figure').textContent;
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
        const fills = Array.from(fresh.querySelectorAll('.bar-fill'));
        const widths = fills.map((f) => f.style.width);
        fills.forEach((f) => { f.style.width = '0%'; });
        replace(box, fresh);
        requestAnimationFrame(() => requestAnimationFrame(() => fills.forEach((f, i) => { f.style.width = widths[i]; })));
      }
    } else {
      box.dataset.sig = '';
      replace(box, h('p', { class: 'screen-meta' }, t(`poll.screenHidden.${p.visibility}`)));
    }
  }

  const top = topQuestions(view, 5).filter((q) => q.id !== m.highlight);
  byId('top-empty').hidden = top.length > 0;
  keyedList(byId('top'), top, (q) => q.id, () => h('li', {}, h('span', { class: 'top-text' }), h('span', { class: 'top-votes' })), (li, q) => {
    li.querySelector('.top-text').textContent = q.text;
    li.querySelector('.top-votes').textContent = t('votes', { n: q.votes });
    li.classList.toggle('pinned', !!q.pinned);
  });

  const c = view.counts;
  setText(byId('counts'), c ? t('counts.line', { room: c.room, remote: c.remote }) : '');
  // Totals since the start; a kind that just grew bumps (not under
  // reduced motion).
  const reactions = Object.entries(view.reactions || {}).filter(([r, n]) => n > 0 && reactionIcons[r]);
  replace(byId('reactions'), reactions.map(([r, n]) => h('span', { class: ['screen-reaction', n > (seenReactions[r] || 0) && seenReactions[r] !== undefined ? 'bump' : ''] },
    h('span', { 'aria-hidden': 'true' }, reactionIcons[r]), ' ', h('span', { class: 'reaction-name' }, t(`reaction.${r}`)), ' ', h('strong', {}, String(n)))));
  seenReactions = { ...view.reactions };
  const ann = m.announcements.slice().sort((a, b) => b.id - a.id)[0];
  byId('announcement').hidden = !ann;
  byId('announcement').textContent = ann ? ann.text : '';
}

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

onLangChange(() => { setAlt(); render(); });
setAlt();
