// A job's outputs: images as thumbnails that open a full-size preview, everything else as a download link.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { formatBytes } from '../format.js';
import { emptyState } from '../ui.js';

const isImage = (artifact) => /^image\/(png|jpeg|gif|webp|avif|bmp)$/i.test(artifact.content_type);

function preview(url, artifact, opener) {
  const titleId = uid('preview-title');
  const close = h('button', { type: 'button', class: 'button' }, 'Close');
  const dialog = h('dialog', { class: 'dialog preview', 'aria-labelledby': titleId },
    h('div', { class: 'preview-header' },
      h('h2', { id: titleId }, artifact.name),
      h('div', { class: 'inline' }, h('a', { class: 'button', href: url, download: artifact.name }, 'Download'), close)),
    h('img', { src: url, alt: artifact.name, class: 'preview-image' }));
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

function artifactItem(jobId, artifact) {
  const url = api.artifactUrl(jobId, artifact.name);
  const facts = h('span', { class: 'muted small' }, `${formatBytes(artifact.size)} · ${artifact.content_type}`);
  if (!isImage(artifact)) {
    return h('li', { class: 'artifact file' },
      h('a', { href: url, download: artifact.name, class: 'file-link' }, h('span', { class: 'file-icon', 'aria-hidden': 'true' }), artifact.name), facts);
  }
  const open = h('button', { type: 'button', class: 'thumb-button', 'aria-label': `Preview ${artifact.name}`, dataset: { key: `preview:${artifact.name}` } },
    h('img', { src: url, alt: artifact.name, class: 'thumb', loading: 'lazy', decoding: 'async' }));
  open.addEventListener('click', () => preview(url, artifact, open));
  return h('li', { class: 'artifact image' }, open,
    h('a', { href: url, download: artifact.name, class: 'artifact-name' }, artifact.name), facts);
}

export function artifactList(job) {
  if (job.artifacts.length === 0) {
    return emptyState(job.state === 'running' ? 'No outputs yet; they appear here as the worker uploads them.' : 'No outputs.');
  }
  return h('ul', { class: 'artifact-grid' }, job.artifacts.map((artifact) => artifactItem(job.id, artifact)));
}
