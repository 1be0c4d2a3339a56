// The participant page, /j/CODE: join, ask, upvote, vote, react, follow.
// Mobile first; the same page serves remote followers on a desktop.

import { takeCard, voterGate, voterLine } from './voters.js';
import { Client } from './tribune.js';
import {
  sortQuestions, liveQuestions, answeredQuestions, myWaitingQuestions, hasUpvoted,
  myBallot, pollResults, maxLength, textLength, rightAnswer, floorLine,
} from './protocol.js';
import { h, replace, byId, pathCode, load, store, keyedList, webLink, setText } from './dom.js';
import { t, initI18n, onLangChange, charterRules } from './i18n.js';
import { watchServerClock, announcementLive, speechLeft, formatSeconds } from './clock.js';
import { renderWatch } from './watch.js';
import { connectionBanner, languageSwitch, pauseControl, resultsView, announce, errorText, clockTime, perFrame, inlineForm, floorItems, floorName, tabList, refusedLine, whoAsked } from './ui.js';
import { rankingBallot, pointsBallot } from './rankvote.js';
import { provenance } from './consultation-data.js';
import { participantIdeas } from './ideas.js';

const code = pathCode();
const joinKey = `tribune:join:${code}`;
const draftKey = `tribune:draft:${code}`;
const sortKey = 'tribune:sort';

/** @type {Client|null} */
let client = null;
/** @type {'popular'|'recent'} */
let order = load(sortKey, 'popular') === 'recent' ? 'recent' : 'popular';
/** The order frozen by "keep the order still": question ids. */
let frozen = /** @type {number[]|null} */ (null);
let lastAnnouncement = -1;
let asking = false;
let wasSpeaking = false; // this participant had the floor at the last render
/**
 * Upvotes and unvotes not acknowledged yet, or acknowledged a moment ago:
 * question id -> {on, sent}. The button says "waiting to send" while the
 * connection is down, then "sent", instead of looking as if nothing happened.
 * @type {Map<number, {on: boolean, sent: boolean}>}
 */
const voting = new Map();
/** Poll ballots in flight, the same way: poll id -> {sent}. */
const balloting = new Map();
/** Questions asked while the connection is down, not acknowledged yet. */
const unsent = /** @type {{key: number, text: string}[]} */ ([]);
let unsentKey = 0;
/** How long a "sent" mark stays before the item looks as usual again. */
const sentMarkMs = 4000;
/** How long the newest announcement stays above the sections. */
const announcementPinMs = 10 * 60 * 1000;
const dismissedKey = `tribune:dismissed:${code}`;
const tabKey = `tribune:tab:${code}`;
/** What each section held when last seen, for its "new" badge; null before the first view. */
let seen = /** @type {{questions: Set<number>, polls: Set<number>, speak: string, about: string, ideas: string}|null} */ (null);
/**
 * Questions being corrected by their author: id -> the text typed so far,
 * kept across a reload like the draft of a new question.
 */
const editsKey = `tribune:edits:${code}`;
const editing = new Map(readEdits());

function readEdits() {
  try {
    return Object.entries(JSON.parse(load(editsKey, '{}'))).map(([id, text]) => [Number(id), String(text)]);
  } catch {
    return [];
  }
}

function keepEdits() {
  store(editsKey, editing.size ? JSON.stringify(Object.fromEntries(editing)) : '');
}

initI18n();
languageSwitch(byId('lang'));
const questionsPause = pauseControl(byId('pause'), renderQuestions);
const tabs = tabList(byId('tabs'), (id) => {
  try { sessionStorage.setItem(tabKey, id); } catch { /* not kept */ }
  if (client && client.state.view) markNew(client.state.view);
});

/** Shows the questions section and puts the keyboard on question id (or the list). */
function showQuestion(id) {
  tabs.select('tab-questions');
  const el = id ? document.getElementById(`q-${id}`) : null;
  const target = el || byId('questions-title');
  target.scrollIntoView({ block: 'center' });
  target.focus({ preventScroll: true });
}
byId('skip-questions').addEventListener('click', (ev) => {
  ev.preventDefault();
  showQuestion(0);
});
byId('answering-link').addEventListener('click', (ev) => {
  ev.preventDefault();
  showQuestion(client && client.state.view ? client.state.view.meeting.highlight : 0);
});
byId('announcement-dismiss').addEventListener('click', () => {
  const list = client && client.state.view ? client.state.view.meeting.announcements : [];
  const newest = list.reduce((m, a) => Math.max(m, a.id), 0);
  store(dismissedKey, String(newest));
  byId('announcement-now').hidden = true;
  byId('tab-about').focus();
});

function joined() {
  try {
    const j = JSON.parse(load(joinKey, ''));
    if (j && (j.channel === 'room' || j.channel === 'remote')) return j;
  } catch { /* not joined yet */ }
  return null;
}

// --- joining --------------------------------------------------------------

function showJoin() {
  byId('join').hidden = false;
  byId('room').hidden = true;
  const params = new URLSearchParams(location.search);
  const prev = joined();
  const remote = prev ? prev.channel === 'remote' : params.has('remote');
  byId('via-remote').checked = remote;
  byId('via-room').checked = !remote;
  if (prev) byId('join-name').value = prev.name || '';
  if (!code) {
    byId('status-line').hidden = false;
    byId('status-line').textContent = t('fatal.no_room');
    byId('join').hidden = true;
    return;
  }
  // The meeting's public facts: its title, or that there is none.
  fetch(`/api/rooms/${encodeURIComponent(code)}`).then(async (res) => {
    if (res.status === 404) {
      byId('status-line').hidden = false;
      byId('status-line').textContent = t('fatal.no_room');
      byId('join').hidden = true;
      return;
    }
    if (res.ok) {
      const info = await res.json();
      byId('title').textContent = info.title;
      document.title = `${info.title} · Tribune`;
    }
  }).catch(() => { /* offline: joining still works once back */ });
}

