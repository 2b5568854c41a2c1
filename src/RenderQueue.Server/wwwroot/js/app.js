// The dashboard's entry point: starts the events socket, shows its status, and mounts the page the hash names.

import { setText } from './dom.js';
import { events } from './events.js';
import { parseHash } from './router.js';
import { refreshRelativeTimes } from './ui.js';
import * as overview from './pages/overview.js';
import * as jobs from './pages/jobs.js';
import * as jobDetail from './pages/job-detail.js';
import * as workers from './pages/workers.js';
import * as queues from './pages/queues.js';
import * as notFound from './pages/not-found.js';

const pages = { overview, jobs, job: jobDetail, workers, queues, 'not-found': notFound };
const navSection = { overview: 'overview', jobs: 'jobs', job: 'jobs', workers: 'workers', queues: 'queues' };
const statusText = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

const main = document.getElementById('main');
let current = null;
let currentKey = '';
let firstRoute = true;

function route() {
  const next = parseHash();
  const key = `${next.name}/${next.id ?? ''}`;
  if (current && key === currentKey && current.update) {
    current.update(next);
    return;
  }
  current?.unmount();
  main.replaceChildren();
  currentKey = key;
  const page = pages[next.name];
  current = page.mount(main, next);
  document.title = `${current.title ?? 'RenderQueue'} · RenderQueue`;

  for (const link of document.querySelectorAll('.app-nav a')) {
    if (link.dataset.route === navSection[next.name]) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // After a navigation, keyboard and screen-reader users start at the new page's heading.
  if (!firstRoute) (main.querySelector('h1') ?? main).focus({ preventScroll: false });
  firstRoute = false;
  window.scrollTo(0, 0);
}

const status = document.getElementById('live-status');
events.onStatus((state) => {
  status.dataset.status = state;
  setText(status, statusText[state] ?? state);
  status.title = state === 'live' ? 'Live updates from the events WebSocket' : 'Live updates paused; the page refreshes every few seconds';
});

window.addEventListener('hashchange', route);
setInterval(() => refreshRelativeTimes(main), 5_000);
events.start();
route();
