// One row of the jobs table: built once, then patched in place by events (progress, state) and by page reloads,
// so a live table never re-renders rows that did not change.

import { h, replaceChildren, setText } from '../dom.js';
import { formatDuration, formatNumber } from '../format.js';
import { jobHash } from '../router.js';
import { progressBar, relativeTime, setProgress, stateBadge, updateStateBadge } from '../ui.js';

export const COLUMNS = ['Job', 'Queue', 'Type', 'State', 'Progress / position', 'Priority', 'Attempt', 'Created'];

const titleOf = (job) => (typeof job.metadata?.title === 'string' ? job.metadata.title : null);

function detailCell(row) {
  const { job } = row;
  switch (job.state) {
    case 'running':
      if (!row.progress) row.progress = progressBar(job.progress, `Progress of job ${job.id}`);
      else setProgress(row.progress, job.progress);
      return [row.progress, job.cancel_requested ? h('span', { class: 'muted small' }, ' cancel requested') : null];
    case 'queued':
      return job.position
        ? h('span', {}, `#${formatNumber(job.position)} in queue`, job.eta !== null ? h('span', { class: 'muted' }, ` · ETA ${formatDuration(job.eta)}`) : null)
        : h('span', { class: 'muted' }, 'waiting');
    case 'scheduled':
      return h('span', { class: 'muted' }, job.run_at ? ['runs ', relativeTime(job.run_at)] : 'scheduled');
    case 'failed':
      return job.error
        ? h('span', { class: 'error-line', title: job.error.message }, h('span', { class: 'badge error-class' }, job.error.class), ' ', job.error.message)
        : h('span', { class: 'muted' }, 'failed');
    case 'succeeded':
      return h('span', { class: 'muted' }, job.started_at && job.finished_at
        ? `took ${formatDuration((new Date(job.finished_at) - new Date(job.started_at)) / 1000)}` : 'done');
    default:
      return h('span', { class: 'muted' }, job.error?.message ?? '—');
  }
}

function attemptText(job) {
  return job.attempt === 0 ? '—' : `${job.attempt} of ${job.attempt_limit}`;
}

export function createRow(job) {
  const link = h('a', { href: jobHash(job.id), class: 'job-id' }, job.id);
  const title = titleOf(job);
  const row = {
    job,
    progress: null,
    badge: stateBadge(job.state),
    detail: h('td', { 'data-label': 'Progress' }),
    priority: h('td', { class: 'num', 'data-label': 'Priority' }, String(job.priority)),
    attempt: h('td', { class: 'num', 'data-label': 'Attempt' }, attemptText(job)),
  };
  row.tr = h('tr', { dataset: { jobId: job.id } },
    h('th', { scope: 'row', class: 'job-cell' }, link, title ? h('span', { class: 'job-title' }, title) : null),
    h('td', { 'data-label': 'Queue' }, job.queue),
    h('td', { 'data-label': 'Type' }, job.type),
    h('td', { 'data-label': 'State' }, row.badge),
    row.detail,
    row.priority,
    row.attempt,
    h('td', { 'data-label': 'Created', class: 'nowrap' }, relativeTime(job.created_at)));
  replaceChildren(row.detail, detailCell(row));
  return row;
}

/** Applies a fresher copy of the job from a page reload. Progress never goes back within one attempt. */
export function updateRow(row, job) {
  const old = row.job;
  const next = old.state === 'running' && job.state === 'running' && job.attempt === old.attempt
    && (job.progress?.value ?? 0) < (old.progress?.value ?? 0) ? { ...job, progress: old.progress } : job;
  row.job = next;
  updateStateBadge(row.badge, next.state);
  setText(row.priority, String(next.priority));
  setText(row.attempt, attemptText(next));
  if (next.state !== 'running') row.progress = null;
  if (next.state === 'running' && row.progress && old.state === 'running') setProgress(row.progress, next.progress);
  else replaceChildren(row.detail, detailCell(row));
}

/** Applies an event from the events socket; returns true when the row's state changed. */
export function applyEvent(row, event) {
  const changed = row.job.state !== event.state;
  const job = { ...row.job, state: event.state, attempt: event.attempt, priority: event.priority };
  if (event.progress) job.progress = event.progress;
  if (event.error) job.error = event.error;
  if (event.type === 'job.cancel_requested') job.cancel_requested = true;
  if (event.type === 'job.progress' && !changed && row.progress) {
    if ((event.progress?.value ?? 0) >= (row.job.progress?.value ?? 0) || event.attempt !== row.job.attempt) {
      row.job = job;
      setProgress(row.progress, event.progress);
      setText(row.attempt, attemptText(job));
    }
    return false;
  }
  updateRow(row, job);
  return changed;
}
