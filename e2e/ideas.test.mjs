// The ideas board in real browsers against the real server: the moderator
// opens a board from the dashboard (1366x768); on a phone (390x844) a
// participant submits an idea with the keyboard only and sees it marked as
// waiting; the moderator approves it and refuses another with a reason;
// a second participant supports the idea with the keyboard (aria-pressed),
// the big screens show it with its votes (legible at 1920x1080, no scroll
// at 1280x720), and the refused idea reaches neither the screens nor the
// other phone, only its author with the reason. Two ideas become the
// options of a draft poll; the report shows the ideas once the meeting
// ends. Screenshots go to e2e/artifacts; axe-core finds nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom, join } from './lib/browser.mjs';

const env = shared({ before, after });
const phone = { width: 390, height: 844 };
const settings = { qaOpen: true, preModeration: true, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '' };
const prompt = 'What should the action plan commit to on open data?';
const goodIdea = 'Publish every public contract';
const goodText = 'Within a month of signing, with the amounts.';
const spam = 'Buy cheap watches zqw';

/** Presses Tab until the focused element matches test (in the page), at most n times. */
async function tabTo(p, test, n = 60) {
  for (let i = 0; i < n; i++) {
    if (await p.evaluate(test)) return;
    await p.keyboard.press('Tab');
  }
  assert.ok(await p.evaluate(test), `keyboard focus never reached ${test}`);
}

/** What does not fit on a screen: a page that scrolls, an element of the ideas box outside the viewport. */
const fits = (p) => p.evaluate(async () => {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const se = document.scrollingElement;
  const bad = se.scrollHeight <= innerHeight && se.scrollWidth <= innerWidth ? [] : [`the page scrolls: ${se.scrollWidth}x${se.scrollHeight} in ${innerWidth}x${innerHeight}`];
  for (const el of document.querySelectorAll('#ideas-box *')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1)) bad.push(`${el.id || el.className} outside the viewport`);
  }
  return bad.join('; ');
});

