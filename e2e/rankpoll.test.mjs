// Ranking and points polls in real browsers against the real server: the
// moderator creates them in the dashboard's poll form; on a phone
// (390x844) one participant ranks by dragging, another with the keyboard
// only (arrow keys on a focused option, each move said in the live
// region), a third spreads points with steppers that show the points left
// and stop at the limits; the big screen shows the Borda bars with the
// share of first places, then the points and voters per option, legible at
// 1920x1080 (screenshots in e2e/artifacts) and without scrolling at
// 1280x720. axe-core finds nothing, of any impact, on the ballots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom, join } from './lib/browser.mjs';

const env = shared({ before, after });
const phone = { width: 390, height: 844 };
const settings = { qaOpen: true, preModeration: false, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '' };
const options = ['Parks and trees', 'Bus lines', 'School meals', 'Housing'];

/** Creates a poll in the dashboard's form and opens it; returns its section. */
async function createPoll(mod, { title, kind, budget, perOption, places, opts = options, open = true }) {
  const builder = mod.locator('#poll-builder');
  if (!(await builder.evaluate((d) => d.open))) await builder.locator('summary').click();
  await mod.locator('#poll-title').fill(title);
  await mod.locator('#poll-kind').selectOption(kind);
  await mod.locator('#poll-options').fill(opts.join('\n'));
  assert.equal(await mod.locator('#poll-places-field').isVisible(), kind === 'ranking');
  assert.equal(await mod.locator('#poll-budget-field').isVisible(), kind === 'points');
  if (budget) await mod.locator('#poll-budget').fill(String(budget));
  if (perOption) await mod.locator('#poll-permax').fill(String(perOption));
  if (kind === 'ranking') await mod.locator('#poll-places').fill(places ? String(places) : '');
  await mod.locator('#poll-visibility').selectOption('live');
  await mod.locator('#poll-form button[type=submit]').click();
  const section = mod.locator('#polls .poll').filter({ hasText: title });
  if (!open) {
    await section.waitFor();
    return section;
  }
  await section.getByRole('button', { name: 'Open poll' }).click();
  await until(async () => (await section.locator('.poll-status').textContent()).includes('Open'), `${title} open`);
  return section;
}

/** A participant on a phone, the open poll titled title unfolded. */
async function phoneWithPoll(t, code, title) {
  const p = await newPage(env.browser, t, { viewport: phone });
  await join(env.server, p, code);
  const poll = p.getByRole('region', { name: title });
  await poll.waitFor();
  const body = poll.locator('details.poll-body');
  if (!(await body.evaluate((d) => d.open))) await poll.locator('summary.poll-toggle').click();
  return { p, poll };
}

const order = (poll) => poll.locator('.rank-item .rank-label').allTextContents();
const said = (p) => p.locator('#announcer').textContent();
/** Waits until poll's ballot is recorded: its form offers to change it. */
const recorded = (poll, what) => until(async () => (await poll.getByRole('button', { name: 'Change my vote' }).count()) === 1
  && (await poll.locator('.poll-status').textContent()).includes('You voted'), what);

