// An idea becomes a proposal (issue 15), in real browsers against the real
// server: a step meeting of a consultation opens an ideas board from the
// dashboard; a participant's idea is approved, another waits. On the
// organise page (1366x768) the organiser lists the step's ideas (only the
// live one), turns it into a proposal in one click, saves and publishes
// it; the public page shows the idea as the proposal's source, and its
// link leads to the idea's trace, which names the proposal. Screenshots go
// to e2e/artifacts; axe-core finds nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom, join } from './lib/browser.mjs';

const env = shared({ before, after });
const laptop = { width: 1366, height: 768 };
const settings = { qaOpen: true, preModeration: true, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '' };
const idea = 'Publish every public contract';
const ideaText = 'Within a month of signing, with the amounts.';
const waiting = 'Still waiting zqw';

async function post(path, body, key = '') {
  const headers = { 'content-type': 'application/json', origin: env.server.url };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(env.server.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

test('an idea of a step meeting becomes a proposal on the organise page, and its trace names it', async (t) => {
  const room = await createRoom(env.server, { title: 'Step 1: open data', steps: ['Welcome'], settings });
  const cons = await post('/api/consultations', { title: 'Open government action plan' });
  await post(`/api/consultations/${cons.id}/steps`, { attach: room.code, moderatorKey: room.moderatorKey, title: 'Step 1: open data' }, cons.key);

  // The step meeting: a board, an idea approved, another left waiting.
  const mod = await newPage(env.browser, t, { viewport: laptop });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.locator('#start').click();
  await until(async () => (await mod.locator('#start').isHidden()), 'the meeting started');
  await mod.locator('#tab-ideas').click();
  await mod.locator('#board-prompt').fill('What should the plan commit to?');
  await mod.locator('#board-open').click();
  const a = await newPage(env.browser, t, { viewport: { width: 390, height: 844 } });
  await join(env.server, a, room.code);
  await a.locator('#tab-ideas').click();
  for (const [title, text] of [[idea, ideaText], [waiting, '']]) {
    await a.locator('#idea-title').fill(title);
    if (text) await a.locator('#idea-text').fill(text);
    await a.locator('#idea-submit').click();
    await until(async () => (await a.locator('#my-ideas li').allTextContents()).some((s) => s.includes(title)), `idea "${title}" sent`);
  }
  await until(async () => (await mod.locator('#mod-ideas-waiting > li').count()) === 2, 'two ideas waiting');
  await mod.locator('#mod-ideas-waiting > li[data-id="1"]').getByRole('button', { name: 'Approve' }).click();
  await until(async () => (await mod.locator('#mod-ideas-live > li').count()) === 1, 'the idea published');

  // The organiser lists the step's ideas: the live one only.
  const org = await newPage(env.browser, t, { viewport: laptop, allow: /status of 400 .*\/commands/ });
  await org.goto(cons.links.organiser);
  await until(() => org.locator('#organise').isVisible(), 'the organise page loaded');
  await org.getByText('Write a proposal').click();
  await org.locator('#ideas-from').selectOption(room.code);
  await org.locator('#ideas-list').click();
  await until(async () => (await org.locator('#ideas-pick > li').count()) === 1, 'the live idea listed');
  assert.equal(await org.locator('#ideas-pick').textContent().then((s) => s.includes('zqw')), false, 'a waiting idea offered');
  await org.getByRole('button', { name: 'Make idea 1 a proposal' }).click();
  assert.equal(await org.locator('#p-title').inputValue(), idea);
  assert.equal(await org.locator('#p-text').inputValue(), ideaText);
  assert.equal(await org.locator('#p-sources').inputValue(), `${room.code} idea 1`);
  const axe = await axeCheck(org);
  assert.deepEqual(axe, [], formatViolations(axe));
  await screenshot(org, 'consultation-ideas-organise');
  await org.getByRole('button', { name: 'Save as a draft' }).click();
  await until(async () => (await org.locator('#proposals > li').count()) === 1, 'the draft listed');
  assert.match(await org.locator('#proposals > li').textContent(), /Idea 1, step 1/);
  await org.getByRole('button', { name: 'Publish P-1' }).click();
  await until(async () => (await org.locator('#proposals > li').textContent()).includes('Published'), 'the proposal published');

  // A waiting idea typed in by hand is refused by the server, by name.
  await org.locator('#p-title').fill('From the waiting idea');
  await org.locator('#p-sources').fill(`${room.code} idea 2`);
  await org.getByRole('button', { name: 'Save as a draft' }).click();
  await until(async () => /idea 2 of .* is not public/.test(await org.locator('#p-status').textContent()), 'the waiting idea refused');

  // The public page shows the idea as the source; its link is the idea's trace.
  const pub = await newPage(env.browser, t, { viewport: laptop });
  await pub.goto(`${env.server.url}/c/${cons.id}`);
  const source = pub.getByRole('link', { name: /^Idea 1, step 1/ });
  await until(() => source.isVisible(), 'the idea as a source on the public page');
  await screenshot(pub, 'consultation-ideas-public');
  await source.click();
  await until(async () => (await pub.locator('#heading').textContent()) === 'What became of an idea', 'the idea\'s trace page');
  assert.match(await pub.locator('#question').textContent(), /Publish every public contract/);
  const lines = await pub.locator('#path > li .trace-text').allTextContents();
  assert.ok(lines.some((s) => s.startsWith('Taken up by proposal P-1')), `trace lines: ${lines.join(' | ')}`);
  const axeTrace = await axeCheck(pub);
  assert.deepEqual(axeTrace, [], formatViolations(axeTrace));
  await screenshot(pub, 'consultation-ideas-trace');
});
