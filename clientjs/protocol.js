// Pure protocol state for Tribune clients (PROTOCOL.md, "Changes").
//
// This module applies what the server sends (snapshot, patch, mine, results)
// to a local state value and offers the sorting and selection helpers the
// pages share. It touches neither the DOM nor the network: every function
// takes a state and returns a new one (the old one is never mutated), so the
// same module runs in the browser and under `node --test`.
//
// The invariant it keeps: a client at sequence number `seq` holding `view`
// has exactly the view the server would send in a snapshot at `seq`, for
// that role. clientjs/test/protocol.test.js checks that a snapshot followed
// by patches gives the snapshot at the end, whatever the overlaps.

/**
 * @typedef {'participant'|'moderator'|'screen'} Role
 * @typedef {'room'|'remote'} Channel
 * @typedef {'pending'|'live'|'answered'|'rejected'|'withdrawn'|'merged'} QuestionStatus
 * @typedef {'draft'|'open'|'closed'} PollStatus
 * @typedef {'live'|'voted'|'closed'|'hidden'} Visibility
 * @typedef {'single'|'multiple'|'rating'|'open'|'ranking'|'points'} PollKind
 *
 * @typedef {object} Settings
 * @property {boolean} qaOpen
 * @property {boolean} preModeration
 * @property {boolean} anonymous
 * @property {number} maxLength 0 means the default (280)
 * @property {boolean} reactions
 * @property {boolean} hideCount
 * @property {string} streamURL
 * @property {string} [signURL] sign-language interpretation video, for everyone
 * @property {string} [captionsURL] live captions, for everyone
 *
 * @typedef {{id: number, text: string, at: number}} Announcement
 *
 * @typedef {object} Meeting
 * @property {string} title
 * @property {string} description
 * @property {string} code
 * @property {'scheduled'|'live'|'ended'} status
 * @property {Settings} settings
 * @property {string[]} agenda
 * @property {string[]} [outcomes] outcomes[i] is what came of agenda step i; absent when none has one
 * @property {FloorRequest[]} [floor] the speaker first, then who waits, in order; absent when nobody
 * @property {number} step index into agenda, -1 for none
 * @property {number} highlight question id, 0 for none
 * @property {number} screenPoll poll id, 0 for none
 * @property {Announcement[]} announcements
 * @property {Object<string, number>} refused questions refused, by reason
 *
 * @typedef {{room: number, remote: number, peak: number, joined: number}} Counts
 *
 * @typedef {object} Question
 * @property {number} id
 * @property {string} text
 * @property {string} [name]
 * @property {Channel} channel
 * @property {QuestionStatus} status
 * @property {number} votes
 * @property {boolean} [pinned]
 * @property {boolean} [archived]
 * @property {string} [answer]
 * @property {number} step
 * @property {number} at Unix milliseconds
 * @property {number} [answeredAt]
 * @property {number} [mergedInto]
 * @property {number[]} [mergedFrom]
 * @property {string} [author]
 * @property {string} [reason]
 * @property {string} [note]
 * @property {Link} [from] carried here from another step meeting of a consultation
 * @property {Link} [carriedTo] carried on to another step meeting
 *
 * @typedef {{consultation: string, code: string, question: number, votes: number, step?: string}} Link
 *
 * @typedef {object} Results
 * @property {number[]} [tally] one count per option, or per scale value 1..scale; ranking: Borda score per option; points: points per option
 * @property {number} [average] rating polls
 * @property {{word: string, count: number}[]} [words] open polls
 * @property {number[]} [first] ranking polls: ballots putting each option first
 * @property {number[]} [voters] points polls: ballots giving each option points
 *
 * @typedef {object} FloorRequest
 * @property {number} id
 * @property {string} [name]
 * @property {'room'|'remote'} channel
 * @property {string} [topic]
 * @property {'waiting'|'speaking'|'done'|'withdrawn'|'dropped'} status
 * @property {number} at
 * @property {number} [calledAt]
 *
 * @typedef {object} Poll
 * @property {number} id
 * @property {PollKind} kind
 * @property {string} title
 * @property {string[]} [options]
 * @property {number} [max] multiple: most choices; ranking: places to fill; points: most points per option
 * @property {number} [scale]
 * @property {number} [budget] points polls: points each participant spreads
 * @property {Visibility} visibility
 * @property {PollStatus} status
 * @property {boolean} [locked]
 * @property {number} step
 * @property {number} ballots
 * @property {Results} [results] absent where this role may not see them
 * @property {number[]} [correct] a quiz's right options: to moderators, to everyone once closed
 *
 * @typedef {{seq: number, at: number, op: string, question?: number, poll?: number, floor?: number, reason?: string, note?: string, rule?: number, by?: number, seat?: number}} LedgerEntry
 *   by: the seat of the moderation team that acted, absent for the organiser
 *
 * @typedef {{id: number, name: string, scope: 'all'|'questions'|'backstage', at: number, revokedAt?: number}} Seat
 * @typedef {{seq: number, at: number, by?: number, text: string, question?: number}} Note
 *
 * @typedef {{id: number, prompt: string, step: number, open: boolean, at: number, closedAt?: number, refused?: Object<string, number>}} Board
 * @typedef {{id: number, board: number, title: string, text?: string, name?: string, status: string, votes: number, at: number, mergedInto?: number, mergedFrom?: number[], poll?: number, author?: string, reason?: string, note?: string, rule?: number}} Idea
 *
 * @typedef {object} View
 * @property {number} seq
 * @property {Role} role
 * @property {Meeting} meeting
 * @property {Question[]} questions in id order
 * @property {Poll[]} polls in id order
 * @property {Board[]} boards every ideas board (room/idea.go), in id order
 * @property {Idea[]} ideas the ideas this role sees, in id order
 * @property {Counts} [counts] absent when hidden from this role
 * @property {Object<string, number>} reactions
 * @property {LedgerEntry[]} [ledger] moderators only
 * @property {Seat[]} [team] moderators only
 * @property {Note[]} [notes] moderators only: backstage notes
 *
 * @typedef {object} Patch
 * @property {Meeting} [meeting]
 * @property {Question[]} [questions]
 * @property {Object<string, number>} [votes] new vote counts, by question id
 * @property {number[]} [gone]
 * @property {Poll[]} [polls]
 * @property {Object<string, {ballots: number, results?: Results}>} [tallies] new ballots and results, by poll id
 * @property {number[]} [gonePolls]
 * @property {Counts} [counts]
 * @property {Object<string, number>} [reactions]
 * @property {LedgerEntry[]} [ledger]
 * @property {Seat[]} [team] the whole team, when it changed
 * @property {Note[]} [notes] appended like the ledger
 * @property {Announcement[]} [announcements] made since the last patch, each sent once
 *
 * @typedef {{choices?: number[], rating?: number, text?: string}} Ballot
 *
 * @typedef {object} Mine
 * @property {string} participant
 * @property {string} [name]
 * @property {Channel} [channel]
 * @property {Question[]} questions the participant's own, in every status
 * @property {number[]} upvoted
 * @property {Idea[]} ideas the participant's own, in every status
 * @property {number[]} ideaVotes the ideas they voted for
 * @property {Object<string, Ballot>} ballots by poll id
 * @property {Object<string, Results>} [results] by poll id
 * @property {number} [floor] their request to speak, waiting or speaking
 *
 * @typedef {object} State
 * @property {number} seq the last sequence number applied
 * @property {View|null} view null until the first snapshot
 * @property {Mine|null} mine participants only
 * @property {number} mineSeq the seq of the Mine held
 * @property {Object<string, {seq: number, results: Results}>} results
 *   results sent to this participant alone (voted polls), by poll id
 */

