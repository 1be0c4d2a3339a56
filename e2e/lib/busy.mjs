// A busy meeting for the layout tests: a dozen questions (published,
// waiting, refused, merged, one on screen), polls closed and open, the
// speakers' line with someone speaking, reactions and an announcement. It
// is run over real WebSockets from inside a page of the server, as the
// report test does, so no client library other than the browser's is used.

import { version } from '../../clientjs/tribune.js';

/** The questions asked, in order: ids 1..12. */
export const busyQuestions = [
  'Will the library open on Sundays?',
  'How many new seats will the reading room have?',
  'Is there a budget line for the children’s corner, and who decides how it is spent over the next three years?',
  'Can we borrow e-books from home?',
  'Will the café stay open in the evening?',
  'Buy cheap watches now',
  'What happens to the old building?',
  'Is parking free on Sundays?',
  'Will the library open on Sunday mornings?',
  'Are there rooms to work in groups?',
  'When does the building work start?',
  'Who chose the architect?',
];

/**
 * Runs the busy meeting in page p (any page of the server) for meeting
 * code with moderator key. Questions 1-5, 7 and 10 are published (1 on
 * screen, 2 pinned), 8, 11 and 12 wait, 6 is refused as off topic, 9 is
 * merged into 1; polls 1 (single) and 2 (rating) are closed, 3 (multiple,
 * at most 2) is open, 4 is a draft; two people asked to speak, the first
 * has the floor; one announcement.
 */
export async function runBusyMeeting(p, code, key) {
  return p.evaluate(async ({ code, key, texts, version }) => {
    const connect = (hello) => new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${location.host}/ws/${code}`);
      const waiting = new Map();
      let n = 0;
      const conn = {
        do(cmd) {
          const id = `${hello.role}-${Math.random().toString(36).slice(2)}-${++n}`;
          return new Promise((res, rej) => {
            waiting.set(id, (m) => (m.t === 'ack' ? res(m.seq) : rej(new Error(`${cmd.op}: ${m.code} ${m.message}`))));
            ws.send(JSON.stringify({ t: 'cmd', id, cmd }));
          });
        },
        close: () => ws.close(),
      };
      ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', v: version, ...hello }));
      ws.onerror = () => reject(new Error('websocket error'));
      ws.onmessage = (e) => {
        const m = JSON.parse(e.data);
        if (m.t === 'welcome') resolve(conn);
        if (m.t === 'error' && !m.id) reject(new Error(`${m.code}: ${m.message}`));
        if ((m.t === 'ack' || m.t === 'error') && m.id && waiting.has(m.id)) {
          waiting.get(m.id)(m);
          waiting.delete(m.id);
        }
      };
    });
    const mod = await connect({ role: 'moderator', key });
    const people = [
      await connect({ role: 'participant', channel: 'room', name: 'Alice' }),
      await connect({ role: 'participant', channel: 'remote', name: 'Bob' }),
      await connect({ role: 'participant', channel: 'room' }),
    ];
    await mod.do({ op: 'room.start' });
    await mod.do({ op: 'agenda.goto', step: 1 });
    for (const [i, text] of texts.entries()) await people[i % 3].do({ op: 'question.ask', text });
    for (const id of [1, 2, 3, 4, 5, 7, 10]) await mod.do({ op: 'question.approve', question: id });
    await mod.do({ op: 'question.reject', question: 6, reason: 'off-topic' });
    await mod.do({ op: 'question.merge', question: 9, into: 1 });
    await people[1].do({ op: 'question.upvote', question: 1 });
    await people[2].do({ op: 'question.upvote', question: 1 });
    await people[0].do({ op: 'question.upvote', question: 4 });
    await mod.do({ op: 'question.pin', question: 2, on: true });
    await mod.do({ op: 'question.highlight', question: 1 });
    await mod.do({ op: 'poll.create', kind: 'single', text: 'Which opening hours suit you best?', options: ['Mornings', 'Evenings', 'Weekends'], visibility: 'live' });
    await mod.do({ op: 'poll.open', poll: 1 });
    await people[0].do({ op: 'poll.vote', poll: 1, choices: [2] });
    await people[1].do({ op: 'poll.vote', poll: 1, choices: [1] });
    await mod.do({ op: 'poll.close', poll: 1 });
    await mod.do({ op: 'poll.create', kind: 'rating', text: 'How clear was the presentation?', scale: 5, visibility: 'closed' });
    await mod.do({ op: 'poll.open', poll: 2 });
    await people[2].do({ op: 'poll.vote', poll: 2, rating: 4 });
    await mod.do({ op: 'poll.close', poll: 2 });
    await mod.do({ op: 'poll.create', kind: 'multiple', text: 'Which services matter most to you?', options: ['Late opening', 'Study rooms', 'Children’s corner', 'Café'], max: 2, visibility: 'voted' });
    await mod.do({ op: 'poll.open', poll: 3 });
    await mod.do({ op: 'poll.create', kind: 'open', text: 'One word for the new library?', visibility: 'live' });
    await people[0].do({ op: 'floor.request', text: 'The opening hours' });
    await people[1].do({ op: 'floor.request' });
    await mod.do({ op: 'floor.call', floor: 1 });
    await people[2].do({ op: 'react', reaction: 'applause' });
    await mod.do({ op: 'announce', text: 'Ten-minute break at 8pm.' });
    for (const c of [mod, ...people]) c.close();
  }, { code, key, version, texts: busyQuestions });
}
