// Helpers for Tribune's browser tests, written with node:test.
//
// The browser is Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) driven
// by the pinned playwright-core: Playwright never downloads a browser of its
// own. The server is the real tribune binary on a free loopback port with a
// throwaway SQLite file.
//
//   import { test } from 'node:test';
//   import assert from 'node:assert/strict';
//   import { launch, startServer, axeCheck, formatViolations, screenshot,
//            watchErrors } from './lib/browser.mjs';
//
//   test('participant page', async (t) => {
//     const server = await startServer({ t });
//     const browser = await launch({ t });
//     const page = await browser.newPage();
//     const errors = watchErrors(page);
//     await page.goto(server.url + '/');
//     const violations = await axeCheck(page);
//     assert.deepEqual(violations, [], formatViolations(violations));
//     await screenshot(page, 'participant');
//     assert.deepEqual(errors, []);
//   });
//
// Passing the test context as `t` closes the browser and stops the server
// when that test ends; without it, call browser.close() and server.stop()
// yourself. Either way every server still running is killed when the test
// process exits.

import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (the directory holding go.mod). */
export const repoRoot = path.resolve(here, '..', '..');

/** Where screenshot() writes its PNGs (git-ignored). */
export const artifactsDir = path.join(repoRoot, 'e2e', 'artifacts');

/**
 * The flags every Chromium is started with. The background-networking flags
 * matter here: the test machines have no network but loopback, and Chromium
 * otherwise keeps trying (and failing) to reach Google's services.
 */
export const chromiumArgs = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]);

/** The Chromium binary used: $CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

/**
 * Starts headless Chromium and returns a playwright-core Browser.
 * Options are passed to chromium.launch (after the defaults); `t`, a
 * node:test context, closes the browser when that test ends.
 */
export async function launch({ t, ...options } = {}) {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `chromium not found at ${executablePath}: install it with ` +
        '`apt-get install -y chromium` (./scripts/test.sh does this) or set CHROMIUM');
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [...chromiumArgs],
    timeout: 60_000,
    ...options,
  });
  if (t) t.after(() => browser.close());
  return browser;
}

// ---------------------------------------------------------------------------
// The tribune server.

let built; // Promise<string>: the path of the binary built for this process

/**
 * The tribune binary: $TRIBUNE_BIN when set (scripts/test.sh builds it once
 * for the whole run), else `go build ./cmd/tribune` into a temporary
 * directory, once per test process.
 */
export function tribuneBinary() {
  if (process.env.TRIBUNE_BIN) return Promise.resolve(process.env.TRIBUNE_BIN);
  built ??= (async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tribune-e2e-bin-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const bin = path.join(dir, 'tribune');
    await new Promise((resolve, reject) => {
      execFile('go', ['build', '-o', bin, './cmd/tribune'],
        { cwd: repoRoot, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`go build ./cmd/tribune failed:\n${stderr || err.message}`));
          else resolve();
        });
    });
    return bin;
  })();
  return built;
}

/** Resolves to a TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

const running = new Set(); // child processes still running, killed at exit
process.once('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

const outputLimit = 64 << 10; // bytes of server output kept for errors

/**
 * Starts tribune on a free loopback port with a fresh SQLite file:
 *
 *   tribune -addr 127.0.0.1:PORT -db DIR/tribune.db [args...]
 *
 * and resolves once GET /readyz answers 200. Options:
 *   env   extra environment variables (added to this process's)
 *   args  extra command-line flags
 *   t     a node:test context: the server is stopped when that test ends
 *   bin   the binary to run (default: tribuneBinary())
 *   readyTimeout  milliseconds to wait for /readyz (default 30000)
 *
 * Resolves to a server object:
 *   url        'http://127.0.0.1:PORT'
 *   addr       '127.0.0.1:PORT'
 *   dbPath     the SQLite file
 *   output()   what the server has printed so far (the last 64 KiB)
 *   stop()     SIGTERM (a graceful shutdown), SIGKILL after 10 s; resolves
 *              to {code, signal}
 *   kill()     SIGKILL now (a crash); resolves to {code, signal}
 *   restart()  starts it again on the same address and SQLite file, after
 *              stop() or kill(); resolves when ready
 * Server output is echoed to stderr when TRIBUNE_E2E_VERBOSE=1.
 */
