// DOM helpers shared by the pages. The one rule: text goes in as text.
// h() sets children with text nodes and attributes with setAttribute, never
// innerHTML, so whatever a person typed shows as typed.

/**
 * Builds an element. props: `class`, `text` (textContent), `on` ({click:
 * fn}), `dataset`, DOM properties that are not attributes (`value`,
 * `checked`, `disabled`, `hidden`, `selected`, `htmlFor`), and any other key
 * as an attribute (false/null/undefined omit it). Children are nodes or
 * strings (text), nested arrays are flattened, null and false skipped.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    switch (k) {
      case 'class':
        el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
        break;
      case 'text':
        el.textContent = String(v);
        break;
      case 'on':
        for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
        break;
      case 'dataset':
        Object.assign(el.dataset, v);
        break;
      case 'value': case 'checked': case 'disabled': case 'hidden': case 'selected': case 'htmlFor': case 'open':
        el[k] = v;
        break;
      default:
        if (/^on/i.test(k)) throw new Error(`h: use on: {} for ${k}`);
        el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/**
 * Appends children (nodes, strings as text, nested arrays) to el.
 * @param {Node} el
 * @param {any[]} children
 */
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Replaces el's children.
 * @param {Node} el
 * @param {...any} children
 */
export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

/**
 * Sets el's text only when it changes: rewriting a live region
 * (role="status") with the same words makes screen readers say them again,
 * several times a second in a busy meeting.
 * @param {HTMLElement} el
 * @param {string} text
 */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * The element with this id; throws when missing, a page bug.
 * @param {string} id
 * @returns {any}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no element #${id}`);
  return el;
}

/** The meeting code in the path: /j/CODE, /m/CODE, /s/CODE. */
export function pathCode(pathname = location.pathname) {
  const m = /^\/[a-z]\/([^/]+)/.exec(pathname);
  return m ? decodeURIComponent(m[1]).toUpperCase() : '';
}

/**
 * Reads a value from localStorage, or fallback when absent or refused.
 * @param {string} key
 * @param {string} [fallback]
 */
export function load(key, fallback = '') {
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback : v;
  } catch {
    return fallback;
  }
}

/**
 * Writes (or, for '' / null, removes) a value in localStorage; storage may
 * be refused (private mode): then nothing is kept.
 * @param {string} key
 * @param {string|null} value
 */
export function store(key, value) {
  try {
    if (value === null || value === '') localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch { /* not kept */ }
}

/**
 * The address s as a link to follow, or '' unless it is an absolute http(s)
 * URL with a host: a link typed by someone never runs script.
 * @param {string} s
 * @returns {string}
 */
export function webLink(s) {
  if (!s) return '';
  try {
    const u = new URL(s);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.host ? u.href : '';
  } catch {
    return '';
  }
}

/** Whether an event comes from a place where keys are typed. */
export function isTyping(ev) {
  const t = ev.target;
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
}

/**
 * Keeps ul's children one per item, in items' order, reusing the element of
 * an item already shown (so focus and half-filled controls survive an
 * update). create(item) builds an element; update(el, item) refreshes it.
 * Elements are matched by key(item). A focused element that has to move
 * gets its focus back.
 * @template T
 * @param {HTMLElement} ul
 * @param {T[]} items
 * @param {(item: T) => string|number} key
 * @param {(item: T) => HTMLElement} create
 * @param {(el: HTMLElement, item: T) => void} update
 */
export function keyedList(ul, items, key, create, update) {
  /** @type {Map<string, HTMLElement>} */
  const old = new Map();
  for (const el of Array.from(ul.children)) old.set(/** @type {HTMLElement} */ (el).dataset.key || '', /** @type {HTMLElement} */ (el));
  const focused = document.activeElement;
  const wanted = items.map((item) => {
    const k = String(key(item));
    let el = old.get(k);
    if (el) {
      old.delete(k);
      update(el, item);
    } else {
      el = create(item);
      el.dataset.key = k;
      update(el, item);
    }
    return el;
  });
  for (const el of old.values()) el.remove();
  wanted.forEach((el, i) => {
    if (ul.children[i] !== el) ul.insertBefore(el, ul.children[i] || null);
  });
  if (focused instanceof HTMLElement && focused !== document.activeElement && ul.contains(focused)) {
    focused.focus({ preventScroll: true });
  }
}
