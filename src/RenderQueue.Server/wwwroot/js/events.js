// The one events WebSocket of the dashboard (/api/v1/events). It reconnects on its own with capped, jittered
// backoff and resumes with after=<last sequence>, so the server replays what was missed; each event is delivered
// to subscribers once, in order. Pages also refresh after a reconnect, and poll while the socket is down.

const PATH = '/api/v1/events';

export class EventStream {
  #socket = null;
  #lastSequence = null;
  #attempt = 0;
  #timer = 0;
  #stopped = true;
  #opened = false;
  #status = 'connecting';
  #subscribers = new Set();
  #statusListeners = new Set();
  #resyncListeners = new Set();

  constructor({ minDelayMs = 500, maxDelayMs = 10_000 } = {}) {
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /** 'connecting', 'live' or 'reconnecting'. */
  get status() {
    return this.#status;
  }

  get lastSequence() {
    return this.#lastSequence;
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'Bye.');
    this.#socket = null;
  }

  /** fn(event) for every job event; returns the unsubscribe function. */
  subscribe(fn) {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /** fn(status) whenever the connection status changes. */
  onStatus(fn) {
    this.#statusListeners.add(fn);
    fn(this.#status);
    return () => this.#statusListeners.delete(fn);
  }

  /** fn() after a reconnect: whatever a page shows may be stale, so it reloads. */
  onResync(fn) {
    this.#resyncListeners.add(fn);
    return () => this.#resyncListeners.delete(fn);
  }

  #url() {
    const url = new URL(PATH, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.#lastSequence !== null) url.searchParams.set('after', String(this.#lastSequence));
    return url;
  }

  #connect() {
    const socket = new WebSocket(this.#url());
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      this.#attempt = 0;
      this.#setStatus('live');
      if (this.#opened) this.#resyncListeners.forEach((fn) => fn());
      this.#opened = true;
    });
    socket.addEventListener('message', (message) => {
      if (socket !== this.#socket) return;
      this.#deliver(message.data);
    });
    socket.addEventListener('close', () => {
      if (socket !== this.#socket || this.#stopped) return;
      this.#socket = null;
      this.#setStatus('reconnecting');
      this.#scheduleReconnect();
    });
  }

  #deliver(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return; // not an event; nothing the dashboard can use
    }
    if (typeof event.sequence === 'number') {
      if (this.#lastSequence !== null && event.sequence <= this.#lastSequence) return; // replayed twice
      this.#lastSequence = event.sequence;
    }
    for (const fn of this.#subscribers) {
      try {
        fn(event);
      } catch (error) {
        reportError(error); // one broken page must not starve the others
      }
    }
  }

  #scheduleReconnect() {
    const base = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.#attempt);
    this.#attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    this.#timer = setTimeout(() => {
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  #setStatus(status) {
    if (status === this.#status) return;
    this.#status = status;
    this.#statusListeners.forEach((fn) => fn(status));
  }
}

/** The dashboard's shared stream. */
export const events = new EventStream();
