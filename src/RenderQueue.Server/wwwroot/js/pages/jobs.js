// Jobs: filters (states, queue, type) kept in the hash, search by id, and one server-side page at a time walked with
// a stack of cursors. Rows follow the events socket: progress and state are patched in place, and changes that
// alter the page's membership reload just this page, at most about once a second however many events arrive.

import { api, ApiError } from '../api.js';
import { h, keepingFocus, replaceChildren, setText, uid } from '../dom.js';
import { events } from '../events.js';
import { plural, titleCase } from '../format.js';
import { coalesce, keepFresh } from '../live.js';
import { jobHash, jobsHash } from '../router.js';
import { STATES, emptyState, errorBox, pageHeading } from '../ui.js';
import { COLUMNS, applyEvent, createRow, updateRow } from './job-row.js';

const PAGE_SIZE = 50;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:=-]{0,63}$/;
const JOB_ID = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

// Survives navigation to a job and back, so "Back" returns to the same page of the same filters.
const memory = { key: '', cursors: [null] };

function filtersFrom(query) {
  const states = (query.get('state') ?? '').split(',').filter((state) => STATES.includes(state));
  return { states, queue: query.get('queue') ?? '', type: query.get('type') ?? '' };
}

function problemsOf(filters) {
  const problems = [];
  if (filters.queue && !NAME.test(filters.queue)) problems.push(`“${filters.queue}” is not a queue name: names are 1–64 letters, digits or _ . : = -.`);
  if (filters.type && !NAME.test(filters.type)) problems.push(`“${filters.type}” is not a job type: types are 1–64 letters, digits or _ . : = -.`);
  return problems;
}

function stateFilter(filters, onChange) {
  return h('fieldset', { class: 'state-filter' }, h('legend', {}, 'State'),
    STATES.map((state) => {
      const box = h('input', { type: 'checkbox', name: 'state', value: state, checked: filters.states.includes(state) });
      box.addEventListener('change', onChange);
      return h('label', { class: `toggle state-${state}` }, box, h('span', {}, titleCase(state)));
    }));
}

function searchForm() {
  const input = h('input', { type: 'search', name: 'id', id: uid('job-id'), autocomplete: 'off', spellcheck: 'false', placeholder: '26-character job id' });
  const message = h('p', { class: 'search-message', role: 'status' });
  const form = h('form', { class: 'search', role: 'search', 'aria-label': 'Find a job by id' },
    h('label', { for: input.id }, 'Find a job by id'),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit', class: 'button' }, 'Open')),
    message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = input.value.trim().toLowerCase();
    if (!JOB_ID.test(id)) {
      setText(message, 'A job id has 26 characters: digits and lowercase letters (no i, l, o or u).');
      return;
    }
    setText(message, 'Looking…');
    try {
      await api.getJob(id);
      location.hash = jobHash(id);
    } catch (error) {
      setText(message, error instanceof ApiError && error.status === 404 ? `No job has the id ${id}.` : error.summary ?? String(error));
    }
  });
  return form;
}

