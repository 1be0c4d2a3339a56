// Tests of clientjs/consultation-data.js: what the consultation pages say,
// in both languages, from the JSON the server sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  consultationID, traceHref, heldTokens, stepList, datesLine, sourceLine, outcomesOf, traceLines,
  whereLine, provenance, parseSources, ideaTraceLines, parseMilestones, formatMilestones,
} from '../consultation-data.js';
import { tokenKey } from '../tribune.js';

/** The trace of the story: asked at step 1, carried to step 2, proposal, commitment. */
const trace = {
  asked: { code: 'STEP1', question: 3 },
  thread: 'Q-1',
  hops: [
    { code: 'STEP1', question: 3, step: 1, stepTitle: 'Priorities' },
    { code: 'STEP2', question: 1, step: 2, stepTitle: 'Proposals', votes: 2, carriedAt: Date.UTC(2026, 1, 17) },
  ],
  proposals: [{ id: 'P-1', title: 'Publish the budget monthly', status: 'published', cites: { code: 'STEP2', question: 1 } }],
  commitments: [{ id: 'C-1', title: 'Open budget', status: 'substantial', via: ['P-1'] }],
};

const outcomes = new Map([
  ['STEP1#3', { status: 'live', votes: 2, text: 'Will the budget be published?' }],
  ['STEP2#1', { status: 'answered', votes: 1, answer: 'Yes, monthly.', late: false }],
]);

test('the id in the path, and the trace link', () => {
  assert.equal(consultationID('/c/ogp26'), 'OGP26');
  assert.equal(consultationID('/c/OGP26/trace'), 'OGP26');
  assert.equal(consultationID('/c/OGP26/organise'), 'OGP26');
  assert.equal(consultationID('/j/ABC'), '');
  assert.equal(traceHref('OGP26', 'STEP1', 3), '/c/OGP26/trace?code=STEP1&question=3');
});

test('the tokens held: one per step meeting this browser joined, none for the others', () => {
  const kept = new Map([[tokenKey('STEP1'), 'tok-1'], [tokenKey('OTHER'), 'tok-x']]);
  const storage = { getItem: (k) => kept.get(k) ?? null };
  assert.deepEqual(heldTokens(['STEP1', 'STEP2'], storage), { STEP1: 'tok-1' });
  assert.deepEqual(heldTokens(['STEP1'], null), {});
  assert.deepEqual(heldTokens(['STEP1'], { getItem() { throw new Error('refused'); } }), {});
});

test('the steps: the view\'s, with the links the response gives or the usual ones', () => {
  const res = {
    view: { steps: [{ index: 1, code: 'STEP1', title: 'Priorities', status: 'ended' }, { index: 2, code: 'STEP2', title: 'Proposals', date: '2026-02-17', status: 'upcoming' }] },
    steps: [{ code: 'STEP2', status: 'live', links: { participant: 'http://h/j/STEP2', report: 'http://h/r/STEP2' } }],
  };
  assert.deepEqual(stepList(res), [
    { index: 1, code: 'STEP1', title: 'Priorities', date: '', status: 'ended', join: '/j/STEP1', report: '/r/STEP1' },
    { index: 2, code: 'STEP2', title: 'Proposals', date: '2026-02-17', status: 'live', join: 'http://h/j/STEP2', report: 'http://h/r/STEP2' },
  ]);
});

test('the dates, in each language', () => {
  assert.equal(datesLine({ opens: '2026-01-20', closes: '2026-03-31' }, 'en'), 'From January 20, 2026 to March 31, 2026');
  assert.equal(datesLine({ opens: '2026-01-20', closes: '2026-03-31' }, 'fr'), 'Du 20 janvier 2026 au 31 mars 2026');
  assert.equal(datesLine({ closes: '2026-03-31' }, 'en'), 'Until March 31, 2026');
  assert.equal(datesLine({}, 'fr'), '');
});

