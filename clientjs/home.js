// The home page: join by code, or create a meeting and get its links.

import { normaliseCode } from './protocol.js';
import { h, replace, byId } from './dom.js';
import { t, initI18n, onLangChange } from './i18n.js';
import { languageSwitch, announce } from './ui.js';

initI18n();
languageSwitch(byId('lang'));

byId('join-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = byId('join-code');
  const status = byId('join-status');
  const code = normaliseCode(input.value);
  if (!code) {
    status.textContent = t('home.badCode');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  status.textContent = t('home.looking');
  try {
    const res = await fetch(`/api/rooms/${code}`);
    if (res.status === 404) {
      status.textContent = t('fatal.no_room');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
  } catch {
    // Cannot check now: the participant page will say if the code is wrong.
  }
  location.assign(`/j/${code}`);
});

/** The last meeting created, so a language switch can redraw its links. */
let created = null;

byId('create-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const status = byId('create-status');
  const title = byId('create-title-input').value.trim();
  if (!title) {
    status.textContent = t('home.needTitle');
    byId('create-title-input').setAttribute('aria-invalid', 'true');
    byId('create-title-input').focus();
    return;
  }
  byId('create-title-input').removeAttribute('aria-invalid');
  const body = {
    title,
    description: byId('create-description').value.trim(),
    steps: byId('create-steps').value.split('\n').map((s) => s.trim()).filter(Boolean),
    settings: {
      qaOpen: true,
      preModeration: byId('create-premod').checked,
      anonymous: byId('create-anonymous').checked,
      reactions: byId('create-reactions').checked,
      maxLength: 0,
      hideCount: false,
      streamURL: byId('create-stream').value.trim(),
      signURL: byId('create-sign').value.trim(),
      captionsURL: byId('create-captions').value.trim(),
    },
  };
  const data = await create('/api/rooms', body, status);
  if (!data) return;
  created = data;
  showCreated();
  byId('created').focus();
  announce(t('home.created'));
});

function showCreated() {
  if (!created) return;
  const { code, links } = created;
  byId('created').hidden = false;
  byId('created-code').textContent = t('code.line', { code });
  const rows = [
    ['share.moderator', links.moderator],
    ['share.participant', links.participant],
    ['share.screen', links.screen],
    ['share.report', links.report],
  ];
  replace(byId('created-links'),
    h('p', { class: 'button-row' }, h('a', { href: links.moderator, class: 'button-link primary' }, t('home.openDashboard'))),
    h('img', { class: 'qr', src: `/qr/${encodeURIComponent(code)}.svg`, alt: t('share.qrAlt', { url: links.participant }), width: '200', height: '200' }),
    h('dl', { class: 'links' }, rows.map(([label, url]) => [
      h('dt', {}, t(label)),
      h('dd', {}, h('a', { href: url, target: label === 'share.moderator' ? null : '_blank', rel: 'noopener' }, url)),
    ])));
}

onLangChange(showCreated);

/** The last consultation created, so a language switch can redraw its links. */
let consultation = null;

byId('consultation-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const status = byId('c-status');
  const input = byId('c-title-input');
  const title = input.value.trim();
  if (!title) {
    status.textContent = t('home.needConsultationTitle');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  const body = { title, description: byId('c-description').value.trim(), opens: byId('c-opens').value, closes: byId('c-closes').value };
  const data = await create('/api/consultations', body, status);
  if (!data) return;
  consultation = data;
  showConsultation();
  byId('c-created').focus();
  announce(t('home.consultationCreated'));
});

/**
 * POSTs body to url (a meeting or a consultation to create), saying in
 * status that it is sending, then what went wrong; returns the answer, or
 * null when it failed.
 * @param {string} url
 * @param {object} body
 * @param {HTMLElement} status
 */
async function create(url, body, status) {
  status.textContent = t('sending');
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      status.textContent = t('err.other', { message: (data.error && data.error.message) || String(res.status) });
      return null;
    }
    status.textContent = '';
    return data;
  } catch {
    status.textContent = t('err.network');
    return null;
  }
}

function showConsultation() {
  if (!consultation) return;
  const { links } = consultation;
  byId('c-created').hidden = false;
  replace(byId('c-created-links'),
    h('p', { class: 'button-row' }, h('a', { href: links.organiser, class: 'button-link primary' }, t('home.openOrganiser'))),
    h('dl', { class: 'links' },
      h('dt', {}, t('share.organiser')), h('dd', {}, h('a', { href: links.organiser }, links.organiser)),
      h('dt', {}, t('share.public')), h('dd', {}, h('a', { href: links.public }, links.public))));
}

onLangChange(showConsultation);