/** @returns {State} the state of a client that has seen nothing. */
export function emptyState() {
  return { seq: 0, view: null, mine: null, mineSeq: 0, results: {} };
}

/**
 * Replaces the view with a snapshot taken at seq.
 * @param {State} state
 * @param {number} seq
 * @param {View} view
 * @returns {State}
 */
export function applySnapshot(state, seq, view) {
  const v = normaliseView(view);
  v.seq = seq;
  return { ...state, seq, view: v };
}

/**
 * The outcome of applyPatch:
 * - 'applied': the patch covered seq and the state moved to its `to`;
 * - 'stale': everything in it was already applied (to < seq); nothing changed;
 * - 'gap': it starts after seq (or there is no view yet): something was
 *   missed, and the client must resume with since = state.seq.
 * @typedef {'applied'|'stale'|'gap'} PatchOutcome
 */

/**
 * Applies a patch message {from, to, patch} when from <= seq <= to.
 * @param {State} state
 * @param {{from: number, to: number, patch: Patch}} msg
 * @returns {{state: State, outcome: PatchOutcome}}
 */
export function applyPatch(state, msg) {
  const { from, to, patch } = msg;
  if (!state.view || from > state.seq) return { state, outcome: 'gap' };
  if (to < state.seq) return { state, outcome: 'stale' };
  const v = { ...state.view, seq: to };
  const p = patch || {};
  if (p.meeting) v.meeting = { ...p.meeting, announcements: v.meeting.announcements };
  if (p.announcements?.length) {
    v.meeting = { ...v.meeting, announcements: appendAnnouncements(v.meeting.announcements, p.announcements) };
  }
  if (p.counts) v.counts = p.counts;
  if (p.reactions) v.reactions = p.reactions;
  if (p.questions?.length || p.gone?.length) {
    v.questions = mergeById(v.questions, p.questions || [], p.gone || []);
  }
  if (p.votes) {
    v.questions = v.questions.map((q) => (Object.hasOwn(p.votes, q.id) ? { ...q, votes: p.votes[q.id] } : q));
  }
  if (p.polls?.length || p.gonePolls?.length) {
    v.polls = mergeById(v.polls, p.polls || [], p.gonePolls || []);
  }
  if (p.tallies) {
    v.polls = v.polls.map((x) => {
      if (!Object.hasOwn(p.tallies, x.id)) return x;
      const { ballots, results } = p.tallies[x.id];
      const { results: _old, ...rest } = x;
      return results ? { ...rest, ballots, results } : { ...rest, ballots };
    });
  }
  // The ideas boards (room/idea.go): like questions, votes as counts.
  if (p.boards?.length) v.boards = p.boards;
  if (p.ideas?.length || p.goneIdeas?.length) {
    v.ideas = mergeById(v.ideas, p.ideas || [], p.goneIdeas || []);
  }
  if (p.ideaVotes) {
    v.ideas = v.ideas.map((x) => (Object.hasOwn(p.ideaVotes, x.id) ? { ...x, votes: p.ideaVotes[x.id] } : x));
  }
  if (p.ledger?.length) v.ledger = appendLedger(v.ledger || [], p.ledger);
  if (p.team?.length) v.team = p.team;
  if (p.notes?.length) v.notes = appendLedger(v.notes || [], p.notes);
  return { state: { ...state, seq: to, view: v }, outcome: 'applied' };
}