byId('join-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const channel = byId('via-remote').checked ? 'remote' : 'room';
  const name = byId('join-name').value.trim();
  store(joinKey, JSON.stringify({ channel, name }));
  enter();
  // The form is gone: the keyboard goes on from the top of the meeting.
  byId('main').focus();
});

byId('rejoin').addEventListener('click', () => {
  showJoin();
  byId(byId('via-remote').checked ? 'via-remote' : 'via-room').focus();
});

function enter() {
  const j = joined();
  if (!j) return showJoin();
  byId('join').hidden = true;
  byId('room').hidden = false;
  let tab = '';
  try { tab = sessionStorage.getItem(tabKey) || ''; } catch { /* none kept */ }
  tabs.select(document.getElementById(tab) ? tab : 'tab-questions');
  if (client) {
    // Same person, same token: a new hello says how they follow now.
    client.channel = j.channel;
    client.name = j.name;
    client.reconnect();
    render('snapshot');
    byId('main').focus();
    return;
  }
  client = new Client({ code, role: 'participant', channel: j.channel, name: j.name, card: takeCard(code) });
  phoneClock = watchServerClock(client);
  // For the browser console and the end-to-end tests: the client's state.
  Object.defineProperty(globalThis, 'tribune', { value: client, configurable: true });
  connectionBanner(byId('conn'), client);
  const later = perFrame(render);
  client.on('state', (_state, outcome) => later(outcome));
  // Waiting commands say so as the connection goes and comes.
  client.on('conn', () => later('conn'));
  client.on('error', (err) => {
    if (err.code === 'no_room') {
      byId('room').hidden = true;
      byId('status-line').hidden = false;
      byId('status-line').textContent = t('fatal.no_room');
    } else if (err.retry === false && err.code !== 'bad_token') {
      // A name refused at joining, for instance: say so, carry on.
      announce(errorText(err));
    }
  });
  renderIdeas = participantIdeas(client, { tab: byId('tab-ideas'), panel: byId('panel-ideas') });
  client.start();
  restoreDraft();
  render('snapshot');
}

/** The ideas section (ideas.js), once the client exists. */
let renderIdeas = () => {};

// --- rendering ------------------------------------------------------------

function render(outcome) {
  if (!client) return;
  const view = client.state.view;
  if (!view) return;
  const m = view.meeting;
  byId('title').textContent = m.title;
  document.title = `${m.title} · Tribune`;
  byId('code-line').textContent = t('code.line', { code: m.code });
  byId('description').textContent = m.description;
  const status = byId('status-line');
  status.hidden = m.status === 'live';
  status.textContent = m.status === 'ended' ? t('status.ended') : m.status === 'scheduled' ? t('status.scheduled') : '';

  renderNow(view);
  renderAnswering(view);
  renderAnnouncements(view, outcome);
  renderAsk(view);
  renderMine();
  renderFloor(view);
  renderPolls();
  renderIdeas();
  renderReactions(view);
  questionsPause.update();
  renderAnswered(view);
  markNew(view);
  const j = joined();
  byId('me-line').textContent = t('me.line', {
    name: (client.state.mine && client.state.mine.name) || t('anonymous'),
    channel: t(`channel.${j ? j.channel : 'room'}`),
  });
  if (document.activeElement !== byId('rename')) byId('rename').value = (client.state.mine && client.state.mine.name) || '';
  byId('rename-form').hidden = m.settings.anonymous;
}

function renderNow(view) {
  const m = view.meeting;
  byId('step').textContent = m.step >= 0 && m.step < m.agenda.length
    ? t('step.current', { n: m.step + 1, total: m.agenda.length, title: m.agenda[m.step] })
    : t('step.none');
  byId('agenda-box').hidden = m.agenda.length === 0;
  const agenda = byId('agenda');
  const outcomes = m.outcomes || [];
  const agendaSig = JSON.stringify([m.agenda, outcomes, m.step, document.documentElement.lang]);
  if (agenda.dataset.sig !== agendaSig) {
    agenda.dataset.sig = agendaSig;
    replace(agenda, m.agenda.map((s, i) => h('li', { 'aria-current': i === m.step ? 'step' : null, class: i === m.step ? 'current' : '' },
      s, outcomes[i] ? h('p', { class: 'outcome' }, h('strong', {}, t('agenda.outcomeLabel')), ' ', outcomes[i]) : null)));
  }
  const j = joined();
  const stream = byId('stream');
  const url = webLink(m.settings.streamURL);
  // Remote participants watch here (watch.js); the link is for a stream no
  // page can show.
  const watching = renderWatch(byId('watch'), m.settings, j ? j.channel : '');
  document.body.classList.toggle('watching', watching);
  stream.hidden = watching || !(url && j && j.channel === 'remote');
  if (!stream.hidden) {
    replace(stream, h('a', { href: url, class: 'stream-link', target: '_blank', rel: 'noopener noreferrer' }, t('stream.watch')));
  }
  // Interpretation and captions serve everyone, in the room as well.
  const access = [['signURL', 'stream.sign'], ['captionsURL', 'stream.captions']]
    .map(([k, label]) => [webLink(m.settings[k]), label]).filter(([u]) => u);
  const links = byId('access-links');
  links.hidden = access.length === 0 || watching; // the watch slot has them
  const accessSig = JSON.stringify([access, document.documentElement.lang]);
  if (links.dataset.sig !== accessSig) {
    links.dataset.sig = accessSig;
    replace(links, access.map(([u, label]) => h('li', {}, h('a', { href: u, target: '_blank', rel: 'noopener noreferrer' }, t(label)))));
  }
  const c = view.counts;
  setText(byId('counts'), c ? t('counts.line', { room: c.room, remote: c.remote }) : '');
}

