// Tests of clientjs/protocol.js: the pure state a client keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emptyState, applySnapshot, applyPatch, applyMine, applyResults, applyMessage,
  sortQuestions, liveQuestions, answeredQuestions, pendingQuestions, topQuestions,
  myWaitingQuestions, hasUpvoted, myBallot, pollResults, resultBars, maxLength,
  textLength, normaliseCode,
} from '../protocol.js';

const settings = { qaOpen: true, preModeration: false, anonymous: false, maxLength: 0, reactions: true, hideCount: false, streamURL: '' };

function meeting(extra = {}) {
  return {
    title: 'Town hall', description: '', code: 'ABC234', status: 'live', settings,
    agenda: ['Welcome', 'Budget'], step: 0, highlight: 0, screenPoll: 0,
    announcements: [], refused: {}, ...extra,
  };
}

function q(id, extra = {}) {
  return { id, text: `question ${id}`, channel: 'room', status: 'live', votes: 0, step: 0, at: 1000 + id, ...extra };
}

function view(seq, extra = {}) {
  return { seq, role: 'moderator', meeting: meeting(), questions: [], polls: [], reactions: {}, counts: { room: 1, remote: 0, peak: 1, joined: 1 }, ledger: [], ...extra };
}

// A tiny model of the server: a sequence of views, one per seq, and the
// patches between them, so tests can check that snapshot + patches equals
// the snapshot at the end.
function serverHistory() {
  const views = [];
  let v = view(1);
  views.push(v);
  const patches = [];
  const step = (patch, next) => {
    const seq = v.seq + 1;
    v = { ...next(v), seq };
    views.push(v);
    patches.push({ t: 'patch', from: seq - 1, to: seq, patch });
  };
  step({ questions: [q(1)] }, (o) => ({ ...o, questions: [q(1)] }));
  step({ questions: [q(2, { votes: 1 })] }, (o) => ({ ...o, questions: [q(1), q(2, { votes: 1 })] }));
  step({ questions: [q(1, { votes: 3 })], ledger: [{ seq: 4, at: 5, op: 'question.approve', question: 1 }] },
    (o) => ({ ...o, questions: [q(1, { votes: 3 }), q(2, { votes: 1 })], ledger: [{ seq: 4, at: 5, op: 'question.approve', question: 1 }] }));
  step({ votes: { 2: 4 } }, (o) => ({ ...o, questions: [q(1, { votes: 3 }), q(2, { votes: 4 })] }));
  step({ gone: [2], meeting: meeting({ step: 1, highlight: 1 }) },
    (o) => ({ ...o, questions: [q(1, { votes: 3 })], meeting: meeting({ step: 1, highlight: 1 }) }));
  const poll = { id: 1, kind: 'single', title: 'Lunch?', options: ['yes', 'no'], visibility: 'live', status: 'open', step: 1, ballots: 0 };
  step({ polls: [poll] }, (o) => ({ ...o, polls: [poll] }));
  const voted = { ...poll, ballots: 2, results: { tally: [2, 0] } };
  step({ polls: [voted], counts: { room: 3, remote: 1, peak: 4, joined: 4 }, reactions: { applause: 2 } },
    (o) => ({ ...o, polls: [voted], counts: { room: 3, remote: 1, peak: 4, joined: 4 }, reactions: { applause: 2 } }));
  const more = { ...voted, ballots: 3, results: { tally: [2, 1] } };
  step({ tallies: { 1: { ballots: 3, results: { tally: [2, 1] } } } }, (o) => ({ ...o, polls: [more] }));
  step({ gonePolls: [1], ledger: [{ seq: 8, at: 9, op: 'poll.delete', poll: 1 }] },
    (o) => ({ ...o, polls: [], ledger: [...o.ledger, { seq: 8, at: 9, op: 'poll.delete', poll: 1 }] }));
  return { views, patches };
}

test('snapshot then every patch gives the snapshot at the end', () => {
  const { views, patches } = serverHistory();
  for (let start = 0; start < views.length; start++) {
    let s = applySnapshot(emptyState(), views[start].seq, views[start]);
    for (const p of patches.filter((p) => p.from >= views[start].seq)) {
      const r = applyPatch(s, p);
      assert.equal(r.outcome, 'applied');
      s = r.state;
    }
    const last = views[views.length - 1];
    assert.equal(s.seq, last.seq);
    assert.deepEqual(s.view, applySnapshot(emptyState(), last.seq, last).view, `from snapshot at ${views[start].seq}`);
  }
});

