// The ideas board on the pages (room/idea.go): the participant's section
// (prompt, submit form, ideas sorted by votes or time with a vote button),
// the moderators' panel (open and close a board, decide on waiting ideas,
// merge, make a poll of ideas) and the big screen's top ideas. User text
// is always set as text. The data side is ideas-data.js.

import { h, replace, keyedList, setText, load, store } from './dom.js';
import { t, charterRules, onLangChange } from './i18n.js';
import { announce, errorText, clockTime } from './ui.js';
import {
  currentBoard, boardIdeas, waitingIdeas, myHiddenIdeas, votedIdea, isMyIdea, likelyIdeas, topIdeas,
} from './ideas-data.js';

const reasons = ['duplicate', 'off-topic', 'abusive', 'already-answered', 'other'];
const titleMax = 100;

/** "Whole meeting" or the agenda step a board is for. */
function boardStep(view, b) {
  const agenda = view.meeting.agenda || [];
  return b.step >= 0 && b.step < agenda.length ? t('ideas.forStep', { n: b.step + 1, title: agenda[b.step] }) : t('ideas.wholeMeeting');
}

/** The public line on refused ideas of board b, '' when none. */
function refusedIdeas(b) {
  const entries = Object.entries(b.refused || {}).filter(([, n]) => n > 0);
  const n = entries.reduce((s, [, c]) => s + c, 0);
  if (!n) return '';
  return t('ideas.refused', { n, list: entries.map(([r, c]) => t('refused.reason', { reason: t(`reason.${r}`), n: c })).join(', ') });
}

// --- participant ------------------------------------------------------------

/**
 * Mounts the participant's ideas section into panel, behind tab (hidden
 * while the meeting has no board). Returns render(), to call on every
 * change of the client's state.
 * @param {import('./tribune.js').Client} client
 * @param {{tab: HTMLElement, panel: HTMLElement}} opts
 */
