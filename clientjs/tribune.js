// The Tribune client: one WebSocket connection to a meeting, kept alive.
//
//   import { Client } from '/assets/tribune.js';
//   const client = new Client({ code: 'ABC234', role: 'participant', channel: 'room' });
//   client.on('state', (state) => render(state));
//   client.on('conn', (conn) => banner(conn)); // connecting, live, reconnecting, offline
//   client.start();
//   await client.send({ op: 'question.ask', text: 'Why?' }); // resolves {seq}
//
// It speaks PROTOCOL.md: hello/welcome, snapshot and patches applied with
// protocol.js, commands acknowledged by id, heartbeats. It reconnects with
// exponential backoff and full jitter (0.5 s to 30 s), resuming from the last
// sequence number it applied; it stops trying while the browser says it is
// offline and tries at once when it comes back online or the page becomes
// visible again. A command that got no answer, or whose error says retry,
// is sent again with the same id, so the server applies it once.
//
// Everything the browser provides (WebSocket, storage, timers, window and
// document events, randomness) can be injected, so clientjs/test runs it
// under node against a fake socket.

import { emptyState, applyMessage } from './protocol.js';

/** @typedef {import('./protocol.js').State} State */
/** @typedef {'connecting'|'live'|'reconnecting'|'offline'} ConnState */

/** Protocol version spoken (PROTOCOL.md). */
export const version = 3;

/** Backoff bounds, in milliseconds. */
export const backoffMin = 500;
export const backoffMax = 30_000;

/** A connection that has heard nothing for this long is presumed dead. */
export const watchdogMs = 40_000;

/** A connection that opened but got no welcome within this is retried. */
export const connectTimeoutMs = 15_000;

/** A connection live this long resets the backoff. */
export const stableMs = 10_000;

/** After the page becomes visible, how long a ping may take to be answered. */
export const wakeCheckMs = 5_000;

/** Errors after which reconnecting cannot help. */
const fatalCodes = new Set(['bad_key', 'bad_hello', 'bad_version', 'no_room', 'forbidden', 'bad_card']);

/**
 * The delay before reconnect attempt n (0-based): full jitter over an
 * exponential ceiling, random() * min(max, min * 2^n).
 * @param {number} attempt
 * @param {() => number} [random] in [0, 1)
 * @returns {number} milliseconds
 */
export function backoffDelay(attempt, random = Math.random) {
  const ceiling = Math.min(backoffMax, backoffMin * 2 ** Math.min(attempt, 16));
  return Math.floor(random() * ceiling);
}

/**
 * An error answered to a command, or a connection failure.
 * `code` is the protocol error code (PROTOCOL.md, "Error codes");
 * `retry` tells whether the same command may succeed later.
 */
export class TribuneError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {boolean} retry
   */
  constructor(code, message, retry) {
    super(message || code);
    this.name = 'TribuneError';
    this.code = code;
    this.retry = retry;
  }
}

/**
 * The storage key of a participant's token for a meeting.
 * @param {string} code
 */
export function tokenKey(code) {
  return `tribune:token:${code}`;
}

/**
 * The WebSocket URL of a meeting, relative to the page's location.
 * @param {string} code
 * @param {{protocol: string, host: string}} [loc]
 */
