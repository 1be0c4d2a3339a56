// Following from afar (issue 16), in a real browser against the real
// binary:
//
//   - a remote participant on a desktop watches the stream beside the
//     questions: a small WebM made by the test (Chromium records it from a
//     canvas) and served by a second loopback server, the sign-language
//     video beside it, the captions page under it; the page's policy lets
//     that origin in and refuses another; on a phone the stream folds above
//     the sections; someone in the room loads none of it; when the
//     moderator moves the stream elsewhere, the page reloads under a policy
//     that allows the new origin;
//   - the broadcast overlay, over a transparent background, shows the
//     question being answered, then a poll's results, and who has the
//     floor;
//   - the participant page framed by an allowed site works, by another is
//     refused (`-frame-ancestors`);
//   - once the meeting is over, the moderator gives the recording and the
//     report links the answer and the speech to their second in it.
//
// Screenshots go to e2e/artifacts (remote-*.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import path from 'node:path';
import { launch, startServer, createRoom, until, screenshot, watchErrors, axeCheck, formatViolations, artifactsDir } from './lib/browser.mjs';
import { version } from '../clientjs/tribune.js';

/** Records a WebM of about two seconds from a canvas, in page p: its bytes. */
async function makeWebM(p) {
  const b64 = await p.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 90;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    const stream = canvas.captureStream(25);
    const rec = new MediaRecorder(stream, { mimeType: 'video/webm;codecs=vp8' });
    const chunks = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((r) => { rec.onstop = r; });
    rec.start(100);
    const t0 = performance.now();
    await new Promise((done) => {
      const draw = () => {
        const t = performance.now() - t0;
        ctx.fillStyle = `hsl(${(t / 10) % 360} 70% 45%)`;
        ctx.fillRect(0, 0, 160, 90);
        ctx.fillStyle = '#fff';
        ctx.font = '20px sans-serif';
        ctx.fillText(`Tribune ${(t / 1000).toFixed(1)}`, 10, 50);
        if (t < 2000) requestAnimationFrame(draw);
        else done();
      };
      draw();
    });
    rec.stop();
    await stopped;
    const buf = await new Blob(chunks, { type: 'video/webm' }).arrayBuffer();
    let s = '';
    for (const byte of new Uint8Array(buf)) s += String.fromCharCode(byte);
    return btoa(s);
  });
  return Buffer.from(b64, 'base64');
}

/**
 * A loopback server standing for another site: the organiser's video host
 * and web site. Serves /clip.webm and /sign.webm (with ranges), a captions
 * page, and /parent.html?src=URL, a page that frames URL. Counts requests
 * by path.
 */
async function site(t, webm) {
  const hits = new Map();
  const srv = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    hits.set(u.pathname, (hits.get(u.pathname) || 0) + 1);
    if (u.pathname === '/clip.webm' || u.pathname === '/sign.webm') {
      const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range || '');
      const start = range ? Number(range[1]) : 0;
      const end = range && range[2] ? Math.min(Number(range[2]), webm.length - 1) : webm.length - 1;
      res.writeHead(range ? 206 : 200, {
        'Content-Type': 'video/webm', 'Accept-Ranges': 'bytes', 'Content-Length': end - start + 1,
        ...(range ? { 'Content-Range': `bytes ${start}-${end}/${webm.length}` } : {}),
      });
      res.end(webm.subarray(start, end + 1));
      return;
    }
    if (u.pathname === '/captions.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Captions</title><p id="line">Captions: welcome to the town hall.</p>');
      return;
    }
    if (u.pathname === '/parent.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      const src = (u.searchParams.get('src') || '').replace(/"/g, '&quot;');
      res.end(`<!doctype html><title>City site</title><h1>Our town hall</h1><iframe id="tribune" src="${src}" title="Tribune" width="1000" height="700"></iframe>`);
      return;
    }
    res.writeHead(404).end();
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  t.after(() => new Promise((r) => srv.close(r)));
  return { url: `http://127.0.0.1:${srv.address().port}`, hits: (p) => hits.get(p) || 0 };
}

