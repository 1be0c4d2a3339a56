// Tests of clientjs/tribune.js, the connection, against an in-process fake
// WebSocket whose server side each test plays by hand, and a manual clock.
// The real server is exercised from the browser in e2e/meeting.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, TribuneError, backoffDelay, backoffMax, backoffMin, memoryStorage, tokenKey, socketURL, version, watchdogMs } from '../tribune.js';

/** A clock whose timers fire only when the test advances it. */
function clock() {
  let now = 0;
  let next = 1;
  const timers = new Map();
  return {
    now: () => now,
    setTimeout: (fn, ms) => { const id = next++; timers.set(id, { at: now + ms, fn }); return id; },
    clearTimeout: (id) => { timers.delete(id); },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let first = null;
        for (const [id, t] of timers) if (t.at <= until && (!first || t.at < first[1].at)) first = [id, t];
        if (!first) break;
        timers.delete(first[0]);
        now = first[1].at;
        first[1].fn();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

/** A fake WebSocket class; every instance is kept in sockets. */
function fakeSockets() {
  const sockets = [];
  class FakeWS {
    constructor(url) {
      this.url = url;
      this.sent = [];
      this.closed = null;
      sockets.push(this);
    }
    send(data) {
      if (this.closed) throw new Error('closed');
      this.sent.push(JSON.parse(data));
    }
    close(code) { this.closed = code ?? 1005; }
    // The server's side:
    open() { this.onopen?.({}); }
    push(msg) { this.onmessage?.({ data: JSON.stringify(msg) }); }
    drop(code = 1006) { this.closed = code; this.onclose?.({ code }); }
  }
  return { FakeWS, sockets, last: () => sockets[sockets.length - 1] };
}

function env() {
  const win = new EventTarget();
  win.navigator = { onLine: true };
  const doc = new EventTarget();
  doc.visibilityState = 'visible';
  return { win, doc };
}

const meeting = { title: 'T', description: '', code: 'ABC234', status: 'live', settings: {}, agenda: [], step: -1, highlight: 0, screenPoll: 0, announcements: [], refused: {} };
const view = (seq, questions = []) => ({ seq, role: 'participant', meeting, questions, polls: [], reactions: {} });
const question = (id, votes = 0) => ({ id, text: `q${id}`, channel: 'room', status: 'live', votes, step: -1, at: id });

function setup(extra = {}) {
  const c = clock();
  const ws = fakeSockets();
  const { win, doc } = env();
  const storage = memoryStorage();
  const client = new Client({
    code: 'ABC234', role: 'participant', url: 'ws://x/ws/ABC234', channel: 'remote', name: 'Ada',
    storage, WebSocket: ws.FakeWS, random: () => 0.5, now: c.now, setTimeout: c.setTimeout, clearTimeout: c.clearTimeout,
    window: win, document: doc, ...extra,
  });
  const conns = [];
  client.on('conn', (s) => conns.push(s));
  return { client, c, ws, win, doc, storage, conns };
}

/** Opens the socket and plays welcome + snapshot at seq. */
function welcome(sock, seq, questions = [], token = 'tok-1') {
  sock.open();
  sock.push({ t: 'welcome', v: version, role: 'participant', participant: 'p-1', token, seq });
  sock.push({ t: 'snapshot', seq, view: view(seq, questions) });
}

test('backoff: full jitter under an exponential ceiling, 0.5 s to 30 s', () => {
  assert.equal(backoffDelay(0, () => 0.999999), backoffMin - 1);
  assert.equal(backoffDelay(1, () => 0.5), backoffMin);
  assert.equal(backoffDelay(3, () => 0.5), 2000);
  assert.equal(backoffDelay(50, () => 0.999999), backoffMax - 1);
  assert.equal(backoffDelay(7, () => 0), 0);
});

test('socketURL follows the page scheme', () => {
  assert.equal(socketURL('ABC234', { protocol: 'https:', host: 'h:1' }), 'wss://h:1/ws/ABC234');
  assert.equal(socketURL('ABC234', { protocol: 'http:', host: 'h' }), 'ws://h/ws/ABC234');
});

test('hello, welcome, snapshot, patches; the token is kept for the next visit', () => {
  const { client, ws, storage, conns } = setup();
  const states = [];
  client.on('state', (s) => states.push(s));
  client.start();
  assert.equal(conns.length, 0, 'starts connecting');
  assert.equal(client.conn, 'connecting');
  const sock = ws.last();
  sock.open();
  assert.deepEqual(sock.sent, [{ t: 'hello', v: version, role: 'participant', since: 0, channel: 'remote', name: 'Ada' }]);
  welcome(sock, 3, [question(1)]);
  assert.deepEqual(conns, ['live']);
  assert.equal(storage.getItem(tokenKey('ABC234')), 'tok-1');
  sock.push({ t: 'patch', from: 3, to: 4, patch: { questions: [question(1, 2)] } });
  sock.push({ t: 'hb', seq: 4 });
  assert.equal(client.state.seq, 4);
  assert.equal(client.state.view.questions[0].votes, 2);
  assert.equal(states.length, 2);

  // The next client for this room presents the token.
  const next = setup({ storage });
  next.client.start();
  next.ws.last().open();
  assert.equal(next.ws.last().sent[0].token, 'tok-1');
});

test('moderator and screen hellos', () => {
  const m = setup({ role: 'moderator', key: 'k-secret' });
  m.client.start();
  m.ws.last().open();
  assert.deepEqual(m.ws.last().sent[0], { t: 'hello', v: version, role: 'moderator', since: 0, key: 'k-secret' });
  const s = setup({ role: 'screen' });
  s.client.start();
  s.ws.last().open();
  assert.deepEqual(s.ws.last().sent[0], { t: 'hello', v: version, role: 'screen', since: 0 });
});

test('send resolves on ack, rejects with the typed error', async () => {
  const { client, ws } = setup();
  client.start();
  const sock = ws.last();
  welcome(sock, 1);
  const asked = client.send({ op: 'question.ask', text: 'hi' });
  const voted = client.send({ op: 'poll.vote', poll: 1, choices: [0] });
  const [c1, c2] = sock.sent.slice(1);
  assert.equal(c1.t, 'cmd');
  assert.deepEqual(c1.cmd, { op: 'question.ask', text: 'hi' });
  assert.notEqual(c1.id, c2.id);
  assert.ok(c1.id.length >= 1 && c1.id.length <= 64);
  sock.push({ t: 'ack', id: c1.id, seq: 2 });
  sock.push({ t: 'error', id: c2.id, code: 'poll_closed', message: 'poll is not open', retry: false });
  assert.deepEqual(await asked, { seq: 2 });
  await assert.rejects(voted, (err) => err instanceof TribuneError && err.code === 'poll_closed' && err.retry === false && /not open/.test(err.message));
  assert.equal(client.unacknowledged, 0);
});

test('a command with no answer is sent again with the same id after a reconnect', async () => {
  const { client, ws, c, conns } = setup();
  client.start();
  welcome(ws.last(), 5, [question(1)]);
  const before = client.send({ op: 'question.upvote', question: 1 });
  const id = ws.last().sent[1].id;
  ws.last().drop(1006);
  assert.equal(client.conn, 'reconnecting');
  // Sent while down: waits.
  const during = client.send({ op: 'question.ask', text: 'later' });
  c.advance(backoffMin);
  assert.equal(ws.sockets.length, 2);
  const sock = ws.last();
  sock.open();
  assert.equal(sock.sent[0].since, 5, 'resumes from the last seq');
  assert.equal(sock.sent[0].token, 'tok-1');
  sock.push({ t: 'welcome', v: version, role: 'participant', participant: 'p-1', token: 'tok-1', seq: 6 });
  const cmds = sock.sent.filter((m) => m.t === 'cmd');
  assert.deepEqual(cmds.map((m) => m.cmd.op), ['question.upvote', 'question.ask']);
  assert.equal(cmds[0].id, id, 'same id: the server applies it once');
  sock.push({ t: 'ack', id, seq: 6 });
  sock.push({ t: 'ack', id: cmds[1].id, seq: 7 });
  assert.deepEqual(await before, { seq: 6 });
  assert.deepEqual(await during, { seq: 7 });
  assert.deepEqual(conns, ['live', 'reconnecting', 'live']);
});

test('a retryable error retries the same command later; others do not', async () => {
  const { client, ws, c } = setup();
  client.start();
  const sock = ws.last();
  welcome(sock, 1);
  const p = client.send({ op: 'question.ask', text: 'x' });
  const id = sock.sent[1].id;
  sock.push({ t: 'error', id, code: 'rate_limited', message: 'slow down', retry: true });
  assert.equal(sock.sent.length, 2, 'not at once');
  c.advance(backoffMax + backoffMin);
  assert.equal(sock.sent.length, 3);
  assert.equal(sock.sent[2].id, id);
  sock.push({ t: 'ack', id, seq: 2 });
  assert.deepEqual(await p, { seq: 2 });
});

test('reconnects back off, growing, with jitter, and resume resets it', () => {
  const { client, ws, c } = setup({ random: () => 0.5 });
  client.start();
  welcome(ws.last(), 1);
  const delays = [];
  for (let i = 0; i < 8; i++) {
    const before = ws.sockets.length;
    ws.last().drop();
    let waited = 0;
    while (ws.sockets.length === before) { c.advance(10); waited += 10; }
    delays.push(waited);
  }
  // Half of 500, 1000, 2000 ... capped at 30000.
  assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 8000, 15000, 15000]);
  // A connection that dies right after its welcome keeps backing off...
  welcome(ws.last(), 1);
  let before = ws.sockets.length;
  ws.last().drop();
  c.advance(14_990);
  assert.equal(ws.sockets.length, before);
  c.advance(10);
  assert.equal(ws.sockets.length, before + 1);
  // ...one that stayed live a while starts over.
  welcome(ws.last(), 1);
  c.advance(30_000);
  ws.last().push({ t: 'hb', seq: 1 });
  c.advance(20_000);
  before = ws.sockets.length;
  ws.last().drop();
  c.advance(250);
  assert.equal(ws.sockets.length, before + 1);
});

