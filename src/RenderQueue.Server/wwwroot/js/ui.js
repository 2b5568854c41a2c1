// Small building blocks shared by the pages: state badges, progress bars, announcements, dialogs, error boxes.

import { h, setText, uid } from './dom.js';
import { formatFullTime, formatPercent, formatRelative, titleCase } from './format.js';

export const STATES = ['scheduled', 'queued', 'running', 'succeeded', 'failed', 'canceled'];
export const FINISHED = new Set(['succeeded', 'failed', 'canceled']);

/** A state as text with its colour and shape; colour is never the only cue. */
export function stateBadge(state) {
  return h('span', { class: `badge state state-${state}`, dataset: { state } }, titleCase(state));
}

export function updateStateBadge(badge, state) {
  if (badge.dataset.state === state) return;
  badge.dataset.state = state;
  badge.className = `badge state state-${state}`;
  setText(badge, titleCase(state));
}

export const chip = (text, extraClass = '') => h('span', { class: `chip ${extraClass}`.trim() }, text);

/** A progress bar with its percentage and message as text; update it with setProgress. */
export function progressBar(progress, label) {
  const fill = h('span', { class: 'progress-fill' });
  const bar = h('span', { class: 'progress', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0 }, fill);
  const text = h('span', { class: 'progress-text' });
  const root = h('span', { class: 'progress-block' }, bar, text);
  setProgress(root, progress);
  return root;
}

export function setProgress(root, progress) {
  const bar = root.querySelector('.progress');
  const fill = root.querySelector('.progress-fill');
  const text = root.querySelector('.progress-text');
  const max = progress?.max > 0 ? progress.max : 0;
  const value = Math.min(Math.max(progress?.value ?? 0, 0), max || 1);
  const fraction = max ? value / max : 0;
  fill.style.width = `${(fraction * 100).toFixed(1)}%`;
  bar.setAttribute('aria-valuemax', String(max || 100));
  bar.setAttribute('aria-valuenow', String(max ? value : 0));
  const percent = max ? formatPercent(fraction) : 'starting';
  bar.setAttribute('aria-valuetext', progress?.message ? `${percent}, ${progress.message}` : percent);
  setText(text, progress?.message ? `${percent} · ${progress.message}` : percent);
}

/** A <time> showing "5 s ago" with the full date as its tooltip; refreshRelativeTimes() keeps it current. */
export function relativeTime(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: formatFullTime(iso), class: 'relative-time' }, formatRelative(iso));
}

export function refreshRelativeTimes(root = document) {
  const now = Date.now();
  for (const el of root.querySelectorAll('time.relative-time')) setText(el, formatRelative(el.getAttribute('datetime'), now));
}

/** Tells screen-reader users what happened (polite), without a visual. */
export function announce(message) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A fresh text node in the next frame is announced even when the message repeats.
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}

/** A short visual confirmation that also goes to the live region. */
export function toast(message, kind = 'success') {
  announce(message);
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast toast-${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), 5_000);
}

/** An error as a role=alert box: the problem's title and detail from the API, as text. */
export function errorBox(error, context) {
  const summary = error?.summary ?? error?.message ?? String(error);
  return h('div', { class: 'error-box', role: 'alert' }, context ? h('strong', {}, `${context}: `) : null, summary);
}

/**
 * Runs a page's `load`, then clears `errorSlot`; when it fails, shows the error there under `context`. A page that is
 * gone (`isAlive()` false) shows nothing: its answers come late and are dropped.
 */
export async function guarded(errorSlot, context, isAlive, load) {
  try {
    await load();
    if (isAlive()) errorSlot.replaceChildren();
  } catch (error) {
    if (isAlive()) errorSlot.replaceChildren(errorBox(error, context));
  }
}

/**
 * A modal confirmation (native <dialog>: focus moves in, Esc cancels, focus returns). `fields` are extra form
 * controls; resolves with the FormData when confirmed, null when cancelled. `action(formData)` runs before it
 * closes, so a refusal from the server is shown in the dialog and the person can correct and retry.
 */
export function confirmDialog({ title, message, confirmLabel, dismissLabel = 'Cancel', danger = false, fields = [], action }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const messageId = uid('dialog-message');
    const errorSlot = h('div', { class: 'dialog-error' });
    const confirm = h('button', { type: 'submit', class: danger ? 'button danger' : 'button primary' }, confirmLabel);
    const cancel = h('button', { type: 'button', class: 'button', value: 'cancel' }, dismissLabel);
    const form = h('form', { method: 'dialog', class: 'dialog-form' },
      h('h2', { id: titleId }, title),
      h('p', { id: messageId }, message),
      fields,
      errorSlot,
      h('div', { class: 'dialog-actions' }, cancel, confirm));
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': messageId }, form);
    let result = null;

    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      if (!action) {
        result = data;
        dialog.close();
        return;
      }
      confirm.disabled = true;
      errorSlot.replaceChildren();
      try {
        result = (await action(data)) ?? data;
        dialog.close();
      } catch (error) {
        errorSlot.replaceChildren(errorBox(error));
        confirm.disabled = false;
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A labelled form field for dialogs and forms. */
export function field(label, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  const hintId = hint ? uid('hint') : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

export const emptyState = (text) => h('p', { class: 'empty' }, text);

/** A page heading that receives focus after navigation. */
export const pageHeading = (text, ...extra) => h('h1', { tabindex: -1, class: 'page-title' }, text, ...extra);
