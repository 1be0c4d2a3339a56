// Who votes, in real pages: the organiser makes voting cards on the
// dashboard, gets their PDF (one QR code per card, checked with poppler
// when it is installed, and by the PDF's own image objects; the codes
// read back with zbarimg when zbar-tools is installed) and their links; a card opened on a phone votes in a poll counted by card. A poll
// counted in the room: the big screen shows the room code, a phone
// (390x844) types it, votes, and the vote is counted.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { screenshot, until, newPage, live, shared, createRoom, join } from './lib/browser.mjs';

const env = shared({ before, after });
const phone = { width: 390, height: 844 };
const settings = { qaOpen: true, preModeration: false, reactions: true };

/** Creates a single-choice poll counted as counting, and opens it. */
async function createPoll(mod, title, counting) {
  const builder = mod.locator('#poll-builder');
  if (!(await builder.evaluate((d) => d.open))) await builder.locator('summary').click();
  await mod.locator('#poll-title').fill(title);
  await mod.locator('#poll-kind').selectOption('single');
  await mod.locator('#poll-options').fill('Yes\nNo');
  await mod.locator('#poll-visibility').selectOption('live');
  await mod.locator('#poll-counting').selectOption(counting);
  await mod.locator('#poll-form button[type=submit]').click();
  const section = mod.locator('#polls .poll').filter({ hasText: title });
  await section.getByRole('button', { name: 'Open poll' }).click();
  await until(async () => (await section.locator('.poll-status').textContent()).includes('Open'), `${title} open`);
  return section;
}

/** The open poll titled title on a phone page, unfolded. */
async function unfolded(p, title) {
  const poll = p.getByRole('region', { name: title });
  await poll.waitFor();
  const body = poll.locator('details.poll-body');
  if (!(await body.evaluate((d) => d.open))) await poll.locator('summary.poll-toggle').click();
  return poll;
}

/** Whether a command-line tool is installed (flag: what makes it say its version and exit 0). */
function has(tool, flag = '-v') {
  try { execFileSync(tool, [flag], { stdio: 'ignore' }); return true; } catch { return false; }
}

test('voting cards: printed as a PDF of QR codes, one card votes', async (t) => {
  const room = await createRoom(env.server, { title: 'Budget vote', settings });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.getByRole('button', { name: 'Start' }).first().click().catch(() => {});
  const box = mod.locator('#cards-box');
  await box.waitFor();
  await mod.getByLabel('Number of cards').fill('5');
  await mod.getByRole('button', { name: 'Make the cards' }).click();
  const href = await until(() => mod.locator('#cards-pdf').getAttribute('href'), 'the PDF link');
  assert.match(href, /^blob:/);
  const links = (await mod.locator('#cards-links').inputValue()).split('\n');
  assert.equal(links.length, 5);
  for (const l of links) assert.match(l, new RegExp(`/j/${room.code}#card=[A-Za-z0-9_-]{22}$`));
  assert.equal(new Set(links).size, 5);
  await until(async () => /5 issued, 0 voted/.test(await mod.locator('#cards-status').textContent()), 'the cards counted');
  await screenshot(mod, 'voters-cards-dashboard');

  // The PDF: five QR codes, each the link of one card.
  // The link downloads the PDF (the page's policy lets it fetch nothing
  // but its own origin, so the test takes the download as a person would).
  const [download] = await Promise.all([mod.waitForEvent('download'), mod.locator('#cards-pdf').click()]);
  assert.equal(download.suggestedFilename(), `cards-${room.code}.pdf`);
  const pdf = fs.readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.equal(pdf.toString('latin1').split('/Subtype /Image').length - 1, 5, 'one QR image per card');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tribune-cards-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'cards.pdf');
  fs.writeFileSync(file, pdf);
  if (has('pdfimages')) {
    const list = execFileSync('pdfimages', ['-list', file]).toString().trim().split('\n').slice(2);
    assert.equal(list.length, 5, `pdfimages lists ${list.length} images`);
  }
  if (has('pdftotext')) {
    const text = execFileSync('pdftotext', [file, '-']).toString();
    const secrets = links.map((l) => l.split('#card=')[1]);
    for (const s of secrets) assert.ok(text.includes(`#card=${s}`), `card ${s} is written on the page`);
  }
  if (has('pdftoppm')) {
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(dir, 'page')]);
    const png = fs.readdirSync(dir).find((f) => f.endsWith('.png'));
    fs.copyFileSync(path.join(dir, png), path.join(path.dirname(await screenshot(mod, 'voters-cards-dashboard')), 'voters-cards-pdf.png'));
    // The QR codes, read back from the rendered page as a phone's camera
    // would (zbar-tools, when installed): each is the link of one card.
    if (has('zbarimg', '--version')) {
      execFileSync('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', file, path.join(dir, 'scan')]);
      const scan = fs.readdirSync(dir).find((f) => f.startsWith('scan') && f.endsWith('.png'));
      const decoded = execFileSync('zbarimg', ['--raw', '-q', path.join(dir, scan)]).toString().trim().split('\n').sort();
      assert.deepEqual(decoded, links.slice().sort(), 'the QR codes read back are the cards\' links');
    }
  }

  // A card poll: the plain link may not vote; the card does, once.
  await createPoll(mod, 'Which park first?', 'cards');
  const plain = await newPage(env.browser, t, { viewport: phone });
  await join(env.server, plain, room.code);
  const plainPoll = await unfolded(plain, 'Which park first?');
  await until(async () => /voting cards/.test(await plainPoll.textContent()), 'the card-only hint');
  assert.equal(await plainPoll.locator('form.poll-vote').count(), 0);

  const card = await newPage(env.browser, t, { viewport: phone });
  await card.goto(links[0]);
  await card.locator('#join-form button[type=submit]').click();
  await live(card);
  assert.ok(!(await card.evaluate(() => location.href)).includes('#card='), 'the card leaves the address bar');
  const cardPoll = await unfolded(card, 'Which park first?');
  await cardPoll.getByLabel('Yes').check();
  await cardPoll.getByRole('button', { name: 'Vote' }).click();
  await until(async () => /1 voted/.test(await mod.locator('#cards-status').textContent()), 'the card counted as voted');
  await screenshot(card, 'voters-card-phone');
});

