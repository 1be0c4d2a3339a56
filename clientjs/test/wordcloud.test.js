// Tests of clientjs/wordcloud.js: sizes follow counts, no two words
// overlap, every word stays inside the area, the same input gives the same
// cloud, and a crowded cloud shrinks before it drops words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout, fitCloud, fontSize, placingOrder, overlaps } from '../wordcloud.js';

// A monospaced fake: 0.6 em per character, 1.2 em high.
const measure = (word, size) => ({ width: [...word].length * size * 0.6, height: size * 1.2 });

const words = [
  { word: 'trees', count: 40 }, { word: 'benches', count: 25 }, { word: 'shade', count: 25 },
  { word: 'water', count: 12 }, { word: 'lights', count: 9 }, { word: 'bins', count: 7 },
  { word: 'quiet', count: 5 }, { word: 'dogs', count: 4 }, { word: 'café', count: 3 },
  { word: 'toilets', count: 2 }, { word: 'wifi', count: 1 }, { word: 'art', count: 1 },
];

function checkNoOverlap(placed) {
  for (let i = 0; i < placed.length; i++) {
    for (let j = i + 1; j < placed.length; j++) {
      assert.ok(!overlaps(placed[i], placed[j]), `${placed[i].word} overlaps ${placed[j].word}`);
    }
  }
}

function checkInside(placed, width, height) {
  for (const p of placed) {
    assert.ok(p.x >= 0 && p.y >= 0 && p.x + p.width <= width + 1e-9 && p.y + p.height <= height + 1e-9, `${p.word} outside: ${JSON.stringify(p)}`);
  }
}

test('sizes grow with counts, from the smallest to the largest', () => {
  assert.equal(fontSize(1, 1, 100, 10, 50), 10);
  assert.equal(fontSize(100, 1, 100, 10, 50), 50);
  assert.equal(fontSize(5, 5, 5, 10, 50), 50, 'one count: all at the largest');
  const a = fontSize(10, 1, 100, 10, 50);
  const b = fontSize(20, 1, 100, 10, 50);
  assert.ok(a < b && b < 50);
});

test('the order: most frequent first, ties alphabetically', () => {
  assert.deepEqual(placingOrder(words).map((w) => w.word).slice(0, 4), ['trees', 'benches', 'shade', 'water']);
  assert.deepEqual(placingOrder([{ word: 'b', count: 1 }, { word: 'a', count: 1 }]).map((w) => w.word), ['a', 'b']);
});

test('the words fit without overlap, the most frequent at the centre and the largest', () => {
  const { placed, dropped } = layout(words, measure, { width: 1200, height: 600, minSize: 20, maxSize: 90, gap: 4 });
  assert.deepEqual(dropped, []);
  assert.equal(placed.length, words.length);
  checkNoOverlap(placed);
  checkInside(placed, 1200, 600);
  const first = placed[0];
  assert.equal(first.word, 'trees');
  assert.equal(first.size, 90);
  assert.ok(Math.abs(first.x + first.width / 2 - 600) < 1 && Math.abs(first.y + first.height / 2 - 300) < 1, 'the first word is centred');
  for (const p of placed) assert.ok(p.size <= first.size && p.size >= 20);
  const by = Object.fromEntries(placed.map((p) => [p.word, p.size]));
  assert.ok(by.trees > by.benches && by.benches === by.shade && by.shade > by.wifi && by.wifi === by.art);
});

test('the same input gives the same cloud, whatever the order it came in', () => {
  const a = layout(words, measure, { width: 900, height: 500, minSize: 16, maxSize: 80, gap: 2 });
  const b = layout(words.slice().reverse(), measure, { width: 900, height: 500, minSize: 16, maxSize: 80, gap: 2 });
  assert.deepEqual(a, b);
});

test('a crowded cloud is set smaller until every word fits; never below the floor', () => {
  const many = Array.from({ length: 50 }, (_, i) => ({ word: `word${i}`, count: 50 - i }));
  const { placed, dropped } = fitCloud(many, measure, { width: 800, height: 450, maxSize: 120, floorSize: 14, gap: 3 });
  assert.deepEqual(dropped, []);
  assert.equal(placed.length, 50);
  checkNoOverlap(placed);
  checkInside(placed, 800, 450);
  assert.ok(placed[0].size < 120, 'shrunk to fit');
  // In a tiny area, words that cannot fit at the floor size are left out
  // rather than overlapping or spilling.
  const tiny = fitCloud(many, measure, { width: 200, height: 100, maxSize: 60, floorSize: 14 });
  assert.ok(tiny.dropped.length > 0 && tiny.placed.length > 0);
  for (const p of tiny.placed) assert.ok(p.size >= 14);
  checkNoOverlap(tiny.placed);
  checkInside(tiny.placed, 200, 100);
});

test('a word wider than the area, an empty list, a zero count', () => {
  const out = layout([{ word: 'x'.repeat(100), count: 3 }, { word: 'ok', count: 1 }, { word: 'none', count: 0 }], measure, { width: 300, height: 200, minSize: 20, maxSize: 40 });
  assert.deepEqual(out.placed.map((p) => p.word), ['ok']);
  assert.deepEqual(out.dropped.map((w) => w.word), ['x'.repeat(100)]);
  assert.deepEqual(layout([], measure, { width: 300, height: 200, minSize: 10, maxSize: 20 }), { placed: [], dropped: [] });
});