export function mount(root, route) {
  let alive = true; // requests in flight are not aborted (that would read as failures); their answers are dropped
  let filters = filtersFrom(route.query);
  let rows = new Map();
  let page = null;
  let queueNames = [];
  const key = () => jobsHash(filters);
  if (memory.key !== key()) Object.assign(memory, { key: key(), cursors: [null] });

  const queueSelect = h('select', { id: uid('queue'), name: 'queue' });
  const typeInput = h('input', { id: uid('type'), name: 'type', list: uid('types'), placeholder: 'Any type', autocomplete: 'off', spellcheck: 'false' });
  const typeOptions = h('datalist', { id: typeInput.getAttribute('list') });
  const filterProblems = h('div', { role: 'alert' });
  const errorSlot = h('div');
  const tbody = h('tbody');
  const table = h('table', { class: 'data-table jobs-table' },
    h('caption', { class: 'visually-hidden' }, 'Jobs, newest first'),
    h('thead', {}, h('tr', {}, COLUMNS.map((name) => h('th', { scope: 'col', class: ['Priority', 'Attempt'].includes(name) ? 'num' : null }, name)))),
    tbody);
  const empty = h('div');
  const previous = h('button', { type: 'button', class: 'button' }, '← Previous');
  const next = h('button', { type: 'button', class: 'button' }, 'Next →');
  const pageInfo = h('span', { class: 'page-info' });
  const summary = h('p', { class: 'muted page-meta' });

  const stateBox = stateFilter(filters, () => {
    filters.states = [...stateBox.querySelectorAll('input:checked')].map((box) => box.value);
    filtersChanged();
  });
  queueSelect.addEventListener('change', () => {
    filters.queue = queueSelect.value;
    filtersChanged();
  });
  const typeChanged = coalesce(async () => {
    filters.type = typeInput.value.trim();
    filtersChanged();
  }, 400);
  typeInput.addEventListener('input', () => typeChanged.trigger());
  typeInput.addEventListener('change', () => typeChanged.now());
  const clear = h('button', { type: 'button', class: 'button' }, 'Clear filters');
  clear.addEventListener('click', () => {
    filters = { states: [], queue: '', type: '' };
    stateBox.querySelectorAll('input').forEach((box) => { box.checked = false; });
    typeInput.value = '';
    renderQueueOptions();
    filtersChanged();
  });
  typeInput.value = filters.type;

  previous.addEventListener('click', () => {
    if (memory.cursors.length > 1) memory.cursors.pop();
    reload.now();
  });
  next.addEventListener('click', () => {
    if (!page?.next_cursor) return;
    memory.cursors.push(page.next_cursor);
    reload.now();
  });

  root.append(
    h('div', { class: 'page-header split' }, h('div', { class: 'title-group' }, pageHeading('Jobs'), summary), searchForm()),
    h('form', { class: 'filters', 'aria-label': 'Filter jobs', onsubmit: (e) => e.preventDefault() },
      stateBox,
      h('div', { class: 'field' }, h('label', { for: queueSelect.id }, 'Queue'), queueSelect),
      h('div', { class: 'field' }, h('label', { for: typeInput.id }, 'Type'), typeInput, typeOptions),
      h('div', { class: 'field field-action' }, clear)),
    filterProblems,
    errorSlot,
    h('div', { class: 'table-wrap' }, table),
    empty,
    h('nav', { class: 'pager', 'aria-label': 'Pages of jobs' }, previous, pageInfo, next));

  function renderQueueOptions() {
    const all = [...new Set([...queueNames, filters.queue].filter(Boolean))].sort();
    replaceChildren(queueSelect, h('option', { value: '' }, 'All queues'), all.map((name) => h('option', { value: name }, name)));
    queueSelect.value = filters.queue;
  }
  renderQueueOptions();

  function filtersChanged() {
    memory.key = key();
    memory.cursors = [null];
    history.replaceState(null, '', key());
    reload.now();
  }

  function render() {
    const ordered = page.items.map((job) => {
      const row = rows.get(job.id);
      if (!row) return createRow(job);
      updateRow(row, job);
      return row;
    });
    rows = new Map(ordered.map((row) => [row.job.id, row]));
    keepingFocus(tbody, () => {
      let cursor = tbody.firstElementChild;
      for (const { tr } of ordered) {
        if (tr === cursor) cursor = cursor.nextElementSibling;
        else tbody.insertBefore(tr, cursor);
      }
      while (cursor) {
        const after = cursor.nextElementSibling;
        cursor.remove();
        cursor = after;
      }
    });
    const first = memory.cursors.length === 1;
    replaceChildren(empty, page.items.length === 0 ? emptyState(first ? 'No jobs match these filters.' : 'No more jobs on this page.') : null);
    previous.disabled = first;
    next.disabled = !page.next_cursor;
    setText(pageInfo, `Page ${memory.cursors.length}`);
    setText(summary, `${plural(page.items.length, 'job')} on this page, newest first`);
  }

  const reload = coalesce(async () => {
    const problems = problemsOf(filters);
    replaceChildren(filterProblems, problems.map((text) => h('p', { class: 'warning' }, text)));
    if (problems.length) {
      page = { items: [], next_cursor: null };
      render();
      return;
    }
    table.setAttribute('aria-busy', 'true');
    try {
      const cursor = memory.cursors.at(-1);
      const answer = await api.listJobs({ states: filters.states, queue: filters.queue, type: filters.type, limit: PAGE_SIZE, cursor });
      if (!alive) return;
      page = answer;
      errorSlot.replaceChildren();
      render();
    } catch (error) {
      if (!alive) return;
      if (error instanceof ApiError && error.status === 400 && memory.cursors.length > 1) memory.cursors = [null]; // a cursor from before a restart
      errorSlot.replaceChildren(errorBox(error, 'Could not load jobs'));
    } finally {
      table.removeAttribute('aria-busy');
    }
  }, 1_000);
  const refreshPositions = coalesce(() => reload.trigger(), 3_000);

  const matches = (event) => (!filters.queue || event.queue === filters.queue) && (!filters.type || event.job_type === filters.type)
    && (filters.states.length === 0 || filters.states.includes(event.state));

  const stopEvents = events.subscribe((event) => {
    const row = rows.get(event.job_id);
    if (row) {
      const changed = applyEvent(row, event);
      if (changed || event.type !== 'job.progress') reload.trigger(); // positions, errors, and whether it still matches
      return;
    }
    if (memory.cursors.length === 1 && matches(event) && event.type !== 'job.progress') reload.trigger();
    else if (event.type === 'job.started' && [...rows.values()].some((r) => r.job.state === 'queued' && r.job.queue === event.queue)) refreshPositions.trigger();
  });
  const stopFresh = keepFresh(reload, { liveMs: 20_000 });

  api.queues().then((answer) => {
    if (!alive) return;
    queueNames = answer.items.map((queue) => queue.name);
    renderQueueOptions();
  }, () => {});
  api.workers().then((answer) => {
    if (!alive) return;
    const types = new Set(answer.items.flatMap((worker) => worker.registration.types));
    typeOptions.replaceChildren(...[...types].sort().map((type) => h('option', { value: type })));
  }, () => {});
  reload.now();

  return {
    title: 'Jobs',
    update(nextRoute) {
      const fresh = filtersFrom(nextRoute.query);
      if (jobsHash(fresh) === key()) return;
      filters = fresh;
      stateBox.querySelectorAll('input').forEach((box) => { box.checked = filters.states.includes(box.value); });
      typeInput.value = filters.type;
      renderQueueOptions();
      memory.key = key();
      memory.cursors = [null];
      reload.now();
    },
    unmount() {
      alive = false;
      stopEvents();
      stopFresh();
      reload.cancel();
      refreshPositions.cancel();
      typeChanged.cancel();
    },
  };
}