test('a gap in patches reconnects with since = the last seq applied', () => {
  const { client, ws, c } = setup();
  client.start();
  welcome(ws.last(), 10, [question(1)]);
  const first = ws.last();
  first.push({ t: 'patch', from: 12, to: 13, patch: { questions: [question(2)] } });
  assert.ok(first.closed, 'the socket is closed');
  assert.equal(client.state.seq, 10, 'nothing applied');
  c.advance(backoffMin);
  const sock = ws.last();
  assert.notEqual(sock, first);
  sock.open();
  assert.equal(sock.sent[0].since, 10);
  sock.push({ t: 'welcome', v: version, role: 'participant', participant: 'p-1', token: 'tok-1', seq: 13 });
  sock.push({ t: 'patch', from: 10, to: 13, patch: { questions: [question(2)] } });
  assert.deepEqual(client.state.view.questions.map((q) => q.id), [1, 2]);
});

test('the watchdog reconnects a connection that went silent for 40 s', () => {
  const { client, ws, c } = setup();
  client.start();
  welcome(ws.last(), 1);
  c.advance(watchdogMs - 1);
  ws.last().push({ t: 'hb', seq: 1 });
  c.advance(watchdogMs - 1);
  assert.equal(ws.sockets.length, 1, 'heartbeats keep it alive');
  c.advance(1);
  assert.equal(ws.sockets[0].closed, 4000);
  assert.equal(client.conn, 'reconnecting');
  c.advance(backoffMin);
  assert.equal(ws.sockets.length, 2);
});