test('a patch covering several events applies when from <= seq <= to', () => {
  let s = applySnapshot(emptyState(), 5, view(5, { questions: [q(1)] }));
  // from 3 to 7: overlaps what we have (5) and goes beyond.
  const r = applyPatch(s, { from: 3, to: 7, patch: { questions: [q(1, { votes: 4 }), q(3)] } });
  assert.equal(r.outcome, 'applied');
  assert.equal(r.state.seq, 7);
  assert.deepEqual(r.state.view.questions.map((x) => [x.id, x.votes]), [[1, 4], [3, 0]]);
  assert.equal(r.state.view.seq, 7);
  // The old state is untouched.
  assert.equal(s.seq, 5);
  assert.deepEqual(s.view.questions.map((x) => x.votes), [0]);
});

test('a patch that starts after seq is a gap and changes nothing', () => {
  const s = applySnapshot(emptyState(), 5, view(5));
  const r = applyPatch(s, { from: 6, to: 8, patch: { questions: [q(9)] } });
  assert.equal(r.outcome, 'gap');
  assert.equal(r.state, s);
  // Without any view, every patch is a gap: a snapshot is needed first.
  assert.equal(applyPatch(emptyState(), { from: 0, to: 1, patch: {} }).outcome, 'gap');
});

test('a patch already applied is stale; applying one twice is harmless', () => {
  const { views, patches } = serverHistory();
  let s = applySnapshot(emptyState(), 1, views[0]);
  for (const p of patches) {
    s = applyPatch(s, p).state;
    // The same patch again: to == seq, so it applies, and changes nothing.
    const again = applyPatch(s, p);
    assert.equal(again.outcome, 'applied');
    assert.deepEqual(again.state, s);
  }
  const old = applyPatch(s, patches[0]);
  assert.equal(old.outcome, 'stale');
  assert.equal(old.state, s);
});

test('ledger entries are appended once per seq, in seq order', () => {
  let s = applySnapshot(emptyState(), 4, view(4, { ledger: [{ seq: 2, at: 1, op: 'room.start' }, { seq: 2, at: 1, op: 'room.start' }] }));
  assert.equal(s.view.ledger.length, 1);
  s = applyPatch(s, { from: 4, to: 6, patch: { ledger: [{ seq: 6, at: 3, op: 'question.reject', question: 1, reason: 'off-topic' }, { seq: 5, at: 2, op: 'announce' }] } }).state;
  s = applyPatch(s, { from: 5, to: 6, patch: { ledger: [{ seq: 6, at: 3, op: 'question.reject', question: 1, reason: 'off-topic' }] } }).state;
  assert.deepEqual(s.view.ledger.map((e) => e.seq), [2, 5, 6]);
});

test('snapshots fill lists Go encodes as null', () => {
  const s = applySnapshot(emptyState(), 3, { seq: 3, role: 'participant', meeting: { ...meeting(), agenda: null, announcements: null, refused: null }, questions: null, polls: null, reactions: null });
  assert.deepEqual(s.view.questions, []);
  assert.deepEqual(s.view.polls, []);
  assert.deepEqual(s.view.meeting.agenda, []);
  assert.deepEqual(s.view.reactions, {});
  assert.equal(s.view.ledger, undefined);
});

