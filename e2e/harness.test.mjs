// Checks the browser-test harness itself (e2e/lib/browser.mjs): that Debian
// Chromium really starts under playwright-core, that axeCheck runs on a page
// with a strict Content-Security-Policy like Tribune's and finds a known
// violation (and none on a clean page), and that startServer manages a
// server process: readiness, stop, kill, restart, and a clear error when the
// server dies during start-up.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  launch, startServer, axeCheck, formatViolations, screenshot, watchErrors,
  repoRoot,
} from './lib/browser.mjs';

// Tribune's policy forbids inline script; the harness pages get the same.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'";

const pages = {
  '/clean': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clean page</title>
<script type="module" src="/app.js"></script></head>
<body><main><h1>Questions</h1><p id="status">loading</p>
<button type="button">Ask</button></main></body></html>`,
  // image-alt and button-name are critical in axe; the inline script must be
  // refused by the CSP.
  '/broken': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken page</title></head>
<body><main><h1>Poll</h1><img src="/pixel.png"><button type="button"></button>
<script>document.title = 'inline script ran';</script></main></body></html>`,
};

let site; // a node http server with the pages above
let siteURL;

before(async () => {
  site = http.createServer((req, res) => {
    const headers = { 'content-security-policy': csp };
    if (req.url === '/app.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript' });
      res.end("document.getElementById('status').textContent = 'ready';");
    } else if (req.url === '/pixel.png') {
      res.writeHead(200, { ...headers, 'content-type': 'image/png' });
      res.end(Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64'));
    } else if (pages[req.url]) {
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      res.end(pages[req.url]);
    } else {
      res.writeHead(404, headers);
      res.end();
    }
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteURL = `http://127.0.0.1:${site.address().port}`;
});

after(() => new Promise((resolve) => site.close(resolve)));

test('chromium starts and runs same-origin module scripts under the CSP', async (t) => {
  const browser = await launch({ t });
  assert.match(browser.version(), /^\d+\./);
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(siteURL + '/clean');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'ready');
  assert.deepEqual(errors, []);
});

test('axeCheck finds nothing serious on a clean page', async (t) => {
  const browser = await launch({ t });
  const page = await browser.newPage();
  await page.goto(siteURL + '/clean');
  const violations = await axeCheck(page);
  assert.deepEqual(violations, [], formatViolations(violations));
  // A second check on the same page reuses the injected axe.
  assert.deepEqual(await axeCheck(page), []);
});

test('axeCheck finds known violations on a page whose CSP blocks inline script', async (t) => {
  const browser = await launch({ t });
  const page = await browser.newPage();
  const errors = watchErrors(page);
  await page.goto(siteURL + '/broken');

  // The CSP is really enforced: the inline script did not run, and the
  // refusal was reported.
  assert.equal(await page.title(), 'Broken page');
  assert.ok(errors.some((e) => /Content Security Policy/i.test(e)), errors.join('\n'));

  const violations = await axeCheck(page);
  const ids = violations.map((v) => v.id).sort();
  assert.deepEqual(ids, ['button-name', 'image-alt'], formatViolations(violations));
  for (const v of violations) assert.ok(['serious', 'critical'].includes(v.impact));
  assert.match(formatViolations(violations), /critical: image-alt: .*\n {4}img/);
});

test('screenshot writes a PNG into e2e/artifacts', async (t) => {
  const browser = await launch({ t });
  const page = await browser.newPage({ viewport: { width: 320, height: 240 } });
  await page.goto(siteURL + '/clean');
  const file = await screenshot(page, 'harness clean/page');
  assert.equal(file, path.join(repoRoot, 'e2e', 'artifacts', 'harness-clean-page.png'));
  const head = (await fsp.readFile(file)).subarray(0, 8);
  assert.deepEqual([...head], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  await fsp.rm(file);
});

// A stand-in server that honours tribune's start-up contract (-addr, -db,
// GET /readyz), so that startServer's process handling is checked whether
// or not cmd/tribune builds yet. Its readiness answers 503 for its first
// requests, as a server still opening its database would.
const standIn = `#!${process.execPath}
const http = require('node:http');
const fs = require('node:fs');
const args = process.argv.slice(2);
const flag = (name) => args[args.indexOf(name) + 1];
if (process.env.STANDIN_FAIL) { console.error('cannot open database: ' + flag('-db')); process.exit(3); }
fs.appendFileSync(flag('-db'), 'started\\n');
let asked = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/readyz') { res.writeHead(++asked > 2 ? 200 : 503); res.end(); return; }
  res.writeHead(200); res.end(process.env.STANDIN_GREETING ?? 'hello');
});
const [host, port] = flag('-addr').split(':');
server.listen(Number(port), host, () => console.log('listening on ' + flag('-addr')));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

async function writeStandIn(t) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tribune-standin-'));
  t.after(() => fsp.rm(dir, { recursive: true, force: true }));
  const bin = path.join(dir, 'standin.cjs');
  await fsp.writeFile(bin, standIn, { mode: 0o755 });
  return bin;
}

test('startServer waits for /readyz, passes env, stops, kills and restarts', async (t) => {
  const bin = await writeStandIn(t);
  const server = await startServer({ t, bin, env: { STANDIN_GREETING: 'bonjour' } });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await fetch(server.url + '/readyz')).status, 200);
  assert.equal(await (await fetch(server.url + '/')).text(), 'bonjour');
  assert.match(server.output(), /listening on 127\.0\.0\.1:\d+/);

  assert.deepEqual(await server.kill(), { code: null, signal: 'SIGKILL' });
  await assert.rejects(fetch(server.url + '/readyz'));

  await server.restart(); // same address, same database file
  assert.equal((await fetch(server.url + '/readyz')).status, 200);
  assert.equal(fs.readFileSync(server.dbPath, 'utf8'), 'started\nstarted\n');

  assert.deepEqual(await server.stop(), { code: 0, signal: null });
  await assert.rejects(fetch(server.url + '/readyz'));
});

test('startServer reports a server that dies during start-up', async (t) => {
  const bin = await writeStandIn(t);
  await assert.rejects(
    startServer({ t, bin, env: { STANDIN_FAIL: '1' } }),
    /tribune exited before it was ready \(code 3.*\n.*cannot open database: .*tribune\.db/);
});

test('startServer runs the real tribune binary', async (t) => {
  const hasMain = fs.readdirSync(path.join(repoRoot, 'cmd', 'tribune'))
    .some((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  if (!hasMain) {
    t.skip('cmd/tribune has no Go files yet');
    return;
  }
  const server = await startServer({ t });
  const res = await fetch(server.url + '/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(await server.stop(), { code: 0, signal: null });
});