/**
 * A page of the server that drives the meeting over WebSockets as the
 * moderator and participants would; returns do(who, cmd) resolving to the
 * event's seq. who: 'mod' or a participant's index.
 */
async function driver(browser, server, code, key, people) {
  const ctx = await browser.newContext();
  const p = await ctx.newPage();
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
  return { do: (who, cmd) => p.evaluate(([w, c]) => window.drive(w, c), [who, cmd]), close: () => ctx.close() };
}

/** Waits until the animations of page p are over (the overlay's boxes fade in). */
const settled = (p) => until(() => p.evaluate(() => document.getAnimations().every((a) => a.playState === 'finished')), 'the animations over');

/** Waits until page p's client has applied seq. */
const seen = (p, seq) => until(() => p.evaluate((s) => window.tribune.state.seq >= s, seq), `seq ${seq}`);

/** Joins as a participant on page p, and waits for the live connection. */
async function join(p, url, channel) {
  await p.goto(url);
  if (channel === 'remote') await p.locator('#via-remote').check();
  await p.locator('#join-form button[type=submit]').click();
  await until(async () => (await p.locator('#conn').getAttribute('data-conn')) === 'live', 'a live connection');
}

/** The messages of errors expected on a page: a refused load of `what`. */
const refused = (errors, what) => errors.filter((e) => !e.includes(what) && !/WebSocket connection to .* failed/.test(e));

