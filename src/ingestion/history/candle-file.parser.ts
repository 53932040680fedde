// Historical candles from the file layouts people have at hand: Yahoo-style CSV
// (Date,Open,High,Low,Close,Volume in any column order), Binance kline CSV (the columns of
// data.binance.vision, no header) and CoinGecko-style JSON ([ms, price] points, alone or as a
// market_chart object). Every row is checked; a bad one is rejected with its line and reason.
import { parse } from 'csv-parse/sync';
import type { Decimal } from '../../price-history/candles.repository';
import { candleProblem, timeProblem } from '../providers/record-checks';

export type CandleWidth = '1m' | '1h' | '1d';
export type CandleLayout = 'yahoo' | 'binance' | 'coingecko';

const WIDTH_MS: Record<CandleWidth, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

export interface ParsedCandle {
  openTime: number;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  volume: Decimal;
  quoteVolume: Decimal | null;
  tradeCount: number;
}

export interface ParsedCandleFile {
  layout: CandleLayout;
  width: CandleWidth;
  candles: ParsedCandle[];
  /** Rows refused, by line (CSV) or item (JSON), with why. */
  rejected: { at: string; reason: string }[];
}

export interface ParseOptions {
  /** What a volume column counts: the base asset (default) or the quote currency (USD). */
  volumeIn?: 'base' | 'quote';
  /** Times after this are refused (default now). */
  now?: number;
}

/** Refused whole: no layout recognised, no usable row, or no single candle width. */
export class CandleFileError extends Error {}

interface Row {
  at: string;
  time: number;
  values: { open: string; high: string; low: string; close: string; volume: string | null };
  quoteVolume?: string | null;
  tradeCount?: number;
  closeTime?: number;
}

export function parseCandleFile(text: string, options: ParseOptions = {}): ParsedCandleFile {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return fromPoints(trimmed, options);
  const lines = parse(trimmed, {
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  if (lines.length === 0) throw new CandleFileError('the file has no rows');
  const header = lines[0].record.map((h) => h.toLowerCase().replace(/[^a-z]/g, ''));
  if (header.some((h) => /[a-z]/.test(h))) return fromYahoo(header, lines.slice(1), options);
  return fromBinance(lines, options);
}

/** Columns by name: a date/time, open, high, low, close, and optionally a volume. */
function fromYahoo(
  header: string[],
  lines: { record: string[]; info: { lines: number } }[],
  options: ParseOptions,
): ParsedCandleFile {
  const find = (...names: string[]) => header.findIndex((h) => names.includes(h));
  const columns = {
    time: find('date', 'datetime', 'time', 'timestamp', 'opentime'),
    open: find('open'),
    high: find('high'),
    low: find('low'),
    close: find('close'),
    volume: find('volume'),
  };
  const missing = (['time', 'open', 'high', 'low', 'close'] as const).filter((c) => columns[c] < 0);
  if (missing.length > 0) {
    throw new CandleFileError(
      `the header names no ${missing.join(', ')} column (expected Date,Open,High,Low,Close[,Volume] in any order)`,
    );
  }
  const rows = lines.map(({ record, info }) => ({
    at: `line ${info.lines}`,
    time: parseTime(record[columns.time]),
    values: {
      open: record[columns.open],
      high: record[columns.high],
      low: record[columns.low],
      close: record[columns.close],
      volume: columns.volume >= 0 ? (record[columns.volume] ?? '') : null,
    },
  }));
  return finish('yahoo', rows, options);
}

/** open time, open, high, low, close, volume, close time, quote volume, trades, … */
function fromBinance(
  lines: { record: string[]; info: { lines: number } }[],
  options: ParseOptions,
): ParsedCandleFile {
  const rows: Row[] = lines.map(({ record, info }) => ({
    at: `line ${info.lines}`,
    time: record.length >= 6 ? epochMs(record[0]) : NaN,
    closeTime: record.length >= 7 ? epochMs(record[6]) : undefined,
    values: {
      open: record[1] ?? '',
      high: record[2] ?? '',
      low: record[3] ?? '',
      close: record[4] ?? '',
      volume: record[5] ?? '',
    },
    quoteVolume: record[7] ?? null,
    tradeCount: record[8] === undefined ? 0 : Number(record[8]),
  }));
  return finish('binance', rows, { ...options, volumeIn: 'base' });
}

/** `[[ms, price], …]` or `{prices: [[ms, price]], total_volumes?: [[ms, volume]]}`. */
function fromPoints(text: string, options: ParseOptions): ParsedCandleFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CandleFileError(`the file is not valid JSON: ${(error as Error).message}`);
  }
  const object = json as { prices?: unknown; total_volumes?: unknown };
  const prices = Array.isArray(json) ? json : object.prices;
  if (!Array.isArray(prices)) {
    throw new CandleFileError('JSON must be a list of [ms, price] points or have a "prices" list');
  }
  const volumes = new Map<number, number>();
  if (!Array.isArray(json) && Array.isArray(object.total_volumes)) {
    for (const point of object.total_volumes as unknown[]) {
      if (Array.isArray(point) && typeof point[0] === 'number' && typeof point[1] === 'number')
        volumes.set(point[0], point[1]);
    }
  }
  const rows: Row[] = prices.map((point: unknown, index) => {
    const valid =
      Array.isArray(point) && typeof point[0] === 'number' && typeof point[1] === 'number';
    const price = valid ? String(point[1]) : '';
    const volume = valid ? volumes.get(point[0] as number) : undefined;
    return {
      at: `item ${index}`,
      time: valid ? epochMs(String(point[0])) : NaN,
      values: {
        open: price,
        high: price,
        low: price,
        close: price,
        volume: volume === undefined ? null : String(volume),
      },
    };
  });
  // CoinGecko's volumes are in the quote currency (USD).
  return finish('coingecko', rows, { ...options, volumeIn: 'quote' });
}

