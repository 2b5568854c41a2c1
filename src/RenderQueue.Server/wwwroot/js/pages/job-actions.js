// The actions people take on a job: cancel, retry, flag for re-render (with a reason), change priority. Each asks
// for confirmation in a dialog, shows the server's refusal (problem+json) in that dialog, and confirms success.

import { api } from '../api.js';
import { h } from '../dom.js';
import { confirmDialog, field, toast } from '../ui.js';

const ACTIVE = new Set(['scheduled', 'queued', 'running']);

const ACTIONS = [
  {
    key: 'cancel',
    label: 'Cancel',
    className: 'danger',
    allowed: (job) => ACTIVE.has(job.state) && !job.cancel_requested,
    run: (job) => confirmDialog({
      title: 'Cancel this job?',
      message: job.state === 'running'
        ? 'It is running: its worker stops it when it next renews the lease (within seconds).'
        : 'It has not started: it is canceled at once.',
      confirmLabel: 'Cancel job',
      dismissLabel: 'Keep it',
      danger: true,
      action: () => api.cancelJob(job.id),
    }),
    done: (updated) => (updated.state === 'canceled' ? 'Job canceled.' : 'Cancel requested; the worker stops the job shortly.'),
  },
  {
    key: 'retry',
    label: 'Retry',
    allowed: (job) => job.state === 'failed' || job.state === 'canceled',
    run: (job) => confirmDialog({
      title: 'Retry this job?',
      message: `It is queued again with ${job.max_attempts} fresh attempts.`,
      confirmLabel: 'Retry job',
      action: () => api.retryJob(job.id),
    }),
    done: () => 'Job queued again.',
  },
  {
    key: 'flag',
    label: 'Flag for re-render',
    allowed: (job) => job.state === 'succeeded',
    run: (job) => {
      const reason = h('textarea', { name: 'reason', required: true, maxlength: 2000, rows: 3 });
      return confirmDialog({
        title: 'Flag for re-render?',
        message: 'The job is queued again and its outputs rendered anew. Say what is wrong, for whoever looks next.',
        confirmLabel: 'Flag for re-render',
        fields: [field('Reason', reason, '1–2,000 characters, e.g. "hands look wrong".')],
        action: (data) => api.flagJob(job.id, String(data.get('reason')).trim()),
      });
    },
    done: () => 'Job flagged and queued for re-render.',
  },
  {
    key: 'priority',
    label: 'Change priority',
    allowed: (job) => job.state === 'scheduled' || job.state === 'queued',
    run: (job) => {
      const input = h('input', { type: 'number', name: 'priority', required: true, min: -1000000, max: 1000000, step: 1, value: job.priority, inputmode: 'numeric' });
      return confirmDialog({
        title: 'Change priority',
        message: `Higher runs first; jobs of equal priority run in submit order. Now ${job.priority}.`,
        confirmLabel: 'Change priority',
        fields: [field('New priority', input, 'A whole number from −1,000,000 to 1,000,000.')],
        action: (data) => api.setPriority(job.id, Number(data.get('priority'))),
      });
    },
    done: (updated) => `Priority set to ${updated.priority}.`,
  },
];

/**
 * The action bar; every button exists from the start and is shown only when the job's state allows it, so live
 * updates never move the keyboard focus. onChanged(job) receives the job as the server returned it.
 */
export function actionBar(onChanged) {
  let job = null;
  const buttons = ACTIONS.map((action) => {
    const button = h('button', { type: 'button', class: `button ${action.className ?? ''}`.trim(), hidden: true, dataset: { action: action.key } }, action.label);
    button.addEventListener('click', async () => {
      const updated = await action.run(job);
      button.focus();
      if (!updated || updated instanceof FormData) return;
      toast(action.done(updated));
      onChanged(updated);
      if (button.hidden) (bar.querySelector('button:not([hidden])') ?? document.querySelector('main h1'))?.focus();
    });
    return { action, button };
  });
  const none = h('span', { class: 'muted', hidden: true }, 'No actions in this state.');
  const bar = h('div', { class: 'actions', role: 'group', 'aria-label': 'Job actions' }, buttons.map((b) => b.button), none);
  return {
    element: bar,
    update(next) {
      job = next;
      let shown = 0;
      for (const { action, button } of buttons) {
        button.hidden = !action.allowed(job);
        if (!button.hidden) shown += 1;
      }
      none.hidden = shown > 0;
    },
  };
}
