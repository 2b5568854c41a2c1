// Queues: each queue's jobs per state, its settings, and pause/resume. A paused queue still accepts jobs; workers lease
// none from it until it is resumed (the store checks at lease time), and running jobs finish. Weight and max running
// are edited in a form outside the table, so the table's live reloads never wipe what is being typed.

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
    const edit = h('button', { type: 'button', class: 'button', dataset: { key: `edit:${queue.name}` }, 'aria-label': `Edit settings of queue ${queue.name}` }, 'Settings');
    edit.addEventListener('click', () => editSettings(queue));
    return h('tr', { dataset: { queue: queue.name } },
      h('th', { scope: 'row' }, h('a', { href: jobsHash({ queue: queue.name }) }, queue.name)),
      h('td', { 'data-label': 'Status' }, queue.paused ? h('span', { class: 'badge paused' }, 'Paused') : h('span', { class: 'badge active' }, 'Active')),
      STATES.map((state) => h('td', { class: queue.counts[state] ? 'num' : 'num zero', 'data-label': titleCase(state) }, formatNumber(queue.counts[state]))),
      h('td', { class: 'num', 'data-label': 'Submitted ever' }, formatNumber(queue.totals.submitted)),
      h('td', { class: 'num', 'data-label': 'Weight' }, formatNumber(queue.weight ?? 1)),
      h('td', { class: queue.max_running == null ? 'num zero' : 'num', 'data-label': 'Max running' }, queue.max_running == null ? 'no cap' : formatNumber(queue.max_running)),
      h('td', { class: 'action-cell' }, button, ' ', edit));
  }

  function render() {
    keepingFocus(tableSlot, () => replaceChildren(tableSlot, queues.length === 0
      ? emptyState('No queues yet. A queue appears when its first job is submitted, or when you pause it below.')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'data-table queues-table' },
        h('caption', { class: 'visually-hidden' }, 'Queues with their jobs per state'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Queue'), h('th', { scope: 'col' }, 'Status'),
          STATES.map((state) => h('th', { scope: 'col', class: 'num' }, titleCase(state))),
          h('th', { scope: 'col', class: 'num' }, 'Submitted ever'), h('th', { scope: 'col', class: 'num' }, 'Weight'),
          h('th', { scope: 'col', class: 'num' }, 'Max running'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
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

  const settingsName = h('input', { id: uid('settings-name'), name: 'queue', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_.:=\\-]{0,63}', maxlength: 64, autocomplete: 'off', spellcheck: 'false' });
  const weightInput = h('input', { id: uid('weight'), name: 'weight', type: 'number', required: true, min: 1, max: 1000, step: 1, value: '1' });
  const capInput = h('input', { id: uid('max-running'), name: 'max_running', type: 'number', min: 1, max: 1000000, step: 1, placeholder: 'no cap' });
  const settingsForm = h('form', { class: 'inline-form', 'aria-label': 'Queue settings' },
    field('Queue', settingsName, 'A queue with no jobs yet can be set up too.'),
    field('Weight', weightInput, 'Share of leases against other queues at the same priority, 1–1000 (3 against 1: three jobs for each one).'),
    field('Max running', capInput, 'At most this many of its jobs run at once; empty for no cap.'),
    h('button', { type: 'submit', class: 'button primary' }, 'Save settings'));

  function editSettings(queue) {
    settingsName.value = queue.name;
    weightInput.value = String(queue.weight ?? 1);
    capInput.value = queue.max_running == null ? '' : String(queue.max_running);
    weightInput.focus();
  }

  settingsForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = settingsName.value.trim();
    const save = settingsForm.querySelector('button');
    save.disabled = true;
    try {
      const cap = capInput.value.trim();
      const queue = await api.updateQueue(name, { weight: Number(weightInput.value), max_running: cap === '' ? null : Number(cap) });
      queues = [...queues.filter((q) => q.name !== queue.name), queue].sort((a, b) => a.name.localeCompare(b.name));
      render();
      toast(`Queue ${name}: weight ${formatNumber(queue.weight)}, ${queue.max_running == null ? 'no cap' : `at most ${formatNumber(queue.max_running)} running`}.`);
      errorSlot.replaceChildren();
    } catch (error) {
      errorSlot.replaceChildren(errorBox(error, `Could not change the settings of ${name}`));
    } finally {
      save.disabled = false;
    }
  });

  root.append(
    h('div', { class: 'page-header' }, pageHeading('Queues'), summary),
    h('p', { class: 'lead' }, 'A paused queue keeps accepting jobs, but workers start none of them until it is resumed. Jobs already running finish. '
      + 'Within a priority level, queues with waiting jobs share the workers in proportion to their weights.'),
    errorSlot,
    tableSlot,
    h('section', { class: 'panel', 'aria-label': 'Queue settings' }, h('h2', { class: 'panel-title' }, 'Queue settings'), settingsForm),
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