/**
 * Replaces the participant's own data when msg is not older than what is
 * held.
 * @param {State} state
 * @param {number} seq
 * @param {Mine} mine
 * @returns {State}
 */
export function applyMine(state, seq, mine) {
  if (state.mine && seq < state.mineSeq) return state;
  const m = {
    ...mine,
    questions: mine.questions || [],
    upvoted: mine.upvoted || [],
    ideas: mine.ideas || [],
    ideaVotes: mine.ideaVotes || [],
    ballots: mine.ballots || {},
    results: mine.results || {},
  };
  return { ...state, mine: m, mineSeq: seq };
}

/**
 * Records results sent to this participant alone (a 'voted' poll they
 * answered), unless newer ones are held.
 * @param {State} state
 * @param {number} seq
 * @param {number} poll
 * @param {Results} results
 * @returns {State}
 */
export function applyResults(state, seq, poll, results) {
  const held = state.results[poll];
  if (held && held.seq > seq) return state;
  return { ...state, results: { ...state.results, [poll]: { seq, results } } };
}

/**
 * Applies any server message that carries state. Other messages leave the
 * state as it is, with outcome 'ignored'.
 * @param {State} state
 * @param {any} msg
 * @returns {{state: State, outcome: PatchOutcome|'ignored'|'snapshot'|'mine'|'results'}}
 */
