// Tests of clientjs/watch.js: how each kind of link is shown, and the
// origins the page needs, as hub/csp.go computes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedOf, sourcesOf } from '../watch.js';

test('embedOf shows each kind of link as its player expects', () => {
  const cases = {
    'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3': { kind: 'frame', src: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' },
    'https://youtu.be/dQw4w9WgXcQ': { kind: 'frame', src: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' },
    'https://www.youtube.com/live/abc_D-1': { kind: 'frame', src: 'https://www.youtube-nocookie.com/embed/abc_D-1' },
    'https://peertube.example/w/9c9de5e8': { kind: 'frame', src: 'https://peertube.example/videos/embed/9c9de5e8' },
    'https://peertube.example/videos/watch/9c9de5e8-0a1b': { kind: 'frame', src: 'https://peertube.example/videos/embed/9c9de5e8-0a1b' },
    'http://127.0.0.1:8081/clip.webm': { kind: 'video', src: 'http://127.0.0.1:8081/clip.webm' },
    'https://cdn.example/live/index.M3U8': { kind: 'video', src: 'https://cdn.example/live/index.M3U8' },
      };
  for (const [link, want] of Object.entries(cases)) assert.deepEqual(embedOf(link), want, link);
  // Any page only where asked: the captions.
  assert.equal(embedOf('https://captions.example/session/1'), null);
  assert.deepEqual(embedOf('https://captions.example/session/1', true), { kind: 'frame', src: 'https://captions.example/session/1' });
  for (const bad of ['', 'javascript:alert(1)', 'ftp://cdn.example/a.webm', 'https://www.youtube.com/channel/UC123', 'https://www.youtube.com/watch?v=a"b', 'not a link', undefined]) {
    assert.equal(embedOf(bad), null, String(bad));
  }
});

test('sourcesOf names the origins, the same however often they appear', () => {
  const a = sourcesOf({ streamURL: 'https://cdn.example/a.webm', signURL: 'https://cdn.example/b.mp4', captionsURL: 'https://captions.example/1' });
  assert.equal(a, 'frame https://captions.example video https://cdn.example');
  assert.equal(sourcesOf({ streamURL: 'https://stream.example/townhall' }), '');
  assert.equal(sourcesOf({ streamURL: 'https://cdn.example/c.webm' }), 'video https://cdn.example');
  assert.notEqual(sourcesOf({ streamURL: 'https://other.example/c.webm' }), sourcesOf({ streamURL: 'https://cdn.example/c.webm' }));
  assert.equal(sourcesOf({}), '');
});

test('the recording offset reads minutes:seconds and hours', async () => {
  const { parseClock, formatClock } = await import('../broadcast.js');
  assert.equal(parseClock('90'), 90);
  assert.equal(parseClock(' 12:30 '), 750);
  assert.equal(parseClock('1:02:03'), 3723);
  for (const bad of ['', '1:60', '-3', '1.5', 'a', '1:2:3:4']) assert.ok(Number.isNaN(parseClock(bad)), bad);
  assert.equal(formatClock(750), '12:30');
  assert.equal(formatClock(3723), '1:02:03');
  assert.equal(formatClock(0), '0:00');
});
