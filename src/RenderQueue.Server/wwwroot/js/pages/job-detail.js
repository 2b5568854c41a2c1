// One job: what it is, where it stands, its attempts and errors, its outputs, its payload, and the actions on it.
// Progress follows the events socket; any other event of the job reloads it (once per burst).

import { api, ApiError } from '../api.js';
import { h, keepingFocus, replaceChildren } from '../dom.js';
import { events } from '../events.js';
import { formatDuration, formatNumber, formatTime, formatVram, titleCase } from '../format.js';
import { jsonView, propertiesView } from '../json-view.js';
import { coalesce, keepFresh } from '../live.js';
import { jobsHash } from '../router.js';
import { chip, emptyState, errorBox, pageHeading, progressBar, relativeTime, setProgress, stateBadge } from '../ui.js';
import { actionBar } from './job-actions.js';
import { artifactList } from './job-artifacts.js';
import { webhookDeliveries } from './job-webhooks.js';

function panel(title, ...content) {
  return h('section', { class: 'panel', 'aria-label': title }, h('h2', { class: 'panel-title' }, title), ...content);
}

const seconds = (from, to) => (new Date(to) - new Date(from)) / 1000;

function when(iso) {
  return iso ? h('span', {}, formatTime(iso), ' ', h('span', { class: 'muted' }, '(', relativeTime(iso), ')')) : null;
}

