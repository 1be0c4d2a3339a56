// The participant page on a phone (390x844), in a busy meeting: the
// questions on the first screen, sections one tap (or one arrow key)
// apart with a badge when something new arrives in one not shown, what is
// live pinned above them, the keyboard-only path to ask, upvote, vote and
// ask to speak, a poll's maximum of choices held in the page, commands
// made offline that say they wait and then that they went, merges and
// refusals shown. axe-core must find nothing, of any impact; screenshots
// of each section go to e2e/artifacts.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { axeCheck, formatViolations, until, newPage, live, shared, createRoom, join, artifactsDir } from './lib/browser.mjs';
import { runBusyMeeting, busyQuestions } from './lib/busy.mjs';

const env = shared({ before, after });
const phone = { width: 390, height: 844 };

const settings = { qaOpen: true, preModeration: true, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '' };

/** A meeting already busy, and a phone joined to it. */
async function busyPhone(t, options = {}) {
  const room = await createRoom(env.server, { title: 'Town hall: the new library', description: 'Second step meeting of the consultation.', steps: ['Welcome', 'The project', 'Questions'], settings });
  const runner = await newPage(env.browser, t);
  await runner.goto(`${env.server.url}/about`);
  await runBusyMeeting(runner, room.code, room.moderatorKey);
  const p = await newPage(env.browser, t, { viewport: phone, ...options });
  await join(env.server, p, room.code);
  await until(async () => (await p.locator('#questions > li').count()) === 7, 'the published questions');
  return { room, p };
}

/** axe-core, every impact. */
async function accessible(p, name) {
  const violations = await axeCheck(p, { impacts: 'all' });
  assert.deepEqual(violations, [], `${name}: ${formatViolations(violations)}`);
}

/**
 * What the phone shows, as the person sees it: the screen, not the whole
 * page (the tab bar stays at the bottom of the screen).
 */
const screenshot = (p, name) => p.screenshot({ path: path.join(artifactsDir, `${name}.png`) });

const texts = (p, sel) => p.locator(sel).allTextContents();
const focused = (p) => p.evaluate(() => {
  const el = document.activeElement;
  return el ? (el.id || el.textContent.trim().slice(0, 40)) : '';
});

/** Presses Tab (or Shift+Tab) until pred(activeElement) holds, at most n times. */
async function tabTo(p, pred, what, { n = 60, back = false } = {}) {
  for (let i = 0; i < n; i++) {
    await p.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await p.evaluate(pred)) return;
  }
  throw new Error(`Tab never reached ${what} (at ${await focused(p)})`);
}