test('mine and results: newest wins, results from the view first', () => {
  let s = applySnapshot(emptyState(), 5, view(5, {
    role: 'participant',
    polls: [
      { id: 1, kind: 'single', title: 'A', options: ['x', 'y'], visibility: 'voted', status: 'open', step: 0, ballots: 3 },
      { id: 2, kind: 'single', title: 'B', options: ['x', 'y'], visibility: 'live', status: 'open', step: 0, ballots: 1, results: { tally: [0, 1] } },
    ],
  }));
  const mine = { participant: 'p-1', questions: [q(7, { status: 'pending' }), q(8, { status: 'rejected', reason: 'duplicate' }), q(9)], upvoted: [3], ballots: { 1: { choices: [0] } }, results: { 1: { tally: [2, 1] } } };
  s = applyMine(s, 5, mine);
  assert.ok(hasUpvoted(s, 3));
  assert.ok(!hasUpvoted(s, 4));
  assert.deepEqual(myBallot(s, 1), { choices: [0] });
  assert.deepEqual(myWaitingQuestions(s).map((x) => x.id), [8, 7]);
  assert.deepEqual(pollResults(s, 1), { tally: [2, 1] });
  assert.deepEqual(pollResults(s, 2), { tally: [0, 1] });
  assert.equal(pollResults(s, 3), undefined);

  // An older mine is ignored; a newer one replaces.
  const older = applyMine(s, 4, { ...mine, upvoted: [] });
  assert.equal(older, s);
  s = applyMine(s, 6, { participant: 'p-1', questions: null, upvoted: null, ballots: null });
  assert.deepEqual(s.mine.upvoted, []);
  assert.deepEqual(myWaitingQuestions(s), []);

  // Results sent to this voter alone.
  s = applyResults(s, 7, 1, { tally: [3, 1] });
  assert.deepEqual(pollResults(s, 1), { tally: [3, 1] });
  assert.equal(applyResults(s, 6, 1, { tally: [0, 0] }), s);
  // applyMessage routes every kind.
  const r = applyMessage(s, { t: 'results', seq: 8, poll: 1, results: { tally: [4, 1] } });
  assert.equal(r.outcome, 'results');
  assert.deepEqual(pollResults(r.state, 1), { tally: [4, 1] });
  assert.equal(applyMessage(s, { t: 'hb', seq: 9 }).outcome, 'ignored');
});

test('popular: pinned first, then votes, then older; recent: newest first', () => {
  const list = [q(1, { votes: 2, at: 10 }), q(2, { votes: 5, at: 20 }), q(3, { votes: 2, at: 5 }), q(4, { votes: 0, pinned: true, at: 30 }), q(5, { votes: 5, at: 40 })];
  assert.deepEqual(sortQuestions(list, 'popular').map((x) => x.id), [4, 2, 5, 3, 1]);
  assert.deepEqual(sortQuestions(list, 'recent').map((x) => x.id), [5, 4, 2, 1, 3]);
  assert.deepEqual(list.map((x) => x.id), [1, 2, 3, 4, 5], 'sorting copies');
});

test('selections by status', () => {
  const v = view(9, {
    questions: [
      q(1, { status: 'pending', at: 50 }), q(2), q(3, { status: 'answered', answeredAt: 5 }), q(4, { status: 'answered', answeredAt: 9 }),
      q(5, { archived: true }), q(6, { status: 'pending', at: 40 }), q(7, { status: 'rejected' }), q(8, { votes: 3 }),
    ],
  });
  assert.deepEqual(liveQuestions(v).map((x) => x.id), [2, 8]);
  assert.deepEqual(answeredQuestions(v).map((x) => x.id), [4, 3]);
  assert.deepEqual(pendingQuestions(v).map((x) => x.id), [6, 1]);
  assert.deepEqual(topQuestions(v, 1).map((x) => x.id), [8]);
  assert.deepEqual(liveQuestions(null), []);
});

test('result bars', () => {
  const single = { id: 1, kind: 'single', title: 't', options: ['a', 'b', 'c'], visibility: 'live', status: 'open', step: 0, ballots: 4 };
  assert.deepEqual(resultBars(single, { tally: [3, 1] }), [
    { label: 'a', count: 3, percent: 75 }, { label: 'b', count: 1, percent: 25 }, { label: 'c', count: 0, percent: 0 }]);
  const multi = { ...single, kind: 'multiple', ballots: 2 };
  assert.deepEqual(resultBars(multi, { tally: [2, 1, 0] }).map((b) => b.percent), [100, 50, 0]);
  const rating = { ...single, kind: 'rating', options: undefined, scale: 3 };
  assert.deepEqual(resultBars(rating, { tally: [0, 0, 0], average: 0 }).map((b) => [b.label, b.percent]), [['1', 0], ['2', 0], ['3', 0]]);
  const open = { ...single, kind: 'open', options: undefined };
  assert.deepEqual(resultBars(open, { words: [{ word: 'bus', count: 4 }, { word: 'bike', count: 2 }] }).map((b) => b.percent), [100, 50]);
  // Ranking: Borda against (options - 1) x ballots, and the share of first places.
  const ranking = { ...single, kind: 'ranking', ballots: 2 };
  assert.deepEqual(resultBars(ranking, { tally: [3, 2, 1], first: [1, 1, 0] }), [
    { label: 'a', count: 3, percent: 75, first: 50 }, { label: 'b', count: 2, percent: 50, first: 50 }, { label: 'c', count: 1, percent: 25, first: 0 }]);
  // Points: the share of all points given, and the voters per option.
  const points = { ...single, kind: 'points', budget: 10, ballots: 3 };
  assert.deepEqual(resultBars(points, { tally: [12, 8, 0], voters: [3, 2, 0] }), [
    { label: 'a', count: 12, percent: 60, voters: 3 }, { label: 'b', count: 8, percent: 40, voters: 2 }, { label: 'c', count: 0, percent: 0, voters: 0 }]);
  assert.deepEqual(resultBars({ ...ranking, ballots: 0 }, { tally: [0, 0, 0], first: [0, 0, 0] }).map((b) => b.percent), [0, 0, 0]);
});