export function participantIdeas(client, { tab, panel }) {
  const sortKey = 'tribune:ideas-sort';
  let order = load(sortKey, 'votes') === 'time' ? 'time' : 'votes';
  /** Votes in flight: idea id -> {on, sent}. */
  const voting = new Map();
  let sending = false;

  const title = h('h2', { id: 'ideas-title', tabindex: '-1' });
  const prompt = h('p', { id: 'ideas-prompt', class: 'ideas-prompt' });
  const meta = h('p', { class: 'hint', id: 'ideas-meta' });
  const closed = h('p', { class: 'notice', id: 'ideas-closed', hidden: true });
  const titleLabel = h('label', { for: 'idea-title' });
  const titleIn = /** @type {HTMLInputElement} */ (h('input', { id: 'idea-title', type: 'text', maxlength: String(titleMax), autocomplete: 'off', 'aria-describedby': 'idea-moderation' }));
  const textLabel = h('label', { for: 'idea-text' });
  const textIn = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: 'idea-text', rows: '2' }));
  const submit = h('button', { type: 'submit', class: 'primary', id: 'idea-submit' });
  const moderation = h('p', { class: 'hint', id: 'idea-moderation' });
  const status = h('p', { class: 'form-status', role: 'status', id: 'idea-status' });
  const form = /** @type {HTMLFormElement} */ (h('form', { id: 'idea-form', novalidate: true },
    h('div', { class: 'field' }, titleLabel, titleIn),
    h('div', { class: 'field' }, textLabel, textIn),
    h('div', { class: 'ask-row' }, submit), moderation, status));
  const mineTitle = h('h3', { id: 'my-ideas-title' });
  const mine = h('ul', { id: 'my-ideas', class: 'questions', 'aria-labelledby': 'my-ideas-title' });
  const mineBox = h('div', { hidden: true }, mineTitle, mine);
  const sortLabel = h('span', { id: 'ideas-sort-label', class: 'toolbar-label visually-hidden' });
  const byVotes = h('button', { type: 'button', id: 'ideas-by-votes', class: 'toggle small' });
  const byTime = h('button', { type: 'button', id: 'ideas-by-time', class: 'toggle small' });
  const listTitle = h('h3', { id: 'ideas-list-title' });
  const empty = h('p', { class: 'empty', id: 'ideas-empty' });
  const list = h('ul', { id: 'ideas', class: 'questions ideas', 'aria-labelledby': 'ideas-list-title' });
  const refused = h('p', { class: 'hint', id: 'ideas-refused' });
  replace(panel, h('section', { class: 'card', 'aria-labelledby': 'ideas-title' },
    title, prompt, meta, closed, form, mineBox,
    h('div', { class: 'toolbar compact-toolbar' }, listTitle,
      h('div', { role: 'group', 'aria-labelledby': 'ideas-sort-label', class: 'segmented' }, sortLabel, byVotes, byTime)),
    empty, list, refused));

  const setOrder = (o) => {
    order = o;
    store(sortKey, o);
    render();
  };
  byVotes.addEventListener('click', () => setOrder('votes'));
  byTime.addEventListener('click', () => setOrder('time'));

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const b = currentBoard(client.state.view);
    if (!b || !b.open || sending) return;
    const cmd = { op: 'idea.submit', board: b.id, title: titleIn.value.trim() };
    if (!cmd.title) {
      status.textContent = t('ideas.needTitle');
      titleIn.focus();
      return;
    }
    if (textIn.value.trim()) cmd.text = textIn.value.trim();
    const name = client.state.mine && client.state.mine.name;
    if (name && !client.state.view.meeting.settings.anonymous) cmd.name = name;
    sending = true;
    status.textContent = t('sending');
    client.send(cmd).then(() => {
      titleIn.value = '';
      textIn.value = '';
      const pre = client.state.view.meeting.settings.preModeration;
      status.textContent = pre ? t('ideas.sentModerated') : t('ideas.sent');
      announce(status.textContent);
    }, (err) => {
      status.textContent = errorText(err);
    }).finally(() => {
      sending = false;
      render();
    });
  });

  function sendVote(id, on) {
    const mark = { on, sent: false };
    voting.set(id, mark);
    render();
    client.send({ op: on ? 'idea.vote' : 'idea.unvote', idea: id }).then(() => {
      announce(on ? t('ideas.voted') : t('vote.removed'));
      mark.sent = true;
    }, (err) => {
      announce(errorText(err));
      voting.delete(id);
    }).finally(() => {
      render();
      setTimeout(() => {
        if (voting.get(id) === mark) voting.delete(id);
        render();
      }, 4000);
    });
  }

  function item(x) {
    const textID = `idea-${x.id}-title`;
    const vote = h('button', { type: 'button', class: 'vote', 'aria-describedby': textID },
      h('span', { class: 'vote-icon', 'aria-hidden': 'true' }, '▲'), ' ',
      h('span', { class: 'vote-label' }), ' ', h('span', { class: 'vote-count' }));
    vote.addEventListener('click', () => {
      const id = Number(vote.closest('li').dataset.key);
      sendVote(id, vote.getAttribute('aria-pressed') !== 'true');
    });
    return h('li', { class: 'question idea', id: `idea-${x.id}`, tabindex: '-1' },
      h('div', { class: 'q-body' },
        h('p', { class: 'idea-title', id: textID }),
        h('p', { class: 'q-text idea-text' }),
        h('p', { class: 'q-meta' })),
      vote);
  }

  function update(li, x) {
    const b = currentBoard(client.state.view);
    const pending = voting.get(x.id);
    const on = pending ? pending.on : votedIdea(client.state, x.id);
    const sig = JSON.stringify([x, on, !!pending, b && b.open, document.documentElement.lang]);
    if (li.dataset.sig === sig) return;
    li.dataset.sig = sig;
    li.querySelector('.idea-title').textContent = x.title;
    const text = li.querySelector('.idea-text');
    text.textContent = x.text || '';
    text.hidden = !x.text;
    const metaLine = [`#${x.id}`, x.name || t('anonymous'), clockTime(x.at)];
    if (isMyIdea(client.state, x.id)) metaLine.push(t('q.yours'));
    if (x.poll) metaLine.push(t('ideas.inPoll'));
    li.querySelector('.q-meta').textContent = metaLine.join(' · ');
    const vote = li.querySelector('.vote');
    vote.setAttribute('aria-pressed', String(on));
    vote.disabled = !(b && b.open) || client.state.view.meeting.status === 'ended';
    vote.querySelector('.vote-label').textContent = on ? t('ideas.votedLabel') : t('ideas.vote');
    vote.querySelector('.vote-count').textContent = t('votes', { n: x.votes });
  }

  function mineItem(x) {
    return h('li', { class: 'question idea mine', id: `my-idea-${x.id}` },
      h('div', { class: 'q-body' }, h('p', { class: 'idea-title' }), h('p', { class: 'q-meta' })));
  }

  function mineUpdate(li, x) {
    li.querySelector('.idea-title').textContent = x.title;
    const what = x.status === 'pending' ? t('ideas.waiting')
      : [t('ideas.refusedMine', { reason: t(`reason.${x.reason}`) }), x.note || ''].filter(Boolean).join(' — ');
    li.querySelector('.q-meta').textContent = what;
  }

  function render() {
    const view = client.state.view;
    if (!view) return;
    const b = currentBoard(view);
    tab.hidden = !b;
    if (!b) return;
    setText(title, t('ideas.title'));
    setText(prompt, b.prompt);
    setText(meta, boardStep(view, b));
    closed.hidden = b.open && view.meeting.status !== 'ended';
    setText(closed, t('ideas.closed'));
    form.hidden = !b.open || view.meeting.status === 'ended';
    setText(titleLabel, t('ideas.titleLabel'));
    setText(textLabel, t('ideas.textLabel'));
    setText(submit, t('ideas.submit'));
    setText(moderation, view.meeting.settings.preModeration ? t('ideas.premod') : '');
    submit.disabled = sending;
    const hidden = myHiddenIdeas(client.state, b.id);
    mineBox.hidden = hidden.length === 0;
    setText(mineTitle, t('ideas.mine'));
    keyedList(mine, hidden, (x) => x.id, mineItem, mineUpdate);
    setText(listTitle, t('ideas.list'));
    setText(sortLabel, t('sort.label'));
    setText(byVotes, t('ideas.byVotes'));
    setText(byTime, t('ideas.byTime'));
    byVotes.setAttribute('aria-pressed', String(order === 'votes'));
    byTime.setAttribute('aria-pressed', String(order === 'time'));
    const ideas = boardIdeas(view, b.id, order);
    empty.hidden = ideas.length > 0;
    setText(empty, t('ideas.empty'));
    keyedList(list, ideas, (x) => x.id, item, update);
    setText(refused, refusedIdeas(b));
  }
  onLangChange(render);
  return render;
}

