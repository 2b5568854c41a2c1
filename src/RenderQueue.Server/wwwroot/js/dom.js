// Building DOM without HTML strings: every piece of data becomes a text node or an attribute value, so text from
// jobs, workers and queues can never be parsed as markup (no innerHTML anywhere in the dashboard).

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: h('a', { href: '#/jobs', class: 'link' }, 'Jobs', h('span', {}, count)). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** An SVG element, for the charts. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, props);
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Sets text only when it changed, so live updates do not disturb screen readers or selections. */
export function setText(el, text) {
  const value = String(text ?? '');
  if (el.textContent !== value) el.textContent = value;
}

let nextId = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * Rebuilds part of a page without losing the keyboard focus: the focused element's data-key (or href) is found
 * again in the rebuilt content and focused.
 */
export function keepingFocus(container, rebuild) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key ?? active.getAttribute('href') : null;
  rebuild();
  if (key === null || key === undefined) return;
  const again = [...container.querySelectorAll('[data-key], [href]')]
    .find((el) => (el.dataset.key ?? el.getAttribute('href')) === key);
  again?.focus({ preventScroll: true });
}