/** The question being answered, above every section. */
function renderAnswering(view) {
  const q = view.meeting.highlight ? view.questions.find((x) => x.id === view.meeting.highlight) : null;
  byId('answering').hidden = !q;
  setText(byId('answering-link'), q ? q.text : '');
}

/**
 * Puts a badge on the sections not shown that hold something new since the
 * person last looked: questions published, polls closed, a change of
 * speaker, an announcement or a step.
 */
function markNew(view) {
  const live = liveQuestions(view).map((q) => q.id);
  const closed = view.polls.filter((p) => p.status === 'closed').map((p) => p.id);
  const { speaking } = floorLine(view);
  const speak = String(speaking ? speaking.id : 0);
  const anns = view.meeting.announcements;
  const about = JSON.stringify([anns.length ? anns[anns.length - 1].id : 0, view.meeting.step, view.meeting.agenda]);
  const ideas = JSON.stringify((view.boards || []).map((b) => [b.id, b.open]));
  if (!seen) seen = { questions: new Set(live), polls: new Set(closed), speak, about, ideas };
  const shown = tabs.selected();
  if (shown === 'tab-questions') live.forEach((id) => seen.questions.add(id));
  if (shown === 'tab-polls') closed.forEach((id) => seen.polls.add(id));
  if (shown === 'tab-speak') seen.speak = speak;
  if (shown === 'tab-about') seen.about = about;
  if (shown === 'tab-ideas') seen.ideas = ideas;
  tabs.mark('tab-questions', live.filter((id) => !seen.questions.has(id)).length);
  tabs.mark('tab-polls', closed.filter((id) => !seen.polls.has(id)).length);
  tabs.mark('tab-speak', seen.speak !== speak);
  tabs.mark('tab-about', seen.about !== about);
  tabs.mark('tab-ideas', seen.ideas !== ideas); // a board opened or closed
}

function renderFloor(view) {
  const floor = view.meeting.floor || [];
  const { speaking, waiting } = floorLine(view);
  setText(byId('floor-line'), [
    speaking ? t('floor.speaking', { name: floorName(speaking) }) : t('floor.nobody'),
    t('floor.waiting', { n: waiting.length }),
  ].join(' '));
  const sig = JSON.stringify([floor, document.documentElement.lang]);
  const queue = byId('floor-queue');
  if (queue.dataset.sig !== sig) {
    queue.dataset.sig = sig;
    replace(queue, floorItems(waiting));
  }
  const mineID = client.state.mine ? client.state.mine.floor || 0 : 0;
  const mine = floor.find((f) => f.id === mineID);
  const live = view.meeting.status === 'live';
  setText(byId('floor-mine'), !mine ? ''
    : mine.status === 'speaking' ? t('floor.youSpeak') : t('floor.yourPlace', { n: waiting.indexOf(mine) + 1 }));
  // Given the floor: said aloud to a screen reader, and a buzz on a phone
  // left on the table.
  const speakingNow = !!mine && mine.status === 'speaking';
  if (speakingNow && !wasSpeaking) {
    announce(t('floor.youSpeak'));
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  }
  wasSpeaking = speakingNow;
  renderSpeakingTime();
  byId('floor-form').hidden = !!mine || !live;
  byId('floor-withdraw').hidden = !mine || mine.status !== 'waiting';
  byId('floor-withdraw').dataset.id = mine ? String(mine.id) : '';
}

byId('floor-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const cmd = { op: 'floor.request' };
  const topic = byId('floor-topic').value.trim();
  if (topic) cmd.text = topic;
  act(cmd, t('floor.asked'));
  byId('floor-topic').value = '';
});
byId('floor-withdraw').addEventListener('click', () => {
  act({ op: 'floor.withdraw', floor: Number(byId('floor-withdraw').dataset.id) }, t('floor.withdrawn'));
});

function renderAnnouncements(view, outcome) {
  // An announcement given a duration ends by itself (clock.js).
  const list = view.meeting.announcements.filter((a) => announcementLive(a, serverNow())).sort((a, b) => b.id - a.id);
  byId('announcements-box').hidden = list.length === 0;
  const box = byId('announcements');
  const sig = JSON.stringify([list.slice(0, 5), document.documentElement.lang]);
  if (box.dataset.sig !== sig) {
    box.dataset.sig = sig;
    replace(box, list.slice(0, 5).map((a) => h('li', {},
      h('time', { datetime: new Date(a.at).toISOString() }, clockTime(a.at)), ' ', h('span', {}, a.text))));
  }
  const newest = list.length ? list[0].id : 0;
  if (lastAnnouncement >= 0 && newest > lastAnnouncement && outcome === 'applied') {
    announce(t('announce.new', { text: list[0].text }));
  }
  lastAnnouncement = newest;
  // The newest stays above the sections for its duration, or a while
  // when it has none, unless dismissed.
  const left = list.length ? (list[0].until || list[0].at + announcementPinMs) - serverNow() : 0;
  const pinned = left > 0 && Number(load(dismissedKey, '0')) < newest;
  byId('announcement-now').hidden = !pinned;
  setText(byId('announcement-now-text'), pinned ? list[0].text : '');
  clearTimeout(renderAnnouncements.timer);
  if (pinned) renderAnnouncements.timer = setTimeout(() => renderAnnouncements(client.state.view, ''), left + 50);
}
/** @type {any} */
renderAnnouncements.timer = 0;