test('the first screen after joining shows the questions; sections are tabs with badges', async (t) => {
  const { room, p } = await busyPhone(t);
  // The first question, its text and its vote button, on the first
  // screen, above the tab bar.
  const first = p.locator('#questions > li').first();
  const box = await first.boundingBox();
  const bar = await p.locator('#tabs').boundingBox();
  assert.ok(box && bar, 'the first question and the tab bar are laid out');
  assert.ok(box.y + box.height <= bar.y, `the first question (${box.y}+${box.height}) ends above the tab bar (${bar.y})`);
  assert.ok(bar.y + bar.height <= phone.height + 1, 'the tab bar is on screen');
  assert.equal(await p.evaluate(() => window.scrollY), 0);
  // Pinned above the sections: the open poll and the question being answered.
  await p.getByRole('region', { name: 'Which services matter most to you?' }).waitFor();
  assert.equal(await p.locator('#answering-link').textContent(), busyQuestions[0]);
  await p.getByRole('region', { name: 'Announcement' }).getByText('Ten-minute break at 8pm.').waitFor();
  // The public count of refusals, by reason.
  assert.equal(await p.locator('#refused').textContent(), '1 question was not published by the moderators. Reasons: off topic (1).');
  await accessible(p, 'phone, questions');
  await screenshot(p, 'phone-questions');

  // The tabs pattern: roles, one tab in the Tab order, arrows move.
  const tabs = p.getByRole('tablist', { name: 'Sections' });
  assert.deepEqual(await tabs.getByRole('tab').evaluateAll((ts) => ts.map((x) => [x.querySelector('.tab-name').textContent, x.getAttribute('aria-selected'), x.tabIndex])),
    [['Questions', 'true', 0], ['Polls', 'false', -1], ['Speak', 'false', -1], ['Meeting', 'false', -1]]);
  await p.getByRole('tab', { name: 'Questions' }).focus();
  await p.keyboard.press('ArrowRight');
  assert.equal(await p.getByRole('tab', { name: 'Polls' }).getAttribute('aria-selected'), 'true');
  assert.equal(await focused(p), 'tab-polls');
  assert.equal(await p.locator('#panel-questions').isVisible(), false);
  // Closed polls fold away, the latest unfolded.
  const closed = p.locator('#polls details');
  assert.equal(await closed.count(), 2);
  assert.deepEqual(await closed.evaluateAll((ds) => ds.map((d) => d.open)), [true, false]);
  await p.getByRole('tabpanel', { name: 'Polls' }).getByText('Results are shown when the poll closes.').count();
  await accessible(p, 'phone, polls');
  await screenshot(p, 'phone-polls');
  await p.keyboard.press('ArrowRight');
  await p.getByRole('tabpanel', { name: 'Speak' }).getByText('Speaking: Alice (In the room).', { exact: false }).waitFor();
  await accessible(p, 'phone, speak');
  await screenshot(p, 'phone-speak');
  await p.keyboard.press('End');
  assert.equal(await p.getByRole('tab', { name: 'Meeting' }).getAttribute('aria-selected'), 'true');
  await p.getByRole('tabpanel', { name: 'Meeting' }).getByText('Second step meeting of the consultation.').waitFor();
  await accessible(p, 'phone, meeting');
  await screenshot(p, 'phone-meeting');
  await p.keyboard.press('ArrowRight');
  assert.equal(await focused(p), 'tab-questions', 'the arrows wrap around');

  // Something new in a section not shown: a badge, and words for it.
  await p.keyboard.press('ArrowRight');
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.locator('#queue > li').filter({ hasText: busyQuestions[7] }).getByRole('button', { name: 'Approve' }).click();
  const qtab = p.getByRole('tab', { name: /^Questions/ });
  await until(async () => (await qtab.locator('.tab-badge').textContent()) === '1', 'the badge');
  assert.equal(await qtab.evaluate((el) => el.textContent), 'Questions1 (1 new)');
  await accessible(p, 'phone, badge');
  await screenshot(p, 'phone-badge');
  await qtab.click();
  assert.equal(await qtab.locator('.tab-badge').textContent(), '');
  assert.equal(await qtab.locator('.tab-new').textContent(), '');
});

