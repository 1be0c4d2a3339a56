// The big screen in a real browser against the real server: at 1280x720,
// 1920x1080 and 3840x2160, in every state of a busy meeting (waiting to
// start, top questions with the floor and an announcement, a question
// being answered, a poll's results, a word cloud, the meeting ended), the
// page never scrolls, no element's text overflows its box, and axe-core
// finds no violation of any impact; screenshots of each go to
// e2e/artifacts/screen-STATE-WIDTH.png. Then the speaking timer on the
// screen and the speaker's phone, an announcement that ends by itself, and
// the warning a page opened at a loopback address gives, with the machine's
// addresses to choose from.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { axeCheck, screenshot, until, newPage, live, shared, createRoom, join, tribuneBinary, freePort } from './lib/browser.mjs';
import { version } from '../clientjs/tribune.js';

const env = shared({ before, after });

const viewports = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
];

/**
 * Opens a page of the server that drives the meeting over WebSockets, as
 * a moderator and participants would, and returns do(who, cmd) resolving
 * to the event's seq. who: 'mod' or a participant's index.
 */
async function driver(t, server, code, key, people) {
  const p = await newPage(env.browser, t);
  await p.goto(`${server.url}/about`);
  await p.evaluate(async ({ code, key, version, people }) => {
    const connect = (hello) => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${location.host}/ws/${code}`);
      const waiting = new Map();
      let n = 0;
      const conn = {
        do(cmd) {
          const id = `${hello.role}-${Math.random().toString(36).slice(2)}-${++n}`;
          return new Promise((res, rej) => {
            waiting.set(id, (m) => (m.t === 'ack' ? res(m.seq) : rej(new Error(`${cmd.op}: ${m.code} ${m.message}`))));
            ws.send(JSON.stringify({ t: 'cmd', id, cmd }));
          });
        },
      };
      ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', v: version, since: 0, ...hello }));
      ws.onerror = () => reject(new Error('websocket error'));
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.t === 'welcome') resolve(conn);
        if ((m.t === 'ack' || m.t === 'error') && m.id && waiting.has(m.id)) {
          waiting.get(m.id)(m);
          waiting.delete(m.id);
        }
      };
    });
    const conns = { mod: await connect({ role: 'moderator', key }) };
    for (const [i, person] of people.entries()) conns[i] = await connect({ role: 'participant', ...person });
    window.drive = (who, cmd) => conns[who].do(cmd);
  }, { code, key, version, people });
  return (who, cmd) => p.evaluate(([w, c]) => window.drive(w, c), [who, cmd]);
}

/**
 * Shows what selector names on page p when it sits in a section behind a
 * tab (the phone's sections, the dashboard's panels): clicks that tab.
 */
async function reveal(p, selector) {
  const tab = await p.evaluate((sel) => {
    const panel = document.querySelector(sel)?.closest('[role="tabpanel"]');
    return panel && panel.hidden ? `[role="tab"][aria-controls="${panel.id}"]` : '';
  }, selector);
  if (tab) await p.locator(tab).click();
}

/** Waits until page p's client has applied seq. */
const seen = (p, seq) => until(() => p.evaluate((s) => window.tribune.state.seq >= s, seq), `seq ${seq}`);

/**
 * What does not fit on page p: a page that scrolls, and every element
 * whose content overflows its box (text cut or spilling), outside what is
 * hidden on purpose. Waits two frames first: the screen fits after render.
 */
async function overflows(p) {
  return p.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const bad = [];
    const se = document.scrollingElement;
    if (se.scrollHeight > innerHeight || se.scrollWidth > innerWidth) bad.push(`the page scrolls: ${se.scrollWidth}x${se.scrollHeight} in ${innerWidth}x${innerHeight}`);
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('.visually-hidden, [hidden], script, style')) continue;
      const cs = getComputedStyle(el);
      if (cs.display === 'none' || cs.display === 'inline' || cs.display === 'contents' || !el.getClientRects().length) continue;
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
        bad.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}: ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}: ${(el.textContent || '').slice(0, 60)}`);
      }
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1 || r.left < -1 || r.top < -1)) {
        bad.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} outside the viewport: ${JSON.stringify(r)}`);
      }
    }
    return bad;
  });
}

/** Every axe violation, of any impact. */
async function allViolations(p) {
  await axeCheck(p); // loads axe
  const r = await p.evaluate(() => window.axe.run(document));
  return r.violations.map((v) => `${v.impact}: ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const long = (s, n) => (s + ' ').repeat(Math.ceil(n / (s.length + 1))).slice(0, n).trim();