function finish(layout: CandleLayout, rows: Row[], options: ParseOptions): ParsedCandleFile {
  const width = widthOf(rows);
  const widthMs = WIDTH_MS[width];
  const now = options.now ?? Date.now();
  const rejected: ParsedCandleFile['rejected'] = [];
  const byTime = new Map<number, ParsedCandle>();
  const firstAt = new Map<number, string>();
  for (const row of rows) {
    const reason = rowProblem(row, widthMs, now);
    if (reason) {
      rejected.push({ at: row.at, reason });
      continue;
    }
    if (firstAt.has(row.time)) {
      rejected.push({ at: row.at, reason: `repeats the time of ${firstAt.get(row.time)}` });
      continue;
    }
    firstAt.set(row.time, row.at);
    byTime.set(row.time, toCandle(row, options.volumeIn ?? 'base'));
  }
  if (byTime.size === 0) {
    throw new CandleFileError(
      `no usable row${rejected[0] ? ` (${rejected[0].at}: ${rejected[0].reason})` : ''}`,
    );
  }
  const candles = [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
  return { layout, width, candles, rejected };
}

function rowProblem(row: Row, widthMs: number, now: number): string | null {
  const timeIssue = timeProblem('time', row.time, now);
  if (timeIssue) return timeIssue;
  if (row.time % widthMs !== 0)
    return `time ${new Date(row.time).toISOString()} does not start a candle of the file's width`;
  if (row.closeTime !== undefined && row.closeTime !== row.time + widthMs - 1) {
    return 'close time does not end the candle one width after its open time';
  }
  const { open, high, low, close, volume } = row.values;
  for (const [label, value] of Object.entries({ open, high, low, close })) {
    if (!isDecimal(value)) return `${label} '${value}' is not a number`;
  }
  if (volume !== null && volume !== '' && !isDecimal(volume))
    return `volume '${volume}' is not a number`;
  return candleProblem(Number(open), Number(high), Number(low), Number(close), Number(volume || 0));
}

function toCandle(row: Row, volumeIn: 'base' | 'quote'): ParsedCandle {
  const { open, high, low, close, volume } = row.values;
  const amount = volume === null || volume === '' ? null : volume;
  return {
    openTime: row.time,
    open,
    high,
    low,
    close,
    // A volume counted in the quote currency becomes base units at the close (approximate).
    volume:
      amount === null ? 0 : volumeIn === 'base' ? amount : String(Number(amount) / Number(close)),
    quoteVolume: volumeIn === 'quote' ? amount : (row.quoteVolume ?? null) || null,
    tradeCount: Number.isInteger(row.tradeCount) ? row.tradeCount! : 0,
  };
}

/** The width the rows are spaced at (the most common step between consecutive times). */
function widthOf(rows: Row[]): CandleWidth {
  const times = [...new Set(rows.map((r) => r.time).filter(Number.isFinite))].sort((a, b) => a - b);
  const steps = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    const step = times[i] - times[i - 1];
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  const closeStep = rows.find((r) => r.closeTime !== undefined && Number.isFinite(r.time));
  const step =
    closeStep?.closeTime !== undefined
      ? closeStep.closeTime - closeStep.time + 1
      : ([...steps].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? WIDTH_MS['1d']);
  const width = (Object.keys(WIDTH_MS) as CandleWidth[]).find((w) => WIDTH_MS[w] === step);
  if (!width) {
    throw new CandleFileError(
      `rows are ${step / 60_000} minutes apart: candles of 1 minute, 1 hour or 1 day are accepted`,
    );
  }
  return width;
}

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const isDecimal = (value: string | undefined): boolean =>
  value !== undefined && DECIMAL.test(value) && Number.isFinite(Number(value));

/** Epoch seconds, milliseconds or microseconds (Binance files since 2025) as milliseconds. */
function epochMs(value: string | undefined): number {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return NaN;
  const n = Number(value);
  if (n < 1e11) return n * 1_000;
  if (n < 1e14) return n;
  return Math.floor(n / 1_000);
}

/** A date (`2024-01-31`, midnight UTC), an ISO 8601 time, or epoch seconds/ms/µs. */
function parseTime(value: string | undefined): number {
  if (value === undefined || value === '') return NaN;
  if (/^\d+(\.\d+)?$/.test(value)) return epochMs(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) return NaN;
  const iso = value.replace(' ', 'T');
  return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
}