test('from the keyboard alone: skip to the questions, ask, upvote, vote, ask to speak', async (t) => {
  const { p } = await busyPhone(t);
  // Coming back to the page: the first Tab stops are the skip links.
  await p.reload();
  await live(p);
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.textContent), 'Skip to the questions');
  await p.keyboard.press('Enter');
  assert.equal(await focused(p), 'questions-title');

  // Ask: back to the box, type, Tab to Send, Enter.
  await tabTo(p, () => document.activeElement.id === 'ask-text', 'the question box', { back: true });
  await p.keyboard.type('Typed without a mouse: will there be lockers?');
  await p.keyboard.press('Tab');
  assert.equal(await focused(p), 'ask-submit');
  await p.keyboard.press('Enter');
  await until(async () => /approves it/.test(await p.locator('#ask-status').textContent()), 'the question sent');
  await p.locator('#mine').getByText('Typed without a mouse: will there be lockers?').waitFor();

  // Upvote the fourth question: Tab to its button, Space.
  await tabTo(p, () => document.activeElement.closest('#q-4') && document.activeElement.classList.contains('vote'), 'the vote on #4');
  await p.keyboard.press('Space');
  await until(async () => (await p.locator('#q-4 .vote').getAttribute('aria-pressed')) === 'true', 'the upvote');
  await until(async () => (await p.locator('#q-4 .vote-count').textContent()) === '2 votes', 'the count');

  // Vote in the open poll, above the sections: unfold it, tick, Vote.
  await tabTo(p, () => document.activeElement.matches('#live-polls summary'), 'the open poll', { back: true });
  await p.keyboard.press('Enter');
  await p.keyboard.press('Tab');
  assert.equal(await p.evaluate(() => document.activeElement.labels?.[0]?.textContent), 'Late opening');
  await p.keyboard.press('Space');
  await tabTo(p, () => document.activeElement.textContent === 'Vote', 'the Vote button');
  await p.keyboard.press('Enter');
  const poll = p.getByRole('region', { name: 'Which services matter most to you?' });
  await until(async () => /You voted/.test(await poll.locator('.poll-status').textContent()), 'the ballot');
  assert.equal(await poll.locator('summary').textContent(), 'Your vote and the results');

  // Ask to speak: to the tab bar, arrows to Speak, into the panel.
  await tabTo(p, () => document.activeElement.getAttribute('role') === 'tab', 'the tab bar', { back: true });
  await p.keyboard.press('Home');
  await p.keyboard.press('ArrowRight');
  await p.keyboard.press('ArrowRight');
  assert.equal(await focused(p), 'tab-speak');
  await tabTo(p, () => document.activeElement.id === 'floor-topic', 'the topic field');
  await p.keyboard.type('Lockers');
  await p.keyboard.press('Enter');
  await until(async () => (await p.locator('#floor-mine').textContent()) === 'You are number 2 in line.', 'in line');
  await accessible(p, 'phone, after the keyboard path');
  await screenshot(p, 'phone-keyboard-speak');
});

test('a poll with a maximum of choices stops at it, and says why', async (t) => {
  const { p } = await busyPhone(t);
  const poll = p.getByRole('region', { name: 'Which services matter most to you?' });
  await poll.getByText('Answer the poll').click();
  await poll.getByText('At most 2 choices.').waitFor();
  await poll.getByLabel('Late opening').check();
  await poll.getByLabel('Study rooms').check();
  assert.equal(await poll.getByLabel('Children’s corner').isDisabled(), true);
  assert.equal(await poll.getByLabel('Café').isDisabled(), true);
  const hint = poll.getByText('At most 2 choices: untick one to choose another.');
  await hint.waitFor();
  // The boxes say why, to a screen reader too.
  assert.equal(await poll.locator('fieldset').getAttribute('aria-describedby'), await hint.getAttribute('id'));
  await accessible(p, 'phone, at the maximum');
  await screenshot(p, 'phone-poll-max');
  await p.emulateMedia({ colorScheme: 'dark' });
  await accessible(p, 'phone, at the maximum, dark');
  await screenshot(p, 'phone-poll-max-dark');
  await p.emulateMedia({ colorScheme: 'light' });
  await poll.getByLabel('Study rooms').uncheck();
  assert.equal(await poll.getByLabel('Café').isDisabled(), false);
  await poll.getByLabel('Café').check();
  await poll.getByRole('button', { name: 'Vote' }).click();
  await until(async () => /You voted/.test(await poll.locator('.poll-status').textContent()), 'the ballot');
  assert.deepEqual(await poll.locator('input:checked').evaluateAll((is) => is.map((i) => i.labels[0].textContent)), ['Late opening', 'Café']);
});

