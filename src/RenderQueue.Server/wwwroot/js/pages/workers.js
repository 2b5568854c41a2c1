// Workers: capabilities (GPUs with VRAM, models, labels), its backends (GPU, health, warm models), what each is
// running with live progress, its last heartbeat and status (unhealthy with the reason), and the drain action. Heartbeats are not events, so the list is also polled.

import { api } from '../api.js';
import { h, keepingFocus, replaceChildren, setText } from '../dom.js';
import { events } from '../events.js';
import { formatNumber, formatPercent, formatVram, plural, titleCase } from '../format.js';
import { coalesce, keepFresh } from '../live.js';
import { jobHash } from '../router.js';
import { chip, confirmDialog, emptyState, guarded, pageHeading, progressBar, relativeTime, setProgress, toast } from '../ui.js';

const ORDER = { online: 0, unhealthy: 1, draining: 2, offline: 3 };

function statusBadge(worker) {
  const status = worker.status === 'online' && worker.drain_requested ? 'draining' : worker.status;
  return h('span', { class: `badge worker-${status}` }, titleCase(status));
}

// Why a worker is unhealthy: its backends' reasons, shown under its name so it is seen without opening anything.
function statusReason(worker) {
  if (worker.status !== 'unhealthy' || !worker.status_reason) return null;
  return h('p', { class: 'status-reason', role: 'status' }, worker.status_reason);
}

function backendRow(backend) {
  const where = backend.gpu_index === null || backend.gpu_index === undefined ? 'no GPU' : `GPU ${backend.gpu_index}`;
  const loaded = backend.loaded_models ?? [];
  return h('li', { class: `backend backend-${backend.state}`, 'aria-label': `Backend ${backend.id}: ${backend.state}` },
    h('div', { class: 'backend-head' },
      h('span', { class: 'backend-id' }, backend.id),
      h('span', { class: 'muted small' }, ` ${backend.type} · ${where}`),
      h('span', { class: `badge backend-state backend-${backend.state}` }, titleCase(backend.state))),
    backend.reason ? h('div', { class: 'small backend-reason' }, backend.reason) : null,
    h('div', { class: 'small' }, h('span', { class: 'muted' }, 'Loaded: '), chips(loaded, 'no models loaded')));
}

