// Queues: each queue's jobs per state, and pause/resume. A paused queue still accepts jobs; workers lease none
// from it until it is resumed (the store checks at lease time), and running jobs finish.

import { api } from '../api.js';
import { h, keepingFocus, replaceChildren, setText, uid } from '../dom.js';
import { events } from '../events.js';
import { formatNumber, plural, titleCase } from '../format.js';
import { coalesce, keepFresh } from '../live.js';
import { jobsHash } from '../router.js';
import { STATES, emptyState, errorBox, field, guarded, pageHeading, toast } from '../ui.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/;

export function mount(root) {
  let alive = true; // requests in flight are not aborted (that would read as failures); their answers are dropped
  const errorSlot = h('div');
  const tableSlot = h('div');
  const summary = h('p', { class: 'muted page-meta' });
  let queues = [];

  async function setPaused(name, paused, button) {
    button.disabled = true;
    try {
      const queue = paused ? await api.pauseQueue(name) : await api.resumeQueue(name);
      queues = [...queues.filter((q) => q.name !== queue.name), queue].sort((a, b) => a.name.localeCompare(b.name));
      render();
      toast(paused ? `Queue ${name} paused: no new jobs start from it.` : `Queue ${name} resumed.`);
      errorSlot.replaceChildren();
    } catch (error) {
      errorSlot.replaceChildren(errorBox(error, paused ? `Could not pause ${name}` : `Could not resume ${name}`));
      button.disabled = false;
    }
  }

  function row(queue) {
    const action = queue.paused ? 'Resume' : 'Pause';
    const button = h('button', { type: 'button', class: `button ${queue.paused ? 'primary' : ''}`.trim(), dataset: { key: `toggle:${queue.name}` },
      'aria-label': `${action} queue ${queue.name}` }, action);
    button.addEventListener('click', () => setPaused(queue.name, !queue.paused, button));
    return h('tr', { dataset: { queue: queue.name } },
      h('th', { scope: 'row' }, h('a', { href: jobsHash({ queue: queue.name }) }, queue.name)),
      h('td', { 'data-label': 'Status' }, queue.paused ? h('span', { class: 'badge paused' }, 'Paused') : h('span', { class: 'badge active' }, 'Active')),
      STATES.map((state) => h('td', { class: queue.counts[state] ? 'num' : 'num zero', 'data-label': titleCase(state) }, formatNumber(queue.counts[state]))),
      h('td', { class: 'num', 'data-label': 'Submitted ever' }, formatNumber(queue.totals.submitted)),
      h('td', { class: 'action-cell' }, button));
  }

  function render() {
    keepingFocus(tableSlot, () => replaceChildren(tableSlot, queues.length === 0
      ? emptyState('No queues yet. A queue appears when its first job is submitted, or when you pause it below.')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'data-table queues-table' },
        h('caption', { class: 'visually-hidden' }, 'Queues with their jobs per state'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Queue'), h('th', { scope: 'col' }, 'Status'),
          STATES.map((state) => h('th', { scope: 'col', class: 'num' }, titleCase(state))),
          h('th', { scope: 'col', class: 'num' }, 'Submitted ever'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')))),
        h('tbody', {}, queues.map(row))))));
    const paused = queues.filter((q) => q.paused).length;
    setText(summary, `${plural(queues.length, 'queue')} · ${formatNumber(paused)} paused`);
  }

  const nameInput = h('input', { id: uid('queue-name'), name: 'name', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_.:=\\-]{0,63}', maxlength: 64, autocomplete: 'off', spellcheck: 'false' });
  const pauseForm = h('form', { class: 'inline-form', 'aria-label': 'Pause a queue by name' },
    field('Queue name', nameInput, 'Pause a queue before its first job arrives. Names are 1–64 letters, digits or _ . : = -.'),
    h('button', { type: 'submit', class: 'button' }, 'Pause queue'));
  pauseForm.addEventListener('submit', (e) => {
    e.preventDefault();
    setPaused(nameInput.value.trim(), true, pauseForm.querySelector('button')).then(() => {
      pauseForm.querySelector('button').disabled = false;
    });
  });

  root.append(
    h('div', { class: 'page-header' }, pageHeading('Queues'), summary),
    h('p', { class: 'lead' }, 'A paused queue keeps accepting jobs, but workers start none of them until it is resumed. Jobs already running finish.'),
    errorSlot,
    tableSlot,
    h('section', { class: 'panel', 'aria-label': 'Pause a queue by name' }, h('h2', { class: 'panel-title' }, 'Pause a queue by name'), pauseForm));

  const reload = coalesce(() => guarded(errorSlot, 'Could not load queues', () => alive, async () => {
    const fresh = (await api.queues()).items;
    if (!alive) return;
    queues = fresh;
    render();
  }), 1_000);
  const stopEvents = events.subscribe((event) => {
    if (event.type !== 'job.progress') reload.trigger();
  });
  const stopFresh = keepFresh(reload, { liveMs: 15_000 });
  reload.now();

  return {
    title: 'Queues',
    unmount() {
      alive = false;
      stopEvents();
      stopFresh();
      reload.cancel();
    },
  };
}
