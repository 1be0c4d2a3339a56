// The moderation team, in real pages: the organiser creates a backstage
// link (shown once, with its QR code), opens it in a second browser, a
// note sent from there reaches the organiser's dashboard (and no
// participant); the organiser publishes the rules, which a participant on
// a phone finds folded under the question box; revoking the link cuts the
// second page off, and the link stays refused; the report names the team
// and publishes the rules, and no note.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom, join } from './lib/browser.mjs';

const env = shared({ before, after });

test('a backstage link: created, used for a note, then revoked', async (t) => {
  const room = await createRoom(env.server, { title: 'Team meeting', settings: { qaOpen: true, preModeration: true, reactions: true } });
  const chair = await newPage(env.browser, t);
  await chair.goto(room.links.moderator);
  await live(chair);
  await chair.getByRole('tab', { name: 'Team' }).click();
  await chair.getByRole('tabpanel', { name: 'Team' }).waitFor();

  // A link for the backstage, shown once with its QR code.
  await chair.getByLabel('Role name').fill('Backstage');
  await chair.getByLabel('This link may').selectOption('backstage');
  await chair.getByRole('button', { name: 'Create the link' }).click();
  const link = await until(() => chair.locator('#team-new-link').getAttribute('href'), 'the new link');
  assert.match(link, new RegExp(`/m/${room.code}#key=[A-Za-z0-9_-]{43}$`));
  assert.notEqual(link, room.links.moderator);
  await until(async () => (await chair.locator('#team-new img.qr').getAttribute('src'))?.startsWith('data:image/svg+xml'), 'the QR code of the link');
  await until(async () => (await chair.locator('#team li.seat').count()) === 1, 'the team listed');
  const violations = await axeCheck(chair, { impacts: 'all' });
  assert.deepEqual(violations, [], formatViolations(violations));
  await screenshot(chair, 'team-link-created');

  // The link, opened elsewhere: a backstage dashboard that acts on nothing.
  const back = await newPage(env.browser, t);
  await back.goto(link);
  await live(back);
  await until(async () => (await back.evaluate(() => document.body.dataset.scope)) === 'backstage', 'the backstage scope');
  await back.getByRole('tab', { name: 'Team' }).click();
  assert.match(await back.locator('#team-you').textContent(), /Backstage/);
  assert.ok(await back.locator('#organiser-tools').isHidden(), 'a link holds no organiser tools');

  // A participant on a phone finds the rules, folded, under the question box.
  const phone = await newPage(env.browser, t, { viewport: { width: 390, height: 844 } });
  await join(env.server, phone, room.code);
  await chair.getByLabel('Rules, one per line').fill('Be kind to everyone\nNo advertising');
  await chair.getByRole('button', { name: 'Publish the rules' }).click();
  await until(async () => (await phone.locator('#charter-rules li').count()) === 2, 'the rules on the phone');
  assert.ok(await phone.locator('#charter').isHidden(), 'the rules are folded');
  const ask = await phone.locator('#ask-text').boundingBox();
  assert.ok(ask && ask.y + ask.height <= 844, 'the question box is on screen');
  await phone.getByRole('button', { name: 'Moderation rules' }).click();
  assert.equal(await phone.getByRole('button', { name: 'Moderation rules' }).getAttribute('aria-expanded'), 'true');
  assert.equal(await phone.locator('#charter-rules li').nth(1).textContent(), 'No advertising');
  const violations2 = await axeCheck(phone, { impacts: 'all' });
  assert.deepEqual(violations2, [], formatViolations(violations2));
  await screenshot(phone, 'team-charter-phone');

  // A refusal cites a rule, and its author reads which.
  await phone.getByLabel('Your question', { exact: true }).fill('Buy cheap watches at our shop today');
  await phone.getByRole('button', { name: 'Send question' }).click();
  const waiting = chair.locator('#queue > li').filter({ hasText: 'cheap watches' });
  await waiting.getByRole('button', { name: 'Reject', exact: true }).click();
  await chair.getByLabel('Reason').selectOption('off-topic');
  await chair.getByLabel('Rule applied').selectOption('2');
  await chair.getByRole('button', { name: 'Reject the question' }).click();
  const mine = phone.locator('#mine > li').filter({ hasText: 'cheap watches' });
  await until(async () => /Not published: off topic \(rule 2\)/.test(await mine.textContent()), 'the rule, for the author');

  // A note from backstage reaches the organiser, and no participant.
  await back.getByLabel('Note to the moderators').fill('The speaker is over time');
  await back.getByRole('button', { name: 'Send note' }).click();
  await until(async () => (await chair.locator('#notes li').first().textContent())?.includes('The speaker is over time'), 'the note on the dashboard');
  assert.match(await chair.locator('#notes li').first().textContent(), /Backstage/);
  // Whatever panel is shown, the chair reads it beside the meeting's status.
  await chair.getByRole('tab', { name: 'Polls' }).click();
  assert.match(await chair.locator('#note-flash').textContent(), /Backstage .*The speaker is over time/);
  const fit = await chair.evaluate(() => [document.scrollingElement.scrollHeight, innerHeight]);
  assert.ok(fit[0] <= fit[1], `the dashboard with a note is ${fit[0]} px high in ${fit[1]}`);
  await screenshot(chair, 'team-note-received');
  await chair.locator('#note-flash').getByRole('button', { name: 'Seen' }).click();
  assert.ok(await chair.locator('#note-flash').isHidden(), 'the note dismissed');
  await chair.getByRole('tab', { name: 'Team' }).click();
  const seen = await phone.evaluate(() => JSON.stringify(window.tribune.state));
  assert.ok(!seen.includes('over time') && !seen.includes('Backstage'), 'a participant holds the note or the team');

  // Revoked: the backstage page is cut off at once, and stays so.
  await chair.getByRole('button', { name: 'Revoke the link of Backstage' }).click();
  await until(async () => !(await back.locator('#fatal').isHidden()), 'the revoked page cut off');
  assert.match(await back.locator('#fatal').textContent(), /not valid, or was revoked/);
  await until(async () => (await chair.locator('#team li.seat.revoked').count()) === 1, 'the link shown revoked');
  const again = await newPage(env.browser, t);
  await again.goto(link);
  await until(async () => !(await again.locator('#fatal').isHidden()), 'the revoked link refused');

  // The public report names the team by role and publishes the rules.
  const report = await newPage(env.browser, t);
  await report.goto(room.links.report);
  await until(async () => (await report.locator('#ledger-body').textContent())?.includes('The moderation team: Backstage (revoked).'), 'the team in the report');
  const ledger = await report.locator('#ledger-body').textContent();
  assert.ok(ledger.includes('No advertising'), 'the rules in the report');
  assert.ok(!ledger.includes('over time'), 'a note in the report');
});
