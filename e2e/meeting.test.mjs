// A whole meeting in a real browser: the real tribune binary, headless
// Chromium, four people in four browser contexts.
//
// A moderator creates a meeting from the home page; a participant on a
// phone (French browser) joins by code, another follows remotely on a
// desktop by link; a big screen shows the room. A question is asked under
// pre-moderation, approved and upvoted by the other participant; a poll is
// opened and answered; the screen shows the highlighted question and the
// results; the phone goes offline, misses changes, comes back and sees what
// everyone else sees; a question made of HTML and script shows as text.
// axe-core checks every page; screenshots of each page go to e2e/artifacts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, screenshot, watchErrors, until, accessible } from './lib/browser.mjs';


/** The text of the connection banner. */
const conn = (page) => page.locator('#conn').getAttribute('data-conn');

async function live(page) {
  await until(async () => (await conn(page)) === 'live', 'a live connection');
}

/** The texts and votes of the public question list, in order. */
async function questionList(page) {
  return page.locator('#questions > li').evaluateAll((lis) => lis.map((li) => [
    li.querySelector('.q-text').textContent,
    li.querySelector('.vote-count').textContent.replace(/\D+/g, ''),
  ]));
}

const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';

test('a meeting, end to end', { timeout: 180_000 }, async (t) => {
  const server = await startServer({ t });
  const browser = await launch({ t });
  const base = server.url;

  const modCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
  const remoteCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-GB' });
  const screenCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
  const mod = await modCtx.newPage();
  const phone = await phoneCtx.newPage();
  const remote = await remoteCtx.newPage();
  const screen = await screenCtx.newPage();
  const errors = { mod: watchErrors(mod), phone: watchErrors(phone), remote: watchErrors(remote), screen: watchErrors(screen) };

  let code;
  let questionText;

  await t.test('the moderator creates a meeting from the home page', async () => {
    await mod.goto(base + '/');
    await accessible(mod, 'home');
    await screenshot(mod, 'home');
    await mod.getByLabel('Title').fill('Town hall: the new library');
    await mod.getByLabel('Description (optional)').fill('Second step meeting of the consultation.');
    await mod.getByLabel('Agenda steps, one per line (optional)').fill('Welcome\nThe project\nQuestions');
    assert.equal(await mod.getByLabel('Approve questions before they appear').isChecked(), true);
    await mod.getByLabel('Live stream link for remote followers').fill('https://stream.example.org/townhall');
    await mod.getByRole('button', { name: 'Create the meeting' }).click();
    await mod.getByRole('heading', { name: 'Your meeting is ready' }).waitFor();
    code = (await mod.locator('#created-code').textContent()).match(/[A-Z0-9]{6}/)[0];
    const qr = mod.getByRole('img', { name: /QR code to join/ });
    await until(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code');
    await accessible(mod, 'home, created');
    await screenshot(mod, 'home-created');

    const modLink = await mod.getByRole('link', { name: /\/m\// }).getAttribute('href');
    assert.match(modLink, new RegExp(`/m/${code}#key=.+`));
    await mod.goto(modLink);
    await live(mod);
    // The key left the address bar but the page still holds it.
    assert.equal(new URL(mod.url()).hash, '');
    await mod.getByRole('button', { name: 'Start the meeting' }).click();
    await until(async () => (await mod.locator('#meeting-status').textContent()) === 'Live', 'the meeting to start');
    await mod.getByRole('tab', { name: 'Agenda' }).click();
    await mod.getByRole('button', { name: 'Next step' }).click();
    await until(async () => /Step 2 of 3/.test(await mod.locator('#step').textContent()), 'step 2');
  });

  await t.test('a phone joins by code, in French, in the room', async () => {
    await phone.goto(base + '/');
    assert.equal(await phone.locator('html').getAttribute('lang'), 'fr');
    await phone.getByLabel('Code de la réunion').fill(code.toLowerCase());
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    await phone.waitForURL(`**/j/${code}`);
    await phone.getByLabel('Je suis dans la salle').check();
    await phone.getByLabel('Votre nom (facultatif)').fill('Alice');
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    await live(phone);
    await until(async () => /Étape 2 sur 3 : The project/.test(await phone.locator('#step').textContent()), 'the current step');
    assert.equal(await phone.locator('#stream').isVisible(), false, 'no stream link in the room');
  });

  await t.test('a remote follower joins by link on a desktop', async () => {
    await remote.goto(`${base}/j/${code}`);
    await remote.getByLabel('I am following remotely').check();
    await remote.getByRole('button', { name: 'Join' }).click();
    await live(remote);
    const stream = remote.getByRole('link', { name: 'Watch the live stream' });
    assert.equal(await stream.getAttribute('href'), 'https://stream.example.org/townhall');
    await until(async () => /1 in the room · 1 remote/.test(await remote.locator('#counts').textContent()), 'live counts');
  });

  await t.test('the big screen shows the code and the QR code', async () => {
    await screen.goto(`${base}/s/${code}`);
    await live(screen);
    assert.equal(await screen.locator('#code').textContent(), code);
    const qr = screen.getByRole('img', { name: /QR code to join/ });
    await until(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code');
    // No admin controls on the screen.
    assert.equal(await screen.getByRole('button', { name: /approve|reject|open poll/i }).count(), 0);
  });

  await t.test('a half-typed question survives a reload', async () => {
    const box = phone.getByLabel('Votre question', { exact: true });
    await box.fill('Will the library open on Sundays');
    await phone.reload();
    await live(phone);
    assert.equal(await phone.getByLabel('Votre question', { exact: true }).inputValue(), 'Will the library open on Sundays');
  });

  await t.test('a question under pre-moderation: asked, approved, upvoted', async () => {
    questionText = 'Will the library open on Sundays?';
    await phone.getByLabel('Votre question', { exact: true }).fill(questionText);
    await phone.getByRole('button', { name: 'Envoyer la question' }).click();
    await until(async () => /modérateur/.test(await phone.locator('#ask-status').textContent()), 'the acknowledgement');
    assert.equal(await phone.getByLabel('Votre question', { exact: true }).inputValue(), '');
    // The author sees it waiting; the other participant does not see it.
    const mine = phone.getByRole('region', { name: 'Vos questions pas encore publiées' });
    await mine.getByText(questionText).waitFor();
    await mine.getByText('En attente d’un modérateur').waitFor();
    await accessible(phone, 'participant, phone');
    assert.deepEqual(await questionList(remote), []);

    const item = mod.locator('#queue > li').filter({ hasText: questionText });
    await item.waitFor();
    await item.getByRole('button', { name: 'Approve' }).click();
    await until(async () => (await questionList(remote)).length === 1, 'the approved question on the remote page');
    assert.deepEqual(await questionList(remote), [[questionText, '0']]);

    await remote.locator('#questions > li').filter({ hasText: questionText }).getByRole('button', { name: /Upvote/ }).click();
    await until(async () => JSON.stringify(await questionList(phone)) === JSON.stringify([[questionText, '1']]), 'the vote on the phone');
    const pressed = remote.locator('#questions > li').filter({ hasText: questionText }).getByRole('button', { name: /Upvoted/ });
    assert.equal(await pressed.getAttribute('aria-pressed'), 'true');
    assert.equal(await phone.locator('#mine-box').isVisible(), false, 'no longer waiting');
  });

  await t.test('the moderator highlights it; the screen shows it', async () => {
    await mod.locator('#live > li').filter({ hasText: questionText }).getByRole('button', { name: 'Highlight' }).click();
    await until(async () => (await screen.locator('#highlight').textContent()) === questionText, 'the highlighted question on screen');
    assert.match(await screen.locator('#highlight-meta').textContent(), /Alice · 1 vote/);
  });

  await t.test('a poll is built, opened, shown and answered', async () => {
    await mod.getByRole('tab', { name: 'Polls' }).click();
    await mod.getByText('New poll').click();
    await mod.getByLabel('Question asked').fill('Which opening hours suit you best?');
    await mod.getByLabel('Kind').selectOption('single');
    await mod.getByLabel('Options, one per line').fill('Mornings\nEvenings\nWeekends');
    await mod.locator('#poll-form').getByLabel('Results shown').selectOption('live');
    await mod.getByRole('button', { name: 'Create poll' }).click();
    const poll = mod.getByRole('region', { name: 'Which opening hours suit you best?' });
    await poll.getByRole('button', { name: 'Open poll' }).click();
    await poll.getByRole('button', { name: 'Show on screen' }).click();
    await until(async () => (await screen.locator('#poll-title').textContent()) === 'Which opening hours suit you best?', 'the poll on screen');

    const phonePoll = phone.getByRole('region', { name: 'Which opening hours suit you best?' });
    // Above the sections of the phone, the open poll unfolds.
    await phonePoll.getByText('Répondre au sondage').click();
    await phonePoll.getByLabel('Weekends').check();
    await phonePoll.getByRole('button', { name: 'Voter' }).click();
    await until(async () => /Votre vote : Weekends|Vous avez voté/.test(await phonePoll.textContent()), 'the phone ballot');

    const remotePoll = remote.getByRole('region', { name: 'Which opening hours suit you best?' });
    await remotePoll.getByLabel('Evenings').check();
    await remotePoll.getByRole('button', { name: 'Vote' }).click();

    const figures = () => screen.locator('#poll-results .result').evaluateAll((lis) => lis.map((li) => [
      li.querySelector('.result-label').textContent, li.querySelector('.result-figure').textContent]));
    await until(async () => JSON.stringify(await figures()) === JSON.stringify([['Mornings', '0 (0%)'], ['Evenings', '1 (50%)'], ['Weekends', '1 (50%)']]),
      'the results on the screen');
    // The bars grow to their share.
    await until(() => screen.locator('#poll-results .bar-fill').nth(2).evaluate((el) => el.style.width === '50%'), 'the bar width');
    await poll.getByRole('button', { name: 'Close poll' }).click();
    await until(async () => /Closed/.test(await screen.locator('#poll-meta').textContent()), 'the closed poll on screen');
  });

  await t.test('the phone goes offline, misses changes, and catches up', async () => {
    await phoneCtx.setOffline(true);
    await until(async () => (await conn(phone)) === 'offline', 'the offline banner');
    assert.match(await phone.locator('#conn').textContent(), /Hors ligne/);
    assert.equal(await phone.locator('#conn').getAttribute('role'), 'status');

    // While the phone is away: an announcement, a new approved question, a vote.
    await mod.getByRole('tab', { name: 'Announce' }).click();
    await mod.getByLabel('Message to everyone').fill('Ten-minute break at 8pm.');
    await mod.getByRole('button', { name: 'Send announcement' }).click();
    await remote.getByLabel('Your question', { exact: true }).fill('Will there be a children’s corner?');
    await remote.getByRole('button', { name: 'Send question' }).click();
    const item = mod.locator('#queue > li').filter({ hasText: 'children’s corner' });
    await item.waitFor();
    // Approved from the keyboard: j selects, a approves.
    await mod.locator('#main').focus();
    await mod.keyboard.press('j');
    await mod.keyboard.press('a');
    await until(async () => (await questionList(remote)).length === 2, 'the second question on the remote page');
    // A question asked on the phone while offline waits and is sent on return.
    await phone.getByLabel('Votre question', { exact: true }).fill('Asked while offline');
    await phone.getByRole('button', { name: 'Envoyer la question' }).click();
    assert.match(await phone.locator('#ask-status').textContent(), /connexion/);

    await phoneCtx.setOffline(false);
    await live(phone);
    await until(async () => JSON.stringify(await questionList(phone)) === JSON.stringify(await questionList(remote)), 'the same questions as the remote follower');
    await phone.locator('#announcement-now').getByText('Ten-minute break at 8pm.').waitFor();
    await item.page().locator('#queue > li').filter({ hasText: 'Asked while offline' }).waitFor();
    await phone.getByRole('region', { name: 'Vos questions pas encore publiées' }).getByText('Asked while offline').waitFor();
    // Exactly the same state as the other participant: the same sequence
    // number and the same view, as the client library holds it.
    const state = (page) => page.evaluate(() => JSON.stringify({ seq: window.tribune.state.seq, view: window.tribune.state.view }));
    await until(async () => (await state(phone)) === (await state(remote)), 'the same view as the remote follower');
    const seqs = () => Promise.all([phone, remote, screen, mod].map((p) => p.evaluate(() => window.tribune.state.seq)));
    await until(async () => new Set(await seqs()).size === 1, 'every page at the same sequence number');
  });

  await t.test('a question made of HTML and script shows as plain text', async () => {
    await remote.getByLabel('Your question', { exact: true }).fill(evil);
    await remote.getByRole('button', { name: 'Send question' }).click();
    const item = mod.locator('#queue > li').filter({ hasText: '<script>' });
    await item.waitFor();
    assert.equal(await item.locator('.q-text').textContent(), evil);
    await item.getByRole('button', { name: 'Approve' }).click();
    await mod.locator('#live > li').filter({ hasText: '<script>' }).getByRole('button', { name: 'Highlight' }).click();
    for (const [name, page, sel] of [['phone', phone, '#questions .q-text'], ['remote', remote, '#questions .q-text'], ['screen', screen, '#highlight'], ['moderator', mod, '#live .q-text']]) {
      await until(async () => (await page.locator(sel).allTextContents()).includes(evil), `the text on the ${name} page`);
      assert.equal(await page.evaluate(() => window.__xss), undefined, `no script ran on the ${name} page`);
      assert.equal(await page.locator('main img[src="x"], main b').count(), 0, `no markup on the ${name} page`);
    }
  });

  await t.test('every page passes axe, in its final state, and is kept as a screenshot', async () => {
    await accessible(mod, 'moderator');
    await screenshot(mod, 'moderator');
    await accessible(phone, 'participant, phone');
    await screenshot(phone, 'participant-phone');
    await accessible(remote, 'participant, remote');
    await screenshot(remote, 'participant-remote');
    await accessible(screen, 'screen');
    await screenshot(screen, 'screen');
    await screen.getByLabel('Theme').selectOption('contrast');
    await accessible(screen, 'screen, high contrast');
    await screenshot(screen, 'screen-contrast');
    await screen.getByLabel('Theme').selectOption('light');
    await accessible(screen, 'screen, light');
    await mod.getByRole('button', { name: 'Shortcuts help' }).click();
    await mod.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await accessible(mod, 'moderator, help');
    await screenshot(mod, 'moderator-help');
    await mod.keyboard.press('Escape');
  });

  for (const [name, list] of Object.entries(errors)) {
    // Chromium logs failed WebSocket attempts as console errors; the offline
    // phone may have made one as the network went.
    const real = list.filter((e) => !/WebSocket connection to .* failed|ERR_INTERNET_DISCONNECTED/.test(e));
    assert.deepEqual(real, [], `errors on the ${name} page`);
  }
});
