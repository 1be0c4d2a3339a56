// The accessibility and personal data page: static text in both languages,
// and the contact this server was given (tribune -contact).

import { h, replace, byId, webLink } from './dom.js';
import { t, initI18n, onLangChange } from './i18n.js';
import { languageSwitch } from './ui.js';

initI18n();
languageSwitch(byId('lang'));

let contact = '';
let retentionDays = 0;

/**
 * A link for an e-mail address or a web address, plain text otherwise.
 * @param {string} c
 * @returns {Node|string}
 */
function contactLink(c) {
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(c)) return h('a', { href: `mailto:${c}` }, c);
  const href = webLink(c);
  return href ? h('a', { href }, c) : c;
}

function render() {
  document.title = `${t('about.title')} · Tribune`;
  replace(byId('contact'), contact ? [t('about.contact.line'), ' ', contactLink(contact)] : t('about.contact.none'));
  byId('retention').hidden = retentionDays <= 0;
  byId('retention').textContent = retentionDays > 0 ? t('about.privacy.retention', { n: retentionDays }) : '';
}

onLangChange(render);
render();
fetch('/api/about').then((res) => (res.ok ? res.json() : {})).then((info) => {
  contact = (info && typeof info.contact === 'string') ? info.contact.trim() : '';
  retentionDays = (info && Number.isInteger(info.retentionDays)) ? info.retentionDays : 0;
  render();
}).catch(() => { /* offline: the page says to ask the organiser */ });
