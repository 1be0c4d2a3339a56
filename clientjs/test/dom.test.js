// The DOM helpers that need no document.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setText, webLink } from '../dom.js';

test('setText writes a live region only when its words change', () => {
  let writes = 0;
  let text = '';
  const el = { get textContent() { return text; }, set textContent(v) { writes++; text = v; } };
  setText(el, '3 in the room');
  setText(el, '3 in the room');
  setText(el, '4 in the room');
  assert.equal(text, '4 in the room');
  assert.equal(writes, 2);
});

test('webLink follows http(s) addresses only', () => {
  assert.equal(webLink('https://stream.example.org/live'), 'https://stream.example.org/live');
  assert.equal(webLink('javascript:alert(1)'), '');
  assert.equal(webLink('https://'), '');
  assert.equal(webLink(''), '');
});
