// Tests of clientjs/i18n.js: both languages say everything the pages ask.
// (report.* has its own strings, registered with extend().)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dictionaries, pickLang, t, extend } from '../i18n.js';

const dir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sources = fs.readdirSync(dir).filter((f) => /\.(js|html)$/.test(f) && f !== 'i18n.js' && !f.startsWith('report.')).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]);

test('French and English have the same keys, and the same placeholders', () => {
  const en = Object.keys(dictionaries.en).sort();
  const fr = Object.keys(dictionaries.fr).sort();
  assert.deepEqual(fr, en);
  const holes = (v) => JSON.stringify(v).match(/\{\w+\}/g)?.sort().filter((x, i, a) => a.indexOf(x) === i) ?? [];
  for (const k of en) assert.deepEqual(holes(dictionaries.fr[k]), holes(dictionaries.en[k]), k);
});

test('every key the pages use is translated', () => {
  const used = new Set();
  for (const [, src] of sources) {
    for (const m of src.matchAll(/\bt\('([^']+)'/g)) used.add(m[1]);
    for (const m of src.matchAll(/data-i18n(?:-label|-placeholder|-title)?="([^"]+)"/g)) used.add(m[1]);
  }
  // Keys built at run time, by family.
  const families = {
    'conn.': ['connecting', 'live', 'reconnecting', 'offline', 'degraded'],
    'fatal.': ['no_room', 'bad_key', 'other', 'no_key'],
    'channel.': ['room', 'remote'],
    'reason.': ['duplicate', 'off-topic', 'abusive', 'already-answered', 'other'],
    'reaction.': ['applause', 'agree', 'disagree', 'louder', 'slower', 'break'],
    'poll.status.': ['draft', 'open', 'closed'],
    'poll.kind.': ['single', 'multiple', 'rating', 'open', 'ranking', 'points'],
    'poll.vis.': ['live', 'voted', 'closed', 'hidden'],
    'poll.hidden.': ['live', 'voted', 'closed', 'hidden'],
    'poll.screenHidden.': ['live', 'voted', 'closed', 'hidden'],
    'qstatus.': ['pending', 'live', 'answered', 'rejected', 'withdrawn', 'merged', 'archived'],
    'status.badge.': ['scheduled', 'live', 'ended'],
    'share.': ['participant', 'screen', 'report', 'moderator'],
    'keys.': ['next', 'prev', 'approve', 'reject', 'highlight', 'pin', 'answer', 'archive', 'nextStep', 'helpKey'],
    // The client's own; the server's codes are checked against the hub's
    // list, and PROTOCOL.md, by TestErrorCodesListed (hub/codes_test.go).
    'err.': ['closed', 'offline'],
    // A consultation's: a commitment's progress, a step meeting's and a
    // proposal's status.
    'c.progress.': ['not_started', 'limited', 'substantial', 'complete', 'withdrawn'],
    'c.stepStatus.': ['upcoming', 'live', 'ended'],
    'c.pstatus.': ['draft', 'published', 'merged', 'withdrawn'],
  };
  for (const [prefix, rest] of Object.entries(families)) for (const r of rest) used.add(prefix + r);
  const missing = [...used].filter((k) => !(k in dictionaries.en) || !(k in dictionaries.fr));
  assert.deepEqual(missing, []);
});

test('the language: stored choice, then the browser, then English', () => {
  assert.equal(pickLang(['de-DE', 'fr-CA', 'en'], null), 'fr');
  assert.equal(pickLang(['en-GB', 'fr'], null), 'en');
  assert.equal(pickLang(['de'], null), 'en');
  assert.equal(pickLang(['fr'], 'en'), 'en');
  assert.equal(pickLang([], 'xx'), 'en');
});

test('placeholders and plurals', () => {
  assert.equal(t('votes', { n: 1 }, 'en'), '1 vote');
  assert.equal(t('votes', { n: 0 }, 'en'), '0 votes');
  assert.equal(t('votes', { n: 0 }, 'fr'), '0 vote', 'French counts 0 as one');
  assert.equal(t('votes', { n: 2 }, 'fr'), '2 votes');
  assert.equal(t('step.current', { n: 2, total: 3, title: '<b>x</b>' }, 'fr'), 'Étape 2 sur 3 : <b>x</b>');
  assert.equal(t('no.such.key'), 'no.such.key');
});

test('the report registers its strings with extend, and every one of them is kept', () => {
  const src = fs.readFileSync(path.join(dir, 'report.js'), 'utf8');
  assert.match(src, /^extend\(strings\);$/m, 'report.js registers its strings with extend(strings)');
  assert.doesNotMatch(src, /import \{[^}]*\bdictionaries\b/, 'report.js writes nothing into the dictionaries itself');
  const literal = src.match(/^const strings = (\{[\s\S]*?^\});$/m);
  assert.ok(literal, 'report.js has its strings in one object literal');
  const strings = new Function(`return ${literal[1]};`)();
  assert.deepEqual(Object.keys(strings.fr).sort(), Object.keys(strings.en).sort());
  for (const l of /** @type {const} */ (['en', 'fr'])) {
    // extend keeps a shared key: one the report also defined would be lost.
    const shared = Object.keys(strings[l]).filter((k) => k in dictionaries[l]);
    assert.deepEqual(shared, [], `${l}: report keys that are shared keys`);
  }
  extend(strings);
  for (const l of /** @type {const} */ (['en', 'fr'])) {
    for (const [k, v] of Object.entries(strings[l])) assert.equal(dictionaries[l][k], v, `${l} ${k}`);
  }
  const used = [...src.matchAll(/\bt\('([^']+)'/g)].map((m) => m[1]);
  assert.ok(used.length > 0);
  assert.deepEqual(used.filter((k) => !(k in dictionaries.en) || !(k in dictionaries.fr)), []);
});

test('a page registers its own strings without overriding ours', () => {
  extend({ en: { 'x.test.extra': 'Extra {n}', skip: 'changed' }, fr: { 'x.test.extra': 'En plus {n}' } });
  assert.equal(t('x.test.extra', { n: 2 }, 'en'), 'Extra 2');
  assert.equal(t('x.test.extra', { n: 2 }, 'fr'), 'En plus 2');
  assert.equal(t('skip', undefined, 'en'), 'Skip to content');
});