function facts(job) {
  const lastWorker = job.worker_id ?? job.attempts.at(-1)?.worker_id;
  const req = job.requirements ?? {};
  const rows = [
    ['Queue', h('a', { href: jobsHash({ queue: job.queue }) }, job.queue)],
    ['Type', job.type],
    ['State', [stateBadge(job.state), job.cancel_requested ? h('span', { class: 'muted' }, ' cancel requested') : null]],
    ['Priority', String(job.priority)],
    ['Attempt', job.attempt ? `${job.attempt} of ${job.attempt_limit} (max ${job.max_attempts} per run)` : `none yet (max ${job.max_attempts})`],
    ['Position', job.state === 'queued' && job.position ? `#${formatNumber(job.position)} in its queue` : null],
    ['ETA', job.state === 'queued' && job.eta !== null ? `starts in about ${formatDuration(job.eta)}` : null],
    ['Waiting', job.state === 'scheduled' && job.wait_reason ? h('span', { class: 'wait-reason' }, job.wait_reason) : null],
    ['Runs at', job.state === 'scheduled' && !job.wait_reason ? when(job.run_at) : null],
    ['Gives up at', job.state === 'scheduled' && job.wait_reason ? when(job.run_at) : null],
    ['Worker', lastWorker ? h('a', { href: '#/workers' }, lastWorker) : null],
    ['Created', when(job.created_at)],
    ['Queued', job.state === 'queued' ? when(job.queued_at) : null],
    ['Started', when(job.started_at)],
    ['Finished', when(job.finished_at)],
    ['Ran for', job.started_at && job.finished_at ? formatDuration(seconds(job.started_at, job.finished_at)) : null],
    ['Lease expires', job.state === 'running' ? when(job.lease_expires_at) : null],
    ['Collected', when(job.collected_at)],
    ['Timeout', job.timeout ? formatDuration(job.timeout) : null],
    ['Flag reason', job.flag_reason],
    ['Labels needed', req.labels?.length ? h('span', { class: 'chips' }, req.labels.map((l) => chip(l))) : null],
    ['Models needed', req.models?.length ? h('span', { class: 'chips' }, req.models.map((m) => chip(m))) : null],
    ['VRAM needed', req.min_vram_mb ? formatVram(req.min_vram_mb) : null],
    ['GPU larger than', req.vram_above_mb ? formatVram(req.vram_above_mb) : null],
    ['Batch key', job.batch_key],
    ['Idempotency key', job.idempotency_key],
    ['Webhook', job.webhook],
  ];
  return h('dl', { class: 'facts' }, rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

const OUTCOMES = { scheduled: 'Failed, retried', requeued: 'Lease expired, requeued', released: 'Released by its worker' };

function attemptsTable(job) {
  if (job.attempts.length === 0) return emptyState('No attempts yet.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table attempts' },
    h('caption', { class: 'visually-hidden' }, 'Attempts, oldest first'),
    h('thead', {}, h('tr', {}, ['#', 'Worker', 'Started', 'Ran for', 'Outcome', 'Error'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, job.attempts.map((attempt) => h('tr', {},
      h('th', { scope: 'row' }, String(attempt.number)),
      h('td', { 'data-label': 'Worker', class: 'nowrap' }, attempt.worker_id),
      h('td', { 'data-label': 'Started' }, formatTime(attempt.started_at)),
      h('td', { 'data-label': 'Ran for' }, attempt.ended_at ? formatDuration(seconds(attempt.started_at, attempt.ended_at)) : 'running'),
      h('td', { 'data-label': 'Outcome' }, attempt.outcome ? OUTCOMES[attempt.outcome] ?? titleCase(attempt.outcome) : '—'),
      h('td', { 'data-label': 'Error', class: attempt.error ? 'error-cell' : 'muted' }, attempt.error
        ? [h('span', { class: 'badge error-class' }, attempt.error.class), ' ', attempt.error.message] : '—'))))));
}

function errorPanel(job) {
  if (!job.error) return null;
  return panel('Last error', h('p', { class: 'error-detail' }, h('span', { class: 'badge error-class' }, job.error.class), ' ', job.error.message),
    job.error.details ? jsonView(job.error.details, { label: 'Error details', openDepth: 1 }) : null);
}

export function mount(root, route) {
  const id = route.id;
  let alive = true; // requests in flight are not aborted (that would read as failures); their answers are dropped
  let job = null;
  let artifactKey = null;
  let progress = null;

  const titleLine = h('p', { class: 'job-heading-title' });
  const stateSlot = h('span');
  const errorSlot = h('div');
  const actions = actionBar((updated) => show(updated));
  const factsSlot = h('div');
  const progressSlot = h('div');
  const errorPanelSlot = h('div');
  const artifactsSlot = h('div');
  const attemptsSlot = h('div');
  const webhooksSlot = h('div');
  const resultSlot = h('div');
  const staticSlot = h('div');
  const metadataSlot = h('div');
  const body = h('div', { class: 'job-layout', hidden: true },
    h('div', { class: 'stack' }, panel('Details', factsSlot), progressSlot, errorPanelSlot, metadataSlot),
    h('div', { class: 'stack' }, panel('Outputs', artifactsSlot), panel('Attempts', attemptsSlot), webhooksSlot, staticSlot, resultSlot));

  root.append(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/jobs' }, 'Jobs'), h('span', { 'aria-hidden': 'true' }, ' / '), h('span', { 'aria-current': 'page' }, id)),
    h('div', { class: 'page-header job-header' }, pageHeading('Job ', h('code', { class: 'job-id' }, id)), stateSlot, titleLine),
    h('div', { class: 'actions-row' }, actions.element),
    errorSlot,
    body);

  function showWebhooks(deliveries) {
    const table = webhookDeliveries(deliveries);
    replaceChildren(webhooksSlot, table ? panel('Webhook deliveries', table) : null);
  }

  function show(next) {
    const first = job === null;
    job = next;
    body.hidden = false;
    replaceChildren(stateSlot, stateBadge(job.state));
    replaceChildren(titleLine, typeof job.metadata?.title === 'string' ? job.metadata.title : '');
    actions.update(job);
    keepingFocus(factsSlot, () => replaceChildren(factsSlot, facts(job)));
    if (job.state === 'running') {
      if (!progress) {
        progress = progressBar(job.progress, 'Progress');
        replaceChildren(progressSlot, panel('Progress', progress));
      } else setProgress(progress, job.progress);
    } else {
      progress = null;
      replaceChildren(progressSlot);
    }
    replaceChildren(errorPanelSlot, errorPanel(job));
    const key = `${job.state}|${job.artifacts.map((a) => `${a.name}:${a.size}`).join('|')}`;
    if (key !== artifactKey) {
      artifactKey = key;
      keepingFocus(artifactsSlot, () => replaceChildren(artifactsSlot, artifactList(job)));
    }
    replaceChildren(attemptsSlot, attemptsTable(job));
    replaceChildren(resultSlot, job.result !== null && job.result !== undefined ? panel('Result', jsonView(job.result, { label: 'Result' })) : null);
    if (first) {
      replaceChildren(metadataSlot, panel('Metadata', job.metadata ? propertiesView(job.metadata) : emptyState('No metadata.')));
      replaceChildren(staticSlot, panel('Payload', jsonView(job.payload, { label: 'Payload' })));
    }
  }

  const reload = coalesce(async () => {
    try {
      // Deliveries are secondary: a refusal or failure there never hides the job.
      const [fresh, deliveries] = await Promise.all([api.getJob(id), api.jobWebhooks(id).then((r) => r.items, () => null)]);
      if (!alive) return;
      show(fresh);
      showWebhooks(deliveries);
      errorSlot.replaceChildren();
    } catch (error) {
      if (!alive) return;
      const gone = error instanceof ApiError && error.status === 404;
      errorSlot.replaceChildren(gone
        ? h('div', { class: 'notice' }, h('p', {}, 'There is no job with this id. Finished jobs are deleted after the retention period.'), h('a', { href: '#/jobs' }, 'Back to jobs'))
        : errorBox(error, 'Could not load the job'));
    }
  }, 300);
  const refreshPosition = coalesce(() => reload.trigger(), 3_000);

  const stopEvents = events.subscribe((event) => {
    if (event.job_id !== id) {
      if (job?.state === 'queued' && event.queue === job.queue && event.type === 'job.started') refreshPosition.trigger();
      return;
    }
    if (event.type === 'job.progress' && progress && event.attempt === job.attempt) {
      job = { ...job, progress: event.progress };
      setProgress(progress, event.progress);
    } else reload.trigger();
  });
  const stopFresh = keepFresh(reload, { liveMs: 15_000 });
  reload.now();

  return {
    title: `Job ${id}`,
    unmount() {
      alive = false;
      stopEvents();
      stopFresh();
      reload.cancel();
      refreshPosition.cancel();
    },
  };
}
