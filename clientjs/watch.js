// Watching from afar: the participant page's slot for the meeting's stream,
// its sign-language video and its captions (room.Settings streamURL,
// signURL, captionsURL), shown to remote participants only. Someone in the
// room gets nothing of it: no frame, no video, not a request.
//
// A link is shown by kind, as the server's policy expects it
// (hub/csp.go, room.PlayerOf): a plain video or HLS playlist plays in a
// <video> (media-src), YouTube in its privacy-enhanced embed, PeerTube in
// its embed (frame-src); the captions may be any page, in a frame. A
// stream or sign-language link to another page stays a link. The server allows
// exactly the origins of the settings it had when it served the page: when
// the moderator changes them, the page reloads to get the new policy.
//
// embedOf and sourcesOf are pure (tested with node --test); renderWatch
// touches the DOM.

import { h, replace } from './dom.js';
import { t } from './i18n.js';

const youTubeHosts = ['youtube.com', 'www.youtube.com', 'm.youtube.com', 'youtu.be', 'www.youtube-nocookie.com', 'youtube-nocookie.com'];
const youTubeEmbed = 'https://www.youtube-nocookie.com';
const videoPath = /\.(mp4|webm|ogv|ogg|mov|m4v|m3u8)$/i;

/**
 * How a link is shown: {kind: 'video' | 'frame', src}, or null when it
 * cannot be (not http(s), a YouTube address naming no video, or with
 * anyPage false a page that is no known player: a stream or a
 * sign-language video there is only a link, the captions may be any page).
 * @param {string|undefined} link
 * @param {boolean} [anyPage]
 * @returns {{kind: 'video'|'frame', src: string}|null}
 */
export function embedOf(link, anyPage = false) {
  let u;
  try { u = new URL(link || ''); } catch { return null; }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username) return null;
  if (youTubeHosts.includes(u.hostname.toLowerCase())) {
    const parts = u.pathname.split('/').filter(Boolean);
    let id = '';
    if (u.hostname.toLowerCase() === 'youtu.be') id = parts[0] || '';
    else if (parts[0] === 'watch') id = u.searchParams.get('v') || '';
    else if (['embed', 'live', 'shorts', 'v'].includes(parts[0])) id = parts[1] || '';
    if (!/^[\w-]{1,64}$/.test(id)) return null;
    return { kind: 'frame', src: `${youTubeEmbed}/embed/${id}` };
  }
  const tube = u.pathname.match(/^\/(?:w|videos\/watch|videos\/embed)\/([\w-]+)/);
  if (tube) return { kind: 'frame', src: `${u.origin}/videos/embed/${tube[1]}` };
  if (videoPath.test(u.pathname)) return { kind: 'video', src: u.href };
  return anyPage ? { kind: 'frame', src: u.href } : null;
}

/**
 * The origins the settings' links need, as the server computes them
 * (hub/csp.go mediaSources): a page whose settings need others reloads.
 * @param {{streamURL?: string, signURL?: string, captionsURL?: string}} s
 */
export function sourcesOf(s) {
  const out = new Set();
  for (const [link, anyPage] of [[s.streamURL, false], [s.signURL, false], [s.captionsURL, true]]) {
    const e = embedOf(link, anyPage);
    if (e) out.add(`${e.kind} ${new URL(e.src).origin}`);
  }
  return [...out].sort().join(' ');
}

/** The sources of the first settings seen: those the page was served for. */
let served = /** @type {string|null} */ (null);

/**
 * Fills el, the watch slot, for a participant following by channel, and
 * returns whether it shows anything. The players are built once per set of
 * links: a patch that changes nothing else never restarts the video.
 * @param {HTMLElement} el
 * @param {{streamURL?: string, signURL?: string, captionsURL?: string}} settings
 * @param {string} channel 'room' or 'remote' ('' before joining)
 * @param {{reload?: () => void}} [opts]
 */
export function renderWatch(el, settings, channel, opts = {}) {
  const sources = sourcesOf(settings);
  if (served === null) served = sources;
  const stream = embedOf(settings.streamURL);
  const sign = embedOf(settings.signURL);
  const captions = embedOf(settings.captionsURL, true);
  const show = channel === 'remote' && !!(stream || sign || captions);
  if (!show) {
    el.hidden = true;
    el.dataset.sig = '';
    replace(el); // nothing stays loaded
    return false;
  }
  if (sources !== served) {
    // The policy this page was served with does not allow the new links.
    served = sources;
    (opts.reload || (() => location.reload()))();
    return false;
  }
  const sig = JSON.stringify([settings.streamURL, settings.signURL, settings.captionsURL, document.documentElement.lang]);
  el.hidden = false;
  if (el.dataset.sig === sig) return true;
  el.dataset.sig = sig;
  const links = [[settings.streamURL, 'watch.openStream'], [settings.signURL, 'watch.openSign'], [settings.captionsURL, 'watch.openCaptions']]
    .filter(([u]) => /^https?:\/\//i.test(u || ''));
  replace(el,
    h('h2', { id: 'watch-title', class: 'visually-hidden' }, t('watch.title')),
    h('div', { class: ['watch-media', stream && sign ? 'with-sign' : ''] },
      stream ? h('div', { class: 'watch-stream' }, player(stream, t('watch.stream'), false)) : null,
      sign ? h('div', { class: 'watch-sign' }, player(sign, t('watch.sign'), true)) : null),
    captions ? h('div', { class: 'watch-captions' }, player(captions, t('watch.captions'), true, true)) : null,
    h('ul', { class: 'watch-links' }, links.map(([u, label]) => h('li', {},
      h('a', { href: u, target: '_blank', rel: 'noopener noreferrer' }, t(label))))));
  for (const v of el.querySelectorAll('video')) tryPlay(/** @type {HTMLVideoElement} */ (v));
  return true;
}

/** Plays v with sound if the browser allows, muted otherwise. */
function tryPlay(v) {
  v.play().catch(() => {
    v.muted = true;
    v.play().catch(() => { /* the controls remain */ });
  });
}

/**
 * A player for e: a <video> (muted for the sign-language video and the
 * captions; renderWatch starts it), or a frame. The captions may be any
 * page: sandboxed, it may run its script but never navigate this page or
 * open windows.
 */
function player(e, title, muted, sandboxed = false) {
  if (e.kind === 'video') {
    const v = /** @type {HTMLVideoElement} */ (h('video', { src: e.src, controls: true, playsinline: true, preload: 'auto', title, 'aria-label': title }));
    v.muted = muted;
    return v;
  }
  // YouTube's embed needs the referrer's origin; the pages send none
  // (Referrer-Policy: no-referrer), so the frame asks for it alone.
  return h('iframe', {
    src: e.src, title, allow: 'autoplay; fullscreen; picture-in-picture; encrypted-media', allowfullscreen: true,
    referrerpolicy: 'strict-origin-when-cross-origin', class: 'watch-frame',
    sandbox: sandboxed ? 'allow-scripts allow-same-origin' : null,
  });
}