test('following from afar: the stream, the overlay, embedding, the recording', { timeout: 240_000 }, async (t) => {
  const browser = await launch({ t });
  const maker = await browser.newPage();
  const webm = await makeWebM(maker);
  await maker.close();
  assert.ok(webm.length > 1000 && webm.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), `a WebM (EBML) file: ${webm.length} bytes`);

  const media = await site(t, webm); // the organiser's video host and web site
  const other = await site(t, webm); // anyone else
  const server = await startServer({ t, args: ['-frame-ancestors', media.url] });
  const clip = `${media.url}/clip.webm`;
  const room = await createRoom(server, {
    title: 'Hybrid town hall', steps: ['Welcome', 'Questions'],
    settings: { qaOpen: true, reactions: true, streamURL: clip, signURL: `${media.url}/sign.webm`, captionsURL: `${media.url}/captions.html` },
  });
  const code = room.code;
  const drive = await driver(browser, server, code, room.moderatorKey, [{ channel: 'room', name: 'Ann' }]);
  t.after(() => drive.close());
  await drive.do('mod', { op: 'room.start' });
  const asked = 'Will the library open on Sundays?';
  await drive.do(0, { op: 'question.ask', text: asked });

  await t.test('a remote participant on a desktop watches beside the questions', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const p = await ctx.newPage();
    const errors = watchErrors(p);
    const res = await p.goto(`${server.url}/j/${code}`);
    const csp = res.headers()['content-security-policy'];
    assert.match(csp, new RegExp(`media-src 'self' ${media.url}(;|$)`));
    assert.match(csp, new RegExp(`frame-src ${media.url}(;|$)`));
    assert.doesNotMatch(csp, new RegExp(other.url));
    await p.locator('#via-remote').check();
    await p.locator('#join-form button[type=submit]').click();
    await until(async () => (await p.locator('#conn').getAttribute('data-conn')) === 'live', 'a live connection');

    const stream = p.locator('#watch .watch-stream video');
    await stream.waitFor();
    assert.equal(await stream.getAttribute('src'), clip);
    // It plays: time runs.
    await until(() => stream.evaluate((v) => !v.paused && v.currentTime > 0.3 && v.videoWidth === 160), 'the stream playing');
    await until(() => p.locator('#watch .watch-sign video').evaluate((v) => v.currentTime > 0.1 && v.muted), 'the sign-language video playing, muted');
    const captions = p.frameLocator('#watch .watch-captions iframe');
    assert.equal(await captions.locator('#line').textContent(), 'Captions: welcome to the town hall.');

    // Beside the questions, on the left: the sections stay whole.
    await p.locator('#questions > li').first().waitFor();
    const watchBox = await p.locator('#watch').boundingBox();
    const roomBox = await p.locator('#room').boundingBox();
    assert.ok(watchBox.x + watchBox.width <= roomBox.x + 1, `the stream (${JSON.stringify(watchBox)}) left of the sections (${JSON.stringify(roomBox)})`);
    assert.ok(watchBox.width >= 700, `a stream worth watching: ${watchBox.width}px wide`);
    assert.ok(roomBox.width >= 380, `sections still usable: ${roomBox.width}px wide`);

    // The policy refuses any other origin, for a video as for a frame.
    const violations = await p.evaluate(async (otherURL) => {
      const seen = [];
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
      const v = document.createElement('video');
      v.src = `${otherURL}/clip.webm`;
      document.body.append(v);
      const f = document.createElement('iframe');
      f.src = `${otherURL}/captions.html`;
      document.body.append(f);
      for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      v.remove();
      f.remove();
      return seen.sort();
    }, other.url);
    // (A frame's report names only the origin.)
    assert.deepEqual(violations, [`frame-src ${other.url}`, `media-src ${other.url}/clip.webm`]);
    assert.equal(other.hits('/clip.webm') + other.hits('/captions.html'), 0, 'the refused origin was never asked');
    assert.deepEqual(refused(errors, other.url), []);

    const axe = await axeCheck(p, { context: { exclude: [['iframe']] } });
    assert.deepEqual(axe, [], formatViolations(axe));
    await screenshot(p, 'remote-desktop');
    await ctx.close();
  });

  await t.test('someone in the room loads nothing of it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const p = await ctx.newPage();
    const errors = watchErrors(p);
    const before = media.hits('/clip.webm') + media.hits('/sign.webm') + media.hits('/captions.html');
    await join(p, `${server.url}/j/${code}`, 'room');
    await p.locator('#questions > li').first().waitFor();
    assert.equal(await p.locator('#watch').isHidden(), true);
    assert.equal(await p.locator('#watch video, #watch iframe').count(), 0);
    assert.equal(await p.locator('video, iframe').count(), 0);
    assert.equal(media.hits('/clip.webm') + media.hits('/sign.webm') + media.hits('/captions.html'), before, 'nothing requested from the video host');
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  await t.test('on a phone, the stream folds above the sections', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'fr-FR' });
    const p = await ctx.newPage();
    const errors = watchErrors(p);
    await join(p, `${server.url}/j/${code}`, 'remote');
    const v = p.locator('#watch .watch-stream video');
    await v.waitFor();
    await until(() => v.evaluate((x) => x.readyState >= 2), 'the stream loaded');
    const watchBox = await p.locator('#watch').boundingBox();
    const roomBox = await p.locator('#room').boundingBox();
    assert.ok(watchBox.y + watchBox.height <= roomBox.y + 1, `the stream above the sections: ${JSON.stringify(watchBox)} ${JSON.stringify(roomBox)}`);
    assert.ok(watchBox.width <= 390 && watchBox.width >= 340, `the stream as wide as the phone: ${watchBox.width}`);
    assert.equal(await p.locator('#watch .watch-links a').first().textContent(), 'Ouvrir la retransmission dans un nouvel onglet');
    assert.deepEqual(refused(errors, 'none'), []);
    await screenshot(p, 'remote-phone');
    await ctx.close();
  });

  await t.test('the moderator moves the stream: the page reloads under the new policy', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const p = await ctx.newPage();
    const errors = watchErrors(p);
    await join(p, `${server.url}/j/${code}`, 'remote');
    await p.locator('#watch .watch-stream video').waitFor();
    const reloaded = p.waitForEvent('load');
    const moved = `${other.url}/clip.webm`;
    await drive.do('mod', { op: 'room.settings', settings: { qaOpen: true, reactions: true, streamURL: moved, signURL: `${media.url}/sign.webm`, captionsURL: `${media.url}/captions.html` } });
    await reloaded;
    await until(async () => (await p.locator('#watch .watch-stream video').getAttribute('src')) === moved, 'the new stream');
    await until(() => p.locator('#watch .watch-stream video').evaluate((v) => v.currentTime > 0.3), 'the new stream playing');
    assert.ok(other.hits('/clip.webm') > 0, 'the new origin was asked');
    assert.deepEqual(errors, [], 'no policy refused the new stream');
    await ctx.close();
  });

  await t.test('the overlay shows the question answered, then the poll, over nothing', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' });
    const p = await ctx.newPage();
    const errors = watchErrors(p);
    await p.goto(`${server.url}/o/${code}`);
    await until(() => p.evaluate(() => !!window.tribune.state.view), 'the overlay following the meeting');
    assert.equal(await p.locator('body').getAttribute('data-state'), 'empty');
    // Transparent: neither the page nor the document paints a background.
    const bg = await p.evaluate(() => [document.documentElement, document.body, document.querySelector('main')].map((el) => getComputedStyle(el).backgroundColor));
    assert.deepEqual(bg, ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
    assert.equal(await p.locator('button, input, select, textarea, a').count(), 0, 'no controls');

    let seq = await drive.do('mod', { op: 'question.highlight', question: 1 });
    await seen(p, seq);
    await until(async () => (await p.locator('body').getAttribute('data-state')) === 'answering', 'the lower third');
    assert.equal(await p.locator('#lower-text').textContent(), asked);
    const lower = await p.locator('#lower-third').boundingBox();
    assert.ok(lower.y > 1080 * 0.6 && lower.y + lower.height < 1080, `a lower third: ${JSON.stringify(lower)}`);
    await settled(p);
    await screenshot(p, 'remote-overlay-question');

    await drive.do('mod', { op: 'poll.create', kind: 'single', text: 'Open on Sundays?', options: ['Yes', 'No'], visibility: 'live' });
    await drive.do('mod', { op: 'poll.open', poll: 1 });
    await drive.do(0, { op: 'poll.vote', poll: 1, choices: [0] });
    seq = await drive.do('mod', { op: 'poll.show', poll: 1 });
    await seen(p, seq);
    await until(async () => (await p.locator('body').getAttribute('data-state')) === 'answering poll', 'the poll beside the question');
    assert.equal(await p.locator('#poll-title').textContent(), 'Open on Sundays?');
    assert.equal(await p.locator('#poll-results').getAttribute('data-results'), 'bars');
    const figures = await p.locator('#poll-results .result-figure').allTextContents();
    assert.equal(figures.length, 2);
    assert.match(figures[0], /^1\b/);
    assert.match(figures[1], /^0\b/);

    await drive.do(0, { op: 'floor.request', text: 'Opening hours' });
    seq = await drive.do('mod', { op: 'floor.call', floor: 1, seconds: 120 });
    await seen(p, seq);
    await until(async () => (await p.locator('body').getAttribute('data-state')) === 'answering poll floor', 'who has the floor');
    assert.match(await p.locator('#floor').textContent(), /^Ann \(/);
    await until(async () => /left/.test(await p.locator('#floor-timer').textContent()), 'the speaking time');
    // As OBS sees it: the boxes over nothing.
    await settled(p);
    await p.screenshot({ path: path.join(artifactsDir, 'remote-overlay.png'), omitBackground: true });
    assert.deepEqual(errors, []);
    await ctx.close();
  });

  await t.test('an allowed site embeds the participant page; another is refused', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const p = await ctx.newPage();
    const errors = watchErrors(p);
    const src = encodeURIComponent(`${server.url}/j/${code}?remote`);
    await p.goto(`${media.url}/parent.html?src=${src}`);
    const frame = p.frameLocator('#tribune');
    await frame.locator('#join-form').waitFor();
    assert.equal(await frame.locator('#via-remote').isChecked(), true, '?remote chooses to follow remotely');
    await frame.locator('#join-form button[type=submit]').click();
    await until(async () => (await frame.locator('#conn').getAttribute('data-conn')) === 'live', 'the framed page live');
    await frame.locator('#watch .watch-stream video').waitFor();
    await screenshot(p, 'remote-embedded');
    assert.deepEqual(errors, []);

    const q = await ctx.newPage();
    const qErrors = watchErrors(q);
    await q.goto(`${other.url}/parent.html?src=${src}`);
    // Chromium says so (naming the origins only) and shows nothing.
    await until(() => qErrors.some((e) => e.includes(`Framing '${server.url}/' violates the following Content Security Policy directive: "frame-ancestors ${media.url}"`)),
      'the frame refused by frame-ancestors');
    for (const f of q.frames()) {
      if (f !== q.mainFrame()) assert.equal(await f.locator('#join-form, #room').count(), 0, `frame ${f.url()} shows nothing of Tribune`);
    }
    assert.equal(qErrors.length, 1, qErrors.join('\n'));
    await ctx.close();
  });

  await t.test('after the meeting, the report links the answer and the speech to the recording', async () => {
    await drive.do('mod', { op: 'question.answer', question: 1, text: 'Yes, from March.' });
    await drive.do('mod', { op: 'floor.done', floor: 1 });
    await drive.do('mod', { op: 'room.end' });

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const mod = await ctx.newPage();
    const errors = watchErrors(mod);
    await mod.goto(room.links.moderator);
    await until(async () => (await mod.locator('#conn').getAttribute('data-conn')) === 'live', 'the dashboard live');
    await mod.locator('#tab-share').click();
    // The snippet for the sites allowed to embed the page.
    await mod.locator('#embed-snippet').waitFor();
    assert.match(await mod.locator('#embed-snippet').inputValue(), new RegExp(`<iframe src="${server.url}/j/${code}\\?remote"`));
    assert.equal(await mod.locator('#overlay-link').getAttribute('href'), `${server.url}/o/${code}`);
    await mod.getByLabel('Address of the recording (YouTube, PeerTube or a video file)').fill(clip);
    await mod.getByLabel('The meeting starts this far into the recording (minutes:seconds)').fill('1:30');
    await mod.getByRole('button', { name: 'Save the recording' }).click();
    await until(async () => (await mod.locator('#recording-status').textContent()) === 'Saved: the report links to the recording.', 'the recording saved');
    await screenshot(mod, 'remote-dashboard-recording');
    assert.deepEqual(errors, []);

    const report = await (await fetch(`${server.url}/api/rooms/${code}/report`)).json();
    assert.deepEqual(report.recording, { url: clip, offset: 90 });
    const answeredAt = report.questions.list[0].answeredAt;
    const calledAt = report.floor[0].calledAt;
    const second = (at) => 90 + Math.floor((at - report.startedAt) / 1000);
    const r = await ctx.newPage();
    const rErrors = watchErrors(r);
    await r.goto(`${server.url}/r/${code}`);
    const links = r.locator('a.recording-link');
    await until(async () => (await links.count()) === 2, 'two links to the recording');
    assert.deepEqual(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
      [`${clip}#t=${second(answeredAt)}`, `${clip}#t=${second(calledAt)}`]);
    const s = second(answeredAt);
    assert.equal(await links.first().textContent(), `Watch at ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`);
    assert.equal(await r.locator('#recording a').getAttribute('href'), clip);
    await screenshot(r, 'remote-report');
    assert.deepEqual(rErrors, []);
    await ctx.close();
  });
});
