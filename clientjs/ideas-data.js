// The ideas board's data, apart from any page (room/idea.go): which board
// a page shows, its ideas in the order asked for, and what the participant
// holds. Pure functions of the state, tested with node --test.

/**
 * @typedef {import('./protocol.js').View} View
 * @typedef {import('./protocol.js').State} State
 * @typedef {import('./protocol.js').Board} Board
 * @typedef {import('./protocol.js').Idea} Idea
 */

/**
 * The board pages show: the open one, else the last one closed; undefined
 * when the meeting has none.
 * @param {View|null} view
 * @returns {Board|undefined}
 */
export function currentBoard(view) {
  const boards = (view && view.boards) || [];
  return boards.find((b) => b.open) || boards[boards.length - 1];
}

/** Most votes first, then the older first. */
export function byVotes(a, b) {
  return (b.votes - a.votes) || (a.at - b.at) || (a.id - b.id);
}

/** Newest first. */
export function byTime(a, b) {
  return (b.at - a.at) || (b.id - a.id);
}

/**
 * The live ideas of board, in order ('votes' or 'time').
 * @param {View|null} view
 * @param {number} board
 * @param {'votes'|'time'} order
 * @returns {Idea[]}
 */
export function boardIdeas(view, board, order = 'votes') {
  if (!view || !board) return [];
  return (view.ideas || [])
    .filter((x) => x.board === board && x.status === 'live')
    .sort(order === 'time' ? byTime : byVotes);
}

/**
 * The top n live ideas of board by votes.
 * @param {View|null} view
 * @param {number} board
 * @param {number} n
 */
export function topIdeas(view, board, n) {
  return boardIdeas(view, board, 'votes').slice(0, n);
}

/**
 * The ideas of board a moderator has to decide on: pending, oldest first.
 * @param {View|null} view
 * @param {number} board
 */
export function waitingIdeas(view, board) {
  if (!view) return [];
  return (view.ideas || []).filter((x) => x.board === board && x.status === 'pending').sort((a, b) => a.at - b.at || a.id - b.id);
}

/**
 * The participant's own ideas on board that the public list does not show
 * (waiting or refused), newest first.
 * @param {State} state
 * @param {number} board
 */
export function myHiddenIdeas(state, board) {
  if (!state.mine) return [];
  return (state.mine.ideas || []).filter((x) => x.board === board && (x.status === 'pending' || x.status === 'rejected')).sort(byTime);
}

/** Whether the participant wrote idea id. */
export function isMyIdea(state, id) {
  return !!state.mine && (state.mine.ideas || []).some((x) => x.id === id);
}

/** Whether the participant voted for idea id. */
export function votedIdea(state, id) {
  return !!state.mine && (state.mine.ideaVotes || []).includes(id);
}

/** The idea with the given id, or undefined. */
export function idea(view, id) {
  return view && id ? (view.ideas || []).find((x) => x.id === id) : undefined;
}

/**
 * Live ideas of the same board whose titles share a word of four letters
 * or more with x's, most shared words first, at most n: the moderator's
 * likely duplicates (the server's similarity works on questions only).
 * @param {View} view
 * @param {Idea} x
 * @param {number} n
 */
export function similarIdeas(view, x, n = 3) {
  const words = (s) => new Set((s || '').toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4));
  const mine = words(`${x.title} ${x.text || ''}`);
  if (!mine.size) return [];
  return (view.ideas || [])
    .filter((y) => y.id !== x.id && y.board === x.board && y.status === 'live')
    .map((y) => [y, [...words(`${y.title} ${y.text || ''}`)].filter((w) => mine.has(w)).length])
    .filter(([, k]) => k > 0)
    .sort((a, b) => b[1] - a[1] || a[0].id - b[0].id)
    .slice(0, n)
    .map(([y]) => y);
}
