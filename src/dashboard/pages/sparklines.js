// 7-day sparklines as inline SVG: a polyline per run of buckets, broken where a bucket
// has no data, coloured by the week's direction.
import { api, el, svg } from './common.js';

const WIDTH = 120;
const HEIGHT = 32;
/** Fewer hourly closes than this say little about a week: a dash instead. */
const MIN_POINTS = 6;

export async function loadSparklines(symbols) {
  if (symbols.length === 0) return {};
  const answer = await api('/dashboard/data/sparklines', { query: { symbols: symbols.join(',') } });
  return answer.sparklines;
}

export function sparkline(points) {
  const values = (points ?? []).filter((p) => p !== null);
  if (values.length < MIN_POINTS) {
    return el(
      'span',
      { className: 'flat', title: `${values.length} hourly candles in the last 7 days` },
      '—',
    );
  }
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const step = WIDTH / Math.max(1, points.length - 1);
  const first = values[0];
  const last = values[values.length - 1];
  const node = svg('svg', {
    class: `sparkline ${last >= first ? 'up' : 'down'}`,
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': `7 days: from ${first} to ${last}`,
  });
  let run = [];
  const flush = () => {
    if (run.length > 1) node.append(svg('polyline', { points: run.join(' ') }));
    run = [];
  };
  points.forEach((value, i) => {
    if (value === null) return flush();
    const y = HEIGHT - 2 - ((value - low) / span) * (HEIGHT - 4);
    run.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
  });
  flush();
  return node;
}