export function applyMessage(state, msg) {
  switch (msg && msg.t) {
    case 'snapshot':
      return { state: applySnapshot(state, msg.seq, msg.view), outcome: 'snapshot' };
    case 'patch':
      return applyPatch(state, msg);
    case 'mine':
      return { state: applyMine(state, msg.seq, msg.mine), outcome: 'mine' };
    case 'results':
      return { state: applyResults(state, msg.seq, msg.poll, msg.results), outcome: 'results' };
    default:
      return { state, outcome: 'ignored' };
  }
}

/**
 * @template {{id: number}} T
 * @param {T[]} list in id order
 * @param {T[]} changed replace or add
 * @param {number[]} gone remove
 * @returns {T[]} in id order
 */
function mergeById(list, changed, gone) {
  const byID = new Map(list.map((e) => [e.id, e]));
  for (const e of changed) byID.set(e.id, e);
  for (const id of gone) byID.delete(id);
  return [...byID.values()].sort((a, b) => a.id - b.id);
}

/**
 * @template {{seq: number}} T
 * @param {T[]} ledger
 * @param {T[]} entries
 * @returns {T[]} in seq order, one entry per seq (ledger entries, notes)
 */
function appendLedger(ledger, entries) {
  const seen = new Set(ledger.map((e) => e.seq));
  const out = ledger.slice();
  for (const e of entries) {
    if (seen.has(e.seq)) continue;
    seen.add(e.seq);
    out.push(e);
  }
  out.sort((a, b) => a.seq - b.seq);
  return out;
}

/** How many announcements a view keeps, the latest, as a snapshot does. */
export const keptAnnouncements = 20;

/**
 * The announcements held plus those of a patch not held yet, by id, the
 * last keptAnnouncements of them. A patch carries each announcement once.
 * @param {Announcement[]} held
 * @param {Announcement[]} add
 * @returns {Announcement[]}
 */
function appendAnnouncements(held, add) {
  const seen = new Set(held.map((a) => a.id));
  const out = held.slice();
  for (const a of add) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    out.push(a);
  }
  out.sort((a, b) => a.id - b.id);
  return out.slice(-keptAnnouncements);
}

/**
 * Fills the lists Go encodes as null when empty.
 * @param {View} view
 * @returns {View}
 */
function normaliseView(view) {
  const meeting = view.meeting;
  return {
    ...view,
    meeting: {
      ...meeting,
      agenda: meeting.agenda || [],
      announcements: meeting.announcements || [],
      refused: meeting.refused || {},
    },
    questions: (view.questions || []).slice().sort((a, b) => a.id - b.id),
    polls: (view.polls || []).slice().sort((a, b) => a.id - b.id),
    boards: view.boards || [],
    ideas: (view.ideas || []).slice().sort((a, b) => a.id - b.id),
    reactions: view.reactions || {},
    ledger: view.ledger ? appendLedger([], view.ledger) : view.ledger,
  };
}

// ---------------------------------------------------------------------------
// Selection and sorting, shared by the pages.

/**
 * Popular order: pinned first, then most votes, then the older first.
 * @param {Question} a
 * @param {Question} b
 */
export function byPopular(a, b) {
  return (Number(!!b.pinned) - Number(!!a.pinned)) ||
    (b.votes - a.votes) || (a.at - b.at) || (a.id - b.id);
}

