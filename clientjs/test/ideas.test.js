// Tests of the ideas board on the client: patches (clientjs/protocol.js)
// and the pure helpers of clientjs/ideas-data.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyState, applySnapshot, applyPatch, applyMine } from '../protocol.js';
import { currentBoard, boardIdeas, topIdeas, waitingIdeas, myHiddenIdeas, votedIdea, isMyIdea, likelyIdeas } from '../ideas-data.js';

const meeting = {
  title: 'T', description: '', code: 'ABC234', status: 'live', settings: {}, agenda: [], step: -1,
  highlight: 0, screenPoll: 0, announcements: [], refused: {},
};
const idea = (id, extra = {}) => ({ id, board: 1, title: `idea ${id}`, status: 'live', votes: 0, at: 1000 + id, ...extra });
const board = (id, open) => ({ id, prompt: `board ${id}`, step: -1, open, at: id });

test('a view without boards has empty lists', () => {
  const s = applySnapshot(emptyState(), 3, { seq: 3, role: 'participant', meeting, questions: [], polls: [] });
  assert.deepEqual(s.view.boards, []);
  assert.deepEqual(s.view.ideas, []);
  assert.equal(currentBoard(s.view), undefined);
});

test('patches add ideas, set vote counts and take ideas away', () => {
  let s = applySnapshot(emptyState(), 3, { seq: 3, role: 'participant', meeting, questions: [], polls: [] });
  s = applyPatch(s, { from: 3, to: 5, patch: { boards: [board(1, true)], ideas: [idea(2), idea(1)] } }).state;
  assert.deepEqual(s.view.ideas.map((x) => x.id), [1, 2]);
  s = applyPatch(s, { from: 5, to: 9, patch: { ideaVotes: { 2: 7, 8: 1 } } }).state;
  assert.equal(s.view.ideas[1].votes, 7);
  assert.equal(s.view.ideas.length, 2, 'a count for an idea not held adds nothing');
  s = applyPatch(s, { from: 9, to: 10, patch: { goneIdeas: [1] } }).state;
  assert.deepEqual(s.view.ideas.map((x) => x.id), [2]);
  s = applyPatch(s, { from: 10, to: 11, patch: { boards: [{ ...board(1, false), closedAt: 11 }] } }).state;
  assert.equal(s.view.boards[0].open, false);
});

test('the board shown is the open one, else the last', () => {
  assert.equal(currentBoard({ boards: [board(1, false), board(2, true), board(3, false)] }).id, 2);
  assert.equal(currentBoard({ boards: [board(1, false), board(2, false)] }).id, 2);
});

test('ideas sort by votes or by time, live ones of the board only', () => {
  const v = {
    ideas: [idea(1, { votes: 2 }), idea(2, { votes: 5 }), idea(3, { votes: 2, at: 900 }), idea(4, { status: 'pending' }), idea(5, { board: 2, votes: 9 })],
  };
  assert.deepEqual(boardIdeas(v, 1, 'votes').map((x) => x.id), [2, 3, 1]);
  assert.deepEqual(boardIdeas(v, 1, 'time').map((x) => x.id), [2, 1, 3]);
  assert.deepEqual(topIdeas(v, 1, 2).map((x) => x.id), [2, 3]);
  assert.deepEqual(waitingIdeas(v, 1).map((x) => x.id), [4]);
});

test('the participant holds their own waiting and refused ideas and votes', () => {
  let s = emptyState();
  s = applyMine(s, 4, { participant: 'p', questions: [], upvoted: [], ballots: {}, ideas: [idea(1, { status: 'pending' }), idea(2, { status: 'rejected', reason: 'off-topic' }), idea(3)], ideaVotes: [3] });
  assert.deepEqual(myHiddenIdeas(s, 1).map((x) => x.id), [2, 1]);
  assert.ok(votedIdea(s, 3));
  assert.ok(!votedIdea(s, 1));
  assert.ok(isMyIdea(s, 3));
  s = applyMine(s, 5, { participant: 'p', questions: [], upvoted: [], ballots: {} });
  assert.deepEqual(s.mine.ideas, []);
  assert.deepEqual(s.mine.ideaVotes, []);
});

test('likely duplicates: the server\'s, in its order, as the view has them now', () => {
  const v = {
    ideas: [idea(1, { title: 'Publier les contrats' }), idea(2, { title: 'Budget ouvert' }), idea(3, { title: 'Contrats publiés en ligne', status: 'pending' }),
      idea(4, { status: 'rejected' }), idea(5, { board: 2 }), idea(6, { title: 'Les contrats publics' })],
  };
  assert.deepEqual(likelyIdeas(v, v.ideas[2], [6, 1]).map((x) => x.id), [6, 1]);
  // Refused since, another board's, itself, or gone: left out.
  assert.deepEqual(likelyIdeas(v, v.ideas[2], [4, 5, 3, 9, 1]).map((x) => x.id), [1]);
  assert.deepEqual(likelyIdeas(v, v.ideas[2], []), []);
});
