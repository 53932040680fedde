import { Injectable } from '@nestjs/common';
import { BollingerBands, EMA, MACD, RSI, SMA } from 'technicalindicators';
import { toNumberOrNull } from '../common/dto/numbers';
import { AppException } from '../common/errors/app.exception';
import { mapRows, type CsvExport } from '../common/http/csv';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { CandlesRepository, type CandleRow } from './candles.repository';
import type {
  IndicatorName,
  IndicatorPointDto,
  IndicatorsDto,
  IndicatorsQuery,
} from './dto/indicators.dto';
import type { OhlcCandleDto, OhlcDto, OhlcGapDto, OhlcQuery } from './dto/ohlc.dto';
import { INDICATORS } from './dto/indicators.dto';
import { candlePages, type BucketRange } from './export-pages';
import { TIMEFRAME_MS, bucketStart, type Timeframe } from './timeframe';

const DEFAULT_LIMIT = 100;

export interface OhlcSeries {
  source: string | null;
  candles: OhlcCandleDto[];
  gaps: OhlcGapDto[];
}

/** A bucket as read (numeric columns as PostgreSQL prints them), or synthesised by a fill. */
interface SeriesCandle extends Omit<CandleRow, 'open_time' | 'vwap'> {
  time: number;
  filled: boolean;
}

/** The buckets of a request: which source, which range, and its candles as they are read. */
interface OpenedSeries {
  source: string | null;
  from: number;
  to: number;
  width: number;
  candles: AsyncIterable<SeriesCandle>;
}

export const OHLC_CSV_HEADER = [
  'timestamp',
  'timestamp_ms',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'trade_count',
  'is_closed',
  'filled',
  'source',
] as const;

function toCandle(candle: SeriesCandle): OhlcCandleDto {
  return {
    timestamp: candle.time,
    open: Number(candle.open),
    high: Number(candle.high),
    low: Number(candle.low),
    close: Number(candle.close),
    volume: toNumberOrNull(candle.volume) ?? 0,
    trade_count: Number(candle.trade_count),
    is_closed: candle.is_closed,
    ...(candle.source ? { source: candle.source } : {}),
    ...(candle.filled ? { filled: true } : {}),
  };
}

/** Runs of buckets in [from, to) without a stored candle (filled ones count as missing). */
function gapsOf(candles: OhlcCandleDto[], from: number, to: number, width: number): OhlcGapDto[] {
  const gaps: OhlcGapDto[] = [];
  let expected = from;
  for (const candle of candles) {
    if (candle.filled) continue;
    if (candle.timestamp > expected) gaps.push({ from: expected, to: candle.timestamp });
    expected = candle.timestamp + width;
  }
  if (expected < to) gaps.push({ from: expected, to });
  return gaps;
}

@Injectable()
export class OhlcService {
  constructor(
    private readonly cryptocurrencies: CryptocurrenciesService,
    private readonly candles: CandlesRepository,
  ) {}

  async ohlc(symbol: string, query: OhlcQuery): Promise<OhlcDto> {
    const timeframe = query.timeframe ?? '1h';
    const series = await this.series(symbol, timeframe, query);
    return { symbol, timeframe, source: series.source, ohlc: series.candles, gaps: series.gaps };
  }

  /**
   * The candles of /ohlc as CSV, read as they are written. With `start` and no `limit` the
   * file covers the whole range up to `end` (default now), however many buckets that is;
   * otherwise the buckets the JSON answer has. Missing buckets are absent rows (or, with
   * fill=previous, filled rows).
   */
  async ohlcCsv(symbol: string, query: OhlcQuery): Promise<CsvExport> {
    const timeframe = query.timeframe ?? '1h';
    const series = await this.open(symbol, timeframe, query, {
      wholeRange: query.start !== undefined && query.limit === undefined,
    });
    return {
      filename: `${symbol}-ohlc-${timeframe}.csv`,
      header: OHLC_CSV_HEADER,
      rows: mapRows(series.candles, (candle) => [
        new Date(candle.time).toISOString(),
        candle.time,
        candle.open,
        candle.high,
        candle.low,
        candle.close,
        candle.volume,
        candle.trade_count,
        candle.is_closed,
        candle.filled,
        candle.source ?? '',
      ]),
    };
  }

  /**
   * Up to `limit` buckets: forward from `start` when given, otherwise the newest ones up to
   * `end` (default now). Buckets without data are reported as gaps and, with
   * fill=previous, replaced by flat candles at the previous close.
   */
  async series(
    symbol: string,
    timeframe: Timeframe,
    query: Omit<OhlcQuery, 'timeframe'>,
  ): Promise<OhlcSeries> {
    const series = await this.open(symbol, timeframe, query, { wholeRange: false });
    const candles: OhlcCandleDto[] = [];
    for await (const candle of series.candles) candles.push(toCandle(candle));
    // The series' source: the one asked for, else the newest candle's (what feeds it now).
    const newest = candles
      .findLast((c) => !c.filled)
      ?.source?.split(',')
      .at(-1);
    return {
      source: series.source ?? newest ?? null,
      candles,
      gaps: gapsOf(candles, series.from, series.to, series.width),
    };
  }

