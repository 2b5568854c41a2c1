// Hash routes, so every view is a deep link that needs nothing from the server but index.html:
// #/  #/jobs?state=queued,running&queue=renders&type=comfyui  #/jobs/<id>  #/workers  #/queues

function decode(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const cut = raw.indexOf('?');
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const query = new URLSearchParams(cut < 0 ? '' : raw.slice(cut + 1));
  const segments = path.split('/').filter(Boolean).map(decode);
  const [first, second, ...rest] = segments;
  if (rest.length === 0) {
    if (!first) return { name: 'overview', query };
    if (first === 'jobs' && second === undefined) return { name: 'jobs', query };
    if (first === 'jobs') return { name: 'job', id: second, query };
    if (first === 'workers' && second === undefined) return { name: 'workers', query };
    if (first === 'queues' && second === undefined) return { name: 'queues', query };
  }
  return { name: 'not-found', path, query };
}

export const jobHash = (id) => `#/jobs/${encodeURIComponent(id)}`;

/** #/jobs with filters; empty filters are left out. */
export function jobsHash({ states = [], queue = '', type = '' } = {}) {
  const query = new URLSearchParams();
  if (states.length) query.set('state', states.join(','));
  if (queue) query.set('queue', queue);
  if (type) query.set('type', type);
  const text = query.toString().replaceAll('%2C', ',');
  return text ? `#/jobs?${text}` : '#/jobs';
}