/**
 * Recent order: newest first.
 * @param {Question} a
 * @param {Question} b
 */
export function byRecent(a, b) {
  return (b.at - a.at) || (b.id - a.id);
}

/**
 * Returns a sorted copy of questions.
 * @param {Question[]} questions
 * @param {'popular'|'recent'} order
 * @returns {Question[]}
 */
export function sortQuestions(questions, order) {
  return questions.slice().sort(order === 'recent' ? byRecent : byPopular);
}

/**
 * The questions open for discussion: approved, not answered, not archived.
 * @param {View|null} view
 * @returns {Question[]}
 */
export function liveQuestions(view) {
  return view ? view.questions.filter((q) => q.status === 'live' && !q.archived) : [];
}

/**
 * Answered questions that are not archived, most recently answered first.
 * @param {View|null} view
 * @returns {Question[]}
 */
export function answeredQuestions(view) {
  if (!view) return [];
  return view.questions
    .filter((q) => q.status === 'answered' && !q.archived)
    .sort((a, b) => (b.answeredAt || 0) - (a.answeredAt || 0) || b.id - a.id);
}

/**
 * Questions waiting for a moderator, oldest first.
 * @param {View|null} view
 * @returns {Question[]}
 */
export function pendingQuestions(view) {
  if (!view) return [];
  return view.questions.filter((q) => q.status === 'pending').sort((a, b) => a.at - b.at || a.id - b.id);
}

/**
 * The top n live questions in popular order.
 * @param {View|null} view
 * @param {number} n
 * @returns {Question[]}
 */
export function topQuestions(view, n) {
  return sortQuestions(liveQuestions(view), 'popular').slice(0, n);
}

/**
 * The question with the given id, or undefined.
 * @param {View|null} view
 * @param {number} id
 * @returns {Question|undefined}
 */
export function question(view, id) {
  return view && id ? view.questions.find((q) => q.id === id) : undefined;
}

/**
 * The poll with the given id, or undefined.
 * @param {View|null} view
 * @param {number} id
 * @returns {Poll|undefined}
 */
export function poll(view, id) {
  return view && id ? view.polls.find((p) => p.id === id) : undefined;
}

/**
 * The participant's own questions still waiting or refused (the ones the
 * public list does not show), newest first.
 * @param {State} state
 * @returns {Question[]}
 */
export function myWaitingQuestions(state) {
  if (!state.mine) return [];
  return state.mine.questions
    .filter((q) => q.status === 'pending' || q.status === 'rejected')
    .sort(byRecent);
}

/**
 * Whether this participant upvoted question id.
 * @param {State} state
 * @param {number} id
 */
export function hasUpvoted(state, id) {
  return !!state.mine && state.mine.upvoted.includes(id);
}

/**
 * This participant's ballot in poll id, or undefined.
 * @param {State} state
 * @param {number} id
 * @returns {Ballot|undefined}
 */
export function myBallot(state, id) {
  return state.mine ? state.mine.ballots[id] : undefined;
}

/**
 * The results of poll id this client may show: public ones from the view,
 * else those sent to this participant alone. Undefined when none.
 * @param {State} state
 * @param {number} id
 * @returns {Results|undefined}
 */
export function pollResults(state, id) {
  const p = poll(state.view, id);
  if (p && p.results) return p.results;
  const sent = state.results[id];
  if (sent) return sent.results;
  return state.mine?.results?.[id];
}

/**
 * Bars for a poll's results: one per option (or scale value), with its
 * count and its share of the largest possible total, in percent (0..100,
 * rounded). Open polls give their words. A ranking's bar is its Borda score
 * against the most an option could score (first on every ballot), with
 * `first`, its share of first places in percent; a points poll's bar is its
 * share of all points given, with `voters`, the ballots that gave it any.
 * @param {Poll} p
 * @param {Results} r
 * @returns {{label: string, count: number, percent: number, first?: number, voters?: number}[]}
 */