test('the big screen fits from 1280x720 to 3840x2160 in every state', async (t) => {
  const room = await createRoom(env.server, {
    title: 'Public hearing on the renovation of the central library and the new reading rooms of the Saint-Michel district',
    steps: ['Welcome', 'Presentation of the project', 'Questions from the public', 'Next steps'],
    settings: { qaOpen: true, preModeration: false, anonymous: false, reactions: true, maxLength: 1000, hideCount: false, streamURL: '' },
  });
  const screens = [];
  for (const viewport of viewports) {
    const p = await newPage(env.browser, t, { viewport });
    await p.goto(`${env.server.url}/s/${room.code}`);
    await live(p);
    screens.push(p);
  }
  const people = Array.from({ length: 8 }, (_, i) => ({ channel: i % 3 ? 'room' : 'remote', name: i % 2 ? `Person ${i}` : '' }));
  const drive = await driver(t, env.server, room.code, room.moderatorKey, people);

  const check = async (state, { wait, name = state } = {}) => {
    for (const [i, p] of screens.entries()) {
      await until(async () => (await p.locator('body').getAttribute('data-state')) === state, `state ${state}`);
      if (wait) await wait(p);
      const bad = await overflows(p);
      assert.deepEqual(bad, [], `${state} at ${viewports[i].width}x${viewports[i].height}`);
      assert.deepEqual(await allViolations(p), [], `axe, ${state} at ${viewports[i].width}`);
      await screenshot(p, `screen-${name}-${viewports[i].width}`);
    }
  };

  // Waiting: the code and the QR code large; questions may come early.
  for (const p of screens) assert.equal(await p.locator('#code').textContent(), room.code);
  await check('waiting');

  // Live, busy: a dozen questions, some long; votes, a pinned one; the
  // floor with a speaker given two minutes; reactions; a long announcement.
  let seq = await drive('mod', { op: 'room.start' });
  await drive('mod', { op: 'agenda.goto', step: 2 });
  const texts = [
    'Will the library open on Sundays?',
    long('Is there a budget line for the children’s corner, and who decides how it is spent over the next three years, with which consultation of the families?', 420),
    'Can we borrow e-books from home?',
    long('Will the café stay open in the evening when the reading rooms close, and will it be run by the city or by a private company chosen by tender?', 300),
    'What happens to the old building?',
    'Is parking free on Sundays?',
    'Are there rooms to work in groups?',
    'When does the building work start?',
    long('Wordswithoutanyspaceatallthatgoonandonforever', 200),
    'Who chose the architect?',
    'Will there be more staff?',
    'Accessible for wheelchairs?',
  ];
  for (const [i, text] of texts.entries()) await drive(i % people.length, { op: 'question.ask', text });
  for (let q = 1; q <= 6; q++) for (let v = 0; v < 7 - q; v++) await drive((q + v + 1) % people.length, { op: 'question.upvote', question: q }).catch(() => {});
  await drive('mod', { op: 'question.pin', question: 9, on: true });
  await drive(0, { op: 'floor.request', text: 'The opening hours' });
  await drive(1, { op: 'floor.request' });
  await drive(2, { op: 'floor.request', text: 'Parking' });
  await drive('mod', { op: 'floor.call', floor: 1, seconds: 120 });
  for (const r of ['applause', 'agree', 'disagree', 'louder', 'slower', 'break']) await drive(3, { op: 'react', reaction: r });
  seq = await drive('mod', { op: 'announce', text: long('The building will close at 8 pm tonight: please take your belongings with you, and follow the staff to the exits on the north side.', 480) });
  await check('top', {
    wait: async (p) => {
      await seen(p, seq);
      await until(async () => /\d:\d\d left/.test(await p.locator('#floor-timer').textContent()), 'the countdown');
      await until(async () => /Applause/.test(await p.locator('#reactions').textContent()), 'the reactions');
      await p.locator('#announcement').waitFor();
    },
  });

  // The other themes, and French, on the busiest state.
  const wide = screens[1];
  for (const theme of ['light', 'contrast']) {
    await wide.getByLabel('Theme').selectOption(theme);
    assert.deepEqual(await overflows(wide), [], theme);
    assert.deepEqual(await allViolations(wide), [], `axe, ${theme} theme`);
    await screenshot(wide, `screen-top-${theme}`);
  }
  await wide.getByLabel('Theme').selectOption('dark');
  await wide.getByRole('button', { name: 'Lire en français' }).click();
  await until(async () => (await wide.locator('#floor-timer').textContent()).startsWith('Reste '), 'the countdown in French');
  assert.deepEqual(await overflows(wide), [], 'in French');
  assert.deepEqual(await allViolations(wide), [], 'axe, in French');
  await screenshot(wide, 'screen-top-fr');
  await wide.getByRole('button', { name: 'Read in English' }).click();

  // A long question being answered.
  seq = await drive('mod', { op: 'question.highlight', question: 2 });
  await check('answering', { wait: (p) => seen(p, seq) });
  for (const p of screens) assert.equal(await p.locator('#highlight').evaluate((el) => el.dataset.full), texts[1]);
  // The longest question there can be: sized down, and cut if it must be,
  // its start kept and the whole text left for screen readers.
  const longest = long('Why does the renovation plan, which was presented to the neighbourhood council last spring, not say anything about the opening hours?', 1000);
  await drive(4, { op: 'question.ask', text: longest });
  seq = await drive('mod', { op: 'question.highlight', question: texts.length + 1 });
  await check('answering', { name: 'answering-longest', wait: (p) => seen(p, seq) });
  for (const p of screens) {
    const shown = await p.locator('#highlight').evaluate((el) => ({ full: el.dataset.full, cut: el.dataset.cut, visible: el.querySelector('[aria-hidden]')?.textContent || el.textContent, hidden: el.querySelector('.visually-hidden')?.textContent }));
    assert.equal(shown.full, longest);
    if (shown.cut !== undefined) {
      assert.ok(shown.visible.endsWith('…') && longest.startsWith(shown.visible.slice(0, -1)), 'cut, keeping the start');
      assert.equal(shown.hidden, longest, 'the whole text for screen readers');
    } else {
      assert.equal(shown.visible, longest);
    }
  }

  // A poll's results, its options long (the question answered done).
  await drive('mod', { op: 'question.highlight', question: 0 });
  await drive('mod', { op: 'poll.create', kind: 'single', text: 'Which opening hours would suit you and your family best during the school holidays?', options: ['Mornings from 8 am, before work', 'Evenings until 10 pm', 'Weekends, Saturday and Sunday', long('Longer hours every day of the week including public holidays', 100), 'No change'], visibility: 'live' });
  await drive('mod', { op: 'poll.open', poll: 1 });
  for (let i = 0; i < people.length; i++) await drive(i, { op: 'poll.vote', poll: 1, choices: [i % 5] });
  await drive('mod', { op: 'poll.show', poll: 1 });
  seq = await drive('mod', { op: 'poll.close', poll: 1 });
  await check('poll', { wait: async (p) => { await seen(p, seq); await until(async () => (await p.locator('#poll-results .result').count()) === 5, 'the bars'); } });

  // A word cloud: words sized by count, no two overlapping, and a list for
  // screen readers.
  await drive('mod', { op: 'poll.create', kind: 'open', text: 'One word for the new library?', visibility: 'live' });
  await drive('mod', { op: 'poll.open', poll: 2 });
  const answers = ['light', 'light', 'light', 'quiet', 'quiet', 'books', 'space', 'welcoming', 'green', 'modern'];
  for (let i = 0; i < people.length; i++) await drive(i, { op: 'poll.vote', poll: 2, text: `${answers[i]} ${answers[(i + 3) % answers.length]} extraordinarily` });
  seq = await drive('mod', { op: 'poll.show', poll: 2 });
  await check('poll', {
    name: 'cloud',
    wait: async (p) => {
      await seen(p, seq);
      await until(async () => (await p.locator('.cloud .cloud-word').count()) > 0, 'the cloud');
    },
  });
  for (const [i, p] of screens.entries()) {
    const cloud = await p.evaluate(() => {
      const words = [...document.querySelectorAll('.cloud .cloud-word')].map((el) => ({ word: el.textContent, size: parseFloat(el.style.fontSize), r: el.getBoundingClientRect() }));
      const list = [...document.querySelectorAll('#poll-results ul.visually-hidden li')].map((li) => li.textContent);
      const box = document.querySelector('.cloud').getBoundingClientRect();
      return { words, list, box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom } };
    });
    const results = await p.evaluate(() => window.tribune.state.view.polls.find((x) => x.id === 2).results.words);
    assert.equal(cloud.words.length, results.length, 'every word placed');
    assert.deepEqual(cloud.list, results.map((w) => `${w.word}: ${w.count} ${w.count === 1 ? 'time' : 'times'}`));
    const size = Object.fromEntries(cloud.words.map((w) => [w.word, w.size]));
    assert.ok(size.light > size.modern, 'the more said, the larger');
    assert.ok(Math.min(...cloud.words.map((w) => w.size)) >= viewports[i].height * 0.03, 'readable from the back');
    for (const [a, w] of cloud.words.entries()) {
      assert.ok(w.r.left >= cloud.box.left - 1 && w.r.right <= cloud.box.right + 1 && w.r.top >= cloud.box.top - 1 && w.r.bottom <= cloud.box.bottom + 1, `${w.word} inside`);
      for (const v of cloud.words.slice(a + 1)) {
        const apart = w.r.right <= v.r.left + 0.5 || v.r.right <= w.r.left + 0.5 || w.r.bottom <= v.r.top + 0.5 || v.r.bottom <= w.r.top + 0.5;
        assert.ok(apart, `${w.word} overlaps ${v.word}`);
      }
    }
  }

  // Ended: thanks, and the report's address and QR code instead of the
  // join code.
  seq = await drive('mod', { op: 'room.end' });
  await check('ended', { wait: (p) => seen(p, seq) });
  for (const p of screens) {
    assert.match(await p.locator('#join-url').textContent(), new RegExp(`/r/${room.code}$`));
    assert.match(await p.locator('#qr').getAttribute('src'), /for=report/);
    assert.equal(await p.locator('#code').isVisible(), false);
    await p.getByRole('img', { name: /QR code of the report/ }).waitFor();
  }
});

