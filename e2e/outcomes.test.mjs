// What came of each agenda step: the moderator writes it on the dashboard
// (during the meeting or after it), participants see it under the step,
// and the report keeps it: where people trace their input to a decision.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, until, newPage, live, shared, createRoom, join } from './lib/browser.mjs';


const env = shared({ before, after });

const page = (t, locale = 'en-US') => newPage(env.browser, t, { locale });

test('a step outcome, from the dashboard to the participants and the report', async (t) => {
  const room = await createRoom(env.server, { title: 'Open government plan', steps: ['Welcome', 'Open data', 'Next steps'] });
  const mod = await page(t);
  const p = await page(t, 'fr-FR');
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.getByRole('button', { name: 'Start the meeting' }).click();
  await join(env.server, p, room.code);

  const decision = 'Decided: budget tables published as open data every quarter.';
  await mod.getByRole('tab', { name: 'Agenda' }).click();
  const toggle = mod.getByRole('button', { name: 'Outcome of step: Open data' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  const box = mod.getByLabel('What came of “Open data” (a decision, what is carried forward)');
  assert.equal(await box.evaluate((el) => el === document.activeElement), true, 'the editor has the focus');
  assert.equal(await mod.getByRole('button', { name: 'Outcome of step: Open data' }).getAttribute('aria-expanded'), 'true');
  await box.fill(decision);
  // Another change redraws the agenda: what is typed stays.
  await mod.getByRole('button', { name: 'Next step', exact: true }).click();
  await until(async () => /Step 2 of 3/.test(await mod.locator('#step').textContent()), 'step 2');
  assert.equal(await mod.getByLabel('What came of “Open data” (a decision, what is carried forward)').inputValue(), decision);
  const violations = await axeCheck(mod);
  assert.deepEqual(violations, [], formatViolations(violations));
  await mod.getByRole('button', { name: 'Save the outcome' }).click();
  await until(async () => (await mod.locator('#agenda .outcome').textContent()) === `Outcome: ${decision}`, 'the outcome under its step');
  assert.equal(await mod.locator('#outcome-text').count(), 0, 'the editor closes once saved');

  // The agenda, unfolded, in the section about the meeting.
  await p.getByRole('tab', { name: 'Réunion' }).click();
  await until(async () => (await p.locator('#agenda .outcome').textContent()) === `Résultat : ${decision}`, 'the participant sees the outcome');
  assert.equal(await p.locator('#agenda .outcome').isVisible(), true);

  // Written or corrected after the end, too; the report keeps it.
  mod.on('dialog', (d) => d.accept());
  await mod.getByRole('button', { name: 'End the meeting' }).click();
  await until(async () => (await mod.locator('#meeting-status').textContent()) === 'Ended', 'the end');
  await mod.getByRole('button', { name: 'Outcome of step: Next steps' }).click();
  await mod.getByLabel('What came of “Next steps” (a decision, what is carried forward)').fill('A follow-up meeting in June.');
  await mod.getByRole('button', { name: 'Save the outcome' }).click();
  await until(async () => (await mod.locator('#agenda .outcome').count()) === 2, 'the second outcome');

  const report = await page(t);
  await report.goto(`${env.server.url}/r/${room.code}`);
  await until(async () => (await report.locator('#agenda-body .outcome').count()) === 2, 'the outcomes in the report');
  assert.deepEqual(await report.locator('#agenda-body .outcome').allTextContents(), [`Outcome: ${decision}`, 'Outcome: A follow-up meeting in June.']);
});
