import { Injectable } from '@nestjs/common';
import { toNumberOrNull } from '../common/dto/numbers';
import { AppException } from '../common/errors/app.exception';
import { mapRows, type CsvExport } from '../common/http/csv';
import { CryptocurrenciesService } from '../cryptocurrencies/cryptocurrencies.service';
import { convert, type RateTable } from '../currencies/conversion';
import { QuoteConverter } from '../currencies/quote-converter';
import { CandlesRepository, type CandleRow } from './candles.repository';
import type { OhlcCandleDto, OhlcDto, OhlcGapDto, OhlcQuery } from './dto/ohlc.dto';
import { candlePages, type BucketRange } from './export-pages';
import { TIMEFRAME_MS, bucketStart, type Timeframe } from './timeframe';

export const DEFAULT_LIMIT = 100;

export interface OhlcSeries {
  vsCurrency: string;
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
  /** Pages of candles, oldest first. */
  candles: AsyncIterable<SeriesCandle[]>;
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

/** A bucket in the quote currency, at the rate of its own day (prices; volume is in base units). */
function toCandle(candle: SeriesCandle, rates: RateTable): OhlcCandleDto {
  const rate = rates.instant(candle.time);
  return {
    timestamp: candle.time,
    open: convert(candle.open, rate),
    high: convert(candle.high, rate),
    low: convert(candle.low, rate),
    close: convert(candle.close, rate),
    volume: toNumberOrNull(candle.volume) ?? 0,
    trade_count: Number(candle.trade_count),
    is_closed: candle.is_closed,
    ...(candle.source ? { source: candle.source } : {}),
    ...(candle.filled ? { filled: true } : {}),
  };
}

async function* flatten<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
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
    private readonly quotes: QuoteConverter,
  ) {}

  async ohlc(symbol: string, query: OhlcQuery): Promise<OhlcDto> {
    const timeframe = query.timeframe ?? '1h';
    const series = await this.series(symbol, timeframe, query);
    return {
      symbol,
      vs_currency: series.vsCurrency,
      timeframe,
      source: series.source,
      ohlc: series.candles,
      gaps: series.gaps,
    };
  }

  /**
   * The candles of /ohlc as CSV, read as they are written. With `start` and no `limit` the
   * file covers the whole range up to `end` (default now), however many buckets that is;
   * otherwise the buckets the JSON answer has. Missing buckets are absent rows (or, with
   * fill=previous, filled rows).
   */
  async ohlcCsv(symbol: string, query: OhlcQuery): Promise<CsvExport> {
    const timeframe = query.timeframe ?? '1h';
    const { currency, rates } = await this.quotes.quote(query.vs_currency);
    const series = await this.open(symbol, timeframe, query, {
      wholeRange: query.start !== undefined && query.limit === undefined,
    });
    const price = (value: string, time: number) =>
      rates.isIdentity ? value : (convert(value, rates.instant(time)) ?? '');
    return {
      filename: `${symbol}-ohlc-${timeframe}${currency.code === 'usd' ? '' : `-${currency.code}`}.csv`,
      header: OHLC_CSV_HEADER,
      rows: mapRows(flatten(series.candles), (candle) => [
        new Date(candle.time).toISOString(),
        candle.time,
        price(candle.open, candle.time),
        price(candle.high, candle.time),
        price(candle.low, candle.time),
        price(candle.close, candle.time),
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
    const quote = await this.quotes.quote(query.vs_currency);
    const series = await this.open(symbol, timeframe, query, { wholeRange: false });
    const candles: OhlcCandleDto[] = [];
    for await (const page of series.candles)
      for (const candle of page) candles.push(toCandle(candle, quote.rates));
    // The series' source: the one asked for, else the newest candle's (what feeds it now).
    const newest = candles
      .findLast((c) => !c.filled)
      ?.source?.split(',')
      .at(-1);
    return {
      vsCurrency: quote.currency.code,
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
  ): AsyncGenerator<SeriesCandle[]> {
    const width = TIMEFRAME_MS[range.timeframe];
    let previousClose = fill
      ? await this.candles.closeBefore(range.assetId, source, range.timeframe, new Date(range.from))
      : null;
    let next = range.from;
    const fillUntil = (end: number, page: SeriesCandle[]): void => {
      for (; previousClose !== null && next < end; next += width) {
        page.push({
          time: next,
          open: previousClose,
          high: previousClose,
          low: previousClose,
          close: previousClose,
          volume: '0',
          trade_count: 0,
          is_closed: next + width <= Date.now(),
          filled: true,
        });
      }
    };
    for await (const rows of candlePages(this.candles, { ...range, source })) {
      const page: SeriesCandle[] = [];
      for (const row of rows) {
        const time = new Date(row.open_time).getTime();
        if (fill) fillUntil(time, page);
        page.push({
          time,
          open: row.open,
          high: row.high,
          low: row.low,
          close: row.close,
          volume: row.volume,
          trade_count: row.trade_count,
          is_closed: row.is_closed,
          source: row.source,
          filled: false,
        });
        previousClose = row.close;
        next = time + width;
      }
      yield page;
    }
    if (fill) {
      const page: SeriesCandle[] = [];
      fillUntil(range.to, page);
      if (page.length > 0) yield page;
    }
  }
}