function renderAsk(view) {
  const s = view.meeting.settings;
  const open = s.qaOpen && view.meeting.status !== 'ended';
  const text = byId('ask-text');
  text.disabled = !open;
  byId('ask-submit').disabled = !open || asking;
  byId('ask-moderation').textContent = !open ? t('ask.closed') : s.preModeration ? t('ask.premoderated') : '';
  byId('ask').classList.toggle('closed', !open);
  text.placeholder = s.preModeration ? t('ask.placeholderModerated') : t('ask.placeholder');
  updateCount();
  renderCharter(view);
}

// The moderation rules, under the question box, opened from the link on
// the line of its status: no room taken until asked for.
byId('charter-toggle').addEventListener('click', () => {
  const box = byId('charter');
  box.hidden = !box.hidden;
  byId('charter-toggle').setAttribute('aria-expanded', String(!box.hidden));
});

/** The moderation rules in force, in the list the toggle shows. */
function renderCharter(view) {
  const rules = charterRules(view.meeting.charter);
  const list = byId('charter-rules');
  const sig = JSON.stringify([rules, document.documentElement.lang]);
  if (list.dataset.sig === sig) return;
  list.dataset.sig = sig;
  replace(list, rules.map((r) => h('li', {}, r)));
}

function updateCount() {
  const view = client && client.state.view;
  const n = textLength(byId('ask-text').value);
  const max = maxLength(view);
  byId('ask-count').textContent = t('ask.count', { n, max });
  byId('ask-count').classList.toggle('over', n > max);
}

function renderMine() {
  const waiting = myWaitingQuestions(client.state);
  const merged = client.state.mine ? client.state.mine.questions.filter((q) => q.status === 'merged' && q.mergedInto) : [];
  const list = [
    ...unsent.map((u) => ({ id: -u.key, text: u.text, status: 'unsent' })),
    ...waiting,
    ...merged.sort((a, b) => b.id - a.id),
  ];
  byId('mine-box').hidden = list.length === 0;
  if (client.state.mine) {
    for (const id of editing.keys()) {
      // Published or refused meanwhile: the correction cannot be saved.
      if (!list.some((q) => q.id === id && q.status === 'pending')) {
        editing.delete(id);
        keepEdits();
        announce(t('mine.editTooLate'));
      }
    }
  }
  const conn = client.conn === 'live' ? 'live' : 'down';
  keyedList(byId('mine'), list, (q) => `${q.id}:${q.status}:${q.text}:${document.documentElement.lang}:${editing.has(q.id)}:${q.mergedInto || ''}:${q.status === 'unsent' ? conn : ''}`, (q) => {
    const textID = `mine-${q.id}-text`;
    const meta = q.status === 'unsent' ? (conn === 'live' ? t('sending') : t('send.waiting'))
      : q.status === 'merged' ? [t('mine.merged'), ' ', h('a', {
        href: `#q-${q.mergedInto}`, on: { click: (/** @type {Event} */ ev) => { ev.preventDefault(); showQuestion(q.mergedInto); } },
      }, t('mine.mergedInto', { id: q.mergedInto }))]
        : q.status === 'pending' ? t('mine.pending') : [t('mine.rejected', { reason: t(`reason.${q.reason || 'other'}`) }), q.rule ? ` (${t('charter.ruleN', { n: q.rule })})` : ''];
    const body = h('div', { class: 'q-body' },
      h('p', { class: 'q-text', id: textID }, q.text),
      h('p', { class: 'q-meta' }, meta));
    if (q.note) body.append(h('p', { class: 'q-note' }, q.note));
    const li = h('li', { class: ['question', 'mine', q.status] }, body);
    if (q.status !== 'pending') return li;
    if (editing.has(q.id)) {
      li.append(editForm(q));
      return li;
    }
    const described = { 'aria-describedby': textID };
    li.append(h('div', { class: 'button-row' },
      h('button', {
        type: 'button', class: 'small', dataset: { action: 'edit' }, ...described,
        on: { click: () => { editing.set(q.id, q.text); keepEdits(); renderMine(); focusIn(q.id, 'textarea'); } },
      }, t('mine.edit')),
      h('button', {
        type: 'button', class: 'small', ...described,
        on: { click: () => act({ op: 'question.withdraw', question: q.id }, t('mine.withdrawn')) },
      }, t('mine.withdraw'))));
    return li;
  }, () => {});
}

/** The author's form to correct a question still waiting for moderation. */
function editForm(q) {
  const id = `mine-${q.id}-edit`;
  const area = h('textarea', { id, rows: '3', value: editing.get(q.id) });
  area.addEventListener('input', () => { editing.set(q.id, area.value); keepEdits(); });
  const cancel = () => { editing.delete(q.id); keepEdits(); renderMine(); focusIn(q.id, '[data-action="edit"]'); };
  return inlineForm(h('div', { class: 'field' }, h('label', { for: id }, t('mine.editLabel')), area), t('mine.save'), cancel, (status) => {
    const text = area.value.trim();
    if (text === q.text) { cancel(); return; }
    status.textContent = t('sending');
    client.send({ op: 'question.edit', question: q.id, text }).then(() => {
      editing.delete(q.id);
      keepEdits();
      announce(t('mine.edited'));
      renderMine();
      focusIn(q.id, '[data-action="edit"]');
    }, (err) => { status.textContent = errorText(err); });
  });
}

