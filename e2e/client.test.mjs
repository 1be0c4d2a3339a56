// The client library (clientjs/tribune.js) against the real server, from
// node, without a browser: a lost acknowledgement is retried with the same
// id and applied once; a client that was away resumes from its sequence
// number and converges to exactly what a fresh client sees; a wrong key
// stops the client with a typed error.
//
// Node 20 has a WebSocket client only behind --experimental-websocket: when
// it is missing, this file runs itself again under that flag.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, until, createRoom } from './lib/browser.mjs';
import { Client, memoryStorage } from '../clientjs/tribune.js';

if (typeof WebSocket === 'undefined') {
  test('the client library against the real server (under --experimental-websocket)', () => {
    // Without NODE_TEST_CONTEXT, the child reports and exits as a test run
    // of its own, so its failures are ours.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', '--test', fileURLToPath(import.meta.url)], {
      encoding: 'utf8', env, timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
} else {
  defineTests();
}


function defineTests() {
  let server;
  let room;

  test.before(async () => {
    server = await startServer();
    room = await createRoom(server, { title: 'Protocol', settings: { qaOpen: true, preModeration: false, reactions: true, anonymous: false, maxLength: 0, hideCount: false, streamURL: '' } });
  });
  test.after(() => server?.stop());

  const ws = () => server.url.replace('http:', 'ws:') + '/ws/' + room.code;

  function client(t, opts) {
    const c = new Client({ code: room.code, url: ws(), storage: memoryStorage(), window: null, document: null, ...opts });
    t.after(() => c.close());
    return c.start();
  }

  const isLive = (c) => until(() => c.conn === 'live' && c.state.view, 'a live client');

  test('a command whose ack was lost is retried with the same id and applied once', async (t) => {
    // A socket that closes itself right after sending the first command,
    // before the server's answer can arrive.
    let drop = true;
    const sentIDs = [];
    class Lossy extends WebSocket {
      send(data) {
        super.send(data);
        const msg = JSON.parse(data);
        if (msg.t === 'cmd') {
          sentIDs.push(msg.id);
          if (drop) {
            drop = false;
            this.close();
          }
        }
      }
    }
    const p = client(t, { role: 'participant', WebSocket: Lossy, random: () => 0.01 });
    await isLive(p);
    const { seq } = await p.send({ op: 'question.ask', text: 'Asked once, sent twice' });
    assert.equal(sentIDs.length, 2);
    assert.equal(sentIDs[0], sentIDs[1], 'the same id both times');
    const m = client(t, { role: 'moderator', key: room.moderatorKey });
    await isLive(m);
    await until(() => m.state.seq >= seq, 'the moderator at the ack seq');
    assert.equal(m.state.view.questions.filter((q) => q.text === 'Asked once, sent twice').length, 1);
  });

  test('a client that was away resumes from its seq and converges', async (t) => {
    const outcomes = [];
    // random 0.99: a comes back after about half a second, b acts meanwhile.
    const a = client(t, { role: 'participant', random: () => 0.99 });
    a.on('state', (s, outcome) => outcomes.push(outcome));
    const b = client(t, { role: 'participant' });
    await isLive(a);
    await isLive(b);
    const { seq: q1 } = await b.send({ op: 'question.ask', text: 'While you were away' });
    await until(() => a.state.seq >= q1, 'a sees it');

    // a loses its connection; b changes things meanwhile.
    const conns = [];
    a.on('conn', (c) => conns.push(c));
    a.ws.close();
    await until(() => conns.includes('reconnecting'), 'a notices');
    const id = b.state.view.questions.find((q) => q.text === 'While you were away').id;
    await b.send({ op: 'question.upvote', question: id });
    const { seq: last } = await b.send({ op: 'question.ask', text: 'And this too' });
    assert.equal(a.conn, 'reconnecting', 'a was away while b acted');
    assert.ok(a.state.seq < last);
    outcomes.length = 0;
    await isLive(a);
    await until(() => a.state.seq >= last && b.state.seq >= last, 'both at the last seq');
    assert.ok(outcomes.includes('applied'), `resumed by patches: ${outcomes}`);

    // A fresh client's snapshot is what a now holds.
    const fresh = client(t, { role: 'participant' });
    await isLive(fresh);
    await until(() => fresh.state.seq === a.state.seq && b.state.seq === a.state.seq, 'the same seq everywhere');
    assert.deepEqual(a.state.view, fresh.state.view);
    assert.deepEqual(a.state.view, b.state.view);
    assert.equal(a.state.view.questions.find((q) => q.id === id).votes, 1);
  });

  test('typed errors: a refused command, a wrong key', async (t) => {
    const p = client(t, { role: 'participant' });
    await isLive(p);
    await assert.rejects(p.send({ op: 'question.upvote', question: 9999 }), { name: 'TribuneError', code: 'no_question', retry: false });
    await assert.rejects(p.send({ op: 'question.ask', text: '   ' }), { code: 'empty' });
    await assert.rejects(p.send({ op: 'room.start' }), { code: 'forbidden' });

    const m = new Client({ code: room.code, role: 'moderator', key: 'wrong', url: ws(), window: null, document: null });
    const errors = [];
    m.on('error', (e) => errors.push(e));
    m.start();
    await until(() => errors.length > 0, 'the error');
    assert.equal(errors[0].code, 'bad_key');
    assert.equal(errors[0].retry, false);
    await until(() => m.conn === 'offline', 'the client stopped');
  });
}
