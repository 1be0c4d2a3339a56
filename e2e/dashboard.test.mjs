// The moderator dashboard in a busy meeting, on a laptop (1366x768) and a
// wide screen (1920x1080): the page never scrolls, the waiting queue and
// the published questions stay in view and scroll on their own, the tools
// are panels one key or click away, search and filters work from the
// keyboard, and axe-core finds nothing, of any impact. Screenshots of each
// state go to e2e/artifacts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom } from './lib/browser.mjs';
import { runBusyMeeting, busyQuestions } from './lib/busy.mjs';

const env = shared({ before, after });

const settings = { qaOpen: true, preModeration: true, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '' };

/** A busy meeting with more waiting questions, and its dashboard open at viewport. */
async function busyDashboard(t, viewport) {
  const room = await createRoom(env.server, { title: 'Town hall: the new library', steps: ['Welcome', 'The project', 'Questions'], settings });
  const mod = await newPage(env.browser, t, { viewport });
  await mod.goto(`${env.server.url}/about`);
  await runBusyMeeting(mod, room.code, room.moderatorKey);
  await mod.goto(room.links.moderator);
  await live(mod);
  await until(async () => (await mod.locator('#live > li').count()) === 7, 'the published questions');
  return { room, mod };
}

async function accessible(p, name) {
  const violations = await axeCheck(p, { impacts: 'all' });
  assert.deepEqual(violations, [], `${name}: ${formatViolations(violations)}`);
}

/** The page does not scroll; the lists and the panel each do, if they must. */
async function fits(mod, what) {
  const m = await mod.evaluate(() => ({
    page: document.scrollingElement.scrollHeight,
    width: document.scrollingElement.scrollWidth,
    inner: innerHeight,
    innerW: innerWidth,
  }));
  assert.ok(m.page <= m.inner, `${what}: the page is ${m.page} px high in a ${m.inner} px window`);
  assert.ok(m.width <= m.innerW, `${what}: the page is ${m.width} px wide in a ${m.innerW} px window`);
  for (const sel of ['#queue-box', '#live-box', '#tools']) {
    const box = await mod.locator(sel).boundingBox();
    assert.ok(box && box.y >= 0 && box.y + box.height <= m.inner, `${what}: ${sel} on screen`);
  }
}

for (const viewport of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`at ${size}, the dashboard fits the screen in every panel`, async (t) => {
    const { mod } = await busyDashboard(t, viewport);
    // Busier still: more waiting questions than the queue can show.
    await mod.evaluate(async (texts) => {
      const ws = new WebSocket(`ws://${location.host}/ws/${window.tribune.code}`);
      await new Promise((r) => { ws.onopen = r; });
      ws.send(JSON.stringify({ t: 'hello', v: 3, role: 'participant', channel: 'remote' }));
      await new Promise((r) => { ws.onmessage = (e) => { if (JSON.parse(e.data).t === 'welcome') r(); }; });
      for (const [i, text] of texts.entries()) ws.send(JSON.stringify({ t: 'cmd', id: `more-${i}`, cmd: { op: 'question.ask', text } }));
      await new Promise((r) => setTimeout(r, 300));
      ws.close();
    }, Array.from({ length: 12 }, (_, i) => `Another waiting question, number ${i + 1}, with enough words to wrap on two lines`));
    await until(async () => (await mod.locator('#queue > li').count()) === 15, 'fifteen waiting');
    await fits(mod, `${size}, polls`);
    // The queue scrolls on its own: its last question is reachable.
    const queue = mod.locator('#queue');
    assert.ok(await queue.evaluate((el) => el.scrollHeight > el.clientHeight), 'the queue overflows into its own scroll');
    await mod.locator('#queue > li').last().focus();
    await fits(mod, `${size}, the last waiting question focused`);
    await accessible(mod, `dashboard ${size}`);
    await screenshot(mod, `dashboard-${size}`);

    for (const [tab, name] of [['Speakers', 'speakers'], ['Agenda', 'agenda'], ['Announce', 'announce'], ['Handled', 'handled'], ['Share', 'share'], ['Settings', 'settings'], ['Ledger', 'ledger'], ['Team', 'team']]) {
      await mod.getByRole('tab', { name: tab }).click();
      await mod.getByRole('tabpanel', { name: tab }).waitFor();
      await fits(mod, `${size}, ${name}`);
      if (viewport.width === 1366) {
        await accessible(mod, `dashboard ${size}, ${name}`);
        await screenshot(mod, `dashboard-${size}-${name}`);
      }
    }
    // French takes more room: still one screen.
    await mod.getByRole('button', { name: 'Lire en français' }).click();
    await mod.getByRole('tab', { name: 'Sondages' }).click();
    await fits(mod, `${size}, in French`);
    await accessible(mod, `dashboard ${size}, in French`);
    await screenshot(mod, `dashboard-${size}-fr`);
  });
}