export async function startServer({ env = {}, args = [], t, bin, readyTimeout = 30_000 } = {}) {
  const binary = bin ?? (await tribuneBinary());
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  const url = `http://${addr}`;
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tribune-e2e-'));
  const dbPath = path.join(dir, 'tribune.db');
  let out = '';
  let child;
  let exited; // Promise<{code, signal}> for the current child

  async function start() {
    child = spawn(binary, ['-addr', addr, '-db', dbPath, ...args], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const proc = child;
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        resolve({ code, signal });
      });
      proc.once('error', (err) => {
        running.delete(proc);
        out += `\n[spawn ${binary}: ${err.message}]\n`;
        resolve({ code: null, signal: null, error: err });
      });
    });
    for (const stream of [proc.stdout, proc.stderr]) {
      stream.on('data', (chunk) => {
        out = (out + chunk).slice(-outputLimit);
        if (process.env.TRIBUNE_E2E_VERBOSE === '1') process.stderr.write(chunk);
      });
    }
    await waitReady(url, exited, readyTimeout, () => out);
  }

  async function signal(sig, graceMs) {
    if (!running.has(child)) return exited;
    child.kill(sig);
    if (graceMs !== undefined) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
    return exited;
  }

  const server = {
    url,
    addr,
    dbPath,
    output: () => out,
    stop: () => signal('SIGTERM', 10_000),
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGKILL');
      await start();
    },
  };

  try {
    await start();
  } catch (err) {
    await server.kill();
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
  if (t) {
    t.after(async () => {
      await server.stop();
      await fsp.rm(dir, { recursive: true, force: true });
    });
  }
  return server;
}