function gpuRow(gpu) {
  const used = Math.max(gpu.vram_total_mb - gpu.vram_free_mb, 0);
  const share = gpu.vram_total_mb > 0 ? used / gpu.vram_total_mb : 0;
  const fill = h('span', { class: 'meter-fill' });
  fill.style.width = `${(share * 100).toFixed(1)}%`;
  const label = `VRAM of GPU ${gpu.index}: ${formatVram(used)} of ${formatVram(gpu.vram_total_mb)} used`;
  return h('li', { class: 'gpu' },
    h('div', { class: 'gpu-name' }, h('span', { class: 'muted' }, `GPU ${gpu.index}`), ' ', gpu.name),
    h('span', { class: 'meter vram', role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': gpu.vram_total_mb, 'aria-valuenow': used }, fill),
    h('div', { class: 'muted small' }, `${formatVram(used)} / ${formatVram(gpu.vram_total_mb)} used (${formatPercent(share)}) · ${formatVram(gpu.vram_free_mb)} free`));
}

function chips(items, none) {
  return items.length ? h('span', { class: 'chips' }, items.map((item) => chip(item))) : h('span', { class: 'muted' }, none);
}

function models(list, key) {
  if (list.length <= 6) return chips(list, 'none reported');
  return h('details', { class: 'more', dataset: { key: `models:${key}` } }, h('summary', {}, `${formatNumber(list.length)} models`), chips(list, ''));
}

export function mount(root) {
  let alive = true; // requests in flight are not aborted (that would read as failures); their answers are dropped
  const errorSlot = h('div');
  const list = h('div', { class: 'worker-grid' });
  const summary = h('p', { class: 'muted page-meta' });
  const progressBars = new Map(); // job id -> progress block, patched by events
  let workers = [];
  let jobs = new Map();

  root.append(h('div', { class: 'page-header' }, pageHeading('Workers'), summary), errorSlot, list);

  async function drain(worker, button) {
    const updated = await confirmDialog({
      title: `Drain ${worker.registration.name}?`,
      message: 'It finishes the jobs it is running and leases no new ones. Restart the worker to take it back into service.',
      confirmLabel: 'Drain worker',
      danger: true,
      action: () => api.drainWorker(worker.id),
    });
    if (!updated || updated instanceof FormData) return;
    toast(`Drain requested for ${worker.registration.name}.`);
    reload.now();
    button.focus();
  }

  function currentJobs(worker) {
    if (worker.current_jobs.length === 0) return h('p', { class: 'muted' }, 'Idle');
    return h('ul', { class: 'current-jobs' }, worker.current_jobs.map((id) => {
      const job = jobs.get(id);
      const title = typeof job?.metadata?.title === 'string' ? job.metadata.title : null;
      let bar = null;
      if (job?.state === 'running') {
        bar = progressBar(job.progress, `Progress of job ${id}`);
        progressBars.set(id, bar);
      }
      return h('li', {}, h('a', { href: jobHash(id), class: 'job-id' }, id), title ? h('span', { class: 'job-title' }, title) : null, bar);
    }));
  }

  function card(worker) {
    const reg = worker.registration;
    const drainButton = h('button', { type: 'button', class: 'button', dataset: { key: `drain:${worker.id}` }, disabled: worker.drain_requested || worker.status === 'offline',
      'aria-label': `Drain ${reg.name}` }, worker.drain_requested ? 'Drain requested' : 'Drain');
    drainButton.addEventListener('click', () => drain(worker, drainButton));
    return h('article', { class: `card worker status-${worker.status}`, 'aria-label': `Worker ${reg.name}` },
      h('header', { class: 'card-header' },
        h('div', {}, h('h2', { class: 'card-title' }, reg.name), h('p', { class: 'muted small' }, [worker.id, reg.host, reg.version && `v${reg.version}`].filter(Boolean).join(' · '))),
        statusBadge(worker)),
      statusReason(worker),
      h('dl', { class: 'facts compact' },
        h('dt', {}, 'Last heartbeat'), h('dd', {}, relativeTime(worker.last_seen_at)),
        h('dt', {}, 'Runs'), h('dd', {}, `${formatNumber(worker.current_jobs.length)} of ${plural(reg.concurrency, 'slot')}`),
        h('dt', {}, 'Types'), h('dd', {}, chips(reg.types, 'none')),
        h('dt', {}, 'Queues'), h('dd', {}, chips(reg.queues, 'all queues')),
        h('dt', {}, 'Labels'), h('dd', {}, chips(reg.labels, 'none')),
        h('dt', {}, 'Models'), h('dd', {}, models(reg.models, worker.id))),
      h('h3', { class: 'card-subtitle' }, 'GPUs'),
      reg.gpus.length ? h('ul', { class: 'gpus' }, reg.gpus.map(gpuRow)) : h('p', { class: 'muted' }, 'No GPUs reported'),
      (reg.backends ?? []).length ? [h('h3', { class: 'card-subtitle' }, 'Backends'), h('ul', { class: 'backends' }, reg.backends.map(backendRow))] : null,
      h('h3', { class: 'card-subtitle' }, 'Current jobs'),
      currentJobs(worker),
      h('footer', { class: 'card-footer' }, drainButton));
  }

  function render() {
    progressBars.clear();
    const sorted = [...workers].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.registration.name.localeCompare(b.registration.name));
    const open = new Set([...list.querySelectorAll('details[open]')].map((d) => d.dataset.key));
    keepingFocus(list, () => replaceChildren(list, sorted.length ? sorted.map(card) : emptyState('No workers have registered yet. Start one with: dotnet run --project src/RenderQueue.Worker -- --server <this address>')));
    list.querySelectorAll('details').forEach((d) => { d.open = open.has(d.dataset.key); });
    const counts = Object.groupBy(workers, (w) => w.status);
    setText(summary, `${plural(workers.length, 'worker')} · ${formatNumber(counts.online?.length ?? 0)} online · ${formatNumber(counts.unhealthy?.length ?? 0)} unhealthy · ${formatNumber(counts.draining?.length ?? 0)} draining · ${formatNumber(counts.offline?.length ?? 0)} offline`);
  }

  const reload = coalesce(() => guarded(errorSlot, 'Could not load workers', () => alive, async () => {
    const [answer, running] = await Promise.all([api.workers(), api.listJobs({ states: ['running'], limit: 500 })]);
    workers = answer.items;
    jobs = new Map(running.items.map((job) => [job.id, job]));
    const missing = workers.flatMap((w) => w.current_jobs).filter((id) => !jobs.has(id)).slice(0, 50);
    for (const job of await Promise.all(missing.map((id) => api.getJob(id).catch(() => null)))) {
      if (job) jobs.set(job.id, job);
    }
    if (!alive) return;
    render();
  }), 1_000);

  const stopEvents = events.subscribe((event) => {
    const bar = progressBars.get(event.job_id);
    if (bar && event.type === 'job.progress') setProgress(bar, event.progress);
    else if (event.type !== 'job.progress') reload.trigger();
  });
  const stopFresh = keepFresh(reload, { liveMs: 5_000, offlineMs: 5_000 });
  reload.now();

  return {
    title: 'Workers',
    unmount() {
      alive = false;
      stopEvents();
      stopFresh();
      reload.cancel();
    },
  };
}