/** Focuses the element matching sel in the author's item for question id. */
function focusIn(id, sel) {
  const li = Array.from(byId('mine').children).find((el) => el.dataset.key.startsWith(`${id}:`));
  const el = li && li.querySelector(sel);
  if (el) el.focus();
}

function renderQuestions() {
  if (!client || !client.state.view) return;
  const view = client.state.view;
  let list = sortQuestions(liveQuestions(view), order);
  if (byId('keep-order').checked) {
    if (!frozen) frozen = list.map((q) => q.id);
    const rank = new Map(frozen.map((id, i) => [id, i]));
    // New questions go at the end, the others keep their place.
    list = list.slice().sort((a, b) => (rank.get(a.id) ?? 1e9 + a.id) - (rank.get(b.id) ?? 1e9 + b.id));
  } else {
    frozen = null;
  }
  byId('questions-empty').hidden = list.length > 0;
  keyedList(byId('questions'), list, (q) => q.id, questionItem, updateQuestion);
  setText(byId('refused'), refusedLine(view.meeting.refused));
}

function questionItem(q) {
  const textID = `q-${q.id}-text`;
  const vote = h('button', { type: 'button', class: 'vote', 'aria-describedby': textID },
    h('span', { class: 'vote-icon', 'aria-hidden': 'true' }, '▲'), ' ',
    h('span', { class: 'vote-label' }), ' ',
    h('span', { class: 'vote-count' }),
    h('span', { class: 'vote-send' }));
  vote.addEventListener('click', () => {
    const on = vote.getAttribute('aria-pressed') === 'true';
    const id = Number(vote.closest('li').dataset.key);
    sendVote(id, !on);
  });
  return h('li', { class: 'question', id: `q-${q.id}`, tabindex: '-1' },
    h('div', { class: 'q-body' },
      h('p', { class: 'q-text', id: textID }),
      h('p', { class: 'q-meta' })),
    vote);
}

function updateQuestion(li, q) {
  const mine = !!client.state.mine && client.state.mine.questions.some((m) => m.id === q.id);
  const pending = voting.get(q.id);
  const on = pending ? pending.on : hasUpvoted(client.state, q.id);
  const sending = !pending ? '' : pending.sent ? t('send.sent') : client.conn === 'live' ? t('sending') : t('send.waiting');
  const lit = client.state.view.meeting.highlight === q.id;
  // Long lists stay fast: an unchanged question costs no DOM work.
  const sig = JSON.stringify([q, mine, on, sending, lit, document.documentElement.lang]);
  if (li.dataset.sig === sig) return;
  li.dataset.sig = sig;
  li.querySelector('.q-text').textContent = q.text;
  // A question carried from an earlier step meeting has no author here:
  // where it comes from stands in their place.
  const meta = [`#${q.id}`, ...whoAsked(q), clockTime(q.at)];
  if (q.carriedTo) meta.push(provenance({ carriedTo: q.carriedTo }));
  if (q.pinned) meta.unshift(t('q.pinned'));
  if (lit) meta.unshift(t('q.highlighted'));
  if (mine) meta.push(t('q.yours'));
  li.querySelector('.q-meta').textContent = meta.join(' · ');
  li.classList.toggle('pinned', !!q.pinned);
  li.classList.toggle('highlighted', lit);
  const vote = li.querySelector('.vote');
  vote.setAttribute('aria-pressed', String(on));
  vote.querySelector('.vote-label').textContent = on ? t('vote.upvoted') : t('vote.upvote');
  vote.querySelector('.vote-count').textContent = t('votes', { n: q.votes });
  vote.querySelector('.vote-send').textContent = sending ? ` · ${sending}` : '';
  vote.classList.toggle('unsent', !!pending && !pending.sent);
}

/** Upvotes (on) or takes back the vote on question id; the button says how it goes. */
function sendVote(id, on) {
  if (!client) return;
  const mark = { on, sent: false };
  voting.set(id, mark);
  renderQuestions();
  if (client.conn !== 'live') announce(t('queued'));
  client.send({ op: on ? 'question.upvote' : 'question.unvote', question: id }).then(() => {
    announce(on ? t('vote.added') : t('vote.removed'));
    mark.sent = true;
  }, (err) => {
    announce(errorText(err));
    voting.delete(id);
  }).finally(() => {
    renderQuestions();
    setTimeout(() => {
      if (voting.get(id) === mark) voting.delete(id);
      renderQuestions();
    }, sentMarkMs);
  });
}

function renderAnswered(view) {
  const list = answeredQuestions(view);
  byId('answered-box').hidden = list.length === 0;
  keyedList(byId('answered'), list, (q) => q.id, (q) => h('li', { class: 'question answered', id: `q-${q.id}`, tabindex: '-1' },
    h('p', { class: 'q-text' }), h('p', { class: 'q-meta' }), h('p', { class: 'q-answer' })), (li, q) => {
    li.querySelector('.q-text').textContent = q.text;
    li.querySelector('.q-meta').textContent = [...whoAsked(q, false), t('votes', { n: q.votes })].join(' · ');
    const a = li.querySelector('.q-answer');
    a.hidden = !q.answer;
    a.textContent = q.answer ? t('q.answer', { text: q.answer }) : '';
  });
}

