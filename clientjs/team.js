// The moderator dashboard's Team panel (moderator.html #panel-team): the
// backstage notes, which every moderator sends and sees; and, for the
// organiser only, the moderator links (add one, shown with its QR code this
// once; list; revoke) and the moderation charter. PROTOCOL.md, "Moderation
// team", says what the server does with them.
//
// A session's seat comes in its welcome (`seat`, absent for the
// organiser); the team, the notes and the charter in the view. All text is
// set with textContent (dom.js h()).

import { h, replace, byId, setText } from './dom.js';
import { t, charterRules, onLangChange } from './i18n.js';
import { announce, errorText, clockTime } from './ui.js';

/**
 * @typedef {import('./tribune.js').Client} Client
 * @typedef {{base: string, qrQuery: string}} ShareBase
 */

/**
 * Mounts the panel.
 * @param {{client: Client, code: string, key: string, base: () => ShareBase, mark: (n: number) => void}} o
 *   base: where the links point (the share panel's choice); mark: flags the
 *   Team tab with n new notes
 * @returns {{render: () => void, roleName: (by?: number) => string, seat: () => number}}
 */
export function mountTeam({ client, code, key, base, mark }) {
  /** The seat this session acts as, 0 for the organiser; -1 until welcomed. */
  let seat = -1;
  /** The notes seen when the panel was last shown, by seq. */
  let seenNotes = -1;
  let charterDirty = false;

  client.on('welcome', (msg) => {
    seat = msg.seat || 0;
    render();
  });

  /** The role name of seat by (0 or absent: the organiser). */
  function roleName(by) {
    if (!by) return t('team.organiser');
    const view = client.state.view;
    const s = view && (view.team || []).find((x) => x.id === by);
    return s ? s.name : `#${by}`;
  }

  // --- notes ---------------------------------------------------------------

  byId('note-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byId('note-text'));
    const text = input.value.trim();
    const status = byId('note-status');
    if (!text) {
      status.textContent = t('err.empty');
      return;
    }
    status.textContent = t('sending');
    client.send({ op: 'team.note', text }).then(() => {
      input.value = '';
      status.textContent = t('done.noteSent');
    }, (err) => { status.textContent = errorText(err); });
  });

  // The latest note from someone else, beside the meeting's status, so
  // that the chair reads "the speaker's time is up" whatever panel is
  // shown, until dismissed.
  let dismissed = 0;
  const flashText = h('span', { class: 'note-flash-text' });
  const flash = h('p', { id: 'note-flash', class: 'note-flash', hidden: true }, flashText, ' ',
    h('button', { type: 'button', class: 'small', on: { click: () => { dismissed = Number(flash.dataset.seq); flash.hidden = true; } } }, t('team.dismiss')));
  byId('meeting-status').parentElement.append(flash);
  function renderFlash(view) {
    const notes = (view.notes || []).filter((n) => (n.by || 0) !== seat);
    const last = notes[notes.length - 1];
    flash.hidden = !last || last.seq <= dismissed;
    if (!last) return;
    flash.dataset.seq = String(last.seq);
    setText(flashText, `${roleName(last.by)} (${clockTime(last.at)}): ${last.text}`);
    const b = flash.querySelector('button');
    if (b) setText(b, t('team.dismiss'));
  }

  function renderNotes(view) {
    const notes = view.notes || [];
    const list = byId('notes');
    const sig = JSON.stringify([notes.length && notes[notes.length - 1].seq, notes.length, (view.team || []).length, document.documentElement.lang]);
    byId('notes-empty').hidden = notes.length > 0;
    if (list.dataset.sig === sig) return;
    list.dataset.sig = sig;
    replace(list, notes.slice().reverse().slice(0, 100).map((n) => h('li', { class: 'note' },
      h('time', { datetime: new Date(n.at).toISOString() }, clockTime(n.at)), ' ',
      h('strong', {}, roleName(n.by)), ' ',
      h('span', {}, n.text),
      n.question ? [' ', h('span', { class: 'hint' }, `#${n.question}`)] : null)));
    // Someone else's note, arrived while the page was open: said aloud, and
    // flagged on the tab while it is hidden.
    const last = notes.length ? notes[notes.length - 1].seq : 0;
    if (seenNotes >= 0 && last > seenNotes) {
      const fresh = notes.filter((n) => n.seq > seenNotes && (n.by || 0) !== seat);
      if (fresh.length) {
        announce(`${t('team.notes')}: ${roleName(fresh[fresh.length - 1].by)}: ${fresh[fresh.length - 1].text}`);
        mark(fresh.length);
      }
    }
    seenNotes = last;
  }

  // --- moderator links (organiser) -----------------------------------------

  const scopes = ['all', 'questions', 'backstage'];
  function fillScopes() {
    const sel = /** @type {HTMLSelectElement} */ (byId('team-scope'));
    const v = sel.value || 'all';
    replace(sel, scopes.map((s) => h('option', { value: s, selected: s === v }, t(`team.scope.${s}`))));
  }
  fillScopes();
  onLangChange(fillScopes);

  byId('team-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = /** @type {HTMLInputElement} */ (byId('team-name'));
    const scope = /** @type {HTMLSelectElement} */ (byId('team-scope')).value;
    const status = byId('team-status');
    if (!name.value.trim()) {
      status.textContent = t('err.empty');
      return;
    }
    status.textContent = t('sending');
    const role = name.value.trim();
    client.send({ op: 'team.add', name: role, scope }).then(({ seq, key: linkKey }) => {
      name.value = '';
      status.textContent = '';
      if (linkKey) whenSeen(seq, () => showLink(role, linkKey));
    }, (err) => { status.textContent = errorText(err); });
  });

  /** Calls fn once the state has reached seq: the server checks a link's key from then on. */
  function whenSeen(seq, fn) {
    if (client.state.seq >= seq) {
      fn();
      return;
    }
    const off = client.on('state', (state) => {
      if (state.seq >= seq) {
        off();
        fn();
      }
    });
  }

  /** Shows a new link, its copy button and QR code, until hidden. */
  function showLink(role, linkKey) {
    const b = base();
    const url = `${b.base}/m/${code}#key=${encodeURIComponent(linkKey)}`;
    const box = byId('team-new');
    const img = h('img', { class: 'qr', alt: t('team.qrAlt', { name: role }), width: '160', height: '160', hidden: true });
    const hide = h('button', { type: 'button', class: 'small', on: { click: () => { replace(box); box.hidden = true; byId('team-name').focus(); } } }, t('team.hide'));
    replace(box,
      h('p', { role: 'status' }, t('team.created', { name: role })),
      h('p', {}, h('a', { id: 'team-new-link', href: url, target: '_blank', rel: 'noopener' }, url), ' ',
        h('button', { type: 'button', class: 'small', on: { click: () => copy(url) } }, t('share.copy'))),
      img, hide);
    box.hidden = false;
    byId('team-new-link').focus(); // scrolled into view, and read out
    // The key goes in the body, never in an address a log could keep.
    fetch(`/api/rooms/${encodeURIComponent(code)}/link-qr${b.qrQuery}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Tribune-Key': key },
      body: JSON.stringify({ key: linkKey }),
    }).then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status))))).then((svg) => {
      img.setAttribute('src', `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      img.hidden = false;
    }, () => { /* the link is there to copy */ });
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => announce(t('share.copied')), () => announce(t('share.copyFailed')));
    } else {
      announce(t('share.copyFailed'));
    }
  }

  function renderTeam(view) {
    const team = view.team || [];
    byId('team-empty').hidden = team.length > 0;
    const list = byId('team');
    const sig = JSON.stringify([team, document.documentElement.lang]);
    if (list.dataset.sig === sig) return;
    list.dataset.sig = sig;
    replace(list, team.map((s) => h('li', { class: s.revokedAt ? 'seat revoked' : 'seat', dataset: { seat: String(s.id) } },
      h('strong', {}, s.name), ' ', h('span', { class: 'badge' }, t(`team.scope.${s.scope}`)), ' ',
      s.revokedAt
        ? h('span', { class: 'hint' }, t('team.revoked', { time: clockTime(s.revokedAt) }))
        : h('button', { type: 'button', class: 'small danger', 'aria-label': t('team.revokeWhat', { name: s.name }), on: { click: () => revoke(s) } }, t('team.revoke')))));
  }

  function revoke(s) {
    client.send({ op: 'team.revoke', seat: s.id }).then(() => announce(t('done.revoked')), (err) => announce(errorText(err)));
  }

  // --- the charter (organiser) ---------------------------------------------

  const rules = /** @type {HTMLTextAreaElement} */ (byId('charter-rules'));
  rules.addEventListener('input', () => { charterDirty = true; });
  byId('charter-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const list = rules.value.split('\n').map((s) => s.trim()).filter(Boolean);
    const status = byId('charter-status');
    status.textContent = t('sending');
    client.send({ op: 'room.charter', rules: list }).then(() => {
      charterDirty = false;
      status.textContent = t('done.charter');
    }, (err) => { status.textContent = errorText(err); });
  });
  byId('charter-reset').addEventListener('click', () => {
    const status = byId('charter-status');
    client.send({ op: 'room.charter' }).then(() => {
      charterDirty = false;
      status.textContent = t('done.charter');
      render();
    }, (err) => { status.textContent = errorText(err); });
  });

  function renderCharter(view) {
    if (charterDirty || document.activeElement === rules) return;
    const text = charterRules(view.meeting.charter).join('\n');
    if (rules.value !== text) rules.value = text;
  }

  // --- the whole panel -----------------------------------------------------

  function render() {
    const view = client.state.view;
    if (!view || seat < 0) return;
    const organiser = seat === 0;
    byId('organiser-tools').hidden = !organiser;
    const you = byId('team-you');
    you.hidden = organiser;
    setText(you, organiser ? '' : t('team.you', { name: roleName(seat) }));
    const mine = (view.team || []).find((s) => s.id === seat);
    renderScope(organiser ? 'organiser' : mine ? mine.scope : '');
    renderNotes(view);
    renderFlash(view);
    if (organiser) {
      renderTeam(view);
      renderCharter(view);
    }
  }
  // --- what this link's scope allows ---------------------------------------
  // The room refuses what a seat's scope forbids (room/team.go); the page
  // matches it: body[data-scope] hides the controls (style.css), a note
  // beside the meeting's status says why, and each panel where the link
  // acts on nothing says so at its top.

  /** The panels where a scope acts on nothing. */
  const readOnly = {
    questions: ['panel-polls', 'panel-floor', 'panel-agenda', 'panel-announce', 'panel-settings'],
    backstage: ['panel-polls', 'panel-ideas', 'panel-floor', 'panel-agenda', 'panel-announce', 'panel-done', 'panel-settings'],
  };
  const scopeNote = h('p', { id: 'scope-note', class: 'scope-note', hidden: true });
  byId('meeting-status').after(scopeNote);

  /** Shows what scope allows ('organiser', or a seat's scope). */
  function renderScope(scope) {
    document.body.dataset.scope = scope;
    const limited = scope === 'questions' || scope === 'backstage';
    scopeNote.hidden = !limited;
    setText(scopeNote, limited ? t(`scope.${scope}`) : '');
    const panels = new Set(readOnly[scope] || []);
    for (const id of readOnly.backstage) {
      const panel = byId(id);
      let hint = panel.querySelector(':scope > .scope-hint');
      if (!panels.has(id)) {
        if (hint) hint.remove();
        continue;
      }
      if (!hint) {
        hint = h('p', { class: 'scope-hint' });
        panel.prepend(hint);
      }
      setText(hint, t('scope.readonly'));
    }
  }

  onLangChange(() => {
    byId('notes').dataset.sig = '';
    byId('team').dataset.sig = '';
    if (!charterDirty && !(client.state.view && client.state.view.meeting.charter)) rules.value = '';
    render();
  });

  return { render, roleName, seat: () => seat, scope: () => document.body.dataset.scope || '' };
}
