// Likely duplicates in the moderator's queue: for each question waiting
// for moderation, the published questions it probably asks again, and for
// each idea waiting, the live ideas of its board it probably repeats,
// found by the server (GET /api/rooms/CODE/duplicates, PROTOCOL.md) and
// shown under it with one action to merge.

/**
 * Follows a room's likely duplicates. refresh(view) asks the server again,
 * a moment after the last call, when the questions or ideas waiting or
 * published have changed; onChange runs when the answer differs from the last one.
 * @param {{code: string, key: string, onChange: () => void, delay?: number}} opts
 */
export function createDuplicates({ code, key, onChange, delay = 400 }) {
  /** @type {Map<number, number[]>} pending question id -> published ids */
  let likely = new Map();
  /** @type {Map<number, number[]>} waiting idea id -> live idea ids */
  let likelyIdeas = new Map();
  let asked = '';
  let timer = 0;
  let inFlight = false;
  let again = false;
  let latest = '';

  const signature = (view) => JSON.stringify(view.questions
    .filter((q) => !q.mergedInto && !q.archived && (q.status === 'pending' || q.status === 'live' || q.status === 'answered'))
    .map((q) => [q.id, q.status === 'pending', q.text])
    .concat((view.ideas || []).filter((x) => x.status === 'pending' || x.status === 'live')
      .map((x) => [`i${x.id}`, x.status === 'pending', x.title, x.text || ''])));

  async function fetchNow(sig) {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      const res = await fetch(`/api/rooms/${encodeURIComponent(code)}/duplicates`, { headers: { 'X-Tribune-Key': key } });
      if (!res.ok) return; // suggestions are a help: without them the queue works as before
      const body = await res.json();
      const next = new Map(body.suggestions.map((s) => [s.question, s.likely.map((m) => m.question)]));
      const nextIdeas = new Map((body.ideas || []).map((s) => [s.idea, s.likely.map((m) => m.idea)]));
      const changed = JSON.stringify([...next, ...nextIdeas]) !== JSON.stringify([...likely, ...likelyIdeas]);
      likely = next;
      likelyIdeas = nextIdeas;
      asked = sig;
      if (changed) onChange();
    } catch {
      // offline for a moment: the next change asks again
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        clearTimeout(timer);
        timer = setTimeout(() => fetchNow(latest), delay);
      }
    }
  }

  return {
    /** @param {{questions: any[], ideas?: any[]}} view */
    refresh(view) {
      const sig = signature(view);
      latest = sig;
      if (sig === asked) return;
      clearTimeout(timer);
      timer = setTimeout(() => fetchNow(sig), delay);
    },
    /** The published questions pending question id likely repeats. */
    likelyFor(id) {
      return likely.get(id) || [];
    },
    /** The live ideas of its board waiting idea id likely repeats. */
    likelyIdeasFor(id) {
      return likelyIdeas.get(id) || [];
    },
  };
}