// --- polls ----------------------------------------------------------------

/**
 * Open polls go above every section, to be answered whatever is shown;
 * closed ones fold away in the polls section, the latest unfolded.
 */
function renderPolls() {
  const state = client.state;
  const polls = state.view.polls.filter((p) => p.status !== 'draft').sort((a, b) => b.id - a.id);
  const open = polls.filter((p) => p.status === 'open');
  const closed = polls.filter((p) => p.status === 'closed');
  byId('polls-empty').hidden = closed.length > 0;
  // On a phone an open poll takes two lines until unfolded, so that the
  // questions stay on the first screen; a wider screen shows it whole.
  const unfold = !matchMedia('(max-width: 59.99rem)').matches;
  keyedList(byId('live-polls'), open, (p) => p.id, (p) => h('section', { class: 'poll card compact', 'aria-labelledby': `poll-${p.id}-title` },
    h('div', { class: 'poll-head' },
      h('h2', { id: `poll-${p.id}-title`, class: 'poll-title' }),
      h('p', { class: 'poll-status' })),
    h('details', { class: 'poll-body', open: unfold },
      h('summary', { class: 'poll-toggle' }),
      h('div', { class: 'poll-form' }),
      h('div', { class: 'poll-results' })),
    h('p', { class: 'poll-send', role: 'status' })), updatePoll);
  keyedList(byId('polls'), closed, (p) => p.id, (p) => h('section', { class: 'poll closed', 'aria-labelledby': `poll-${p.id}-title` },
    h('details', { open: p.id === closed[0].id },
      h('summary', {}, h('span', { id: `poll-${p.id}-title`, class: 'poll-title' }), ' ', h('span', { class: 'poll-status' })),
      h('div', { class: 'poll-form' }),
      h('p', { class: 'poll-send', role: 'status' }),
      h('div', { class: 'poll-results' }))), updatePoll);
}

function updatePoll(el, p) {
  const state = client.state;
  const ballot = myBallot(state, p.id);
  setText(el.querySelector('.poll-title'), p.title);
  setText(el.querySelector('.poll-status'), [
    t(`poll.status.${p.status}`), t('poll.ballots', { n: p.ballots }), ballot ? t('poll.youVoted') : '',
  ].filter(Boolean).join(' · '));
  const toggle = el.querySelector('.poll-toggle');
  if (toggle) setText(toggle, ballot ? t('poll.unfoldVoted') : t('poll.unfold'));
  const sending = balloting.get(p.id);
  setText(el.querySelector('.poll-send'), !sending ? '' : sending.sent ? t('poll.sent') : client.conn === 'live' ? t('sending') : t('poll.waiting'));
  el.querySelector('.poll-send').classList.toggle('waiting', !!sending && !sending.sent);
  // The form is rebuilt only when what it asks changes, so a choice in
  // progress survives updates of the counts.
  const sig = JSON.stringify([p.kind, p.options, p.scale, p.max, p.budget, p.status, p.locked, p.correct, ballot, p.counting, state.mine && state.mine.checkedIn, client.participant, document.documentElement.lang]);
  const formBox = el.querySelector('.poll-form');
  if (formBox.dataset.sig !== sig) {
    formBox.dataset.sig = sig;
    const hadFocus = formBox.contains(document.activeElement);
    const open = p.status === 'open' && !(p.locked && ballot);
    replace(formBox, open ? (voterGate(p, client) || [pollForm(p, ballot), voterLine(p, client)].filter(Boolean)) : ballotLine(p, ballot));
    if (hadFocus) {
      // The vote just went in: keep the keyboard where it was.
      const next = formBox.querySelector('input:checked, input:enabled, .rank-item, button:enabled');
      const title = el.querySelector('.poll-title');
      if (next) {
        next.focus();
      } else {
        title.setAttribute('tabindex', '-1');
        title.focus();
      }
    }
  }
  const results = pollResults(state, p.id);
  const box = el.querySelector('.poll-results');
  if (results) {
    replace(box, h('p', { class: 'results-title' }, t('poll.results')), resultsView(p, results));
  } else {
    replace(box, h('p', { class: 'hint' }, t(`poll.hidden.${p.visibility}`)));
  }
}

function ballotLine(p, ballot) {
  const right = rightAnswer(p);
  if (!ballot) return right ? h('p', { class: 'quiz' }, t('poll.rightAnswer', { answer: right })) : null;
  const line = h('p', { class: 'ballot' }, t('poll.yourVote', { vote: describeBallot(p, ballot) }));
  if (!right) return line;
  const mine = (ballot.choices || []).slice().sort((a, b) => a - b);
  const won = mine.length === p.correct.length && mine.every((x, i) => x === p.correct[i]);
  return [line, h('p', { class: ['quiz', won ? 'won' : ''] }, won ? t('poll.youWereRight') : t('poll.youWereWrong', { answer: right }))];
}

function describeBallot(p, b) {
  if (p.kind === 'rating') return String(b.rating);
  if (p.kind === 'open') return b.text || '';
  if (p.kind === 'ranking') return (b.choices || []).map((i, n) => `${n + 1}. ${(p.options || [])[i]}`).join(', ');
  if (p.kind === 'points') return (p.options || []).map((o, i) => [o, (b.points || [])[i] || 0]).filter(([, n]) => n > 0).map(([o, n]) => `${o}: ${n}`).join(', ');
  return (b.choices || []).map((i) => (p.options || [])[i]).join(', ');
}

