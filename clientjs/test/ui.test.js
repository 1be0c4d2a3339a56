// Tests of the pure parts of clientjs/ui.js: the dashboard's search and
// the participants' line on refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldText, matchesSearch, refusedLine, whoAsked } from '../ui.js';

const q = { id: 12, text: 'Will the café stay open in the evening?', name: 'Zoé', channel: 'room', answer: '' };

test('a search ignores case and accents, needs every word, and finds a number exactly', () => {
  assert.equal(foldText('Café ÉTÉ'), 'cafe ete');
  for (const [search, want] of [
    ['', true], ['  ', true], ['CAFE', true], ['café evening', true], ['cafe morning', false],
    ['zoe', true], ['#12', true], ['#1', false], ['#120', false], ['12', false],
  ]) assert.equal(matchesSearch(q, search), want, JSON.stringify(search));
  assert.equal(matchesSearch({ ...q, answer: 'Until 10 pm.' }, '10 pm'), true, 'the answer is searched too');
});

test('the channel filter', () => {
  assert.equal(matchesSearch(q, '', 'room'), true);
  assert.equal(matchesSearch(q, '', 'remote'), false);
  assert.equal(matchesSearch(q, 'cafe', 'remote'), false);
});

test('refusals: the count, then each reason, the most frequent first', () => {
  assert.equal(refusedLine({}, 'en'), '');
  assert.equal(refusedLine({ duplicate: 0 }, 'en'), '');
  assert.equal(refusedLine({ 'off-topic': 1 }, 'en'), '1 question was not published by the moderators. Reasons: off topic (1).');
  assert.equal(refusedLine({ duplicate: 1, abusive: 1, 'off-topic': 3 }, 'en'),
    '5 questions were not published by the moderators. Reasons: off topic (3), abusive (1), duplicate (1).');
  assert.equal(refusedLine({ duplicate: 2 }, 'fr'), '2 questions n’ont pas été publiées par les modérateurs. Motifs : doublon (2).');
});

test('who asked: the name and channel, or, carried from an earlier step meeting, where it comes from', () => {
  assert.deepEqual(whoAsked({ name: 'Zoé', channel: 'room' }), ['Zoé', 'In the room']);
  assert.deepEqual(whoAsked({ channel: 'remote' }, false), ['Anonymous']);
  const from = { consultation: 'OGP26', code: 'STEP1', question: 3, votes: 14, step: 'Step 1: priorities' };
  assert.deepEqual(whoAsked({ channel: '', from }), ['From “Step 1: priorities”, 14 votes there']);
  assert.deepEqual(whoAsked({ channel: '', from }, false), ['From “Step 1: priorities”, 14 votes there']);
});
