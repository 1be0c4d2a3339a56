// The client library against the real server when the server goes away:
// killed with SIGKILL and started again on the same SQLite file, the pages
// say they are reconnecting, come back by themselves, resume from their last
// sequence number, and a question asked during the outage is sent on return
// and applied once. Then a participant changes how they follow without
// losing their identity.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, axeCheck, formatViolations, screenshot, until, createRoom } from './lib/browser.mjs';

/** until, with a longer default: a restart takes a while. */
const untilSlow = (fn, what, ms = 15_000) => until(fn, what, ms);

const connOf = (page) => page.locator('#conn').getAttribute('data-conn');
const live = (page) => untilSlow(async () => (await connOf(page)) === 'live', 'a live connection', 40_000);
const texts = (p, sel) => p.locator(sel).allTextContents();

test('pages ride out a server crash and resume where they were', { timeout: 120_000 }, async (t) => {
  const server = await startServer({ t });
  const browser = await launch({ t });
  const room = await createRoom(server, { title: 'Resilience', settings: { qaOpen: true, preModeration: false, reactions: true, anonymous: false, maxLength: 0, hideCount: false, streamURL: 'https://stream.example.org/x' } });

  const ctxA = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  const ctxM = await browser.newContext({ locale: 'en-US' });
  const a = await ctxA.newPage();
  const mod = await ctxM.newPage();
  await mod.goto(room.links.moderator);
  await live(mod);
  await a.goto(`${server.url}/j/${room.code}`);
  await a.getByRole('button', { name: 'Join' }).click();
  await live(a);

  await a.getByLabel('Your question', { exact: true }).fill('Before the crash');
  await a.getByRole('button', { name: 'Send question' }).click();
  await untilSlow(async () => (await texts(mod, '#live .q-text')).includes('Before the crash'), 'the first question');

  await server.kill();
  await untilSlow(async () => (await connOf(a)) === 'reconnecting', 'the reconnecting banner');
  assert.match(await a.locator('#conn').textContent(), /reconnecting/i);
  await screenshot(a, 'participant-reconnecting');

  // Asked while the server is down: waits, then goes once.
  await a.getByLabel('Your question', { exact: true }).fill('During the outage');
  await a.getByRole('button', { name: 'Send question' }).click();

  await server.restart();
  await live(a);
  await live(mod);
  await untilSlow(async () => (await texts(a, '#questions .q-text')).includes('During the outage'), 'the question asked during the outage');
  await untilSlow(async () => (await texts(mod, '#live .q-text')).includes('During the outage'), 'the moderator sees it');
  assert.deepEqual((await texts(mod, '#live .q-text')).filter((x) => x === 'During the outage').length, 1, 'applied once');
  assert.equal(await a.getByLabel('Your question', { exact: true }).inputValue(), '', 'the draft went once acknowledged');
  // The same participant as before: their first question is still theirs.
  const first = a.locator('#questions > li').filter({ hasText: 'Before the crash' });
  assert.match(await first.locator('.q-meta').textContent(), /Your question/);

  // Changing how one follows keeps the identity and shows the stream link.
  await a.getByRole('tab', { name: 'Meeting' }).click();
  await a.getByRole('button', { name: 'Change how I follow' }).click();
  await a.getByLabel('I am following remotely').check();
  await a.getByRole('button', { name: 'Join' }).click();
  await live(a);
  await a.getByRole('link', { name: 'Watch the live stream' }).waitFor();
  assert.match(await first.locator('.q-meta').textContent(), /Your question/);
  const violations = await axeCheck(a);
  assert.deepEqual(violations, [], formatViolations(violations));
});
