// Corrections, in a real browser against the real server: an author fixes
// a question still waiting for moderation (and a reload keeps the
// correction being typed), a moderator fixes a poll nobody has voted in
// yet, and the meeting's title and description; everyone sees the result,
// and what can no longer change offers no way to change it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { until, newPage, live, shared, createRoom, join, accessible } from './lib/browser.mjs';

const texts = (p, sel) => p.locator(sel).allTextContents();

const env = shared({ before, after });

const newRoom = () => createRoom(env.server, {
  title: 'Budget hearing',
  description: 'First draft',
  settings: { qaOpen: true, preModeration: true, anonymous: false, reactions: true, maxLength: 0, hideCount: false, streamURL: '' },
});

const page = (t, options) => newPage(env.browser, t, options);

test('an author corrects a waiting question; a reload keeps the correction', async (t) => {
  const room = await newRoom();
  const mod = await page(t);
  const p = await page(t, { viewport: { width: 390, height: 844 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await join(env.server, p, room.code);

  await p.getByLabel('Your question', { exact: true }).fill('When will the libary reopen?');
  await p.getByRole('button', { name: 'Send question' }).click();
  const mine = p.locator('#mine > li');
  await mine.filter({ hasText: 'libary' }).waitFor();
  await mod.locator('#queue > li').filter({ hasText: 'libary' }).waitFor();
  // The acknowledgement's line above the list moves it: click once it came.
  await until(async () => /approves it/.test(await p.locator('#ask-status').textContent()), 'the ack');

  await mine.getByRole('button', { name: 'Edit' }).click();
  const box = p.getByLabel('Your question, corrected');
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, 'the correction box has the focus');
  await box.fill('When will the library reopen?');
  await accessible(p, 'participant, correcting');

  // A reload in the middle: the correction being typed is still there.
  await p.reload();
  await live(p);
  await until(async () => (await p.getByLabel('Your question, corrected').count()) === 1, 'the correction form after the reload');
  assert.equal(await p.getByLabel('Your question, corrected').inputValue(), 'When will the library reopen?');

  await p.getByRole('button', { name: 'Save', exact: true }).click();
  await until(async () => (await texts(p, '#mine .q-text')).includes('When will the library reopen?'), 'the author sees the correction');
  await until(async () => (await texts(mod, '#queue .q-text')).includes('When will the library reopen?'), 'the moderator sees the correction');
  assert.equal((await texts(mod, '#queue .q-text')).some((s) => s.includes('libary')), false);
  await until(async () => (await p.locator('#announcer').textContent()) === 'Your question was corrected.', 'the correction announced');

  // Once published, the question is no longer the author's to change.
  await mod.locator('#queue > li').filter({ hasText: 'library reopen' }).getByRole('button', { name: 'Approve' }).click();
  await until(async () => (await texts(p, '#questions .q-text')).includes('When will the library reopen?'), 'the corrected question published');
  // The author's own list follows in its own message of the same tick.
  await until(async () => (await p.locator('#mine > li').count()) === 0, 'the question gone from the waiting list');
  assert.equal(await p.getByRole('button', { name: 'Edit' }).count(), 0);
  // The log keeps both texts: the report shows the one published.
});

test('a moderator corrects a poll until the first vote, and the meeting title', async (t) => {
  const room = await newRoom();
  const mod = await page(t);
  const p = await page(t, { locale: 'fr-FR' });
  const screen = await page(t, { viewport: { width: 1920, height: 1080 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.getByRole('button', { name: 'Start the meeting' }).click();
  await join(env.server, p, room.code);
  await screen.goto(`${env.server.url}/s/${room.code}`);
  await live(screen);

  // The title and description.
  await mod.getByRole('tab', { name: 'Settings' }).click();
  await mod.getByText('Title and description', { exact: true }).click();
  assert.equal(await mod.getByLabel('Title', { exact: true }).inputValue(), 'Budget hearing');
  await mod.getByLabel('Title', { exact: true }).fill('Budget hearing 2027');
  await mod.getByLabel('Description', { exact: true }).fill('Second draft, with the tables');
  await mod.getByRole('button', { name: 'Save title and description' }).click();
  await until(async () => (await p.locator('#title').textContent()) === 'Budget hearing 2027', 'the participant sees the new title');
  await until(async () => (await p.locator('#description').textContent()) === 'Second draft, with the tables', 'and the description');
  await until(async () => (await screen.locator('#title').textContent()) === 'Budget hearing 2027', 'the screen sees the new title');
  await mod.getByLabel('Title', { exact: true }).fill('');
  await mod.getByRole('button', { name: 'Save title and description' }).click();
  assert.equal(await mod.locator('#meeting-form-status').textContent(), 'A meeting needs a title.');

  // A poll with a typo, corrected before it opens.
  await mod.getByRole('tab', { name: 'Polls' }).click();
  await mod.getByText('New poll', { exact: true }).click();
  await mod.getByLabel('Question asked').fill('Wich priority first?');
  await mod.getByLabel('Options, one per line').fill('Schools\nRoads');
  await mod.getByRole('button', { name: 'Create poll' }).click();
  const poll = mod.locator('#polls section').filter({ hasText: 'Wich priority' });
  await poll.waitFor();
  await poll.getByRole('button', { name: 'Edit poll' }).click();
  const form = poll.locator('form');
  assert.equal(await form.getByLabel('Question asked').evaluate((el) => el === document.activeElement), true, 'the question field has the focus');
  await form.getByLabel('Question asked').fill('Which priority first?');
  await form.getByLabel('Options, one per line').fill('Schools\nRoads\nLibraries');
  await accessible(mod, 'moderator, correcting a poll');
  await form.getByRole('button', { name: 'Save the poll' }).click();
  const fixed = mod.locator('#polls section').filter({ hasText: 'Which priority first?' });
  await fixed.waitFor();
  assert.equal(await fixed.locator('form').count(), 0, 'the form closes once saved');

  // Opened, it still can be corrected while nobody has voted.
  await fixed.getByRole('button', { name: 'Open poll' }).click();
  await p.getByRole('radio', { name: 'Libraries' }).waitFor();
  assert.equal(await fixed.getByRole('button', { name: 'Edit poll' }).count(), 1);
  await p.getByRole('radio', { name: 'Libraries' }).check();
  await p.getByRole('button', { name: 'Voter' }).click();
  await until(async () => /1 vote/.test(await fixed.locator('.poll-status').textContent()), 'the first ballot');
  await until(async () => (await fixed.getByRole('button', { name: 'Edit poll' }).count()) === 0, 'no edit once someone voted');
});