test('a proposal\'s sources link to a question\'s trace or a meeting\'s report', () => {
  const steps = new Map([['STEP1', { index: 1, title: 'Priorities' }]]);
  assert.deepEqual(sourceLine('OGP26', { kind: 'question', code: 'STEP1', question: 3 }, steps, 'en'),
    { text: 'Question 3, step 1, “Priorities”', href: '/c/OGP26/trace?code=STEP1&question=3' });
  assert.deepEqual(sourceLine('OGP26', { kind: 'poll', code: 'STEP1', poll: 2 }, steps, 'fr'),
    { text: 'Sondage 2, l’étape 1, «\u00a0Priorities\u00a0»', href: '/r/STEP1' });
  assert.equal(sourceLine('OGP26', { kind: 'outcome', code: 'GONE', step: 0 }, steps, 'en').text, 'Outcome of agenda item 1, GONE');
  assert.deepEqual(sourceLine('OGP26', { kind: 'idea', code: 'STEP1', idea: 4 }, steps, 'en'),
    { text: 'Idea 4, step 1, “Priorities”', href: '/c/OGP26/trace?code=STEP1&idea=4' });
  assert.equal(sourceLine('OGP26', { kind: 'idea', code: 'STEP1', idea: 4 }, steps, 'fr').text, 'Idée 4, l’étape 1, «\u00a0Priorities\u00a0»');
});

test('an idea\'s trace: where it was proposed, what it was merged into, the proposals and commitments', () => {
  const base = { code: 'STEP1', idea: 4, step: 1, stepTitle: 'Priorities', votes: 3, status: 'live', proposals: [], commitments: [] };
  assert.deepEqual(ideaTraceLines('OGP26', base, 'en').map((x) => x.kind), ['asked', 'none']);
  assert.equal(ideaTraceLines('OGP26', base, 'en')[0].text, 'Proposed on the ideas board at step 1, “Priorities”: 3 votes');
  const lines = ideaTraceLines('OGP26', {
    ...base, status: 'merged', mergedInto: 2,
    proposals: [{ id: 'P-1', title: 'Open budget', status: 'published' }],
    commitments: [{ id: 'C-1', title: 'Budget', status: 'limited', via: ['P-1'] }],
  }, 'fr');
  assert.deepEqual(lines.map((x) => x.kind), ['asked', 'outcome', 'proposal', 'commitment']);
  assert.equal(lines[1].href, '/c/OGP26/trace?code=STEP1&idea=2');
  assert.equal(lines[2].href, '/c/OGP26#P-1');
  assert.match(lines[2].text, /^Reprise par la proposition P-1/);
});

test('what became of a question in each meeting, from the questions the trace joins', () => {
  const got = outcomesOf([{ ...trace, questions: [
    { code: 'STEP1', id: 3, text: 'Q', status: 'live', votes: 2, channel: 'room', step: 0, at: 1 },
    { code: 'STEP2', id: 1, text: 'Q', status: 'merged', votes: 0, mergedInto: 4, channel: '', step: 0, at: 2 },
  ] }]);
  assert.deepEqual(got.get('STEP1#3'), { status: 'live', votes: 2, answer: '', late: false, recording: '', mergedInto: 0, reason: '', archived: false, text: 'Q' });
  assert.equal(got.get('STEP2#1').mergedInto, 4);
  assert.equal(outcomesOf([trace]).size, 0, 'a trace with no questions: nothing known');
});

test('the whole path, in English and in French', () => {
  const en = traceLines('OGP26', trace, outcomes, 'en');
  assert.deepEqual(en.map((l) => [l.kind, l.text]), [
    ['asked', 'Asked at step 1, “Priorities”: 2 votes'],
    ['carried', 'Carried to step 2, “Proposals”, with the 2 votes it had'],
    ['votes', 'At step 2, “Proposals”: 1 vote'],
    ['outcome', 'Answered at step 2, “Proposals”'],
    ['proposal', 'Taken up by proposal P-1 (Published)'],
    ['commitment', 'Included in commitment C-1, now: Substantial'],
  ]);
  assert.equal(en[3].detail, 'Yes, monthly.');
  assert.equal(en[4].href, '/c/OGP26#P-1');
  assert.equal(en[5].detail, 'Open budget');
  const fr = traceLines('OGP26', trace, outcomes, 'fr');
  assert.deepEqual(fr.map((l) => l.text), [
    'Posée à l’étape 1, «\u00a0Priorities\u00a0» : 2 votes',
    'Reportée à l’étape 2, «\u00a0Proposals\u00a0», avec les 2 votes qu’elle avait',
    'À l’étape 2, «\u00a0Proposals\u00a0» : 1 vote',
    'Réponse donnée à l’étape 2, «\u00a0Proposals\u00a0»',
    'Reprise par la proposition P-1 (Publiée)',
    'Incluse dans l’engagement C-1, aujourd’hui : Substantiel',
  ]);
});

