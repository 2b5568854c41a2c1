// Keeping pages fresh without flooding the server: many events become one reload, and a slow fallback poll covers
// anything the events socket missed (faster while it is disconnected).

import { events } from './events.js';

/**
 * Throttles `task`: a trigger after a quiet spell runs it almost at once (after `leadMs`, so one burst is one run),
 * and while triggers keep coming it runs at most once per `waitMs`, never two at once. So a lone event shows up
 * within a tenth of a second, and a burst of 10,000 events costs a couple of requests, not 10,000.
 */
export function coalesce(task, waitMs, { leadMs = 100 } = {}) {
  let timer = 0;
  let running = false;
  let pending = false;
  let cancelled = false;
  let lastStart = -Infinity;

  async function run() {
    timer = 0;
    running = true;
    pending = false;
    lastStart = performance.now();
    try {
      await task();
    } catch (error) {
      reportError(error);
    } finally {
      running = false;
      if (pending && !cancelled) schedule();
    }
  }

  function schedule() {
    if (cancelled) return;
    if (running) {
      pending = true;
      return;
    }
    if (!timer) timer = setTimeout(run, Math.max(leadMs, lastStart + waitMs - performance.now()));
  }

  return {
    trigger: schedule,
    /** Runs now (or right after the current run). */
    now() {
      if (cancelled) return;
      clearTimeout(timer);
      timer = 0;
      if (running) pending = true;
      else run();
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Reloads via `refresh` (a coalesce()) every `liveMs` while events flow and every `offlineMs` while the socket is
 * down, and at once after a reconnect. Returns a function that stops it.
 */
export function keepFresh(refresh, { liveMs = 30_000, offlineMs = 5_000 } = {}) {
  let timer = 0;
  const tick = () => {
    refresh.trigger();
    timer = setTimeout(tick, events.status === 'live' ? liveMs : offlineMs);
  };
  timer = setTimeout(tick, events.status === 'live' ? liveMs : offlineMs);
  const stopResync = events.onResync(() => refresh.now());
  return () => {
    clearTimeout(timer);
    stopResync();
  };
}
