// The broadcast overlay, /o/CODE: a page for an OBS or vMix browser
// source, drawn over the video. Transparent, no controls, no key: it is
// read-only like the big screen (/s/CODE) and follows the meeting the same
// way, as the screen role (tribune.js). It shows, each in its own box:
//
//   - the question being answered (the moderator's highlight) as a lower
//     third;
//   - the poll the moderator put on the screen, with its results when the
//     room may see them;
//   - who has the floor, and the time they have left.
//
// body[data-state] lists what is shown ("answering poll floor", or
// "empty"), for the production's checks and the end-to-end tests.
// ?lang=fr or ?lang=en picks the language of its few labels.

import { Client } from './tribune.js';
import { question, poll, pollResults, floorLine } from './protocol.js';
import { h, replace, byId, pathCode, setText } from './dom.js';
import { t, initI18n, setLang, onLangChange } from './i18n.js';
import { resultsView, perFrame, floorName } from './ui.js';
import { watchServerClock, speechLeft, formatSeconds } from './clock.js';

const code = pathCode();

initI18n();
const lang = new URLSearchParams(location.search).get('lang');
if (lang === 'fr' || lang === 'en') setLang(lang);

const client = new Client({ code, role: 'screen' });
const clock = watchServerClock(client);
// For the browser console and the end-to-end tests: the client's state.
Object.defineProperty(globalThis, 'tribune', { value: client, configurable: true });
const later = perFrame(() => render());
client.on('state', () => later(''));
if (code) client.start();

function render() {
  const view = client.state.view;
  const shown = [];
  const ended = !view || view.meeting.status === 'ended';
  const hl = ended ? undefined : question(view, view.meeting.highlight);
  byId('lower-third').hidden = !hl;
  if (hl) {
    shown.push('answering');
    setText(byId('lower-text'), hl.text);
    setText(byId('lower-meta'), [hl.name || t('anonymous'), t('votes', { n: hl.votes })].join(' · '));
  }
  if (renderPoll(view, ended)) shown.push('poll');
  if (renderFloor(view, ended)) shown.push('floor');
  document.body.dataset.state = shown.join(' ') || 'empty';
}

/** The poll on the screen; returns whether one is shown. */
function renderPoll(view, ended) {
  const p = ended ? undefined : poll(view, view.meeting.screenPoll);
  byId('poll-box').hidden = !p;
  if (!p) return false;
  setText(byId('poll-title'), p.title);
  setText(byId('poll-meta'), [t(`poll.status.${p.status}`), t('poll.ballots', { n: p.ballots })].join(' · '));
  const results = pollResults(client.state, p.id);
  const box = byId('poll-results');
  if (!results) {
    replace(box, h('p', { class: 'overlay-meta' }, t(`poll.screenHidden.${p.visibility}`)));
    box.dataset.results = '';
  } else if (p.kind === 'open') {
    replace(box, h('p', { class: 'overlay-words' }, (results.words || []).slice(0, 12).map((w) => w.word).join(' · ')));
    box.dataset.results = 'words';
  } else {
    replace(box, resultsView(p, results));
    box.dataset.results = 'bars';
  }
  return true;
}

/** Who has the floor; returns whether someone has. */
function renderFloor(view, ended) {
  const { speaking } = view && !ended ? floorLine(view) : { speaking: undefined };
  byId('floor-box').hidden = !speaking;
  setText(byId('floor'), speaking ? floorName(speaking) : '');
  renderTimer(speaking);
  return !!speaking;
}

function renderTimer(speaking) {
  const el = byId('floor-timer');
  const left = speaking ? speechLeft(speaking, clock.now(Date.now())) : null;
  el.hidden = left === null;
  el.classList.toggle('over', left !== null && left <= 0);
  setText(el, left === null ? '' : left > 0 ? t('timer.left', { time: formatSeconds(left) }) : t('timer.over', { time: formatSeconds(-left) }));
}

setInterval(() => {
  const view = client.state.view;
  if (view && view.meeting.status !== 'ended') renderTimer(floorLine(view).speaking);
}, 250);

onLangChange(() => render());
render();
