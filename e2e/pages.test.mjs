// The pages' own controls, in a real browser against the real server:
// language switching, pausing live lists, keeping the order still, refusal
// with a reason seen by the author, moderator keyboard shortcuts and their
// off switch, full screen on the big screen, and the errors people meet
// (a wrong code, a wrong moderator key, a link without its key).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom as createMeeting, join as joinMeeting } from './lib/browser.mjs';



const env = shared({ before, after });

/** Creates a meeting through the API. */
/** A meeting with pre-moderation unless settings say otherwise. */
const createRoom = (settings = {}) => createMeeting(env.server, {
  title: 'Council meeting',
  steps: ['Opening', 'Debate'],
  settings: { qaOpen: true, preModeration: true, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '', ...settings },
});

const page = (t, options) => newPage(env.browser, t, options);

const join = (p, code, channel) => joinMeeting(env.server, p, code, channel);

const texts = (p, sel) => p.locator(sel).allTextContents();

test('the language follows the browser, switches, and is remembered', async (t) => {
  const room = await createRoom();
  const p = await page(t, { locale: 'fr-FR' });
  await join(p, room.code);
  assert.equal(await p.locator('html').getAttribute('lang'), 'fr');
  await p.getByRole('heading', { name: 'Poser une question' }).waitFor();
  await p.getByRole('button', { name: 'Read in English' }).click();
  assert.equal(await p.locator('html').getAttribute('lang'), 'en');
  await p.getByRole('heading', { name: 'Ask a question' }).waitFor();
  assert.equal(await p.locator('#conn').textContent(), 'Connected');
  await p.reload();
  await live(p);
  assert.equal(await p.locator('html').getAttribute('lang'), 'en');
  const violations = await axeCheck(p);
  assert.deepEqual(violations, [], formatViolations(violations));
});

