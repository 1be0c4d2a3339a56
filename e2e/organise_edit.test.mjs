// The organiser edits the consultation and its step meetings, in a real
// browser (the real tribune binary, headless Chromium).
//
// A consultation with two step meetings is made through the API. On the
// organiser's page, "Edit the consultation" opens prefilled with what the
// consultation says; the organiser renames it and moves its closing date.
// Step 1's "Edit" button, used from the keyboard only, opens its title and
// date in place; Enter saves, Escape closes unchanged. The public page,
// reloaded, shows the new titles. An empty title, for the consultation or
// a step, is refused with the server's own message and changes nothing:
// the consultation's seq stays where it was. In French on a 390x844 phone
// and in English on a 1366x768 laptop, nothing scrolls sideways and axe
// finds nothing. Screenshots go to e2e/artifacts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, screenshot, watchErrors, until, story, accessible, fits, checkBothSizes } from './lib/browser.mjs';

const phoneView = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const laptopView = { viewport: { width: 1366, height: 768 } };

async function post(url, body, key) {
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const out = await res.json();
  assert.ok(res.ok, `${url}: ${res.status} ${JSON.stringify(out)}`);
  return out;
}

test('the organiser edits the consultation and a step meeting', { timeout: 180_000 }, async (t) => {
  const server = await startServer({ t });
  const browser = await launch({ t });
  const base = server.url;

  const made = await post(`${base}/api/consultations`, {
    title: 'Budget 2027', description: 'Where the money goes, decided in two steps.', opens: '2027-01-10', closes: '2027-03-31',
  });
  const { id, key } = made;
  const api = `${base}/api/consultations/${id}`;
  const step1 = await post(`${api}/steps`, { title: 'Step 1: listen', date: '2027-01-10' }, key);
  await post(`${api}/steps`, { title: 'Step 2: decide', date: '2027-02-14' }, key);
  /** The organiser's view, as the server has it. */
  const view = async () => (await (await fetch(api, { headers: { authorization: `Bearer ${key}` } })).json());

  const orgCtx = await browser.newContext({ ...laptopView, locale: 'en-US' });
  const org = await orgCtx.newPage();
  const errors = watchErrors(org);
  const step = story(t, { org }, 'organise-edit');

  await step('the form opens with what the consultation says, and saves a new title', async () => {
    await org.goto(made.links.organiser);
    await org.getByRole('heading', { level: 1, name: 'Budget 2027' }).waitFor();
    await org.getByText('Edit the consultation').click();
    const form = org.locator('#edit-consultation');
    assert.equal(await form.getByLabel('Name of the consultation').inputValue(), 'Budget 2027');
    assert.equal(await form.getByLabel('What it is about (optional)').inputValue(), 'Where the money goes, decided in two steps.');
    assert.equal(await form.getByLabel('Opens on (optional)').inputValue(), '2027-01-10');
    assert.equal(await form.getByLabel('Closes on (optional)').inputValue(), '2027-03-31');
    await form.getByLabel('Name of the consultation').fill('Participatory budget 2027');
    await form.getByLabel('Closes on (optional)').fill('2027-04-30');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await until(async () => (await org.locator('#e-status').textContent()) === 'The consultation is saved.', 'saved status');
    assert.equal(await org.locator('#e-status').getAttribute('role'), 'status');
    await org.getByRole('heading', { level: 1, name: 'Participatory budget 2027' }).waitFor();
    const v = (await view()).view;
    assert.equal(v.title, 'Participatory budget 2027');
    assert.equal(v.description, 'Where the money goes, decided in two steps.');
    assert.deepEqual([v.opens, v.closes], ['2027-01-10', '2027-04-30']);
  });

  await step('an empty title is refused with the server\'s message, and nothing changes', async () => {
    const before = await view();
    const form = org.locator('#edit-consultation');
    await form.getByLabel('Name of the consultation').fill('   ');
    await form.getByLabel('What it is about (optional)').fill('This must not be kept.');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    // What the server says to the same command, word for word.
    const res = await fetch(`${api}/commands`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ op: 'consultation.edit', title: '', text: 'x' }),
    });
    assert.equal(res.status, 400);
    const { error } = await res.json();
    assert.ok(error.message, JSON.stringify(error));
    await until(async () => (await org.locator('#e-status').textContent()).includes(error.message), `status shows "${error.message}"`);
    assert.equal(await form.getByLabel('Name of the consultation').getAttribute('aria-invalid'), 'true');
    await screenshot(org, 'organise-edit-refused-laptop');
    const after = await view();
    assert.equal(after.seq, before.seq);
    assert.deepEqual(after.view, before.view);
    await org.getByRole('heading', { level: 1, name: 'Participatory budget 2027' }).waitFor();
    // Undo puts back what the consultation says.
    await form.getByRole('button', { name: 'Undo my changes' }).click();
    assert.equal(await form.getByLabel('Name of the consultation').inputValue(), 'Participatory budget 2027');
    assert.equal(await form.getByLabel('What it is about (optional)').inputValue(), 'Where the money goes, decided in two steps.');
  });

  await step('a step meeting edited in place, from the keyboard', async () => {
    const edit = org.getByRole('button', { name: 'Edit step 1' });
    assert.equal(await edit.getAttribute('aria-expanded'), 'false');
    await edit.focus();
    await org.keyboard.press('Enter');
    const title = org.getByLabel('Title of step 1');
    await title.waitFor();
    assert.equal(await edit.getAttribute('aria-expanded'), 'true');
    assert.ok(await title.evaluate((el) => el === document.activeElement), 'the title has the focus');
    assert.equal(await title.inputValue(), 'Step 1: listen');
    assert.equal(await org.getByLabel('Date of step 1 (optional)').inputValue(), '2027-01-10');
    await checkBothSizes(org, 'organise-edit-open');

    // Escape closes it unchanged, the focus back on its button.
    await org.keyboard.type(' (typed, then dropped)');
    await org.keyboard.press('Escape');
    await title.waitFor({ state: 'detached' });
    assert.ok(await edit.evaluate((el) => el === document.activeElement), 'the focus is back on Edit step 1');
    assert.equal((await view()).view.steps[0].title, 'Step 1: listen');

    // An empty title: the server's message, nothing changed.
    const before = await view();
    await org.keyboard.press('Enter');
    await title.waitFor();
    await title.fill('');
    await org.keyboard.press('Enter');
    const form = org.locator(`#step-edit-${step1.code}`);
    await until(async () => /title/.test(await form.locator('[role="status"]').textContent()), 'the step\'s refusal');
    assert.equal(await title.getAttribute('aria-invalid'), 'true');
    const after = await view();
    assert.equal(after.seq, before.seq);
    assert.deepEqual(after.view.steps, before.view.steps);

    // A new title, saved with Enter.
    await title.fill('Step 1: listen to everyone');
    await org.keyboard.press('Enter');
    await until(async () => (await org.locator('#steps-status').textContent()) === 'Step 1 is saved.', 'step saved status');
    await title.waitFor({ state: 'detached' });
    assert.ok(await edit.evaluate((el) => el === document.activeElement), 'the focus is back on Edit step 1');
    await org.locator('#steps .c-title', { hasText: 'Step 1: listen to everyone' }).waitFor();
    const s = (await view()).view.steps[0];
    assert.deepEqual([s.title, s.date], ['Step 1: listen to everyone', '2027-01-10']);
  });

  await step('the public page shows the new titles after a reload', async () => {
    const pubCtx = await browser.newContext({ ...phoneView, locale: 'en-GB' });
    const pub = await pubCtx.newPage();
    const pubErrors = watchErrors(pub);
    await pub.goto(`${base}/c/${id}`);
    await pub.reload();
    await pub.getByRole('heading', { level: 1, name: 'Participatory budget 2027' }).waitFor();
    await pub.locator('#steps', { hasText: 'Step 1: listen to everyone' }).waitFor();
    assert.equal(await pub.locator('#steps').getByText('Step 1: listen', { exact: true }).count(), 0);
    await screenshot(pub, 'organise-edit-public-phone');
    assert.deepEqual(pubErrors, []);
    await pubCtx.close();
  });

  await step('in French on a phone: the forms, open, fit', async () => {
    const frCtx = await browser.newContext({ ...phoneView, locale: 'fr-FR' });
    const fr = await frCtx.newPage();
    const frErrors = watchErrors(fr);
    await fr.goto(made.links.organiser);
    await fr.getByRole('heading', { level: 1, name: 'Participatory budget 2027' }).waitFor();
    await fr.getByText('Modifier la consultation').click();
    assert.equal(await fr.getByLabel('Nom de la consultation').inputValue(), 'Participatory budget 2027');
    await fr.getByRole('button', { name: 'Modifier l’étape 2' }).click();
    assert.equal(await fr.getByLabel('Titre de l’étape 2').inputValue(), 'Step 2: decide');
    await fits(fr, 'organiser, French, editors open (phone)');
    await accessible(fr, 'organiser, French, editors open (phone)');
    await screenshot(fr, 'organise-edit-fr-phone');
    assert.deepEqual(frErrors, []);
    await frCtx.close();
  });

  // The refusals are answered 400, which Chromium logs as failed loads;
  // anything else is a fault.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
});