test('offline stops trying; online and a visible page reconnect at once', () => {
  const { client, ws, win, doc, c, conns } = setup();
  client.start();
  welcome(ws.last(), 1);
  win.navigator.onLine = false;
  win.dispatchEvent(new Event('offline'));
  assert.equal(client.conn, 'offline');
  assert.ok(ws.sockets[0].closed);
  c.advance(10 * backoffMax);
  assert.equal(ws.sockets.length, 1, 'no attempt while offline');
  win.navigator.onLine = true;
  win.dispatchEvent(new Event('online'));
  assert.equal(ws.sockets.length, 2, 'at once');
  assert.equal(client.conn, 'reconnecting');
  welcome(ws.last(), 2);
  assert.deepEqual(conns, ['live', 'offline', 'reconnecting', 'live']);

  // Back from the background: a ping, and a short wait for an answer.
  doc.dispatchEvent(new Event('visibilitychange'));
  assert.deepEqual(ws.last().sent.at(-1), { t: 'ping' });
  ws.last().push({ t: 'pong' });
  c.advance(6000);
  assert.equal(ws.sockets.length, 2, 'answered: still the same socket');
  doc.dispatchEvent(new Event('visibilitychange'));
  c.advance(6000);
  assert.equal(ws.sockets[1].closed, 4000, 'no answer: dropped');
});