test('in the room: the screen shows the code, a phone types it and votes', async (t) => {
  const room = await createRoom(env.server, { title: 'Town hall', settings });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  const section = await createPoll(mod, 'Adopt the budget?', 'room');
  assert.match(await section.locator('.poll-status').textContent(), /In the room/);

  const screen = await newPage(env.browser, t, { viewport: { width: 1280, height: 720 } });
  await screen.goto(room.links.screen);
  await live(screen);
  const digits = await until(async () => {
    const s = (await screen.locator('#roomcode .roomcode-digits').textContent().catch(() => '')) || '';
    return /^\d{3} \d{3}$/.test(s) ? s : '';
  }, 'the room code on the screen');
  const fits = await screen.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight);
  assert.ok(fits, 'the screen does not scroll');
  await screenshot(screen, 'voters-screen-code');

  const p = await newPage(env.browser, t, { viewport: phone });
  await join(env.server, p, room.code);
  const poll = await unfolded(p, 'Adopt the budget?');
  const input = poll.getByLabel('Room code');
  await input.waitFor();
  const box = await input.boundingBox();
  assert.ok(box && box.y + box.height <= 844, 'the code box is on the first screen');
  await screenshot(p, 'voters-phone-checkin');
  await input.fill('000000' === digits.replace(' ', '') ? '111111' : '000000');
  await poll.getByRole('button', { name: 'Check in' }).click();
  await until(async () => /not the code on the screen/.test(await poll.textContent()), 'a wrong code refused');
  await input.fill(digits);
  await poll.getByRole('button', { name: 'Check in' }).click();
  await poll.getByLabel('Yes').waitFor();
  await poll.getByLabel('Yes').check();
  await poll.getByRole('button', { name: 'Vote' }).click();
  await until(async () => (await section.locator('.poll-status').textContent()).includes('1 vote'), 'the vote counted');
  assert.match(await poll.textContent(), /checked in/);
  await screenshot(p, 'voters-phone-voted');
});

test('the meeting-wide counting: set in the settings, taken by new polls', async (t) => {
  const room = await createRoom(env.server, { title: 'Council', settings });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await mod.getByRole('tab', { name: 'Settings' }).click();
  const select = mod.getByLabel('Who votes in polls, unless a poll says otherwise');
  assert.equal(await select.inputValue(), 'open');
  await select.selectOption('room');
  await mod.getByRole('button', { name: 'Save settings' }).click();
  await until(async () => (await mod.evaluate(() => window.tribune.state.view.meeting.settings.counting)) === 'room', 'the default saved');
  await screenshot(mod, 'voters-settings-counting');

  // The poll form offers the meeting's choice first, and a poll made with
  // it is counted in the room.
  await mod.getByRole('tab', { name: 'Polls' }).click();
  await mod.locator('#poll-builder summary').click();
  await until(async () => /As the meeting \(People in the room/.test(await mod.locator('#poll-counting option').first().textContent()), 'the default in the poll form');
  await mod.locator('#poll-title').fill('Keep the library open late?');
  await mod.locator('#poll-options').fill('Yes\nNo');
  await mod.locator('#poll-counting').selectOption('');
  await mod.locator('#poll-form button[type=submit]').click();
  const section = mod.locator('#polls .poll').filter({ hasText: 'Keep the library open late?' });
  await until(async () => /In the room/.test(await section.locator('.poll-status').textContent()), 'the poll counted in the room');

  // Reloaded, in French: the setting shows what was saved.
  await mod.getByRole('button', { name: 'Français' }).click();
  await mod.getByRole('tab', { name: 'Réglages' }).click();
  const fr = mod.getByLabel('Qui vote dans les sondages, sauf si un sondage en décide autrement');
  assert.equal(await fr.inputValue(), 'room');
  assert.match(await fr.locator('option:checked').textContent(), /dans la salle/);
  // Back to open: the setting is absent again.
  await fr.selectOption('open');
  await mod.getByRole('button', { name: 'Enregistrer les réglages' }).click();
  await until(async () => (await mod.evaluate(() => window.tribune.state.view.meeting.settings.counting || '')) === '', 'the default back to open');
});
