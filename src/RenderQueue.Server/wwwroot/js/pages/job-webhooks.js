// A job's webhook deliveries (its own webhook URL; subscriptions too for admins): each event, where it went, where it
// stands, and every attempt with its answer, so an operator sees why a receiver never heard of the job.

import { h } from '../dom.js';
import { formatDuration, formatTime, titleCase } from '../format.js';
import { emptyState } from '../ui.js';

function attemptText(attempt) {
  const answer = attempt.status_code ? `HTTP ${attempt.status_code}` : 'no answer';
  return `#${attempt.number} ${formatTime(attempt.at)}: ${answer}${attempt.error ? ` — ${attempt.error}` : ''} (${formatDuration(attempt.duration)})`;
}

function standing(delivery) {
  if (delivery.state === 'pending') return delivery.next_attempt_at ? `Pending, next attempt ${formatTime(delivery.next_attempt_at)}` : 'Pending';
  if (delivery.state === 'failed') return `Failed: ${delivery.failure_reason ?? 'given up'}`;
  return `Delivered ${delivery.finished_at ? formatTime(delivery.finished_at) : ''}`.trim();
}

/** The deliveries as a table; null when the job has none (no webhook). */
export function webhookDeliveries(deliveries) {
  if (!deliveries || deliveries.length === 0) return null;
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table webhook-deliveries' },
    h('caption', { class: 'visually-hidden' }, 'Webhook deliveries, oldest first'),
    h('thead', {}, h('tr', {}, ['Event', 'Endpoint', 'State', 'Attempts'].map((name) => h('th', { scope: 'col' }, name)))),
    h('tbody', {}, deliveries.map((delivery) => h('tr', {},
      h('th', { scope: 'row' }, delivery.event?.type ?? '—', h('div', { class: 'muted' }, h('code', {}, delivery.message_id))),
      h('td', { 'data-label': 'Endpoint', class: 'anywhere' }, delivery.url, delivery.subscription_id ? h('div', { class: 'muted' }, delivery.subscription_id) : null),
      h('td', { 'data-label': 'State', class: `delivery-${delivery.state}` }, titleCase(delivery.state), h('div', { class: 'muted' }, standing(delivery))),
      h('td', { 'data-label': 'Attempts' }, delivery.attempts.length === 0
        ? emptyState('None yet.')
        : h('ol', { class: 'attempt-list' }, delivery.attempts.map((attempt) => h('li', {}, attemptText(attempt))))))))));
}