// --- moderators -------------------------------------------------------------

/**
 * Mounts the moderators' ideas panel into panel. Returns render().
 * dups (duplicates.js) gives, for each waiting idea, the live ideas of its
 * board the server found it likely repeats; without it none are shown.
 * @param {import('./tribune.js').Client} client
 * @param {HTMLElement} panel
 * @param {{refresh: (view: any) => void, likelyIdeasFor: (id: number) => number[]}} [dups]
 */
export function moderatorIdeas(client, panel, dups) {
  /** The idea whose refusal or merge form is open: "id:kind", or ''. */
  let open = '';
  /** Ideas chosen for a poll, in the order chosen. */
  let chosen = /** @type {number[]} */ ([]);
  const head = h('div', { id: 'mod-board' });
  const waitingTitle = h('h3', { id: 'mod-ideas-waiting-title' });
  const waiting = h('ul', { id: 'mod-ideas-waiting', class: 'questions mod-list', 'aria-labelledby': 'mod-ideas-waiting-title' });
  const waitingEmpty = h('p', { class: 'empty' });
  const liveTitle = h('h3', { id: 'mod-ideas-live-title' });
  const live = h('ul', { id: 'mod-ideas-live', class: 'questions mod-list', 'aria-labelledby': 'mod-ideas-live-title' });
  const pollBox = h('div', { id: 'mod-ideas-poll' });
  const body = h('div', {}, waitingTitle, waitingEmpty, waiting, liveTitle, live, pollBox);
  replace(panel, h('h2', { class: 'visually-hidden', id: 'mod-ideas-title' }, t('ideas.title')), head, body);

  const send = (cmd, ok, status) => {
    if (status) status.textContent = t('sending');
    return client.send(cmd).then(() => {
      announce(ok);
      if (status) status.textContent = '';
      open = '';
      render();
    }, (err) => {
      if (status) status.textContent = errorText(err);
      else announce(errorText(err));
    });
  };

  function renderHead(view, b) {
    const status = h('p', { class: 'form-status', role: 'status' });
    if (b && b.open) {
      // The prompt and the close button side by side, in a head that
      // stays at the top of the panel while the lists scroll (ideas.css).
      replace(head,
        h('div', { class: 'board-head' },
          h('div', { class: 'board-what' },
            h('p', { class: 'ideas-prompt' }, b.prompt),
            h('p', { class: 'hint' }, `${boardStep(view, b)} · ${t('ideas.count', { n: view.ideas.filter((x) => x.board === b.id).length })}`)),
          h('button', { type: 'button', id: 'board-close', class: 'danger small', on: { click: () => send({ op: 'ideas.close', board: b.id }, t('ideas.closedDone'), status) } }, t('ideas.close'))),
        status);
      return;
    }
    const promptIn = /** @type {HTMLInputElement} */ (h('input', { id: 'board-prompt', type: 'text', maxlength: '200' }));
    const agenda = view.meeting.agenda || [];
    const step = /** @type {HTMLSelectElement} */ (h('select', { id: 'board-step' },
      h('option', { value: '-1' }, t('ideas.wholeMeeting')),
      agenda.map((s, i) => h('option', { value: String(i), selected: i === view.meeting.step }, `${i + 1}. ${s}`))));
    const form = h('form', { id: 'board-form', novalidate: true },
      b ? h('p', { class: 'hint' }, t('ideas.lastClosed', { prompt: b.prompt })) : null,
      h('div', { class: 'field' }, h('label', { for: 'board-prompt' }, t('ideas.promptLabel')), promptIn),
      h('div', { class: 'field' }, h('label', { for: 'board-step' }, t('ideas.stepLabel')), step),
      h('button', { type: 'submit', class: 'primary small', id: 'board-open' }, t('ideas.open')), status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      send({ op: 'ideas.open', text: promptIn.value.trim(), step: Number(step.value) }, t('ideas.opened'), status);
    });
    replace(head, form);
  }

  function refuseForm(x) {
    const f = `mi-${x.id}`;
    const status = h('p', { class: 'form-status', role: 'status' });
    const select = /** @type {HTMLSelectElement} */ (h('select', { id: `${f}-reason` }, reasons.map((r) => h('option', { value: r }, t(`reason.${r}`)))));
    const rule = /** @type {HTMLSelectElement} */ (h('select', { id: `${f}-rule` }, h('option', { value: '0' }, t('mod.noRule')),
      charterRules(client.state.view.meeting.charter).map((r, i) => h('option', { value: String(i + 1) }, `${i + 1}. ${Array.from(r).slice(0, 60).join('')}`))));
    const note = /** @type {HTMLInputElement} */ (h('input', { id: `${f}-note`, type: 'text', maxlength: '280' }));
    const form = h('form', { class: 'inline-action', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: select.id }, t('mod.reason')), select),
      h('div', { class: 'field' }, h('label', { for: rule.id }, t('mod.rule')), rule),
      h('div', { class: 'field' }, h('label', { for: note.id }, t('mod.noteLabel')), note),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'danger small' }, t('ideas.confirmRefuse')),
        h('button', { type: 'button', class: 'small', on: { click: () => { open = ''; render(); } } }, t('cancel'))), status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const cmd = { op: 'idea.reject', idea: x.id, reason: select.value };
      if (note.value.trim()) cmd.note = note.value.trim();
      if (Number(rule.value) > 0) cmd.rule = Number(rule.value);
      send(cmd, t('ideas.refusedDone'), status);
    });
    return form;
  }

  function mergeForm(x) {
    const status = h('p', { class: 'form-status', role: 'status' });
    const view = client.state.view;
    const targets = boardIdeas(view, x.board, 'votes').filter((y) => y.id !== x.id);
    const select = /** @type {HTMLSelectElement} */ (h('select', { id: `mi-${x.id}-into` }, targets.map((y) => h('option', { value: String(y.id) }, `#${y.id} ${y.title}`))));
    const form = h('form', { class: 'inline-action', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: select.id }, t('mod.mergeInto')), select),
      h('div', { class: 'button-row' },
        h('button', { type: 'submit', class: 'primary small', disabled: targets.length === 0 }, t('ideas.confirmMerge')),
        h('button', { type: 'button', class: 'small', on: { click: () => { open = ''; render(); } } }, t('cancel'))), status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      send({ op: 'idea.merge', idea: x.id, ideaInto: Number(select.value) }, t('ideas.mergedDone'), status);
    });
    return form;
  }

  function ideaItem(x, isWaiting) {
    const view = client.state.view;
    const btn = (label, on, cls = 'small') => h('button', { type: 'button', class: cls, on: { click: on } }, label);
    const actions = [];
    if (isWaiting) actions.push(btn(t('mod.approve'), () => send({ op: 'idea.approve', idea: x.id }, t('ideas.approvedDone')), 'primary small'));
    actions.push(btn(t('mod.reject'), () => { open = `${x.id}:refuse`; render(); }));
    actions.push(btn(t('mod.merge'), () => { open = `${x.id}:merge`; render(); }));
    let choose = null;
    if (!isWaiting) {
      const id = `mi-${x.id}-choose`;
      const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id, checked: chosen.includes(x.id) }));
      box.addEventListener('change', () => {
        chosen = box.checked ? [...chosen, x.id] : chosen.filter((c) => c !== x.id);
        renderPollForm(view);
      });
      choose = h('div', { class: 'choice' }, box, h('label', { for: id }, t('ideas.choose')));
    }
    // Likely duplicates among the live ideas (the server's), one tap to merge.
    const likely = isWaiting && dups ? likelyIdeas(view, x, dups.likelyIdeasFor(x.id)) : [];
    const dup = likely.length ? h('p', { class: 'hint likely' }, t('ideas.likely'), ' ',
      likely.map((y) => h('button', { type: 'button', class: 'link-button small', on: { click: () => send({ op: 'idea.merge', idea: x.id, ideaInto: y.id }, t('ideas.mergedDone')) } },
        t('ideas.mergeWith', { id: y.id, title: y.title })))) : null;
    const metaLine = [`#${x.id}`, x.name || t('anonymous'), clockTime(x.at), t('votes', { n: x.votes })];
    if (x.poll) metaLine.push(t('ideas.inPollN', { n: x.poll }));
    if (x.mergedFrom?.length) metaLine.push(t('ideas.mergedFrom', { ids: x.mergedFrom.map((i) => `#${i}`).join(', ') }));
    const [oid, kind] = open.split(':');
    const form = Number(oid) === x.id ? (kind === 'refuse' ? refuseForm(x) : mergeForm(x)) : null;
    return h('li', { class: 'question idea', 'data-id': String(x.id), tabindex: '-1' },
      h('div', { class: 'q-body' },
        h('p', { class: 'idea-title' }, x.title),
        x.text ? h('p', { class: 'q-text' }, x.text) : null,
        h('p', { class: 'q-meta' }, metaLine.join(' · ')), dup, choose),
      h('div', { class: 'actions' }, actions), form);
  }

  function renderPollForm(view) {
    const ids = chosen.filter((id) => view.ideas.some((x) => x.id === id && x.status === 'live'));
    if (ids.length < 2) {
      replace(pollBox, h('p', { class: 'hint' }, t('ideas.pollHint')));
      return;
    }
    const b = currentBoard(view);
    const status = h('p', { class: 'form-status', role: 'status' });
    const kind = /** @type {HTMLSelectElement} */ (h('select', { id: 'idea-poll-kind' },
      ['single', 'multiple', 'ranking', 'points'].map((k) => h('option', { value: k }, t(`poll.kind.${k}`)))));
    const title = /** @type {HTMLInputElement} */ (h('input', { id: 'idea-poll-title', type: 'text', maxlength: '200', value: b ? b.prompt : '' }));
    const form = h('form', { id: 'idea-poll-form', novalidate: true },
      h('p', {}, t('ideas.pollOf', { n: ids.length })),
      h('div', { class: 'field' }, h('label', { for: title.id }, t('ideas.pollTitle')), title),
      h('div', { class: 'field' }, h('label', { for: kind.id }, t('poll.kind')), kind),
      h('button', { type: 'submit', class: 'primary small', id: 'idea-poll-make' }, t('ideas.makePoll')), status);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const cmd = { op: 'idea.poll', ideas: ids, kind: kind.value, text: title.value.trim() };
      if (kind.value === 'points') cmd.budget = 10;
      send(cmd, t('ideas.pollMade'), status).then(() => { chosen = []; render(); });
    });
    replace(pollBox, form);
  }

  function render() {
    const view = client.state.view;
    if (!view) return;
    if (dups) dups.refresh(view);
    const b = currentBoard(view);
    // A form being typed in stays as it is until it is sent or cancelled.
    const typing = panel.contains(document.activeElement) && /INPUT|TEXTAREA|SELECT/.test(document.activeElement.tagName);
    if (!typing || !head.contains(document.activeElement)) renderHead(view, b);
    body.hidden = !b;
    if (!b) return;
    if (typing && body.contains(document.activeElement)) return;
    const w = waitingIdeas(view, b.id);
    setText(waitingTitle, t('ideas.waitingTitle', { n: w.length }));
    setText(waitingEmpty, t('ideas.noneWaiting'));
    waitingEmpty.hidden = w.length > 0;
    // The lists are drawn anew: the keyboard stays on the same button of
    // the same idea.
    const act = /** @type {HTMLElement} */ (document.activeElement);
    const li = act && body.contains(act) ? act.closest('li[data-id]') : null;
    const at = li ? [li.getAttribute('data-id'), Array.from(li.querySelectorAll('button, input')).indexOf(act)] : null;
    replace(waiting, w.map((x) => ideaItem(x, true)));
    setText(liveTitle, t('ideas.liveTitle'));
    replace(live, boardIdeas(view, b.id, 'votes').map((x) => ideaItem(x, false)));
    renderPollForm(view);
    if (at) {
      const again = body.querySelector(`li[data-id="${at[0]}"]`);
      const el = again && (again.querySelectorAll('button, input')[at[1]] || again);
      if (el) /** @type {HTMLElement} */ (el).focus();
    }
  }
  onLangChange(render);
  return render;
}