function pollForm(p, ballot) {
  const name = `poll-${p.id}`;
  const fields = h('fieldset', {}, h('legend', { class: 'visually-hidden' }, p.title));
  const capped = p.kind === 'multiple' && p.max > 0 && p.max < (p.options || []).length;
  const maxHint = h('p', { class: 'hint', id: `${name}-max` }, t('poll.max', { n: p.max }));
  // Ranking and points ballots are built by rankvote.js.
  const weighed = p.kind === 'ranking' ? rankingBallot(p, ballot, announce) : p.kind === 'points' ? pointsBallot(p, ballot, announce) : null;
  if (weighed) {
    fields.append(weighed.el);
  } else if (p.kind === 'single' || p.kind === 'multiple') {
    if (capped) {
      fields.append(maxHint);
      fields.setAttribute('aria-describedby', maxHint.id);
    }
    (p.options || []).forEach((o, i) => {
      const id = `${name}-${i}`;
      const checked = !!ballot && (ballot.choices || []).includes(i);
      fields.append(h('div', { class: 'choice' },
        h('input', { type: p.kind === 'single' ? 'radio' : 'checkbox', id, name, value: String(i), checked }),
        h('label', { for: id }, o)));
    });
  } else if (p.kind === 'rating') {
    const row = h('div', { class: 'rating' });
    for (let v = 1; v <= (p.scale || 5); v++) {
      const id = `${name}-${v}`;
      row.append(h('div', { class: 'choice' },
        h('input', { type: 'radio', id, name, value: String(v), checked: !!ballot && ballot.rating === v }),
        h('label', { for: id }, String(v))));
    }
    fields.append(h('p', { class: 'hint' }, t('poll.scale', { scale: p.scale || 5 })), row);
  } else {
    const id = `${name}-text`;
    fields.append(h('div', { class: 'field' },
      h('label', { for: id }, t('poll.answer')),
      h('input', { type: 'text', id, name, maxlength: '80', value: (ballot && ballot.text) || '' })));
  }
  const status = h('p', { class: 'form-status', role: 'status' });
  const form = h('form', { class: 'poll-vote', novalidate: true }, fields,
    h('button', { type: 'submit', class: 'primary' }, ballot ? t('poll.change') : t('poll.vote')), status);
  if (capped) {
    // At the maximum the other boxes are disabled, and the hint says why,
    // rather than a refusal from the server after the vote.
    const cap = () => {
      const boxes = Array.from(form.querySelectorAll(`input[name="${name}"]`));
      const full = boxes.filter((b) => b.checked).length >= p.max;
      for (const b of boxes) b.disabled = full && !b.checked;
      maxHint.textContent = full ? t('poll.maxReached', { n: p.max }) : t('poll.max', { n: p.max });
      maxHint.classList.toggle('at-max', full);
    };
    form.addEventListener('change', cap);
    cap();
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const cmd = { op: 'poll.vote', poll: p.id };
    const checked = Array.from(form.querySelectorAll(`input[name="${name}"]:checked`)).map((i) => Number(i.value));
    if (weighed) {
      const { error, ...given } = weighed.read();
      if (error) { status.textContent = error; return; }
      Object.assign(cmd, given);
    } else if (p.kind === 'single' || p.kind === 'multiple') {
      if (!checked.length) { status.textContent = t('poll.pick'); return; }
      cmd.choices = checked;
    } else if (p.kind === 'rating') {
      if (!checked.length) { status.textContent = t('poll.pick'); return; }
      cmd.rating = checked[0];
    } else {
      cmd.text = form.querySelector('input').value.trim();
      if (!cmd.text) { status.textContent = t('poll.pick'); return; }
    }
    if (p.kind === 'multiple' && p.max > 0 && cmd.choices.length > p.max) { status.textContent = t('poll.maxReached', { n: p.max }); return; }
    status.textContent = '';
    const mark = { sent: false };
    balloting.set(p.id, mark);
    if (client.conn !== 'live') announce(t('poll.waiting'));
    renderPolls();
    client.send(cmd).then(() => {
      mark.sent = true;
      announce(t('poll.recorded'));
    }, (err) => {
      balloting.delete(p.id);
      // The form may have been rebuilt meanwhile: the error goes in the one shown.
      const shown = document.querySelector(`[aria-labelledby="poll-${p.id}-title"] .poll-vote .form-status`);
      if (shown) shown.textContent = errorText(err);
    }).finally(() => {
      if (client.state.view) renderPolls();
      setTimeout(() => {
        if (balloting.get(p.id) === mark) balloting.delete(p.id);
        if (client.state.view) renderPolls();
      }, sentMarkMs);
    });
  });
  return form;
}

// --- reactions ------------------------------------------------------------

const reactionIcons = { applause: '👏', agree: '👍', disagree: '👎', louder: '🔊', slower: '🐢', break: '☕' };

function renderReactions(view) {
  const on = view.meeting.settings.reactions && view.meeting.status !== 'ended';
  byId('react-box').hidden = !on;
  const box = byId('reactions');
  const sig = document.documentElement.lang;
  if (box.dataset.sig === sig) return;
  box.dataset.sig = sig;
  replace(box, Object.entries(reactionIcons).map(([r, icon]) => h('button', {
    type: 'button', class: 'reaction',
    on: {
      click: () => client && client.send({ op: 'react', reaction: r }, { transient: true })
        .then(() => announce(t('react.sent', { reaction: t(`reaction.${r}`) })), (err) => announce(errorText(err))),
    },
  }, h('span', { 'aria-hidden': 'true', class: 'reaction-icon' }, icon), ' ', t(`reaction.${r}`))));
}