test('ideas board: opened by the moderator, fed and supported from phones by keyboard, moderated, shown on the big screen', async (t) => {
  const room = await createRoom(env.server, { title: 'Open data action plan', steps: ['Welcome', 'Commitments'], settings });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.locator('#start').click();
  await until(async () => (await mod.locator('#start').isHidden()), 'the meeting started');
  await mod.locator('#tab-ideas').click();
  await mod.locator('#board-prompt').fill(prompt);
  await mod.locator('#board-step').selectOption('1');
  await mod.locator('#board-open').click();
  await until(async () => (await mod.locator('#mod-board .ideas-prompt').textContent()) === prompt, 'the board open on the dashboard');

  const screens = [];
  for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
    const s = await newPage(env.browser, t, { viewport });
    await s.goto(`${env.server.url}/s/${room.code}`);
    await live(s);
    screens.push(s);
  }

  // A participant on a phone, keyboard only: to the Ideas tab, then the form.
  const a = await newPage(env.browser, t, { viewport: phone });
  await join(env.server, a, room.code);
  await until(() => a.locator('#tab-ideas').isVisible(), 'the Ideas tab shown once a board is open');
  await a.locator('body').focus();
  await tabTo(a, () => document.activeElement?.getAttribute('role') === 'tab');
  for (let i = 0; i < 6 && !(await a.evaluate(() => document.activeElement?.id === 'tab-ideas')); i++) await a.keyboard.press('ArrowRight');
  assert.equal(await a.evaluate(() => document.activeElement?.id), 'tab-ideas', 'the arrow keys reach the Ideas tab');
  assert.equal(await a.locator('#ideas-prompt').textContent(), prompt);
  assert.ok(await a.locator('#ideas-prompt').isVisible(), 'the prompt on the first screen');
  await tabTo(a, () => document.activeElement?.id === 'idea-title');
  await a.keyboard.type(goodIdea);
  await a.keyboard.press('Tab');
  await a.keyboard.type(goodText);
  await a.keyboard.press('Tab');
  assert.equal(await a.evaluate(() => document.activeElement?.id), 'idea-submit');
  await a.keyboard.press('Enter');
  await until(async () => (await a.locator('#idea-status').textContent()).includes('once a moderator approves it'), 'the idea sent, waiting for moderation');
  await until(async () => (await a.locator('#my-ideas li').count()) === 1, 'the own waiting idea listed');
  assert.match(await a.locator('#my-ideas li').textContent(), /Publish every public contract.*Waiting for a moderator/);
  const axeA = await axeCheck(a, { impacts: 'all' });
  assert.deepEqual(axeA, [], formatViolations(axeA));
  await screenshot(a, 'ideas-phone-waiting');

  // A second participant submits spam.
  const b = await newPage(env.browser, t, { viewport: phone });
  await join(env.server, b, room.code);
  await b.locator('#tab-ideas').click();
  await b.locator('#idea-title').fill(spam);
  await b.locator('#idea-submit').click();
  await until(async () => (await b.locator('#my-ideas li').count()) === 1, 'the spam waiting');

  // The moderator approves the first, refuses the spam with a reason.
  await until(async () => (await mod.locator('#mod-ideas-waiting > li').count()) === 2, 'two ideas waiting on the dashboard');
  assert.equal(await mod.locator('#tab-ideas .tab-badge').textContent(), '', 'no badge on the panel shown');
  await mod.locator('#mod-ideas-waiting > li[data-id="1"]').getByRole('button', { name: 'Approve' }).click();
  await until(async () => (await mod.locator('#mod-ideas-live > li').count()) === 1, 'the idea published');
  await mod.locator('#mod-ideas-waiting > li[data-id="2"]').getByRole('button', { name: 'Reject' }).click();
  await mod.locator('#mi-2-reason').selectOption('off-topic');
  await mod.getByRole('button', { name: 'Refuse the idea' }).click();
  await until(async () => (await mod.locator('#mod-ideas-waiting > li').count()) === 0, 'nothing left waiting');

  // The second participant supports the idea, keyboard only.
  await until(async () => (await b.locator('#ideas li').count()) === 1, 'the published idea on the other phone');
  const vote = b.locator('#ideas li .vote');
  assert.equal(await vote.getAttribute('aria-pressed'), 'false');
  await vote.focus();
  await b.keyboard.press('Space');
  await until(async () => (await vote.getAttribute('aria-pressed')) === 'true', 'the support pressed');
  await until(async () => (await b.locator('#ideas li .vote-count').textContent()) === '1 vote', 'the count on the phone');
  await until(async () => (await b.locator('#my-ideas li').textContent()).includes('Not published: off topic'), 'the author sees the reason');
  assert.equal(await b.locator('#ideas').textContent().then((s) => s.includes('zqw')), false);
  const refusedLine = await b.locator('#ideas-refused').textContent();
  assert.match(refusedLine, /1 idea was not published/);
  await screenshot(b, 'ideas-phone-voted');

  // The screens show it with its count; the spam never.
  for (const s of screens) {
    await until(async () => (await s.locator('#ideas-top li .top-votes').allTextContents()).join('|') === '1 vote', 'the screen shows the idea and its vote');
    assert.equal(await s.locator('#ideas-top li .top-text').textContent(), goodIdea);
    assert.equal(await s.locator('#ideas-screen-prompt').textContent(), prompt);
    assert.equal(await s.locator('body').textContent().then((x) => x.includes('zqw')), false, 'a refused idea on the screen');
    assert.equal(await fits(s), '', 'the screen does not scroll');
  }
  const fontPx = await screens[0].locator('#ideas-top .top-text').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontPx >= 24, `ideas legible at 1920x1080 (${fontPx}px)`);
  await screenshot(screens[0], 'ideas-screen-1920');
  await screenshot(screens[1], 'ideas-screen-1280');
  // Neither the other phone's state nor the screen's ever held the spam.
  for (const p of [a, screens[0]]) {
    assert.equal(await p.evaluate(() => JSON.stringify(globalThis.tribune?.state.view ?? {}).includes('zqw')), false, 'a refused idea in a view');
  }

  // A second idea, then both become the options of a draft poll.
  await a.locator('#idea-title').fill('Open budget data every month');
  await a.locator('#idea-submit').click();
  await until(async () => (await mod.locator('#mod-ideas-waiting > li').count()) === 1, 'the second idea waiting');
  await mod.locator('#mod-ideas-waiting > li[data-id="3"]').getByRole('button', { name: 'Approve' }).click();
  await until(async () => (await mod.locator('#mod-ideas-live > li').count()) === 2, 'two ideas published');
  await mod.locator('#mi-1-choose').check();
  await mod.locator('#mi-3-choose').check();
  await mod.locator('#idea-poll-kind').selectOption('ranking');
  await mod.locator('#idea-poll-make').click();
  await mod.locator('#tab-polls').click();
  const poll = mod.locator('#polls .poll').filter({ hasText: prompt });
  await poll.waitFor();
  const modAxe = await axeCheck(mod, { impacts: 'serious' });
  assert.deepEqual(modAxe, [], formatViolations(modAxe));
  await mod.locator('#tab-ideas').click();
  await until(async () => (await mod.locator('#mod-ideas-live > li[data-id="1"] .q-meta').textContent()).includes('option of poll 1'), 'the idea records its poll');
  // At 1366x768 the board's prompt and close button are in view on the
  // panel's first view, and stay there with the panel scrolled to its end.
  for (const scrolled of [false, true]) {
    const hidden = await mod.evaluate(async (scrolled) => {
      const panel = document.getElementById('panel-ideas');
      panel.scrollTop = scrolled ? panel.scrollHeight : 0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const box = panel.getBoundingClientRect();
      const out = [];
      for (const sel of ['#mod-board .ideas-prompt', '#board-close']) {
        const r = document.querySelector(sel).getBoundingClientRect();
        const inside = r.top >= Math.max(0, box.top) - 1 && r.bottom <= Math.min(innerHeight, box.bottom) + 1 && r.right <= innerWidth;
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!inside || !top || !document.querySelector(sel).contains(top)) out.push(sel);
      }
      return out.join(', ');
    }, scrolled);
    assert.equal(hidden, '', `out of view at 1366x768${scrolled ? ', the panel scrolled to its end' : ''}`);
    if (!scrolled) await screenshot(mod, 'ideas-dashboard');
  }
  await screenshot(mod, 'ideas-dashboard-scrolled');

  // The board closes; the phones say so and stop taking ideas.
  await mod.locator('#board-close').click();
  await until(() => a.locator('#ideas-closed').isVisible(), 'the phone says the board is closed');
  assert.equal(await a.locator('#idea-form').isVisible(), false);
  await until(() => b.locator('#ideas li .vote').first().isDisabled(), 'the support buttons off once closed');

  // The report, once the meeting ended, shows the ideas.
  mod.once('dialog', (d) => d.accept());
  await mod.locator('#end').click();
  await until(async () => (await mod.locator('#end').isHidden()), 'the meeting ended');
  const r = await newPage(env.browser, t, { viewport: { width: 1280, height: 900 } });
  await r.goto(`${env.server.url}/r/${room.code}`);
  await r.locator('body[data-ready="true"]').waitFor();
  const ideas = r.locator('#ideas');
  await ideas.waitFor();
  assert.match(await ideas.textContent(), /Publish every public contract/);
  assert.match(await ideas.textContent(), /3 ideas submitted: 2 published, 0 merged, 1 refused, 0 never moderated\./);
  assert.equal((await r.locator('body').textContent()).includes('zqw'), false, 'the report quotes the refused idea');
  await ideas.scrollIntoViewIfNeeded();
  await screenshot(r, 'ideas-report');
});
