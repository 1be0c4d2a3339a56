// The moderator's part of issue 16, under the links to share: the overlay
// for the broadcast (/o/CODE), the snippet that embeds the participant page
// in the organiser's own site (when the server lets sites frame it:
// `tribune serve -frame-ancestors`, GET /api/about's frameAncestors), and
// the recording (room.recording): its address and where the meeting sits
// in it, from which the report links answers and speeches to their moment.
//
// broadcastPanel adds its box after the element given and keeps it up to
// date from the client's state; parseClock is pure (node --test).

import { h, replace, setText } from './dom.js';
import { t, onLangChange } from './i18n.js';
import { announce, errorText } from './ui.js';

/**
 * Seconds from "90", "1:30" or "1:02:03"; NaN for anything else.
 * @param {string} s
 */
export function parseClock(s) {
  const parts = s.trim().split(':');
  if (parts.length > 3 || parts.some((p) => !/^\d{1,5}$/.test(p))) return NaN;
  const n = parts.map(Number);
  if (n.slice(1).some((x) => x > 59)) return NaN;
  return n.reduce((acc, x) => acc * 60 + x, 0);
}

/** "1:30" or "1:02:03" for seconds. */
export function formatClock(s) {
  const two = (n) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  return hours ? `${hours}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/**
 * @param {HTMLElement} after the element the panel follows
 * @param {import('./tribune.js').Client} client the moderator's
 * @param {{code: string, base: () => string, copy: (text: string) => void}} opts
 */
export function broadcastPanel(after, client, { code, base, copy }) {
  const box = h('section', { id: 'broadcast', class: 'broadcast', 'aria-labelledby': 'broadcast-title' });
  after.after(box);
  /** @type {string[]} */
  let ancestors = [];
  fetch('/api/about').then((r) => (r.ok ? r.json() : {})).then((a) => {
    ancestors = Array.isArray(a.frameAncestors) ? a.frameAncestors : [];
    draw();
  }, () => {});

  const url = h('input', { id: 'recording-url', type: 'url', inputmode: 'url', maxlength: '500', placeholder: 'https://' });
  const offset = h('input', { id: 'recording-offset', type: 'text', inputmode: 'numeric', class: 'short', placeholder: '0:00', 'aria-describedby': 'recording-offset-hint' });
  const start = h('input', { id: 'recording-start', type: 'datetime-local', step: '1' });
  const status = h('p', { id: 'recording-status', class: 'form-status', role: 'status' });
  const remove = h('button', { type: 'button', id: 'recording-remove', class: 'link-button small', on: { click: () => save({ url: '' }, 'recording.removed') } });
  const form = h('form', { id: 'recording-form', class: 'recording-form', novalidate: true, on: { submit: (ev) => { ev.preventDefault(); submit(); } } });
  let filled = ''; // the recording the fields were last filled from

  function submit() {
    const link = url.value.trim();
    if (!link) {
      save({ url: '' }, 'recording.removed');
      return;
    }
    const rec = { url: link };
    if (start.value) {
      const ms = new Date(start.value).getTime();
      if (!Number.isFinite(ms) || ms <= 0) {
        setText(status, t('recording.badStart'));
        return;
      }
      rec.start = ms;
    } else if (offset.value.trim()) {
      const s = parseClock(offset.value);
      if (!Number.isFinite(s)) {
        setText(status, t('recording.badOffset'));
        offset.focus();
        return;
      }
      if (s) rec.offset = s;
    }
    save(rec, 'recording.saved');
  }

  function save(recording, done) {
    setText(status, '');
    client.send({ op: 'room.recording', recording }).then(() => {
      setText(status, t(done));
      announce(t(done));
    }, (err) => setText(status, errorText(err)));
  }

  function draw() {
    const view = client.state.view;
    const rec = (view && view.meeting.recording) || null;
    const sig = JSON.stringify([ancestors, base(), document.documentElement.lang, !!rec]);
    if (box.dataset.sig !== sig) {
      box.dataset.sig = sig;
      const overlay = `${base()}/o/${code}`;
      const snippet = `<iframe src="${base()}/j/${code}?remote" title="Tribune" width="100%" height="900" allow="autoplay; fullscreen; clipboard-write" style="border:0"></iframe>`;
      setText(remove, t('recording.remove'));
      replace(form,
        h('div', { class: 'field' }, h('label', { for: 'recording-url' }, t('recording.url')), url),
        h('div', { class: 'field' }, h('label', { for: 'recording-offset' }, t('recording.offset')), offset,
          h('p', { id: 'recording-offset-hint', class: 'hint' }, t('recording.either'))),
        h('div', { class: 'field' }, h('label', { for: 'recording-start' }, t('recording.start')), start),
        h('p', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('recording.save')), ' ', rec ? remove : null),
        status);
      replace(box,
        h('h3', { id: 'broadcast-title' }, t('remote.title')),
        h('p', {}, t('remote.overlay'), ' ', h('a', { id: 'overlay-link', href: overlay, target: '_blank', rel: 'noopener' }, overlay), ' ',
          h('button', { type: 'button', class: 'small', on: { click: () => copy(overlay) } }, t('share.copy'))),
        ancestors.length ? h('div', { id: 'embed', class: 'embed' },
          h('h4', {}, t('embed.title')),
          h('p', { class: 'hint' }, t('embed.hint', { sites: ancestors.join(', ') })),
          h('textarea', { id: 'embed-snippet', readonly: true, rows: '3', 'aria-label': t('embed.title') }, snippet),
          h('button', { type: 'button', class: 'small', on: { click: () => copy(snippet) } }, t('embed.copy'))) : null,
        h('h4', {}, t('recording.title')),
        h('p', { class: 'hint' }, t('recording.hint')),
        form);
    }
    // The fields follow the recording when it changes, never under the
    // moderator's fingers.
    const recSig = JSON.stringify(rec);
    if (recSig !== filled && !form.contains(document.activeElement)) {
      filled = recSig;
      url.value = rec ? rec.url : '';
      offset.value = rec && !rec.start ? formatClock(rec.offset || 0) : '';
      start.value = rec && rec.start ? localInput(rec.start) : '';
    }
  }

  client.on('state', () => draw());
  onLangChange(() => draw());
  draw();
}

/** A datetime-local value, to the second, for Unix milliseconds. */
function localInput(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
