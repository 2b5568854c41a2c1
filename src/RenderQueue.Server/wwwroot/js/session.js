// The dashboard's login. A server without keys answers its own machine with no login at all. Once keys exist, the
// dashboard asks for an admin key and trades it for an HttpOnly session cookie (the page keeps neither the key nor
// the cookie), then sends the session's CSRF token on every state-changing request. A 401 later (the session
// expired, the key was revoked) reloads the page, which asks again.

import { ApiError, configureApi, request } from './api.js';
import { h } from './dom.js';
import { errorBox, field, pageHeading } from './ui.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
let csrfToken = null;
let started = false;

configureApi({
  headers: (method) => (csrfToken && !SAFE_METHODS.has(method) ? { 'X-CSRF-Token': csrfToken } : {}),
  onUnauthorized: () => {
    if (started) location.reload();
  },
});

function adopt(session) {
  csrfToken = session?.csrf_token ?? null;
  return session;
}

function loginForm(main) {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', name: 'key', autocomplete: 'current-password', required: true, spellcheck: 'false' });
    const errorSlot = h('div');
    const submit = h('button', { type: 'submit', class: 'button primary' }, 'Log in');
    const form = h('form', { class: 'panel login-form' },
      field('Admin API key', input, 'An admin key (rq_…), e.g. from "renderq keys create --role admin". The server answers with a session cookie; the page does not keep the key.'),
      errorSlot,
      h('div', { class: 'dialog-actions' }, submit));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      submit.disabled = true;
      errorSlot.replaceChildren();
      try {
        const session = await request('POST', '/session', { body: { key: input.value.trim() } });
        input.value = '';
        main.replaceChildren();
        resolve(session);
      } catch (error) {
        errorSlot.replaceChildren(errorBox(error, 'Could not log in'));
        submit.disabled = false;
        input.focus();
      }
    });
    main.replaceChildren(h('div', { class: 'login' },
      pageHeading('Log in'),
      h('p', {}, 'This RenderQueue server has API keys, so the dashboard needs an admin key.'),
      form));
    input.focus();
  });
}

/**
 * Resolves once the dashboard may use the API: at once with a session cookie, a server without keys or an
 * unreachable server (the pages then retry on their own), after a login otherwise.
 */
export async function ensureSession(main) {
  try {
    return adopt(await request('GET', '/session'));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) return null;
  }
  return adopt(await loginForm(main));
}

/** From now on a 401 means the session ended: the page reloads to ask for a key again. */
export function sessionStarted() {
  started = true;
}

/** A "Log out" button for a cookie session; null otherwise (a server without keys has nothing to log out of). */
export function logoutButton(session) {
  if (session?.via !== 'session') return null;
  return h('button', {
    type: 'button',
    class: 'button small logout',
    title: `Logged in with the admin key "${session.name}"`,
    onclick: async () => {
      try {
        await request('DELETE', '/session');
      } finally {
        csrfToken = null;
        location.reload();
      }
    },
  }, 'Log out');
}
