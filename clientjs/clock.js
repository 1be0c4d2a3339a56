// The server's clock as a page can know it, and what depends on it: how
// long a speaker has left, whether an announcement has ended. Pure (no DOM,
// no timers): the pages pass the time; clientjs/test/clock.test.js runs it.
//
// Times in views (an announcement's until, a speech's calledAt) are the
// server's. A device's clock may be off by seconds or minutes, so pages
// keep an estimate of offset = server time - local time, from what they
// hear:
// - an event's time, seen when its change arrives, is a lower bound: the
//   event happened on the server before the page saw it;
// - an HTTP answer's Date header (to the second), between the moment the
//   request left and the one the answer came, gives both bounds.
// The estimate is 0 (the device's clock is right, as synchronised clocks
// are) moved as little as the bounds require.

/** An estimate of the server's clock. */
export class ServerClock {
  constructor() {
    /** The greatest lower bound of the offset seen, in ms. */
    this.low = -Infinity;
    /** The least upper bound, in ms. */
    this.high = Infinity;
  }

  /**
   * The server did something at serverAt (an event's time), seen here at
   * localNow: the server's clock then read at least serverAt.
   * @param {number} serverAt
   * @param {number} localNow
   */
  sawEvent(serverAt, localNow) {
    if (serverAt > 0) this.low = Math.max(this.low, serverAt - localNow);
  }

  /**
   * An HTTP answer's Date (whole seconds) was set by the server between
   * sent and received, local times.
   * @param {number} dateMs Date.parse of the Date header
   * @param {number} sent
   * @param {number} received
   */
  sawDate(dateMs, sent, received) {
    if (!Number.isFinite(dateMs)) return;
    this.low = Math.max(this.low, dateMs - received);
    this.high = Math.min(this.high, dateMs + 1000 - sent);
  }

  /** The estimated offset in ms: server time = local time + offset. */
  offset() {
    if (this.low > this.high) return this.low; // a clock moved: trust events
    return Math.min(Math.max(0, this.low), this.high);
  }

  /**
   * The server's time now, estimated.
   * @param {number} localNow
   */
  now(localNow) {
    return localNow + this.offset();
  }
}

/**
 * The latest time in a view that is the server's: the newest announcement,
 * request to speak, floor given, ledger entry. 0 when none.
 * @param {import('./protocol.js').View|null} view
 */
export function latestEventTime(view) {
  if (!view) return 0;
  let t = 0;
  for (const a of view.meeting.announcements || []) t = Math.max(t, a.at);
  for (const f of view.meeting.floor || []) t = Math.max(t, f.at, f.calledAt || 0);
  const ledger = view.ledger || [];
  if (ledger.length) t = Math.max(t, ledger[ledger.length - 1].at);
  return t;
}

/**
 * Whether announcement a is still up at server time now.
 * @param {import('./protocol.js').Announcement} a
 * @param {number} now server time
 */
export function announcementLive(a, now) {
  return !a.until || now < a.until;
}

/**
 * The announcement a screen shows: the latest, unless it has ended.
 * @param {import('./protocol.js').Announcement[]} list
 * @param {number} now server time
 */
export function currentAnnouncement(list, now) {
  let latest;
  for (const a of list) if (!latest || a.id > latest.id) latest = a;
  return latest && announcementLive(latest, now) ? latest : undefined;
}

/**
 * How long the speaker has left, in whole seconds rounded up (negative
 * once over), or null when no time was given.
 * @param {import('./protocol.js').FloorRequest|undefined} f
 * @param {number} now server time
 */
export function speechLeft(f, now) {
  if (!f || f.status !== 'speaking' || !f.seconds || !f.calledAt) return null;
  return Math.ceil((f.calledAt + f.seconds * 1000 - now) / 1000);
}

/**
 * Seconds as m:ss (or h:mm:ss), always positive: "time is up" is said in
 * words, not with a minus sign.
 * @param {number} s
 */
export function formatSeconds(s) {
  const n = Math.max(0, Math.abs(Math.trunc(s)));
  const h = Math.floor(n / 3600);
  const m = Math.floor((n % 3600) / 60);
  const ss = String(n % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Keeps a ServerClock for a client's page: every change seen live bounds
 * it by its latest event, and each welcome asks the server's Date (the
 * meeting's public facts, a small answer) to bound it from both sides.
 * @param {import('./tribune.js').Client} client
 * @param {{fetch?: typeof fetch, now?: () => number}} [deps]
 * @returns {ServerClock}
 */
export function watchServerClock(client, { fetch = globalThis.fetch, now = Date.now } = {}) {
  const clock = new ServerClock();
  client.on('state', (/** @type {any} */ state, /** @type {string} */ outcome) => {
    if (outcome === 'applied') clock.sawEvent(latestEventTime(state.view), now());
  });
  client.on('welcome', () => {
    if (!fetch) return;
    const sent = now();
    fetch(`/api/rooms/${encodeURIComponent(client.code)}`, { cache: 'no-store' }).then((res) => {
      const received = now();
      const date = res.headers.get('Date');
      if (date) clock.sawDate(Date.parse(date), sent, received);
      return res.body?.cancel();
    }).catch(() => { /* the estimate stays as it was */ });
  });
  return clock;
}