// --- actions --------------------------------------------------------------

/** Sends cmd; announces ok when acknowledged, the error otherwise. */
function act(cmd, ok) {
  if (!client) return;
  if (client.conn !== 'live') announce(t('queued'));
  client.send(cmd).then(() => announce(ok), (err) => announce(errorText(err)));
}

function restoreDraft() {
  const text = byId('ask-text');
  const draft = load(draftKey, '');
  if (draft && !text.value) text.value = draft;
  updateCount();
}

byId('ask-text').addEventListener('input', () => {
  store(draftKey, byId('ask-text').value);
  updateCount();
  byId('ask-status').textContent = '';
});

byId('ask-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (!client || asking) return;
  const area = byId('ask-text');
  const text = area.value.trim();
  const status = byId('ask-status');
  if (!text) {
    status.textContent = t('err.empty');
    area.focus();
    return;
  }
  if (textLength(text) > maxLength(client.state.view)) {
    status.textContent = t('err.too_long');
    area.focus();
    return;
  }
  asking = true;
  byId('ask-submit').disabled = true;
  const offline = client.conn !== 'live';
  status.textContent = offline ? t('queued') : t('sending');
  // Asked with no connection: the question shows among the author's own,
  // waiting to send, until the server has it.
  const waiting = offline ? { key: ++unsentKey, text } : null;
  if (waiting) {
    unsent.push(waiting);
    byId('ask-submit').textContent = t('send.waiting');
    renderMine();
  }
  const cmd = { op: 'question.ask', text };
  const name = ((client.state.mine && client.state.mine.name) || (joined() || {}).name || '').trim();
  if (name && !client.state.view.meeting.settings.anonymous) cmd.name = name;
  client.send(cmd).then(() => {
    // The draft goes only once the server has the question on disk.
    if (area.value.trim() === text) {
      area.value = '';
      store(draftKey, null);
    }
    const pre = client.state.view && client.state.view.meeting.settings.preModeration;
    status.textContent = `${waiting ? `${t('send.sent')} ` : ''}${pre ? t('ask.sentModerated') : t('ask.sent')}`;
  }, (err) => {
    status.textContent = errorText(err);
  }).finally(() => {
    if (waiting) {
      unsent.splice(unsent.indexOf(waiting), 1);
      byId('ask-submit').textContent = t('ask.submit');
    }
    asking = false;
    if (client && client.state.view) renderMine();
    if (client && client.state.view) renderAsk(client.state.view);
    updateCount();
  });
});

byId('rename-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const name = byId('rename').value.trim();
  const j = joined();
  if (j) store(joinKey, JSON.stringify({ ...j, name }));
  // The next hello (after a reconnect) carries the new name too.
  if (client) client.name = name;
  act({ op: 'participant.rename', name }, t('me.saved'));
});

function setOrder(o) {
  order = o;
  store(sortKey, o);
  frozen = null;
  byId('sort-popular').setAttribute('aria-pressed', String(o === 'popular'));
  byId('sort-recent').setAttribute('aria-pressed', String(o === 'recent'));
  renderQuestions();
}
byId('sort-popular').addEventListener('click', () => setOrder('popular'));
byId('sort-recent').addEventListener('click', () => setOrder('recent'));
byId('keep-order').addEventListener('change', () => { frozen = null; renderQuestions(); });

onLangChange(() => {
  updateCount();
  if (client && client.state.view) {
    render('lang');
    renderQuestions();
  }
});

setOrder(order);
if (joined() && code) enter();
else showJoin();

// --- the speaking time, and announcements that end ---------------------------
// Self-contained: the countdown goes under the participant's floor status.

// var, not let: the page may create its client (and this clock) before
// this line runs.
/** @type {import('./clock.js').ServerClock|undefined} */
var phoneClock; // eslint-disable-line no-var
/** The server's time now, as well as this device can tell. */
function serverNow() {
  return phoneClock ? phoneClock.now(Date.now()) : Date.now();
}

const floorTimer = h('p', { id: 'floor-timer', class: 'floor-timer', role: 'timer', hidden: true });
byId('floor-mine').after(floorTimer);
let timeUpSaid = 0; // the request whose "time is up" was said aloud

/** The countdown of the participant's own speech, when given a time. */
function renderSpeakingTime() {
  const view = client && client.state.view;
  const mineID = client && client.state.mine ? client.state.mine.floor || 0 : 0;
  const mine = view && mineID ? (view.meeting.floor || []).find((f) => f.id === mineID) : undefined;
  const left = speechLeft(mine, serverNow());
  floorTimer.hidden = left === null;
  floorTimer.classList.toggle('over', left !== null && left <= 0);
  setText(floorTimer, left === null ? '' : left > 0 ? t('timer.left', { time: formatSeconds(left) }) : t('timer.over', { time: formatSeconds(-left) }));
  if (mine && left !== null && left <= 0 && timeUpSaid !== mine.id) {
    timeUpSaid = mine.id;
    announce(t('timer.up'));
  }
}

let liveAnnouncements = '';
setInterval(() => {
  if (!client || !client.state.view) return;
  renderSpeakingTime();
  const now = serverNow();
  const ids = client.state.view.meeting.announcements.filter((a) => announcementLive(a, now)).map((a) => a.id).join();
  if (ids !== liveAnnouncements) {
    const first = liveAnnouncements === '';
    liveAnnouncements = ids;
    if (!first) render('');
  }
}, 250);