  /** Checks the request and finds its range and source; the candles are read when iterated. */
  private async open(
    symbol: string,
    timeframe: Timeframe,
    query: Omit<OhlcQuery, 'timeframe'>,
    options: { wholeRange: boolean },
  ): Promise<OpenedSeries> {
    if (query.start && query.end && query.start > query.end) {
      throw AppException.validation([{ field: 'start', message: 'start must not be after end' }]);
    }
    const asset = await this.cryptocurrencies.require(symbol);
    const width = TIMEFRAME_MS[timeframe];
    const limit = query.limit ?? DEFAULT_LIMIT;
    const endBucket = bucketStart((query.end ?? new Date()).getTime(), timeframe);
    let from: number;
    let to: number;
    if (query.start) {
      from = bucketStart(query.start.getTime(), timeframe);
      to = options.wholeRange
        ? endBucket + width
        : Math.min(endBucket + width, from + limit * width);
    } else {
      to = endBucket + width;
      from = to - limit * width;
    }
    const source = query.source ?? null;
    const candles = this.buckets(
      { assetId: asset.id, source, timeframe, from, to },
      query.fill === 'previous',
    );
    return { source, from, to, width, candles };
  }

  /**
   * The stored buckets of a range, oldest first, a page at a time; with `fill`, every bucket
   * without data in between becomes a flat candle at the previous close.
   */
  private async *buckets(
    { source, ...range }: Omit<BucketRange, 'source'> & { source: string | null },
    fill: boolean,
  ): AsyncGenerator<SeriesCandle> {
    const width = TIMEFRAME_MS[range.timeframe];
    let previousClose = fill
      ? await this.candles.closeBefore(range.assetId, source, range.timeframe, new Date(range.from))
      : null;
    let next = range.from;
    const filledUntil = function* (end: number): Generator<SeriesCandle> {
      for (; previousClose !== null && next < end; next += width) {
        yield {
          time: next,
          open: previousClose,
          high: previousClose,
          low: previousClose,
          close: previousClose,
          volume: '0',
          trade_count: 0,
          is_closed: next + width <= Date.now(),
          filled: true,
        };
      }
    };
    for await (const row of candlePages(this.candles, { ...range, source })) {
      const time = new Date(row.open_time).getTime();
      if (fill) yield* filledUntil(time);
      yield { ...row, time, filled: false };
      previousClose = row.close;
      next = time + width;
    }
    if (fill) yield* filledUntil(range.to);
  }

  async indicators(symbol: string, query: IndicatorsQuery): Promise<IndicatorsDto> {
    const timeframe = query.timeframe ?? '1h';
    const params = {
      period: query.period ?? 20,
      rsi_period: query.rsi_period ?? 14,
      macd_fast: query.macd_fast ?? 12,
      macd_slow: query.macd_slow ?? 26,
      macd_signal: query.macd_signal ?? 9,
      stddev: query.stddev ?? 2,
    };
    if (params.macd_fast >= params.macd_slow) {
      throw AppException.validation([
        { field: 'macd_fast', message: 'macd_fast must be less than macd_slow' },
      ]);
    }
    const points = query.limit ?? DEFAULT_LIMIT;
    const warmUp = Math.max(
      params.period,
      params.rsi_period + 1,
      params.macd_slow + params.macd_signal,
    );
    // Over a regular series ending at the newest candle: gaps carry the previous close, so
    // every step is one timeframe apart as the formulas assume.
    const asset = await this.cryptocurrencies.require(symbol);
    const end = query.end ?? (await this.candles.latestOpenTime(asset.id, timeframe)) ?? new Date();
    const { candles } = await this.series(symbol, timeframe, {
      limit: Math.min(points + warmUp, 1_000),
      end: new Date(end),
      fill: 'previous',
    });
    const times = candles.map((c) => c.timestamp);
    const closes = candles.map((c) => c.close);
    // Each library result is aligned to the end of the input: result[i] belongs to the
    // candle at index (closes.length - result.length + i).
    const align = <T>(
      values: T[],
      map: (value: T) => Omit<IndicatorPointDto, 'timestamp'>,
    ): IndicatorPointDto[] =>
      values
        .map((value, i) => ({ timestamp: times[closes.length - values.length + i], ...map(value) }))
        .slice(-points);

    const compute: Record<IndicatorName, () => IndicatorPointDto[]> = {
      sma: () =>
        align(SMA.calculate({ period: params.period, values: closes }), (value) => ({ value })),
      ema: () =>
        align(EMA.calculate({ period: params.period, values: closes }), (value) => ({ value })),
      rsi: () =>
        align(RSI.calculate({ period: params.rsi_period, values: closes }), (value) => ({ value })),
      macd: () =>
        align(
          MACD.calculate({
            values: closes,
            fastPeriod: params.macd_fast,
            slowPeriod: params.macd_slow,
            signalPeriod: params.macd_signal,
            SimpleMAOscillator: false,
            SimpleMASignal: false,
          }).filter((m) => m.signal !== undefined),
          (m) => ({ macd: m.MACD, signal: m.signal, histogram: m.histogram }),
        ),
      bollinger: () =>
        align(
          BollingerBands.calculate({
            period: params.period,
            stdDev: params.stddev,
            values: closes,
          }),
          (b) => ({
            upper: b.upper,
            middle: b.middle,
            lower: b.lower,
          }),
        ),
    };
    const requested = query.indicators ?? [...INDICATORS];
    // Candles each indicator needs before its first point.
    const needed: Record<IndicatorName, number> = {
      sma: params.period,
      ema: params.period,
      bollinger: params.period,
      rsi: params.rsi_period + 1,
      macd: params.macd_slow + params.macd_signal - 1,
    };
    const indicators = Object.fromEntries(requested.map((name) => [name, compute[name]()]));
    const warnings = requested
      .filter((name) => indicators[name].length < points)
      .map((name) => ({
        indicator: name,
        needed: needed[name],
        available: candles.length,
        message:
          `${name} needs ${needed[name]} candles of ${timeframe} for its first point, ` +
          `${candles.length} available: ` +
          (indicators[name].length === 0
            ? 'no points'
            : `${indicators[name].length} of the ${points} points asked for`),
      }));
    return { symbol, timeframe, params, candles: candles.length, indicators, warnings };
  }
}