test('a wrong moderator key stops the client and says why', async () => {
  const { client, ws, c } = setup({ role: 'moderator', key: 'bad' });
  const errors = [];
  client.on('error', (e) => errors.push(e));
  client.start();
  const p = client.send({ op: 'room.start' });
  ws.last().open();
  ws.last().push({ t: 'error', code: 'bad_key', message: 'wrong moderator key', retry: false });
  ws.last().drop(1008);
  assert.equal(errors[0].code, 'bad_key');
  assert.equal(client.conn, 'offline');
  await assert.rejects(p, { code: 'closed' });
  c.advance(10 * backoffMax);
  assert.equal(ws.sockets.length, 1, 'no reconnect');
});

test('a bad token is forgotten and the next hello has none', () => {
  const { client, ws, c, storage } = setup();
  storage.setItem(tokenKey('ABC234'), 'forged');
  client.start();
  ws.last().open();
  assert.equal(ws.last().sent[0].token, 'forged');
  ws.last().push({ t: 'error', code: 'bad_token', message: 'bad token', retry: false });
  ws.last().drop(1008);
  c.advance(backoffMax);
  ws.last().open();
  assert.equal(ws.last().sent[0].token, undefined);
});

test('close rejects what is pending and stops', async () => {
  const { client, ws, c } = setup();
  client.start();
  welcome(ws.last(), 1);
  const p = client.send({ op: 'react', reaction: 'applause' });
  client.close();
  await assert.rejects(p, { code: 'closed' });
  await assert.rejects(client.send({ op: 'react', reaction: 'applause' }), { code: 'closed' });
  c.advance(10 * backoffMax);
  assert.equal(ws.sockets.length, 1);
  assert.equal(c.pending(), 0, 'no timer left behind');
});

test('upstream status: down while an edge has lost the primary, up on a new connection', () => {
  const { client, ws, c } = setup();
  const ups = [];
  client.on('upstream', (u) => ups.push(u));
  client.start();
  welcome(ws.last(), 1);
  assert.equal(client.upstream, 'up');
  ws.last().push({ t: 'status', upstream: 'down' });
  assert.equal(client.upstream, 'down');
  assert.equal(client.conn, 'live', 'still connected and readable');
  ws.last().push({ t: 'status', upstream: 'down' });
  ws.last().push({ t: 'status', upstream: 'up' });
  ws.last().push({ t: 'status', upstream: 'down' });
  ws.last().drop();
  c.advance(backoffMax);
  welcome(ws.last(), 1);
  assert.deepEqual(ups, ['down', 'up', 'down', 'up']);
});

test('transient commands (reactions) are not kept nor retried', async () => {
  const { client, ws } = setup();
  client.start();
  await assert.rejects(client.send({ op: 'react', reaction: 'applause' }, { transient: true }), { code: 'offline', retry: true });
  welcome(ws.last(), 1);
  const limited = client.send({ op: 'react', reaction: 'applause' }, { transient: true });
  const id = ws.last().sent.at(-1).id;
  ws.last().push({ t: 'error', id, code: 'rate_limited', message: 'slow down', retry: true });
  await assert.rejects(limited, { code: 'rate_limited' });
  const inFlight = client.send({ op: 'react', reaction: 'agree' }, { transient: true });
  const kept = client.send({ op: 'question.ask', text: 'kept' });
  ws.last().drop();
  await assert.rejects(inFlight, { code: 'offline' });
  assert.equal(client.unacknowledged, 1, 'the question waits');
  client.close();
  await assert.rejects(kept, { code: 'closed' });
});