test('search and filters, from the keyboard; panels by key', async (t) => {
  const { mod } = await busyDashboard(t, { width: 1366, height: 768 });
  const texts = (sel) => mod.locator(sel).allTextContents();
  await mod.locator('#main').focus();
  // / goes to the search box; typing filters both lists.
  await mod.keyboard.press('/');
  assert.equal(await mod.evaluate(() => document.activeElement.id), 'q-search');
  await mod.keyboard.type('sundays');
  await until(async () => JSON.stringify(await texts('#live .q-text')) === JSON.stringify([busyQuestions[0]]), 'the published list filtered');
  assert.deepEqual(await texts('#queue .q-text'), [busyQuestions[7]]);
  assert.equal(await mod.locator('#live-count').textContent(), '1 of 7');
  assert.equal(await mod.locator('#queue-count').textContent(), '1 of 3');
  // Accents and case do not matter; a number finds its question.
  await mod.keyboard.press('Control+a');
  await mod.keyboard.type('CAFÉ');
  await until(async () => JSON.stringify(await texts('#live .q-text')) === JSON.stringify([busyQuestions[4]]), 'found without the accent');
  await mod.keyboard.press('Control+a');
  await mod.keyboard.type('#12');
  await until(async () => JSON.stringify(await texts('#queue .q-text')) === JSON.stringify([busyQuestions[11]]), 'found by number');
  assert.equal(await mod.locator('#live-empty').textContent(), 'No question matches the search.');
  await accessible(mod, 'dashboard, filtered');
  await screenshot(mod, 'dashboard-filtered');
  await mod.emulateMedia({ colorScheme: 'dark' });
  await accessible(mod, 'dashboard, filtered, dark');
  await screenshot(mod, 'dashboard-filtered-dark');
  await mod.emulateMedia({ colorScheme: 'light' });
  // Escape clears the search.
  await mod.keyboard.press('Escape');
  assert.equal(await mod.locator('#q-search').inputValue(), '');
  await until(async () => (await texts('#live .q-text')).length === 7, 'every published question again');

  // The channel filter, then the status of the published list.
  await mod.keyboard.press('Tab');
  assert.equal(await mod.evaluate(() => document.activeElement.id), 'q-channel');
  await mod.locator('#q-channel').selectOption('remote');
  await until(async () => (await texts('#live .q-text')).length === 2, 'the remote questions');
  assert.deepEqual((await texts('#live .q-text')).sort(), [busyQuestions[1], busyQuestions[4]].sort());
  await mod.getByRole('button', { name: 'Show all' }).click();
  assert.equal(await mod.evaluate(() => document.activeElement.id), 'q-search');
  await mod.getByLabel('Show', { exact: true }).selectOption('pinned');
  await until(async () => JSON.stringify(await texts('#live .q-text')) === JSON.stringify([busyQuestions[1]]), 'the pinned one');
  await mod.getByLabel('Show', { exact: true }).selectOption('live');

  // j and a still work on what is shown; digits switch panels.
  await mod.locator('#main').focus();
  await mod.keyboard.press('2');
  assert.equal(await mod.getByRole('tab', { name: 'Speakers' }).getAttribute('aria-selected'), 'true');
  assert.equal(await mod.evaluate(() => document.activeElement.id), 'tab-floor');
  await mod.keyboard.press('ArrowRight');
  assert.equal(await mod.getByRole('tab', { name: 'Agenda' }).getAttribute('aria-selected'), 'true');
  // Someone asks to speak while the speakers' panel is hidden: a badge,
  // and words for it in the tab's name.
  await mod.evaluate(async () => {
    const ws = new WebSocket(`ws://${location.host}/ws/${window.tribune.code}`);
    await new Promise((r) => { ws.onopen = r; });
    ws.send(JSON.stringify({ t: 'hello', v: 3, role: 'participant', channel: 'room' }));
    await new Promise((r) => { ws.onmessage = (e) => { if (JSON.parse(e.data).t === 'welcome') r(); }; });
    ws.send(JSON.stringify({ t: 'cmd', id: 'floor-1', cmd: { op: 'floor.request', text: 'Parking' } }));
    await new Promise((r) => setTimeout(r, 300));
    ws.close();
  });
  const speakers = mod.getByRole('tab', { name: /^Speakers/ });
  await until(async () => (await speakers.locator('.tab-badge').textContent()) === '1', 'the badge on the speakers tab');
  assert.equal(await speakers.evaluate((el) => el.textContent), 'Speakers1 (1 new)');
  await accessible(mod, 'dashboard, a badge');
  await screenshot(mod, 'dashboard-badge');
  await mod.keyboard.press('ArrowLeft');
  assert.equal(await speakers.locator('.tab-badge').textContent(), '');
  await mod.keyboard.press('?');
  const help = mod.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  assert.match(await help.textContent(), /Search the questions/);
  assert.match(await help.textContent(), /1 – 9/);
  await accessible(mod, 'dashboard, help');
  await mod.keyboard.press('Escape');
});
