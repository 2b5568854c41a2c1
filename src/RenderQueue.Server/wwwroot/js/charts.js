// Line charts drawn as inline SVG at the width of their slot (redrawn when it changes), so labels stay crisp from a
// phone to a wide screen. Each chart carries a text summary for screen readers and a legend with numbers.

import { h, s, uid } from './dom.js';
import { formatNumber } from './format.js';

const PAD = { left: 44, right: 14, top: 12, bottom: 26 };
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** Round step for about `count` ticks up to `max`. */
function niceStep(max, count = 4) {
  if (max <= 0) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw);
  return Math.max(step, Number.isInteger(max) ? 1 : step);
}

function draw(spec, width) {
  const { times, series, height = 200, yFormat = formatNumber } = spec;
  const n = times.length;
  const plotW = Math.max(width - PAD.left - PAD.right, 10);
  const plotH = height - PAD.top - PAD.bottom;
  const bars = series.filter((item) => item.kind === 'bar');
  const stacked = times.map((_, i) => bars.reduce((total, bar) => total + bar.values[i], 0));
  const max = Math.max(0, ...stacked, ...series.filter((item) => item.kind !== 'bar').flatMap((line) => line.values));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const x = (i) => PAD.left + (n > 1 ? (i * plotW) / (n - 1) : plotW / 2);
  const y = (v) => PAD.top + plotH - (v / top) * plotH;

  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const svg = s('svg', {
    class: 'chart-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': titleId, 'aria-describedby': descId,
  }, s('title', { id: titleId }, spec.title), s('desc', { id: descId }, spec.description));

  for (let v = 0; v <= top + step / 2; v += step) {
    svg.append(
      s('line', { class: 'chart-gridline', x1: PAD.left, x2: PAD.left + plotW, y1: y(v), y2: y(v) }),
      s('text', { class: 'chart-label', x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, yFormat(v)));
  }
  const labelEvery = width < 420 ? 30 : 15;
  times.forEach((time, i) => {
    if (time.getMinutes() % labelEvery !== 0) return;
    svg.append(
      s('line', { class: 'chart-tick', x1: x(i), x2: x(i), y1: PAD.top + plotH, y2: PAD.top + plotH + 4 }),
      s('text', { class: 'chart-label', x: x(i), y: height - 8, 'text-anchor': 'middle' }, clock.format(time)));
  });

  // Bars (counts per minute) stack from the axis; lines draw on top of them.
  const column = n > 1 ? plotW / (n - 1) : plotW;
  const barWidth = Math.max(1, column * 0.7);
  const base = new Array(n).fill(0);
  for (const bar of bars) {
    bar.values.forEach((v, i) => {
      if (v <= 0) return;
      svg.append(s('rect', { class: `chart-bar ${bar.className}`, x: (x(i) - barWidth / 2).toFixed(1), y: y(base[i] + v).toFixed(1),
        width: barWidth.toFixed(1), height: (y(base[i]) - y(base[i] + v)).toFixed(1) }));
      base[i] += v;
    });
  }

  for (const line of series.filter((item) => item.kind !== 'bar')) {
    // A step line holds each minute's value until the next: right for per-minute counts and levels such as depth.
    const points = line.values.flatMap((v, i) => {
      const point = `${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      return line.step && i > 0 ? [`${x(i).toFixed(1)},${y(line.values[i - 1]).toFixed(1)}`, point] : [point];
    });
    if (line.area && n > 1) {
      const axis = y(0).toFixed(1);
      svg.append(s('path', { class: `chart-area ${line.className}`, d: `M${x(0).toFixed(1)},${axis} L${points.join(' L')} L${x(n - 1).toFixed(1)},${axis} Z` }));
    }
    svg.append(s('path', { class: `chart-line ${line.className}`, d: `M${points.join(' L')}` }));
  }

  // One invisible column per minute with the minute's numbers as a native tooltip.
  times.forEach((time, i) => {
    const tip = `${clock.format(time)} — ${series.map((line) => `${line.name}: ${yFormat(line.values[i])}`).join(', ')}`;
    svg.append(s('rect', { class: 'chart-hit', x: x(i) - column / 2, y: PAD.top, width: column, height: plotH }, s('title', {}, tip)));
  });
  return svg;
}

function legend(spec) {
  return h('ul', { class: 'chart-legend' }, spec.series.map((line) =>
    h('li', {}, h('span', { class: `swatch ${line.kind === 'bar' ? 'block' : ''} ${line.className}`, 'aria-hidden': 'true' }), h('span', {}, line.name),
      line.summary !== undefined ? h('strong', {}, line.summary) : null)));
}

/** Draws `spec` into `slot` and keeps it sized to the slot; returns { update(spec), disconnect() }. */
export function mountChart(slot, spec) {
  let current = spec;
  let drawnWidth = 0;
  const figure = h('figure', { class: 'chart' });
  slot.replaceChildren(figure);

  const render = () => {
    drawnWidth = Math.floor(slot.clientWidth) || 600;
    figure.replaceChildren(draw(current, drawnWidth), legend(current));
  };
  // Redrawn in the next frame, not inside the observer, so a redraw never feeds back into the same observation.
  const observer = new ResizeObserver(() => requestAnimationFrame(() => {
    if (slot.isConnected && Math.abs(Math.floor(slot.clientWidth) - drawnWidth) > 4) render();
  }));
  observer.observe(slot);
  render();
  return {
    update(next) {
      current = next;
      render();
    },
    disconnect: () => observer.disconnect(),
  };
}