// waitReady polls GET /readyz until it answers 200, the process exits, or
// the time runs out; the last two fail with the server's output.
async function waitReady(url, exited, timeoutMs, output) {
  let gone = null;
  exited.then((r) => { gone = r; });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) {
      throw new Error(
        `tribune exited before it was ready (code ${gone.code}, signal ${gone.signal}):\n${output()}`);
    }
    try {
      const res = await fetch(url + '/readyz', { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tribune not ready at ${url}/readyz after ${timeoutMs} ms (${last}):\n${output()}`);
}

// ---------------------------------------------------------------------------
// Accessibility, screenshots, page errors.

let axeSource; // the text of axe.min.js, read once

/**
 * Runs axe-core on the page as it is now and returns the violations whose
 * impact is serious or critical (axe's result objects: id, impact, help,
 * helpUrl, nodes[].target ...), or of any impact with impacts: 'all'.
 * `options` go to axe.run (for example { runOnly: ['wcag2a', 'wcag2aa'] });
 * `context` is axe's include/exclude.
 *
 * Tribune's pages send a strict Content-Security-Policy (no inline script),
 * so page.addScriptTag, which inserts an inline <script>, would be blocked.
 * axe is instead evaluated through the DevTools protocol (page.evaluate),
 * which CSP does not govern: the page keeps its real CSP, and the check sees
 * the page exactly as a user's browser does. No bypassCSP context needed.
 * e2e/harness.test.mjs guards this.
 */
export async function axeCheck(page, { context, options, impacts = 'serious' } = {}) {
  if (!axeSource) {
    const require = createRequire(import.meta.url);
    axeSource = await fsp.readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  }
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) {
    // A string is evaluated as a script; axe.min.js defines window.axe.
    await page.evaluate(axeSource + '\n;undefined');
  }
  const results = await page.evaluate(
    ([ctx, opts]) => window.axe.run(ctx ?? document, opts ?? {}),
    [context ?? null, options ?? null]);
  return results.violations.filter((v) => impacts === 'all' || v.impact === 'serious' || v.impact === 'critical');
}

/** A readable summary of axe violations, for an assertion message. */
export function formatViolations(violations) {
  if (violations.length === 0) return 'no accessibility violations';
  return violations.map((v) => {
    const targets = v.nodes.map((n) => '    ' + n.target.join(' ')).join('\n');
    return `${v.impact}: ${v.id}: ${v.help} (${v.helpUrl})\n${targets}`;
  }).join('\n');
}

/**
 * Saves a full-page PNG of the page as e2e/artifacts/NAME.png (name is
 * reduced to [A-Za-z0-9._-]) and resolves to its path.
 */
export async function screenshot(page, name) {
  const safe = String(name).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'page';
  await fsp.mkdir(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, safe.endsWith('.png') ? safe : `${safe}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Fails the test with what axe finds in page (axeCheck's options), name
 * saying where.
 */
export async function accessible(page, name, options) {
  const violations = await axeCheck(page, options);
  assert.deepEqual(violations, [], `${name}: ${formatViolations(violations)}`);
}

/** Fails the test when anything in page scrolls sideways (overflow). */
export async function fits(page, name) {
  const wide = await overflow(page);
  assert.equal(wide, null, `${name}: ${wide}`);
}

/**
 * Checks page at a phone's size (390x844) and a laptop's (1366x768): axe,
 * nothing sideways, a screenshot of each named `${name}-phone` and
 * `${name}-laptop`. The page is left at the laptop's size.
 */
export async function checkBothSizes(page, name) {
  for (const [size, vp] of [['phone', { width: 390, height: 844 }], ['laptop', { width: 1366, height: 768 }]]) {
    await page.setViewportSize(vp);
    await fits(page, `${name} (${size})`);
    await accessible(page, `${name} (${size})`);
    await screenshot(page, `${name}-${size}`);
  }
}

/**
 * A test told as a story: story(t, pages, name) returns step(title, fn),
 * a subtest of t that runs fn unless an earlier step failed (the steps
 * after a failure build on it, so they are skipped), and that keeps a
 * screenshot of every page in pages ({who: page}) when fn fails, named
 * `${name}-failed-${who}`.
 */
export function story(t, pages, name) {
  let broken = '';
  return (title, fn) => t.test(title, async (st) => {
    if (broken) {
      st.skip(`after "${broken}" failed`);
      return;
    }
    try {
      await fn();
    } catch (err) {
      broken = title;
      for (const [who, page] of Object.entries(pages)) await screenshot(page, `${name}-failed-${who}`).catch(() => {});
      throw err;
    }
  });
}

/**
 * Collects what goes wrong in the page from now on: uncaught exceptions and
 * console errors, which include Content-Security-Policy violations and
 * failed loads. Returns the live array of messages; a clean page leaves it
 * empty.
 */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location().url;
    // Chromium asks for /favicon.ico by itself; a missing one is no fault
    // of the page under test.
    if (where.endsWith('/favicon.ico')) return;
    errors.push(`console: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  return errors;
}

/**
 * One server and one browser shared by the tests of a file: started before
 * the first, stopped after the last. Pass node:test's before and after;
 * the returned object's server and browser are set once started.
 * @param {{before: Function, after: Function}} hooks
 * @returns {{server: any, browser: import('playwright-core').Browser}}
 */
export function shared({ before, after }) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * Opens a page in a new browser context that closes when test t ends, and
 * fails t if the page logged an error other than a lost WebSocket (pages
 * reconnect by design) or one allow matches.
 * @param {import('playwright-core').Browser} browser
 * @param {import('node:test').TestContext} t
 * @param {{viewport?: {width: number, height: number}, locale?: string, allow?: RegExp}} [options]
 */
export async function newPage(browser, t, { viewport = { width: 1280, height: 900 }, locale = 'en-US', allow = /^$/ } = {}) {
  const ctx = await browser.newContext({ viewport, locale });
  t.after(() => ctx.close());
  const p = await ctx.newPage();
  const errors = watchErrors(p);
  t.after(() => assert.deepEqual(errors.filter((e) => !/WebSocket connection to .* failed/.test(e) && !allow.test(e)), []));
  return p;
}

/**
 * Creates a meeting through the API, as the home page does, and returns the
 * answer: {code, moderatorKey, links}.
 * @param {{url: string}} server
 * @param {object} body the create request: title, description, steps, settings
 */
export async function createRoom(server, body) {
  const res = await fetch(server.url + '/api/rooms', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return res.json();
}

/**
 * Joins meeting code on page p as a participant, in the room or remote,
 * and waits until the page is live.
 */
export async function join(server, p, code, channel = 'room') {
  await p.goto(`${server.url}/j/${code}`);
  if (channel === 'remote') await p.locator('#via-remote').check();
  await p.locator('#join-form button[type=submit]').click();
  await live(p);
}

/** Waits until the page's connection banner says live. */
export function live(page) {
  return until(async () => (await page.locator('#conn').getAttribute('data-conn')) === 'live', 'a live connection');
}

/**
 * Polls fn (async) until it returns a truthy value, and returns that value;
 * an exception counts as "not yet". Fails after ms with what was awaited.
 * @template T
 * @param {() => Promise<T>} fn
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
export async function until(fn, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The page's width when it scrolls sideways, with what sticks out, or
 * null when it fits. The viewport's own width is the measure: on a phone,
 * window.innerWidth grows with a page too wide.
 * @param {import('playwright-core').Page} page
 */
export async function overflow(page) {
  const width = page.viewportSize().width;
  const [scroll, wide] = await page.evaluate((w) => [document.documentElement.scrollWidth,
    [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 0.5)
      .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`)], width);
  return scroll <= width ? null : `${scroll}px wide in a ${width}px viewport: ${wide.join(', ')}`;
}