export function socketURL(code, loc = globalThis.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws/${encodeURIComponent(code)}`;
}

/**
 * @typedef {{getItem(k: string): string|null, setItem(k: string, v: string): void, removeItem(k: string): void}} TokenStorage
 */

/**
 * A Storage that forgets everything, for where there is none.
 * @returns {TokenStorage}
 */
export function memoryStorage() {
  /** @type {Map<string, string>} */
  const m = new Map();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => { m.set(k, String(v)); },
    removeItem: (k) => { m.delete(k); },
  };
}

/** @returns {TokenStorage} */
function defaultStorage() {
  try {
    const s = globalThis.localStorage;
    if (s) return s;
  } catch { /* access denied (private mode, sandbox) */ }
  return memoryStorage();
}

/** @param {() => number} random */
function randomPrefix(random) {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  return Math.floor(random() * 2 ** 52).toString(36) + Math.floor(random() * 2 ** 52).toString(36);
}

/**
 * @typedef {object} ClientOptions
 * @property {string} code the meeting's join code
 * @property {'participant'|'moderator'|'screen'} role
 * @property {string} [url] the WebSocket URL; default from location
 * @property {string} [key] moderator key (moderators)
 * @property {'room'|'remote'} [channel] participants
 * @property {string} [name] participants, optional
 * @property {TokenStorage} [storage]
 *   where the participant token is kept (default localStorage)
 * @property {any} [WebSocket] the WebSocket constructor
 * @property {() => number} [random] in [0, 1), for jitter and ids
 * @property {() => number} [now] the time in milliseconds (default Date.now)
 * @property {(fn: () => void, ms: number) => any} [setTimeout]
 * @property {(id: any) => void} [clearTimeout]
 * @property {EventTarget & {navigator?: {onLine?: boolean}}} [window]
 *   receives 'online' and 'offline' (default globalThis when it has them)
 * @property {EventTarget & {visibilityState?: string}} [document]
 *   receives 'visibilitychange' (default globalThis.document)
 */

/**
 * A pending command: sent, or waiting to be (again).
 * @typedef {{id: string, cmd: object, resolve: (v: {seq: number, key?: string}) => void, reject: (e: Error) => void, sent: boolean, attempts: number, timer: any, transient: boolean}} Pending
 */

/**
 * A connection to one meeting. Events (subscribe with on):
 * - 'state' (state: State, outcome): the state changed;
 * - 'conn' (conn: ConnState): the connection state changed;
 * - 'welcome' (msg): the server accepted the hello;
 * - 'upstream' ('up'|'down'): the server lost or regained the primary;
 *   while down the room is readable and commands wait;
 * - 'error' (err: TribuneError): an error not tied to a command; when
 *   err.retry is false, the client has stopped (wrong key, unknown room).
 */
export class Client {
  /** @param {ClientOptions} opts */
  constructor(opts) {
    this.code = opts.code;
    this.role = opts.role;
    this.url = opts.url || socketURL(opts.code);
    this.key = opts.key || '';
    this.channel = opts.channel || 'room';
    this.name = opts.name || '';
    this.card = opts.card || ''; // a voting card's secret (voters.js)
    this.storage = opts.storage || defaultStorage();
    this.WebSocket = opts.WebSocket || globalThis.WebSocket;
    this.random = opts.random || Math.random;
    this.now = opts.now || Date.now;
    this.setTimeout = opts.setTimeout || ((fn, ms) => globalThis.setTimeout(fn, ms));
    this.clearTimeout = opts.clearTimeout || ((id) => globalThis.clearTimeout(id));
    this.win = opts.window !== undefined ? opts.window : (typeof globalThis.addEventListener === 'function' ? globalThis : null);
    this.doc = opts.document !== undefined ? opts.document : (globalThis.document || null);

    /** @type {State} */
    this.state = emptyState();
    /** @type {ConnState} */
    this.conn = 'connecting';
    /** The participant id given by the server. */
    this.participant = '';
    /**
     * Whether the server can reach the node that orders commands
     * (PROTOCOL.md, "Upstream status"): 'up' unless told otherwise.
     * @type {'up'|'down'}
     */
    this.upstream = 'up';

    this.idPrefix = randomPrefix(this.random);
    this.nextID = 1;
    /** @type {Map<string, Pending>} */
    this.pending = new Map();
    /** @type {Map<string, Set<Function>>} */
    this.listeners = new Map();

    this.ws = null;
    this.welcomed = false;
    this.attempt = 0; // reconnect attempts since the last stable connection
    this.liveSince = 0; // when the last welcome came, 0 when not live
    this.retryTimer = null;
    this.watchdog = null;
    this.started = false;
    this.stopped = false;

    this.onOnline = () => this.wake();
    this.onOffline = () => this.goOffline();
    this.onVisibility = () => {
      if (this.doc && this.doc.visibilityState === 'visible') this.wake();
    };
  }

  /**
   * Subscribes fn to an event; returns a function that unsubscribes.
   * @param {'state'|'conn'|'welcome'|'upstream'|'error'} event
   * @param {Function} fn
   */
  on(event, fn) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn);
    return () => { set.delete(fn); };
  }

  /**
   * @param {string} event
   * @param {...any} args
   */
  emit(event, ...args) {
    for (const fn of this.listeners.get(event) || []) {
      try {
        fn(...args);
      } catch (err) {
        // A listener's bug must not break the connection.
        globalThis.reportError ? globalThis.reportError(err) : console.error(err);
      }
    }
  }

  /** Connects, and keeps connecting until close(). */
  start() {
    if (this.started) return this;
    this.started = true;
    this.win?.addEventListener?.('online', this.onOnline);
    this.win?.addEventListener?.('offline', this.onOffline);
    this.doc?.addEventListener?.('visibilitychange', this.onVisibility);
    if (this.isOffline()) this.setConn('offline');
    else this.connect();
    return this;
  }

  /** Closes the connection for good; pending commands are rejected. */
  close() {
    this.stopped = true;
    this.win?.removeEventListener?.('online', this.onOnline);
    this.win?.removeEventListener?.('offline', this.onOffline);
    this.doc?.removeEventListener?.('visibilitychange', this.onVisibility);
    this.clearTimeout(this.retryTimer);
    this.clearTimeout(this.watchdog);
    this.dropSocket(1000);
    for (const p of this.pending.values()) {
      this.clearTimeout(p.timer);
      p.reject(new TribuneError('closed', 'connection closed', false));
    }
    this.pending.clear();
    this.setConn('offline');
  }

  /**
   * Sends a room command ({op, ...}; see room/command.go). Resolves {seq}
   * once the server acknowledged it (the event is on disk), or rejects with
   * a TribuneError whose code is the server's. While the connection is down
   * the command waits and is sent on reconnection.
   *
   * A transient command (a reaction: worth something now or never) is not
   * kept: it fails at once with code 'offline' when the connection is not
   * live, and a retryable error rejects it rather than sending it again.
   * @param {object} cmd
   * @param {{transient?: boolean}} [opts]
   * @returns {Promise<{seq: number}>}
   */
  send(cmd, { transient = false } = {}) {
    if (this.stopped) return Promise.reject(new TribuneError('closed', 'connection closed', false));
    if (transient && !this.welcomed) return Promise.reject(new TribuneError('offline', 'not connected', true));
    const id = `${this.idPrefix}-${this.nextID++}`;
    return new Promise((resolve, reject) => {
      /** @type {Pending} */
      const p = { id, cmd, resolve, reject, sent: false, attempts: 0, timer: null, transient };
      this.pending.set(id, p);
      if (this.welcomed) this.transmit(p);
    });
  }

  /**
   * Drops the connection and opens a new one at once, with a new hello:
   * after changing channel or name, for instance. State and pending
   * commands are kept.
   */
  reconnect() {
    if (this.stopped || !this.started) return;
    this.attempt = 0;
    for (const p of this.pending.values()) p.sent = false;
    this.connect();
  }

  /** The number of commands not yet acknowledged. */
  get unacknowledged() {
    return this.pending.size;
  }

  // -------------------------------------------------------------------------

  isOffline() {
    return this.win?.navigator?.onLine === false;
  }

  /** @param {ConnState} conn */
  setConn(conn) {
    if (this.conn === conn) return;
    this.conn = conn;
    this.emit('conn', conn);
  }

  connect() {
    if (this.stopped) return;
    this.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.dropSocket(1000);
    this.welcomed = false;
    if (this.conn !== 'connecting') this.setConn(this.state.view ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new this.WebSocket(this.url);
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    this.armWatchdog(connectTimeoutMs);
    ws.onopen = () => {
      if (ws !== this.ws) return;
      ws.send(JSON.stringify(this.hello()));
    };
    ws.onmessage = (/** @type {{data: any}} */ ev) => {
      if (ws !== this.ws) return;
      this.armWatchdog(watchdogMs);
      let msg;
      try {
        msg = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
      } catch {
        return; // not ours to fix; the server speaks JSON
      }
      this.receive(msg);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.lost();
    };
    ws.onerror = () => { /* onclose follows */ };
  }

  hello() {
    /** @type {{t: 'hello', v: number, role: string, since: number, token?: string, channel?: string, name?: string, key?: string, card?: string}} */
    const h = { t: 'hello', v: version, role: this.role, since: this.state.seq };
    if (this.role === 'participant') {
      const token = this.storage.getItem(tokenKey(this.code));
      if (token) h.token = token;
      h.channel = this.channel;
      if (this.name) h.name = this.name;
      if (this.card) h.card = this.card;
    } else if (this.role === 'moderator') {
      h.key = this.key;
    }
    return h;
  }

  /** @param {any} msg */
  receive(msg) {
    switch (msg.t) {
      case 'welcome':
        this.welcomed = true;
        this.liveSince = this.now();
        if (this.upstream !== 'up') {
          // A new connection, maybe to another node: up until told otherwise.
          this.upstream = 'up';
          this.emit('upstream', 'up');
        }
        if (msg.participant) this.participant = msg.participant;
        if (msg.token && this.role === 'participant') this.storage.setItem(tokenKey(this.code), msg.token);
        this.setConn('live');
        this.emit('welcome', msg);
        for (const p of this.pending.values()) if (!p.timer) this.transmit(p);
        return;
      case 'snapshot':
      case 'patch':
      case 'mine':
      case 'results': {
        const { state, outcome } = applyMessage(this.state, msg);
        if (outcome === 'gap') {
          // Missed something: resume from what we have.
          this.resync();
          return;
        }
        if (state !== this.state) {
          this.state = state;
          this.emit('state', state, outcome);
        }
        return;
      }
      case 'ack': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        this.clearTimeout(p.timer);
        // A team.add's ack carries the new link's key, this once.
        p.resolve(msg.key ? { seq: msg.seq, key: msg.key } : { seq: msg.seq });
        return;
      }
      case 'error':
        this.fail(msg);
        return;
      case 'status': {
        // An edge lost (or regained) the primary: the room stays readable,
        // commands wait (refused with retry: true, sent again later).
        const up = msg.upstream === 'down' ? 'down' : 'up';
        if (up !== this.upstream) {
          this.upstream = up;
          this.emit('upstream', up);
        }
        return;
      }
      case 'joins':
        // Moderators: new participants in the last minute (PROTOCOL.md).
        this.joins = msg;
        this.emit('joins', msg);
        return;
      case 'roomcode':
        // Screens: the room code to show, while a poll counts the room.
        this.roomCode = msg;
        this.emit('roomcode', msg);
        return;
      case 'hb':
      case 'pong':
        return; // the watchdog was fed on receipt
      default:
        return; // a newer server's message: ignore
    }
  }

  /** @param {{id?: string, code: string, message: string, retry: boolean}} msg */
  fail(msg) {
    const err = new TribuneError(msg.code, msg.message, !!msg.retry);
    const p = msg.id ? this.pending.get(msg.id) : undefined;
    if (p) {
      if (err.retry && !p.transient) {
        // Same id later: the server applies a command once whatever happens.
        p.sent = false;
        p.timer = this.setTimeout(() => {
          p.timer = null;
          if (this.welcomed) this.transmit(p);
        }, backoffDelay(++p.attempts, this.random) + backoffMin);
        return;
      }
      this.pending.delete(p.id);
      p.reject(err);
      return;
    }
    if (msg.code === 'bad_token') {
      // The token is for another room or expired: start afresh.
      this.storage.removeItem(tokenKey(this.code));
      this.emit('error', err);
      return;
    }
    if (fatalCodes.has(msg.code)) {
      this.emit('error', new TribuneError(msg.code, msg.message, false));
      this.stop();
      return;
    }
    this.emit('error', err);
  }

  /** Stops reconnecting after a fatal error; commands are rejected. */
  stop() {
    this.close();
  }

  /** @param {Pending} p */
  transmit(p) {
    if (!this.ws || !this.welcomed) return;
    p.sent = true;
    p.attempts++;
    this.ws.send(JSON.stringify({ t: 'cmd', id: p.id, cmd: p.cmd }));
  }

  /** @param {number} ms */
  armWatchdog(ms) {
    this.clearTimeout(this.watchdog);
    this.watchdog = this.setTimeout(() => {
      // Heard nothing: the connection is dead even if the socket says not.
      this.dropSocket(4000);
      this.lost();
    }, ms);
  }

  /** @param {number} code the close code we send */
  dropSocket(code) {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000);
    } catch { /* already closed */ }
  }

  /** The connection is gone; come back later. */
  lost() {
    this.welcomed = false;
    this.clearTimeout(this.watchdog);
    if (this.stopped) return;
    this.dropTransient();
    for (const p of this.pending.values()) p.sent = false;
    if (this.isOffline()) {
      this.setConn('offline');
      return;
    }
    this.setConn(this.state.view ? 'reconnecting' : 'connecting');
    // A connection that lived a while starts the backoff afresh; one that
    // keeps dying right after the welcome keeps backing off.
    if (this.liveSince && this.now() - this.liveSince >= stableMs) this.attempt = 0;
    this.liveSince = 0;
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    this.clearTimeout(this.retryTimer);
    const delay = backoffDelay(this.attempt++, this.random);
    this.retryTimer = this.setTimeout(() => {
      this.retryTimer = null;
      if (this.isOffline()) {
        this.setConn('offline');
        return;
      }
      this.connect();
    }, delay);
  }

  /** A patch was missed: reconnect with since = the last seq applied. */
  resync() {
    this.dropSocket(1000);
    this.welcomed = false;
    for (const p of this.pending.values()) p.sent = false;
    this.setConn('reconnecting');
    this.scheduleReconnect();
  }

  /** The network is back, or the page is visible again. */
  wake() {
    if (this.stopped || !this.started) return;
    if (this.ws && this.welcomed) {
      // Maybe alive, maybe a socket the OS silently dropped while asleep:
      // ask, and give up on it soon if nothing comes back.
      try {
        this.ws.send(JSON.stringify({ t: 'ping' }));
      } catch { /* closing */ }
      this.armWatchdog(wakeCheckMs);
      return;
    }
    if (this.ws) return; // already connecting
    this.attempt = 0;
    this.connect();
  }

  /** Transient commands in flight when the connection goes are given up. */
  dropTransient() {
    for (const p of [...this.pending.values()]) {
      if (!p.transient) continue;
      this.pending.delete(p.id);
      this.clearTimeout(p.timer);
      p.reject(new TribuneError('offline', 'not connected', true));
    }
  }

  goOffline() {
    if (this.stopped) return;
    this.dropTransient();
    this.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.clearTimeout(this.watchdog);
    this.dropSocket(1000);
    this.welcomed = false;
    for (const p of this.pending.values()) p.sent = false;
    this.setConn('offline');
  }
}