test('the speaking timer counts down on the screen and on the speaker’s phone', async (t) => {
  const room = await createRoom(env.server, { title: 'Timer', settings: { qaOpen: true, reactions: true } });
  const screen = await newPage(env.browser, t, { viewport: { width: 1280, height: 720 } });
  const phone = await newPage(env.browser, t, { viewport: { width: 390, height: 844 } });
  await screen.goto(`${env.server.url}/s/${room.code}`);
  await live(screen);
  await join(env.server, phone, room.code);
  const drive = await driver(t, env.server, room.code, room.moderatorKey, []);
  await drive('mod', { op: 'room.start' });
  await reveal(phone, '#floor-form');
  await phone.getByRole('button', { name: 'Ask to speak' }).click();
  await until(async () => (await phone.locator('#floor-mine').textContent()) === 'You are number 1 in line.', 'in line');
  // The moderator sets a minute and a half per speaker and gives the floor.
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await reveal(mod, '#floor-queue');
  await mod.getByLabel('Time per speaker (minutes, 0 for no limit)').fill('1.5');
  await mod.getByRole('button', { name: 'Give the floor: Anonymous (In the room)' }).click();
  await until(async () => /^1:(2\d|30) left$/.test(await mod.locator('#mod-floor-timer').textContent()), 'the countdown on the dashboard');
  await screenshot(mod, 'moderator-speaker-time');
  const timer = (p) => p.locator('#floor-timer');
  for (const p of [screen, phone]) {
    await until(async () => /^1:(2\d|30) left$/.test(await timer(p).textContent()), 'the countdown from 1:30');
  }
  const first = await timer(screen).textContent();
  await until(async () => (await timer(screen).textContent()) !== first, 'the countdown moving');
  assert.equal(await phone.locator('#floor-mine').textContent(), 'You have the floor.');
  await screenshot(phone, 'participant-timer');
  // Over: said, and nobody is cut off.
  const b = await newPage(env.browser, t);
  await join(env.server, b, room.code);
  await reveal(b, '#floor-form');
  await b.getByRole('button', { name: 'Ask to speak' }).click();
  await until(async () => (await b.locator('#floor-mine').textContent()) === 'You are number 1 in line.', 'b in line');
  const next = await b.evaluate(() => window.tribune.state.mine.floor);
  await drive('mod', { op: 'floor.call', floor: next, seconds: 1 });
  for (const p of [screen, b]) await until(async () => /^Time is up \(\+0:0\d\)$/.test(await timer(p).textContent()), 'time is up');
  assert.equal(await b.locator('#floor-mine').textContent(), 'You have the floor.');
  await until(async () => (await b.locator('#announcer').textContent()) === 'Your time is up.', 'told aloud');
  await screenshot(screen, 'screen-timer-over');
  // No time given: no countdown.
  await drive('mod', { op: 'floor.done', floor: next });
  for (const p of [screen, b]) await until(async () => !(await timer(p).isVisible()), 'no countdown');
});

