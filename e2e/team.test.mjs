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

/** Has the organiser's dashboard make a link of scope, and returns it. */
async function makeLink(chair, name, scope) {
  await chair.getByRole('tab', { name: 'Team' }).click();
  await chair.getByLabel('Role name').fill(name);
  await chair.getByLabel('This link may').selectOption(scope);
  const before = await chair.locator('#team li.seat').count();
  await chair.getByRole('button', { name: 'Create the link' }).click();
  await until(async () => (await chair.locator('#team li.seat').count()) === before + 1, `the link ${name}`);
  return until(() => chair.locator('#team-new-link').getAttribute('href'), `the new link ${name}`);
}

/**
 * The visible controls that selector finds on page, but those that change
 * only the page (pausing a list's updates).
 */
function visibleControls(page, selector) {
  return page.locator(selector).evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0 && !e.closest('.pause')).map((e) => e.id || e.dataset.action || e.textContent.trim()));
}

test('each scope sees only the controls it may use', async (t) => {
  const room = await createRoom(env.server, { title: 'Scopes', settings: { qaOpen: true, preModeration: true } });
  const chair = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await chair.goto(room.links.moderator);
  await live(chair);
  await chair.getByRole('button', { name: 'Start the meeting' }).click();
  // A poll, open, for the links to see.
  await chair.getByRole('tab', { name: 'Polls' }).click();
  await chair.locator('#poll-builder summary').click();
  await chair.locator('#poll-title').fill('Which park?');
  await chair.locator('#poll-options').fill('North\nSouth');
  await chair.locator('#poll-form button[type=submit]').click();
  const chairPoll = chair.locator('#polls .poll').filter({ hasText: 'Which park?' });
  await chairPoll.getByRole('button', { name: 'Open poll' }).click();
  await until(async () => (await chairPoll.locator('.poll-status').textContent()).includes('Open'), 'the poll open');
  const questionsLink = await makeLink(chair, 'Moderator 2', 'questions');
  const backLink = await makeLink(chair, 'Clerk', 'backstage');
  const phone = await newPage(env.browser, t, { viewport: { width: 390, height: 844 } });
  await join(env.server, phone, room.code);
  await phone.getByLabel('Your question', { exact: true }).fill('When does the pool open?');
  await phone.getByRole('button', { name: 'Send question' }).click();

  // Questions only: moderates the question, and runs no poll.
  const mod2 = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod2.goto(questionsLink);
  await live(mod2);
  await until(async () => (await mod2.evaluate(() => document.body.dataset.scope)) === 'questions', 'the questions scope');
  const poll2 = mod2.locator('#polls .poll').filter({ hasText: 'Which park?' });
  await poll2.waitFor();
  assert.deepEqual(await visibleControls(mod2, '#panel-polls button, #panel-polls select, #panel-polls summary'), [], 'poll controls on a questions-only dashboard');
  assert.ok(await mod2.locator('#poll-builder').isHidden(), 'the new-poll form');
  assert.match(await mod2.locator('#panel-polls .scope-hint').textContent(), /Read only/);
  assert.match(await mod2.locator('#scope-note').textContent(), /moderates questions and ideas/);
  assert.ok(await mod2.locator('#start').isHidden() && await mod2.locator('#end').isHidden(), 'start and end');
  for (const [tab, selector] of [['Agenda', '#panel-agenda button, #panel-agenda summary'], ['Announce', '#panel-announce button'], ['Settings', '#panel-settings button, #panel-settings select, #panel-settings input']]) {
    await mod2.getByRole('tab', { name: tab }).click();
    assert.deepEqual(await visibleControls(mod2, selector), [], `${tab} controls on a questions-only dashboard`);
  }
  const waiting = mod2.locator('#queue > li').filter({ hasText: 'pool open' });
  await waiting.getByRole('button', { name: 'Approve', exact: true }).click();
  await until(async () => (await chair.locator('#live > li').filter({ hasText: 'pool open' }).count()) === 1, 'the question approved by the questions link');
  await mod2.getByRole('tab', { name: 'Polls' }).click();
  await screenshot(mod2, 'team-scope-questions');

  // Backstage: sees the question and the poll, acts on nothing, sends a note.
  const back = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await back.goto(backLink);
  await live(back);
  await until(async () => (await back.evaluate(() => document.body.dataset.scope)) === 'backstage', 'the backstage scope');
  await back.locator('#live > li').filter({ hasText: 'pool open' }).waitFor();
  await back.locator('#polls .poll').filter({ hasText: 'Which park?' }).waitFor();
  const acting = '#queue-box button, #live-box button, #panel-polls button, #panel-polls summary, #panel-ideas button, #panel-floor button, #panel-agenda button, #panel-announce button, #panel-done button, #panel-settings button, .status-row button';
  assert.deepEqual(await visibleControls(back, acting), [], 'action buttons on a backstage dashboard');
  assert.match(await back.locator('#scope-note').textContent(), /Backstage link: you see everything and act on nothing/);
  // A shortcut says why rather than act.
  await back.locator('#live > li').first().click();
  await back.keyboard.press('h');
  assert.equal(await chair.locator('#live > li.highlighted').count(), 0, 'a backstage shortcut highlighted');
  await screenshot(back, 'team-scope-backstage');
  await back.getByRole('tab', { name: 'Team' }).click();
  await back.getByLabel('Note to the moderators').fill('Question 1 is a repeat');
  await back.getByRole('button', { name: 'Send note' }).click();
  await until(async () => (await chair.locator('#note-flash').textContent())?.includes('Question 1 is a repeat'), 'the note on the chair\'s dashboard');
  const fit = await back.evaluate(() => [document.scrollingElement.scrollHeight, innerHeight]);
  assert.ok(fit[0] <= fit[1], `the backstage dashboard is ${fit[0]} px high in ${fit[1]}`);

  // In French too.
  await back.getByRole('button', { name: 'Français' }).click();
  await until(async () => /Lien coulisses/.test(await back.locator('#scope-note').textContent()), 'the scope note in French');
  await back.getByRole('tab', { name: 'Sondages' }).click();
  assert.match(await back.locator('#panel-polls .scope-hint').textContent(), /Lecture seule/);
});
