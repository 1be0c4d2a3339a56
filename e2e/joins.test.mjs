// A script adding participants to a meeting meets its limit on newcomers,
// and the moderator's dashboard says so, in English and in French; a
// person turned away by the limit is let in by their page on its own a
// little later. The server here lets 20 newcomers in a minute (10 at once).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, axeCheck, formatViolations, screenshot, until, newPage, live, createRoom } from './lib/browser.mjs';

const env = {};
before(async () => {
  env.server = await startServer({ args: ['-joins-per-minute', '20'] });
  env.browser = await launch();
});
after(async () => {
  await env.browser?.close();
  await env.server?.stop();
});

/** Opens n fresh participant connections one after another from page p; returns how many were let in. */
function script(p, code, n) {
  return p.evaluate(async ({ code, n }) => {
    let welcomed = 0;
    for (let i = 0; i < n; i++) {
      welcomed += await new Promise((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/ws/${code}`);
        ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', v: 3, role: 'participant', channel: 'remote' }));
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (m.t === 'snapshot') { ws.close(); resolve(1); }
          if (m.t === 'error') resolve(0);
        };
        ws.onclose = () => resolve(0);
      });
    }
    return welcomed;
  }, { code, n });
}

for (const [locale, joined, refused] of [['en-US', /10 joined in the last minute/, /20 turned away \(limit 20 a minute\)/], ['fr-FR', /10 arrivées dans la dernière minute/, /20 refusées \(limite 20 par minute\)/]]) {
  test(`the dashboard shows newcomers turned away by the limit (${locale})`, async (t) => {
    const room = await createRoom(env.server, { title: 'Town hall', settings: { qaOpen: true } });
    const mod = await newPage(env.browser, t, { viewport: { width: 1366, height: 768 }, locale });
    await mod.goto(room.links.moderator);
    await live(mod);
    assert.equal(await mod.locator('#joins').isVisible(), false, 'nothing to say before anyone joined');
    const welcomed = await script(mod, room.code, 30);
    assert.equal(welcomed, 10, 'the burst of 10 let in, the rest turned away');
    const line = mod.locator('#joins');
    await until(async () => refused.test(await line.textContent()), 'the refusals on the dashboard', 15_000);
    assert.match(await line.textContent(), joined);
    assert.equal(await line.getAttribute('role'), 'status');
    const violations = await axeCheck(mod, { impacts: 'all' });
    assert.deepEqual(violations, [], formatViolations(violations));
    await screenshot(mod, `joins-${locale}`);
  });
}

test('a participant turned away is let in by their page a little later', async (t) => {
  const room = await createRoom(env.server, { title: 'Town hall', settings: { qaOpen: true } });
  const filler = await newPage(env.browser, t);
  await filler.goto(`${env.server.url}/about`);
  assert.equal(await script(filler, room.code, 10), 10);
  // The burst is spent: the next newcomer waits for the rate (one every
  // 3 s here), and their page retries on its own.
  const p = await newPage(env.browser, t, { viewport: { width: 390, height: 844 }, allow: /joins_limited|1013/ });
  await p.goto(`${env.server.url}/j/${room.code}`);
  await p.locator('#join-form button[type=submit]').click();
  await until(async () => (await p.locator('#conn').getAttribute('data-conn')) === 'live', 'let in after a retry', 30_000);
});
