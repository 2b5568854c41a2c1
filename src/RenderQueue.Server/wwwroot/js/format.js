// Numbers, sizes, durations and times as people read them. Dates come from the API as ISO 8601 (UTC) and are
// shown in the browser's time zone.

const numberFormat = new Intl.NumberFormat('en');
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

export const formatNumber = (n) => (n === null || n === undefined ? '—' : numberFormat.format(n));

export const formatDecimal = (n) => (n === null || n === undefined ? '—' : oneDecimal.format(n));

export function formatPercent(fraction) {
  if (!Number.isFinite(fraction)) return '—';
  const pct = fraction * 100;
  return `${pct > 0 && pct < 0.1 ? '<0.1' : oneDecimal.format(pct)}%`;
}

/** Seconds as "850 ms", "12 s", "3 min 4 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const abs = Math.abs(seconds);
  if (abs < 1) return `${Math.round(abs * 1000)} ms`;
  if (abs < 10) return `${oneDecimal.format(abs)} s`;
  if (abs < 60) return `${Math.round(abs)} s`;
  const total = Math.round(abs);
  const units = [['d', 86_400], ['h', 3_600], ['min', 60], ['s', 1]];
  const parts = [];
  let rest = total;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push([count, unit]);
  }
  return parts.slice(0, 2).filter(([count], i) => i === 0 || count > 0).map(([c, u]) => `${c} ${u}`).join(' ');
}

/** "5 s ago", "in 3 min", "2 h ago", "just now": one unit, rounded down, is enough at a glance. */
export function formatRelative(iso, now = Date.now()) {
  if (!iso) return '—';
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const abs = Math.abs(seconds);
  if (abs < 1.5) return 'just now';
  const [unit, size] = [['d', 86_400], ['h', 3_600], ['min', 60], ['s', 1]].find(([, length]) => abs >= length);
  const text = `${Math.floor(abs / size)} ${unit}`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** Clock time today, date and time otherwise. */
export function formatTime(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  const today = new Date();
  return date.toDateString() === today.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

export const formatFullTime = (iso) => (iso ? fullFormat.format(new Date(iso)) : '—');

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : oneDecimal.format(value)} ${units[unit]}`;
}

/** MiB as GB with one decimal (VRAM is reported in MiB by nvidia-smi). */
export const formatVram = (mb) => (mb === null || mb === undefined ? '—' : `${oneDecimal.format(mb / 1024)} GB`);

/** "queued" → "Queued", "invalid_input" → "Invalid input". */
export function titleCase(wire) {
  const text = String(wire ?? '').replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "1 worker", "3 workers", with the number grouped. */
export const plural = (n, word, many = `${word}s`) => `${formatNumber(n)} ${n === 1 ? word : many}`;