test('an announcement given a duration ends by itself on the screen, the phone and the dashboard', async (t) => {
  const room = await createRoom(env.server, { title: 'Announcements', settings: { qaOpen: true, reactions: true } });
  const screen = await newPage(env.browser, t, { viewport: { width: 1920, height: 1080 } });
  const phone = await newPage(env.browser, t, { viewport: { width: 390, height: 844 } });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await screen.goto(`${env.server.url}/s/${room.code}`);
  await live(screen);
  await join(env.server, phone, room.code);
  await mod.goto(room.links.moderator);
  await live(mod);
  const drive = await driver(t, env.server, room.code, room.moderatorKey, []);
  await drive('mod', { op: 'room.start' });
  await drive('mod', { op: 'announce', text: 'Welcome, everyone.' });
  // From the dashboard: two seconds (the select offers minutes; the test
  // sends the command as the select would, with a shorter time).
  await reveal(mod, '#announce-form');
  await mod.getByLabel('Shown for').selectOption('300');
  const seq = await drive('mod', { op: 'announce', text: 'Vote closes in two seconds.', seconds: 2 });
  for (const p of [screen, phone, mod]) await seen(p, seq);
  await until(async () => (await screen.locator('#announcement').textContent()) === 'Vote closes in two seconds.', 'shown on the screen');
  await until(async () => (await phone.locator('#announcements').textContent()).includes('Vote closes in two seconds.'), 'shown on the phone');
  const until2 = await screen.evaluate(() => window.tribune.state.view.meeting.announcements.at(-1).until);
  assert.ok(until2 > 0);
  // It ends by itself: the screen shows none (not the older one), the
  // phone drops it, the dashboard says it ended.
  await until(async () => !(await screen.locator('#announcement').isVisible()), 'gone from the screen', 8000);
  await until(async () => (await phone.locator('#announcements').getByText('Vote closes in two seconds.').count()) === 0, 'gone from the phone', 8000);
  assert.match(await phone.locator('#announcements').textContent(), /Welcome, everyone\./);
  await until(async () => /Vote closes in two seconds\.[\s\S]*ended/.test(await mod.locator('#announce-list').textContent()), 'ended on the dashboard', 8000);
  await screenshot(mod, 'moderator-announcements');
  // The pages' clocks passed the end: no early hiding.
  const at = await screen.evaluate(() => Date.now());
  assert.ok(at >= until2 - 1500, 'not hidden long before its end');
  // One sent from the dashboard, for five minutes, stays.
  await mod.getByLabel('Message to everyone').fill('Coffee is served.');
  await mod.getByRole('button', { name: 'Send announcement' }).click();
  await until(async () => (await screen.locator('#announcement').textContent()) === 'Coffee is served.', 'the next one');
  const last = await screen.evaluate(() => window.tribune.state.view.meeting.announcements.at(-1));
  assert.equal(last.until - last.at, 300_000);
  assert.deepEqual(await allViolations(mod).then((v) => v.filter((x) => /announce/.test(x))), []);
});

