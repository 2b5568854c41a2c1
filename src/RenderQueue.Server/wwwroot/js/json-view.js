// A readable, collapsible view of any JSON value (payloads, results): nested objects and arrays are native
// <details> elements, so they open and close with the keyboard; strings are shown as text, never as markup.

import { h } from './dom.js';

const MAX_CHILDREN = 200;

function primitive(value) {
  if (value === null) return h('span', { class: 'json-null' }, 'null');
  switch (typeof value) {
    case 'string': return h('span', { class: 'json-string' }, JSON.stringify(value));
    case 'number': return h('span', { class: 'json-number' }, String(value));
    case 'boolean': return h('span', { class: 'json-boolean' }, String(value));
    default: return h('span', {}, String(value));
  }
}

function summaryOf(value) {
  if (Array.isArray(value)) return `[${value.length} ${value.length === 1 ? 'item' : 'items'}]`;
  const keys = Object.keys(value);
  return `{${keys.length} ${keys.length === 1 ? 'key' : 'keys'}}`;
}

function entry(key, value, depth, openDepth) {
  const label = key === null ? null : h('span', { class: 'json-key' }, typeof key === 'number' ? String(key) : JSON.stringify(key));
  if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) {
    const shown = value !== null && typeof value === 'object' ? h('span', { class: 'json-punct' }, Array.isArray(value) ? '[]' : '{}') : primitive(value);
    return h('li', { class: 'json-leaf' }, label, label ? h('span', { class: 'json-punct' }, ': ') : null, shown);
  }
  const pairs = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const list = h('ul', { class: 'json-children', role: 'group' });
  const renderFrom = (start) => {
    for (const [k, v] of pairs.slice(start, start + MAX_CHILDREN)) list.append(entry(k, v, depth + 1, openDepth));
    if (start + MAX_CHILDREN < pairs.length) {
      const more = h('button', { type: 'button', class: 'link-button' }, `Show ${pairs.length - start - MAX_CHILDREN} more`);
      more.addEventListener('click', () => {
        more.parentElement.remove();
        renderFrom(start + MAX_CHILDREN);
      });
      list.append(h('li', {}, more));
    }
  };
  renderFrom(0);
  const details = h('details', { class: 'json-node', open: depth < openDepth },
    h('summary', {}, label, label ? h('span', { class: 'json-punct' }, ': ') : null, h('span', { class: 'json-summary' }, summaryOf(value))),
    list);
  return h('li', { class: 'json-branch' }, details);
}

/** The tree alone. */
export function jsonTree(value, { openDepth = 2 } = {}) {
  return h('ul', { class: 'json-tree' }, entry(null, value, 0, openDepth));
}

/** The tree with Expand all / Collapse all / Raw JSON controls; `label` names the raw view for assistive technology. */
export function jsonView(value, { label, openDepth = 2 } = {}) {
  const tree = jsonTree(value, { openDepth });
  const raw = h('pre', { class: 'json-raw', hidden: true, tabindex: 0, 'aria-label': `${label} as raw JSON` }, JSON.stringify(value, null, 2));
  const setAll = (open) => tree.querySelectorAll('details').forEach((d) => { d.open = open; });
  const rawToggle = h('button', { type: 'button', class: 'button small', 'aria-pressed': 'false' }, 'Raw JSON');
  rawToggle.addEventListener('click', () => {
    const showRaw = raw.hidden;
    raw.hidden = !showRaw;
    tree.hidden = showRaw;
    rawToggle.setAttribute('aria-pressed', String(showRaw));
  });
  const expand = h('button', { type: 'button', class: 'button small' }, 'Expand all');
  const collapse = h('button', { type: 'button', class: 'button small' }, 'Collapse all');
  expand.addEventListener('click', () => setAll(true));
  collapse.addEventListener('click', () => setAll(false));
  return h('div', { class: 'json-view' },
    h('div', { class: 'json-toolbar' }, expand, collapse, rawToggle), tree, raw);
}

/**
 * Metadata for people (e.g. traits) as a definition list: nested objects become nested lists, lists of plain values
 * become chips, anything else falls back to the JSON tree.
 */
export function propertiesView(value, depth = 0) {
  if (value === null || typeof value !== 'object' || depth > 3) return jsonTree(value, { openDepth: 1 });
  if (Array.isArray(value)) {
    return value.every((item) => item === null || typeof item !== 'object')
      ? h('span', { class: 'chips' }, value.map((item) => h('span', { class: 'chip' }, String(item))))
      : jsonTree(value, { openDepth: 1 });
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return h('span', { class: 'muted' }, '(empty)');
  return h('dl', { class: 'props' }, entries.map(([key, item]) => [
    h('dt', {}, key),
    h('dd', {}, item !== null && typeof item === 'object' ? propertiesView(item, depth + 1) : String(item)),
  ]));
}