test('pausing the list holds updates back and counts them; keep order holds the order', async (t) => {
  const room = await createRoom({ preModeration: false });
  const a = await page(t, { viewport: { width: 390, height: 844 } });
  const b = await page(t);
  await join(a, room.code);
  await join(b, room.code, 'remote');

  const ask = async (p, text) => {
    await p.getByLabel('Your question', { exact: true }).fill(text);
    await p.getByRole('button', { name: 'Send question' }).click();
    await until(async () => (await p.locator('#ask-status').textContent()) === 'Your question is published.', 'the ack');
  };
  await ask(b, 'First question');
  await until(async () => (await texts(a, '#questions .q-text')).length === 1, 'the first question');

  const pause = a.getByRole('button', { name: 'Pause live updates' });
  await pause.click();
  assert.equal(await a.getByRole('button', { name: 'Resume live updates' }).getAttribute('aria-pressed'), 'true');
  await ask(b, 'Second question');
  await until(async () => /update(s)? waiting/.test(await a.locator('.pause-count').textContent()), 'the waiting count');
  assert.deepEqual(await texts(a, '#questions .q-text'), ['First question'], 'nothing moved while paused');
  await screenshot(a, 'participant-paused');
  await a.getByRole('button', { name: 'Resume live updates' }).click();
  assert.deepEqual(await texts(a, '#questions .q-text'), ['First question', 'Second question']);
  assert.equal(await a.locator('.pause-count').textContent(), '');

  // Keep the order still: a vote that would move the second question up
  // changes its count, not its place.
  await a.getByLabel('Keep the order still').check();
  await b.locator('#questions > li').filter({ hasText: 'Second question' }).getByRole('button', { name: /Upvote/ }).click();
  await until(async () => (await a.locator('#questions > li').nth(1).locator('.vote-count').textContent()) === '1 vote', 'the vote');
  assert.deepEqual(await texts(a, '#questions .q-text'), ['First question', 'Second question']);
  await a.getByLabel('Keep the order still').uncheck();
  assert.deepEqual(await texts(a, '#questions .q-text'), ['Second question', 'First question']);
  // Recent: newest first.
  await a.getByRole('button', { name: 'Recent' }).click();
  assert.equal(await a.getByRole('button', { name: 'Recent' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await texts(a, '#questions .q-text'), ['Second question', 'First question']);
});

test('a refused question tells its author why; shortcuts and their off switch', async (t) => {
  const room = await createRoom();
  const mod = await page(t);
  const author = await page(t, { viewport: { width: 390, height: 844 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await join(author, room.code);

  for (const text of ['Off topic remark', 'A fine question', 'Another fine one']) {
    await author.getByLabel('Your question', { exact: true }).fill(text);
    await author.getByRole('button', { name: 'Send question' }).click();
    await mod.locator('#queue > li').filter({ hasText: text }).waitFor();
  }

  // Reject with a reason and a note, from the keyboard.
  await mod.locator('#main').focus();
  await mod.keyboard.press('j');
  assert.equal(await mod.evaluate(() => document.activeElement.querySelector('.q-text')?.textContent), 'Off topic remark');
  await mod.keyboard.press('r');
  await mod.getByLabel('Reason').selectOption('off-topic');
  await mod.getByLabel('Note for the author (optional)').fill('Please ask it at the next step.');
  // The note is public: the field says so where it is typed.
  const noteHint = await mod.getByLabel('Note for the author (optional)').evaluate((el) => document.getElementById(el.getAttribute('aria-describedby'))?.textContent);
  assert.match(noteHint || '', /published with the refusal/i);
  await mod.getByRole('button', { name: 'Reject the question' }).click();
  const mine = author.locator('#mine > li').filter({ hasText: 'Off topic remark' });
  await until(async () => /Not published: off topic/.test(await mine.textContent()), 'the reason, for the author');
  assert.match(await mine.textContent(), /Please ask it at the next step\./);
  await until(async () => /1 question was not published/.test(await author.locator('#refused').textContent()), 'the public refusal count');
  await mod.getByRole('tab', { name: 'Handled' }).click();
  await mod.locator('#done > li').filter({ hasText: 'Off topic remark' }).waitFor();
  await until(async () => (await mod.locator('#ledger-rows').textContent()).includes('off topic'), 'the ledger entry');

  // The help overlay opens with ?, closes with Escape.
  await mod.locator('#main').focus();
  await mod.keyboard.press('?');
  const help = mod.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  await mod.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });

  // Turned off, a key does nothing...
  await mod.getByRole('button', { name: 'Keyboard shortcuts: on' }).click();
  await mod.getByRole('button', { name: 'Keyboard shortcuts: off' }).waitFor();
  await mod.locator('#queue > li').first().focus();
  await mod.keyboard.press('a');
  // A barrier, not a wait: the settings sent back as they are, a command
  // that changes nothing to see. An approval the key had sent would be
  // ahead of it on the same connection, so answered before it and in the
  // state at its seq.
  const { seq } = await mod.evaluate(() => window.tribune.send({ op: 'room.settings', settings: window.tribune.state.view.meeting.settings }));
  await until(async () => (await mod.evaluate(() => window.tribune.state.seq)) >= seq, 'the state at the barrier');
  const waiting = await mod.evaluate(() => window.tribune.state.view.questions.filter((q) => q.status === 'pending').map((q) => q.text));
  assert.deepEqual(waiting.sort(), ['A fine question', 'Another fine one'], 'nothing approved');
  assert.equal(await mod.locator('#queue > li').count(), 2);
  // ...and on again, it approves the focused question.
  await mod.getByRole('button', { name: 'Keyboard shortcuts: off' }).click();
  await mod.locator('#queue > li').filter({ hasText: 'A fine question' }).focus();
  await mod.keyboard.press('a');
  await until(async () => (await texts(author, '#questions .q-text')).includes('A fine question'), 'the approved question');
  assert.equal(await mod.locator('#queue > li').count(), 1);

  // Typing in a field is never a shortcut.
  await mod.getByRole('tab', { name: 'Announce' }).click();
  await mod.getByLabel('Message to everyone').fill('aaa');
  assert.equal(await mod.locator('#queue > li').count(), 1);

  // Merge the last one into the approved one, answer, pin.
  const last = mod.locator('#queue > li').filter({ hasText: 'Another fine one' });
  await last.getByRole('button', { name: 'Merge', exact: true }).click();
  await mod.getByLabel('Merge into').selectOption('2');
  await mod.getByRole('button', { name: 'Merge the questions' }).click();
  await until(async () => /Includes #3/.test(await mod.locator('#live > li').filter({ hasText: 'A fine question' }).textContent()), 'the merge');
  const kept = mod.locator('#live > li').filter({ hasText: 'A fine question' });
  await kept.getByRole('button', { name: 'Pin' }).click();
  await kept.getByRole('button', { name: 'Unpin' }).waitFor();
  await kept.getByRole('button', { name: 'Mark answered' }).click();
  await mod.getByLabel('Written answer (optional)').fill('Yes, from <b>January</b>.');
  await mod.locator('.inline-action').getByRole('button', { name: 'Mark answered' }).click();
  const answered = author.locator('#answered > li').filter({ hasText: 'A fine question' });
  await until(async () => (await answered.locator('.q-answer').textContent()) === 'Answer: Yes, from <b>January</b>.', 'the written answer');
  const violations = await axeCheck(mod);
  assert.deepEqual(violations, [], formatViolations(violations));
  await screenshot(mod, 'moderator-after-moderation');
  await screenshot(author, 'participant-refused');
});

test('poll result visibility: after voting, after close', async (t) => {
  const room = await createRoom();
  const mod = await page(t);
  const voter = await page(t, { viewport: { width: 390, height: 844 } });
  const other = await page(t);
  const screenPage = await page(t, { viewport: { width: 1920, height: 1080 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await join(voter, room.code);
  await join(other, room.code, 'remote');
  await screenPage.goto(`${env.server.url}/s/${room.code}`);
  await live(screenPage);

  await mod.getByText('New poll').click();
  await mod.getByLabel('Question asked').fill('How clear was the presentation?');
  await mod.getByLabel('Kind').selectOption('rating');
  await mod.getByLabel('Scale (from 1 to)').fill('5');
  await mod.locator('#poll-form').getByLabel('Results shown').selectOption('voted');
  await mod.getByRole('button', { name: 'Create poll' }).click();
  const poll = mod.getByRole('region', { name: 'How clear was the presentation?' });
  await poll.getByRole('button', { name: 'Open poll' }).click();
  await poll.getByRole('button', { name: 'Show on screen' }).click();

  const vp = voter.getByRole('region', { name: 'How clear was the presentation?' });
  // On the phone the open poll, above the sections, unfolds.
  await vp.getByText('Answer the poll').click();
  await vp.getByText('Results are shown once you have voted.').waitFor();
  await vp.getByLabel('4').check();
  await vp.getByRole('button', { name: 'Vote' }).click();
  await until(async () => /Average 4\.0 out of 5/.test(await vp.textContent()), 'the results for the voter');
  // Someone who has not voted, and the screen, still see no results.
  const op = other.getByRole('region', { name: 'How clear was the presentation?' });
  await op.getByText('Results are shown once you have voted.').waitFor();
  assert.equal(await op.locator('.results').count(), 0);
  await screenPage.getByText('Results will be shown when the poll closes.').waitFor();
  assert.equal(await screenPage.locator('#poll-results .results').count(), 0);

  await poll.getByRole('button', { name: 'Close poll' }).click();
  // Closed, it goes to the polls section.
  await other.getByRole('tab', { name: 'Polls' }).click();
  await until(async () => /Average 4\.0 out of 5/.test(await op.textContent()), 'the results for everyone once closed');
  await until(async () => (await screenPage.locator('#poll-results .result').count()) === 5, 'the results on the screen');
  // A reaction reaches the dashboard and the screen (logged once a second).
  await voter.getByRole('tab', { name: 'Speak' }).click();
  await voter.getByRole('button', { name: 'Applause' }).click();
  await until(async () => /Applause 1/.test(await mod.locator('#reactions').textContent()), 'the reaction on the dashboard');
  await until(async () => /Applause\s*1/.test(await screenPage.locator('#reactions').textContent()), 'the reaction on the screen');
  await screenshot(screenPage, 'screen-rating');
  await screenPage.locator('body').press('f');
  await until(() => screenPage.evaluate(() => !!document.fullscreenElement), 'full screen');
  await screenPage.keyboard.press('f');
  await until(() => screenPage.evaluate(() => !document.fullscreenElement), 'full screen left');
});

test('wrong code, wrong key, missing key, a page older than the server', async (t) => {
  const p = await page(t, { allow: /status of 404/ });
  await p.goto(env.server.url + '/');
  await p.getByLabel('Meeting code').fill('ABC');
  await p.getByRole('button', { name: 'Join' }).click();
  assert.match(await p.locator('#join-status').textContent(), /six letters and digits/);
  assert.equal(await p.getByLabel('Meeting code').getAttribute('aria-invalid'), 'true');
  await p.getByLabel('Meeting code').fill('ZZZZZZ');
  await p.getByRole('button', { name: 'Join' }).click();
  await until(async () => (await p.locator('#join-status').textContent()) === 'No meeting has this code.', 'unknown code');

  await p.goto(`${env.server.url}/j/ZZZZZZ`);
  await until(async () => (await p.locator('#status-line').textContent()) === 'No meeting has this code.', 'unknown code on the participant page');

  const room = await createRoom();
  await p.goto(`${env.server.url}/m/${room.code}#key=not-the-key`);
  await until(async () => (await p.locator('#fatal').textContent()) === 'This moderator link is not valid, or was revoked.', 'a wrong key');
  assert.equal(await p.locator('#dash').isVisible(), false);

  const q = await page(t);
  await q.goto(`${env.server.url}/m/${room.code}`);
  assert.match(await q.locator('#fatal').textContent(), /no moderator key/);

  // A page loaded before the server was updated speaks the older protocol:
  // it is told to reload instead of showing counts that drift.
  const old = await page(t);
  await old.route('**/tribune.js', async (route) => {
    const res = await route.fetch();
    const body = (await res.text()).replace(/export const version = \d+;/, 'export const version = 1;');
    assert.notEqual(body, await res.text(), 'the version line of tribune.js');
    await route.fulfill({ response: res, body });
  });
  await old.goto(`${env.server.url}/s/${room.code}`);
  await until(async () => (await old.locator('#conn').textContent()) === 'Tribune was updated on the server. Reload this page to carry on.', 'an old page told to reload');
});

test('dark colour scheme passes axe; reduced motion stops the bars moving', async (t) => {
  const room = await createRoom({ preModeration: false });
  const p = await page(t, { viewport: { width: 390, height: 844 } });
  await p.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await join(p, room.code);
  await p.getByLabel('Your question', { exact: true }).fill('Dark and calm?');
  await p.getByRole('button', { name: 'Send question' }).click();
  await p.locator('#questions > li').first().waitFor();
  let violations = await axeCheck(p);
  assert.deepEqual(violations, [], formatViolations(violations));
  await screenshot(p, 'participant-dark');

  const mod = await page(t);
  await mod.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await mod.goto(room.links.moderator);
  await live(mod);
  violations = await axeCheck(mod);
  assert.deepEqual(violations, [], formatViolations(violations));

  const s = await page(t, { viewport: { width: 1920, height: 1080 } });
  await s.emulateMedia({ reducedMotion: 'reduce' });
  await s.goto(`${env.server.url}/s/${room.code}`);
  await live(s);
  const transition = await s.evaluate(() => {
    const el = document.createElement('span');
    el.className = 'bar-fill';
    document.body.append(el);
    return getComputedStyle(el).transitionDuration;
  });
  assert.equal(transition, '0s');
});

test('a paused moderator queue holds others’ questions back but shows the moderator’s own action', async (t) => {
  const room = await createRoom();
  const mod = await page(t);
  const p = await page(t, { viewport: { width: 390, height: 844 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await join(p, room.code);
  const ask = async (text) => {
    await p.getByLabel('Your question', { exact: true }).fill(text);
    await p.getByRole('button', { name: 'Send question' }).click();
    await until(async () => /approves it/.test(await p.locator('#ask-status').textContent()), 'the ack');
    await p.locator('#ask-status').evaluate((el) => { el.textContent = ''; });
  };
  await ask('Queued first');
  await mod.locator('#queue > li').filter({ hasText: 'Queued first' }).waitFor();
  await mod.getByRole('button', { name: 'Pause live updates: Waiting for moderation' }).click();
  await ask('Queued while paused');
  await until(async () => /1 update waiting|updates waiting/.test(await mod.locator('#queue-pause .pause-count').textContent()), 'the waiting count');
  assert.deepEqual(await texts(mod, '#queue .q-text'), ['Queued first']);
  await mod.locator('#queue > li').filter({ hasText: 'Queued first' }).getByRole('button', { name: 'Approve' }).click();
  await until(async () => !(await texts(mod, '#queue .q-text')).includes('Queued first'), 'the approved question leaves the queue');

  // The author takes back the one still waiting.
  await p.locator('#mine > li').filter({ hasText: 'Queued while paused' }).getByRole('button', { name: 'Withdraw' }).click();
  await until(async () => (await p.locator('#mine > li').count()) === 0, 'the withdrawn question gone from the author’s list');
  // Someone else's change: held back while the queue is paused.
  await mod.getByRole('button', { name: 'Resume live updates: Waiting for moderation' }).click();
  await until(async () => (await texts(mod, '#queue .q-text')).length === 0, 'the withdrawn question gone from the queue');
});

test('sign-language and captions links reach everyone, in the room too', async (t) => {
  const room = await createRoom({ streamURL: 'https://stream.example.org/live' });
  const mod = await page(t);
  const p = await page(t, { viewport: { width: 390, height: 844 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await join(p, room.code, 'room');
  assert.equal(await p.locator('#access-links').isVisible(), false, 'no links before they are set');

  await mod.getByRole('tab', { name: 'Settings' }).click();
  await mod.getByLabel('Sign-language interpretation video link').fill('javascript:alert(1)');
  await mod.getByRole('button', { name: 'Save settings' }).click();
  assert.equal(await mod.locator('#settings-status').textContent(), 'Sign-language interpretation video link: give an address starting with https:// (or http://).');
  assert.equal(await mod.getByLabel('Sign-language interpretation video link').evaluate((el) => el === document.activeElement), true);

  await mod.getByLabel('Sign-language interpretation video link').fill('https://lsf.example.org/room');
  await mod.getByLabel('Live captions link').fill('https://captions.example.org/room');
  await mod.getByRole('button', { name: 'Save settings' }).click();
  await until(async () => (await mod.locator('#settings-status').textContent()) === 'Saved', 'the settings saved');

  const sign = p.getByRole('link', { name: 'Sign-language interpretation (video)' });
  await sign.waitFor();
  assert.equal(await sign.getAttribute('href'), 'https://lsf.example.org/room');
  assert.equal(await sign.getAttribute('target'), '_blank');
  assert.equal(await p.getByRole('link', { name: 'Live captions' }).getAttribute('href'), 'https://captions.example.org/room');
  // The stream is for remote followers; interpretation and captions are not.
  assert.equal(await p.locator('#stream').isVisible(), false);
  const violations = await axeCheck(p);
  assert.deepEqual(violations, [], formatViolations(violations));
});

test('several waiting questions at once: refuse or approve the selection', async (t) => {
  const room = await createRoom();
  const mod = await page(t);
  const p = await page(t, { viewport: { width: 390, height: 844 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.getByRole('button', { name: 'Start the meeting' }).click();
  await join(p, room.code);
  const texts4 = ['Buy cheap watches now', 'Visit my shop today', 'When does the library open?', 'Is parking free on Sundays?'];
  for (const text of texts4) {
    await p.getByLabel('Your question', { exact: true }).fill(text);
    await p.getByRole('button', { name: 'Send question' }).click();
    await until(async () => /approves it/.test(await p.locator('#ask-status').textContent()), 'the ack');
    await p.locator('#ask-status').evaluate((el) => { el.textContent = ''; });
  }
  await until(async () => (await texts(mod, '#queue .q-text')).length === 4, 'four waiting');
  assert.equal(await mod.locator('#bulk').isVisible(), false, 'no bulk bar without a selection');

  const tick = (text) => mod.locator('#queue > li').filter({ hasText: text }).getByRole('checkbox').check();
  await tick('Buy cheap watches now');
  await tick('Visit my shop today');
  assert.equal(await mod.locator('#bulk-count').textContent(), '2 questions selected');
  await mod.getByRole('button', { name: 'Reject selected' }).click();
  await mod.locator('#bulk-form').getByLabel('Reason').selectOption('off-topic');
  assert.match(await mod.locator('#bulk-form').getByText(/published with the refusal/i).textContent(), /report and the open data/);
  const violations = await axeCheck(mod);
  assert.deepEqual(violations, [], formatViolations(violations));
  await mod.locator('#bulk-form').getByRole('button', { name: 'Reject selected' }).click();
  await until(async () => (await texts(mod, '#queue .q-text')).length === 2, 'two refused');
  await until(async () => (await mod.locator('#announcer').textContent()) === '2 questions refused', 'the refusals announced');
  assert.equal(await mod.locator('#bulk').isVisible(), false, 'the selection is empty again');
  // The authors are told why, each.
  await until(async () => (await p.locator('#mine .q-meta').allTextContents()).filter((s) => s === 'Not published: off topic').length === 2, 'the reasons');

  await tick('When does the library open?');
  await mod.getByRole('button', { name: 'Approve selected' }).click();
  await until(async () => (await texts(p, '#questions .q-text')).includes('When does the library open?'), 'the approved one published');
  assert.deepEqual(await texts(mod, '#queue .q-text'), ['Is parking free on Sundays?']);
});

test('a quiz: right answers marked by the moderator, told to everyone once closed', async (t) => {
  const room = await createRoom();
  const mod = await page(t);
  const voter = await page(t, { viewport: { width: 390, height: 844 } });
  const screenPage = await page(t, { viewport: { width: 1920, height: 1080 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await join(voter, room.code);
  await screenPage.goto(`${env.server.url}/s/${room.code}`);
  await live(screenPage);

  await mod.getByText('New poll').click();
  await mod.getByLabel('Question asked').fill('When did the open data law pass?');
  await mod.getByLabel('Options, one per line').fill('2010\n* 2016\n2021');
  assert.equal(await mod.getByLabel('Options, one per line').getAttribute('aria-describedby'), 'poll-options-hint');
  await mod.getByRole('button', { name: 'Create poll' }).click();
  const poll = mod.getByRole('region', { name: 'When did the open data law pass?' });
  await poll.getByRole('button', { name: 'Open poll' }).click();
  await poll.getByRole('button', { name: 'Show on screen' }).click();

  const vp = voter.getByRole('region', { name: 'When did the open data law pass?' });
  await vp.getByText('Answer the poll').click();
  await vp.getByLabel('2010').check();
  await vp.getByRole('button', { name: 'Vote' }).click();
  await until(async () => /You voted/.test(await vp.locator('.poll-status').textContent()), 'the ballot');
  // While open, nobody but the moderators knows the answer.
  assert.equal(await vp.getByText('✓ right answer').count(), 0);
  assert.equal(await screenPage.getByText('✓ right answer').count(), 0);
  await until(async () => (await poll.getByText('✓ right answer').count()) === 1, 'the moderator sees the right answer');

  await poll.getByRole('button', { name: 'Close poll' }).click();
  // Closed, it goes to the polls section, unfolded as the latest.
  await voter.getByRole('tab', { name: 'Polls' }).click();
  await until(async () => /Not quite: the right answer was 2016\./.test(await vp.textContent()), 'the voter told');
  const marked = vp.locator('.result.correct .result-label');
  assert.equal(await marked.textContent(), '2016 ✓ right answer');
  await until(async () => (await screenPage.locator('#poll-results .result.correct').count()) === 1, 'the screen marks it');
  const violations = await axeCheck(voter);
  assert.deepEqual(violations, [], formatViolations(violations));
});

test('the floor: asking to speak from the room or from home, given in turn', async (t) => {
  const room = await createRoom();
  const mod = await page(t);
  const alice = await page(t, { viewport: { width: 390, height: 844 } });
  const bob = await page(t);
  const screenPage = await page(t, { viewport: { width: 1920, height: 1080 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.getByRole('button', { name: 'Start the meeting' }).click();
  await alice.goto(`${env.server.url}/j/${room.code}`);
  await alice.getByLabel('Your name (optional)').fill('Alice');
  await alice.locator('#join-form button[type=submit]').click();
  await live(alice);
  await join(bob, room.code, 'remote');
  await screenPage.goto(`${env.server.url}/s/${room.code}`);
  await live(screenPage);

  await alice.getByRole('tab', { name: 'Speak' }).click();
  await bob.getByRole('tab', { name: 'Speak' }).click();
  await mod.getByRole('tab', { name: 'Speakers' }).click();
  await alice.getByLabel('What about (optional)').fill('The library hours');
  await alice.getByRole('button', { name: 'Ask to speak' }).click();
  await until(async () => (await alice.locator('#floor-mine').textContent()) === 'You are number 1 in line.', 'alice in line');
  await bob.getByRole('button', { name: 'Ask to speak' }).click();
  await until(async () => (await bob.locator('#floor-mine').textContent()) === 'You are number 2 in line.', 'bob in line');
  assert.equal(await bob.locator('#floor-line').textContent(), 'Nobody has the floor. 2 people waiting.');

  // The moderator decides the order: the remote follower first.
  await until(async () => (await mod.locator('#floor-queue > li').count()) === 2, 'the line on the dashboard');
  await mod.getByRole('button', { name: 'Give the floor: Anonymous (Remote)' }).click();
  await until(async () => (await bob.locator('#floor-mine').textContent()) === 'You have the floor.', 'bob speaks');
  assert.equal(await bob.getByRole('button', { name: 'Withdraw my request' }).isVisible(), false);
  await until(async () => (await alice.locator('#floor-mine').textContent()) === 'You are number 1 in line.', 'alice still first in line');
  await until(async () => (await screenPage.locator('#floor').textContent()) === 'Speaking: Anonymous (Remote). Next: Alice (In the room)', 'the screen shows the line');
  let violations = await axeCheck(mod);
  assert.deepEqual(violations, [], formatViolations(violations));
  violations = await axeCheck(alice);
  assert.deepEqual(violations, [], formatViolations(violations));
  violations = await axeCheck(screenPage);
  assert.deepEqual(violations, [], formatViolations(violations));

  await mod.getByRole('button', { name: 'End of speech' }).click();
  await until(async () => (await bob.locator('#floor-mine').textContent()) === '', 'bob done');
  assert.equal(await bob.getByRole('button', { name: 'Ask to speak' }).isVisible(), true, 'bob may ask again');

  // From the keyboard: g gives the floor to the first in line, e ends it.
  await mod.getByRole('tab', { name: 'Speakers' }).click();
  await mod.keyboard.press('g');
  await until(async () => (await alice.locator('#floor-mine').textContent()) === 'You have the floor.', 'alice speaks');
  await until(async () => (await alice.locator('#announcer').textContent()) === 'You have the floor.', 'alice told aloud');
  await mod.keyboard.press('e');
  await until(async () => (await alice.locator('#floor-mine').textContent()) === '', 'alice done');

  await bob.getByRole('button', { name: 'Ask to speak' }).click();
  await until(async () => (await bob.locator('#floor-mine').textContent()) === 'You are number 1 in line.', 'bob in line again');
  await bob.getByRole('button', { name: 'Withdraw my request' }).click();
  await until(async () => (await mod.locator('#floor-empty').isVisible()), 'the line empty');
  await until(async () => (await screenPage.locator('#floor').isVisible()) === false, 'the screen line gone');

  // The record: each request, from where, and what became of it; never a name.
  const report = await page(t);
  await report.goto(`${env.server.url}/r/${room.code}`);
  await until(async () => (await report.locator('#floor-body tbody tr').count()) === 3, 'the speakers in the report');
  const rows = await report.locator('#floor-body tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells).slice(0, 4).map((c) => c.textContent)));
  assert.deepEqual(rows, [['1', 'In the room', 'The library hours', 'spoke'], ['2', 'Remote', '', 'spoke'], ['3', 'Remote', '', 'withdrew']]);
  // The ledger (newest first) names the request each floor action was on.
  assert.deepEqual(await mod.locator('#ledger-rows tr').evaluateAll((trs) => trs.filter((tr) => /Floor given|Speech ended/.test(tr.cells[1].textContent)).map((tr) => tr.cells[2].textContent)),
    ['request to speak 1', 'request to speak 1', 'request to speak 2', 'request to speak 2']);
});
