// Overview: jobs per state and queue, workers online, wait times, and the last hour as charts and failure rates.
// Counts come from /stats (store counters, never a scan), the hour from /stats/activity (per-minute rows).

import { api } from '../api.js';
import { mountChart } from '../charts.js';
import { h, keepingFocus, setText } from '../dom.js';
import { events } from '../events.js';
import { formatDecimal, formatDuration, formatNumber, formatPercent, titleCase } from '../format.js';
import { coalesce, keepFresh } from '../live.js';
import { jobsHash } from '../router.js';
import { STATES, emptyState, guarded, pageHeading } from '../ui.js';

const MINUTES = 60;

function section(title, ...content) {
  return h('section', { class: 'panel', 'aria-label': title }, h('h2', { class: 'panel-title' }, title), ...content);
}

function statCard({ label, href, className = '' }) {
  const value = h('span', { class: 'stat-value' }, '—');
  const note = h('span', { class: 'stat-note' });
  const card = h(href ? 'a' : 'div', { class: `stat-card ${className}`.trim(), href }, h('span', { class: 'stat-label' }, label), value, note);
  return { card, value, note };
}

/** The hour as 60 one-minute slots: totals per minute, and queue depth carried forward between changes. */
function hourSeries(activity, stats) {
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  const times = Array.from({ length: MINUTES }, (_, i) => new Date(end - (MINUTES - 1 - i) * 60_000));
  const slot = (iso) => MINUTES - 1 - Math.round((end - new Date(iso).getTime()) / 60_000);
  const zeros = () => new Array(MINUTES).fill(0);
  const submitted = zeros();
  const succeeded = zeros();
  const failed = zeros();
  const depthByQueue = new Map();
  const failures = new Map();
  let attempts = 0;

  for (const minute of activity.minutes) {
    const i = slot(minute.minute);
    if (i < 0 || i >= MINUTES) continue;
    submitted[i] += minute.submitted;
    succeeded[i] += minute.succeeded;
    failed[i] += minute.failed;
    attempts += minute.started;
    for (const [errorClass, count] of Object.entries(minute.failures_by_class ?? {})) failures.set(errorClass, (failures.get(errorClass) ?? 0) + count);
    if (!depthByQueue.has(minute.queue)) depthByQueue.set(minute.queue, new Array(MINUTES).fill(null));
    depthByQueue.get(minute.queue)[i] = minute.depth;
  }
  for (const queue of stats.queues) {
    if (!depthByQueue.has(queue.name)) depthByQueue.set(queue.name, new Array(MINUTES).fill(queue.counts.queued));
  }
  for (const [queue, values] of depthByQueue) {
    // Before a queue's first change in the hour its depth is unknown: estimate it from that minute's flow.
    const firstIndex = values.findIndex((v) => v !== null);
    const first = firstIndex < 0 ? null : activity.minutes.find((m) => m.queue === queue && slot(m.minute) === firstIndex);
    let last = first ? Math.max(0, first.depth - first.submitted + first.started + first.canceled) : (values[0] ?? 0);
    values.forEach((v, i) => {
      if (v === null) values[i] = last;
      else last = v;
    });
  }
  const totalDepth = zeros().map((_, i) => [...depthByQueue.values()].reduce((sum, values) => sum + values[i], 0));
  return { times, submitted, succeeded, failed, depthByQueue, totalDepth, failures, attempts };
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

function throughputSpec(hour) {
  return {
    title: 'Throughput, last hour',
    description: `Jobs per minute over the last hour: ${sum(hour.submitted)} submitted, ${sum(hour.succeeded)} succeeded, ${sum(hour.failed)} failed.`,
    times: hour.times,
    series: [
      { name: 'Succeeded', values: hour.succeeded, className: 'series-succeeded', kind: 'bar', summary: formatNumber(sum(hour.succeeded)) },
      { name: 'Failed', values: hour.failed, className: 'series-failed', kind: 'bar', summary: formatNumber(sum(hour.failed)) },
      { name: 'Submitted', values: hour.submitted, className: 'series-submitted', step: true, summary: formatNumber(sum(hour.submitted)) },
    ],
  };
}

function depthSpec(hour) {
  const now = hour.totalDepth.at(-1);
  const queues = [...hour.depthByQueue.entries()]
    .filter(([, values]) => Math.max(...values) > 0)
    .sort((a, b) => Math.max(...b[1]) - Math.max(...a[1]))
    .slice(0, 4);
  const series = [{ name: 'All queues', values: hour.totalDepth, className: 'series-depth', area: true, step: true, summary: formatNumber(now) }];
  if (hour.depthByQueue.size > 1) {
    queues.forEach(([name, values], i) => series.push({ name, values, className: `series-queue-${i + 1}`, step: true, summary: formatNumber(values.at(-1)) }));
  }
  return {
    title: 'Queue depth, last hour',
    description: `Queued jobs over the last hour: ${now} now, at most ${Math.max(...hour.totalDepth)}.`,
    times: hour.times,
    series,
  };
}

function queueTable(stats) {
  if (stats.queues.length === 0) return emptyState('No queues yet: submit a job and its queue appears here.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, 'Jobs per state in each queue'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Queue'), h('th', { scope: 'col' }, 'Status'),
      STATES.map((state) => h('th', { scope: 'col', class: 'num' }, titleCase(state))))),
    h('tbody', {}, stats.queues.map((queue) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: jobsHash({ queue: queue.name }) }, queue.name)),
      h('td', { 'data-label': 'Status' }, queue.paused ? h('span', { class: 'badge paused' }, 'Paused') : h('span', { class: 'badge active' }, 'Active')),
      STATES.map((state) => h('td', { class: queue.counts[state] ? 'num' : 'num zero', 'data-label': titleCase(state) },
        queue.counts[state] ? h('a', { href: jobsHash({ queue: queue.name, states: [state] }) }, formatNumber(queue.counts[state])) : '0')))))));
}

