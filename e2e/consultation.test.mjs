// A consultation in a real browser (issue 11): the real tribune binary,
// headless Chromium, an organiser on a laptop, a participant on a phone
// (French browser), another on a laptop, and the step meetings'
// moderator.
//
// The organiser creates the consultation from the home page and two step
// meetings from the organiser's page, the second from the first. At step
// 1 the phone asks a question, the laptop upvotes it; it is not answered.
// The organiser carries it to step 2, where it shows where it comes from
// and is answered. A proposal takes it up and is published; a commitment
// includes the proposal and its status changes twice. The public page, the
// trace page and the phone's "follow my input" show the whole path, in
// French and in English; axe finds nothing; every page fits a 390x844
// phone and a 1366x768 laptop without scrolling sideways. Screenshots go
// to e2e/artifacts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, screenshot, watchErrors, until, story, accessible, fits, checkBothSizes } from './lib/browser.mjs';

const phoneView = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const laptopView = { viewport: { width: 1366, height: 768 } };

const question = 'Le budget sera-t-il publié chaque mois, ligne par ligne ?';
const answer = 'Oui : les tableaux seront en ligne chaque mois dès mars.';

/** The lines of the trace page, in order. */
const tracePath = (page) => page.locator('#path > li .trace-text').allTextContents();