/** What does not fit: a page that scrolls, a poll element whose text overflows its box. */
const fits = (p) => p.evaluate(async () => {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const se = document.scrollingElement;
  const bad = se.scrollHeight <= innerHeight && se.scrollWidth <= innerWidth ? [] : [`the page scrolls: ${se.scrollWidth}x${se.scrollHeight} in ${innerWidth}x${innerHeight}`];
  for (const el of document.querySelectorAll('#poll-box *')) {
    if (el.closest('.visually-hidden, [hidden]') || !el.getClientRects().length || getComputedStyle(el).display === 'inline') continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) bad.push(`${el.className}: ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1)) bad.push(`${el.className} outside the viewport`);
  }
  return bad.join('; ');
});

test('ranking and points polls: made in the dashboard, cast on a phone by drag, keyboard and steppers, shown on the big screen', async (t) => {
  const room = await createRoom(env.server, { title: 'Budget priorities', steps: ['Welcome', 'Priorities'], settings });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  const rankTitle = 'Order the priorities for next year';
  const modRank = await createPoll(mod, { title: rankTitle, kind: 'ranking' });

  // The big screens, one at 1920x1080 and one at 1280x720, show the ranking.
  const screens = [];
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
    const s = await newPage(env.browser, t, { viewport });
    await s.goto(`${env.server.url}/s/${room.code}`);
    await live(s);
    screens.push(s);
  }
  await modRank.getByRole('button', { name: 'Show on screen' }).click();

  // 1. By drag, on a phone: School meals' handle dragged to the top.
  const a = await phoneWithPoll(t, room.code, rankTitle);
  assert.deepEqual(await order(a.poll), options);
  const hint = await a.poll.locator('.ranking .hint').textContent();
  assert.match(hint, /drag the handles, or focus an option and use the up and down arrow keys/);
  const handle = a.poll.locator('.rank-item').nth(2).locator('.rank-handle');
  const from = await handle.boundingBox();
  const top = await a.poll.locator('.rank-item').first().boundingBox();
  await a.p.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await a.p.mouse.down();
  for (let y = from.y + from.height / 2; y > top.y - 4; y -= 10) await a.p.mouse.move(from.x + from.width / 2, y);
  await a.p.mouse.up();
  assert.deepEqual(await order(a.poll), ['School meals', 'Parks and trees', 'Bus lines', 'Housing']);
  await until(async () => (await said(a.p)) === 'School meals: place 1 of 4', 'the drop announced');
  assert.deepEqual(await a.poll.locator('.rank-item .rank-place').allTextContents(), ['1', '2', '3', '4']);
  const axeA = await axeCheck(a.p, { impacts: 'all' });
  assert.deepEqual(axeA, [], formatViolations(axeA));
  await screenshot(a.p, 'rank-phone-drag');
  await a.poll.getByRole('button', { name: 'Vote' }).click();
  await recorded(a.poll, 'the dragged ballot recorded');
  assert.deepEqual(await order(a.poll), ['School meals', 'Parks and trees', 'Bus lines', 'Housing'], 'the form starts again from the ballot');

  // 2. With the keyboard only: Tab to Housing, up three times, Tab to Vote.
  const b = await phoneWithPoll(t, room.code, rankTitle);
  await b.p.locator('body').focus();
  for (let i = 0; i < 80; i++) {
    await b.p.keyboard.press('Tab');
    if (await b.p.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Housing, place 4 of 4')) break;
  }
  assert.equal(await b.p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Housing, place 4 of 4');
  const y0 = await b.p.evaluate(() => scrollY);
  await b.p.keyboard.press('ArrowUp');
  await until(async () => (await said(b.p)) === 'Housing: place 3 of 4', 'the move announced');
  await b.p.keyboard.press('ArrowUp');
  await b.p.keyboard.press('ArrowUp');
  await until(async () => (await said(b.p)) === 'Housing: place 1 of 4', 'the last move announced');
  assert.equal(await b.p.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Housing, place 1 of 4', 'the moved option keeps the focus');
  assert.equal(await b.p.evaluate(() => scrollY), y0, 'the arrows move the option, not the page');
  await b.p.keyboard.press('ArrowDown');
  await b.p.keyboard.press('ArrowUp');
  assert.deepEqual(await order(b.poll), ['Housing', 'Parks and trees', 'Bus lines', 'School meals']);
  for (let i = 0; i < 20; i++) {
    await b.p.keyboard.press('Tab');
    if (await b.p.evaluate(() => document.activeElement?.textContent === 'Vote')) break;
  }
  await b.p.keyboard.press('Enter');
  await recorded(b.poll, 'the keyboard ballot recorded');
  await screenshot(b.p, 'rank-phone-keyboard');

  // The moderator and the screens see the Borda count: 4 options, so 3
  // points for a first place. a: School 3, Parks 2, Bus 1, Housing 0;
  // b: Housing 3, Parks 2, Bus 1, School 0.
  await until(async () => (await modRank.locator('.result-figure').allTextContents()).join('|') === '4 points · first for 0%|2 points · first for 0%|3 points · first for 50%|3 points · first for 50%', 'the moderator sees the Borda count');
  for (const s of screens) {
    await until(async () => (await s.locator('#poll-results .result-figure').allTextContents()).join('|') === '4 points · first for 0%|2 points · first for 0%|3 points · first for 50%|3 points · first for 50%', 'the screen shows the Borda count');
    assert.equal(await s.locator('#poll-results .results-note').textContent(), 'Borda count: 3 points for a first place, one fewer for each place below.');
    assert.equal(await fits(s), '', 'the screen does not scroll');
  }
  const fontPx = await screens[0].locator('#poll-results .result-label').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontPx >= 24, `labels legible at 1920x1080 (${fontPx}px)`);
  await screenshot(screens[0], 'rank-screen-ranking-1920');
  await screenshot(screens[1], 'rank-screen-ranking-1280');

  // 3. Points: 10 each, at most 6 on one option, spread with steppers.
  const pointsTitle = 'Spread 10 points over the priorities';
  const modPoints = await createPoll(mod, { title: pointsTitle, kind: 'points', budget: 10, perOption: 6 });
  await modPoints.getByRole('button', { name: 'Show on screen' }).click();
  const c = await phoneWithPoll(t, room.code, pointsTitle);
  const left = c.poll.locator('.points-left');
  assert.equal(await left.textContent(), '10 points left of 10.');
  assert.equal(await c.poll.locator('.points .hint').textContent(), 'At most 6 points on one option.');
  const plus = (o) => c.poll.getByRole('button', { name: `One more point for ${o}` });
  const minus = (o) => c.poll.getByRole('button', { name: `One point fewer for ${o}` });
  assert.equal(await minus('Parks and trees').isDisabled(), true, 'no point to take back yet');
  for (let i = 0; i < 6; i++) await plus('Parks and trees').click();
  assert.equal(await plus('Parks and trees').isDisabled(), true, 'the per-option maximum stops plus');
  assert.equal(await left.textContent(), '4 points left of 10.');
  for (let i = 0; i < 4; i++) await plus('Housing').click();
  assert.equal(await left.textContent(), 'No points left of 10.');
  assert.equal(await plus('Bus lines').isDisabled(), true, 'no point left stops every plus');
  await minus('Housing').click();
  await plus('Bus lines').click();
  assert.deepEqual(await c.poll.locator('.points-value').allTextContents(), ['6', '1', '0', '3']);
  await until(async () => (await said(c.p)).startsWith('Bus lines: 1.'), 'the step announced');
  const axeC = await axeCheck(c.p, { impacts: 'all' });
  assert.deepEqual(axeC, [], formatViolations(axeC));
  await screenshot(c.p, 'rank-phone-points');
  await c.poll.getByRole('button', { name: 'Vote' }).click();
  await recorded(c.poll, 'the points ballot recorded');
  assert.deepEqual(await c.poll.locator('.points-value').allTextContents(), ['6', '1', '0', '3'], 'the form starts again from the ballot');
  // A second voter, through the keyboard: Tab to a plus and press Space.
  const d = await phoneWithPoll(t, room.code, pointsTitle);
  await d.poll.getByRole('button', { name: 'One more point for Bus lines' }).focus();
  await d.p.keyboard.press('Space');
  await d.p.keyboard.press('Space');
  await d.poll.getByRole('button', { name: 'Vote' }).focus();
  await d.p.keyboard.press('Enter');
  await recorded(d.poll, 'the second points ballot recorded');

  for (const s of screens) {
    await until(async () => (await s.locator('#poll-results .result-figure').allTextContents()).join('|') === '6 pts · 1 person|3 pts · 2 people|0 pts · nobody|3 pts · 1 person', 'the screen shows points and voters');
    assert.equal(await fits(s), '', 'the screen does not scroll');
  }
  await screenshot(screens[0], 'rank-screen-points-1920');
  await screenshot(screens[1], 'rank-screen-points-1280');

  // 4. The largest ranking: 12 long options, a partial ranking of the top
  // three. The phone marks the rest as not ranked; the screens still fit.
  const many = Array.from({ length: 12 }, (_, i) => `Priority ${i + 1}: ${'a longer description of what it would change '.repeat(2).slice(0, 80).trim()}`);
  const topTitle = 'Your top three of the twelve proposals';
  const modTop = await createPoll(mod, { title: topTitle, kind: 'ranking', places: 3, opts: many });
  await modTop.getByRole('button', { name: 'Show on screen' }).click();
  const e = await phoneWithPoll(t, room.code, topTitle);
  assert.match(await e.poll.locator('.ranking .hint').textContent(), /^Put your 3 favourites at the top/);
  assert.equal(await e.poll.locator('.rank-item.unranked').count(), 9);
  assert.equal(await e.poll.locator('.rank-item').nth(3).getAttribute('aria-label'), `${many[3]}, not ranked`);
  await e.poll.locator('.rank-item').nth(5).focus();
  for (let i = 0; i < 5; i++) await e.p.keyboard.press('ArrowUp');
  await until(async () => (await said(e.p)) === `${many[5]}: place 1 of 3`, 'the move into the ranked places announced');
  await e.poll.getByRole('button', { name: 'Vote' }).click();
  await recorded(e.poll, 'the partial ranking recorded');
  // Borda with 12 options: 11, 10 and 9 points for the three places.
  for (const s of screens) {
    await until(async () => (await s.locator('#poll-results .result-figure').count()) === 12 &&
      (await s.locator('#poll-results .result-figure').first().textContent()) === '10 points · first for 0%', 'the screen shows the twelve');
    assert.equal(await s.locator('#poll-results .result-figure').nth(5).textContent(), '11 points · first for 100%');
    assert.equal(await fits(s), '', 'twelve long options fit');
  }
  await screenshot(screens[0], 'rank-screen-twelve-1920');
  await screenshot(screens[1], 'rank-screen-twelve-1280');

  // 5. Closed, the ranking shows each voter their ballot; the report
  // carries both polls' scores.
  await modRank.getByRole('button', { name: 'Close poll' }).click();
  await a.p.getByRole('tab', { name: /^Polls/ }).click();
  await until(async () => (await a.p.locator('#polls .ballot').first().textContent()) === 'Your vote: 1. School meals, 2. Parks and trees, 3. Bus lines, 4. Housing', 'the closed ranking shows the ballot');
  const report = await newPage(env.browser, t);
  await report.goto(`${env.server.url}/r/${room.code}`);
  const block = (title) => report.locator('.poll-block').filter({ hasText: title });
  const rows = (title) => block(title).locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent).join('|')));
  await block(rankTitle).waitFor();
  assert.match(await block(rankTitle).locator('.poll-meta').textContent(), /^Ranking \(Borda count\)/);
  assert.deepEqual(await rows(rankTitle), ['Parks and trees|4|0', 'Bus lines|2|0', 'School meals|3|1', 'Housing|3|1']);
  assert.deepEqual(await rows(pointsTitle), ['Parks and trees|6|1', 'Bus lines|3|2', 'School meals|0|0', 'Housing|3|1']);
  await screenshot(report, 'rank-report');
});

test('the dashboard corrects a ranking or points poll before anyone votes', async (t) => {
  const room = await createRoom(env.server, { title: 'Corrections', steps: ['One'], settings });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  const poll = (title) => mod.evaluate((x) => window.tribune.state.view.polls.find((p) => p.title === x), title);

  const points = await createPoll(mod, { title: 'Spread the points', kind: 'points', budget: 10, open: false });
  assert.deepEqual(await poll('Spread the points').then((p) => [p.kind, p.budget, p.max]), ['points', 10, 10], 'no per-option limit: the budget');
  await points.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await points.getByLabel('Points per person').inputValue(), '10');
  await points.getByLabel('Points per person').fill('12');
  await points.getByLabel('Most points on one option (empty: no limit)').fill('5');
  await points.getByRole('button', { name: 'Save' }).click();
  await until(async () => JSON.stringify(await poll('Spread the points').then((p) => [p.budget, p.max])) === '[12,5]', 'the new budget');
  // A budget out of range is caught in the page, naming what to fix.
  await points.getByRole('button', { name: 'Edit' }).click();
  await points.getByLabel('Points per person').fill('0');
  await points.getByRole('button', { name: 'Save' }).click();
  await points.getByText('Give each person 1 to 100 points.').waitFor();

  const ranking = await createPoll(mod, { title: 'Rank them', kind: 'ranking', open: false });
  assert.deepEqual(await poll('Rank them').then((p) => [p.kind, p.max]), ['ranking', 4], 'empty places: every option');
  await ranking.getByRole('button', { name: 'Edit' }).click();
  await ranking.getByLabel('Places to rank (empty: every option)').fill('2');
  await ranking.getByRole('button', { name: 'Save' }).click();
  await until(async () => (await poll('Rank them')).max === 2, 'the partial ranking');
});