test('a trace without reports still reads; refusals and merges say so', () => {
  const bare = traceLines('X1', { ...trace, proposals: [], commitments: [] }, new Map(), 'en');
  assert.deepEqual(bare.map((l) => l.text), ['Asked at step 1, “Priorities”', 'Carried to step 2, “Proposals”, with the 2 votes it had']);
  const one = { ...trace, hops: [trace.hops[0]], proposals: [], commitments: [] };
  assert.equal(traceLines('X1', one, new Map([['STEP1#3', { status: 'rejected', votes: 0, reason: 'off-topic' }]]), 'en')[1].text,
    'Not published at step 1, “Priorities”: off topic');
  assert.equal(traceLines('X1', one, new Map([['STEP1#3', { status: 'merged', votes: 0, mergedInto: 7 }]]), 'fr')[1].text,
    'Fusionnée à l’étape 1, «\u00a0Priorities\u00a0» dans la question 7');
  const via = { ...trace, proposals: [{ id: 'P-2', title: 'B', status: 'published', via: 'P-1' }], commitments: [] };
  assert.equal(traceLines('X1', via, outcomes, 'en')[4].text, 'Taken up by proposal P-2, through P-1 (Published)');
});

test('an answer given in the meeting links to its moment in the recording; a written one says so', () => {
  const one = { ...trace, hops: [trace.hops[0]], proposals: [], commitments: [] };
  const said = outcomesOf([{ ...one, questions: [{ code: 'STEP1', id: 3, text: 'Q', status: 'answered', votes: 1, recording: 'https://www.youtube.com/watch?v=abc&t=143', channel: 'room', step: 0, at: 1 }] }]);
  for (const [l, text] of [['en', 'Watch the answer in the recording'], ['fr', 'Voir la réponse dans l’enregistrement']]) {
    const lines = traceLines('X1', one, said, l);
    const watch = lines.find((x) => x.kind === 'recording');
    assert.ok(watch, `${l}: no recording line in ${JSON.stringify(lines)}`);
    assert.equal(watch.text, text);
    assert.equal(watch.href, 'https://www.youtube.com/watch?v=abc&t=143');
  }
  const written = outcomesOf([{ ...one, questions: [{ code: 'STEP1', id: 3, text: 'Q', status: 'answered', votes: 1, late: true, channel: 'room', step: 0, at: 1 }] }]);
  const lines = traceLines('X1', one, written, 'en');
  assert.equal(lines.some((x) => x.kind === 'recording'), false, 'a written answer has no moment in the recording');
  assert.equal(lines[1].text, 'Answered in writing after step 1, “Priorities”');
});

test('where a question went, in one line: the furthest it got', () => {
  assert.equal(whereLine(trace, outcomes, 'en'), 'In commitment C-1: Substantial');
  assert.equal(whereLine(trace, outcomes, 'fr'), 'Dans l’engagement C-1 : Substantiel');
  assert.equal(whereLine({ ...trace, commitments: [] }, outcomes, 'en'), 'Taken up by proposal P-1');
  assert.equal(whereLine({ ...trace, commitments: [], proposals: [] }, outcomes, 'en'), 'Answered at step 2, “Proposals”');
  assert.equal(whereLine({ ...trace, commitments: [], proposals: [] }, new Map(), 'en'), 'Carried to step 2, “Proposals”');
  assert.equal(whereLine({ ...trace, hops: [trace.hops[0]], commitments: [], proposals: [] }, outcomes, 'fr'), 'Ouverte à l’étape 1, «\u00a0Priorities\u00a0»');
});