// --- the big screen ---------------------------------------------------------

/**
 * Renders the open board's prompt and top ideas into box (hidden when no
 * board is open). setFull sets a text the screen may cut to fit.
 * @param {HTMLElement} box
 * @param {import('./protocol.js').View} view
 * @param {boolean} shown whether the screen shows the board now
 * @param {(el: HTMLElement, s: string) => void} setFull
 * @returns {boolean} whether a board is open
 */
export function screenIdeas(box, view, shown, setFull) {
  const b = currentBoard(view);
  const isOpen = !!b && b.open;
  box.hidden = !shown || !isOpen;
  if (box.hidden) return isOpen;
  if (!box.firstChild) {
    box.append(
      h('h2', { id: 'ideas-screen-title', class: 'ideas-screen-title' }),
      h('p', { id: 'ideas-screen-prompt', class: 'ideas-screen-prompt' }),
      h('p', { id: 'ideas-screen-empty', class: 'screen-meta' }),
      h('ol', { id: 'ideas-top', class: 'top-questions ideas-top' }));
  }
  setText(box.querySelector('#ideas-screen-title'), t('ideas.screenTitle'));
  setFull(/** @type {HTMLElement} */ (box.querySelector('#ideas-screen-prompt')), b.prompt);
  const top = topIdeas(view, b.id, 5);
  const empty = /** @type {HTMLElement} */ (box.querySelector('#ideas-screen-empty'));
  empty.hidden = top.length > 0;
  setText(empty, t('ideas.screenEmpty'));
  keyedList(box.querySelector('#ideas-top'), top, (x) => x.id, () => h('li', {}, h('span', { class: 'top-text' }), h('span', { class: 'top-votes' })), (li, x) => {
    setFull(/** @type {HTMLElement} */ (li.querySelector('.top-text')), x.title);
    setText(/** @type {HTMLElement} */ (li.querySelector('.top-votes')), t('votes', { n: x.votes }));
  });
  return isOpen;
}
