// Tests of clientjs/clock.js: the server clock estimate, ended
// announcements, the speaker's time left.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerClock, latestEventTime, currentAnnouncement, announcementLive, speechLeft, formatSeconds, watchServerClock } from '../clock.js';

test('a device whose clock is right keeps it', () => {
  const c = new ServerClock();
  assert.equal(c.offset(), 0);
  c.sawEvent(10_000, 10_040); // seen 40 ms later: consistent with 0
  c.sawDate(Date.parse('Thu, 01 Jan 1970 00:00:10 GMT'), 10_000, 10_100);
  assert.equal(c.offset(), 0);
});

test('a device behind the server is moved by fresh events', () => {
  const c = new ServerClock();
  c.sawEvent(100_000, 40_000); // the server is a minute ahead at least
  assert.equal(c.offset(), 60_000);
  assert.equal(c.now(50_000), 110_000);
  c.sawEvent(99_000, 50_000); // an older event bounds less
  assert.equal(c.offset(), 60_000);
});

test('a device ahead of the server is moved by the Date header, to the second', () => {
  const c = new ServerClock();
  // Local 130 s while the server's Date says 100 s: 30 s ahead.
  c.sawDate(100_000, 130_000, 130_200);
  assert.ok(c.offset() <= -29_000 && c.offset() >= -30_200, String(c.offset()));
  // An event narrows it.
  c.sawEvent(100_500, 130_300);
  assert.equal(c.offset(), -29_000);
});

test('latest event time: announcements, the floor, the ledger', () => {
  assert.equal(latestEventTime(null), 0);
  const view = { meeting: { announcements: [{ id: 1, at: 5 }], floor: [{ at: 7, calledAt: 9 }] }, ledger: [{ at: 3 }, { at: 11 }] };
  assert.equal(latestEventTime(view), 11);
});

test('an announcement with an end is hidden from then on; one without stays', () => {
  const list = [{ id: 1, text: 'a', at: 0 }, { id: 2, text: 'b', at: 1000, until: 3000 }];
  assert.equal(currentAnnouncement(list, 2999)?.id, 2);
  assert.equal(currentAnnouncement(list, 3000), undefined, 'the latest ended: the screen shows none, not an older one');
  assert.ok(announcementLive(list[0], 1e12));
  assert.equal(currentAnnouncement([], 0), undefined);
});

test('the speaker\'s time left, rounded up, negative once over', () => {
  const f = { id: 1, status: 'speaking', calledAt: 10_000, seconds: 90, at: 0, channel: 'room' };
  assert.equal(speechLeft(f, 10_000), 90);
  assert.equal(speechLeft(f, 10_001), 90);
  assert.equal(speechLeft(f, 99_000), 1);
  assert.equal(speechLeft(f, 100_000), 0);
  assert.equal(speechLeft(f, 105_500), -5);
  assert.equal(speechLeft({ ...f, seconds: 0 }, 10_000), null);
  assert.equal(speechLeft({ ...f, status: 'done' }, 10_000), null);
  assert.equal(speechLeft(undefined, 0), null);
  assert.equal(formatSeconds(90), '1:30');
  assert.equal(formatSeconds(5), '0:05');
  assert.equal(formatSeconds(-65), '1:05');
  assert.equal(formatSeconds(3725), '1:02:05');
});

test('watchServerClock: live changes and the Date of a welcome', async () => {
  const listeners = {};
  const client = { code: 'ABC234', on: (ev, fn) => { listeners[ev] = fn; } };
  let t = 1_000_000;
  let asked = '';
  const fetch = async (url) => {
    asked = url;
    t += 100;
    return { headers: { get: () => new Date(2_000_000).toUTCString() }, body: null };
  };
  const clock = watchServerClock(client, { fetch, now: () => t });
  listeners.state({ view: { meeting: { announcements: [{ id: 1, at: 1_500_000 }] } } }, 'snapshot');
  assert.equal(clock.offset(), 0, 'a snapshot says nothing fresh');
  listeners.state({ view: { meeting: { announcements: [{ id: 1, at: 1_500_000 }] } } }, 'applied');
  assert.equal(clock.offset(), 500_000);
  listeners.welcome();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(asked, '/api/rooms/ABC234');
  assert.equal(clock.offset(), 999_900);
});