/**
 * Starts tribune listening on every interface, as `-addr :PORT` does, and
 * resolves to its loopback URL once ready.
 */
async function startOpenServer(t) {
  const bin = await tribuneBinary();
  const port = await freePort();
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tribune-e2e-open-'));
  const child = spawn(bin, ['-addr', `:${port}`, '-db', path.join(dir, 'tribune.db')], { cwd: dir, stdio: 'ignore' });
  t.after(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await fsp.rm(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/readyz`)).ok, 'the server ready', 30_000);
  return { url };
}

test('a page opened at a loopback address warns, and offers the machine’s addresses', async (t) => {
  const open = await startOpenServer(t);
  const info = await (await fetch(`${open.url}/api/addresses`)).json();
  const room = await createRoom(open, { title: 'Set up for phones' });
  const screen = await newPage(env.browser, t, { viewport: { width: 1280, height: 720 } });
  await screen.goto(`${open.url}/s/${room.code}`);
  await live(screen);
  const warning = screen.locator('#setup-warning');
  await until(async () => /phones cannot reach it/.test(await warning.textContent()), 'the warning on the screen');
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  await reveal(mod, '#share');
  await until(async () => /phones cannot reach it/.test(await mod.locator('#share-setup').textContent()), 'the warning on the dashboard');
  await screenshot(screen, 'screen-setup-warning');
  if (info.addresses.length === 0) {
    t.diagnostic('this machine has no address but loopback');
    assert.match(await warning.textContent(), /-public-url/);
    return;
  }
  for (const a of info.addresses) assert.doesNotMatch(new URL(a).hostname, /^(127\.|localhost$|\[::1\]$)/);
  const lan = info.addresses[0];
  // On the screen: the address chosen goes into the join link and the QR
  // code; the warning goes.
  await screen.getByLabel('Address for phones').selectOption(lan);
  await until(async () => (await screen.locator('#join-url').textContent()) === `${lan.replace('http://', '')}/j/${room.code}`, 'the join link');
  assert.match(await screen.locator('#qr').getAttribute('src'), new RegExp(`base=${encodeURIComponent(lan).replace(/[.]/g, '\\.')}`));
  await until(async () => !(await warning.isVisible()), 'the warning gone');
  const qr = await (await fetch(new URL(await screen.locator('#qr').getAttribute('src'), open.url))).text();
  assert.equal(qr, await (await fetch(`${lan}/qr/${room.code}.svg`)).text(), 'the QR code of the chosen address');
  assert.deepEqual(await overflows(screen), []);
  assert.deepEqual(await allViolations(screen), []);
  // On the dashboard: the same choice changes the links.
  await mod.getByLabel('Address for phones').selectOption(lan);
  await until(async () => (await mod.locator('#share').textContent()).includes(`${lan}/j/${room.code}`), 'the dashboard links');
  await screenshot(mod, 'moderator-setup');
});
