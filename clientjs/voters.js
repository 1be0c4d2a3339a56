// Who votes (room/voters.go, PROTOCOL.md "Who a poll counts"): the pieces
// the participant page, the big screen and the dashboard add for polls
// counted in the room or by voting card. No user text here but the code
// and links the server made; every text is set with textContent.

import { h, replace, byId, setText } from './dom.js';
import { t } from './i18n.js';

/** The storage key of the voting card a page was opened with. */
export const cardKey = (code) => `tribune:card:${code}`;

/**
 * The card of this meeting, from the address (#card=SECRET, which is then
 * taken out of the address bar, so that a copied link does not hand the
 * card on) or kept from before.
 * @param {string} code
 * @returns {string}
 */
export function takeCard(code) {
  const m = /(?:^#|&)card=([A-Za-z0-9_-]{8,64})/.exec(location.hash);
  try {
    if (m) {
      localStorage.setItem(cardKey(code), m[1]);
      history.replaceState(null, '', location.pathname + location.search);
      return m[1];
    }
    return localStorage.getItem(cardKey(code)) || '';
  } catch {
    return m ? m[1] : '';
  }
}

/**
 * What a participant sees instead of a poll's form when their ballot would
 * not count: the room-code form for a poll counted in the room they have
 * not checked in for, a hint for a card poll without a card; null when
 * they may vote.
 * @param {any} p the poll
 * @param {any} client
 */
export function voterGate(p, client) {
  const mine = client.state.mine || {};
  if (p.status !== 'open') return null;
  if (p.counting === 'room' && !mine.checkedIn) return checkinForm(p, client);
  if (p.counting === 'cards' && !String(client.participant || '').startsWith('card-')) {
    return h('p', { class: 'hint voters-hint' }, t('voters.cardOnly'));
  }
  return null;
}

/** A line under a poll's form saying how the vote counts, or null. */
export function voterLine(p, client) {
  const mine = client.state.mine || {};
  if (p.counting === 'room' && mine.checkedIn) return h('p', { class: 'hint voters-ok' }, t('voters.checkedIn'));
  if (p.counting === 'cards' && String(client.participant || '').startsWith('card-')) return h('p', { class: 'hint voters-ok' }, t('voters.card'));
  return null;
}

function checkinForm(p, client) {
  const id = `checkin-${p.id}`;
  const input = h('input', { id, type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '9', pattern: '[0-9 ]*', 'aria-describedby': `${id}-help` });
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h('form', { class: 'checkin', novalidate: true },
    h('p', { class: 'checkin-title' }, t('voters.checkinTitle')),
    h('p', { class: 'hint', id: `${id}-help` }, t('voters.checkinHelp')),
    h('div', { class: 'field inline' }, h('label', { for: id }, t('voters.codeLabel')), input,
      h('button', { type: 'submit', class: 'primary' }, t('voters.checkin'))),
    status);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const code = input.value.replace(/\D/g, '');
    if (!code) { input.focus(); return; }
    status.textContent = t('sending');
    client.send({ op: 'presence.checkin', code }).then(() => {
      status.textContent = t('voters.checkedIn');
    }, (err) => {
      status.textContent = t(`err.${err.code}`) || err.message;
      input.select();
    });
  });
  return form;
}

/**
 * Shows the room code the server sends the big screen while a poll counted
 * in the room is open; hides the box otherwise.
 * @param {any} client
 * @param {HTMLElement} box
 */
export function screenCode(client, box) {
  const show = (msg) => {
    const code = (msg && msg.code) || '';
    box.hidden = !code;
    if (!code) return;
    replace(box, h('p', { class: 'roomcode-label' }, t('voters.screenCode')),
      h('p', { class: 'roomcode-digits', 'aria-live': 'polite' }, `${code.slice(0, 3)} ${code.slice(3)}`));
  };
  client.on('roomcode', show);
  return () => show(client.roomCode);
}

/**
 * The dashboard's parts: the "who votes" choice of the poll form, each
 * poll's badge, and the voting cards box for the organiser.
 * @param {{client: any, code: string, key: string, base: () => string}} opts
 */
export function mountVoters({ client, code, key, base }) {
  let seat = -1;
  client.on('welcome', (msg) => { seat = msg.seat || 0; });
  let made = /** @type {{links: string[], cards: string[]}|null} */ (null);
  let pdfURL = '';

  function render() {
    const view = client.state.view;
    if (!view) return;
    const lang = document.documentElement.lang;
    const def = view.meeting.settings.counting || 'open';
    const sel = byId('poll-counting');
    if (sel && sel.dataset.sig !== lang + def) {
      sel.dataset.sig = lang + def;
      const was = sel.value;
      replace(sel, h('option', { value: '' }, t('voters.default', { mode: t(`voters.${def}`) })),
        ['open', 'room', 'cards'].map((c) => h('option', { value: c, selected: c === was }, t(`voters.${c}`))));
    }
    const box = byId('cards-box');
    if (!box) return;
    box.hidden = seat !== 0;
    if (seat !== 0) return;
    const c = view.counts || {};
    if (box.dataset.sig !== lang) {
      box.dataset.sig = lang;
      buildCards(box);
    }
    setText(byId('cards-status'), t('voters.status', { issued: c.cards || 0, voted: c.cardsVoted || 0, checked: c.checkedIn || 0 }));
  }

  function buildCards(box) {
    const count = h('input', { id: 'cards-count', type: 'number', min: '1', max: '500', value: '30' });
    const status = h('p', { id: 'cards-made', class: 'form-status', role: 'status' });
    const out = h('div', { id: 'cards-out' });
    const form = h('form', { id: 'cards-form', novalidate: true },
      h('div', { class: 'field inline' }, h('label', { for: 'cards-count' }, t('voters.cardsCount')), count,
        h('button', { type: 'submit', class: 'primary' }, t('voters.issue'))), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const n = Number(count.value) || 0;
      status.textContent = t('sending');
      try {
        const res = await fetch(`/api/rooms/${encodeURIComponent(code)}/cards?base=${encodeURIComponent(base() || '')}`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tribune-Key': key }, body: JSON.stringify({ count: n }),
        });
        const body = await res.json();
        if (!res.ok) throw new Error((body.error && body.error.message) || res.statusText);
        made = body;
        const pdf = await fetch(`/api/rooms/${encodeURIComponent(code)}/cards.pdf?base=${encodeURIComponent(base() || '')}`, {
          method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tribune-Key': key }, body: JSON.stringify({ cards: body.cards }),
        });
        if (!pdf.ok) throw new Error(pdf.statusText);
        if (pdfURL) URL.revokeObjectURL(pdfURL);
        pdfURL = URL.createObjectURL(await pdf.blob());
        status.textContent = t('voters.made', { n: body.links.length });
        showMade(out);
      } catch (err) {
        status.textContent = String(err && err.message || err);
      }
    });
    replace(box, h('h3', {}, t('voters.cardsTitle')), h('p', { class: 'hint' }, t('voters.cardsHelp')), form,
      h('p', { id: 'cards-status', role: 'status' }), out);
    if (made) showMade(out);
  }

  function showMade(out) {
    if (!made) return;
    const links = h('textarea', { id: 'cards-links', rows: '4', readonly: true });
    links.value = made.links.join('\n');
    replace(out, h('p', {}, h('a', { id: 'cards-pdf', href: pdfURL, download: `cards-${code}.pdf`, class: 'button' }, t('voters.pdf'))),
      h('div', { class: 'field' }, h('label', { for: 'cards-links' }, t('voters.links')), links));
  }

  return { render };
}