test('a consultation: a question from step 1 to a commitment, traced', { timeout: 240_000 }, async (t) => {
  const server = await startServer({ t });
  const browser = await launch({ t });
  const base = server.url;

  const orgCtx = await browser.newContext({ ...laptopView, locale: 'en-US' });
  const modCtx = await browser.newContext({ ...laptopView, locale: 'en-US' });
  const phoneCtx = await browser.newContext({ ...phoneView, locale: 'fr-FR' });
  const laptopCtx = await browser.newContext({ ...laptopView, locale: 'en-GB' });
  const org = await orgCtx.newPage();
  const mod = await modCtx.newPage();
  const phone = await phoneCtx.newPage();
  const laptop = await laptopCtx.newPage();
  const errors = { org: watchErrors(org), mod: watchErrors(mod), phone: watchErrors(phone), laptop: watchErrors(laptop) };
  mod.on('dialog', (d) => d.accept());
  const pages = { org, mod, phone, laptop };
  const step = story(t, pages, 'consultation');

  let id;
  const steps = []; // [{code, moderator}]

  await step('the organiser creates the consultation from the home page', async () => {
    await org.goto(base + '/');
    await org.getByRole('heading', { name: 'Create a consultation' }).waitFor();
    const form = org.locator('#consultation-form');
    await form.getByLabel('Name of the consultation').fill('Open government action plan 2026');
    await form.getByLabel('What it is about (optional)').fill('Two step meetings, then commitments we report on.');
    await form.getByLabel('Opens on (optional)').fill('2026-01-20');
    await form.getByLabel('Closes on (optional)').fill('2026-03-31');
    await form.getByRole('button', { name: 'Create the consultation' }).click();
    await org.getByRole('heading', { name: 'Your consultation is ready' }).waitFor();
    await accessible(org, 'home, consultation created');
    await screenshot(org, 'consultation-home-created');
    const link = await org.getByRole('link', { name: 'Open the organiser page' }).getAttribute('href');
    const m = /\/c\/([A-Z0-9]+)\/organise#key=.+/.exec(link);
    assert.ok(m, `organiser link ${link}`);
    id = m[1];
    const requests = [];
    org.on('request', (r) => requests.push(r.url()));
    await org.getByRole('link', { name: 'Open the organiser page' }).click();
    await org.getByRole('heading', { name: 'Open government action plan 2026' }).waitFor();
    // The key left the address bar, and went in no URL.
    assert.equal(new URL(org.url()).hash, '');
    const key = /#key=(.+)$/.exec(link)[1];
    assert.deepEqual(requests.filter((u) => u.includes(key)), []);
  });

  await step('two step meetings, the second started from the first', async () => {
    for (const [title, date, from] of [['Step 1: priorities', '2026-01-20', false], ['Step 2: proposals', '2026-02-17', true]]) {
      if (!(await org.locator('#add-step-box').evaluate((d) => d.open))) await org.getByText('Add a step meeting').click();
      await org.getByLabel('Title of the step meeting').fill(title);
      await org.getByLabel('Date (optional)').fill(date);
      if (from) await org.getByLabel('Start from').selectOption(steps[0].code);
      await org.getByRole('button', { name: 'Create the step meeting' }).click();
      // The box names the new meeting (the last one's went when this was sent).
      const created = org.locator('#step-created:not([hidden])');
      const modLink = await created.getByRole('link', { name: /\/m\// }).getAttribute('href');
      const m = /\/m\/([A-Z0-9]+)#key=.+/.exec(modLink);
      assert.ok(m, `moderator link ${modLink}`);
      assert.match(await created.textContent(), new RegExp(`Step meeting ${m[1]} is created`));
      assert.ok(!steps.some((s) => s.code === m[1]), 'a new meeting');
      steps.push({ code: m[1], moderator: modLink });
      await org.locator('#steps > li').filter({ hasText: title }).waitFor();
    }
    assert.equal(await org.locator('#steps > li').count(), 2);
    await accessible(org, 'organiser, two steps');
  });

  await step('step 1: the phone asks, the laptop upvotes, nobody answers', async () => {
    await mod.goto(steps[0].moderator);
    await mod.getByRole('button', { name: 'Start the meeting' }).click();
    await until(async () => (await mod.locator('#meeting-status').textContent()) === 'Live', 'step 1 to start');

    await phone.goto(`${base}/j/${steps[0].code}`);
    await phone.getByLabel('Je suis dans la salle').check();
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    await phone.getByLabel('Votre question', { exact: true }).fill(question);
    await phone.getByRole('button', { name: 'Envoyer la question' }).click();
    // Approved if the meeting moderates first.
    const queued = mod.locator('#queue > li').filter({ hasText: question });
    const live = mod.locator('#live > li').filter({ hasText: question });
    await until(async () => (await queued.count()) + (await live.count()) > 0, 'the question at the moderator');
    if (await queued.count()) await queued.getByRole('button', { name: 'Approve' }).click();

    await laptop.goto(`${base}/j/${steps[0].code}`);
    await laptop.getByLabel('I am following remotely').check();
    await laptop.getByRole('button', { name: 'Join' }).click();
    const item = laptop.locator('#questions > li').filter({ hasText: question });
    await item.getByRole('button', { name: /Upvote/ }).click();
    await until(async () => /1 vote/.test(await live.locator('.q-meta').textContent()), 'the vote at the moderator');
    await mod.getByRole('button', { name: 'End the meeting' }).click();
    await until(async () => (await mod.locator('#meeting-status').textContent()) === 'Ended', 'step 1 to end');
  });

  await step('the organiser carries it to step 2', async () => {
    await org.reload();
    await org.getByLabel('From the step meeting').selectOption(steps[0].code);
    await org.getByLabel('To the step meeting').selectOption(steps[1].code);
    await org.getByRole('button', { name: 'Choose questions' }).click();
    await org.locator('#carry-questions').getByLabel(question, { exact: false }).check();
    await accessible(org, 'organiser, choosing questions');
    await org.getByRole('button', { name: 'Carry the chosen questions' }).click();
    await until(async () => (await org.locator('#carry-status').textContent()) === '1 question carried.', 'the carry');
    assert.equal(await org.locator('#carried .c-meta').textContent(), `Q-1: #1 of ${steps[0].code} became #1 of ${steps[1].code}, with 1 vote`);
  });

  await step('step 2 shows where it comes from, and answers it', async () => {
    await mod.goto(steps[1].moderator);
    await mod.getByRole('button', { name: 'Start the meeting' }).click();
    const live = mod.locator('#live > li').filter({ hasText: question });
    await until(async () => /From “Step 1: priorities”, 1 vote there/.test(await live.locator('.q-meta').textContent()), 'the provenance at the moderator');

    await phone.goto(`${base}/j/${steps[1].code}`);
    await phone.getByLabel('Je suis dans la salle').check();
    await phone.getByRole('button', { name: 'Rejoindre' }).click();
    const mine = phone.locator('#questions > li').filter({ hasText: question });
    await until(async () => /Venue de «\u00a0Step 1: priorities\u00a0», 1 vote là-bas/.test(await mine.locator('.q-meta').textContent()), 'the provenance on the phone');
    await accessible(phone, 'participant, step 2, a carried question');
    await screenshot(phone, 'consultation-step2-phone');

    // The big screen shows it too, with where it comes from.
    const screenCtx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' });
    const screen = await screenCtx.newPage();
    errors.screen = watchErrors(screen);
    await screen.goto(`${base}/s/${steps[1].code}`);
    await live.getByRole('button', { name: 'Highlight' }).click();
    await until(async () => (await screen.locator('#highlight').textContent()) === question, 'the question on the big screen');
    assert.equal(await screen.locator('#highlight-meta').textContent(), 'From “Step 1: priorities”, 1 vote there · 0 votes');
    await accessible(screen, 'screen, a carried question');
    await screenshot(screen, 'consultation-step2-screen');
    await screenCtx.close();

    await live.getByRole('button', { name: 'Mark answered' }).click();
    await mod.getByLabel('Written answer (optional)').fill(answer);
    await mod.locator('form.inline-action').getByRole('button', { name: 'Mark answered' }).click();
    await until(async () => (await mod.locator('#live > li').filter({ hasText: question }).count()) === 0, 'the answer');

    // Step 1 says where it went.
    await laptop.reload();
    await until(async () => /Carried to “Step 2: proposals”/.test(await laptop.locator('#questions > li, #answered > li').filter({ hasText: question }).first().locator('.q-meta').textContent()),
      'step 1 says where it went');
  });

  await step('a proposal takes it up; a commitment includes it; its status changes twice', async () => {
    await org.reload();
    await org.getByText('Write a proposal').click();
    await org.getByLabel('Title of the proposal').fill('Publish the budget every month');
    await org.getByLabel('Text', { exact: true }).fill('Line by line, as open data.');
    await org.getByLabel('Sources, one a line').fill(`${steps[1].code} 1`);
    await org.getByRole('button', { name: 'Save as a draft' }).click();
    const p = org.locator('#proposals > li').filter({ hasText: 'P-1' });
    await p.getByRole('button', { name: 'Publish P-1' }).click();
    await until(async () => /Published/.test(await org.locator('#proposals > li').filter({ hasText: 'P-1' }).textContent()), 'P-1 published');

    await org.getByText('Create a commitment').click();
    await org.getByLabel('Title of the commitment').fill('An open budget');
    await org.getByLabel('Problem it answers').fill('Nobody can follow public spending month by month.');
    await org.getByLabel(/P-1 · Publish the budget/).check();
    await org.getByLabel('Milestones, one a line (optional)').fill('Monthly tables online | 2026-09-30');
    await org.getByRole('button', { name: 'Create the commitment' }).click();
    const c = () => org.locator('#commitments > li').filter({ hasText: 'C-1' });
    await c().waitFor();
    for (const [status, note, evidence] of [['limited', 'January’s tables are online.', ''], ['substantial', 'Six months online.', 'https://example.org/budget']]) {
      await c().getByLabel('Status of C-1').selectOption(status);
      await c().getByLabel('Note, shown to everyone').fill(note);
      if (evidence) await c().getByLabel('Evidence link (optional)').fill(evidence);
      await c().getByRole('button', { name: 'Record the status' }).click();
      await until(async () => (await c().textContent()).includes(note), `the status ${status}`);
    }
    await until(async () => /Status: Substantial/.test(await c().textContent()), 'the commitment substantial');
    await checkBothSizes(org, 'consultation-organise');
  });

  await step('the public page shows the steps, the proposal and the commitment\'s history', async () => {
    // The laptop joined step 1 and asked nothing: /mine answers, and no
    // "follow my input" shows.
    const mineAnswered = laptop.waitForResponse((r) => r.url().endsWith(`/api/consultations/${id}/mine`));
    await laptop.goto(`${base}/c/${id}`);
    await laptop.getByRole('heading', { name: 'Open government action plan 2026', level: 1 }).waitFor();
    assert.equal(await laptop.locator('#dates').textContent(), 'From January 20, 2026 to March 31, 2026');
    assert.deepEqual(await laptop.locator('#steps > li .badge').allTextContents(), ['Ended', 'Live now']);
    assert.equal(await laptop.locator('#live-now a').getAttribute('href'), `/j/${steps[1].code}`);
    const p = laptop.locator('#P-1');
    assert.match(await p.textContent(), /Publish the budget every month/);
    assert.equal(await p.getByRole('link', { name: /Question 1, step 2/ }).getAttribute('href'), `/c/${id}/trace?code=${steps[1].code}&question=1`);
    const c = laptop.locator('#C-1');
    assert.match(await c.textContent(), /Status: Substantial/);
    assert.deepEqual((await c.locator('.history > li').allTextContents()).map((s) => s.replace(/^.*? · /, '')), [
      'Limited · January’s tables are online.',
      'Substantial · Six months online. · Evidence',
    ]);
    assert.equal(await c.getByRole('link', { name: 'Evidence' }).getAttribute('href'), 'https://example.org/budget');
    assert.equal((await mineAnswered).status(), 200);
    await until(async () => !(await laptop.locator('#mine-box').isVisible()), 'no "follow my input" for the laptop');
    await checkBothSizes(laptop, 'consultation-public');
  });

  await step('the phone follows its input, and its trace, in French then in English', async () => {
    await phone.goto(`${base}/c/${id}`);
    const box = phone.getByRole('region', { name: 'Suivre mes contributions' });
    const item = box.locator('#mine > li').filter({ hasText: question });
    await until(async () => /Dans l’engagement C-1 : Substantiel/.test(await item.textContent()), 'where the question went, in French');
    await fits(phone, 'public page, phone, follow my input');
    await accessible(phone, 'public page, phone, follow my input');
    await screenshot(phone, 'consultation-mine-phone-fr');

    // From the keyboard: Tab reaches the trace link, which shows its focus,
    // and Enter follows it.
    const traceLink = item.getByRole('link', { name: 'Parcours de cette question' });
    await until(async () => {
      await phone.keyboard.press('Tab');
      return traceLink.evaluate((a) => a === document.activeElement);
    }, 'the trace link, from the keyboard', 20_000);
    assert.notEqual(await traceLink.evaluate((a) => getComputedStyle(a).outlineStyle), 'none', 'a visible focus');
    await phone.keyboard.press('Enter');
    await phone.waitForURL(`**/c/${id}/trace?code=${steps[0].code}&question=1`);
    await until(async () => (await tracePath(phone)).length === 5, 'the trace, in French');
    assert.equal(await phone.locator('#question').textContent(), question);
    assert.deepEqual(await tracePath(phone), [
      'Posée à l’étape 1, «\u00a0Step 1: priorities\u00a0» : 1 vote',
      'Reportée à l’étape 2, «\u00a0Step 2: proposals\u00a0», avec le 1 vote qu’elle avait',
      'Réponse donnée à l’étape 2, «\u00a0Step 2: proposals\u00a0»',
      'Reprise par la proposition P-1 (Publiée)',
      'Incluse dans l’engagement C-1, aujourd’hui : Substantiel',
    ]);
    assert.equal(await phone.locator('.trace-detail').filter({ hasText: answer }).count(), 1, 'the answer given');
    await checkBothSizes(phone, 'consultation-trace-fr');

    await phone.locator('#lang button').click();
    await until(async () => (await tracePath(phone))[0] === 'Asked at step 1, “Step 1: priorities”: 1 vote', 'the trace, in English');
    assert.deepEqual(await tracePath(phone), [
      'Asked at step 1, “Step 1: priorities”: 1 vote',
      'Carried to step 2, “Step 2: proposals”, with the 1 vote it had',
      'Answered at step 2, “Step 2: proposals”',
      'Taken up by proposal P-1 (Published)',
      'Included in commitment C-1, now: Substantial',
    ]);
    await accessible(phone, 'trace, English');
    await screenshot(phone, 'consultation-trace-en');

    await phone.getByRole('link', { name: 'Back to the consultation' }).click();
    const en = phone.getByRole('region', { name: 'Follow my input' });
    await until(async () => /In commitment C-1: Substantial/.test(await en.locator('#mine > li').filter({ hasText: question }).textContent()), 'where it went, in English');
    await accessible(phone, 'public page, English, follow my input');
    await screenshot(phone, 'consultation-mine-phone-en');
  });

  for (const [name, list] of Object.entries(errors)) {
    const real = list.filter((e) => !/WebSocket connection to .* failed/.test(e));
    assert.deepEqual(real, [], `errors on the ${name} page`);
  }
});
