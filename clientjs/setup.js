// Setting up for a room full of phones: a page opened through a loopback
// address (http://localhost:8080) would put that address in its join link
// and QR code, which no phone can reach. Pages that show links (the big
// screen, the dashboard's share panel) ask the server for the machine's
// reachable addresses (GET /api/addresses, answered only to the machine
// itself), warn, and let the links and QR code use one of them.

import { h, replace, load, store } from './dom.js';
import { t, onLangChange } from './i18n.js';

const baseKey = 'tribune:base';

/**
 * Whether a host name is this machine's loopback: localhost, 127.0.0.0/8,
 * ::1 (URL.hostname keeps IPv6 brackets).
 * @param {string} hostname
 */
export function isLoopback(hostname) {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) ||
    host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
}

/**
 * The links' base a page offers phones, and how it came to be.
 * @typedef {object} Setup
 * @property {string} base the origin for links and QR codes shown
 * @property {string} qrQuery '' or '?base=...' for /qr/CODE.svg
 * @property {boolean} unreachable the links name a loopback address
 * @property {string[]} addresses the machine's reachable addresses
 * @property {boolean} [short] the warning without what to do (renderSetup)
 */

/**
 * Watches the page's setup and calls onChange(setup) now and whenever it
 * changes (addresses known, one chosen). Where the page was not opened
 * through loopback, nothing is asked: the page's own origin is what
 * people reached it by.
 * @param {(s: Setup) => void} onChange
 * @returns {{choose(base: string): void, setup(): Setup}}
 */
export function watchSetup(onChange) {
  /** @type {Setup} */
  let s = { base: location.origin, qrQuery: '', unreachable: false, addresses: [] };
  const set = (next) => { s = next; onChange(s); };
  const choose = (base) => {
    store(baseKey, base === location.origin ? '' : base);
    const chosen = s.addresses.includes(base) ? base : location.origin;
    set({ ...s, base: chosen, qrQuery: chosen === location.origin ? '' : `?base=${encodeURIComponent(chosen)}`, unreachable: chosen === location.origin });
  };
  onChange(s);
  if (isLoopback(location.hostname)) {
    s = { ...s, unreachable: true };
    onChange(s);
    fetch('/api/addresses', { cache: 'no-store' }).then((res) => (res.ok ? res.json() : null)).then((info) => {
      if (!info) return;
      if (info.publicURL) {
        // -public-url: the server's links and QR codes already use it.
        const base = String(info.publicURL).replace(/\/+$/, '');
        set({ base, qrQuery: '', unreachable: false, addresses: [] });
        return;
      }
      s = { ...s, addresses: Array.isArray(info.addresses) ? info.addresses.map(String) : [] };
      choose(load(baseKey, '') || location.origin);
    }).catch(() => { /* stays as it is: the warning without addresses */ });
  }
  return { choose, setup: () => s };
}

/**
 * The warning and the choice of address: a paragraph saying phones cannot
 * reach the links, and a select of the addresses they can. part picks
 * either or both (the big screen shows the warning in the room and keeps
 * the select with its tools). The box is hidden when it has nothing.
 * @param {HTMLElement} box
 * @param {Setup} s
 * @param {(base: string) => void} choose
 * @param {{part?: 'both'|'warning'|'choice'}} [opts]
 */
export function renderSetup(box, s, choose, { part = 'both' } = {}) {
  const sig = JSON.stringify([s, part, document.documentElement.lang]);
  if (box.dataset.sig === sig) return;
  box.dataset.sig = sig;
  const warning = s.unreachable && part !== 'choice'
    ? h('p', { class: 'setup-warning' }, t('setup.loopback'), s.short ? null : [' ', s.addresses.length ? t('setup.choose') : t('setup.none')])
    : null;
  let choice = null;
  if (s.addresses.length && part !== 'warning') {
    const id = `setup-base-${part}`;
    const select = /** @type {HTMLSelectElement} */ (h('select', { id, on: { change: () => choose(select.value) } },
      h('option', { value: location.origin, selected: s.base === location.origin }, t('setup.thisAddress', { url: location.origin })),
      s.addresses.map((a) => h('option', { value: a, selected: s.base === a }, a))));
    choice = h('div', { class: 'field inline setup-choice' }, h('label', { for: id }, t('setup.label')), select);
  }
  replace(box, warning, choice);
  box.hidden = !warning && !choice;
}

/**
 * renderSetup again on every language change.
 * @param {HTMLElement} box
 * @param {{choose(base: string): void, setup(): Setup}} watcher
 * @param {{part?: 'both'|'warning'|'choice'}} [opts]
 */
export function keepSetupRendered(box, watcher, opts) {
  onLangChange(() => renderSetup(box, watcher.setup(), watcher.choose, opts));
}
