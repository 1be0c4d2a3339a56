// The word cloud's layout, with no DOM: words sized by count and placed
// without overlap on a spiral from the centre, each checked against the
// boxes of the words already placed. Deterministic: the same words, counts
// and measures give the same cloud, so it does not jump about as ballots
// arrive. The page measures text; clientjs/test/wordcloud.test.js runs it
// under node with a fake measure.

/**
 * @typedef {{word: string, count: number}} Word
 * @typedef {{word: string, count: number, size: number, x: number, y: number, width: number, height: number}} Placed
 *   x, y: the top left corner of the word's box, in the area's units
 * @typedef {(word: string, size: number) => {width: number, height: number}} Measure
 *   the box of word set at font size size
 */

/**
 * The font size of each count, from minSize (the least frequent) to
 * maxSize (the most), by the square root of the count so that one word
 * said by everyone does not dwarf the rest into dust.
 * @param {number} count
 * @param {number} least the smallest count in the cloud
 * @param {number} most the largest
 * @param {number} minSize
 * @param {number} maxSize
 */
export function fontSize(count, least, most, minSize, maxSize) {
  if (most <= least) return maxSize;
  const f = (Math.sqrt(count) - Math.sqrt(least)) / (Math.sqrt(most) - Math.sqrt(least));
  return minSize + f * (maxSize - minSize);
}

/**
 * The words in the order they are placed: most frequent first, then
 * alphabetically, so that ties always come out the same way.
 * @param {Word[]} words
 * @returns {Word[]}
 */
export function placingOrder(words) {
  return words.slice().sort((a, b) => (b.count - a.count) || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
}

/**
 * Whether two boxes overlap, gap apart at least.
 * @param {{x: number, y: number, width: number, height: number}} a
 * @param {{x: number, y: number, width: number, height: number}} b
 * @param {number} gap
 */
export function overlaps(a, b, gap = 0) {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap &&
    a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/**
 * Lays out words in an area width x height at one scale: font sizes from
 * minSize to maxSize. A word that finds no free place inside the area is
 * left out (returned in dropped).
 * @param {Word[]} words
 * @param {Measure} measure
 * @param {{width: number, height: number, minSize: number, maxSize: number, gap?: number}} opts
 * @returns {{placed: Placed[], dropped: Word[]}}
 */
export function layout(words, measure, { width, height, minSize, maxSize, gap = 0 }) {
  const order = placingOrder(words.filter((w) => w.count > 0 && w.word));
  const placed = /** @type {Placed[]} */ ([]);
  const dropped = /** @type {Word[]} */ ([]);
  if (!order.length || width <= 0 || height <= 0) return { placed, dropped: order };
  const most = order[0].count;
  const least = order[order.length - 1].count;
  const cx = width / 2;
  const cy = height / 2;
  // An ellipse of the area's shape: a wide screen fills sideways.
  const aspect = width / height;
  const step = Math.max(1, Math.min(width, height) / 80);
  const maxRadius = Math.hypot(width, height) / 2;
  for (const w of order) {
    const size = fontSize(w.count, least, most, minSize, maxSize);
    const box = measure(w.word, size);
    let spot = null;
    if (box.width <= width && box.height <= height) {
      // Archimedean spiral r = step * t / (2 pi), about one step between
      // turns, sampled about a step apart along the curve.
      for (let t = 0; ; ) {
        const r = (step * t) / (2 * Math.PI);
        if (r > maxRadius) break;
        const x = cx + r * Math.cos(t) * Math.sqrt(aspect) - box.width / 2;
        const y = cy + r * Math.sin(t) / Math.sqrt(aspect) - box.height / 2;
        const at = { x, y, width: box.width, height: box.height };
        if (x >= 0 && y >= 0 && x + box.width <= width && y + box.height <= height &&
          !placed.some((p) => overlaps(at, p, gap))) {
          spot = at;
          break;
        }
        t += r > step ? step / r : 0.5;
      }
    }
    if (spot) placed.push({ word: w.word, count: w.count, size, ...spot });
    else dropped.push(w);
  }
  return { placed, dropped };
}

/**
 * Lays out words as large as they fit: the first scale, from maxSize down,
 * at which every word finds a place (or, when none does, the smallest
 * tried, which drops the fewest words it can). Sizes never go below
 * floorSize, the smallest readable from the back of the room.
 * @param {Word[]} words
 * @param {Measure} measure
 * @param {{width: number, height: number, maxSize: number, floorSize: number, ratio?: number, gap?: number}} opts
 *   ratio: the least frequent word's size as a share of the most's (default 0.3)
 * @returns {{placed: Placed[], dropped: Word[]}}
 */
export function fitCloud(words, measure, { width, height, maxSize, floorSize, ratio = 0.3, gap = 0 }) {
  let best = null;
  for (let top = maxSize; ; top *= 0.85) {
    const max = Math.max(top, floorSize);
    const min = Math.max(max * ratio, floorSize);
    const out = layout(words, measure, { width, height, minSize: min, maxSize: max, gap: gap * (max / maxSize) });
    if (!best || out.dropped.length < best.dropped.length) best = out;
    if (out.dropped.length === 0 || max <= floorSize) break;
  }
  return /** @type {{placed: Placed[], dropped: Word[]}} */ (best);
}
