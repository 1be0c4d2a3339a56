// Likely duplicates in the moderator's queue: a waiting question that asks
// a published one again, in other words, shows it under it in French and
// in English, and one click merges them; a question about something else
// shows nothing. The same for ideas, on the dashboard's ideas panel: a
// waiting idea that repeats a live one of its board shows it, one that only
// shares common words with the live ones shows nothing. axe-core finds
// nothing on the queue with a suggestion.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck, formatViolations, screenshot, until, newPage, live, shared, createRoom } from './lib/browser.mjs';

const env = shared({ before, after });

/**
 * Sends cmds over a WebSocket of its own opened from page p (a page of
 * this server) with hello, and waits for every one to be acknowledged.
 */
async function send(p, code, hello, cmds) {
  await p.evaluate(async ({ code, hello, cmds }) => {
    const ws = new WebSocket(`ws://${location.host}/ws/${code}`);
    await new Promise((r) => { ws.onopen = r; });
    ws.send(JSON.stringify({ t: 'hello', v: 3, ...hello }));
    await new Promise((r) => { ws.onmessage = (e) => { if (JSON.parse(e.data).t === 'welcome') r(); }; });
    let acked = 0;
    const done = new Promise((r, reject) => {
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.t === 'error') reject(new Error(m.message));
        if (m.t === 'ack' && ++acked === cmds.length) r();
      };
    });
    // Ids of their own: a moderator's command id seen before is a retry,
    // acknowledged without being applied again.
    const run = crypto.randomUUID();
    for (const [i, cmd] of cmds.entries()) ws.send(JSON.stringify({ t: 'cmd', id: `${run}-${i}`, cmd }));
    await done;
    ws.close();
  }, { code, hello, cmds });
}

const ask = (p, code, texts) => send(p, code, { role: 'participant', channel: 'remote' }, texts.map((text) => ({ op: 'question.ask', text })));

for (const locale of ['en-US', 'fr-FR']) {
  test(`the queue shows a likely duplicate and merges it in one click (${locale})`, async (t) => {
    const room = await createRoom(env.server, { title: 'Step meeting', settings: { qaOpen: true, preModeration: true } });
    const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 }, locale });
    await mod.goto(room.links.moderator);
    await live(mod);
    const moderate = (cmds) => send(mod, room.code, { role: 'moderator', key: room.moderatorKey }, cmds);
    await moderate([{ op: 'room.start' }]);
    await ask(mod, room.code, ['Will the budget be published as open data?', 'How will citizens take part in choosing the commitments?']);
    await until(async () => (await mod.locator('#queue > li').count()) === 2, 'two waiting');
    await moderate([1, 2].map((id) => ({ op: 'question.approve', question: id })));
    await until(async () => (await mod.locator('#live > li').count()) === 2, 'two published');

    await ask(mod, room.code, ['When will you publish the budget as open data?', 'Is there a sign-language interpreter today?']);
    await until(async () => (await mod.locator('#queue > li').count()) === 2, 'two more waiting');
    const dup = mod.locator('#queue > li[data-id="3"] .q-dup');
    await dup.waitFor({ state: 'visible' });
    const want = locale === 'fr-FR' ? /n° 1/ : /#1/;
    assert.match(await dup.textContent(), want);
    assert.equal(await mod.locator('#queue > li[data-id="4"] .q-dup').isVisible(), false, 'a new question offered as a repeat');
    const violations = await axeCheck(mod, { impacts: 'all' });
    assert.deepEqual(violations, [], formatViolations(violations));
    await screenshot(mod, `duplicates-${locale}`);

    await dup.getByRole('button').click();
    await until(async () => (await mod.locator('#queue > li').count()) === 1, 'the repeat merged away');
    assert.equal(await mod.locator('#queue > li').getAttribute('data-id'), '4');
    await until(async () => (await mod.locator('#live > li[data-id="1"] .q-meta').textContent()).includes('#3'), 'question 1 naming the one merged into it');
  });
}

test('the ideas panel shows the server\'s likely duplicate of a waiting idea and merges it in one click', async (t) => {
  const room = await createRoom(env.server, { title: 'Step meeting', settings: { qaOpen: true, preModeration: true } });
  const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 } });
  await mod.goto(room.links.moderator);
  await live(mod);
  const moderate = (cmds) => send(mod, room.code, { role: 'moderator', key: room.moderatorKey }, cmds);
  const submit = (titles) => send(mod, room.code, { role: 'participant', channel: 'remote' }, titles.map((title) => ({ op: 'idea.submit', board: 1, title })));
  await moderate([{ op: 'room.start' }, { op: 'ideas.open', text: 'What should the plan commit to?', step: -1 }]);
  await submit(['Publier les marchés publics en données ouvertes', 'Public transport every night in every district']);
  await moderate([1, 2].map((id) => ({ op: 'idea.approve', idea: id })));
  await mod.locator('#tab-ideas').click();
  await until(async () => (await mod.locator('#mod-ideas-live > li').count()) === 2, 'two live ideas');

  // 3 repeats 1 in other words; 4 only shares common words with 2.
  await submit(['Quand publierez-vous les donnees ouvertes des marches publics ?', 'Every public library open on Sunday']);
  await until(async () => (await mod.locator('#mod-ideas-waiting > li').count()) === 2, 'two ideas waiting');
  const dup = mod.locator('#mod-ideas-waiting > li[data-id="3"] .likely');
  await dup.waitFor({ state: 'visible' });
  assert.match(await dup.textContent(), /merge into #1 Publier les marchés publics/);
  // The answer for 4 came with 3's: nothing for it.
  assert.equal(await mod.locator('#mod-ideas-waiting > li[data-id="4"] .likely').count(), 0, 'a new idea offered as a repeat');
  const violations = await axeCheck(mod, { impacts: 'all' });
  assert.deepEqual(violations, [], formatViolations(violations));
  await screenshot(mod, 'duplicates-ideas');

  await dup.getByRole('button').click();
  await until(async () => (await mod.locator('#mod-ideas-waiting > li').count()) === 1, 'the repeat merged away');
  assert.equal(await mod.locator('#mod-ideas-waiting > li').getAttribute('data-id'), '4');
  await until(async () => (await mod.locator('#mod-ideas-live > li[data-id="1"] .q-meta').textContent()).includes('#3'), 'idea 1 naming the one merged into it');
});
