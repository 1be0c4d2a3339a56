// The accessibility statement and personal data page: reached from the
// pages' footers, in English and French, with the contact the server was
// given, and itself accessible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, axeCheck, formatViolations, watchErrors, until } from './lib/browser.mjs';

test('the about page: from the footer, both languages, the contact', async (t) => {
  const server = await startServer({ t, args: ['-contact', 'accessibilite@ville.example', '-retention', '365d'] });
  const browser = await launch({ t });
  const ctx = await browser.newContext({ locale: 'en-US' });
  const p = await ctx.newPage();
  const errors = watchErrors(p);

  await p.goto(server.url + '/');
  await p.getByRole('contentinfo').getByRole('link', { name: 'Accessibility and personal data' }).click();
  await p.waitForURL('**/about');
  await p.getByRole('heading', { level: 1, name: 'Accessibility and personal data' }).waitFor();
  assert.match(await p.locator('main').textContent(), /not audited/);
  assert.match(await p.locator('main').textContent(), /keeps no IP address and sets no cookie/);
  await until(async () => (await p.locator('#retention').textContent()) === 'This server deletes each meeting, with its whole record, 365 days after it ended and its moderators last wrote to it.', 'the retention period');
  const mail = p.getByRole('link', { name: 'accessibilite@ville.example' });
  await mail.waitFor();
  assert.equal(await mail.getAttribute('href'), 'mailto:accessibilite@ville.example');
  let violations = await axeCheck(p);
  assert.deepEqual(violations, [], formatViolations(violations));

  await p.getByRole('button', { name: 'Lire en français' }).click();
  await until(async () => (await p.locator('h1').textContent()) === 'Accessibilité et données personnelles', 'the page in French');
  assert.equal(await p.locator('html').getAttribute('lang'), 'fr');
  assert.match(await p.locator('#contact').textContent(), /^Pour l’accessibilité ou vos données personnelles, écrivez à : accessibilite@ville\.example$/);
  violations = await axeCheck(p);
  assert.deepEqual(violations, [], formatViolations(violations));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('without a contact, the about page says to ask the organiser', async (t) => {
  const server = await startServer({ t });
  const browser = await launch({ t });
  const ctx = await browser.newContext({ locale: 'fr-FR' });
  const p = await ctx.newPage();
  await p.goto(server.url + '/about');
  await until(async () => /demandez à l’organisateur/.test(await p.locator('#contact').textContent()), 'no contact');
  assert.equal(await p.locator('#contact a').count(), 0);
  assert.equal(await p.locator('#retention').isVisible(), false, 'no retention line without a period');
  await ctx.close();
});