test('text length counts code points; codes are normalised', () => {
  assert.equal(textLength('héllo 👋'), 7);
  assert.equal(maxLength(null), 280);
  assert.equal(maxLength(view(1, { meeting: meeting({ settings: { ...settings, maxLength: 100 } }) })), 100);
  assert.equal(normaliseCode(' abc-234 '), 'ABC234');
  assert.equal(normaliseCode('ABC10O'), '', 'no look-alikes');
  assert.equal(normaliseCode('ABC23'), '');
});

test('quiz options: right ones marked with a star, read and written back', async () => {
  const { parseOptions, formatOptions } = await import('../protocol.js');
  assert.deepEqual(parseOptions(' 2010\n*  2016 \n\n* \nmaybe'), { options: ['2010', '2016', 'maybe'], correct: [1] });
  assert.deepEqual(parseOptions('a\nb'), { options: ['a', 'b'], correct: [] });
  const p = { options: ['a', 'b', 'c'], correct: [0, 2] };
  assert.equal(formatOptions(p), '* a\nb\n* c');
  assert.deepEqual(parseOptions(formatOptions(p)), { options: p.options, correct: p.correct });
});

test('announcements come once each in patches; a meeting patch keeps those held', () => {
  let s = applySnapshot(emptyState(), 1, view(1, { meeting: meeting({ announcements: [{ id: 1, text: 'one', at: 1 }] }) }));
  // 30 made between two patches: all of them in the patch, the view keeps the last 20.
  const burst = Array.from({ length: 30 }, (_, i) => ({ id: i + 2, text: `n${i + 2}`, at: i + 2 }));
  ({ state: s } = applyPatch(s, { from: 1, to: 31, patch: { announcements: burst } }));
  assert.deepEqual(s.view.meeting.announcements.map((a) => a.id), Array.from({ length: 20 }, (_, i) => i + 12));
  // A meeting patch carries no announcements: those held stay.
  const { announcements: _none, ...m } = meeting({ title: 'Renamed' });
  ({ state: s } = applyPatch(s, { from: 31, to: 32, patch: { meeting: m } }));
  assert.equal(s.view.meeting.title, 'Renamed');
  assert.equal(s.view.meeting.announcements.length, 20);
  assert.equal(s.view.meeting.announcements.at(-1).id, 31);
  // Applying the same patch twice is harmless.
  ({ state: s } = applyPatch(s, { from: 31, to: 32, patch: { announcements: [burst.at(-1)] } }));
  assert.equal(s.view.meeting.announcements.length, 20);
});

test('the team is replaced whole and notes are appended once each, by seq', () => {
  let s = applySnapshot(emptyState(), 3, view(3));
  const chair = { id: 1, name: 'Chair', scope: 'all', at: 5 };
  const note = { seq: 5, at: 6, by: 1, text: 'time is up' };
  s = applyPatch(s, { from: 3, to: 5, patch: { team: [chair], notes: [note] } }).state;
  assert.deepEqual(s.view.team, [chair]);
  assert.deepEqual(s.view.notes, [note]);
  // The same patch again, then a later one: nothing doubled, the team whole.
  s = applyPatch(s, { from: 3, to: 5, patch: { team: [chair], notes: [note] } }).state;
  const revoked = { ...chair, revokedAt: 9 };
  const later = { seq: 7, at: 8, text: 'duplicate of 2', question: 3 };
  s = applyPatch(s, { from: 5, to: 7, patch: { team: [revoked], notes: [later, note] } }).state;
  assert.deepEqual(s.view.team, [revoked]);
  assert.deepEqual(s.view.notes, [note, later]);
  // A patch without them keeps them.
  s = applyPatch(s, { from: 7, to: 8, patch: {} }).state;
  assert.equal(s.view.notes.length, 2);
  assert.equal(s.view.team.length, 1);
});
