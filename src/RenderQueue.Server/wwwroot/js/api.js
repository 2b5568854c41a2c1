// The one way the dashboard talks HTTP to the server: JSON in and out, RFC 7807 problems turned into ApiError.
// Authentication plugs in here: configureApi({ headers, onUnauthorized }) adds e.g. a CSRF header to unsafe requests
// and sends a 401 to a login screen, for every call the dashboard makes.

const BASE = '/api/v1';

const hooks = {
  /** Extra headers for a request; e.g. (method) => method === 'GET' ? {} : { 'X-CSRF-Token': token }. */
  headers: () => ({}),
  /** Called with the response when the server answers 401. */
  onUnauthorized: null,
};

export function configureApi({ headers, onUnauthorized } = {}) {
  if (headers) hooks.headers = headers;
  if (onUnauthorized) hooks.onUnauthorized = onUnauthorized;
}

/** A refusal or failure, carrying the server's problem details (title, detail, status, errors). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** One line for people: the problem's title, then its field errors when it has them (the detail recaps those), else its detail. */
  get summary() {
    const { title, detail, errors } = this.problem;
    const fieldMessages = Object.values(errors ?? {}).flatMap((messages) => [].concat(messages));
    const parts = [title, ...(fieldMessages.length ? fieldMessages : [detail])].filter((part, i, all) => part && all.indexOf(part) === i);
    return parts.join(' — ') || this.message;
  }
}

async function readProblem(response) {
  const fallback = { status: response.status, title: response.statusText || `HTTP ${response.status}` };
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return fallback;
  try {
    return { ...fallback, ...(await response.json()) };
  } catch {
    return fallback;
  }
}

/** Sends a request; resolves with the parsed JSON body, rejects with ApiError. */
export async function request(method, path, { body, query, signal } = {}) {
  const url = new URL(BASE + path, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  const headers = { Accept: 'application/json, application/problem+json', ...hooks.headers(method) };
  const init = { method, headers, signal, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: 'The server could not be reached', detail: 'Check that RenderQueue is running; the dashboard retries on its own.' });
  }
  if (response.status === 401 && hooks.onUnauthorized) hooks.onUnauthorized(response);
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  if (response.status === 204) return null;
  return response.json();
}

const enc = encodeURIComponent;

/** The public API, one function per call the dashboard makes. */
export const api = {
  stats: (signal) => request('GET', '/stats', { signal }),
  activity: (minutes, signal) => request('GET', '/stats/activity', { query: { minutes }, signal }),
  listJobs: ({ states, queue, type, limit, cursor }, signal) =>
    request('GET', '/jobs', { query: { state: states?.join(','), queue, type, limit, cursor }, signal }),
  getJob: (id, signal) => request('GET', `/jobs/${enc(id)}`, { signal }),
  cancelJob: (id) => request('POST', `/jobs/${enc(id)}/cancel`, { body: { reason: 'Canceled from the dashboard' } }),
  retryJob: (id) => request('POST', `/jobs/${enc(id)}/retry`, { body: {} }),
  flagJob: (id, reason) => request('POST', `/jobs/${enc(id)}/flag`, { body: { reason } }),
  setPriority: (id, priority) => request('PATCH', `/jobs/${enc(id)}`, { body: { priority } }),
  jobWebhooks: (id, signal) => request('GET', `/jobs/${enc(id)}/webhooks`, { signal }),
  artifactUrl: (id, name) => `${BASE}/jobs/${enc(id)}/artifacts/${enc(name)}`,
  queues: (signal) => request('GET', '/queues', { signal }),
  pauseQueue: (name) => request('POST', `/queues/${enc(name)}/pause`, { body: {} }),
  resumeQueue: (name) => request('POST', `/queues/${enc(name)}/resume`, { body: {} }),
  updateQueue: (name, settings) => request('PATCH', `/queues/${enc(name)}`, { body: settings }),
  workers: (signal) => request('GET', '/workers', { signal }),
  drainWorker: (id) => request('POST', `/workers/${enc(id)}/drain`, { body: {} }),
};