test('the provenance of a carried question, as the meeting pages show it', () => {
  const from = { consultation: 'OGP26', code: 'STEP1', question: 3, votes: 14, step: 'Step 1: priorities' };
  assert.equal(provenance({ from }, 'en'), 'From “Step 1: priorities”, 14 votes there');
  assert.equal(provenance({ from: { ...from, votes: 1 } }, 'fr'), 'Venue de «\u00a0Step 1: priorities\u00a0», 1 vote là-bas');
  assert.equal(provenance({ from: { ...from, step: '' } }, 'en'), 'From “STEP1”, 14 votes there');
  assert.equal(provenance({ carriedTo: { consultation: 'OGP26', code: 'STEP2', question: 1, votes: 14, step: 'Step 2' } }, 'fr'), 'Reportée à «\u00a0Step 2\u00a0»');
  assert.equal(provenance({}, 'en'), '');
});

test('the organiser\'s sources: questions, polls, agenda outcomes; a bad line is named', () => {
  assert.deepEqual(parseSources('step1 3\n\nSTEP2 #1\nSTEP1 poll 2\nSTEP1 agenda 1\nSTEP1 sondage #4\nSTEP1 étape 2'), {
    sources: [
      { kind: 'question', code: 'STEP1', question: 3 },
      { kind: 'question', code: 'STEP2', question: 1 },
      { kind: 'poll', code: 'STEP1', poll: 2 },
      { kind: 'outcome', code: 'STEP1', step: 0 },
      { kind: 'poll', code: 'STEP1', poll: 4 },
      { kind: 'outcome', code: 'STEP1', step: 1 },
    ],
    bad: 0,
  });
  assert.deepEqual(parseSources('STEP1 3\nwhatever'), { sources: [], bad: 2 });
  assert.deepEqual(parseSources('STEP1 agenda 0'), { sources: [], bad: 1 });
  assert.deepEqual(parseSources('step1 idea 4\nSTEP2 idée #2\nSTEP2 IDEE 3'), {
    sources: [{ kind: 'idea', code: 'STEP1', idea: 4 }, { kind: 'idea', code: 'STEP2', idea: 2 }, { kind: 'idea', code: 'STEP2', idea: 3 }], bad: 0,
  });
  assert.deepEqual(parseSources('STEP1 idea 0'), { sources: [], bad: 1 });
  assert.deepEqual(parseSources(''), { sources: [], bad: 0 });
});

test('milestones: text, then a due date and an evidence link in any order', () => {
  const ms = parseMilestones('Tables online | 2026-09-30 | https://example.org/t\n\nA law | https://example.org/l\nPlain');
  assert.deepEqual(ms, [
    { text: 'Tables online', due: '2026-09-30', evidence: 'https://example.org/t' },
    { text: 'A law', evidence: 'https://example.org/l' },
    { text: 'Plain' },
  ]);
  assert.deepEqual(parseMilestones(formatMilestones(ms)), ms);
});

test('merged into another question: the path goes on from that one', () => {
  const merged = {
    asked: { code: 'STEP1', question: 3 }, hops: [{ code: 'STEP1', question: 3, step: 1, stepTitle: 'Priorities' }],
    proposals: [], commitments: [{ id: 'C-2', title: 'Parks', status: 'limited', via: ['P-4'] }],
    merged: [{ code: 'STEP1', question: 7 }],
    questions: [
      { code: 'STEP1', id: 3, text: 'Parks?', status: 'merged', votes: 1, mergedInto: 7 },
      { code: 'STEP1', id: 7, text: 'More parks, please', status: 'answered', votes: 9, answer: 'Two new parks.' },
    ],
  };
  const steps = new Map([['STEP1', { index: 1, title: 'Priorities' }]]);
  const lines = traceLines('X1', merged, outcomesOf([merged]), 'en', steps);
  assert.deepEqual(lines.map((x) => x.text), [
    'Asked at step 1, “Priorities”: 1 vote',
    'Merged at step 1, “Priorities” into question 7',
    'Followed as question 7 at step 1, “Priorities”: 9 votes',
    'Answered at step 1, “Priorities”',
    'Included in commitment C-2, now: Limited',
  ]);
  assert.equal(lines[2].detail, 'More parks, please');
  assert.equal(lines[2].href, '/c/X1/trace?code=STEP1&question=7');
  assert.equal(lines[3].detail, 'Two new parks.');
});
