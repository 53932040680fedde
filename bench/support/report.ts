// The rows of `npm run bench`'s report: a figure over several runs, the reference measured in
// the same run, the ratio between them and the target it is judged by.
import { fmt, table, type Summary } from './harness';

export interface Figure {
  name: string;
  unit: string;
  value: Summary;
  /** How many runs `value` summarises. */
  runs: number;
  digits?: number;
  reference?: { name: string; value: Summary };
  /** Which way the figure is better, for the ratio's reading (value ÷ reference median). */
  better?: 'higher' | 'lower';
  /** A bound on the ratio or on the median itself; no target leaves the figure informational. */
  target?: { on: 'ratio' | 'value'; op: '≥' | '≤'; bound: number };
}

export interface Section {
  title: string;
  method: string;
  figures: Figure[];
  notes?: string[];
}

export const ratioOf = (figure: Figure): number | undefined =>
  figure.reference ? figure.value.median / figure.reference.value.median : undefined;

/** true/false against the target; undefined without one (or without the ratio it needs). */
export function verdict(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (!target) return undefined;
  const measured = target.on === 'ratio' ? ratioOf(figure) : figure.value.median;
  if (measured === undefined || Number.isNaN(measured)) return undefined;
  return target.op === '≥' ? measured >= target.bound : measured <= target.bound;
}

function spread(value: Summary, digits: number): string {
  return `${fmt(value.min, digits)}–${fmt(value.max, digits)}`;
}

function targetText(figure: Figure): string {
  const { target } = figure;
  if (!target) return 'none set';
  const bound = fmt(target.bound, target.on === 'ratio' ? 2 : (figure.digits ?? 0));
  return target.on === 'ratio'
    ? `ratio ${target.op} ${bound}`
    : `${target.op} ${bound} ${figure.unit}`;
}

export function renderSection(section: Section): string {
  const rows = section.figures.map((figure) => {
    const digits = figure.digits ?? 0;
    const ratio = ratioOf(figure);
    const ok = verdict(figure);
    return [
      figure.name,
      `**${fmt(figure.value.median, digits)}** ${figure.unit}`,
      spread(figure.value, digits),
      String(figure.runs),
      figure.reference
        ? `${figure.reference.name}: ${fmt(figure.reference.value.median, digits)}`
        : '—',
      ratio === undefined
        ? '—'
        : `${fmt(ratio, 2)}${figure.better === 'lower' ? ' (lower is better)' : ''}`,
      targetText(figure),
      ok === undefined ? '' : ok ? '✓' : '✗',
    ];
  });
  return [
    `## ${section.title}`,
    '',
    section.method,
    '',
    table(
      [
        'figure',
        'median',
        'min–max',
        'runs',
        'reference (median, same run)',
        'ratio',
        'target',
        'met',
      ],
      rows,
    ),
    ...(section.notes?.length ? ['', ...section.notes.map((note) => `- ${note}`)] : []),
  ].join('\n');
}