function failureTable(hour) {
  if (hour.failures.size === 0) return emptyState(`No failed attempts in the last hour (${formatNumber(hour.attempts)} attempts started).`);
  const rows = [...hour.failures.entries()].sort((a, b) => b[1] - a[1]);
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, 'Failed attempts in the last hour by error class'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Error class'), h('th', { scope: 'col', class: 'num' }, 'Failed attempts'),
      h('th', { scope: 'col' }, 'Share of attempts started'))),
    h('tbody', {}, rows.map(([errorClass, count]) => {
      const share = hour.attempts > 0 ? Math.min(count / hour.attempts, 1) : 0;
      const fill = h('span', { class: 'meter-fill' });
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      return h('tr', {},
        h('th', { scope: 'row' }, h('span', { class: 'badge error-class' }, errorClass)),
        h('td', { class: 'num', 'data-label': 'Failed attempts' }, formatNumber(count)),
        h('td', { 'data-label': 'Share' }, h('span', { class: 'meter-row' }, h('span', { class: 'meter', 'aria-hidden': 'true' }, fill),
          h('span', {}, `${formatPercent(share)} of ${formatNumber(hour.attempts)}`))));
    }))));
}

export function mount(root) {
  let alive = true; // requests in flight are not aborted (that would read as failures); their answers are dropped
  const errorSlot = h('div');
  const stateCards = STATES.map((state) => [state, statCard({ label: titleCase(state), href: jobsHash({ states: [state] }), className: `state-card state-${state}` })]);
  const workersCard = statCard({ label: 'Workers online', href: '#/workers' });
  const throughputCard = statCard({ label: 'Throughput' });
  const p50Card = statCard({ label: 'Median wait' });
  const p95Card = statCard({ label: 'p95 wait' });
  const throughputSlot = h('div', { class: 'chart-slot' });
  const depthSlot = h('div', { class: 'chart-slot' });
  const queuesSlot = h('div');
  const failuresSlot = h('div', {}, emptyState('Loading…'));
  let stats = null;
  let activity = null;
  let throughputChart = null;
  let depthChart = null;

  root.append(
    h('div', { class: 'page-header' }, pageHeading('Overview')),
    errorSlot,
    h('section', { 'aria-label': 'Jobs by state', class: 'stat-grid states' }, stateCards.map(([, c]) => c.card)),
    h('section', { 'aria-label': 'Flow', class: 'stat-grid flow' }, workersCard.card, throughputCard.card, p50Card.card, p95Card.card),
    h('div', { class: 'chart-grid' }, section('Throughput (jobs per minute)', throughputSlot), section('Queue depth (queued jobs)', depthSlot)),
    section('Queues', queuesSlot),
    section('Failure rate by error class (last hour)', failuresSlot));

  function renderStats() {
    for (const [state, card] of stateCards) setText(card.value, formatNumber(stats.counts[state]));
    setText(workersCard.value, formatNumber(stats.workers_online));
    setText(throughputCard.value, `${formatDecimal(stats.throughput.succeeded_per_minute)}/min`);
    setText(throughputCard.note, `succeeded, last 5 min · ${formatDecimal(stats.throughput.failed_per_minute)}/min failed`);
    const waits = stats.wait_times;
    setText(p50Card.value, waits.p50 === null ? '—' : `≤ ${formatDuration(waits.p50)}`);
    setText(p95Card.value, waits.p95 === null ? '—' : `≤ ${formatDuration(waits.p95)}`);
    const waitNote = waits.samples ? `queued → started, ${formatNumber(waits.samples)} starts in the last hour` : 'no starts in the last hour';
    setText(p50Card.note, waitNote);
    setText(p95Card.note, waitNote);
    keepingFocus(queuesSlot, () => queuesSlot.replaceChildren(queueTable(stats)));
  }

  function renderHour() {
    if (!stats || !activity) return;
    const hour = hourSeries(activity, stats);
    if (throughputChart) throughputChart.update(throughputSpec(hour));
    else throughputChart = mountChart(throughputSlot, throughputSpec(hour));
    if (depthChart) depthChart.update(depthSpec(hour));
    else depthChart = mountChart(depthSlot, depthSpec(hour));
    failuresSlot.replaceChildren(failureTable(hour));
  }

  const refreshed = (load) => guarded(errorSlot, 'Could not refresh the overview', () => alive, load);
  const refreshStats = coalesce(() => refreshed(async () => {
    const fresh = await api.stats();
    if (!alive) return;
    stats = fresh;
    renderStats();
    renderHour();
  }), 1_000);
  const refreshHour = coalesce(() => refreshed(async () => {
    const fresh = await api.activity(MINUTES);
    if (!alive) return;
    activity = fresh;
    renderHour();
  }), 5_000);

  const stopEvents = events.subscribe(() => {
    refreshStats.trigger();
    refreshHour.trigger();
  });
  const stopStats = keepFresh(refreshStats, { liveMs: 15_000 });
  const stopHour = keepFresh(refreshHour, { liveMs: 30_000, offlineMs: 15_000 });
  refreshStats.now();
  refreshHour.now();

  return {
    title: 'Overview',
    unmount() {
      alive = false;
      stopEvents();
      stopStats();
      stopHour();
      refreshStats.cancel();
      refreshHour.cancel();
      throughputChart?.disconnect();
      depthChart?.disconnect();
    },
  };
}