test('offline, a question, an upvote and a vote say they wait, then that they went', async (t) => {
  const { room, p } = await busyPhone(t, { allow: /ERR_INTERNET_DISCONNECTED/ });
  await p.context().setOffline(true);
  await until(async () => (await p.locator('#conn').getAttribute('data-conn')) === 'offline', 'offline');

  await p.getByLabel('Your question', { exact: true }).fill('Asked in the basement');
  await p.getByRole('button', { name: 'Send question' }).click();
  const waiting = p.locator('#mine > li').filter({ hasText: 'Asked in the basement' });
  assert.equal(await waiting.locator('.q-meta').textContent(), 'Waiting to send');
  assert.equal(await p.locator('#ask-submit').textContent(), 'Waiting to send');

  const vote = p.locator('#q-5 .vote');
  await vote.click();
  await until(async () => /Waiting to send/.test(await vote.textContent()), 'the upvote waiting');
  assert.equal(await vote.getAttribute('aria-pressed'), 'true');

  const poll = p.getByRole('region', { name: 'Which services matter most to you?' });
  await poll.getByText('Answer the poll').click();
  await poll.getByLabel('Study rooms').check();
  await poll.getByRole('button', { name: 'Vote' }).click();
  await until(async () => /Waiting to send/.test(await poll.locator('.poll-send').textContent()), 'the ballot waiting');
  await accessible(p, 'phone, offline');
  await screenshot(p, 'phone-offline-waiting');

  await p.context().setOffline(false);
  await live(p);
  await until(async () => /^Sent\./.test(await p.locator('#ask-status').textContent()), 'the question sent');
  await until(async () => /Sent/.test(await vote.textContent()), 'the upvote sent');
  await until(async () => /Sent: your vote is recorded/.test(await poll.locator('.poll-send').textContent()), 'the ballot sent');
  assert.equal(await p.locator('#ask-submit').textContent(), 'Send question');
  await p.locator('#mine > li').filter({ hasText: 'Asked in the basement' }).filter({ hasText: 'Waiting for a moderator' }).waitFor();
  await screenshot(p, 'phone-offline-sent');
  // Each went once.
  const mod = await newPage(env.browser, t);
  await mod.goto(room.links.moderator);
  await live(mod);
  await until(async () => (await mod.locator('#queue .q-text').allTextContents()).filter((x) => x === 'Asked in the basement').length === 1, 'asked once');
  await until(async () => (await vote.locator('.vote-count').textContent()) === '1 vote', 'one more vote');
  await until(async () => !/Sent/.test(await vote.textContent()), 'the sent mark gone after a while');
});

test('merges and refusals are visible: "merged into #N" leads to it; refusals counted by reason', async (t) => {
  const { room, p } = await busyPhone(t);
  const mod = await newPage(env.browser, t);
  await mod.goto(room.links.moderator);
  await live(mod);
  for (const text of ['Sunday opening, again?', 'Advert for my shop']) {
    await p.getByLabel('Your question', { exact: true }).fill(text);
    await p.getByRole('button', { name: 'Send question' }).click();
    await mod.locator('#queue > li').filter({ hasText: text }).waitFor();
  }
  const dup = mod.locator('#queue > li').filter({ hasText: 'Sunday opening, again?' });
  await dup.getByRole('button', { name: 'Merge', exact: true }).click();
  await mod.getByLabel('Merge into').selectOption('1');
  await mod.getByRole('button', { name: 'Merge the questions' }).click();
  await dup.waitFor({ state: 'detached' });
  const ad = mod.locator('#queue > li').filter({ hasText: 'Advert for my shop' });
  await ad.getByRole('button', { name: 'Reject' }).click();
  await mod.getByLabel('Reason').selectOption('abusive');
  await mod.getByRole('button', { name: 'Reject the question' }).click();

  const merged = p.locator('#mine > li').filter({ hasText: 'Sunday opening, again?' });
  await until(async () => /merged into #1/.test(await merged.textContent()), 'the merge told to the author');
  await until(async () => (await p.locator('#refused').textContent()) === '2 questions were not published by the moderators. Reasons: abusive (1), off topic (1).', 'the refusals by reason');
  await accessible(p, 'phone, merged and refused');
  await screenshot(p, 'phone-merged-refused');
  await merged.getByRole('link', { name: 'merged into #1' }).click();
  assert.equal(await focused(p), 'q-1');
  assert.equal(await p.locator('#q-1').evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }), true);

  // In French too.
  await p.getByRole('button', { name: 'Lire en français' }).click();
  await until(async () => /fusionnée dans la question #1/.test(await merged.textContent()), 'in French');
  assert.equal(await p.locator('#refused').textContent(), '2 questions n’ont pas été publiées par les modérateurs. Motifs : propos abusifs (1), hors sujet (1).');
});
