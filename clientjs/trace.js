// The trace of one question, /c/ID/trace?code=CODE&question=N, or of one
// idea of a step meeting's ideas board, ?code=CODE&idea=N: where it
// was asked and with how many votes, what happened to it in each step
// meeting (the server joins each hop with its meeting), each carry to a later step,
// the proposals that took it up and the commitments that include them,
// with their status now. An idea is not carried: its trace is where it
// was proposed, and the proposals and commitments that took it up.

import { h, replace, byId } from './dom.js';
import { t, lang, initI18n, onLangChange } from './i18n.js';
import { languageSwitch } from './ui.js';
import { consultationID, outcomesOf, traceLines, ideaTraceLines, stepList } from './consultation-data.js';

const id = consultationID(location.pathname);
const params = new URLSearchParams(location.search);
const code = (params.get('code') || '').toUpperCase();
const question = Number(params.get('question')) || 0;
const idea = Number(params.get('idea')) || 0;

initI18n();
languageSwitch(byId('lang'));
byId('back').setAttribute('href', `/c/${encodeURIComponent(id)}`);

/** @type {{title: string, trace: any, outcomes: Map<string, any>, steps: Map<string, any>, text: string}|null} */
let data = null;

function render() {
  if (!data) return;
  const l = lang();
  const title = idea ? t('tr.ideaTitle') : t('tr.title');
  document.title = `${title} · ${data.title} · Tribune`;
  byId('kicker').textContent = data.title;
  byId('heading').textContent = title;
  byId('question').textContent = data.text || t('tr.hidden', { n: question, code });
  byId('thread').textContent = data.trace.thread ? t('tr.thread', { id: data.trace.thread }) : '';
  byId('thread').hidden = !data.trace.thread;
  const lines = idea ? ideaTraceLines(id, data.trace, l) : traceLines(id, data.trace, data.outcomes, l, data.steps);
  replace(byId('path'), lines.map((line) => h('li', { class: ['trace-step', line.kind], dataset: { kind: line.kind } },
    h('p', { class: 'trace-text' }, line.href ? h('a', { href: line.href }, line.text) : line.text),
    line.detail ? h('p', { class: 'trace-detail' }, line.detail) : null)));
}

async function load() {
  const api = `/api/consultations/${encodeURIComponent(id)}`;
  try {
    const [res, cres] = await Promise.all([
      fetch(idea ? `${api}/trace?code=${encodeURIComponent(code)}&idea=${idea}` : `${api}/trace?code=${encodeURIComponent(code)}&question=${question}`),
      fetch(api),
    ]);
    if (res.status === 404 || res.status === 400 || cres.status === 404) {
      byId('loading').textContent = t(idea ? 'tr.ideaNotFound' : 'tr.notFound');
      return;
    }
    if (!res.ok || !cres.ok) throw new Error(String(res.status));
    const trace = await res.json();
    const c = await cres.json();
    const steps = new Map(stepList(c).map((s) => [s.code, s]));
    if (idea) {
      // The idea's title and text, as the public saw them.
      data = { title: c.view.title, trace, outcomes: new Map(), steps, text: [trace.title, trace.text].filter(Boolean).join(' — ') };
    } else {
      const outcomes = outcomesOf([trace]);
      const first = trace.hops[0];
      const asked = first ? outcomes.get(`${first.code}#${first.question}`) : null;
      data = { title: c.view.title, trace, outcomes, steps, text: (asked && asked.text) || '' };
    }
  } catch {
    byId('loading').textContent = t('err.network');
    return;
  }
  byId('loading').hidden = true;
  byId('trace').hidden = false;
  render();
}

onLangChange(render);
load();
