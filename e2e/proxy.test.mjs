// Tribune behind a real nginx, configured with the location block of
// deploy/nginx.conf (the one README's "Deploying" gives): a whole meeting
// with the reference client (clientjs/tribune.js) through the proxy,
// WebSocket upgrades included. Tribune trusts the proxy
// (-trusted-proxies), so its links and its WebSocket Origin check use the
// address people reach nginx at, never Tribune's own.
//
// nginx comes from Debian (scripts/test.sh installs nginx-light):
// $TRIBUNE_NGINX, nginx in PATH, or /usr/sbin/nginx. Without it the test
// is skipped, saying so. Node 20 has a WebSocket client only behind
// --experimental-websocket: when it is missing, this file runs itself again
// under that flag.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, until, createRoom, freePort } from './lib/browser.mjs';
import { Client, memoryStorage } from '../clientjs/tribune.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function nginxBinary() {
  if (process.env.TRIBUNE_NGINX) return process.env.TRIBUNE_NGINX;
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin']) {
    const p = path.join(dir, 'nginx');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch { /* not here */ }
  }
  return null;
}

if (typeof WebSocket === 'undefined') {
  test('Tribune behind nginx (under --experimental-websocket)', () => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', '--test', fileURLToPath(import.meta.url)], {
      encoding: 'utf8', env, timeout: 180_000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
} else {
  defineTests();
}

/**
 * The nginx configuration of the test: deploy/nginx.conf's map and
 * location blocks, verbatim but for the upstream address, in a server on
 * a loopback port.
 */
async function nginxConfig(dir, port, upstream) {
  const deploy = await fsp.readFile(path.join(repoRoot, 'deploy/nginx.conf'), 'utf8');
  const map = deploy.match(/^map \$http_upgrade[^{]*\{[^}]*\}/m);
  const location = deploy.match(/^ *location \/ \{[^}]*\}/m);
  assert.ok(map && location, 'deploy/nginx.conf has a map $http_upgrade block and a location / block');
  assert.match(location[0], /proxy_pass http:\/\/127\.0\.0\.1:8080;/);
  const temp = (name) => `${name}_temp_path ${path.join(dir, name)};`;
  return `
worker_processes 1;
daemon off;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  ${map[0]}
  server {
    listen 127.0.0.1:${port};
${location[0].replace('127.0.0.1:8080', upstream)}
  }
}
`;
}

/** Starts nginx with conf in dir; resolves once it has passed a request to Tribune. */
async function startNginx(t, bin, dir, conf, url) {
  const file = path.join(dir, 'nginx.conf');
  await fsp.writeFile(file, conf);
  const child = spawn(bin, ['-p', dir, '-c', file, '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT'); // nginx's graceful stop
      await exited;
    }
  });
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${out}`);
    const res = await fetch(url + '/healthz');
    return res.status === 200;
  }, 'nginx passing /healthz to Tribune', 15_000).catch(async (err) => {
    const log = await fsp.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
    throw new Error(`${err.message}\n${out}\n${log}`);
  });
}

/** A WebSocket class that sends the Origin a browser on that page would. */
function withOrigin(origin) {
  return class extends WebSocket {
    constructor(url, protocols) {
      super(url, { protocols, headers: { origin } });
    }
  };
}

function defineTests() {
  const nginx = nginxBinary();

  test('a whole meeting through nginx, WebSockets included', { skip: nginx ? false : 'no nginx (scripts/test.sh installs nginx-light)' }, async (t) => {
    const server = await startServer({ t, args: ['-trusted-proxies', '127.0.0.1/32', '-log-level', 'warn'] });
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tribune-nginx-'));
    t.after(() => fsp.rm(dir, { recursive: true, force: true }));
    const port = await freePort();
    const proxy = `http://127.0.0.1:${port}`;
    await startNginx(t, nginx, dir, await nginxConfig(dir, port, server.addr), proxy);

    const room = await createRoom({ url: proxy }, {
      title: 'Behind nginx',
      settings: { qaOpen: true, preModeration: false, reactions: true, anonymous: false, maxLength: 0, hideCount: false, streamURL: '' },
    });
    // The links name the proxy's address, told by X-Forwarded-Host.
    assert.equal(room.links.participant, `${proxy}/j/${room.code}`);
    assert.ok(room.links.moderator.startsWith(`${proxy}/m/${room.code}#key=`), room.links.moderator);

    // The machine's addresses are told only to a page opened on the
    // machine itself, never through the proxy: nginx's Forwarded header
    // says the request was relayed, though it comes from loopback with a
    // loopback host here.
    assert.equal((await fetch(`${proxy}/api/addresses`)).status, 403);

    const ws = `ws://127.0.0.1:${port}/ws/${room.code}`;
    const clients = [];
    const open = (opts) => {
      const c = new Client({ code: room.code, url: ws, storage: memoryStorage(), window: null, document: null, WebSocket: withOrigin(proxy), ...opts });
      clients.push(c);
      return c.start();
    };
    t.after(() => { for (const c of clients) c.close(); });
    const isLive = (c) => until(() => c.conn === 'live' && c.state.view, 'a live client through nginx');

    const mod = open({ role: 'moderator', key: room.moderatorKey });
    const screen = open({ role: 'screen' });
    const people = [0, 1, 2].map(() => open({ role: 'participant' }));
    await Promise.all([mod, screen, ...people].map(isLive));

    await mod.send({ op: 'room.start' });
    const { seq: asked } = await people[0].send({ op: 'question.ask', text: 'Does it work behind a proxy?' });
    await until(() => mod.state.seq >= asked && mod.state.view.questions.some((q) => q.text === 'Does it work behind a proxy?'), 'the question at the moderator');
    await mod.send({ op: 'poll.create', kind: 'single', text: 'Proxied?', options: ['Yes', 'No'], visibility: 'live' });
    await mod.send({ op: 'poll.open', poll: 1 });
    await until(() => people.every((p) => p.state.view.polls?.some((q) => q.id === 1 && q.status === 'open')), 'the poll open for everyone');
    for (const [i, p] of people.entries()) await p.send({ op: 'poll.vote', poll: 1, choices: [i === 2 ? 1 : 0] });
    await mod.send({ op: 'poll.close', poll: 1 });
    const { seq: ended } = await mod.send({ op: 'room.end' });
    await until(() => [screen, ...people].every((c) => c.state.seq >= ended), 'everyone at the end of the meeting');
    const poll = screen.state.view.polls.find((q) => q.id === 1);
    assert.equal(poll.ballots, 3, JSON.stringify(poll));

    const report = await fetch(`${proxy}/api/rooms/${room.code}/report`);
    assert.equal(report.status, 200);
    const body = await report.json();
    assert.match(JSON.stringify(body), /Proxied\?/);

    // The Origin must be the proxy's: a page at Tribune's own address,
    // reaching it through the proxy, is refused.
    const foreign = new (withOrigin(server.url))(ws);
    const [ev] = await Promise.race([once(foreign, 'open'), once(foreign, 'error'), once(foreign, 'close')]).then((r) => r);
    assert.notEqual(ev.type, 'open', 'an upgrade with a foreign Origin was accepted');
    foreign.close();
  });
}
