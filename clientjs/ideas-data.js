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
 * The ideas the server found x likely repeats (ids, most likely first:
 * GET /api/rooms/CODE/duplicates, by word stems in French and English),
 * as they are in the view now: live, on x's board, not x. The answer may
 * be a moment older than the view: an idea refused or merged since is
 * left out.
 * @param {View} view
 * @param {Idea} x
 * @param {number[]} ids
 */
export function likelyIdeas(view, x, ids) {
  const live = new Map((view.ideas || []).filter((y) => y.id !== x.id && y.board === x.board && y.status === 'live').map((y) => [y.id, y]));
  return ids.map((id) => live.get(id)).filter((y) => y !== undefined);
}