export function resultBars(p, r) {
  if (p.kind === 'ranking' || p.kind === 'points') {
    const opts = p.options || [];
    const tally = r.tally || [];
    const ballots = Math.max(p.ballots, 1);
    const base = p.kind === 'ranking'
      ? Math.max((opts.length - 1) * p.ballots, 1)
      : Math.max(tally.reduce((s, n) => s + n, 0), 1);
    return opts.map((label, i) => {
      const count = tally[i] || 0;
      const bar = { label, count, percent: Math.round((100 * count) / base) };
      return p.kind === 'ranking'
        ? { ...bar, first: Math.round((100 * ((r.first || [])[i] || 0)) / ballots) }
        : { ...bar, voters: (r.voters || [])[i] || 0 };
    });
  }
  if (p.kind === 'open') {
    const words = r.words || [];
    const top = words.reduce((m, w) => Math.max(m, w.count), 0);
    return words.map((w) => ({ label: w.word, count: w.count, percent: top ? Math.round((100 * w.count) / top) : 0 }));
  }
  const labels = p.kind === 'rating'
    ? Array.from({ length: p.scale || 0 }, (_, i) => String(i + 1))
    : (p.options || []);
  const tally = r.tally || [];
  // Shares of the ballots cast: for a multiple-choice poll they may add up
  // to more than 100, as each ballot may name several options.
  const base = p.kind === 'multiple' ? Math.max(p.ballots, 1) : Math.max(tally.reduce((s, n) => s + n, 0), 1);
  return labels.map((label, i) => {
    const count = tally[i] || 0;
    return { label, count, percent: Math.round((100 * count) / base) };
  });
}

/**
 * Reads quiz options typed one per line, the right ones marked with a
 * leading '*': the options without marks, and the indexes of the right ones.
 * @param {string} text
 * @returns {{options: string[], correct: number[]}}
 */
export function parseOptions(text) {
  const options = [];
  const correct = [];
  for (const line of text.split('\n')) {
    let s = line.trim();
    if (s.startsWith('*')) {
      s = s.slice(1).trim();
      if (s) correct.push(options.length);
    }
    if (s) options.push(s);
  }
  return { options, correct };
}

/**
 * The options of p one per line, the right ones marked '*': what
 * parseOptions reads back.
 * @param {Poll} p
 */
export function formatOptions(p) {
  return (p.options || []).map((o, i) => ((p.correct || []).includes(i) ? `* ${o}` : o)).join('\n');
}

/**
 * A quiz's right options, as text ('' when the poll has none shown).
 * @param {Poll} p
 */
export function rightAnswer(p) {
  return (p.correct || []).map((i) => (p.options || [])[i]).join(', ');
}

/**
 * The floor split: who speaks (or undefined) and who waits, in order.
 * @param {View} view
 */
export function floorLine(view) {
  const floor = view.meeting.floor || [];
  return { speaking: floor.find((f) => f.status === 'speaking'), waiting: floor.filter((f) => f.status === 'waiting') };
}

/** The default question length limit (room.DefaultMaxLength). */
export const defaultMaxLength = 280;

/**
 * The question length limit in force, in characters (code points).
 * @param {View|null} view
 */
export function maxLength(view) {
  return (view && view.meeting.settings.maxLength) || defaultMaxLength;
}

/**
 * The length of s as the server counts it: Unicode code points.
 * @param {string} s
 */
export function textLength(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The join code alphabet: no 0/O, 1/I/L look-alikes. */
export const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * Normalises what someone typed as a join code: upper case, spaces and
 * dashes dropped. Returns '' when it cannot be a code.
 * @param {string} s
 */
export function normaliseCode(s) {
  const c = String(s).toUpperCase().replace(/[\s-]+/g, '');
  if (c.length !== 6) return '';
  for (const ch of c) if (!codeAlphabet.includes(ch)) return '';
  return c;
}
