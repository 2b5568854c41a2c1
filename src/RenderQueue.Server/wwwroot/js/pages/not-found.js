// A hash the dashboard does not know.

import { h } from '../dom.js';
import { pageHeading } from '../ui.js';

export function mount(root, route) {
  root.append(pageHeading('Page not found'),
    h('p', {}, 'The dashboard has no page at ', h('code', {}, `#${route.path}`), '. ', h('a', { href: '#/' }, 'Go to the overview'), '.'));
  return { title: 'Not found', unmount() {} };
}
